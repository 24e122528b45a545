/* The user-mode test harness (utest.h). */
#include "utest.h"

static struct utest_counts* g_counts;
static struct utest_counts g_local_counts;
static const char* g_test = "?";
static int g_fork_ok;

int ut_have_fork(void) { return g_fork_ok; }

void ut_init(void) {
  void* p = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  g_counts = MAP_FAILED_P(p) ? &g_local_counts : (struct utest_counts*)p;
  g_counts->passed = g_counts->failed = 0; /* touched now, not during the first test */
  int pid = fork();
  if (pid == 0) _exit(0);
  if (pid > 0) {
    int st = 0;
    g_fork_ok = waitpid(pid, &st, 0) == pid && WIFEXITED(st);
  }
}

void ut_check(const char* check, int ok, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  utest_line(g_counts, g_test, check, ok, fmt, ap);
  va_end(ap);
}

int ut_fail_shared(struct ut_failures* f, const char* prefix, const char* fmt, va_list ap) {
  __atomic_add_fetch(&f->count, 1, __ATOMIC_RELAXED);
  int zero = 0;
  if (!__atomic_compare_exchange_n(&f->claimed, &zero, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
    return 0;
  int n = snprintf(f->first, sizeof f->first, "%s", prefix);
  vsnprintf(f->first + n, sizeof f->first - n, fmt, ap);
  return 1;
}

struct tine_proc_stats ut_proc_stats(void) {
  struct tine_proc_stats s;
  memset(&s, 0, sizeof s);
  tine_proc(TINE_PROC_STATS, (long)&s);
  return s;
}

int ut_same_proc_live(const struct tine_proc_stats* a, const struct tine_proc_stats* b, char* why,
                      size_t n) {
  why[0] = 0;
#define SAME_LIVE(field)                                                    \
  if (a->field != b->field) {                                               \
    snprintf(why, n, "live " #field " %lu -> %lu", (unsigned long)a->field, \
             (unsigned long)b->field);                                      \
    return 0;                                                               \
  }
  SAME_LIVE(procs_live);
  SAME_LIVE(lwps_live);
  SAME_LIVE(pgrps_live);
  SAME_LIVE(sessions_live);
  SAME_LIVE(uidinfos_live);
  SAME_LIVE(ucreds_live);
#undef SAME_LIVE
  return 1;
}

int ut_back_to_baseline(const struct tine_kstat* k0, const struct tine_proc_stats* live0,
                        struct tine_kstat* now, char* why, size_t n) {
  int same = 0;
  for (int i = 0; i < 50 && !same; ++i) {
    if (i) sleep_ns(100000000u);
    tine_kstat(now, TINE_KSTAT_SETTLE);
    struct tine_proc_stats live = ut_proc_stats();
    same = kstat_same_resources(k0, now, why, n) && ut_same_proc_live(live0, &live, why, n);
  }
  return same;
}

int ut_child_status(void (*fn)(void*), void* arg) {
  int pid = fork();
  if (pid < 0) return pid;
  if (pid == 0) {
    fn(arg);
    exit(0);
  }
  int st = 0;
  int r = waitpid(pid, &st, 0);
  if (r < 0) return r;
  return st;
}

int ut_wait_within(int pid, int options, int ms, int* st) {
  for (int i = 0; i < ms / 5 + 1; ++i) {
    int r = wait4(pid, st, WNOHANG | options, 0);
    if (r == pid) return 1;
    if (r < 0) return 0;
    sleep_ns(5000000u);
  }
  return 0;
}

long ut_lwp_start(void (*fn)(void*), void* arg, size_t stack_size) {
  struct lwp_params lp;
  char* stack = mmap(0, stack_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (MAP_FAILED_P(stack)) return (long)stack;
  lp.func = (void*)fn;
  lp.arg = arg;
  lp.stack = stack + stack_size;
  lp.tid1 = lp.tid2 = 0;
  return syscall1(SYS_lwp_create, (long)&lp);
}

extern char __data_start[], _end[];

/* A forked test starts by writing once to every page it shares copy-on-write
 * with the suite (data, bss, the stack it will use, the counters' page, whose
 * table fork shared), so the page and table counts it measures afterwards move
 * only with what the test itself does. */
static void warm_up(void) {
  for (volatile char* p = __data_start; p < _end; p += 4096) *p = *p;
  __atomic_add_fetch(&g_counts->passed, 0, __ATOMIC_RELAXED); /* its table, shared at fork */
  volatile char stack[48 * 1024];
  for (size_t i = 0; i < sizeof stack; i += 4096) stack[i] = 0;
}

static void run_test_body(void* fn) {
  warm_up();
  ((void (*)(void))fn)();
}

void ut_run(const char* name, void (*fn)(void)) {
  static struct tine_kstat before, after;
  g_test = name;
  tine_kstat(&before, TINE_KSTAT_SETTLE);
  if (g_fork_ok) {
    int st = ut_child_status(run_test_body, (void*)fn);
    if (st < 0 || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
      ut_check("child", 0, "test process ended with status %#x", st);
  } else {
    fn();
  }
  tine_kstat(&after, TINE_KSTAT_SETTLE);
  char why[160] = "";
  int same = kstat_same_resources(&before, &after, why, sizeof why);
  ut_check("baseline", same, "%s", why);
}

void ut_run_selected(const struct ut_test* tests, size_t n, int all, int argc, char** argv) {
  for (size_t i = 0; i < n; ++i) {
    int selected = all;
    for (int a = 1; a < argc; ++a) selected |= strcmp(argv[a], tests[i].name) == 0;
    if (selected) ut_run(tests[i].name, tests[i].fn);
  }
}

int ut_finish(void) {
  utest_summary(g_counts);
  flush_stdout();
  return (int)g_counts->failed;
}
