// Entering and leaving EL0. A thread that runs user code calls arch_user_run
// with the registers it starts with; from then on it lives in exception
// entries from EL0 (user_trap in arch/aarch64/trap/user_trap.cpp). When the
// thread is done with user mode (exit, a fatal signal), code running on its
// behalf in the kernel calls arch_user_run_exit, and arch_user_run returns
// that value to its caller with the stack as it was at the call.
#pragma once
#include <arch/context.h>
#include <arch/trap_frame.h>
#include <stdint.h>

namespace arch {

// What arch_user_run needs to come back: callee-saved registers and SP.
struct UserRunCtx {
  uint64_t x19_to_x30[12];
  uint64_t sp;
};

// Registers for a fresh entry at `pc` with user stack `sp`: all zero, EL0t
// with interrupts unmasked.
inline void user_frame_init(TrapFrame* f, uint64_t pc, uint64_t sp) {
  *f = TrapFrame{};
  f->elr = pc;
  f->sp = sp;
  f->spsr = 0;
}

// The syscall view of a frame (Linux arm64: number in x8, arguments x0-x5, result in x0).
inline uint64_t user_syscall_nr(const TrapFrame* f) { return f->x[8]; }
inline uint64_t user_syscall_arg(const TrapFrame* f, unsigned i) { return f->x[i]; }
inline void user_set_return(TrapFrame* f, int64_t v) { f->x[0] = static_cast<uint64_t>(v); }
inline uint64_t user_pc(const TrapFrame* f) { return f->elr; }
inline uint64_t user_sp(const TrapFrame* f) { return f->sp; }

// The user thread pointer (TPIDR_EL0) of the running thread; the context
// switch keeps it per thread.
inline uint64_t user_tls() {
  uint64_t v;
  asm volatile("mrs %0, tpidr_el0" : "=r"(v));
  return v;
}
inline void set_user_tls(uint64_t v) { asm volatile("msr tpidr_el0, %0" ::"r"(v) : "memory"); }

// The running thread's FP/SIMD state, for a fork child: the registers when FP
// is on on this CPU (they then hold the thread's live state), else `saved`,
// where the scheduler keeps it while FP is off.
void user_fp_snapshot(FpState* out, const FpState* saved);
// Clears the running thread's FP/SIMD state (exec): the registers if they hold
// it, and *saved.
void user_fp_reset(FpState* saved);
// Makes *in the running thread's FP/SIMD state (rt_sigreturn): the registers
// when FP is on on this CPU, else *saved, which the scheduler loads later.
void user_fp_load(const FpState* in, FpState* saved);

}  // namespace arch

extern "C" {
// Runs `initial` at EL0 on this thread until arch_user_run_exit(ctx, v); returns v.
// The frame is copied below the caller's stack, where later exception entries
// from EL0 will build theirs; *ctx must stay alive (it lives in the caller's frame).
// Like every return to EL0 it calls user_return_prepare() (kernel/syscall/
// user_hooks.h) with IRQs masked right before the eret, so the thread's space
// is the one loaded on the CPU it enters EL0 on.
int64_t arch_user_run(const TrapFrame* initial, arch::UserRunCtx* ctx);
// Abandons the kernel path that called it (no destructors run: hold no locks)
// and returns `value` from the thread's arch_user_run. IRQ masking is as at the call.
[[noreturn]] void arch_user_run_exit(arch::UserRunCtx* ctx, int64_t value);
}
