// Per-CPU data: one Cpu block per core, reached through arch::cpu_local()
// (TPIDR_EL1 on the kernel, a thread-local on the host).
//
// With preemption and migration, a reference from this_cpu() is only good while
// the running thread cannot move: with IRQs masked (a spinlock held) or inside
// crit_enter()/crit_exit(). Code that runs with neither must re-read it.
#pragma once
#include <arch/cpu.h>
#include <stdint.h>

struct Thread;

// crit_enter()'s nesting count. It belongs to the thread running on the CPU (the
// scheduler saves and restores it across switches). `++this_cpu().crit_depth`
// reads TPIDR_EL1 and then increments: an IRQ between the two could preempt the
// thread and migrate it, and the increment would land on the old CPU. So the
// increment re-reads the CPU block with IRQs masked and counts there; once the
// count is non-zero the thread cannot be preempted, and the other operations
// may use the block they were given.
struct CritDepth {
  int n = 0;
  CritDepth& operator++();
  int operator--() { return --n; }
  operator int() const { return n; }
  CritDepth& operator=(int v) {
    n = v;
    return *this;
  }
};

struct Cpu {
  unsigned id = 0;
  uint64_t mpidr = 0;
  bool online = false;
  CritDepth crit_depth;          // crit_enter() nesting: no preemption while > 0
  bool resched_pending = false;  // a reschedule is wanted at the next preemption point
  // Lock-order checker (debug): ranks of the spinlocks this CPU holds, innermost last.
  static constexpr int kMaxHeldLocks = 16;
  uint32_t held_ranks[kMaxHeldLocks] = {};
  int held_count = 0;
  // Counters.
  uint64_t irqs = 0;
  uint64_t ticks = 0;
  uint64_t ipis_received = 0;
  Thread* current = nullptr;  // the thread running here (written by the scheduler only)
  // The spinlock word this CPU waits for in WFI, or nullptr (kernel/sync/spinlock.cpp).
  const void* parked_on = nullptr;
  // Interrupt handlers running (their priority keeps IPIs from signalling).
  int irq_nesting = 0;
  // The interrupt being handled came from EL0: its tick is user time.
  bool irq_from_user = false;
  uint64_t midr = 0;  // MIDR_EL1: implementer, variant, part, revision (/proc/cpuinfo)
};

extern Cpu g_cpus[arch::kMaxCpus];

// Marks a CPU online or offline (its own Cpu::online and the set of all).
void cpu_set_online(unsigned id, bool online);
// Bit n set: CPU n is online.
uint32_t cpus_online_bits();

inline Cpu& this_cpu() { return *static_cast<Cpu*>(arch::cpu_local()); }
inline unsigned cpu_index() { return this_cpu().id; }

inline CritDepth& CritDepth::operator++() {
  uint64_t irq = arch::irq_save();
  ++this_cpu().crit_depth.n;
  arch::irq_restore(irq);
  return *this;
}

// Makes g_cpus[id] the running CPU's block (each CPU once at start; each test thread on the host).
void cpu_bind(unsigned id);
unsigned cpus_online();
