// The buddy allocator, its per-CPU caches and its counters.
#include <stdlib.h>
#include <string.h>

#include <set>
#include <thread>
#include <vector>

#include "kernel/cpu/percpu.h"
#include "tests/host/mm/mm_arena.h"

namespace {

constexpr uint64_t kArenaPages = (size_t{64} << 20) / kPageSize;
constexpr uint64_t kMetaPages = (kArenaPages * sizeof(Page) + kPageSize - 1) / kPageSize;

uint64_t pfn(const Page* p) { return page_to_phys(p) >> kPageShift; }

// Runs fn on a thread playing CPU `cpu`.
template <typename Fn>
void on_cpu(unsigned cpu, Fn fn) {
  std::thread th([&] {
    cpu_bind(cpu);
    fn();
  });
  th.join();
}

using MmPageAlloc = MmArena;

TEST_F(MmPageAlloc, InitCarvesPageArrayAndCountsAddUp) {
  PageStats s = page_stats();
  EXPECT_EQ(s.managed_pages, kArenaPages);
  EXPECT_EQ(page_stats_used(s, PageUse::Metadata), kMetaPages);
  EXPECT_EQ(s.free_pages, kArenaPages - kMetaPages);
  EXPECT_EQ(s.pcp_pages, 0u);
  // The page array occupies the first pages of the range and is never handed out.
  Page* first = phys_to_page(arena_phys());
  ASSERT_NE(first, nullptr);
  EXPECT_EQ(page_state(first), PageState::Reserved);
  EXPECT_EQ(static_cast<void*>(first), static_cast<void*>(arena_));
  EXPECT_EQ(page_state(first + kMetaPages), PageState::Free);
  EXPECT_EQ(s.free_blocks[kMaxOrder], kArenaPages / (1u << kMaxOrder) - 1);
  EXPECT_TRUE(page_alloc_verify());
}

TEST_F(MmPageAlloc, InitJoinsSortsAndRoundsRanges) {
  paddr_t b = arena_phys();
  const uint64_t P = kPageSize;
  PhysRange ranges[] = {
      {b + 40 * P * 16, 100 * P},  // separate, listed first
      {b + 123, 10 * P},           // unaligned both ends: pages 1..9
      {b + 10 * P, 6 * P},         // touches the previous one: joined
      {b + 14 * P, 4 * P},         // overlaps: joined
      {b + 2000 * P, 0},           // empty
      {b + 3000 * P + 1, P},       // less than a page once rounded inwards
      {b + 4096 * P, 8192 * P},    // the largest: holds the page array
  };
  reinit(ranges, sizeof ranges / sizeof ranges[0]);
  uint64_t managed = 17 + 100 + 8192;  // [1, 18), the 100, the 8192
  PageStats s = page_stats();
  EXPECT_EQ(s.managed_pages, managed);
  uint64_t meta = (managed * sizeof(Page) + P - 1) / P;
  EXPECT_EQ(page_stats_used(s, PageUse::Metadata), meta);
  EXPECT_EQ(s.free_pages, managed - meta);
  EXPECT_EQ(page_state(phys_to_page(b + 4096 * P)), PageState::Reserved);
  EXPECT_EQ(phys_to_page(b), nullptr);
  EXPECT_EQ(phys_to_page(b + 18 * P), nullptr);
  EXPECT_NE(phys_to_page(b + 17 * P), nullptr);
  EXPECT_TRUE(page_alloc_verify());

  // Every page can be handed out once, and each lies in a managed range.
  std::set<uint64_t> seen;
  std::vector<Page*> pages;
  while (Page* p = page_alloc(0, PageUse::Other)) {
    uint64_t off = (page_to_phys(p) - b) / P;
    bool inside = (off >= 1 && off < 18) || (off >= 640 && off < 740) ||
                  (off >= 4096 + meta && off < 4096 + 8192);
    EXPECT_TRUE(inside) << off;
    EXPECT_TRUE(seen.insert(off).second) << off;
    pages.push_back(p);
  }
  EXPECT_EQ(pages.size(), managed - meta);
  for (Page* p : pages) page_free(p);
  expect_same_pages(s, settled_page_stats());
}

TEST_F(MmPageAlloc, SplitAndMergeFollowTheBuddyRule) {
  page_alloc_pcp_tune(0, 0);  // straight to the buddy lists
  PageStats base = page_stats();
  unsigned j = 0;
  while (base.free_blocks[j] == 0) ++j;  // the smallest order on hand: it gets split

  Page* a = page_alloc(0, PageUse::Other);
  ASSERT_NE(a, nullptr);
  PageStats s = page_stats();
  for (unsigned o = 0; o < j; ++o) EXPECT_EQ(s.free_blocks[o], base.free_blocks[o] + 1) << o;
  EXPECT_EQ(s.free_blocks[j], base.free_blocks[j] - 1);
  EXPECT_EQ(s.splits - base.splits, j);

  // The next order-0 block is a's buddy: they differ in the lowest frame bit.
  Page* b = page_alloc(0, PageUse::Other);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(pfn(a) ^ 1, pfn(b));

  page_free(a);  // its buddy is allocated: no merge
  s = page_stats();
  EXPECT_EQ(s.merges, base.merges);
  EXPECT_EQ(page_state(a), PageState::Free);

  page_free(b);  // now everything merges back up to order j
  s = page_stats();
  EXPECT_EQ(s.merges - base.merges, j);
  for (unsigned o = 0; o < kNumOrders; ++o) EXPECT_EQ(s.free_blocks[o], base.free_blocks[o]) << o;
  EXPECT_EQ(s.free_pages, base.free_pages);
}

TEST_F(MmPageAlloc, BlocksAreAlignedToTheirOrderAndTailsFindTheirHead) {
  for (unsigned order = 0; order <= kMaxOrder; ++order) {
    Page* p = page_alloc(order, PageUse::Other);
    ASSERT_NE(p, nullptr) << order;
    EXPECT_EQ(page_to_phys(p) % (kPageSize << order), 0u) << order;
    EXPECT_EQ(p->order, order);
    EXPECT_EQ(page_block_bytes(p), kPageSize << order);
    EXPECT_EQ(page_refcount(p), 1u);
    for (uint64_t i = 1; i < (1ull << order); i += 1 + i / 3) {
      EXPECT_EQ(page_state(p + i), PageState::Tail);
      EXPECT_EQ(page_head(p + i), p);
      EXPECT_EQ(virt_to_page(static_cast<char*>(page_to_virt(p)) + i * kPageSize + 5), p + i);
    }
    page_free(p);
  }
}

TEST_F(MmPageAlloc, OrderAboveMaxFails) {
  PageStats before = page_stats();
  EXPECT_EQ(page_alloc(kMaxOrder + 1, PageUse::Other), nullptr);
  EXPECT_EQ(page_stats().failures, before.failures + 1);
}

TEST_F(MmPageAlloc, ExhaustionReturnsNullAndRecovers) {
  PageStats base = settled_page_stats();
  std::vector<Page*> pages;
  while (Page* p = page_alloc(0, PageUse::User)) pages.push_back(p);
  EXPECT_EQ(pages.size(), available_pages(base));
  PageStats empty = page_stats();
  EXPECT_EQ(available_pages(empty), 0u);
  EXPECT_EQ(empty.failures, base.failures + 1);
  EXPECT_EQ(page_stats_used(empty, PageUse::User), pages.size());
  EXPECT_EQ(page_alloc(0, PageUse::User), nullptr);
  EXPECT_EQ(page_alloc(3, PageUse::User), nullptr);

  // Free them in a scrambled order; the lists must merge back to the start.
  uint64_t rng = 7;
  for (size_t i = pages.size(); i > 1; --i) std::swap(pages[i - 1], pages[xorshift(rng) % i]);
  for (Page* p : pages) page_free(p);
  expect_same_pages(base, settled_page_stats());
  Page* big = page_alloc(kMaxOrder, PageUse::User);
  EXPECT_NE(big, nullptr);
  if (big) page_free(big);
}

TEST_F(MmPageAlloc, HighOrderExhaustionLeavesSmallerBlocks) {
  PageStats base = settled_page_stats();
  std::vector<Page*> big;
  while (Page* p = page_alloc(kMaxOrder, PageUse::Other)) big.push_back(p);
  EXPECT_EQ(big.size(), base.free_blocks[kMaxOrder]);
  // The partly used first top-order block still has smaller blocks to give.
  Page* small = page_alloc(0, PageUse::Other);
  EXPECT_NE(small, nullptr);
  if (small) page_free(small);
  for (Page* p : big) page_free(p);
  expect_same_pages(base, settled_page_stats());
}

TEST_F(MmPageAlloc, PerCpuCacheRefillsInBatchesAndDrains) {
  PageStats base = page_stats();
  Page* p = page_alloc(0, PageUse::Other);
  ASSERT_NE(p, nullptr);
  PageStats s = page_stats();
  EXPECT_EQ(s.pcp_pages_cpu[0], 15u);  // batch of 16, one handed out
  EXPECT_EQ(s.pcp_refills, base.pcp_refills + 1);
  EXPECT_EQ(s.free_pages, base.free_pages - 16);
  Page* q = page_alloc(0, PageUse::Other);
  ASSERT_NE(q, nullptr);
  EXPECT_EQ(page_stats().pcp_hits, base.pcp_hits + 1);
  page_free(p);
  page_free(q);
  s = page_stats();
  EXPECT_EQ(s.pcp_pages_cpu[0], 16u);
  page_alloc_drain_this_cpu();
  s = page_stats();
  EXPECT_EQ(s.pcp_pages, 0u);
  EXPECT_EQ(s.free_pages, base.free_pages);

  // Frees past the high mark go back to the lists a batch at a time.
  std::vector<Page*> pages;
  pages.reserve(200);
  for (int i = 0; i < 200; ++i) pages.push_back(page_alloc(0, PageUse::Other));
  for (Page* pg : pages) page_free(pg);
  s = page_stats();
  EXPECT_LE(s.pcp_pages_cpu[0], 64u);
  EXPECT_GT(s.pcp_drains, base.pcp_drains);
  EXPECT_EQ(available_pages(s), available_pages(base));
}

// A page freed on another CPU goes back to the cache of the CPU it came from
// (a parent's allocations that a child on another CPU frees), not the freeing
// CPU's, so neither cache overflows into the zone nor refills from it.
TEST_F(MmPageAlloc, PagesFreedOnAnotherCpuGoBackToTheCacheTheyCameFrom) {
  PageStats base = page_stats();
  std::vector<Page*> pages;
  pages.reserve(10);
  for (int i = 0; i < 10; ++i) pages.push_back(page_alloc(0, PageUse::User));
  uint64_t cached0 = page_stats().pcp_pages_cpu[0];
  on_cpu(1, [&] {
    for (Page* p : pages) page_free(p);
  });
  PageStats s = page_stats();
  EXPECT_EQ(s.pcp_pages_cpu[1], 0u);
  EXPECT_EQ(s.pcp_pages_cpu[0], cached0 + 10);
  EXPECT_EQ(page_stats_used(s, PageUse::User), 0u);
  // A block from the zone has no home cache.
  Page* big = page_alloc(1, PageUse::User);
  ASSERT_NE(big, nullptr);
  EXPECT_EQ(big->home_cpu, kNoHomeCpu);
  page_free(big);
  page_alloc_drain_all();
  s = page_stats();
  EXPECT_EQ(s.pcp_pages, 0u);
  EXPECT_EQ(s.free_pages, base.free_pages);
}

TEST_F(MmPageAlloc, ExhaustionTakesPagesBackFromOtherCpusCaches) {
  PageStats base = page_stats();
  on_cpu(2, [] {
    std::vector<Page*> pages;
    pages.reserve(60);
    for (int i = 0; i < 60; ++i) pages.push_back(page_alloc(0, PageUse::Other));
    for (Page* p : pages) page_free(p);
  });
  EXPECT_GT(page_stats().pcp_pages_cpu[2], 0u);
  std::vector<Page*> pages;
  while (Page* p = page_alloc(0, PageUse::Other)) pages.push_back(p);
  EXPECT_EQ(pages.size(), available_pages(base));
  EXPECT_EQ(page_stats().pcp_pages_cpu[2], 0u);
  for (Page* p : pages) page_free(p);
}

TEST_F(MmPageAlloc, ZeroFlagClearsTheBlock) {
  for (unsigned order : {0u, 2u, 5u}) {
    Page* p = page_alloc(order, PageUse::Other);
    ASSERT_NE(p, nullptr);
    memset(page_to_virt(p), 0xab, page_block_bytes(p));
    page_free(p);
    Page* z = page_alloc(order, PageUse::Other, kPageZero);
    ASSERT_NE(z, nullptr);
    EXPECT_EQ(z, p) << "expected the block just freed to come back";
    const uint8_t* bytes = static_cast<const uint8_t*>(page_to_virt(z));
    size_t nonzero = 0;
    for (size_t i = 0; i < page_block_bytes(z); ++i) nonzero += bytes[i] != 0;
    EXPECT_EQ(nonzero, 0u) << order;
    page_free(z);
  }
}

TEST_F(MmPageAlloc, UseCountersFollowEachBlock) {
  PageStats base = page_stats();
  Page* pt = page_alloc(1, PageUse::PageTable);
  Page* user = page_alloc(0, PageUse::User);
  Page* stack = page_alloc(2, PageUse::KernelStack);
  ASSERT_TRUE(pt && user && stack);
  PageStats s = page_stats();
  EXPECT_EQ(page_stats_used(s, PageUse::PageTable), page_stats_used(base, PageUse::PageTable) + 2);
  EXPECT_EQ(page_stats_used(s, PageUse::User), page_stats_used(base, PageUse::User) + 1);
  EXPECT_EQ(page_stats_used(s, PageUse::KernelStack),
            page_stats_used(base, PageUse::KernelStack) + 4);
  uint64_t used = 0;
  for (uint64_t u : s.used_pages) used += u;
  EXPECT_EQ(s.managed_pages, s.free_pages + s.pcp_pages + used);
  page_free(pt);
  page_free(user);
  page_free(stack);
  expect_same_pages(base, page_stats());
}

TEST_F(MmPageAlloc, RefcountKeepsSharedBlocksUntilTheLastPut) {
  PageStats base = settled_page_stats();
  Page* p = page_alloc(1, PageUse::User);
  ASSERT_NE(p, nullptr);
  page_ref_get(p);
  page_ref_get(p);
  EXPECT_EQ(page_refcount(p), 3u);
  page_put(p);
  page_put(p);
  EXPECT_EQ(page_state(p), PageState::Allocated);
  EXPECT_EQ(page_refcount(p), 1u);
  page_put(p);
  EXPECT_NE(page_state(p), PageState::Allocated);
  expect_same_pages(base, settled_page_stats());
}

TEST_F(MmPageAlloc, RandomSequencesReturnToBaseline) {
  PageStats base = settled_page_stats();
  struct Held {
    Page* p;
    uint64_t seed;
  };
  std::vector<Held> held(300, Held{nullptr, 0});
  uint64_t rng = 0x1234567;
  const PageUse uses[] = {PageUse::KernelHeap, PageUse::PageTable, PageUse::User,
                          PageUse::KernelStack, PageUse::Other};
  for (int op = 0; op < 20000; ++op) {
    Held& h = held[xorshift(rng) % held.size()];
    if (h.p) {
      ASSERT_TRUE(pattern_intact(page_to_virt(h.p), page_block_bytes(h.p), h.seed));
      page_free(h.p);
      h.p = nullptr;
    } else {
      uint64_t r = xorshift(rng);
      unsigned order = (r % 8 == 0) ? static_cast<unsigned>((r >> 8) % 7) : 0;
      h.p = page_alloc(order, uses[(r >> 16) % 5], (r >> 24) % 4 == 0 ? unsigned{kPageZero} : 0u);
      ASSERT_NE(h.p, nullptr);
      h.seed = xorshift(rng);
      fill_pattern(page_to_virt(h.p), page_block_bytes(h.p), h.seed);
    }
    if (op % 5000 == 0) {
      ASSERT_TRUE(page_alloc_verify());
    }
  }
  for (Held& h : held)
    if (h.p) page_free(h.p);
  PageStats end = settled_page_stats();
  expect_same_pages(base, end);
  EXPECT_EQ(end.allocs - base.allocs, end.frees - base.frees);
}

TEST_F(MmPageAlloc, FaultPlanFailsTheNthAllocationOfAUse) {
  page_alloc_fail_nth(PageUse::PageTable, 3);
  EXPECT_TRUE(page_alloc_fail_pending(PageUse::PageTable));
  PageStats base = page_stats();
  std::vector<Page*> got;
  for (int i = 1; i <= 5; ++i) {
    Page* other = page_alloc(0, PageUse::User);  // a different use: not counted
    ASSERT_NE(other, nullptr);
    page_free(other);
    Page* p = page_alloc(0, PageUse::PageTable);
    EXPECT_EQ(p == nullptr, i == 3) << i;
    if (p) got.push_back(p);
  }
  EXPECT_FALSE(page_alloc_fail_pending(PageUse::PageTable));
  PageStats s = page_stats();
  EXPECT_EQ(s.failures - base.failures, 1u);
  EXPECT_EQ(s.injected_failures - base.injected_failures, 1u);
  for (Page* p : got) page_free(p);

  page_alloc_fail_range(PageUse::User, 1, kFailForever);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(page_alloc(i, PageUse::User), nullptr);
  page_alloc_fail_clear(PageUse::User);
  Page* p = page_alloc(0, PageUse::User);
  EXPECT_NE(p, nullptr);
  if (p) page_free(p);
}

TEST_F(MmPageAlloc, MisuseIsCaught) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Page* p = page_alloc(0, PageUse::Other);
        page_free(p);
        page_free(p);
      },
      "page_free: page .* is free");
  EXPECT_DEATH(
      {
        Page* p = page_alloc(2, PageUse::Other);
        page_free(p + 1);
      },
      "a tail page");
  EXPECT_DEATH(page_free(phys_to_page(arena_phys())), "reserved");
  EXPECT_DEATH(
      {
        Page* p = page_alloc(0, PageUse::Other);
        page_ref_get(p);
        page_free(p);
      },
      "still has 2 references");
  EXPECT_DEATH(
      {
        PhysRange r = {};
        r.base = arena_phys() + 1;
        r.size = 100;
        page_alloc_init(&r, 1);
      },
      "no usable memory");
}

}  // namespace
