// Interrupt lines: handlers by INTID, dispatched from the architecture's IRQ entry.
#pragma once

using IrqHandler = void (*)(unsigned intid, void* arg);

void irq_register(unsigned intid, IrqHandler fn, void* arg);
// Unmasks the line at the interrupt controller and routes it (SPIs) to `cpu`.
void irq_enable_line(unsigned intid, unsigned cpu);
// Runs the handler for one acknowledged interrupt (called by the arch IRQ entry).
void irq_dispatch(unsigned intid);
// Interrupts taken per INTID, for tests and the console.
unsigned long irq_count(unsigned intid);
