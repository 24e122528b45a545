// Host stand-in for <arch/spinlock.h>: the same test-and-set lock over std::atomic.
#pragma once
#include <stdint.h>
#include <atomic>
#include <thread>

namespace arch {

struct RawSpin {
  std::atomic<uint32_t> word{0};  // 0: free, 1: held
};

inline bool raw_spin_try_take(RawSpin* l) {
  uint32_t expected = 0;
  return l->word.compare_exchange_strong(expected, 1, std::memory_order_acquire);
}
inline bool raw_spin_is_free(const RawSpin* l) {
  return l->word.load(std::memory_order_relaxed) == 0;
}
inline uint32_t raw_spin_lock(RawSpin* l) {
  uint32_t spins = 0;
  while (!raw_spin_try_take(l)) {
    ++spins;
    std::this_thread::yield();
  }
  return spins;
}
inline bool raw_spin_trylock(RawSpin* l) { return raw_spin_try_take(l); }
inline void raw_spin_unlock(RawSpin* l) { l->word.store(0, std::memory_order_release); }
inline bool raw_spin_is_locked(const RawSpin* l) { return !raw_spin_is_free(l); }

}  // namespace arch
