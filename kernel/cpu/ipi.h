// Inter-processor interrupts (SGIs on the GIC).
#pragma once

enum class Ipi : unsigned {
  kResched = 0,  // run the scheduler on return from the interrupt
  kCall = 1,     // run the queued cross-CPU calls (smp_call_on)
  kStop = 2,     // stop for good (panic)
  kKick = 3,     // leave wfi and look for work
};
inline constexpr unsigned kIpiCount = 4;

void ipi_send(unsigned cpu, Ipi ipi);
// Called by the IRQ entry for an IPI from `from`.
void ipi_handle(Ipi ipi, unsigned from);
// IPIs received on a CPU, by kind, and sent from one CPU to another (for tests).
unsigned long ipi_received(unsigned cpu, Ipi ipi);
unsigned long ipi_pair_count(unsigned from, unsigned to);
