// User page tables: mapping, copy-on-write with per-page reference counts,
// shared L3 tables (APTable) against per-PTE copies, and that every page,
// table and ASID comes back.
#include <gtest/gtest.h>

#include <arch/user_mmu.h>
#include <arch/user_pt.h>

#include "arch/aarch64/mmu/asid.h"
#include "tests/host/vm/vm_host_env.h"

using namespace arch;

namespace {

constexpr uint64_t kBase = 0x400000;
constexpr uint64_t k2M = uint64_t{1} << 21;
constexpr unsigned kRW = kUProtRead | kUProtWrite;

class UserPtTest : public VmArena {
 protected:
  void SetUp() override {
    VmArena::SetUp();
    base_ = settled_page_stats();
    ASSERT_EQ(upt_create(&parent_), UptStatus::kOk);
  }
  void TearDown() override {
    upt_destroy(&parent_);
    PageStats after = settled_page_stats();
    expect_same_pages(base_, after);
    EXPECT_EQ(asid_stats().in_use, 0u);
    VmArena::TearDown();
  }

  // Maps n fresh pages from va, each holding its own address as a pattern.
  void map_pages(UserPt* pt, uint64_t va, unsigned n, unsigned prot = kRW, unsigned flags = 0) {
    for (unsigned i = 0; i < n; ++i) {
      Page* p = page_alloc(0, PageUse::User, kPageZero);
      ASSERT_NE(p, nullptr);
      *static_cast<uint64_t*>(page_to_virt(p)) = va + i * kPageSize;
      ASSERT_EQ(upt_map(pt, va + i * kPageSize, p, prot, flags), UptStatus::kOk);
    }
  }
  uint64_t word(UserPt* pt, uint64_t va) {
    uint64_t v = ~0ull;
    EXPECT_TRUE(pt_load(pt, va, &v)) << std::hex << va;
    return v;
  }

  PageStats base_;
  UserPt parent_;
};

TEST_F(UserPtTest, MapLookupAndProtection) {
  map_pages(&parent_, kBase, 3, kUProtRead | kUProtExec);
  unsigned prot = 0;
  bool writable = true;
  Page* p = upt_lookup(&parent_, kBase + kPageSize + 8, &prot, &writable);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(prot, kUProtRead | kUProtExec);
  EXPECT_FALSE(writable);
  EXPECT_EQ(upt_lookup(&parent_, kBase + 3 * kPageSize), nullptr);
  EXPECT_EQ(upt_fault(&parent_, kBase, UptAccess::kWrite), UptFault::kDenied);
  EXPECT_EQ(upt_fault(&parent_, kBase, UptAccess::kExec), UptFault::kResolved);  // stale entry
  EXPECT_EQ(upt_fault(&parent_, kBase + 3 * kPageSize, UptAccess::kRead), UptFault::kNotMapped);
  // A second map of the same page is refused and the caller keeps its reference.
  Page* extra = page_alloc(0, PageUse::User);
  EXPECT_EQ(upt_map(&parent_, kBase, extra, kRW, 0), UptStatus::kExists);
  page_free(extra);
}

TEST_F(UserPtTest, ProtNoneDeniesEverything) {
  map_pages(&parent_, kBase, 1, kUProtNone);
  EXPECT_EQ(upt_fault(&parent_, kBase, UptAccess::kRead), UptFault::kDenied);
  EXPECT_EQ(upt_fault(&parent_, kBase, UptAccess::kWrite), UptFault::kDenied);
  EXPECT_EQ(upt_fault(&parent_, kBase, UptAccess::kExec), UptFault::kDenied);
  ASSERT_EQ(upt_protect(&parent_, kBase, kBase + kPageSize, kRW), UptStatus::kOk);
  EXPECT_TRUE(pt_store(&parent_, kBase, 7));
}

// Instructions written through the linear map reach instruction fetch before
// a page becomes executable: on mapping, on mprotect adding exec (Linux's
// __sync_icache_dcache on set_pte_at), not on changes that keep or drop it.
TEST_F(UserPtTest, ExecutableMappingsSyncTheInstructionCache) {
  const HostTlbLog& log = host_tlb();
  uint64_t syncs = log.icache_syncs;
  map_pages(&parent_, kBase, 2, kRW);
  EXPECT_EQ(log.icache_syncs, syncs);
  map_pages(&parent_, kBase + 4 * kPageSize, 1, kUProtRead | kUProtExec);
  EXPECT_EQ(log.icache_syncs, syncs + 1);
  EXPECT_EQ(log.icache_last, page_to_virt(upt_lookup(&parent_, kBase + 4 * kPageSize)));

  constexpr unsigned kRX = kUProtRead | kUProtExec;
  ASSERT_EQ(upt_protect(&parent_, kBase, kBase + 2 * kPageSize, kRX), UptStatus::kOk);
  EXPECT_EQ(log.icache_syncs, syncs + 3) << "each page that became executable";
  ASSERT_EQ(upt_protect(&parent_, kBase, kBase + 2 * kPageSize, kRX | kUProtWrite), UptStatus::kOk);
  ASSERT_EQ(upt_protect(&parent_, kBase, kBase + 2 * kPageSize, kRW), UptStatus::kOk);
  EXPECT_EQ(log.icache_syncs, syncs + 3) << "stayed or stopped being executable";
  ASSERT_EQ(upt_protect(&parent_, kBase, kBase + 5 * kPageSize, kRX), UptStatus::kOk);
  EXPECT_EQ(log.icache_syncs, syncs + 5) << "the two pages again, not the one that already was";
}

// The copy a write makes of a shared executable page is synced, not the original.
TEST_F(UserPtTest, CopyOnWriteOfExecutablePageSyncsTheCopy) {
  map_pages(&parent_, kBase, 1, kRW | kUProtExec);
  UserPt child;
  ASSERT_EQ(upt_create(&child), UptStatus::kOk);
  ASSERT_EQ(upt_fork(&parent_, &child, UptForkMode::kShareTables), UptStatus::kOk);
  Page* original = upt_lookup(&child, kBase);
  uint64_t syncs = host_tlb().icache_syncs;
  ASSERT_TRUE(pt_store(&parent_, kBase, 1));
  Page* copy = upt_lookup(&parent_, kBase);
  ASSERT_NE(copy, original);
  EXPECT_EQ(host_tlb().icache_syncs, syncs + 1);
  EXPECT_EQ(host_tlb().icache_last, page_to_virt(copy));
  upt_destroy(&child);
}

class ForkTest : public UserPtTest, public ::testing::WithParamInterface<UptForkMode> {};

TEST_P(ForkTest, WritesAfterForkStayOnTheirSide) {
  constexpr unsigned kPages = 700;  // spans two L3 tables
  map_pages(&parent_, kBase, kPages);
  UserPt child;
  ASSERT_EQ(upt_create(&child), UptStatus::kOk);
  ASSERT_EQ(upt_fork(&parent_, &child, GetParam()), UptStatus::kOk);
  // Same pages, shared, read-only in hardware on both sides.
  for (unsigned i = 0; i < kPages; i += 97) {
    bool w1 = true, w2 = true;
    Page* a = upt_lookup(&parent_, kBase + i * kPageSize, nullptr, &w1);
    Page* b = upt_lookup(&child, kBase + i * kPageSize, nullptr, &w2);
    EXPECT_EQ(a, b);
    EXPECT_FALSE(w1);
    EXPECT_FALSE(w2);
  }
  UptStats s0 = upt_stats();
  // The child writes the even pages, the parent the odd ones.
  for (unsigned i = 0; i < kPages; ++i) {
    UserPt* who = (i & 1) ? &parent_ : &child;
    ASSERT_TRUE(pt_store(who, kBase + i * kPageSize, 0xc0000000u + i));
  }
  for (unsigned i = 0; i < kPages; ++i) {
    uint64_t orig = kBase + i * kPageSize;
    EXPECT_EQ(word(&child, orig), (i & 1) ? orig : 0xc0000000u + i);
    EXPECT_EQ(word(&parent_, orig), (i & 1) ? 0xc0000000u + i : orig);
  }
  UptStats s1 = upt_stats();
  // Every first write copied, as the other side still mapped the page.
  EXPECT_EQ(s1.cow_copies - s0.cow_copies, kPages);
  // The child goes away: the parent's remaining read-only pages are its own
  // again and get write permission back without a copy.
  upt_destroy(&child);
  for (unsigned i = 0; i < kPages; i += 2)
    ASSERT_TRUE(pt_store(&parent_, kBase + i * kPageSize, i));
  UptStats s2 = upt_stats();
  EXPECT_EQ(s2.cow_copies, s1.cow_copies);
  EXPECT_EQ(s2.cow_reuses - s1.cow_reuses, kPages / 2);
  for (unsigned i = 0; i < kPages; i += 2) EXPECT_EQ(word(&parent_, kBase + i * kPageSize), i);
}

TEST_P(ForkTest, ThreeGenerations) {
  map_pages(&parent_, kBase, 64);
  UserPt child, grandchild;
  ASSERT_EQ(upt_create(&child), UptStatus::kOk);
  ASSERT_EQ(upt_create(&grandchild), UptStatus::kOk);
  ASSERT_EQ(upt_fork(&parent_, &child, GetParam()), UptStatus::kOk);
  ASSERT_TRUE(pt_store(&child, kBase, 1));
  ASSERT_EQ(upt_fork(&child, &grandchild, GetParam()), UptStatus::kOk);
  ASSERT_TRUE(pt_store(&grandchild, kBase, 2));
  ASSERT_TRUE(pt_store(&grandchild, kBase + kPageSize, 3));
  EXPECT_EQ(word(&parent_, kBase), kBase);
  EXPECT_EQ(word(&child, kBase), 1u);
  EXPECT_EQ(word(&grandchild, kBase), 2u);
  EXPECT_EQ(word(&child, kBase + kPageSize), kBase + kPageSize);
  EXPECT_EQ(word(&grandchild, kBase + kPageSize), 3u);
  // Release in an awkward order: the middle one first.
  upt_destroy(&child);
  EXPECT_EQ(word(&grandchild, kBase + 2 * kPageSize), kBase + 2 * kPageSize);
  EXPECT_EQ(word(&parent_, kBase + 2 * kPageSize), kBase + 2 * kPageSize);
  upt_destroy(&grandchild);
}

TEST_P(ForkTest, SharedMappingsStayShared) {
  map_pages(&parent_, kBase, 4, kRW, kUMapShared);
  UserPt child;
  ASSERT_EQ(upt_create(&child), UptStatus::kOk);
  ASSERT_EQ(upt_fork(&parent_, &child, GetParam()), UptStatus::kOk);
  ASSERT_TRUE(pt_store(&child, kBase, 42));
  EXPECT_EQ(word(&parent_, kBase), 42u);
  ASSERT_TRUE(pt_store(&parent_, kBase + kPageSize, 43));
  EXPECT_EQ(word(&child, kBase + kPageSize), 43u);
  EXPECT_EQ(upt_lookup(&parent_, kBase), upt_lookup(&child, kBase));
  upt_destroy(&child);
}

TEST_P(ForkTest, UnmapAndProtectThroughSharedTables) {
  map_pages(&parent_, kBase, 1024);  // two whole L3 tables
  UserPt child;
  ASSERT_EQ(upt_create(&child), UptStatus::kOk);
  ASSERT_EQ(upt_fork(&parent_, &child, GetParam()), UptStatus::kOk);
  // The child drops part of the first table and all of the second.
  ASSERT_EQ(upt_unmap(&child, kBase + 10 * kPageSize, kBase + 1024 * kPageSize), UptStatus::kOk);
  EXPECT_EQ(upt_lookup(&child, kBase + 10 * kPageSize), nullptr);
  EXPECT_EQ(upt_lookup(&child, kBase + 600 * kPageSize), nullptr);
  EXPECT_EQ(word(&child, kBase + 9 * kPageSize), kBase + 9 * kPageSize);
  // The parent still has all of it.
  for (unsigned i = 0; i < 1024; i += 50)
    EXPECT_EQ(word(&parent_, kBase + i * kPageSize), kBase + i * kPageSize);
  // Read-only in the child only.
  ASSERT_EQ(upt_protect(&child, kBase, kBase + 10 * kPageSize, kUProtRead), UptStatus::kOk);
  EXPECT_EQ(upt_fault(&child, kBase, UptAccess::kWrite), UptFault::kDenied);
  EXPECT_TRUE(pt_store(&parent_, kBase, 5));
  EXPECT_EQ(word(&child, kBase), kBase);
  upt_destroy(&child);
}

INSTANTIATE_TEST_SUITE_P(Modes, ForkTest,
                         ::testing::Values(UptForkMode::kShareTables, UptForkMode::kCopyPtes),
                         [](const auto& info) {
                           return info.param == UptForkMode::kShareTables ? "ShareTables"
                                                                          : "CopyPtes";
                         });

// Pinned pages (an exec image's): the tables hold no reference on them, in
// the space that mapped them and in every fork of it; unmapping or destroying
// the tables leaves them to their owner, and a write (after mprotect) copies.
TEST_P(ForkTest, PinnedPagesAreNeverCountedByTables) {
  constexpr unsigned kPages = 20;
  Page* pinned[kPages];
  for (unsigned i = 0; i < kPages; ++i) {
    pinned[i] = page_alloc(0, PageUse::User, kPageZero);
    ASSERT_NE(pinned[i], nullptr);
    *static_cast<uint64_t*>(page_to_virt(pinned[i])) = 0x7000 + i;
    ASSERT_EQ(
        upt_map(&parent_, kBase + i * kPageSize, pinned[i], kUProtRead | kUProtExec, kUMapPinned),
        UptStatus::kOk);
  }
  map_pages(&parent_, kBase + kPages * kPageSize, 4);  // counted pages in the same table
  UserPt child;
  ASSERT_EQ(upt_create(&child), UptStatus::kOk);
  ASSERT_EQ(upt_fork(&parent_, &child, GetParam()), UptStatus::kOk);
  // A write in the child's counted page unshares the table (kShareTables).
  ASSERT_TRUE(pt_store(&child, kBase + kPages * kPageSize, 1));
  for (unsigned i = 0; i < kPages; ++i) {
    EXPECT_EQ(pinned[i]->refcount, 1u) << i;  // the owner's alone
    EXPECT_EQ(upt_lookup(&child, kBase + i * kPageSize), pinned[i]);
    EXPECT_EQ(word(&child, kBase + i * kPageSize), 0x7000u + i);
  }
  // Made writable, a pinned page is copied on its first write, on either side.
  ASSERT_EQ(upt_protect(&child, kBase, kBase + kPageSize, kRW), UptStatus::kOk);
  ASSERT_TRUE(pt_store(&child, kBase, 0xabc));
  EXPECT_NE(upt_lookup(&child, kBase), pinned[0]);
  EXPECT_EQ(word(&child, kBase), 0xabcu);
  EXPECT_EQ(word(&parent_, kBase), 0x7000u);
  EXPECT_EQ(pinned[0]->refcount, 1u);
  // mremap's copy of a pinned page is an ordinary, counted entry.
  ASSERT_EQ(
      upt_copy_range(&child, kBase + kPageSize, kBase + 64 * kPageSize, kPageSize, kUProtRead),
      UptStatus::kOk);
  EXPECT_EQ(pinned[1]->refcount, 2u);
  ASSERT_EQ(upt_unmap(&child, kBase + 64 * kPageSize, kBase + 65 * kPageSize), UptStatus::kOk);
  EXPECT_EQ(pinned[1]->refcount, 1u);
  // Unmapping and destroying leave the pages to their owner.
  ASSERT_EQ(upt_unmap(&parent_, kBase, kBase + kPages * kPageSize), UptStatus::kOk);
  upt_destroy(&child);
  for (unsigned i = 0; i < kPages; ++i) {
    EXPECT_EQ(pinned[i]->refcount, 1u) << i;
    EXPECT_EQ(*static_cast<uint64_t*>(page_to_virt(pinned[i])), 0x7000u + i);
    page_put(pinned[i]);
  }
}

TEST_F(UserPtTest, SharedTablesMakeForkIndependentOfTouchedMemory) {
  constexpr unsigned kPages = 16 * 512;  // 32 MiB: 16 L3 tables
  map_pages(&parent_, kBase, kPages);
  PageStats before = page_stats();
  UptStats s0 = upt_stats();
  UserPt child;
  ASSERT_EQ(upt_create(&child), UptStatus::kOk);
  ASSERT_EQ(upt_fork(&parent_, &child, UptForkMode::kShareTables), UptStatus::kOk);
  UptStats s1 = upt_stats();
  EXPECT_EQ(s1.tables_shared - s0.tables_shared, 16u);
  // The child got its L1 root and an L2 table; no L3 copies, no page refs.
  EXPECT_EQ(page_stats_used(page_stats(), PageUse::PageTable) -
                page_stats_used(before, PageUse::PageTable),
            2u);
  EXPECT_EQ(page_refcount(upt_lookup(&parent_, kBase)), 1u);
  // A write in the child copies its table once, then pages one by one.
  ASSERT_TRUE(pt_store(&child, kBase, 1));
  UptStats s2 = upt_stats();
  EXPECT_EQ(s2.unshares - s1.unshares, 1u);
  EXPECT_EQ(s2.cow_copies - s1.cow_copies, 1u);
  EXPECT_EQ(page_refcount(upt_lookup(&parent_, kBase + kPageSize)), 2u);
  ASSERT_TRUE(pt_store(&child, kBase + kPageSize, 2));
  EXPECT_EQ(upt_stats().unshares, s2.unshares);
  upt_destroy(&child);
  // The parent writes into a table nobody else holds now: claimed, no copy.
  UptStats s3 = upt_stats();
  ASSERT_TRUE(pt_store(&parent_, kBase + 600 * kPageSize, 3));
  UptStats s4 = upt_stats();
  EXPECT_EQ(s4.claims - s3.claims, 1u);
  EXPECT_EQ(s4.cow_copies, s3.cow_copies);
}

TEST_F(UserPtTest, CopyModeCopiesEveryTable) {
  map_pages(&parent_, kBase, 3 * 512);
  UptStats s0 = upt_stats();
  UserPt child;
  ASSERT_EQ(upt_create(&child), UptStatus::kOk);
  ASSERT_EQ(upt_fork(&parent_, &child, UptForkMode::kCopyPtes), UptStatus::kOk);
  EXPECT_EQ(upt_stats().tables_copied - s0.tables_copied, 3u);
  EXPECT_EQ(page_refcount(upt_lookup(&parent_, kBase)), 2u);
  upt_destroy(&child);
  EXPECT_EQ(page_refcount(upt_lookup(&parent_, kBase)), 1u);
}

TEST_F(UserPtTest, ForkFailuresLeaveNothingBehind) {
  map_pages(&parent_, kBase, 1100);
  for (UptForkMode mode : {UptForkMode::kShareTables, UptForkMode::kCopyPtes}) {
    for (uint64_t n = 1;; ++n) {
      UserPt child;
      ASSERT_EQ(upt_create(&child), UptStatus::kOk);
      page_alloc_fail_nth(PageUse::PageTable, n);
      UptStatus st = upt_fork(&parent_, &child, mode);
      bool injected = !page_alloc_fail_pending(PageUse::PageTable);
      page_alloc_fail_clear(PageUse::PageTable);
      upt_destroy(&child);
      if (!injected) {
        EXPECT_EQ(st, UptStatus::kOk);
        break;
      }
      EXPECT_EQ(st, UptStatus::kNoMemory) << "failure " << n;
      ASSERT_LT(n, 20u);
    }
    // The parent's contents survived every attempt, and write access comes back.
    for (unsigned i = 0; i < 1100; i += 99) {
      EXPECT_EQ(word(&parent_, kBase + i * kPageSize), kBase + i * kPageSize);
      EXPECT_TRUE(pt_store(&parent_, kBase + i * kPageSize, kBase + i * kPageSize));
    }
  }
}

TEST_F(UserPtTest, CowCopyFailureIsReported) {
  map_pages(&parent_, kBase, 1);
  UserPt child;
  ASSERT_EQ(upt_create(&child), UptStatus::kOk);
  ASSERT_EQ(upt_fork(&parent_, &child, UptForkMode::kCopyPtes), UptStatus::kOk);
  page_alloc_fail_nth(PageUse::User, 1);
  EXPECT_EQ(upt_fault(&child, kBase, UptAccess::kWrite), UptFault::kNoMemory);
  page_alloc_fail_clear(PageUse::User);
  EXPECT_TRUE(pt_store(&child, kBase, 9));
  EXPECT_EQ(word(&parent_, kBase), kBase);
  upt_destroy(&child);
}

TEST_F(UserPtTest, UnmapFreesEmptyTablesAndPages) {
  PageStats before = page_stats();
  map_pages(&parent_, kBase, 700);
  map_pages(&parent_, kBase + 64 * k2M, 3);
  ASSERT_EQ(upt_unmap(&parent_, kBase, kBase + 700 * kPageSize), UptStatus::kOk);
  ASSERT_EQ(upt_unmap(&parent_, kBase + 64 * k2M, kBase + 64 * k2M + 3 * kPageSize),
            UptStatus::kOk);
  PageStats after = page_stats();
  EXPECT_EQ(page_stats_used(after, PageUse::User), page_stats_used(before, PageUse::User));
  // Every table went with its last entry but the root.
  EXPECT_EQ(page_stats_used(after, PageUse::PageTable),
            page_stats_used(before, PageUse::PageTable));
}

class AsidHost : public VmArena {};

TEST_F(AsidHost, ExhaustionAndReuse) {
  asid_init(8, 5);
  uint16_t a[5];
  for (auto& x : a) ASSERT_TRUE(asid_alloc(&x));
  uint16_t extra;
  EXPECT_FALSE(asid_alloc(&extra));
  for (int i = 0; i < 5; ++i) {
    EXPECT_NE(a[i], 0);
    for (int j = 0; j < i; ++j) EXPECT_NE(a[i], a[j]);
  }
  asid_free(a[2]);
  ASSERT_TRUE(asid_alloc(&extra));
  EXPECT_EQ(extra, a[2]);
  AsidStats s = asid_stats();
  EXPECT_EQ(s.in_use, 5u);
  EXPECT_EQ(s.capacity, 5u);
  EXPECT_EQ(s.failures, 1u);
  asid_init(16);
}

}  // namespace
