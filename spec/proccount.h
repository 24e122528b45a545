/*
 * ACSL logic for the system-wide process count (kernel/verified/nprocs.h).
 *
 * The invariant: 0 <= nprocs <= maxproc at every instant. The seed's rule for
 * taking a slot: a non-root user may not take one of the last
 * NPROCS_ROOT_RESERVE slots, root may not exceed maxproc.
 */
#ifndef TINE_SPEC_PROCCOUNT_H
#define TINE_SPEC_PROCCOUNT_H

#include "kernel/verified/vc_types.h"

#define PROCCOUNT_OK(pc) \
  (\valid(pc) && 0 <= (pc)->maxproc && 0 <= (pc)->nprocs <= (pc)->maxproc)

/*@
  predicate proccount_ok{L}(struct proccount *pc) = PROCCOUNT_OK(pc);

  // The number of slots a user may fill: all of them for root, all but the
  // reserve for everyone else.
  logic integer nprocs_limit{L}(struct proccount *pc, integer uid) =
    uid == 0 ? pc->maxproc : pc->maxproc - NPROCS_ROOT_RESERVE;

  // The user may take one more slot now.
  predicate nprocs_room{L}(struct proccount *pc, integer uid) =
    pc->nprocs < nprocs_limit(pc, uid);

  // "nprocs equals the number of processes and is at most maxproc".
  predicate nprocs_census{L}(struct proccount *pc, integer nproc) =
    proccount_ok(pc) && pc->nprocs == nproc;
*/

#endif
