/*
 * The atomic operations the verified core uses, one small function each.
 *
 * WP cannot read GCC's __atomic builtins, so each atomic step is a function
 * whose contract WP assumes; atomics.c defines them with the builtins and is
 * compiled into the kernel and the host tests but not proved. The contracts
 * give each step's effect as seen by the CPU that runs it (a linearizable
 * step): WP proves the callers under the sequential reading of these steps,
 * and the callers write shared counters only through vc_atomic_cas_int with a
 * new value computed from the compared one, which is what keeps their bounds
 * at every instant when several CPUs run them (docs/verification.md).
 *
 * Checked by: tests/host/verified/atomics_test.cpp.
 */
#ifndef TINE_KERNEL_VERIFIED_ATOMICS_H
#define TINE_KERNEL_VERIFIED_ATOMICS_H

#include "kernel/verified/vc_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Acquire load of *p. */
/*@ requires \valid_read(p);
    assigns \nothing;
    ensures \result == *p;
 */
int vc_atomic_load_int(const int* p);

/* Strong compare-and-swap, acquire-release: if *p equals *expected, store
 * desired and return 1; otherwise copy the value seen into *expected and
 * return 0. */
/*@ requires \valid(p) && \valid(expected) && \separated(p, expected);
    assigns *p, *expected;
    behavior swapped:
      assumes *p == *expected;
      assigns *p;
      ensures *p == desired;
      ensures \result == 1;
    behavior lost:
      assumes *p != *expected;
      assigns *expected;
      ensures *expected == *p;
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
 */
int vc_atomic_cas_int(int* p, int* expected, int desired);

/* Fetch-and-add, acquire-release; returns the value before the addition. */
/*@ requires \valid(p);
    requires -VC_INT_MAX - 1 <= *p + delta <= VC_INT_MAX;
    assigns *p;
    ensures *p == \old(*p) + delta;
    ensures \result == \old(*p);
 */
int vc_atomic_fetch_add_int(int* p, int delta);

#ifdef __cplusplus
}
#endif

#endif
