// Test-and-set spinlock for Armv8.0 (Cortex-A72 has no LSE atomics): LDAXR/STXR
// to take the word from 0 to 1, STLR of 0 to release. Not FIFO, on purpose:
// whichever waiter runs takes a freed lock. A ticket lock hands it to the next
// ticket, and when that waiter's CPU is not running (a vCPU whose host thread
// is descheduled, four vCPUs on two host cores) the lock stays idle and every
// other waiter with it. Waiters watch the word with plain loads, then LDAXR +
// WFE (the owner's STLR clears their exclusive monitors, which ends the WFE);
// a lock is held for a few hundred instructions at most, so this is not an
// idle loop (idle CPUs sit in WFI).
#pragma once
#include <stdint.h>

namespace arch {

struct RawSpin {
  uint32_t word = 0;  // 0: free, 1: held
};

// One attempt: true if the lock was free and is now ours.
inline bool raw_spin_try_take(RawSpin* l) {
  uint32_t old, tmp;
  asm volatile(
      "1: ldaxr  %w[old], %[w]\n"
      "   cbnz   %w[old], 2f\n"
      "   stxr   %w[tmp], %w[one], %[w]\n"
      "   cbnz   %w[tmp], 1b\n"
      "2:\n"
      : [old] "=&r"(old), [tmp] "=&r"(tmp), [w] "+Q"(l->word)
      : [one] "r"(1u)
      : "memory");
  return old == 0;
}

inline bool raw_spin_is_free(const RawSpin* l) {
  return __atomic_load_n(&l->word, __ATOMIC_RELAXED) == 0;
}

// Waits for the lock and takes it; returns how many times it looked.
// Out of line: only a contended acquisition gets here.
[[gnu::noinline]] inline uint32_t raw_spin_wait(RawSpin* l) {
  uint32_t spins = 0;
  for (;;) {
    for (int i = 0; i < 128; ++i) {
      ++spins;
      if (raw_spin_is_free(l) && raw_spin_try_take(l)) return spins;
    }
    uint32_t cur;
    asm volatile(
        "   sevl\n"
        "   wfe\n"
        "   ldaxr  %w[cur], %[w]\n"
        "   cbz    %w[cur], 1f\n"
        "   wfe\n"
        "1:\n"
        : [cur] "=&r"(cur)
        : [w] "Q"(l->word)
        : "memory");
  }
}

// Takes the lock; returns how many times it had to wait (0 = uncontended).
inline uint32_t raw_spin_lock(RawSpin* l) {
  if (raw_spin_try_take(l)) [[likely]]
    return 0;
  return raw_spin_wait(l);
}

inline bool raw_spin_trylock(RawSpin* l) { return raw_spin_try_take(l); }

inline void raw_spin_unlock(RawSpin* l) {
  asm volatile("stlr wzr, %[w]" : [w] "=Q"(l->word) : : "memory");
}

inline bool raw_spin_is_locked(const RawSpin* l) { return !raw_spin_is_free(l); }

}  // namespace arch
