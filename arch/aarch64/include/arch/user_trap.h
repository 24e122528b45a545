// The EL0 side of exception handling, called from trap_dispatch (trap.cpp).
#pragma once
#include <arch/trap_frame.h>

extern "C" {
// A synchronous exception from EL0 (but an FP/SIMD access trap): a system
// call, a page fault, or something that ends the process.
void user_trap(TrapFrame* frame);
// After an IRQ taken at EL0, on the way back there (IRQs masked).
void user_irq_return(TrapFrame* frame);
// An EL1 synchronous exception: true if it was a fault of a user-access
// routine (copyin/copyout), now resolved or turned into its -EFAULT return.
bool user_access_fault(TrapFrame* frame);
}
