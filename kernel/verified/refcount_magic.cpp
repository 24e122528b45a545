// The count update and its magic check (contract in refcount_magic.h).
// Compiled, not proved: WP assumes the contract.
#include "kernel/verified/refcount_magic.h"

#include "kernel/mm/poison.h"
#include "kernel/panic.h"
#include "kernel/verified/contract_checks.h"

#ifdef TINE_DEBUG
RefcountMagic refcount_magic(const struct refcount* r) {
  unsigned int m = __atomic_load_n(&r->rc_magic, __ATOMIC_RELAXED);
  if (m == REFCOUNT_MAGIC) return RefcountMagic::kOk;
  if (m == static_cast<unsigned int>(kPoisonFreeWord)) return RefcountMagic::kFreed;
  return RefcountMagic::kForeign;
}

const char* refcount_magic_name(RefcountMagic m) {
  switch (m) {
    case RefcountMagic::kOk: return "a counted object";
    case RefcountMagic::kFreed: return "freed memory";
    case RefcountMagic::kForeign: return "not a counted object";
  }
  return "?";
}

namespace {

void check_magic(const struct refcount* r, int delta) {
  RefcountMagic m = refcount_magic(r);
  if (m != RefcountMagic::kOk)
    panic("refcount: %s of the count at %p: magic %#x, count %d: %s",
          delta > 0 ? "hold" : "release", static_cast<const void*>(r), r->rc_magic, r->rc_count,
          refcount_magic_name(m));
}

}  // namespace
#endif

extern "C" int vc_refcount_add(struct refcount* r, int delta) {
#ifdef TINE_DEBUG
  check_magic(r, delta);
#endif
  int old = __atomic_fetch_add(&r->rc_count, delta, __ATOMIC_ACQ_REL);
  vc_contract::vc_refcount_add_requires(r, old, delta);
  return old;
}
