/*
 * Per-uid process counts (the seed's chgproccnt). The references to a
 * struct uidinfo are in objects.h (uihold/uidrop).
 */
#ifndef TINE_KERNEL_VERIFIED_UIDINFO_H
#define TINE_KERNEL_VERIFIED_UIDINFO_H

#include "kernel/verified/vc_types.h"
#include "spec/uidinfo.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Change the number of tasks charged to uip by diff. A rise is refused
 * (returns 0, nothing changed) if it would exceed max (VC_RLIM_INFINITY: no
 * limit; 0: no rise at all), or overflow the count; otherwise the count
 * changes and 1 is returned.
 * Like nprocs, the count only moves by compare-and-swap from a checked value,
 * so a limit is never exceeded even transiently. */
/*@ requires UIDINFO_OK(uip);
    requires -VC_INT_MAX <= diff;
    requires diff < 0 ==> uip->ui_proccnt + diff >= 0;
    assigns uip->ui_proccnt;
    ensures UIDINFO_OK(uip);
    behavior lower:
      assumes diff <= 0;
      ensures \result == 1;
      ensures uip->ui_proccnt == \old(uip->ui_proccnt) + diff;
    behavior raise:
      assumes diff > 0 && proccnt_fits(uip, diff, max);
      ensures \result == 1;
      ensures uip->ui_proccnt == \old(uip->ui_proccnt) + diff;
    behavior over_limit:
      assumes diff > 0 && !proccnt_fits(uip, diff, max);
      ensures \result == 0;
      ensures uip->ui_proccnt == \old(uip->ui_proccnt);
    complete behaviors;
    disjoint behaviors;
 */
int chgproccnt(struct uidinfo* uip, int diff, unsigned long long max);

/* A snapshot of the count. */
/*@ requires UIDINFO_OK(uip);
    assigns \nothing;
    ensures \result == uip->ui_proccnt;
 */
int uidinfo_proccnt(const struct uidinfo* uip);

#ifdef __cplusplus
}
#endif

#endif
