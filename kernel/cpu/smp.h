// Cross-CPU calls over IPIs.
#pragma once

using SmpFn = void (*)(void* arg);

// Runs fn(arg) on CPU `cpu` from its IPI handler (IRQs masked there); waits for it
// to finish when wait is true. Calling it for the running CPU runs fn directly.
void smp_call_on(unsigned cpu, SmpFn fn, void* arg, bool wait);

// Runs fn(arg) on every online CPU at the same time, this one included, in thread
// context with IRQs enabled, and returns when all have finished. For tests that
// need all four CPUs busy at once (stress, races).
void smp_run_on_all(SmpFn fn, void* arg);

// Stops every other CPU (used by panic).
void smp_stop_others();
