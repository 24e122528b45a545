// Host stand-in for <arch/spinlock.h>: the same ticket lock over std::atomic.
#pragma once
#include <stdint.h>
#include <atomic>
#include <thread>

namespace arch {

struct RawSpin {
  std::atomic<uint32_t> next{0};
  std::atomic<uint32_t> owner{0};
};

inline uint32_t raw_spin_lock(RawSpin* l) {
  uint32_t ticket = l->next.fetch_add(1, std::memory_order_relaxed);
  uint32_t spins = 0;
  while (l->owner.load(std::memory_order_acquire) != ticket) {
    ++spins;
    std::this_thread::yield();
  }
  return spins;
}
inline bool raw_spin_trylock(RawSpin* l) {
  uint32_t o = l->owner.load(std::memory_order_acquire);
  uint32_t expected = o;
  return l->next.compare_exchange_strong(expected, o + 1, std::memory_order_acquire);
}
inline void raw_spin_unlock(RawSpin* l) {
  l->owner.store(l->owner.load(std::memory_order_relaxed) + 1, std::memory_order_release);
}
inline bool raw_spin_is_locked(const RawSpin* l) {
  return l->owner.load(std::memory_order_relaxed) != l->next.load(std::memory_order_relaxed);
}

}  // namespace arch
