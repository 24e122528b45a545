#include "kernel/ktest/ktest.h"

#include <stdarg.h>

#include "kernel/console/kprintf.h"
#include "kernel/lib/format.h"
#include "kernel/lib/selector.h"
#include "kernel/time/clock.h"

extern "C" const KtestCase __ktest_start[];
extern "C" const KtestCase __ktest_end[];

void KtestContext::fail(const char* file, int line, const char* fmt, ...) {
  if (failures_++ == 0) {
    const char* base = file;
    for (const char* p = file; *p; ++p)
      if (*p == '/') base = p + 1;
    int n = tine_snprintf(message_, sizeof message_, "%s:%d: ", base, line);
    if (n < 0 || static_cast<size_t>(n) >= sizeof message_) n = 0;
    va_list ap;
    va_start(ap, fmt);
    tine_vsnprintf(message_ + n, sizeof message_ - n, fmt, ap);
    va_end(ap);
  }
}

unsigned ktest_run(const char* selector) {
  unsigned passed = 0, failed = 0;
  for (const KtestCase* c = __ktest_start; c < __ktest_end; ++c) {
    // "all" leaves out the crash_* cases, which end the run by design.
    if (!selector_picks(selector, c->name, "crash_")) continue;
    KtestContext t(c->name);
    uint64_t start = clock_ns();
    c->fn(t);
    uint64_t ms = (clock_ns() - start) / 1000000;
    if (t.failed()) {
      ++failed;
      kprintf("KTEST %s FAIL %lums %s\n", c->name, ms, t.first_message());
    } else {
      ++passed;
      kprintf("KTEST %s PASS %lums\n", c->name, ms);
    }
  }
  kprintf("KTEST-SUMMARY passed=%u failed=%u\n", passed, failed);
  if (passed + failed == 0) {
    kprintf("ktest: no case matches '%s'\n", selector);
    return 1;
  }
  return failed;
}
