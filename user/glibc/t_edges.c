/* The edges of the user ABI (docs/user-abi.md): time and CPU use, the system, memory
 * advice and remapping, limits, signals, futexes and threads. Each test
 * checks what the doc, or Linux where the doc is silent, promises. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/sysmacros.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

/* A pointer no call can use: a page mapped and unmapped again (qemu-user
 * reads low addresses such as 16 itself). */
static void* bad_ptr(void) {
  static void* p;
  if (!p) {
    p = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(p, 4096);
  }
  return p;
}
#define BAD bad_ptr()
#ifndef PROT_SEM
#define PROT_SEM 0x8
#endif
#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1u << 31)
#endif

static volatile uint64_t g_sink;
static uint64_t ts_ns(struct timespec t) { return (uint64_t)t.tv_sec * 1000000000ull + t.tv_nsec; }
static uint64_t tv_ns(struct timeval tv) {
  return (uint64_t)tv.tv_sec * 1000000000ull + (uint64_t)tv.tv_usec * 1000;
}
static uint64_t thread_cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts_ns(ts);
}
/* Busy for ms of this thread's CPU time (or 20 times that on the wall clock). */
static void spin_ms(unsigned ms) {
  uint64_t want = ms * 1000000ull;
  uint64_t cpu0 = thread_cpu_ns(), wall_end = t_now_ns() + 20 * want;
  while (thread_cpu_ns() - cpu0 < want && t_now_ns() < wall_end)
    for (int i = 0; i < 100000; ++i) g_sink += i;
}
static uint64_t ru_ns(int who) {
  struct rusage r;
  getrusage(who, &r);
  return tv_ns(r.ru_utime) + tv_ns(r.ru_stime);
}

/* ---- Time and CPU use ------------------------------------------------------ */

void t_edges_clock_ids(void) {
  struct timespec ts, res;
  for (int clk = 0; clk <= 7; ++clk) {
    t_check("gettime", SYS(SYS_clock_gettime, clk, &ts) == 0, "clock %d", clk);
    t_check("getres", SYS(SYS_clock_getres, clk, &res) == 0 && res.tv_sec == 0 && res.tv_nsec > 0,
            "clock %d", clk);
    t_check("getres_null", SYS(SYS_clock_getres, clk, NULL) == 0, "clock %d", clk);
    t_check("gettime_efault", SYS(SYS_clock_gettime, clk, BAD) == -EFAULT, "clock %d", clk);
    if (t_on_tine()) /* qemu-user ignores the failed copy */
      t_check("getres_efault", SYS(SYS_clock_getres, clk, BAD) == -EFAULT, "clock %d", clk);
  }
  EQ("bad_id", SYS(SYS_clock_gettime, 99, &ts), -EINVAL);
  EQ("bad_id_res", SYS(SYS_clock_getres, 99, NULL), -EINVAL);
  EQ("minus_one", SYS(SYS_clock_gettime, -1, &ts), -EINVAL);
  EQ("bad_id_first", SYS(SYS_clock_gettime, 99, BAD), -EINVAL);
  struct timespec m, b, r, rc;
  clock_gettime(CLOCK_MONOTONIC, &m);
  clock_gettime(CLOCK_BOOTTIME, &b);
  CHECK("boottime_ge_monotonic", ts_ns(b) >= ts_ns(m));
  clock_gettime(CLOCK_REALTIME, &r);
  clock_gettime(CLOCK_REALTIME_COARSE, &rc);
  t_check("coarse_close", rc.tv_sec >= r.tv_sec - 1 && rc.tv_sec <= r.tv_sec + 1, "%ld vs %ld",
          (long)rc.tv_sec, (long)r.tv_sec);
}

static volatile int g_spun, g_spin_done;

static uint64_t cpu_ns(clockid_t c) {
  struct timespec ts;
  if (clock_gettime(c, &ts) != 0) return 0;
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Runs until its own thread clock has 30 ms on it, then waits. */
static void* spin_30ms(void* arg) {
  (void)arg;
  while (cpu_ns(CLOCK_THREAD_CPUTIME_ID) < 30000000ull) {
  }
  g_spun = 1;
  while (!g_spin_done) t_sleep_ms(1);
  return NULL;
}

/* A clock id of thread tid (Linux's MAKE_THREAD_CPUCLOCK, CPUCLOCK_SCHED). */
static clockid_t thread_clock_of(pid_t tid) { return (clockid_t)((~(unsigned)tid << 3) | 4 | 2); }

/* glibc's clock_getcpuclockid and pthread_getcpuclockid make CPU clocks of a
 * pid or a thread (negative ids): any process's, a zombie's too, and the
 * threads of the caller's own process; another's thread -EINVAL; none can
 * be set (-EPERM) (docs/user-abi.md). */
void t_edges_cpu_clockid(void) {
  clockid_t c;
  EQ("getcpuclockid_self", clock_getcpuclockid(0, &c), 0);
  struct timespec ts;
  clockid_t t;
  EQ("pthread_getcpuclockid", pthread_getcpuclockid(pthread_self(), &t), 0);
  EQ("thread_clock_gettime", clock_gettime(t, &ts), 0);
  /* Another thread's. */
  g_spun = g_spin_done = 0;
  pthread_t th;
  EQ("create", pthread_create(&th, NULL, spin_30ms, NULL), 0);
  while (!g_spun) t_sleep_ms(1);
  clockid_t other;
  EQ("other_thread_clockid", pthread_getcpuclockid(th, &other), 0);
  uint64_t theirs = cpu_ns(other);
  t_check("other_thread_time", theirs >= 30000000ull && theirs < 5000000000ull, "%llu ns",
          (unsigned long long)theirs);
  uint64_t all = cpu_ns(CLOCK_PROCESS_CPUTIME_ID);
  t_check("process_has_it", all >= theirs, "%llu < %llu", (unsigned long long)all,
          (unsigned long long)theirs);
  g_spin_done = 1;
  pthread_join(th, NULL);
  /* Another process's, while it runs and as a zombie; its thread's clock is
   * not the caller's to read. */
  int up[2], down[2]; /* the child tells the parent; the parent lets it go */
  EQ("pipe", pipe(up) | pipe(down), 0);
  fflush(stdout);
  pid_t kid = fork();
  if (kid == 0) {
    while (cpu_ns(CLOCK_PROCESS_CPUTIME_ID) < 30000000ull) {
    }
    char x;
    (void)!write(up[1], "r", 1);
    (void)!read(down[0], &x, 1);
    _exit(0);
  }
  char x;
  EQ("kid_spun", read(up[0], &x, 1), 1);
  clockid_t kc;
  EQ("kid_clockid", clock_getcpuclockid(kid, &kc), 0);
  uint64_t kid_ns = cpu_ns(kc);
  t_check("kid_time", kid_ns >= 30000000ull && kid_ns < 5000000000ull, "%llu ns",
          (unsigned long long)kid_ns);
  struct timespec zero = {0, 0};
  EQ("kid_set", SYS(SYS_clock_settime, kc, &zero), -EPERM);
  EQ("kid_thread", SYS(SYS_clock_gettime, thread_clock_of(kid), &ts), -EINVAL);
  EQ("kid_thread_set", SYS(SYS_clock_settime, thread_clock_of(kid), &zero), -EINVAL);
  EQ("own_thread_set", SYS(SYS_clock_settime, thread_clock_of(gettid()), &zero), -EPERM);
  EQ("release", write(down[1], "x", 1), 1);
  siginfo_t si;
  EQ("zombie", waitid(P_PID, kid, &si, WEXITED | WNOWAIT), 0);
  CHECK("zombie_time", cpu_ns(kc) >= kid_ns);
  waitpid(kid, NULL, 0);
  EQ("reaped", SYS(SYS_clock_gettime, kc, &ts), -EINVAL);
  for (int i = 0; i < 2; ++i) {
    close(up[i]);
    close(down[i]);
  }
}

void t_edges_nanosleep_errors(void) {
  struct timespec rem;
  if (t_on_tine()) EQ("efault", SYS(SYS_nanosleep, BAD, NULL), -EFAULT); /* qemu: 0 */
  EQ("nsec_neg", SYS(SYS_nanosleep, &(struct timespec){0, -1}, NULL), -EINVAL);
  EQ("nsec_big", SYS(SYS_nanosleep, &(struct timespec){0, 1000000000}, NULL), -EINVAL);
  EQ("sec_neg", SYS(SYS_nanosleep, &(struct timespec){-1, 0}, NULL), -EINVAL);
  EQ("zero", SYS(SYS_nanosleep, &(struct timespec){0, 0}, &rem), 0);
  EQ("cn_efault", SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, BAD, NULL), -EFAULT);
  if (t_on_tine()) /* Linux: the clock before the read; qemu-user reads first */
    EQ("cn_bad_clock_first", SYS(SYS_clock_nanosleep, 99, 0, BAD, NULL), -EINVAL);
  EQ("cn_sec_neg", SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &(struct timespec){-1, 0}, NULL),
     -EINVAL);
  EQ("cn_abs_neg",
     SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &(struct timespec){-1, 0}, NULL),
     -EINVAL);
  EQ("cn_raw", SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC_RAW, 0, &(struct timespec){0, 1}, NULL),
     -EOPNOTSUPP);
  EQ("cn_rt_coarse",
     SYS(SYS_clock_nanosleep, CLOCK_REALTIME_COARSE, 0, &(struct timespec){0, 1}, NULL),
     -EOPNOTSUPP);
  EQ("cn_mono_coarse",
     SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC_COARSE, 0, &(struct timespec){0, 1}, NULL),
     -EOPNOTSUPP);
  EQ("cn_boottime", SYS(SYS_clock_nanosleep, CLOCK_BOOTTIME, 0, &(struct timespec){0, 1000}, NULL),
     0);
  /* Flags other than TIMER_ABSTIME: Linux does not look at them. */
  EQ("cn_other_flags",
     SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0x10, &(struct timespec){0, 1000}, NULL), 0);
}

/* The thread's CPU clock in clock_nanosleep, as the raw call answers (glibc's
 * wrapper answers it itself): -EOPNOTSUPP on both. (Linux can sleep on the
 * process's clock; tine cannot: docs/user-abi.md.) */
void t_edges_clock_nanosleep_cpu(void) {
  EQ("thread_clock",
     SYS(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &(struct timespec){0, 1}, NULL),
     -EOPNOTSUPP);
}

static pid_t g_main_tid;
static volatile int g_sig_count;
static volatile pid_t g_sig_tid;
static void on_sig_count(int sig) {
  (void)sig;
  g_sig_tid = (pid_t)syscall(SYS_gettid); /* NOLINT(bugprone-signal-handler): a system call */
  __atomic_add_fetch(&g_sig_count, 1, __ATOMIC_SEQ_CST);
}
struct kick {
  pid_t tid;
  unsigned ms;
  int sig;
};
static void* kicker(void* arg) {
  struct kick* k = arg;
  t_sleep_ms(k->ms);
  syscall(SYS_tgkill, getpid(), k->tid, k->sig);
  return NULL;
}
/* A thread that sends sig to `tid` after ms. */
static pthread_t kick_later(struct kick* k, pid_t tid, unsigned ms, int sig) {
  pthread_t th;
  k->tid = tid;
  k->ms = ms;
  k->sig = sig;
  pthread_create(&th, NULL, kicker, k);
  return th;
}

void t_edges_sleep_remaining(void) {
  signal(SIGUSR1, on_sig_count);
  g_main_tid = gettid();
  struct kick k;
  struct timespec rem = {77, 77};
  pthread_t th = kick_later(&k, g_main_tid, 100, SIGUSR1);
  long r = SYS(SYS_nanosleep, &(struct timespec){2, 0}, &rem);
  pthread_join(th, NULL);
  EQ("nanosleep_eintr", r, -EINTR);
  t_check("nanosleep_rem",
          rem.tv_sec <= 1 && ts_ns(rem) >= 1000000000ull && ts_ns(rem) < 2000000000ull, "%ld.%09ld",
          (long)rem.tv_sec, rem.tv_nsec);
  rem = (struct timespec){77, 77};
  th = kick_later(&k, g_main_tid, 100, SIGUSR1);
  r = SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &(struct timespec){2, 0}, &rem);
  pthread_join(th, NULL);
  EQ("clock_nanosleep_eintr", r, -EINTR);
  t_check("clock_nanosleep_rem", ts_ns(rem) >= 1000000000ull && ts_ns(rem) < 2000000000ull,
          "%ld.%09ld", (long)rem.tv_sec, rem.tv_nsec);
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  now.tv_sec += 2;
  rem = (struct timespec){77, 77};
  th = kick_later(&k, g_main_tid, 100, SIGUSR1);
  r = SYS(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &now, &rem);
  pthread_join(th, NULL);
  EQ("abs_eintr", r, -EINTR);
  CHECK("abs_rem_untouched", rem.tv_sec == 77 && rem.tv_nsec == 77);
  /* rem that cannot be written: -EFAULT (qemu-user ignores the failed copy) */
  if (t_on_tine()) {
    th = kick_later(&k, g_main_tid, 100, SIGUSR1);
    r = SYS(SYS_nanosleep, &(struct timespec){2, 0}, BAD);
    pthread_join(th, NULL);
    EQ("rem_efault", r, -EFAULT);
  }
  /* the realtime clock, absolute */
  clock_gettime(CLOCK_REALTIME, &now);
  now.tv_nsec += 30000000;
  if (now.tv_nsec >= 1000000000) now.tv_sec++, now.tv_nsec -= 1000000000;
  uint64_t t0 = t_now_ns();
  EQ("realtime_abs", SYS(SYS_clock_nanosleep, CLOCK_REALTIME, TIMER_ABSTIME, &now, NULL), 0);
  CHECK("realtime_abs_slept", t_now_ns() - t0 >= 20000000);
}

static void* spin_thread(void* arg) {
  spin_ms((unsigned)(long)arg);
  return (void*)(long)ru_ns(RUSAGE_THREAD);
}

/* RUSAGE_SELF counts exited threads, RUSAGE_THREAD only the caller. */
void t_edges_rusage_threads(void) {
  uint64_t self0 = ru_ns(RUSAGE_SELF), thr0 = ru_ns(RUSAGE_THREAD);
  struct timespec p0, p1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p0);
  pthread_t th;
  void* thread_use;
  pthread_create(&th, NULL, spin_thread, (void*)200l);
  pthread_join(th, &thread_use);
  uint64_t self1 = ru_ns(RUSAGE_SELF), thr1 = ru_ns(RUSAGE_THREAD);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &p1);
  t_check("thread_own", (uint64_t)(long)thread_use >= 100000000ull, "%lu",
          (unsigned long)(long)thread_use);
  t_check("self_has_exited_thread", self1 - self0 >= 100000000ull, "%lu",
          (unsigned long)(self1 - self0));
  t_check("process_clock_has_it", ts_ns(p1) - ts_ns(p0) >= 100000000ull, "%lu",
          (unsigned long)(ts_ns(p1) - ts_ns(p0)));
  t_check("main_thread_not", thr1 - thr0 < 80000000ull, "%lu", (unsigned long)(thr1 - thr0));
  /* Voluntary switches: each sleep is one. */
  struct rusage a, b;
  getrusage(RUSAGE_THREAD, &a);
  for (int i = 0; i < 5; ++i) t_sleep_ms(2);
  getrusage(RUSAGE_THREAD, &b);
  t_check("nvcsw", b.ru_nvcsw - a.ru_nvcsw >= 5, "%ld", b.ru_nvcsw - a.ru_nvcsw);
  EQ("both", SYS(SYS_getrusage, -2, &a), -EINVAL);
}

static int spin_then_exit(void* arg) {
  spin_ms((unsigned)(long)arg);
  return 0;
}
static int grandparent_body(void* arg) {
  (void)arg;
  int st = t_fork_status(spin_then_exit, (void*)200l);
  return WIFEXITED(st) ? 0 : 1;
}

/* Children's use: only reaped ones, and theirs reaped. */
void t_edges_rusage_children(void) {
  uint64_t c0 = ru_ns(RUSAGE_CHILDREN);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    spin_ms(200);
    _exit(0);
  }
  siginfo_t si;
  waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
  uint64_t c1 = ru_ns(RUSAGE_CHILDREN);
  t_check("unreaped_not_counted", c1 - c0 < 50000000ull, "%lu", (unsigned long)(c1 - c0));
  struct tms tm0, tm1;
  times(&tm0);
  waitpid(pid, NULL, 0);
  times(&tm1);
  uint64_t c2 = ru_ns(RUSAGE_CHILDREN);
  t_check("reaped_counted", c2 - c1 >= 100000000ull, "%lu", (unsigned long)(c2 - c1));
  t_check("times_children",
          (tm1.tms_cutime + tm1.tms_cstime) - (tm0.tms_cutime + tm0.tms_cstime) >= 10, "%ld",
          (long)((tm1.tms_cutime + tm1.tms_cstime) - (tm0.tms_cutime + tm0.tms_cstime)));
  int st = t_fork_status(grandparent_body, NULL);
  CHECK("grand_ok", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  uint64_t c3 = ru_ns(RUSAGE_CHILDREN);
  t_check("grandchild_counted", c3 - c2 >= 100000000ull, "%lu", (unsigned long)(c3 - c2));
  EQ("times_efault", SYS(SYS_times, BAD), -EFAULT);
  CHECK("times_null", SYS(SYS_times, NULL) >= 0);
}

/* ---- The system ------------------------------------------------------------ */

void t_edges_uname(void) {
  struct utsname u;
  EQ("call", uname(&u), 0);
  if (t_on_tine()) {
    CHECK("nodename", strcmp(u.nodename, "tine") == 0);
    CHECK("release", strcmp(u.release, "6.1.0-tine") == 0);
    CHECK("version", strcmp(u.version, "#1 SMP tine") == 0);
    CHECK("domainname", strcmp(u.domainname, "(none)") == 0);
  }
  CHECK("sysname", strcmp(u.sysname, "Linux") == 0);
  CHECK("machine", strcmp(u.machine, "aarch64") == 0);
}

void t_edges_sysinfo(void) {
  struct sysinfo s;
  struct timespec b;
  clock_gettime(CLOCK_BOOTTIME, &b);
  EQ("call", sysinfo(&s), 0);
  t_check("uptime", s.uptime >= b.tv_sec && s.uptime <= b.tv_sec + 2, "%ld vs %ld", s.uptime,
          (long)b.tv_sec);
  EQ("mem_unit", s.mem_unit, 1);
  CHECK("free_le_total", s.freeram <= s.totalram);
  EQ("swap", s.totalswap, 0);
}

void t_edges_getcpu(void) {
  unsigned cpu = 99, node = 99;
  EQ("both", SYS(SYS_getcpu, &cpu, &node, NULL), 0);
  CHECK("cpu", cpu < 1024);
  EQ("node", node, 0);
  EQ("cpu_only", SYS(SYS_getcpu, &cpu, NULL, NULL), 0);
  EQ("node_only", SYS(SYS_getcpu, NULL, &node, NULL), 0);
  EQ("none", SYS(SYS_getcpu, NULL, NULL, NULL), 0);
  EQ("efault_cpu", SYS(SYS_getcpu, BAD, NULL, NULL), -EFAULT);
  EQ("efault_node", SYS(SYS_getcpu, NULL, BAD, NULL), -EFAULT);
}

static void* report_affinity(void* arg) {
  cpu_set_t* s = arg;
  CPU_ZERO(s);
  sched_getaffinity(0, sizeof *s, s);
  return NULL;
}

void t_edges_affinity_edges(void) {
  uint64_t m[4] = {0};
  EQ("len0", SYS(SYS_sched_getaffinity, 0, 0, m), -EINVAL);
  EQ("len7", SYS(SYS_sched_getaffinity, 0, 7, m), -EINVAL);
  long n = SYS(SYS_sched_getaffinity, 0, 32, m);
  t_check("len32", n >= 8 && n <= 32, "%ld", n);
  EQ("tid_neg", SYS(SYS_sched_getaffinity, -1, 8, m), -ESRCH);
  EQ("set_tid_neg", SYS(SYS_sched_setaffinity, -1, 8, m), -ESRCH);
  uint64_t off = 1ull << 40;
  EQ("set_offline", SYS(SYS_sched_setaffinity, 0, 8, &off), -EINVAL);
  EQ("set_len0", SYS(SYS_sched_setaffinity, 0, 0, m), -EINVAL);
  EQ("set_efault", SYS(SYS_sched_setaffinity, 0, 8, BAD), -EFAULT);
  /* a thread and a child inherit the creating thread's mask */
  int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
  cpu_set_t one, got;
  CPU_ZERO(&one);
  CPU_SET(ncpu > 1 ? 1 : 0, &one);
  EQ("set_one", sched_setaffinity(0, sizeof one, &one), 0);
  pthread_t th;
  pthread_create(&th, NULL, report_affinity, &got);
  pthread_join(th, NULL);
  CHECK("thread_inherits", CPU_EQUAL(&got, &one));
  unsigned cpu = 99;
  syscall(SYS_getcpu, &cpu, NULL, NULL);
  EQ("getcpu_follows", cpu, ncpu > 1 ? 1 : 0);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    cpu_set_t c;
    CPU_ZERO(&c);
    sched_getaffinity(0, sizeof c, &c);
    _exit(CPU_EQUAL(&c, &one) ? 0 : 1);
  }
  int st;
  waitpid(pid, &st, 0);
  CHECK("child_inherits", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

/* sched_setaffinity on another user's thread: Linux's check_same_owner lets
 * the caller whose *effective* uid equals the target's effective or real
 * uid. */
static int affinity_as(uid_t r, uid_t e, pid_t target) {
  if (setresuid(r, e, e) != 0) return 100;
  cpu_set_t c;
  CPU_ZERO(&c);
  CPU_SET(0, &c);
  return sched_setaffinity(target, sizeof c, &c) == 0 ? 0 : errno;
}
static pid_t sleeper_as(uid_t r, uid_t e) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    setresuid(r, e, e);
    for (;;) pause();
  }
  t_sleep_ms(50);
  return pid;
}
void t_edges_affinity_owner(void) {
  /* caller real 1000 effective 2000; target all 1000: Linux -EPERM */
  pid_t target = sleeper_as(1000, 1000);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) _exit(affinity_as(1000, 2000, target));
  int st;
  waitpid(pid, &st, 0);
  EQ("real_uid_not_enough", WEXITSTATUS(st), EPERM);
  kill(target, SIGKILL);
  waitpid(target, NULL, 0);
  /* caller 1000; target real 1000 effective 2000: Linux allows */
  target = sleeper_as(1000, 2000);
  pid = fork();
  if (pid == 0) _exit(affinity_as(1000, 1000, target));
  waitpid(pid, &st, 0);
  EQ("target_real_uid_enough", WEXITSTATUS(st), 0);
  kill(target, SIGKILL);
  waitpid(target, NULL, 0);
}

void t_edges_getrandom_flags(void) {
  char b[32];
  EQ("nonblock_insecure", SYS(SYS_getrandom, b, 16, GRND_NONBLOCK | GRND_INSECURE), 16);
  EQ("nonblock_random", SYS(SYS_getrandom, b, 16, GRND_NONBLOCK | GRND_RANDOM), 16);
  if (t_on_tine()) { /* qemu-user locks the buffer first */
    EQ("null_zero", SYS(SYS_getrandom, NULL, 0, 0), 0);
    EQ("bad_flag_first", SYS(SYS_getrandom, BAD, 16, 0x40), -EINVAL);
  }
}

static void* name_thread(void* arg) {
  char* out = arg;
  prctl(PR_GET_NAME, out, 0, 0, 0); /* inherited */
  prctl(PR_SET_NAME, "worker", 0, 0, 0);
  return NULL;
}

void t_edges_prctl_edges(void) {
  EQ("pdeath_minus1", SYS(SYS_prctl, PR_SET_PDEATHSIG, -1L, 0, 0, 0), -EINVAL);
  if (t_on_tine())
    EQ("pdeath_64", SYS(SYS_prctl, PR_SET_PDEATHSIG, 64, 0, 0, 0), 0); /* qemu cannot map 64 */
  EQ("pdeath_get_efault", SYS(SYS_prctl, PR_GET_PDEATHSIG, BAD, 0, 0, 0), -EFAULT);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    int s = -1;
    prctl(PR_GET_PDEATHSIG, &s, 0, 0, 0);
    _exit(s);
  }
  int st;
  waitpid(pid, &st, 0);
  EQ("cleared_in_child", WEXITSTATUS(st), 0);
  prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
  EQ("dumpable_2", SYS(SYS_prctl, PR_SET_DUMPABLE, 2, 0, 0, 0), -EINVAL);
  EQ("dumpable_0", SYS(SYS_prctl, PR_SET_DUMPABLE, 0, 0, 0, 0), 0);
  EQ("dumpable_get0", SYS(SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
  EQ("dumpable_1", SYS(SYS_prctl, PR_SET_DUMPABLE, 1, 0, 0, 0), 0);
  EQ("dumpable_get1", SYS(SYS_prctl, PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
  EQ("nnp_arg3", SYS(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1, 1, 0, 0), -EINVAL);
  EQ("nnp_get_arg2", SYS(SYS_prctl, PR_GET_NO_NEW_PRIVS, 1, 0, 0, 0), -EINVAL);
  /* names are per thread; a new thread starts with its creator's */
  char mine[16], its[16];
  prctl(PR_SET_NAME, "edges-main", 0, 0, 0);
  pthread_t th;
  pthread_create(&th, NULL, name_thread, its);
  pthread_join(th, NULL);
  prctl(PR_GET_NAME, mine, 0, 0, 0);
  CHECK("thread_inherits_name", strcmp(its, "edges-main") == 0);
  CHECK("main_keeps_name", strcmp(mine, "edges-main") == 0);
  /* 15 bytes and no NUL, just before an unreadable page: Linux reads 15
   * (strncpy_from_user(comm, arg2, 15)); qemu-user locks 16. */
  if (!t_on_tine()) return;
  char* two = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  mprotect(two + 4096, 4096, PROT_NONE);
  /* No terminating NUL: the point of the check. */
  memcpy(two + 4096 - 15, "fifteen-chars-x", 15); /* NOLINT(bugprone-not-null-terminated-result) */
  EQ("name_at_page_end", SYS(SYS_prctl, PR_SET_NAME, two + 4096 - 15, 0, 0, 0), 0);
  prctl(PR_GET_NAME, mine, 0, 0, 0);
  CHECK("name_15", strcmp(mine, "fifteen-chars-x") == 0);
  munmap(two, 8192);
}

/* ---- Limits ----------------------------------------------------------------- */

struct rl64 {
  unsigned long long cur, max;
};
static long prl(pid_t pid, int res, const void* nl, void* ol) {
  return SYS(SYS_prlimit64, pid, res, nl, ol);
}

void t_edges_prlimit_basic(void) {
  struct rl64 o;
  for (int r = 0; r < 16; ++r) t_check("get", prl(0, r, NULL, &o) == 0, "resource %d", r);
  EQ("res16", prl(0, 16, NULL, &o), -EINVAL);
  EQ("no_pid", prl(99999, RLIMIT_NOFILE, NULL, &o), -ESRCH);
  EQ("old_efault", prl(0, RLIMIT_NOFILE, NULL, BAD), -EFAULT);
  EQ("new_efault", prl(0, RLIMIT_NOFILE, BAD, NULL), -EFAULT);
  EQ("cur_gt_max", prl(0, RLIMIT_CORE, &(struct rl64){10, 5}, NULL), -EINVAL);
  EQ("nofile_over_nr_open", prl(0, RLIMIT_NOFILE, &(struct rl64){16, (1u << 20) + 1}, NULL),
     -EPERM);
  /* own pid and own thread id name the caller */
  EQ("own_pid", prl(getpid(), RLIMIT_CORE, NULL, &o), 0);
  /* the new limit is set though the old one cannot be written (Linux) */
  struct rl64 want = {3, 7};
  EQ("set_then_efault", prl(0, RLIMIT_CORE, &want, BAD), -EFAULT);
  prl(0, RLIMIT_CORE, NULL, &o);
  CHECK("was_set", o.cur == 3 && o.max == 7);
}

/* Linux's order: the new limit's read, the pid, then the resource. */
void t_edges_prlimit_order(void) {
  struct rl64 o;
  EQ("pid_minus1", prl(-1, RLIMIT_NOFILE, NULL, &o), -ESRCH);
  EQ("efault_before_resource", prl(0, 99, BAD, NULL), -EFAULT);
  EQ("esrch_before_resource", prl(99999, 99, NULL, &o), -ESRCH);
}

static int nonroot_limits(void* arg) {
  (void)arg;
  if (setresuid(1000, 1000, 1000) != 0) return 100;
  struct rl64 o, n;
  prl(0, RLIMIT_CORE, NULL, &o);
  n.max = o.max == RLIM_INFINITY ? 1000 : o.max - 1;
  n.cur = n.max;
  if (prl(0, RLIMIT_CORE, &n, NULL) != 0) return 1;
  struct rl64 up = {n.cur, n.max + 1};
  if (prl(0, RLIMIT_CORE, &up, NULL) != -EPERM) return 2;
  struct rl64 soft = {1, n.max};
  if (prl(0, RLIMIT_CORE, &soft, NULL) != 0) return 3;
  soft.cur = n.max;
  if (prl(0, RLIMIT_CORE, &soft, NULL) != 0) return 4; /* soft up to the hard: fine */
  /* another process's limits: only with the same ids */
  if (prl(1, RLIMIT_CORE, NULL, &o) != -EPERM) return 5;
  return 0;
}
void t_edges_prlimit_nonroot(void) {
  int st = t_fork_status(nonroot_limits, NULL);
  EQ("status", WEXITSTATUS(st), 0);
}

static int nofile_body(void* arg) {
  (void)arg;
  if (dup2(0, 20) != 20) return 99;
  struct rlimit rl = {16, 16};
  if (setrlimit(RLIMIT_NOFILE, &rl) != 0) return 98;
  int r = 0;
  if (SYS(SYS_dup3, 0, 16, 0) != -EBADF) r |= 1;
  if (dup2(0, 16) != -1 || errno != EBADF) r |= 2;
  if (SYS(SYS_fcntl, 0, F_DUPFD, 16) != -EINVAL) r |= 4;
  if (SYS(SYS_fcntl, 0, F_DUPFD_CLOEXEC, 16) != -EINVAL) r |= 8;
  if (fcntl(20, F_GETFD) < 0) r |= 16; /* above the limit, still open */
  int last = -1;
  for (;;) {
    int fd = open("/", O_RDONLY);
    if (fd < 0) {
      if (errno != EMFILE) r |= 32;
      break;
    }
    last = fd;
  }
  if (last != 15) r |= 64;
  if (SYS(SYS_dup, 0) != -EMFILE) r |= 128;
  close(15);
  int p[2];
  if (pipe(p) != -1 || errno != EMFILE) r |= 256;
  if (dup(20) != 15) r |= 512;
  return r;
}
void t_edges_nofile(void) {
  int st = t_fork_status(nofile_body, NULL);
  EQ("status", WEXITSTATUS(st), 0);
}

/* ---- Signals ---------------------------------------------------------------- */

/* A child that has exited with `code`, left unreaped (its SIGCHLD sent). */
static pid_t exited_child(int code) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) _exit(code);
  siginfo_t si;
  waitid(P_PID, pid, &si, WEXITED | WNOWAIT);
  return pid;
}

void t_edges_sigprocmask_edges(void) {
  uint64_t set = 1ull << (SIGUSR2 - 1), old = 0, cur;
  EQ("bad_how", SYS(SYS_rt_sigprocmask, 3, &set, NULL, 8), -EINVAL);
  EQ("bad_how_no_set", SYS(SYS_rt_sigprocmask, 3, NULL, &old, 8), 0);
  EQ("size4", SYS(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 4), -EINVAL);
  EQ("size16", SYS(SYS_rt_sigprocmask, SIG_BLOCK, &set, NULL, 16), -EINVAL);
  EQ("set_efault", SYS(SYS_rt_sigprocmask, SIG_BLOCK, BAD, NULL, 8), -EFAULT);
  EQ("old_efault", SYS(SYS_rt_sigprocmask, SIG_BLOCK, &set, BAD, 8), -EFAULT);
  SYS(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &cur, 8);
  CHECK("changed_anyway", cur & set);
  uint64_t all = ~0ull;
  SYS(SYS_rt_sigprocmask, SIG_SETMASK, &all, NULL, 8);
  SYS(SYS_rt_sigprocmask, SIG_BLOCK, NULL, &cur, 8);
  CHECK("kill_stop_never", !(cur & (1ull << (SIGKILL - 1))) && !(cur & (1ull << (SIGSTOP - 1))));
  uint64_t none = 0;
  SYS(SYS_rt_sigprocmask, SIG_SETMASK, &none, NULL, 8);
}

struct ksa {
  uint64_t handler, flags, restorer, mask;
};
void t_edges_sigaction_edges(void) {
  struct ksa a = {(uint64_t)on_sig_count, 0, 0, ~0ull}, o;
  EQ("sig0", SYS(SYS_rt_sigaction, 0, &a, NULL, 8), -EINVAL);
  EQ("sig65", SYS(SYS_rt_sigaction, 65, &a, NULL, 8), -EINVAL);
  EQ("size4", SYS(SYS_rt_sigaction, SIGUSR1, &a, NULL, 4), -EINVAL);
  EQ("kill_dfl", SYS(SYS_rt_sigaction, SIGKILL, &(struct ksa){0, 0, 0, 0}, NULL, 8), -EINVAL);
  EQ("stop_read", SYS(SYS_rt_sigaction, SIGSTOP, NULL, &o, 8), 0);
  EQ("act_efault", SYS(SYS_rt_sigaction, SIGUSR1, BAD, NULL, 8), -EFAULT);
  EQ("act_efault_before_sig", SYS(SYS_rt_sigaction, 0, BAD, NULL, 8), -EFAULT);
  EQ("set", SYS(SYS_rt_sigaction, SIGUSR1, &a, NULL, 8), 0);
  EQ("read", SYS(SYS_rt_sigaction, SIGUSR1, NULL, &o, 8), 0);
  if (!t_on_tine()) return; /* qemu-user keeps the mask as given, and checks oldact first */
  CHECK("mask_no_kill_stop", !(o.mask & (1ull << (SIGKILL - 1))) &&
                                 !(o.mask & (1ull << (SIGSTOP - 1))) &&
                                 (o.mask & (1ull << (SIGUSR2 - 1))));
  EQ("old_efault", SYS(SYS_rt_sigaction, SIGUSR1, &(struct ksa){1, 0, 0, 0}, BAD, 8), -EFAULT);
  SYS(SYS_rt_sigaction, SIGUSR1, NULL, &o, 8);
  EQ("set_anyway", o.handler, 1);
}

static volatile int g_depth, g_max_depth, g_blocked_inside, g_calls;
static void nesting(int sig) {
  ++g_calls;
  if (++g_depth > g_max_depth) g_max_depth = g_depth;
  sigset_t s;
  sigprocmask(SIG_BLOCK, NULL, &s);
  g_blocked_inside = sigismember(&s, sig);
  if (g_calls == 1) raise(sig);
  --g_depth;
}
static void set_action(int sig, void (*h)(int), int flags) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = h;
  sa.sa_flags = flags;
  sigaction(sig, &sa, NULL);
}
static int resethand_body(void* arg) {
  (void)arg;
  g_depth = g_max_depth = g_calls = 0;
  set_action(SIGUSR1, nesting, SA_RESETHAND);
  raise(SIGUSR1); /* the handler raises it again: by then SIG_DFL, blocked until it returns */
  return 0;       /* not reached: the second one kills */
}
void t_edges_sa_flags(void) {
  g_depth = g_max_depth = g_calls = 0;
  set_action(SIGUSR1, nesting, 0);
  raise(SIGUSR1);
  EQ("deferred_calls", g_calls, 2);
  EQ("deferred_depth", g_max_depth, 1);
  EQ("blocked_inside", g_blocked_inside, 1);
  g_depth = g_max_depth = g_calls = 0;
  set_action(SIGUSR1, nesting, SA_NODEFER);
  raise(SIGUSR1);
  EQ("nodefer_calls", g_calls, 2);
  EQ("nodefer_depth", g_max_depth, 2);
  EQ("nodefer_unblocked", g_blocked_inside, 0);
  int st = t_fork_status(resethand_body, NULL);
  t_check("resethand_kills", WIFSIGNALED(st) && WTERMSIG(st) == SIGUSR1, "status %#x", st);
  g_calls = 5; /* no raise inside */
  set_action(SIGUSR1, nesting, SA_RESETHAND);
  struct sigaction o;
  raise(SIGUSR1);
  sigaction(SIGUSR1, NULL, &o);
  CHECK("reset_to_dfl", o.sa_handler == SIG_DFL);
  signal(SIGUSR1, SIG_DFL);
}

static volatile siginfo_t g_si;
static void on_info(int sig, siginfo_t* si, void* uc) {
  (void)sig;
  (void)uc;
  memcpy((void*)&g_si, si, sizeof *si);
}
void t_edges_siginfo(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_info;
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  sigaction(SIGCHLD, &sa, NULL);
  memset((void*)&g_si, 0, sizeof g_si);
  kill(getpid(), SIGUSR1);
  EQ("kill_signo", g_si.si_signo, SIGUSR1);
  EQ("kill_code", g_si.si_code, SI_USER);
  EQ("kill_pid", g_si.si_pid, getpid());
  EQ("kill_uid", g_si.si_uid, getuid());
  EQ("kill_errno", g_si.si_errno, 0);
  memset((void*)&g_si, 0, sizeof g_si);
  syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
  EQ("tgkill_code", g_si.si_code, SI_TKILL);
  EQ("tgkill_pid", g_si.si_pid, getpid());
  memset((void*)&g_si, 0, sizeof g_si);
  syscall(SYS_tkill, gettid(), SIGUSR1);
  EQ("tkill_code", g_si.si_code, SI_TKILL);
  memset((void*)&g_si, 0, sizeof g_si);
  sigset_t chld, old;
  sigemptyset(&chld);
  sigaddset(&chld, SIGCHLD);
  sigprocmask(SIG_BLOCK, &chld, &old);
  pid_t pid = exited_child(42);
  sigprocmask(SIG_SETMASK, &old, NULL);
  EQ("chld_code", g_si.si_code, CLD_EXITED);
  EQ("chld_pid", g_si.si_pid, pid);
  EQ("chld_status", g_si.si_status, 42);
  EQ("chld_uid", g_si.si_uid, getuid());
  waitpid(pid, NULL, 0);
  signal(SIGCHLD, SIG_DFL);
  signal(SIGUSR1, SIG_DFL);
}

/* Linux: "Blocked signals are never ignored, since the signal handler may
 * change by the time it is unblocked" (kernel/signal.c, sig_ignored). A
 * blocked SIG_IGN signal stays pending, and runs the handler installed
 * before it is unblocked. (qemu-user does not model this: its host
 * handler is SIG_IGN and the host mask is not the guest's.) */
void t_edges_sig_blocked_ignored(void) {
  sigset_t s, old;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  sigprocmask(SIG_BLOCK, &s, &old);
  signal(SIGUSR1, SIG_IGN);
  kill(getpid(), SIGUSR1);
  g_sig_count = 0;
  signal(SIGUSR1, on_sig_count);
  sigprocmask(SIG_SETMASK, &old, NULL);
  EQ("ign_blocked_kept", g_sig_count, 1);
  /* SIGCHLD, default ignored, blocked when the child exits */
  sigemptyset(&s);
  sigaddset(&s, SIGCHLD);
  signal(SIGCHLD, SIG_DFL);
  sigprocmask(SIG_BLOCK, &s, &old);
  pid_t pid = exited_child(0);
  g_sig_count = 0;
  signal(SIGCHLD, on_sig_count);
  sigprocmask(SIG_SETMASK, &old, NULL);
  EQ("chld_blocked_kept", g_sig_count, 1);
  waitpid(pid, NULL, 0);
  signal(SIGCHLD, SIG_DFL);
  signal(SIGUSR1, SIG_DFL);
}

struct napper {
  volatile long r;
  volatile pid_t tid;
  volatile int ready;
};
static void* nap_thread(void* arg) {
  struct napper* n = arg;
  n->tid = gettid();
  n->ready = 1;
  n->r = SYS(SYS_nanosleep, &(struct timespec){3, 0}, NULL);
  return NULL;
}
/* A process signal goes to a thread that does not block it (and wakes it);
 * a thread's signal waits for that thread. */
void t_edges_sig_thread_vs_process(void) {
  signal(SIGUSR1, on_sig_count);
  sigset_t s, old;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  struct napper n = {1, 0, 0};
  pthread_t th;
  pthread_create(&th, NULL, nap_thread, &n);
  sigprocmask(SIG_BLOCK, &s, &old);
  while (!n.ready) t_sleep_ms(1);
  t_sleep_ms(50);
  g_sig_count = 0;
  g_sig_tid = 0;
  uint64_t t0 = t_now_ns();
  kill(getpid(), SIGUSR1);
  pthread_join(th, NULL);
  EQ("thread_woken", n.r, -EINTR);
  CHECK("soon", t_now_ns() - t0 < 2000000000ull);
  EQ("in_thread", g_sig_tid, n.tid);
  /* to the (blocking) main thread: pending there, no other takes it */
  g_sig_count = 0;
  n = (struct napper){1, 0, 0};
  pthread_create(&th, NULL, nap_thread, &n);
  while (!n.ready) t_sleep_ms(1);
  t_sleep_ms(50);
  syscall(SYS_tgkill, getpid(), gettid(), SIGUSR1);
  t_sleep_ms(100);
  EQ("not_taken_by_other", g_sig_count, 0);
  g_sig_tid = 0;
  sigprocmask(SIG_SETMASK, &old, NULL);
  EQ("taken_on_unblock", g_sig_count, 1);
  EQ("by_main", g_sig_tid, gettid());
  syscall(SYS_tgkill, getpid(), n.tid, SIGUSR1);
  pthread_join(th, NULL);
  signal(SIGUSR1, SIG_DFL);
}

/* Pending signals: a fork child has none; exec keeps them (Linux). */
void t_edges_pending_fork_exec(void) {
  sigset_t s, old;
  sigemptyset(&s);
  sigaddset(&s, SIGUSR1);
  signal(SIGUSR1, on_sig_count);
  sigprocmask(SIG_BLOCK, &s, &old);
  kill(getpid(), SIGUSR1);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    g_sig_count = 0;
    sigprocmask(SIG_SETMASK, &old, NULL);
    _exit(g_sig_count);
  }
  int st;
  waitpid(pid, &st, 0);
  EQ("fork_child_none", WEXITSTATUS(st), 0);
  pid = t_on_tine() ? fork() : -1; /* qemu-user loses its pending signals in exec */
  if (pid == 0) {
    kill(getpid(), SIGUSR1); /* pending (blocked) in this process as it execs */
    execl(t_self(), t_self(), "child", "pending-usr1", (char*)NULL);
    _exit(99);
  }
  if (pid > 0) {
    waitpid(pid, &st, 0);
    CHECK("exec_keeps", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  }
  g_sig_count = 0;
  sigprocmask(SIG_SETMASK, &old, NULL);
  EQ("parent_still", g_sig_count, 1);
  signal(SIGUSR1, SIG_DFL);
}

/* SIG_DFL of every signal but the stops: ends the process with it, or (the
 * ones that do nothing) leaves it be. */
void t_edges_default_actions(void) {
  for (int sig = 1; sig <= 64; ++sig) {
    if (sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU) continue;
    if (!t_on_tine() && (sig == 32 || sig == 33 || sig >= 60)) continue; /* qemu's own */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
      for (int i = 1; i <= 64; ++i) signal(i, SIG_DFL);
      sigset_t none;
      sigemptyset(&none);
      sigprocmask(SIG_SETMASK, &none, NULL);
      syscall(SYS_rt_sigprocmask, SIG_SETMASK, &(uint64_t){0}, NULL, 8);
      for (;;) pause();
    }
    t_sleep_ms(10);
    syscall(SYS_kill, pid, sig);
    t_sleep_ms(20);
    int ignored = sig == SIGCHLD || sig == SIGCONT || sig == SIGURG || sig == SIGWINCH;
    if (ignored) kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    int want = ignored ? SIGKILL : sig;
    t_check("killed_by", WIFSIGNALED(st) && WTERMSIG(st) == want, "sig %d: status %#x", sig, st);
  }
}

/* ---- Futexes ---------------------------------------------------------------- */

static long fx(volatile int* u, int op, int val, const void* ts, volatile int* u2, int val3) {
  return SYS(SYS_futex, u, op, val, ts, u2, val3);
}
static long fx2(volatile int* u, int op, int val, long val2, volatile int* u2, int val3) {
  return SYS(SYS_futex, u, op, val, val2, u2, val3);
}

void t_edges_futex_bitset_abs(void) {
  static int w = 5;
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  now.tv_nsec += 50000000;
  if (now.tv_nsec >= 1000000000) now.tv_sec++, now.tv_nsec -= 1000000000;
  uint64_t t0 = t_now_ns();
  EQ("mono_timeout", fx(&w, FUTEX_WAIT_BITSET_PRIVATE, 5, &now, NULL, -1), -ETIMEDOUT);
  CHECK("mono_waited", t_now_ns() - t0 >= 40000000);
  clock_gettime(CLOCK_REALTIME, &now);
  now.tv_nsec += 50000000;
  if (now.tv_nsec >= 1000000000) now.tv_sec++, now.tv_nsec -= 1000000000;
  t0 = t_now_ns();
  EQ("rt_timeout", fx(&w, FUTEX_WAIT_BITSET_PRIVATE | FUTEX_CLOCK_REALTIME, 5, &now, NULL, -1),
     -ETIMEDOUT);
  CHECK("rt_waited", t_now_ns() - t0 >= 40000000);
  EQ("past", fx(&w, FUTEX_WAIT_BITSET_PRIVATE, 5, &(struct timespec){0, 1}, NULL, -1), -ETIMEDOUT);
  EQ("differs_past", fx(&w, FUTEX_WAIT_BITSET_PRIVATE, 6, &(struct timespec){0, 1}, NULL, -1),
     -EAGAIN);
  EQ("relative_zero", fx(&w, FUTEX_WAIT_PRIVATE, 5, &(struct timespec){0, 0}, NULL, 0), -ETIMEDOUT);
  EQ("bitset0", fx(&w, FUTEX_WAIT_BITSET_PRIVATE, 5, NULL, NULL, 0), -EINVAL);
  EQ("wake_bitset0", fx(&w, FUTEX_WAKE_BITSET_PRIVATE, 1, NULL, NULL, 0), -EINVAL);
}

/* FUTEX_WAIT with FUTEX_CLOCK_REALTIME: the man page says Linux 4.5 took
 * it; Linux 6.x refuses it (-ENOSYS), as the doc says. */
void t_edges_futex_wait_realtime(void) {
  static int w = 5;
  EQ("wait_realtime",
     fx(&w, FUTEX_WAIT_PRIVATE | FUTEX_CLOCK_REALTIME, 5, &(struct timespec){0, 10000000}, NULL, 0),
     -ENOSYS);
}

void t_edges_futex_errors(void) {
  static int w[2] = {5, 0};
  void* hole = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(hole, 4096);
  EQ("unaligned", fx((int*)((char*)w + 1), FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), -EINVAL);
  EQ("wait_null", fx(NULL, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), -EFAULT);
  EQ("wake_private_hole", fx(hole, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 0);
  EQ("wake_shared_hole", fx(hole, FUTEX_WAKE, 1, NULL, NULL, 0), -EFAULT);
  EQ("wait_hole", fx(hole, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0), -EFAULT);
  EQ("nsec_neg", fx(w, FUTEX_WAIT_PRIVATE, 5, &(struct timespec){0, -1}, NULL, 0), -EINVAL);
  EQ("sec_neg", fx(w, FUTEX_WAIT_PRIVATE, 5, &(struct timespec){-1, 0}, NULL, 0), -EINVAL);
  EQ("ts_efault", fx(w, FUTEX_WAIT_PRIVATE, 5, BAD, NULL, 0), -EFAULT);
  EQ("ts_checked_first", fx(w, FUTEX_WAIT_PRIVATE, 6, &(struct timespec){0, -1}, NULL, 0), -EINVAL);
  EQ("requeue_neg_wake", fx2(w, FUTEX_REQUEUE_PRIVATE, -1, 1, w + 1, 0), -EINVAL);
  EQ("requeue_neg_move", fx2(w, FUTEX_REQUEUE_PRIVATE, 1, -1, w + 1, 0), -EINVAL);
  EQ("cmp_requeue_differs", fx2(w, FUTEX_CMP_REQUEUE_PRIVATE, 1, 1, w + 1, 6), -EAGAIN);
  EQ("requeue_unaligned2", fx2(w, FUTEX_REQUEUE_PRIVATE, 1, 1, (int*)((char*)w + 5), 0), -EINVAL);
  EQ("op14", fx(w, 14, 0, NULL, NULL, 0), -ENOSYS);
  EQ("wake_realtime", fx(w, FUTEX_WAKE_PRIVATE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0), -ENOSYS);
  EQ("wake_neg", fx(w, FUTEX_WAKE_PRIVATE, -1, NULL, NULL, 0), 0);
}

struct fwait {
  volatile int* word;
  int op;
  volatile long r;
};
static void* fwait_body(void* arg) {
  struct fwait* f = arg;
  f->r = fx(f->word, f->op, *f->word, NULL, NULL, -1);
  return NULL;
}

void t_edges_futex_requeue_counts(void) {
  static int a = 1, b = 2;
  struct fwait f[3];
  pthread_t th[3];
  for (int i = 0; i < 3; ++i) {
    f[i] = (struct fwait){&a, FUTEX_WAIT_PRIVATE, 1};
    pthread_create(&th[i], NULL, fwait_body, &f[i]);
  }
  t_until_queued(&a, 0, 3);
  EQ("wake1_move1", fx2(&a, FUTEX_REQUEUE_PRIVATE, 1, 1, &b, 0), 2);
  t_sleep_ms(20);
  EQ("left_on_a", t_futex_queued(&a, 0), 1);
  EQ("on_b", t_futex_queued(&b, 0), 1);
  EQ("wake0_moves", fx2(&a, FUTEX_CMP_REQUEUE_PRIVATE, 0, 5, &b, 1), 1);
  EQ("all_on_b", t_futex_queued(&b, 0), 2);
  /* a wake of 0 wakes one (Linux counts after each wake) */
  EQ("wake_zero_wakes_one", fx(&b, FUTEX_WAKE_PRIVATE, 0, NULL, NULL, 0), 1);
  EQ("wake_rest", fx(&b, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0), 1);
  for (int i = 0; i < 3; ++i) pthread_join(th[i], NULL);
  int woken = 0;
  for (int i = 0; i < 3; ++i) woken += f[i].r == 0;
  EQ("all_woken", woken, 3);
}

/* A private waiter and a shared wake on private anonymous memory: Linux's
 * keys differ (the shared key of anonymous memory is marked
 * FUT_OFF_MMSHARED), so the wake finds nobody. */
void t_edges_futex_private_shared_mix(void) {
  static int w = 1;
  struct fwait f = {&w, FUTEX_WAIT_PRIVATE, 1};
  pthread_t th;
  pthread_create(&th, NULL, fwait_body, &f);
  t_until_queued(&w, 0, 1);
  EQ("shared_wake_misses_private", fx(&w, FUTEX_WAKE, 1, NULL, NULL, 0), 0);
  EQ("private_wake", fx(&w, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0), 1);
  pthread_join(th, NULL);
}

/* ---- Threads ---------------------------------------------------------------- */

static int g_pipe[2];
static int g_fword;
static void* block_futex(void* a) {
  (void)a;
  syscall(SYS_futex, &g_fword, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
  return NULL;
}
static void* block_sleep(void* a) {
  (void)a;
  struct timespec d = {60, 0};
  nanosleep(&d, NULL);
  return NULL;
}
static void* block_read(void* a) {
  (void)a;
  char c;
  if (read(g_pipe[0], &c, 1) < 0) return NULL;
  return NULL;
}
static int exit_group_body(void* arg) {
  (void)arg;
  if (pipe(g_pipe) != 0) return 100;
  pthread_t th;
  pthread_create(&th, NULL, block_futex, NULL);
  pthread_create(&th, NULL, block_sleep, NULL);
  pthread_create(&th, NULL, block_read, NULL);
  t_sleep_ms(50);
  syscall(SYS_exit_group, 7);
  return 101;
}
void t_edges_exit_group_blocked(void) {
  uint64_t t0 = t_now_ns();
  int st = t_fork_status(exit_group_body, NULL);
  CHECK("status7", WIFEXITED(st) && WEXITSTATUS(st) == 7);
  CHECK("prompt", t_now_ns() - t0 < 2000000000ull);
}

static void* exit_later(void* a) {
  (void)a;
  t_sleep_ms(50);
  syscall(SYS_exit, 9);
  return NULL;
}
static int leader_exits_first(void* arg) {
  (void)arg;
  pthread_t th;
  pthread_create(&th, NULL, exit_later, NULL);
  syscall(SYS_exit, 5);
  return 100;
}
/* The first thread exits (exit, 93) with 5, the last with 9: Linux's wait
 * reports the group leader's exit code (wait_task_zombie: p->exit_code when
 * there was no group exit). qemu-user reports the last one's. */
void t_edges_leader_exit_code(void) {
  int st = t_fork_status(leader_exits_first, NULL);
  t_check("leader_code", WIFEXITED(st) && WEXITSTATUS(st) == 5, "status %#x", st);
}

static volatile pid_t g_gone_tid;
static void* note_tid(void* a) {
  (void)a;
  g_gone_tid = gettid();
  return NULL;
}
void t_edges_tid_after_exit(void) {
  pthread_t th;
  pthread_create(&th, NULL, note_tid, NULL);
  pthread_join(th, NULL);
  t_sleep_ms(20);
  EQ("tgkill_gone", SYS(SYS_tgkill, getpid(), g_gone_tid, 0), -ESRCH);
  EQ("tkill_gone", SYS(SYS_tkill, g_gone_tid, 0), -ESRCH);
  EQ("tgkill_wrong_group", SYS(SYS_tgkill, getppid(), gettid(), 0), -ESRCH);
  EQ("tgkill_zero", SYS(SYS_tgkill, 0, gettid(), 0), -EINVAL);
  EQ("tgkill_badsig", SYS(SYS_tgkill, getpid(), gettid(), 65), -EINVAL);
  EQ("set_tid_address", SYS(SYS_set_tid_address, NULL), gettid());
}

struct robust_head {
  void* next;
  long offset;
  void* pending;
};
struct robust_lock {
  void* next;
  int word;
};
static struct robust_head g_rh;
static struct robust_lock g_rl;
static volatile int g_rready;
static void* robust_owner(void* a) {
  (void)a;
  g_rh.next = &g_rl;
  g_rh.offset = __builtin_offsetof(struct robust_lock, word);
  g_rh.pending = NULL;
  g_rl.next = &g_rh;
  g_rl.word = gettid() | FUTEX_WAITERS;
  syscall(SYS_set_robust_list, &g_rh, sizeof g_rh);
  g_rready = 1;
  t_sleep_ms(100);
  syscall(SYS_exit, 0); /* dies holding it */
  return NULL;
}
/* Another process's list: Linux's ptrace read check with the caller's real
 * ids. A target whose effective and saved uids differ from the caller's
 * (which kill would still let the caller signal, its real uid being the
 * caller's) is -EPERM, as is one that is not dumpable. Run as root: the
 * two processes drop to their ids. */
static void robust_of_others(void) {
  if (getuid() != 0) return;
  int ready[2], go[2];
  if (pipe(ready) != 0 || pipe(go) != 0) return;
  fflush(stdout);
  pid_t t = fork();
  if (t == 0) { /* the target: real uid 45678, effective and saved 45679 */
    struct robust_head h = {&h, 0, NULL};
    syscall(SYS_set_robust_list, &h, sizeof h);
    if (setresuid(45678, 45679, 45679) != 0) _exit(2);
    char c = 1;
    (void)!write(ready[1], &c, 1);
    (void)!read(go[0], &c, 1);
    _exit(0);
  }
  char c;
  EQ("target_ready", read(ready[0], &c, 1), 1);
  pid_t k = fork();
  if (k == 0) { /* the caller: 45678 all through */
    if (setresuid(45678, 45678, 45678) != 0) _exit(2);
    void* got = NULL;
    size_t len = 0;
    long r = SYS(SYS_get_robust_list, t, &got, &len);
    _exit(r == -EPERM && got == NULL ? 0 : 1);
  }
  int st = 0;
  waitpid(k, &st, 0);
  t_check("other_ids_eperm", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
  EQ("kill_allowed_though", kill(t, 0), 0); /* root's; the caller's kill would pass too */
  (void)!write(go[1], &c, 1);
  waitpid(t, &st, 0);
  close(ready[0]);
  close(ready[1]);
  close(go[0]);
  close(go[1]);
}

/* (qemu-user has no robust lists: -ENOSYS.) */
void t_edges_robust(void) {
  robust_of_others();
  struct robust_head h = {&h, 0, NULL};
  EQ("len23", SYS(SYS_set_robust_list, &h, 23), -EINVAL);
  EQ("set", SYS(SYS_set_robust_list, &h, 24), 0);
  void* got = NULL;
  size_t len = 0;
  EQ("get", SYS(SYS_get_robust_list, 0, &got, &len), 0);
  CHECK("got", got == &h && len == 24);
  EQ("get_esrch", SYS(SYS_get_robust_list, 99999, &got, &len), -ESRCH);
  EQ("get_efault", SYS(SYS_get_robust_list, 0, BAD, &len), -EFAULT);
  EQ("get_efault_len", SYS(SYS_get_robust_list, 0, &got, BAD), -EFAULT);
  pthread_t th;
  pthread_create(&th, NULL, robust_owner, NULL);
  while (!g_rready) t_sleep_ms(1);
  int v = g_rl.word;
  long r = fx(&g_rl.word, FUTEX_WAIT, v, &(struct timespec){5, 0}, NULL, 0);
  EQ("waiter_woken", r, 0);
  pthread_join(th, NULL);
  t_check("owner_died",
          (g_rl.word & FUTEX_OWNER_DIED) && (g_rl.word & FUTEX_WAITERS) &&
              (g_rl.word & FUTEX_TID_MASK) == 0,
          "%#x", g_rl.word);
}

/* ---- Memory ------------------------------------------------------------------ */

static char g_data[8192] __attribute__((aligned(4096))) = {1};

/* (qemu-user emulates madvise and mremap: tine only.) */
void t_edges_madvise_semantics(void) {
  char* p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  char* s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  memset(p, 'a', 3 * 4096);
  s[0] = 's';
  EQ("dontneed", madvise(p, 4096, MADV_DONTNEED), 0);
  EQ("zeroed", p[0], 0);
  EQ("rest_kept", p[4096], 'a');
  EQ("shared", madvise(s, 4096, MADV_DONTNEED), 0);
  EQ("shared_kept", s[0], 's');
  EQ("free_shared", SYS(SYS_madvise, s, 4096, MADV_FREE), -EINVAL);
  EQ("free_private", SYS(SYS_madvise, p + 4096, 4096, MADV_FREE), 0);
  EQ("remove_private", SYS(SYS_madvise, p, 4096, MADV_REMOVE), -EINVAL);
  EQ("remove_shared", SYS(SYS_madvise, s, 4096, MADV_REMOVE), -EOPNOTSUPP);
  EQ("unaligned", SYS(SYS_madvise, p + 1, 4096, MADV_NORMAL), -EINVAL);
  EQ("len0", SYS(SYS_madvise, p, 0, MADV_DONTNEED), 0);
  EQ("bad_advice", SYS(SYS_madvise, p, 4096, 99), -EINVAL);
  EQ("neg_len", SYS(SYS_madvise, p, -1L, MADV_NORMAL), -EINVAL);
  EQ("above", SYS(SYS_madvise, 0x8000000000ul, 4096, MADV_NORMAL), -ENOMEM);
  p[2 * 4096] = 'z';
  munmap(p + 4096, 4096);
  EQ("hole", SYS(SYS_madvise, p, 3 * 4096, MADV_DONTNEED), -ENOMEM);
  EQ("rest_done", p[2 * 4096], 0);
  g_data[0] = 7;
  EQ("image", SYS(SYS_madvise, g_data, 4096, MADV_DONTNEED), 0);
  EQ("image_kept", g_data[0], 7);
  EQ("populate_write", SYS(SYS_madvise, p, 4096, MADV_POPULATE_WRITE), 0);
  EQ("populate_hole", SYS(SYS_madvise, p + 4096, 4096, MADV_POPULATE_READ), -ENOMEM);
  EQ("hwpoison", SYS(SYS_madvise, p, 4096, MADV_HWPOISON), -EINVAL); /* root */
  munmap(p, 3 * 4096);
  munmap(s, 4096);
}

void t_edges_mremap_semantics(void) {
  char* p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(p + 2 * 4096, 2 * 4096);
  memset(p, 'x', 2 * 4096);
  char* q = mremap(p, 2 * 4096, 4 * 4096, 0);
  EQ("grow_in_place", q, p);
  EQ("kept", q[4096], 'x');
  EQ("grown_zero", q[3 * 4096], 0);
  EQ("shrink", mremap(p, 4 * 4096, 4096, 0), p);
  EQ("bad_flags", SYS(SYS_mremap, p, 4096, 4096, 8, 0), -EINVAL);
  EQ("fixed_no_maymove", SYS(SYS_mremap, p, 4096, 4096, MREMAP_FIXED, p + 8192), -EINVAL);
  EQ("dontunmap_len", SYS(SYS_mremap, p, 4096, 8192, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0),
     -EINVAL);
  EQ("unaligned", SYS(SYS_mremap, p + 1, 4096, 4096, 0, 0), -EINVAL);
  EQ("new_len0", SYS(SYS_mremap, p, 4096, 0, 0, 0), -EINVAL);
  EQ("old_len0_private", SYS(SYS_mremap, p, 0, 4096, MREMAP_MAYMOVE, 0), -EINVAL);
  EQ("unmapped", SYS(SYS_mremap, p + 4096, 4096, 8192, MREMAP_MAYMOVE, 0), -EFAULT);
  EQ("overlap", SYS(SYS_mremap, p, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, p), -EINVAL);
  char* d = mremap(p, 4096, 4096, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
  CHECK("dontunmap_moved", d != MAP_FAILED && d != p && d[0] == 'x');
  EQ("old_empty", p[0], 0);
  munmap(d, 4096);
  munmap(p, 4096);
  char* s = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  char* s2 = mremap(s, 0, 4096, MREMAP_MAYMOVE);
  CHECK("dup_shared", s2 != MAP_FAILED && s2 != s);
  s[5] = 'q';
  EQ("same_memory", s2[5], 'q');
  munmap(s, 4096);
  munmap(s2, 4096);
}

/* Linux: mremap finds the old mapping (vma_lookup) before it shrinks:
 * nothing mapped at addr is -EFAULT even when shrinking. */
void t_edges_mremap_shrink_hole(void) {
  char* p = mmap(NULL, 2 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(p, 2 * 4096);
  EQ("shrink_nothing", SYS(SYS_mremap, p, 2 * 4096, 4096, 0, 0), -EFAULT);
}

/* PROT_SEM is a protection Linux arm64 accepts (arch_validate_prot). */
void t_edges_mprotect_edges(void) {
  char* p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  EQ("unaligned", SYS(SYS_mprotect, p + 1, 4096, PROT_READ), -EINVAL);
  EQ("len0", SYS(SYS_mprotect, p, 0, PROT_READ), 0);
  EQ("bad_bit", SYS(SYS_mprotect, p, 4096, 0x40), -EINVAL);
  EQ("sem", SYS(SYS_mprotect, p, 4096, PROT_READ | PROT_SEM), 0);
  munmap(p + 4096, 4096);
  EQ("hole", SYS(SYS_mprotect, p, 3 * 4096, PROT_READ), -ENOMEM);
  EQ("munmap_unaligned", SYS(SYS_munmap, p + 1, 4096), -EINVAL);
  EQ("munmap_len0", SYS(SYS_munmap, p, 0), -EINVAL);
  EQ("munmap_nothing", SYS(SYS_munmap, p + 4096, 4096), 0);
  munmap(p, 3 * 4096);
}

/* mmap flags Linux accepts with MAP_PRIVATE and acts on or ignores. */
void t_edges_mmap_legacy_flags(void) {
  static const int flags[] = {MAP_LOCKED, MAP_DENYWRITE, MAP_EXECUTABLE, MAP_NORESERVE,
                              MAP_POPULATE};
  for (unsigned i = 0; i < sizeof flags / sizeof *flags; ++i) {
    void* p =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | flags[i], -1, 0);
    t_check("accepted", p != MAP_FAILED, "flag %#x: errno %d", flags[i], errno);
    if (p != MAP_FAILED) munmap(p, 4096);
  }
  void* p = mmap(NULL, 4096, PROT_READ | PROT_SEM, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  t_check("prot_sem", p != MAP_FAILED, "errno %d", errno);
  if (p != MAP_FAILED) munmap(p, 4096);
}

void t_edges_brk(void) {
  long cur = SYS(SYS_brk, 0);
  CHECK("brk0", cur > 0);
  long up = SYS(SYS_brk, cur + 10000);
  EQ("grow", up, cur + 10000);
  memset((void*)cur, 'b', 10000);
  EQ("below_start", SYS(SYS_brk, 4096), cur + 10000);
  EQ("shrink", SYS(SYS_brk, cur), cur);
  EQ("regrow", SYS(SYS_brk, cur + 10000), cur + 10000);
  EQ("fresh_zero", ((char*)cur)[9000], 0);
  EQ("huge", SYS(SYS_brk, cur + (70l << 30)), cur + 10000);
  EQ("back", SYS(SYS_brk, cur), cur);
}

void t_edges_sigsuspend_edges(void) {
  uint64_t set = 0;
  EQ("size4", SYS(SYS_rt_sigsuspend, &set, 4), -EINVAL);
  EQ("efault", SYS(SYS_rt_sigsuspend, BAD, 8), -EFAULT);
}

/* A signal kept only because it was blocked when sent, whose action ignores
 * it (SIGCHLD at SIG_DFL), ends no sleep: not another thread's nanosleep,
 * not a sigsuspend that unblocks it (Linux restarts them quietly). */
static volatile int g_quiet_usr1;
static void on_quiet_usr1(int sig) { g_quiet_usr1 = sig; }
static void* quiet_sleeper(void* arg) {
  uint64_t t0 = t_now_ns();
  int r = nanosleep(&(struct timespec){0, 300000000}, NULL);
  return (void*)(long)(r == 0 && t_now_ns() - t0 >= 290000000ull ? 1 : 0);
}
static void* quiet_kicker(void* arg) {
  t_sleep_ms(150);
  kill(getpid(), SIGUSR1);
  return NULL;
}
void t_edges_ignored_pending_wakes_nothing(void) {
  signal(SIGCHLD, SIG_DFL);
  /* The worker starts with SIGCHLD unblocked; then the first thread blocks
   * it (so a SIGCHLD is kept), and a child exits during the worker's sleep. */
  pthread_t th;
  pthread_create(&th, NULL, quiet_sleeper, NULL);
  sigset_t block, old;
  sigemptyset(&block);
  sigaddset(&block, SIGCHLD);
  sigaddset(&block, SIGUSR1);
  sigprocmask(SIG_BLOCK, &block, &old);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  void* slept;
  pthread_join(th, &slept);
  CHECK("other_thread_slept_on", slept == (void*)1);
  waitpid(pid, NULL, 0);
  /* Now this thread alone: another child's SIGCHLD stays pending, and
   * sigsuspend unblocking it sleeps on until SIGUSR1 (the kicker blocks
   * both: it is made with this thread's mask). */
  pid = exited_child(0);
  sigset_t pend;
  sigpending(&pend);
  CHECK("chld_pending", sigismember(&pend, SIGCHLD));
  signal(SIGUSR1, on_quiet_usr1);
  pthread_create(&th, NULL, quiet_kicker, NULL);
  uint64_t t0 = t_now_ns();
  sigset_t none;
  sigemptyset(&none);
  sigsuspend(&none);
  uint64_t ms = (t_now_ns() - t0) / 1000000;
  pthread_join(th, NULL);
  t_check("sigsuspend_slept_on", g_quiet_usr1 == SIGUSR1 && ms >= 100, "usr1 %d after %lu ms",
          g_quiet_usr1, (unsigned long)ms);
  waitpid(pid, NULL, 0);
  sigprocmask(SIG_SETMASK, &old, NULL);
  signal(SIGUSR1, SIG_DFL);
}

/* rt_sigpending (glibc's sigpending): the pending signals the caller blocks;
 * msync checks its arguments and the range (anonymous memory has nothing to
 * write back); mincore says which pages are in memory. */
static volatile int g_pending_usr1;
static void on_pending_usr1(int sig) { g_pending_usr1 = sig; }
void t_edges_pending_msync_mincore(void) {
  signal(SIGUSR1, on_pending_usr1);
  sigset_t b, old, pend;
  sigemptyset(&b);
  sigaddset(&b, SIGUSR1);
  sigprocmask(SIG_BLOCK, &b, &old);
  kill(getpid(), SIGUSR1);
  EQ("sigpending", sigpending(&pend), 0);
  CHECK("usr1_pending", sigismember(&pend, SIGUSR1) && !sigismember(&pend, SIGUSR2));
  uint64_t raw = 0;
  EQ("rt_sigpending_big", SYS(SYS_rt_sigpending, &raw, 9), -EINVAL);
  EQ("rt_sigpending_bad", SYS(SYS_rt_sigpending, BAD, 8), -EFAULT);
  sigprocmask(SIG_SETMASK, &old, NULL);
  CHECK("delivered", g_pending_usr1 == SIGUSR1);
  sigpending(&pend);
  CHECK("none_left", !sigismember(&pend, SIGUSR1));
  signal(SIGUSR1, SIG_DFL);

  char* p = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(p + 4096, 4096);
  p[0] = 1;
  EQ("msync", SYS(SYS_msync, p, 4096, MS_SYNC), 0);
  EQ("msync_async", SYS(SYS_msync, p, 100, MS_ASYNC | MS_INVALIDATE), 0);
  EQ("msync_both", SYS(SYS_msync, p, 4096, MS_ASYNC | MS_SYNC), -EINVAL);
  EQ("msync_flag", SYS(SYS_msync, p, 4096, 8), -EINVAL);
  EQ("msync_flags_int", SYS(SYS_msync, p, 4096, (1ul << 32) | MS_SYNC), 0); /* an int */
  EQ("msync_unaligned", SYS(SYS_msync, p + 1, 4096, MS_SYNC), -EINVAL);
  EQ("msync_hole", SYS(SYS_msync, p, 3 * 4096, MS_SYNC), -ENOMEM);
  EQ("msync_zero", SYS(SYS_msync, p + 4096, 0, MS_SYNC), 0);
  unsigned char vec[2] = {9, 9};
  EQ("mincore", SYS(SYS_mincore, p + 2 * 4096, 4096, vec), 0);
  EQ("mincore_untouched", vec[0], 0);
  EQ("mincore_one", SYS(SYS_mincore, p, 1, vec), 0);
  EQ("mincore_touched", vec[0], 1);
  EQ("mincore_unaligned", SYS(SYS_mincore, p + 1, 100, vec), -EINVAL);
  vec[0] = 9;
  EQ("mincore_hole", SYS(SYS_mincore, p, 2 * 4096, vec), -ENOMEM);
  /* The page before the hole is answered (Linux; qemu-user checks the whole
   * range first). */
  if (t_on_tine()) EQ("mincore_before_hole", vec[0], 1);
  EQ("mincore_vec_bad", SYS(SYS_mincore, p, 4096, (void*)-4096l), -EFAULT);
  munmap(p, 3 * 4096);
  char* s2 = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    s2[0] = 1; /* the page comes to the shared memory, not to the parent's tables */
    _exit(0);
  }
  waitpid(pid, NULL, 0);
  EQ("mincore_shared", SYS(SYS_mincore, s2, 4096, vec), 0);
  EQ("mincore_shared_in", vec[0], 1);
  /* Grown by mremap far past its memory: those pages are not in memory. */
  char* big = mremap(s2, 4096, 1ul << 32, MREMAP_MAYMOVE);
  CHECK("grown", big != MAP_FAILED);
  EQ("mincore_past_object", SYS(SYS_mincore, big + (1ul << 31), 4096, vec), 0);
  EQ("mincore_past_object_out", vec[0], 0);
  munmap(big, 1ul << 32);
}

/* sigaltstack: an SA_ONSTACK handler runs on the alternate stack, where
 * sigaltstack reports SS_ONSTACK and refuses a change (-EPERM); the frame's
 * uc_stack has the settings; a new thread has none, a fork child keeps
 * them; SS_AUTODISARM gives the stack up while the handler runs. */
static char* g_alt;
static volatile long g_alt_local_ok, g_alt_state, g_alt_change, g_alt_uc_ok;
static void on_alt(int sig, siginfo_t* si, void* ucv) {
  (void)sig;
  (void)si;
  char here;
  g_alt_local_ok = &here > g_alt && &here <= g_alt + 65536;
  stack_t cur;
  sigaltstack(NULL, &cur);
  g_alt_state = cur.ss_flags;
  stack_t other = {g_alt, 0, 65536};
  g_alt_change = sigaltstack(&other, NULL) == 0 ? 0 : -errno;
  ucontext_t* uc = ucv;
  g_alt_uc_ok = uc->uc_stack.ss_sp == g_alt && uc->uc_stack.ss_size == 65536;
}
static void* alt_thread(void* arg) {
  stack_t cur;
  sigaltstack(NULL, &cur);
  return (void*)(long)cur.ss_flags;
}
static int alt_child(void* arg) {
  stack_t cur;
  sigaltstack(NULL, &cur);
  return cur.ss_sp == g_alt && cur.ss_size == 65536 && cur.ss_flags == 0 ? 0 : 1;
}
void t_edges_sigaltstack(void) {
  g_alt = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  stack_t old, ss = {g_alt, 0, 65536};
  EQ("none_yet", sigaltstack(NULL, &old), 0);
  EQ("none_flags", old.ss_flags, SS_DISABLE);
  /* qemu-user answers sigaltstack itself: its MINSIGSTKSZ is smaller, and it
   * has no SS_AUTODISARM. Those checks are tine's alone. */
  if (t_on_tine()) EQ("too_small", SYS(SYS_sigaltstack, &(stack_t){g_alt, 0, 4096}, NULL), -ENOMEM);
  EQ("bad_flags", SYS(SYS_sigaltstack, &(stack_t){g_alt, 4, 65536}, NULL), -EINVAL);
  EQ("bad_pointer", SYS(SYS_sigaltstack, (void*)-4096l, NULL), -EFAULT);
  EQ("set", sigaltstack(&ss, NULL), 0);
  EQ("read", sigaltstack(NULL, &old), 0);
  CHECK("read_back", old.ss_sp == g_alt && old.ss_size == 65536 && old.ss_flags == 0);
  struct sigaction sa = {0};
  sa.sa_sigaction = on_alt;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGUSR1, &sa, NULL);
  kill(getpid(), SIGUSR1);
  CHECK("ran_on_it", g_alt_local_ok == 1);
  EQ("onstack_there", g_alt_state, SS_ONSTACK);
  EQ("no_change_there", g_alt_change, -EPERM);
  CHECK("uc_stack", g_alt_uc_ok == 1);
  EQ("after", sigaltstack(NULL, &old), 0);
  EQ("after_flags", old.ss_flags, 0);
  pthread_t th;
  void* r;
  pthread_create(&th, NULL, alt_thread, NULL);
  pthread_join(th, &r);
  EQ("thread_has_none", (long)r, SS_DISABLE);
  int st = t_fork_status(alt_child, NULL);
  CHECK("fork_keeps", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  /* Without SA_ONSTACK the handler stays on the thread's stack. */
  sa.sa_flags = SA_SIGINFO;
  sigaction(SIGUSR1, &sa, NULL);
  kill(getpid(), SIGUSR1);
  CHECK("plain_handler_off_it", g_alt_local_ok == 0);
  /* SS_AUTODISARM: on it, the handler finds no stack, and it comes back. */
  if (!t_on_tine()) {
    signal(SIGUSR1, SIG_DFL);
    sigaltstack(&(stack_t){NULL, SS_DISABLE, 0}, NULL);
    munmap(g_alt, 65536);
    return;
  }
  EQ("autodisarm", SYS(SYS_sigaltstack, &(stack_t){g_alt, SS_AUTODISARM, 65536}, NULL), 0);
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigaction(SIGUSR1, &sa, NULL);
  kill(getpid(), SIGUSR1);
  CHECK("autodisarm_ran_on_it", g_alt_local_ok == 1);
  EQ("autodisarm_given_up", g_alt_state, SS_DISABLE);
  EQ("autodisarm_back", sigaltstack(NULL, &old), 0);
  CHECK("autodisarm_back_flags", old.ss_sp == g_alt && old.ss_flags == (int)SS_AUTODISARM);
  EQ("disable", sigaltstack(&(stack_t){NULL, SS_DISABLE, 0}, NULL), 0);
  EQ("disabled", sigaltstack(NULL, &old), 0);
  EQ("disabled_flags", old.ss_flags, SS_DISABLE);
  signal(SIGUSR1, SIG_DFL);
  munmap(g_alt, 65536);
}

/* MADV_POPULATE_WRITE on read-only memory: Linux's madvise_populate gives
 * -EINVAL for "incompatible mappings / permissions" (-EFAULT only when the
 * fault itself would be SIGBUS/SIGSEGV). (qemu-user emulates madvise: tine
 * only.) */
void t_edges_madvise_populate_perm(void) {
  char* p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  EQ("populate_write_ro", SYS(SYS_madvise, p, 4096, MADV_POPULATE_WRITE), -EINVAL);
  mprotect(p, 4096, PROT_NONE);
  EQ("populate_read_none", SYS(SYS_madvise, p, 4096, MADV_POPULATE_READ), -EINVAL);
  munmap(p, 4096);
}

/* Linux (5.11 on) clears sa_flags bits it does not know, so that a program
 * can tell which flags it supports (SA_UNSUPPORTED, 0x400, is never known).
 * (qemu-user keeps them: tine only.) */
void t_edges_sigaction_unknown_flags(void) {
  struct ksa a = {(uint64_t)on_sig_count, SA_RESTART | 0x400, 0, 0}, o;
  EQ("set", SYS(SYS_rt_sigaction, SIGUSR2, &a, NULL, 8), 0);
  EQ("read", SYS(SYS_rt_sigaction, SIGUSR2, NULL, &o, 8), 0);
  t_check("unknown_cleared", (o.flags & 0x400) == 0 && (o.flags & SA_RESTART), "%#lx",
          (unsigned long)o.flags);
  signal(SIGUSR2, SIG_DFL);
}

/* Nice values (getpriority/setpriority) belong to threads, as on Linux:
 * PRIO_PROCESS names one thread by id, and fork and new threads start with
 * their maker's value. */
static void* nice_thread(void* arg) {
  int* out = arg;
  out[0] = setpriority(PRIO_PROCESS, 0, 7) == 0;
  out[1] = (int)syscall(SYS_gettid);
  out[2] = getpriority(PRIO_PROCESS, 0);
  return NULL;
}
void t_edges_nice_threads(void) {
  EQ("start", getpriority(PRIO_PROCESS, 0), 0);
  EQ("set", setpriority(PRIO_PROCESS, 0, 5), 0);
  EQ("get", getpriority(PRIO_PROCESS, 0), 5);
  EQ("raw_is_20_minus_nice", SYS(SYS_getpriority, PRIO_PROCESS, 0), 15);
  EQ("clamped_high", setpriority(PRIO_PROCESS, 0, 100), 0);
  EQ("get_high", getpriority(PRIO_PROCESS, 0), 19);
  EQ("clamped_low", setpriority(PRIO_PROCESS, 0, -100), 0); /* root */
  EQ("get_low", getpriority(PRIO_PROCESS, 0), -20);
  EQ("back", setpriority(PRIO_PROCESS, 0, 5), 0);
  int out[3] = {0, 0, 0};
  pthread_t t;
  pthread_create(&t, NULL, nice_thread, out);
  pthread_join(t, NULL);
  CHECK("thread_set", out[0]);
  EQ("thread_own", out[2], 7);
  /* A joined thread's id is gone, once its exit is done: the join waits
   * only for its clear_child_tid, which tine writes, as Linux does, before
   * the thread leaves its process. */
  long gone;
  uint64_t give_up = t_now_ns() + 2000000000ull;
  while ((gone = SYS(SYS_getpriority, PRIO_PROCESS, out[1])) != -ESRCH && t_now_ns() < give_up)
    t_sleep_ms(1);
  EQ("thread_by_tid_gone", gone, -ESRCH);
  EQ("main_unchanged", getpriority(PRIO_PROCESS, 0), 5);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) _exit(getpriority(PRIO_PROCESS, 0) == 5 ? 0 : 1);
  int st;
  waitpid(pid, &st, 0);
  CHECK("fork_inherits", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  EQ("bad_which", SYS(SYS_getpriority, 3, 0), -EINVAL);
  EQ("bad_which_set", SYS(SYS_setpriority, -1, 0, 0), -EINVAL);
  EQ("no_such", SYS(SYS_getpriority, PRIO_PROCESS, 999999), -ESRCH);
  EQ("negative", SYS(SYS_setpriority, PRIO_PROCESS, -5, 0), -ESRCH);
  EQ("no_user", SYS(SYS_getpriority, PRIO_USER, 4242), -ESRCH);
}

/* Who may change whose nice value: the caller's effective uid must be the
 * target's real or effective uid (-EPERM), and lowering it needs
 * RLIMIT_NICE (0 by default: -EACCES) unless root. PRIO_PGRP and PRIO_USER
 * reach every thread of the group's or the uid's processes. */
static pid_t nice_sleeper(uid_t uid, int new_group) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    if (new_group) setpgid(0, 0);
    if (uid) setresuid(uid, uid, uid);
    for (;;) pause();
  }
  t_sleep_ms(50);
  return pid;
}
static int nice_as(uid_t uid, int which, int who, int value) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    if (setresuid(uid, uid, uid) != 0) _exit(100);
    _exit(setpriority(which, who, value) == 0 ? 0 : errno);
  }
  int st;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}
void t_edges_nice_permissions(void) {
  EQ("default_rlimit_nice", SYS(SYS_prlimit64, 0, RLIMIT_NICE, NULL, NULL), 0);
  struct rlimit rl;
  getrlimit(RLIMIT_NICE, &rl);
  EQ("rlimit_nice_0", rl.rlim_cur, 0);
  pid_t mine = nice_sleeper(3100, 0), root = nice_sleeper(0, 0);
  EQ("other_user_eperm", nice_as(3200, PRIO_PROCESS, mine, 10), EPERM);
  EQ("root_target_eperm", nice_as(3100, PRIO_PROCESS, root, 10), EPERM);
  EQ("own_raise", nice_as(3100, PRIO_PROCESS, mine, 10), 0);
  EQ("seen", getpriority(PRIO_PROCESS, mine), 10);
  EQ("own_lower_eacces", nice_as(3100, PRIO_PROCESS, mine, 5), EACCES);
  EQ("unchanged", getpriority(PRIO_PROCESS, mine), 10);
  EQ("root_lowers", setpriority(PRIO_PROCESS, mine, -3), 0);
  EQ("lowered", getpriority(PRIO_PROCESS, mine), -3);
  /* PRIO_USER by the target's real uid; PRIO_PGRP by its group. */
  EQ("user", setpriority(PRIO_USER, 3100, 12), 0);
  EQ("user_seen", getpriority(PRIO_PROCESS, mine), 12);
  EQ("user_get", getpriority(PRIO_USER, 3100), 12);
  pid_t grouped = nice_sleeper(0, 1);
  EQ("pgrp", setpriority(PRIO_PGRP, grouped, 4), 0);
  EQ("pgrp_seen", getpriority(PRIO_PROCESS, grouped), 4);
  EQ("pgrp_get", getpriority(PRIO_PGRP, grouped), 4);
  EQ("own_group_untouched", getpriority(PRIO_PROCESS, 0), 0);
  EQ("no_group", SYS(SYS_getpriority, PRIO_PGRP, 999999), -ESRCH);
  kill(mine, SIGKILL);
  kill(root, SIGKILL);
  kill(grouped, SIGKILL);
  while (waitpid(-1, NULL, 0) > 0) {
  }
}

/* RLIMIT_FSIZE (Linux's generic_write_check_limits, inode_newsize_ok): a
 * write that would start at or past the limit gets SIGXFSZ (to the writing
 * thread) and -EFBIG, one that would cross it is cut short there; growing a
 * file past it by truncate or ftruncate gets SIGXFSZ and -EFBIG, shrinking
 * is allowed; a write of nothing is 0; pipes are not files. SIGXFSZ's
 * default action ends the process. */
static volatile int g_xfsz;
static void on_xfsz(int sig) {
  (void)sig;
  ++g_xfsz;
}
void t_edges_rlimit_fsize(void) {
  mkdir("/tmp", 01777); /* (the glibc tests' initramfs has none) */
  char path[] = "/tmp/fsizeXXXXXX";
  int fd = mkstemp(path);
  CHECK("file", fd >= 0);
  signal(SIGXFSZ, on_xfsz);
  struct rlimit rl = {1000, RLIM_INFINITY};
  EQ("set", setrlimit(RLIMIT_FSIZE, &rl), 0);
  static char buf[600];
  EQ("first", write(fd, buf, 600), 600);
  EQ("cut", write(fd, buf, 600), 400);
  EQ("no_signal_yet", g_xfsz, 0);
  EQ("empty_past", SYS(SYS_write, fd, buf, 0), 0);
  EQ("past", SYS(SYS_write, fd, buf, 1), -EFBIG);
  EQ("signal", g_xfsz, 1);
  EQ("pwrite_below", pwrite(fd, buf, 10, 10), 10);
  EQ("pwrite_past", SYS(SYS_pwrite64, fd, buf, 10, 1000), -EFBIG);
  EQ("signal_pwrite", g_xfsz, 2);
  EQ("ftruncate_grow", SYS(SYS_ftruncate, fd, 2000), -EFBIG);
  EQ("signal_ftruncate", g_xfsz, 3);
  EQ("ftruncate_shrink", SYS(SYS_ftruncate, fd, 500), 0);
  EQ("ftruncate_to_limit", SYS(SYS_ftruncate, fd, 1000), 0);
  EQ("truncate_grow", SYS(SYS_truncate, path, 1001), -EFBIG);
  EQ("signal_truncate", g_xfsz, 4);
  int p[2];
  EQ("pipe", pipe(p), 0);
  EQ("pipe_write", write(p[1], buf, 600), 600);
  EQ("pipe_write_more", write(p[1], buf, 600), 600);
  close(p[0]);
  close(p[1]);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    signal(SIGXFSZ, SIG_DFL);
    (void)!pwrite(fd, buf, 10, 1000);
    _exit(0);
  }
  int st;
  waitpid(pid, &st, 0);
  t_check("default_ends", WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ, "status %#x", st);
  rl.rlim_cur = RLIM_INFINITY;
  setrlimit(RLIMIT_FSIZE, &rl);
  signal(SIGXFSZ, SIG_DFL);
  close(fd);
  unlink(path);
}

/* /dev/full: reads zeroes, refuses every write with ENOSPC (Linux 1:7). */
void t_edges_dev_full(void) {
  struct stat st;
  EQ("stat", stat("/dev/full", &st), 0);
  CHECK("char_1_7", S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 7));
  int fd = open("/dev/full", O_RDWR);
  CHECK("open", fd >= 0);
  char buf[8] = "xxxxxxx";
  EQ("read", read(fd, buf, sizeof buf), sizeof buf);
  CHECK("zeroes", memcmp(buf, "\0\0\0\0\0\0\0\0", 8) == 0);
  errno = 0;
  EQ("write", write(fd, "x", 1), -1);
  EQ("enospc", errno, ENOSPC);
  EQ("seek", lseek(fd, 100, SEEK_SET), 0);
  close(fd);
}

/* ioprio_set and ioprio_get (ionice): per thread, inherited by fork; the
 * checks in Linux's order. */
void t_edges_ioprio(void) {
  enum { WHO_PROCESS = 1, WHO_PGRP = 2, WHO_USER = 3 };
#define IOPRIO(cls, data) (((cls) << 13) | (data))
  EQ("default", SYS(SYS_ioprio_get, WHO_PROCESS, 0), 0);
  EQ("set_be", SYS(SYS_ioprio_set, WHO_PROCESS, 0, IOPRIO(2, 5)), 0);
  EQ("get_be", SYS(SYS_ioprio_get, WHO_PROCESS, 0), IOPRIO(2, 5));
  EQ("by_tid", SYS(SYS_ioprio_get, WHO_PROCESS, gettid()), IOPRIO(2, 5));
  EQ("by_pgrp", SYS(SYS_ioprio_get, WHO_PGRP, 0) <= IOPRIO(2, 5), 1);
  EQ("by_user", SYS(SYS_ioprio_get, WHO_USER, 0) <= IOPRIO(2, 5), 1);
  EQ("none_data", SYS(SYS_ioprio_set, WHO_PROCESS, 0, IOPRIO(0, 1)), -EINVAL);
  EQ("bad_class", SYS(SYS_ioprio_set, WHO_PROCESS, 0, IOPRIO(5, 0)), -EINVAL);
  EQ("bad_which_set", SYS(SYS_ioprio_set, 9, 0, IOPRIO(2, 1)), -EINVAL);
  EQ("bad_which_get", SYS(SYS_ioprio_get, 0, 0), -EINVAL);
  EQ("class_before_which", SYS(SYS_ioprio_set, 9, 0, IOPRIO(5, 0)), -EINVAL);
  EQ("no_thread", SYS(SYS_ioprio_get, WHO_PROCESS, 0x3ffffff0), -ESRCH);
  EQ("no_thread_set", SYS(SYS_ioprio_set, WHO_PROCESS, 0x3ffffff0, IOPRIO(2, 1)), -ESRCH);
  EQ("idle", SYS(SYS_ioprio_set, WHO_PROCESS, 0, IOPRIO(3, 0)), 0);
  EQ("get_idle", SYS(SYS_ioprio_get, WHO_PROCESS, 0), IOPRIO(3, 0));
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) _exit(SYS(SYS_ioprio_get, WHO_PROCESS, 0) == IOPRIO(3, 0) ? 0 : 1);
  int st = 0;
  waitpid(c, &st, 0);
  CHECK("inherited", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  /* Another user's thread: not this one's to set; the real-time class is
   * root's. */
  c = fork();
  if (c == 0) {
    if (setresuid(1000, 1000, 1000) != 0) _exit(2);
    if (SYS(SYS_ioprio_set, WHO_PROCESS, getppid(), IOPRIO(2, 1)) != -EPERM) _exit(3);
    if (SYS(SYS_ioprio_set, WHO_PROCESS, 0, IOPRIO(1, 0)) != -EPERM) _exit(4);
    if (SYS(SYS_ioprio_set, WHO_PROCESS, 0, IOPRIO(2, 7)) != 0) _exit(5);
    _exit(0);
  }
  waitpid(c, &st, 0);
  CHECK("permissions", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  EQ("parent_untouched", SYS(SYS_ioprio_get, WHO_PROCESS, 0), IOPRIO(3, 0));
  EQ("back_to_none", SYS(SYS_ioprio_set, WHO_PROCESS, 0, 0), 0);
  /* A group's: a thread never given one counts as the best-effort level of
   * its nice value, (nice + 20) / 5. */
  int gate[2], ready[2];
  EQ("pipe", pipe(gate), 0);
  EQ("pipe2", pipe(ready), 0);
  c = fork();
  if (c == 0) {
    setpgid(0, 0);
    errno = 0;
    if (nice(5) == -1 && errno) _exit(2);
    char b;
    if (write(ready[1], "r", 1) != 1) _exit(4);
    _exit(read(gate[0], &b, 1) == 1 ? 0 : 3);
  }
  setpgid(c, c); /* (either may come first) */
  char r;
  EQ("ready", read(ready[0], &r, 1), 1);
  long g = SYS(SYS_ioprio_get, WHO_PGRP, c);
  /* (Under qemu-user the group also holds qemu's own thread, at nice 0.) */
  if (t_on_tine())
    EQ("pgrp_unset_nice5", g, IOPRIO(2, 5));
  else
    CHECK("pgrp_unset_best_effort", g == IOPRIO(2, 5) || g == IOPRIO(2, 4));
  EQ("process_unset", SYS(SYS_ioprio_get, WHO_PROCESS, c), 0);
  EQ("release", write(gate[1], "x", 1), 1);
  waitpid(c, &st, 0);
  close(gate[0]);
  close(gate[1]);
  close(ready[0]);
  close(ready[1]);
#undef IOPRIO
}

static volatile int g_q_value, g_q_code, g_q_pid, g_q_count;
static void* volatile g_q_ptr;
static void on_queued(int sig, siginfo_t* si, void* uc) {
  (void)sig;
  (void)uc;
  g_q_value = si->si_value.sival_int;
  g_q_ptr = si->si_value.sival_ptr;
  g_q_code = si->si_code;
  g_q_pid = si->si_pid;
  ++g_q_count;
}

static void* wait_for_usr2(void* arg) {
  (void)arg;
  sigset_t usr2;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  siginfo_t si;
  memset(&si, 0, sizeof si);
  int sig = sigwaitinfo(&usr2, &si);
  return (void*)(long)(sig == SIGUSR2 && si.si_code == SI_QUEUE ? si.si_value.sival_int : -1);
}

/* sigqueue and pthread_sigqueue (rt_sigqueueinfo, rt_tgsigqueueinfo): the
 * handler gets SI_QUEUE, the sender and the value; a code that would pass
 * for the kernel's or kill's goes only to the sender itself; the errors in
 * Linux's order. */
void t_edges_sigqueue(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_queued;
  sa.sa_flags = SA_SIGINFO | SA_RESTART; /* (the child's signal comes during waitpid) */
  sigaction(SIGUSR1, &sa, NULL);
  g_q_count = 0;
  EQ("sigqueue", sigqueue(getpid(), SIGUSR1, (union sigval){.sival_int = 42}), 0);
  EQ("handled", g_q_count, 1);
  EQ("value", g_q_value, 42);
  EQ("code", g_q_code, SI_QUEUE);
  EQ("pid", g_q_pid, getpid());
  void* far = (void*)0x123456789abcull; /* all 64 bits of the value */
  EQ("sigqueue_ptr", sigqueue(getpid(), SIGUSR1, (union sigval){.sival_ptr = far}), 0);
  CHECK("value_ptr", g_q_ptr == far);
  /* From another process. */
  pid_t me = getpid();
  fflush(stdout);
  pid_t c = fork();
  if (c == 0) _exit(sigqueue(me, SIGUSR1, (union sigval){.sival_int = 7}) == 0 ? 0 : 1);
  int st = 0;
  waitpid(c, &st, 0);
  CHECK("child_sent", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  EQ("child_value", g_q_value, 7);
  EQ("child_pid", g_q_pid, c);
  /* Passing for kill (SI_USER) is for the sender itself only. */
  siginfo_t si;
  memset(&si, 0, sizeof si);
  si.si_code = SI_USER;
  si.si_pid = 1;
  EQ("as_kill_self", SYS(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, &si), 0);
  EQ("as_kill_self_pid", g_q_pid, 1);
  c = fork();
  if (c == 0) {
    siginfo_t k;
    memset(&k, 0, sizeof k);
    k.si_code = SI_USER;
    long r1 = SYS(SYS_rt_sigqueueinfo, me, SIGUSR1, &k);
    k.si_code = SI_KERNEL;
    long r2 = SYS(SYS_rt_sigqueueinfo, me, SIGUSR1, &k);
    _exit(r1 == -EPERM && r2 == -EPERM ? 0 : 1);
  }
  waitpid(c, &st, 0);
  CHECK("as_kill_other_eperm", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  /* Errors. */
  memset(&si, 0, sizeof si);
  si.si_code = SI_QUEUE;
  EQ("efault", SYS(SYS_rt_sigqueueinfo, getpid(), SIGUSR1, NULL), -EFAULT);
  EQ("esrch", SYS(SYS_rt_sigqueueinfo, 0x3ffffff0, 99, &si), -ESRCH);
  EQ("einval", SYS(SYS_rt_sigqueueinfo, getpid(), 99, &si), -EINVAL);
  EQ("probe", SYS(SYS_rt_sigqueueinfo, getpid(), 0, &si), 0);
  EQ("tg_bad_tid", SYS(SYS_rt_tgsigqueueinfo, getpid(), 0, SIGUSR1, &si), -EINVAL);
  EQ("tg_efault_first", SYS(SYS_rt_tgsigqueueinfo, getpid(), 0, SIGUSR1, NULL), -EFAULT);
  /* To one thread, which takes it in sigwaitinfo with its value. */
  sigset_t usr2, old;
  sigemptyset(&usr2);
  sigaddset(&usr2, SIGUSR2);
  pthread_sigmask(SIG_BLOCK, &usr2, &old);
  pthread_t th;
  EQ("create", pthread_create(&th, NULL, wait_for_usr2, NULL), 0);
  EQ("pthread_sigqueue", pthread_sigqueue(th, SIGUSR2, (union sigval){.sival_int = 99}), 0);
  void* got = NULL;
  pthread_join(th, &got);
  EQ("thread_value", (long)got, 99);
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  signal(SIGUSR1, SIG_DFL);
}

/* fallocate (and glibc's posix_fallocate): Linux's checks in its order;
 * allocating grows the file, or with FALLOC_FL_KEEP_SIZE only makes room,
 * the data kept either way; a punched hole reads as zeroes and keeps the
 * size; growing past RLIMIT_FSIZE is SIGXFSZ and -EFBIG. The same on the
 * host's /tmp (tmpfs or a disk's) under Linux. */
void t_edges_fallocate(void) {
  mkdir("/tmp", 01777); /* (the glibc tests' initramfs has none) */
  char path[] = "/tmp/fallocXXXXXX";
  int fd = mkstemp(path);
  CHECK("file", fd >= 0);
  EQ("bad_fd", SYS(SYS_fallocate, 999, 0, 0l, 10l), -EBADF);
  EQ("negative_offset", SYS(SYS_fallocate, fd, 0, -1l, 10l), -EINVAL);
  EQ("zero_len", SYS(SYS_fallocate, fd, 0, 0l, 0l), -EINVAL);
  EQ("unknown_mode", SYS(SYS_fallocate, fd, 0x100, 0l, 10l), -EOPNOTSUPP);
  EQ("punch_without_keep", SYS(SYS_fallocate, fd, FALLOC_FL_PUNCH_HOLE, 0l, 10l), -EOPNOTSUPP);
  EQ("punch_and_zero",
     SYS(SYS_fallocate, fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, 0l,
         10),
     -EOPNOTSUPP);
  if (t_on_tine()) { /* Linux 6.1's answer; later ones say -EOPNOTSUPP */
    EQ("collapse_with_more",
       SYS(SYS_fallocate, fd, FALLOC_FL_COLLAPSE_RANGE | FALLOC_FL_KEEP_SIZE, 0l, 4096l), -EINVAL);
    EQ("insert_with_more",
       SYS(SYS_fallocate, fd, FALLOC_FL_INSERT_RANGE | FALLOC_FL_KEEP_SIZE, 0l, 4096l), -EINVAL);
  }
  EQ("wraps", SYS(SYS_fallocate, fd, 0, 0x7fffffffffffff00l, 0x1000l), -EFBIG);
  struct stat st;
  EQ("grow", fallocate(fd, 0, 0, 10000), 0);
  fstat(fd, &st);
  EQ("grown", st.st_size, 10000);
  static char buf[10000], want[10000];
  EQ("zeroes", pread(fd, buf, sizeof buf, 0), 10000);
  CHECK("read_zero", memcmp(buf, want, sizeof buf) == 0);
  memset(want, 'x', sizeof want);
  EQ("fill", pwrite(fd, want, sizeof want, 0), 10000);
  EQ("keep_size", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 50000), 0);
  EQ("inside", fallocate(fd, 0, 100, 100), 0);
  fstat(fd, &st);
  EQ("size_kept", st.st_size, 10000);
  EQ("data_kept", pread(fd, buf, sizeof buf, 0), 10000);
  CHECK("same_data", memcmp(buf, want, sizeof buf) == 0);
  EQ("punch", fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 100, 8900), 0);
  memset(want + 100, 0, 8900);
  EQ("punched_read", pread(fd, buf, sizeof buf, 0), 10000);
  CHECK("hole_zero", memcmp(buf, want, sizeof buf) == 0);
  fstat(fd, &st);
  EQ("punch_keeps_size", st.st_size, 10000);
  EQ("posix_fallocate", posix_fallocate(fd, 20000, 100), 0);
  fstat(fd, &st);
  EQ("posix_grown", st.st_size, 20100);
  int ro = open(path, O_RDONLY);
  EQ("read_only", SYS(SYS_fallocate, ro, 0, 0l, 10l), -EBADF);
  close(ro);
  int p[2];
  EQ("pipe", pipe(p), 0);
  EQ("pipe_write_end", SYS(SYS_fallocate, p[1], 0, 0l, 10l), -ESPIPE);
  EQ("pipe_read_end", SYS(SYS_fallocate, p[0], 0, 0l, 10l), -EBADF);
  close(p[0]);
  close(p[1]);
  int null = open("/dev/null", O_WRONLY);
  if (null >= 0) {
    EQ("device", SYS(SYS_fallocate, null, 0, 0l, 10l), -ENODEV);
    close(null);
  }
  signal(SIGXFSZ, on_xfsz);
  g_xfsz = 0;
  struct rlimit rl = {30000, RLIM_INFINITY};
  EQ("limit", setrlimit(RLIMIT_FSIZE, &rl), 0);
  EQ("past_limit", SYS(SYS_fallocate, fd, 0, 0l, 40000l), -EFBIG);
  EQ("signal", g_xfsz, 1);
  EQ("keep_past_limit", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 40000), 0);
  if (t_on_tine()) { /* past the RAM file system's largest file: -EFBIG, no signal */
    EQ("past_fs_max", SYS(SYS_fallocate, fd, 0, 0l, 1l << 40), -EFBIG);
    EQ("no_signal", g_xfsz, 1);
  }
  rl.rlim_cur = RLIM_INFINITY;
  setrlimit(RLIMIT_FSIZE, &rl);
  close(fd);
  unlink(path);
}

static int link_empty_as_user(void* arg) {
  int fd = (int)(long)arg;
  if (setresuid(1000, 1000, 1000) != 0) return 10;
  /* Linux 6.1 asks CAP_DAC_READ_SEARCH of AT_EMPTY_PATH, whatever the path. */
  if (syscall(SYS_linkat, fd, "", AT_FDCWD, "/tmp/linkat-user", AT_EMPTY_PATH) != -1 ||
      errno != ENOENT)
    return 11;
  if (syscall(SYS_linkat, AT_FDCWD, "/tmp", AT_FDCWD, "/tmp/linkat-user", AT_EMPTY_PATH) != -1 ||
      errno != ENOENT)
    return 12;
  return 0;
}

/* linkat with AT_EMPTY_PATH: root names the open file's node itself (an
 * O_PATH descriptor's too); a directory -EPERM, a pipe -EXDEV, a removed
 * file -ENOENT. */
void t_edges_linkat_empty_path(void) {
  char a[64], b[64], c[64];
  mkdir("/tmp", 01777);
  snprintf(a, sizeof a, "/tmp/linkat-a-%d", (int)getpid());
  snprintf(b, sizeof b, "/tmp/linkat-b-%d", (int)getpid());
  snprintf(c, sizeof c, "/tmp/linkat-c-%d", (int)getpid());
  unlink(a);
  unlink(b);
  unlink(c);
  int fd = open(a, O_RDWR | O_CREAT, 0600);
  CHECK("open", fd >= 0);
  EQ("bad_flag", SYS(SYS_linkat, fd, "", AT_FDCWD, b, AT_EMPTY_PATH | 0x200), -EINVAL);
  if (getuid() != 0) {
    close(fd);
    unlink(a);
    return; /* the rest is root's */
  }
  EQ("link_fd", SYS(SYS_linkat, fd, "", AT_FDCWD, b, AT_EMPTY_PATH), 0);
  struct stat sa, sb;
  EQ("stat_a", stat(a, &sa), 0);
  EQ("stat_b", stat(b, &sb), 0);
  CHECK("same_node", sa.st_ino == sb.st_ino && sa.st_nlink == 2);
  EQ("exists", SYS(SYS_linkat, fd, "", AT_FDCWD, b, AT_EMPTY_PATH), -EEXIST);
  int p = open(a, O_PATH);
  EQ("link_o_path", SYS(SYS_linkat, p, "", AT_FDCWD, c, AT_EMPTY_PATH), 0);
  EQ("path_too", SYS(SYS_linkat, AT_FDCWD, a, AT_FDCWD, "/tmp/linkat-d", AT_EMPTY_PATH), 0);
  unlink("/tmp/linkat-d");
  close(p);
  int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
  EQ("dir", SYS(SYS_linkat, dir, "", AT_FDCWD, "/tmp/linkat-dir", AT_EMPTY_PATH), -EPERM);
  close(dir);
  int fds[2];
  EQ("pipe", pipe(fds), 0);
  EQ("pipe_xdev", SYS(SYS_linkat, fds[0], "", AT_FDCWD, "/tmp/linkat-pipe", AT_EMPTY_PATH), -EXDEV);
  close(fds[0]);
  close(fds[1]);
  EQ("badfd", SYS(SYS_linkat, 1000, "", AT_FDCWD, "/tmp/linkat-x", AT_EMPTY_PATH), -EBADF);
  unlink(a);
  unlink(b);
  unlink(c);
  EQ("removed", SYS(SYS_linkat, fd, "", AT_FDCWD, b, AT_EMPTY_PATH), -ENOENT);
  if (t_on_tine()) /* Linux 6.10 and later let the opener's own credentials */
    EQ("user_enoent", t_fork_status(link_empty_as_user, (void*)(long)fd), 0);
  close(fd);
}
