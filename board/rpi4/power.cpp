// Power off and reset through the BCM2711 PM watchdog: RSTS tells the firmware
// which partition to boot (0x555 = halt), WDOG arms a short timeout, RSTC
// selects a full reset. QEMU exits on the halt and restarts on the reset.
#include <arch/cpu.h>
#include <arch/mmio.h>

#include "board/rpi4/devices.h"
#include "kernel/mm/phys.h"
#include "kernel/power/power.h"

namespace {
constexpr uint32_t kPassword = 0x5a000000;
constexpr uintptr_t kRstc = 0x1c, kRsts = 0x20, kWdog = 0x24;
constexpr uint32_t kRstcFullReset = 0x20;
constexpr uint32_t kRstsHalt = 0x555;
constexpr uint32_t kWdogTicks = 10;

uintptr_t reg(uintptr_t off) {
  return reinterpret_cast<uintptr_t>(phys_to_virt(rpi4::devices().pm + off));
}

[[noreturn]] void watchdog_reset(bool halt) {
  if (halt) {
    uint32_t rsts = arch::mmio_read32(reg(kRsts)) & ~0xfffu;
    arch::mmio_write32(reg(kRsts), kPassword | rsts | kRstsHalt);
  }
  arch::mmio_write32(reg(kWdog), kPassword | kWdogTicks);
  uint32_t rstc = arch::mmio_read32(reg(kRstc)) & ~0x30u;
  arch::mmio_write32(reg(kRstc), kPassword | rstc | kRstcFullReset);
  for (;;) arch::wait_for_interrupt();
}
}  // namespace

void machine_power_off() { watchdog_reset(true); }
void machine_reset() { watchdog_reset(false); }
