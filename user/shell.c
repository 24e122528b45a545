/* tsh: a small shell on the console. Reads lines on fd 0 (the terminal's
 * line discipline edits and echoes them), runs built-in commands and the built-in
 * programs (/bin/NAME) with fork + execve + wait4.
 * `./tine run` on a terminal boots into it (init=shell). */
#include "tine.h"

#define LINE 256
#define MAXARGS 16

static void prompt(void) {
  printf("tsh> ");
  flush_stdout();
}

/* One line from the terminal into buf (without the end of line); -1 at end
 * of input. The console's line discipline edits and echoes it (erase, ^U,
 * ^W) and gives it whole; ^D on an empty line is the end of input. */
static int read_line(char* buf, int size) {
  ssize_t r = read(0, buf, (size_t)size - 1);
  if (r <= 0) return -1;
  while (r > 0 && (buf[r - 1] == '\n' || buf[r - 1] == '\r')) --r;
  buf[r] = 0;
  return (int)r;
}

static int split(char* line, char** argv) {
  int argc = 0;
  char* p = line;
  while (*p && argc < MAXARGS - 1) {
    while (*p == ' ' || *p == '\t') *p++ = 0;
    if (!*p) break;
    argv[argc++] = p;
    while (*p && *p != ' ' && *p != '\t') ++p;
  }
  argv[argc] = 0;
  return argc;
}

static void report_status(const char* what, int pid, int st) {
  if (WIFEXITED(st))
    printf("[%s: pid %d exited, status %d]\n", what, pid, WEXITSTATUS(st));
  else if (WIFSIGNALED(st))
    printf("[%s: pid %d killed by signal %d]\n", what, pid, WTERMSIG(st));
  else
    printf("[%s: pid %d status 0x%x]\n", what, pid, st);
}

/* run NAME [args]: fork, execve /bin/NAME in the child, wait for it. */
static void cmd_run(int argc, char** argv) {
  if (argc < 2) {
    printf(
        "usage: run NAME [args]   (hello, utest, proctest, crash, forkbench, procbench, demo)\n");
    return;
  }
  char path[64];
  snprintf(path, sizeof path, "/bin/%s", argv[1]);
  int pid = fork();
  if (pid < 0) {
    printf("run: fork: error %d\n", -pid);
    return;
  }
  if (pid == 0) {
    char* envp[] = {"HOME=/", "PATH=/bin", 0};
    int r = execve(path, argv + 1, envp);
    printf("run: %s: error %d\n", path, -r);
    exit(127);
  }
  int st = 0;
  int r = waitpid(pid, &st, 0);
  if (r != pid) {
    printf("run: wait4: error %d\n", -r);
    return;
  }
  report_status(argv[1], pid, st);
}

/* forkbench [N]: N fork + exit + wait4 round trips, timed. */
static void cmd_forkbench(int argc, char** argv) {
  int n = argc > 1 ? (int)atol(argv[1]) : 1000;
  if (n <= 0) n = 1000;
  uint64_t t0 = now_ns();
  for (int i = 0; i < n; ++i) {
    int pid = fork();
    if (pid == 0) _exit(0);
    if (pid < 0) {
      printf("forkbench: fork: error %d after %d\n", -pid, i);
      return;
    }
    waitpid(pid, 0, 0);
  }
  uint64_t dt = now_ns() - t0;
  uint64_t rate = dt ? (uint64_t)n * 1000000000ull / dt : 0;
  printf("forkbench: %d fork+exit+wait4 in %lu us: %lu ns each, %lu forks/s\n", n,
         (unsigned long)(dt / 1000), (unsigned long)(dt / (uint64_t)n), (unsigned long)rate);
}

/* stress [P] [R]: P processes each fork R children (each with one LWP that
 * exits at once) and reap them; then the kernel checks its invariants. */
static char g_lwp_stacks[8][4096] __attribute__((aligned(16)));
static void lwp_exit_now(void* arg) {
  (void)arg;
  syscall1(SYS_exit, 0);
}

static void cmd_stress(int argc, char** argv) {
  int procs = argc > 1 ? (int)atol(argv[1]) : 4;
  int rounds = argc > 2 ? (int)atol(argv[2]) : 50;
  if (procs < 1 || procs > 8) procs = 4;
  if (rounds < 1) rounds = 50;
  uint64_t t0 = now_ns();
  int pids[8];
  for (int p = 0; p < procs; ++p) {
    pids[p] = fork();
    if (pids[p] == 0) {
      int bad = 0;
      for (int r = 0; r < rounds; ++r) {
        int c = fork();
        if (c == 0) {
          int tid = -1;
          struct lwp_params lp = {(void*)lwp_exit_now, 0, g_lwp_stacks[p] + 4096, &tid, 0};
          _exit(syscall1(SYS_lwp_create, (long)&lp) == 0 ? 0 : 1);
        }
        int st = -1;
        if (c < 0 || waitpid(c, &st, 0) != c || !WIFEXITED(st) || WEXITSTATUS(st) != 0) ++bad;
      }
      _exit(bad > 255 ? 255 : bad);
    }
  }
  int failed = 0;
  for (int p = 0; p < procs; ++p) {
    int st = -1;
    if (pids[p] < 0 || waitpid(pids[p], &st, 0) != pids[p] || !WIFEXITED(st) ||
        WEXITSTATUS(st) != 0)
      ++failed;
  }
  uint64_t dt = now_ns() - t0;
  long inv = tine_proc(TINE_PROC_CHECK, 0);
  printf("stress: %d processes x %d forks in %lu ms: %d failed; invariants %s\n", procs, rounds,
         (unsigned long)(dt / 1000000), failed, inv == 0 ? "hold" : "VIOLATED");
}

static void cmd_ps(void) {
  flush_stdout();
  tine_proc(TINE_PROC_PS, 0);
}

static void cmd_help(void) {
  printf(
      "tsh commands:\n"
      "  ps                    processes: pid, ppid, group, session, state, LWPs, CPU\n"
      "  run NAME [args]       fork + execve /bin/NAME, wait for it\n"
      "  forkbench [N]         N fork + exit + wait4 round trips, timed\n"
      "  stress [P] [R]        P processes fork R children each, then check invariants\n"
      "  help                  this list\n"
      "  exit [N]              leave the shell (as init: the kernel powers off)\n");
}

int main(int argc, char** argv) {
  printf("tsh: tine shell, pid %d; 'help' lists the commands\n", getpid());
  char line[LINE];
  for (;;) {
    prompt();
    if (read_line(line, sizeof line) < 0) break;
    char* av[MAXARGS];
    int ac = split(line, av);
    if (ac == 0) continue;
    if (strcmp(av[0], "exit") == 0) return ac > 1 ? (int)atol(av[1]) : 0;
    if (strcmp(av[0], "help") == 0)
      cmd_help();
    else if (strcmp(av[0], "ps") == 0)
      cmd_ps();
    else if (strcmp(av[0], "run") == 0)
      cmd_run(ac, av);
    else if (strcmp(av[0], "forkbench") == 0)
      cmd_forkbench(ac, av);
    else if (strcmp(av[0], "stress") == 0)
      cmd_stress(ac, av);
    else
      printf("tsh: unknown command: %s ('help' lists them)\n", av[0]);
  }
  return 0;
}
