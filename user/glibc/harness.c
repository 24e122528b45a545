/* The glibc programs' test harness (harness.h). */
#define _GNU_SOURCE
#include "harness.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* tine's tine_kstat (2000, docs/user-abi.md): the fields the baseline compares. */
enum { SYS_tine_kstat = 2000, KSTAT_SETTLE = 1, KSTAT_MAX_ZONES = 24 };
struct kstat_zone {
  char name[16];
  uint64_t inuse_objects;
  uint64_t inuse_bytes;
};
struct kstat {
  uint64_t managed_pages, free_pages, user_pages, pt_pages, heap_pages, kstack_pages;
  uint64_t user_pt_pages, asids_in_use, asid_capacity, vmspaces, regions, anon_objects, procs,
      threads;
  uint64_t faults, zero_fills, cow_copies, cow_reuses, tables_shared, tables_copied, table_unshares,
      table_claims, spurious_faults, forks, syscalls;
  uint64_t nzones;
  struct kstat_zone zones[KSTAT_MAX_ZONES];
};

struct counts {
  long passed, failed; /* atomics, in a page the test children share */
};

static struct counts* g_counts;
static const char* g_test = "?";
static const char* g_self = "/bin/glibctest";
static int g_tine = -1;

int t_on_tine(void) {
  if (g_tine < 0) g_tine = syscall(SYS_tine_kstat, 0, 0, 0) != -1 || errno != ENOSYS;
  return g_tine;
}

const char* t_self(void) { return g_self; }

void t_check(const char* check, int ok, const char* fmt, ...) {
  if (ok) {
    printf("UTEST %s.%s PASS\n", g_test, check);
    __atomic_add_fetch(&g_counts->passed, 1, __ATOMIC_RELAXED);
    return;
  }
  char detail[200];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
  printf("UTEST %s.%s FAIL %s\n", g_test, check, detail);
  __atomic_add_fetch(&g_counts->failed, 1, __ATOMIC_RELAXED);
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

static int same_resources(const struct kstat* a, const struct kstat* b, char* why, size_t n) {
  size_t len = 0;
  int same = 1;
  why[0] = 0;
#define SAME(field)                                                                 \
  if (a->field != b->field) {                                                       \
    same = 0;                                                                       \
    if (len < n)                                                                    \
      len += snprintf(why + len, n - len, "%s" #field " %lu->%lu", len ? ", " : "", \
                      (unsigned long)a->field, (unsigned long)b->field);            \
  }
  SAME(free_pages);
  SAME(user_pages);
  SAME(pt_pages);
  SAME(user_pt_pages);
  SAME(heap_pages);
  SAME(kstack_pages);
  SAME(asids_in_use);
  SAME(vmspaces);
  SAME(regions);
  SAME(anon_objects);
  SAME(procs);
  SAME(threads);
#undef SAME
  for (uint64_t i = 0; i < a->nzones && i < KSTAT_MAX_ZONES; ++i)
    for (uint64_t j = 0; j < b->nzones && j < KSTAT_MAX_ZONES; ++j) {
      const struct kstat_zone* za = &a->zones[i];
      const struct kstat_zone* zb = &b->zones[j];
      if (strcmp(za->name, zb->name) != 0) continue;
      if (za->inuse_objects != zb->inuse_objects || za->inuse_bytes != zb->inuse_bytes) {
        same = 0;
        if (len < n)
          len +=
              snprintf(why + len, n - len, "%szone %s %lu->%lu objects", len ? ", " : "", za->name,
                       (unsigned long)za->inuse_objects, (unsigned long)zb->inuse_objects);
      }
    }
  return same;
}

static int nothing(void* arg) {
  (void)arg;
  return 0;
}

/* Pages the harness itself first touches around a fork and a wait (its
 * stack, glibc's fork state) are touched once before anything is measured. */
static struct kstat g_before, g_after;

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
  struct kstat* before = &g_before;
  struct kstat* after = &g_after;
  g_test = t->name;
  if (!t_on_tine() && (t->flags & T_TINE_ONLY)) {
    printf("UTEST-INFO %s: skipped (qemu-user emulates, or lacks, what it tests)\n", t->name);
    return;
  }
  int tine = t_on_tine();
  if (tine) syscall(SYS_tine_kstat, before, sizeof *before, KSTAT_SETTLE);
  int st = t_fork_status(run_body, (void*)t->fn);
  if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
    t_check("child", 0, "test process ended with status %#x", st);
  if (!tine) return;
  syscall(SYS_tine_kstat, after, sizeof *after, KSTAT_SETTLE);
  char why[200];
  int same = same_resources(before, after, why, sizeof why);
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
  printf("UTEST-SUMMARY passed=%ld failed=%ld\n", g_counts->passed, g_counts->failed);
  fflush(stdout);
  return (int)g_counts->failed;
}
