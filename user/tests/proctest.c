/* The process suite: fork, vfork, rfork flags and errors, lwp_create, kill,
 * process groups, setuid with RLIMIT_NPROC, maxproc, fault injection over the
 * fork path, and the kernel's invariant checker after each test.
 * Run as init (init=proctest); exits with the number of failed checks. */
#include "utest.h"

enum {
  SYS_kill = 129, SYS_rt_sigaction = 134, SYS_setuid = 146, SYS_setpgid = 154,
  SYS_getpgid = 155, SYS_setsid = 157, SYS_getuid = 174, SYS_prlimit64 = 261,
  SYS_vfork = 1066, SYS_rfork = 1251, SYS_lwp_create = 1495, SYS_lwp_gettid = 1496,
  SYS_tine_proc = 2002,
};
enum {
  RFFDG = 1 << 2, RFPROC = 1 << 4, RFMEM = 1 << 5, RFNOWAIT = 1 << 6, RFCFDG = 1 << 12,
  RFTHREAD = 1 << 13, RFSIGSHARE = 1 << 14, RFLINUXTHPN = 1 << 16, RFPGLOCK = 1 << 30,
};
#define RFPPWAIT (1u << 31)
enum { SIGTERM = 15, WNOHANG = 1, RLIMIT_NPROC = 6 };

struct lwp_params { void* func; void* arg; void* stack; int* tid1; int* tid2; };
struct rlim { uint64_t cur, max; };

/* The svc inline, so a vfork child and its parent share no call frame. */
static inline __attribute__((always_inline)) long svc1(long nr, long a) {
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0") = a;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8) : "memory", "x1", "x2", "x3", "x4", "x5");
  return x0;
}

/* rfork with a new stack for the child (RFMEM): the child calls fn(arg) on
 * `stack` and ends with its result. */
long rfork_thread(long flags, void* stack, int (*fn)(void*), void* arg);
__asm__(".global rfork_thread\n"
        "rfork_thread:\n"
        "  mov x9, x1\n  mov x10, x2\n  mov x11, x3\n"
        "  mov x8, #1251\n  svc #0\n"
        "  cbnz x0, 1f\n"
        "  mov sp, x9\n  mov x0, x11\n  blr x10\n"
        "  mov x8, #94\n  svc #0\n"
        "1: ret\n");

static long tproc(long op, long arg) { return syscall2(SYS_tine_proc, op, arg); }
static int rfork_(long flags) { return (int)syscall1(SYS_rfork, flags); }
static int kill_(int pid, int sig) { return (int)syscall2(SYS_kill, pid, sig); }
static long sigact(int sig, long h, int set) {
  uint64_t old[4];
  long r = syscall4(SYS_rt_sigaction, sig, set ? (long)&h : 0, (long)old, 8);
  return r < 0 ? r : (long)old[0];
}
static uint64_t stat_of(int i) {
  uint64_t s[20];
  tproc(1, (long)s);
  return s[i];
}
#define ST_NPROCS 13
#define ST_MAXPROC 14
#define ST_EAGAIN 6

static void invariants(void) { UT_EQ("invariants", tproc(2, 0), 0); }

static void sleep_ms(int ms) { sleep_ns((uint64_t)ms * 1000000u); }

/* ---- flags and errors ---- */

static void t_rfork_errors(void) {
  UT_EQ("fdg_and_cfdg", rfork_(RFFDG | RFCFDG | RFPROC), -EINVAL);
  UT_EQ("fdg_and_cfdg_noproc", rfork_(RFFDG | RFCFDG), -EINVAL);
  UT_EQ("kernelonly_ppwait", rfork_((long)RFPPWAIT | RFPROC), -EINVAL);
  UT_EQ("kernelonly_pglock", rfork_(RFPGLOCK | RFPROC), -EINVAL);
  UT_EQ("noproc_fdg", rfork_(RFFDG), 0);
  UT_EQ("noproc_cfdg", rfork_(RFCFDG), 0);
  UT_EQ("noproc_nothing", rfork_(0), 0);
  invariants();
}

static volatile int g_shared;

static void t_vfork(void) {
  g_shared = 0;
  uint64_t t0 = now_ns();
  long pid = svc1(SYS_vfork, 0);
  if (pid == 0) {
    g_shared = 42;            /* the parent's memory */
    struct timespec d = {0, 50 * 1000 * 1000};
    syscall2(SYS_nanosleep, (long)&d, 0);
    g_shared = 43;
    syscall1(SYS_exit_group, 5);
  }
  uint64_t waited = now_ns() - t0;
  UT_CHECK("vfork_pid", pid > 0);
  UT_EQ("child_ran_on_parent_memory", g_shared, 43);
  ut_check("parent_suspended", waited >= 50000000u, "waited %lu ns", (unsigned long)waited);
  int st = -1;
  UT_EQ("wait", waitpid((int)pid, &st, 0), pid);
  UT_CHECK("status", WIFEXITED(st) && WEXITSTATUS(st) == 5);
  invariants();
}

static char g_stack[4][16384] __attribute__((aligned(16)));
static int set_shared(void* arg) {
  g_shared = (int)(long)arg;
  return 0;
}

static void t_rfmem(void) {
  g_shared = 0;
  long pid = rfork_thread(RFPROC | RFMEM, g_stack[0] + sizeof g_stack[0], set_shared, (void*)77);
  UT_CHECK("rfmem_pid", pid > 0);
  int st = -1;
  UT_EQ("rfmem_wait", waitpid((int)pid, &st, 0), pid);
  UT_EQ("rfmem_shared_write", g_shared, 77);
  g_shared = 0;
  pid = rfork_thread(RFPROC | RFFDG, g_stack[0] + sizeof g_stack[0], set_shared, (void*)78);
  UT_EQ("cow_wait", waitpid((int)pid, &st, 0), pid);
  UT_EQ("cow_private_write", g_shared, 0);
  /* RFTHREAD with a shared table, RFCFDG, RFLINUXTHPN: each makes a child that exits. */
  static const long kFlags[] = {RFPROC | RFTHREAD, RFPROC | RFCFDG, RFPROC | RFLINUXTHPN | RFFDG,
                                RFPROC | RFMEM | RFSIGSHARE | RFTHREAD, RFPROC};
  sigact(10, 1, 1);  /* RFLINUXTHPN: the child's exit sends SIGUSR1 */
  for (unsigned i = 0; i < sizeof kFlags / sizeof kFlags[0]; ++i) {
    pid = rfork_thread(kFlags[i], g_stack[0] + sizeof g_stack[0], set_shared, (void*)1);
    int ok = pid > 0 && waitpid((int)pid, &st, 0) == pid && WIFEXITED(st);
    ut_check("flag_combination", ok, "flags %lx pid %ld", (unsigned long)kFlags[i], pid);
  }
  invariants();
}

static void t_rfnowait(void) {
  volatile int* sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  sh[0] = -5;
  int pid = rfork_(RFPROC | RFNOWAIT | RFFDG);
  if (pid == 0) {
    sh[0] = getppid();
    sh[1] = 1;
    _exit(0);
  }
  UT_CHECK("pid", pid > 0);
  while (sh[1] != 1) sched_yield();
  UT_EQ("reparented_to_kernel", sh[0], 0);
  int st;
  UT_EQ("not_our_child", waitpid(pid, &st, 0), -ECHILD);
  sleep_ms(20);  /* the kernel's reaper takes it */
  munmap((void*)sh, 4096);
  invariants();
}

static int set_ign(void* arg) {
  sigact(SIGTERM, 1, 1);
  return 0;
}

static void t_rfsigshare(void) {
  int st;
  UT_EQ("default", sigact(SIGTERM, 0, 0), 0);
  long pid = rfork_thread(RFPROC | RFFDG, g_stack[1] + sizeof g_stack[1], set_ign, 0);
  waitpid((int)pid, &st, 0);
  UT_EQ("copied_not_shared", sigact(SIGTERM, 0, 0), 0);
  pid = rfork_thread(RFPROC | RFFDG | RFSIGSHARE, g_stack[1] + sizeof g_stack[1], set_ign, 0);
  waitpid((int)pid, &st, 0);
  UT_EQ("shared", sigact(SIGTERM, 0, 0), 1);
  /* Ignored SIGTERM no longer kills; SIGKILL does. */
  pid = fork();
  if (pid == 0) {
    for (;;) sleep_ms(5);
  }
  sleep_ms(10);
  UT_EQ("kill_term", kill_((int)pid, SIGTERM), 0);
  UT_EQ("still_running", waitpid((int)pid, &st, WNOHANG), 0);
  UT_EQ("kill_kill", kill_((int)pid, SIGKILL), 0);
  UT_EQ("killed_wait", waitpid((int)pid, &st, 0), pid);
  UT_CHECK("killed_status", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  sigact(SIGTERM, 0, 1);
  invariants();
}

/* ---- lwp_create ---- */

#define NLWP 4
#define PER 12
static volatile int g_tids[NLWP][PER];
static volatile int g_done[NLWP][PER];
static volatile int g_spawner_done[NLWP];
static char g_lstacks[NLWP][PER][4096] __attribute__((aligned(16)));
static char g_sstacks[NLWP][16384] __attribute__((aligned(16)));

static void leaf(void* arg) {
  long k = (long)arg;
  g_tids[k / PER][k % PER] = (int)syscall0(SYS_lwp_gettid);
  __atomic_store_n(&g_done[k / PER][k % PER], 1, __ATOMIC_RELEASE);
  syscall1(SYS_exit, 0);
}

static void spawner(void* arg) {
  long s = (long)arg;
  for (int i = 0; i < PER; ++i) {
    int tid = -1;
    struct lwp_params lp = {(void*)leaf, (void*)(s * PER + i), g_lstacks[s][i] + 4096, &tid, 0};
    if (syscall1(SYS_lwp_create, (long)&lp) != 0) g_done[s][i] = 2;
  }
  __atomic_store_n(&g_spawner_done[s], 1, __ATOMIC_RELEASE);
  syscall1(SYS_exit, 0);
}

static void t_lwp_create(void) {
  for (int s = 0; s < NLWP; ++s) {
    g_spawner_done[s] = 0;
    for (int i = 0; i < PER; ++i) g_done[s][i] = 0, g_tids[s][i] = -1;
  }
  int tid_main = (int)syscall0(SYS_lwp_gettid);
  UT_EQ("first_tid_is_0", tid_main, 0);
  int created = 0;
  for (int s = 0; s < NLWP; ++s) {
    int t1 = -1, t2 = -1;
    struct lwp_params lp = {(void*)spawner, (void*)(long)s, g_sstacks[s] + 16384, &t1, &t2};
    created += syscall1(SYS_lwp_create, (long)&lp) == 0 && t1 == t2 && t1 > 0;
  }
  UT_EQ("spawners", created, NLWP);
  uint64_t deadline = now_ns() + 5000000000ull;
  int all = 0;
  while (!all && now_ns() < deadline) {
    all = 1;
    for (int s = 0; s < NLWP; ++s) {
      all &= __atomic_load_n(&g_spawner_done[s], __ATOMIC_ACQUIRE) == 1;
      for (int i = 0; i < PER; ++i) all &= __atomic_load_n(&g_done[s][i], __ATOMIC_ACQUIRE) != 0;
    }
    sched_yield();
  }
  UT_CHECK("all_ran", all);
  int distinct = 1;
  for (int a = 0; a < NLWP * PER; ++a)
    for (int b = a + 1; b < NLWP * PER; ++b)
      if (g_tids[a / PER][a % PER] == g_tids[b / PER][b % PER]) distinct = 0;
  UT_CHECK("tids_distinct", distinct);
  /* A bad tid pointer: -EFAULT and the half-made LWP is gone. */
  sleep_ms(20);
  struct lwp_params none = {(void*)leaf, 0, g_lstacks[0][0] + 4096, 0, 0};
  syscall1(SYS_lwp_create, 0x10);  /* joins the exited LWPs first */
  (void)none;
  struct tine_kstat k0;
  tine_kstat(&k0, 0);
  struct lwp_params bad = {(void*)leaf, 0, g_lstacks[0][0] + 4096, (int*)0x10, 0};
  UT_EQ("bad_tid1_efault", syscall1(SYS_lwp_create, (long)&bad), -EFAULT);
  struct lwp_params bad2 = {(void*)leaf, 0, g_lstacks[0][0] + 4096, 0, (int*)0x10};
  UT_EQ("bad_tid2_efault", syscall1(SYS_lwp_create, (long)&bad2), -EFAULT);
  UT_EQ("bad_params_efault", syscall1(SYS_lwp_create, 0x10), -EFAULT);
  struct tine_kstat k1;
  tine_kstat(&k1, 0);
  UT_EQ("threads_back", k1.threads, k0.threads);
  invariants();
}

/* ---- groups, sessions, kill, wait ---- */

static void t_groups(void) {
  int pid = fork();
  if (pid == 0) {
    int ok = syscall0(SYS_setsid) == getpid() && syscall1(SYS_getpgid, 0) == getpid() &&
             syscall0(SYS_setsid) == -EPERM;
    _exit(ok ? 0 : 1);
  }
  int st = -1;
  waitpid(pid, &st, 0);
  UT_CHECK("setsid", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  /* A group of three sleepers killed with one kill(-pgid). */
  int kids[3];
  for (int i = 0; i < 3; ++i) {
    kids[i] = fork();
    if (kids[i] == 0) {
      for (;;) sleep_ms(5);
    }
    syscall2(SYS_setpgid, kids[i], kids[0]);
  }
  UT_EQ("getpgid_child", syscall1(SYS_getpgid, kids[2]), kids[0]);
  UT_EQ("wnohang", waitpid(-1, &st, WNOHANG), 0);
  UT_EQ("group_kill", kill_(-kids[0], SIGTERM), 0);
  int n = 0;
  for (int i = 0; i < 3; ++i)
    if (waitpid(kids[i], &st, 0) == kids[i] && WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM) ++n;
  UT_EQ("group_killed", n, 3);
  UT_EQ("echild", waitpid(-1, &st, 0), -ECHILD);
  UT_EQ("esrch", kill_(-kids[0], SIGTERM), -ESRCH);
  UT_EQ("kill_bad_sig", kill_(getpid(), 99), -EINVAL);
  invariants();
}

/* ---- limits ---- */

static void t_nproc_limit(void) {
  int pid = fork();
  if (pid == 0) {
    struct rlim r = {3, 3};
    int ok = syscall4(SYS_prlimit64, 0, RLIMIT_NPROC, (long)&r, 0) == 0;
    ok &= syscall1(SYS_setuid, 1000) == 0 && syscall0(SYS_getuid) == 1000;
    ok &= syscall1(SYS_setuid, 0) == -EPERM;
    int kids[4], n = 0;
    for (int i = 0; i < 4; ++i) {
      kids[i] = fork();
      if (kids[i] == 0) {
        for (;;) sleep_ms(5);
      }
      if (kids[i] > 0) ++n;
      else ok &= kids[i] == -EAGAIN;
    }
    ok &= n == 2;  /* itself + 2 = RLIMIT_NPROC */
    for (int i = 0; i < 4; ++i)
      if (kids[i] > 0) {
        int st;
        kill_(kids[i], SIGKILL);
        waitpid(kids[i], &st, 0);
      }
    _exit(ok ? 0 : 1 + n);
  }
  int st = -1;
  waitpid(pid, &st, 0);
  ut_check("rlimit_nproc", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %x", st);
  invariants();
}

/* A non-root fork bomb: forks until refused; nprocs stays within maxproc - 10,
 * root can still fork, and everything comes back once it is killed. */
static void t_fork_bomb(void) {
  volatile uint64_t* sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  sh[0] = sh[1] = sh[2] = 0;
  uint64_t maxproc = stat_of(ST_MAXPROC);
  int bomber = fork();
  if (bomber == 0) {
    syscall0(SYS_setsid);
    syscall1(SYS_setuid, 1000);
    for (;;) {
      int p = fork();
      if (p == 0) {
        for (;;) sleep_ms(20);
      }
      if (p < 0) {
        if (p == -EAGAIN) __atomic_add_fetch(&sh[0], 1, __ATOMIC_RELAXED);
        uint64_t np = stat_of(ST_NPROCS);
        if (np > sh[1]) sh[1] = np;
        if (sh[0] >= 2) break;
      }
    }
    sh[2] = 1;
    for (;;) sleep_ms(20);
  }
  while (sh[2] == 0) sleep_ms(10);
  ut_check("bomb_refused", sh[0] >= 2, "EAGAIN %lu", (unsigned long)sh[0]);
  ut_check("nprocs_within_user_share", sh[1] <= maxproc - 10 && sh[1] >= maxproc - 11,
           "nprocs %lu maxproc %lu", (unsigned long)sh[1], (unsigned long)maxproc);
  int rootkid = fork();
  if (rootkid == 0) _exit(9);
  int st = -1;
  ut_check("root_still_forks", rootkid > 0 && waitpid(rootkid, &st, 0) == rootkid, "fork %d", rootkid);
  UT_EQ("kill_bomb", kill_(-bomber, SIGKILL), 0);
  UT_EQ("bomber_wait", waitpid(bomber, &st, 0), bomber);
  /* The bomb's children were orphaned to the kernel: wait for the reaper. */
  uint64_t base = stat_of(ST_NPROCS);
  for (int i = 0; i < 300 && stat_of(ST_NPROCS) > 3; ++i) sleep_ms(10);
  ut_check("bomb_gone", stat_of(ST_NPROCS) <= 3, "nprocs %lu (was %lu)",
           (unsigned long)stat_of(ST_NPROCS), (unsigned long)base);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- fault injection ---- */

static void t_fault_injection(void) {
  static const long kFlags[] = {RFPROC | RFFDG, RFPROC, RFPROC | RFCFDG | RFSIGSHARE, RFPROC | RFMEM};
  int all_clean = 1, steps = 0;
  /* The first fork sharing the table gives the parent its leader record (kept). */
  long first = rfork_thread(RFPROC, g_stack[2] + sizeof g_stack[2], set_shared, 0);
  if (first > 0) waitpid((int)first, 0, 0);
  for (unsigned f = 0; f < sizeof kFlags / sizeof kFlags[0]; ++f) {
    for (int n = 1; n < 40; ++n) {
      struct tine_kstat k0, k1;
      tine_kstat(&k0, TINE_KSTAT_SETTLE);
      tproc(4, n);
      long pid = rfork_thread(kFlags[f], g_stack[2] + sizeof g_stack[2], set_shared, 0);
      int pending = (int)tproc(5, 0);
      tproc(4, 0);
      if (pid > 0) {
        int st;
        waitpid((int)pid, &st, 0);
        if (pending) break;  /* every allocation of this fork was tried */
        continue;
      }
      ++steps;
      if (pid != -ENOMEM) {
        ut_check("enomem", 0, "flags %lx n %d: %ld", (unsigned long)kFlags[f], n, pid);
        all_clean = 0;
      }
      tine_kstat(&k1, TINE_KSTAT_SETTLE);
      char why[128];
      if (!ut_same_resources(&k0, &k1, why, sizeof why)) {
        ut_check("resources_back", 0, "flags %lx n %d: %s", (unsigned long)kFlags[f], n, why);
        all_clean = 0;
      }
      if (tproc(2, 0) != 0) all_clean = 0;
    }
  }
  ut_check("every_failure_clean", all_clean, "%d injected failures", steps);
  ut_check("failures_injected", steps >= 4, "%d injected failures", steps);
  invariants();
}

/* ---- stress: all CPUs forking, exiting and waiting with random flags ---- */

static uint64_t rnd(uint64_t* s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static void t_stress(void) {
  const int workers = 4;
  int w[4];
  uint64_t secs = 3;
  for (int i = 0; i < workers; ++i) {
    w[i] = fork();
    if (w[i] == 0) {
      uint64_t seed = 0x9e3779b97f4a7c15ull * (uint64_t)(i + 1);
      uint64_t end = now_ns() + secs * 1000000000ull;
      int bad = 0;
      static const long kF[] = {RFPROC | RFFDG, RFPROC | RFMEM, RFPROC | RFSIGSHARE, RFPROC | RFCFDG,
                                RFPROC | RFTHREAD, RFPROC | RFNOWAIT | RFFDG};
      while (now_ns() < end) {
        long fl = kF[rnd(&seed) % 6];
        long pid;
        if (fl & RFMEM) pid = rfork_thread(fl, g_stack[i] + sizeof g_stack[i], set_shared, 0);
        else if (rnd(&seed) & 1) pid = fork();
        else pid = rfork_(fl);
        if (pid == 0) _exit(3);
        if (pid < 0) {
          if (pid != -EAGAIN) bad++;
          continue;
        }
        if (!(fl & RFNOWAIT)) {
          int st;
          if (waitpid((int)pid, &st, 0) != pid || !WIFEXITED(st)) bad++;
        }
      }
      _exit(bad ? 1 : 0);
    }
  }
  int ok = 1;
  for (int i = 0; i < workers; ++i) {
    int st = -1;
    ok &= waitpid(w[i], &st, 0) == w[i] && WIFEXITED(st) && WEXITSTATUS(st) == 0;
  }
  UT_CHECK("workers_clean", ok);
  for (int i = 0; i < 200 && stat_of(ST_NPROCS) > 3; ++i) sleep_ms(10);
  invariants();
}

struct test {
  const char* name;
  void (*fn)(void);
};

static const struct test kTests[] = {
    {"rfork_errors", t_rfork_errors}, {"vfork", t_vfork},       {"rfmem", t_rfmem},
    {"rfnowait", t_rfnowait},         {"rfsigshare", t_rfsigshare}, {"lwp_create", t_lwp_create},
    {"groups", t_groups},             {"nproc_limit", t_nproc_limit}, {"fork_bomb", t_fork_bomb},
    {"fault_injection", t_fault_injection}, {"stress", t_stress},
};

int main(int argc, char** argv) {
  volatile char warm[32768];
  for (size_t i = 0; i < sizeof warm; i += 512) warm[i] = 0;
  ut_init();
  for (size_t i = 0; i < sizeof kTests / sizeof kTests[0]; ++i) {
    int selected = argc <= 1;
    for (int a = 1; a < argc; ++a) selected |= strcmp(argv[a], kTests[i].name) == 0;
    if (selected) ut_run(kTests[i].name, kTests[i].fn);
  }
  tproc(3, 0);
  return ut_finish();
}
