// Map entries: ordered insertion, splits, unlinking, gaps, merging, copies,
// and the shared objects' reference counts through all of it.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "kernel/vm/region.h"
#include "tests/host/vm/vm_host_env.h"

namespace {

constexpr uint64_t P = 4096;

class RegionTest : public VmArena {
 protected:
  void TearDown() override {
    map_.free_chain(map_.unlink_all());
    EXPECT_EQ(region_live_count(), live0_);
    EXPECT_EQ(anon_live_objects(), anon0_);
    VmArena::TearDown();
  }
  VmRegion* add(uint64_t start, uint64_t end, unsigned prot = 3, bool shared = false) {
    VmRegion* r = map_.alloc();
    EXPECT_NE(r, nullptr);
    r->start = start;
    r->end = end;
    r->prot = prot;
    r->kind = RegionKind::kMmap;
    r->shared = shared;
    if (shared) r->obj = anon_create((end - start) / P, nullptr);
    map_.insert(r);
    EXPECT_TRUE(map_.verify());
    return r;
  }
  uint64_t live0_ = region_live_count();
  uint64_t anon0_ = anon_live_objects();
  RegionMap map_;
};

TEST_F(RegionTest, InsertKeepsOrderAndFindWorks) {
  add(10 * P, 20 * P);
  add(40 * P, 50 * P);
  add(25 * P, 30 * P);
  EXPECT_EQ(map_.count(), 3u);
  EXPECT_EQ(map_.first()->start, 10 * P);
  EXPECT_EQ(map_.first()->next->start, 25 * P);
  EXPECT_EQ(map_.find(10 * P)->start, 10 * P);
  EXPECT_EQ(map_.find(20 * P - 1)->start, 10 * P);
  EXPECT_EQ(map_.find(20 * P), nullptr);
  EXPECT_EQ(map_.find(49 * P)->start, 40 * P);
  EXPECT_TRUE(map_.is_free(20 * P, 25 * P));
  EXPECT_FALSE(map_.is_free(20 * P, 25 * P + 1));
  EXPECT_FALSE(map_.is_free(0, 100 * P));
  // A backwards range (an end that wrapped) is never free, even past the last entry.
  EXPECT_FALSE(map_.is_free(25 * P, 20 * P));
  EXPECT_FALSE(map_.is_free(60 * P, 55 * P));
  EXPECT_FALSE(map_.is_free(20 * P, 15 * P));
}

TEST_F(RegionTest, SplitAndUnlinkARangeInTheMiddle) {
  add(10 * P, 20 * P, 3, true);
  AnonObject* obj = map_.first()->obj;
  RegionSpares spares(map_);
  ASSERT_TRUE(spares.reserve(2));
  ASSERT_TRUE(map_.split_at(12 * P, spares));
  ASSERT_TRUE(map_.split_at(15 * P, spares));
  EXPECT_FALSE(map_.split_at(17 * P, spares));  // no spare left
  EXPECT_TRUE(map_.split_at(10 * P, spares));   // a boundary needs none
  EXPECT_EQ(map_.count(), 3u);
  EXPECT_EQ(obj->refs, 3u);
  EXPECT_EQ(map_.find(15 * P)->obj_pgoff, 5u);
  VmRegion* gone = map_.unlink_range(12 * P, 15 * P);
  ASSERT_NE(gone, nullptr);
  EXPECT_EQ(gone->start, 12 * P);
  EXPECT_EQ(gone->next, nullptr);
  map_.free_chain(gone);
  EXPECT_EQ(obj->refs, 2u);
  EXPECT_TRUE(map_.verify());
  EXPECT_TRUE(map_.is_free(12 * P, 15 * P));
}

TEST_F(RegionTest, GapsTopDown) {
  EXPECT_EQ(map_.find_gap_top_down(4 * P, 0, 100 * P), 96 * P);
  add(90 * P, 100 * P);
  add(50 * P, 85 * P);
  EXPECT_EQ(map_.find_gap_top_down(5 * P, 0, 100 * P), 85 * P);
  EXPECT_EQ(map_.find_gap_top_down(6 * P, 0, 100 * P), 44 * P);
  EXPECT_EQ(map_.find_gap_top_down(50 * P, 10 * P, 100 * P), 0u);
  EXPECT_EQ(map_.find_gap_top_down(40 * P, 10 * P, 100 * P), 10 * P);
  add(200 * P, 300 * P);  // above the window: ignored
  EXPECT_EQ(map_.find_gap_top_down(2 * P, 0, 100 * P), 88 * P);
  EXPECT_EQ(map_.find_gap_top_down(0, 0, 100 * P), 0u);
}

TEST_F(RegionTest, CoalesceJoinsOnlyTheSameMapping) {
  add(10 * P, 20 * P);
  add(20 * P, 30 * P);
  add(30 * P, 40 * P, 1);  // other protection
  add(40 * P, 50 * P, 1, true);
  add(50 * P, 60 * P, 1, true);  // another object
  map_.coalesce();
  EXPECT_EQ(map_.count(), 4u);
  EXPECT_EQ(map_.first()->end, 30 * P);
  EXPECT_TRUE(map_.verify());
}

TEST_F(RegionTest, CopyHoldsSharedObjects) {
  add(10 * P, 20 * P, 3, true);
  add(30 * P, 40 * P);
  RegionMap copy;
  ASSERT_TRUE(copy.copy_from(map_));
  EXPECT_TRUE(copy.verify());
  EXPECT_EQ(copy.count(), 2u);
  EXPECT_EQ(copy.first()->obj, map_.first()->obj);
  EXPECT_EQ(map_.first()->obj->refs, 2u);
  copy.free_chain(copy.unlink_all());
  EXPECT_EQ(map_.first()->obj->refs, 1u);
}

TEST_F(RegionTest, CopyFailureIsClean) {
  // More entries than the copy keeps inside itself: the first from the heap fails.
  add(10 * P, 20 * P, 3, true);
  for (uint64_t i = 0; i < 10; ++i) add((30 + 2 * i) * P, (31 + 2 * i) * P);
  kmalloc_fail_nth(M_VMSPACE, 1);
  RegionMap copy;
  EXPECT_FALSE(copy.copy_from(map_));
  kmalloc_fail_clear(M_VMSPACE);
  EXPECT_TRUE(copy.verify());
  copy.free_chain(copy.unlink_all());
  EXPECT_EQ(map_.first()->obj->refs, 1u);
}

// More entries than the map keeps inside itself: the rest come from kmalloc,
// and every entry given back, from either, can be had again.
TEST_F(RegionTest, EntriesBeyondTheInlineOnesComeFromTheHeap) {
  for (uint64_t i = 0; i < 20; ++i) add((10 + 2 * i) * P, (11 + 2 * i) * P);
  EXPECT_EQ(map_.count(), 20u);
  EXPECT_EQ(region_live_count(), live0_ + 20);
  // Every other entry goes, then as many come back.
  VmRegion* gone = nullptr;
  for (uint64_t i = 0; i < 20; i += 2) {
    VmRegion* chain = map_.unlink_range((10 + 2 * i) * P, (11 + 2 * i) * P);
    ASSERT_NE(chain, nullptr);
    chain->next = gone;
    gone = chain;
  }
  map_.free_chain(gone);
  EXPECT_EQ(region_live_count(), live0_ + 10);
  for (uint64_t i = 0; i < 20; i += 2) add((10 + 2 * i) * P, (11 + 2 * i) * P);
  EXPECT_EQ(map_.count(), 20u);
  RegionMap copy;
  ASSERT_TRUE(copy.copy_from(map_));
  EXPECT_TRUE(copy.verify());
  EXPECT_EQ(region_live_count(), live0_ + 40);
  copy.free_chain(copy.unlink_all());
}

// Entries are made and freed outside the space's lock: CPUs taking and giving
// back a map's entries at once never get the same one.
TEST_F(RegionTest, EntriesTakenAndGivenBackConcurrentlyAreNeverShared) {
  constexpr int kThreads = 4, kRounds = 20000;
  std::atomic<int> clashes{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kRounds; ++i) {
        VmRegion* r = map_.alloc();
        if (r == nullptr) continue;
        uint64_t mark = (uint64_t(t) << 32) | uint64_t(i);
        if (r->start != 0) clashes.fetch_add(1);  // not zeroed: someone else's
        r->start = mark;
        std::this_thread::yield();
        if (r->start != mark) clashes.fetch_add(1);
        r->start = 0;
        map_.free(r);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(clashes.load(), 0);
  EXPECT_EQ(region_live_count(), live0_);
}

}  // namespace
