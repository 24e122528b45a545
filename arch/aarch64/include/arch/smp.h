// Starting secondary CPUs, the ways a device tree can describe
// (kernel/cpu/cpu_start_plan.h decides which).
#pragma once
#include <stdint.h>

namespace arch {
// Spin table: writes the kernel's secondary entry into the CPU's release slot
// and wakes it (sev). False if the slot cannot be mapped.
[[nodiscard]] bool cpu_release(uint64_t release_addr_phys);
// PSCI CPU_ON (Arm DEN 0022) through SMC, or HVC when `hvc`, for the CPU whose
// MPIDR affinity is hwid, starting at the kernel's secondary entry. Returns
// PSCI's status: 0 SUCCESS, negative an error (-4 ALREADY_ON, -2 INVALID_PARAMETERS...).
int64_t psci_cpu_on(bool hvc, uint32_t function_id, uint64_t hwid);
// False when this kernel was entered at EL2: it then holds EL2 with no
// handler there, so an HVC would reach nothing that implements PSCI.
bool psci_hvc_usable();
}  // namespace arch
