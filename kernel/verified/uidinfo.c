/* Per-uid process counts (contracts in uidinfo.h). Proved by WP. */
#include "kernel/verified/uidinfo.h"

#include "kernel/verified/atomics.h"

int chgproccnt(struct uidinfo* uip, int diff, unsigned long long max) {
  int cur = vc_atomic_load_int(&uip->ui_proccnt);
  /*@ loop invariant cur == uip->ui_proccnt == \at(uip->ui_proccnt, Pre);
      loop assigns cur, uip->ui_proccnt;
   */
  do {
    if (diff > 0) {
      if (cur > VC_INT_MAX - diff) return 0;
      /* NOLINTNEXTLINE(bugprone-misplaced-widening-cast): the int sum cannot overflow (above) */
      if ((unsigned long long)(cur + diff) > max) return 0;
    }
    /*@ assert 0 <= cur + diff; */
  } while (!vc_atomic_cas_int(&uip->ui_proccnt, &cur, cur + diff));
  return 1;
}

int uidinfo_proccnt(const struct uidinfo* uip) { return vc_atomic_load_int(&uip->ui_proccnt); }
