// The load average (sysinfo's loads, /proc/loadavg's numbers): every 5
// seconds the number of active threads (runnable, and programs' threads in a
// sleep no signal ends, as Linux counts its uninterruptible tasks; a stopped
// process's aside) is folded into three exponentially decaying averages over
// 1, 5 and 15 minutes, in 16-bit fixed point as Linux reports them (sysinfo's
// SI_LOAD_SHIFT). Sampled by a callout every 5 s on one CPU (a walk of the
// thread list), which runs whether the CPUs are busy or idle.
#pragma once
#include <stdint.h>

// Starts the sampler on this CPU (once, when the CPUs are online).
void loadavg_start();
// The three averages, times 65536.
void loadavg_get(uint64_t out[3]);
