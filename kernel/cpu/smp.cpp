// Cross-CPU calls, CPU start-up and the idle loop of CPUs without work.
#include "kernel/cpu/smp.h"

#include <arch/cpu.h>
#include <arch/gic.h>

#include "kernel/console/kprintf.h"
#include "kernel/cpu/ipi.h"
#include "kernel/cpu/percpu.h"
#include "kernel/lib/atomic.h"
#include "kernel/panic.h"
#include "kernel/sched/mutex.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sleepq.h"
#include "kernel/sync/crit.h"
#include "kernel/sync/spinlock.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"

namespace {

struct CallEntry {
  SmpFn fn;
  void* arg;
  int* done;  // set to 1 when finished, for callers that wait
};

constexpr unsigned kQueueLen = 16;
LockClass g_callq_class("smp.callq", 0);
struct CallQueue {
  SpinLock lock{g_callq_class};
  CallEntry entries[kQueueLen];
  unsigned head = 0, tail = 0;  // guarded by lock
};
CallQueue g_callq[arch::kMaxCpus];

// smp_run_on_all: one worker thread pinned to each CPU, at a high priority,
// sleeping until it is handed a call.
struct Worker {
  Thread* thread = nullptr;
  SmpFn fn = nullptr;  // set (with arg) by smp_run_on_all, cleared by the worker when done
  void* arg = nullptr;
};
Worker g_workers[arch::kMaxCpus];
Mutex g_run_all_lock("smp.run_on_all");
unsigned g_run_all_pending;  // workers still running the current call (atomic)

unsigned long g_ipi_received[arch::kMaxCpus][kIpiCount];
unsigned long g_ipi_pairs[arch::kMaxCpus][arch::kMaxCpus];

void run_call_queue(unsigned cpu) {
  CallQueue& q = g_callq[cpu];
  for (;;) {
    CallEntry e;
    {
      SpinGuard g(q.lock);
      if (q.head == q.tail) return;
      e = q.entries[q.tail % kQueueLen];
      ++q.tail;
    }
    e.fn(e.arg);
    if (e.done) __atomic_store_n(e.done, 1, __ATOMIC_RELEASE);
  }
}

[[noreturn]] void stop_this_cpu() {
  arch::irq_disable();
  cpu_set_online(this_cpu().id, false);
  for (;;) arch::wait_for_interrupt();
}

}  // namespace

void ipi_handle(Ipi ipi, unsigned from) {
  Cpu& cpu = this_cpu();
  unsigned k = static_cast<unsigned>(ipi);
  if (k < kIpiCount) __atomic_fetch_add(&g_ipi_received[cpu.id][k], 1, __ATOMIC_RELAXED);
  if (from < arch::kMaxCpus) __atomic_fetch_add(&g_ipi_pairs[from][cpu.id], 1, __ATOMIC_RELAXED);
  ++cpu.ipis_received;
  switch (ipi) {
    case Ipi::kCall: run_call_queue(cpu.id); break;
    case Ipi::kStop: stop_this_cpu();
    case Ipi::kResched: cpu.resched_pending = true; break;
    case Ipi::kKick: break;
  }
}

unsigned long ipi_received(unsigned cpu, Ipi ipi) {
  return __atomic_load_n(&g_ipi_received[cpu][static_cast<unsigned>(ipi)], __ATOMIC_RELAXED);
}
unsigned long ipi_pair_count(unsigned from, unsigned to) {
  return __atomic_load_n(&g_ipi_pairs[from][to], __ATOMIC_RELAXED);
}

void smp_call_on(unsigned cpu, SmpFn fn, void* arg, bool wait) {
  // No migration while we decide which CPU we are on and serve our own queue.
  crit_enter();
  if (cpu == this_cpu().id) {
    uint64_t irq = arch::irq_save();
    fn(arg);
    arch::irq_restore(irq);
    crit_exit();
    return;
  }
  int done = 0;
  CallQueue& q = g_callq[cpu];
  for (;;) {
    {
      SpinGuard g(q.lock);
      if (q.head - q.tail < kQueueLen) {
        q.entries[q.head % kQueueLen] = {fn, arg, wait ? &done : nullptr};
        ++q.head;
        break;
      }
    }
    run_call_queue(this_cpu().id);  // full: make progress on our own queue meanwhile
  }
  ipi_send(cpu, Ipi::kCall);
  // While waiting, serve calls aimed at us so two CPUs calling each other cannot deadlock.
  while (wait && !__atomic_load_n(&done, __ATOMIC_ACQUIRE)) {
    run_call_queue(this_cpu().id);
    arch::cpu_relax();
  }
  crit_exit();
}

namespace {
int worker_main(void* arg) {
  Worker& w = *static_cast<Worker*>(arg);
  tsleep_interlock(&w, 0);
  for (;;) {
    SmpFn fn = __atomic_load_n(&w.fn, __ATOMIC_ACQUIRE);
    if (!fn) {
      tsleep(&w, PINTERLOCKED, "smpwork", 0);
      tsleep_interlock(&w, 0);
      continue;
    }
    tsleep_abort();
    fn(w.arg);
    __atomic_store_n(&w.fn, static_cast<SmpFn>(nullptr), __ATOMIC_RELEASE);
    // Back on the sleep queue before reporting: when smp_run_on_all returns,
    // every worker is waiting again.
    tsleep_interlock(&w, 0);
    if (__atomic_sub_fetch(&g_run_all_pending, 1, __ATOMIC_ACQ_REL) == 0)
      wakeup(&g_run_all_pending);
  }
}
}  // namespace

void smp_start_workers() {
  for (unsigned c = 0; c < arch::kMaxCpus; ++c) {
    if (!__atomic_load_n(&g_cpus[c].online, __ATOMIC_ACQUIRE)) continue;
    char name[] = "smp.worker/0";
    name[11] = static_cast<char>('0' + c);
    ThreadAttr attr;
    attr.prio = kPrioKernelHigh;
    attr.affinity = cpumask_of(c);
    attr.flags = kThreadDetached;
    if (thread_spawn(name, worker_main, &g_workers[c], attr, &g_workers[c].thread))
      panic("smp: cannot start the worker thread of cpu %u", c);
  }
  // Return once they all wait for work, so what the system looks like after
  // boot (threads asleep, counters) no longer changes under a test.
  for (const Worker& w : g_workers)
    while (w.thread &&
           atomic_load_value(&w.thread->state, __ATOMIC_ACQUIRE) != ThreadState::kSleeping)
      thread_sleep_ns(100000);
}

void smp_run_on_all(SmpFn fn, void* arg) {
  MutexGuard g(g_run_all_lock);
  unsigned n = 0;
  for (const Worker& w : g_workers) n += w.thread ? 1 : 0;
  if (n == 0) panic("smp_run_on_all before the workers started");
  __atomic_store_n(&g_run_all_pending, n, __ATOMIC_RELEASE);
  for (Worker& w : g_workers) {
    if (!w.thread) continue;
    w.arg = arg;
    __atomic_store_n(&w.fn, fn, __ATOMIC_RELEASE);
    wakeup(&w);
  }
  while (__atomic_load_n(&g_run_all_pending, __ATOMIC_ACQUIRE)) {
    tsleep_interlock(&g_run_all_pending, 0);
    if (!__atomic_load_n(&g_run_all_pending, __ATOMIC_ACQUIRE)) {
      tsleep_abort();
      break;
    }
    tsleep(&g_run_all_pending, PINTERLOCKED, "runall", 0);
  }
}

void smp_stop_others() {
  unsigned self = this_cpu().id;
  for (unsigned c = 0; c < arch::kMaxCpus; ++c)
    if (c != self && __atomic_load_n(&g_cpus[c].online, __ATOMIC_ACQUIRE)) ipi_send(c, Ipi::kStop);
}

// Where each CPU's boot ends: it becomes the CPU's idle thread.
[[noreturn]] void cpu_idle_loop() { sched_idle_loop(); }
