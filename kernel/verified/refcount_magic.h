/*
 * The count update of the reference-count primitive, and the debug kernel's
 * check of the magic that goes with it.
 *
 * Every hold and release (refcount.c) changes a count through
 * vc_refcount_add. In the debug kernel (TINE_DEBUG) it first checks the
 * count's magic (vc_types.h), which refcount_init set, and panics when it is
 * not REFCOUNT_MAGIC: the count lies in freed memory (kfree and page_free fill
 * it with the poison, kernel/mm/poison.h) or in something that was never a
 * counted object. A stale pointer to a counted object thus stops the kernel at
 * its first hold or release. In the release kernel it is the bare atomic add.
 *
 * vc_refcount_add is defined in C++ (refcount_magic.cpp), so WP assumes its
 * contract, which describes the calls that return; the panic does not.
 * Checked by: tests/host/verified/refcount_magic_test.cpp.
 */
#ifndef TINE_KERNEL_VERIFIED_REFCOUNT_MAGIC_H
#define TINE_KERNEL_VERIFIED_REFCOUNT_MAGIC_H

#include "kernel/verified/vc_types.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Fetch-and-add on the count, acquire-release; returns the count before the
 * addition. Debug kernel: panics first if r's magic is wrong. */
/*@ requires \valid(r);
    requires -VC_INT_MAX - 1 <= r->rc_count + delta <= VC_INT_MAX;
    assigns r->rc_count;
    ensures r->rc_count == \old(r->rc_count) + delta;
    ensures \result == \old(r->rc_count);
 */
int vc_refcount_add(struct refcount* r, int delta);

#ifdef __cplusplus
}

#ifdef TINE_DEBUG
inline constexpr bool kRefcountMagicChecked = true;

// What the debug check makes of a count's magic; the panic names it.
enum class RefcountMagic {
  kOk,       // REFCOUNT_MAGIC: a counted object refcount_init set up
  kFreed,    // the poison: the object was freed
  kForeign,  // anything else: not a counted object (or one never initialised)
};
RefcountMagic refcount_magic(const struct refcount* r);
const char* refcount_magic_name(RefcountMagic m);
#else
inline constexpr bool kRefcountMagicChecked = false;
#endif
#endif

#endif
