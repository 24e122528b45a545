// The debug kernel's magic on reference counts: what a hold or release on a
// counted object finds once the object is freed. vc_refcount_add panics on
// anything but kOk; these cases call the check it uses, refcount_magic().
#include "kernel/ktest/ktest.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/sync/crit.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/refcount_magic.h"

#ifdef TINE_DEBUG  // the release kernel has no magic

KTEST(refcount_magic_marks_freed_objects) {
  auto* cr = static_cast<struct ucred*>(kmalloc(sizeof(struct ucred), M_UCRED, M_WAITOK | M_ZERO));
  KASSERT_T(cr != nullptr);
  KEXPECT(refcount_magic(&cr->cr_ref) == RefcountMagic::kForeign);  // not initialised yet
  refcount_init(&cr->cr_ref, 1);
  KEXPECT(refcount_magic(&cr->cr_ref) == RefcountMagic::kOk);
  KEXPECT(crhold(cr) == cr);
  KEXPECT_EQ(crfree(cr), 0);
  KEXPECT_EQ(crfree(cr), 1);
  kfree(cr, M_UCRED);
  // A stale crhold(cr) now would panic: "hold of the count at ...: freed memory".
  KEXPECT(refcount_magic(&cr->cr_ref) == RefcountMagic::kFreed);
}

// An object too large for a slab is a page block: the page allocator's poison.
KTEST(refcount_magic_marks_freed_pages) {
  crit_enter();  // nothing else on this CPU takes the page back meanwhile
  auto* ps = static_cast<struct sigacts*>(kmalloc(3000, M_SIGACTS, M_WAITOK));
  KASSERT_T(ps != nullptr);
  refcount_init(&ps->ps_ref, 1);
  KEXPECT(refcount_magic(&ps->ps_ref) == RefcountMagic::kOk);
  KEXPECT_EQ(sigacts_drop(ps), 1);
  kfree(ps, M_SIGACTS);
  KEXPECT(refcount_magic(&ps->ps_ref) == RefcountMagic::kFreed);
  crit_exit();
}

// Memory that never held a counted object.
KTEST(refcount_magic_marks_foreign_memory) {
  struct refcount junk;
  junk.rc_count = 1;
  junk.rc_magic = 0x12345678u;
  KEXPECT(refcount_magic(&junk) == RefcountMagic::kForeign);
  refcount_init(&junk, 1);
  KEXPECT(refcount_magic(&junk) == RefcountMagic::kOk);
}
#endif
