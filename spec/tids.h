/*
 * ACSL logic for TIDs (kernel/verified/tid.h, kernel/verified/tidset.h).
 *
 * The live TIDs of a process form a set kept by C++ (a red-black tree). WP sees
 * it through two logic symbols that read only the set's integer handle, so
 * that stores to other fields never disturb what WP knows about the set; the
 * set changes only through the functions in tidset.h, whose contracts say how.
 * (That is sound because C cannot reach the tree: struct tidnode is an
 * incomplete type in C.)
 *
 * The seed's TID rule: p_lasttid starts at -1 so the first TID is 0; the next
 * candidate is p_lasttid + 1, wrapping to 1 after LWP_TID_MAX; candidates in
 * use are skipped; the TID taken becomes p_lasttid and p_nthreads grows by one.
 */
#ifndef TINE_SPEC_TIDS_H
#define TINE_SPEC_TIDS_H

#include "kernel/verified/vc_types.h"

/*@
  axiomatic TidSet {
    // t is the TID of a live LWP in s.
    predicate tid_in_use{L}(struct tidset *s, integer t) reads s->ts_tree;
    // The number of live LWPs in s (the set's cardinality).
    logic integer tidset_card{L}(struct tidset *s) reads s->ts_tree;
    // A cardinality is never negative.
    axiom tidset_card_nonneg{L}:
      \forall struct tidset *s; tidset_card(s) >= 0;
  }

  predicate tid_valid(integer t) = 0 <= t <= LWP_TID_MAX;
*/

/* Macro forms of the predicates below, for contracts (see spec/refcount.h). */
#define TIDSET_EMPTY(s) \
  (tidset_card(s) == 0 && \forall integer t; !tid_in_use((s), t))
#define TIDS_OK(pt) \
  (\valid(pt) && -1 <= (pt)->p_lasttid <= LWP_TID_MAX && 0 <= (pt)->p_nthreads && \
   tidset_card(&(pt)->p_lwps) == (pt)->p_nthreads && \
   (\forall integer t; tid_in_use(&(pt)->p_lwps, t) ==> tid_valid(t)))
#define TIDS_BLANK(pt) \
  (\valid(pt) && (pt)->p_lasttid == -1 && (pt)->p_nthreads == 0 && \
   TIDSET_EMPTY(&(pt)->p_lwps))

/*@


  // s has no members.
  predicate tidset_empty{L}(struct tidset *s) = TIDSET_EMPTY(s);

  // s at label A and at label B hold the same TIDs.
  predicate tidset_same{A, B}(struct tidset *s) =
    tidset_card{B}(s) == tidset_card{A}(s) &&
    \forall integer t; tid_in_use{B}(s, t) <==> tid_in_use{A}(s, t);

  // s at B is s at A plus the TID t, which A did not have.
  predicate tidset_added{A, B}(struct tidset *s, integer t) =
    !tid_in_use{A}(s, t) && tid_in_use{B}(s, t) &&
    tidset_card{B}(s) == tidset_card{A}(s) + 1 &&
    \forall integer u; u != t ==> (tid_in_use{B}(s, u) <==> tid_in_use{A}(s, u));

  // s at B is s at A without the TID t, which A had.
  predicate tidset_removed{A, B}(struct tidset *s, integer t) =
    tid_in_use{A}(s, t) && !tid_in_use{B}(s, t) &&
    tidset_card{B}(s) == tidset_card{A}(s) - 1 &&
    \forall integer u; u != t ==> (tid_in_use{B}(s, u) <==> tid_in_use{A}(s, u));

  // "TIDs of a process's live LWPs are distinct and their number is
  // p_nthreads": distinct because they form a set, counted by p_nthreads.
  predicate tids_ok{L}(struct lwp_tids *pt) = TIDS_OK(pt);

  // A process with no LWP yet: the first TID will be 0.
  predicate tids_blank{L}(struct lwp_tids *pt) = TIDS_BLANK(pt);

  // The candidates the rule can ever produce after `last`: 0 only before the
  // first TID, then 1..LWP_TID_MAX.
  predicate tid_candidate(integer last, integer t) =
    tid_valid(t) && (t != 0 || last == -1);

  // Successor of a TID under the rule.
  logic integer tid_next(integer t) = t >= LWP_TID_MAX ? 1 : t + 1;

  // t comes strictly before r in the rule's search order starting after
  // `last` (r itself having been reached from `last`): the candidates tried
  // and skipped before r was taken.
  predicate tid_skipped(integer last, integer t, integer r) =
    r > last ? (last < t < r)
             : ((last < t <= LWP_TID_MAX) || (1 <= t < r));

  // The candidates the search has tried when it stands at `tid` (the last
  // candidate tried, or `last` itself before the first), wrapped or not.
  predicate tid_tried(integer last, integer tid, integer wrapped, integer t) =
    wrapped == 0 ? (last < t <= tid)
                 : ((last < t <= LWP_TID_MAX) || (1 <= t <= tid));

  // Some candidate after `last` is free in s.
  predicate tid_free_exists{L}(struct tidset *s, integer last) =
    \exists integer t; tid_candidate(last, t) && !tid_in_use(s, t);
*/

#endif
