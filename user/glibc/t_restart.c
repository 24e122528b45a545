/* System calls a signal interrupts: made again after a handler whose action
 * has SA_RESTART, or when no handler runs (a stop and a continue), else
 * ended with EINTR; nanosleep ends with EINTR either way (Linux's rules). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

static volatile int g_caught;
/* Whether the call under test has begun, and whether the signal came before
 * it (a loaded host can be slower than the sender's delay): that round
 * proves nothing, and is run again with a longer delay. */
static volatile int g_calling, g_early;

static void on_usr1(int sig) {
  (void)sig;
  if (!g_calling) g_early = 1;
  ++g_caught;
}

static void catch_usr1(int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sa.sa_flags = flags;
  sigaction(SIGUSR1, &sa, NULL);
  g_caught = 0;
  g_calling = 0;
  g_early = 0;
}

/* The sender's delays, in ms: the next is tried only after an early signal. */
static const unsigned k_delays[] = {50, 200, 800};
#define LAST_DELAY(i) ((i) + 1 == sizeof k_delays / sizeof k_delays[0])

/* A child that sends the parent sig after ms, then sig2 (if not 0) after ms2
 * more, then writes a byte to fd (if >= 0) after ms3 more. */
static pid_t later(int sig, unsigned ms, int sig2, unsigned ms2, int fd, unsigned ms3) {
  pid_t parent = getpid();
  pid_t c = fork();
  if (c == 0) {
    t_sleep_ms(ms);
    kill(parent, sig);
    t_sleep_ms(ms2);
    if (sig2) kill(parent, sig2);
    t_sleep_ms(ms3);
    if (fd >= 0 && write(fd, "x", 1) != 1) _exit(1);
    _exit(0);
  }
  return c;
}

/* A round that proved nothing is put away: its sender reaped, its pipe
 * closed. */
static void end_round(pid_t c, const int p[2]) {
  waitpid(c, NULL, 0);
  close(p[0]);
  close(p[1]);
}

/* A pipe read: with SA_RESTART the byte written after the signal comes back;
 * without it, EINTR. */
void t_restart_pipe_read(void) {
  for (int restart = 0; restart < 2; ++restart) {
    int p[2];
    pid_t c;
    char b = 0;
    ssize_t n;
    for (unsigned i = 0;; ++i) {
      catch_usr1(restart ? SA_RESTART : 0);
      EQ("pipe", pipe(p), 0);
      c = later(SIGUSR1, k_delays[i], 0, 0, p[1], 100);
      errno = 0;
      g_calling = 1;
      n = read(p[0], &b, 1);
      g_calling = 0;
      if (!g_early || LAST_DELAY(i)) break;
      end_round(c, p);
    }
    EQ("in_the_call", g_early, 0);
    if (restart) {
      EQ("restarted", n, 1);
      EQ("byte", b, 'x');
    } else {
      EQ("interrupted", n, -1);
      EQ("eintr", errno, EINTR);
    }
    EQ("caught", g_caught, 1);
    EQ("reaped", waitpid(c, NULL, 0), c);
    close(p[0]);
    close(p[1]);
  }
}

/* A pipe write to a full pipe is made again after the handler. */
void t_restart_pipe_write(void) {
  static char buf[65536];
  memset(buf, 'y', sizeof buf);
  int p[2];
  pid_t c;
  ssize_t n;
  for (unsigned i = 0;; ++i) {
    catch_usr1(SA_RESTART);
    EQ("pipe", pipe(p), 0);
    EQ("fill", write(p[1], buf, sizeof buf), (long)sizeof buf);
    pid_t parent = getpid();
    c = fork();
    if (c == 0) {
      t_sleep_ms(k_delays[i]);
      kill(parent, SIGUSR1);
      t_sleep_ms(100);
      static char drain[65536];
      size_t got = 0;
      while (got < sizeof drain + 1) {
        ssize_t r = read(p[0], drain, sizeof drain);
        if (r <= 0) _exit(1);
        got += (size_t)r;
      }
      _exit(0);
    }
    g_calling = 1;
    n = write(p[1], "z", 1);
    g_calling = 0;
    if (!g_early || LAST_DELAY(i)) break;
    end_round(c, p);
  }
  EQ("in_the_call", g_early, 0);
  EQ("restarted", n, 1);
  EQ("caught", g_caught, 1);
  int st = -1;
  EQ("reaped", waitpid(c, &st, 0), c);
  CHECK("drained", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  close(p[0]);
  close(p[1]);
}

/* waitpid goes on waiting for its child after an SA_RESTART handler. */
void t_restart_waitpid(void) {
  pid_t slow, k, r;
  int st;
  for (unsigned i = 0;; ++i) {
    catch_usr1(SA_RESTART);
    slow = fork();
    if (slow == 0) { /* ends well after the signal, at any delay */
      t_sleep_ms(3 * k_delays[i] + 100);
      _exit(7);
    }
    k = later(SIGUSR1, k_delays[i], 0, 0, -1, 0);
    st = -1;
    g_calling = 1;
    r = waitpid(slow, &st, 0);
    g_calling = 0;
    EQ("reaped", waitpid(k, NULL, 0), k);
    if (!g_early || LAST_DELAY(i)) break;
  }
  EQ("in_the_call", g_early, 0);
  EQ("restarted", r, slow);
  CHECK("status", WIFEXITED(st) && WEXITSTATUS(st) == 7);
  EQ("caught", g_caught, 1);
}

/* No handler runs (the process is stopped, then continued): the read is made
 * again whatever the flags. */
void t_restart_stop_continue(void) {
  int p[2];
  EQ("pipe", pipe(p), 0);
  pid_t c = later(SIGSTOP, 50, SIGCONT, 50, p[1], 50);
  char b = 0;
  EQ("restarted", read(p[0], &b, 1), 1);
  EQ("byte", b, 'x');
  EQ("reaped", waitpid(c, NULL, 0), c);
  close(p[0]);
  close(p[1]);
}

static int g_word;

static void* futex_waiter(void* arg) {
  (void)arg;
  long r = syscall(SYS_futex, &g_word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
  return (void*)(r == -1 ? (long)-errno : r);
}

/* An untimed FUTEX_WAIT is made again after an SA_RESTART handler (not
 * ended with EINTR): once the handler has run, the thread waits on the word
 * again, and a wake ends that wait with 0. */
void t_restart_futex(void) {
  catch_usr1(SA_RESTART);
  g_word = 0;
  pthread_t th;
  EQ("create", pthread_create(&th, NULL, futex_waiter, NULL), 0);
  t_until_queued(&g_word, 0, 1);
  g_calling = 1;
  EQ("signal", pthread_kill(th, SIGUSR1), 0);
  uint64_t give_up = t_now_ns() + 10000000000ull;
  while (!g_caught && t_now_ns() < give_up) t_sleep_ms(1);
  EQ("caught", g_caught, 1);
  t_until_queued(&g_word, 0, 1); /* waiting again, not returned */
  int again = t_futex_queued(&g_word, 0) == 1;
  EQ("waiting_again", again, 1);
  if (again) {
    EQ("woken", syscall(SYS_futex, &g_word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 1);
  } else { /* (a wait made only now must not sleep for ever) */
    __atomic_store_n(&g_word, 1, __ATOMIC_SEQ_CST);
    syscall(SYS_futex, &g_word, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
  }
  void* r = NULL;
  pthread_join(th, &r);
  EQ("restarted", (long)r, 0);
}

/* nanosleep ends with EINTR even after an SA_RESTART handler. */
void t_restart_nanosleep(void) {
  struct timespec ts, rem;
  int r, e;
  for (unsigned i = 0;; ++i) {
    catch_usr1(SA_RESTART);
    pid_t k = later(SIGUSR1, k_delays[i], 0, 0, -1, 0);
    ts = (struct timespec){5, 0};
    rem = (struct timespec){0, 0};
    errno = 0;
    g_calling = 1;
    r = nanosleep(&ts, &rem);
    e = errno;
    g_calling = 0;
    EQ("reaped", waitpid(k, NULL, 0), k);
    if (!g_early || LAST_DELAY(i)) break;
  }
  EQ("in_the_call", g_early, 0);
  EQ("interrupted", r, -1);
  EQ("eintr", e, EINTR);
  CHECK("time_left", rem.tv_sec >= 3 && rem.tv_sec <= 5);
  EQ("caught", g_caught, 1);
}

static void on_usr1_x0(int sig, siginfo_t* si, void* uc) {
  (void)sig;
  (void)si;
  /* The interrupted context's x0 says -512 (the kernel's internal
   * ERESTARTSYS): rt_sigreturn must give it back as it is. */
  ((ucontext_t*)uc)->uc_mcontext.regs[0] = (unsigned long)-512;
  ++g_caught;
}

/* rt_sigreturn returns the interrupted context whatever its x0 holds: a value
 * that looks like the kernel's restart code is neither restarted nor turned
 * into EINTR. */
void t_restart_sigreturn_x0(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_usr1_x0;
  sa.sa_flags = SA_SIGINFO | SA_RESTART;
  sigaction(SIGUSR1, &sa, NULL);
  g_caught = 0;
  /* kill(getpid(), SIGUSR1) by svc: the handler runs on the way out, and the
   * call's x0 (0) is replaced in the frame with -512. */
  long me = getpid(); /* (a call: before the register variables are set) */
  register long x8 __asm__("x8") = SYS_kill;
  register long x0 __asm__("x0") = me;
  register long x1 __asm__("x1") = SIGUSR1;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8), "r"(x1) : "memory");
  EQ("x0_back", x0, -512);
  EQ("caught", g_caught, 1);
}

/* A stop and a continue in the middle of a wait that no handler ends: the
 * process stops there, and the call goes on as if nothing had come (Linux
 * makes it again). */

/* The child's side: says it is about to wait (a byte on ready), and exits
 * with 0 when the wait ended as it should. */
static int g_ready[2];

static void say_ready(void) {
  if (write(g_ready[1], "r", 1) != 1) _exit(2);
}

/* Forks a child running fn, and once it is about to wait (plus 100 ms, to be
 * inside the call), stops and continues it. */
static pid_t stopped_while_waiting(int (*fn)(void), int* stopped) {
  EQ("ready_pipe", pipe(g_ready), 0);
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) _exit(fn());
  char b;
  EQ("ready", read(g_ready[0], &b, 1), 1);
  t_sleep_ms(100);
  *stopped = t_stop_and_continue(c, SIGSTOP);
  close(g_ready[0]);
  close(g_ready[1]);
  return c;
}

/* The child's exit status (killed after 5 s: a wait that never ends). */
static int child_status(pid_t c) {
  int st = t_wait_status_within(c, 5000);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int suspend_child(void) {
  catch_usr1(0);
  sigset_t usr1, none;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  sigemptyset(&none);
  sigprocmask(SIG_BLOCK, &usr1, NULL);
  say_ready();
  int r = sigsuspend(&none);
  return r == -1 && errno == EINTR && g_caught == 1 ? 0 : 1;
}

/* sigsuspend: the process stops (it used not to: SIGSTOP ended nothing), and
 * after the continue the wait ends only with the handler's signal. */
void t_restart_stop_sigsuspend(void) {
  int stopped;
  pid_t c = stopped_while_waiting(suspend_child, &stopped);
  EQ("stopped", stopped, 1);
  t_sleep_ms(100); /* a wait the continue ended would have exited by now */
  kill(c, SIGUSR1);
  EQ("ended_by_handler", child_status(c), 0);
}

static int nanosleep_child(void) {
  uint64_t t0 = t_now_ns();
  say_ready();
  struct timespec ts = {0, 600000000};
  int r = nanosleep(&ts, NULL);
  return r == 0 && t_now_ns() - t0 >= 600000000ull ? 0 : 1;
}

/* nanosleep sleeps on to its end (not EINTR). */
void t_restart_stop_nanosleep(void) {
  int stopped;
  pid_t c = stopped_while_waiting(nanosleep_child, &stopped);
  EQ("stopped", stopped, 1);
  EQ("slept_on", child_status(c), 0);
}

static int g_data[2];

static int poll_child(void) {
  struct pollfd pfd = {g_data[0], POLLIN, 0};
  say_ready();
  int r = poll(&pfd, 1, -1);
  return r == 1 && (pfd.revents & POLLIN) ? 0 : 1;
}

/* poll waits on until its descriptor is ready (not EINTR). */
void t_restart_stop_poll(void) {
  EQ("pipe", pipe(g_data), 0);
  int stopped;
  pid_t c = stopped_while_waiting(poll_child, &stopped);
  EQ("stopped", stopped, 1);
  t_sleep_ms(100);
  EQ("write", write(g_data[1], "x", 1), 1);
  EQ("polled_on", child_status(c), 0);
  close(g_data[0]);
  close(g_data[1]);
}

static char g_fifo[32];

static void* fifo_opener(void* arg) {
  (void)arg;
  g_calling = 1;
  int fd = open(g_fifo, O_RDONLY);
  return (void*)(long)(fd >= 0 ? fd : -errno);
}

/* A signal sent to one thread (pthread_kill) ends that thread's wait in a
 * FIFO's open for its handler (it used to go on waiting: only the process's
 * own pending signals were looked at). */
void t_restart_thread_fifo_open(void) {
  mkdir("/tmp", 01777); /* (the glibc tests' initramfs has none) */
  snprintf(g_fifo, sizeof g_fifo, "/tmp/fifo%d", (int)getpid());
  EQ("mkfifo", mkfifo(g_fifo, 0600), 0);
  void* r = NULL;
  for (unsigned i = 0;; ++i) {
    catch_usr1(0);
    pthread_t th;
    EQ("create", pthread_create(&th, NULL, fifo_opener, NULL), 0);
    t_sleep_ms(k_delays[i]);
    EQ("signal", pthread_kill(th, SIGUSR1), 0);
    uint64_t give_up = t_now_ns() + 3000000000ull;
    while (!g_caught && t_now_ns() < give_up) t_sleep_ms(1);
    t_sleep_ms(50);
    /* A writer's side releases an open still waiting (the check then fails
     * rather than the test hanging). */
    int w = open(g_fifo, O_WRONLY | O_NONBLOCK);
    pthread_join(th, &r);
    if ((long)r >= 0) close((int)(long)r);
    if (w >= 0) close(w);
    if (!g_early || LAST_DELAY(i)) break;
  }
  unlink(g_fifo);
  EQ("in_the_call", g_early, 0);
  EQ("caught", g_caught, 1);
  EQ("eintr", (long)r, -EINTR);
}

/* A process-directed signal is taken by one thread. The others' waits go on:
 * they neither end with EINTR nor restart short (Linux wakes one thread,
 * complete_signal). tine used to interrupt every thread that did not block
 * it, so each sleeping thread's nanosleep, ppoll, timed futex wait or
 * sigsuspend ended with EINTR. */

static volatile pid_t g_taker;
static volatile int g_in_wait, g_suspend_done;

static void on_usr1_note(int sig) {
  (void)sig;
  g_taker = (pid_t)syscall(SYS_gettid);
  __atomic_add_fetch(&g_caught, 1, __ATOMIC_SEQ_CST);
}

static void catch_usr1_note(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1_note;
  sigaction(SIGUSR1, &sa, NULL);
  g_caught = 0;
  g_taker = 0;
  g_in_wait = 0;
  g_suspend_done = 0;
}

static void* sleep_400(void* arg) {
  (void)arg;
  struct timespec ts = {0, 400000000};
  __atomic_add_fetch(&g_in_wait, 1, __ATOMIC_SEQ_CST);
  return (void*)(long)(nanosleep(&ts, NULL) == 0 ? 0 : -errno);
}

/* ppoll or pselect for 400 ms with SIGUSR1 unblocked during the wait only
 * (arg: 0 ppoll, 1 pselect), or with the thread's own mask (arg 2). */
static void* poll_400(void* arg) {
  struct timespec ts = {0, 400000000};
  sigset_t none;
  sigemptyset(&none);
  __atomic_add_fetch(&g_in_wait, 1, __ATOMIC_SEQ_CST);
  int r;
  if ((long)arg == 1)
    r = pselect(0, NULL, NULL, NULL, &ts, &none);
  else
    r = ppoll(NULL, 0, &ts, (long)arg == 0 ? &none : NULL);
  return (void*)(long)(r >= 0 ? r : -errno);
}

static int g_futex_word;

static void* futex_400(void* arg) {
  (void)arg;
  struct timespec ts = {0, 400000000};
  __atomic_add_fetch(&g_in_wait, 1, __ATOMIC_SEQ_CST);
  return (void*)SYS(SYS_futex, &g_futex_word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
}

static void* suspend_on(void* arg) {
  (void)arg;
  sigset_t none;
  sigemptyset(&none);
  __atomic_add_fetch(&g_in_wait, 1, __ATOMIC_SEQ_CST);
  int r = sigsuspend(&none);
  g_suspend_done = 1;
  return (void*)(long)(r == 0 ? 0 : -errno);
}

static void until_waiting(int n) {
  uint64_t give_up = t_now_ns() + 3000000000ull;
  while (__atomic_load_n(&g_in_wait, __ATOMIC_SEQ_CST) < n && t_now_ns() < give_up) t_sleep_ms(1);
  t_sleep_ms(100); /* in the call by now */
}

/* The sender takes its own signal (it does not block it); the other threads
 * wait on to their ends. */
void t_restart_thread_sender_takes(void) {
  catch_usr1_note();
  uint64_t t0 = t_now_ns();
  pthread_t th[4];
  EQ("create", pthread_create(&th[0], NULL, sleep_400, NULL), 0);
  EQ("create", pthread_create(&th[1], NULL, poll_400, (void*)2), 0);
  EQ("create", pthread_create(&th[2], NULL, futex_400, NULL), 0);
  EQ("create", pthread_create(&th[3], NULL, suspend_on, NULL), 0);
  until_waiting(4);
  EQ("kill", kill(getpid(), SIGUSR1), 0);
  EQ("caught", g_caught, 1);
  EQ("by_the_sender", g_taker, (pid_t)syscall(SYS_gettid));
  void* r[4];
  for (int i = 0; i < 3; ++i) pthread_join(th[i], &r[i]);
  EQ("nanosleep", (long)r[0], 0);
  EQ("ppoll", (long)r[1], 0);
  EQ("futex", (long)r[2], -ETIMEDOUT);
  CHECK("slept_on", t_now_ns() - t0 >= 400000000ull);
  EQ("still_suspended", g_suspend_done, 0);
  EQ("wake_it", pthread_kill(th[3], SIGUSR1), 0);
  pthread_join(th[3], &r[3]);
  EQ("sigsuspend", (long)r[3], -EINTR);
  EQ("caught_twice", g_caught, 2);
}

/* Every thread blocks it but in the wait (ppoll's and pselect's masks): one
 * of three waiters takes it (EINTR), the two others wait on. */
void t_restart_thread_one_takes(void) {
  catch_usr1_note();
  sigset_t s, old;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &s, &old);
  pthread_t th[3];
  EQ("create", pthread_create(&th[0], NULL, poll_400, (void*)0), 0);
  EQ("create", pthread_create(&th[1], NULL, poll_400, (void*)0), 0);
  EQ("create", pthread_create(&th[2], NULL, poll_400, (void*)1), 0);
  until_waiting(3);
  EQ("kill", kill(getpid(), SIGUSR1), 0);
  void* r[3];
  for (int j = 0; j < 3; ++j) pthread_join(th[j], &r[j]);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  EQ("caught", g_caught, 1);
  int eintr = 0, slept = 0;
  for (int j = 0; j < 3; ++j) {
    eintr += (long)r[j] == -EINTR;
    slept += (long)r[j] == 0;
  }
  EQ("one_eintr", eintr, 1);
  EQ("two_slept_on", slept, 2);
}

/* sigtimedwait for SIGUSR2 (blocked everywhere) in two threads, 400 ms, or
 * (arg 1) with SIGUSR1 unblocked too. */
static void* sigwait_400(void* arg) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR2);
  if ((long)arg == 1) {
    sigset_t u;
    sigemptyset(&u);
    sigaddset(&u, SIGUSR1);
    pthread_sigmask(SIG_UNBLOCK, &u, NULL);
  }
  struct timespec ts = {0, 400000000};
  __atomic_add_fetch(&g_in_wait, 1, __ATOMIC_SEQ_CST);
  int r = sigtimedwait(&set, NULL, &ts);
  return (void*)(long)(r > 0 ? r : -errno);
}

static void block_usr1_usr2(sigset_t* old) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  sigaddset(&s, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &s, old);
}

/* One SIGUSR2 to the process, two threads waiting for it: one takes it, the
 * other waits on to its timeout (it could end with EINTR). tine only:
 * qemu-user ends the other's wait with EINTR, which Linux does not (it
 * wakes one waiter: complete_signal). */
void t_restart_thread_sigwait_one(void) {
  sigset_t old;
  block_usr1_usr2(&old);
  g_in_wait = 0;
  pthread_t th[2];
  EQ("create", pthread_create(&th[0], NULL, sigwait_400, NULL), 0);
  EQ("create", pthread_create(&th[1], NULL, sigwait_400, NULL), 0);
  until_waiting(2);
  EQ("kill", kill(getpid(), SIGUSR2), 0);
  void* r[2];
  for (int j = 0; j < 2; ++j) pthread_join(th[j], &r[j]);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  EQ("one_took_it", ((long)r[0] == SIGUSR2) + ((long)r[1] == SIGUSR2), 1);
  EQ("one_timed_out", ((long)r[0] == -EAGAIN) + ((long)r[1] == -EAGAIN), 1);
}

/* A caught SIGUSR1 with a thread in sigtimedwait (for SIGUSR2) and one in
 * ppoll, both unblocking it: one runs the handler (EINTR), the other's wait
 * goes on. */
void t_restart_thread_sigwait_handler(void) {
  catch_usr1_note();
  sigset_t old;
  block_usr1_usr2(&old);
  pthread_t th[2];
  void* r[2];
  EQ("create", pthread_create(&th[0], NULL, sigwait_400, (void*)1), 0);
  EQ("create", pthread_create(&th[1], NULL, poll_400, (void*)0), 0);
  until_waiting(2);
  EQ("kill", kill(getpid(), SIGUSR1), 0);
  for (int j = 0; j < 2; ++j) pthread_join(th[j], &r[j]);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  EQ("caught", g_caught, 1);
  EQ("one_eintr", ((long)r[0] == -EINTR) + ((long)r[1] == -EINTR), 1);
  EQ("other_went_on", ((long)r[0] == -EAGAIN) + ((long)r[1] == 0), 1);
}
