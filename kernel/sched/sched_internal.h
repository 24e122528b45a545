// Between the scheduler's own files (kernel/sched only).
#pragma once
#include <stdint.h>

#include "kernel/sched/runq.h"
#include "kernel/sync/spinlock.h"
#include "kernel/thread/thread.h"

inline constexpr int16_t kSliceTicks = 2;     // a turn: 20 ms at 100 Hz
inline constexpr unsigned kBalanceTicks = 1;  // a busy CPU looks for somewhere to push every tick

struct RunQueue {
  constexpr RunQueue(LockClass& cls, unsigned c) : lock(cls), cpu(c) {}

  SpinLock lock;
  PrioQueues<Thread, kPrioLevels> q;  // guarded by lock
  Thread* evicted = nullptr;          // guarded by lock: popped threads this CPU may not run
  const unsigned cpu;
  Thread* idle = nullptr;   // set once at CPU start
  uint64_t started_ns = 0;  // clock_ns() then: its idle thread's time counts from here
  // Read without the lock by placement and balancing (relaxed atomics).
  unsigned nr_queued = 0;  // q.size()
  uint8_t cur_prio = 31;   // priority of the running thread (kPrioIdle when idle)
  // Statistics, guarded by lock (resched_ipis atomic).
  uint64_t switches = 0;
  uint64_t preemptions = 0;
  uint64_t steals = 0;
  uint64_t pushes = 0;
  uint64_t resched_ipis = 0;
  uint64_t wfi_entries = 0;  // written by the CPU itself only
  // Ticks that found a thread other than idle running here: at EL0 (niced
  // above 0, or not) or in the kernel (/proc/stat's user, nice and system).
  uint64_t user_ticks = 0;
  uint64_t nice_ticks = 0;
  uint64_t sys_ticks = 0;
  unsigned balance_ticks = 0;
};
extern RunQueue g_rq[];
extern LockClass g_rq_class[];  // sched.rq0..3: one lock class per run queue

enum class SwitchReason : uint8_t { kBlock, kYield, kPreempt, kExit };

void switch_locked(RunQueue& rq, Thread* prev, SwitchReason why);
void rq_enqueue_locked(RunQueue& rq, Thread* t, bool front);
void rq_dequeue_locked(RunQueue& rq, Thread* t);
bool rq_should_preempt_locked(const RunQueue& rq, uint8_t prio);
// Reschedules a CPU (this one at its next preemption point, another by IPI).
void rq_kick(unsigned cpu);

// Balancing (balance.cpp). sched_steal: this CPU is idle, pull one thread
// (IRQs masked). sched_balance_push: from the tick, move one queued thread to
// a CPU with at least two fewer runnable threads.
bool sched_steal(unsigned me);
void sched_balance_push(unsigned me);
