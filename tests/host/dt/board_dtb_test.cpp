// The Raspberry Pi 4 DTB as the firmware package ships it. Skipped when the
// board files have not been fetched.
#include <gtest/gtest.h>

#include <vector>

#include "kernel/dt/boot_info.h"
#include "kernel/dt/fdt.h"
#include "tests/host/dt/dt_test_util.h"

namespace {

class BoardDtb : public ::testing::Test {
 protected:
  void SetUp() override {
    blob_ = read_file(TINE_BOARD_DTB);
    if (blob_.empty()) GTEST_SKIP() << "board DTB not present: " << TINE_BOARD_DTB;
    fdt_ = open_or_fail(blob_);
    ASSERT_TRUE(fdt_.is_open());
  }

  std::vector<uint8_t> blob_;
  Fdt fdt_;
};

TEST_F(BoardDtb, Model) {
  EXPECT_STREQ(fdt_.prop_string(fdt_.root(), "model"), "Raspberry Pi 4 Model B");
  EXPECT_TRUE(fdt_.prop_has_string(fdt_.root(), "compatible", "brcm,bcm2711"));
}

// The RNG200 the kernel seeds its random numbers from on a real board.
TEST_F(BoardDtb, Rng200) {
  BootInfo info;
  boot_info_from_fdt(fdt_, &info);
  EXPECT_TRUE(info.has_rng200);
  EXPECT_EQ(info.rng200_bus, 0x7e104000u);
}

TEST_F(BoardDtb, Memory) {
  FdtNode mem = fdt_.find_path("/memory");
  ASSERT_TRUE(mem.valid());
  EXPECT_STREQ(fdt_.name(mem), "memory@0");
  EXPECT_STREQ(fdt_.prop_string(mem, "device_type"), "memory");
  // The root uses 2 address cells and 1 size cell.
  EXPECT_EQ(fdt_.reg_count(mem), 1u);
  PhysRange r;
  ASSERT_TRUE(fdt_.reg(mem, 0, &r));
  EXPECT_EQ(r.base, 0u);
  // The shipped file leaves the size 0: the firmware writes the real amount into
  // the copy it hands to the kernel. BootInfo drops such empty ranges.
  EXPECT_EQ(r.size, 0u);
}

TEST_F(BoardDtb, CpuReleaseAddresses) {
  const char* paths[] = {"/cpus/cpu@0", "/cpus/cpu@1", "/cpus/cpu@2", "/cpus/cpu@3"};
  const uint64_t expected[] = {0xd8, 0xe0, 0xe8, 0xf0};
  for (int i = 0; i < 4; ++i) {
    FdtNode cpu = fdt_.find_path(paths[i]);
    ASSERT_TRUE(cpu.valid()) << paths[i];
    EXPECT_TRUE(fdt_.prop_has_string(cpu, "enable-method", "spin-table"));
    uint64_t release = 0;
    EXPECT_TRUE(fdt_.prop_u64(cpu, "cpu-release-addr", &release));
    EXPECT_EQ(release, expected[i]) << paths[i];
  }

  BootInfo info;
  boot_info_from_fdt(fdt_, &info);
  ASSERT_EQ(info.cpu_count, 4u);
  for (uint64_t hwid = 1; hwid <= 3; ++hwid) {
    paddr_t addr = 0;
    EXPECT_TRUE(boot_cpu_release_addr(info, hwid, &addr));
    EXPECT_EQ(addr, expected[hwid]) << "cpu " << hwid;
  }
}

TEST_F(BoardDtb, BootInfo) {
  BootInfo info;
  ASSERT_EQ(boot_info_from_dtb(blob_.data(), blob_.size(), &info), FdtStatus::kOk);
  EXPECT_STREQ(info.model, "Raspberry Pi 4 Model B");
  EXPECT_EQ(info.dtb_size, blob_.size());
  EXPECT_EQ(info.memory_count, 0u) << "only the size-0 placeholder";
  // /memreserve/ covers the spin tables in the first page; the disabled nvram
  // node and the size-only CMA pool under /reserved-memory add nothing.
  ASSERT_EQ(info.reserved_count, 1u);
  EXPECT_EQ(info.reserved[0].base, 0u);
  EXPECT_EQ(info.reserved[0].size, 0x1000u);
  EXPECT_STREQ(info.bootargs, "");
  EXPECT_FALSE(info.has_initrd);
}

TEST_F(BoardDtb, Peripherals) {
  FdtNode uart = fdt_.next_compatible(FdtNode{}, "arm,pl011");
  ASSERT_TRUE(uart.valid());
  PhysRange r;
  ASSERT_TRUE(fdt_.reg(uart, 0, &r));
  EXPECT_EQ(r.base, 0x7e201000u) << "bus address; /soc ranges map it to 0xfe201000";
  FdtCells soc = fdt_.cells_for_children(fdt_.find_path("/soc"));
  EXPECT_EQ(soc.address, 1u);
  EXPECT_EQ(soc.size, 1u);
  EXPECT_STREQ(fdt_.prop_string(fdt_.find_path("/aliases"), "serial1"), "/soc/serial@7e215040");
  EXPECT_GT(touch_everything(fdt_), 100u);
}

TEST_F(BoardDtb, TruncationsAndDamageAreHandled) {
  for (size_t len = 0; len < blob_.size(); len += 7) {
    std::vector<uint8_t> cut(blob_.begin(), blob_.begin() + static_cast<ptrdiff_t>(len));
    Fdt fdt;
    ASSERT_NE(Fdt::open(cut.data(), cut.size(), &fdt), FdtStatus::kOk) << len;
  }
  uint64_t state = 88172645463325252ull;
  for (int round = 0; round < 300; ++round) {
    std::vector<uint8_t> b = blob_;
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    b[state % b.size()] ^= static_cast<uint8_t>(1u << (state >> 40) % 8);
    Fdt fdt;
    if (Fdt::open(b.data(), b.size(), &fdt) == FdtStatus::kOk) touch_everything(fdt);
  }
}

}  // namespace
