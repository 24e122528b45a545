/*
 * Counting holders over a table of processes: the executable form of the
 * logic functions in spec/census.h, proved equal to them. The runtime checker
 * (check.h) builds on these.
 */
#ifndef TINE_KERNEL_VERIFIED_CENSUS_H
#define TINE_KERNEL_VERIFIED_CENSUS_H

#include "kernel/verified/vc_types.h"
#include "spec/census.h"
#include "spec/charge.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The count p's reference of the given kind designates, or null. */
/*@ requires \valid_read(p);
    requires 0 <= kind < VC_REF_KINDS;
    assigns \nothing;
    ensures \result == proc_ref(p, kind);
 */
const struct refcount* vc_proc_ref(const struct proc_core* p, int kind);

/* How many processes of the table hold r by a reference of the given kind. */
/*@ requires proc_table_ok(procs, n);
    requires 0 <= kind < VC_REF_KINDS;
    requires r != \null;
    assigns \nothing;
    ensures \result == holders(procs, n, kind, r);
    ensures 0 <= \result <= n;
 */
int vc_count_holders(struct proc_core* const* procs, int n, int kind, const struct refcount* r);

/* The tasks the processes of the table charge to u: spec/charge.h's
 * tasks_charged, which the uid census compares with u's count. */
/*@ requires proc_table_ok(procs, n);
    requires \forall integer i; 0 <= i < n ==> 0 <= procs[i]->p_tids.p_nthreads;
    assigns \nothing;
    ensures \result == tasks_charged(procs, n, u);
    ensures 0 <= \result <= n * (long long)VC_INT_MAX;
 */
long long vc_count_tasks(struct proc_core* const* procs, int n, const struct uidinfo* u);

#ifdef __cplusplus
}
#endif

#endif
