/* A process tree made by each way tine creates one, shown with ps, then taken
 * down again. The non-interactive `./tine run` boots into it (init=demo: init,
 * pid 1, runs it as pid 2).
 *
 *   demo (pid 2) ---------+-- fork:       "worker", which forks a grandchild
 *     + 1 LWP             +-- vfork+exec: /bin/demo sleeper (the parent waits
 *                         |               in vfork until the exec)
 *                         +-- rfork(RFPROC|RFFDG): with 2 LWPs of its own
 *
 * Exits 0 when every child was reaped with status 0 and the kernel's
 * process-layer invariants hold. */
#include "tine.h"

/* Shared between the processes: stop word, which LWPs finished (by slot),
 * ready count. */
struct shared {
  volatile int stop;
  volatile int lwp_done[3];
  volatile int ready;
};
static struct shared* g_sh;
static char g_stacks[3][8192] __attribute__((aligned(16)));

static void ms(int n) { sleep_ns((uint64_t)n * 1000000u); }

static void lwp_body(void* arg) {
  int slot = (int)(long)arg;
  __atomic_add_fetch(&g_sh->ready, 1, __ATOMIC_ACQ_REL);
  while (!__atomic_load_n(&g_sh->stop, __ATOMIC_ACQUIRE)) ms(5);
  __atomic_store_n(&g_sh->lwp_done[slot], 1, __ATOMIC_RELEASE);
  syscall1(SYS_exit, 0);
}

static void wait_lwp(int slot) {
  while (!__atomic_load_n(&g_sh->lwp_done[slot], __ATOMIC_ACQUIRE)) ms(5);
}

static int spawn_lwp(int slot) {
  int tid = -1;
  struct lwp_params lp = {(void*)lwp_body, (void*)(long)slot,
                          g_stacks[slot] + sizeof g_stacks[slot], &tid, 0};
  long r = syscall1(SYS_lwp_create, (long)&lp);
  return r == 0 ? tid : (int)r;
}

static void wait_stop(void) {
  while (!__atomic_load_n(&g_sh->stop, __ATOMIC_ACQUIRE)) ms(5);
}

static int reap(int pid, const char* what) {
  int st = -1;
  int r = waitpid(pid, &st, 0);
  int ok = r == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
  printf("demo: reaped %s (pid %d): %s\n", what, pid, ok ? "exit 0" : "FAILED");
  return ok;
}

/* The vfork child's program: sleep, then exit. */
static int sleeper(int argc, char** argv) {
  ms(argc > 2 ? (int)atol(argv[2]) : 300);
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "sleeper") == 0) return sleeper(argc, argv);
  printf("demo: pid %d builds a process tree\n", getpid());
  g_sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (MAP_FAILED_P(g_sh)) return 1;
  int ok = 1;

  /* fork: a worker with a grandchild of its own */
  int worker = fork();
  if (worker == 0) {
    int grandchild = fork();
    if (grandchild == 0) {
      __atomic_add_fetch(&g_sh->ready, 1, __ATOMIC_ACQ_REL);
      wait_stop();
      _exit(0);
    }
    __atomic_add_fetch(&g_sh->ready, 1, __ATOMIC_ACQ_REL);
    int st = -1;
    waitpid(grandchild, &st, 0);
    _exit(WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1);
  }
  printf("demo: fork -> worker pid %d\n", worker);

  /* vfork + execve: this process sleeps until the child has exec'ed */
  char* sargv[] = {"demo", "sleeper", "400", 0};
  char* senv[] = {0};
  long sleeper_pid = syscall0(SYS_vfork);
  if (sleeper_pid == 0) {
    execve("/bin/demo", sargv, senv);
    syscall1(SYS_exit_group, 127);
  }
  printf("demo: vfork -> pid %ld, exec'ed /bin/demo sleeper\n", sleeper_pid);

  /* rfork(RFPROC|RFFDG): a process with two more LWPs */
  flush_stdout();
  int rchild = (int)syscall1(SYS_rfork, RFPROC | RFFDG);
  if (rchild == 0) {
    int a = spawn_lwp(0), b = spawn_lwp(1);
    if (a <= 0 || b <= 0) _exit(2);
    __atomic_add_fetch(&g_sh->ready, 1, __ATOMIC_ACQ_REL);
    wait_stop();
    wait_lwp(0);
    wait_lwp(1);
    _exit(0);
  }
  printf("demo: rfork(RFPROC|RFFDG) -> pid %d, with 2 LWPs\n", rchild);

  /* lwp_create: one more LWP in this process */
  int tid = spawn_lwp(2);
  printf("demo: lwp_create -> tid %d in pid %d\n", tid, getpid());
  ok &= worker > 0 && sleeper_pid > 0 && rchild > 0 && tid > 0;

  /* worker + grandchild + rchild + its 2 LWPs + ours */
  uint64_t deadline = now_ns() + 5000000000ull;
  while (__atomic_load_n(&g_sh->ready, __ATOMIC_ACQUIRE) < 6 && now_ns() < deadline) ms(5);
  printf("demo: the tree:\n");
  flush_stdout();
  tine_proc(TINE_PROC_PS, 0);

  __atomic_store_n(&g_sh->stop, 1, __ATOMIC_RELEASE);
  ok &= reap(worker, "fork worker");
  ok &= reap((int)sleeper_pid, "vfork sleeper");
  ok &= reap(rchild, "rfork child");
  wait_lwp(2);
  ms(20);
  printf("demo: after the children exited:\n");
  flush_stdout();
  tine_proc(TINE_PROC_PS, 0);
  long inv = tine_proc(TINE_PROC_CHECK, 0);
  printf("demo: process-layer invariants: %s\n", inv == 0 ? "hold" : "VIOLATED");
  ok &= inv == 0;
  printf("demo: %s\n", ok ? "done" : "FAILED");
  return ok ? 0 : 1;
}
