#include "tests/host/mm/mm_arena.h"

#include <stdlib.h>

#include "kernel/cpu/percpu.h"
#include "kernel/mm/poison.h"

void MmArena::SetUp() {
  cpu_bind(0);
  arena_ = static_cast<uint8_t*>(aligned_alloc(kArenaAlign, kArenaBytes));
  ASSERT_NE(arena_, nullptr);
  PhysRange r{arena_phys(), kArenaBytes};
  reinit(&r, 1);
}

void MmArena::reinit(const PhysRange* ranges, size_t n) {
  mm_unpoison(arena_, kArenaBytes);
  page_alloc_init(ranges, n);
  kmalloc_init();
}

void MmArena::TearDown() {
  if (arena_ == nullptr) return;
  EXPECT_TRUE(page_alloc_verify());
  mm_unpoison(arena_, kArenaBytes);
  free(arena_);
  arena_ = nullptr;
}

void MmPoisonArena::SetUp() {
  MmArena::SetUp();
  mm_poison_enable(true);
}

void MmPoisonArena::TearDown() {
  kmalloc_quarantine_drain();
  mm_poison_enable(false);
  MmArena::TearDown();
}

uint8_t peek_freed(const void* p, size_t offset) {
  const uint8_t* b = static_cast<const uint8_t*>(p) + offset;
  mm_unpoison(b, 1);
  uint8_t v = *b;
  mm_poison(b, 1);
  return v;
}

void poke_freed(void* p, size_t offset, uint8_t value) {
  uint8_t* b = static_cast<uint8_t*>(p) + offset;
  mm_unpoison(b, 1);
  *b = value;
  mm_poison(b, 1);
}

PageStats settled_page_stats() {
  // Every CPU's magazines back to their slabs (the threads playing CPUs have
  // stopped), then this one's bound again.
  unsigned me = this_cpu().id;
  for (unsigned cpu = 0; cpu < arch::kMaxCpus; ++cpu) {
    cpu_bind(cpu);
    kmalloc_drain_local();
  }
  cpu_bind(me);
  kmalloc_reclaim();
  page_alloc_drain_all();
  return page_stats();
}

uint64_t available_pages(const PageStats& s) { return s.free_pages + s.pcp_pages; }

void expect_same_pages(const PageStats& before, const PageStats& after) {
  EXPECT_EQ(after.managed_pages, before.managed_pages);
  EXPECT_EQ(available_pages(after), available_pages(before));
  for (unsigned u = 0; u < kPageUseCount; ++u)
    EXPECT_EQ(after.used_pages[u], before.used_pages[u]) << page_use_name(static_cast<PageUse>(u));
  if (after.pcp_pages == 0 && before.pcp_pages == 0) {
    for (unsigned o = 0; o < kNumOrders; ++o)
      EXPECT_EQ(after.free_blocks[o], before.free_blocks[o]) << "order " << o;
  }
}

void fill_pattern(void* p, size_t bytes, uint64_t seed) {
  uint64_t* w = static_cast<uint64_t*>(p);
  for (size_t i = 0; i < bytes / 8; ++i) w[i] = seed ^ (i * 0x9e3779b97f4a7c15ull);
  uint8_t* b = static_cast<uint8_t*>(p);
  for (size_t i = bytes & ~size_t{7}; i < bytes; ++i) b[i] = static_cast<uint8_t>(seed + i);
}

bool pattern_intact(const void* p, size_t bytes, uint64_t seed) {
  const uint64_t* w = static_cast<const uint64_t*>(p);
  for (size_t i = 0; i < bytes / 8; ++i)
    if (w[i] != (seed ^ (i * 0x9e3779b97f4a7c15ull))) return false;
  const uint8_t* b = static_cast<const uint8_t*>(p);
  for (size_t i = bytes & ~size_t{7}; i < bytes; ++i)
    if (b[i] != static_cast<uint8_t>(seed + i)) return false;
  return true;
}
