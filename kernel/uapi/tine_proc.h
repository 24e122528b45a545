/* tine_proc(op, arg) = 2002: the process layer's counters and checks for the
 * tests (docs/user-abi.md, "Debugging calls"). Plain C: the kernel
 * (kernel/syscall/sys_proc.cpp) and the user library (user/include/tine.h)
 * include this one header. The op numbers and the layout of
 * struct tine_proc_stats are part of the ABI; the structure only grows at the
 * end. */
#ifndef TINE_UAPI_TINE_PROC_H
#define TINE_UAPI_TINE_PROC_H

#include <stdint.h>

/* The ops. Only TINE_PROC_STATS is anyone's; the others need root (-EPERM). */
enum {
  TINE_PROC_STATS = 1,        /* copies struct tine_proc_stats to arg */
  TINE_PROC_CHECK = 2,        /* the invariant checker: the number of problems
                               * (printed on the console; arg != 0 adds a summary) */
  TINE_PROC_PS = 3,           /* prints the process table on the console */
  TINE_PROC_FAIL_NTH = 4,     /* the arg-th kernel allocation from now fails (0
                               * clears it); debug kernel only (-ENOSYS) */
  TINE_PROC_FAIL_PENDING = 5, /* 1 while that failure is still to come; debug only */
  TINE_PROC_CHECK_TIDS = 6,   /* checks the thread-id hash alone (meaningful while
                               * other processes fork and exit) */
};

/* What TINE_PROC_STATS copies out: 20 counters. */
struct tine_proc_stats {
  uint64_t forks, vforks, rforks, kthreads; /* made since boot */
  uint64_t lwps_created;
  uint64_t failures; /* forks that failed */
  uint64_t eagain;   /* of those, -EAGAIN (a limit) */
  /* Live objects of the process layer. */
  uint64_t procs_live, lwps_live, pgrps_live, sessions_live, uidinfos_live, ucreds_live;
  uint64_t nprocs, maxproc;                   /* the process count and its limit */
  uint64_t restarts;                          /* forks restarted for a signal (ERESTART) */
  uint64_t forkpages, vforkpages, rforkpages; /* the children's pages, summed at fork */
  uint64_t exit_heuristics;                   /* children whose CPU use wait4 charged */
};

#endif
