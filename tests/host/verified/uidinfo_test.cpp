// Every behavior of chgproccnt's contract (uidinfo.h).
#include <gtest/gtest.h>

#include "kernel/verified/uidinfo.h"

namespace {
uidinfo make(int proccnt) {
  uidinfo ui{};
  ui.ui_ref.rc_count = 1;
  ui.ui_proccnt = proccnt;
  return ui;
}
}  // namespace

TEST(VerifiedChgproccnt, LowerAlwaysSucceeds) {
  uidinfo ui = make(3);
  EXPECT_EQ(chgproccnt(&ui, -1, 1), 1);  // even below a limit of 1 it lowers
  EXPECT_EQ(ui.ui_proccnt, 2);
  EXPECT_EQ(chgproccnt(&ui, 0, 1), 1);
  EXPECT_EQ(ui.ui_proccnt, 2);
  EXPECT_EQ(chgproccnt(&ui, -2, 0), 1);
  EXPECT_EQ(ui.ui_proccnt, 0);
}

TEST(VerifiedChgproccnt, RaiseWithinTheLimit) {
  uidinfo ui = make(4);
  EXPECT_EQ(chgproccnt(&ui, 1, 5), 1);  // up to the limit exactly
  EXPECT_EQ(ui.ui_proccnt, 5);
}

TEST(VerifiedChgproccnt, RaiseWithInfinityHasNoLimit) {
  uidinfo ui = make(1000000);
  EXPECT_EQ(chgproccnt(&ui, 1, VC_RLIM_INFINITY), 1);  // what fork passes for root
  EXPECT_EQ(ui.ui_proccnt, 1000001);
}

// RLIMIT_NPROC 0 admits no new process (Linux; BSD after its clamp), not "no limit".
TEST(VerifiedChgproccnt, ZeroLimitRefusesEveryRaise) {
  uidinfo ui = make(0);
  EXPECT_EQ(chgproccnt(&ui, 1, 0), 0);
  EXPECT_EQ(ui.ui_proccnt, 0);
  ui = make(3);
  EXPECT_EQ(chgproccnt(&ui, 1, 0), 0);
  EXPECT_EQ(chgproccnt(&ui, -1, 0), 1);  // lowering is always allowed
  EXPECT_EQ(ui.ui_proccnt, 2);
}

TEST(VerifiedChgproccnt, OverTheLimitIsRefused) {
  uidinfo ui = make(5);
  EXPECT_EQ(chgproccnt(&ui, 1, 5), 0);
  EXPECT_EQ(ui.ui_proccnt, 5);
  EXPECT_EQ(chgproccnt(&ui, 3, 7), 0);
  EXPECT_EQ(ui.ui_proccnt, 5);
}

TEST(VerifiedChgproccnt, OverflowIsRefusedEvenWithoutALimit) {
  uidinfo ui = make(VC_INT_MAX);
  EXPECT_EQ(chgproccnt(&ui, 1, VC_RLIM_INFINITY), 0);
  EXPECT_EQ(ui.ui_proccnt, VC_INT_MAX);
}

TEST(VerifiedChgproccnt, InfiniteRlimitIsNoLimit) {
  uidinfo ui = make(7);
  EXPECT_EQ(chgproccnt(&ui, 1, ~0ull), 1);
  EXPECT_EQ(uidinfo_proccnt(&ui), 8);
}
