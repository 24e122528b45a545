// CPU-local primitives for AArch64: interrupt masking, the per-CPU pointer
// (TPIDR_EL1), barriers and idle. Portable code reaches the hardware only
// through headers like this one; the host build has a shim with the same names.
#pragma once
#include <stdint.h>

extern "C" uint32_t boot_entry_el;  // start.S: set once on the boot CPU

namespace arch {

inline constexpr unsigned kMaxCpus = 4;

// The exception level the loader started the kernel in (2 or 1).
inline unsigned entry_el() { return boot_entry_el; }

// Masks IRQs and returns the previous DAIF so nested sections restore correctly.
inline uint64_t irq_save() {
  uint64_t daif;
  asm volatile("mrs %0, daif\n msr daifset, #2" : "=r"(daif)::"memory");
  return daif;
}
inline void irq_restore(uint64_t daif) { asm volatile("msr daif, %0" ::"r"(daif) : "memory"); }
// Unmasks IRQs, and SError with them: exception entry masks both, and a CPU
// ready for an interrupt is ready to report an SError (the boot code unmasks it
// first; this keeps it unmasked in threads switched to from an exception).
inline void irq_enable() { asm volatile("msr daifclr, #6" ::: "memory"); }
inline void irq_disable() { asm volatile("msr daifset, #2" ::: "memory"); }
inline bool irqs_enabled() {
  uint64_t daif;
  asm volatile("mrs %0, daif" : "=r"(daif));
  return (daif & (1u << 7)) == 0;
}

// The per-CPU block of the running CPU, set once at CPU start.
inline void* cpu_local() {
  void* p;
  asm volatile("mrs %0, tpidr_el1" : "=r"(p));
  return p;
}
inline void set_cpu_local(void* p) { asm volatile("msr tpidr_el1, %0" ::"r"(p) : "memory"); }

// Index of this core from MPIDR_EL1.Aff0 (the BCM2711 numbers cores 0..3 there).
inline unsigned hw_cpu_index() {
  uint64_t mpidr;
  asm volatile("mrs %0, mpidr_el1" : "=r"(mpidr));
  return static_cast<unsigned>(mpidr & 0xff);
}
inline uint64_t mpidr() {
  uint64_t v;
  asm volatile("mrs %0, mpidr_el1" : "=r"(v));
  return v;
}

// The core's identification: implementer, variant, architecture, part, revision.
inline uint64_t midr() {
  uint64_t v;
  asm volatile("mrs %0, midr_el1" : "=r"(v));
  return v;
}

inline void wait_for_interrupt() { asm volatile("dsb sy\n wfi" ::: "memory"); }
inline void cpu_relax() { asm volatile("yield" ::: "memory"); }
inline void compiler_barrier() { asm volatile("" ::: "memory"); }
inline void full_barrier() { asm volatile("dsb sy" ::: "memory"); }
inline void smp_mb() { asm volatile("dmb ish" ::: "memory"); }

}  // namespace arch
