/* The suites' UTEST lines (utest_lines.h), built into the tiny library and
 * into the static glibc programs' harness. */
#include "utest_lines.h"

#include "libc_subset.h"

void utest_line(struct utest_counts* counts, const char* test, const char* check, int ok,
                const char* fmt, va_list ap) {
  if (ok) {
    printf("UTEST %s.%s PASS\n", test, check);
    __atomic_add_fetch(&counts->passed, 1, __ATOMIC_RELAXED);
    return;
  }
  char detail[200];
  vsnprintf(detail, sizeof detail, fmt, ap);
  printf("UTEST %s.%s FAIL %s\n", test, check, detail);
  __atomic_add_fetch(&counts->failed, 1, __ATOMIC_RELAXED);
}

void utest_summary(const struct utest_counts* counts) {
  printf("UTEST-SUMMARY passed=%ld failed=%ld\n", counts->passed, counts->failed);
}
