/* clone and clone3: the flags glibc and other programs use, their
 * combinations and Linux's errors (docs/user-abi.md, "clone"). */
#define _GNU_SOURCE
#include <linux/futex.h>
#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif

static volatile int* shared_page(void) {
  void* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

static long raw_clone(unsigned long flags, void* stack, int* ptid, unsigned long tls, int* ctid) {
  return SYS(SYS_clone, flags, stack, ptid, tls, ctid);
}

/* The kernel's process count, on tine (0 elsewhere): nothing may be left. */
static long procs_now(void) {
  uint64_t k[14];
  if (syscall(2000, k, sizeof k, 0) == -1) return 0;
  return (long)k[12];
}

/* Combinations Linux refuses, with its errors; none makes a child. */
void t_clone_errors(void) {
  long before = procs_now();
  int word = 0;
  EQ("thread_without_sighand", raw_clone(CLONE_VM | CLONE_THREAD | SIGCHLD, 0, 0, 0, 0), -EINVAL);
  EQ("sighand_without_vm", raw_clone(CLONE_SIGHAND | SIGCHLD, 0, 0, 0, 0), -EINVAL);
  EQ("newns_with_fs", raw_clone(CLONE_NEWNS | CLONE_FS | SIGCHLD, 0, 0, 0, 0), -EINVAL);
  EQ("newuser_with_fs", raw_clone(CLONE_NEWUSER | CLONE_FS | SIGCHLD, 0, 0, 0, 0), -EINVAL);
  EQ("pidfd_and_parent_settid",
     raw_clone(CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &word, 0, 0), -EINVAL);
  EQ("pidfd_detached", raw_clone(CLONE_PIDFD | CLONE_DETACHED | SIGCHLD, 0, &word, 0, 0), -EINVAL);
  EQ("thread_newpid", raw_clone(CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_NEWPID, 0, 0, 0, 0),
     -EINVAL);
  /* Namespaces: tine has none. Root gets what Linux built without them says. */
  EQ("newpid_root", raw_clone(CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0), -EINVAL);
  EQ("newuser", raw_clone(CLONE_NEWUSER | SIGCHLD, 0, 0, 0, 0), -EINVAL);
  /* A thread shares the descriptor table and file-system state (tine). */
  EQ("thread_without_files",
     raw_clone(CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_FS, 0, 0, 0, 0), -EINVAL);
  /* tid words the caller cannot write: -EFAULT, and no child. */
  EQ("parent_tid_efault", raw_clone(CLONE_PARENT_SETTID | SIGCHLD, 0, (int*)16, 0, 0), -EFAULT);
  EQ("child_tid_efault", raw_clone(CLONE_CHILD_SETTID | SIGCHLD, 0, 0, 0, (int*)16), -EFAULT);
  EQ("child_cleartid_kernel",
     raw_clone(CLONE_CHILD_CLEARTID | SIGCHLD, 0, 0, 0, (int*)0xffff000000001000ul), -EFAULT);
  int* ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  EQ("parent_tid_readonly", raw_clone(CLONE_PARENT_SETTID | SIGCHLD, 0, ro, 0, 0), -EFAULT);
  EQ("thread_tid_readonly",
     raw_clone(
         CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_PARENT_SETTID,
         (char*)ro + 4096, ro, 0, 0),
     -EFAULT);
  munmap(ro, 4096);
  EQ("no_child", waitpid(-1, NULL, WNOHANG | __WALL), -1);
  EQ("echild", errno, ECHILD);
  EQ("no_process_left", procs_now(), before);
}

static int as_user_1000(void* arg) {
  (void)arg;
  if (setuid(1000) != 0) return 1;
  /* A namespace needs CAP_SYS_ADMIN: -EPERM for an ordinary user. */
  return raw_clone(CLONE_NEWPID | SIGCHLD, 0, 0, 0, 0) == -EPERM &&
                 raw_clone(CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0) == -EPERM
             ? 0
             : 2;
}

void t_clone_namespace_user(void) {
  int st = t_fork_status(as_user_1000, NULL);
  CHECK("eperm", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static long raw_clone3(struct clone_args* a, size_t size) { return SYS(SYS_clone3, a, size); }

void t_clone3_errors(void) {
  long before = procs_now();
  struct clone_args a;
  memset(&a, 0, sizeof a);
  a.exit_signal = SIGCHLD;
  EQ("too_small", raw_clone3(&a, 63), -EINVAL);
  EQ("too_big", raw_clone3(&a, 4097), -E2BIG);
  char big[128];
  memset(big, 0, sizeof big);
  memcpy(big, &a, sizeof a);
  big[100] = 1;
  EQ("nonzero_tail", raw_clone3((struct clone_args*)big, sizeof big), -E2BIG);
  EQ("bad_pointer", raw_clone3((struct clone_args*)16, 64), -EFAULT);
  a.exit_signal = 65;
  EQ("bad_exit_signal", raw_clone3(&a, sizeof a), -EINVAL);
  a.exit_signal = SIGCHLD;
  a.flags = SIGCHLD;
  EQ("signal_in_flags", raw_clone3(&a, sizeof a), -EINVAL);
  a.flags = CLONE_DETACHED;
  EQ("detached", raw_clone3(&a, sizeof a), -EINVAL);
  a.flags = 1ull << 40;
  EQ("unknown_flag", raw_clone3(&a, sizeof a), -EINVAL);
  a.flags = CLONE_VM | CLONE_SIGHAND | CLONE_CLEAR_SIGHAND;
  EQ("sighand_and_clear", raw_clone3(&a, sizeof a), -EINVAL);
  a.flags = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD | CLONE_FS | CLONE_FILES;
  EQ("thread_with_exit_signal", raw_clone3(&a, sizeof a), -EINVAL);
  a.flags = 0;
  a.stack = 0;
  a.stack_size = 4096;
  EQ("size_without_stack", raw_clone3(&a, sizeof a), -EINVAL);
  a.stack = (uint64_t)big;
  a.stack_size = 0;
  EQ("stack_without_size", raw_clone3(&a, sizeof a), -EINVAL);
  a.stack = 0;
  a.set_tid_size = 1;
  EQ("set_tid_size_alone", raw_clone3(&a, sizeof a), -EINVAL);
  a.set_tid_size = 0;
  EQ("no_child", waitpid(-1, NULL, WNOHANG | __WALL), -1);
  EQ("no_process_left", procs_now(), before);
}

/* glibc's fork: clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD)
 * with the child's tid word. Here the word is in shared memory, so the
 * parent sees what the child's side wrote. */
void t_clone_fork_shape(void) {
  volatile int* sh = shared_page();
  sh[0] = -1;
  long pid = raw_clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, 0, 0, 0, (int*)&sh[0]);
  if (pid == 0) {
    sh[1] = getpid();
    sh[2] = (int)syscall(SYS_gettid);
    _exit(7);
  }
  int st = 0;
  EQ("waited", waitpid((pid_t)pid, &st, 0), pid);
  CHECK("status", WIFEXITED(st) && WEXITSTATUS(st) == 7);
  EQ("child_pid", sh[1], pid);
  EQ("child_tid_is_pid", sh[2], pid);
  /* The child's word got its tid; its exit left it (nothing shared its memory). */
  EQ("child_settid", sh[0], pid);
}

void t_clone_parent_settid(void) {
  int word = -1;
  long pid = raw_clone(CLONE_PARENT_SETTID | SIGCHLD, 0, &word, 0, 0);
  if (pid == 0) _exit(0);
  EQ("parent_word", word, pid);
  EQ("waited", waitpid((pid_t)pid, NULL, 0), pid);
}

static volatile int g_usr1;
static void on_usr1(int sig) {
  (void)sig;
  ++g_usr1;
}

/* The exit signal: SIGUSR1 reaches the parent; such a child is waited for
 * only with __WCLONE or __WALL; exit signal 0 sends nothing. */
void t_clone_exit_signal(void) {
  signal(SIGUSR1, on_usr1);
  g_usr1 = 0;
  long pid = raw_clone(SIGUSR1, 0, 0, 0, 0);
  if (pid == 0) _exit(3);
  int st = 0;
  uint64_t give_up = t_now_ns() + 5000000000ull;
  while (g_usr1 == 0 && t_now_ns() < give_up) t_sleep_ms(1);
  EQ("sigusr1", g_usr1, 1);
  EQ("not_without_wclone", waitpid((pid_t)pid, &st, WNOHANG), -1);
  EQ("echild", errno, ECHILD);
  EQ("wclone", waitpid((pid_t)pid, &st, __WCLONE), pid);
  CHECK("status", WIFEXITED(st) && WEXITSTATUS(st) == 3);
  pid = raw_clone(0, 0, 0, 0, 0);
  if (pid == 0) _exit(4);
  EQ("signal0_wall", waitpid((pid_t)pid, &st, __WALL), pid);
  CHECK("signal0_status", WIFEXITED(st) && WEXITSTATUS(st) == 4);
  EQ("signal0_sends_nothing", g_usr1, 1);
  pid = raw_clone(SIGCHLD, 0, 0, 0, 0);
  if (pid == 0) _exit(5);
  EQ("sigchld_not_wclone", waitpid((pid_t)pid, &st, __WCLONE), -1);
  EQ("sigchld_wall", waitpid((pid_t)pid, &st, __WALL), pid);
}

static volatile int g_vm_word;
static char g_stack[4][65536] __attribute__((aligned(16)));

static int set_word(void* arg) {
  g_vm_word = (int)(long)arg;
  return 9;
}

/* CLONE_VM: a process on the caller's memory. */
void t_clone_vm_process(void) {
  g_vm_word = 0;
  int pid = clone(set_word, g_stack[0] + sizeof g_stack[0], CLONE_VM | SIGCHLD, (void*)42);
  CHECK("made", pid > 0);
  int st = 0;
  EQ("waited", waitpid(pid, &st, 0), pid);
  CHECK("status", WIFEXITED(st) && WEXITSTATUS(st) == 9);
  EQ("shared_write", g_vm_word, 42);
  /* Without CLONE_VM the write stays in the child's copy. */
  pid = clone(set_word, g_stack[0] + sizeof g_stack[0], SIGCHLD, (void*)43);
  EQ("copy_waited", waitpid(pid, &st, 0), pid);
  EQ("private_write", g_vm_word, 42);
}

static int install_handler(void* arg) {
  (void)arg;
  signal(SIGUSR2, on_usr1);
  return 0;
}

/* CLONE_SIGHAND: the actions are the caller's; CLONE_CLEAR_SIGHAND (clone3)
 * starts the child with caught signals back to SIG_DFL. */
void t_clone_sighand(void) {
  signal(SIGUSR2, SIG_DFL);
  int pid = clone(install_handler, g_stack[0] + sizeof g_stack[0],
                  CLONE_VM | CLONE_SIGHAND | SIGCHLD, NULL);
  EQ("waited", waitpid(pid, NULL, 0), pid);
  struct sigaction sa;
  sigaction(SIGUSR2, NULL, &sa);
  CHECK("shared_action", sa.sa_handler == on_usr1);
  signal(SIGUSR2, SIG_DFL);
  pid = clone(install_handler, g_stack[0] + sizeof g_stack[0], CLONE_VM | SIGCHLD, NULL);
  EQ("copy_waited", waitpid(pid, NULL, 0), pid);
  sigaction(SIGUSR2, NULL, &sa);
  CHECK("copied_action", sa.sa_handler == SIG_DFL);
}

/* clone3 with CLONE_CLEAR_SIGHAND: caught signals start at SIG_DFL, ignored
 * ones stay ignored. */
void t_clone3_clear_sighand(void) {
  volatile int* sh = shared_page();
  signal(SIGUSR1, on_usr1);
  signal(SIGUSR2, SIG_IGN);
  struct clone_args a;
  memset(&a, 0, sizeof a);
  a.flags = CLONE_CLEAR_SIGHAND;
  a.exit_signal = SIGCHLD;
  long pid = raw_clone3(&a, sizeof a);
  if (pid == 0) {
    struct sigaction s1, s2;
    sigaction(SIGUSR1, NULL, &s1);
    sigaction(SIGUSR2, NULL, &s2);
    sh[0] = s1.sa_handler == SIG_DFL;
    sh[1] = s2.sa_handler == SIG_IGN;
    _exit(0);
  }
  CHECK("made", pid > 0);
  EQ("waited", waitpid((pid_t)pid, NULL, 0), pid);
  EQ("caught_reset", sh[0], 1);
  EQ("ignored_kept", sh[1], 1);
  struct sigaction s;
  sigaction(SIGUSR1, NULL, &s);
  CHECK("parent_kept", s.sa_handler == on_usr1);
}

/* A clone3 process on a stack given as base and size. */
static int g_clone3_stack_ok;
void t_clone3_stack(void) {
  volatile int* sh = shared_page();
  struct clone_args a;
  memset(&a, 0, sizeof a);
  a.flags = CLONE_VM | CLONE_VFORK;
  a.exit_signal = SIGCHLD;
  a.stack = (uint64_t)g_stack[1];
  a.stack_size = sizeof g_stack[1];
  g_clone3_stack_ok = 0;
  /* The child runs on g_stack[1] with the caller's registers: it must not
   * return through the caller's frames, so it ends with a raw exit_group. */
  register long x0 __asm__("x0") = (long)&a;
  register long x1 __asm__("x1") = sizeof a;
  register long x8 __asm__("x8") = SYS_clone3;
  register long sp_seen __asm__("x2") = 0;
  __asm__ volatile(
      "svc #0\n"
      "cbnz x0, 1f\n"
      "mov x2, sp\n"
      "str x2, [%[sh]]\n"
      "mov x0, #6\n"
      "mov x8, #94\n"
      "svc #0\n"
      "1:\n"
      : "+r"(x0), "+r"(sp_seen)
      : "r"(x1), "r"(x8), [sh] "r"(sh)
      : "memory", "x3", "x4", "x5", "x6", "x7");
  long pid = x0;
  int st = 0;
  CHECK("made", pid > 0);
  EQ("waited", waitpid((pid_t)pid, &st, 0), pid);
  CHECK("status", WIFEXITED(st) && WEXITSTATUS(st) == 6);
  uint64_t sp = *(volatile uint64_t*)sh;
  CHECK("sp_at_stack_end", sp == (uint64_t)g_stack[1] + sizeof g_stack[1]);
}

static int report_parent(void* arg) {
  volatile int* sh = arg;
  sh[0] = getppid();
  return 0;
}

/* CLONE_PARENT: the child is the caller's sibling, with the caller's exit
 * signal. Run in a middle process, so the grandchild's parent is this test. */
static int make_sibling(void* arg) {
  volatile int* sh = arg;
  int pid =
      clone(report_parent, g_stack[2] + sizeof g_stack[2], CLONE_PARENT | CLONE_VM, (void*)sh);
  sh[1] = pid;
  int st;
  sh[2] = waitpid(pid, &st, __WALL) == -1 && errno == ECHILD;
  return 0;
}

void t_clone_parent(void) {
  volatile int* sh = shared_page();
  int st = t_fork_status(make_sibling, (void*)sh);
  CHECK("middle_ok", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  CHECK("made", sh[1] > 0);
  EQ("not_the_callers_child", sh[2], 1);
  EQ("ours", waitpid(sh[1], &st, 0), sh[1]);
  EQ("its_parent_is_us", sh[0], getpid());
}

/* A thread by hand, as pthread_create makes one: same process, its own
 * thread id (written to the parent's word), TLS, cleared and woken tid word. */
static volatile uint64_t g_thread_tls;
static volatile int g_thread_pid, g_thread_tid;

static int thread_body(void* arg) {
  uint64_t tls;
  __asm__ volatile("mrs %0, tpidr_el0" : "=r"(tls));
  g_thread_tls = tls;
  g_thread_pid = (int)syscall(SYS_getpid);
  g_thread_tid = (int)syscall(SYS_gettid);
  return 0;
}

void t_clone_thread(void) {
  int ptid = -1;
  static int ctid;
  static char tls_area[64] __attribute__((aligned(16)));
  unsigned long flags = CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                        CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
  ctid = -1;
  int tid = clone(thread_body, g_stack[3] + sizeof g_stack[3], flags, NULL, &ptid, tls_area, &ctid);
  CHECK("made", tid > 0);
  EQ("parent_settid", ptid, tid);
  /* The cleared word is how a joiner learns the thread is gone. */
  uint64_t give_up = t_now_ns() + 5000000000ull;
  struct timespec slice = {0, 100000000};  // each wait bounded: a bug fails, not hangs
  int v;
  while ((v = __atomic_load_n(&ctid, __ATOMIC_ACQUIRE)) != 0 && t_now_ns() < give_up)
    syscall(SYS_futex, &ctid, FUTEX_WAIT, v, &slice, NULL, 0);
  EQ("cleared", ctid, 0);
  EQ("same_process", g_thread_pid, getpid());
  EQ("own_tid", g_thread_tid, tid);
  CHECK("tid_not_pid", tid != getpid());
  EQ("tls", g_thread_tls, (uint64_t)tls_area);
  EQ("not_a_child", waitpid(-1, NULL, WNOHANG | __WALL), -1);
}

/* CLONE_VFORK with CLONE_THREAD: the caller sleeps until the thread exits. */
static volatile int g_vfork_thread_done;
static int slow_thread(void* arg) {
  t_sleep_ms(30);
  g_vfork_thread_done = 1;
  return 0;
}

void t_clone_vfork_thread(void) {
  g_vfork_thread_done = 0;
  unsigned long flags =
      CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD | CLONE_VFORK;
  int tid = clone(slow_thread, g_stack[3] + sizeof g_stack[3], flags, NULL);
  CHECK("made", tid > 0);
  EQ("waited_for_it", g_vfork_thread_done, 1);
}

/* CLONE_VFORK process: the caller is suspended until the child execs or exits. */
void t_clone_vfork(void) {
  volatile int order = 0;
  pid_t pid = vfork();
  if (pid == 0) {
    order = 1;
    _exit(2);
  }
  EQ("child_ran_first", order, 1);
  int st;
  EQ("waited", waitpid(pid, &st, 0), pid);
  CHECK("status", WIFEXITED(st) && WEXITSTATUS(st) == 2);
}

/* Thread ids: unique system-wide, gettid is what clone returned. */
void t_clone_tids_unique(void) {
  int tids[8] = {0}; /* a clone that failed leaves 0s: not distinct */
  uint64_t tls;
  __asm__ volatile("mrs %0, tpidr_el0" : "=r"(tls));
  for (int i = 0; i < 8; ++i) {
    static int ct;
    ct = -1;
    tids[i] = clone(thread_body, g_stack[3] + sizeof g_stack[3],
                    CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
                        CLONE_SYSVSEM | CLONE_SETTLS | CLONE_CHILD_CLEARTID,
                    NULL, NULL, (void*)tls, &ct);
    if (tids[i] <= 0) break;
    /* Wait on the value seen: a second read could see the thread's 0 and
     * wait for a wake that has already happened. Each wait is bounded, so a
     * word never cleared fails the test instead of hanging it. */
    int v;
    struct timespec slice = {0, 100000000};
    uint64_t give_up = t_now_ns() + 2000000000ull;
    while ((v = __atomic_load_n(&ct, __ATOMIC_ACQUIRE)) != 0 && t_now_ns() < give_up)
      syscall(SYS_futex, &ct, FUTEX_WAIT, v, &slice, NULL, 0);
    EQ("cleared", ct, 0);
    EQ("gettid", g_thread_tid, tids[i]);
  }
  int distinct = 1;
  for (int i = 0; i < 8; ++i) {
    if (tids[i] <= 0 || tids[i] == getpid()) distinct = 0;
    for (int j = 0; j < i; ++j)
      if (tids[i] == tids[j]) distinct = 0;
  }
  CHECK("distinct", distinct);
  /* Once the thread is gone its id names nothing (its word is cleared a
   * little before it is quite gone). */
  uint64_t give_up = t_now_ns() + 2000000000ull;
  while (kill(tids[7], 0) == 0 && t_now_ns() < give_up) t_sleep_ms(1);
  EQ("gone", kill(tids[7], 0), -1);
  EQ("esrch", errno, ESRCH);
}
