/* What /proc says of a process, as ps and top read it: the state letter of
 * /proc/PID/stat and status, and the address space's size and resident set
 * (stat's vsize and rss, status's VmSize and VmRSS); and that /proc makes no
 * names. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

/* The text of a /proc file ("" if it cannot be read). */
static void read_text(const char* path, char* buf, size_t size) {
  buf[0] = 0;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return;
  ssize_t n = read(fd, buf, size - 1);
  close(fd);
  buf[n > 0 ? n : 0] = 0;
}

/* Field `field` (1-based, as proc(5) numbers them) of /proc/PID/stat, as
 * text; the fields after comm are counted from its closing parenthesis. */
static int stat_field(pid_t pid, int field, char* out, size_t size) {
  char path[64], buf[1024];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  read_text(path, buf, sizeof buf);
  char* p = strrchr(buf, ')');
  if (!p || field < 3) return -1;
  p += 2;
  for (int i = 3; i < field; ++i) {
    p = strchr(p, ' ');
    if (!p) return -1;
    ++p;
  }
  size_t n = strcspn(p, " \n");
  if (n >= size) return -1;
  memcpy(out, p, n);
  out[n] = 0;
  return 0;
}

static char state_of(pid_t pid) {
  char s[8];
  return stat_field(pid, 3, s, sizeof s) == 0 ? s[0] : '?';
}

/* The state letter, once it is `want` (2 s at most): the last one seen. */
static char state_becomes(pid_t pid, char want) {
  char s = '?';
  for (int i = 0; i < 400 && (s = state_of(pid)) != want; ++i) t_sleep_ms(5);
  return s;
}

static volatile int g_spin;

/* A child sleeping shows S, one spinning R; stopped, either shows T
 * (status: "T (stopped)"); continued, the sleeper shows S again. */
void t_procfs_state(void) {
  fflush(stdout);
  pid_t sleeper = fork();
  if (sleeper == 0) {
    for (;;) pause();
  }
  pid_t spinner = fork();
  if (spinner == 0) {
    for (;;) ++g_spin;
  }
  EQ("sleeping", state_becomes(sleeper, 'S'), 'S');
  EQ("running", state_becomes(spinner, 'R'), 'R');
  kill(sleeper, SIGSTOP);
  int st;
  EQ("stop_reported", waitpid(sleeper, &st, WUNTRACED), sleeper);
  EQ("stopped", state_of(sleeper), 'T');
  char path[64], buf[2048];
  snprintf(path, sizeof path, "/proc/%d/status", (int)sleeper);
  read_text(path, buf, sizeof buf);
  CHECK("status_stopped", strstr(buf, "\nState:\tT (stopped)\n") != NULL);
  kill(spinner, SIGSTOP);
  EQ("spinner_stop_reported", waitpid(spinner, &st, WUNTRACED), spinner);
  EQ("spinner_stopped", state_of(spinner), 'T');
  kill(sleeper, SIGCONT);
  EQ("continued", state_becomes(sleeper, 'S'), 'S');
  kill(sleeper, SIGKILL);
  kill(spinner, SIGKILL);
  waitpid(sleeper, NULL, 0);
  waitpid(spinner, NULL, 0);
}

static unsigned long stat_number(pid_t pid, int field) {
  char s[32];
  return stat_field(pid, field, s, sizeof s) == 0 ? strtoul(s, NULL, 10) : 0;
}

/* The kB figure of a status line ("VmRSS:\t    1234 kB"), or 0. */
static unsigned long status_kb(const char* status, const char* key) {
  const char* p = strstr(status, key);
  return p ? strtoul(p + strlen(key), NULL, 10) : 0;
}

/* A 64 MiB mapping adds 64 MiB to vsize and nothing to the resident set
 * until its pages are touched: then 1,000 pages more (rss in pages, VmRSS in
 * kB); unmapped, both come back down. Tine only: qemu-user answers
 * /proc/self/stat itself, without these fields. */
void t_procfs_memory(void) {
  pid_t me = getpid();
  long page = sysconf(_SC_PAGESIZE);
  unsigned long vsize0 = stat_number(me, 23), rss0 = stat_number(me, 24);
  CHECK("vsize", vsize0 > 0);
  CHECK("rss", rss0 > 0);
  size_t len = 64u << 20;
  char* m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK("mmap", m != MAP_FAILED);
  unsigned long vsize1 = stat_number(me, 23), rss1 = stat_number(me, 24);
  EQ("vsize_grew", vsize1 - vsize0, len);
  CHECK("untouched_not_resident", rss1 < rss0 + 16);
  for (int i = 0; i < 1000; ++i) m[(size_t)i * page] = 1;
  unsigned long rss2 = stat_number(me, 24);
  CHECK("touched_resident", rss2 >= rss1 + 1000 && rss2 < rss1 + 1016);
  char buf[2048];
  read_text("/proc/self/status", buf, sizeof buf);
  unsigned long vm_kb = status_kb(buf, "\nVmSize:"), rss_kb = status_kb(buf, "\nVmRSS:");
  CHECK("status_vmsize", vm_kb * 1024 == vsize1);
  CHECK("status_vmrss", rss_kb * 1024 >= (rss1 + 1000) * (unsigned long)page);
  munmap(m, len);
  EQ("vsize_back", stat_number(me, 23), vsize0);
  CHECK("rss_back", stat_number(me, 24) < rss0 + 16);
}

/* No name can be made in /proc: a new one is not found (ENOENT, as Linux's
 * lookup fails before anything is made), one that is there exists. */
void t_procfs_no_new_names(void) {
  errno = 0;
  EQ("create", open("/proc/tine_new", O_WRONLY | O_CREAT, 0644), -1);
  EQ("create_enoent", errno, ENOENT);
  EQ("mkdir", mkdir("/proc/tine_dir", 0755) == -1 ? errno : 0, ENOENT);
  EQ("mkdir_in_pid", mkdir("/proc/self/tine_dir", 0755) == -1 ? errno : 0, ENOENT);
  EQ("symlink", symlink("x", "/proc/tine_link") == -1 ? errno : 0, ENOENT);
  EQ("mkfifo", mkfifo("/proc/tine_fifo", 0600) == -1 ? errno : 0, ENOENT);
  EQ("link", link("/proc/self/stat", "/proc/tine_hard") == -1 ? errno : 0, ENOENT);
  EQ("mkdir_existing", mkdir("/proc/self", 0755) == -1 ? errno : 0, EEXIST);
  EQ("create_excl_existing",
     open("/proc/uptime", O_WRONLY | O_CREAT | O_EXCL, 0644) == -1 ? errno : 0, EEXIST);
}

/* Another user opening this process's pipe through /proc: refused (Linux's
 * ptrace read check on the link). */
static int g_magic_pipe_fd;
static int open_other_users_pipe(void* arg) {
  if (getuid() == 0 && setuid(45678) != 0) return 2;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/fd/%d", (int)(long)arg, g_magic_pipe_fd);
  int fd = open(path, O_RDONLY | O_NONBLOCK);
  return fd < 0 && errno == EACCES ? 0 : 1;
}

/* /proc/PID/fd/N and cwd are Linux's magic links: opening one opens what the
 * descriptor has open again (a new open file: its own offset; O_TRUNC
 * truncates), a file removed since included, and a pipe's end (another
 * reader or writer of the same pipe); /dev/stdin, /dev/stdout, /dev/stderr
 * and /dev/fd are links into /proc/self/fd. */
void t_procfs_magic_links(void) {
  int p[2];
  EQ("pipe", pipe(p), 0);
  EQ("write", write(p[1], "through", 7), 7);
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", p[0]);
  int r = open(path, O_RDONLY);
  CHECK("pipe_reopened", r >= 0);
  char buf[32] = {0};
  EQ("pipe_read", read(r, buf, sizeof buf), 7);
  EQ("pipe_data", memcmp(buf, "through", 7), 0);
  EQ("not_dir", open(path, O_RDONLY | O_DIRECTORY) == -1 ? errno : 0, ENOTDIR);
  /* A second writer: the reader sees no end of file until both are closed. */
  snprintf(path, sizeof path, "/proc/self/fd/%d", p[1]);
  int w2 = open(path, O_WRONLY);
  CHECK("writer_reopened", w2 >= 0);
  close(p[1]);
  EQ("second_writer", write(w2, "x", 1), 1);
  EQ("still_open", read(r, buf, sizeof buf), 1);
  close(w2);
  EQ("eof", read(r, buf, sizeof buf), 0);
  close(r);
  /* Standard input as a name. */
  EQ("pipe2", pipe(p), 0);
  EQ("write2", write(p[1], "stdin", 5), 5);
  close(p[1]);
  int saved = dup(0);
  dup2(p[0], 0);
  close(p[0]);
  int s = open("/dev/stdin", O_RDONLY);
  CHECK("dev_stdin", s >= 0);
  memset(buf, 0, sizeof buf);
  EQ("stdin_read", read(s, buf, sizeof buf), 5);
  EQ("stdin_data", strcmp(buf, "stdin"), 0);
  close(s);
  dup2(saved, 0);
  close(saved);
  char link[64] = {0};
  CHECK("dev_fd_link",
        readlink("/dev/fd", link, sizeof link - 1) > 0 && strcmp(link, "/proc/self/fd") == 0);
  /* A removed file, opened again; O_TRUNC empties it; the offset is the new
   * open's own. */
  mkdir("/tmp", 01777);
  char file[] = "/tmp/magicXXXXXX";
  int f = mkstemp(file);
  EQ("file_write", write(f, "0123456789", 10), 10);
  unlink(file);
  snprintf(path, sizeof path, "/proc/self/fd/%d", f);
  int g = open(path, O_RDWR);
  CHECK("removed_reopened", g >= 0);
  memset(buf, 0, sizeof buf);
  EQ("own_offset", read(g, buf, 4), 4);
  EQ("removed_data", memcmp(buf, "0123", 4), 0);
  close(g);
  g = open(path, O_WRONLY | O_TRUNC);
  CHECK("trunc_open", g >= 0);
  struct stat st;
  fstat(f, &st);
  EQ("truncated", st.st_size, 0);
  close(g);
  close(f);
  /* cwd: a directory to look in. */
  EQ("cwd_dir", access("/proc/self/cwd/.", F_OK), 0);
  /* Not for another user. */
  EQ("pipe3", pipe(p), 0);
  g_magic_pipe_fd = p[0];
  int st2 = t_fork_status(open_other_users_pipe, (void*)(long)getpid());
  if (getuid() == 0)
    t_check("other_user", WIFEXITED(st2) && WEXITSTATUS(st2) == 0, "status %#x", st2);
  close(p[0]);
  close(p[1]);
}

/* A reader whose uid is the target's but whose gid is not may not look
 * inside it (Linux's ptrace check compares the gids too). */
static int g_gid_pipe[2];
static int open_other_gids_fd(void* arg) {
  if (setresgid(45678, 45678, 45678) != 0 || setresuid(45678, 45678, 45678) != 0) return 2;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/fd/0", (int)(long)arg);
  int fd = open(path, O_RDONLY);
  return fd < 0 && errno == EACCES ? 0 : 1;
}

/* The checks around the magic links: a pipe's link with a trailing slash is
 * not a directory; another gid's process is closed to a reader of the same
 * uid. */
void t_procfs_magic_checks(void) {
  int p[2];
  EQ("pipe", pipe(p), 0);
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d/", p[0]);
  EQ("slash_enotdir", open(path, O_RDONLY) == -1 ? errno : 0, ENOTDIR);
  close(p[0]);
  close(p[1]);
  if (getuid() != 0) return;
  EQ("pipe2", pipe(g_gid_pipe), 0);
  fflush(stdout);
  pid_t t = fork();
  if (t == 0) { /* uid 45678, gid 45679, dumpable again */
    if (setresgid(45679, 45679, 45679) != 0 || setresuid(45678, 45678, 45678) != 0) _exit(2);
    prctl(PR_SET_DUMPABLE, 1);
    char c;
    (void)!read(g_gid_pipe[0], &c, 1);
    _exit(0);
  }
  t_sleep_ms(100);
  int st = t_fork_status(open_other_gids_fd, (void*)(long)t);
  t_check("other_gid", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
  (void)!write(g_gid_pipe[1], "x", 1);
  waitpid(t, &st, 0);
  close(g_gid_pipe[0]);
  close(g_gid_pipe[1]);
}

/* /proc's nodes know their names: the working directory inside /proc and a
 * descriptor's link name the node by its path, with the process's number
 * where the path went through /proc/self. */
static void own_name(const char* check, const char* dir, const char* want) {
  char cwd[128] = {0};
  int saved = open(".", O_RDONLY | O_DIRECTORY);
  int ok = chdir(dir) == 0 && getcwd(cwd, sizeof cwd) != NULL;
  t_check(check, ok && strcmp(cwd, want) == 0, "chdir %s: getcwd '%s', want '%s'", dir, cwd, want);
  (void)!fchdir(saved);
  close(saved);
}

static void own_link(const char* check, const char* file, const char* want) {
  char path[64], link[128] = {0};
  int f = open(file, O_RDONLY);
  snprintf(path, sizeof path, "/proc/self/fd/%d", f);
  ssize_t n = f >= 0 ? readlink(path, link, sizeof link - 1) : -1;
  t_check(check, n > 0 && strcmp(link, want) == 0, "%s: link '%s', want '%s'", file, link, want);
  if (f >= 0) close(f);
}

void t_procfs_own_names(void) {
  char pid_dir[32], pid_fd[40], pid_status[40];
  snprintf(pid_dir, sizeof pid_dir, "/proc/%d", (int)getpid());
  snprintf(pid_fd, sizeof pid_fd, "/proc/%d/fd", (int)getpid());
  snprintf(pid_status, sizeof pid_status, "/proc/%d/status", (int)getpid());
  own_name("cwd_proc", "/proc", "/proc");
  own_name("cwd_sys_kernel", "/proc/sys/kernel", "/proc/sys/kernel");
  own_name("cwd_sys_up", "/proc/sys/kernel/..", "/proc/sys");
  own_name("cwd_self", "/proc/self", pid_dir);
  own_name("cwd_self_fd", "/proc/self/fd", pid_fd);
  own_name("cwd_fd_up", "/proc/self/fd/..", pid_dir);
  own_link("link_meminfo", "/proc/meminfo", "/proc/meminfo");
  own_link("link_status", "/proc/self/status", pid_status);
  own_link("link_nr_open", "/proc/sys/fs/nr_open", "/proc/sys/fs/nr_open");
  own_link("link_sys", "/proc/sys", "/proc/sys");
}

/* ---- threads in /proc ---- */

static int g_task_pipe[2];
static volatile pid_t g_task_tid[2];

static void* task_worker(void* arg) {
  g_task_tid[(long)arg] = gettid();
  char c;
  (void)!read(g_task_pipe[0], &c, 1); /* until the main thread lets it go */
  return NULL;
}

/* read_text's length. */
static int text_of(const char* path, char* buf, size_t n) {
  read_text(path, buf, n);
  return (int)strlen(buf);
}

/* The listing of /proc/self/task: whether it names tid, and how many it names. */
static int task_listing(pid_t tid, int* count) {
  DIR* d = opendir("/proc/self/task");
  int seen = 0;
  *count = 0;
  for (struct dirent* e; d && (e = readdir(d));) {
    if (e->d_name[0] == '.') continue;
    ++*count;
    seen |= atoi(e->d_name) == tid;
  }
  if (d) closedir(d);
  return seen;
}

static int comm_of_parent(void* arg) {
  (void)arg;
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/comm", (int)getppid());
  int f = open(path, O_WRONLY);
  if (f < 0) return 10 + errno;
  ssize_t w = write(f, "intruder", 8);
  int ok = w == -1 && errno == EINVAL;
  if (!ok) return w == -1 ? 20 + errno : 100 + (int)w;
  close(f);
  return ok ? 0 : 1;
}

/* /proc/PID/task: a directory per thread, named by its id, with its own stat,
 * status and comm; glibc's pthread_setname_np and pthread_getname_np name
 * another thread through its comm; a process's comm names its first thread;
 * only the process itself may write them. */
void t_procfs_tasks(void) {
  char was[16] = {0};
  prctl(PR_GET_NAME, was);
  EQ("pipe", pipe(g_task_pipe), 0);
  pthread_t th[2];
  for (long i = 0; i < 2; ++i) EQ("create", pthread_create(&th[i], NULL, task_worker, (void*)i), 0);
  while (!g_task_tid[0] || !g_task_tid[1]) t_sleep_ms(1);
  pid_t t0 = g_task_tid[0], me = getpid();
  int count;
  CHECK("lists_self", task_listing(me, &count));
  CHECK("lists_thread", task_listing(t0, &count) && task_listing(g_task_tid[1], &count));
  if (t_on_tine()) EQ("three", count, 3); /* qemu-user has threads of its own */
  /* Naming another thread: glibc writes its comm. */
  EQ("setname", pthread_setname_np(th[0], "worker-one"), 0);
  char name[32] = {0};
  EQ("getname", pthread_getname_np(th[0], name, sizeof name), 0);
  EQ("getname_value", strcmp(name, "worker-one"), 0);
  char path[96], text[1024];
  snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)t0);
  CHECK("thread_comm", text_of(path, text, sizeof text) > 0 && strcmp(text, "worker-one\n") == 0);
  snprintf(path, sizeof path, "/proc/self/task/%d/stat", (int)t0);
  char want[64];
  snprintf(want, sizeof want, "%d (worker-one) ", (int)t0);
  CHECK("thread_stat",
        text_of(path, text, sizeof text) > 0 && strncmp(text, want, strlen(want)) == 0);
  snprintf(path, sizeof path, "/proc/self/task/%d/status", (int)t0);
  char tgid[32], pidl[32];
  snprintf(tgid, sizeof tgid, "\nTgid:\t%d\n", (int)me);
  snprintf(pidl, sizeof pidl, "\nPid:\t%d\n", (int)t0);
  CHECK("thread_status", text_of(path, text, sizeof text) > 0 &&
                             strncmp(text, "Name:\tworker-one\n", 17) == 0 && strstr(text, tgid) &&
                             strstr(text, pidl));
  /* The first thread's directory is the process's name. */
  snprintf(path, sizeof path, "/proc/self/task/%d/comm", (int)me);
  snprintf(want, sizeof want, "%s\n", was);
  CHECK("leader_comm", text_of(path, text, sizeof text) > 0 && strcmp(text, want) == 0);
  /* Writing the process's comm names its first thread: a newline is kept,
   * 15 bytes at most; the whole write counts. */
  int f = open("/proc/self/comm", O_WRONLY | O_TRUNC);
  CHECK("comm_open", f >= 0);
  EQ("comm_write", write(f, "renamed-process-long", 20), 20);
  close(f);
  char now[16] = {0};
  prctl(PR_GET_NAME, now);
  EQ("comm_named", strcmp(now, "renamed-process"), 0);
  f = open("/proc/self/comm", O_WRONLY);
  EQ("comm_newline", write(f, "nl\n", 3), 3);
  close(f);
  CHECK("comm_read",
        text_of("/proc/self/comm", text, sizeof text) == 4 && strcmp(text, "nl\n\n") == 0);
  prctl(PR_SET_NAME, was);
  /* Another process of the same owner may open it but not name it. */
  int st = t_fork_status(comm_of_parent, NULL);
  t_check("other_einval", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
  /* Names inside a thread's directory. */
  char cwd[128] = {0}, dir[64];
  snprintf(dir, sizeof dir, "/proc/%d/task/%d", (int)me, (int)t0);
  int saved = open(".", O_RDONLY | O_DIRECTORY);
  CHECK("cwd_thread", chdir(dir) == 0 && getcwd(cwd, sizeof cwd) && strcmp(cwd, dir) == 0);
  CHECK("cwd_task", chdir("..") == 0 && getcwd(cwd, sizeof cwd) &&
                        strncmp(cwd, dir, strlen(cwd)) == 0 &&
                        strcmp(strrchr(cwd, '/'), "/task") == 0);
  (void)!fchdir(saved);
  close(saved);
  /* A thread that has ended is gone from the directory. */
  EQ("release", write(g_task_pipe[1], "xx", 2), 2);
  for (int i = 0; i < 2; ++i) pthread_join(th[i], NULL);
  /* The join's wake (CLONE_CHILD_CLEARTID) comes before the thread has
   * quite gone, on Linux too: a second at most. */
  struct stat sb;
  snprintf(path, sizeof path, "/proc/self/task/%d", (int)t0);
  for (int i = 0; i < 1000 &&
                  (stat(path, &sb) == 0 || task_listing(t0, &count) || (t_on_tine() && count != 1));
       ++i)
    t_sleep_ms(1);
  EQ("gone", stat(path, &sb) == -1 ? errno : 0, ENOENT);
  CHECK("unlisted", !task_listing(t0, &count));
  if (t_on_tine()) EQ("one_left", count, 1);
  close(g_task_pipe[0]);
  close(g_task_pipe[1]);
}

/* ---- the rules of comm ---- */

static void* fork_named(void* arg) {
  (void)arg;
  prctl(PR_SET_NAME, "forker");
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    char text[64];
    text_of("/proc/self/comm", text, sizeof text);
    _exit(strcmp(text, "forker\n") == 0 ? 0 : 1);
  }
  int st = -1;
  waitpid(c, &st, 0);
  return (void*)(long)st;
}

static int comm_under_fsize_limit(void* arg) {
  (void)arg;
  struct rlimit none = {0, 0};
  if (setrlimit(RLIMIT_FSIZE, &none) != 0) return 2;
  int f = open("/proc/self/comm", O_WRONLY);
  if (f < 0) return 3;
  for (int i = 0; i < 3; ++i) /* the offset grows; no file size is at stake */
    if (write(f, "limited", 7) != 7) return 4;
  close(f);
  char now[16] = {0};
  prctl(PR_GET_NAME, now);
  return strcmp(now, "limited") == 0 ? 0 : 1;
}

/* A process's name is its first thread's: a child forked by a named thread
 * has that thread's name; an exec names it by the program, 15 bytes at most;
 * writing comm is no write to a file (RLIMIT_FSIZE does not apply); a gone
 * process's task directory lists -ENOENT. */
void t_procfs_comm_rules(void) {
  pthread_t th;
  void* st = NULL;
  EQ("thread", pthread_create(&th, NULL, fork_named, NULL), 0);
  pthread_join(th, &st);
  t_check("fork_named", WIFEXITED((int)(long)st) && WEXITSTATUS((int)(long)st) == 0, "status %#x",
          (int)(long)st);
  int s = t_fork_status(comm_under_fsize_limit, NULL);
  t_check("fsize_limit", WIFEXITED(s) && WEXITSTATUS(s) == 0, "status %#x", s);
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    pause();
    _exit(0);
  }
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/task", (int)c);
  int d = open(path, O_RDONLY | O_DIRECTORY);
  CHECK("task_open", d >= 0);
  kill(c, SIGKILL);
  waitpid(c, NULL, 0);
  char buf[512];
  EQ("gone_task_list", syscall(SYS_getdents64, d, buf, sizeof buf) == -1 ? errno : 0, ENOENT);
  close(d);
  if (t_on_tine()) { /* qemu-user's exec is its own */
    mkdir("/tmp", 01777);
    const char* link = "/tmp/a-program-with-a-long-name";
    unlink(link);
    EQ("link", symlink(t_self(), link), 0);
    fflush(stdout);
    pid_t e = fork();
    if (e == 0) {
      execl(link, link, "child", "comm-is", "a-program-with-", (char*)NULL);
      _exit(3);
    }
    int es = -1;
    waitpid(e, &es, 0);
    t_check("exec_name_cut", WIFEXITED(es) && WEXITSTATUS(es) == 0, "status %#x", es);
    unlink(link);
  }
}

/* /proc/PID/mountinfo: a line per mount in Linux's form, "ID PARENT
 * MAJOR:MINOR ROOT MOUNTPOINT OPTIONS - TYPE SOURCE OPTIONS"; on tine the two
 * mounts, each with its st_dev. */
void t_procfs_mountinfo(void) {
  FILE* f = fopen("/proc/self/mountinfo", "r");
  CHECK("open", f != NULL);
  if (!f) return;
  char line[512];
  int lines = 0, root = 0, proc = 0, malformed = 0;
  unsigned root_dev[2] = {0, 0}, proc_dev[2] = {0, 0};
  while (fgets(line, sizeof line, f)) {
    ++lines;
    int id, parent;
    unsigned maj, min;
    char fsroot[128], point[128], type[64];
    char* dash = strstr(line, " - ");
    if (!dash ||
        sscanf(line, "%d %d %u:%u %127s %127s", &id, &parent, &maj, &min, fsroot, point) != 6 ||
        sscanf(dash + 3, "%63s", type) != 1) {
      ++malformed;
      continue;
    }
    if (strcmp(point, "/") == 0) {
      root = 1;
      root_dev[0] = maj;
      root_dev[1] = min;
    }
    if (strcmp(point, "/proc") == 0 && strcmp(type, "proc") == 0) {
      proc = 1;
      proc_dev[0] = maj;
      proc_dev[1] = min;
    }
  }
  fclose(f);
  CHECK("lines", lines >= 2);
  EQ("malformed", malformed, 0);
  CHECK("root_listed", root);
  CHECK("proc_listed", proc);
  if (t_on_tine()) { /* a host's root may be a subvolume of another number */
    struct stat a, b;
    EQ("stat_root", stat("/", &a), 0);
    EQ("stat_proc", stat("/proc", &b), 0);
    CHECK("root_dev", major(a.st_dev) == root_dev[0] && minor(a.st_dev) == root_dev[1]);
    CHECK("proc_dev", major(b.st_dev) == proc_dev[0] && minor(b.st_dev) == proc_dev[1]);
  }
}
