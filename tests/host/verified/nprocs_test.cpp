// Every behavior of the process count's contracts (nprocs.h), and the seed's
// rule at the edges.
#include <gtest/gtest.h>

#include "kernel/verified/nprocs.h"

namespace {
proccount make(int maxproc, int nprocs) {
  proccount pc;
  nprocs_init(&pc, maxproc, nprocs);
  return pc;
}
}  // namespace

TEST(VerifiedNprocs, InitSetsBoth) {
  proccount pc = make(100, 1);
  EXPECT_EQ(pc.maxproc, 100);
  EXPECT_EQ(pc.nprocs, 1);
  EXPECT_EQ(nprocs_read(&pc), 1);
}

TEST(VerifiedNprocs, RootGrantedUpToMaxproc) {
  proccount pc = make(20, 19);
  EXPECT_EQ(nprocs_reserve(&pc, 0), VC_OK);  // root_granted: the very last slot
  EXPECT_EQ(pc.nprocs, 20);
}

TEST(VerifiedNprocs, RootRefusedAtMaxproc) {
  proccount pc = make(20, 20);
  EXPECT_EQ(nprocs_reserve(&pc, 0), VC_EAGAIN);  // root_refused
  EXPECT_EQ(pc.nprocs, 20);
}

TEST(VerifiedNprocs, UserGrantedBelowTheReserve) {
  proccount pc = make(20, 9);
  EXPECT_EQ(nprocs_reserve(&pc, 1000), VC_OK);  // user_granted: slot 10 of 20
  EXPECT_EQ(pc.nprocs, 10);
}

TEST(VerifiedNprocs, UserRefusedInTheLastTenSlots) {
  proccount pc = make(20, 10);
  for (int n = 10; n < 20; ++n) {
    pc.nprocs = n;
    EXPECT_EQ(nprocs_reserve(&pc, 1000), VC_EAGAIN) << "user took slot " << n + 1;  // user_refused
    EXPECT_EQ(pc.nprocs, n);
  }
  pc.nprocs = 10;
  EXPECT_EQ(nprocs_reserve(&pc, 0), VC_OK) << "root may use the reserve";
}

TEST(VerifiedNprocs, UserNeverGrantedWhenMaxprocBelowTheReserve) {
  proccount pc = make(5, 0);
  EXPECT_EQ(nprocs_reserve(&pc, 1), VC_EAGAIN);
  EXPECT_EQ(nprocs_reserve(&pc, 0), VC_OK);
}

TEST(VerifiedNprocs, ReleaseGivesASlotBack) {
  proccount pc = make(20, 5);
  nprocs_release(&pc);
  EXPECT_EQ(pc.nprocs, 4);
}
