// Every behavior of the reference-count primitive's contracts.
#include <gtest/gtest.h>

#include "kernel/verified/refcount.h"

namespace {

// A count as refcount_init leaves it (with the magic the debug checks want).
refcount counted(int n) {
  refcount r;
  refcount_init(&r, n);
  return r;
}

}  // namespace

TEST(VerifiedRefcount, InitSetsTheCountAndTheMagic) {
  refcount r{99, 0};
  refcount_init(&r, 0);
  EXPECT_EQ(r.rc_count, 0);
  EXPECT_EQ(r.rc_magic, REFCOUNT_MAGIC);  // the host build is a debug build
  refcount_init(&r, REFCOUNT_MAX);
  EXPECT_EQ(r.rc_count, REFCOUNT_MAX);
}

TEST(VerifiedRefcount, ReadIsTheCount) {
  refcount r = counted(3);
  EXPECT_EQ(refcount_read(&r), 3);
}

TEST(VerifiedRefcount, HoldAddsOne) {
  refcount r = counted(1);
  refcount_hold(&r);
  EXPECT_EQ(r.rc_count, 2);
  r.rc_count = REFCOUNT_MAX - 1;  // the largest count the contract allows
  refcount_hold(&r);
  EXPECT_EQ(r.rc_count, REFCOUNT_MAX);
}

TEST(VerifiedRefcount, AcquireWorksFromZero) {
  refcount r = counted(0);
  refcount_acquire(&r);
  EXPECT_EQ(r.rc_count, 1);
}

TEST(VerifiedRefcount, ReleaseLastReturnsOne) {
  refcount r = counted(1);
  EXPECT_EQ(refcount_release(&r), 1);
  EXPECT_EQ(r.rc_count, 0);
}

TEST(VerifiedRefcount, ReleaseOthersRemainReturnsZero) {
  refcount r = counted(4);
  EXPECT_EQ(refcount_release(&r), 0);
  EXPECT_EQ(r.rc_count, 3);
}

TEST(VerifiedRefcount, UnholdGivesBackANonLastReference) {
  refcount r = counted(2);
  refcount_unhold(&r);
  EXPECT_EQ(r.rc_count, 1);
}
