/* TIDs within a process (contracts in tid.h). Proved by WP. */
#include "kernel/verified/tid.h"

#include "kernel/verified/tidset.h"

void lwp_tids_init(struct lwp_tids* pt) {
  pt->p_lasttid = -1;
  pt->p_nthreads = 0;
  tidset_init(&pt->p_lwps);
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
    if (tidset_insert(&pt->p_lwps, node, tid)) break;
  }
  pt->p_lasttid = tid;
  pt->p_nthreads = pt->p_nthreads + 1;
  return tid;
}

struct tidnode* lwp_tid_remove_locked(struct lwp_tids* pt, int tid) {
  struct tidnode* node = tidset_remove(&pt->p_lwps, tid);
  pt->p_nthreads = pt->p_nthreads - 1;
  return node;
}

struct tidnode* lwp_tid_lookup_locked(struct lwp_tids* pt, int tid) {
  return tidset_lookup(&pt->p_lwps, tid);
}
