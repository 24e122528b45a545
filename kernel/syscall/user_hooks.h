// What the architecture's EL0 exception path (arch/aarch64/trap/user_trap.cpp)
// asks of the portable kernel besides system calls and page faults. The process
// layer implements them (kernel/proc/lwp.cpp and signal.cpp).
#pragma once
#include <stdint.h>

// Ends the running process as if killed by signal `sig`, after saying why on
// the console. Does not return.
[[noreturn]] void user_fatal_signal(int sig, const char* why, uint64_t addr, uint64_t pc);

// Last step before a thread returns to EL0 (IRQs masked): makes sure its
// address space is the loaded one, and ends it if it was asked to die.
void user_return_prepare();

struct TrapFrame;
// Before that, with IRQs on: a pending signal the thread does not block ends
// the process or runs its handler (the frame is changed to enter it).
// Also in kernel/proc/proc.h: this header is the EL0 path's whole view of the kernel.
// NOLINTNEXTLINE(readability-redundant-declaration)
void signal_deliver(TrapFrame* f);
