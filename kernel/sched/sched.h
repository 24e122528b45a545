// The scheduler: one run queue per CPU, each with its own lock, priority levels
// with a bitmap, round-robin time slices from the tick, preemption when a more
// urgent thread becomes runnable (locally, or by IPI), idle CPUs in WFI with
// their tick stopped, and load balancing that respects affinity (idle CPUs
// steal, busy CPUs push). There is no global scheduler lock. docs/scheduler.md
// describes the policy, docs/locking.md the lock order.
//
// The seed-shaped interface the fork path uses (resetpriority, setrunqueue,
// heuristic_forking, ...) is in kernel/sched/usched.h; threads are created and
// joined through kernel/thread/thread.h; blocking is kernel/sched/sleepq.h,
// with the sleep locks on it (mutex.h, lockmgr.h).
#pragma once
#include <stdint.h>

#include "kernel/sched/cpumask.h"

struct Thread;

// Boot CPU, after the allocators: run queues, the kernel stack area, the tick hook.
void sched_init();
// Every CPU, in its boot context, before enabling IRQs: that context becomes
// the CPU's idle thread.
void sched_init_cpu(unsigned cpu);
// Every CPU ends its boot here, as its idle thread.
[[noreturn]] void sched_idle_loop();
// After all CPUs are online: starts the per-CPU service threads (the workers
// behind smp_run_on_all, defined with it in kernel/cpu/smp.cpp).
void sched_start_services();
void smp_start_workers();

// Preemption points. sched_irq_exit: on the way out of an interrupt.
// sched_preempt_point: anywhere a thread may switch (no spinlock held, IRQs
// on, not in a critical section); a no-op unless a reschedule is pending.
void sched_irq_exit();
void sched_preempt_point();

// The tick found `cur` (not an idle thread) running, at EL0 if `user`, and
// has charged it the tick; its run-queue lock is released, IRQs are masked.
// A user process's CPU-time timers and RLIMIT_CPU (kernel/proc/itimer.cpp).
void proc_cpu_tick(Thread* cur, bool user);

// The FP/SIMD access trap (ESR EC 0x07) of the running thread.
void sched_fp_trap();
// How FP/SIMD state moves at a switch (measured by the ctxsw_fp benches):
//  kFpEager: the incoming thread's state is loaded during the switch, unless
//            this CPU's registers still hold it;
//  kFpLazy:  the switch only turns FP off; the first FP instruction traps and
//            loads it (again skipped when the registers still hold it).
// Either way the outgoing thread's live state is saved at the switch.
enum class FpPolicy : uint8_t { kEager, kLazy };
void sched_set_fp_policy(FpPolicy p);
FpPolicy sched_fp_policy();

// Makes t (not running, on no queue) runnable on a CPU the placement picks:
// its last CPU if that is idle or less busy than the rest, else an idle CPU
// in its affinity, else the least loaded. Preempts there if t is more urgent.
void sched_make_runnable(Thread* t);
// Sleep support (kernel/sched/sleepq.cpp). With IRQs masked and the running
// thread's state set to kSleeping under its sleep-queue lock:
//   sched_lock_self(); <drop the sleep-queue lock>; sched_switch_away();
// sched_switch_away returns once the thread has been woken and runs again.
void sched_lock_self();
void sched_switch_away();
// A sleeping thread's context may still be being saved by its CPU: waits until
// it is off that CPU (a few hundred instructions at most).
void sched_wait_off_cpu(Thread* t);

// For kernel/thread.
void sched_yield();
[[noreturn]] void sched_exit_current();
int sched_set_affinity(Thread* t, cpumask_t mask);
void sched_set_prio(Thread* t, uint8_t prio);
// A timeshare thread's nice value (-20..19) and the priority that follows.
void sched_set_nice(Thread* t, int nice);
// Entry of every new thread (arch_thread_entry calls it with the thread it
// was switched from).
[[noreturn]] void sched_thread_start(void* prev, void* self);

cpumask_t sched_online_mask();

// The per-CPU view (for the console, tests and bench).
struct SchedCpuStats {
  unsigned cpu;
  bool online;
  uint64_t current_tid;
  char current_name[24];
  unsigned queued;      // runnable threads waiting on this CPU
  unsigned nr_running;  // queued + the current one unless idle
  uint64_t switches;
  uint64_t idle_ns;      // time its idle thread ran
  uint64_t busy_ns;      // the rest of its time since it started
  uint64_t wfi_entries;  // times it went to sleep in WFI with its tick stopped
  uint64_t ticks;
  uint64_t preemptions;   // switches caused by a more urgent thread or a slice end
  uint64_t steals;        // threads this CPU pulled while idle
  uint64_t pushes;        // threads this CPU pushed to another
  uint64_t resched_ipis;  // reschedule IPIs sent to it
  // Ticks that found a thread other than idle running here, at EL0 (niced
  // above 0: nice_ticks) or in the kernel.
  uint64_t user_ticks, nice_ticks, sys_ticks;
};
SchedCpuStats sched_cpu_stats(unsigned cpu);
// A thread's run time, the slice it is running now included (read under its
// CPU's run-queue lock, where the switch and the tick account it; any
// context that holds no run-queue lock).
uint64_t sched_thread_run_ns(const Thread* t);
// Threads running or waiting to run on every CPU, idle threads aside (read
// without the run-queue locks: a moment's picture, for the load average).
unsigned sched_runnable_count();
void sched_print_cpus();
void sched_print_threads();

// Scheduler-wide counters.
struct SchedCounters {
  uint64_t switches;
  uint64_t migrations;
  uint64_t fp_saves;
  uint64_t fp_restores;
  uint64_t fp_traps;
};
SchedCounters sched_counters();
