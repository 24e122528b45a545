// The BCM2711's hardware random number generator, the RNG200 (an iProc RNG200
// with the Pi's settings: BCM2711 ARM Peripherals has no chapter on it; the
// registers are those Linux's iproc-rng200 driver programs). Used only where
// the device tree describes it enabled: QEMU's raspi4b does not model it.
#include <arch/mmio.h>
#include <arch/timer.h>

#include "board/rpi4/devices.h"
#include "kernel/init/board.h"
#include "kernel/lib/string.h"

namespace rpi4 {
namespace {

constexpr uintptr_t kCtrl = 0x00;               // RNG_CTRL
constexpr uintptr_t kTotalBitCount = 0x0c;      // bits generated since enabled
constexpr uintptr_t kBitCountThreshold = 0x10;  // bits to discard after enabling
constexpr uintptr_t kFifoData = 0x20;
constexpr uintptr_t kFifoCount = 0x24;       // [7:0] words ready, [15:8] threshold
constexpr uint32_t kRbgenMask = 0x1fff;      // generator enable field
constexpr uint32_t kDivCtrl1Mhz = 3u << 13;  // sample divider
constexpr uint32_t kDiscardBits = 0x40000;   // the first numbers are "less random"
constexpr uint32_t kWarmBits = 16;

paddr_t g_base;  // 0: no RNG200

uintptr_t reg(uintptr_t off) { return reinterpret_cast<uintptr_t>(phys_to_virt(g_base + off)); }

// Waits at most ms milliseconds for cond; false on timeout.
template <typename Cond>
bool wait_ms(Cond cond, uint64_t ms) {
  uint64_t deadline = arch::timer_count() + arch::timer_frequency() / 1000 * ms;
  while (!cond())
    if (arch::timer_count() > deadline) return false;
  return true;
}

}  // namespace

void rng200_init(paddr_t base) {
  g_base = base;
  if (!(arch::mmio_read32(reg(kCtrl)) & kRbgenMask)) {
    arch::mmio_write32(reg(kBitCountThreshold), kDiscardBits);
    arch::mmio_write32(reg(kFifoCount), 2u << 8);
    arch::mmio_write32(reg(kCtrl), kDivCtrl1Mhz | kRbgenMask);
  }
}

size_t rng200_read(void* out, size_t len) {
  if (g_base == 0) return 0;
  // Past its warm-up, then words as the FIFO has them; a device that stays
  // silent gives nothing rather than a hang.
  if (!wait_ms([] { return arch::mmio_read32(reg(kTotalBitCount)) > kWarmBits; }, 100)) return 0;
  size_t done = 0;
  while (done + 4 <= len) {
    uint32_t ready = 0;
    if (!wait_ms([&] { return (ready = arch::mmio_read32(reg(kFifoCount)) & 0xff) != 0; }, 20))
      break;
    for (; ready && done + 4 <= len; --ready, done += 4) {
      uint32_t w = arch::mmio_read32(reg(kFifoData));
      tine_memcpy(static_cast<uint8_t*>(out) + done, &w, 4);
    }
  }
  return done;
}

}  // namespace rpi4

size_t board_hw_random(void* out, size_t len) { return rpi4::rng200_read(out, len); }
