// Random kmalloc and kfree over several malloc types, every block filled
// with its own pattern and checked before it is freed: what the kmalloc and
// quarantine tests use to catch overlapping blocks and stray writes.
#pragma once
#include <gtest/gtest.h>

#include <stddef.h>
#include <stdint.h>

#include <vector>

#include "kernel/mm/kmalloc.h"
#include "tests/host/mm/mm_arena.h"

struct RandomUse {
  size_t slots;  // blocks held at most at once
  int ops;       // allocations and frees in all
  uint64_t seed;
  size_t big_max;    // one block in 16 is of 1 to big_max bytes,
  size_t small_max;  // the others of 1 to small_max
};

// Runs u over blocks of the N types, then frees what is still held; with
// allocs, (*allocs)[t] counts the blocks allocated of types[t]. A block found
// damaged or an allocation that failed ends the run (a fatal failure, blocks
// left held).
template <size_t N>
void random_kmalloc_use(MallocType* const (&types)[N], const RandomUse& u,
                        std::vector<uint64_t>* allocs = nullptr) {
  struct Held {
    void* p;
    size_t size;
    uint64_t seed;
    unsigned type;
  };
  std::vector<Held> held(u.slots, Held{nullptr, 0, 0, 0});
  std::vector<uint64_t> made(N, 0);
  uint64_t rng = u.seed;
  for (int op = 0; op < u.ops; ++op) {
    Held& h = held[xorshift(rng) % held.size()];
    if (h.p) {
      ASSERT_TRUE(pattern_intact(h.p, h.size, h.seed)) << h.size;
      kfree(h.p, types[h.type]);
      h.p = nullptr;
      continue;
    }
    uint64_t r = xorshift(rng);
    h.type = static_cast<unsigned>(r % N);
    h.size = (r >> 8) % 16 == 0 ? 1 + (r >> 16) % u.big_max : 1 + (r >> 16) % u.small_max;
    h.seed = xorshift(rng);
    h.p = kmalloc(h.size, types[h.type], (r >> 40) % 3 == 0 ? M_NOWAIT | M_ZERO : M_WAITOK);
    ASSERT_NE(h.p, nullptr);
    ++made[h.type];
    fill_pattern(h.p, h.size, h.seed);
  }
  for (Held& h : held)
    if (h.p) kfree(h.p, types[h.type]);
  if (allocs) *allocs = made;
}
