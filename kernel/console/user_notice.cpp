#include "kernel/console/user_notice.h"

#include <stdarg.h>

#include "kernel/console/kprintf.h"
#include "kernel/time/clock.h"

namespace {

// The window's start (clock_ns), the lines it printed and those held back
// since the last line said so; atomics: a race at a window's edge lets a
// line or two more through, nothing worse.
uint64_t g_window_start;
uint32_t g_printed;
uint32_t g_held_back;

// Whether a line may go out now; a new window starts when the last is over.
bool may_print(uint64_t now) {
  uint64_t start = __atomic_load_n(&g_window_start, __ATOMIC_RELAXED);
  if ((start == 0 || now - start >= kUserNoticeWindowNs) &&
      __atomic_compare_exchange_n(&g_window_start, &start, now, false, __ATOMIC_ACQ_REL,
                                  __ATOMIC_RELAXED)) {
    __atomic_store_n(&g_printed, 0u, __ATOMIC_RELAXED);
    if (uint32_t n = __atomic_exchange_n(&g_held_back, 0u, __ATOMIC_ACQ_REL))
      kprintf("kernel: %u lines about user programs held back\n", n);
  }
  if (__atomic_fetch_add(&g_printed, 1u, __ATOMIC_RELAXED) < kUserNoticeBurst) return true;
  __atomic_fetch_add(&g_held_back, 1u, __ATOMIC_RELAXED);
  return false;
}

}  // namespace

void user_notice(const char* fmt, ...) {
  if (!may_print(clock_ns())) return;
  va_list ap;
  va_start(ap, fmt);
  vkprintf(fmt, ap);
  va_end(ap);
}
