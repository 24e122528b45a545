// plan_boot_memory over the trees a Pi 4 of each size hands over: the linear
// map gets /memory and nothing else, the page allocator gets it minus what
// the firmware, the kernel, the DTB and the initrd hold.
#include <gtest/gtest.h>

#include <vector>

#include "kernel/init/memory_map.h"
#include "tests/host/board/pi4_dtb.h"

namespace {

constexpr uint64_t kGiB = uint64_t{1} << 30;
constexpr PhysRange kImage = {0x80000, 0x200000};  // kernel8.img at 0x80000, bss included
constexpr paddr_t kDtbAt = 0x2eff0000;             // where the firmware puts the tree

uint64_t total(const std::vector<PhysRange>& v) {
  uint64_t t = 0;
  for (const PhysRange& r : v) t += r.size;
  return t;
}
bool overlaps(const std::vector<PhysRange>& v, paddr_t start, paddr_t end) {
  for (const PhysRange& r : v)
    if (r.base < end && start < r.base + r.size) return true;
  return false;
}

struct Planned {
  BootInfo info;
  BootMemoryPlan plan;
  std::vector<PhysRange> mapped, usable;
  PhysRange dtb;
};

class MemoryPlan : public ::testing::Test {
 protected:
  // Plans variant `name`; every plan must keep these rules whatever the board.
  // (PLAN: the test ends when the tree is missing or unreadable.)
  void plan(const char* name) {
    LOAD_PI4_OR_SKIP(name, p_.info, blob_);
    p_.dtb = {kDtbAt, blob_.size()};
    plan_boot_memory(p_.info, kImage, p_.dtb, &p_.plan);
    p_.mapped = range_list(p_.plan.mapped, p_.plan.mapped_count);
    p_.usable = range_list(p_.plan.usable, p_.plan.usable_count);
    for (size_t i = 0; i < p_.usable.size(); ++i) {
      const PhysRange& u = p_.usable[i];
      EXPECT_EQ(u.base % kPageSize, 0u);
      EXPECT_EQ(u.size % kPageSize, 0u);
      if (i > 0) {
        EXPECT_GE(u.base, p_.usable[i - 1].base + p_.usable[i - 1].size);
      }
      bool inside = false;
      for (const PhysRange& m : p_.mapped)
        inside |= u.base >= m.base && u.base + u.size <= m.base + m.size;
      EXPECT_TRUE(inside) << "usable range outside the mapped RAM";
    }
    EXPECT_FALSE(overlaps(p_.usable, 0, kPageSize)) << "the spin-table page";
    EXPECT_FALSE(overlaps(p_.usable, kImage.base, kImage.base + kImage.size)) << "the image";
    EXPECT_FALSE(overlaps(p_.usable, p_.dtb.base, p_.dtb.base + p_.dtb.size)) << "the DTB";
    for (size_t i = 0; i < p_.info.reserved_count; ++i)
      EXPECT_FALSE(overlaps(p_.usable, p_.info.reserved[i].base,
                            p_.info.reserved[i].base + p_.info.reserved[i].size));
    if (p_.plan.initrd_usable) {
      EXPECT_FALSE(overlaps(p_.usable, p_.info.initrd_start, p_.info.initrd_end)) << "the initrd";
    }
    // Neither the VideoCore's share of the first GiB nor the peripheral window is RAM.
    EXPECT_FALSE(overlaps(p_.mapped, 0x3b400000, kGiB));
    EXPECT_FALSE(overlaps(p_.mapped, 0xfc000000, 4 * kGiB));
  }

  std::vector<uint8_t> blob_;
  Planned p_;
};

#define PLAN(name)                                \
  do {                                            \
    plan(name);                                   \
    if (IsSkipped() || HasFatalFailure()) return; \
  } while (0)

TEST_F(MemoryPlan, OneGigabyte) {
  PLAN("pi4-1g");
  EXPECT_EQ(p_.mapped, (std::vector<PhysRange>{{0, 0x3b400000}}));
  EXPECT_TRUE(p_.plan.initrd_usable);
  paddr_t dtb_end = (kDtbAt + blob_.size() + kPageSize - 1) & ~paddr_t{kPageSize - 1};
  EXPECT_EQ(p_.usable, (std::vector<PhysRange>{{0x1000, 0x7f000},
                                               {0x280000, 0x2a00000 - 0x280000},
                                               {0x2b00000, kDtbAt - 0x2b00000},
                                               {dtb_end, 0x3b400000 - dtb_end}}));
}

TEST_F(MemoryPlan, TwoGigabytes) {
  PLAN("pi4-2g");
  EXPECT_EQ(p_.mapped, (std::vector<PhysRange>{{0, 0x3b400000}, {kGiB, kGiB}}));
  EXPECT_EQ(p_.usable.back(), (PhysRange{kGiB, kGiB}));
}

TEST_F(MemoryPlan, FourGigabytesStopAtThePeripherals) {
  PLAN("pi4-4g");
  EXPECT_EQ(p_.mapped, (std::vector<PhysRange>{{0, 0x3b400000}, {kGiB, 0xbc000000}}));
  EXPECT_EQ(p_.usable.back(), (PhysRange{kGiB, 0xbc000000}));
}

TEST_F(MemoryPlan, EightGigabytesAllOfIt) {
  PLAN("pi4-8g");
  // 2-cell initrd values (as U-Boot writes them) read the same.
  EXPECT_TRUE(p_.info.has_initrd);
  EXPECT_EQ(p_.info.initrd_start, 0x2700000u);
  EXPECT_TRUE(p_.plan.initrd_usable);
  // The 4 GiB above 4 GiB came as two entries (32-bit size cells).
  EXPECT_EQ(p_.mapped,
            (std::vector<PhysRange>{
                {0, 0x3b400000}, {kGiB, 0xbc000000}, {4 * kGiB, 2 * kGiB}, {6 * kGiB, 2 * kGiB}}));
  EXPECT_EQ(p_.usable.back().base + p_.usable.back().size, 8 * kGiB);
  EXPECT_EQ(total(p_.mapped), 0x3b400000 + 0xbc000000 + 4 * kGiB);
  EXPECT_GT(total(p_.usable), total(p_.mapped) - 0x4000000) << "little beyond image, DTB, initrd";
}

TEST_F(MemoryPlan, SeveralMemoryNodesWith64BitSizes) {
  PLAN("pi4-8g-nodes");
  EXPECT_EQ(p_.info.memory_count, 3u);
  EXPECT_EQ(p_.mapped,
            (std::vector<PhysRange>{{0, 0x3b400000}, {kGiB, 0xbc000000}, {4 * kGiB, 4 * kGiB}}));
}

TEST_F(MemoryPlan, NoMapReservationIsNotEvenMapped) {
  PLAN("pi4-psci");  // TF-A keeps [0, 0x80000) for itself, no-map
  EXPECT_EQ(p_.mapped,
            (std::vector<PhysRange>{{0x80000, 0x3b400000 - 0x80000}, {kGiB, 0xbc000000}}));
  EXPECT_EQ(p_.usable.front().base, kImage.base + kImage.size);
}

TEST_F(MemoryPlan, InitrdOutsideRamIsDropped) {
  PLAN("pi4-4g");
  BootInfo info = p_.info;
  info.initrd_start = 0x3c000000;  // the VideoCore's memory
  info.initrd_end = 0x3c100000;
  BootMemoryPlan plan;
  plan_boot_memory(info, kImage, p_.dtb, &plan);
  EXPECT_FALSE(plan.initrd_usable);
  info.initrd_start = 0x3b300000;  // starts in RAM, runs past its end
  info.initrd_end = 0x3b500000;
  plan_boot_memory(info, kImage, p_.dtb, &plan);
  EXPECT_FALSE(plan.initrd_usable);
}

}  // namespace
