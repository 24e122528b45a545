/* The process suite: fork, vfork, rfork flags and errors, lwp_create, kill,
 * process groups, setuid with RLIMIT_NPROC, maxproc, fault injection over the
 * fork path, and the kernel's invariant checker after each test.
 * Run as init (init=proctest); exits with the number of failed checks. */
#include "utest.h"

enum { SIGTERM = 15 };

static int rfork_(long flags) { return (int)syscall1(SYS_rfork, flags); }
static int kill_(int pid, int sig) { return (int)syscall2(SYS_kill, pid, sig); }
static long sigact(int sig, long h, int set) {
  uint64_t old[4];
  uint64_t act[4] = {(uint64_t)h, 0, 0, 0}; /* handler, flags, restorer, mask */
  long r = syscall4(SYS_rt_sigaction, sig, set ? (long)act : 0, (long)old, 8);
  return r < 0 ? r : (long)old[0];
}
static void invariants(void) { UT_EQ("invariants", tine_proc(TINE_PROC_CHECK, 0), 0); }

static void sleep_ms(int ms) { sleep_ns((uint64_t)ms * 1000000u); }

/* xorshift64 */
static uint64_t rnd(uint64_t* s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

/* ---- flags and errors ---- */

static void t_rfork_errors(void) {
  UT_EQ("fdg_and_cfdg", rfork_(RFFDG | RFCFDG | RFPROC), -EINVAL);
  UT_EQ("fdg_and_cfdg_noproc", rfork_(RFFDG | RFCFDG), -EINVAL);
  UT_EQ("kernelonly_ppwait", rfork_((long)RFPPWAIT | RFPROC), -EINVAL);
  UT_EQ("kernelonly_pglock", rfork_(RFPGLOCK | RFPROC), -EINVAL);
  UT_EQ("noproc_fdg", rfork_(RFFDG), 0);
  UT_EQ("noproc_nothing", rfork_(0), 0);
  /* RFCFDG without RFPROC empties the caller's own table, stdout included:
   * a child does it and answers by its exit status. */
  int pid = fork();
  if (pid == 0) {
    if (rfork_(RFCFDG) != 0) _exit(1);
    _exit(write(1, "x", 1) == -EBADF ? 0 : 2);
  }
  int st = -1;
  waitpid(pid, &st, 0);
  ut_check("noproc_cfdg", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
  invariants();
}

static volatile int g_shared;

static void t_vfork(void) {
  g_shared = 0;
  uint64_t t0 = now_ns();
  long pid = svc1(SYS_vfork, 0);
  if (pid == 0) {
    g_shared = 42; /* the parent's memory */
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

/* The fork counters (the seed's v_forks, v_vforks, v_rforks and their
 * pages): one fork, one vfork, one rfork, each counted with its address
 * space's pages (every space has at least its 2,048-page stack), and each
 * child reaped by wait4 charged to the parent (exit heuristics). */
static void t_counters(void) {
  struct tine_proc_stats s0 = ut_proc_stats();
  int st;
  int pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, &st, 0);
  long vp = svc1(SYS_vfork, 0);
  if (vp == 0) syscall1(SYS_exit_group, 0);
  waitpid((int)vp, &st, 0);
  long rp = rfork_(RFPROC | RFCFDG);
  if (rp == 0) _exit(0);
  waitpid((int)rp, &st, 0);
  struct tine_proc_stats s1 = ut_proc_stats();
  UT_EQ("forks", s1.forks - s0.forks, 1);
  UT_EQ("vforks", s1.vforks - s0.vforks, 1);
  UT_EQ("rforks", s1.rforks - s0.rforks, 1);
  UT_CHECK("fork_pages", s1.forkpages - s0.forkpages >= 2048);
  UT_CHECK("vfork_pages", s1.vforkpages - s0.vforkpages >= 2048);
  UT_CHECK("rfork_pages", s1.rforkpages - s0.rforkpages >= 2048);
  UT_EQ("exit_heuristics", s1.exit_heuristics - s0.exit_heuristics, 3);
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
  sigact(10, 1, 1); /* RFLINUXTHPN: the child's exit sends SIGUSR1 */
  for (unsigned i = 0; i < sizeof kFlags / sizeof kFlags[0]; ++i) {
    pid = rfork_thread(kFlags[i], g_stack[0] + sizeof g_stack[0], set_shared, (void*)1);
    /* __WALL: an RFLINUXTHPN child (exit signal SIGUSR1) is a clone child. */
    int ok = pid > 0 && waitpid((int)pid, &st, __WALL) == pid && WIFEXITED(st);
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
  UT_EQ("reparented_to_init", sh[0], 1);
  int st;
  UT_EQ("not_our_child", waitpid(pid, &st, 0), -ECHILD);
  /* init reaps it. */
  int i = 0;
  while (kill_(pid, 0) != -ESRCH && i++ < 200) sleep_ms(5);
  UT_EQ("reaped_by_init", kill_(pid, 0), -ESRCH);
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
  syscall1(SYS_lwp_create, 0x10); /* joins the exited LWPs first */
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
    long was = syscall1(SYS_getsid, 0);
    int ok = was > 0 && syscall1(SYS_getsid, getppid()) == was &&
             syscall0(SYS_setsid) == getpid() && syscall1(SYS_getpgid, 0) == getpid() &&
             syscall1(SYS_getsid, 0) == getpid() && syscall1(SYS_getsid, getppid()) == was &&
             syscall0(SYS_setsid) == -EPERM;
    _exit(ok ? 0 : 1);
  }
  int st = -1;
  waitpid(pid, &st, 0);
  UT_CHECK("setsid", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  UT_EQ("getsid_gone", syscall1(SYS_getsid, pid), -ESRCH);
  /* Asking by its own pid leaves no hold behind: the child is reaped. */
  pid = fork();
  if (pid == 0) {
    int ok = syscall1(SYS_getpgid, getpid()) > 0 && syscall1(SYS_getsid, getpid()) > 0;
    _exit(ok ? 0 : 1);
  }
  st = -1;
  int reaped = ut_wait_within(pid, 0, 3000, &st);
  ut_check("own_pid_reaped", reaped && WIFEXITED(st) && WEXITSTATUS(st) == 0,
           "reaped %d status %#x", reaped, st);
  UT_EQ("getsid_negative", syscall1(SYS_getsid, -1), -ESRCH);
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

/* ---- a group signal while the group forks ----
 * A process in a group of its own forks without pause from three LWPs, every
 * child sleeping in the group; the suite sends SIGKILL to the group while the
 * forks go on. A group signal holds the group's lock exclusive and fork holds
 * it shared from its look at pending signals until the child is a member, so
 * each fork either finished (its child is a member and gets the signal) or
 * sees the signal, or its LWP's exit, and restarts (ERESTART; the forker then
 * dies of the signal): nobody in the group may survive. The children are
 * orphaned to init, which reaps them; the group is gone
 * (kill(-pgid, 0) == -ESRCH) once they are. */
static volatile uint64_t* g_pg_forks;

static void pg_fork_loop(void* arg) {
  for (;;) {
    int p = fork();
    if (p == 0) {
      for (;;) sleep_ms(50);
    }
    if (p > 0) __atomic_add_fetch(g_pg_forks, 1, __ATOMIC_RELEASE);
    if (__atomic_load_n(g_pg_forks, __ATOMIC_ACQUIRE) >= 150) sleep_ms(1000); /* below maxproc */
  }
}

static void t_pgkill(void) {
  volatile uint64_t* sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  g_pg_forks = sh;
  uint64_t base = ut_proc_stats().nprocs;
  uint64_t restarts0 = ut_proc_stats().restarts;
  uint64_t seed = 0x2545f4914f6cdd1dull;
  const int rounds = 24;
  int kills_ok = 0, gone = 0, survived = 0;
  uint64_t children = 0;
  for (int r = 0; r < rounds; ++r) {
    sh[0] = 0;
    uint64_t target = 1 + rnd(&seed) % 24;
    int forker = fork();
    if (forker == 0) {
      syscall2(SYS_setpgid, 0, 0);
      for (int i = 1; i < 3; ++i) {
        struct lwp_params lp = {(void*)pg_fork_loop, 0, g_stack[i] + sizeof g_stack[i], 0, 0};
        syscall1(SYS_lwp_create, (long)&lp);
      }
      pg_fork_loop(0);
    }
    syscall2(SYS_setpgid, forker, forker);
    uint64_t give_up = now_ns() + 10000000000ull;
    while (__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE) < target && now_ns() < give_up) sched_yield();
    uint64_t spin = rnd(&seed) % 2000;
    for (volatile uint64_t i = 0; i < spin; ++i) {
    }
    int e = kill_(-forker, SIGKILL);
    int st = -1;
    int w = waitpid(forker, &st, 0);
    if (e == 0 && w == forker && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL)
      ++kills_ok;
    else
      printf("UTEST-INFO pgkill: round %d: kill %d, wait %d, status 0x%x\n", r, e, w, st);
    children += sh[0];
    int i = 0;
    while (kill_(-forker, 0) != -ESRCH && i++ < 500) sleep_ms(10);
    if (kill_(-forker, 0) == -ESRCH) {
      ++gone;
    } else {
      ++survived;
      printf("UTEST-INFO pgkill: round %d: group %d still has members 5 s after SIGKILL\n", r,
             forker);
      tine_proc(TINE_PROC_PS, 0);
      kill_(-forker, SIGKILL);
      for (i = 0; i < 500 && kill_(-forker, 0) != -ESRCH; ++i) sleep_ms(10);
    }
  }
  uint64_t restarts = ut_proc_stats().restarts - restarts0;
  printf("UTEST-INFO pgkill: %d rounds, %lu children killed, %lu forks restarted\n", rounds,
         (unsigned long)children, (unsigned long)restarts);
  UT_EQ("group_killed_every_round", kills_ok, rounds);
  ut_check("no_member_survives", survived == 0 && gone == rounds, "%d of %d rounds left members",
           survived, rounds);
  for (int i = 0; i < 300 && ut_proc_stats().nprocs != base; ++i) sleep_ms(10);
  UT_EQ("nprocs_back", ut_proc_stats().nprocs, base);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- moving a process between groups while it forks ----
 * A child forks without pause from three LWPs (every grandchild exits at once
 * and is waited for) while the suite moves it with setpgid between two groups
 * and into a group of its own, which is freed each time it leaves. Every fork
 * must put its child in the group whose reference it counted, and must not
 * read a group freed under it: the invariant checker compares each group's
 * count with its holders, and the kernel's debug checks catch a freed group. */
static volatile uint64_t* g_mv;

static void mv_fork_loop(void* arg) {
  for (;;) {
    int p = fork();
    if (p == 0) _exit(0);
    if (p > 0) {
      waitpid(p, 0, 0);
      __atomic_add_fetch(g_mv, 1, __ATOMIC_RELEASE);
    }
    if (__atomic_load_n(&g_mv[1], __ATOMIC_ACQUIRE)) {
      for (;;) sleep_ms(100);
    }
  }
}

static int sleeper_in_own_group(void) {
  int pid = fork();
  if (pid == 0) {
    for (;;) sleep_ms(50);
  }
  syscall2(SYS_setpgid, pid, pid);
  return pid;
}

static void t_pgmove(void) {
  volatile uint64_t* sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  g_mv = sh;
  uint64_t base = ut_proc_stats().nprocs;
  int g1 = sleeper_in_own_group(), g2 = sleeper_in_own_group();
  int forker = fork();
  if (forker == 0) {
    for (int i = 1; i < 3; ++i) {
      struct lwp_params lp = {(void*)mv_fork_loop, 0, g_stack[i] + sizeof g_stack[i], 0, 0};
      syscall1(SYS_lwp_create, (long)&lp);
    }
    mv_fork_loop(0);
  }
  int moves = 0, bad = 0;
  uint64_t end = now_ns() + 2000000000ull;
  const int targets[3] = {g1, g2, forker};
  while (now_ns() < end) {
    int to = targets[moves % 3];
    if (syscall2(SYS_setpgid, forker, to) != 0) ++bad;
    if (syscall1(SYS_getpgid, forker) != to) ++bad;
    ++moves;
  }
  sh[1] = 1;
  sleep_ms(200); /* the forker's LWPs finish their last fork and sleep */
  printf("UTEST-INFO pgmove: %d moves while %lu forks ran\n", moves, (unsigned long)sh[0]);
  UT_EQ("moves_succeed", bad, 0);
  UT_CHECK("forks_ran", sh[0] > 0);
  invariants();
  kill_(forker, SIGKILL);
  kill_(g1, SIGKILL);
  kill_(g2, SIGKILL);
  int st, n = 0;
  for (int i = 0; i < 3; ++i)
    if (waitpid(-1, &st, 0) > 0) ++n;
  UT_EQ("reaped", n, 3);
  for (int i = 0; i < 300 && ut_proc_stats().nprocs != base; ++i) sleep_ms(10);
  UT_EQ("nprocs_back", ut_proc_stats().nprocs, base);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- signal handlers, the blocked set, and fork restarted under a signal ---- */

enum { SIGUSR1_ = 10, SIGUSR2_ = 12, SYS_rt_sigreturn_ = 139, EINTR_ = 4 };
static volatile int g_caught[2];
static volatile int g_depth, g_max_depth;

static void on_usr1(int sig) {
  if (sig == SIGUSR1_) ++g_caught[0];
  int d = ++g_depth;
  if (d > g_max_depth) g_max_depth = d;
  /* The same signal, sent from its own handler, waits until the handler returns. */
  if (g_caught[0] == 1) kill_(getpid(), SIGUSR1_);
  --g_depth;
}

static void on_usr2(int sig) { ++g_caught[1]; }

static volatile int g_exit_sig[2]; /* SIGCHLD, SIGUSR1 seen */
static void on_exit_sig(int sig) { ++g_exit_sig[sig == SIGCHLD ? 0 : 1]; }

/* A child's exit signals its parent: SIGCHLD, or SIGUSR1 under RFLINUXTHPN;
 * a parent that catches it runs its handler (here inside wait4, which the
 * handler interrupts or which returns the child first). */
static void t_exit_signal(void) {
  g_exit_sig[0] = g_exit_sig[1] = 0;
  signal_action(SIGCHLD, on_exit_sig, 0, 0, 0);
  signal_action(SIGUSR1_, on_exit_sig, 0, 0, 0);
  int st, w;
  int pid = fork();
  if (pid == 0) _exit(0);
  while ((w = waitpid(pid, &st, 0)) == -EINTR_) {
  }
  UT_EQ("child_waited", w, pid);
  for (int i = 0; i < 100 && g_exit_sig[0] == 0; ++i) sleep_ms(1);
  UT_EQ("sigchld_caught", g_exit_sig[0], 1);
  long rp = rfork_(RFPROC | RFFDG | RFLINUXTHPN);
  if (rp == 0) _exit(0);
  /* Its exit signal is not SIGCHLD: only __WCLONE (or __WALL) waits for it. */
  UT_EQ("clone_child_not_waited", waitpid((int)rp, &st, WNOHANG), -ECHILD);
  while ((w = waitpid((int)rp, &st, __WCLONE)) == -EINTR_) {
  }
  UT_EQ("rfork_child_waited", w, (int)rp);
  for (int i = 0; i < 100 && g_exit_sig[1] == 0; ++i) sleep_ms(1);
  UT_EQ("linuxthpn_sigusr1_caught", g_exit_sig[1], 1);
  UT_EQ("no_sigchld_for_it", g_exit_sig[0], 1);
  /* A wait asleep for the child that sends the caught SIGCHLD (no
   * SA_RESTART) returns the child, as Linux's does (its wait looks at the
   * children again before it gives up for a signal): not EINTR. */
  int late = fork();
  if (late == 0) {
    sleep_ms(20);
    _exit(0);
  }
  UT_EQ("woken_wait_returns_child", waitpid(late, &st, 0), late);
  for (int i = 0; i < 100 && g_exit_sig[0] == 1; ++i) sleep_ms(1);
  UT_EQ("its_sigchld_caught", g_exit_sig[0], 2);
  signal_action(SIGCHLD, SIG_DFL_H, 0, 0, 0);
  signal_action(SIGUSR1_, SIG_DFL_H, 0, 0, 0);
  invariants();
}

static uint64_t bit_of(int sig) { return 1ull << (sig - 1); }

static void t_signals(void) {
  g_caught[0] = g_caught[1] = 0;
  g_depth = g_max_depth = 0;
  UT_EQ("action", signal_action(SIGUSR1_, on_usr1, 0, 0, 0), 0);
  volatile long keep = 0x1234567887654321l;
  UT_EQ("kill_self", kill_(getpid(), SIGUSR1_), 0);
  /* Delivered on the way out of kill; the nested one after the first handler. */
  UT_EQ("handler_ran_twice", g_caught[0], 2);
  UT_EQ("not_nested", g_max_depth, 1);
  UT_CHECK("registers_kept", keep == 0x1234567887654321l);
  /* Blocked: pending until unblocked. */
  uint64_t set = bit_of(SIGUSR1_), old = 0;
  UT_EQ("block", signal_mask(SIG_BLOCK, &set, &old), 0);
  kill_(getpid(), SIGUSR1_);
  UT_EQ("blocked_waits", g_caught[0], 2);
  UT_EQ("unblock", signal_mask(SIG_SETMASK, &old, 0), 0);
  UT_EQ("delivered_when_unblocked", g_caught[0], 3);
  /* SIG_IGN drops it; SIGKILL cannot be caught or blocked. */
  UT_EQ("ignore", signal_action(SIGUSR1_, SIG_IGN_H, 0, 0, 0), 0);
  kill_(getpid(), SIGUSR1_);
  UT_EQ("ignored", g_caught[0], 3);
  UT_EQ("kill_not_catchable", signal_action(SIGKILL, on_usr2, 0, 0, 0), -EINVAL);
  /* Its action can be read (Linux): SIG_DFL. */
  uint64_t kill_act[4] = {9, 9, 9, 9};
  UT_EQ("kill_action_read", syscall4(SYS_rt_sigaction, SIGKILL, 0, (long)kill_act, 8), 0);
  UT_EQ("kill_action_dfl", (long)kill_act[0], 0);
  UT_EQ("bad_signal_read", syscall4(SYS_rt_sigaction, 65, 0, (long)kill_act, 8), -EINVAL);
  /* SIGURG (23) and SIGWINCH (28) do nothing by default, blocked or not. */
  const int ignored_by_default[] = {23, 28};
  for (int i = 0; i < 2; ++i) {
    int sig = ignored_by_default[i];
    int kid = fork();
    if (kid == 0) {
      kill_(getpid(), sig);
      uint64_t b = 1ull << (sig - 1), was;
      signal_mask(SIG_BLOCK, &b, &was);
      kill_(getpid(), sig);
      signal_mask(SIG_SETMASK, &was, 0);
      _exit(7);
    }
    int kst = -1;
    waitpid(kid, &kst, 0);
    ut_check(sig == 23 ? "urg_default_ignored" : "winch_default_ignored",
             WIFEXITED(kst) && WEXITSTATUS(kst) == 7, "status %#x", kst);
  }
  /* A handler without SA_RESTORER (glibc on arm64 gives none) returns through
   * the signal page's rt_sigreturn, as Linux's through its vDSO. */
  uint64_t noact[4] = {(uint64_t)on_usr2, 0, 0, 0};
  UT_EQ("no_restorer", syscall4(SYS_rt_sigaction, SIGUSR2_, (long)noact, 0, 8), 0);
  int before2 = g_caught[1];
  kill_(getpid(), SIGUSR2_);
  UT_EQ("returned_through_sigpage", g_caught[1], before2 + 1);
  UT_CHECK("registers_kept_sigpage", keep == 0x1234567887654321l);
  g_caught[1] = before2;
  signal_action(SIGUSR2_, SIG_DFL_H, 0, 0, 0);
  UT_EQ("bad_setsize", syscall4(SYS_rt_sigaction, SIGUSR2_, 0, 0, 4), -EINVAL);
  UT_EQ("bad_pointer", syscall4(SYS_rt_sigaction, SIGUSR2_, 16, 0, 8), -EFAULT);
  UT_EQ("bad_how", signal_mask(7, &set, 0), -EINVAL);
  /* A fork child inherits the handler; rt_sigreturn without a frame kills. */
  UT_EQ("action2", signal_action(SIGUSR2_, on_usr2, 0, 0, 0), 0);
  int pid = fork();
  if (pid == 0) {
    kill_(getpid(), SIGUSR2_);
    _exit(g_caught[1] == 1 ? 0 : 1);
  }
  int st = -1;
  int w = waitpid(pid, &st, 0);
  ut_check("child_inherits_handler", w == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0,
           "wait %d status %#x", w, st);
  pid = fork();
  if (pid == 0) {
    /* sp on a zeroed page: no frame there (below a real sp could lie a
     * stale one from an earlier handler, which rt_sigreturn would take). */
    char* page = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    __asm__ volatile("mov sp, %0\n mov x8, #139\n svc #0" ::"r"(page + 2048) : "x8", "memory");
    _exit(0);
  }
  w = waitpid(pid, &st, 0);
  ut_check("bad_sigreturn_segv", w == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
           "wait %d status %#x", w, st);
  signal_action(SIGUSR1_, SIG_DFL_H, 0, 0, 0);
  signal_action(SIGUSR2_, SIG_DFL_H, 0, 0, 0);
  invariants();
}

/* A handler that forks. The child inherits the handler's frame on its copy
 * of the stack, so when the handler returns (rt_sigreturn) it resumes the
 * code the signal interrupted, in the child, as POSIX and Linux have it: a
 * call interrupted on its way out returns its value a second time, in
 * another process. Here the interrupted call is a vfork whose child sends
 * the parent SIGUSR1 before it exits, so the fork in the handler makes a
 * process in which "vfork returned V, and getpid() is not the caller". The
 * system call fuzzer reported exactly that (seed 202) when a non-root worker
 * installed an address inside the fuzzer's own text as a handler and it ran
 * into clone_fork; the kernel did what it must. */
static volatile long g_handler_fork = -1;
static void fork_in_handler(int sig) { g_handler_fork = syscall0(1002 /* fork */); }

/* vfork; the child sends SIGUSR1 to `parent` and exits 7, touching no memory. */
long vfork_signal_parent(long parent);
__asm__(
    ".global vfork_signal_parent\n"
    "vfork_signal_parent:\n"
    "  mov x9, x0\n"
    "  mov x8, #1066\n  svc #0\n"
    "  cbnz x0, 1f\n"
    "  mov x0, x9\n  mov x1, #10\n  mov x8, #129\n  svc #0\n"
    "  mov x0, #7\n  mov x8, #94\n  svc #0\n"
    "1: ret\n");

static void t_fork_in_handler(void) {
  UT_EQ("action", signal_action(SIGUSR1_, fork_in_handler, 0, 0, 0), 0);
  int rounds = 0, bad = 0;
  for (int i = 0; i < 50; ++i) {
    int me = getpid();
    g_handler_fork = -1;
    long v = vfork_signal_parent(me);
    if (getpid() != me) {
      /* The handler's child: back from the same vfork, with its value. */
      _exit(g_handler_fork == 0 && v > 0 ? 0 : 1);
    }
    ++rounds;
    int st = -1;
    long c = g_handler_fork;
    int w1 = c > 0 ? waitpid((int)c, &st, 0) : -1;
    int ok_child = w1 == c && WIFEXITED(st) && WEXITSTATUS(st) == 0;
    st = -1;
    int w2 = v > 0 ? waitpid((int)v, &st, 0) : -1;
    int ok_vfork = w2 == v && WIFEXITED(st) && WEXITSTATUS(st) == 7;
    if (!ok_child || !ok_vfork) {
      if (bad++ == 0)
        printf(
            "UTEST-INFO fork_in_handler: round %d: vfork %ld (wait %d), handler fork %ld "
            "(wait %d)\n",
            i, v, w2, c, w1);
    }
  }
  ut_check("child_resumes_interrupted_call", bad == 0, "%d of %d rounds wrong", bad, rounds);
  signal_action(SIGUSR1_, SIG_DFL_H, 0, 0, 0);
  invariants();
}

/* A process whose forks are hit by a stream of caught signals: a fork that
 * finds one pending under its group's lock returns ERESTART, the handler
 * runs, and the fork call is made again from the same svc. The caller sees
 * only pids; tine_proc's restarts counter counts them. */
static void t_fork_restart(void) {
  volatile uint64_t* sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  uint64_t restarts0 = ut_proc_stats().restarts;
  int target = fork();
  if (target == 0) {
    g_caught[1] = 0;
    signal_action(SIGUSR2_, on_usr2, 0, 0, 0);
    sh[0] = 1; /* ready */
    int bad = 0, forks = 0;
    uint64_t end = now_ns() + 10000000000ull; /* until a restart is seen: usually < 1 s */
    while (now_ns() < end && (forks < 200 || ut_proc_stats().restarts == restarts0)) {
      int c = fork();
      if (c == 0) _exit(0);
      if (c < 0) {
        ++bad;
        continue;
      }
      ++forks;
      int w, st = -1;
      while ((w = waitpid(c, &st, 0)) == -EINTR_) {
      }
      if (w != c || !WIFEXITED(st)) ++bad;
    }
    sh[1] = (uint64_t)forks;
    sh[2] = (uint64_t)g_caught[1];
    _exit(bad ? 1 : 0);
  }
  while (sh[0] == 0) sched_yield();
  int sent = 0, st = -1;
  while (waitpid(target, &st, WNOHANG) == 0) {
    if (kill_(target, SIGUSR2_) == 0) ++sent;
  }
  uint64_t restarts = ut_proc_stats().restarts - restarts0;
  printf("UTEST-INFO fork_restart: %lu forks, %d signals sent, %lu caught, %lu forks restarted\n",
         (unsigned long)sh[1], sent, (unsigned long)sh[2], (unsigned long)restarts);
  UT_CHECK("forks_all_succeeded", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  UT_CHECK("handler_ran", sh[2] > 0);
  UT_CHECK("forks_restarted", restarts > 0);
  munmap((void*)sh, 4096);
  invariants();
}

/* vfork with x0 = -512 (vfork takes no argument, so x0 is whatever the
 * program left there), one add just before the svc: returns the pid (or 0 in
 * the child, which exits at once) and, in *adds, how many times the add ran
 * (1 unless a restart went back further than the svc). */
static long vfork_x0_512(long* adds) {
  register long x0 __asm__("x0");
  register long x9 __asm__("x9");
  __asm__ volatile(
      "  mov x9, #0\n"
      "  mov x8, #1066\n"
      "  movn x0, #511\n" /* -512: Linux's ERESTARTSYS */
      "  add x9, x9, #1\n"
      "  svc #0\n"
      "  cbnz x0, 1f\n"
      "  mov x0, #0\n  mov x8, #94\n  svc #0\n" /* the child: exit_group(0) */
      "1:\n"
      : "=r"(x0), "=r"(x9)
      :
      : "x8", "memory", "x1", "x2", "x3", "x4", "x5");
  *adds = x9;
  return x0;
}

/* A fork call restarted for a pending signal (ERESTART) goes back onto its
 * svc once, whatever its x0 held: a caller's x0 of -512 (the kernel's
 * internal "restart after the handler" code) must not make the way out move
 * it back a second time, onto the instruction before the svc. */
static void t_fork_restart_x0(void) {
  volatile uint64_t* sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  uint64_t restarts0 = ut_proc_stats().restarts;
  int target = fork();
  if (target == 0) {
    g_caught[1] = 0;
    signal_action(SIGUSR2_, on_usr2, 0x10000000 /* SA_RESTART */, 0, 0);
    sh[0] = 1; /* ready */
    int bad = 0, forks = 0, wrong = 0;
    uint64_t end = now_ns() + 10000000000ull;
    while (now_ns() < end && (forks < 200 || ut_proc_stats().restarts == restarts0)) {
      long adds = 0;
      long c = vfork_x0_512(&adds);
      if (adds != 1) ++wrong;
      if (c <= 0) {
        ++bad;
        continue;
      }
      ++forks;
      int w, st = -1;
      while ((w = waitpid((int)c, &st, 0)) == -EINTR_) {
      }
      if (w != c || !WIFEXITED(st)) ++bad;
    }
    sh[1] = (uint64_t)forks;
    sh[2] = (uint64_t)wrong;
    _exit(bad ? 1 : 0);
  }
  while (sh[0] == 0) sched_yield();
  int st = -1;
  while (waitpid(target, &st, WNOHANG) == 0) kill_(target, SIGUSR2_);
  uint64_t restarts = ut_proc_stats().restarts - restarts0;
  printf(
      "UTEST-INFO fork_restart_x0: %lu vforks, %lu forks restarted, %lu ran the instruction "
      "before the svc again\n",
      (unsigned long)sh[1], (unsigned long)restarts, (unsigned long)sh[2]);
  UT_CHECK("forks_all_succeeded", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  UT_CHECK("forks_restarted", restarts > 0);
  UT_EQ("svc_made_again_not_what_precedes_it", (long)sh[2], 0);
  munmap((void*)sh, 4096);
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
      if (kids[i] > 0)
        ++n;
      else
        ok &= kids[i] == -EAGAIN;
    }
    ok &= n == 2; /* itself + 2 = RLIMIT_NPROC */
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
  /* Another process's limits: a child's, set and read back by its parent
   * (root); a non-root process may not touch root's; no such pid. */
  pid = fork();
  if (pid == 0) {
    for (;;) sleep_ms(5);
  }
  struct rlim nl = {7, 9}, got = {0, 0};
  UT_EQ("other_set", syscall4(SYS_prlimit64, pid, RLIMIT_NPROC, (long)&nl, 0), 0);
  UT_EQ("other_get", syscall4(SYS_prlimit64, pid, RLIMIT_NPROC, 0, (long)&got), 0);
  UT_CHECK("other_values", got.cur == 7 && got.max == 9);
  struct rlim mine = {0, 0};
  syscall4(SYS_prlimit64, 0, RLIMIT_NPROC, 0, (long)&mine);
  UT_CHECK("own_untouched", mine.cur != 7);
  kill_(pid, SIGKILL);
  waitpid(pid, &st, 0);
  UT_EQ("no_such_pid", syscall4(SYS_prlimit64, pid, RLIMIT_NPROC, 0, (long)&got), -ESRCH);
  int me = getpid();
  pid = fork();
  if (pid == 0) {
    syscall1(SYS_setuid, 1000);
    struct rlim r;
    _exit(syscall4(SYS_prlimit64, me, RLIMIT_NPROC, 0, (long)&r) == -EPERM ? 0 : 1);
  }
  waitpid(pid, &st, 0);
  UT_CHECK("other_user_eperm", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  invariants();
}

/* A non-root fork bomb whose RLIMIT_NPROC root lifted: forks until refused;
 * nprocs stays within maxproc - 10, root can still fork, and everything comes
 * back once it is killed. (With the default limit, trusttest's user_fork_bomb.) */
static void t_fork_bomb(void) {
  volatile uint64_t* sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  sh[0] = sh[1] = sh[2] = 0;
  uint64_t maxproc = ut_proc_stats().maxproc;
  uint64_t before = ut_proc_stats().nprocs;
  int bomber = fork();
  if (bomber == 0) {
    syscall0(SYS_setsid);
    struct rlim none = {~0ull, ~0ull};
    syscall4(SYS_prlimit64, 0, RLIMIT_NPROC, (long)&none, 0);
    syscall1(SYS_setuid, 1000);
    for (;;) {
      int p = fork();
      if (p == 0) {
        for (;;) sleep_ms(20);
      }
      if (p < 0) {
        if (p == -EAGAIN) __atomic_add_fetch(&sh[0], 1, __ATOMIC_RELAXED);
        uint64_t np = ut_proc_stats().nprocs;
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
  ut_check("root_still_forks", rootkid > 0 && waitpid(rootkid, &st, 0) == rootkid, "fork %d",
           rootkid);
  UT_EQ("kill_bomb", kill_(-bomber, SIGKILL), 0);
  UT_EQ("bomber_wait", waitpid(bomber, &st, 0), bomber);
  /* The bomb's children were orphaned to init: wait until it has reaped them. */
  uint64_t base = ut_proc_stats().nprocs;
  for (int i = 0; i < 300 && ut_proc_stats().nprocs > before; ++i) sleep_ms(10);
  ut_check("bomb_gone", ut_proc_stats().nprocs == before,
           "nprocs %lu (was %lu, %lu before the bomb)", (unsigned long)ut_proc_stats().nprocs,
           (unsigned long)base, (unsigned long)before);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- fault injection ---- */

static void t_fault_injection(void) {
  static const long kFlags[] = {RFPROC | RFFDG, RFPROC, RFPROC | RFCFDG | RFSIGSHARE,
                                RFPROC | RFMEM};
  int all_clean = 1, steps = 0;
  /* The first fork sharing the table gives the parent its leader record (kept). */
  long first = rfork_thread(RFPROC, g_stack[2] + sizeof g_stack[2], set_shared, 0);
  if (first > 0) waitpid((int)first, 0, 0);
  for (unsigned f = 0; f < sizeof kFlags / sizeof kFlags[0]; ++f) {
    for (int n = 1; n < 40; ++n) {
      struct tine_kstat k0, k1;
      tine_kstat(&k0, TINE_KSTAT_SETTLE);
      tine_proc(TINE_PROC_FAIL_NTH, n);
      long pid = rfork_thread(kFlags[f], g_stack[2] + sizeof g_stack[2], set_shared, 0);
      int pending = (int)tine_proc(TINE_PROC_FAIL_PENDING, 0);
      tine_proc(TINE_PROC_FAIL_NTH, 0);
      if (pid > 0) {
        int st;
        waitpid((int)pid, &st, 0);
        if (pending) break; /* every allocation of this fork was tried */
        continue;
      }
      ++steps;
      if (pid != -ENOMEM) {
        ut_check("enomem", 0, "flags %lx n %d: %ld", (unsigned long)kFlags[f], n, pid);
        all_clean = 0;
      }
      tine_kstat(&k1, TINE_KSTAT_SETTLE);
      char why[128];
      if (!kstat_same_resources(&k0, &k1, why, sizeof why)) {
        ut_check("resources_back", 0, "flags %lx n %d: %s", (unsigned long)kFlags[f], n, why);
        all_clean = 0;
      }
      if (tine_proc(TINE_PROC_CHECK, 0) != 0) all_clean = 0;
    }
  }
  ut_check("every_failure_clean", all_clean, "%d injected failures", steps);
  ut_check("failures_injected", steps >= 4, "%d injected failures", steps);
  invariants();
}

/* ---- stress: all CPUs forking, exiting and waiting with random flags ----
 *
 * Four workers (one a CPU) run for `secs=N` seconds (3 by default) in rounds
 * of at most 10 s. Each worker picks, at random: fork or clone(SIGCHLD) with
 * a child that exits, sleeps, checks rfork without RFPROC, forks a grandchild
 * (waited for or orphaned), makes LWPs and ends with exit_group, or execs;
 * vfork (the child writes the parent's memory, or execs); rfork with
 * RFPROC and a random mix of RFFDG/RFCFDG, RFMEM, RFSIGSHARE, RFTHREAD,
 * RFNOWAIT and RFLINUXTHPN; the invalid RFFDG|RFCFDG; lwp_create (the LWP
 * sleeps, or forks and waits itself); a child killed with SIGKILL or SIGTERM;
 * and waits by pid, by pid with WNOHANG, for any child or for its group. Every
 * exit status is checked against what the child was told to do. After each
 * round: the workers ended cleanly, the invariant checker passes, and every
 * resource counter (pages, zones, processes, threads, the process layer's
 * live objects) is back where it was before the first round. */

static uint64_t g_stress_secs = 3;
static uint64_t g_stress_seed = 0x9e3779b97f4a7c15ull;

enum {
  C_FORK,
  C_CLONE,
  C_VFORK,
  C_RFORK,
  C_RFMEM,
  C_RFNOWAIT,
  C_LWP,
  C_LWP_FORK,
  C_CHILD_FORK,
  C_EXEC,
  C_KILL,
  C_MT_EXIT,
  C_WAIT,
  C_EAGAIN,
  C_NCOUNTERS
};
static const char* const kCounterNames[C_NCOUNTERS] = {
    "fork",     "clone",      "vfork", "rfork", "rfmem",   "rfnowait", "lwp_create",
    "lwp_fork", "child_fork", "exec",  "kill",  "mt_exit", "wait",     "eagain"};

struct stress_shared {
  uint64_t count[C_NCOUNTERS]; /* atomics */
  struct ut_failures fail;
};
static struct stress_shared* g_sh;

static void cnt(int c) { __atomic_add_fetch(&g_sh->count[c], 1, __ATOMIC_RELAXED); }

static void stress_fail(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
static void stress_fail(const char* fmt, ...) {
  char who[16];
  snprintf(who, sizeof who, "pid %d: ", getpid());
  va_list ap;
  va_start(ap, fmt);
  ut_fail_shared(&g_sh->fail, who, fmt, ap);
  va_end(ap);
}

/* Sets *state = 2 (release) and ends the calling LWP without touching its
 * stack again: once the flag shows, the stack may be given to a new LWP. */
void lwp_finish(volatile int* state) __attribute__((noreturn));
__asm__(
    ".global lwp_finish\n"
    "lwp_finish:\n"
    "  mov w1, #2\n  stlr w1, [x0]\n"
    "  mov x0, #0\n  mov x8, #93\n  svc #0\n"
    "  b .\n");

/* An expected wait status: an exit code, or 0x100 + a signal. */
#define WANT_SIG(sig) (0x100 | (sig))
#define WANT_ANY 0x200 /* exit code 0 or the code given (which LWP ends last) */

static int status_ok(int st, int want, int code) {
  if (want == WANT_ANY) return WIFEXITED(st) && (WEXITSTATUS(st) == 0 || WEXITSTATUS(st) == code);
  if (want & 0x100) return WIFSIGNALED(st) && WTERMSIG(st) == (want & 0xff);
  return WIFEXITED(st) && WEXITSTATUS(st) == want;
}

static void sleeper(void* arg) {
  for (;;) sleep_ns(1000000);
}

/* The last LWP of a child: lets the first one go, then ends the process with
 * its own code (unless the first was slower and is last itself). */
static volatile int g_last_code;
static void last_lwp(void* arg) {
  sleep_ns(200000);
  syscall1(SYS_exit, g_last_code);
}

static char g_cstacks[2][8192] __attribute__((aligned(16)));

/* Draws what a forked child (with its own copy of memory) will do before it
 * exits with its code: 0 exit at once (10 in 16), 1 sleep, 2 rfork without
 * RFPROC, 3 fork a grandchild, 4 make LWPs and exit_group, 5 end as the last
 * LWP, 6 exec. Returns WANT_ANY for 5 (either LWP may be last), else 0. */
static int child_plan(uint64_t* seed, int* action) {
  uint64_t r = rnd(seed) % 16;
  *action = r < 10 ? 0 : (int)r - 9;
  return *action == 5 ? WANT_ANY : 0;
}

static _Noreturn void child_run(int action, uint64_t seed, int code) {
  switch (action) {
    case 1: sleep_ns(rnd(&seed) % 2000000); break;
    case 2:
      /* One LWP, its own address space: rfork without RFPROC succeeds. */
      if (rfork_(RFFDG) != 0 || rfork_(RFCFDG) != 0 || rfork_(0) != 0) {
        stress_fail("rfork without RFPROC failed in a child");
        _exit(99);
      }
      break;
    case 3: {
      int g = fork();
      if (g == 0) {
        if (rnd(&seed) & 1) sleep_ns(rnd(&seed) % 1000000);
        _exit(7);
      }
      if (g > 0) {
        cnt(C_CHILD_FORK);
        if (rnd(&seed) & 1) { /* else orphaned: the kernel reaps it */
          int st = -1;
          if (waitpid(g, &st, 0) != g || !status_ok(st, 7, 7)) {
            stress_fail("grandchild %d status 0x%x", g, st);
            _exit(99);
          }
        }
      } else if (g != -EAGAIN) {
        stress_fail("grandchild fork: %d", g);
        _exit(99);
      } else {
        cnt(C_EAGAIN);
      }
      break;
    }
    case 4:
    case 5: {
      int n = action == 4 ? 2 : 1;
      g_last_code = code;
      for (int i = 0; i < n; ++i) {
        struct lwp_params lp = {action == 4 ? (void*)sleeper : (void*)last_lwp, 0,
                                g_cstacks[i] + sizeof g_cstacks[i], 0, 0};
        long e = syscall1(SYS_lwp_create, (long)&lp);
        if (e != 0 && e != -EAGAIN && e != -ENOMEM) {
          stress_fail("lwp_create in a child: %ld", e);
          _exit(99);
        }
        if (e == -EAGAIN || e == -ENOMEM) _exit(code); /* no LWP: end as told */
      }
      cnt(C_MT_EXIT);
      if (action == 5) syscall1(SYS_exit, 0); /* this LWP only */
      sleep_ns(rnd(&seed) % 500000);
      break; /* exit_group ends the sleepers */
    }
    case 6: {
      char num[8];
      snprintf(num, sizeof num, "%d", code);
      char* argv[] = {"proctest", "exit", num, 0};
      cnt(C_EXEC);
      execve("/bin/proctest", argv, environ);
      stress_fail("execve failed");
      _exit(99);
    }
    default: break;
  }
  _exit(code);
}

#define NSLOT 4
struct lwp_slot {
  volatile int state; /* 0 never used, 1 running, 2 finished (its stack is free) */
  int tid;
  int action;
  int code;
  uint64_t seed;
};
static struct lwp_slot g_slots[NSLOT];
static char g_slot_stacks[NSLOT][16384] __attribute__((aligned(16)));

static void lwp_body(void* arg) {
  struct lwp_slot* s = arg;
  if (s->action == 1) {
    sleep_ns(rnd(&s->seed) % 1000000);
  } else if (s->action == 2) {
    int pid = fork(); /* from an LWP other than the first */
    if (pid == 0) _exit(s->code);
    if (pid > 0) {
      cnt(C_LWP_FORK);
      int st = -1;
      if (waitpid(pid, &st, 0) != pid || !status_ok(st, s->code, s->code))
        stress_fail("LWP's child %d status 0x%x want %d", pid, st, s->code);
    } else if (pid == -EAGAIN) {
      cnt(C_EAGAIN);
    } else {
      stress_fail("fork from an LWP: %d", pid);
    }
  }
  lwp_finish(&s->state);
}

static int lwps_running(void) {
  for (int i = 0; i < NSLOT; ++i)
    if (g_slots[i].state == 1) return 1;
  return 0;
}

#define MAXKIDS 6
struct kid {
  int pid, want, code;
};

static volatile int g_vfork_mark;

struct worker {
  uint64_t seed;
  struct kid kids[MAXKIDS];
  int nkids;
};

static void kid_add(struct worker* w, int pid, int want, int code) {
  w->kids[w->nkids].pid = pid;
  w->kids[w->nkids].want = want;
  w->kids[w->nkids].code = code;
  w->nkids++;
}

static void kid_done(struct worker* w, int pid, int st) {
  for (int j = 0; j < w->nkids; ++j) {
    if (w->kids[j].pid != pid) continue;
    if (!status_ok(st, w->kids[j].want, w->kids[j].code))
      stress_fail("child %d status 0x%x, want 0x%x", pid, st, w->kids[j].want);
    w->kids[j] = w->kids[--w->nkids];
    cnt(C_WAIT);
    return;
  }
  stress_fail("wait returned %d, not a child it knows", pid);
}

/* Reaps one child: by pid, by pid polling with WNOHANG, any child, or the
 * group (the last two only when no LWP of ours is waiting for a child). */
static void reap_one(struct worker* w) {
  if (w->nkids == 0) return;
  int j = (int)(rnd(&w->seed) % (uint64_t)w->nkids);
  int pid = w->kids[j].pid;
  int how = (int)(rnd(&w->seed) % 4);
  if (how >= 2 && lwps_running()) how = 0;
  int st = -1, r;
  if (how == 1) {
    uint64_t give_up = now_ns() + 20000000000ull;
    while ((r = waitpid(pid, &st, WNOHANG | __WALL)) == 0 && now_ns() < give_up) sched_yield();
  } else {
    r = waitpid(how == 2 ? -1 : how == 3 ? 0 : pid, &st, __WALL); /* RFLINUXTHPN kids too */
  }
  if (r <= 0) {
    stress_fail("wait (%d) for %d: %d", how, pid, r);
    for (int k = 0; k < w->nkids; ++k) kill_(w->kids[k].pid, SIGKILL);
    _exit(1);
  }
  kid_done(w, r, st);
}

static int new_code(struct worker* w) { return 1 + (int)(rnd(&w->seed) % 120); }

/* A fork whose child runs child_run; records it or counts EAGAIN. */
static void fork_child(struct worker* w, int use_clone) {
  int action;
  int want = child_plan(&w->seed, &action);
  int code = new_code(w);
  uint64_t cseed = rnd(&w->seed);
  int pid = use_clone ? clone_fork() : fork();
  if (pid == 0) child_run(action, cseed, code);
  if (pid > 0) {
    cnt(use_clone ? C_CLONE : C_FORK);
    kid_add(w, pid, want == WANT_ANY ? WANT_ANY : code, code);
  } else if (pid == -EAGAIN) {
    cnt(C_EAGAIN);
  } else {
    stress_fail("%s: %d", use_clone ? "clone" : "fork", pid);
  }
}

static char g_exec_num[8];
static char* g_exec_argv[] = {"proctest", "exit", g_exec_num, 0};

static void do_vfork(struct worker* w) {
  int code = new_code(w);
  int exec = (rnd(&w->seed) % 4) == 0;
  snprintf(g_exec_num, sizeof g_exec_num, "%d", code);
  g_vfork_mark = 0;
  long pid = svc1(SYS_vfork, 0);
  if (pid == 0) {
    if (exec) {
      execve("/bin/proctest", g_exec_argv, environ);
      svc1(SYS_exit_group, 99);
    }
    g_vfork_mark = code; /* the parent's memory */
    svc1(SYS_exit_group, code);
  }
  if (pid > 0) {
    cnt(C_VFORK);
    if (exec) cnt(C_EXEC);
    if (!exec && g_vfork_mark != code)
      stress_fail("vfork child %ld left mark %d, want %d", pid, g_vfork_mark, code);
    kid_add(w, (int)pid, code, code);
  } else if (pid == -EAGAIN) {
    cnt(C_EAGAIN);
  } else {
    stress_fail("vfork: %ld", pid);
  }
}

static volatile long g_rfmem_word;
static int rfmem_child(void* arg) {
  g_rfmem_word = (long)arg;
  return (int)((long)arg & 0x7f);
}

static void do_rfork(struct worker* w) {
  uint64_t r = rnd(&w->seed);
  long fl = RFPROC;
  int fdm = (int)(r % 3);
  if (fdm == 1) fl |= RFFDG;
  if (fdm == 2) fl |= RFCFDG;
  if (r & 0x10) fl |= RFSIGSHARE;
  if (r & 0x20) fl |= RFTHREAD;
  if (r & 0x40) fl |= RFNOWAIT;
  if (r & 0x80) fl |= RFLINUXTHPN; /* SIGUSR1 to the parent at exit: ignored by the worker */
  if ((r >> 8) % 3 == 0) fl |= RFMEM;
  int code = new_code(w);
  long pid;
  int want = code;
  if (fl & RFMEM) {
    if (fl & RFNOWAIT) {
      pid = rfork_exit(fl, code);
    } else {
      /* On the worker's one RFMEM stack: waited for at once. */
      long word = (long)(rnd(&w->seed) & 0xffff) << 8 | code;
      g_rfmem_word = 0;
      pid = rfork_thread(fl, g_stack[0] + sizeof g_stack[0], rfmem_child, (void*)word);
      if (pid > 0) {
        cnt(C_RFORK);
        cnt(C_RFMEM);
        int st = -1;
        if (waitpid((int)pid, &st, __WALL) != pid || !status_ok(st, code, code))
          stress_fail("RFMEM child %ld (flags %lx) status 0x%x want %d", pid, fl, st, code);
        else
          cnt(C_WAIT);
        if (g_rfmem_word != word)
          stress_fail("RFMEM child %ld (flags %lx) wrote %ld, want %ld", pid, fl, g_rfmem_word,
                      word);
        return;
      }
    }
  } else {
    int action;
    want = child_plan(&w->seed, &action) == WANT_ANY ? WANT_ANY : code;
    uint64_t cseed = rnd(&w->seed);
    pid = rfork_(fl);
    if (pid == 0) child_run(action, cseed, code);
  }
  if (pid > 0) {
    cnt(C_RFORK);
    if (fl & RFMEM) cnt(C_RFMEM);
    if (fl & RFNOWAIT)
      cnt(C_RFNOWAIT);
    else
      kid_add(w, (int)pid, want, code);
  } else if (pid == -EAGAIN) {
    cnt(C_EAGAIN);
  } else {
    stress_fail("rfork(%lx): %ld", fl, pid);
  }
}

static void do_lwp(struct worker* w) {
  int i = (int)(rnd(&w->seed) % NSLOT);
  struct lwp_slot* s = &g_slots[i];
  if (__atomic_load_n(&s->state, __ATOMIC_ACQUIRE) == 1) return; /* still running */
  uint64_t r = rnd(&w->seed);
  s->action = (int)(r % 3); /* 0 exit, 1 sleep, 2 fork and wait */
  s->code = new_code(w);
  s->seed = rnd(&w->seed) | 1;
  s->tid = -1;
  s->state = 1;
  struct lwp_params lp = {(void*)lwp_body, s, g_slot_stacks[i] + sizeof g_slot_stacks[i], &s->tid,
                          0};
  long e = syscall1(SYS_lwp_create, (long)&lp);
  if (e == 0) {
    cnt(C_LWP);
    if (s->tid <= 0) stress_fail("lwp_create gave TID %d", s->tid);
  } else {
    s->state = 0;
    if (e == -EAGAIN || e == -ENOMEM)
      cnt(C_EAGAIN);
    else
      stress_fail("lwp_create: %ld", e);
  }
}

static void do_kill(struct worker* w) {
  int pid = fork();
  if (pid == 0) {
    for (;;) sleep_ns(1000000);
  }
  if (pid < 0) {
    if (pid == -EAGAIN)
      cnt(C_EAGAIN);
    else
      stress_fail("fork to kill: %d", pid);
    return;
  }
  cnt(C_FORK);
  uint64_t r = rnd(&w->seed);
  if (r & 1) sleep_ns(r % 1000000); /* else killed before it runs, or just after */
  int sig = (r & 2) ? SIGKILL : SIGTERM;
  int e = kill_(pid, sig);
  if (e != 0) stress_fail("kill(%d, %d): %d", pid, sig, e);
  cnt(C_KILL);
  kid_add(w, pid, WANT_SIG(sig), 0);
}

static _Noreturn void stress_worker(int i, uint64_t seed, uint64_t end) {
  struct worker w = {.seed = seed | 1, .nkids = 0};
  for (int k = 0; k < NSLOT; ++k) g_slots[k].state = 0;
  sigact(10, 1, 1); /* RFLINUXTHPN children signal SIGUSR1 */
  while (now_ns() < end && g_sh->fail.count == 0) {
    if (w.nkids == MAXKIDS) reap_one(&w);
    uint64_t op = rnd(&w.seed) % 32;
    if (op < 6)
      fork_child(&w, 0);
    else if (op < 8)
      fork_child(&w, 1);
    else if (op < 11)
      do_vfork(&w);
    else if (op < 21)
      do_rfork(&w);
    else if (op < 25)
      do_lwp(&w);
    else if (op < 27)
      do_kill(&w);
    else if (op < 28) {
      long e = rfork_(RFPROC | RFFDG | RFCFDG);
      if (e != -EINVAL) stress_fail("rfork(RFFDG|RFCFDG) gave %ld", e);
    } else
      reap_one(&w);
  }
  /* The LWPs first (one may be waiting for its own child), then the children. */
  uint64_t give_up = now_ns() + 20000000000ull;
  while (lwps_running() && now_ns() < give_up) sleep_ns(1000000);
  if (lwps_running()) stress_fail("an LWP did not finish");
  while (w.nkids > 0) {
    int st = -1;
    int pid = w.kids[w.nkids - 1].pid;
    int r = waitpid(pid, &st, __WALL);
    if (r != pid) {
      stress_fail("final wait for %d: %d", pid, r);
      break;
    }
    kid_done(&w, pid, st);
  }
  int st;
  int stray = waitpid(-1, &st, WNOHANG | __WALL);
  if (stray != -ECHILD) stress_fail("a child nobody knew of: wait gave %d", stray);
  (void)i;
  _exit(g_sh->fail.count ? 1 : 0);
}

static void t_stress(void) {
  const int workers = 4;
  g_sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  memset(g_sh, 0, sizeof *g_sh);
  uint64_t secs = g_stress_secs ? g_stress_secs : 1;
  uint64_t per_round = secs < 10 ? secs : 10;
  int rounds = (int)((secs + per_round - 1) / per_round);
  uint64_t base_nprocs = ut_proc_stats().nprocs;
  struct tine_proc_stats live0 = ut_proc_stats();
  static struct tine_kstat k0, k1; /* k1: the later readings */
  tine_kstat(&k0, TINE_KSTAT_SETTLE);
  int workers_ok = 1, hung = 0, inv_bad = 0, res_bad = 0, done = 0;
  char res_why[160] = "";
  uint64_t t0 = now_ns();
  for (int r = 0; r < rounds && workers_ok && !hung && !inv_bad && !res_bad; ++r) {
    uint64_t rest = secs - (uint64_t)r * per_round;
    uint64_t len = rest < per_round ? rest : per_round;
    uint64_t start = now_ns(), end = start + len * 1000000000ull;
    uint64_t before = 0;
    for (int c = 0; c < C_NCOUNTERS; ++c) before += c == C_WAIT ? 0 : g_sh->count[c];
    int w[4], left = 0;
    for (int i = 0; i < workers; ++i) {
      w[i] = fork();
      if (w[i] == 0) stress_worker(i, g_stress_seed * (uint64_t)(r * workers + i + 1), end);
      if (w[i] > 0)
        ++left;
      else
        workers_ok = 0;
    }
    /* Wait for them, at most 30 s past the end of the round. */
    uint64_t give_up = end + 30000000000ull;
    while (left > 0 && now_ns() < give_up) {
      for (int i = 0; i < workers; ++i) {
        if (w[i] <= 0) continue;
        int st = -1;
        int e = waitpid(w[i], &st, WNOHANG);
        if (e == 0) continue;
        if (e != w[i] || !WIFEXITED(st) || WEXITSTATUS(st) != 0) workers_ok = 0;
        w[i] = 0;
        --left;
      }
      if (left > 0) sleep_ms(20);
    }
    if (left > 0) {
      hung = r + 1;
      printf("UTEST-INFO stress: round %d: %d workers still running 30 s after its end\n", r + 1,
             left);
      tine_proc(TINE_PROC_PS, 0);
      for (int i = 0; i < workers; ++i)
        if (w[i] > 0) {
          kill_(w[i], SIGKILL);
          waitpid(w[i], 0, 0);
        }
    }
    /* Orphans and RFNOWAIT children go to init, which reaps them. */
    for (int i = 0; i < 1000 && ut_proc_stats().nprocs != base_nprocs; ++i) sleep_ms(10);
    if (tine_proc(TINE_PROC_CHECK, 0) != 0) inv_bad = r + 1;
    int same = ut_back_to_baseline(&k0, &live0, &k1, res_why, sizeof res_why);
    if (!same) res_bad = r + 1;
    uint64_t after = 0;
    for (int c = 0; c < C_NCOUNTERS; ++c) after += c == C_WAIT ? 0 : g_sh->count[c];
    printf("UTEST-INFO stress: round %d/%d: %lu s, %lu operations, nprocs %lu, %s\n", r + 1, rounds,
           (unsigned long)len, (unsigned long)(after - before),
           (unsigned long)ut_proc_stats().nprocs,
           workers_ok && !inv_bad && same ? "clean" : "NOT clean");
    done = r + 1;
  }
  uint64_t elapsed_ms = (now_ns() - t0) / 1000000;
  ut_check("workers_clean", workers_ok && g_sh->fail.count == 0, "%lu failures, first: %s",
           (unsigned long)g_sh->fail.count, g_sh->fail.first);
  ut_check("no_hang", !hung, "round %d did not end", hung);
  ut_check("invariants_every_round", !inv_bad, "the checker failed after round %d", inv_bad);
  ut_check("resources_back_every_round", !res_bad, "after round %d: %s", res_bad, res_why);
  uint64_t procs = g_sh->count[C_FORK] + g_sh->count[C_CLONE] + g_sh->count[C_VFORK] +
                   g_sh->count[C_RFORK] + g_sh->count[C_LWP_FORK] + g_sh->count[C_CHILD_FORK];
  ut_check("forked", procs > 0 && g_sh->count[C_LWP] > 0, "%lu processes", (unsigned long)procs);
  char line[400];
  int n = snprintf(line, sizeof line, "UTEST-INFO stress: %d rounds, %lu ms, %lu processes made",
                   done, (unsigned long)elapsed_ms, (unsigned long)procs);
  for (int c = 0; c < C_NCOUNTERS && n < (int)sizeof line; ++c)
    n += snprintf(line + n, sizeof line - n, ", %s %lu", kCounterNames[c],
                  (unsigned long)g_sh->count[c]);
  printf("%s\n", line);
  if (elapsed_ms > 0)
    printf("UTEST-INFO stress: %lu processes a minute, %lu lwp_create a minute\n",
           (unsigned long)(procs * 60000 / elapsed_ms),
           (unsigned long)(g_sh->count[C_LWP] * 60000 / elapsed_ms));
  munmap(g_sh, 4096);
  invariants();
}

static const struct ut_test kTests[] = {
    {"rfork_errors", t_rfork_errors},
    {"vfork", t_vfork},
    {"counters", t_counters},
    {"rfmem", t_rfmem},
    {"rfnowait", t_rfnowait},
    {"rfsigshare", t_rfsigshare},
    {"lwp_create", t_lwp_create},
    {"groups", t_groups},
    {"pgkill", t_pgkill},
    {"pgmove", t_pgmove},
    {"signals", t_signals},
    {"exit_signal", t_exit_signal},
    {"fork_restart", t_fork_restart},
    {"fork_restart_x0", t_fork_restart_x0},
    {"fork_in_handler", t_fork_in_handler},
    {"nproc_limit", t_nproc_limit},
    {"fork_bomb", t_fork_bomb},
    {"fault_injection", t_fault_injection},
    {"stress", t_stress},
};

/* Arguments: test names select tests (all without any); secs=N sets the
 * stress's length in seconds, seed=N its random seed. "exit N" (what the
 * stress's children exec) exits with N at once. */
int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "exit") == 0) return (int)atol(argv[2]);
  volatile char warm[32768];
  for (size_t i = 0; i < sizeof warm; i += 512) warm[i] = 0;
  int names = 0;
  for (int a = 1; a < argc; ++a) {
    if (strncmp(argv[a], "secs=", 5) == 0)
      g_stress_secs = (uint64_t)atol(argv[a] + 5);
    else if (strncmp(argv[a], "seed=", 5) == 0)
      g_stress_seed = (uint64_t)atol(argv[a] + 5);
    else
      ++names;
  }
  ut_init();
  ut_run_selected(kTests, sizeof kTests / sizeof kTests[0], names == 0, argc, argv);
  tine_proc(TINE_PROC_PS, 0);
  return ut_finish();
}
