/* The lines every user-mode suite prints, whether built on the tiny library
 * (utest.h) or on glibc (user/glibc/harness.h); tests/user/utest.py and
 * tools/test_all.py read them:
 *   UTEST <test>.<check> PASS
 *   UTEST <test>.<check> FAIL <detail>
 *   UTEST-SUMMARY passed=N failed=M */
#ifndef TINE_USER_UTEST_LINES_H
#define TINE_USER_UTEST_LINES_H

#include <stdarg.h>

/* The suite's tally, in a page that every test's child shares. */
struct utest_counts {
  long passed, failed; /* atomics */
};

/* Prints check `check` of test `test` (the detail from fmt and ap when it
 * failed) and counts it. */
void utest_line(struct utest_counts* counts, const char* test, const char* check, int ok,
                const char* fmt, va_list ap);
/* Prints the summary line. */
void utest_summary(const struct utest_counts* counts);

#endif
