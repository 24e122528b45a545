/* Runs the EL0 instruction that argv[1] names and exits 0 if it completed, so a
 * test can tell what EL0 may touch: a trapped one ends the process with SIGILL.
 *   sysreg_probe cntvct | cntpct | cntp_ctl | cntp_cval | cntv_ctl | cache */
#include "tine.h"

/* A page of code whose data lines the cache maintenance below works on. */
static void target(void) {}

int main(int argc, char** argv) {
  const char* what = argc > 1 ? argv[1] : "";
  uint64_t v = 0;
  if (strcmp(what, "cntvct") == 0) {
    /* The virtual counter must tick (CNTVOFF is 0, so it is the system count). */
    uint64_t a, b;
    __asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r"(a));
    for (volatile int i = 0; i < 100000; ++i) {
    }
    __asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r"(b));
    return a != 0 && b > a ? 0 : 1;
  }
  if (strcmp(what, "cntpct") == 0) {
    __asm__ volatile("mrs %0, cntpct_el0" : "=r"(v));
    return 0;
  }
  if (strcmp(what, "cntp_ctl") == 0) {
    __asm__ volatile("msr cntp_ctl_el0, %0" ::"r"(v)); /* would stop the scheduler's tick */
    return 0;
  }
  if (strcmp(what, "cntp_cval") == 0) {
    __asm__ volatile("msr cntp_cval_el0, %0" ::"r"(v));
    return 0;
  }
  if (strcmp(what, "cntv_ctl") == 0) {
    __asm__ volatile("msr cntv_ctl_el0, %0" ::"r"(v));
    return 0;
  }
  if (strcmp(what, "cache") == 0) {
    /* What __clear_cache does: CTR_EL0 for the line sizes, then clean the data
       line to the point of unification and invalidate the instruction line. */
    uintptr_t a = (uintptr_t)target;
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(v));
    __asm__ volatile("dc cvau, %0\n dsb ish\n ic ivau, %0\n dsb ish\n isb" ::"r"(a) : "memory");
    return v != 0 ? 0 : 1;
  }
  printf("sysreg_probe: unknown probe '%s'\n", what);
  return 2;
}
