// The Raspberry Pi 4 as the portable kernel sees it.
#include "kernel/init/board.h"

#include <arch/gic.h>
#include <arch/linear_map.h>

#include "board/rpi4/devices.h"
#include "board/rpi4/mailbox.h"
#include "kernel/console/kprintf.h"
#include "kernel/panic.h"

namespace rpi4 {
namespace {
Devices g_devices;  // set once by board_init
}  // namespace
const Devices& devices() { return g_devices; }
}  // namespace rpi4

const char* board_name() { return "Raspberry Pi 4 Model B (BCM2711)"; }

void board_init(const BootInfo* info) {
  rpi4::Devices& d = rpi4::g_devices;
  if (!rpi4::locate_devices(info, &d) && info != nullptr)
    kprintf("board: /soc ranges do not place the peripherals; assuming low-peripheral mode\n");
  const struct {
    paddr_t base;
    uint64_t size;
  } blocks[] = {{d.mailbox, kPageSize}, {d.pm, kPageSize},   {d.gpio, kPageSize},
                {d.pl011, kPageSize},   {d.gicd, kPageSize}, {d.gicc, rpi4::kGiccSize}};
  for (const auto& b : blocks)
    if (!arch::linear_map_device(b.base, b.size)) panic("board: cannot map device %#lx", b.base);
  paddr_t rng;
  if (info && info->has_rng200 && boot_soc_to_phys(*info, info->rng200_bus, &rng) &&
      arch::linear_map_device(rng, kPageSize))
    rpi4::rng200_init(rng);
}

void board_init_irq() { arch::gic_init(rpi4::devices().gicd, rpi4::devices().gicc); }

bool board_fallback_memory(PhysRange* out) {
  uint32_t base = 0, size = 0;
  if (!rpi4::mailbox_arm_memory(&base, &size) || size == 0) return false;
  *out = {base, size};
  return true;
}

uint64_t board_default_release_addr(unsigned cpu) {
  return cpu < 4 ? rpi4::kSpinTableDefault[cpu] : 0;
}

uint32_t board_revision() {
  uint32_t rev = 0;
  return rpi4::mailbox_board_revision(&rev) ? rev : 0;
}
