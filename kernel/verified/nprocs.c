/* The system-wide process count (contracts in nprocs.h). Proved by WP. */
#include "kernel/verified/nprocs.h"

#include "kernel/verified/atomics.h"

void nprocs_init(struct proccount* pc, int maxproc, int nprocs) {
  pc->maxproc = maxproc;
  pc->nprocs = nprocs;
}

int nprocs_reserve(struct proccount* pc, vc_uid_t uid) {
  int limit = pc->maxproc;
  if (uid != 0) limit -= NPROCS_ROOT_RESERVE;

  /* The count moves only by this compare-and-swap, from the value just
   * compared with the limit. If another CPU changed it in between, the swap
   * fails, cur receives the new value and the check runs again. */
  int cur = vc_atomic_load_int(&pc->nprocs);
  /*@ loop invariant cur == pc->nprocs == \at(pc->nprocs, Pre);
      loop assigns cur, pc->nprocs;
   */
  do {
    if (cur >= limit) return VC_EAGAIN;
    /*@ assert 0 <= cur + 1 <= pc->maxproc; */
  } while (!vc_atomic_cas_int(&pc->nprocs, &cur, cur + 1));
  return VC_OK;
}

void nprocs_release(struct proccount* pc) { (void)vc_atomic_fetch_add_int(&pc->nprocs, -1); }

int nprocs_read(const struct proccount* pc) { return vc_atomic_load_int(&pc->nprocs); }
