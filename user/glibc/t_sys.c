/* The rest of what glibc's start-up, pthreads and ordinary programs call:
 * uname, sysinfo, getrusage, times, the CPU-time clocks, clock_nanosleep,
 * prctl (names and the parent-death signal), getrandom, CPU affinity
 * (docs/user-abi.md). */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/times.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

void t_uname(void) {
  struct utsname u;
  EQ("call", uname(&u), 0);
  CHECK("sysname", strcmp(u.sysname, "Linux") == 0);
  CHECK("machine", strcmp(u.machine, "aarch64") == 0);
  CHECK("release", u.release[0] >= '1' && u.release[0] <= '9' && strchr(u.release, '.'));
  EQ("efault", SYS(SYS_uname, 16), -EFAULT);
}

void t_sysinfo(void) {
  struct sysinfo s;
  EQ("call", sysinfo(&s), 0);
  CHECK("ram", s.totalram > 0 && s.freeram > 0 && s.freeram <= s.totalram);
  CHECK("mem_unit", s.mem_unit >= 1);
  CHECK("procs", s.procs >= 1);
  EQ("efault", SYS(SYS_sysinfo, 16), -EFAULT);
}

static volatile uint64_t g_sink;
static uint64_t thread_cpu_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Busy until this thread has had ms of CPU time by its own clock, or 20 times
 * that has passed on the wall clock: on a loaded host (the Linux side runs
 * under qemu-aarch64 beside other work) a wall-clock spin gets a fraction of
 * a CPU. Mostly user time: few clock calls (tine has no vDSO). */
static void spin_ms(unsigned ms) {
  uint64_t want = ms * 1000000ull;
  uint64_t cpu0 = thread_cpu_ns(), wall_end = t_now_ns() + 20 * want;
  while (thread_cpu_ns() - cpu0 < want && t_now_ns() < wall_end)
    for (int i = 0; i < 100000; ++i) g_sink += i;
}

static uint64_t tv_ns(struct timeval tv) {
  return (uint64_t)tv.tv_sec * 1000000000ull + (uint64_t)tv.tv_usec * 1000;
}

static int busy_child(void* arg) {
  spin_ms((unsigned)(long)arg);
  return 0;
}

/* CPU time: a busy loop's shows in getrusage, times and the CPU clocks; a
 * reaped child's in RUSAGE_CHILDREN and wait4's rusage. */
void t_cpu_time(void) {
  struct rusage r0, r1;
  EQ("self", getrusage(RUSAGE_SELF, &r0), 0);
  struct timespec c0, c1, t0, t1;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0);
  spin_ms(200);
  getrusage(RUSAGE_SELF, &r1);
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1);
  uint64_t used = tv_ns(r1.ru_utime) + tv_ns(r1.ru_stime) - tv_ns(r0.ru_utime) - tv_ns(r0.ru_stime);
  t_check("rusage_grew", used >= 100000000ull, "%lu ns", (unsigned long)used);
  uint64_t cpu = (uint64_t)(c1.tv_sec - c0.tv_sec) * 1000000000ull + c1.tv_nsec - c0.tv_nsec;
  t_check("process_clock", cpu >= 100000000ull, "%lu ns", (unsigned long)cpu);
  uint64_t thr = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000000ull + t1.tv_nsec - t0.tv_nsec;
  t_check("thread_clock", thr >= 100000000ull, "%lu ns", (unsigned long)thr);
  CHECK("mostly_user",
        tv_ns(r1.ru_utime) - tv_ns(r0.ru_utime) >= tv_ns(r1.ru_stime) - tv_ns(r0.ru_stime));
  struct rusage rt;
  EQ("thread", getrusage(RUSAGE_THREAD, &rt), 0);
  EQ("bad_who", SYS(SYS_getrusage, 7, &rt), -EINVAL);
  EQ("efault", SYS(SYS_getrusage, RUSAGE_SELF, 16), -EFAULT);
  /* A child's: in wait4's rusage and then in RUSAGE_CHILDREN. */
  struct rusage rc0, rc1, rw;
  getrusage(RUSAGE_CHILDREN, &rc0);
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) _exit(busy_child((void*)200l));
  int st;
  EQ("wait4", wait4(pid, &st, 0, &rw), pid);
  getrusage(RUSAGE_CHILDREN, &rc1);
  uint64_t child = tv_ns(rw.ru_utime) + tv_ns(rw.ru_stime);
  t_check("wait4_rusage", child >= 100000000ull, "%lu ns", (unsigned long)child);
  uint64_t grew =
      tv_ns(rc1.ru_utime) + tv_ns(rc1.ru_stime) - tv_ns(rc0.ru_utime) - tv_ns(rc0.ru_stime);
  t_check("children_grew", grew >= 100000000ull, "%lu ns", (unsigned long)grew);
  struct tms tm;
  clock_t now = times(&tm);
  CHECK("times", now != (clock_t)-1 && tm.tms_utime + tm.tms_stime >= 10 &&
                     tm.tms_cutime + tm.tms_cstime >= 10);
  /* A rusage wait4 cannot write: -EFAULT. tine checks it before reaping the
   * child, which can still be waited for; Linux has reaped it by then. */
  pid = fork();
  if (pid == 0) _exit(3);
  t_sleep_ms(20);
  EQ("wait4_bad_rusage", SYS(SYS_wait4, pid, &st, 0, 16), -EFAULT);
  if (t_on_tine())
    EQ("still_waitable", waitpid(pid, &st, 0), pid);
  else
    EQ("reaped_on_linux", waitpid(pid, &st, WNOHANG), -1);
}

void t_clock_nanosleep(void) {
  struct timespec d = {0, 20000000}, now, abs;
  uint64_t t0 = t_now_ns();
  EQ("relative", clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL), 0);
  CHECK("slept", t_now_ns() - t0 >= 20000000);
  clock_gettime(CLOCK_REALTIME, &now);
  abs = now;
  abs.tv_nsec += 20000000;
  if (abs.tv_nsec >= 1000000000) abs.tv_sec++, abs.tv_nsec -= 1000000000;
  t0 = t_now_ns();
  EQ("absolute_realtime", clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &abs, NULL), 0);
  CHECK("until_then", t_now_ns() - t0 >= 10000000);
  EQ("past", clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &(struct timespec){0, 1}, NULL), 0);
  EQ("bad_clock", clock_nanosleep(99, 0, &d, NULL), EINVAL);
  EQ("thread_clock", clock_nanosleep(CLOCK_THREAD_CPUTIME_ID, 0, &d, NULL), EINVAL);
  EQ("bad_nsec", clock_nanosleep(CLOCK_MONOTONIC, 0, &(struct timespec){0, 1000000000}, NULL),
     EINVAL);
  struct timespec res;
  EQ("getres", clock_getres(CLOCK_MONOTONIC, &res), 0);
  CHECK("res", res.tv_sec == 0 && res.tv_nsec > 0 && res.tv_nsec < 1000000);
}

void t_prctl_name(void) {
  char name[32];
  EQ("set", prctl(PR_SET_NAME, "tine-worker", 0, 0, 0), 0);
  memset(name, 'x', sizeof name);
  EQ("get", prctl(PR_GET_NAME, name, 0, 0, 0), 0);
  CHECK("same", strcmp(name, "tine-worker") == 0);
  EQ("cut", prctl(PR_SET_NAME, "a-name-longer-than-fifteen", 0, 0, 0), 0);
  prctl(PR_GET_NAME, name, 0, 0, 0);
  CHECK("cut_to_15", strcmp(name, "a-name-longer-t") == 0);
  EQ("efault", SYS(SYS_prctl, PR_SET_NAME, 16, 0, 0, 0), -EFAULT);
  EQ("get_efault", SYS(SYS_prctl, PR_GET_NAME, 16, 0, 0, 0), -EFAULT);
  EQ("dumpable", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 1);
  EQ("bad_dumpable", SYS(SYS_prctl, PR_SET_DUMPABLE, 7, 0, 0, 0), -EINVAL);
  EQ("no_new_privs", prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
  EQ("no_new_privs_get", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
  EQ("unknown", SYS(SYS_prctl, 0x7fff, 0, 0, 0, 0), -EINVAL);
}

static volatile int g_pdeath;
static void on_pdeath(int sig) { g_pdeath = sig; }

/* The grandchild asks for SIGUSR1 when its parent dies; the middle process
 * exits; the grandchild reports through shared memory. */
static int pdeath_middle(void* arg) {
  volatile int* sh = arg;
  pid_t g = fork();
  if (g == 0) {
    signal(SIGUSR1, on_pdeath);
    if (prctl(PR_SET_PDEATHSIG, SIGUSR1, 0, 0, 0) != 0) _exit(1);
    int got = -1;
    prctl(PR_GET_PDEATHSIG, &got, 0, 0, 0);
    sh[2] = got;
    sh[0] = 1; /* ready */
    uint64_t give_up = t_now_ns() + 5000000000ull;
    while (!g_pdeath && t_now_ns() < give_up) t_sleep_ms(1);
    sh[1] = g_pdeath;
    _exit(0);
  }
  while (!sh[0]) t_sleep_ms(1);
  return 0; /* the parent dies now */
}

void t_prctl_pdeathsig(void) {
  volatile int* sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  int st = t_fork_status(pdeath_middle, (void*)sh);
  CHECK("middle", WIFEXITED(st));
  uint64_t give_up = t_now_ns() + 6000000000ull;
  while (sh[1] == 0 && t_now_ns() < give_up) t_sleep_ms(1);
  EQ("get", sh[2], SIGUSR1);
  EQ("signalled", sh[1], SIGUSR1);
  EQ("bad_signal", SYS(SYS_prctl, PR_SET_PDEATHSIG, 65, 0, 0, 0), -EINVAL);
  t_sleep_ms(20); /* the grandchild was init's to reap */
}

/* Linux's "parent" is the thread that made the child: the signal comes when
 * that thread exits, though its process goes on. */
static volatile pid_t g_thread_child;
static void* forking_thread(void* arg) {
  volatile int* sh = arg;
  pid_t c = fork();
  if (c == 0) {
    signal(SIGUSR2, on_pdeath);
    prctl(PR_SET_PDEATHSIG, SIGUSR2, 0, 0, 0);
    sh[0] = 1;
    uint64_t give_up = t_now_ns() + 5000000000ull;
    while (!g_pdeath && t_now_ns() < give_up) t_sleep_ms(1);
    sh[1] = g_pdeath;
    _exit(0);
  }
  g_thread_child = c;
  while (!sh[0]) t_sleep_ms(1);
  return NULL; /* this thread ends; the process does not */
}

void t_prctl_pdeathsig_thread(void) {
  volatile int* sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pthread_t t;
  pthread_create(&t, NULL, forking_thread, (void*)sh);
  pthread_join(t, NULL);
  int st;
  EQ("child_reaped", waitpid(g_thread_child, &st, 0), g_thread_child);
  EQ("signalled_by_thread_exit", sh[1], SIGUSR2);
}

void t_getrandom(void) {
  unsigned char a[64], b[64];
  EQ("call", getrandom(a, sizeof a, 0), 64);
  EQ("again", getrandom(b, sizeof b, GRND_NONBLOCK), 64);
  CHECK("differ", memcmp(a, b, sizeof a) != 0);
  EQ("random", getrandom(b, 16, GRND_RANDOM), 16);
  EQ("insecure", getrandom(b, 16, GRND_INSECURE), 16);
  EQ("random_and_insecure", SYS(SYS_getrandom, b, 16, GRND_RANDOM | GRND_INSECURE), -EINVAL);
  EQ("bad_flag", SYS(SYS_getrandom, b, 16, 0x80), -EINVAL);
  EQ("efault", SYS(SYS_getrandom, 16, 16, 0), -EFAULT);
  EQ("zero", getrandom(b, 0, 0), 0);
  size_t big = 1 << 20;
  unsigned char* m = malloc(big);
  EQ("a_megabyte", getrandom(m, big, 0), (long)big);
  size_t ones = 0;
  for (size_t i = 0; i < big; ++i) ones += __builtin_popcount(m[i]);
  CHECK("balanced", ones > big * 4 - big / 8 && ones < big * 4 + big / 8);
  free(m);
}

void t_affinity(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  EQ("get", sched_getaffinity(0, sizeof set, &set), 0);
  int n = CPU_COUNT(&set);
  CHECK("some_cpus", n >= 1);
  long size = SYS(SYS_sched_getaffinity, 0, 64, &set); /* the kernel's mask size */
  t_check("raw_size", size >= 8 && size <= 64 && size % 8 == 0, "%ld", size);
  EQ("short_len", SYS(SYS_sched_getaffinity, 0, 4, &set), -EINVAL);
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  EQ("set_one", sched_setaffinity(0, sizeof set, &set), 0);
  for (int i = 0; i < 50; ++i) {
    EQ("on_cpu0", sched_getcpu(), 0);
    if (sched_getcpu() != 0) break;
    sched_yield();
  }
  CPU_ZERO(&set);
  EQ("empty", sched_setaffinity(0, sizeof set, &set), -1);
  EQ("einval", errno, EINVAL);
  EQ("no_such_thread", SYS(SYS_sched_getaffinity, 99999, 8, &set), -ESRCH);
  EQ("efault", SYS(SYS_sched_getaffinity, 0, 8, 16), -EFAULT);
}
