// The linear map as boot builds it (arch/aarch64/mmu/block_map.h): from the
// memory plan of an 8 GB board and the devices of a high-peripheral one, only
// RAM and device registers are mapped, with the largest blocks that fit, and
// a tree already live (the image's pages, the DTB's) is only ever extended.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <vector>

#include "arch/aarch64/mmu/block_map.h"
#include "board/rpi4/devices.h"
#include "kernel/init/memory_map.h"
#include "tests/host/board/pi4_dtb.h"

using namespace arch;

namespace {

constexpr uint64_t kGiB = uint64_t{1} << 30;
constexpr uint64_t k2M = uint64_t{1} << 21;
constexpr pte_t kRam = pte_attr(kMtNormal) | kPteShInner | kPteAf | kPtePxn | kPteUxn;
constexpr pte_t kDevice = pte_attr(kMtDevice) | kPteAf | kPtePxn | kPteUxn;
constexpr pte_t kText = pte_attr(kMtNormal) | kPteShInner | kPteAf | kPteApReadOnly | kPteUxn;

// Tables from the heap, page aligned (the host's linear map is the identity).
class Tree {
 public:
  explicit Tree(unsigned max_tables) : max_(max_tables) { root_ = alloc(this); }
  ~Tree() {
    for (pte_t* t : tables_) free(t);
  }
  BlockMapper mapper() { return {root_, &Tree::alloc, this}; }
  size_t tables() const { return tables_.size(); }

  struct Walk {
    bool mapped;
    paddr_t pa;
    pte_t attrs;
    unsigned level;  // of the leaf: 1 (1 GiB block), 2 (2 MiB block), 3 (page)
  };
  Walk walk(uint64_t va) const {
    const pte_t* t = root_;
    for (unsigned level = 0; level < 4; ++level) {
      pte_t e = t[pt_index(va, level)];
      if (!(e & kPteValid)) return {false, 0, 0, level};
      if (level < 3 && pte_is_table(e, level)) {
        t = static_cast<const pte_t*>(phys_to_virt(pte_addr(e)));
        continue;
      }
      uint64_t span = uint64_t{1} << (39 - 9 * level);
      return {true, pte_addr(e) + (va & (span - 1)), e & ~(kPteAddrMask | 3), level};
    }
    return {false, 0, 0, 4};
  }

 private:
  static pte_t* alloc(void* ctx) {
    auto* self = static_cast<Tree*>(ctx);
    if (self->tables_.size() == self->max_) return nullptr;
    auto* t = static_cast<pte_t*>(aligned_alloc(kPageSize, kPageSize));
    for (unsigned i = 0; i < kPtEntries; ++i) t[i] = 0;
    self->tables_.push_back(t);
    return t;
  }
  unsigned max_;
  std::vector<pte_t*> tables_;
  pte_t* root_;
};

// What a kernel-half VA of physical address pa is (the host test uses the
// kernel's offset so that L0 index 256 and up are exercised as in the kernel).
constexpr uint64_t kLinear = 0xffff000000000000ull;

class LinearMap : public ::testing::Test {
 protected:
  MapStatus map(Tree& t, paddr_t pa, uint64_t size, pte_t attrs) {
    return block_map(t.mapper(), kLinear + pa, pa, size, attrs);
  }
  void expect_mapped(const Tree& t, paddr_t pa, pte_t attrs) {
    Tree::Walk w = t.walk(kLinear + pa);
    EXPECT_TRUE(w.mapped) << std::hex << pa;
    EXPECT_EQ(w.pa, pa) << std::hex << pa;
    EXPECT_EQ(w.attrs, attrs) << std::hex << pa;
  }
  void expect_hole(const Tree& t, paddr_t start, paddr_t end) {
    for (paddr_t a :
         {start, start + kPageSize, (start + end) / 2 & ~(kPageSize - 1), end - kPageSize})
      EXPECT_FALSE(t.walk(kLinear + a).mapped) << "mapped in a hole: 0x" << std::hex << a;
  }
};

TEST_F(LinearMap, EightGigabyteBoardMapsOnlyItsRam) {
  std::vector<uint8_t> blob;
  BootInfo info;
  LOAD_PI4_OR_SKIP("pi4-8g", info, blob);
  BootMemoryPlan plan;
  plan_boot_memory(info, {0x80000, 0x200000}, {0x2eff0000, blob.size()}, &plan);
  Tree t(16);
  // As start.S leaves it: the image's pages, text executable.
  ASSERT_EQ(map(t, 0x80000, 0x100000, kText), MapStatus::kOk);
  ASSERT_EQ(map(t, 0x180000, 0x100000, kRam), MapStatus::kOk);
  // As boot then adds: the DTB's pages, RAM around the image, the devices.
  ASSERT_EQ(map(t, 0x2eff0000, 0x10000, kRam), MapStatus::kOk);
  for (size_t i = 0; i < plan.mapped_count; ++i) {
    const PhysRange& r = plan.mapped[i];
    if (r.base == 0) {
      ASSERT_EQ(map(t, 0, 0x80000, kRam), MapStatus::kOk);
      ASSERT_EQ(map(t, 0x280000, r.size - 0x280000, kRam), MapStatus::kOk);
    } else {
      ASSERT_EQ(map(t, r.base, r.size, kRam), MapStatus::kOk);
    }
  }
  rpi4::Devices d;
  ASSERT_TRUE(rpi4::locate_devices(&info, &d));
  for (paddr_t dev : {d.mailbox, d.pm, d.gpio, d.pl011, d.gicd, d.gicc, d.gicc + kPageSize})
    ASSERT_EQ(map(t, dev & ~(kPageSize - 1), kPageSize, kDevice), MapStatus::kOk);

  // Every page of RAM, at 2 MiB steps and at the range ends, maps to itself.
  for (size_t i = 0; i < plan.mapped_count; ++i) {
    const PhysRange& r = plan.mapped[i];
    for (paddr_t a = r.base; a < r.base + r.size; a += k2M)
      expect_mapped(t, a, a >= 0x80000 && a < 0x180000 ? kText : kRam);
    expect_mapped(t, r.base + r.size - kPageSize, kRam);
  }
  expect_mapped(t, 0x100000, kText);
  expect_mapped(t, d.pl011, kDevice);
  expect_mapped(t, d.gicd, kDevice);
  // Nothing else: the VideoCore's memory, the peripheral window but the
  // device pages, the space above 8 GiB.
  expect_hole(t, 0x3b400000, kGiB);
  expect_hole(t, 0xfc000000, 0xfe000000);
  expect_hole(t, 0xfe202000, 0xff841000);
  expect_hole(t, 0xff844000, 4 * kGiB);  // past the GIC CPU interface's two pages
  expect_hole(t, 8 * kGiB, 16 * kGiB);
  // The largest blocks that fit.
  EXPECT_EQ(t.walk(kLinear + 4 * kGiB).level, 1u);
  EXPECT_EQ(t.walk(kLinear + 7 * kGiB + 12345 * kPageSize).level, 1u);
  EXPECT_EQ(t.walk(kLinear + kGiB).level, 1u);
  EXPECT_EQ(t.walk(kLinear + 3 * kGiB).level, 2u) << "the GiB the peripherals cut";
  EXPECT_EQ(t.walk(kLinear + 0x20000000).level, 2u);
  EXPECT_EQ(t.walk(kLinear + 0x100000).level, 3u) << "the image's pages";
  EXPECT_LE(t.tables(), 10u);
}

TEST_F(LinearMap, HighPeripheralsAreMappedWhereTheTreeSays) {
  std::vector<uint8_t> blob;
  BootInfo info;
  LOAD_PI4_OR_SKIP("pi4-highperi", info, blob);
  rpi4::Devices d;
  ASSERT_TRUE(rpi4::locate_devices(&info, &d));
  Tree t(16);
  ASSERT_EQ(map(t, d.pl011, kPageSize, kDevice), MapStatus::kOk);
  ASSERT_EQ(map(t, d.gicc, 2 * kPageSize, kDevice), MapStatus::kOk);
  expect_mapped(t, 0x47e201000, kDevice);
  expect_mapped(t, 0x4c0043000, kDevice);
  expect_hole(t, 0xfc000000, 4 * kGiB);
}

TEST_F(LinearMap, OnlyEverAddsNeverChanges) {
  Tree t(8);
  ASSERT_EQ(map(t, 0, kGiB, kRam), MapStatus::kOk);
  EXPECT_EQ(t.walk(kLinear + 0x1000).level, 1u);
  // The same again, or a piece of it, is no change.
  EXPECT_EQ(map(t, 0, kGiB, kRam), MapStatus::kOk);
  EXPECT_EQ(map(t, 0x200000, 0x3000, kRam), MapStatus::kOk);
  // Anything else over it is refused, block or page.
  EXPECT_EQ(map(t, 0x200000, 0x1000, kDevice), MapStatus::kConflict);
  EXPECT_EQ(map(t, 0, kGiB, kText), MapStatus::kConflict);
  // A page mapped first: the range around it descends instead of taking a block.
  ASSERT_EQ(map(t, kGiB + 0x5000, kPageSize, kText), MapStatus::kOk);
  ASSERT_EQ(map(t, kGiB, kGiB, kRam), MapStatus::kConflict) << "the page's attributes differ";
  EXPECT_EQ(t.walk(kLinear + kGiB).mapped, true) << "pieces before the conflict stay";
  Tree u(8);
  ASSERT_EQ(map(u, kGiB + 0x5000, kPageSize, kRam), MapStatus::kOk);
  ASSERT_EQ(map(u, kGiB, kGiB, kRam), MapStatus::kOk);
  EXPECT_EQ(u.walk(kLinear + kGiB + 0x5000).level, 3u);
  EXPECT_EQ(u.walk(kLinear + kGiB + k2M).level, 2u);
  expect_mapped(u, kGiB + 0x6000, kRam);
}

TEST_F(LinearMap, RunsOutOfTablesCleanly) {
  Tree t(3);  // root, one L1, one L2: no L3 table left
  EXPECT_EQ(map(t, 0x1000, kPageSize, kRam), MapStatus::kNoTable);
  EXPECT_EQ(map(t, k2M, k2M, kRam), MapStatus::kOk) << "a block needs no further table";
}

}  // namespace
