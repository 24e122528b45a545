// BCM2711 physical addresses (low-peripheral mode) and interrupt numbers.
// Sources: BCM2711 ARM Peripherals (2020), the Pi 4 device tree, QEMU's bcm2838.
#pragma once
#include <stdint.h>

namespace rpi4 {
inline constexpr uint64_t kPeriphBase = 0xFE000000;
inline constexpr uint64_t kMailbox = kPeriphBase + 0x00B880;  // VideoCore mailbox 0
inline constexpr uint64_t kPm = kPeriphBase + 0x100000;       // power management / watchdog
inline constexpr uint64_t kGpio = kPeriphBase + 0x200000;     // GPIO function select, pulls
inline constexpr uint64_t kPl011 = kPeriphBase + 0x201000;    // UART0
inline constexpr uint64_t kGicd = 0xFF841000;                 // GIC-400 distributor
inline constexpr uint64_t kGicc = 0xFF842000;                 // GIC-400 CPU interface

inline constexpr unsigned kIntidPl011 = 96 + 57;  // VC SPI 57
// Spin-table slots QEMU and the Pi firmware stub poll, when the DTB has none.
inline constexpr uint64_t kSpinTableDefault[4] = {0xd8, 0xe0, 0xe8, 0xf0};
}  // namespace rpi4
