#include "kernel/time/clock.h"

#include <arch/cpu.h>
#include <arch/timer.h>

#include "kernel/cpu/percpu.h"
#include "kernel/irq/irq.h"

namespace {

uint64_t g_freq;
uint64_t g_tick_counts;
TickHook g_tick_hook;

struct CpuClock {
  uint64_t next_tick = 0;      // counter value of the next tick; 0 when stopped
  uint64_t oneshot_at = 0;     // counter value; 0 when none
  OneshotFn oneshot_fn = nullptr;
  void* oneshot_arg = nullptr;
  uint64_t ticks = 0;
};
CpuClock g_clock[arch::kMaxCpus];

void program(CpuClock& c) {
  uint64_t next = c.next_tick;
  if (c.oneshot_at && (!next || c.oneshot_at < next)) next = c.oneshot_at;
  if (next)
    arch::timer_arm_at(next);
  else
    arch::timer_disarm();
}

void timer_irq(unsigned, void*) {
  Cpu& cpu = this_cpu();
  CpuClock& c = g_clock[cpu.id];
  uint64_t now = arch::timer_count();
  if (c.next_tick && now >= c.next_tick) {
    // Catch up without a burst if interrupts were off for a while.
    while (c.next_tick <= now) c.next_tick += g_tick_counts;
    ++c.ticks;
    ++cpu.ticks;
    if (g_tick_hook) g_tick_hook();
  }
  if (c.oneshot_at && now >= c.oneshot_at) {
    OneshotFn fn = c.oneshot_fn;
    void* arg = c.oneshot_arg;
    c.oneshot_at = 0;
    c.oneshot_fn = nullptr;
    if (fn) fn(arg);
  }
  program(c);
}

}  // namespace

void clock_init() {
  g_freq = arch::timer_frequency();
  g_tick_counts = g_freq / kHz;
  irq_register(arch::kTimerIntid, timer_irq, nullptr);
}

void clock_init_cpu() {
  CpuClock& c = g_clock[this_cpu().id];
  c.next_tick = arch::timer_count() + g_tick_counts;
  program(c);
  irq_enable_line(arch::kTimerIntid, this_cpu().id);
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
  CpuClock& c = g_clock[this_cpu().id];
  c.oneshot_fn = fn;
  c.oneshot_arg = arg;
  uint64_t at = ns_to_counts(deadline_ns);
  c.oneshot_at = at ? at : 1;
  program(c);
  arch::irq_restore(irq);
}

void clock_tick_stop() {
  uint64_t irq = arch::irq_save();
  CpuClock& c = g_clock[this_cpu().id];
  c.next_tick = 0;
  program(c);
  arch::irq_restore(irq);
}

void clock_tick_start() {
  uint64_t irq = arch::irq_save();
  CpuClock& c = g_clock[this_cpu().id];
  if (!c.next_tick) c.next_tick = arch::timer_count() + g_tick_counts;
  program(c);
  arch::irq_restore(irq);
}

uint64_t clock_ticks(unsigned cpu) { return __atomic_load_n(&g_clock[cpu].ticks, __ATOMIC_RELAXED); }
