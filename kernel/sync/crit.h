// Critical sections in the DragonFly sense: the running thread is not preempted
// (interrupts are still taken; a reschedule they ask for waits for crit_exit()).
#pragma once
#include "kernel/cpu/percpu.h"

void crit_exit_slow(Cpu& cpu);  // runs the preemption deferred by the section

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
