/*
 * ACSL logic for per-uid process counts (kernel/verified/uidinfo.h).
 *
 * chgproccnt follows the seed: a positive change is refused when it would take
 * the count above `max`; VC_RLIM_INFINITY (what fork passes for root) is no
 * limit, and 0 admits no rise at all (Linux's and the clamped BSD's
 * RLIMIT_NPROC of 0). tine also refuses a change that would overflow the count.
 */
#ifndef TINE_SPEC_UIDINFO_H
#define TINE_SPEC_UIDINFO_H

#include "kernel/verified/vc_types.h"
#include "spec/refcount.h"

#define UIDINFO_OK(uip) \
  (\valid(uip) && 0 <= (uip)->ui_proccnt && REFCOUNT_LIVE(&(uip)->ui_ref))

/*@
  predicate uidinfo_ok{L}(struct uidinfo *uip) = UIDINFO_OK(uip);

  // A positive change of diff fits under max and in an int.
  predicate proccnt_fits{L}(struct uidinfo *uip, integer diff, integer max) =
    uip->ui_proccnt + diff <= VC_INT_MAX && uip->ui_proccnt + diff <= max;

  // The RLIMIT_NPROC that fork applies to a process of real uid `uid` whose
  // limits are `lim`: none (infinity) for root, the soft limit for anyone else.
  logic integer fork_nproc_limit{L}(struct plimit *lim, integer uid) =
    uid == 0 ? VC_RLIM_INFINITY : lim->pl_rlimit[VC_RLIMIT_NPROC].rlim_cur;
*/

#endif
