// The scheduler interface in the shape the fork path (the seed's kern_fork.c)
// calls it: p->p_usched->resetpriority(lp), setrunqueue(lp),
// heuristic_forking(origlp, lp), `lp->lwp_cpumask &= usched_mastermask`.
// tine's LWPs will each own a Thread (lwp_thread); these take the Thread.
//
//   resetpriority(td)      recompute td's priority from its nice value and recent
//                          CPU use (timeshare threads); fixed-priority threads
//                          go back to their base priority. Requeues if queued.
//   setrunqueue(td)        make an embryo (or a thread switched out without being
//                          queued) runnable: placement, preemption, IPI.
//   heuristic_forking(parent, child)
//                          before the child first runs: it inherits part of the
//                          parent's CPU use, and is placed on a CPU of its mask:
//                          a vfork child (kThreadVforkChild) on its parent's CPU
//                          (the parent sleeps until it execs or exits), and so
//                          a new process (kThreadForkChild) whose parent reaps
//                          with blocking waits (Thread::waits_for_children,
//                          cleared by exec) when nothing else is
//                          queued there; others spread over the CPUs (least
//                          loaded, a rotor breaks ties).
//   heuristic_exiting(parent, child)
//                          a child exits: the parent is charged part of its CPU use.
//   schedulerclock(td, period_ns, now_ns)
//                          per tick, for the running thread (run-queue lock held).
//   yield(td)              td (running) lets equally urgent threads go first.
#pragma once
#include <stdint.h>

#include "kernel/sched/cpumask.h"

struct Thread;

struct Usched {
  const char* name;
  void (*resetpriority)(Thread* td);
  void (*setrunqueue)(Thread* td);
  void (*heuristic_forking)(Thread* parent, Thread* child);
  void (*heuristic_exiting)(Thread* parent, Thread* child);
  void (*schedulerclock)(Thread* td, uint64_t period_ns, uint64_t now_ns);
  void (*yield)(Thread* td);
};

extern Usched usched_tine;

// CPUs user threads may be scheduled on (all online CPUs once SMP is up).
extern cpumask_t usched_mastermask;

// Timeshare priority bounds and the scale of estcpu (DragonFly bsd4 in spirit).
inline constexpr uint16_t kEstcpuMax = 255;
inline constexpr uint16_t kEstcpuPerTick = 8;
// Priority a timeshare thread gets for a given nice and estcpu.
uint8_t usched_timeshare_prio(int nice, uint16_t estcpu);
