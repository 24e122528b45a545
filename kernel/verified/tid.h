/*
 * TIDs within a process: allocation with the seed's rule and removal.
 * Callers hold the process's lock (or own a process nobody else can see yet).
 */
#ifndef TINE_KERNEL_VERIFIED_TID_H
#define TINE_KERNEL_VERIFIED_TID_H

#include "kernel/verified/vc_types.h"
#include "spec/tids.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A process with no LWPs: p_lasttid = -1 (so the first TID is 0). */
/*@ requires \valid(pt);
    assigns pt->p_lasttid, pt->p_nthreads, pt->p_lwps.ts_tree;
    ensures TIDS_BLANK(pt);
    ensures TIDS_OK(pt);
 */
void lwp_tids_init(struct lwp_tids* pt);

/* Give node the next TID by the seed's rule and insert it: the first free
 * candidate after p_lasttid, wrapping to 1 after LWP_TID_MAX. Returns the TID,
 * or -1 when every candidate is in use (nothing changed then). */
/*@ requires TIDS_OK(pt);
    requires pt->p_nthreads < VC_INT_MAX;
    requires node != \null;
    assigns pt->p_lasttid, pt->p_nthreads, pt->p_lwps.ts_tree;
    ensures TIDS_OK(pt);
    behavior found:
      assumes tid_free_exists(&pt->p_lwps, pt->p_lasttid);
      ensures tid_candidate(\old(pt->p_lasttid), \result);
      ensures tid_added: tidset_added{Old, Here}(&pt->p_lwps, \result);
      ensures \forall integer t;
                tid_skipped(\old(pt->p_lasttid), t, \result) ==>
                  tid_in_use{Old}(&pt->p_lwps, t);
      ensures pt->p_lasttid == \result;
      ensures pt->p_nthreads == \old(pt->p_nthreads) + 1;
    behavior exhausted:
      assumes !tid_free_exists(&pt->p_lwps, pt->p_lasttid);
      ensures \result == -1;
      ensures tidset_same{Old, Here}(&pt->p_lwps);
      ensures pt->p_lasttid == \old(pt->p_lasttid);
      ensures pt->p_nthreads == \old(pt->p_nthreads);
    complete behaviors;
    disjoint behaviors;
 */
int lwp_tid_alloc_locked(struct lwp_tids* pt, struct tidnode* node);

/* Remove the LWP with TID tid (exit, or a failed lwp_create): p_nthreads
 * drops by one. Returns its node. */
/*@ requires TIDS_OK(pt);
    requires tid_in_use(&pt->p_lwps, tid);
    assigns pt->p_nthreads, pt->p_lwps.ts_tree;
    ensures TIDS_OK(pt);
    ensures \result != \null;
    ensures tidset_removed{Old, Here}(&pt->p_lwps, tid);
    ensures nthreads_dropped: pt->p_nthreads == \old(pt->p_nthreads) - 1;
 */
struct tidnode* lwp_tid_remove_locked(struct lwp_tids* pt, int tid);

/* The node of the LWP with TID tid, or null. */
/*@ requires TIDS_OK(pt);
    assigns \nothing;
    ensures \result != \null <==> tid_in_use(&pt->p_lwps, tid);
 */
struct tidnode* lwp_tid_lookup_locked(struct lwp_tids* pt, int tid);

#ifdef __cplusplus
}
#endif

#endif
