// Per-CPU data: one Cpu block per core, reached through arch::cpu_local()
// (TPIDR_EL1 on the kernel, a thread-local on the host).
#pragma once
#include <stdint.h>
#include <arch/cpu.h>

struct Thread;

struct Cpu {
  unsigned id = 0;
  uint64_t mpidr = 0;
  bool online = false;
  int crit_depth = 0;          // crit_enter() nesting: no preemption while > 0
  bool resched_pending = false; // preemption asked for inside a critical section
  // Lock-order checker (debug): ranks of the spinlocks this CPU holds, innermost last.
  static constexpr int kMaxHeldLocks = 16;
  uint32_t held_ranks[kMaxHeldLocks] = {};
  int held_count = 0;
  // Counters.
  uint64_t irqs = 0;
  uint64_t ticks = 0;
  uint64_t ipis_received = 0;
  Thread* current = nullptr;
};

extern Cpu g_cpus[arch::kMaxCpus];

inline Cpu& this_cpu() { return *static_cast<Cpu*>(arch::cpu_local()); }
inline unsigned cpu_index() { return this_cpu().id; }

// Makes g_cpus[id] the running CPU's block (each CPU once at start; each test thread on the host).
void cpu_bind(unsigned id);
unsigned cpus_online();
