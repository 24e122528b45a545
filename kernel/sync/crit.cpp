#include "kernel/sync/crit.h"

#include "kernel/sched/sched.h"

// crit_exit() left the outermost critical section with a reschedule pending:
// switch now if nothing else forbids it (sched_preempt_point re-checks on the
// CPU the thread is on now).
void crit_exit_slow(Cpu&) { sched_preempt_point(); }
