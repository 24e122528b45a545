/* User and group ids: Linux's calls and permission rules (docs/user-abi.md,
 * "ids"), in one thread and, through glibc's broadcast to every thread, in a
 * threaded process. */
#define _GNU_SOURCE
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"
#include "tine_proc.h"

/* On tine, the process layer's invariant checker (tine_proc = 2002, root
 * only): the number of problems, 0 elsewhere. */
static long invariant_problems(void) {
  long r = syscall(2002, TINE_PROC_CHECK, 0);
  return r < 0 ? 0 : r;
}

static int ids_are(uid_t r, uid_t e, uid_t s) {
  uid_t a, b, c;
  return getresuid(&a, &b, &c) == 0 && a == r && b == e && c == s;
}

static int gids_are(gid_t r, gid_t e, gid_t s) {
  gid_t a, b, c;
  return getresgid(&a, &b, &c) == 0 && a == r && b == e && c == s;
}

/* The rules, in a child that starts as root. */
static int uid_rules(void* arg) {
  (void)arg;
  int bad = 0;
#define MUST(cond) \
  bad |= !(cond) ? (printf("UTEST-INFO ids: %s failed (line %d)\n", #cond, __LINE__), 1) : 0
  MUST(getuid() == 0 && geteuid() == 0 && getgid() == 0 && getegid() == 0);
  /* root: setresuid sets the three as asked. */
  MUST(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1);
  MUST(setresuid(1000, 1001, 0) == 0 && ids_are(1000, 1001, 0));
  /* A changed effective uid: not dumpable any more (Linux, suid_dumpable 0). */
  MUST(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0);
  /* no longer root (euid 1001): each new value must be an old one. */
  MUST(setresuid(1002, -1, -1) == -1 && errno == EPERM);
  MUST(setresuid(-1, 0, -1) == 0 && ids_are(1000, 0, 0)); /* the saved uid is 0 */
  /* setreuid: the saved uid follows a new effective uid. */
  MUST(setreuid(-1, 1001) == 0 && ids_are(1000, 1001, 1001));
  MUST(setreuid(-1, 0) == -1 && errno == EPERM); /* 0 is gone now */
  MUST(setreuid(1001, -1) == 0 && ids_are(1001, 1001, 1001));
  /* setuid as non-root: the real or saved uid only. */
  MUST(setuid(1001) == 0);
  MUST(setuid(1000) == -1 && errno == EPERM);
  MUST(setuid(-1) == -1 && errno == EINVAL);
  MUST(setgroups(0, NULL) == -1 && errno == EPERM);
  MUST(setgid(5) == -1 && errno == EPERM);
  MUST(kill(1, 0) == -1 && errno == EPERM); /* init is root's */
  return bad;
}

void t_ids_rules(void) {
  int st = t_fork_status(uid_rules, NULL);
  CHECK("rules", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  EQ("invariants", invariant_problems(), 0);
}

static int gid_rules(void* arg) {
  (void)arg;
  int bad = 0;
  MUST(setresgid(10, 11, 12) == 0 && gids_are(10, 11, 12));
  MUST(setregid(-1, 12) == 0 && gids_are(10, 12, 12));
  MUST(setgid(7) == 0 && gids_are(7, 7, 7)); /* root sets all three */
  gid_t g[3] = {30, 10, 20};
  MUST(setgroups(3, g) == 0);
  gid_t out[8];
  MUST(getgroups(0, NULL) == 3);
  MUST(getgroups(2, out) == -1 && errno == EINVAL);
  MUST(getgroups(8, out) == 3 && out[0] == 10 && out[1] == 20 && out[2] == 30);
  MUST(syscall(SYS_getgroups, 8, 16) == -1 && errno == EFAULT);
  MUST(syscall(SYS_getgroups, -1, out) == -1 && errno == EINVAL);
  MUST(setgroups(3, (gid_t*)16) == -1 && errno == EFAULT);
  /* as a user: the gids of the process only. */
  MUST(setuid(1000) == 0);
  MUST(setresgid(-1, 12, -1) == -1 && errno == EPERM);
  MUST(setresgid(7, 7, 7) == 0);
  MUST(getgroups(8, out) == 3); /* kept */
  return bad;
}

void t_ids_groups(void) {
  int st = t_fork_status(gid_rules, NULL);
  CHECK("rules", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Bad pointers: -EFAULT, nothing changed. */
void t_ids_faults(void) {
  EQ("getresuid", SYS(SYS_getresuid, 16, 16, 16), -EFAULT);
  EQ("getresgid", SYS(SYS_getresgid, NULL, NULL, NULL), -EFAULT);
  uid_t r;
  EQ("getresuid_third", SYS(SYS_getresuid, &r, &r, 16), -EFAULT);
}

/* setuid in a process with threads: glibc makes every thread call it
 * (SIGSETXID through tgkill, whose handler checks si_code and si_pid); the
 * ids are the process's, so each later call finds them already set. */
static volatile int g_go;
static void* idle_thread(void* arg) {
  (void)arg;
  while (!__atomic_load_n(&g_go, __ATOMIC_ACQUIRE)) t_sleep_ms(1);
  return (void*)(long)geteuid();
}

static int threaded_setuid(void* arg) {
  (void)arg;
  pthread_t t[3];
  for (int i = 0; i < 3; ++i) pthread_create(&t[i], NULL, idle_thread, NULL);
  int r = setuid(1000);
  __atomic_store_n(&g_go, 1, __ATOMIC_RELEASE);
  int bad = r != 0 || !ids_are(1000, 1000, 1000);
  for (int i = 0; i < 3; ++i) {
    void* e;
    pthread_join(t[i], &e);
    bad |= (long)e != 1000;
  }
  return bad;
}

void t_ids_threads(void) {
  int st = t_fork_status(threaded_setuid, NULL);
  CHECK("all_threads", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  EQ("invariants", invariant_problems(), 0);
}

/* The per-uid task count moves with the real uid: uid 1000's RLIMIT_NPROC
 * (here 3 tasks) counts this process's threads once they are 1000's. */
static void* sleeper(void* arg) {
  t_sleep_ms((unsigned)(long)arg);
  return NULL;
}

static int nproc_moves(void* arg) {
  (void)arg;
  struct rlimit {
    unsigned long cur, max;
  } lim = {3, 3};
  if (syscall(SYS_prlimit64, 0, 6 /* RLIMIT_NPROC */, &lim, NULL) != 0) return 1;
  pthread_t t[2];
  for (int i = 0; i < 2; ++i) pthread_create(&t[i], NULL, sleeper, (void*)300l);
  if (setuid(1000) != 0) return 2; /* three tasks now charged to 1000 */
  pthread_t extra;
  int e = pthread_create(&extra, NULL, sleeper, (void*)1l);
  if (e == 0) pthread_join(extra, NULL);
  for (int i = 0; i < 2; ++i) pthread_join(t[i], NULL);
  return e == EAGAIN ? 0 : 3;
}

void t_ids_nproc(void) {
  int st = t_fork_status(nproc_moves, NULL);
  t_check("limit_counts_threads", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
  EQ("invariants", invariant_problems(), 0);
}
