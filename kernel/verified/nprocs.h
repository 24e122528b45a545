/*
 * The system-wide process count: nprocs against maxproc.
 *
 * A slot is taken with nprocs_reserve before anything else in fork and given
 * back with nprocs_release on exit and on every failure after the reserve.
 * Both are lock-free: the count only ever moves by a compare-and-swap from a
 * value that was checked against the limit, so nprocs never exceeds maxproc,
 * not even for an instant, however many CPUs fork at once.
 */
#ifndef TINE_KERNEL_VERIFIED_NPROCS_H
#define TINE_KERNEL_VERIFIED_NPROCS_H

#include "kernel/verified/vc_types.h"
#include "spec/proccount.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Set up the count at boot (nprocs = 1 for process 0). */
/*@ requires \valid(pc);
    requires 0 <= nprocs <= maxproc;
    assigns pc->nprocs, pc->maxproc;
    ensures pc->nprocs == nprocs && pc->maxproc == maxproc;
    ensures PROCCOUNT_OK(pc);
 */
void nprocs_init(struct proccount* pc, int maxproc, int nprocs);

/* Take a process slot for a process of real uid `uid`.
 * Returns VC_OK or VC_EAGAIN (table full for this user). */
/*@ requires PROCCOUNT_OK(pc);
    assigns pc->nprocs;
    ensures PROCCOUNT_OK(pc);
    behavior root_granted:
      assumes uid == 0 && pc->nprocs < pc->maxproc;
      ensures \result == VC_OK;
      ensures pc->nprocs == \old(pc->nprocs) + 1;
    behavior root_refused:
      assumes uid == 0 && pc->nprocs >= pc->maxproc;
      ensures \result == VC_EAGAIN;
      ensures pc->nprocs == \old(pc->nprocs);
    behavior user_granted:
      assumes uid != 0 && pc->nprocs < pc->maxproc - NPROCS_ROOT_RESERVE;
      ensures \result == VC_OK;
      ensures pc->nprocs == \old(pc->nprocs) + 1;
    behavior user_refused:
      assumes uid != 0 && pc->nprocs >= pc->maxproc - NPROCS_ROOT_RESERVE;
      ensures user_refused_eagain: \result == VC_EAGAIN;
      ensures pc->nprocs == \old(pc->nprocs);
    complete behaviors;
    disjoint behaviors;
 */
int nprocs_reserve(struct proccount* pc, vc_uid_t uid);

/* Give a slot back (exit, or a fork that failed after nprocs_reserve). */
/*@ requires PROCCOUNT_OK(pc);
    requires pc->nprocs >= 1;
    assigns pc->nprocs;
    ensures pc->nprocs == \old(pc->nprocs) - 1;
    ensures PROCCOUNT_OK(pc);
 */
void nprocs_release(struct proccount* pc);

/* A snapshot of nprocs. */
/*@ requires PROCCOUNT_OK(pc);
    assigns \nothing;
    ensures \result == pc->nprocs;
 */
int nprocs_read(const struct proccount* pc);

#ifdef __cplusplus
}
#endif

#endif
