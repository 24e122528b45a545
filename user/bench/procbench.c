/* Process round trips, as design.md's table measures them on Linux (a raw
 * program making the calls itself), and fork throughput on several CPUs.
 *   procbench [quick]          round trips; meant for -icount shift=0,sleep=off,
 *                              where CLOCK_MONOTONIC counts guest instructions
 *   procbench tput WORKERS MS  WORKERS processes each forking, exiting and
 *                              waiting for MS wall milliseconds (no -icount)
 * Prints "KBENCH <name> <value> ns" lines and, for tput, "KBENCH_TPUT" lines
 * (tools/bench.py tabulates them).
 *   procbench forkloop N / pingloop N   N rounds of fork + exit + wait4, or of
 *                              the pipe ping-pong, for tools/profile.py */
#include "echo_child.h"
#include "tine.h"

static int g_rounds = 200;

static void report(const char* name, uint64_t value) { printf("KBENCH %s %lu ns\n", name, value); }

static uint64_t getpid_cost(void) {
  const int n = 2000;
  syscall0(SYS_getpid);
  uint64_t t0 = now_ns();
  for (int i = 0; i < n; ++i) syscall0(SYS_getpid);
  return (now_ns() - t0) / n;
}

/* sched_yield with nothing else runnable on this CPU: a trip into the
 * scheduler and back. */
static uint64_t yield_cost(void) {
  const int n = 2000;
  sched_yield();
  uint64_t t0 = now_ns();
  for (int i = 0; i < n; ++i) syscall0(SYS_sched_yield);
  return (now_ns() - t0) / n;
}

/* fork (raw 1002 or clone(SIGCHLD)) + child _exit + wait4, averaged. */
/* The parent's side of one raw fork round trip in pieces: the fork call, and
 * wait4 (which includes the child's run and exit when it has not finished). */
static void fork_pieces(uint64_t* fork_part, uint64_t* wait_part) {
  uint64_t f = 0, w = 0;
  for (int i = 0; i < g_rounds; ++i) {
    uint64_t t0 = now_ns();
    int pid = (int)svc1(SYS_fork, 0);
    if (pid == 0) svc1(SYS_exit_group, 0);
    uint64_t t1 = now_ns();
    waitpid(pid, 0, 0);
    uint64_t t2 = now_ns();
    f += t1 - t0;
    w += t2 - t1;
  }
  *fork_part = f / (uint64_t)g_rounds;
  *wait_part = w / (uint64_t)g_rounds;
}

static uint64_t fork_cost(int raw) {
  for (int i = 0; i < 2; ++i) { /* untimed rounds: steady state */
    int pid = raw ? fork() : clone_fork();
    if (pid == 0) _exit(0);
    waitpid(pid, 0, 0);
  }
  uint64_t t0 = now_ns();
  for (int i = 0; i < g_rounds; ++i) {
    int pid = raw ? (int)svc1(SYS_fork, 0) : clone_fork();
    if (pid == 0) svc1(SYS_exit_group, 0);
    waitpid(pid, 0, 0);
  }
  return (now_ns() - t0) / (uint64_t)g_rounds;
}

/* vfork + child _exit + wait4: the parent sleeps until the child exits. */
static uint64_t vfork_cost(void) {
  for (int i = 0; i < 2; ++i) {
    long pid = svc1(SYS_vfork, 0);
    if (pid == 0) svc1(SYS_exit_group, 0);
    waitpid((int)pid, 0, 0);
  }
  uint64_t t0 = now_ns();
  for (int i = 0; i < g_rounds; ++i) {
    long pid = svc1(SYS_vfork, 0);
    if (pid == 0) svc1(SYS_exit_group, 0);
    waitpid((int)pid, 0, 0);
  }
  return (now_ns() - t0) / (uint64_t)g_rounds;
}

/* One byte from parent to child through one pipe and back through another:
 * a round trip of two writes, two reads and two wakeups (design.md's
 * "pipe ping-pong between two processes"). */
static uint64_t pipe_pingpong_cost(void) {
  int there[2], back[2];
  if (pipe(there) != 0 || pipe(back) != 0) return 0;
  int pid = fork_echo_child(there, back);
  char c = 'p';
  for (int i = 0; i < 4; ++i) { /* untimed rounds: steady state */
    write(there[1], &c, 1);
    read(back[0], &c, 1);
  }
  uint64_t t0 = now_ns();
  for (int i = 0; i < g_rounds; ++i) {
    write(there[1], &c, 1);
    read(back[0], &c, 1);
  }
  uint64_t cost = (now_ns() - t0) / (uint64_t)g_rounds;
  close(there[1]);
  waitpid(pid, 0, 0);
  close(back[0]);
  return cost;
}

/* lwp_create + the LWP exits + join. tine has no futex: the join spins
 * (sched_yield) on a word the LWP sets as its last store before exit; the
 * kernel reaps exited LWPs at the next lwp_create, so that work is in the
 * next round's figure. */
static volatile int g_lwp_done;
static int g_join_sleep; /* join by sleeping 1 us between looks, not sched_yield */
static char g_lwp_stack[16384] __attribute__((aligned(16)));

static void lwp_body(void* arg) {
  (void)arg;
  __atomic_store_n(&g_lwp_done, 1, __ATOMIC_RELEASE);
  syscall1(SYS_exit, 0);
}

static int lwp_round(void) {
  g_lwp_done = 0;
  int tid = -1;
  struct lwp_params lp = {(void*)lwp_body, 0, g_lwp_stack + sizeof g_lwp_stack, &tid, 0};
  if (syscall1(SYS_lwp_create, (long)&lp) != 0) return -1;
  if (g_join_sleep) {
    struct timespec d = {0, 1000};
    while (!__atomic_load_n(&g_lwp_done, __ATOMIC_ACQUIRE)) nanosleep(&d, 0);
  } else {
    while (!__atomic_load_n(&g_lwp_done, __ATOMIC_ACQUIRE)) syscall0(SYS_sched_yield);
  }
  return 0;
}

static uint64_t lwp_cost(void) {
  for (int i = 0; i < 2; ++i) lwp_round();
  uint64_t t0 = now_ns();
  for (int i = 0; i < g_rounds; ++i) {
    if (lwp_round() != 0) {
      printf("procbench: lwp_create failed\n");
      return 0;
    }
  }
  return (now_ns() - t0) / (uint64_t)g_rounds;
}

/* WORKERS processes fork + exit + wait in a loop until the parent raises the
 * stop word; each counts its round trips in a shared page. */
static int throughput(int workers, int ms) {
  volatile uint64_t* sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (MAP_FAILED_P(sh)) return 1;
  sh[0] = 0; /* stop */
  sh[1] = 0; /* started */
  int pids[16];
  for (int w = 0; w < workers; ++w) {
    int pid = clone_fork();
    if (pid == 0) {
      __atomic_add_fetch(&sh[1], 1, __ATOMIC_ACQ_REL);
      while (__atomic_load_n(&sh[1], __ATOMIC_ACQUIRE) < (uint64_t)workers) sched_yield();
      uint64_t n = 0, fork_ns = 0, wait_ns = 0;
      while (!__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE)) {
        uint64_t t0 = now_ns();
        int c = clone_fork();
        if (c == 0) _exit(0);
        if (c < 0) break;
        uint64_t t1 = now_ns();
        waitpid(c, 0, 0);
        wait_ns += now_ns() - t1;
        fork_ns += t1 - t0;
        ++n;
      }
      sh[8 + w] = n;
      sh[24 + w] = fork_ns;
      sh[40 + w] = wait_ns;
      _exit(0);
    }
    pids[w] = pid;
  }
  while (__atomic_load_n(&sh[1], __ATOMIC_ACQUIRE) < (uint64_t)workers) sleep_ns(1000000);
  uint64_t t0 = now_ns();
  sleep_ns((uint64_t)ms * 1000000u);
  __atomic_store_n(&sh[0], 1, __ATOMIC_RELEASE);
  uint64_t elapsed = now_ns() - t0;
  uint64_t total = 0;
  for (int w = 0; w < workers; ++w) waitpid(pids[w], 0, 0);
  uint64_t fork_ns = 0, wait_ns = 0;
  for (int w = 0; w < workers; ++w) {
    total += sh[8 + w];
    fork_ns += sh[24 + w];
    wait_ns += sh[40 + w];
  }
  /* forks per second, in hundredths */
  uint64_t rate100 = total * 100ull * 1000000000ull / (elapsed ? elapsed : 1);
  printf("KBENCH_TPUT workers=%d forks=%lu ms=%lu rate=%lu.%02lu fork_us=%lu wait_us=%lu\n",
         workers, total, elapsed / 1000000, rate100 / 100, rate100 % 100,
         total ? fork_ns / total / 1000 : 0, total ? wait_ns / total / 1000 : 0);
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "tput") == 0) {
    int workers = argc > 2 ? (int)atol(argv[2]) : 1;
    int ms = argc > 3 ? (int)atol(argv[3]) : 2000;
    if (workers < 1 || workers > 16) workers = 1;
    return throughput(workers, ms);
  }
  if (argc > 1 && strcmp(argv[1], "forkloop") == 0) {
    /* N raw fork round trips and nothing else: for tools/profile.py, which
     * subtracts a run with fewer rounds to leave the cost of the loop. */
    int n = argc > 2 ? (int)atol(argv[2]) : 100;
    for (int i = 0; i < n; ++i) {
      int pid = (int)svc1(SYS_fork, 0);
      if (pid == 0) svc1(SYS_exit_group, 0);
      waitpid(pid, 0, 0);
    }
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "pingloop") == 0) {
    /* N pipe ping-pong round trips, for tools/profile.py (as forkloop). */
    g_rounds = argc > 2 ? (int)atol(argv[2]) : 100;
    pipe_pingpong_cost();
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "quick") == 0) g_rounds = 5;
  report("user_getpid", getpid_cost());
  report("user_sched_yield", yield_cost());
  report("user_fork_raw_exit_wait", fork_cost(1));
  report("user_clone_fork_exit_wait", fork_cost(0));
  uint64_t fp = 0, wp = 0;
  fork_pieces(&fp, &wp);
  report("user_fork_part_fork_call", fp);
  report("user_fork_part_wait4", wp);
  report("user_vfork_exit_wait", vfork_cost());
  report("user_pipe_pingpong", pipe_pingpong_cost());
  report("user_lwp_create_exit_join", lwp_cost());
  g_join_sleep = 1;
  report("user_lwp_create_exit_join_sleep", lwp_cost());
  return 0;
}
