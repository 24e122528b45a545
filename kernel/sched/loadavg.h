// The load average (sysinfo's loads, /proc/loadavg's numbers): every 5
// seconds the number of runnable threads is folded into three exponentially
// decaying averages over 1, 5 and 15 minutes, in 16-bit fixed point as Linux
// reports them (sysinfo's SI_LOAD_SHIFT). Sampled by the scheduler tick of
// whichever CPU passes the sample time; periods no tick saw (every CPU idle
// with its tick stopped) count as 0 runnable.
#pragma once
#include <stdint.h>

// From the scheduler's tick (no lock held).
void loadavg_tick(uint64_t now_ns);
// The three averages, times 65536.
void loadavg_get(uint64_t out[3]);
