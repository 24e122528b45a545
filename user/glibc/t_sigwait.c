/* Waiting for signals as shells do: sigsuspend (busybox ash's wait builtin
 * blocks SIGCHLD and suspends until it comes). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

static volatile int g_usr1, g_chld;
static volatile unsigned long g_mask_in_handler;

static void on_usr1(int sig) {
  (void)sig;
  sigset_t s;
  sigprocmask(SIG_BLOCK, NULL, &s);
  g_mask_in_handler = (sigismember(&s, SIGUSR1) ? 1 : 0) | (sigismember(&s, SIGUSR2) ? 2 : 0);
  ++g_usr1;
}
static void on_chld(int sig) {
  (void)sig;
  ++g_chld;
}

static int blocked(int sig) {
  sigset_t s;
  sigprocmask(SIG_BLOCK, NULL, &s);
  return sigismember(&s, sig);
}

/* A child that sends sig to its parent after ms. */
static pid_t send_later(int sig, unsigned ms) {
  pid_t parent = getpid();
  pid_t c = fork();
  if (c == 0) {
    t_sleep_ms(ms);
    kill(parent, sig);
    _exit(0);
  }
  return c;
}

void t_sigsuspend(void) {
  struct sigaction sa = {0};
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  sigset_t block, wait_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, NULL);

  /* Woken by a signal sent while it sleeps; the handler runs with the
   * suspend mask (SIGUSR2 blocked) plus the signal; the old mask is back. */
  sigemptyset(&wait_mask);
  sigaddset(&wait_mask, SIGUSR2);
  pid_t c = send_later(SIGUSR1, 50);
  int r = sigsuspend(&wait_mask);
  EQ("eintr", r == -1 ? errno : 0, EINTR);
  EQ("handler_ran", g_usr1, 1);
  EQ("handler_mask", g_mask_in_handler, 3);
  CHECK("old_mask_back", blocked(SIGUSR1) && !blocked(SIGUSR2));
  waitpid(c, NULL, 0);

  /* A signal pending (blocked) before the call ends it at once. */
  kill(getpid(), SIGUSR1);
  sigemptyset(&wait_mask);
  r = sigsuspend(&wait_mask);
  EQ("pending_eintr", r == -1 ? errno : 0, EINTR);
  EQ("pending_handler_ran", g_usr1, 2);
  CHECK("pending_mask_back", blocked(SIGUSR1));

  /* SIGCHLD, as ash waits for its jobs. */
  sa.sa_handler = on_chld;
  sigaction(SIGCHLD, &sa, NULL);
  sigaddset(&block, SIGCHLD);
  sigprocmask(SIG_BLOCK, &block, NULL);
  c = fork();
  if (c == 0) {
    t_sleep_ms(30);
    _exit(7);
  }
  sigemptyset(&wait_mask);
  while (!g_chld) sigsuspend(&wait_mask);
  int st = 0;
  EQ("chld_reaped", waitpid(c, &st, WNOHANG), c);
  CHECK("chld_status", WIFEXITED(st) && WEXITSTATUS(st) == 7);

  /* Errors, as Linux has them. */
  EQ("bad_size", SYS(SYS_rt_sigsuspend, &wait_mask, 4), -EINVAL);
  EQ("bad_pointer", SYS(SYS_rt_sigsuspend, (void*)8, 8), -EFAULT);
  void* none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  EQ("unreadable", SYS(SYS_rt_sigsuspend, none, 8), -EFAULT);
  munmap(none, 4096);

  /* SIGKILL ends a process that suspends with everything blocked. */
  c = fork();
  if (c == 0) {
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);
    sigsuspend(&all);
    _exit(1);
  }
  t_sleep_ms(30);
  kill(c, SIGKILL);
  st = 0;
  EQ("sigkill_reaped", waitpid(c, &st, 0), c);
  CHECK("sigkill_status", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  sigprocmask(SIG_UNBLOCK, &block, NULL);
}
