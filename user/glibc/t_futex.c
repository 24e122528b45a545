/* futex: wait and wake, bitsets, requeue, timeouts, signals, SIGKILL, shared
 * futexes between processes, and the errors (docs/user-abi.md, "futex"). */
#define _GNU_SOURCE
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

static long futex(volatile int* uaddr, int op, int val, const struct timespec* ts,
                  volatile int* uaddr2, int val3) {
  return SYS(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}
static long futex_val2(volatile int* uaddr, int op, int val, long val2, volatile int* uaddr2,
                       int val3) {
  return SYS(SYS_futex, uaddr, op, val, val2, uaddr2, val3);
}

/* Threads that wait on a word and report how their wait ended. */
struct waiter {
  volatile int* word;
  int op;
  int val3;
  volatile long result;
  pthread_t th;
};

static void* wait_body(void* arg) {
  struct waiter* w = arg;
  w->result = futex(w->word, w->op, 0, NULL, NULL, w->val3);
  return NULL;
}

static void start_waiter(struct waiter* w, volatile int* word, int op, int val3) {
  int shared = !(op & FUTEX_PRIVATE_FLAG);
  long before = t_futex_queued(word, shared);
  w->word = word;
  w->op = op;
  w->val3 = val3;
  w->result = 1; /* not returned yet */
  pthread_create(&w->th, NULL, wait_body, w);
  t_until_queued(word, shared, before + 1); /* asleep in the kernel */
}

static int returned(struct waiter* w) { return __atomic_load_n(&w->result, __ATOMIC_ACQUIRE) != 1; }

/* How many of n waiters have returned, once `want` have or 2 s have passed
 * (a woken thread may take a while to run on a busy host). */
static int count_returned(struct waiter* w, int n, int want) {
  uint64_t give_up = t_now_ns() + 2000000000ull;
  for (;;) {
    int k = 0;
    for (int i = 0; i < n; ++i) k += returned(&w[i]);
    if (k >= want || t_now_ns() > give_up) return k;
    t_sleep_ms(1);
  }
}

void t_futex_wait_wake(void) {
  static volatile int word;
  word = 0;
  EQ("value_differs", futex(&word, FUTEX_WAIT_PRIVATE, 1, NULL, NULL, 0), -EAGAIN);
  EQ("wake_nobody", futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 0);
  struct waiter w[3];
  for (int i = 0; i < 3; ++i) start_waiter(&w[i], &word, FUTEX_WAIT_PRIVATE, 0);
  EQ("none_returned", returned(&w[0]) + returned(&w[1]) + returned(&w[2]), 0);
  EQ("wake_two", futex(&word, FUTEX_WAKE_PRIVATE, 2, NULL, NULL, 0), 2);
  EQ("two_returned", count_returned(w, 3, 2), 2);
  t_sleep_ms(20);
  EQ("no_third", count_returned(w, 3, 3), 2);
  EQ("wake_all", futex(&word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 1);
  for (int i = 0; i < 3; ++i) {
    pthread_join(w[i].th, NULL);
    EQ("woken_with_0", w[i].result, 0);
  }
  /* FUTEX_WAKE of 0 still wakes one (Linux checks its count after a wake). */
  start_waiter(&w[0], &word, FUTEX_WAIT_PRIVATE, 0);
  EQ("wake_zero_wakes_one", futex(&word, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0), 1);
  pthread_join(w[0].th, NULL);
  /* A shared (non-private) wait is woken by a shared wake on private memory. */
  start_waiter(&w[0], &word, FUTEX_WAIT, 0);
  EQ("shared_wake", futex(&word, FUTEX_WAKE, 1, NULL, NULL, 0), 1);
  pthread_join(w[0].th, NULL);
}

void t_futex_bitset(void) {
  static volatile int word;
  struct waiter a, b;
  start_waiter(&a, &word, FUTEX_WAIT_BITSET_PRIVATE, 1);
  start_waiter(&b, &word, FUTEX_WAIT_BITSET_PRIVATE, 2);
  EQ("bit2", futex(&word, FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, NULL, NULL, 2), 1);
  EQ("b_returned", count_returned(&b, 1, 1), 1);
  t_sleep_ms(20);
  CHECK("only_b", !returned(&a));
  EQ("plain_wake_any", futex(&word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 1);
  pthread_join(a.th, NULL);
  pthread_join(b.th, NULL);
  EQ("bitset0_wait", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, NULL, NULL, 0), -EINVAL);
  EQ("bitset0_wake", futex(&word, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0), -EINVAL);
}

void t_futex_requeue(void) {
  static volatile int a, b;
  struct waiter w[3];
  for (int i = 0; i < 3; ++i) start_waiter(&w[i], &a, FUTEX_WAIT_PRIVATE, 0);
  /* Wake one, move one to b: two counted. */
  EQ("requeue", futex_val2(&a, FUTEX_REQUEUE_PRIVATE, 1, 1, &b, 0), 2);
  EQ("one_woken", count_returned(w, 3, 1), 1);
  t_sleep_ms(20);
  EQ("only_one", count_returned(w, 3, 2), 1);
  EQ("b_has_one", futex(&b, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 1);
  EQ("a_has_one", futex(&a, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0), 1);
  for (int i = 0; i < 3; ++i) pthread_join(w[i].th, NULL);
  /* CMP_REQUEUE only while the word holds val3. */
  a = 5;
  EQ("cmp_differs", futex_val2(&a, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &b, 4), -EAGAIN);
  EQ("cmp_same_nobody", futex_val2(&a, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, &b, 5), 0);
  a = 0;
  EQ("negative_wake", futex_val2(&a, FUTEX_REQUEUE_PRIVATE, -1, 1, &b, 0), -EINVAL);
  EQ("negative_requeue", futex_val2(&a, FUTEX_REQUEUE_PRIVATE, 1, -1, &b, 0), -EINVAL);
  /* Requeue onto the same word: it stays, counted once. */
  start_waiter(&w[0], &a, FUTEX_WAIT_PRIVATE, 0);
  EQ("same_word", futex_val2(&a, FUTEX_REQUEUE_PRIVATE, 0, INT_MAX, &a, 0), 1);
  EQ("still_there", futex(&a, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 1);
  pthread_join(w[0].th, NULL);
}

static uint64_t ns_since(uint64_t t0) { return t_now_ns() - t0; }

void t_futex_timeouts(void) {
  static volatile int word;
  struct timespec rel = {0, 30000000};
  uint64_t t0 = t_now_ns();
  EQ("relative", futex(&word, FUTEX_WAIT_PRIVATE, 0, &rel, NULL, 0), -ETIMEDOUT);
  CHECK("waited_30ms", ns_since(t0) >= 30000000);
  /* WAIT_BITSET takes an absolute time: CLOCK_MONOTONIC... */
  struct timespec abs;
  clock_gettime(CLOCK_MONOTONIC, &abs);
  abs.tv_nsec += 30000000;
  if (abs.tv_nsec >= 1000000000) abs.tv_sec++, abs.tv_nsec -= 1000000000;
  t0 = t_now_ns();
  EQ("absolute_monotonic",
     futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &abs, NULL, FUTEX_BITSET_MATCH_ANY), -ETIMEDOUT);
  CHECK("until_then", ns_since(t0) >= 20000000);
  /* ... or CLOCK_REALTIME with FUTEX_CLOCK_REALTIME. */
  clock_gettime(CLOCK_REALTIME, &abs);
  abs.tv_nsec += 30000000;
  if (abs.tv_nsec >= 1000000000) abs.tv_sec++, abs.tv_nsec -= 1000000000;
  t0 = t_now_ns();
  EQ("absolute_realtime",
     futex(&word, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &abs, NULL,
           FUTEX_BITSET_MATCH_ANY),
     -ETIMEDOUT);
  CHECK("until_realtime", ns_since(t0) >= 20000000);
  struct timespec past = {0, 1};
  EQ("already_passed",
     futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 0, &past, NULL, FUTEX_BITSET_MATCH_ANY), -ETIMEDOUT);
  /* The value is looked at before the time. */
  EQ("value_first", futex(&word, FUTEX_WAIT_BITSET_PRIVATE, 1, &past, NULL, -1), -EAGAIN);
  struct timespec bad = {0, 1000000000};
  EQ("bad_nsec", futex(&word, FUTEX_WAIT_PRIVATE, 0, &bad, NULL, 0), -EINVAL);
  struct timespec neg = {-1, 0};
  EQ("negative", futex(&word, FUTEX_WAIT_PRIVATE, 0, &neg, NULL, 0), -EINVAL);
  EQ("timeout_efault", futex(&word, FUTEX_WAIT_PRIVATE, 0, (void*)16, NULL, 0), -EFAULT);
  /* FUTEX_CLOCK_REALTIME goes only with an absolute time (FUTEX_WAIT_BITSET):
   * Linux refuses it on FUTEX_WAIT and FUTEX_WAKE with -ENOSYS. */
  rel.tv_nsec = 1000000;
  EQ("wait_realtime_flag",
     futex(&word, FUTEX_WAIT_PRIVATE | FUTEX_CLOCK_REALTIME, 0, &rel, NULL, 0), -ENOSYS);
  EQ("wake_realtime_flag",
     futex(&word, FUTEX_WAKE_PRIVATE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0), -ENOSYS);
}

void t_futex_errors(void) {
  static volatile int words[2];
  volatile int* odd = (volatile int*)((char*)words + 1);
  EQ("misaligned", futex(odd, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), -EINVAL);
  EQ("misaligned_wake", futex(odd, FUTEX_WAKE, 1, NULL, NULL, 0), -EINVAL);
  EQ("unmapped", futex((volatile int*)16, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), -EFAULT);
  EQ("unmapped_shared_wake", futex((volatile int*)16, FUTEX_WAKE, 1, NULL, NULL, 0), -EFAULT);
  EQ("kernel_address", futex((volatile int*)0xffff000000001000ul, FUTEX_WAIT, 0, NULL, NULL, 0),
     -EFAULT);
  EQ("unknown_op", futex(&words[0], 99, 0, NULL, NULL, 0), -ENOSYS);
}

/* Stand-ins tine documents (docs/user-abi.md): the combined wake and the
 * priority-inheritance operations. */
void t_futex_not_provided(void) {
  static volatile int word;
  EQ("wake_op", futex(&word, FUTEX_WAKE_OP_PRIVATE, 1, NULL, &word, 0), -ENOSYS);
  EQ("lock_pi", futex(&word, FUTEX_LOCK_PI_PRIVATE, 0, NULL, NULL, 0), -ENOSYS);
  EQ("unlock_pi", futex(&word, FUTEX_UNLOCK_PI_PRIVATE, 0, NULL, NULL, 0), -ENOSYS);
}

static volatile int g_signalled;
static void on_usr1(int sig) {
  (void)sig;
  g_signalled = 1;
}

/* A caught signal ends the wait with -EINTR. */
void t_futex_eintr(void) {
  static volatile int word;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  struct waiter w;
  start_waiter(&w, &word, FUTEX_WAIT_PRIVATE, 0);
  EQ("pthread_kill", pthread_kill(w.th, SIGUSR1), 0);
  pthread_join(w.th, NULL);
  EQ("eintr", w.result, -EINTR);
  EQ("handler_ran", g_signalled, 1);
}

/* SIGKILL ends a process asleep on a futex forever, however it waits. */
void t_futex_sigkill(void) {
  static volatile int word;
  sigset_t all;
  sigfillset(&all);
  for (int shared = 0; shared < 2; ++shared) {
    pid_t pid = fork();
    if (pid == 0) {
      sigprocmask(SIG_BLOCK, &all, NULL); /* nothing but SIGKILL can end it */
      futex(&word, shared ? FUTEX_WAIT : FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
      _exit(1);
    }
    t_sleep_ms(30);
    EQ("kill", kill(pid, SIGKILL), 0);
    int st = 0;
    EQ("gone", waitpid(pid, &st, 0), pid);
    CHECK("by_sigkill", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  }
}

/* A futex in MAP_SHARED memory is one word for every process that maps it;
 * a private futex there is each process's own. */
void t_futex_shared_processes(void) {
  volatile int* sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  sh[0] = 0;
  sh[1] = 0;
  pid_t pid = fork();
  if (pid == 0) {
    sh[1] = 1;
    long r = futex(&sh[0], FUTEX_WAIT, 0, NULL, NULL, 0);
    _exit(r == 0 ? 0 : 1);
  }
  t_until_queued(&sh[0], 1, 1);
  EQ("woken_across", futex(&sh[0], FUTEX_WAKE, 1, NULL, NULL, 0), 1);
  int st;
  EQ("child", waitpid(pid, &st, 0), pid);
  CHECK("child_woken", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  /* Private: the child's wait is keyed by its own space; a timeout ends it. */
  sh[1] = 0;
  pid = fork();
  if (pid == 0) {
    sh[1] = 1;
    struct timespec t = {0, 100000000};
    long r = futex(&sh[0], FUTEX_WAIT_PRIVATE, 0, &t, NULL, 0);
    _exit(r == -ETIMEDOUT ? 0 : 1);
  }
  while (sh[1] == 0) sched_yield();
  t_sleep_ms(20);
  EQ("private_not_across", futex(&sh[0], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 0);
  EQ("child2", waitpid(pid, &st, 0), pid);
  CHECK("child_timed_out", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* Threads exit while others hammer their clear_child_tid words with wakes,
 * and joins wait on them: every thread is joined, nothing is left. */
#define RACERS 16
static volatile int g_stop;
static pthread_t g_racers[RACERS];
static long g_tid_offset; /* of the tid word in glibc's struct pthread */

static void* short_life(void* arg) {
  for (int i = 0; i < (int)(long)arg; ++i) sched_yield();
  return arg;
}

static void* waker(void* arg) {
  (void)arg;
  while (!__atomic_load_n(&g_stop, __ATOMIC_ACQUIRE))
    for (int i = 0; i < RACERS; ++i) {
      pthread_t t = __atomic_load_n(&g_racers[i], __ATOMIC_ACQUIRE);
      if (t) syscall(SYS_futex, (char*)t + g_tid_offset, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
    }
  return NULL;
}

void t_futex_cleartid_race(void) {
  /* Where glibc keeps a thread's tid: the word in its struct pthread that
   * holds our own tid (the kernel clears it when the thread exits). */
  int me = (int)syscall(SYS_gettid);
  int* self = (int*)pthread_self();
  g_tid_offset = -1;
  for (int i = 0; i < 512 && g_tid_offset < 0; ++i)
    if (self[i] == me) g_tid_offset = i * (long)sizeof(int);
  CHECK("tid_word_found", g_tid_offset >= 0);
  pthread_t w[2];
  g_stop = 0;
  memset(g_racers, 0, sizeof g_racers);
  for (int i = 0; i < 2; ++i) pthread_create(&w[i], NULL, waker, NULL);
  int joined = 0;
  for (int round = 0; round < 20; ++round) {
    for (int i = 0; i < RACERS; ++i) {
      pthread_t t;
      if (pthread_create(&t, NULL, short_life, (void*)(long)(i % 4)) != 0) t = 0;
      __atomic_store_n(&g_racers[i], t, __ATOMIC_RELEASE);
    }
    for (int i = 0; i < RACERS; ++i) {
      void* r;
      pthread_t t = g_racers[i];
      if (t && pthread_join(t, &r) == 0 && (long)r == i % 4) ++joined;
    }
  }
  __atomic_store_n(&g_stop, 1, __ATOMIC_RELEASE);
  for (int i = 0; i < 2; ++i) pthread_join(w[i], NULL);
  EQ("all_joined", joined, 20 * RACERS);
}
