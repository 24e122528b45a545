// CLOCK_REALTIME: clock_ns() plus an offset. The board has no battery-backed
// clock, so the offset starts at 0 (realtime is the epoch at boot, as Linux
// without an RTC); root moves it (clock_settime, settimeofday).
//
// A wait for a realtime moment sleeps until the clock_ns() moment it falls
// on now; when the clock is set, realtime_generation() moves and such waits
// sleep again to where their moment falls then (Linux's clock_was_set).
#pragma once
#include <stdint.h>

uint64_t realtime_ns();        // never below 0
int64_t realtime_offset_ns();  // realtime_ns() - clock_ns(), what was set
// realtime_ns() reads ns from now on. The offset is stored before the
// generation moves, so a reader that sees the new generation sees the new
// offset. Then every realtime_channel() sleeper is woken.
void realtime_set(uint64_t ns);
uint32_t realtime_generation();
// Where a wait for a realtime moment that sleeps on a channel of no other use
// sleeps (clock_nanosleep).
const volatile void* realtime_channel();
// The clock_ns() moment at which realtime reads rt, by the offset of now: 0
// (none) for UINT64_MAX, 1 for a moment at or before the counter's start.
uint64_t realtime_to_clock(uint64_t rt);
