// BootInfo gathered from the test trees.
#include "kernel/dt/boot_info.h"

#include <gtest/gtest.h>

#include <ostream>
#include <vector>

#include "kernel/dt/bootargs.h"
#include "tests/host/dt/dt_test_util.h"

// In PhysRange's own (global) namespace so the standard library finds them.
static bool operator==(const PhysRange& a, const PhysRange& b) {
  return a.base == b.base && a.size == b.size;
}
[[maybe_unused]] static void PrintTo(const PhysRange& r, std::ostream* os) {
  *os << std::hex << "{0x" << r.base << ", 0x" << r.size << "}";
}

namespace {

std::vector<PhysRange> ranges(const PhysRange* list, size_t count) {
  return std::vector<PhysRange>(list, list + count);
}

TEST(BootInfo, BasicBoard) {
  std::vector<uint8_t> blob = test_dtb("basic");
  ASSERT_FALSE(blob.empty());
  BootInfo info;
  ASSERT_EQ(boot_info_from_dtb(blob.data(), blob.size(), &info), FdtStatus::kOk);

  // memory-controller@... is not RAM; memory@40000000 has two entries.
  EXPECT_EQ(ranges(info.memory, info.memory_count),
            (std::vector<PhysRange>{
                {0x0, 0x3b400000}, {0x40000000, 0x80000000}, {0x100000000, 0x40000000}}));
  EXPECT_FALSE(info.memory_truncated);

  // /memreserve/ first, then reserved-memory; the disabled and size-only children are skipped.
  EXPECT_EQ(
      ranges(info.reserved, info.reserved_count),
      (std::vector<PhysRange>{{0x0, 0x1000}, {0x10000000, 0x200000}, {0x3b400000, 0x4c00000}}));
  EXPECT_FALSE(info.reserved_truncated);

  EXPECT_STREQ(info.bootargs, "console=serial0,115200 quiet loglevel=7");
  EXPECT_STREQ(info.model, "tine test board");
  EXPECT_TRUE(info.has_initrd);
  EXPECT_EQ(info.initrd_start, 0x2000000u);
  EXPECT_EQ(info.initrd_end, 0x2400000u);
  EXPECT_EQ(info.dtb_size, blob.size());

  // Only the no-map child is kept from being mapped at all.
  EXPECT_EQ(ranges(info.no_map, info.no_map_count),
            (std::vector<PhysRange>{{0x3b400000, 0x4c00000}}));

  // cpu-map is not a CPU; cpu@3's release address has a single cell.
  ASSERT_EQ(info.cpu_count, 5u);
  const uint64_t release[] = {0xd8, 0xe0, 0xe8, 0xf0};
  for (unsigned i = 0; i < 4; ++i) {
    EXPECT_EQ(info.cpus[i].hwid, i);
    EXPECT_EQ(info.cpus[i].method, CpuEnableMethod::kSpinTable);
    EXPECT_TRUE(info.cpus[i].has_release_addr);
    EXPECT_EQ(info.cpus[i].release_addr, release[i]);
  }
  EXPECT_EQ(info.cpus[4].hwid, 0x100u);
  EXPECT_EQ(info.cpus[4].method, CpuEnableMethod::kPsci);
  EXPECT_FALSE(info.cpus[4].has_release_addr);
  EXPECT_EQ(info.psci.conduit, PsciConduit::kSmc);
  EXPECT_EQ(info.psci.cpu_on, 0xc4000003u) << "PSCI 0.2's CPU_ON (SMC64)";
  ASSERT_NE(boot_cpu(info, 0x100), nullptr);
  EXPECT_EQ(boot_cpu(info, 0x100)->method, CpuEnableMethod::kPsci);
  EXPECT_EQ(boot_cpu(info, 7), nullptr);

  // /soc's two ranges: 1-cell bus addresses onto the root's 2-cell ones.
  ASSERT_EQ(info.soc_range_count, 2u);
  EXPECT_FALSE(info.soc_identity);
  paddr_t pa = 0;
  EXPECT_TRUE(boot_soc_to_phys(info, 0x7e201000, &pa));
  EXPECT_EQ(pa, 0xfe201000u);
  EXPECT_TRUE(boot_soc_to_phys(info, 0x40041000, &pa));
  EXPECT_EQ(pa, 0xff841000u);
  EXPECT_FALSE(boot_soc_to_phys(info, 0x7f800000, &pa)) << "past the first range's end";

  paddr_t addr = 0;
  EXPECT_TRUE(boot_cpu_release_addr(info, 2, &addr));
  EXPECT_EQ(addr, 0xe8u);
  EXPECT_FALSE(boot_cpu_release_addr(info, 0x100, &addr));
  EXPECT_FALSE(boot_cpu_release_addr(info, 7, &addr));

  char value[32];
  EXPECT_TRUE(bootarg(info.bootargs, "loglevel", value, sizeof(value)));
  EXPECT_STREQ(value, "7");
}

TEST(BootInfo, WideBoardTruncatesAndReads64BitInitrd) {
  std::vector<uint8_t> blob = test_dtb("wide");
  ASSERT_FALSE(blob.empty());
  BootInfo info;
  ASSERT_EQ(boot_info_from_dtb(blob.data(), blob.size(), &info), FdtStatus::kOk);

  // Ten memory nodes with 1-cell reg: the first eight are kept.
  ASSERT_EQ(info.memory_count, BootInfo::kMaxMemory);
  EXPECT_TRUE(info.memory_truncated);
  for (size_t i = 0; i < info.memory_count; ++i) {
    EXPECT_EQ(info.memory[i].base, i * 0x10000000u);
    EXPECT_EQ(info.memory[i].size, 0x100000u);
  }
  // Eighteen /memreserve/ entries: sixteen kept.
  ASSERT_EQ(info.reserved_count, BootInfo::kMaxReserved);
  EXPECT_TRUE(info.reserved_truncated);
  EXPECT_EQ(info.reserved[15].base, 0x10f0000u);

  EXPECT_TRUE(info.has_initrd);
  EXPECT_EQ(info.initrd_start, 0x100000000u);
  EXPECT_EQ(info.initrd_end, 0x100100000u);

  EXPECT_STREQ(info.model, "");
  EXPECT_EQ(info.cpu_count, 0u);
  char root[32];
  EXPECT_TRUE(bootarg(info.bootargs, "root", root, sizeof(root)));
  EXPECT_STREQ(root, "/dev/mmc blk0");
  EXPECT_TRUE(bootarg(info.bootargs, "debug", nullptr, 0));
}

TEST(BootInfo, MinimalTreeGivesEmptyInfo) {
  std::vector<uint8_t> blob = test_dtb("minimal");
  ASSERT_FALSE(blob.empty());
  BootInfo info;
  ASSERT_EQ(boot_info_from_dtb(blob.data(), blob.size(), &info), FdtStatus::kOk);
  EXPECT_EQ(info.memory_count, 0u);
  EXPECT_EQ(info.reserved_count, 0u);
  EXPECT_EQ(info.cpu_count, 0u);
  EXPECT_STREQ(info.bootargs, "");
  EXPECT_STREQ(info.model, "");
  EXPECT_FALSE(info.has_initrd);
}

TEST(BootInfo, RejectedBlobLeavesInfoEmpty) {
  std::vector<uint8_t> junk(256, 0xa5);
  BootInfo info;
  memset(&info, 0x5a, sizeof(info));
  EXPECT_EQ(boot_info_from_dtb(junk.data(), junk.size(), &info), FdtStatus::kBadMagic);
  EXPECT_EQ(info.memory_count, 0u);
  EXPECT_EQ(info.cpu_count, 0u);
  EXPECT_STREQ(info.bootargs, "");
  EXPECT_EQ(boot_info_from_dtb(nullptr, 0, &info), FdtStatus::kTooSmall);
}

}  // namespace
