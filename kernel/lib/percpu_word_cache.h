// A few freed objects kept by each CPU, each named by one nonzero word (an
// ASID, a stack's address), taken and given back without a lock so that
// forks and exits on different CPUs do not meet on the allocator's. Each
// entry is one word (0: empty) moved by atomic exchange or compare-and-swap,
// so any CPU may empty them and a thread that moved CPUs meanwhile is
// harmless. The counters are the CPU's own line's (atomic adds: a thread may
// move).
#pragma once
#include <stdint.h>

#include "kernel/cpu/percpu.h"

template <typename Word>
class PerCpuWordCache {
 public:
  static constexpr unsigned kPerCpu = 4;

  struct Totals {
    uint64_t takes;  // words taken out of the caches
    uint64_t puts;   // words given back into them
    uint64_t held;   // words in them now
  };

  // A word from this CPU's cache, or 0.
  Word take_mine() { return take(cpus_[this_cpu().id]); }

  // A word from any CPU's cache, or 0.
  Word take_any() {
    for (Slots& c : cpus_)
      if (Word w = take(c)) return w;
    return 0;
  }

  // Keeps w (not 0) in this CPU's cache; false when that is full.
  bool put_mine(Word w) {
    Slots& c = cpus_[this_cpu().id];
    for (Word& e : c.words) {
      Word empty = 0;
      if (__atomic_compare_exchange_n(&e, &empty, w, false, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
        __atomic_add_fetch(&c.puts, 1, __ATOMIC_RELAXED);
        return true;
      }
    }
    return false;
  }

  // Whether w (not 0) waits in a CPU's cache. The look is not atomic with the
  // caches: it finds a word given back twice, which stays put meanwhile.
  bool holds(Word w) const {
    for (const Slots& c : cpus_)
      for (const Word& e : c.words)
        if (__atomic_load_n(&e, __ATOMIC_RELAXED) == w) return true;
    return false;
  }

  // Empties every CPU's cache, handing each word to give_back(w).
  template <typename GiveBack>
  void drain(GiveBack give_back) {
    for (Slots& c : cpus_)
      for (Word& e : c.words)
        if (Word w = __atomic_exchange_n(&e, Word{0}, __ATOMIC_ACQUIRE)) give_back(w);
  }

  Totals totals() const {
    Totals t{0, 0, 0};
    for (const Slots& c : cpus_) {
      t.takes += __atomic_load_n(&c.takes, __ATOMIC_RELAXED);
      t.puts += __atomic_load_n(&c.puts, __ATOMIC_RELAXED);
      for (const Word& e : c.words) t.held += __atomic_load_n(&e, __ATOMIC_RELAXED) != 0;
    }
    return t;
  }

  // Empty caches and counters, with no other CPU using them.
  void reset() {
    for (Slots& c : cpus_) c = Slots{};
  }

 private:
  struct alignas(64) Slots {
    Word words[kPerCpu];
    uint64_t takes;
    uint64_t puts;
  };

  static Word take(Slots& c) {
    for (Word& e : c.words)
      if (__atomic_load_n(&e, __ATOMIC_RELAXED) != 0)
        if (Word w = __atomic_exchange_n(&e, Word{0}, __ATOMIC_ACQUIRE)) {
          __atomic_add_fetch(&c.takes, 1, __ATOMIC_RELAXED);
          return w;
        }
    return 0;
  }

  Slots cpus_[arch::kMaxCpus];
};
