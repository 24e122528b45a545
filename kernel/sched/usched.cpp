// The policy hooks behind usched_tine (kernel/sched/usched.h).
#include "kernel/sched/usched.h"

#include <arch/cpu.h>

#include "kernel/cpu/percpu.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sched_internal.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"

cpumask_t usched_mastermask = kCpumaskAll;

namespace {

unsigned g_fork_rotor;  // atomic

uint16_t clamp_estcpu(unsigned v) { return static_cast<uint16_t>(v > kEstcpuMax ? kEstcpuMax : v); }

void tine_resetpriority(Thread* td) {
  uint8_t prio =
      (td->flags & kThreadTimeshare) ? usched_timeshare_prio(td->nice, td->estcpu) : td->base_prio;
  if (prio == td->prio) return;
  // A thread not started yet (the fork path's, whose creator alone calls this
  // for it, just before setrunqueue): no run queue holds it, so a store does.
  if (td->state == ThreadState::kEmbryo)
    __atomic_store_n(&td->prio, prio, __ATOMIC_RELAXED);
  else
    sched_set_prio(td, prio);
}

void tine_setrunqueue(Thread* td) { sched_make_runnable(td); }

void tine_heuristic_forking(Thread* parent, Thread* child) {
  // A child starts with some of its parent's CPU use, so a process forking in a
  // loop cannot get fresh priority for every child.
  child->estcpu = clamp_estcpu(parent->estcpu / 2 + kEstcpuPerTick);
  cpumask_t allowed = child->affinity & usched_mastermask & sched_online_mask();
  if (!allowed) return;
  // A vfork child's parent sleeps until it execs or exits. A parent that reaps
  // its children (a new process, not a thread) with blocking waits (a shell, a fork-and-wait loop) will most
  // likely sleep again soon: its child starts on the parent's CPU, warm and
  // without a wake-up IPI, if nothing else waits there (one such child at a
  // time: the next spreads, and the balancer moves this one if the parent
  // keeps running).
  bool parent_leaves = (child->flags & kThreadVforkChild) ||
                       ((child->flags & kThreadForkChild) && parent->waits_for_children &&
                        __atomic_load_n(&g_rq[parent->cpu].nr_queued, __ATOMIC_RELAXED) == 0);
  if (parent_leaves && cpumask_test(allowed, parent->cpu)) {
    child->cpu = parent->cpu;
    child->place_on_cpu = true;
    return;
  }
  // Spread: the least loaded allowed CPU, starting the search at a rotor so
  // equally loaded CPUs take turns.
  unsigned start = __atomic_fetch_add(&g_fork_rotor, 1, __ATOMIC_RELAXED);
  unsigned best = arch::kMaxCpus, best_load = ~0u;
  for (unsigned i = 0; i < arch::kMaxCpus; ++i) {
    unsigned c = (start + i) % arch::kMaxCpus;
    if (!cpumask_test(allowed, c)) continue;
    const RunQueue& rq = g_rq[c];
    unsigned l = __atomic_load_n(&rq.nr_queued, __ATOMIC_RELAXED) +
                 (__atomic_load_n(&rq.cur_prio, __ATOMIC_RELAXED) != kPrioIdle ? 1 : 0);
    if (l < best_load) best = c, best_load = l;
  }
  if (best < arch::kMaxCpus) {
    child->cpu = best;
    child->place_on_cpu = true;
  }
}

void tine_heuristic_exiting(Thread* parent, Thread* child) {
  parent->estcpu = clamp_estcpu(parent->estcpu + child->estcpu / 4);
}

void tine_schedulerclock(Thread* td, uint64_t, uint64_t) {
  if (!(td->flags & kThreadTimeshare)) return;
  td->estcpu = clamp_estcpu(td->estcpu + kEstcpuPerTick);
  // The run-queue lock is held: set the level directly (td is running, not queued).
  td->prio = usched_timeshare_prio(td->nice, td->estcpu);
}

void tine_yield(Thread*) { sched_yield(); }

}  // namespace

uint8_t usched_timeshare_prio(int nice, uint16_t estcpu) {
  if (nice < -20) nice = -20;
  if (nice > 20) nice = 20;
  // nice spans 10 levels, recent CPU use 4 more: kPrioUserMin..kPrioUserMin+13.
  unsigned p = kPrioUserMin + static_cast<unsigned>(nice + 20) / 4 + estcpu / 64;
  return static_cast<uint8_t>(p > kPrioUserMax ? kPrioUserMax : p);
}

Usched usched_tine = {
    "tine",
    tine_resetpriority,
    tine_setrunqueue,
    tine_heuristic_forking,
    tine_heuristic_exiting,
    tine_schedulerclock,
    tine_yield,
};
