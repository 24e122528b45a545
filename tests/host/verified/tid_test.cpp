// TID allocation and removal (tid.h) with the real LWP_TID_MAX: the seed's
// rule, every behavior of the contracts, and the wrap past LWP_TID_MAX.
#include <gtest/gtest.h>

#include <vector>

#include "kernel/verified/tid.h"
#include "kernel/verified/tidset.h"

namespace {
struct Proc {
  lwp_tids t{};
  std::vector<tidnode> nodes = std::vector<tidnode>(16);
  size_t used = 0;
  Proc() { lwp_tids_init(&t); }
  int alloc() { return lwp_tid_alloc_locked(&t, &nodes[used++]); }
};
}  // namespace

TEST(VerifiedTid, InitIsBlank) {
  Proc p;
  EXPECT_EQ(p.t.p_lasttid, -1);
  EXPECT_EQ(p.t.p_nthreads, 0);
  EXPECT_EQ(tidtree::size(p.t.p_lwps), 0u);
}

TEST(VerifiedTid, FirstTidIsZeroThenIncreasing) {
  Proc p;
  EXPECT_EQ(p.alloc(), 0);
  EXPECT_EQ(p.alloc(), 1);
  EXPECT_EQ(p.alloc(), 2);
  EXPECT_EQ(p.t.p_lasttid, 2);
  EXPECT_EQ(p.t.p_nthreads, 3);
}

TEST(VerifiedTid, RemovedTidsAreNotReusedBeforeTheWrap) {
  Proc p;
  ASSERT_EQ(p.alloc(), 0);
  ASSERT_EQ(p.alloc(), 1);
  EXPECT_EQ(lwp_tid_remove_locked(&p.t, 0), &p.nodes[0]);
  EXPECT_EQ(p.t.p_nthreads, 1);
  EXPECT_EQ(p.t.p_lasttid, 1);  // removal leaves p_lasttid alone
  EXPECT_EQ(p.alloc(), 2);
}

TEST(VerifiedTid, WrapsToOneAfterTheMaximum) {
  Proc p;
  ASSERT_EQ(p.alloc(), 0);
  p.t.p_lasttid = LWP_TID_MAX - 1;
  EXPECT_EQ(p.alloc(), LWP_TID_MAX);
  EXPECT_EQ(p.alloc(), 1);  // 0 is never handed out again
  EXPECT_EQ(p.t.p_lasttid, 1);
}

TEST(VerifiedTid, SkipsTidsInUseAfterTheWrap) {
  Proc p;
  ASSERT_EQ(p.alloc(), 0);
  ASSERT_EQ(p.alloc(), 1);
  ASSERT_EQ(p.alloc(), 2);
  p.t.p_lasttid = LWP_TID_MAX;
  EXPECT_EQ(p.alloc(), 3);  // 1 and 2 are live
  EXPECT_EQ(p.t.p_nthreads, 4);
}

TEST(VerifiedTid, LookupFindsLiveLwps) {
  Proc p;
  ASSERT_EQ(p.alloc(), 0);
  EXPECT_EQ(lwp_tid_lookup_locked(&p.t, 0), &p.nodes[0]);
  EXPECT_EQ(lwp_tid_lookup_locked(&p.t, 1), nullptr);
}
