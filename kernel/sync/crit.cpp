#include "kernel/sync/crit.h"

// Weak default until the scheduler provides preemption: drop the request.
__attribute__((weak)) void crit_exit_slow(Cpu& cpu) { cpu.resched_pending = false; }
