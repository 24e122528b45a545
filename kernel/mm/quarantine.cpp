#include "kernel/mm/quarantine.h"

#include "kernel/mm/lock_ranks.h"
#include "kernel/sync/spinlock.h"

namespace {

LockClass g_quarantine_class{"malloc_quarantine", kRankMallocQuarantine};

// A ring: slot[head] is the oldest of `count` objects.
struct Ring {
  SpinLock lock{g_quarantine_class};
  QuarantinedObject slot[kQuarantineMaxObjects] = {};  // guarded by lock
  uint32_t head = 0;                                   // guarded by lock
  uint32_t count = 0;                                  // guarded by lock
  uint64_t bytes = 0;                                  // guarded by lock
  uint64_t added = 0;                                  // guarded by lock
  uint64_t released = 0;                               // guarded by lock
};
constinit Ring g_ring;

void push_locked(const QuarantinedObject& obj) {
  g_ring.slot[(g_ring.head + g_ring.count) % kQuarantineMaxObjects] = obj;
  ++g_ring.count;
  g_ring.bytes += obj.bytes;
  ++g_ring.added;
}

QuarantinedObject pop_locked() {
  QuarantinedObject obj = g_ring.slot[g_ring.head];
  g_ring.head = (g_ring.head + 1) % kQuarantineMaxObjects;
  --g_ring.count;
  g_ring.bytes -= obj.bytes;
  ++g_ring.released;
  return obj;
}

bool over_bounds_locked() { return g_ring.count > 0 && g_ring.bytes > kQuarantineMaxBytes; }

}  // namespace

void quarantine_add(const QuarantinedObject& obj, QuarantineRelease release) {
  bool added = false;
  for (;;) {
    QuarantinedObject oldest;
    {
      SpinGuard g(g_ring.lock);
      if (!added && g_ring.count < kQuarantineMaxObjects) {
        push_locked(obj);
        added = true;
      }
      // Full (obj still waits for a slot) or over the byte bound: one leaves.
      if (added && !over_bounds_locked()) return;
      oldest = pop_locked();
    }
    release(oldest);
  }
}

size_t quarantine_drain(QuarantineRelease release) {
  size_t n = 0;
  for (;;) {
    QuarantinedObject oldest;
    {
      SpinGuard g(g_ring.lock);
      if (g_ring.count == 0) return n;
      oldest = pop_locked();
    }
    release(oldest);
    ++n;
  }
}

bool quarantine_find(const void* ptr, QuarantinedObject* out) {
  SpinGuard g(g_ring.lock);
  for (uint32_t i = 0; i < g_ring.count; ++i) {
    const QuarantinedObject& obj = g_ring.slot[(g_ring.head + i) % kQuarantineMaxObjects];
    if (obj.ptr == ptr) {
      if (out) *out = obj;
      return true;
    }
  }
  return false;
}

void quarantine_reset() {
  SpinGuard g(g_ring.lock);
  g_ring.head = g_ring.count = 0;
  g_ring.bytes = g_ring.added = g_ring.released = 0;
}

QuarantineStats quarantine_stats() {
  SpinGuard g(g_ring.lock);
  return {g_ring.count, g_ring.bytes, g_ring.added, g_ring.released};
}
