/* Real-time signals queue: every sending is an instance with its own
 * information, taken lowest signal first and, within one signal, in the
 * order sent; RLIMIT_SIGPENDING bounds them (sigqueue then fails with
 * EAGAIN, and kill's instance is kept without its information). Standard
 * signals do not queue. */
#define _GNU_SOURCE
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

static void block(int sig) {
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  sigprocmask(SIG_BLOCK, &s, NULL);
}

/* The next pending signal of `sigs` (zero timeout): the signal, -1 when none;
 * its value and code. */
static int next_of(const int* sigs, int n, int* value, int* code) {
  sigset_t s;
  sigemptyset(&s);
  for (int i = 0; i < n; ++i) sigaddset(&s, sigs[i]);
  struct timespec zero = {0, 0};
  siginfo_t si;
  memset(&si, 0, sizeof si);
  int r = sigtimedwait(&s, &si, &zero);
  *value = si.si_value.sival_int;
  *code = si.si_code;
  return r;
}

static int queue(int sig, int value) {
  return sigqueue(getpid(), sig, (union sigval){.sival_int = value});
}

/* Lowest signal first; within one, the order sent; kill's instance queues
 * too (SI_USER); a standard signal sent twice is one. */
void t_rtsig_queue_order(void) {
  int a = SIGRTMIN + 1, b = SIGRTMIN + 2;
  int sigs[] = {a, b, SIGUSR1};
  block(a);
  block(b);
  block(SIGUSR1);
  EQ("q1", queue(b, 1), 0);
  EQ("q2", queue(a, 2), 0);
  EQ("q3", queue(b, 3), 0);
  EQ("q4", queue(a, 4), 0);
  EQ("kill", kill(getpid(), a), 0);
  EQ("usr1", queue(SIGUSR1, 5), 0);
  EQ("usr1_again", queue(SIGUSR1, 6), 0);
  sigset_t p;
  sigpending(&p);
  CHECK("pending_a", sigismember(&p, a));
  CHECK("pending_b", sigismember(&p, b));
  int v, c;
  EQ("first", next_of(sigs, 3, &v, &c), SIGUSR1);
  EQ("first_value", v, 5);
  EQ("none_more_usr1", next_of(sigs + 2, 1, &v, &c), -1);
  EQ("a1", next_of(sigs, 2, &v, &c), a);
  EQ("a1_value", v, 2);
  EQ("a1_code", c, SI_QUEUE);
  EQ("a2", next_of(sigs, 2, &v, &c), a);
  EQ("a2_value", v, 4);
  sigpending(&p);
  CHECK("a_still_pending", sigismember(&p, a));
  EQ("a3", next_of(sigs, 2, &v, &c), a);
  EQ("a3_code", c, SI_USER);
  sigpending(&p);
  CHECK("a_taken", !sigismember(&p, a));
  EQ("b1", next_of(sigs, 2, &v, &c), b);
  EQ("b1_value", v, 1);
  EQ("b2", next_of(sigs, 2, &v, &c), b);
  EQ("b2_value", v, 3);
  EQ("empty", next_of(sigs, 2, &v, &c), -1);
}

static volatile int g_got, g_values[16];

static void on_rt(int sig, siginfo_t* si, void* uc) {
  (void)sig;
  (void)uc;
  if (g_got < 16) g_values[g_got] = si->si_value.sival_int;
  ++g_got;
}

/* Each instance runs the handler once, in order, when unblocked; one sent
 * to a thread (pthread_sigqueue) queues on that thread. */
void t_rtsig_queue_handler(void) {
  int sig = SIGRTMIN + 3;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_rt;
  sa.sa_flags = SA_SIGINFO;
  sigaction(sig, &sa, NULL);
  g_got = 0;
  block(sig);
  for (int i = 0; i < 5; ++i) EQ("queued", queue(sig, 10 + i), 0);
  for (int i = 0; i < 3; ++i)
    EQ("thread_queued", pthread_sigqueue(pthread_self(), sig, (union sigval){.sival_int = 20 + i}),
       0);
  EQ("not_yet", g_got, 0);
  sigset_t s;
  sigemptyset(&s);
  sigaddset(&s, sig);
  sigprocmask(SIG_UNBLOCK, &s, NULL);
  EQ("all_handled", g_got, 8);
  /* The thread's own first (Linux takes its private set before the process's). */
  int want[8] = {20, 21, 22, 10, 11, 12, 13, 14};
  for (int i = 0; i < 8; ++i) EQ("in_order", g_values[i], want[i]);
}

/* RLIMIT_SIGPENDING: past it sigqueue and pthread_sigqueue fail with EAGAIN,
 * kill succeeds with its instance's information lost; what is taken gives
 * room back. Ignoring a signal drops its instances (and their room). The
 * count is the receiver's real uid's, all its processes together: run as
 * root, the checks run in a child of a uid of their own, so that no other
 * process's pending signals count (on a Linux host, root has others). */
static void queue_limit_checks(void);

void t_rtsig_queue_limit(void) {
  if (getuid() != 0) {
    queue_limit_checks();
    return;
  }
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    if (setuid(45678) != 0) _exit(2);
    queue_limit_checks();
    fflush(stdout);
    _exit(0);
  }
  int st = 0;
  EQ("reaped", waitpid(c, &st, 0), c);
  CHECK("child_ran", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void queue_limit_checks(void) {
  int sig = SIGRTMIN + 4;
  struct rlimit rl = {4, 4};
  EQ("setrlimit", setrlimit(RLIMIT_SIGPENDING, &rl), 0);
  block(sig);
  for (int i = 0; i < 4; ++i) EQ("within", queue(sig, i), 0);
  EQ("over", queue(sig, 4), -1);
  EQ("eagain", errno, EAGAIN);
  EQ("thread_over", pthread_sigqueue(pthread_self(), sig, (union sigval){.sival_int = 5}), EAGAIN);
  EQ("kill_over", kill(getpid(), sig), 0);
  int v, c;
  for (int i = 0; i < 4; ++i) {
    EQ("taken", next_of(&sig, 1, &v, &c), sig);
    EQ("value", v, i);
  }
  EQ("no_more", next_of(&sig, 1, &v, &c), -1);
  EQ("room_again", queue(sig, 9), 0);
  /* Ignored: the instances go, and so does their charge. */
  for (int i = 0; i < 3; ++i) EQ("refill", queue(sig, i), 0);
  signal(sig, SIG_IGN);
  sigset_t p;
  sigpending(&p);
  CHECK("dropped", !sigismember(&p, sig));
  signal(sig, SIG_DFL);
  for (int i = 0; i < 4; ++i) EQ("room_after_ignore", queue(sig, i), 0);
  EQ("over_again", queue(sig, 4), -1);
  for (int i = 0; i < 4; ++i) next_of(&sig, 1, &v, &c);
}

/* Instances queued to a process that exits, or to a thread that exits, go
 * with it (the baseline check sees none left behind). */
void t_rtsig_queue_exit(void) {
  int sig = SIGRTMIN + 5;
  block(sig);
  int go[2];
  EQ("pipe", pipe(go), 0);
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    char b;
    close(go[1]);
    _exit(read(go[0], &b, 1) == 0 ? 0 : 1); /* until the parent has queued */
  }
  close(go[0]);
  int sent = 0;
  for (int i = 0; i < 100; ++i) sent += sigqueue(c, sig, (union sigval){.sival_int = i}) == 0;
  EQ("sent", sent, 100);
  close(go[1]);
  int st = 0;
  EQ("reaped", waitpid(c, &st, 0), c);
  CHECK("exited", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}
