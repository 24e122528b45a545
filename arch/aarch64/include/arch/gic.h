// GIC-400 (GICv2): the distributor once, a CPU interface per CPU.
#pragma once
#include <stdint.h>

namespace arch {
void gic_init(uint64_t gicd_phys, uint64_t gicc_phys);  // boot CPU, before any other CPU
void gic_init_cpu();                                    // every CPU, itself
void gic_send_sgi(unsigned cpu, unsigned sgi);
// Acknowledges and dispatches every pending interrupt (the IRQ exception path).
void gic_handle_irqs();
}  // namespace arch
