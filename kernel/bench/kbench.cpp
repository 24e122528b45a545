#include "kernel/bench/kbench.h"

#include <stddef.h>

#include "kernel/console/kprintf.h"
#include "kernel/time/clock.h"

extern "C" const KbenchCase __kbench_start[];
extern "C" const KbenchCase __kbench_end[];

namespace {

// "all", an exact name, a comma-separated list, or a prefix ending in '*'.
bool selected(const char* selector, const char* name) {
  const char* s = selector;
  for (;;) {
    const char* e = s;
    while (*e && *e != ',') ++e;
    size_t len = static_cast<size_t>(e - s);
    if (len == 3 && s[0] == 'a' && s[1] == 'l' && s[2] == 'l') return true;
    size_t i = 0;
    if (len > 0 && s[len - 1] == '*') {
      while (i + 1 < len && name[i] == s[i]) ++i;
      if (i + 1 == len) return true;
    } else {
      while (i < len && name[i] == s[i]) ++i;
      if (i == len && name[i] == 0) return true;
    }
    if (!*e) return false;
    s = e + 1;
  }
}

}  // namespace

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
    if (!selected(selector, c->name)) continue;
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
