// usable_memory(): RAM minus reservations, page aligned, clipped and sorted.
#include "kernel/init/memory_map.h"

#include <gtest/gtest.h>

namespace {

constexpr paddr_t kMiB = 1 << 20;

TEST(UsableMemory, WholeRangeWithoutReservations) {
  PhysRange mem[] = {{0, 960 * kMiB}};
  PhysRange out[4];
  ASSERT_EQ(usable_memory(mem, 1, nullptr, 0, 0, ~0ull, out, 4), 1u);
  EXPECT_EQ(out[0].base, 0u);
  EXPECT_EQ(out[0].size, 960 * kMiB);
}

TEST(UsableMemory, ReservationsSplitAndAreRoundedOutward) {
  PhysRange mem[] = {{0, 16 * kMiB}};
  PhysRange res[] = {{0, 4096}, {0x80000, 0x12345}, {8 * kMiB + 10, 100}};
  PhysRange out[8];
  size_t n = usable_memory(mem, 1, res, 3, 0, ~0ull, out, 8);
  ASSERT_EQ(n, 3u);
  EXPECT_EQ(out[0].base, 0x1000u);
  EXPECT_EQ(out[0].size, 0x80000u - 0x1000u);
  EXPECT_EQ(out[1].base, 0x93000u);  // 0x80000 + 0x12345 rounded up
  EXPECT_EQ(out[1].base + out[1].size, 8 * kMiB);
  EXPECT_EQ(out[2].base, 8 * kMiB + 4096);
  EXPECT_EQ(out[2].base + out[2].size, 16 * kMiB);
}

TEST(UsableMemory, OverlappingAndOutOfOrderReservations) {
  PhysRange mem[] = {{kMiB, 4 * kMiB}};
  PhysRange res[] = {{3 * kMiB, kMiB}, {kMiB, kMiB}, {kMiB + 4096, kMiB}};
  PhysRange out[8];
  size_t n = usable_memory(mem, 1, res, 3, 0, ~0ull, out, 8);
  ASSERT_EQ(n, 2u);
  EXPECT_EQ(out[0].base, 2 * kMiB + 4096);
  EXPECT_EQ(out[0].base + out[0].size, 3 * kMiB);
  EXPECT_EQ(out[1].base, 4 * kMiB);
  EXPECT_EQ(out[1].base + out[1].size, 5 * kMiB);
}

TEST(UsableMemory, ClippedToCeilingAndSorted) {
  PhysRange mem[] = {{0x40000000, 0x80000000}, {0, 0x3c000000}};
  PhysRange out[8];
  size_t n = usable_memory(mem, 2, nullptr, 0, 0, 0xc0000000, out, 8);
  ASSERT_EQ(n, 2u);
  EXPECT_EQ(out[0].base, 0u);
  EXPECT_EQ(out[1].base, 0x40000000u);
  EXPECT_EQ(out[1].size, 0x80000000u);
  PhysRange above[] = {{0xc0000000, 0x40000000}};
  EXPECT_EQ(usable_memory(above, 1, nullptr, 0, 0, 0xc0000000, out, 8), 0u);
}

TEST(UsableMemory, FullyReservedAndOutputLimit) {
  PhysRange mem[] = {{0, 8 * kMiB}};
  PhysRange all[] = {{0, 8 * kMiB}};
  PhysRange out[2];
  EXPECT_EQ(usable_memory(mem, 1, all, 1, 0, ~0ull, out, 2), 0u);
  PhysRange holes[] = {{kMiB, 4096}, {2 * kMiB, 4096}, {3 * kMiB, 4096}};
  EXPECT_EQ(usable_memory(mem, 1, holes, 3, 0, ~0ull, out, 2), 2u);
}

}  // namespace
