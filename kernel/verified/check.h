/*
 * The invariants of spec/ checked at run time, over the live structures.
 *
 * Tests call these after stress, and the kernel's consistency check
 * (proc_check_invariants, kernel/proc/check.cpp) over the live process
 * table; each returns the number of violations it found and records the
 * first in *report. They only read: the caller makes sure nothing changes the
 * structures meanwhile (the process-tree lock, or a quiescent system).
 *
 * What each checks, and the spec/ predicate it evaluates:
 *   vc_check_proccount  proccount_ok and nprocs_census (spec/proccount.h)
 *   vc_check_refcount   refcount_ok and count_matches (spec/refcount.h, census.h)
 *   vc_check_tids       tids_ok (spec/tids.h), and what the set stands for:
 *                       TIDs distinct (a strictly ordered tree) and valid, their
 *                       number p_nthreads, the red-black shape intact
 *   vc_check_procs      all of the above for a table of processes: nprocs is
 *                       the number of processes, each uid's count the tasks
 *                       charged to it (tasks_census, spec/charge.h), each
 *                       count its holders
 *   vc_check_proc       vc_check_procs's part about one process of the table
 */
#ifndef TINE_KERNEL_VERIFIED_CHECK_H
#define TINE_KERNEL_VERIFIED_CHECK_H

#include "kernel/verified/vc_types.h"

#ifdef __cplusplus
extern "C" {
#endif

struct vc_report {
  int violations;
  const char* first;  /* what the first violation broke (a static string) */
  const void* object; /* the object it is about */
  long expected;
  long actual;
};

void vc_report_init(struct vc_report* r);

/* 0 <= nprocs <= maxproc, and nprocs == nproc (the processes that exist). */
int vc_check_proccount(const struct proccount* pc, int nproc, struct vc_report* r);

/* 0 <= count <= REFCOUNT_MAX and count == holders. */
int vc_check_refcount(const struct refcount* rc, int holders, struct vc_report* r);

/* The TID state of one process. */
int vc_check_tids(const struct lwp_tids* pt, struct vc_report* r);

/* References held outside the process table: `holders` more for `ref`. */
struct vc_outside_ref {
  const struct refcount* ref;
  int holders;
};

/* What the caller knows of outside the table (the list may be empty). */
struct vc_outside {
  const struct vc_outside_ref* refs;
  int nrefs;
};

/* The whole census over procs[0 .. n-1], which must be every process:
 *  - nprocs == n, within maxproc;
 *  - each object a process refers to: count == holders among the processes
 *    + holders in outside->refs (+ for a uidinfo, one per distinct ucred
 *    among the processes' credentials whose real uid it is);
 *  - each uidinfo: ui_proccnt == the tasks of the processes charged to it
 *    (p_uidinfo): one per LWP, one for a process with none (vc_count_tasks);
 *  - each process's TIDs (vc_check_tids).
 * Objects referred to only from outside are not checked. outside may be null. */
int vc_check_procs(const struct proccount* pc, struct proc_core* const* procs, int n,
                   const struct vc_outside* outside, struct vc_report* r);

/* vc_check_procs's part about procs[i]: the objects procs[i] is the first in
 * the table to refer to (each checked once, there), and procs[i]'s TIDs.
 * vc_check_procs is vc_check_proccount and this for every i; a caller that
 * must keep procs[i]'s objects alive while they are read (its lock) calls
 * them one by one. Besides procs[i]'s objects and TIDs, it reads only the
 * other processes' pointers, and the ucreds they designate (cr_ruidinfo). */
int vc_check_proc(struct proc_core* const* procs, int n, int i, const struct vc_outside* outside,
                  struct vc_report* r);

#ifdef __cplusplus
}
#endif

#endif
