// Per-CPU callout wheels (kernel/time/callout.h).
#include "kernel/time/callout.h"

#include <arch/cpu.h>

#include "kernel/cpu/percpu.h"
#include "kernel/sched/lock_ranks.h"
#include "kernel/sync/spinlock.h"
#include "kernel/time/callout_wheel.h"
#include "kernel/time/clock.h"
#include "kernel/time/clock_internal.h"

namespace {

LockClass g_callout_class("time.callout", kRankCallout);

struct CpuCallouts {
  SpinLock lock{g_callout_class};
  CalloutWheel<Callout> wheel;  // guarded by lock
  Callout* firing = nullptr;    // handler running now; written under lock, read racily
  uint64_t armed = 0;           // guarded by lock
  uint64_t fired = 0;
  uint64_t stopped = 0;
};
CpuCallouts g_cc[arch::kMaxCpus];

// Takes c off the wheel it is pending on, if any.
bool unlink_pending(Callout* c) {
  for (;;) {
    int cpu = __atomic_load_n(&c->cpu, __ATOMIC_ACQUIRE);
    if (cpu < 0) return false;
    CpuCallouts& cc = g_cc[cpu];
    SpinGuard g(cc.lock);
    if (c->cpu != cpu) continue;  // fired (and maybe re-armed elsewhere) meanwhile
    if (c->state != kCalloutPending) return false;
    cc.wheel.remove(c);
    c->state = kCalloutIdle;
    __atomic_store_n(&c->cpu, static_cast<int8_t>(-1), __ATOMIC_RELEASE);
    ++cc.stopped;
    return true;
  }
}

}  // namespace

void callout_init_cpu() {
  CpuCallouts& cc = g_cc[this_cpu().id];
  SpinGuard g(cc.lock);
  cc.wheel.start(clock_ns());
}

void callout_reset(Callout* c, uint64_t deadline_ns, CalloutFn fn, void* arg) {
  uint64_t irq = arch::irq_save();  // stay on this CPU until its timer is programmed
  unlink_pending(c);
  unsigned me = this_cpu().id;
  CpuCallouts& cc = g_cc[me];
  {
    SpinGuard g(cc.lock);
    c->deadline = deadline_ns;
    c->fn = fn;
    c->arg = arg;
    c->state = kCalloutPending;
    __atomic_store_n(&c->cpu, static_cast<int8_t>(me), __ATOMIC_RELEASE);
    cc.wheel.insert(c);
    ++cc.armed;
  }
  clock_deadline_added(deadline_ns);
  arch::irq_restore(irq);
}

bool callout_stop(Callout* c) {
  bool was_pending = unlink_pending(c);
  uint64_t irq = arch::irq_save();
  unsigned me = this_cpu().id;
  // A handler running elsewhere finishes before we return. (On this CPU a
  // handler cannot be running unless we are it.)
  for (unsigned cpu = 0; cpu < arch::kMaxCpus; ++cpu) {
    if (cpu == me) continue;
    while (__atomic_load_n(&g_cc[cpu].firing, __ATOMIC_ACQUIRE) == c) arch::cpu_relax();
  }
  arch::irq_restore(irq);
  return was_pending;
}

bool callout_running(const Callout* c) {
  uint64_t irq = arch::irq_save();
  unsigned me = this_cpu().id;
  bool running = false;
  for (unsigned cpu = 0; cpu < arch::kMaxCpus && !running; ++cpu)
    running = cpu != me && __atomic_load_n(&g_cc[cpu].firing, __ATOMIC_ACQUIRE) == c;
  arch::irq_restore(irq);
  return running;
}

int callout_try_stop(Callout* c) {
  // Running first: a handler that runs while c is pending again (it was
  // re-armed meanwhile) must finish before c changes.
  if (callout_running(c)) return -1;
  if (unlink_pending(c)) return 1;
  // Not pending: idle, or taken off its wheel to run since the first look
  // (the wheel's lock sets `firing` as it takes it off).
  return callout_running(c) ? -1 : 0;
}

bool callout_pending(const Callout* c) {
  return __atomic_load_n(&c->state, __ATOMIC_RELAXED) == kCalloutPending;
}

uint64_t callout_next_deadline_this_cpu() {
  CpuCallouts& cc = g_cc[this_cpu().id];
  SpinGuard g(cc.lock);
  return cc.wheel.next_deadline();
}

void callout_run_expired(uint64_t now_ns) {
  CpuCallouts& cc = g_cc[this_cpu().id];
  for (;;) {
    CalloutFn fn;
    void* arg;
    {
      SpinGuard g(cc.lock);
      Callout* c = cc.wheel.pop_expired(now_ns);
      if (!c) break;
      // Everything before cpu -1: a callout_stop that sees it (and so does
      // not take this lock) must then see the handler as running, and a
      // callout_reset that sees it may write fn and arg at once.
      fn = c->fn;
      arg = c->arg;
      __atomic_store_n(&cc.firing, c, __ATOMIC_RELEASE);
      c->state = kCalloutIdle;
      __atomic_store_n(&c->cpu, static_cast<int8_t>(-1), __ATOMIC_RELEASE);
      ++cc.fired;
    }
    fn(arg);
    __atomic_store_n(&cc.firing, static_cast<Callout*>(nullptr), __ATOMIC_RELEASE);
  }
}

CalloutStats callout_stats(unsigned cpu) {
  CpuCallouts& cc = g_cc[cpu];
  SpinGuard g(cc.lock);
  return {cc.wheel.size(), cc.armed, cc.fired, cc.stopped};
}
