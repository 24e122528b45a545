// Cross-CPU calls, CPU start-up and the idle loop of CPUs without work.
#include "kernel/cpu/smp.h"

#include <arch/cpu.h>
#include <arch/gic.h>

#include "kernel/console/kprintf.h"
#include "kernel/cpu/ipi.h"
#include "kernel/cpu/percpu.h"
#include "kernel/sync/spinlock.h"
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

// Work for smp_run_on_all, run by each CPU's idle loop in thread context.
struct Work {
  SmpFn fn;
  void* arg;
  int done;
};
Work* g_work[arch::kMaxCpus];

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
  __atomic_store_n(&this_cpu().online, false, __ATOMIC_RELEASE);
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
    case Ipi::kCall:
      run_call_queue(cpu.id);
      break;
    case Ipi::kStop:
      stop_this_cpu();
    case Ipi::kResched:
      cpu.resched_pending = true;
      break;
    case Ipi::kKick:
      break;
  }
}

unsigned long ipi_received(unsigned cpu, Ipi ipi) {
  return __atomic_load_n(&g_ipi_received[cpu][static_cast<unsigned>(ipi)], __ATOMIC_RELAXED);
}
unsigned long ipi_pair_count(unsigned from, unsigned to) {
  return __atomic_load_n(&g_ipi_pairs[from][to], __ATOMIC_RELAXED);
}

void smp_call_on(unsigned cpu, SmpFn fn, void* arg, bool wait) {
  if (cpu == this_cpu().id) {
    uint64_t irq = arch::irq_save();
    fn(arg);
    arch::irq_restore(irq);
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
}

void smp_run_on_all(SmpFn fn, void* arg) {
  unsigned self = this_cpu().id;
  Work work[arch::kMaxCpus] = {};
  for (unsigned c = 0; c < arch::kMaxCpus; ++c) {
    if (c == self || !g_cpus[c].online) continue;
    work[c] = {fn, arg, 0};
    __atomic_store_n(&g_work[c], &work[c], __ATOMIC_RELEASE);
    ipi_send(c, Ipi::kKick);
  }
  fn(arg);
  for (unsigned c = 0; c < arch::kMaxCpus; ++c) {
    if (c == self || !work[c].fn) continue;
    while (!__atomic_load_n(&work[c].done, __ATOMIC_ACQUIRE)) arch::cpu_relax();
  }
}

void smp_stop_others() {
  unsigned self = this_cpu().id;
  for (unsigned c = 0; c < arch::kMaxCpus; ++c)
    if (c != self && __atomic_load_n(&g_cpus[c].online, __ATOMIC_ACQUIRE)) ipi_send(c, Ipi::kStop);
}

// A CPU with nothing to do: run posted work, else sleep in WFI until an interrupt.
// IRQs are masked across the check and the WFI so a kick cannot slip in between
// (WFI still wakes for a pending interrupt; it is taken once unmasked).
[[noreturn]] void cpu_idle_loop() {
  Cpu& cpu = this_cpu();
  for (;;) {
    arch::irq_disable();
    Work* w = __atomic_exchange_n(&g_work[cpu.id], nullptr, __ATOMIC_ACQ_REL);
    if (!w) arch::wait_for_interrupt();
    arch::irq_enable();
    if (w) {
      w->fn(w->arg);
      __atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
    }
  }
}
