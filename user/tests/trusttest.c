/* The trust suite: what an unprivileged or hostile program must not be able to
 * do to the process layer, each from a symptom seen on an earlier kernel:
 * credentials read while another LWP replaces them, a process group changed
 * while its members are reaped, exec while other LWPs run, LWP and process
 * exhaustion by one user, the debugging calls, sleeps that SIGKILL could not
 * end, signal actions shared across exec, RLIMIT_NPROC 0, a bss-only program,
 * limits replaced while the process forks, system-wide thread ids, an
 * in-kernel copy SIGKILL could not stop, mremap lengths that wrapped.
 * Run as init (init=trusttest); exits with the number of failed checks.
 * "trusttest exit N" exits with N; "trusttest exit-later MS N" sleeps first. */
#include "utest.h"

enum { SYS_mremap = 216, SYS_madvise = 233 };
enum { SIGUSR1 = 10, SIGUSR2 = 12 };
#define RLIM_INFINITY (~0ull)

static int kill_(int pid, int sig) { return (int)syscall2(SYS_kill, pid, sig); }
static long setuid_(long uid) { return syscall1(SYS_setuid, uid); }
static long prlimit_(int pid, int res, const struct rlim* nl, struct rlim* ol) {
  return syscall4(SYS_prlimit64, pid, res, (long)nl, (long)ol);
}
static void invariants(void) { UT_EQ("invariants", tine_proc(TINE_PROC_CHECK, 0), 0); }
static void sleep_ms(int ms) { sleep_ns((uint64_t)ms * 1000000u); }

/* A shared page for the test and its children (inherited by fork). */
static volatile uint64_t* shared_page(void) {
  volatile uint64_t* sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  memset((void*)sh, 0, 4096);
  return sh;
}

/* Waits for pid and checks that it exited with 0. */
static void expect_exit_0(const char* check, int pid) {
  int st = -1;
  waitpid(pid, &st, 0);
  ut_check(check, WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
}

/* How a test's process stops an LWP it started on the shared page sh: sh[0]
 * asks it to stop, sh[1] says it has. */
static int stop_asked(volatile uint64_t* sh) {
  return (int)__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE);
}
static _Noreturn void lwp_stopped(volatile uint64_t* sh) {
  __atomic_store_n(&sh[1], 1, __ATOMIC_RELEASE);
  exit_thread(0);
}
static void stop_lwp(volatile uint64_t* sh) {
  __atomic_store_n(&sh[0], 1, __ATOMIC_RELEASE);
  while (!__atomic_load_n(&sh[1], __ATOMIC_ACQUIRE)) sched_yield();
}

/* Kills pid (SIGKILL) and reaps it, however long it takes. */
static void kill_and_reap(int pid) {
  int st;
  kill_(pid, SIGKILL);
  waitpid(pid, &st, 0);
}

/* A process SIGKILL did not end: left to init, so the next test can run. */
static void abandon(int pid) {
  kill_(pid, SIGKILL);
  printf("UTEST-INFO pid %d did not end after SIGKILL\n", pid);
}

/* Kills pid and checks that SIGKILL ends it within ms; if it does not, it
 * is abandoned. */
static void expect_sigkill_ends(const char* check, int pid, int ms) {
  int st = -1;
  uint64_t t0 = now_ns();
  kill_(pid, SIGKILL);
  int ended = ut_wait_within(pid, 0, ms, &st);
  ut_check(check, ended && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
           "ended %d status 0x%x after %llu ms", ended, st,
           (unsigned long long)((now_ns() - t0) / 1000000));
  if (!ended) abandon(pid);
}

/* Waits up to ms for pid and checks that it exited with `code`; if it does
 * not end, it is abandoned. */
static void expect_exit_within(const char* check, int pid, int ms, int code) {
  int st = -1;
  int ended = ut_wait_within(pid, 0, ms, &st);
  ut_check(check, ended && WIFEXITED(st) && WEXITSTATUS(st) == code, "ended %d status 0x%x", ended,
           st);
  if (!ended) abandon(pid);
}

static void sleep_forever(void) {
  for (;;) {
    struct timespec t = {1000000, 0};
    nanosleep(&t, 0);
  }
}

static void sleep_forever_lwp(void* arg) { sleep_forever(); }

/* ---- credentials: kill's permission check while another LWP replaces them ---- */

static void setuid_loop(void* arg) {
  volatile uint64_t* sh = arg;
  while (!stop_asked(sh)) setuid_(1000);
  lwp_stopped(sh);
}

static void t_cred_race(void) {
  volatile uint64_t* sh = shared_page();
  int pid = fork();
  if (pid == 0) {
    if (setuid_(1000) != 0) _exit(90);
    if (ut_lwp_start(setuid_loop, (void*)sh, 16384) != 0) _exit(91);
    uint64_t end = now_ns() + 3000000000ull;
    uint64_t kills = 0, allowed = 0;
    while (now_ns() < end) {
      for (int i = 0; i < 64; ++i) {
        long r = kill_(1, 0); /* init: root's */
        ++kills;
        if (r != -EPERM) ++allowed;
      }
    }
    stop_lwp(sh);
    sh[2] = kills;
    sh[3] = allowed;
    _exit(0);
  }
  int st = -1;
  waitpid(pid, &st, 0);
  UT_CHECK("child_ran", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  ut_check("kill_always_eperm", sh[2] > 1000 && sh[3] == 0, "%lu of %lu kills allowed",
           (unsigned long)sh[3], (unsigned long)sh[2]);
  printf("UTEST-INFO cred_race: %lu kills while setuid replaced the credentials\n",
         (unsigned long)sh[2]);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- setuid from two LWPs of a root process at once ---- */

/* One LWP of a root process gives root up with setuid(1000) while another
 * keeps calling setuid(0). Once the first call has returned, the process is
 * uid 1000 for good: a setuid(0) that was allowed must have taken effect
 * before it, and every later one must fail. An earlier kernel checked the
 * permission, dropped the process's lock to allocate the new credentials and
 * swapped them in without looking again, so a setuid(0) checked while still
 * root landed after the setuid(1000) and the process was root again. */

static volatile int g_swap_go, g_swap_done, g_swap_left;

static void setuid_root_loop(void* arg) {
  __atomic_store_n(&g_swap_go, 1, __ATOMIC_RELEASE);
  while (!__atomic_load_n(&g_swap_done, __ATOMIC_ACQUIRE)) setuid_(0);
  __atomic_store_n(&g_swap_left, 1, __ATOMIC_RELEASE);
  exit_thread(0);
}

static void t_setuid_swap_race(void) {
  /* Three seconds, or up to twenty for the first 100 rounds on a loaded host. */
  uint64_t start = now_ns();
  int rounds = 0, root_again = 0, other = 0;
  while (rounds < 2000 && (now_ns() - start < 3000000000ull ||
                           (rounds < 100 && now_ns() - start < 20000000000ull))) {
    int pid = fork();
    if (pid == 0) {
      if (ut_lwp_start(setuid_root_loop, 0, 16384) != 0) _exit(91);
      while (!__atomic_load_n(&g_swap_go, __ATOMIC_ACQUIRE)) sched_yield();
      if (setuid_(1000) != 0) _exit(92);
      __atomic_store_n(&g_swap_done, 1, __ATOMIC_RELEASE);
      while (!__atomic_load_n(&g_swap_left, __ATOMIC_ACQUIRE)) sched_yield();
      long uid = syscall0(SYS_getuid);
      _exit(uid == 1000 ? 0 : uid == 0 ? 1 : 93);
    }
    if (pid < 0) continue;
    int st = -1;
    waitpid(pid, &st, 0);
    ++rounds;
    if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
      ++root_again;
    else if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
      ++other;
  }
  ut_check("uid_stays_dropped", root_again == 0, "root again in %d of %d rounds", root_again,
           rounds);
  ut_check("rounds_clean", rounds >= 20 && other == 0, "%d rounds, %d ended otherwise", rounds,
           other);
  printf("UTEST-INFO setuid_swap_race: %d rounds\n", rounds);
  invariants();
}

/* ---- fork from one LWP while another gives root up ---- */

/* One LWP forks in a loop while another calls setuid(1000) and then sets a
 * flag. A child that sees the flag was copied after setuid returned, so it
 * must not be root. An earlier kernel took the child's credentials at the
 * start of the fork and copied the memory later, with setuid free to swap
 * in between. */

static volatile int g_fs_dropped, g_fs_forking;

static void fork_loop(void* arg) {
  volatile uint64_t* sh = arg;
  while (!__atomic_load_n(&g_fs_dropped, __ATOMIC_ACQUIRE) || sh[1] < 20) {
    __atomic_store_n(&g_fs_forking, 1, __ATOMIC_RELEASE);
    int c = (int)syscall0(1002);
    if (c == 0) {
      int bad = __atomic_load_n(&g_fs_dropped, __ATOMIC_ACQUIRE) && syscall0(SYS_getuid) == 0;
      _exit(bad ? 1 : 0);
    }
    if (c < 0) continue;
    int st = -1;
    waitpid(c, &st, 0);
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) __atomic_add_fetch(&sh[0], 1, __ATOMIC_RELAXED);
    if (__atomic_load_n(&g_fs_dropped, __ATOMIC_ACQUIRE)) ++sh[1];
  }
  __atomic_store_n(&sh[2], 1, __ATOMIC_RELEASE);
  exit_thread(0);
}

static void t_fork_setuid_race(void) {
  volatile uint64_t* sh = shared_page();
  /* Three seconds, or up to twenty for the first 40 rounds on a loaded host. */
  uint64_t start = now_ns();
  int rounds = 0, other = 0;
  while (rounds < 500 &&
         (now_ns() - start < 3000000000ull || (rounds < 40 && now_ns() - start < 20000000000ull))) {
    sh[1] = sh[2] = 0;
    int pid = fork();
    if (pid == 0) {
      if (ut_lwp_start(fork_loop, (void*)sh, 16384) != 0) _exit(91);
      while (!__atomic_load_n(&g_fs_forking, __ATOMIC_ACQUIRE)) sched_yield();
      if (setuid_(1000) != 0) _exit(92);
      __atomic_store_n(&g_fs_dropped, 1, __ATOMIC_RELEASE);
      while (!__atomic_load_n(&sh[2], __ATOMIC_ACQUIRE)) sched_yield();
      _exit(0);
    }
    if (pid < 0) continue;
    int st = -1;
    waitpid(pid, &st, 0);
    ++rounds;
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) ++other;
  }
  ut_check("no_root_child_after_setuid", sh[0] == 0, "%lu children root after setuid returned",
           (unsigned long)sh[0]);
  ut_check("rounds_clean", rounds >= 10 && other == 0, "%d rounds, %d ended otherwise", rounds,
           other);
  printf("UTEST-INFO fork_setuid_race: %d rounds\n", rounds);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- setpgid on children that are being reaped ---- */

/* In a test's child: starts `loop` on sh as a second LWP, then for three
 * seconds forks children that exit(3) at once and reaps them, with the newest
 * one's pid in sh[1]; then stops the LWP (sh[0]) and waits until it is done
 * (sh[3]). Returns how many children were not reaped as exited with 3;
 * *forks gets how many were forked. */
static int reap_while_racing(volatile uint64_t* sh, void (*loop)(void*), int* forks) {
  if (ut_lwp_start(loop, (void*)sh, 16384) != 0) _exit(91);
  uint64_t end = now_ns() + 3000000000ull;
  int bad = 0;
  while (now_ns() < end) {
    int c = fork();
    if (c == 0) _exit(3);
    if (c < 0) continue;
    ++*forks;
    __atomic_store_n(&sh[1], (uint64_t)c, __ATOMIC_RELEASE);
    int st = -1;
    if (waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 3) ++bad;
  }
  __atomic_store_n(&sh[0], 1, __ATOMIC_RELEASE);
  while (!__atomic_load_n(&sh[3], __ATOMIC_ACQUIRE)) sched_yield();
  return bad;
}

static void setpgid_loop(void* arg) {
  volatile uint64_t* sh = arg;
  while (!__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE)) {
    int c = (int)__atomic_load_n(&sh[1], __ATOMIC_ACQUIRE);
    if (c > 0) syscall2(SYS_setpgid, c, c);
    __atomic_add_fetch(&sh[2], 1, __ATOMIC_RELAXED);
  }
  __atomic_store_n(&sh[3], 1, __ATOMIC_RELEASE);
  exit_thread(0);
}

static void t_setpgid_reap(void) {
  volatile uint64_t* sh = shared_page();
  int pid = fork();
  if (pid == 0) {
    int forks = 0;
    int bad = reap_while_racing(sh, setpgid_loop, &forks);
    sh[4] = (uint64_t)forks;
    _exit(bad ? 1 : 0);
  }
  expect_exit_0("every_child_reaped", pid);
  printf("UTEST-INFO setpgid_reap: %lu forks, %lu setpgid calls\n", (unsigned long)sh[4],
         (unsigned long)sh[2]);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- signals by id to children that are being reaped ---- */

/* kill(pid) and tgkill find their target by id with the tree lock only read,
 * and hold it while they signal it: a child reaped at that moment must wait
 * for the hold, not be freed under the signal. One LWP signals the newest
 * child by pid and by thread id, with 0 and with SIGCONT (which changes no
 * exit status), while the main LWP forks children that exit at once and
 * reaps them. Every answer is 0 or ESRCH. */
static void kill_by_id_loop(void* arg) {
  volatile uint64_t* sh = arg;
  static const int kSigs[] = {0, 18 /* SIGCONT */};
  uint64_t calls = 0, bad = 0;
  while (!__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE)) {
    int c = (int)__atomic_load_n(&sh[1], __ATOMIC_ACQUIRE);
    if (c <= 0) continue;
    int sig = kSigs[calls & 1];
    long r = (calls & 2) ? syscall2(SYS_kill, c, sig) : syscall3(131 /* tgkill */, c, c, sig);
    if (r != 0 && r != -ESRCH) ++bad;
    ++calls;
  }
  sh[2] = calls;
  sh[4] = bad;
  __atomic_store_n(&sh[3], 1, __ATOMIC_RELEASE);
  exit_thread(0);
}

static void t_kill_reap_race(void) {
  volatile uint64_t* sh = shared_page();
  int pid = fork();
  if (pid == 0) {
    int forks = 0;
    int bad = reap_while_racing(sh, kill_by_id_loop, &forks);
    sh[5] = (uint64_t)forks;
    _exit(bad || sh[4] ? 1 : 0);
  }
  expect_exit_0("every_child_reaped_every_answer_0_or_esrch", pid);
  printf("UTEST-INFO kill_reap_race: %lu forks, %lu signals by id, %lu bad answers\n",
         (unsigned long)sh[5], (unsigned long)sh[2], (unsigned long)sh[4]);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- two members of one group reaped at once ---- */

/* Two LWPs of one parent reap the two members of a group the parent is not
 * in, at the same moment. Each reaper leaves the group before it gives its
 * reference back; the one that leaves last must see it is the last (and free
 * the group with the tree lock written), or the group's last reference goes
 * with the lock only read (a kernel panic). */
static void group_reap_lwp(void* arg) {
  volatile uint64_t* sh = arg;
  for (uint64_t round = 1;; ++round) {
    while (__atomic_load_n(&sh[1], __ATOMIC_ACQUIRE) < round)
      if (__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE)) exit_thread(0);
    int a = (int)sh[2], st = -1;
    if (waitpid(a, &st, 0) != a) __atomic_add_fetch(&sh[4], 1, __ATOMIC_RELAXED);
    __atomic_store_n(&sh[3], round, __ATOMIC_RELEASE);
  }
}

static void t_group_reap_race(void) {
  volatile uint64_t* sh = shared_page();
  int pid = fork();
  if (pid == 0) {
    if (ut_lwp_start(group_reap_lwp, (void*)sh, 16384) != 0) _exit(91);
    int bad = 0, rounds = 0;
    uint64_t end = now_ns() + 2000000000ull;
    while (now_ns() < end) {
      ++rounds;
      int a = fork();
      if (a == 0) { /* exits once it has been moved to its group */
        while (__atomic_load_n(&sh[6], __ATOMIC_ACQUIRE) < (uint64_t)rounds) sched_yield();
        _exit(0);
      }
      int b = fork();
      if (b == 0) {
        while (__atomic_load_n(&sh[6], __ATOMIC_ACQUIRE) < (uint64_t)rounds) sched_yield();
        _exit(0);
      }
      if (a < 0 || b < 0) _exit(92);
      if (syscall2(SYS_setpgid, a, a) != 0 || syscall2(SYS_setpgid, b, a) != 0) ++bad;
      __atomic_store_n(&sh[6], (uint64_t)rounds, __ATOMIC_RELEASE);
      sleep_ms(1); /* both zombies, most rounds */
      sh[2] = (uint64_t)a;
      __atomic_store_n(&sh[1], (uint64_t)rounds, __ATOMIC_RELEASE);
      int st = -1;
      if (waitpid(b, &st, 0) != b) ++bad;
      while (__atomic_load_n(&sh[3], __ATOMIC_ACQUIRE) < (uint64_t)rounds) sched_yield();
    }
    __atomic_store_n(&sh[0], 1, __ATOMIC_RELEASE);
    sh[5] = (uint64_t)rounds;
    _exit(bad || sh[4] ? 1 : 0);
  }
  expect_exit_0("both_reaped", pid);
  printf("UTEST-INFO group_reap_race: %lu rounds\n", (unsigned long)sh[5]);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- a zombie put back by a failed wait wakes the other waiters ---- */

/* One LWP claims a zombie over and over with a status pointer that faults
 * (EFAULT: the zombie is put back); another waits for any child. If the
 * second looked while the zombie was claimed, it sleeps: the put-back must
 * wake it, or it sleeps until the other, long-lived child ends. */
static void efault_wait_loop(void* arg) {
  volatile uint64_t* sh = arg;
  while (!__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE)) {
    int z = (int)__atomic_load_n(&sh[1], __ATOMIC_ACQUIRE);
    if (z > 0 && wait4(z, (int*)8, 0, 0) == -EFAULT)
      __atomic_add_fetch(&sh[2], 1, __ATOMIC_RELAXED);
  }
  __atomic_store_n(&sh[3], 1, __ATOMIC_RELEASE);
  exit_thread(0);
}

static void t_wait_putback_wakes(void) {
  volatile uint64_t* sh = shared_page();
  int pid = fork();
  if (pid == 0) {
    if (ut_lwp_start(efault_wait_loop, (void*)sh, 16384) != 0) _exit(91);
    int late = 0;
    for (int round = 0; round < 20; ++round) {
      int z = fork();
      if (z == 0) _exit(0);
      int l = fork();
      if (l == 0) {
        sleep_ms(1000); /* the wait below ends by then at the latest */
        _exit(0);
      }
      if (z < 0 || l < 0) _exit(92);
      sleep_ms(2); /* z a zombie */
      uint64_t claims = __atomic_load_n(&sh[2], __ATOMIC_ACQUIRE);
      __atomic_store_n(&sh[1], (uint64_t)z, __ATOMIC_RELEASE);
      uint64_t give_up = now_ns() + 500000000ull;
      while (__atomic_load_n(&sh[2], __ATOMIC_ACQUIRE) < claims + 2 && now_ns() < give_up)
        sched_yield(); /* the other LWP claims and puts z back, over and over */
      int st = -1;
      int got = waitpid(-1, &st, 0);
      __atomic_store_n(&sh[1], 0, __ATOMIC_RELEASE);
      if (got != z) ++late;
      if (got == z) kill_(l, SIGKILL);
      if (got != l) waitpid(l, &st, 0);
      if (got != z) waitpid(z, &st, 0);
    }
    __atomic_store_n(&sh[0], 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&sh[3], __ATOMIC_ACQUIRE)) sched_yield();
    sh[4] = (uint64_t)late;
    _exit(late ? 1 : 0);
  }
  expect_exit_0("waiter_woken", pid);
  printf(
      "UTEST-INFO wait_putback_wakes: %lu of 20 waits slept past the zombie, %lu EFAULT claims\n",
      (unsigned long)sh[4], (unsigned long)sh[2]);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- exec while other LWPs fault pages in and change the map ---- */

static void fault_loop(void* arg) {
  for (;;) {
    volatile char* p =
        mmap(0, 64 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (MAP_FAILED_P(p)) continue;
    for (int i = 0; i < 64; ++i) p[i * 4096] = (char)i;
    munmap((void*)p, 64 * 4096);
  }
}

static void map_loop(void* arg) {
  uint64_t s = 88172645463325252ull;
  for (;;) {
    s ^= s << 13, s ^= s >> 7, s ^= s << 17;
    size_t len = (1 + s % 16) * 4096;
    void* p = mmap(0, len, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (!MAP_FAILED_P(p)) munmap(p, len);
  }
}

static void t_exec_threads(void) {
  int good = 0, rounds = 12;
  for (int r = 0; r < rounds; ++r) {
    int pid = fork();
    if (pid == 0) {
      if (ut_lwp_start(fault_loop, 0, 16384) != 0 || ut_lwp_start(map_loop, 0, 16384) != 0)
        _exit(91);
      sleep_ms(5);
      char* argv[] = {"trusttest", "exit-later", "30", "7", 0};
      execve("/bin/trusttest", argv, environ);
      _exit(92);
    }
    int st = -1;
    if (!ut_wait_within(pid, 0, 10000, &st)) {
      abandon(pid);
      printf("UTEST-INFO exec_threads: round %d did not end\n", r);
      continue;
    }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 7)
      ++good;
    else
      printf("UTEST-INFO exec_threads: round %d: status 0x%x\n", r, st);
  }
  ut_check("new_image_alone", good == rounds, "%d of %d execs ended as the new program", good,
           rounds);
  invariants();
}

/* ---- one user's LWPs and processes leave room for others ---- */

static void t_lwp_exhaust(void) {
  volatile uint64_t* sh = shared_page();
  int hog = fork();
  if (hog == 0) {
    setuid_(1000);
    char* stacks = mmap(0, 4096 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    long err = 0;
    uint64_t n = 0;
    for (; n < 4096; ++n) {
      struct lwp_params lp = {(void*)sleep_forever_lwp, 0, stacks + (n + 1) * 4096, 0, 0};
      err = syscall1(SYS_lwp_create, (long)&lp);
      if (err != 0) break;
    }
    sh[0] = n;
    sh[1] = (uint64_t)-err;
    __atomic_store_n(&sh[2], 1, __ATOMIC_RELEASE);
    sleep_forever();
  }
  while (!__atomic_load_n(&sh[2], __ATOMIC_ACQUIRE)) sleep_ms(5);
  ut_check("refused_with_eagain", sh[1] == EAGAIN && sh[0] < 4096, "%lu LWPs, then error %lu",
           (unsigned long)sh[0], (unsigned long)sh[1]);
  printf("UTEST-INFO lwp_exhaust: uid 1000 made %lu LWPs before it was refused\n",
         (unsigned long)sh[0]);
  /* Another user, and root, can still fork and make LWPs. */
  int other = fork();
  if (other == 0) {
    setuid_(1001);
    int c = fork();
    if (c == 0) _exit(4);
    int st = -1;
    int ok = c > 0 && waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 4;
    ok &= ut_lwp_start(sleep_forever_lwp, 0, 16384) == 0;
    _exit(ok ? 0 : 1);
  }
  expect_exit_0("other_user_forks", other);
  int st = -1;
  int mine = fork();
  if (mine == 0) _exit(5);
  ut_check("root_forks", mine > 0 && waitpid(mine, &st, 0) == mine, "fork %d", mine);
  kill_(hog, SIGKILL);
  int ended = ut_wait_within(hog, 0, 10000, &st);
  ut_check("hog_killed", ended && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "status 0x%x", st);
  munmap((void*)sh, 4096);
  invariants();
}

/* A non-root fork bomb with the default limits: another user can still fork. */
static void t_user_fork_bomb(void) {
  volatile uint64_t* sh = shared_page();
  int bomber = fork();
  if (bomber == 0) {
    syscall0(SYS_setsid);
    setuid_(1000);
    uint64_t made = 0;
    for (;;) {
      int p = fork();
      if (p == 0) sleep_forever();
      if (p > 0) ++made;
      if (p == -EAGAIN) break;
    }
    sh[0] = made;
    __atomic_store_n(&sh[1], 1, __ATOMIC_RELEASE);
    sleep_forever();
  }
  while (!__atomic_load_n(&sh[1], __ATOMIC_ACQUIRE)) sleep_ms(5);
  printf("UTEST-INFO user_fork_bomb: uid 1000 made %lu processes before EAGAIN\n",
         (unsigned long)sh[0]);
  int other = fork();
  if (other == 0) {
    setuid_(1001);
    int ok = 1;
    for (int i = 0; i < 8; ++i) {
      int c = fork();
      if (c == 0) _exit(0);
      int st;
      ok &= c > 0 && waitpid(c, &st, 0) == c;
    }
    _exit(ok ? 0 : 1);
  }
  expect_exit_0("other_user_forks", other);
  int st = -1;
  kill_(-bomber, SIGKILL);
  waitpid(bomber, &st, 0);
  /* The bomb's children went to init: wait until they are reaped. */
  for (int i = 0; i < 400 && kill_(-bomber, 0) != -ESRCH; ++i) sleep_ms(10);
  UT_EQ("bomb_gone", kill_(-bomber, 0), -ESRCH);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- one process's region entries are bounded ---- */

static void t_map_count_limit(void) {
  int pid = fork();
  if (pid == 0) {
    setuid_(1000);
    size_t pages = 20000;
    char* p = mmap(0, pages * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (MAP_FAILED_P(p)) _exit(90);
    /* Every other page read-only: each call splits an entry in three. */
    size_t done = 0;
    long r = 0;
    for (size_t i = 1; i < pages; i += 2, ++done)
      if ((r = mprotect(p + i * 4096, 4096, PROT_READ)) != 0) break;
    int ok = r == -ENOMEM && done > 1000 && done < 8192;
    ok &= munmap(p, pages * 4096) == 0; /* whole entries go without a split */
    _exit(ok ? 0 : 1);
  }
  expect_exit_0("enomem_past_the_limit", pid);
}

/* ---- the debugging calls need root ---- */

static void t_debug_root_only(void) {
  int pid = fork();
  if (pid == 0) {
    setuid_(1000);
    int bad = 0;
    bad |= (tine_proc(TINE_PROC_FAIL_NTH, 1000000) != -EPERM) << 0;
    bad |= (tine_proc(TINE_PROC_FAIL_PENDING, 0) != -EPERM) << 1;
    bad |= (tine_proc(TINE_PROC_PS, 0) != -EPERM) << 2;
    bad |= (tine_proc(TINE_PROC_CHECK, 0) != -EPERM) << 3;
    bad |= (tine_vmctl(VMCTL_SET_FORK_MODE, 0) != -EPERM) << 4;
    bad |= (tine_vmctl(VMCTL_DUMP, 0) != -EPERM) << 5;
    struct tine_kstat k;
    bad |= (tine_kstat(&k, TINE_KSTAT_SETTLE) != -EPERM) << 6;
    bad |= (tine_kstat(&k, 0) <= 0) << 7; /* reading counters is fine */
    struct tine_proc_stats s;
    bad |= (tine_proc(TINE_PROC_STATS, (long)&s) != 0) << 8;
    _exit(bad);
  }
  int st = -1;
  waitpid(pid, &st, 0);
  ut_check("non_root_refused", WIFEXITED(st) && WEXITSTATUS(st) == 0, "mask 0x%x (status 0x%x)",
           WEXITSTATUS(st), st);
  tine_proc(TINE_PROC_FAIL_NTH, 0); /* in case the refusal did not happen */
  invariants();
}

/* ---- SIGKILL ends every sleep a user can cause ---- */

static void t_kill_nanosleep(void) {
  int pid = fork();
  if (pid == 0) {
    struct timespec t = {1000000, 0};
    nanosleep(&t, 0);
    _exit(1);
  }
  sleep_ms(50);
  expect_sigkill_ends("nanosleep", pid, 3000);
}

static void t_kill_console_read(void) {
  int pid = fork();
  if (pid == 0) {
    char c;
    read(0, &c, 1);
    _exit(1);
  }
  sleep_ms(50);
  expect_sigkill_ends("console_read", pid, 3000);
}

static void t_kill_vfork_wait(void) {
  volatile uint64_t* sh = shared_page();
  int pid = fork();
  if (pid == 0) {
    long c = svc0(SYS_vfork);
    if (c == 0) {
      sh[0] = (uint64_t)getpid();
      sleep_forever();
    }
    _exit(1);
  }
  while (!__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE)) sleep_ms(5);
  sleep_ms(20);
  expect_sigkill_ends("vfork_parent", pid, 3000);
  int g = (int)sh[0];
  kill_(g, SIGKILL); /* the vfork child, now init's */
  for (int i = 0; i < 600 && kill_(g, 0) != -ESRCH; ++i) sleep_ms(5);
  UT_EQ("vfork_child_gone", kill_(g, 0), -ESRCH);
  munmap((void*)sh, 4096);
}

/* A vfork parent that leaves its wait to die (a signal that ends it came)
 * dies there, writing nothing on the stack the child is still using. It
 * used to take a caught signal of a lower number first on its way out: its
 * handler's frame (the vfork's result, the child's pid, in x0, the pc after
 * the svc) went onto the child's stack before the fatal signal ended it,
 * over the child's own signal frame, and the child came back from its
 * handler as if from vfork, in its parent's code (fuzz seed 202, round 46).
 * Here the child raises SIGUSR2 at the very sp of the vfork; its handler
 * sends the parent a caught signal and then one that ends it. */
long vw_vfork(void);
__asm__(
    ".global vw_vfork\n"
    "vw_vfork:\n"
    "  mov x8, #1066\n  svc #0\n" /* vfork */
    "  cbnz x0, 1f\n"
    "  mov x8, #172\n  svc #0\n"                /* the child: getpid */
    "  mov x1, #12\n  mov x8, #129\n  svc #0\n" /* kill(self, SIGUSR2): its frame at this sp */
    "  mov x0, #0\n  mov x8, #94\n  svc #0\n"   /* exit_group(0) */
    "1: ret\n");
static volatile uint64_t* g_vw_sh;
static int g_vw_caught, g_vw_fatal;
static void vw_parent_handler(int sig) {
  (void)sig;
  __atomic_add_fetch(&g_vw_sh[1], 1, __ATOMIC_ACQ_REL);
}
static void vw_child_handler(int sig) {
  (void)sig;
  int pp = getppid();
  kill_(pp, g_vw_caught);
  sleep_ms(20); /* the parent waits on: a caught signal does not end the wait */
  kill_(pp, g_vw_fatal);
  sleep_ms(100); /* the parent is gone by now */
  __atomic_store_n(&g_vw_sh[2], 1, __ATOMIC_RELEASE);
}

static void t_vfork_wait_no_frame(void) {
  static const int kPairs[][2] = {{SIGUSR1, 15 /* SIGTERM */}, {2 /* SIGINT */, SIGKILL}};
  for (unsigned k = 0; k < sizeof kPairs / sizeof kPairs[0]; ++k) {
    g_vw_caught = kPairs[k][0];
    g_vw_fatal = kPairs[k][1];
    volatile uint64_t* sh = shared_page();
    g_vw_sh = sh;
    int pid = fork();
    if (pid == 0) {
      signal_action(g_vw_caught, vw_parent_handler, 0, 0, 0);
      signal_action(SIGUSR2, vw_child_handler, 0, 0, 0); /* the child's copy runs it */
      long c = vw_vfork();
      __atomic_store_n(&sh[3], (uint64_t)c, __ATOMIC_RELEASE); /* back from vfork: must not be */
      __atomic_store_n(&sh[4], (uint64_t)getpid(), __ATOMIC_RELEASE);
      _exit(1);
    }
    int st = -1;
    int ended = ut_wait_within(pid, 0, 3000, &st);
    ut_check("vfork_parent_killed", ended && WIFSIGNALED(st) && WTERMSIG(st) == g_vw_fatal,
             "signal %d: ended %d status 0x%x", g_vw_fatal, ended, st);
    if (!ended) abandon(pid);
    for (int i = 0; i < 600 && !__atomic_load_n(&sh[2], __ATOMIC_ACQUIRE); ++i) sleep_ms(5);
    UT_EQ("vfork_child_handled", sh[2], 1);
    sleep_ms(50); /* the child's way back from its handler */
    ut_check("no_return_from_vfork", sh[3] == 0,
             "signals %d, %d: vfork returned %lu in pid %lu (the parent was %d)", g_vw_caught,
             g_vw_fatal, (unsigned long)sh[3], (unsigned long)sh[4], pid);
    ut_check("no_handler_in_parent", sh[1] == 0, "the parent's handler ran %lu times",
             (unsigned long)sh[1]);
    munmap((void*)sh, 4096);
  }
  invariants();
}

static void t_kill_lwp_wait(void) {
  int pid = fork();
  if (pid == 0) {
    if (ut_lwp_start(sleep_forever_lwp, 0, 16384) != 0) _exit(91);
    sleep_ms(20);
    _exit(3); /* exit_group: the sleeping LWP must go */
  }
  expect_exit_within("exit_with_sleeping_lwp", pid, 3000, 3);
}

static void t_kill_wait4(void) {
  volatile uint64_t* sh = shared_page();
  int pid = fork();
  if (pid == 0) {
    int g = fork();
    if (g == 0) sleep_forever();
    sh[0] = (uint64_t)g;
    int st;
    waitpid(g, &st, 0);
    _exit(1);
  }
  while (!__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE)) sleep_ms(5);
  sleep_ms(20);
  expect_sigkill_ends("wait4", pid, 3000);
  int g = (int)sh[0];
  kill_(g, SIGKILL);
  for (int i = 0; i < 600 && kill_(g, 0) != -ESRCH; ++i) sleep_ms(5);
  munmap((void*)sh, 4096);
}

/* A copy of 2 GiB inside the kernel (sendfile from a memory device to
 * /dev/null) stops for SIGKILL: it once ran to its end, unkillable. */
static void kill_sendfile_from(const char* dev) {
  int pid = fork();
  if (pid == 0) {
    int out = open("/dev/null", O_WRONLY, 0);
    int in = open(dev, O_RDONLY, 0);
    if (out < 0 || in < 0) _exit(90);
    sendfile(out, in, 0, 0x7ffff000);
    _exit(1);
  }
  sleep_ms(100);
  char name[64];
  snprintf(name, sizeof name, "sendfile_%s", dev + 5);
  expect_sigkill_ends(name, pid, 1500);
}

static void t_kill_sendfile(void) {
  kill_sendfile_from("/dev/urandom");
  kill_sendfile_from("/dev/zero");
}

/* A write of nearly 2 GiB to /dev/urandom (each 32 bytes mixed into the
 * generator's key) stops for SIGKILL: it once ran to its end, unkillable,
 * for minutes. The same 2 MiB are written 1,023 times over (writev). */
static void t_kill_random_write(void) {
  int pid = fork();
  if (pid == 0) {
    static char two_mib[2 << 20];
    static struct iovec iov[1023];
    for (int i = 0; i < 1023; ++i) iov[i] = (struct iovec){two_mib, sizeof two_mib};
    int fd = open("/dev/urandom", O_WRONLY, 0);
    if (fd < 0) _exit(90);
    writev(fd, iov, 1023);
    _exit(1);
  }
  sleep_ms(100);
  expect_sigkill_ends("killed", pid, 1500);
}

/* MADV_POPULATE_READ of 32 GiB (more than the machine has: each read fault
 * takes a zeroed page) stops for SIGKILL: it once ran on, unkillable, until
 * memory ran out (Linux's madvise_populate checks between pages). */
static void t_kill_populate(void) {
  int pid = fork();
  if (pid == 0) {
    void* p =
        mmap(0, 32ul << 30, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | 0x4000 /* NORESERVE */, -1, 0);
    if ((long)p < 0 && (long)p > -4096) _exit(90);
    syscall3(SYS_madvise, (long)p, 32l << 30, 22 /* MADV_POPULATE_READ */);
    _exit(1);
  }
  sleep_ms(100);
  expect_sigkill_ends("killed", pid, 1500);
}

/* Per-user memory (docs/user-abi.md, "Limits"): a user other than root
 * holds at most half of RAM. */
enum { MADV_POPULATE_WRITE = 23, SYS_mincore = 232, SYS_sysinfo = 179 };
static long set_all_uids(long uid) { return syscall3(147 /* setresuid */, uid, uid, uid); }

static uint64_t total_ram(void) {
  uint64_t info[14] = {0}; /* struct sysinfo: totalram is word 4 */
  syscall1(SYS_sysinfo, (long)info);
  return info[4];
}

/* Pages of [p, p + len) in memory, when those that are form a prefix. */
static uint64_t resident_prefix(uint8_t* p, uint64_t len) {
  uint64_t lo = 0, hi = len / 4096; /* lo pages in, hi the first maybe not */
  while (lo < hi) {
    uint64_t mid = (lo + hi) / 2;
    uint8_t v = 0;
    syscall3(SYS_mincore, (long)(p + mid * 4096), 4096, (long)&v);
    if (v & 1)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo;
}

/* Root (as who) or another user maps and writes 64 MiB. */
static int can_take_64mib(long uid) {
  int pid = fork();
  if (pid == 0) {
    if (uid && set_all_uids(uid) != 0) _exit(80);
    long len = 64l << 20;
    uint8_t* p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if ((long)p < 0 && (long)p > -4096) _exit(81);
    _exit(syscall3(SYS_madvise, (long)p, len, MADV_POPULATE_WRITE) == 0 ? 0 : 82);
  }
  int st = -1;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* A user that writes more than RAM gets half of it and no more; root and
 * other users still get memory while it holds that half, and it all comes
 * back when the process ends. */
static void t_memory_user_share(void) {
  volatile uint64_t* sh = shared_page();
  uint64_t ram = total_ram();
  int pid = fork();
  if (pid == 0) {
    if (set_all_uids(2000) != 0) _exit(80);
    uint64_t len = ram + (ram >> 1);
    uint8_t* p = mmap(0, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | 0x4000 /* NORESERVE */, -1, 0);
    if ((long)p < 0 && (long)p > -4096) _exit(81);
    long r = syscall3(SYS_madvise, (long)p, (long)len, MADV_POPULATE_WRITE);
    /* Room for what the rest needs (a write to sh copies a shared page
     * table, a deeper call a stack page): the first 16 MiB go. */
    uint64_t head = 16u << 20;
    munmap(p, head);
    sh[1] = (uint64_t)r;
    sh[2] = head + resident_prefix(p + head, len - head) * 4096;
    __atomic_store_n(&sh[0], 1, __ATOMIC_RELEASE);
    for (;;) sleep_ns(1000000000ull);
  }
  uint64_t t0 = now_ns();
  while (!__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE) && now_ns() - t0 < 60000000000ull) sleep_ms(20);
  UT_EQ("refused", (long)sh[1], -ENOMEM);
  /* What stopped it is the share, not the end of memory. */
  ut_check("half_of_ram", sh[2] <= ram / 2 && sh[2] > ram / 2 - (ram >> 4),
           "got %llu of %llu bytes", (unsigned long long)sh[2], (unsigned long long)ram);
  UT_CHECK("root_gets_memory", can_take_64mib(0));
  UT_CHECK("other_user_gets_memory", can_take_64mib(3000));
  uint64_t free_held = 0;
  {
    uint64_t info[14] = {0};
    syscall1(SYS_sysinfo, (long)info);
    free_held = info[5];
  }
  kill_and_reap(pid);
  uint64_t info[14] = {0};
  syscall1(SYS_sysinfo, (long)info);
  /* (less the 16 MiB it had given back already) */
  ut_check("given_back", info[5] >= free_held + sh[2] - (16u << 20) - (ram >> 6),
           "free %llu, was %llu", (unsigned long long)info[5], (unsigned long long)free_held);
  invariants();
}

/* A shared mapping's page index (8 bytes a page, made at mmap, in a block
 * of a power of two of pages) is charged too: a user mapping shared objects
 * over and over is refused at its share, and the kernel keeps memory for
 * everyone else. Two sizes: 2 GiB (an index of 1,024 pages) and 64 MiB and
 * a page (33 pages of index, in a block of 64: once charged as 33, which
 * let a user take twice its share). */
static void shared_index_fill(const char* size_name, long len, uint64_t index_pages) {
  volatile uint64_t* sh = shared_page();
  int pid = fork();
  if (pid == 0) {
    if (set_all_uids(2000) != 0) _exit(80);
    long n = 0, r = 0;
    for (; n < 8192; ++n) {
      r = (long)mmap(0, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
      if (r < 0 && r > -4096) break;
    }
    sh[1] = (uint64_t)n;
    sh[2] = (uint64_t)r;
    __atomic_store_n(&sh[0], 1, __ATOMIC_RELEASE);
    for (;;) sleep_ns(1000000000ull);
  }
  uint64_t t0 = now_ns();
  while (!__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE) && now_ns() - t0 < 60000000000ull) sleep_ms(20);
  printf("UTEST-INFO %s: %llu mappings\n", size_name, (unsigned long long)sh[1]);
  UT_EQ("refused", (long)sh[2], -ENOMEM);
  /* Refused at the share (half of RAM), not before and not after. */
  uint64_t held = sh[1] * index_pages * 4096, ram = total_ram();
  ut_check("at_share", held <= ram / 2 && held + (ram >> 4) >= ram / 2, "%llu bytes of index",
           (unsigned long long)held);
  UT_CHECK("root_gets_memory", can_take_64mib(0));
  UT_CHECK("other_user_gets_memory", can_take_64mib(3000));
  kill_and_reap(pid);
  munmap((void*)sh, 4096);
}
static void t_memory_shared_index(void) {
  shared_index_fill("2GiB", 2l << 30, 1024);
  shared_index_fill("64MiB+4KiB", (64l << 20) + 4096, 64);
  invariants();
}

/* A vfork child shares its parent's space: its setuid leaves the space
 * charged to the parent's uid (once it moved it to the child's, whose share
 * then bounded the parent). */
static void t_memory_vfork_setuid(void) {
  volatile uint64_t* sh = shared_page();
  int hog = fork();
  if (hog == 0) {
    if (set_all_uids(2000) != 0) _exit(80);
    uint64_t len = total_ram();
    uint8_t* p = mmap(0, len, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | 0x4000 /* NORESERVE */, -1, 0);
    long r = syscall3(SYS_madvise, (long)p, (long)len, MADV_POPULATE_WRITE);
    munmap(p, 16u << 20); /* room for what the rest needs */
    sh[1] = (uint64_t)r;
    __atomic_store_n(&sh[0], 1, __ATOMIC_RELEASE);
    for (;;) sleep_ns(1000000000ull);
  }
  uint64_t t0 = now_ns();
  while (!__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE) && now_ns() - t0 < 60000000000ull) sleep_ms(20);
  UT_EQ("user_at_share", (long)sh[1], -ENOMEM);
  int pid = fork();
  if (pid == 0) {
    long c = svc0(SYS_vfork);
    if (c == 0) {
      svc1(SYS_setuid, 2000);
      svc1(94 /* exit_group */, 0);
    }
    long len = 64l << 20;
    uint8_t* p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    _exit(syscall3(SYS_madvise, (long)p, len, MADV_POPULATE_WRITE) == 0 ? 0 : 1);
  }
  expect_exit_0("parent_still_root_paid", pid);
  kill_and_reap(hog);
  munmap((void*)sh, 4096);
  invariants();
}

/* nanosleep longer than the clock can count sleeps (it must not wrap to a
 * short sleep), and SIGKILL still ends it. */
static void t_nanosleep_huge(void) {
  int pid = fork();
  if (pid == 0) {
    struct timespec t = {0x7fffffffffffffffll, 999999999};
    nanosleep(&t, 0);
    _exit(1);
  }
  sleep_ms(200);
  int st = -1;
  UT_EQ("still_asleep", waitpid(pid, &st, WNOHANG), 0);
  expect_sigkill_ends("killed", pid, 3000);
}

/* A caught signal ends nanosleep with -EINTR and the time left (Linux). */
static void on_usr1(int sig) {}
static void t_nanosleep_eintr(void) {
  volatile uint64_t* sh = shared_page();
  int pid = fork();
  if (pid == 0) {
    signal_action(SIGUSR1, on_usr1, 0, 0, 0);
    __atomic_store_n(&sh[0], 1, __ATOMIC_RELEASE);
    struct timespec t = {20, 0}, rem = {0, 0};
    long r = nanosleep(&t, &rem);
    int ok = r == -EINTR && rem.tv_sec > 10 && rem.tv_sec <= 20;
    /* Interrupted with a rem the kernel cannot write: -EFAULT. */
    __atomic_store_n(&sh[0], 2, __ATOMIC_RELEASE);
    r = nanosleep(&t, (struct timespec*)0xffff000000001000ull);
    ok &= r == -EFAULT;
    _exit(ok ? 0 : 1);
  }
  for (uint64_t want = 1; want <= 2; ++want) {
    while (__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE) != want) sleep_ms(5);
    sleep_ms(50);
    kill_(pid, SIGUSR1);
  }
  expect_exit_within("eintr_and_rem", pid, 3000, 0);
  munmap((void*)sh, 4096);
}

/* ---- exec gives an RFSIGSHARE child its own signal actions ---- */

static char g_stack[16384] __attribute__((aligned(16)));
static int exec_exit0(void* arg) {
  char* argv[] = {"trusttest", "exit", "0", 0};
  execve("/bin/trusttest", argv, environ);
  return 99;
}

static volatile int g_usr1_seen;
static void count_usr1(int sig) { ++g_usr1_seen; }

static void t_sigshare_exec(void) {
  int pid = fork();
  if (pid == 0) {
    signal_action(SIGUSR1, count_usr1, 0, 0, 0);
    long c = rfork_thread(RFPROC | RFFDG | RFSIGSHARE, g_stack + sizeof g_stack, exec_exit0, 0);
    int st = -1;
    if (c <= 0 || waitpid((int)c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0) _exit(2);
    kill_(getpid(), SIGUSR1); /* our handler must still be there */
    _exit(g_usr1_seen == 1 ? 0 : 3);
  }
  expect_exit_0("parent_keeps_handler", pid);
  invariants();
}

/* ---- RLIMIT_NPROC 0 means no process may be added ---- */

static void t_nproc_zero(void) {
  int pid = fork();
  if (pid == 0) {
    struct rlim z = {0, 0};
    if (prlimit_(0, RLIMIT_NPROC, &z, 0) != 0) _exit(90);
    setuid_(1000);
    int c = fork();
    if (c == 0) _exit(0);
    if (c > 0) {
      waitpid(c, 0, 0);
      _exit(1);
    }
    _exit(c == -EAGAIN ? 0 : 2);
  }
  expect_exit_0("fork_eagain", pid);
  invariants();
}

/* ---- a program whose only data is zero-initialised ---- */

static void t_bss_only_program(void) {
  int pid = fork();
  if (pid == 0) {
    char* argv[] = {"bssonly", 0};
    long r = execve("/bin/bssonly", argv, environ);
    _exit(100 + (int)-r);
  }
  expect_exit_0("loads_and_runs", pid);
}

/* ---- limits replaced while the process forks ---- */

static void prlimit_loop(void* arg) {
  volatile uint64_t* sh = arg;
  for (uint64_t i = 0; !stop_asked(sh); ++i) {
    struct rlim r = {64 + i % 64, RLIM_INFINITY};
    prlimit_(0, RLIMIT_NOFILE, &r, 0);
  }
  lwp_stopped(sh);
}

static void t_prlimit_fork(void) {
  volatile uint64_t* sh = shared_page();
  int pid = fork();
  if (pid == 0) {
    if (ut_lwp_start(prlimit_loop, (void*)sh, 16384) != 0) _exit(91);
    uint64_t end = now_ns() + 2000000000ull;
    int bad = 0;
    while (now_ns() < end) {
      int c = fork();
      if (c == 0) _exit(0);
      int st;
      if (c < 0 || waitpid(c, &st, 0) != c) ++bad;
    }
    stop_lwp(sh);
    _exit(bad ? 1 : 0);
  }
  /* Meanwhile its parent replaces them from outside. */
  for (uint64_t i = 0; !stop_asked(sh); ++i) {
    struct rlim r = {128 + i % 64, RLIM_INFINITY};
    if (prlimit_(pid, RLIMIT_NOFILE, &r, 0) != 0) break;
  }
  expect_exit_0("forks_clean", pid);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- prlimit64 on the thread id of one of the caller's own LWPs ---- */

/* An LWP that publishes its thread id (Linux's gettid: from the pid space)
 * and stays until told to go. */
static void tid_lwp(void* arg) {
  volatile uint64_t* sh = arg;
  __atomic_store_n(&sh[1], (uint64_t)syscall0(SYS_gettid), __ATOMIC_RELEASE);
  while (!stop_asked(sh)) sched_yield();
  exit_thread(0);
}

/* prlimit64 takes a pid or a thread id; one of the caller's own LWPs' ids
 * names the caller. The call must leave nothing behind: the process that
 * made it is reaped (its reaper waits for every hold on it to go) by a
 * middle process, which the test waits for with a time limit. */
static void t_prlimit_own_tid(void) {
  volatile uint64_t* sh = shared_page();
  int mid = fork();
  if (mid == 0) {
    int c = fork();
    if (c == 0) {
      if (ut_lwp_start(tid_lwp, (void*)sh, 16384) != 0) _exit(91);
      while (!__atomic_load_n(&sh[1], __ATOMIC_ACQUIRE)) sched_yield();
      struct rlim old = {0, 0};
      long e = prlimit_((int)sh[1], RLIMIT_NOFILE, 0, &old);
      __atomic_store_n(&sh[0], 1, __ATOMIC_RELEASE);
      _exit(e == 0 && old.max != 0 ? 5 : 90);
    }
    int st = -1;
    int r = waitpid(c, &st, 0);
    _exit(r == c && WIFEXITED(st) && WEXITSTATUS(st) == 5 ? 0 : 1);
  }
  int st = -1;
  int done = ut_wait_within(mid, 0, 5000, &st);
  ut_check("child_reaped", done,
           "the process that called prlimit64 on its own LWP's id was not "
           "reaped within 5 s");
  if (done)
    ut_check("prlimit_on_own_tid", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
  else
    abandon(mid);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- signals sent to children that fork is still building ---- */

static void usr2_loop(void* arg) {
  volatile uint64_t* sh = arg;
  while (!stop_asked(sh)) {
    int last = (int)__atomic_load_n(&sh[2], __ATOMIC_ACQUIRE);
    for (int k = 1; k <= 3 && last > 0; ++k) kill_(last + k, SIGUSR2);
  }
  lwp_stopped(sh);
}
static void ignore_usr2(int sig) {}

static void t_kill_new_child(void) {
  volatile uint64_t* sh = shared_page();
  int pid = fork();
  if (pid == 0) {
    signal_action(SIGUSR2, ignore_usr2, 0, 0, 0);
    if (ut_lwp_start(usr2_loop, (void*)sh, 16384) != 0) _exit(91);
    uint64_t end = now_ns() + 2000000000ull;
    int bad = 0;
    while (now_ns() < end) {
      int c = fork();
      if (c == 0) _exit(0);
      if (c < 0) continue;
      __atomic_store_n(&sh[2], (uint64_t)c, __ATOMIC_RELEASE);
      int st;
      while (waitpid(c, &st, 0) == -EINTR) {
      }
      if (!WIFEXITED(st)) ++bad;
    }
    stop_lwp(sh);
    _exit(bad ? 1 : 0);
  }
  expect_exit_0("forks_clean", pid);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- an address space left by rfork without RFPROC goes with its last user ---- */

static int unshare_and_sleep(void* arg) {
  volatile uint64_t* sh = arg;
  long r = syscall1(SYS_rfork, 0); /* no RFMEM: a private copy of the shared space */
  sh[1] = (uint64_t)r;
  __atomic_store_n(&sh[0], 1, __ATOMIC_RELEASE);
  sleep_forever();
  return 0;
}

static void t_unshare_vmspace(void) {
  volatile uint64_t* sh = shared_page();
  struct tine_kstat k0, k1;
  tine_kstat(&k0, 0);
  int c = -1;
  int p = fork();
  if (p == 0) {
    long r = rfork_thread(RFPROC | RFMEM, g_stack + sizeof g_stack, unshare_and_sleep, (void*)sh);
    while (!__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE)) sched_yield();
    sh[2] = (uint64_t)r;
    _exit(0); /* the old space's last user */
  }
  while (!__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE)) sleep_ms(5);
  UT_EQ("unshare_ok", (long)sh[1], 0);
  /* p is a zombie (not reaped yet), its child c sleeps in a space of its own. */
  for (int i = 0; i < 200 && !sh[2]; ++i) sleep_ms(5);
  c = (int)sh[2];
  int zombie = 0;
  for (int i = 0; i < 200 && !zombie; ++i) {
    tine_kstat(&k1, 0);
    zombie = k1.vmspaces == k0.vmspaces + 1;
    if (!zombie) sleep_ms(5);
  }
  ut_check("old_space_released_at_exit", zombie, "vmspaces %lu, %lu before (+1 expected)",
           (unsigned long)k1.vmspaces, (unsigned long)k0.vmspaces);
  int st;
  waitpid(p, &st, 0);
  kill_(c, SIGKILL);
  for (int i = 0; i < 600 && kill_(c, 0) != -ESRCH; ++i) sleep_ms(5);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- gettid: one number space for every thread of the system ---- */

static void record_tid(void* arg) {
  volatile uint64_t* slot = arg;
  __atomic_store_n(slot, (uint64_t)gettid(), __ATOMIC_RELEASE);
  sleep_forever();
}

static void t_gettid_system_wide(void) {
  volatile uint64_t* sh = shared_page();
  int kids[2];
  for (int k = 0; k < 2; ++k) {
    kids[k] = fork();
    if (kids[k] == 0) {
      sh[8 * k] = (uint64_t)gettid();
      for (int i = 1; i < 4; ++i) ut_lwp_start(record_tid, (void*)&sh[8 * k + i], 16384);
      sleep_forever();
    }
  }
  int all = 0;
  for (int t = 0; t < 400 && !all; ++t) {
    all = 1;
    for (int k = 0; k < 2; ++k)
      for (int i = 0; i < 4; ++i) all &= __atomic_load_n(&sh[8 * k + i], __ATOMIC_ACQUIRE) != 0;
    if (!all) sleep_ms(5);
  }
  UT_CHECK("all_recorded", all);
  UT_CHECK("first_is_pid", (int)sh[0] == kids[0] && (int)sh[8] == kids[1]);
  int distinct = 1, signalable = 1;
  for (int a = 0; a < 8; ++a) {
    uint64_t ta = sh[8 * (a / 4) + a % 4];
    for (int b = a + 1; b < 8; ++b)
      if (ta == sh[8 * (b / 4) + b % 4]) distinct = 0;
    signalable &= kill_((int)ta, 0) == 0; /* a thread id names its process */
  }
  UT_CHECK("distinct", distinct);
  UT_CHECK("ids_in_pid_space", signalable);
  for (int k = 0; k < 2; ++k) kill_and_reap(kids[k]);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- a stop sent to one thread stops the process ---- */

/* tgkill(SIGSTOP) to an LWP that is not the first: the whole process stops
 * (wait4 WUNTRACED sees it) and tgkill(SIGCONT) to the same LWP continues
 * it. With per-thread pending sets, a stop left in the LWP's own set was
 * never taken: the LWP found it again on every way out, forever. */

static void spin_tid(void* arg) {
  volatile uint64_t* slot = arg;
  __atomic_store_n(slot, (uint64_t)gettid(), __ATOMIC_RELEASE);
  for (;;) sched_yield();
}

static void t_tgkill_stop_continue(void) {
  volatile uint64_t* sh = shared_page();
  int pid = fork();
  if (pid == 0) {
    if (ut_lwp_start(spin_tid, (void*)&sh[0], 16384) != 0) _exit(91);
    for (;;) sched_yield();
  }
  for (int t = 0; t < 400 && !__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE); ++t) sleep_ms(5);
  int tid = (int)sh[0];
  UT_CHECK("lwp_started", tid > 0 && tid != pid);
  int st = 0;
  UT_CHECK("tgkill_stop", syscall3(131, pid, tid, 19) == 0);
  UT_CHECK("stopped",
           ut_wait_within(pid, WUNTRACED, 5000, &st) && (st & 0xffff) == (0x7f | 19 << 8));
  UT_CHECK("tgkill_cont", syscall3(131, pid, tid, 18) == 0);
  UT_CHECK("continued", ut_wait_within(pid, WCONTINUED, 5000, &st) && (st & 0xffff) == 0xffff);
  kill_and_reap(pid);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- a process with no_new_privs runs on ---- */

/* prctl(PR_SET_NO_NEW_PRIVS) set a flag bit that job control also used for
 * "stopped": the process parked on its next way out to EL0, for good. */

static void t_no_new_privs_runs(void) {
  int pid = fork();
  if (pid == 0) {
    if (syscall2(167, 38 /* PR_SET_NO_NEW_PRIVS */, 1) != 0) _exit(2);
    for (int i = 0; i < 100; ++i) sched_yield();
    _exit(syscall2(167, 39 /* PR_GET_NO_NEW_PRIVS */, 0) == 1 ? 0 : 3);
  }
  int st = -1;
  int done = ut_wait_within(pid, 0, 5000, &st);
  UT_CHECK("runs_and_exits", done && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  if (!done) kill_and_reap(pid);
  invariants();
}

/* ---- mremap's lengths cannot wrap the address space ---- */

enum { MREMAP_MAYMOVE = 1, MADV_WIPEONFORK = 18, EINVAL_ = 22, ENOMEM_ = 12 };

static long mremap_(void* a, size_t old_len, size_t new_len, int flags) {
  return syscall4(SYS_mremap, (long)a, (long)old_len, (long)new_len, flags);
}

/* A length past the top of user memory once made a growing region end below
 * its start (and fork then met it); one past the top from the mapping's
 * address must fail without touching the mapping (Linux: -EINVAL, -ENOMEM). */
static void t_mremap_wrap(void) {
  int pid = fork();
  if (pid == 0) {
    int bad = 0;
    char* a = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    syscall3(SYS_madvise, (long)a, 4096, MADV_WIPEONFORK);
    if (mremap_(a, 4096, (size_t)-4096, 0) != -EINVAL_) bad |= 1;
    if (mremap_(a, 4096, (size_t)-4096, MREMAP_MAYMOVE) != -EINVAL_) bad |= 2;
    if (mremap_(a, 4096, (1ull << 39) + 4096, 0) != -EINVAL_) bad |= 4;
    if (mremap_(a, 4096, (1ull << 39) - 4096, 0) != -ENOMEM_) bad |= 8;
    int c = fork();
    if (c == 0) _exit(0);
    int st = -1;
    waitpid(c, &st, 0);
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) bad |= 16;
    /* From a page inside a larger mapping: the mapping stays whole. */
    char* b = mmap(0, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    memset(b, 7, 4 * 4096);
    if (mremap_(b + 4096, 3 * 4096, (size_t)-8192, 0) != -EINVAL_) bad |= 32;
    if (mremap_(b + 4096, 3 * 4096, (1ull << 39) - 8192, 0) != -ENOMEM_) bad |= 64;
    if (b[0] != 7 || b[4096] != 7 || b[3 * 4096] != 7) bad |= 128;
    c = fork();
    if (c == 0) _exit(b[3 * 4096] == 7 ? 0 : 1);
    waitpid(c, &st, 0);
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) bad |= 128;
    if (munmap(b, 4 * 4096) != 0 || munmap(a, 4096) != 0) bad |= 128;
    _exit(bad);
  }
  int st = -1;
  waitpid(pid, &st, 0);
  ut_check("refused_and_intact", WIFEXITED(st) && WEXITSTATUS(st) == 0, "mask 0x%x (status 0x%x)",
           WEXITSTATUS(st), st);
  invariants();
}

/* ---- a half-made LWP torn down while others look its id up ---- */

/* One LWP of a uid-1000 process calls lwp_create with a second thread-id word
 * it cannot write, so each new LWP is made, given its thread id (written to
 * the first word) and torn down again; three other LWPs send tkill, call
 * sched_setaffinity and get_robust_list on the ids that come next (they are
 * handed out in increasing order), and the test runs the invariant checker
 * meanwhile. An earlier kernel tore the LWP down with it still in the
 * thread-id hash: it cleared the LWP's process pointer with no lock and freed
 * its kernel thread before taking it off the hash, so those calls could
 * follow a null process or touch a freed thread. Each call must answer 0,
 * -ESRCH or -EPERM (the ids are the system's: once the allocator wraps, one
 * can be another user's process). */

enum { SYS_get_robust_list = 100, SYS_sched_setaffinity = 122, SYS_tkill = 130 };

static volatile int g_hm_stop, g_hm_left;
static volatile int g_hm_last; /* the thread id of the last LWP torn down */

static void halfmade_prober(void* arg) {
  volatile uint64_t* sh = arg;
  uint64_t calls = 0, odd = 0;
  while (!__atomic_load_n(&g_hm_stop, __ATOMIC_ACQUIRE)) {
    int base = __atomic_load_n(&g_hm_last, __ATOMIC_RELAXED);
    for (int id = base + 1; id <= base + 2; ++id) {
      long r = syscall2(SYS_tkill, id, SIGUSR1);
      if (r != 0 && r != -ESRCH && r != -EPERM) {
        ++odd;
        sh[5] = (uint64_t)-r;
      }
      uint64_t mask = 0xf;
      r = syscall3(SYS_sched_setaffinity, id, sizeof mask, (long)&mask);
      if (r != 0 && r != -ESRCH && r != -EPERM) {
        ++odd;
        sh[6] = (uint64_t)-r;
      }
      uint64_t head = 0, len = 0;
      r = syscall3(SYS_get_robust_list, id, (long)&head, (long)&len);
      if (r != 0 && r != -ESRCH && r != -EPERM) {
        ++odd;
        sh[7] = (uint64_t)-r;
      }
      calls += 3;
    }
  }
  __atomic_add_fetch(&sh[1], calls, __ATOMIC_RELAXED);
  __atomic_add_fetch(&sh[2], odd, __ATOMIC_RELAXED);
  __atomic_add_fetch(&g_hm_left, 1, __ATOMIC_RELEASE);
  exit_thread(0);
}

static void halfmade_never_runs(void* arg) { _exit(95); }

static void t_lwp_unfork_race(void) {
  volatile uint64_t* sh = shared_page();
  int pid = fork();
  if (pid == 0) {
    if (setuid_(1000) != 0) _exit(90);
    signal_action(SIGUSR1, on_usr1, 0, 0, 0);
    __atomic_store_n(&g_hm_last, gettid(), __ATOMIC_RELAXED);
    for (int i = 0; i < 3; ++i)
      if (ut_lwp_start(halfmade_prober, (void*)sh, 16384) != 0) _exit(91);
    static char stack[4096] __attribute__((aligned(16)));
    uint64_t end = now_ns() + 3000000000ull, made = 0, odd = 0;
    while (now_ns() < end) {
      int tid = 0;
      struct lwp_params lp = {(void*)halfmade_never_runs, 0, stack + sizeof stack, &tid, (int*)8};
      long r = syscall1(SYS_lwp_create, (long)&lp);
      if (r == -EFAULT && tid > 0)
        __atomic_store_n(&g_hm_last, tid, __ATOMIC_RELAXED);
      else
        ++odd;
      ++made;
    }
    __atomic_store_n(&g_hm_stop, 1, __ATOMIC_RELEASE);
    while (__atomic_load_n(&g_hm_left, __ATOMIC_ACQUIRE) != 3) sched_yield();
    sh[3] = made;
    sh[4] = odd;
    __atomic_store_n(&sh[0], 1, __ATOMIC_RELEASE);
    _exit(0);
  }
  int checks = 0, bad = 0;
  while (!__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE) && checks < 3000) {
    bad += tine_proc(TINE_PROC_CHECK_TIDS, 0) != 0;
    ++checks;
    sleep_ms(2);
  }
  expect_exit_within("child_ran", pid, 30000, 0);
  ut_check("invariants_held", bad == 0, "%d of %d checks failed", bad, checks);
  ut_check("lwp_create_efault", sh[3] > 100 && sh[4] == 0, "%lu of %lu calls answered otherwise",
           (unsigned long)sh[4], (unsigned long)sh[3]);
  ut_check("answers_0_esrch_eperm", sh[1] > 100 && sh[2] == 0,
           "%lu of %lu calls answered otherwise (last errors: tkill %lu, setaffinity %lu, "
           "get_robust_list %lu)",
           (unsigned long)sh[2], (unsigned long)sh[1], (unsigned long)sh[5], (unsigned long)sh[6],
           (unsigned long)sh[7]);
  printf("UTEST-INFO lwp_unfork_race: %lu LWPs torn down, %lu calls on their ids\n",
         (unsigned long)sh[3], (unsigned long)sh[1]);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- the parent-death signal's sender uid while the parent's ids change ---- */

/* An LWP of a root process forks a child that asks for SIGUSR1 when its
 * parent dies (prctl PR_SET_PDEATHSIG: the parent is the LWP), then exits
 * while the process goes on; another LWP keeps switching the process's real
 * uid between 0 and 1000 (setresuid, the effective uid staying 0). The
 * child's siginfo names the parent's real uid: 0 or 1000, never anything
 * else. An earlier kernel read the parent's credentials under the tree lock
 * alone, while setresuid swapped them under the process's lock and freed the
 * old ones: a read of freed memory (the debug kernel's poison). The window is
 * a few instructions: this may pass on a kernel with the bug. */

enum { SYS_setresuid = 147, SYS_prctl = 167, PR_SET_PDEATHSIG = 1 };

static volatile int g_pd_stop, g_pd_left;
static volatile uint64_t* g_pd_sh;

static void ruid_flip_loop(void* arg) {
  while (!__atomic_load_n(&g_pd_stop, __ATOMIC_ACQUIRE)) {
    syscall3(SYS_setresuid, 1000, -1, -1);
    syscall3(SYS_setresuid, 0, -1, -1);
  }
  __atomic_store_n(&g_pd_left, 1, __ATOMIC_RELEASE);
  exit_thread(0);
}

static void on_pdeath(int sig, void* info, void* uc) {
  const uint32_t* si = info; /* siginfo_t: si_uid at byte 20 */
  __atomic_store_n(&g_pd_sh[1], (uint64_t)si[5], __ATOMIC_RELAXED);
  __atomic_store_n(&g_pd_sh[0], 2, __ATOMIC_RELEASE);
}

/* The parent LWP: forks the child, waits until it is ready, exits. */
static void pdeath_parent_lwp(void* arg) {
  volatile uint64_t* sh = arg;
  int c = fork();
  if (c == 0) {
    signal_action(SIGUSR1, (sighandler_t)(void (*)(void))on_pdeath, 0, 0, 0);
    if (syscall2(SYS_prctl, PR_SET_PDEATHSIG, SIGUSR1) != 0) _exit(80);
    __atomic_store_n(&sh[0], 1, __ATOMIC_RELEASE);
    uint64_t give_up = now_ns() + 2000000000ull;
    while (__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE) != 2 && now_ns() < give_up) sleep_ms(1);
    if (__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE) != 2) _exit(81);
    uint64_t uid = sh[1];
    _exit(uid == 0 || uid == 1000 ? 0 : 82);
  }
  if (c > 0)
    while (__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE) == 0) sched_yield();
  sh[2] = (uint64_t)c;
  exit_thread(0);
}

static void t_pdeath_uid_race(void) {
  volatile uint64_t* sh = shared_page();
  int pid = fork();
  if (pid == 0) {
    g_pd_sh = sh;
    if (ut_lwp_start(ruid_flip_loop, 0, 16384) != 0) _exit(91);
    char* stack = mmap(0, 16384, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    uint64_t end = now_ns() + 3000000000ull, rounds = 0, bad = 0;
    while (now_ns() < end) {
      sh[0] = sh[1] = sh[2] = 0;
      struct lwp_params lp = {(void*)pdeath_parent_lwp, (void*)sh, stack + 16384, 0, 0};
      if (syscall1(SYS_lwp_create, (long)&lp) != 0) {
        ++bad;
        break;
      }
      while (__atomic_load_n(&sh[2], __ATOMIC_ACQUIRE) == 0) sched_yield();
      int st = -1;
      int c = (int)sh[2];
      if (c <= 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0) {
        printf("UTEST-INFO pdeath_uid_race: child %d status 0x%x, uid %lu\n", c, st,
               (unsigned long)sh[1]);
        ++bad;
      }
      ++rounds;
    }
    __atomic_store_n(&g_pd_stop, 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&g_pd_left, __ATOMIC_ACQUIRE)) sched_yield();
    sh[8] = rounds;
    sh[9] = bad;
    _exit(0);
  }
  expect_exit_within("child_ran", pid, 60000, 0);
  ut_check("uid_0_or_1000", sh[8] >= 10 && sh[9] == 0, "%lu of %lu rounds went wrong",
           (unsigned long)sh[9], (unsigned long)sh[8]);
  printf("UTEST-INFO pdeath_uid_race: %lu rounds\n", (unsigned long)sh[8]);
  munmap((void*)sh, 4096);
  invariants();
}

/* ---- set-user-ID and set-group-ID programs ---- */

enum {
  SYS_getresuid = 148,
  SYS_setresgid = 149,
  SYS_getresgid = 150,
  AT_UID = 11,
  AT_EUID = 12,
  AT_GID = 13,
  AT_EGID = 14,
  AT_SECURE = 23,
  PR_GET_PDEATHSIG = 2,
  PR_GET_DUMPABLE = 3,
  PR_SET_NO_NEW_PRIVS = 38,
};
enum {
  R_UID,
  R_EUID,
  R_SUID,
  R_GID,
  R_EGID,
  R_SGID,
  R_AT_UID,
  R_AT_EUID,
  R_AT_GID,
  R_AT_EGID,
  R_AT_SECURE,
  R_DUMPABLE,
  R_PDEATH,
  R_FILE_UID,
  R_FILE_GID,
  R_ACCESS,
  R_EACCESS,
  R_MAGIC,
  R_N
};
#define REPORT_MAGIC 0x5e71d
#define TT "/tmp/tt_"

static long setresuid_(long r, long e, long s) { return syscall3(SYS_setresuid, r, e, s); }
static long setresgid_(long r, long e, long s) { return syscall3(SYS_setresgid, r, e, s); }

/* "trusttest report-ids FD PATH": what this program runs as, written to FD
 * (a file it makes at PATH says whose it is); exits 0. */
static int report_ids(int fd, const char* path) {
  int32_t r[R_N];
  memset(r, 0, sizeof r);
  uint32_t u[3], g[3];
  syscall3(SYS_getresuid, (long)&u[0], (long)&u[1], (long)&u[2]);
  syscall3(SYS_getresgid, (long)&g[0], (long)&g[1], (long)&g[2]);
  r[R_UID] = (int32_t)u[0], r[R_EUID] = (int32_t)u[1], r[R_SUID] = (int32_t)u[2];
  r[R_GID] = (int32_t)g[0], r[R_EGID] = (int32_t)g[1], r[R_SGID] = (int32_t)g[2];
  r[R_AT_UID] = (int32_t)getauxval(AT_UID), r[R_AT_EUID] = (int32_t)getauxval(AT_EUID);
  r[R_AT_GID] = (int32_t)getauxval(AT_GID), r[R_AT_EGID] = (int32_t)getauxval(AT_EGID);
  r[R_AT_SECURE] = (int32_t)getauxval(AT_SECURE);
  r[R_DUMPABLE] = (int32_t)syscall2(SYS_prctl, PR_GET_DUMPABLE, 0);
  int sig = -1;
  syscall2(SYS_prctl, PR_GET_PDEATHSIG, (long)&sig);
  r[R_PDEATH] = sig;
  int f = open(path, O_CREAT | O_EXCL | O_WRONLY, 0600);
  struct stat st;
  if (f >= 0 && fstat(f, &st) == 0) {
    r[R_FILE_UID] = (int32_t)st.st_uid;
    r[R_FILE_GID] = (int32_t)st.st_gid;
  } else {
    r[R_FILE_UID] = r[R_FILE_GID] = -1;
  }
  if (f >= 0) close(f);
  unlink(path);
  r[R_ACCESS] = access(TT "root", R_OK);
  r[R_EACCESS] = (int32_t)syscall4(SYS_faccessat2, AT_FDCWD, (long)(TT "root"), 4, AT_EACCESS);
  r[R_MAGIC] = REPORT_MAGIC;
  return write(fd, r, sizeof r) == (long)sizeof r ? 0 : 1;
}

/* Copies /bin/trusttest to path, owned by uid:gid with mode. */
static int copy_self(const char* path, int uid, int gid, int mode) {
  int in = open("/bin/trusttest", O_RDONLY, 0);
  unlink(path);
  int out = open(path, O_CREAT | O_EXCL | O_WRONLY, 0700);
  if (in < 0 || out < 0) return -1;
  static char buf[16384];
  long n;
  while ((n = read(in, buf, sizeof buf)) > 0)
    if (write(out, buf, (size_t)n) != n) return -1;
  close(in);
  close(out);
  /* The owner first: a change of owner drops the set-id bits. */
  if (chown(path, uid, gid) != 0 || chmod(path, mode) != 0) return -1;
  return 0;
}

struct how {
  long ruid, euid, suid, gid;
  int nnp;    /* PR_SET_NO_NEW_PRIVS first */
  int spin;   /* an LWP busy with faults while it execs */
  int groups; /* keep root's supplementary groups */
};

/* A child that becomes what `h` says (from root), asks for SIGUSR1 when its
 * parent dies, and execs prog "report-ids": its report in r, its wait status. */
static int run_report(const char* prog, const struct how* h, int32_t* r) {
  int p[2];
  memset(r, 0, sizeof(int32_t) * R_N);
  if (pipe(p) != 0) return -1;
  flush_stdout();
  int pid = fork();
  if (pid == 0) {
    close(p[0]);
    if (!h->groups && syscall2(SYS_setgroups, 0, 0) != 0) _exit(81);
    if (setresgid_(h->gid, h->gid, h->gid) != 0) _exit(82);
    if (setresuid_(h->ruid, h->euid, h->suid) != 0) _exit(83);
    if (syscall2(SYS_prctl, PR_SET_PDEATHSIG, SIGUSR1) != 0) _exit(84);
    if (h->nnp && syscall2(SYS_prctl, PR_SET_NO_NEW_PRIVS, 1) != 0) _exit(85);
    if (h->spin && ut_lwp_start(fault_loop, 0, 16384) != 0) _exit(86);
    char fd[12];
    snprintf(fd, sizeof fd, "%d", p[1]);
    /* TT "made" is one path. NOLINTNEXTLINE(bugprone-suspicious-missing-comma) */
    char* argv[] = {"trusttest", "report-ids", fd, TT "made", 0};
    long e = execve(prog, argv, environ);
    _exit(e == -EACCES ? 87 : 88);
  }
  close(p[1]);
  long got = 0, n;
  while (got < (long)(sizeof(int32_t) * R_N) &&
         (n = read(p[0], (char*)r + got, sizeof(int32_t) * R_N - (size_t)got)) > 0)
    got += n;
  close(p[0]);
  int st = -1;
  if (!ut_wait_within(pid, 0, 10000, &st)) {
    kill_and_reap(pid);
    return -1;
  }
  return r[R_MAGIC] == REPORT_MAGIC ? st : -2;
}

/* The report must say: uids r/e/s, gids r/e/s, AT_SECURE, dumpable, the
 * parent-death signal, whom its file belongs to, access(R_OK) and its
 * AT_EACCESS form on a file only root may read. */
static void expect(const char* name, const char* prog, const struct how* h, const int32_t* want) {
  int32_t r[R_N];
  int st = run_report(prog, h, r);
  int ok = st == 0;
  for (int i = 0; ok && i < R_MAGIC; ++i) ok = r[i] == want[i];
  ut_check(name, ok,
           "status 0x%x: uid %d/%d/%d gid %d/%d/%d aux %d/%d/%d/%d secure %d dumpable %d "
           "pdeath %d file %d:%d access %d eaccess %d",
           st, r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12],
           r[13], r[14], r[15], r[16]);
}

static void setid_files(void) {
  copy_self(TT "plain", 0, 0, 0755);
  copy_self(TT "suid0", 0, 0, 04755);
  copy_self(TT "suid1000", 1000, 1000, 04755);
  copy_self(TT "sgid50", 0, 50, 02755);
  copy_self(TT "sgid_nox", 0, 50, 02745); /* S_ISGID without group execute */
  int f = open(TT "root", O_CREAT | O_WRONLY, 0600);
  close(f);
}

static void setid_files_gone(void) {
  const char* names[] = {TT "plain",  TT "suid0",    TT "suid1000",
                         TT "sgid50", TT "sgid_nox", TT "root"};
  for (unsigned i = 0; i < sizeof names / sizeof names[0]; ++i) unlink(names[i]);
}

enum { EACC = -13, SIGUSR1_ = 10 };

static void t_setid_exec(void) {
  setid_files();
  struct stat st;
  UT_CHECK("made", stat(TT "suid0", &st) == 0 && (st.st_mode & 07777) == 04755);
  const struct how user = {2000, 2000, 2000, 2000, 0, 0, 0};
  /* A program without set-id bits: the ids stay; the parent-death signal too. */
  const int32_t plain[] = {2000, 2000, 2000, 2000,     2000, 2000, 2000, 2000, 2000,
                           2000, 0,    1,    SIGUSR1_, 2000, 2000, EACC, EACC};
  expect("plain", TT "plain", &user, plain);
  /* Set-user-ID root: effective, saved (and file-system) uid 0, secure, not
   * dumpable, no parent-death signal; access() asks as the real uid. */
  const int32_t suid0[] = {2000, 0, 0, 2000, 2000, 2000, 2000, 0, 2000,
                           2000, 1, 0, 0,    0,    2000, EACC, 0};
  expect("suid_root", TT "suid0", &user, suid0);
  const int32_t suid1000[] = {2000, 1000, 1000, 2000, 2000, 2000, 2000, 1000, 2000,
                              2000, 1,    0,    0,    1000, 2000, EACC, EACC};
  expect("suid_1000", TT "suid1000", &user, suid1000);
  /* Set-group-ID: the file's group, with the group execute bit only. */
  const int32_t sgid50[] = {2000, 2000, 2000, 2000, 50,   50, 2000, 2000, 2000,
                            50,   1,    0,    0,    2000, 50, EACC, EACC};
  expect("sgid_50", TT "sgid50", &user, sgid50);
  expect("sgid_no_group_x", TT "sgid_nox", &user, plain);
  /* Its own set-user-ID file changes nothing: not secure. */
  const struct how u1000 = {1000, 1000, 1000, 1000, 0, 0, 0};
  const int32_t own[] = {1000, 1000, 1000, 1000,     1000, 1000, 1000, 1000, 1000,
                         1000, 0,    1,    SIGUSR1_, 1000, 1000, EACC, EACC};
  expect("suid_own", TT "suid1000", &u1000, own);
  /* With other LWPs running. */
  const struct how spin = {2000, 2000, 2000, 2000, 0, 1, 0};
  expect("suid_root_threads", TT "suid0", &spin, suid0);
  /* no_new_privs: the bits are not acted on. */
  const struct how nnp = {2000, 2000, 2000, 2000, 1, 0, 0};
  expect("no_new_privs", TT "suid0", &nnp, plain);
  /* A process whose effective uid is not its real one: still so after a
   * plain exec (secure, saved uid = effective); with no_new_privs it runs
   * as its real uid. */
  const struct how split = {2000, 0, 0, 2000, 0, 0, 0};
  const int32_t split_r[] = {2000, 0, 0, 2000, 2000, 2000, 2000, 0, 2000,
                             2000, 1, 0, 0,    0,    2000, EACC, 0};
  expect("split_plain", TT "plain", &split, split_r);
  const struct how split_nnp = {2000, 0, 0, 2000, 1, 0, 0};
  const int32_t split_nnp_r[] = {2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000, 2000,
                                 2000, 1,    0,    0,    2000, 2000, EACC, EACC};
  expect("split_no_new_privs", TT "plain", &split_nnp, split_nnp_r);
  /* Exec makes the saved uid the effective one (POSIX, Linux). */
  const struct how saved = {2000, 2000, 0, 2000, 0, 0, 0};
  expect("saved_follows", TT "plain", &saved, plain);
  /* Root stays root. */
  const struct how root = {0, 0, 0, 0, 0, 0, 1};
  const int32_t root_r[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, SIGUSR1_, 0, 0, 0, 0};
  expect("root_plain", TT "plain", &root, root_r);
  /* A set-user-ID program (for uid 1000) reads only what its uid may. */
  setid_files_gone();
  invariants();
}

/* Another LWP flips the effective uid while the process execs: the program
 * runs with ids its auxiliary vector tells, and they are ids the process had. */
static void euid_flip_loop(void* arg) {
  (void)arg;
  for (;;) {
    setresuid_(-1, 3000, -1);
    setresuid_(-1, 0, -1);
  }
}

static void t_setid_exec_race(void) {
  copy_self(TT "plain", 0, 0, 0755);
  int f = open(TT "root", O_CREAT | O_WRONLY, 0600);
  close(f);
  int good = 0, rounds = 24, seen3000 = 0;
  for (int i = 0; i < rounds; ++i) {
    struct how h = {0, 0, 0, 0, 0, 0, 1};
    int32_t r[R_N];
    int p[2];
    pipe(p);
    flush_stdout();
    int pid = fork();
    if (pid == 0) {
      close(p[0]);
      if (ut_lwp_start(euid_flip_loop, 0, 16384) != 0) _exit(91);
      sleep_ms(1 + i % 4);
      char fd[12];
      snprintf(fd, sizeof fd, "%d", p[1]);
      /* TT "made" is one path. NOLINTNEXTLINE(bugprone-suspicious-missing-comma) */
      char* argv[] = {"trusttest", "report-ids", fd, TT "made", 0};
      execve(TT "plain", argv, environ);
      _exit(92);
    }
    (void)h;
    close(p[1]);
    memset(r, 0, sizeof r);
    long got = 0, n;
    while (got < (long)sizeof r && (n = read(p[0], (char*)r + got, sizeof r - (size_t)got)) > 0)
      got += n;
    close(p[0]);
    int st = -1;
    if (!ut_wait_within(pid, 0, 10000, &st)) {
      abandon(pid);
      continue;
    }
    int e = r[R_EUID];
    int ok = WIFEXITED(st) && WEXITSTATUS(st) == 0 && r[R_MAGIC] == REPORT_MAGIC && r[R_UID] == 0 &&
             (e == 0 || e == 3000) && r[R_SUID] == e && r[R_AT_EUID] == e &&
             r[R_AT_SECURE] == (e != 0) && r[R_FILE_UID] == e;
    if (ok)
      ++good;
    else
      printf(
          "UTEST-INFO setid_exec_race: round %d status 0x%x euid %d suid %d at_euid %d secure %d\n",
          i, st, e, r[R_SUID], r[R_AT_EUID], r[R_AT_SECURE]);
    seen3000 += e == 3000;
  }
  ut_check("consistent", good == rounds, "%d of %d rounds consistent", good, rounds);
  printf("UTEST-INFO setid_exec_race: %d of %d execs ran as uid 3000\n", seen3000, rounds);
  unlink(TT "plain");
  unlink(TT "root");
  invariants();
}

/* Writing or truncating a set-id file takes the bits away, unless root does it. */
static void t_setid_write(void) {
  struct {
    const char* name;
    int mode;
    int after;
    int op;
  } cases[] = {
      {TT "w_suid", 04777, 0777, 0},      /* write */
      {TT "w_sgid", 02777, 0777, 0},      /* group-executable set-group-ID goes too */
      {TT "w_sgid_nox", 02767, 02767, 0}, /* no group execute: a locking mark, kept */
      {TT "w_trunc", 04777, 0777, 1},     /* truncate */
      {TT "w_otrunc", 06777, 0777, 2},    /* open with O_TRUNC */
      {TT "w_empty", 04777, 04777, 3},    /* a write of nothing */
  };
  const int n = sizeof cases / sizeof cases[0];
  for (int i = 0; i < n; ++i) {
    int f = open(cases[i].name, O_CREAT | O_WRONLY, 0600);
    write(f, "abc", 3);
    close(f);
    chown(cases[i].name, 0, 50);
    chmod(cases[i].name, cases[i].mode);
  }
  flush_stdout();
  int pid = fork();
  if (pid == 0) {
    syscall2(SYS_setgroups, 0, 0);
    setresgid_(2000, 2000, 2000);
    setresuid_(2000, 2000, 2000);
    int bad = 0;
    for (int i = 0; i < n; ++i) {
      int f;
      switch (cases[i].op) {
        case 0:
          f = open(cases[i].name, O_WRONLY, 0);
          bad |= (write(f, "x", 1) != 1) << i;
          close(f);
          break;
        case 1: bad |= (truncate(cases[i].name, 1) != 0) << i; break;
        case 2:
          f = open(cases[i].name, O_WRONLY | O_TRUNC, 0);
          bad |= (f < 0) << i;
          close(f);
          break;
        default:
          f = open(cases[i].name, O_WRONLY, 0);
          bad |= (write(f, "", 0) != 0) << i;
          close(f);
          break;
      }
    }
    _exit(bad);
  }
  int st = -1;
  waitpid(pid, &st, 0);
  UT_CHECK("user_wrote", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  for (int i = 0; i < n; ++i) {
    struct stat s;
    stat(cases[i].name, &s);
    ut_check(cases[i].name + 8, (int)(s.st_mode & 07777) == cases[i].after, "mode %o, want %o",
             s.st_mode & 07777, cases[i].after);
  }
  /* Root's writes leave them. */
  chmod(cases[0].name, 04777);
  int f = open(cases[0].name, O_WRONLY, 0);
  write(f, "r", 1);
  close(f);
  struct stat s;
  stat(cases[0].name, &s);
  UT_EQ("root_keeps", s.st_mode & 07777, 04777);
  for (int i = 0; i < n; ++i) unlink(cases[i].name);
}

/* ---- exec's failures give back what they took ---- */

static void t_exec_fault_injection(void) {
  int clean = 1, failed = 0;
  /* A difference is looked at twice: a process of an earlier test that ends
   * meanwhile gives its pages back between the two counts too; a leak of
   * exec's repeats. */
  int second_look = 0;
  for (int n = 1; n < 40; ++n) {
    struct tine_kstat k0, k1;
    tine_kstat(&k0, TINE_KSTAT_SETTLE);
    /* vfork: the child execs out of a shared address space. */
    long pid = svc0(SYS_vfork);
    if (pid == 0) {
      tine_proc(TINE_PROC_FAIL_NTH, n);
      char* argv[] = {"trusttest", "exit", "0", 0};
      long r = execve("/bin/trusttest", argv, environ);
      tine_proc(TINE_PROC_FAIL_NTH, 0);
      syscall1(SYS_exit_group, 100 + (int)-r);
    }
    tine_proc(TINE_PROC_FAIL_NTH, 0);
    int st = -1;
    waitpid((int)pid, &st, 0);
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) ++failed;
    tine_kstat(&k1, TINE_KSTAT_SETTLE);
    char why[128];
    if (!kstat_same_resources(&k0, &k1, why, sizeof why)) {
      if (!second_look) {
        second_look = 1;
        --n;
        continue;
      }
      ut_check("resources_back", 0, "allocation %d: %s", n, why);
      clean = 0;
    }
    second_look = 0;
  }
  ut_check("every_failure_clean", clean, "%d execs failed", failed);
  ut_check("failures_injected", failed >= 2, "%d execs failed", failed);
  invariants();
}

/* ---- exec images: pinned pages shared by every fork (review) ---- */

/* A page of read-only data in the program's image (text + rodata segment). */
static const uint64_t g_img_ro[1024] __attribute__((aligned(4096))) = {
    0x1111111111111111ull,
    0x2222222222222222ull, [511] = 0x3333333333333333ull, [1023] = 0x4444444444444444ull};

/* A function alone on its page, whose first instruction a child patches. */
__attribute__((noipa, aligned(4096))) int img_probe(void) { return 0x1234; }
/* A whole page of read-only data that nothing else shares. */
static const uint64_t g_img_ro2[512] __attribute__((aligned(4096))) = {0x6666666666666666ull};

static int img_ro_intact(void) {
  const volatile uint64_t* r = g_img_ro;
  return r[0] == 0x1111111111111111ull && r[1] == 0x2222222222222222ull &&
         r[511] == 0x3333333333333333ull && r[1023] == 0x4444444444444444ull && r[2] == 0 &&
         ((const volatile uint64_t*)g_img_ro2)[0] == 0x6666666666666666ull;
}

static void clear_cache(void* p, size_t n) {
  for (uintptr_t a = (uintptr_t)p & ~63ul; a < (uintptr_t)p + n; a += 64)
    __asm__ volatile("dc cvau, %0" : : "r"(a) : "memory");
  __asm__ volatile("dsb ish" ::: "memory");
  for (uintptr_t a = (uintptr_t)p & ~63ul; a < (uintptr_t)p + n; a += 64)
    __asm__ volatile("ic ivau, %0" : : "r"(a) : "memory");
  __asm__ volatile("dsb ish\n isb" ::: "memory");
}

/* A child that writes its own copy of the image through every path it has:
 * a store, read(2) (copyout), clock_gettime (copyout), a patched function;
 * then forks a grandchild that must see the child's copy. Exit 0 on success. */
static void image_writer(void) {
  void* ro = (void*)g_img_ro;
  int fds[2];
  if (pipe(fds) != 0) _exit(60);
  /* Without write permission, read(2) into it fails and changes nothing. */
  if (write(fds[1], "zzzzzzzz", 8) != 8) _exit(61);
  if (read(fds[0], ro, 8) != -EFAULT) _exit(62);
  if (!img_ro_intact()) _exit(63);
  if (mprotect(ro, 4096, PROT_READ | PROT_WRITE) != 0) _exit(64);
  if (read(fds[0], ro, 8) != 8) _exit(65); /* copyout into the (copied) page */
  ((volatile uint64_t*)ro)[1] = 0xdeadbeefull;
  struct timespec* ts = (struct timespec*)((char*)ro + 4096 - 16);
  if (clock_gettime(1, ts) != 0) _exit(66);
  const volatile uint64_t* v = g_img_ro;
  if (v[0] != 0x7a7a7a7a7a7a7a7aull || v[1] != 0xdeadbeefull) _exit(67);
  /* Patch img_probe: mov w0, #0x5678; ret. */
  void* fn = (void*)img_probe;
  if (mprotect(fn, 4096, PROT_READ | PROT_WRITE | PROT_EXEC) != 0) _exit(68);
  ((volatile uint32_t*)fn)[0] = 0x528acf00u; /* mov w0, #0x5678 */
  ((volatile uint32_t*)fn)[1] = 0xd65f03c0u; /* ret */
  clear_cache(fn, 8);
  if (img_probe() != 0x5678) _exit(69);
  /* mremap a copy of the image's first page elsewhere and write there. */
  void* moved = (void*)syscall6(216 /* mremap */, (long)g_img_ro2, 4096, 4096,
                                1 | 2 | 4 /* MAYMOVE | FIXED | DONTUNMAP */, 0x30000000, 0);
  if (moved != (void*)0x30000000) _exit(70);
  if (((volatile uint64_t*)moved)[0] != 0x6666666666666666ull) _exit(73);
  if (mprotect(moved, 4096, PROT_READ | PROT_WRITE) != 0) _exit(74);
  ((volatile uint64_t*)moved)[0] = 0x55;
  if (munmap(moved, 4096) != 0) _exit(75);
  int pid = fork();
  if (pid == 0) {
    _exit(v[1] == 0xdeadbeefull && img_probe() == 0x5678 ? 0 : 71);
  }
  int st = -1;
  waitpid(pid, &st, 0);
  if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) _exit(72);
  /* The part of the image it unmaps stays the image's. */
  munmap(ro, 4096);
  _exit(0);
}

static volatile int g_img_stop;
static volatile uint64_t* g_img_sh;
static void image_checker_lwp(void* arg) {
  while (!__atomic_load_n(&g_img_stop, __ATOMIC_ACQUIRE)) {
    if (!img_ro_intact() || img_probe() != 0x1234)
      __atomic_add_fetch(&g_img_sh[1], 1, __ATOMIC_RELAXED);
    /* The raw call: the library's fork() flushes stdout, whose one buffer the
     * main LWP may be writing out at the same moment (a line printed twice). */
    int pid = (int)svc0(SYS_fork);
    if (pid == 0) _exit(img_ro_intact() && img_probe() == 0x1234 ? 0 : 1);
    int st = -1;
    waitpid(pid, &st, 0);
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0))
      __atomic_add_fetch(&g_img_sh[1], 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&g_img_sh[2], 1, __ATOMIC_RELAXED);
  }
  __atomic_add_fetch(&g_img_sh[3], 1, __ATOMIC_RELEASE);
  sleep_forever();
}

static void t_image_isolation(void) {
  g_img_sh = shared_page();
  g_img_stop = 0;
  UT_CHECK("intact_at_start", img_ro_intact() && img_probe() == 0x1234);
  for (int i = 0; i < 2; ++i) UT_EQ("checker", ut_lwp_start(image_checker_lwp, 0, 16384), 0);
  int bad = 0;
  for (int round = 0; round < 16; ++round) {
    int pid = fork();
    if (pid == 0) image_writer();
    int st = -1;
    waitpid(pid, &st, 0);
    if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
      if (!bad) printf("UTEST-INFO image writer: status 0x%x\n", st);
      ++bad;
    }
  }
  __atomic_store_n(&g_img_stop, 1, __ATOMIC_RELEASE);
  while (__atomic_load_n(&g_img_sh[3], __ATOMIC_ACQUIRE) < 2) sleep_ms(5);
  ut_check("writers_ok", bad == 0, "%d writers failed", bad);
  printf("UTEST-INFO image_isolation: %lu checker rounds\n", (unsigned long)g_img_sh[2]);
  ut_check("others_see_the_image", g_img_sh[1] == 0, "%lu corrupted views in %lu rounds",
           (unsigned long)g_img_sh[1], (unsigned long)g_img_sh[2]);
  UT_CHECK("intact_at_end", img_ro_intact() && img_probe() == 0x1234);
  munmap((void*)g_img_sh, 4096);
  invariants();
}

/* The signal trampoline page (pinned, never freed): a program maps over it,
 * reads there and unmaps it; every handler still returns through it, in the
 * parent and in every fork. */
struct k_sigaction_raw {
  void* handler;
  unsigned long flags;
  void* restorer;
  uint64_t mask;
};
static volatile int g_sigpage_hits;
static void sigpage_handler(int sig) { ++g_sigpage_hits; }
static int sigpage_round(void) {
  struct k_sigaction_raw sa = {(void*)sigpage_handler, 0, 0, 0}; /* no SA_RESTORER */
  if (syscall4(SYS_rt_sigaction, SIGUSR1, (long)&sa, 0, 8) != 0) return 0;
  int before = g_sigpage_hits;
  kill_(getpid(), SIGUSR1);
  return g_sigpage_hits == before + 1;
}
#define SIGPAGE_VA 0x7fff7ef000ul
static void t_sigpage_pinned(void) {
  UT_CHECK("parent_first", sigpage_round());
  for (int i = 0; i < 8; ++i) {
    int pid = fork();
    if (pid == 0) {
      if (!sigpage_round()) _exit(1);
      void* p =
          mmap((void*)SIGPAGE_VA, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
      if (p != (void*)SIGPAGE_VA) _exit(2);
      (void)*(volatile uint32_t*)p;
      if (mprotect(p, 4096, PROT_READ | PROT_WRITE) != 0) _exit(3);
      if (munmap(p, 4096) != 0) _exit(4);
      if (!sigpage_round()) _exit(5);
      if (((volatile uint32_t*)SIGPAGE_VA)[0] != 0xd2801168u) _exit(6);
      int gpid = fork();
      if (gpid == 0) _exit(sigpage_round() ? 0 : 1);
      int st = -1;
      waitpid(gpid, &st, 0);
      _exit(WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 7);
    }
    int st = -1;
    waitpid(pid, &st, 0);
    ut_check("child", WIFEXITED(st) && WEXITSTATUS(st) == 0, "round %d status 0x%x", i, st);
    UT_CHECK("parent_again", sigpage_round());
  }
  invariants();
}

/* MAP_FIXED at the trampoline's address once it is mapped: vm_mmap unmaps
 * only where regions are (is_free), and the trampoline has none, so its
 * entry stays under the new mapping: the "fresh, zero, writable" page reads
 * as the trampoline and a write to it is SIGSEGV (a MAP_SHARED one is not
 * shared). Pre-existing (sigpage.h says a program may map over it). */
static void t_sigpage_map_fixed(void) {
  int pid = fork();
  if (pid == 0) {
    if (!sigpage_round()) _exit(1);
    /* MAP_FIXED_NOREPLACE does not replace it (Linux's vDSO: -EEXIST). */
    long r = (long)mmap((void*)(SIGPAGE_VA - 4096), 8192, PROT_READ,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (r != -EEXIST) _exit(10);
    if (!sigpage_round()) _exit(11);
    volatile uint32_t* p = mmap((void*)SIGPAGE_VA, 4096, PROT_READ | PROT_WRITE,
                                MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
    if (p != (volatile uint32_t*)SIGPAGE_VA) _exit(2);
    if (p[0] != 0) _exit(3); /* the trampoline still shows through */
    p[0] = 5;                /* SIGSEGV: the trampoline's entry is r-x */
    _exit(p[0] == 5 ? 0 : 4);
  }
  expect_exit_0("fresh_zero_writable", pid);
}

/* An image holds every page of a read-only segment from exec on, whatever
 * the file holds: a 4 KiB program whose read-only PT_LOAD has a p_memsz of
 * 512 MiB (p_filesz 0x200) takes 512 MiB of memory at exec, before it touches
 * anything, and munmap/MADV_DONTNEED give none of it back. An unprivileged
 * user can write and run such a file. (On the kernel before exec images
 * the segment's pages were demand-zero.) */
static void t_image_memsz_pinned(void) {
  enum { kMemsz = 1 << 29 };
  static uint8_t elf[4096];
  memset(elf, 0, sizeof elf);
  uint8_t* e = elf;
  memcpy(e,
         "\x7f"
         "ELF\x02\x01\x01",
         7);
  *(uint16_t*)(e + 16) = 2;   /* ET_EXEC */
  *(uint16_t*)(e + 18) = 183; /* EM_AARCH64 */
  *(uint32_t*)(e + 20) = 1;
  *(uint64_t*)(e + 24) = 0x400000 + 0x100; /* entry */
  *(uint64_t*)(e + 32) = 64;               /* phoff */
  *(uint16_t*)(e + 52) = 64;
  *(uint16_t*)(e + 54) = 56;
  *(uint16_t*)(e + 56) = 1;
  uint8_t* ph = e + 64;
  *(uint32_t*)(ph + 0) = 1; /* PT_LOAD */
  *(uint32_t*)(ph + 4) = 5; /* R X */
  *(uint64_t*)(ph + 8) = 0;
  *(uint64_t*)(ph + 16) = 0x400000;
  *(uint64_t*)(ph + 24) = 0x400000;
  *(uint64_t*)(ph + 32) = 0x200;  /* filesz */
  *(uint64_t*)(ph + 40) = kMemsz; /* memsz */
  *(uint64_t*)(ph + 48) = 4096;
  /* write(1, sp - 16, 1); read(0, sp - 16, 1); exit_group(0) */
  uint32_t code[] = {0xd2800020u /* mov x0, #1 */,
                     0xd10043e1u /* sub x1, sp, #16 */,
                     0xd2800022u /* mov x2, #1 */,
                     0xd2800808u /* mov x8, #64 */,
                     0xd4000001u /* svc #0 */,
                     0xd2800000u /* mov x0, #0 */,
                     0xd10043e1u /* sub x1, sp, #16 */,
                     0xd2800022u /* mov x2, #1 */,
                     0xd28007e8u /* mov x8, #63 */,
                     0xd4000001u /* svc #0 */,
                     0xd2800000u /* mov x0, #0 */,
                     0xd2800bc8u /* mov x8, #94 */,
                     0xd4000001u /* svc #0 */};
  memcpy(e + 0x100, code, sizeof code);
  unlink("/tmp/imgbig");
  int fd = open("/tmp/imgbig", O_WRONLY | O_CREAT | O_TRUNC, 0755);
  UT_CHECK("create", fd >= 0);
  if (fd < 0) return;
  UT_EQ("write", write(fd, elf, sizeof elf), (long)sizeof elf);
  close(fd);
  int fds[2], ready[2];
  UT_EQ("pipe", pipe(fds), 0);
  UT_EQ("pipe", pipe(ready), 0);
  struct tine_kstat k0, k1;
  tine_kstat(&k0, TINE_KSTAT_SETTLE);
  int pid = fork();
  if (pid == 0) {
    if (setuid_(1000) != 0) _exit(90);
    dup2(fds[0], 0);
    dup2(ready[1], 1);
    close(fds[1]);
    close(ready[0]);
    char* argv[] = {"imgbig", 0};
    long r = execve("/tmp/imgbig", argv, environ);
    _exit(100 + (int)-r);
  }
  close(ready[1]);
  char c;
  long got = read(ready[0], &c, 1); /* the program runs (and blocks in read(0)) */
  close(ready[0]);
  UT_EQ("exec_ran", got, 1);
  if (got != 1) {
    int st0 = -1;
    int w = waitpid(pid, &st0, 0);
    printf("UTEST-INFO image_memsz_pinned: exec'd child: wait %d status 0x%x\n", w, st0);
    close(fds[0]);
    close(fds[1]);
    unlink("/tmp/imgbig");
    return;
  }
  tine_kstat(&k1, TINE_KSTAT_SETTLE);
  long held = (long)k1.user_pages - (long)k0.user_pages;
  printf(
      "UTEST-INFO image_memsz_pinned: a %zu-byte unprivileged program holds %ld pages (%ld MiB)\n",
      sizeof elf, held, held / 256);
  ut_check("memsz_not_eager", held < 4096, "exec of a 4 KiB file holds %ld pages", held);
  close(fds[0]);
  UT_EQ("release", write(fds[1], "x", 1), 1);
  close(fds[1]);
  expect_exit_0("ran", pid);
  unlink("/tmp/imgbig");
}

static const struct ut_test kTests[] = {
    {"cred_race", t_cred_race},
    {"setuid_swap_race", t_setuid_swap_race},
    {"tgkill_stop_continue", t_tgkill_stop_continue},
    {"no_new_privs_runs", t_no_new_privs_runs},
    {"setid_exec", t_setid_exec},
    {"setid_exec_race", t_setid_exec_race},
    {"setid_write", t_setid_write},
    {"fork_setuid_race", t_fork_setuid_race},
    {"setpgid_reap", t_setpgid_reap},
    {"group_reap_race", t_group_reap_race},
    {"kill_reap_race", t_kill_reap_race},
    {"wait_putback_wakes", t_wait_putback_wakes},
    {"exec_threads", t_exec_threads},
    {"lwp_exhaust", t_lwp_exhaust},
    {"user_fork_bomb", t_user_fork_bomb},
    {"map_count_limit", t_map_count_limit},
    {"debug_root_only", t_debug_root_only},
    {"kill_nanosleep", t_kill_nanosleep},
    {"kill_console_read", t_kill_console_read},
    {"kill_vfork_wait", t_kill_vfork_wait},
    {"vfork_wait_no_frame", t_vfork_wait_no_frame},
    {"kill_lwp_wait", t_kill_lwp_wait},
    {"kill_wait4", t_kill_wait4},
    {"kill_sendfile", t_kill_sendfile},
    {"kill_random_write", t_kill_random_write},
    {"kill_populate", t_kill_populate},
    {"memory_user_share", t_memory_user_share},
    {"memory_shared_index", t_memory_shared_index},
    {"memory_vfork_setuid", t_memory_vfork_setuid},
    {"nanosleep_huge", t_nanosleep_huge},
    {"nanosleep_eintr", t_nanosleep_eintr},
    {"sigshare_exec", t_sigshare_exec},
    {"nproc_zero", t_nproc_zero},
    {"bss_only_program", t_bss_only_program},
    {"prlimit_fork", t_prlimit_fork},
    {"prlimit_own_tid", t_prlimit_own_tid},
    {"kill_new_child", t_kill_new_child},
    {"unshare_vmspace", t_unshare_vmspace},
    {"gettid_system_wide", t_gettid_system_wide},
    {"exec_fault_injection", t_exec_fault_injection},
    {"mremap_wrap", t_mremap_wrap},
    {"lwp_unfork_race", t_lwp_unfork_race},
    {"pdeath_uid_race", t_pdeath_uid_race},
    {"image_isolation", t_image_isolation},
    {"sigpage_pinned", t_sigpage_pinned},
    {"sigpage_map_fixed", t_sigpage_map_fixed},
    {"image_memsz_pinned", t_image_memsz_pinned},
};

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "exit") == 0) return (int)atol(argv[2]);
  if (argc == 4 && strcmp(argv[1], "report-ids") == 0)
    return report_ids((int)atol(argv[2]), argv[3]);
  if (argc == 4 && strcmp(argv[1], "exit-later") == 0) {
    sleep_ms((int)atol(argv[2]));
    return (int)atol(argv[3]);
  }
  ut_init();
  ut_run_selected(kTests, sizeof kTests / sizeof kTests[0], argc == 1, argc, argv);
  return ut_finish();
}
