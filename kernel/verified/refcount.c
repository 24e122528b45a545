/* The reference-count primitive (contracts in refcount.h). Proved by WP. */
#include "kernel/verified/refcount.h"

#include "kernel/verified/atomics.h"
#include "kernel/verified/refcount_magic.h"

void refcount_init(struct refcount* r, int n) {
  r->rc_count = n;
#ifdef TINE_DEBUG
  r->rc_magic = REFCOUNT_MAGIC;
#endif
}

int refcount_read(const struct refcount* r) { return vc_atomic_load_int(&r->rc_count); }

void refcount_hold(struct refcount* r) { (void)vc_refcount_add(r, 1); }

void refcount_acquire(struct refcount* r) { (void)vc_refcount_add(r, 1); }

int refcount_release(struct refcount* r) {
  int old = vc_refcount_add(r, -1);
  return old == 1;
}

int refcount_release_unless_last(struct refcount* r) {
  /* The count moves only by this compare-and-swap, from the value just
   * compared with 1: a release by another CPU in between fails the swap, cur
   * receives the new count and the check runs again. */
  int cur = vc_atomic_load_int(&r->rc_count);
  /*@ loop invariant cur == r->rc_count == \at(r->rc_count, Pre);
      loop assigns cur, r->rc_count;
   */
  do {
    if (cur == 1) return 0;
  } while (!vc_atomic_cas_int(&r->rc_count, &cur, cur - 1));
  return 1;
}

void refcount_unhold(struct refcount* r) { (void)vc_refcount_add(r, -1); }
