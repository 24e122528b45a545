// What the console needs from the board's serial port.
#pragma once
#include <stddef.h>
#include <stdint.h>

// Brings the port up at 115200 8N1 (the clock is the board's business).
void console_hw_init();
// Writes bytes, waiting for room in the transmit FIFO.
void console_hw_write(const char* s, size_t n);
// The same, byte for byte (a terminal's output processing has made its line ends).
void console_hw_write_raw(const char* s, size_t n);
// Starts interrupt-driven receive: on_rx(c) runs in IRQ context for each byte.
void console_hw_enable_rx(void (*on_rx)(char c));
// The UART clock the divisor was computed from, in Hz (for the banner).
uint32_t console_hw_clock_hz();
