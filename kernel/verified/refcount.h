/*
 * The reference-count primitive of the verified core. Overflow and underflow
 * are ruled out by the contracts: a caller must prove that the count has room
 * (hold, acquire) or a holder to give back (release, unhold).
 *
 * Counts are changed with atomic fetch-and-add (vc_refcount_add), so they may
 * be used from any CPU without a lock. In the debug kernel that add first
 * checks the magic refcount_init set (refcount_magic.h).
 */
#ifndef TINE_KERNEL_VERIFIED_REFCOUNT_H
#define TINE_KERNEL_VERIFIED_REFCOUNT_H

#include "kernel/verified/vc_types.h"
#include "spec/refcount.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Set the count of an object nobody else can see yet (and, in the debug
 * kernel, its magic). */
/*@ requires \valid(r);
    requires 0 <= n <= REFCOUNT_MAX;
    assigns REFCOUNT_INIT_FIELDS(r);
    ensures r->rc_count == n;
    ensures REFCOUNT_MARKED(r);
 */
void refcount_init(struct refcount* r, int n);

/* Read the count (a snapshot: other CPUs may change it right after). */
/*@ requires \valid_read(r);
    assigns \nothing;
    ensures \result == r->rc_count;
 */
int refcount_read(const struct refcount* r);

/* Take a reference to a live object. */
/*@ requires REFCOUNT_HOLDABLE(r);
    assigns r->rc_count;
    ensures r->rc_count == \old(r->rc_count) + 1;
    ensures REFCOUNT_LIVE(r);
 */
void refcount_hold(struct refcount* r);

/* Take a hold on a counter that may be zero (PHOLD-style hold counts). */
/*@ requires \valid(r);
    requires 0 <= r->rc_count < REFCOUNT_MAX;
    assigns r->rc_count;
    ensures r->rc_count == \old(r->rc_count) + 1;
    ensures REFCOUNT_LIVE(r);
 */
void refcount_acquire(struct refcount* r);

/* Give back a reference. Returns 1 when that was the last one: the caller
 * then owns the object and destroys it. */
/*@ requires REFCOUNT_LIVE(r);
    assigns r->rc_count;
    ensures r->rc_count == \old(r->rc_count) - 1;
    ensures REFCOUNT_OK(r);
    behavior last:
      assumes r->rc_count == 1;
      ensures \result == 1;
    behavior others_remain:
      assumes r->rc_count > 1;
      ensures not_last: \result == 0;
    complete behaviors;
    disjoint behaviors;
 */
int refcount_release(struct refcount* r);

/* Give back a reference unless it is the last: 1 when it was given back
 * (another holder remains), 0 when it is the last, left in place for the
 * caller to give back where the object's destruction is serialised (under the
 * lock its lookups take). A compare-and-swap from a count above 1, so it
 * never takes a count to 0 and needs no lock. */
/*@ requires REFCOUNT_LIVE(r);
    assigns r->rc_count;
    behavior last:
      assumes r->rc_count == 1;
      ensures last_left: r->rc_count == 1;
      ensures \result == 0;
    behavior others_remain:
      assumes r->rc_count > 1;
      ensures r->rc_count == \old(r->rc_count) - 1;
      ensures REFCOUNT_LIVE(r);
      ensures \result == 1;
    complete behaviors;
    disjoint behaviors;
 */
int refcount_release_unless_last(struct refcount* r);

/* Give back a reference taken earlier while another holder remains (the
 * unwinding of a failed operation). Never the last reference, by contract. */
/*@ requires REFCOUNT_SHARED(r);
    assigns r->rc_count;
    ensures r->rc_count == \old(r->rc_count) - 1;
    ensures REFCOUNT_LIVE(r);
 */
void refcount_unhold(struct refcount* r);

#ifdef __cplusplus
}
#endif

#endif
