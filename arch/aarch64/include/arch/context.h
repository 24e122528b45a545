// Thread context on AArch64: what a context switch saves, the FP/SIMD register
// file, and the register that names the running thread.
//
// A switch happens by a call (arch_context_switch), so only what AAPCS64 makes
// callee-saved needs keeping: x19-x28, the frame pointer, the link register and
// SP, plus TPIDR_EL0 (the user thread pointer, which EL0 owns). Everything else
// is either dead at the call or sits in a TrapFrame on the thread's own kernel
// stack (a thread preempted from an IRQ, at EL1 or EL0, keeps its frame there).
//
// SP_EL0 holds the running thread while at EL1 (the kernel runs on SP_EL1), so
// curthread() is one instruction and cannot be torn by a migration. Exception
// entry from EL0 saves the user SP and puts the thread pointer back
// (trap/vectors.S); exception return to EL0 restores the user SP.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace arch {

struct ArchContext {
  uint64_t x19_to_x28[10];
  uint64_t fp;  // x29
  uint64_t lr;  // x30: where the switch returns to
  uint64_t sp;
  uint64_t tpidr_el0;  // user thread pointer
};
static_assert(sizeof(ArchContext) == 14 * 8, "context/switch.S assumes this layout");

// The Advanced SIMD / FP register file: v0-v31, FPSR, FPCR.
struct alignas(16) FpState {
  uint64_t v[64];  // v0..v31, low half first
  uint64_t fpsr;
  uint64_t fpcr;
};
static_assert(sizeof(FpState) == 528 && offsetof(FpState, fpsr) == 512, "fpu layout");

}  // namespace arch

extern "C" {
// Saves the callee-saved registers into *save, loads *load, sets SP_EL0 to
// `next_thread` and returns `prev_thread` in the context that was loaded (so the
// resumed side learns which thread it was switched from).
void* arch_context_switch(arch::ArchContext* save, const arch::ArchContext* load, void* next_thread,
                          void* prev_thread);
// First code of a new thread: calls start(prev_thread, arg) with x19 = start and
// x20 = arg (set by arch::context_init); start never returns.
void arch_thread_entry();
void arch_fp_save(arch::FpState* s);
void arch_fp_restore(const arch::FpState* s);
}

namespace arch {

using ThreadStartFn = void (*)(void* prev_thread, void* arg);

// A context that, when switched to, runs start(prev, arg) on the stack ending at stack_top.
inline void context_init(ArchContext* c, uint64_t stack_top, ThreadStartFn start, void* arg) {
  *c = {};
  c->x19_to_x28[0] = reinterpret_cast<uint64_t>(start);
  c->x19_to_x28[1] = reinterpret_cast<uint64_t>(arg);
  c->lr = reinterpret_cast<uint64_t>(&arch_thread_entry);
  c->sp = stack_top;
}

inline void* current_thread_reg() {
  void* t;
  asm volatile("mrs %0, sp_el0" : "=r"(t));
  return t;
}
inline void set_current_thread_reg(void* t) { asm volatile("msr sp_el0, %0" ::"r"(t) : "memory"); }

// CPACR_EL1.FPEN: 0b11 = FP/SIMD usable at EL0 and EL1, 0b00 = both trap (ESR EC 0x07).
inline void fp_enable() {
  uint64_t v;
  asm volatile("mrs %0, cpacr_el1" : "=r"(v));
  asm volatile("msr cpacr_el1, %0\n isb" ::"r"(v | (3ull << 20)) : "memory");
}
inline void fp_disable() {
  uint64_t v;
  asm volatile("mrs %0, cpacr_el1" : "=r"(v));
  asm volatile("msr cpacr_el1, %0\n isb" ::"r"(v & ~(3ull << 20)) : "memory");
}

inline constexpr unsigned kEsrClassFpTrap = 0x07;

}  // namespace arch
