/*
 * ACSL logic for TIDs (kernel/verified/tid.h, kernel/verified/tidset.h).
 *
 * The live TIDs of a process form a set kept by C++ (a red-black tree). WP sees
 * it through one undefined logic symbol, membership (tid_member), which reads
 * only the set's integer handle, so that stores to other fields never disturb
 * what WP knows about the set; the set changes only through the functions in
 * tidset.h, whose contracts say which member changed. (That is sound because
 * C cannot reach the tree: struct tidnode is an incomplete type in C.)
 *
 * The set's size is defined from membership: tidset_card counts the members
 * in 0..LWP_TID_MAX (tid_count, by primitive recursion), so "p_nthreads is
 * the number of live TIDs" (TIDS_OK) is a theorem about the members, not a
 * second symbol kept in step by assumed contracts. What an insertion or a
 * removal does to the count is an induction over the count's bound; SMT
 * provers do not do induction, so kernel/verified/tid.c writes it as ghost
 * loops whose invariants WP proves step by step. No axiom is involved.
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
    // t is the TID of a live LWP in s. The one symbol the logic leaves
    // undefined: the tree is C++, and its C functions (tidset.h) say how
    // each call changes this and nothing else.
    logic boolean tid_member{L}(struct tidset *s, integer t) reads s->ts_tree;
  }

  predicate tid_in_use{L}(struct tidset *s, integer t) = tid_member(s, t);

  predicate tid_valid(integer t) = 0 <= t <= LWP_TID_MAX;

  // The number of members of s below n (primitive recursion on n).
  logic integer tid_count{L}(struct tidset *s, integer n) =
    n <= 0 ? 0 : tid_count(s, n - 1) + (tid_member(s, n - 1) ? 1 : 0);

  // The number of live LWPs in s: its members in 0..LWP_TID_MAX, which are
  // all its members wherever TIDS_OK holds.
  logic integer tidset_card{L}(struct tidset *s) = tid_count(s, LWP_TID_MAX + 1);
*/

/* Macro forms of the predicates below, for contracts (see spec/refcount.h). */
#define TIDSET_NO_MEMBERS(s) (\forall integer t; !tid_in_use((s), t))
#define TIDSET_EMPTY(s) (tidset_card(s) == 0 && TIDSET_NO_MEMBERS(s))
#define TIDS_OK(pt) \
  (\valid(pt) && -1 <= (pt)->p_lasttid <= LWP_TID_MAX && 0 <= (pt)->p_nthreads && \
   tidset_card(&(pt)->p_lwps) == (pt)->p_nthreads && \
   (\forall integer t; tid_in_use(&(pt)->p_lwps, t) ==> tid_valid(t)))
#define TIDS_BLANK(pt) \
  (\valid(pt) && (pt)->p_lasttid == -1 && (pt)->p_nthreads == 0 && \
   TIDSET_EMPTY(&(pt)->p_lwps))

/*@
  // s has no members (and so its count is 0).
  predicate tidset_empty{L}(struct tidset *s) = TIDSET_EMPTY(s);

  // What the set's C functions promise (tidset.h): which member changed.
  // s at label A and at label B hold the same TIDs.
  predicate tidset_same_members{A, B}(struct tidset *s) =
    \forall integer t; tid_in_use{B}(s, t) <==> tid_in_use{A}(s, t);

  // s at B is s at A plus the TID t, which A did not have.
  predicate tidset_member_added{A, B}(struct tidset *s, integer t) =
    !tid_in_use{A}(s, t) && tid_in_use{B}(s, t) &&
    \forall integer u; u != t ==> (tid_in_use{B}(s, u) <==> tid_in_use{A}(s, u));

  // s at B is s at A without the TID t, which A had.
  predicate tidset_member_removed{A, B}(struct tidset *s, integer t) =
    tid_in_use{A}(s, t) && !tid_in_use{B}(s, t) &&
    \forall integer u; u != t ==> (tid_in_use{B}(s, u) <==> tid_in_use{A}(s, u));

  // The same with what follows for the count (tid.c proves it: see the
  // top of this file).
  predicate tidset_same{A, B}(struct tidset *s) =
    tidset_card{B}(s) == tidset_card{A}(s) && tidset_same_members{A, B}(s);

  predicate tidset_added{A, B}(struct tidset *s, integer t) =
    tidset_card{B}(s) == tidset_card{A}(s) + 1 && tidset_member_added{A, B}(s, t);

  predicate tidset_removed{A, B}(struct tidset *s, integer t) =
    tidset_card{B}(s) == tidset_card{A}(s) - 1 && tidset_member_removed{A, B}(s, t);

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
