#include "kernel/time/realtime.h"

#include "kernel/sched/sleepq.h"
#include "kernel/sync/spinlock.h"
#include "kernel/time/clock.h"

namespace {

int64_t g_offset;       // atomic
uint32_t g_generation;  // atomic: bumped after each store of g_offset
LockClass g_realtime_class{"realtime", 0};
SpinLock g_realtime_lock{g_realtime_class};  // one setter at a time
char g_channel;

}  // namespace

int64_t realtime_offset_ns() { return __atomic_load_n(&g_offset, __ATOMIC_ACQUIRE); }

uint64_t realtime_ns() {
  int64_t off = realtime_offset_ns();
  uint64_t now = clock_ns();
  if (off < 0 && static_cast<uint64_t>(-off) > now) return 0;
  return now + static_cast<uint64_t>(off);
}

uint32_t realtime_generation() { return __atomic_load_n(&g_generation, __ATOMIC_ACQUIRE); }

void realtime_set(uint64_t ns) {
  {
    SpinGuard g(g_realtime_lock);
    __atomic_store_n(&g_offset, static_cast<int64_t>(ns - clock_ns()), __ATOMIC_RELEASE);
    __atomic_add_fetch(&g_generation, 1, __ATOMIC_RELEASE);
  }
  wakeup(&g_channel);
}

const volatile void* realtime_channel() { return &g_channel; }

uint64_t realtime_to_clock(uint64_t rt) {
  if (rt == UINT64_MAX) return 0;
  int64_t off = realtime_offset_ns();
  uint64_t t;
  if (off >= 0) {
    t = rt > static_cast<uint64_t>(off) ? rt - static_cast<uint64_t>(off) : 0;
  } else {
    uint64_t add = static_cast<uint64_t>(-off);
    t = rt > UINT64_MAX - add ? UINT64_MAX - 1 : rt + add;
  }
  return t == 0 ? 1 : t;
}
