// What the portable kernel asks of the board it runs on.
#pragma once
#include <stdint.h>

#include "kernel/mm/phys.h"

const char* board_name();
// Brings up the interrupt controller's shared part (boot CPU, once).
void board_init_irq();
// RAM according to the firmware, for when the device tree has none (false if unknown).
bool board_fallback_memory(PhysRange* out);
// Where CPU `cpu` polls for its start address when the device tree does not say.
uint64_t board_default_release_addr(unsigned cpu);
// Firmware's board revision code, 0 if unknown.
uint32_t board_revision();
