// Ticket spinlock for Armv8.0 (Cortex-A72 has no LSE atomics): LDAXR/STXR to
// take a ticket, LDAXR + WFE to wait for it. The owner's STLR to the word the
// waiters monitor clears their exclusive monitors, which wakes their WFE; a
// lock is held for a few hundred instructions at most, so this is not an idle
// loop (idle CPUs sit in WFI).
#pragma once
#include <stdint.h>

namespace arch {

struct RawSpin {
  // Low half: ticket now served. High half: next ticket to hand out.
  uint32_t word = 0;
};

// Waits for ticket `ticket` to be served; returns how many times it looked.
// Out of line: only a contended acquisition gets here.
[[gnu::noinline]] inline uint32_t raw_spin_wait(RawSpin* l, uint16_t ticket) {
  // Wait with plain acquire loads first; a lock is usually handed over within
  // a few hundred cycles. Only then sleep in WFE until the owner's store.
  uint32_t cur, spins = 0;
  const volatile uint16_t* owner = reinterpret_cast<const volatile uint16_t*>(&l->word);
  for (;;) {
    for (int i = 0; i < 128; ++i) {
      ++spins;
      cur = __atomic_load_n(const_cast<const uint16_t*>(owner), __ATOMIC_ACQUIRE);
      if (static_cast<uint16_t>(cur) == ticket) return spins;
    }
    asm volatile(
        "   sevl\n"
        "   wfe\n"
        "   ldaxrh %w[cur], %[w]\n"
        "   wfe\n"
        : [cur] "=&r"(cur)
        : [w] "Q"(*const_cast<uint16_t*>(owner))
        : "memory");
    if (static_cast<uint16_t>(cur) == ticket) return spins;
  }
}

// Takes the lock; returns how many times it had to wait (0 = uncontended).
inline uint32_t raw_spin_lock(RawSpin* l) {
  uint32_t old, next, tmp;
  asm volatile(
      "1: ldaxr  %w[old], %[w]\n"
      "   add    %w[next], %w[old], #0x10000\n"
      "   stxr   %w[tmp], %w[next], %[w]\n"
      "   cbnz   %w[tmp], 1b\n"
      : [old] "=&r"(old), [next] "=&r"(next), [tmp] "=&r"(tmp), [w] "+Q"(l->word)
      :
      : "memory");
  uint16_t ticket = static_cast<uint16_t>(old >> 16);
  if (static_cast<uint16_t>(old) == ticket) [[likely]] return 0;
  return raw_spin_wait(l, ticket);
}

inline bool raw_spin_trylock(RawSpin* l) {
  uint32_t old, next, tmp;
  asm volatile(
      "1: ldaxr  %w[old], %[w]\n"
      "   eor    %w[tmp], %w[old], %w[old], ror #16\n"
      "   cbnz   %w[tmp], 2f\n"
      "   add    %w[next], %w[old], #0x10000\n"
      "   stxr   %w[tmp], %w[next], %[w]\n"
      "   cbnz   %w[tmp], 1b\n"
      "2:\n"
      : [old] "=&r"(old), [next] "=&r"(next), [tmp] "=&r"(tmp), [w] "+Q"(l->word)
      :
      : "memory");
  return tmp == 0;
}

inline void raw_spin_unlock(RawSpin* l) {
  uint16_t* owner = reinterpret_cast<uint16_t*>(&l->word);
  uint16_t next = static_cast<uint16_t>(*owner + 1);
  asm volatile("stlrh %w[v], %[o]" : [o] "=Q"(*owner) : [v] "r"(next) : "memory");
}

inline bool raw_spin_is_locked(const RawSpin* l) {
  uint32_t w = __atomic_load_n(&l->word, __ATOMIC_RELAXED);
  return static_cast<uint16_t>(w) != static_cast<uint16_t>(w >> 16);
}

}  // namespace arch
