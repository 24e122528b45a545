/* Waiting for signals by number: sigtimedwait, sigwaitinfo and sigwait. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

static volatile int g_usr2;
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
  kill(c, SIGSTOP);
  int st = 0;
  uint64_t t0 = t_now_ns();
  pid_t w;
  while ((w = waitpid(c, &st, WUNTRACED | WNOHANG)) == 0 && t_now_ns() - t0 < 3000000000ull)
    t_sleep_ms(5);
  CHECK("stopped", w == c && WIFSTOPPED(st));
  kill(c, SIGCONT);
  waitpid(c, &st, 0);
  CHECK("eintr", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
