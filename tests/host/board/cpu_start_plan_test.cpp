// How each CPU is started, from the trees of the boot paths: the firmware's
// spin table, TF-A's PSCI, and the trees that describe no way at all.
#include "kernel/cpu/cpu_start_plan.h"

#include <gtest/gtest.h>

#include "tests/host/board/pi4_dtb.h"

namespace {

TEST(CpuStartPlan, FirmwareSpinTable) {
  std::vector<uint8_t> blob;
  BootInfo info;
  LOAD_PI4_OR_SKIP("pi4-4g", info, blob);
  const paddr_t slots[] = {0xd8, 0xe0, 0xe8, 0xf0};
  for (unsigned cpu = 1; cpu < 4; ++cpu) {
    CpuStartPlan p = cpu_start_plan(&info, cpu, 0x12345, true);
    EXPECT_EQ(p.kind, CpuStartKind::kSpinTable);
    EXPECT_EQ(p.release_addr, slots[cpu]) << "the tree's, not the board default";
  }
  EXPECT_EQ(cpu_start_plan(&info, 7, 0xf0, true).kind, CpuStartKind::kNone);
}

TEST(CpuStartPlan, TfaPsci) {
  std::vector<uint8_t> blob;
  BootInfo info;
  LOAD_PI4_OR_SKIP("pi4-psci", info, blob);
  for (unsigned cpu = 1; cpu < 4; ++cpu) {
    CpuStartPlan p = cpu_start_plan(&info, cpu, 0xe0, false);
    EXPECT_EQ(p.kind, CpuStartKind::kPsci) << "never the spin table";
    EXPECT_EQ(p.conduit, PsciConduit::kSmc);
    EXPECT_EQ(p.cpu_on, 0xc4000003u);
  }
}

TEST(CpuStartPlan, PsciByHvcOnlyWhenSomeoneElseHoldsEl2) {
  std::vector<uint8_t> blob;
  BootInfo info;
  LOAD_PI4_OR_SKIP("pi4-psci-hvc", info, blob);
  CpuStartPlan guest = cpu_start_plan(&info, 1, 0xe0, true);
  EXPECT_EQ(guest.kind, CpuStartKind::kPsci);
  EXPECT_EQ(guest.conduit, PsciConduit::kHvc);
  CpuStartPlan own_el2 = cpu_start_plan(&info, 1, 0xe0, false);
  EXPECT_EQ(own_el2.kind, CpuStartKind::kNone);
  EXPECT_NE(own_el2.why, nullptr);
}

TEST(CpuStartPlan, PsciWithoutNodeAndSpinTableWithoutAddressStayOff) {
  std::vector<uint8_t> blob;
  BootInfo info;
  LOAD_PI4_OR_SKIP("pi4-psci-nonode", info, blob);
  EXPECT_EQ(cpu_start_plan(&info, 2, 0xe8, true).kind, CpuStartKind::kNone);
  // spin-table whose cpu-release-addr is gone: not the default slot either.
  info.cpus[2].method = CpuEnableMethod::kSpinTable;
  info.cpus[2].has_release_addr = false;
  EXPECT_EQ(cpu_start_plan(&info, info.cpus[2].hwid, 0xe8, true).kind, CpuStartKind::kNone);
  info.cpus[2].method = CpuEnableMethod::kUnknown;
  EXPECT_EQ(cpu_start_plan(&info, info.cpus[2].hwid, 0xe8, true).kind, CpuStartKind::kNone);
}

TEST(CpuStartPlan, NoTreeUsesTheBoardsSlot) {
  CpuStartPlan p = cpu_start_plan(nullptr, 3, 0xf0, false);
  EXPECT_EQ(p.kind, CpuStartKind::kSpinTable);
  EXPECT_EQ(p.release_addr, 0xf0u);
  EXPECT_EQ(cpu_start_plan(nullptr, 3, 0, false).kind, CpuStartKind::kNone);
}

}  // namespace
