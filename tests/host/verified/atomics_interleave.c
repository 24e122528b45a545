/* The host tests' atomics: kernel/verified/atomics.c's own (compiled with its
 * functions renamed *_real, see CMakeLists.txt), each preceded by a yield
 * while vc_test_interleave is set. Racing threads then change places at
 * every atomic step, even on a loaded host with one free core, so a race
 * between two steps (a limit checked, then a plain add) shows at once. */
#include <sched.h>

#include "kernel/verified/atomics.h"

int vc_test_interleave;

int vc_atomic_load_int_real(const int* p);
int vc_atomic_cas_int_real(int* p, int* expected, int desired);
int vc_atomic_fetch_add_int_real(int* p, int delta);

static void maybe_yield(void) {
  if (__atomic_load_n(&vc_test_interleave, __ATOMIC_RELAXED)) sched_yield();
}

int vc_atomic_load_int(const int* p) {
  maybe_yield();
  return vc_atomic_load_int_real(p);
}

int vc_atomic_cas_int(int* p, int* expected, int desired) {
  maybe_yield();
  return vc_atomic_cas_int_real(p, expected, desired);
}

int vc_atomic_fetch_add_int(int* p, int delta) {
  maybe_yield();
  return vc_atomic_fetch_add_int_real(p, delta);
}
