/* The user-mode test harness. Every check prints one line,
 *   UTEST <test>.<check> PASS
 *   UTEST <test>.<check> FAIL <detail>
 * every test is followed by "UTEST <test>.baseline PASS|FAIL" (the kernel's
 * resource counters came back to where they were before it), and the run ends
 * with "UTEST-SUMMARY passed=N failed=M".
 *
 * Each test runs in a child process when fork works, so the suite process
 * itself stays unchanged and the counters compare exactly; the counts of
 * passes and failures live in a shared anonymous page. */
#ifndef TINE_USER_UTEST_H
#define TINE_USER_UTEST_H

#include "tine.h"
#include "utest_lines.h"

void ut_init(void);
/* Records one check of the running test. */
void ut_check(const char* check, int ok, const char* fmt, ...)
    __attribute__((format(printf, 3, 4)));
#define UT_CHECK(check, cond) ut_check(check, (cond), "%s (line %d)", #cond, __LINE__)
#define UT_EQ(check, a, b)                                                                  \
  do {                                                                                      \
    long ut_a_ = (long)(a), ut_b_ = (long)(b);                                              \
    ut_check(check, ut_a_ == ut_b_, "%s == %s: %ld vs %ld (line %d)", #a, #b, ut_a_, ut_b_, \
             __LINE__);                                                                     \
  } while (0)
/* Runs fn as test `name` (in a child if it can) and checks the resources after. */
void ut_run(const char* name, void (*fn)(void));
/* Prints the summary line; returns the number of failed checks. */
int ut_finish(void);

/* A suite's test: the name its UTEST lines and the command line give it. */
struct ut_test {
  const char* name;
  void (*fn)(void);
};
/* Runs (ut_run) each of tests[0..n) that argv[1..argc) names, or every one
 * when `all` is set. */
void ut_run_selected(const struct ut_test* tests, size_t n, int all, int argc, char** argv);

/* Failures counted in memory that every process of a test shares (a
 * MAP_SHARED page): how many, and the words of the first. */
struct ut_failures {
  uint64_t count; /* atomic */
  int claimed;    /* atomic: 1 once the first failure has the words */
  char first[240];
};
/* Counts a failure; the first one's words, prefix and then the message, stay
 * in f->first. Returns 1 for that first one. */
int ut_fail_shared(struct ut_failures* f, const char* prefix, const char* fmt, va_list ap);

/* Runs fn in a child process and returns its wait status (or -errno). */
int ut_child_status(void (*fn)(void*), void* arg);
/* Whether fork works in this kernel (decided by ut_init). */
int ut_have_fork(void);

/* Waits up to ms for pid with wait4's options (WNOHANG is added); 1 with *st
 * set once wait4 reported it, 0 on time out or a wait4 error. */
int ut_wait_within(int pid, int options, int ms, int* st);
/* Starts an LWP running fn(arg) on a fresh mmap'ed stack of stack_size bytes;
 * lwp_create's result (0 or -errno). */
long ut_lwp_start(void (*fn)(void*), void* arg, size_t stack_size);

/* The process layer's counters now (tine_proc's TINE_PROC_STATS). */
struct tine_proc_stats ut_proc_stats(void);
/* Whether b has as many live processes, LWPs, groups, sessions, uidinfos and
 * ucreds as a; fills why on the first difference. */
int ut_same_proc_live(const struct tine_proc_stats* a, const struct tine_proc_stats* b, char* why,
                      size_t n);

/* Whether the resource counters and the live counts of the process layer
 * come back to k0 and live0 within 5 s: freed pages and objects can come
 * back late (deferred frees, stacks kept for reuse), so it reads them up to
 * 50 times, 100 ms apart, into *now (the caller's: memory it has already
 * touched, so that reading there moves no counter). Fills why while they differ. */
int ut_back_to_baseline(const struct tine_kstat* k0, const struct tine_proc_stats* live0,
                        struct tine_kstat* now, char* why, size_t n);

#endif
