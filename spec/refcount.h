/*
 * ACSL logic for the reference-count primitive (kernel/verified/refcount.h).
 *
 * A count is "live" while at least one holder exists; a live object may gain a
 * holder only while its count is below REFCOUNT_MAX. The census predicates that
 * tie a count to the holders that exist are in spec/census.h.
 */
#ifndef TINE_SPEC_REFCOUNT_H
#define TINE_SPEC_REFCOUNT_H

#include "kernel/verified/vc_types.h"

/* Each predicate comes as a macro too. Contracts use the macros: WP's
 * simplifier then sees the facts themselves, where a predicate would be a
 * symbol every prover call has to unfold (see spec/fork.h). */
#define REFCOUNT_OK(r) (\valid(r) && 0 <= (r)->rc_count <= REFCOUNT_MAX)
#define REFCOUNT_LIVE(r) (\valid(r) && 1 <= (r)->rc_count <= REFCOUNT_MAX)
#define REFCOUNT_HOLDABLE(r) (\valid(r) && 1 <= (r)->rc_count < REFCOUNT_MAX)
#define REFCOUNT_SHARED(r) (\valid(r) && 2 <= (r)->rc_count <= REFCOUNT_MAX)

/* The fields refcount_init sets, and the magic it leaves for the debug
 * kernel's checks (vc_types.h). WP proves the debug kernel's code
 * (proofs/manifest.json defines TINE_DEBUG); the release kernel's has neither
 * the field nor the store, and nothing else in the proved code touches it. */
#ifdef TINE_DEBUG
#define REFCOUNT_INIT_FIELDS(r) (r)->rc_count, (r)->rc_magic
#define REFCOUNT_MARKED(r) ((r)->rc_magic == REFCOUNT_MAGIC)
#else
#define REFCOUNT_INIT_FIELDS(r) (r)->rc_count
#define REFCOUNT_MARKED(r) \true
#endif

/*@
  // Any count the core keeps: between zero and REFCOUNT_MAX.
  predicate refcount_ok{L}(struct refcount *r) = REFCOUNT_OK(r);

  // A count with at least one holder: the object is alive.
  predicate refcount_live{L}(struct refcount *r) = REFCOUNT_LIVE(r);

  // A live object that may gain one more holder without overflow.
  predicate refcount_holdable{L}(struct refcount *r) = REFCOUNT_HOLDABLE(r);

  // A reference that can be given back without destroying the object:
  // someone else still holds it.
  predicate refcount_shared{L}(struct refcount *r) = REFCOUNT_SHARED(r);
*/

#endif
