// What the portable kernel asks of the board it runs on.
#pragma once
#include <stdint.h>

#include "kernel/dt/boot_info.h"
#include "kernel/mm/phys.h"

const char* board_name();
// Finds the board's devices (through the device tree; `info` is nullptr when
// there is none) and maps their registers. Boot CPU, once, before the console.
void board_init(const BootInfo* info);
// Brings up the interrupt controller's shared part (boot CPU, once).
void board_init_irq();
// RAM according to the firmware, for when the device tree has none (false if unknown).
bool board_fallback_memory(PhysRange* out);
// Where CPU `cpu` polls for its start address when there is no device tree to say.
uint64_t board_default_release_addr(unsigned cpu);
// Firmware's board revision code, 0 if unknown.
uint32_t board_revision();
// Up to len bytes from the board's hardware random number generator: the
// number of bytes written, 0 when it has none (or it does not answer).
size_t board_hw_random(void* out, size_t len);
