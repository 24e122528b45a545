// Critical sections in the DragonFly sense: the running thread is not preempted
// (interrupts are still taken; a reschedule they ask for waits for crit_exit()).
#pragma once
#include "kernel/cpu/percpu.h"

// Runs the preemption the section deferred. The scheduler defines it
// (kernel/sched/sched.cpp): the one call from kernel/sync up into kernel/sched,
// which sits above it (docs/architecture.md, "Layers").
void crit_exit_slow(Cpu& cpu);

inline void crit_enter() {
  ++this_cpu().crit_depth;
  arch::compiler_barrier();
}

inline void crit_exit() {
  arch::compiler_barrier();
  Cpu& cpu = this_cpu();
  if (--cpu.crit_depth == 0 && cpu.resched_pending) crit_exit_slow(cpu);
}

inline bool in_crit() { return this_cpu().crit_depth > 0; }
