/* The glibc programs' test harness. Every check prints one line,
 *   UTEST <test>.<check> PASS
 *   UTEST <test>.<check> FAIL <detail>
 * and the run ends with "UTEST-SUMMARY passed=N failed=M" and exit status M,
 * as user/lib/utest.c's suites do (tests/user/utest.py reads both).
 *
 * Each test runs in a child made by glibc's fork, so one that crashes costs
 * only itself. On tine every test is followed by a baseline check: the
 * kernel's resource counters (tine_kstat) came back. Under qemu-aarch64 on
 * the host the same binary asks Linux the same questions; that call does not
 * exist there, and tests marked T_TINE_ONLY (whose answer qemu-user gives
 * itself, not Linux: it emulates clone and execve) are skipped. */
#ifndef TINE_GLIBC_HARNESS_H
#define TINE_GLIBC_HARNESS_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

void t_check(const char* check, int ok, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
#define CHECK(check, cond) t_check(check, (cond), "%s (line %d)", #cond, __LINE__)
#define EQ(check, a, b)                                                                           \
  do {                                                                                            \
    long t_a_ = (long)(a), t_b_ = (long)(b);                                                      \
    t_check(check, t_a_ == t_b_, "%s == %s: %ld vs %ld (line %d)", #a, #b, t_a_, t_b_, __LINE__); \
  } while (0)

/* A raw system call's result as the kernel gave it: the value, or -errno. */
#define SYS(...) t_sysret(syscall(__VA_ARGS__))
static inline long t_sysret(long r) { return r == -1 ? -errno : r; }

enum { T_TINE_ONLY = 1 };
struct test {
  const char* name;
  void (*fn)(void);
  unsigned flags;
};

/* 1 on tine, 0 elsewhere (Linux through qemu-aarch64). */
int t_on_tine(void);
/* The path this program was started as (posix_spawn and exec use it). */
const char* t_self(void);
/* Runs the tests named on the command line (all when none), each in a child;
 * returns the number of failed checks. "PROGRAM child MODE ARGS..." runs a
 * helper mode instead (t_child_main). */
int t_main(const struct test* tests, int argc, char** argv);
/* A program's helper modes, run as "PROGRAM child MODE ARGS...": returns the
 * exit status, or -1 for a mode it does not know. */
int t_child_main(int argc, char** argv);

/* A child that runs fn(arg) and exits with its return value; its wait status. */
int t_fork_status(int (*fn)(void*), void* arg);
/* Monotonic time in nanoseconds, and sleeping. */
uint64_t t_now_ns(void);
void t_sleep_ms(unsigned ms);
/* Stops process c with stop signal sig (SIGSTOP, SIGTSTP, ...), waits (3 s
 * at most) until wait reports the stop, and continues it with SIGCONT: 1 when
 * the stop was reported. */
int t_stop_and_continue(pid_t c, int sig);
/* Child c's wait status, once it ends; after ms, SIGKILL ends it (a test
 * then fails on the status rather than hangs on a wait that never ends). */
int t_wait_status_within(pid_t c, unsigned ms);
/* How many threads wait on the futex word now (shared: a non-private wait),
 * and waiting until n do, or 10 s have passed (a test then fails on what it
 * checks next rather than hangs on a wake that came too early). */
long t_futex_queued(volatile int* word, int shared);
void t_until_queued(volatile int* word, int shared, long n);

#endif
