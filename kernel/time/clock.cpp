#include "kernel/time/clock.h"

#include <arch/cpu.h>
#include <arch/timer.h>

#include "kernel/cpu/percpu.h"
#include "kernel/irq/irq.h"
#include "kernel/time/callout.h"
#include "kernel/time/clock_internal.h"

namespace {

uint64_t g_freq;
uint64_t g_tick_counts;
TickHook g_tick_hook;

// One CPU's timer. Touched only by that CPU with IRQs masked.
struct CpuClock {
  uint64_t next_tick = 0;     // counter value of the next tick; 0 while the tick is stopped
  uint64_t stopped_tick = 0;  // the tick the timer may still be armed for after a stop
  uint64_t programmed = 0;    // counter value the timer is armed for; 0 = disarmed
  uint64_t ticks = 0;
  Callout oneshot;  // clock_oneshot's
};
CpuClock g_clock[arch::kMaxCpus];

uint64_t deadline_counts(uint64_t deadline_ns) {
  // The first counter value whose clock_ns() is >= deadline_ns.
  return ns_to_counts(deadline_ns) + 1;
}

void arm(CpuClock& c, uint64_t at) {
  c.programmed = at;
  if (at)
    arch::timer_arm_at(at);
  else
    arch::timer_disarm();
}

// Earliest of the next tick and the next callout.
void program(CpuClock& c) {
  uint64_t next = c.next_tick;
  uint64_t d = callout_next_deadline_this_cpu();
  if (d != ~0ull) {
    uint64_t at = deadline_counts(d);
    if (!next || at < next) next = at;
  }
  arm(c, next);
}

void timer_irq(unsigned, void*) {
  Cpu& cpu = this_cpu();
  CpuClock& c = g_clock[cpu.id];
  uint64_t now = arch::timer_count();
  c.stopped_tick = 0;  // whatever the timer was armed for has fired
  if (c.next_tick && now >= c.next_tick) {
    // Catch up without a burst if interrupts were off for a while.
    while (c.next_tick <= now) c.next_tick += g_tick_counts;
    ++c.ticks;
    ++cpu.ticks;
    if (g_tick_hook) g_tick_hook();
  }
  callout_run_expired(clock_ns());
  program(c);
}

}  // namespace

void clock_init() {
  g_freq = arch::timer_frequency();
  g_tick_counts = g_freq / kHz;
  irq_register(arch::kTimerIntid, timer_irq, nullptr);
}

void clock_init_cpu() {
  uint64_t irq = arch::irq_save();
  callout_init_cpu();
  CpuClock& c = g_clock[this_cpu().id];
  c.next_tick = arch::timer_count() + g_tick_counts;
  program(c);
  irq_enable_line(arch::kTimerIntid, this_cpu().id);
  arch::irq_restore(irq);
}

uint64_t clock_frequency_hz() { return g_freq; }

uint64_t clock_ns() {
  uint64_t c = arch::timer_count();
  // Split to avoid overflow: whole seconds, then the remainder.
  return (c / g_freq) * 1000000000ull + (c % g_freq) * 1000000000ull / g_freq;
}

uint64_t ns_to_counts(uint64_t ns) {
  return (ns / 1000000000ull) * g_freq + (ns % 1000000000ull) * g_freq / 1000000000ull;
}

void clock_set_tick_hook(TickHook hook) { g_tick_hook = hook; }

void clock_oneshot(uint64_t deadline_ns, OneshotFn fn, void* arg) {
  uint64_t irq = arch::irq_save();
  callout_reset(&g_clock[this_cpu().id].oneshot, deadline_ns, fn, arg);
  arch::irq_restore(irq);
}

void clock_deadline_added(uint64_t deadline_ns) {
  CpuClock& c = g_clock[this_cpu().id];
  uint64_t at = deadline_counts(deadline_ns);
  if (!c.programmed || at < c.programmed) arm(c, at);
}

// Stopping and restarting the tick happen around every idle period, so they
// avoid touching the timer (on QEMU every timer register access takes its big
// lock): a stop leaves the timer armed for the pending tick, which then fires
// once without counting (timer_irq re-arms for callouts only); a restart
// before that tick keeps it.
void clock_tick_stop() {
  uint64_t irq = arch::irq_save();
  CpuClock& c = g_clock[this_cpu().id];
  if (c.next_tick) {
    c.stopped_tick = c.next_tick;
    c.next_tick = 0;
  }
  arch::irq_restore(irq);
}

void clock_tick_start() {
  uint64_t irq = arch::irq_save();
  CpuClock& c = g_clock[this_cpu().id];
  if (!c.next_tick) {
    if (c.stopped_tick && c.programmed && c.programmed <= c.stopped_tick) {
      // The timer still fires at or before the stopped tick: just resume it.
      c.next_tick = c.stopped_tick;
    } else {
      c.next_tick = arch::timer_count() + g_tick_counts;
      program(c);
    }
    c.stopped_tick = 0;
  }
  arch::irq_restore(irq);
}

bool clock_tick_running(unsigned cpu) {
  return __atomic_load_n(&g_clock[cpu].next_tick, __ATOMIC_RELAXED) != 0;
}

uint64_t clock_ticks(unsigned cpu) {
  return __atomic_load_n(&g_clock[cpu].ticks, __ATOMIC_RELAXED);
}
