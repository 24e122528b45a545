// Starting secondary CPUs: the spin-table method (the Pi 4 has no PSCI).
#pragma once
#include <stdint.h>

namespace arch {
// Writes the kernel's secondary entry into the CPU's release slot and wakes it (sev).
void cpu_release(uint64_t release_addr_phys);
}  // namespace arch
