/* What root may change about the whole system and what only it may read:
 * the host and domain names, the kernel log (klogctl), reboot's refusals;
 * and the per-thread and per-process settings Linux programs make on the
 * way: personality and unshare (docs/user-abi.md). Calls that would change
 * the host itself when run under qemu-aarch64 as root (a name or the time
 * set, the log cleared or read destructively, Ctrl-Alt-Del, suspend) run
 * on tine only. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/klog.h>
#include <sys/personality.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

enum { kUser = 45678 };
enum { kMagic1 = 0xfee1dead, kMagic2 = 672274793, kCadOn = 0x89abcdef, kSuspend = 0xd000fce2 };

/* fn in a child running as uid kUser (the caller's uid when not root):
 * the checks a process without privilege gets. */
static void as_user(void (*fn)(void)) {
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) {
    if (getuid() == 0 && setuid(kUser) != 0) _exit(2);
    fn();
    fflush(stdout);
    _exit(0);
  }
  int st = 0;
  EQ("user_reaped", waitpid(c, &st, 0), c);
  CHECK("user_ran", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* ---- sethostname, setdomainname ---- */

static void names_unprivileged(void) {
  EQ("host_eperm", SYS(SYS_sethostname, "x", 1), -EPERM);
  EQ("domain_eperm", SYS(SYS_setdomainname, "x", 1), -EPERM);
  EQ("eperm_before_einval", SYS(SYS_sethostname, "x", 65), -EPERM);
}

/* Refusals, which change nothing (Linux's order: -EPERM, -EINVAL, -EFAULT). */
void t_hostname_refused(void) {
  as_user(names_unprivileged);
  if (getuid() != 0) return;
  char name[80];
  memset(name, 'a', sizeof name);
  EQ("too_long", SYS(SYS_sethostname, name, 65), -EINVAL);
  EQ("negative", SYS(SYS_sethostname, name, -1), -EINVAL);
  EQ("domain_too_long", SYS(SYS_setdomainname, name, 65), -EINVAL);
  EQ("efault", SYS(SYS_sethostname, (void*)16, 5), -EFAULT);
  EQ("domain_efault", SYS(SYS_setdomainname, (void*)16, 5), -EFAULT);
}

static void names_seen_unprivileged(void) {
  struct utsname u;
  EQ("user_uname", uname(&u), 0);
  EQ("user_sees_host", strcmp(u.nodename, "tine-name-test"), 0);
  EQ("user_proc_write",
     open("/proc/sys/kernel/hostname", O_WRONLY) == -1 && errno == EACCES ? 0 : errno, 0);
}

/* Writes to /proc/sys/kernel/hostname set the name: up to a newline, the
 * first 64 bytes of a longer write (all of it counted as written). */
static void hostname_by_proc(void) {
  struct utsname u;
  int f = open("/proc/sys/kernel/hostname", O_WRONLY);
  EQ("proc_write", write(f, "via-proc\nrest", 13), 13);
  close(f);
  uname(&u);
  EQ("proc_name", strcmp(u.nodename, "via-proc"), 0);
  char longer[100];
  memset(longer, 'y', sizeof longer);
  f = open("/proc/sys/kernel/hostname", O_WRONLY);
  EQ("proc_write_long", write(f, longer, sizeof longer), (ssize_t)sizeof longer);
  close(f);
  uname(&u);
  EQ("proc_name_cut", strlen(u.nodename) == 64 && u.nodename[0] == 'y' ? 0 : 1, 0);
  char got[80] = {0};
  f = open("/proc/sys/kernel/hostname", O_RDONLY);
  EQ("proc_read", read(f, got, sizeof got), 65);
  close(f);
  EQ("proc_read_newline", got[64], '\n');
}

/* Root sets them; uname and gethostname show them to everyone; a name is
 * its len bytes, the rest of the field zero. */
void t_hostname_set(void) {
  struct utsname u;
  EQ("uname", uname(&u), 0);
  char was_host[65], was_domain[65];
  memcpy(was_host, u.nodename, sizeof was_host);
  memcpy(was_domain, u.domainname, sizeof was_domain);
  EQ("set", sethostname("tine-name-test", 14), 0);
  EQ("uname_after", uname(&u), 0);
  EQ("nodename", strcmp(u.nodename, "tine-name-test"), 0);
  char got[80];
  EQ("gethostname", gethostname(got, sizeof got), 0);
  EQ("gethostname_name", strcmp(got, "tine-name-test"), 0);
  as_user(names_seen_unprivileged);
  /* Only len bytes count: "abc" out of a longer string. */
  EQ("set_prefix", sethostname("abcdef", 3), 0);
  uname(&u);
  EQ("prefix", strcmp(u.nodename, "abc"), 0);
  char full[65];
  memset(full, 'z', 64);
  full[64] = 0;
  EQ("set_64", sethostname(full, 64), 0);
  uname(&u);
  EQ("name_64", strcmp(u.nodename, full), 0);
  EQ("set_empty", sethostname("", 0), 0);
  uname(&u);
  EQ("empty", u.nodename[0], 0);
  hostname_by_proc();
  EQ("domain_set", setdomainname("example.org", 11), 0);
  uname(&u);
  EQ("domainname", strcmp(u.domainname, "example.org"), 0);
  EQ("restore_host", sethostname(was_host, strlen(was_host)), 0);
  EQ("restore_domain", setdomainname(was_domain, strlen(was_domain)), 0);
  uname(&u);
  EQ("restored", strcmp(u.nodename, was_host), 0);
}

/* ---- personality ---- */

static void* personality_of_thread(void* arg) { return (void*)(long)personality(0xffffffff); }

/* A thread's word: read with 0xffffffff, set to any value but PER_LINUX32
 * (tine has no 32-bit programs), copied into the threads and processes it
 * makes; exec keeps the flags. */
void t_personality(void) {
  EQ("initial", personality(0xffffffff), PER_LINUX);
  EQ("set", personality(PER_LINUX | ADDR_NO_RANDOMIZE), PER_LINUX);
  EQ("query", personality(0xffffffff), ADDR_NO_RANDOMIZE);
  pthread_t t;
  void* seen = NULL;
  EQ("thread", pthread_create(&t, NULL, personality_of_thread, NULL), 0);
  pthread_join(t, &seen);
  EQ("thread_copy", (long)seen, ADDR_NO_RANDOMIZE);
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) _exit(personality(0xffffffff) == ADDR_NO_RANDOMIZE ? 0 : 1);
  int st = 0;
  waitpid(c, &st, 0);
  EQ("fork_copy", st, 0);
  if (t_on_tine()) { /* qemu-user starts itself again at exec */
    c = fork();
    if (c == 0) {
      execl(t_self(), t_self(), "child", "personality-is", "40000", (char*)NULL);
      _exit(3);
    }
    waitpid(c, &st, 0);
    CHECK("exec_keeps", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  EQ("back", personality(PER_LINUX), ADDR_NO_RANDOMIZE);
  if (t_on_tine()) {
    EQ("linux32", SYS(SYS_personality, PER_LINUX32), -EINVAL);
    EQ("linux32_flags", SYS(SYS_personality, PER_LINUX32 | ADDR_NO_RANDOMIZE), -EINVAL);
  }
  EQ("still", personality(0xffffffff), PER_LINUX);
}

/* ---- unshare ---- */

static int g_shared_fd = -1;

static int unshare_files_child(void* arg) {
  if (unshare(CLONE_FILES) != 0) return 1;
  /* The parent no longer sees this process's descriptors change. */
  close(g_shared_fd);
  return open("/", O_RDONLY) >= 0 ? 0 : 2;
}

static void* parked(void* arg) {
  pause();
  return NULL;
}

/* Nothing to undo is success; undoing a share tine keeps per process
 * (threads, signal actions, memory) is -EINVAL; a table shared with
 * another process becomes the caller's own. */
void t_unshare(void) {
  EQ("nothing", unshare(0), 0);
  EQ("bad_flag", SYS(SYS_unshare, 0x1), -EINVAL);
  EQ("files_private", unshare(CLONE_FILES), 0);
  EQ("fs_private", unshare(CLONE_FS), 0);
  EQ("sysvsem", unshare(CLONE_SYSVSEM), 0);
  if (t_on_tine()) {
    /* qemu-user's own threads make these -EINVAL under it. */
    EQ("thread_alone", unshare(CLONE_THREAD), 0);
    EQ("vm_alone", unshare(CLONE_VM), 0);
    /* No namespaces: root gets what a Linux built without them says. */
    EQ("newuser", SYS(SYS_unshare, CLONE_NEWUSER), -EINVAL);
    EQ("newuts", SYS(SYS_unshare, CLONE_NEWUTS), getuid() == 0 ? -EINVAL : -EPERM);
    /* A table shared with another process (clone with CLONE_FILES). */
    int fd = open("/", O_RDONLY);
    g_shared_fd = fd;
    static char stack[16384] __attribute__((aligned(16)));
    pid_t c =
        clone(unshare_files_child, stack + sizeof stack, CLONE_FILES | CLONE_FS | SIGCHLD, NULL);
    int st = 0;
    EQ("clone_reaped", waitpid(c, &st, 0), c);
    EQ("child_ok", st, 0);
    CHECK("parent_keeps_fd", fcntl(fd, F_GETFD) >= 0);
    close(fd);
  }
  pthread_t t;
  EQ("thread", pthread_create(&t, NULL, parked, NULL), 0);
  EQ("thread_not_alone", SYS(SYS_unshare, CLONE_THREAD), -EINVAL);
  EQ("sighand_not_alone", SYS(SYS_unshare, CLONE_SIGHAND), -EINVAL);
  EQ("vm_not_alone", SYS(SYS_unshare, CLONE_VM), -EINVAL);
  /* tine's table belongs to the process: a thread cannot have its own. */
  if (t_on_tine()) EQ("files_threads", SYS(SYS_unshare, CLONE_FILES), -EINVAL);
  pthread_cancel(t);
  pthread_join(t, NULL);
}

/* ---- syslog ---- */

static void log_unprivileged(void) {
  char b[64];
  EQ("user_size", SYS(SYS_syslog, 10, 0, 0), -EPERM);
  EQ("user_read_all", SYS(SYS_syslog, 3, b, sizeof b), -EPERM);
  EQ("user_bad_type", SYS(SYS_syslog, 99, 0, 0), -EPERM);
}

static int write_to(void* addr) {
  *(volatile int*)addr = 1;
  return 0;
}

/* The log holds the kernel's lines as Linux's does, "<level>[time] text";
 * only root reads it (dmesg_restrict). */
void t_syslog(void) {
  if (t_on_tine()) as_user(log_unprivileged);
  long size = SYS(SYS_syslog, 10, 0, 0);
  if (size == -EPERM) return; /* a host that restricts the log, run unprivileged */
  CHECK("size", size > 0);
  static char buf[1 << 17];
  if (t_on_tine()) { /* qemu-user answers these itself, otherwise than Linux */
    EQ("null_buf", SYS(SYS_syslog, 3, 0, 10), -EINVAL);
    EQ("negative_len", SYS(SYS_syslog, 3, buf, -1), -EINVAL);
  }
  EQ("zero_len", SYS(SYS_syslog, 3, buf, 0), 0);
  EQ("efault", SYS(SYS_syslog, 3, (void*)4096, 8192), -EFAULT);
  EQ("bad_type", SYS(SYS_syslog, 99, 0, 0), -EINVAL);
  EQ("level_low", SYS(SYS_syslog, 8, 0, 0), -EINVAL);
  EQ("level_high", SYS(SYS_syslog, 8, 0, 9), -EINVAL);
  long n = klogctl(3, buf, sizeof buf);
  CHECK("read_all", n > 0 && n <= size);
  if (n <= 0) return;
  CHECK("record_form", buf[0] == '<' && buf[2] == '>' && buf[3] == '[' && memchr(buf, ']', 20));
  CHECK("ends_line", buf[n - 1] == '\n');
  /* A short buffer gets the newest whole lines. */
  long m = klogctl(3, buf, 200);
  CHECK("short", m > 0 && m <= 200 && buf[0] == '<' && buf[m - 1] == '\n');
  if (!t_on_tine()) return;
  /* A crash's notice is a kernel line: it is in the log afterwards. */
  EQ("clear", klogctl(5, NULL, 0), 0);
  EQ("cleared", klogctl(3, buf, sizeof buf), 0);
  int st = t_fork_status(write_to, (void*)8);
  CHECK("crashed", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
  n = klogctl(3, buf, sizeof buf - 1);
  CHECK("notice_logged", n > 0);
  if (n > 0) {
    buf[n] = 0;
    CHECK("notice_text", strstr(buf, "SIGSEGV") != NULL);
  }
  /* The destructive reader: what is unread, then nothing until more comes. */
  long unread = klogctl(9, NULL, 0);
  CHECK("unread", unread > 0);
  while (klogctl(9, NULL, 0) > 0)
    if (klogctl(2, buf, sizeof buf) <= 0) break;
  EQ("all_read", klogctl(9, NULL, 0), 0);
  EQ("console_off", klogctl(6, NULL, 0), 0);
  EQ("console_on", klogctl(7, NULL, 0), 0);
  EQ("console_level", klogctl(8, NULL, 7), 0);
}

/* ---- reboot ---- */

static void reboot_unprivileged(void) {
  EQ("user_eperm", SYS(SYS_reboot, kMagic1, kMagic2, kCadOn, 0), -EPERM);
}

/* Only root may, with Linux's magic numbers; what tine does not have
 * (suspend) is -EINVAL. What succeeds (a power-off) is tests/user/init_status.py's. */
void t_reboot_refused(void) {
  as_user(reboot_unprivileged);
  if (getuid() != 0) return;
  EQ("bad_magic1", SYS(SYS_reboot, 0x1234, kMagic2, kCadOn, 0), -EINVAL);
  EQ("bad_magic2", SYS(SYS_reboot, kMagic1, 0x1234, kCadOn, 0), -EINVAL);
  EQ("bad_cmd", SYS(SYS_reboot, kMagic1, kMagic2, 0x12345678, 0), -EINVAL);
  if (!t_on_tine()) return;
  EQ("suspend", SYS(SYS_reboot, kMagic1, kMagic2, kSuspend, 0), -EINVAL);
  EQ("cad_on", SYS(SYS_reboot, kMagic1, kMagic2, kCadOn, 0), 0);
  EQ("cad_off", reboot(RB_DISABLE_CAD), 0);
  EQ("restart2_efault", SYS(SYS_reboot, kMagic1, kMagic2, 0xa1b2c3d4, (void*)16), -EFAULT);
}

/* ---- clock_settime, settimeofday, gettimeofday ---- */

static uint64_t ns_of(clockid_t clk) {
  struct timespec ts;
  clock_gettime(clk, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void clock_unprivileged(void) {
  struct timespec ts = {1000, 0};
  EQ("user_settime", SYS(SYS_clock_settime, CLOCK_REALTIME, &ts), -EPERM);
  if (t_on_tine()) /* qemu-user crashes on a null tv */
    EQ("user_settimeofday", SYS(SYS_settimeofday, 0, 0), -EPERM);
}

/* Refusals, which change nothing (Linux's order: the clock, the pointer,
 * the value, then the privilege). */
void t_clock_set_refused(void) {
  as_user(clock_unprivileged);
  struct timespec ts = {1000, 0};
  EQ("monotonic", SYS(SYS_clock_settime, CLOCK_MONOTONIC, &ts), -EINVAL);
  EQ("unknown", SYS(SYS_clock_settime, 99, &ts), -EINVAL);
  EQ("efault", SYS(SYS_clock_settime, CLOCK_REALTIME, (void*)16), -EFAULT);
  EQ("cputime", SYS(SYS_clock_settime, CLOCK_PROCESS_CPUTIME_ID, &ts), -EINVAL);
  clockid_t mine;
  EQ("cpuclockid", clock_getcpuclockid(0, &mine), 0);
  EQ("cpu_clock_by_id", SYS(SYS_clock_settime, mine, &ts), -EPERM);
  struct timespec bad = {-1, 0};
  EQ("negative", SYS(SYS_clock_settime, CLOCK_REALTIME, &bad), -EINVAL);
  bad = (struct timespec){1, 1000000000};
  EQ("nsec", SYS(SYS_clock_settime, CLOCK_REALTIME, &bad), -EINVAL);
  bad = (struct timespec){8277292036l, 0};
  EQ("too_late", SYS(SYS_clock_settime, CLOCK_REALTIME, &bad), -EINVAL);
  struct timeval tv = {1, 1000001};
  EQ("usec", SYS(SYS_settimeofday, &tv, 0), -EINVAL);
  struct timeval got;
  EQ("gettimeofday", gettimeofday(&got, NULL), 0);
  uint64_t rt = ns_of(CLOCK_REALTIME) / 1000000000ull;
  CHECK("gettimeofday_now", (uint64_t)got.tv_sec + 1 >= rt && (uint64_t)got.tv_sec <= rt);
  EQ("gettimeofday_efault", SYS(SYS_gettimeofday, (void*)16, 0), -EFAULT);
}

static volatile uint64_t g_woke_at;
static uint64_t g_sleep_until;

static void* sleep_abs_realtime(void* arg) {
  struct timespec t = {(time_t)(g_sleep_until / 1000000000ull),
                       (long)(g_sleep_until % 1000000000ull)};
  clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &t, NULL);
  g_woke_at = ns_of(CLOCK_MONOTONIC);
  return NULL;
}

static pthread_mutex_t g_cm = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t g_cv = PTHREAD_COND_INITIALIZER; /* CLOCK_REALTIME */
static volatile int g_cond_result = -1;

static void* cond_wait_realtime(void* arg) {
  struct timespec t = {(time_t)(g_sleep_until / 1000000000ull),
                       (long)(g_sleep_until % 1000000000ull)};
  pthread_mutex_lock(&g_cm);
  int r = pthread_cond_timedwait(&g_cv, &g_cm, &t);
  pthread_mutex_unlock(&g_cm);
  g_woke_at = ns_of(CLOCK_MONOTONIC);
  g_cond_result = r;
  return NULL;
}

static void set_realtime(uint64_t ns) {
  struct timespec ts = {(time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull)};
  EQ("set", clock_settime(CLOCK_REALTIME, &ts), 0);
}

/* Root sets the realtime clock: clock_gettime, gettimeofday and new file
 * times follow, the monotonic clock does not; a wait for a realtime moment
 * (clock_nanosleep with TIMER_ABSTIME, a condition variable's timed wait on
 * FUTEX_CLOCK_REALTIME) ends as soon as the clock is set past it, and one
 * the clock is set back from waits on. The clock is put back after. */
void t_clock_set(void) {
  uint64_t rt0 = ns_of(CLOCK_REALTIME), mono0 = ns_of(CLOCK_MONOTONIC);
  const uint64_t hour = 3600ull * 1000000000ull, sec = 1000000000ull;
  set_realtime(rt0 + hour);
  uint64_t rt1 = ns_of(CLOCK_REALTIME), mono1 = ns_of(CLOCK_MONOTONIC);
  CHECK("moved", rt1 >= rt0 + hour && rt1 < rt0 + hour + sec);
  CHECK("monotonic_not", mono1 - mono0 < sec);
  struct timeval tv;
  gettimeofday(&tv, NULL);
  CHECK("gettimeofday", (uint64_t)tv.tv_sec >= (rt0 + hour) / sec);
  mkdir("/tmp", 01777);
  char path[] = "/tmp/clockXXXXXX";
  int fd = mkstemp(path);
  struct stat st;
  fstat(fd, &st);
  CHECK("file_time", (uint64_t)st.st_mtime >= (rt0 + hour) / sec);
  close(fd);
  unlink(path);

  /* Set past a sleeper's moment: it wakes at once, not 10 s on. */
  pthread_t t;
  g_woke_at = 0;
  g_sleep_until = ns_of(CLOCK_REALTIME) + 10 * sec;
  pthread_create(&t, NULL, sleep_abs_realtime, NULL);
  t_sleep_ms(200);
  uint64_t set_at = ns_of(CLOCK_MONOTONIC);
  set_realtime(g_sleep_until + sec);
  pthread_join(t, NULL);
  CHECK("sleeper_woken", g_woke_at - set_at < 2 * sec);

  /* The same for a condition variable's timed wait (FUTEX_CLOCK_REALTIME). */
  g_woke_at = 0;
  g_sleep_until = ns_of(CLOCK_REALTIME) + 10 * sec;
  pthread_create(&t, NULL, cond_wait_realtime, NULL);
  t_sleep_ms(200);
  set_at = ns_of(CLOCK_MONOTONIC);
  set_realtime(g_sleep_until + sec);
  pthread_join(t, NULL);
  EQ("cond_timedout", g_cond_result, ETIMEDOUT);
  CHECK("cond_woken", g_woke_at - set_at < 2 * sec);

  /* Set back from a sleeper's moment: it sleeps on past when it would have
   * woken, until the clock is set past the moment again. */
  g_woke_at = 0;
  g_sleep_until = ns_of(CLOCK_REALTIME) + sec / 2;
  pthread_create(&t, NULL, sleep_abs_realtime, NULL);
  t_sleep_ms(100);
  set_realtime(g_sleep_until - 60 * sec);
  t_sleep_ms(1000);
  EQ("sleeps_on", g_woke_at, 0);
  set_at = ns_of(CLOCK_MONOTONIC);
  set_realtime(g_sleep_until + sec);
  pthread_join(t, NULL);
  CHECK("then_woken", g_woke_at >= set_at && g_woke_at - set_at < 2 * sec);

  /* The zone settimeofday sets is what gettimeofday gives. */
  struct timezone tz = {60, 0}, tz_got = {0, 0};
  EQ("zone_range", SYS(SYS_settimeofday, 0, &(struct timezone){15 * 60 + 1, 0}), -EINVAL);
  EQ("set_zone", settimeofday(NULL, &tz), 0);
  EQ("get_zone", SYS(SYS_gettimeofday, 0, &tz_got), 0);
  EQ("zone", tz_got.tz_minuteswest, 60);
  tz.tz_minuteswest = 0;
  settimeofday(NULL, &tz);
  /* Back to where the clock would be. */
  set_realtime(rt0 + (ns_of(CLOCK_MONOTONIC) - mono0));
}

/* ---- chroot ---- */

static char g_jail[64];

static void chroot_unprivileged(void) {
  EQ("user_eperm", SYS(SYS_chroot, g_jail), -EPERM);
  EQ("user_missing", SYS(SYS_chroot, "/no/such/dir"), -ENOENT);
}

static int in_jail(void* arg) {
  if (chroot(g_jail) != 0) return 1;
  char cwd[256];
  /* The working directory stays where it was: outside the new root. */
  if (!getcwd(cwd, sizeof cwd) && errno != ENOENT) return 2;
  if (SYS(SYS_getcwd, cwd, sizeof cwd) < 0 || strncmp(cwd, "(unreachable)", 13) != 0) return 3;
  if (chdir("/") != 0) return 4;
  if (!getcwd(cwd, sizeof cwd) || strcmp(cwd, "/") != 0) return 5;
  int fd = open("/inside", O_RDONLY);
  if (fd < 0) return 6;
  close(fd);
  struct stat root, up;
  if (stat("/", &root) != 0 || stat("/..", &up) != 0) return 7;
  if (root.st_ino != up.st_ino || root.st_dev != up.st_dev) return 8; /* ".." stops at the root */
  if (open("/../../inside", O_RDONLY) < 0) return 9;
  fd = open("/abs_link", O_RDONLY); /* "/inside": resolved in the new root */
  if (fd < 0) return 10;
  close(fd);
  if (chdir("/sub") != 0 || !getcwd(cwd, sizeof cwd) || strcmp(cwd, "/sub") != 0) return 11;
  if (access("/tmp", F_OK) == 0) return 12; /* the old tree's /tmp is out of reach */
  return 0;
}

/* A root inside /proc, whose nodes are made at each lookup: ".." stops
 * there all the same (the real /tmp stays out of reach). */
static int in_proc_jail(void* arg) {
  if (chroot("/proc/self") != 0) return 1;
  if (access("/fd/../../../tmp", F_OK) == 0) return 2;
  if (access("/fd/../../..", F_OK) != 0) return 3;
  struct stat a, b;
  if (stat("/", &a) != 0 || stat("/fd/../..", &b) != 0 || a.st_ino != b.st_ino) return 4;
  return 0;
}

/* Root changes where its absolute paths begin: "/" and ".." stop at the new
 * root, an absolute symbolic link resolves in it, getcwd gives paths from it
 * (a working directory outside it is "(unreachable)..."), and a child made
 * afterwards keeps it. Only root may (-EPERM, after the lookup's errors). */
void t_chroot(void) {
  mkdir("/tmp", 01777);
  snprintf(g_jail, sizeof g_jail, "/tmp/jail%d", (int)getpid());
  EQ("mkdir", mkdir(g_jail, 0755), 0);
  char path[128];
  snprintf(path, sizeof path, "%s/inside", g_jail);
  int fd = open(path, O_CREAT | O_WRONLY, 0644);
  CHECK("file", fd >= 0);
  close(fd);
  snprintf(path, sizeof path, "%s/abs_link", g_jail);
  EQ("symlink", symlink("/inside", path), 0);
  snprintf(path, sizeof path, "%s/sub", g_jail);
  EQ("sub", mkdir(path, 0755), 0);
  as_user(chroot_unprivileged);
  snprintf(path, sizeof path, "%s/inside", g_jail);
  if (getuid() == 0) {
    EQ("not_dir", SYS(SYS_chroot, path), -ENOTDIR);
    EQ("efault", SYS(SYS_chroot, (void*)16), -EFAULT);
    int st = t_fork_status(in_jail, NULL);
    t_check("jailed", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
    st = t_fork_status(in_proc_jail, NULL);
    t_check("proc_jail", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
  }
  unlink(path);
  snprintf(path, sizeof path, "%s/abs_link", g_jail);
  unlink(path);
  snprintf(path, sizeof path, "%s/sub", g_jail);
  rmdir(path);
  rmdir(g_jail);
}
