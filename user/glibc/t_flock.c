/* flock(2) (docs/user-abi.md, "Files"): whole-file locks held by an open
 * file, shared by its dups and by fork, given back when its last descriptor
 * closes; a change gives the old lock back first; a blocked flock is ended
 * by a signal (or made again with SA_RESTART) and by SIGKILL. Each check
 * holds on Linux too (qemu-aarch64 passes flock to the host's kernel). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

static void lock_path(char* path, size_t n, const char* tag) {
  mkdir("/tmp", 01777);
  snprintf(path, n, "/tmp/flock-%s-%d", tag, (int)getpid());
}

static int open_new(const char* path) { return open(path, O_RDWR | O_CREAT, 0600); }

/* The state letter of /proc/PID/stat (R running, S asleep, Z zombie...). */
static char proc_state(pid_t pid) {
  char path[64], buf[256];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  int fd = open(path, O_RDONLY);
  if (fd < 0) return 0;
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n <= 0) return 0;
  buf[n] = 0;
  char* p = strrchr(buf, ')');
  return p && p[1] == ' ' ? p[2] : 0;
}

/* Set by a child (in memory shared with its parent) just before its flock:
 * once it is set, the child's sleep is that flock's. */
static volatile int* g_in_flock;

/* Waits (up to 10 s) until pid has begun its flock and sleeps in it. */
static int wait_asleep(pid_t pid) {
  for (int i = 0; i < 2000; i++) {
    if (g_in_flock[0] && proc_state(pid) == 'S') return 1;
    t_sleep_ms(5);
  }
  return 0;
}

void t_flock_basic(void) {
  char path[64];
  lock_path(path, sizeof path, "basic");
  int a = open_new(path), b = open(path, O_RDONLY);
  CHECK("open", a >= 0 && b >= 0);
  EQ("ex", flock(a, LOCK_EX), 0);
  EQ("ex_again", flock(a, LOCK_EX), 0);
  EQ("other_ex", SYS(SYS_flock, b, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
  EQ("other_sh", SYS(SYS_flock, b, LOCK_SH | LOCK_NB), -EWOULDBLOCK);
  EQ("un", flock(a, LOCK_UN), 0);
  EQ("un_again", flock(a, LOCK_UN), 0);
  EQ("other_sh_now", flock(b, LOCK_SH | LOCK_NB), 0);
  EQ("both_sh", flock(a, LOCK_SH | LOCK_NB), 0);
  /* A change gives the old lock back first, even when the new one fails. */
  EQ("upgrade_blocked", SYS(SYS_flock, a, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
  EQ("old_one_gone", flock(b, LOCK_EX | LOCK_NB), 0);
  EQ("downgrade", flock(b, LOCK_SH), 0);
  EQ("sh_beside", flock(a, LOCK_SH | LOCK_NB), 0);
  /* A dup shares the lock; it goes with the last descriptor. */
  close(b);
  int d = dup(a);
  EQ("up", flock(a, LOCK_EX | LOCK_NB), 0);
  EQ("dup_is_same", flock(d, LOCK_EX | LOCK_NB), 0);
  int c = open(path, O_RDONLY);
  EQ("third_blocked", SYS(SYS_flock, c, LOCK_SH | LOCK_NB), -EWOULDBLOCK);
  close(a);
  EQ("dup_keeps_it", SYS(SYS_flock, c, LOCK_SH | LOCK_NB), -EWOULDBLOCK);
  close(d);
  EQ("gone_with_last", flock(c, LOCK_EX | LOCK_NB), 0);
  close(c);
  unlink(path);
}

void t_flock_errors(void) {
  char path[64];
  lock_path(path, sizeof path, "errors");
  int a = open_new(path);
  EQ("zero", SYS(SYS_flock, a, 0), -EINVAL);
  EQ("nb_alone", SYS(SYS_flock, a, LOCK_NB), -EINVAL);
  EQ("sh_and_ex", SYS(SYS_flock, a, LOCK_SH | LOCK_EX), -EINVAL);
  EQ("un_and_ex", SYS(SYS_flock, a, LOCK_UN | LOCK_EX), -EINVAL);
  EQ("unknown_bit", SYS(SYS_flock, a, LOCK_EX | 16), -EINVAL);
  EQ("op_first", SYS(SYS_flock, -1, 0), -EINVAL);
  EQ("badfd", SYS(SYS_flock, -1, LOCK_SH), -EBADF);
  EQ("closed", SYS(SYS_flock, 1000, LOCK_UN), -EBADF);
  EQ("mand_ignored", SYS(SYS_flock, -1, LOCK_MAND | LOCK_READ), 0);
  int p = open(path, O_PATH);
  EQ("o_path", SYS(SYS_flock, p, LOCK_SH), -EBADF);
  EQ("o_path_un", SYS(SYS_flock, p, LOCK_UN), -EBADF);
  close(p);
  /* Any file: a directory, a pipe (both ends lock one pipe), sockets (each
   * its own). */
  int dir = open("/tmp", O_RDONLY | O_DIRECTORY), dir2 = open("/tmp", O_RDONLY | O_DIRECTORY);
  EQ("dir", flock(dir, LOCK_EX), 0);
  EQ("dir_other", SYS(SYS_flock, dir2, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
  close(dir);
  close(dir2);
  int fds[2];
  EQ("pipe", pipe(fds), 0);
  EQ("pipe_read_end", flock(fds[0], LOCK_EX), 0);
  EQ("pipe_write_end", SYS(SYS_flock, fds[1], LOCK_SH | LOCK_NB), -EWOULDBLOCK);
  close(fds[0]);
  EQ("pipe_released", flock(fds[1], LOCK_EX | LOCK_NB), 0);
  close(fds[1]);
  EQ("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
  EQ("sock_one", flock(fds[0], LOCK_EX), 0);
  EQ("sock_other", flock(fds[1], LOCK_EX | LOCK_NB), 0);
  close(fds[0]);
  close(fds[1]);
  close(a);
  unlink(path);
}

static const char* g_flock_path;

/* A child that takes the lock on a File of its own, waiting: its exit code
 * says how its flock ended. */
static int lock_waiting(void* arg) {
  int fd = open(g_flock_path, O_RDWR);
  if (fd < 0) return 10;
  g_in_flock[0] = 1;
  int r = flock(fd, arg ? LOCK_SH : LOCK_EX);
  return r == 0 ? 0 : errno == EINTR ? 4 : 11;
}

static volatile int g_flock_caught;
static void on_usr1_flock(int sig) {
  (void)sig;
  g_flock_caught++;
}

static int lock_with_handler(void* arg) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_usr1_flock;
  sa.sa_flags = arg ? SA_RESTART : 0;
  sigaction(SIGUSR1, &sa, NULL);
  int r = lock_waiting(NULL);
  if (arg && r == 0 && g_flock_caught != 1) return 12;
  return r;
}

/* Forks fn, which must block in flock (and is killed by SIGALRM if it is
 * still there after 20 s); 0 or the child's pid. */
static pid_t fork_blocked(int (*fn)(void*), void* arg) {
  g_in_flock[0] = 0;
  pid_t pid = fork();
  if (pid == 0) {
    alarm(20);
    _exit(fn(arg));
  }
  if (pid < 0) return 0;
  if (!wait_asleep(pid)) {
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    return 0;
  }
  return pid;
}

static int exit_code(pid_t pid) {
  int st = 0;
  if (waitpid(pid, &st, 0) != pid) return -1;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 100 + WTERMSIG(st);
}

static void shared_flag(void) {
  if (!g_in_flock)
    g_in_flock = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
}

void t_flock_wait(void) {
  char path[64];
  lock_path(path, sizeof path, "wait");
  g_flock_path = path;
  shared_flag();
  int a = open_new(path);
  EQ("ex", flock(a, LOCK_EX), 0);
  /* Fork shares the File, and with it the lock. */
  pid_t pid = fork();
  if (pid == 0) _exit(flock(a, LOCK_EX | LOCK_NB) == 0 && flock(a, LOCK_SH) == 0 ? 0 : 1);
  EQ("child_shares_it", exit_code(pid), 0);
  EQ("now_shared", flock(a, LOCK_EX), 0);
  /* Another File waits until the lock goes. */
  pid = fork_blocked(lock_waiting, NULL);
  CHECK("waits", pid > 0);
  EQ("un", flock(a, LOCK_UN), 0);
  if (pid > 0) EQ("got_it_then", exit_code(pid), 0);
  /* A signal ends the wait (EINTR), or the call is made again with
   * SA_RESTART. */
  EQ("ex_again", flock(a, LOCK_EX), 0);
  pid = fork_blocked(lock_with_handler, NULL);
  if (pid > 0) {
    kill(pid, SIGUSR1);
    EQ("eintr", exit_code(pid), 4);
  }
  pid = fork_blocked(lock_with_handler, (void*)1);
  if (pid > 0) {
    g_in_flock[0] = 0; /* its handler's restart sets it again */
    kill(pid, SIGUSR1);
    t_sleep_ms(50);
    flock(a, LOCK_UN);
    EQ("restart_got_it", exit_code(pid), 0);
    flock(a, LOCK_EX);
  }
  /* SIGKILL ends the wait, and the dead child holds nothing. */
  pid = fork_blocked(lock_waiting, (void*)1);
  if (pid > 0) {
    kill(pid, SIGKILL);
    EQ("killed", exit_code(pid), 100 + SIGKILL);
  }
  EQ("un_last", flock(a, LOCK_UN), 0);
  int b = open(path, O_RDONLY);
  EQ("nothing_left", flock(b, LOCK_EX | LOCK_NB), 0);
  close(b);
  close(a);
  unlink(path);
}

static int g_shared_fd;

static int lock_shared_file(void* arg) {
  (void)arg;
  g_in_flock[0] = 1;
  return flock(g_shared_fd, LOCK_SH) == 0 ? 0 : 11;
}

/* Two processes wait on one open file (fork shares it): when the lock in
 * their way goes, both take it, and the file holds one lock, not two. */
void t_flock_shared_waiters(void) {
  char path[64];
  lock_path(path, sizeof path, "waiters");
  g_flock_path = path;
  shared_flag();
  int a = open_new(path), b = open(path, O_RDONLY);
  EQ("ex", flock(a, LOCK_EX), 0);
  g_shared_fd = b;
  pid_t p1 = fork_blocked(lock_shared_file, NULL);
  pid_t p2 = fork_blocked(lock_shared_file, NULL);
  CHECK("both_wait", p1 > 0 && p2 > 0);
  EQ("un", flock(a, LOCK_UN), 0);
  if (p1 > 0) EQ("first_got_it", exit_code(p1), 0);
  if (p2 > 0) EQ("second_got_it", exit_code(p2), 0);
  EQ("held_by_b", SYS(SYS_flock, a, LOCK_EX | LOCK_NB), -EWOULDBLOCK);
  EQ("b_again", flock(b, LOCK_SH | LOCK_NB), 0);
  EQ("b_up", flock(b, LOCK_EX | LOCK_NB), 0);
  EQ("b_un", flock(b, LOCK_UN), 0);
  EQ("a_now", flock(a, LOCK_EX | LOCK_NB), 0);
  close(b);
  close(a);
  unlink(path);
}
