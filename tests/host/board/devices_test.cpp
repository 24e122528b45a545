// The BCM2711's devices through /soc's ranges: where the shipped tree puts
// them (low-peripheral mode), where arm_peri_high=1 moves them, and the
// fallback when there is no tree to ask.
#include <gtest/gtest.h>

#include "board/rpi4/devices.h"
#include "tests/host/board/pi4_dtb.h"

namespace {

TEST(Rpi4Devices, LowPeripheralsFromTheShippedTree) {
  std::vector<uint8_t> blob = read_file(TINE_BOARD_DTB);
  if (blob.empty()) GTEST_SKIP() << "board DTB not fetched";
  BootInfo info;
  ASSERT_EQ(boot_info_from_dtb(blob.data(), blob.size(), &info), FdtStatus::kOk);
  ASSERT_EQ(info.soc_range_count, 3u);
  rpi4::Devices d;
  EXPECT_TRUE(rpi4::locate_devices(&info, &d));
  EXPECT_EQ(d.pl011, 0xfe201000u);
  EXPECT_EQ(d.gpio, 0xfe200000u);
  EXPECT_EQ(d.mailbox, 0xfe00b880u);
  EXPECT_EQ(d.pm, 0xfe100000u);
  EXPECT_EQ(d.gicd, 0xff841000u);
  EXPECT_EQ(d.gicc, 0xff842000u);
}

TEST(Rpi4Devices, HighPeripheralsMoveWithTheRanges) {
  std::vector<uint8_t> blob;
  BootInfo info;
  LOAD_PI4_OR_SKIP("pi4-highperi", info, blob);
  rpi4::Devices d;
  EXPECT_TRUE(rpi4::locate_devices(&info, &d));
  EXPECT_EQ(d.pl011, 0x47e201000u);
  EXPECT_EQ(d.mailbox, 0x47e00b880u);
  EXPECT_EQ(d.gicd, 0x4c0041000u);
  EXPECT_EQ(d.gicc, 0x4c0042000u);
}

TEST(Rpi4Devices, DefaultsWithoutATreeOrWithoutSoc) {
  rpi4::Devices d;
  EXPECT_FALSE(rpi4::locate_devices(nullptr, &d));
  EXPECT_EQ(d.pl011, 0xfe201000u);
  EXPECT_EQ(d.gicc, 0xff842000u);
  BootInfo empty = {};
  EXPECT_FALSE(rpi4::locate_devices(&empty, &d));
  EXPECT_EQ(d.mailbox, 0xfe00b880u);
  // Ranges that miss the GIC's bus window: all defaults, not a mix.
  BootInfo partial = {};
  partial.soc_ranges[partial.soc_range_count++] = {0x7e000000, 0x47e000000, 0x1800000};
  EXPECT_FALSE(rpi4::locate_devices(&partial, &d));
  EXPECT_EQ(d.pl011, 0xfe201000u);
  // An empty "ranges": the bus sees what the CPU sees.
  BootInfo identity = {};
  identity.soc_identity = true;
  EXPECT_TRUE(rpi4::locate_devices(&identity, &d));
  EXPECT_EQ(d.pl011, rpi4::kBusPl011);
}

}  // namespace
