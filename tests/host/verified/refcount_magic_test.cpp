// The count update WP assumes (kernel/verified/refcount_magic.h), checked
// against its contract, and the debug build's magic check: a hold or release
// on freed or foreign memory stops at once, naming what it found.
#include <gtest/gtest.h>
#include <string.h>

#include "kernel/mm/poison.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/refcount_magic.h"

namespace {

refcount counted(int n) {
  refcount r;
  refcount_init(&r, n);
  return r;
}

// A counted object after kfree or page_free poisoned it.
template <typename T>
void poison(T* o) {
  memset(static_cast<void*>(o), kPoisonFree, sizeof *o);
}

}  // namespace

TEST(VerifiedRefcountMagic, AddReturnsTheOldCountAndAdds) {
  refcount r = counted(10);
  EXPECT_EQ(vc_refcount_add(&r, 3), 10);
  EXPECT_EQ(r.rc_count, 13);
  EXPECT_EQ(vc_refcount_add(&r, -13), 13);
  EXPECT_EQ(r.rc_count, 0);
  EXPECT_EQ(r.rc_magic, REFCOUNT_MAGIC);  // assigns only the count
}

TEST(VerifiedRefcountMagic, TellsCountedFreedAndForeignApart) {
  ASSERT_TRUE(kRefcountMagicChecked);  // the host build is a debug build
  refcount r = counted(1);
  EXPECT_EQ(refcount_magic(&r), RefcountMagic::kOk);
  poison(&r);
  EXPECT_EQ(refcount_magic(&r), RefcountMagic::kFreed);
  refcount zero{};
  EXPECT_EQ(refcount_magic(&zero), RefcountMagic::kForeign);
  EXPECT_STREQ(refcount_magic_name(RefcountMagic::kFreed), "freed memory");
}

TEST(VerifiedRefcountMagic, HoldOrReleaseOnFreedMemoryPanics) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ucred cr{};
  refcount_init(&cr.cr_ref, 1);
  poison(&cr);
  EXPECT_DEATH(crhold(&cr),
               "refcount: hold of the count at 0x[0-9a-f]+: magic 0x6b6b6b6b, count "
               "1802201963: freed memory");
  EXPECT_DEATH(crfree(&cr), "refcount: release of the count at 0x[0-9a-f]+: .*freed memory");
  proc_core p{};
  refcount_init(&p.p_lock, 0);
  poison(&p);
  EXPECT_DEATH(proc_hold(&p), "hold of the count .*freed memory");
}

TEST(VerifiedRefcountMagic, HoldOnSomethingNeverCountedPanics) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  vmspace vm{};
  vm.vm_ref.rc_count = 1;  // a count, but refcount_init never ran
  EXPECT_DEATH(vmspace_hold(&vm),
               "hold of the count at 0x[0-9a-f]+: magic 0, count 1: not a "
               "counted object");
  pgrp pg{};
  refcount_init(&pg.pg_ref, 2);
  pg.pg_ref.rc_magic = 0xdeadbeef;
  EXPECT_DEATH(pgrel(&pg), "release of the count .*magic 0xdeadbeef, count 2: not a counted");
}

TEST(VerifiedRefcountMagic, EveryObjectKindChecks) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  uidinfo ui{};
  sigacts ps{};
  filedesc fd{};
  fdtol tl{};
  plimit lim{};
  pargs pa{};
  EXPECT_DEATH(uihold(&ui), "not a counted object");
  EXPECT_DEATH(sigacts_hold(&ps), "not a counted object");
  EXPECT_DEATH(fdshare(&fd), "not a counted object");
  EXPECT_DEATH(fdtol_hold(&tl), "not a counted object");
  EXPECT_DEATH(plimit_hold(&lim), "not a counted object");
  EXPECT_DEATH(pargs_hold(&pa), "not a counted object");
}
