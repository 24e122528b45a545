// The Raspberry Pi 4 as the portable kernel sees it.
#include "kernel/init/board.h"

#include <arch/gic.h>

#include "board/rpi4/mailbox.h"
#include "board/rpi4/memmap.h"

const char* board_name() { return "Raspberry Pi 4 Model B (BCM2711)"; }

void board_init_irq() { arch::gic_init(rpi4::kGicd, rpi4::kGicc); }

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
