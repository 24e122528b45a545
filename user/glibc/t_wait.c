/* waitid as Linux has it (docs/user-abi.md, wait4 and waitid): the children
 * it selects, the reports it gives (exits, signals, stops, continues), what it
 * writes to the siginfo, WNOWAIT, WNOHANG, and its errors.
 *
 * qemu-aarch64 emulates waitid: it writes the siginfo only when a child was
 * reported and never passes the rusage on. The checks of what Linux itself
 * does in those cases (the zeroed fields when nothing is reported, the
 * rusage) run on tine only; Linux's kernel/exit.c is their reference. */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* waitid with every argument, as the kernel answers: 0 or -errno. */
static long waitid5(int which, int id, siginfo_t* info, int options, struct rusage* ru) {
  return SYS(SYS_waitid, which, id, info, options, ru);
}

static pid_t child_exits(int code, unsigned after_ms) {
  pid_t c = fork();
  if (c == 0) {
    if (after_ms) t_sleep_ms(after_ms);
    _exit(code);
  }
  return c;
}

static pid_t child_pauses(void) {
  pid_t c = fork();
  if (c == 0) {
    for (;;) pause();
  }
  return c;
}

/* Waits (WNOWAIT) until c is a zombie, without reaping it. */
static void until_zombie(pid_t c) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  waitid(P_PID, c, &si, WEXITED | WNOWAIT);
}

/* Checks that waitid (WNOHANG among the options) has nothing to report: it
 * returns 0 (check) and names no child in the siginfo (check_pid). */
static void expect_no_report(const char* check, const char* check_pid, idtype_t which, id_t id,
                             int options) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  EQ(check, waitid(which, id, &si, options), 0);
  EQ(check_pid, si.si_pid, 0);
}

/* Checks that waitid(which, id, WEXITED) returns 0 (check) and reports child
 * `pid`'s exit with `status` (check_report). */
static void expect_exit_report(const char* check, const char* check_report, idtype_t which, id_t id,
                               pid_t pid, int status) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  EQ(check, waitid(which, id, &si, WEXITED), 0);
  CHECK(check_report, si.si_pid == pid && si.si_status == status);
}

/* Polls (WNOHANG | WNOWAIT) until c has a report of kind `options`. */
static void until_report(pid_t c, int options) {
  for (int i = 0; i < 2000; ++i) {
    siginfo_t si;
    memset(&si, 0, sizeof si);
    if (waitid(P_PID, c, &si, options | WNOHANG | WNOWAIT) == 0 && si.si_pid == c) return;
    t_sleep_ms(1);
  }
}

void t_waitid_errors(void) {
  siginfo_t si;
  memset(&si, 0, sizeof si);
  /* No children at all. */
  EQ("no_child", waitid5(P_ALL, 0, &si, WEXITED, NULL), -ECHILD);
  EQ("no_child_nohang", waitid5(P_ALL, 0, &si, WEXITED | WNOHANG, NULL), -ECHILD);
  EQ("not_my_child", waitid5(P_PID, 1, &si, WEXITED, NULL), -ECHILD);
  EQ("no_group", waitid5(P_PGID, 0, &si, WEXITED, NULL), -ECHILD);
  /* Options: one of WEXITED, WSTOPPED, WCONTINUED, and no unknown bit. */
  EQ("no_kind", waitid5(P_ALL, 0, &si, 0, NULL), -EINVAL);
  EQ("nohang_alone", waitid5(P_ALL, 0, &si, WNOHANG | WNOWAIT, NULL), -EINVAL);
  EQ("unknown_option", waitid5(P_ALL, 0, &si, WEXITED | 0x10, NULL), -EINVAL);
  EQ("unknown_high", waitid5(P_ALL, 0, &si, WEXITED | 0x02000000, NULL), -EINVAL);
  /* The id type and the id. */
  EQ("bad_idtype", waitid5(7, 0, &si, WEXITED, NULL), -EINVAL);
  EQ("negative_idtype", waitid5(-1, 0, &si, WEXITED, NULL), -EINVAL);
  EQ("pid_zero", waitid5(P_PID, 0, &si, WEXITED, NULL), -EINVAL);
  EQ("pid_negative", waitid5(P_PID, -1, &si, WEXITED, NULL), -EINVAL);
  EQ("pgid_negative", waitid5(P_PGID, -1, &si, WEXITED, NULL), -EINVAL);
  EQ("pidfd_negative", waitid5(P_PIDFD, -1, &si, WEXITED, NULL), -EINVAL);
  EQ("pidfd_not_pidfd", waitid5(P_PIDFD, 0, &si, WEXITED, NULL), -EBADF);
  EQ("pidfd_closed", waitid5(P_PIDFD, 999, &si, WEXITED, NULL), -EBADF);
  /* The options are checked before the id type. */
  EQ("options_first", waitid5(7, 0, &si, 0, NULL), -EINVAL);
  /* wait4 takes neither WEXITED nor WNOWAIT. */
  EQ("wait4_wexited", SYS(SYS_wait4, -1, NULL, WEXITED, NULL), -EINVAL);
  EQ("wait4_wnowait", SYS(SYS_wait4, -1, NULL, WNOWAIT, NULL), -EINVAL);

  /* Linux writes the fields even when it fails (qemu-user does not). */
  if (t_on_tine()) {
    memset(&si, 0x55, sizeof si);
    EQ("echild_fields", waitid5(P_ALL, 0, &si, WEXITED, NULL), -ECHILD);
    CHECK("echild_zeroed", si.si_signo == 0 && si.si_errno == 0 && si.si_code == 0 &&
                               si.si_pid == 0 && si.si_uid == 0 && si.si_status == 0);
    const unsigned char* b = (const unsigned char*)&si;
    CHECK("echild_rest_untouched", b[12] == 0x55 && b[28] == 0x55 && b[127] == 0x55);
    EQ("bad_infop", waitid5(P_ALL, 0, (siginfo_t*)8, WEXITED, NULL), -EFAULT);
    EQ("bad_infop_einval", waitid5(P_ALL, 0, (siginfo_t*)8, 0, NULL), -EFAULT);
    void* ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    EQ("readonly_infop", waitid5(P_ALL, 0, ro, WEXITED, NULL), -EFAULT);
    munmap(ro, 4096);
  }
  /* No infop: the error alone. */
  EQ("null_infop", waitid5(P_ALL, 0, NULL, WEXITED, NULL), -ECHILD);
}

void t_waitid_exit(void) {
  siginfo_t si;
  /* An exit: SIGCHLD, CLD_EXITED, the pid, the real uid, the code. */
  pid_t c = child_exits(7, 20);
  memset(&si, 0x55, sizeof si);
  EQ("exit_ret", waitid(P_PID, c, &si, WEXITED), 0);
  EQ("exit_signo", si.si_signo, SIGCHLD);
  EQ("exit_errno", si.si_errno, 0);
  EQ("exit_code", si.si_code, CLD_EXITED);
  EQ("exit_pid", si.si_pid, c);
  EQ("exit_uid", si.si_uid, getuid());
  EQ("exit_status", si.si_status, 7);
  EQ("exit_reaped", waitid5(P_PID, c, &si, WEXITED | WNOHANG, NULL), -ECHILD);

  /* The exit code's low byte, as a wait status has it. */
  c = child_exits(0x1ff, 0);
  memset(&si, 0, sizeof si);
  EQ("code_byte_ret", waitid(P_ALL, 0, &si, WEXITED), 0);
  EQ("code_byte", si.si_status, 0xff);
  EQ("code_byte_pid", si.si_pid, c);

  /* Killed by a signal: CLD_KILLED and the signal. */
  c = child_pauses();
  kill(c, SIGTERM);
  memset(&si, 0, sizeof si);
  EQ("killed_ret", waitid(P_ALL, 0, &si, WEXITED), 0);
  EQ("killed_code", si.si_code, CLD_KILLED);
  EQ("killed_status", si.si_status, SIGTERM);
  EQ("killed_pid", si.si_pid, c);
  c = child_pauses();
  kill(c, SIGKILL);
  memset(&si, 0, sizeof si);
  EQ("sigkill_ret", waitid(P_PID, c, &si, WEXITED), 0);
  CHECK("sigkill", si.si_code == CLD_KILLED && si.si_status == SIGKILL);

  /* WNOHANG: 0 and si_pid 0 while the child runs, then the report. */
  c = child_exits(3, 100);
  memset(&si, 0, sizeof si);
  EQ("nohang_running", waitid(P_PID, c, &si, WEXITED | WNOHANG), 0);
  EQ("nohang_pid", si.si_pid, 0);
  if (t_on_tine()) {
    memset(&si, 0x55, sizeof si);
    EQ("nohang_fields_ret", waitid(P_PID, c, &si, WEXITED | WNOHANG), 0);
    CHECK("nohang_fields", si.si_signo == 0 && si.si_code == 0 && si.si_pid == 0 &&
                               si.si_uid == 0 && si.si_status == 0);
  }
  until_zombie(c);
  memset(&si, 0, sizeof si);
  EQ("nohang_zombie", waitid(P_PID, c, &si, WEXITED | WNOHANG), 0);
  CHECK("nohang_zombie_report", si.si_pid == c && si.si_code == CLD_EXITED && si.si_status == 3);

  /* glibc's wait status macros agree with wait4's for the same kinds. */
  c = child_exits(9, 0);
  int st = 0;
  EQ("wait4_after", waitpid(c, &st, 0), c);
  CHECK("wait4_status", WIFEXITED(st) && WEXITSTATUS(st) == 9);
}

void t_waitid_nowait(void) {
  siginfo_t si;
  /* WNOWAIT leaves the child waitable: the same report again, then reaped. */
  pid_t c = child_exits(5, 0);
  for (int i = 0; i < 3; ++i) {
    memset(&si, 0, sizeof si);
    EQ("nowait_ret", waitid(P_ALL, 0, &si, WEXITED | WNOWAIT), 0);
    CHECK("nowait_report", si.si_pid == c && si.si_code == CLD_EXITED && si.si_status == 5);
  }
  int st = 0;
  EQ("nowait_then_wait4", waitpid(c, &st, WNOHANG), c);
  CHECK("nowait_status", WIFEXITED(st) && WEXITSTATUS(st) == 5);
  EQ("nowait_gone", waitpid(c, &st, WNOHANG), -1);

  /* Without WEXITED a zombie is neither reported nor something to wait for. */
  c = child_exits(1, 0);
  until_zombie(c);
  EQ("zombie_no_wexited", waitid5(P_PID, c, &si, WSTOPPED | WCONTINUED | WNOHANG, NULL), -ECHILD);
  EQ("zombie_no_wexited_all", waitid5(P_ALL, 0, &si, WSTOPPED | WCONTINUED, NULL), -ECHILD);
  /* ... while a live child is. */
  pid_t live = child_pauses();
  expect_no_report("live_no_wexited", "live_no_wexited_pid", P_ALL, 0,
                   WSTOPPED | WCONTINUED | WNOHANG);
  kill(live, SIGKILL);
  waitpid(live, NULL, 0);
  memset(&si, 0, sizeof si);
  EQ("zombie_reaped", waitid(P_PID, c, &si, WEXITED), 0);
  EQ("zombie_reaped_pid", si.si_pid, c);
}

void t_waitid_stop_continue(void) {
  siginfo_t si;
  pid_t c = child_pauses();
  kill(c, SIGSTOP);
  /* The stop: CLD_STOPPED with the signal; WNOWAIT leaves it. */
  memset(&si, 0, sizeof si);
  EQ("stop_nowait_ret", waitid(P_PID, c, &si, WSTOPPED | WNOWAIT), 0);
  CHECK("stop_nowait", si.si_signo == SIGCHLD && si.si_code == CLD_STOPPED &&
                           si.si_status == SIGSTOP && si.si_pid == c);
  EQ("stop_uid", si.si_uid, getuid());
  memset(&si, 0, sizeof si);
  EQ("stop_ret", waitid(P_PID, c, &si, WSTOPPED), 0);
  CHECK("stop", si.si_code == CLD_STOPPED && si.si_status == SIGSTOP && si.si_pid == c);
  /* Reported once. */
  expect_no_report("stop_once", "stop_once_pid", P_PID, c, WSTOPPED | WNOHANG);
  /* A stopped child is not an exit. */
  expect_no_report("stop_not_exit", "stop_not_exit_pid", P_PID, c, WEXITED | WNOHANG);

  /* The continue: CLD_CONTINUED with SIGCONT. */
  kill(c, SIGCONT);
  until_report(c, WCONTINUED);
  memset(&si, 0, sizeof si);
  EQ("cont_nowait_ret", waitid(P_PID, c, &si, WCONTINUED | WNOWAIT), 0);
  CHECK("cont_nowait", si.si_signo == SIGCHLD && si.si_code == CLD_CONTINUED &&
                           si.si_status == SIGCONT && si.si_pid == c);
  memset(&si, 0, sizeof si);
  EQ("cont_ret", waitid(P_ALL, 0, &si, WCONTINUED | WSTOPPED | WNOHANG), 0);
  CHECK("cont", si.si_code == CLD_CONTINUED && si.si_status == SIGCONT && si.si_pid == c);
  expect_no_report("cont_once", "cont_once_pid", P_PID, c, WCONTINUED | WNOHANG);

  /* A stop that wait4 reports is gone for waitid too, and the other way. */
  kill(c, SIGSTOP);
  until_report(c, WSTOPPED);
  int st = 0;
  EQ("wait4_stop", waitpid(c, &st, WUNTRACED | WNOHANG), c);
  CHECK("wait4_stop_status", WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP);
  expect_no_report("after_wait4", "after_wait4_pid", P_PID, c, WSTOPPED | WNOHANG);
  kill(c, SIGCONT);
  until_report(c, WCONTINUED);
  memset(&si, 0, sizeof si);
  EQ("cont_waitid", waitid(P_PID, c, &si, WCONTINUED), 0);
  EQ("cont_waitid_code", si.si_code, CLD_CONTINUED);
  EQ("wait4_no_cont", waitpid(c, &st, WCONTINUED | WNOHANG), 0);

  kill(c, SIGKILL);
  memset(&si, 0, sizeof si);
  EQ("end", waitid(P_PID, c, &si, WEXITED), 0);
  CHECK("end_killed", si.si_code == CLD_KILLED && si.si_status == SIGKILL);
}

void t_waitid_select(void) {
  siginfo_t si;
  /* P_PGID: a child in a group of its own. */
  pid_t a = fork();
  if (a == 0) {
    setpgid(0, 0);
    t_sleep_ms(30);
    _exit(11);
  }
  setpgid(a, a);
  pid_t b = child_exits(12, 60); /* in the caller's group */
  expect_exit_report("pgid_other", "pgid_other_report", P_PGID, a, a, 11);
  expect_exit_report("pgid_mine", "pgid_mine_report", P_PGID, 0, b, 12);
  pid_t c = child_exits(13, 0);
  expect_exit_report("pgid_explicit", "pgid_explicit_report", P_PGID, getpgid(0), c, 13);

  /* P_PID waits for that one, not another that ends first. */
  pid_t slow = child_exits(21, 80), fast = child_exits(22, 0);
  expect_exit_report("pid_slow", "pid_slow_report", P_PID, slow, slow, 21);
  expect_exit_report("pid_fast", "pid_fast_report", P_ALL, 0, fast, 22);

  /* __WNOTHREAD and __WALL are taken as wait4 takes them. */
  c = child_exits(4, 0);
  memset(&si, 0, sizeof si);
  EQ("wnothread", waitid(P_PID, c, &si, WEXITED | __WNOTHREAD), 0);
  EQ("wnothread_pid", si.si_pid, c);
  c = child_exits(4, 0);
  memset(&si, 0, sizeof si);
  EQ("wall", waitid(P_PID, c, &si, WEXITED | __WALL), 0);
  EQ("wall_pid", si.si_pid, c);
  /* __WCLONE: a SIGCHLD child is not a clone child. */
  c = child_exits(4, 0);
  until_zombie(c);
  EQ("wclone_none", waitid5(P_PID, c, &si, WEXITED | __WCLONE | WNOHANG, NULL), -ECHILD);
  EQ("wclone_then", waitid(P_PID, c, &si, WEXITED), 0);
}

static void on_usr1(int sig) { (void)sig; }

void t_waitid_signal(void) {
  /* A caught signal ends the wait with EINTR (no SA_RESTART). */
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1;
  sigaction(SIGUSR1, &sa, NULL);
  pid_t c = child_pauses();
  pid_t me = getpid();
  pid_t k = fork();
  if (k == 0) {
    /* Again and again (one may come before the wait begins), until killed
     * or orphaned. */
    while (getppid() == me && kill(me, SIGUSR1) == 0) t_sleep_ms(50);
    _exit(0);
  }
  siginfo_t si;
  memset(&si, 0, sizeof si);
  EQ("eintr", waitid5(P_PID, c, &si, WEXITED, NULL), -EINTR);
  kill(k, SIGKILL);
  waitpid(k, NULL, 0);
  kill(c, SIGKILL);
  memset(&si, 0, sizeof si);
  EQ("after", waitid(P_PID, c, &si, WEXITED), 0);
  CHECK("after_report", si.si_pid == c && si.si_status == SIGKILL);
}

/* Runs until the process has used 30 ms of CPU. */
static int burn(void* arg) {
  (void)arg;
  struct timespec ts;
  volatile uint64_t x = 0;
  do {
    for (int i = 0; i < 10000; ++i) ++x;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  } while (ts.tv_sec == 0 && ts.tv_nsec < 30 * 1000000);
  return 0;
}

/* What qemu-user does not pass on: the rusage (and a bad infop, which Linux
 * finds after reaping the child; tine leaves it to be waited for). */
void t_waitid_rusage(void) {
  siginfo_t si;
  struct rusage ru;
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) _exit(burn(NULL));
  memset(&ru, 0, sizeof ru);
  memset(&si, 0, sizeof si);
  EQ("ret", waitid5(P_PID, c, &si, WEXITED | WNOWAIT, &ru), 0);
  long us = ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000 +
            ru.ru_stime.tv_usec;
  CHECK("nowait_use", us >= 29000);
  /* A rusage it cannot write: -EFAULT, and the child is still there. */
  EQ("bad_rusage", waitid5(P_PID, c, &si, WEXITED, (struct rusage*)8), -EFAULT);
  EQ("bad_infop", waitid5(P_PID, c, (siginfo_t*)8, WEXITED, NULL), -EFAULT);
  memset(&ru, 0, sizeof ru);
  memset(&si, 0, sizeof si);
  EQ("reaped", waitid5(P_PID, c, &si, WEXITED, &ru), 0);
  EQ("reaped_pid", si.si_pid, c);
  long us2 = ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec + ru.ru_stime.tv_sec * 1000000 +
             ru.ru_stime.tv_usec;
  CHECK("reaped_use", us2 >= us);
  /* Reaped children's use is the caller's children's now. */
  struct rusage mine;
  getrusage(RUSAGE_CHILDREN, &mine);
  CHECK("children_use", mine.ru_utime.tv_sec * 1000000 + mine.ru_utime.tv_usec +
                                mine.ru_stime.tv_sec * 1000000 + mine.ru_stime.tv_usec >=
                            us2);
  /* WNOHANG with nothing ready leaves the rusage alone (Linux writes it only
   * with a report). */
  c = child_pauses();
  memset(&ru, 0x55, sizeof ru);
  EQ("nohang", waitid5(P_PID, c, &si, WEXITED | WNOHANG, &ru), 0);
  EQ("nohang_untouched", ((unsigned char*)&ru)[0], 0x55);
  /* A stopped child's report carries its use so far. */
  kill(c, SIGSTOP);
  memset(&ru, 0x55, sizeof ru);
  EQ("stop", waitid5(P_PID, c, &si, WSTOPPED, &ru), 0);
  CHECK("stop_use", ru.ru_utime.tv_sec >= 0 && ru.ru_utime.tv_usec < 1000000 && ru.ru_maxrss == 0);
  kill(c, SIGKILL);
  EQ("end", waitid5(P_PID, c, &si, WEXITED, NULL), 0);
}

/* A clone child (exit signal other than SIGCHLD) is waited for only with
 * __WCLONE or __WALL (qemu-user refuses such a fork). */
void t_waitid_clone(void) {
  siginfo_t si;
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1; /* the child's exit signal: caught, not fatal */
  sigaction(SIGUSR2, &sa, NULL);
  fflush(stdout);
  long c = syscall(SYS_clone, SIGUSR2, 0, 0, 0, 0);
  if (c == 0) _exit(6);
  CHECK("cloned", c > 0);
  until_report((pid_t)c, WEXITED | __WCLONE);
  EQ("not_without_wclone", waitid5(P_PID, (int)c, &si, WEXITED | WNOHANG, NULL), -ECHILD);
  memset(&si, 0, sizeof si);
  EQ("wclone_nowait", waitid5(P_PID, (int)c, &si, WEXITED | __WCLONE | WNOWAIT, NULL), 0);
  CHECK("wclone_report", si.si_signo == SIGCHLD && si.si_pid == c && si.si_status == 6);
  memset(&si, 0, sizeof si);
  EQ("wall", waitid5(P_ALL, 0, &si, WEXITED | __WALL, NULL), 0);
  EQ("wall_pid", si.si_pid, c);
}
