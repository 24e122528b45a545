/* Interval timers and waiting for signals by number: alarm, setitimer and
 * getitimer (ITIMER_REAL, and the CPU-time ITIMER_VIRTUAL and ITIMER_PROF),
 * RLIMIT_CPU, sigtimedwait, sigwaitinfo and sigwait. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

static volatile int g_alrm, g_usr2;
static void on_alrm(int sig) {
  (void)sig;
  ++g_alrm;
}
static void on_usr2(int sig) {
  (void)sig;
  ++g_usr2;
}

static void block_only(int a, int b) {
  sigset_t s;
  sigemptyset(&s);
  if (a) sigaddset(&s, a);
  if (b) sigaddset(&s, b);
  sigprocmask(SIG_SETMASK, &s, NULL);
}

static sigset_t set_of(int a, int b) {
  sigset_t s;
  sigemptyset(&s);
  if (a) sigaddset(&s, a);
  if (b) sigaddset(&s, b);
  return s;
}

static long usec_of(const struct timeval* tv) { return tv->tv_sec * 1000000L + tv->tv_usec; }

static long set_real(long value_us, long interval_us, struct itimerval* old) {
  struct itimerval v = {{interval_us / 1000000, interval_us % 1000000},
                        {value_us / 1000000, value_us % 1000000}};
  return SYS(SYS_setitimer, ITIMER_REAL, &v, old);
}

/* A child that sends sig to `to` after ms; its pid. */
static pid_t send_later(pid_t to, int sig, unsigned ms) {
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    t_sleep_ms(ms);
    kill(to, sig);
    _exit(0);
  }
  return c;
}

/* alarm: SIGALRM after the seconds; alarm(0) cancels and gives what was left
 * (rounded to the nearest second, at least 1 while armed). */
void t_timers_alarm(void) {
  signal(SIGALRM, on_alrm);
  EQ("first", alarm(5), 0);
  EQ("cancel_left", alarm(0), 5);
  EQ("cancelled", alarm(0), 0);
  g_alrm = 0;
  uint64_t t0 = t_now_ns();
  alarm(1);
  sigset_t none;
  sigemptyset(&none);
  while (!g_alrm && t_now_ns() - t0 < 5000000000ull) sigsuspend(&none);
  uint64_t took = t_now_ns() - t0;
  EQ("delivered", g_alrm, 1);
  CHECK("not_early", took >= 990000000ull);
  EQ("one_shot", alarm(0), 0);
  signal(SIGALRM, SIG_DFL);
}

/* A periodic ITIMER_REAL: every period a SIGALRM; getitimer reads the time
 * to the next one and the period; disarming gives both back. */
void t_timers_periodic(void) {
  signal(SIGALRM, on_alrm);
  g_alrm = 0;
  uint64_t t0 = t_now_ns();
  EQ("arm", set_real(20000, 20000, NULL), 0);
  sigset_t none;
  sigemptyset(&none);
  while (g_alrm < 5 && t_now_ns() - t0 < 5000000000ull) sigsuspend(&none);
  uint64_t took = t_now_ns() - t0;
  CHECK("five", g_alrm >= 5);
  CHECK("not_early", took >= 99000000ull);
  struct itimerval cur;
  EQ("get", SYS(SYS_getitimer, ITIMER_REAL, &cur), 0);
  EQ("get_interval", usec_of(&cur.it_interval), 20000);
  CHECK("get_value", usec_of(&cur.it_value) > 0 && usec_of(&cur.it_value) <= 20000);
  struct itimerval old;
  EQ("disarm", set_real(0, 0, &old), 0);
  EQ("old_interval", usec_of(&old.it_interval), 20000);
  CHECK("old_value", usec_of(&old.it_value) > 0 && usec_of(&old.it_value) <= 20000);
  EQ("get_disarmed", SYS(SYS_getitimer, ITIMER_REAL, &cur), 0);
  EQ("disarmed_value", usec_of(&cur.it_value), 0);
  EQ("disarmed_interval", usec_of(&cur.it_interval), 0);
  int n = g_alrm;
  t_sleep_ms(60);
  EQ("stopped", g_alrm, n);
  signal(SIGALRM, SIG_DFL);
}

/* The old value, a one-shot timer's interval 0, and a blocked SIGALRM taken
 * by sigwaitinfo (si_code SI_KERNEL); a periodic timer goes on once its
 * SIGALRM is taken. */
void t_timers_values(void) {
  struct itimerval cur, old;
  EQ("arm", set_real(10000000, 0, NULL), 0);
  EQ("get", SYS(SYS_getitimer, ITIMER_REAL, &cur), 0);
  CHECK("value", usec_of(&cur.it_value) > 9000000 && usec_of(&cur.it_value) <= 10000000);
  EQ("interval", usec_of(&cur.it_interval), 0);
  EQ("rearm", set_real(3000000, 1500000, &old), 0);
  CHECK("old_value", usec_of(&old.it_value) > 9000000 && usec_of(&old.it_value) <= 10000000);
  EQ("old_interval", usec_of(&old.it_interval), 0);
  EQ("get2", SYS(SYS_getitimer, ITIMER_REAL, &cur), 0);
  CHECK("value2", usec_of(&cur.it_value) > 2000000 && usec_of(&cur.it_value) <= 3000000);
  EQ("interval2", usec_of(&cur.it_interval), 1500000);
  /* A value of zero disarms whatever the interval says. */
  EQ("zero_value", set_real(0, 500000, &old), 0);
  EQ("zero_old_interval", usec_of(&old.it_interval), 1500000);
  EQ("get3", SYS(SYS_getitimer, ITIMER_REAL, &cur), 0);
  EQ("zero_interval_dropped", usec_of(&cur.it_interval), 0);

  block_only(SIGALRM, 0);
  sigset_t alrm = set_of(SIGALRM, 0);
  siginfo_t si;
  EQ("arm_blocked", set_real(100000, 100000, NULL), 0);
  for (int i = 0; i < 3; ++i) {
    memset(&si, 0, sizeof si);
    EQ("wait_alrm", sigwaitinfo(&alrm, &si), SIGALRM);
  }
  EQ("alrm_code", si.si_code, SI_KERNEL);
  EQ("alrm_signo", si.si_signo, SIGALRM);
  set_real(0, 0, NULL);
  /* Nothing pending once disarmed (the last one was taken). */
  struct timespec zero = {0, 0};
  EQ("none_left", sigtimedwait(&alrm, NULL, &zero) == -1 ? errno : 0, EAGAIN);
  block_only(0, 0);
}

/* Linux's errors: the value is read and checked before `which`, and the old
 * value is written after the change. */
void t_timers_errors(void) {
  struct itimerval v = {{0, 0}, {10, 0}}, cur;
  EQ("which", SYS(SYS_setitimer, 3, &v, NULL), -EINVAL);
  EQ("which_neg", SYS(SYS_setitimer, -1, &v, NULL), -EINVAL);
  EQ("get_which", SYS(SYS_getitimer, 7, &cur), -EINVAL);
  EQ("value_fault", SYS(SYS_setitimer, ITIMER_REAL, (void*)8, NULL), -EFAULT);
  EQ("value_fault_first", SYS(SYS_setitimer, 3, (void*)8, NULL), -EFAULT);
  EQ("get_fault", SYS(SYS_getitimer, ITIMER_REAL, (void*)8), -EFAULT);
  struct itimerval bad = {{0, 0}, {1, 1000000}};
  EQ("usec_big", SYS(SYS_setitimer, ITIMER_REAL, &bad, NULL), -EINVAL);
  bad.it_value.tv_usec = -1;
  EQ("usec_neg", SYS(SYS_setitimer, ITIMER_REAL, &bad, NULL), -EINVAL);
  bad.it_value.tv_usec = 0;
  bad.it_value.tv_sec = -1;
  EQ("sec_neg", SYS(SYS_setitimer, ITIMER_REAL, &bad, NULL), -EINVAL);
  struct itimerval badi = {{0, 1000000}, {1, 0}};
  EQ("interval_usec", SYS(SYS_setitimer, ITIMER_REAL, &badi, NULL), -EINVAL);
  EQ("checked_before_which", SYS(SYS_setitimer, 5, &badi, NULL), -EINVAL);
  EQ("still_disarmed", SYS(SYS_getitimer, ITIMER_REAL, &cur), 0);
  EQ("still_disarmed_value", usec_of(&cur.it_value), 0);
  /* The change is made before the old value is found unwritable. */
  EQ("old_fault", SYS(SYS_setitimer, ITIMER_REAL, &v, (void*)8), -EFAULT);
  EQ("get_after_fault", SYS(SYS_getitimer, ITIMER_REAL, &cur), 0);
  CHECK("armed_after_fault", cur.it_value.tv_sec >= 9);
  /* A null value disarms (Linux's old misfeature). */
  struct itimerval old;
  EQ("null_value", SYS(SYS_setitimer, ITIMER_REAL, NULL, &old), 0);
  CHECK("null_value_old", old.it_value.tv_sec >= 9);
  EQ("get_null", SYS(SYS_getitimer, ITIMER_REAL, &cur), 0);
  EQ("null_disarmed", usec_of(&cur.it_value), 0);
  /* The CPU-time timers read as disarmed and may be disarmed. */
  struct itimerval off = {{0, 0}, {0, 0}};
  EQ("virtual_get", SYS(SYS_getitimer, ITIMER_VIRTUAL, &cur), 0);
  EQ("virtual_value", usec_of(&cur.it_value), 0);
  EQ("prof_off", SYS(SYS_setitimer, ITIMER_PROF, &off, &old), 0);
  EQ("prof_old", usec_of(&old.it_value), 0);
  EQ("prof_checked", SYS(SYS_setitimer, ITIMER_PROF, &bad, NULL), -EINVAL);
}

static int itimer_disarmed(void* arg) {
  (void)arg;
  struct itimerval cur;
  if (getitimer(ITIMER_REAL, &cur) != 0) return 2;
  return usec_of(&cur.it_value) == 0 && usec_of(&cur.it_interval) == 0 ? 0 : 1;
}

/* fork's child starts with no timer (the parent's goes on); exec keeps it. */
void t_timers_fork_exec(void) {
  EQ("arm", set_real(10000000, 5000000, NULL), 0);
  int st = t_fork_status(itimer_disarmed, NULL);
  CHECK("child_none", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  struct itimerval cur;
  getitimer(ITIMER_REAL, &cur);
  CHECK("parent_kept", cur.it_value.tv_sec >= 9);
  if (t_on_tine()) { /* qemu-user cannot exec a guest program itself */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      set_real(7000000, 3000000, NULL);
      execl(t_self(), t_self(), "child", "itimer-armed", (char*)NULL);
      _exit(99);
    }
    waitpid(pid, &st, 0);
    CHECK("exec_keeps", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  set_real(0, 0, NULL);
}

/* Processes that end with a periodic timer armed, on tine some while it
 * fires: each timer goes with its process. (qemu-user can deadlock when a
 * host signal comes to a guest process as it exits: there the timers are
 * only armed.) */
void t_timers_exit_armed(void) {
  fflush(stdout);
  for (int i = 0; i < 20; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      signal(SIGALRM, SIG_IGN);
      if (t_on_tine())
        set_real(100, 1000, NULL);
      else
        set_real(10000000, 1000, NULL);
      for (volatile int spin = 0; spin < i * 2000; ++spin) {
      }
      _exit(0);
    }
  }
  int reaped = 0, st;
  while (waitpid(-1, &st, 0) > 0) reaped += WIFEXITED(st) && WEXITSTATUS(st) == 0;
  EQ("all_exited", reaped, 20);
  /* And one whose SIGALRM (SIG_DFL) ends it. */
  pid_t pid = fork();
  if (pid == 0) {
    set_real(1000, 0, NULL);
    for (;;) pause();
  }
  waitpid(pid, &st, 0);
  CHECK("killed_by_alrm", WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM);
}

/* sigtimedwait's timeout: {0, 0} polls, a time expires (-EAGAIN), a
 * malformed one is -EINVAL; the set size must be 8. */
void t_sigtimedwait_timeout(void) {
  block_only(SIGUSR1, 0);
  sigset_t usr1 = set_of(SIGUSR1, 0);
  struct timespec zero = {0, 0}, ms50 = {0, 50000000};
  siginfo_t si;
  EQ("poll", sigtimedwait(&usr1, &si, &zero) == -1 ? errno : 0, EAGAIN);
  uint64_t t0 = t_now_ns();
  EQ("expires", sigtimedwait(&usr1, &si, &ms50) == -1 ? errno : 0, EAGAIN);
  CHECK("waited", t_now_ns() - t0 >= 49000000ull);
  struct timespec bad = {0, 1000000000};
  EQ("nsec_big", SYS(SYS_rt_sigtimedwait, &usr1, NULL, &bad, 8), -EINVAL);
  bad.tv_nsec = -1;
  EQ("nsec_neg", SYS(SYS_rt_sigtimedwait, &usr1, NULL, &bad, 8), -EINVAL);
  bad.tv_nsec = 0;
  bad.tv_sec = -1;
  EQ("sec_neg", SYS(SYS_rt_sigtimedwait, &usr1, NULL, &bad, 8), -EINVAL);
  EQ("setsize", SYS(SYS_rt_sigtimedwait, &usr1, NULL, &zero, 4), -EINVAL);
  EQ("setsize_first", SYS(SYS_rt_sigtimedwait, (void*)8, NULL, &zero, 16), -EINVAL);
  EQ("set_fault", SYS(SYS_rt_sigtimedwait, (void*)8, NULL, &zero, 8), -EFAULT);
  EQ("timeout_fault", SYS(SYS_rt_sigtimedwait, &usr1, NULL, (void*)8, 8), -EFAULT);
  /* A signal taken whose siginfo cannot be written is gone. */
  kill(getpid(), SIGUSR1);
  EQ("info_fault", SYS(SYS_rt_sigtimedwait, &usr1, (void*)8, &zero, 8), -EFAULT);
  sigset_t pend;
  sigpending(&pend);
  CHECK("info_fault_taken", !sigismember(&pend, SIGUSR1));
  /* SIGKILL and SIGSTOP are not waited for: the set is then empty. */
  sigset_t ks = set_of(SIGKILL, SIGSTOP);
  EQ("kill_stop", sigtimedwait(&ks, NULL, &zero) == -1 ? errno : 0, EAGAIN);
  block_only(0, 0);
}

/* Signals pending before the call: taken at once, the lowest first, the
 * thread's own before the process's, with their siginfo. */
void t_sigtimedwait_pending(void) {
  block_only(SIGUSR1, SIGUSR2);
  sigset_t both = set_of(SIGUSR1, SIGUSR2);
  siginfo_t si;
  kill(getpid(), SIGUSR2);
  kill(getpid(), SIGUSR1);
  memset(&si, 0, sizeof si);
  EQ("lowest", sigwaitinfo(&both, &si), SIGUSR1);
  EQ("signo", si.si_signo, SIGUSR1);
  EQ("code_user", si.si_code, SI_USER);
  EQ("pid", si.si_pid, getpid());
  EQ("uid", si.si_uid, getuid());
  EQ("errno", si.si_errno, 0);
  EQ("next", sigwaitinfo(&both, &si), SIGUSR2);
  /* tgkill: SI_TKILL (the raw call: glibc leaves si_code as it came). */
  syscall(SYS_tgkill, getpid(), gettid(), SIGUSR2);
  kill(getpid(), SIGUSR1);
  memset(&si, 0, sizeof si);
  struct timespec zero = {0, 0};
  EQ("own_first", SYS(SYS_rt_sigtimedwait, &both, &si, &zero, 8), SIGUSR2);
  EQ("code_tkill", si.si_code, SI_TKILL);
  EQ("tkill_pid", si.si_pid, getpid());
  EQ("then_process", SYS(SYS_rt_sigtimedwait, &both, NULL, &zero, 8), SIGUSR1);
  /* Only the set's: USR2 pending is left alone by a wait for USR1. */
  raise(SIGUSR2);
  sigset_t usr1 = set_of(SIGUSR1, 0);
  EQ("other_left", sigtimedwait(&usr1, NULL, &zero) == -1 ? errno : 0, EAGAIN);
  sigset_t pend;
  sigpending(&pend);
  CHECK("other_pending", sigismember(&pend, SIGUSR2));
  int sig = 0;
  EQ("sigwait", sigwait(&both, &sig), 0);
  EQ("sigwait_sig", sig, SIGUSR2);
  block_only(0, 0);
}

/* A standard signal already pending keeps the siginfo of its first sending
 * (Linux's legacy_queue): the same signal sent again by another process is
 * merged into it, for the process and for a thread alike. */
void t_sigtimedwait_first_info(void) {
  block_only(SIGUSR1, SIGUSR2);
  pid_t me = getpid(), tid = gettid();
  kill(me, SIGUSR1);
  syscall(SYS_tgkill, me, tid, SIGUSR2);
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    kill(me, SIGUSR1);
    syscall(SYS_tgkill, me, tid, SIGUSR2);
    _exit(0);
  }
  EQ("sent_again", waitpid(c, NULL, 0), c);
  sigset_t both = set_of(SIGUSR1, SIGUSR2);
  struct timespec zero = {0, 0};
  siginfo_t si;
  memset(&si, 0, sizeof si);
  EQ("own", SYS(SYS_rt_sigtimedwait, &both, &si, &zero, 8), SIGUSR2);
  EQ("own_first_pid", si.si_pid, me);
  EQ("own_first_code", si.si_code, SI_TKILL);
  memset(&si, 0, sizeof si);
  EQ("process", SYS(SYS_rt_sigtimedwait, &both, &si, &zero, 8), SIGUSR1);
  EQ("process_first_pid", si.si_pid, me);
  EQ("process_first_code", si.si_code, SI_USER);
  EQ("merged", SYS(SYS_rt_sigtimedwait, &both, NULL, &zero, 8), -EAGAIN);
  block_only(0, 0);
}

static void* send_usr1_later(void* arg) {
  t_sleep_ms(50);
  kill(getpid(), SIGUSR1);
  (void)arg;
  return NULL;
}

static pid_t g_main_tid;
static void* tgkill_usr2_later(void* arg) {
  t_sleep_ms(50);
  syscall(SYS_tgkill, getpid(), g_main_tid, SIGUSR2);
  (void)arg;
  return NULL;
}

/* Signals sent while it waits: by another thread, by another process, a
 * SIGCHLD (ignored by default, blocked) when a child ends. */
void t_sigtimedwait_wakes(void) {
  block_only(SIGUSR1, SIGUSR2);
  sigset_t both = set_of(SIGUSR1, SIGUSR2);
  siginfo_t si;
  pthread_t th;
  pthread_create(&th, NULL, send_usr1_later, NULL);
  memset(&si, 0, sizeof si);
  EQ("thread_kill", sigwaitinfo(&both, &si), SIGUSR1);
  EQ("thread_kill_pid", si.si_pid, getpid());
  pthread_join(th, NULL);
  g_main_tid = gettid();
  pthread_create(&th, NULL, tgkill_usr2_later, NULL);
  memset(&si, 0, sizeof si);
  struct timespec five = {5, 0};
  EQ("thread_tgkill", SYS(SYS_rt_sigtimedwait, &both, &si, &five, 8), SIGUSR2);
  EQ("thread_tgkill_code", si.si_code, SI_TKILL);
  pthread_join(th, NULL);
  pid_t c = send_later(getpid(), SIGUSR2, 50);
  memset(&si, 0, sizeof si);
  EQ("process", sigtimedwait(&both, &si, &five), SIGUSR2);
  EQ("process_pid", si.si_pid, c);
  EQ("process_code", si.si_code, SI_USER);
  waitpid(c, NULL, 0);

  block_only(SIGCHLD, 0);
  sigset_t chld = set_of(SIGCHLD, 0);
  fflush(stdout);
  c = fork();
  if (c == 0) {
    t_sleep_ms(50);
    _exit(7);
  }
  memset(&si, 0, sizeof si);
  EQ("sigchld", sigtimedwait(&chld, &si, &five), SIGCHLD);
  EQ("sigchld_code", si.si_code, CLD_EXITED);
  EQ("sigchld_pid", si.si_pid, c);
  EQ("sigchld_status", si.si_status, 7);
  waitpid(c, NULL, 0);
  block_only(0, 0);
}

/* A handled signal outside the set ends the wait with EINTR (never made
 * again, SA_RESTART or not), its handler run; the mask is as before. */
void t_sigtimedwait_eintr(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr2;
  sa.sa_flags = SA_RESTART;
  sigaction(SIGUSR2, &sa, NULL);
  block_only(SIGUSR1, 0);
  sigset_t usr1 = set_of(SIGUSR1, 0);
  g_usr2 = 0;
  pid_t c = send_later(getpid(), SIGUSR2, 50);
  struct timespec five = {5, 0};
  uint64_t t0 = t_now_ns();
  EQ("eintr", sigtimedwait(&usr1, NULL, &five) == -1 ? errno : 0, EINTR);
  CHECK("early", t_now_ns() - t0 < 4000000000ull);
  EQ("handler_ran", g_usr2, 1);
  sigset_t now;
  sigprocmask(SIG_BLOCK, NULL, &now);
  CHECK("mask_back", sigismember(&now, SIGUSR1) && !sigismember(&now, SIGUSR2));
  waitpid(c, NULL, 0);
  /* A blocked signal outside the set does not end it. */
  block_only(SIGUSR1, SIGUSR2);
  c = send_later(getpid(), SIGUSR2, 20);
  struct timespec ms200 = {0, 200000000};
  EQ("blocked_other", sigtimedwait(&usr1, NULL, &ms200) == -1 ? errno : 0, EAGAIN);
  waitpid(c, NULL, 0);
  EQ("not_run_yet", g_usr2, 1);
  block_only(0, 0);
  EQ("run_when_unblocked", g_usr2, 2);
  signal(SIGUSR2, SIG_DFL);
}

/* SIGKILL ends a process waiting in sigwaitinfo at once. */
void t_sigtimedwait_sigkill(void) {
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    sigwaitinfo(&all, NULL);
    _exit(1);
  }
  t_sleep_ms(50);
  uint64_t t0 = t_now_ns();
  kill(c, SIGKILL);
  int st;
  waitpid(c, &st, 0);
  CHECK("killed", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  CHECK("promptly", t_now_ns() - t0 < 2000000000ull);
}

static volatile int g_race_stop;
static void* rearm_loop(void* arg) {
  (void)arg;
  struct itimerval cur;
  while (!g_race_stop) {
    set_real(1, 50, NULL);
    getitimer(ITIMER_REAL, &cur);
    set_real(0, 0, &cur);
    set_real(1, 0, NULL);
  }
  return NULL;
}

/* Threads arming, reading and disarming one timer that fires within a
 * microsecond, then every 50, while its SIGALRM is taken by a handler, and
 * processes that end in the middle of it: nothing outlives its process.
 * Tine only: qemu-user deadlocks in such exits. */
void t_timers_smp_race(void) {
  signal(SIGALRM, on_alrm);
  g_alrm = 0;
  g_race_stop = 0;
  pthread_t th[3];
  for (int i = 0; i < 3; ++i) pthread_create(&th[i], NULL, rearm_loop, NULL);
  t_sleep_ms(300);
  g_race_stop = 1;
  for (int i = 0; i < 3; ++i) pthread_join(th[i], NULL);
  set_real(0, 0, NULL);
  CHECK("fired", g_alrm > 0);
  fflush(stdout);
  for (int i = 0; i < 10; ++i) {
    pid_t pid = fork();
    if (pid == 0) {
      g_race_stop = 0;
      pthread_t t2[2];
      for (int j = 0; j < 2; ++j) pthread_create(&t2[j], NULL, rearm_loop, NULL);
      t_sleep_ms(5 + 3 * i);
      _exit(0); /* with the threads still arming */
    }
  }
  int reaped = 0, st;
  while (waitpid(-1, &st, 0) > 0) reaped += WIFEXITED(st) && WEXITSTATUS(st) == 0;
  EQ("all_exited", reaped, 10);
  signal(SIGALRM, SIG_DFL);
}

/* A stop and continue while waiting end the wait with EINTR (Linux's
 * signal(7): sigtimedwait is among the calls that fail so). */
void t_sigtimedwait_stop(void) {
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    block_only(SIGUSR1, 0);
    sigset_t usr1 = set_of(SIGUSR1, 0);
    struct timespec five = {5, 0};
    uint64_t t0 = t_now_ns();
    int r = sigtimedwait(&usr1, NULL, &five);
    _exit(r == -1 && errno == EINTR && t_now_ns() - t0 < 4000000000ull ? 0 : 1);
  }
  t_sleep_ms(50);
  EQ("stopped", t_stop_and_continue(c, SIGSTOP), 1);
  int st = 0;
  waitpid(c, &st, 0);
  CHECK("eintr", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static int g_sigwait_ready[2];

static void* sigwait_thread(void* arg) {
  (void)arg;
  block_only(SIGUSR1, SIGTSTP);
  sigset_t usr1 = set_of(SIGUSR1, 0);
  int sig = 0;
  if (write(g_sigwait_ready[1], "r", 1) != 1) return (void*)-1L;
  int r = sigwait(&usr1, &sig);
  return (void*)(long)(r == 0 ? sig : -r);
}

/* One thread blocks SIGTSTP and waits in sigwait, another takes SIGTSTP:
 * the waiting thread leaves its wait for the stop too (Linux's group stop),
 * so the stop completes and is reported; continued, sigwait (glibc's, which
 * waits again after EINTR) takes SIGUSR1. The waiting thread used to sleep
 * on, and the stop was never reported. */
void t_sigtimedwait_stop_thread(void) {
  EQ("pipe", pipe(g_sigwait_ready), 0);
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    setpgid(0, 0); /* a group with a parent outside: SIGTSTP is not discarded */
    block_only(SIGUSR1, 0);
    pthread_t th;
    if (pthread_create(&th, NULL, sigwait_thread, NULL) != 0) _exit(2);
    void* got = NULL;
    pthread_join(th, &got);
    _exit((long)got == SIGUSR1 ? 0 : 1);
  }
  char b;
  EQ("ready", read(g_sigwait_ready[0], &b, 1), 1);
  t_sleep_ms(100);
  EQ("stopped", t_stop_and_continue(c, SIGTSTP), 1);
  t_sleep_ms(50);
  kill(c, SIGUSR1);
  int st = t_wait_status_within(c, 5000);
  CHECK("took_usr1", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  close(g_sigwait_ready[0]);
  close(g_sigwait_ready[1]);
}

/* ---- CPU time: ITIMER_VIRTUAL, ITIMER_PROF, RLIMIT_CPU ----------------- */

static volatile int g_vtalrm, g_prof, g_xcpu;
static void on_cpu_signal(int sig) {
  if (sig == SIGVTALRM) ++g_vtalrm;
  if (sig == SIGPROF) ++g_prof;
  if (sig == SIGXCPU) ++g_xcpu;
}

static uint64_t cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Spins at EL0 until *count reaches n or the process has used max_ms more
 * of CPU time; the CPU time it used. */
static uint64_t spin_until(volatile int* count, int n, unsigned max_ms) {
  uint64_t t0 = cpu_ns(), until = t0 + (uint64_t)max_ms * 1000000ull;
  while (*count < n && cpu_ns() < until)
    for (volatile int i = 0; i < 20000; ++i) {
    }
  return cpu_ns() - t0;
}

static long set_cpu_timer(int which, long value_us, long interval_us, struct itimerval* old) {
  struct itimerval v = {{interval_us / 1000000, interval_us % 1000000},
                        {value_us / 1000000, value_us % 1000000}};
  return SYS(SYS_setitimer, which, &v, old);
}

/* ITIMER_PROF counts the process's CPU time: SIGPROF (SI_KERNEL) once that
 * much is used, not before; getitimer reads what is left and the interval;
 * periodic, it goes on; disarming stops it. */
void t_timers_cpu_prof(void) {
  signal(SIGPROF, on_cpu_signal);
  g_prof = 0;
  struct itimerval cur, old;
  EQ("arm", set_cpu_timer(ITIMER_PROF, 300000, 0, NULL), 0);
  EQ("get", SYS(SYS_getitimer, ITIMER_PROF, &cur), 0);
  /* Linux adds a tick to the value (tine too): at most 300 ms and a tick. */
  CHECK("value", usec_of(&cur.it_value) > 100000 && usec_of(&cur.it_value) <= 340000);
  EQ("interval", usec_of(&cur.it_interval), 0);
  uint64_t used = spin_until(&g_prof, 1, 10000);
  EQ("fired", g_prof, 1);
  CHECK("not_early", used >= 250000000ull);
  CHECK("not_late", used < 3000000000ull);
  EQ("get_after", SYS(SYS_getitimer, ITIMER_PROF, &cur), 0);
  EQ("one_shot_disarmed", usec_of(&cur.it_value), 0);
  /* Periodic: 50 ms of CPU time each. */
  g_prof = 0;
  EQ("arm_periodic", set_cpu_timer(ITIMER_PROF, 50000, 50000, NULL), 0);
  used = spin_until(&g_prof, 4, 10000);
  CHECK("periodic", g_prof >= 4);
  CHECK("periodic_not_early", used >= 150000000ull);
  EQ("disarm", set_cpu_timer(ITIMER_PROF, 0, 0, &old), 0);
  EQ("old_interval", usec_of(&old.it_interval), 50000);
  CHECK("old_value", usec_of(&old.it_value) > 0 && usec_of(&old.it_value) <= 70000);
  int n = g_prof;
  spin_until(&g_prof, n + 1, 300);
  EQ("stopped", g_prof, n);
  /* The signal's information: SI_KERNEL, as Linux's SEND_SIG_PRIV. */
  block_only(SIGPROF, 0);
  sigset_t prof = set_of(SIGPROF, 0);
  EQ("arm_blocked", set_cpu_timer(ITIMER_PROF, 20000, 0, NULL), 0);
  struct timespec zero = {0, 0};
  siginfo_t si;
  memset(&si, 0, sizeof si);
  uint64_t t0 = cpu_ns();
  int got = -1;
  while ((got = sigtimedwait(&prof, &si, &zero)) != SIGPROF && cpu_ns() - t0 < 5000000000ull)
    for (volatile int i = 0; i < 20000; ++i) {
    }
  EQ("taken", got, SIGPROF);
  EQ("code", si.si_code, SI_KERNEL);
  block_only(0, 0);
  signal(SIGPROF, SIG_DFL);
}

/* ITIMER_VIRTUAL counts user time only: a sleep uses none, so it neither
 * fires nor moves; spinning at user level fires it, periodically. */
void t_timers_cpu_virtual(void) {
  signal(SIGVTALRM, on_cpu_signal);
  g_vtalrm = 0;
  struct itimerval cur;
  EQ("arm", set_cpu_timer(ITIMER_VIRTUAL, 100000, 100000, NULL), 0);
  t_sleep_ms(400);
  EQ("not_while_asleep", g_vtalrm, 0);
  EQ("get", SYS(SYS_getitimer, ITIMER_VIRTUAL, &cur), 0);
  CHECK("value_kept", usec_of(&cur.it_value) > 50000 && usec_of(&cur.it_value) <= 140000);
  EQ("interval", usec_of(&cur.it_interval), 100000);
  /* ITIMER_PROF is another timer: still disarmed. */
  EQ("get_prof", SYS(SYS_getitimer, ITIMER_PROF, &cur), 0);
  EQ("prof_disarmed", usec_of(&cur.it_value), 0);
  uint64_t used = spin_until(&g_vtalrm, 3, 10000);
  CHECK("three", g_vtalrm >= 3);
  CHECK("not_early", used >= 250000000ull);
  EQ("disarm", set_cpu_timer(ITIMER_VIRTUAL, 0, 0, NULL), 0);
  EQ("get_disarmed", SYS(SYS_getitimer, ITIMER_VIRTUAL, &cur), 0);
  EQ("disarmed_value", usec_of(&cur.it_value), 0);
  /* A value of 0 disarms, but Linux keeps the interval (set_cpu_itimer). */
  EQ("interval_only", set_cpu_timer(ITIMER_VIRTUAL, 0, 70000, NULL), 0);
  EQ("get_interval_only", SYS(SYS_getitimer, ITIMER_VIRTUAL, &cur), 0);
  EQ("interval_only_value", usec_of(&cur.it_value), 0);
  EQ("interval_only_interval", usec_of(&cur.it_interval), 70000);
  int n = g_vtalrm;
  spin_until(&g_vtalrm, n + 1, 300);
  EQ("interval_alone_idle", g_vtalrm, n);
  set_cpu_timer(ITIMER_VIRTUAL, 0, 0, NULL);
  signal(SIGVTALRM, SIG_DFL);
}

static int cpu_timers_disarmed(void* arg) {
  (void)arg;
  struct itimerval v, p;
  if (getitimer(ITIMER_VIRTUAL, &v) != 0 || getitimer(ITIMER_PROF, &p) != 0) return 2;
  if (usec_of(&v.it_value) || usec_of(&v.it_interval) || usec_of(&p.it_value) ||
      usec_of(&p.it_interval))
    return 1;
  /* And nothing comes while the child spins. */
  signal(SIGPROF, on_cpu_signal);
  signal(SIGVTALRM, on_cpu_signal);
  g_prof = g_vtalrm = 0;
  spin_until(&g_prof, 1, 300);
  return g_prof || g_vtalrm ? 3 : 0;
}

/* fork's child starts with neither CPU-time timer (the parent's go on);
 * exec keeps them. */
void t_timers_cpu_fork_exec(void) {
  signal(SIGPROF, SIG_IGN);
  signal(SIGVTALRM, SIG_IGN);
  EQ("arm_prof", set_cpu_timer(ITIMER_PROF, 100000, 100000, NULL), 0);
  EQ("arm_virtual", set_cpu_timer(ITIMER_VIRTUAL, 100000, 100000, NULL), 0);
  int st = t_fork_status(cpu_timers_disarmed, NULL);
  CHECK("child_none", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  struct itimerval cur;
  EQ("get", SYS(SYS_getitimer, ITIMER_PROF, &cur), 0);
  CHECK("parent_kept", usec_of(&cur.it_value) > 0 && usec_of(&cur.it_interval) == 100000);
  set_cpu_timer(ITIMER_PROF, 0, 0, NULL);
  set_cpu_timer(ITIMER_VIRTUAL, 0, 0, NULL);
  if (t_on_tine()) { /* qemu-user cannot exec a guest program itself */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      set_cpu_timer(ITIMER_PROF, 7000000, 3000000, NULL);
      execl(t_self(), t_self(), "child", "cpu-itimer-armed", (char*)NULL);
      _exit(99);
    }
    waitpid(pid, &st, 0);
    CHECK("exec_keeps", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  signal(SIGPROF, SIG_DFL);
  signal(SIGVTALRM, SIG_DFL);
}

/* A word the children write and the parent reads after their end. */
static volatile int* shared_words(void) {
  void* m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  return m == MAP_FAILED ? NULL : (volatile int*)m;
}

static void set_cpu_limit(rlim_t soft, rlim_t hard) {
  struct rlimit r = {soft, hard};
  setrlimit(RLIMIT_CPU, &r);
}

/* RLIMIT_CPU's soft limit: SIGXCPU once the process has used that much CPU
 * time, and again each further second; a sleeping process gets none; a
 * forked child inherits the limit and counts its own time. */
void t_timers_rlimit_cpu_soft(void) {
  volatile int* w = shared_words();
  CHECK("shared", w != NULL);
  if (!w) return;
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    signal(SIGXCPU, on_cpu_signal);
    set_cpu_limit(1, RLIM_INFINITY);
    uint64_t t0 = cpu_ns();
    spin_until(&g_xcpu, 1, 20000);
    w[0] = g_xcpu;
    w[1] = (int)((cpu_ns() - t0) / 1000000); /* ms of CPU time at the first */
    spin_until(&g_xcpu, 2, 20000);
    w[2] = g_xcpu;
    w[3] = (int)((cpu_ns() - t0) / 1000000);
    _exit(0);
  }
  int st = t_wait_status_within(c, 120000);
  CHECK("exited", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  EQ("first", w[0], 1);
  CHECK("first_not_early", w[1] >= 900);
  CHECK("first_not_late", w[1] < 5000);
  EQ("second", w[2], 2);
  CHECK("second_a_second_on", w[3] >= 1900 && w[3] - w[1] >= 700);

  /* Asleep: no CPU time used, no SIGXCPU. */
  c = fork();
  if (c == 0) {
    signal(SIGXCPU, on_cpu_signal);
    set_cpu_limit(1, 2);
    t_sleep_ms(1500);
    _exit(g_xcpu);
  }
  st = t_wait_status_within(c, 60000);
  CHECK("asleep_none", WIFEXITED(st) && WEXITSTATUS(st) == 0);

  /* Inherited: the grandchild counts its own CPU time from 0. */
  w[4] = -1;
  c = fork();
  if (c == 0) {
    set_cpu_limit(1, RLIM_INFINITY);
    pid_t g = fork();
    if (g == 0) {
      signal(SIGXCPU, on_cpu_signal);
      struct rlimit r;
      getrlimit(RLIMIT_CPU, &r);
      uint64_t used = spin_until(&g_xcpu, 1, 20000);
      w[4] = g_xcpu == 1 && r.rlim_cur == 1 ? (int)(used / 1000000) : -2;
      _exit(0);
    }
    int gst;
    waitpid(g, &gst, 0);
    _exit(WIFEXITED(gst) ? WEXITSTATUS(gst) : 1);
  }
  st = t_wait_status_within(c, 120000);
  CHECK("inherited_exited", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  CHECK("inherited", w[4] >= 900 && w[4] < 5000);
  munmap((void*)w, 4096);
}

/* At the hard limit SIGKILL; SIGXCPU's default action ends the process. */
void t_timers_rlimit_cpu_hard(void) {
  volatile int* w = shared_words();
  CHECK("shared", w != NULL);
  if (!w) return;
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    signal(SIGXCPU, on_cpu_signal);
    set_cpu_limit(1, 2);
    for (;;) {
      spin_until(&g_xcpu, 1000, 10);
      w[0] = g_xcpu;
      w[1] = (int)(cpu_ns() / 1000000);
    }
  }
  int st = t_wait_status_within(c, 120000);
  CHECK("killed", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  CHECK("xcpu_first", w[0] >= 1);
  CHECK("at_hard", w[1] >= 1800 && w[1] < 6000);

  c = fork();
  if (c == 0) {
    set_cpu_limit(1, RLIM_INFINITY);
    for (;;) spin_until(&g_xcpu, 1, 1000);
  }
  st = t_wait_status_within(c, 120000);
  CHECK("xcpu_default", WIFSIGNALED(st) && WTERMSIG(st) == SIGXCPU);
  munmap((void*)w, 4096);
}
