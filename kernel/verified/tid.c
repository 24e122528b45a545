/* TIDs within a process (contracts in tid.h). Proved by WP.
 *
 * The set's C functions (tidset.h) say only which member changed. What that
 * does to its size, tidset_card (spec/tids.h: the members counted one by one
 * from 0 to LWP_TID_MAX), is an induction on the count's bound, which SMT
 * provers do not do by themselves; the ghost loops below are that induction
 * (each iteration is one step, proved as a loop invariant). Ghost code is not
 * compiled. */
#include "kernel/verified/tid.h"

#include "kernel/verified/tidset.h"

void lwp_tids_init(struct lwp_tids* pt) {
  pt->p_lasttid = -1;
  pt->p_nthreads = 0;
  tidset_init(&pt->p_lwps);
  /* No members: no member below any bound. */
  /*@ ghost
    /@ loop invariant 0 <= i <= LWP_TID_MAX + 1;
       loop invariant tid_count(&pt->p_lwps, i) == 0;
       loop assigns i;
       loop variant LWP_TID_MAX + 1 - i; @/
    for (long long i = 0; i < (long long)LWP_TID_MAX + 1; i++) {}
  */
}

/* tidset_insert, with what it does to the count. */
/*@ requires \valid(s);
    requires node != \null;
    requires tid_valid(tid);
    assigns s->ts_tree;
    behavior inserted:
      assumes !tid_in_use(s, tid);
      ensures \result == 1;
      ensures tidset_added{Old, Here}(s, tid);
    behavior taken:
      assumes tid_in_use(s, tid);
      ensures \result == 0;
      ensures tidset_same{Old, Here}(s);
    complete behaviors;
    disjoint behaviors;
 */
static int tid_insert(struct tidset* s, struct tidnode* node, int tid) {
  int inserted = tidset_insert(s, node, tid);
  /* One more member below each bound past tid if it went in, else none. */
  /*@ ghost
    /@ loop invariant 0 <= i <= LWP_TID_MAX + 1;
       loop invariant tid_count(s, i) ==
                        tid_count{Pre}(s, i) + (inserted != 0 && tid < i ? 1 : 0);
       loop assigns i;
       loop variant LWP_TID_MAX + 1 - i; @/
    for (long long i = 0; i < (long long)LWP_TID_MAX + 1; i++) {}
  */
  return inserted;
}

int lwp_tid_alloc_locked(struct lwp_tids* pt, struct tidnode* node) {
  int last = pt->p_lasttid;
  int tid = last; /* the last candidate tried */
  int wrapped = 0;

  /*@ loop invariant 0 <= wrapped <= 1;
      loop invariant wrapped == 0 ==> last <= tid <= LWP_TID_MAX;
      loop invariant wrapped == 1 ==> 1 <= tid <= last;
      loop invariant \forall integer t;
                       tid_tried(last, tid, wrapped, t) ==> tid_in_use(&pt->p_lwps, t);
      loop invariant tidset_same{Pre, Here}(&pt->p_lwps);
      loop assigns tid, wrapped, pt->p_lwps.ts_tree;
      loop variant (wrapped == 0 ? LWP_TID_MAX + 2 : 0) + (LWP_TID_MAX + 1 - tid);
   */
  for (;;) {
    if (tid >= LWP_TID_MAX) {
      if (wrapped) return -1; /* came round to p_lasttid: all in use */
      wrapped = 1;
      tid = 1;
    } else {
      tid = tid + 1;
    }
    if (wrapped && tid > last) return -1;
    if (tid_insert(&pt->p_lwps, node, tid)) break;
  }
  pt->p_lasttid = tid;
  pt->p_nthreads = pt->p_nthreads + 1;
  return tid;
}

struct tidnode* lwp_tid_remove_locked(struct lwp_tids* pt, int tid) {
  struct tidnode* node = tidset_remove(&pt->p_lwps, tid);
  /* One member fewer below each bound past tid; a count is never negative. */
  /*@ ghost
    /@ loop invariant 0 <= i <= LWP_TID_MAX + 1;
       loop invariant tid_count(&pt->p_lwps, i) ==
                        tid_count{Pre}(&pt->p_lwps, i) - (tid < i ? 1 : 0);
       loop invariant tid_count(&pt->p_lwps, i) >= 0;
       loop assigns i;
       loop variant LWP_TID_MAX + 1 - i; @/
    for (long long i = 0; i < (long long)LWP_TID_MAX + 1; i++) {}
  */
  pt->p_nthreads = pt->p_nthreads - 1;
  return node;
}

struct tidnode* lwp_tid_lookup_locked(struct lwp_tids* pt, int tid) {
  return tidset_lookup(&pt->p_lwps, tid);
}
