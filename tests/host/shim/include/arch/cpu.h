// Host stand-in for <arch/cpu.h>: each test thread plays one CPU. Interrupt
// masking is a per-thread flag so the kernel's IRQ-state checks still work.
#pragma once
#include <stdint.h>
#include <atomic>
#include <thread>

namespace arch {

inline constexpr unsigned kMaxCpus = 4;

namespace host {
inline thread_local bool irqs_off = false;
inline thread_local void* cpu_local_ptr = nullptr;
}  // namespace host

inline uint64_t irq_save() {
  uint64_t was = host::irqs_off ? 1 : 0;
  host::irqs_off = true;
  return was;
}
inline void irq_restore(uint64_t was) { host::irqs_off = was != 0; }
inline void irq_enable() { host::irqs_off = false; }
inline void irq_disable() { host::irqs_off = true; }
inline bool irqs_enabled() { return !host::irqs_off; }

inline void* cpu_local() { return host::cpu_local_ptr; }
inline void set_cpu_local(void* p) { host::cpu_local_ptr = p; }

inline void wait_for_interrupt() { std::this_thread::yield(); }
inline void cpu_relax() { std::this_thread::yield(); }
inline void compiler_barrier() { std::atomic_signal_fence(std::memory_order_seq_cst); }
inline void full_barrier() { std::atomic_thread_fence(std::memory_order_seq_cst); }
inline void smp_mb() { std::atomic_thread_fence(std::memory_order_seq_cst); }

}  // namespace arch
