#include "kernel/bench/kbench.h"

#include <stddef.h>

#include "kernel/console/kprintf.h"
#include "kernel/lib/selector.h"
#include "kernel/time/clock.h"

extern "C" const KbenchCase __kbench_start[];
extern "C" const KbenchCase __kbench_end[];

void KbenchContext::report(const char* suffix, uint64_t value, const char* unit) {
  kprintf("KBENCH %s%s %lu %s\n", name_, suffix, value, unit);
}

void KbenchContext::fail(const char* why) {
  failed_ = true;
  kprintf("KBENCH-FAIL %s %s\n", name_, why);
}

uint64_t kbench_now() { return clock_ns(); }

unsigned kbench_run(const char* selector) {
  unsigned ran = 0, failed = 0;
  for (const KbenchCase* c = __kbench_start; c < __kbench_end; ++c) {
    if (!selector_picks(selector, c->name, nullptr)) continue;
    KbenchContext b(c->name);
    c->fn(b);
    ++ran;
    if (b.failed()) ++failed;
  }
  kprintf("KBENCH-SUMMARY ran=%u failed=%u\n", ran, failed);
  if (ran == 0) {
    kprintf("kbench: no case matches '%s'\n", selector);
    return 1;
  }
  return failed;
}
