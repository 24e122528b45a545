/*
 * The atomic steps of the verified core (contracts in atomics.h).
 * Compiled, not proved: WP assumes the contracts.
 */
#include "kernel/verified/atomics.h"

int vc_atomic_load_int(const int* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

int vc_atomic_cas_int(int* p, int* expected, int desired) {
  return __atomic_compare_exchange_n(p, expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE);
}

int vc_atomic_fetch_add_int(int* p, int delta) {
  return __atomic_fetch_add(p, delta, __ATOMIC_ACQ_REL);
}
