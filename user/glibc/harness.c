/* The glibc programs' test harness (harness.h). */
#define _GNU_SOURCE
#include "harness.h"

#include "tine_kstat.h"
#include "utest_lines.h"

#include <limits.h>
#include <linux/futex.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* tine's tine_kstat (docs/user-abi.md), for the baseline after each test. */
enum { SYS_tine_kstat = 2000 };

static struct utest_counts* g_counts;
static const char* g_test = "?";
static const char* g_self = "/bin/glibctest";
static int g_tine = -1;

int t_on_tine(void) {
  if (g_tine < 0) g_tine = syscall(SYS_tine_kstat, 0, 0, 0) != -1 || errno != ENOSYS;
  return g_tine;
}

const char* t_self(void) { return g_self; }

void t_check(const char* check, int ok, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  utest_line(g_counts, g_test, check, ok, fmt, ap);
  va_end(ap);
}

uint64_t t_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void t_sleep_ms(unsigned ms) {
  struct timespec d = {ms / 1000, (long)(ms % 1000) * 1000000};
  while (nanosleep(&d, &d) != 0 && errno == EINTR) {
  }
}

int t_stop_and_continue(pid_t c, int sig) {
  kill(c, sig);
  int st = 0;
  pid_t w;
  uint64_t give_up = t_now_ns() + 3000000000ull;
  while ((w = waitpid(c, &st, WUNTRACED | WNOHANG)) == 0 && t_now_ns() < give_up) t_sleep_ms(5);
  kill(c, SIGCONT);
  return w == c && WIFSTOPPED(st);
}

int t_wait_status_within(pid_t c, unsigned ms) {
  int st = 0;
  pid_t w;
  uint64_t give_up = t_now_ns() + (uint64_t)ms * 1000000ull;
  while ((w = waitpid(c, &st, WNOHANG)) == 0 && t_now_ns() < give_up) t_sleep_ms(5);
  if (w == 0) {
    kill(c, SIGKILL);
    waitpid(c, &st, 0);
  }
  return st;
}

/* A requeue onto the word itself that wakes none leaves every waiter where
 * it is and counts it (Linux and tine alike). */
long t_futex_queued(volatile int* word, int shared) {
  int op = shared ? FUTEX_CMP_REQUEUE : FUTEX_CMP_REQUEUE_PRIVATE;
  for (;;) {
    long n = syscall(SYS_futex, word, op, 0, INT_MAX, word, *word);
    if (n >= 0 || errno != EAGAIN) return n; /* (EAGAIN: the word changed meanwhile) */
  }
}

void t_until_queued(volatile int* word, int shared, long n) {
  uint64_t give_up = t_now_ns() + 10000000000ull;
  while (t_futex_queued(word, shared) < n && t_now_ns() < give_up) t_sleep_ms(1);
}

int t_fork_status(int (*fn)(void*), void* arg) {
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) return -errno;
  if (pid == 0) {
    int code = fn(arg);
    fflush(stdout);
    _exit(code);
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0) {
    if (errno != EINTR) return -errno;
  }
  return st;
}

static int nothing(void* arg) {
  (void)arg;
  return 0;
}

/* Pages the harness itself first touches around a fork and a wait (its
 * stack, glibc's fork state) are touched once before anything is measured. */
static struct tine_kstat g_before, g_after;

static void warm_up(void) {
  memset(&g_before, 0, sizeof g_before); /* the kernel writes them: their pages first */
  memset(&g_after, 0, sizeof g_after);
  volatile char stack[64 * 1024];
  for (size_t i = 0; i < sizeof stack; i += 4096) stack[i] = 0;
  (void)t_fork_status(nothing, NULL);
}

static int run_body(void* fn) {
  ((void (*)(void))fn)();
  return 0;
}

static void run_test(const struct test* t) {
  struct tine_kstat* before = &g_before;
  struct tine_kstat* after = &g_after;
  g_test = t->name;
  if (!t_on_tine() && (t->flags & T_TINE_ONLY)) {
    printf("UTEST-INFO %s: skipped (qemu-user emulates, or lacks, what it tests)\n", t->name);
    return;
  }
  int tine = t_on_tine();
  if (tine) syscall(SYS_tine_kstat, before, sizeof *before, TINE_KSTAT_SETTLE);
  int st = t_fork_status(run_body, (void*)t->fn);
  if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
    t_check("child", 0, "test process ended with status %#x", st);
  if (!tine) return;
  syscall(SYS_tine_kstat, after, sizeof *after, TINE_KSTAT_SETTLE);
  char why[200];
  int same = kstat_same_resources(before, after, why, sizeof why);
  t_check("baseline", same, "%s", why);
}

int t_main(const struct test* tests, int argc, char** argv) {
  if (argc > 0) g_self = argv[0];
  if (argc > 1 && strcmp(argv[1], "child") == 0) return t_child_main(argc - 2, argv + 2);
  setvbuf(stdout, NULL, _IOLBF, 0); /* lines, not blocks: children print too */
  void* p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  g_counts = p == MAP_FAILED ? calloc(1, sizeof *g_counts) : p;
  g_counts->passed = g_counts->failed = 0; /* its page now, not in the first test */
  printf("UTEST-INFO glibc tests on %s\n", t_on_tine() ? "tine" : "Linux (qemu-aarch64)");
  warm_up();
  for (const struct test* t = tests; t->name; ++t) {
    int want = argc <= 1;
    for (int i = 1; i < argc; ++i) want |= strcmp(argv[i], t->name) == 0;
    if (want) run_test(t);
  }
  utest_summary(g_counts);
  fflush(stdout);
  return (int)g_counts->failed;
}
