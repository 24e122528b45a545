// PL011 UART0 as the console (ARM PrimeCell UART TRM, DDI 0183). The baud
// divisor comes from the UART clock the firmware reports: 48 MHz on a Pi 4,
// 3 MHz on QEMU. Receive is interrupt driven.
#include <arch/mmio.h>
#include <arch/timer.h>

#include "board/rpi4/devices.h"
#include "board/rpi4/mailbox.h"
#include "kernel/console/console_hw.h"
#include "kernel/irq/irq.h"
#include "kernel/mm/phys.h"

namespace {

constexpr uintptr_t kDr = 0x00, kFr = 0x18, kIbrd = 0x24, kFbrd = 0x28, kLcrh = 0x2c, kCr = 0x30,
                    kImsc = 0x38, kMis = 0x40, kIcr = 0x44;
constexpr uint32_t kFrTxff = 1 << 5, kFrRxfe = 1 << 4, kFrBusy = 1 << 3;
constexpr uint32_t kLcrhFen = 1 << 4;
constexpr uint32_t kLcrh8n1Fifo = (3 << 5) | kLcrhFen;
constexpr uint32_t kCrUarten = 1 << 0, kCrTxe = 1 << 8;
constexpr uint32_t kCrEnable = kCrUarten | kCrTxe | (1 << 9);  // UARTEN, TXE, RXE
// Long enough for a full 32-byte FIFO at 9600 baud (the slowest rate a loader
// before us plausibly left), short enough not to matter when the line is stuck.
constexpr uint64_t kDrainTimeoutMs = 50;
constexpr uint32_t kIntRx = 1 << 4, kIntRxTimeout = 1 << 6;
constexpr uint32_t kBaud = 115200;
constexpr uint32_t kFallbackClock = 48000000;  // the Pi 4 firmware's default

uint32_t g_clock_hz;
void (*g_on_rx)(char);

uintptr_t reg(uintptr_t off) {
  return reinterpret_cast<uintptr_t>(phys_to_virt(rpi4::devices().pl011 + off));
}

uintptr_t gpio(uintptr_t off) {
  return reinterpret_cast<uintptr_t>(phys_to_virt(rpi4::devices().gpio + off));
}

// Sets GPIO `pin`'s function (3 bits per pin, ten pins per GPFSELn register).
void gpio_function(unsigned pin, uint32_t function) {
  uintptr_t r = gpio(4 * (pin / 10));
  unsigned shift = 3 * (pin % 10);
  arch::mmio_write32(r, (arch::mmio_read32(r) & ~(7u << shift)) | (function << shift));
}

// Route UART0 to header pins 8/10 (GPIO14 TXD0, GPIO15 RXD0: function ALT0), RXD
// pulled up so an unconnected line idles high. The firmware's default puts the
// mini UART there. BCM2711 ARM Peripherals, 5.2: GPFSELn and GPIO_PUP_PDN_CNTRL_REG0.
// On a Pi 4 the firmware also routes UART0 to the Bluetooth chip on GPIO30-33
// (ALT3); with GPIO15 on ALT0 as well, RXD0 would have two sources. GPIO32/33
// (TXD0/RXD0 there) become plain inputs, as Circle's serial driver does
// (lib/serial.cpp); CTS/RTS on GPIO30/31 do nothing while flow control is off.
void route_pins() {
  constexpr uintptr_t kPupPdn0 = 0xe4;
  constexpr uint32_t kInput = 0, kAlt0 = 4, kPullNone = 0, kPullUp = 1;
  gpio_function(32, kInput);
  gpio_function(33, kInput);
  gpio_function(14, kAlt0);
  gpio_function(15, kAlt0);
  uint32_t pull = arch::mmio_read32(gpio(kPupPdn0));
  pull &= ~((3u << 28) | (3u << 30));
  pull |= (kPullNone << 28) | (kPullUp << 30);
  arch::mmio_write32(gpio(kPupPdn0), pull);
}

// Takes the UART from whoever ran it before (U-Boot prints "Starting kernel ..."
// a moment before jumping here). FR.BUSY stays set while the transmit FIFO holds
// bytes, and a disabled UART never empties it (TRM 3.3.3), so the wait for the
// last byte happens with the UART still on, as Linux's pl011 driver does, and
// is bounded in case the line is held (flow control) or the clock is off. Then
// the TRM's order for reprogramming (3.3.8): disable, flush the transmit FIFO
// by clearing LCRH.FEN, program, enable.
void take_over() {
  uint32_t cr = arch::mmio_read32(reg(kCr));
  if ((cr & (kCrUarten | kCrTxe)) == (kCrUarten | kCrTxe)) {
    uint64_t deadline = arch::timer_count() + arch::timer_frequency() * kDrainTimeoutMs / 1000;
    while ((arch::mmio_read32(reg(kFr)) & kFrBusy) && arch::timer_count() < deadline) {
    }
  }
  arch::mmio_write32(reg(kCr), 0);
  arch::mmio_write32(reg(kLcrh), arch::mmio_read32(reg(kLcrh)) & ~kLcrhFen);
}

// Clears the interrupt first, then drains the FIFO. The other order loses
// input: a byte arriving between the last look at RXFE and the clear has its
// interrupt cleared with it, and QEMU raises the receive interrupt only as the
// FIFO goes from empty to one byte, so nothing would be read again (the FIFO
// fills and input stops).
void pl011_irq(unsigned, void*) {
  arch::mmio_write32(reg(kIcr), kIntRx | kIntRxTimeout);
  while (!(arch::mmio_read32(reg(kFr)) & kFrRxfe)) {
    char c = static_cast<char>(arch::mmio_read32(reg(kDr)) & 0xff);
    if (g_on_rx) g_on_rx(c);
  }
}

}  // namespace

void console_hw_init() {
  if (!rpi4::mailbox_clock_rate(rpi4::kClockUart, &g_clock_hz)) g_clock_hz = kFallbackClock;
  take_over();
  route_pins();
  arch::mmio_write32(reg(kIcr), 0x7ff);
  // Divisor in 1/64ths: clock / (16 * baud), rounded.
  uint32_t div64 = static_cast<uint32_t>((uint64_t{g_clock_hz} * 4 + kBaud / 2) / kBaud);
  arch::mmio_write32(reg(kIbrd), div64 >> 6);
  arch::mmio_write32(reg(kFbrd), div64 & 63);
  arch::mmio_write32(reg(kLcrh), kLcrh8n1Fifo);
  arch::mmio_write32(reg(kImsc), 0);
  arch::mmio_write32(reg(kCr), kCrEnable);
}

void console_hw_write(const char* s, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (s[i] == '\n') {
      while (arch::mmio_read32(reg(kFr)) & kFrTxff) {
      }
      arch::mmio_write32(reg(kDr), '\r');
    }
    while (arch::mmio_read32(reg(kFr)) & kFrTxff) {
    }
    arch::mmio_write32(reg(kDr), static_cast<uint8_t>(s[i]));
  }
}

void console_hw_write_raw(const char* s, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    while (arch::mmio_read32(reg(kFr)) & kFrTxff) {
    }
    arch::mmio_write32(reg(kDr), static_cast<uint8_t>(s[i]));
  }
}

void console_hw_enable_rx(void (*on_rx)(char)) {
  g_on_rx = on_rx;
  irq_register(rpi4::kIntidPl011, pl011_irq, nullptr);
  irq_enable_line(rpi4::kIntidPl011, 0);
  arch::mmio_write32(reg(kImsc), kIntRx | kIntRxTimeout);
}

uint32_t console_hw_clock_hz() { return g_clock_hz; }
