// The debug kernel's quarantine (kernel/mm/quarantine.h, kmalloc.h): the FIFO
// and its bounds, kfree's poisoning and the check of each object that leaves.
// The host allocators run with poisoning off (AddressSanitizer watches them);
// these tests turn it on.
#include <string.h>

#include <vector>

#include "kernel/cpu/percpu.h"
#include "kernel/mm/poison.h"
#include "kernel/mm/quarantine.h"
#include "tests/host/mm/mm_arena.h"
#include "tests/host/mm/random_use.h"

namespace {

// --- The FIFO alone ---

std::vector<QuarantinedObject> g_released;

void record(const QuarantinedObject& obj) { g_released.push_back(obj); }

// Distinct fake objects: the quarantine only stores them.
void* fake(uintptr_t i) { return reinterpret_cast<void*>(0x100000 + i * 16); }

class MmQuarantineRing : public ::testing::Test {
 protected:
  void SetUp() override {
    cpu_bind(0);  // the quarantine's lock wants a CPU
    quarantine_reset();
    g_released.clear();
  }
  void TearDown() override { quarantine_reset(); }
};

TEST_F(MmQuarantineRing, HoldsObjectsUntilDrainedOldestFirst) {
  for (uintptr_t i = 0; i < 10; ++i) quarantine_add({fake(i), nullptr, 64}, record);
  EXPECT_TRUE(g_released.empty());
  QuarantineStats s = quarantine_stats();
  EXPECT_EQ(s.objects, 10u);
  EXPECT_EQ(s.bytes, 640u);
  QuarantinedObject found;
  EXPECT_TRUE(quarantine_find(fake(3), &found));
  EXPECT_EQ(found.ptr, fake(3));
  EXPECT_EQ(found.bytes, 64u);
  EXPECT_FALSE(quarantine_find(fake(10), nullptr));
  EXPECT_EQ(quarantine_drain(record), 10u);
  ASSERT_EQ(g_released.size(), 10u);
  for (uintptr_t i = 0; i < 10; ++i) EXPECT_EQ(g_released[i].ptr, fake(i));
  s = quarantine_stats();
  EXPECT_EQ(s.objects, 0u);
  EXPECT_EQ(s.bytes, 0u);
  EXPECT_EQ(s.added, 10u);
  EXPECT_EQ(s.released, 10u);
  EXPECT_FALSE(quarantine_find(fake(3), nullptr));
}

TEST_F(MmQuarantineRing, ObjectBoundReleasesTheOldest) {
  const uintptr_t extra = 5;
  for (uintptr_t i = 0; i < kQuarantineMaxObjects + extra; ++i)
    quarantine_add({fake(i), nullptr, 16}, record);
  ASSERT_EQ(g_released.size(), extra);
  for (uintptr_t i = 0; i < extra; ++i) EXPECT_EQ(g_released[i].ptr, fake(i));
  EXPECT_EQ(quarantine_stats().objects, kQuarantineMaxObjects);
  EXPECT_FALSE(quarantine_find(fake(extra - 1), nullptr));
  EXPECT_TRUE(quarantine_find(fake(extra), nullptr));
  // Still FIFO across the ring's wrap.
  g_released.clear();
  quarantine_drain(record);
  ASSERT_EQ(g_released.size(), kQuarantineMaxObjects);
  for (uintptr_t i = 0; i < kQuarantineMaxObjects; ++i)
    EXPECT_EQ(g_released[i].ptr, fake(extra + i));
}

TEST_F(MmQuarantineRing, ByteBoundReleasesTheOldest) {
  const uint32_t big = 2048;
  const uintptr_t fit = kQuarantineMaxBytes / big;
  for (uintptr_t i = 0; i < fit; ++i) quarantine_add({fake(i), nullptr, big}, record);
  EXPECT_TRUE(g_released.empty());
  EXPECT_EQ(quarantine_stats().bytes, kQuarantineMaxBytes);
  quarantine_add({fake(fit), nullptr, 16}, record);  // over by 16 bytes: one leaves
  ASSERT_EQ(g_released.size(), 1u);
  EXPECT_EQ(g_released[0].ptr, fake(0));
  // Small objects then a big one: as many of the oldest leave as it takes.
  quarantine_drain(record);
  g_released.clear();
  for (uintptr_t i = 0; i < kQuarantineMaxBytes / 256; ++i)
    quarantine_add({fake(i), nullptr, 256}, record);
  quarantine_add({fake(5000), nullptr, 2048}, record);
  EXPECT_EQ(g_released.size(), 8u);
  QuarantineStats s = quarantine_stats();
  EXPECT_LE(s.bytes, kQuarantineMaxBytes);
  EXPECT_LE(s.objects, kQuarantineMaxObjects);
}

// --- kmalloc with poisoning on ---

using MmQuarantine = MmPoisonArena;

TEST_F(MmQuarantine, FreedObjectIsPoisonedQuarantinedAndNotInUse) {
  void* p = kmalloc(100, M_PROC, M_WAITOK);  // 128-byte class
  ASSERT_NE(p, nullptr);
  memset(p, 0x11, 128);
  kfree(p, M_PROC);
  MallocStats s = malloc_type_stats(M_PROC);
  EXPECT_EQ(s.inuse_objects, 0u);
  EXPECT_EQ(s.inuse_bytes, 0u);
  EXPECT_EQ(s.total_frees, 1u);
  EXPECT_EQ(s.quarantined_objects, 1u);
  EXPECT_EQ(s.quarantined_bytes, 128u);
  EXPECT_EQ(quarantine_stats().objects, 1u);
  EXPECT_EQ(peek_freed(p, 0), kPoisonFree);    // the first word: where a count would be
  EXPECT_EQ(peek_freed(p, 127), kPoisonFree);  // the last byte
  QuarantineCheck c = kmalloc_quarantine_check(p);
  EXPECT_TRUE(c.quarantined);
  EXPECT_FALSE(c.damaged);
  EXPECT_STREQ(c.type, "proc");
  EXPECT_EQ(c.bytes, 128u);
  // Not handed out again while quarantined.
  void* q = kmalloc(100, M_PROC, M_WAITOK);
  EXPECT_NE(q, p);
  kfree(q, M_PROC);
  EXPECT_EQ(kmalloc_quarantine_drain(), 2u);
  s = malloc_type_stats(M_PROC);
  EXPECT_EQ(s.quarantined_objects, 0u);
  EXPECT_EQ(s.quarantined_bytes, 0u);
  EXPECT_FALSE(kmalloc_quarantine_check(p).quarantined);
  // Released: reusable again (the most recently freed object comes back first).
  void* r = kmalloc(100, M_PROC, M_WAITOK);
  EXPECT_EQ(r, q);
  kfree(r, M_PROC);
}

TEST_F(MmQuarantine, CheckFindsAWriteAfterFree) {
  for (size_t offset :
       {size_t{0}, size_t{7}, size_t{8}, size_t{15}, size_t{16}, size_t{40}, size_t{63}}) {
    uint8_t* p = static_cast<uint8_t*>(kmalloc(64, M_UCRED, M_WAITOK));
    ASSERT_NE(p, nullptr);
    kfree(p, M_UCRED);
    uint8_t was = peek_freed(p, offset);
    poke_freed(p, offset, static_cast<uint8_t>(was + 1));
    QuarantineCheck c = kmalloc_quarantine_check(p);
    EXPECT_TRUE(c.quarantined);
    EXPECT_TRUE(c.damaged) << offset;
    EXPECT_EQ(c.offset, offset);
    EXPECT_EQ(c.value, static_cast<uint8_t>(was + 1));
    EXPECT_STREQ(c.type, "ucred");
    poke_freed(p, offset, was);  // undone: it may leave in peace
    EXPECT_FALSE(kmalloc_quarantine_check(p).damaged);
  }
}

TEST_F(MmQuarantine, WriteAfterFreePanicsWhenTheObjectLeaves) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        uint8_t* p = static_cast<uint8_t*>(kmalloc(200, M_SIGACTS, M_WAITOK));
        kfree(p, M_SIGACTS);
        poke_freed(p, 20, 0);
        kmalloc_quarantine_drain();
      },
      "sigacts object 0x[0-9a-f]+ was written after kfree: byte 20 of 256 is 0");
  // Pushed out by later frees, not only by a drain.
  EXPECT_DEATH(
      {
        uint8_t* p = static_cast<uint8_t*>(kmalloc(16, M_TEMP, M_WAITOK));
        kfree(p, M_TEMP);
        poke_freed(p, 3, 0x42);
        for (uint32_t i = 0; i < kQuarantineMaxObjects; ++i)
          kfree(kmalloc(16, M_TEMP, M_WAITOK), M_TEMP);
      },
      "temp object 0x[0-9a-f]+ was written after kfree: byte 3 of 16 is 0x42");
}

TEST_F(MmQuarantine, DoubleFreeOfAQuarantinedObjectIsCaught) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        void* p = kmalloc(64, M_PROC, M_WAITOK);
        kfree(p, M_PROC);
        kfree(p, M_PROC);
      },
      "double free of 0x[0-9a-f]+ \\(proc\\): freed before, still in quarantine");
  EXPECT_DEATH(
      {
        void* p = kmalloc(64, M_PROC, M_WAITOK);
        void* keep = kmalloc(64, M_PROC, M_WAITOK);
        (void)keep;
        kfree(p, M_PROC);
        kmalloc_quarantine_drain();  // now on its slab's free list
        kfree(p, M_PROC);
      },
      "double free of 0x[0-9a-f]+ \\(proc\\)");
}

TEST_F(MmQuarantine, QuarantineStaysBoundedAndStatsAddUp) {
  std::vector<void*> got;
  for (int i = 0; i < 3000; ++i) got.push_back(kmalloc(64 + (i % 4) * 300, M_LWP, M_WAITOK));
  for (void* p : got) kfree(p, M_LWP);
  QuarantineStats q = quarantine_stats();
  MallocStats s = malloc_type_stats(M_LWP);
  EXPECT_LE(q.objects, kQuarantineMaxObjects);
  EXPECT_LE(q.bytes, kQuarantineMaxBytes);
  EXPECT_GT(q.bytes, kQuarantineMaxBytes - 2048);
  EXPECT_EQ(s.quarantined_objects, q.objects);
  EXPECT_EQ(s.quarantined_bytes, q.bytes);
  EXPECT_EQ(s.inuse_objects, 0u);
  EXPECT_EQ(s.total_frees, 3000u);
  EXPECT_EQ(q.released + q.objects, 3000u);
}

TEST_F(MmQuarantine, RandomUseKeepsBlocksIntactAndSettlesToBaseline) {
  PageStats base = settled_page_stats();
  MallocType* types[] = {M_TEMP, M_PROC, M_LWP, M_SUBPROC};
  const RandomUse use{.slots = 400, .ops = 20000, .seed = 7, .big_max = 12000, .small_max = 2048};
  ASSERT_NO_FATAL_FAILURE(random_kmalloc_use(types, use));
  kmalloc_quarantine_drain();
  for (MallocType* t : types) {
    MallocStats s = malloc_type_stats(t);
    EXPECT_EQ(s.inuse_objects, 0u);
    EXPECT_EQ(s.quarantined_objects, 0u);
  }
  expect_same_pages(base, settled_page_stats());
}

TEST_F(MmQuarantine, WaitokDrainsTheQuarantineBeforeGivingUp) {
  std::vector<void*> got;
  while (void* p = kmalloc(2048, M_TEMP, M_NOWAIT)) got.push_back(p);
  ASSERT_GT(got.size(), 100u);
  for (int i = 0; i < 100; ++i) {  // 200 KiB: all of it stays quarantined
    kfree(got.back(), M_TEMP);
    got.pop_back();
  }
  EXPECT_EQ(malloc_type_stats(M_TEMP).quarantined_objects, 100u);
  EXPECT_EQ(kmalloc(2048, M_TEMP, M_NOWAIT), nullptr);
  void* p = kmalloc(2048, M_TEMP, M_WAITOK);
  EXPECT_NE(p, nullptr);
  EXPECT_EQ(malloc_type_stats(M_TEMP).quarantined_objects, 0u);
  got.push_back(p);
  for (void* q : got) kfree(q, M_TEMP);
}

}  // namespace
