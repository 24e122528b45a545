// Time: the system counter as nanoseconds, and a per-CPU event timer that
// delivers the scheduler tick and the deadlines of the CPU's callouts
// (kernel/time/callout.h). The timer is always armed for the earlier of the
// next tick and the next callout; with the tick stopped (tickless idle) only
// callouts and IPIs wake the CPU.
#pragma once
#include <stdint.h>

inline constexpr unsigned kHz = 100;  // scheduler ticks per second

void clock_init();      // boot CPU: read the counter frequency
void clock_init_cpu();  // every CPU: enable its timer interrupt and start its tick
uint64_t clock_ns();    // monotonic, since the counter started (realtime: kernel/time/realtime.h)
uint64_t clock_frequency_hz();
uint64_t ns_to_counts(uint64_t ns);

// Per-CPU hooks run from the timer interrupt.
using TickHook = void (*)();
void clock_set_tick_hook(TickHook hook);
// One-shot callback on this CPU no earlier than `deadline_ns` (one pending per
// CPU; a callout of the clock's own).
using OneshotFn = void (*)(void* arg);
void clock_oneshot(uint64_t deadline_ns, OneshotFn fn, void* arg);
// Stops (or restarts) this CPU's periodic tick: tickless idle.
void clock_tick_stop();
void clock_tick_start();

bool clock_tick_running(unsigned cpu);

uint64_t clock_ticks(unsigned cpu);
