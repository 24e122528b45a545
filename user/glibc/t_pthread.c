/* pthreads as programs use them: mutexes, condition variables, barriers,
 * rwlocks and semaphores on every CPU; robust mutexes; fork, pthread_atfork
 * and posix_spawn in a process with threads; signals to one thread. */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

#define WORKERS 8
#define ROUNDS 2000

static pthread_mutex_t g_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cond = PTHREAD_COND_INITIALIZER;
static pthread_barrier_t g_barrier;
static long g_counter;
static int g_turn;
static volatile int g_cpu_seen[64];

/* Each worker takes the mutex ROUNDS times and, between barriers, waits on
 * the condition variable for its turn in a ring. */
static void* worker(void* arg) {
  long id = (long)arg;
  int cpu = sched_getcpu();
  if (cpu >= 0 && cpu < 64) g_cpu_seen[cpu] = 1;
  for (int i = 0; i < ROUNDS; ++i) {
    pthread_mutex_lock(&g_mutex);
    ++g_counter;
    pthread_mutex_unlock(&g_mutex);
  }
  pthread_barrier_wait(&g_barrier);
  for (int lap = 0; lap < 20; ++lap) {
    pthread_mutex_lock(&g_mutex);
    while (g_turn % WORKERS != id) pthread_cond_wait(&g_cond, &g_mutex);
    ++g_turn;
    pthread_cond_broadcast(&g_cond);
    pthread_mutex_unlock(&g_mutex);
  }
  /* PTHREAD_BARRIER_SERIAL_THREAD is -1. NOLINTNEXTLINE(bugprone-posix-return) */
  int serial = pthread_barrier_wait(&g_barrier) == PTHREAD_BARRIER_SERIAL_THREAD;
  cpu = sched_getcpu();
  if (cpu >= 0 && cpu < 64) g_cpu_seen[cpu] = 1;
  return (void*)(long)serial;
}

void t_pthread_sync(void) {
  pthread_t t[WORKERS];
  g_counter = 0;
  g_turn = 0;
  pthread_barrier_init(&g_barrier, NULL, WORKERS);
  for (long i = 0; i < WORKERS; ++i) EQ("create", pthread_create(&t[i], NULL, worker, (void*)i), 0);
  int serials = 0;
  for (int i = 0; i < WORKERS; ++i) {
    void* r;
    EQ("join", pthread_join(t[i], &r), 0);
    serials += (int)(long)r;
  }
  EQ("mutex_counted", g_counter, (long)WORKERS * ROUNDS);
  EQ("cond_ring", g_turn, WORKERS * 20);
  EQ("one_serial", serials, 1);
  int cpus = 0;
  for (int i = 0; i < 64; ++i) cpus += g_cpu_seen[i];
  /* On tine's four CPUs the workers spread (qemu-user on the host may run
   * them on one). */
  if (t_on_tine()) t_check("cpus_used", cpus >= 2, "%d CPUs", cpus);
  pthread_barrier_destroy(&g_barrier);
}

static pthread_rwlock_t g_rw = PTHREAD_RWLOCK_INITIALIZER;
static sem_t g_sem;
static long g_shared_value;

static void* reader_writer(void* arg) {
  long id = (long)arg;
  for (int i = 0; i < 500; ++i) {
    if ((i + id) % 5 == 0) {
      pthread_rwlock_wrlock(&g_rw);
      g_shared_value += 2;
      pthread_rwlock_unlock(&g_rw);
    } else {
      pthread_rwlock_rdlock(&g_rw);
      long v = g_shared_value;
      if (v & 1) abort(); /* a writer's half-update seen */
      pthread_rwlock_unlock(&g_rw);
    }
  }
  sem_post(&g_sem);
  return NULL;
}

void t_pthread_rwlock_sem(void) {
  pthread_t t[4];
  sem_init(&g_sem, 0, 0);
  g_shared_value = 0;
  for (long i = 0; i < 4; ++i) pthread_create(&t[i], NULL, reader_writer, (void*)i);
  for (int i = 0; i < 4; ++i) EQ("sem_wait", sem_wait(&g_sem), 0);
  for (int i = 0; i < 4; ++i) pthread_join(t[i], NULL);
  EQ("writes", g_shared_value, 4 * 100 * 2);
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  ts.tv_nsec += 20000000;
  if (ts.tv_nsec >= 1000000000) ts.tv_sec++, ts.tv_nsec -= 1000000000;
  EQ("sem_timedwait", sem_timedwait(&g_sem, &ts), -1);
  EQ("etimedout", errno, ETIMEDOUT);
  sem_destroy(&g_sem);
}

/* A robust mutex whose owner thread ends holding it: the next locker gets
 * EOWNERDEAD (the kernel walked the dead thread's robust list). */
static pthread_mutex_t g_robust;
static void* lock_and_leave(void* arg) {
  (void)arg;
  pthread_mutex_lock(&g_robust);
  return NULL;
}

void t_pthread_robust(void) {
  pthread_mutexattr_t a;
  pthread_mutexattr_init(&a);
  pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
  pthread_mutex_init(&g_robust, &a);
  pthread_t t;
  pthread_create(&t, NULL, lock_and_leave, NULL);
  pthread_join(t, NULL);
  EQ("owner_dead", pthread_mutex_lock(&g_robust), EOWNERDEAD);
  EQ("consistent", pthread_mutex_consistent(&g_robust), 0);
  EQ("unlock", pthread_mutex_unlock(&g_robust), 0);
  EQ("lock_again", pthread_mutex_lock(&g_robust), 0);
  pthread_mutex_unlock(&g_robust);
  /* Between processes, in shared memory: the holder is killed. */
  pthread_mutex_t* m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
  pthread_mutex_init(m, &a);
  volatile int* flag = (volatile int*)(m + 1);
  *flag = 0;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    pthread_mutex_lock(m);
    *flag = 1;
    for (;;) pause();
  }
  while (!*flag) t_sleep_ms(1);
  kill(pid, SIGKILL);
  waitpid(pid, NULL, 0);
  EQ("shared_owner_dead", pthread_mutex_lock(m), EOWNERDEAD);
  pthread_mutex_consistent(m);
  pthread_mutex_unlock(m);
  munmap(m, 4096);
}

/* fork from a process with threads: the child has one thread and working
 * locks (glibc's fork holds its locks across it), malloc and stdio. */
static volatile int g_stop;
static void* churn(void* arg) {
  (void)arg;
  while (!__atomic_load_n(&g_stop, __ATOMIC_ACQUIRE)) {
    void* p = malloc(64 + (rand() & 1023));
    free(p);
    pthread_mutex_lock(&g_mutex);
    pthread_mutex_unlock(&g_mutex);
  }
  return NULL;
}

/* The atfork handlers hold g_mutex across the fork, so the child's copy is
 * never one another thread held (pthread_atfork's purpose). */
static int g_prepare, g_parent, g_child;
static void at_prepare(void) {
  pthread_mutex_lock(&g_mutex);
  g_prepare++;
}
static void at_parent(void) {
  g_parent++;
  pthread_mutex_unlock(&g_mutex);
}
static void at_child(void) {
  g_child++;
  pthread_mutex_unlock(&g_mutex);
}

void t_pthread_fork(void) {
  pthread_t t[3];
  g_stop = 0;
  for (int i = 0; i < 3; ++i) pthread_create(&t[i], NULL, churn, NULL);
  pthread_atfork(at_prepare, at_parent, at_child);
  int ok = 0;
  for (int i = 0; i < 20; ++i) {
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      int good = g_child == 1 && g_prepare == i + 1;
      void* p = malloc(4096); /* the allocator's lock is usable */
      good &= p != NULL;
      free(p);
      pthread_mutex_lock(&g_mutex);
      pthread_mutex_unlock(&g_mutex);
      char buf[32];
      snprintf(buf, sizeof buf, "%d", getpid());
      _exit(good ? 0 : 1);
    }
    int st;
    if (pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0) ++ok;
  }
  __atomic_store_n(&g_stop, 1, __ATOMIC_RELEASE);
  for (int i = 0; i < 3; ++i) pthread_join(t[i], NULL);
  EQ("children_fine", ok, 20);
  EQ("atfork_prepare", g_prepare, 20);
  EQ("atfork_parent", g_parent, 20);
  EQ("atfork_child_only_in_children", g_child, 0);
}

/* posix_spawn (glibc: clone(CLONE_VM | CLONE_VFORK) then exec) from a
 * process with threads. */
void t_posix_spawn(void) {
  pthread_t t;
  g_stop = 0;
  pthread_create(&t, NULL, churn, NULL);
  pid_t pid;
  char* argv[] = {(char*)t_self(), "child", "exit", "7", NULL};
  EQ("spawn", posix_spawn(&pid, t_self(), NULL, NULL, argv, environ), 0);
  int st;
  EQ("waited", waitpid(pid, &st, 0), pid);
  CHECK("status", WIFEXITED(st) && WEXITSTATUS(st) == 7);
  char* bad[] = {"/no/such/program", NULL};
  EQ("enoent", posix_spawn(&pid, bad[0], NULL, NULL, bad, environ), ENOENT);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t mask;
  sigemptyset(&mask);
  sigaddset(&mask, SIGUSR1);
  posix_spawnattr_setsigmask(&attr, &mask);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);
  char* argv2[] = {(char*)t_self(), "child", "sigmask-has-usr1", NULL};
  EQ("spawn_mask", posix_spawn(&pid, t_self(), NULL, &attr, argv2, environ), 0);
  EQ("waited_mask", waitpid(pid, &st, 0), pid);
  CHECK("mask_in_child", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  posix_spawnattr_destroy(&attr);
  __atomic_store_n(&g_stop, 1, __ATOMIC_RELEASE);
  pthread_join(t, NULL);
}

/* Signals to one thread: tgkill's signal runs in that thread; one it blocks
 * waits for it while the process's go to others; SIGKILL ends them all. */
static volatile pid_t g_handled_by;
static volatile int g_handled;
static void on_sig(int sig) {
  g_handled_by = (pid_t)syscall(SYS_gettid);
  __atomic_add_fetch(&g_handled, 1, __ATOMIC_RELAXED);
  (void)sig;
}

static volatile pid_t g_target_tid;
static volatile int g_unblock, g_target_done;
static void* target(void* arg) {
  (void)arg;
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &s, NULL);
  g_target_tid = (pid_t)syscall(SYS_gettid);
  while (!g_unblock) t_sleep_ms(1);
  pthread_sigmask(SIG_UNBLOCK, &s, NULL); /* the pending one is taken now */
  g_target_done = 1;
  while (g_target_done != 2) t_sleep_ms(1);
  return NULL;
}

void t_tgkill(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_sig;
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGUSR2, &sa, NULL);
  pthread_t t;
  g_target_tid = 0;
  g_unblock = g_target_done = 0;
  pthread_create(&t, NULL, target, NULL);
  while (!g_target_tid) t_sleep_ms(1);
  pid_t me = getpid();
  /* SIGUSR1 to the thread: its handler runs there. */
  g_handled = 0;
  EQ("tgkill", SYS(SYS_tgkill, me, g_target_tid, SIGUSR1), 0);
  uint64_t give_up = t_now_ns() + 3000000000ull;
  while (!g_handled && t_now_ns() < give_up) t_sleep_ms(1);
  EQ("ran_in_target", g_handled_by, g_target_tid);
  /* SIGUSR2, which it blocks: pending for it alone, not taken by this thread. */
  g_handled = 0;
  EQ("tgkill_blocked", SYS(SYS_tgkill, me, g_target_tid, SIGUSR2), 0);
  t_sleep_ms(30);
  EQ("waits_for_target", g_handled, 0);
  g_unblock = 1;
  while (!g_target_done) t_sleep_ms(1);
  EQ("taken_when_unblocked", g_handled, 1);
  EQ("by_target", g_handled_by, g_target_tid);
  g_target_done = 2;
  pthread_join(t, NULL);
  /* raise() is tgkill to oneself. */
  g_handled = 0;
  EQ("raise", raise(SIGUSR1), 0);
  EQ("raised", g_handled, 1);
  EQ("raised_here", g_handled_by, (pid_t)syscall(SYS_gettid));
  /* tkill, signal 0 and the errors. */
  EQ("tkill", SYS(SYS_tkill, (pid_t)syscall(SYS_gettid), 0), 0);
  EQ("bad_tgid", SYS(SYS_tgkill, 0, me, SIGUSR1), -EINVAL);
  EQ("bad_tid", SYS(SYS_tgkill, me, -1, SIGUSR1), -EINVAL);
  EQ("tkill_bad_tid", SYS(SYS_tkill, 0, SIGUSR1), -EINVAL);
  EQ("wrong_process", SYS(SYS_tgkill, 1, me, SIGUSR1), -ESRCH);
  EQ("no_thread", SYS(SYS_tgkill, me, 99999, SIGUSR1), -ESRCH);
  EQ("bad_signal", SYS(SYS_tgkill, me, me, 65), -EINVAL);
  EQ("root_may_signal_init", SYS(SYS_tgkill, 1, 1, 0), 0);
}

static void* sleep_forever(void* arg) {
  (void)arg;
  for (;;) pause();
  return NULL;
}

static int kill_by_tgkill(void* arg) {
  (void)arg;
  pthread_t t;
  pthread_create(&t, NULL, sleep_forever, NULL);
  t_sleep_ms(20);
  /* A signal whose default ends the process, to one thread, ends them all. */
  syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGTERM);
  t_sleep_ms(2000);
  return 1;
}

void t_tgkill_fatal(void) {
  int st = t_fork_status(kill_by_tgkill, NULL);
  t_check("sigterm_ends_process", WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "status %#x", st);
}

void t_set_tid_address(void) {
  int word = 5;
  EQ("returns_tid", SYS(SYS_set_tid_address, &word), SYS(SYS_gettid));
  EQ("not_written", word, 5);
}
