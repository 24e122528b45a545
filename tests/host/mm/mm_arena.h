// Test fixture: a fresh allocator over a 64 MiB heap buffer for every test, with
// helpers to compare counters against a baseline.
#pragma once
#include <gtest/gtest.h>

#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page_alloc.h"

class MmArena : public ::testing::Test {
 protected:
  static constexpr size_t kArenaBytes = size_t{64} << 20;
  static constexpr size_t kArenaAlign = kPageSize << kMaxOrder;  // so top-order blocks exist

  void SetUp() override;
  void TearDown() override;

  // Starts the allocator over on these ranges (relative to the arena base).
  void reinit(const PhysRange* ranges, size_t n);
  paddr_t arena_phys() const { return virt_to_phys(arena_); }

  uint8_t* arena_ = nullptr;
};

// The same with the debug kernel's poisoning on (kernel/mm/poison.h): freed
// pages and objects are filled with kPoisonFree and checked, kfree quarantines.
class MmPoisonArena : public MmArena {
 protected:
  void SetUp() override;
  void TearDown() override;
};

// What a freed object or page holds now, read or written past
// AddressSanitizer's marks.
uint8_t peek_freed(const void* p, size_t offset);
void poke_freed(void* p, size_t offset, uint8_t value);

// Page counters once every per-CPU cache and empty slab has been given back.
PageStats settled_page_stats();
// Free pages (buddy lists and caches together).
uint64_t available_pages(const PageStats& s);
// Checks the counters a leak would move: free pages, free blocks by order, use counts.
void expect_same_pages(const PageStats& before, const PageStats& after);

// Word patterns unique to a block, to catch overlap and stray writes.
void fill_pattern(void* p, size_t bytes, uint64_t seed);
bool pattern_intact(const void* p, size_t bytes, uint64_t seed);

inline uint64_t xorshift(uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}
