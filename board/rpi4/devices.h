// Where the BCM2711's devices are. The device tree gives their addresses as
// the SoC's bus sees them (BCM2711 ARM Peripherals 1.2: the "legacy master"
// view, 0x7Exxxxxx), and /soc's ranges say where the CPU finds that bus: from
// 0xFC000000 in the default low-peripheral mode, from 0x4_7C000000 with
// arm_peri_high=1 in config.txt. So the addresses are looked up, not assumed.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/dt/boot_info.h"
#include "kernel/mm/phys.h"

namespace rpi4 {

// Bus addresses (the Pi 4 device tree's reg values).
inline constexpr uint64_t kBusMailbox = 0x7e00b880;  // VideoCore mailbox 0
inline constexpr uint64_t kBusPm = 0x7e100000;       // power management, watchdog
inline constexpr uint64_t kBusGpio = 0x7e200000;     // function select, pulls
inline constexpr uint64_t kBusPl011 = 0x7e201000;    // UART0
inline constexpr uint64_t kBusGicd = 0x40041000;     // GIC-400 distributor
inline constexpr uint64_t kBusGicc = 0x40042000;     // GIC-400 CPU interface

inline constexpr unsigned kIntidPl011 = 96 + 57;  // VC SPI 57
// Spin-table slots the firmware's stub (and QEMU's) polls: used only when the
// kernel was given no device tree at all.
inline constexpr uint64_t kSpinTableDefault[4] = {0xd8, 0xe0, 0xe8, 0xf0};

struct Devices {
  paddr_t mailbox, pm, gpio, pl011, gicd, gicc;
};

// The register blocks' sizes, for mapping them.
inline constexpr uint64_t kGiccSize = 0x2000;  // every other block fits in a page

// The CPU's view of the devices, through info's /soc ranges. Without a tree
// (nullptr), without /soc, or with ranges that miss a device, the Pi 4's own
// low-peripheral ranges are used and the result is false.
bool locate_devices(const BootInfo* info, Devices* out);

// The RNG200 at base (mapped), enabled if the firmware has not (board_init,
// when the tree describes it); reads as much of len as it has words for.
void rng200_init(paddr_t base);
size_t rng200_read(void* out, size_t len);

// Filled by board_init (kernel/init/board.h).
const Devices& devices();

}  // namespace rpi4
