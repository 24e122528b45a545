// The TID code built with LWP_TID_MAX = 7 (see CMakeLists.txt), so that the
// wrap-around and the exhausted behavior can be driven, and a randomized
// sequence of allocations and removals checked against the seed's rule.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

#include "kernel/verified/charge.h"
#include "kernel/verified/check.h"
#include "kernel/verified/nprocs.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/tid.h"
#include "kernel/verified/tidset.h"
#include "kernel/verified/uidinfo.h"

static_assert(LWP_TID_MAX == 7, "this test is built with a small LWP_TID_MAX");

namespace {

// The seed's rule, written out plainly: the first free candidate after last,
// wrapping to 1; -1 if there is none.
int seed_rule(const std::set<int>& live, int last) {
  int t = last;
  for (int tries = 0; tries <= LWP_TID_MAX + 1; ++tries) {
    t = t >= LWP_TID_MAX ? 1 : t + 1;
    if (live.count(t) == 0) return t;
  }
  return -1;
}

struct Proc {
  lwp_tids t{};
  std::vector<tidnode> nodes = std::vector<tidnode>(LWP_TID_MAX + 2);
  std::vector<bool> busy = std::vector<bool>(LWP_TID_MAX + 2, false);
  std::set<int> live;
  Proc() { lwp_tids_init(&t); }
  int free_node() {
    for (size_t i = 0; i < busy.size(); ++i)
      if (!busy[i]) return static_cast<int>(i);
    return -1;
  }
};

int checker(const lwp_tids* t) {
  vc_report r;
  vc_report_init(&r);
  return vc_check_tids(t, &r);
}

}  // namespace

TEST(VerifiedTidSmall, WrapsToOne) {
  Proc p;
  for (int want = 0; want <= LWP_TID_MAX; ++want) {
    int n = p.free_node();
    p.busy[n] = true;
    ASSERT_EQ(lwp_tid_alloc_locked(&p.t, &p.nodes[n]), want);
  }
  ASSERT_NE(lwp_tid_remove_locked(&p.t, 3), nullptr);
  ASSERT_NE(lwp_tid_remove_locked(&p.t, 0), nullptr);
  EXPECT_EQ(lwp_tid_alloc_locked(&p.t, &p.nodes[LWP_TID_MAX + 1]), 3);  // 0 is not a candidate
}

TEST(VerifiedTidSmall, ExhaustedChangesNothing) {
  Proc p;
  for (int i = 0; i <= LWP_TID_MAX; ++i) ASSERT_EQ(lwp_tid_alloc_locked(&p.t, &p.nodes[i]), i);
  for (int last : {-1, 0, 3, LWP_TID_MAX}) {
    p.t.p_lasttid = last;
    EXPECT_EQ(lwp_tid_alloc_locked(&p.t, &p.nodes[LWP_TID_MAX + 1]), -1) << "last " << last;
    EXPECT_EQ(p.t.p_lasttid, last);
    EXPECT_EQ(p.t.p_nthreads, LWP_TID_MAX + 1);
    EXPECT_FALSE(p.nodes[LWP_TID_MAX + 1].linked);
  }
}

TEST(VerifiedTidSmall, ExhaustedUnlessZeroIsStillACandidate) {
  Proc p;
  // 1..MAX live, 0 free: only a process that never handed out a TID may get 0.
  for (int i = 1; i <= LWP_TID_MAX; ++i) {
    p.t.p_lasttid = i - 1;
    ASSERT_EQ(lwp_tid_alloc_locked(&p.t, &p.nodes[i]), i);
  }
  p.t.p_lasttid = LWP_TID_MAX;
  EXPECT_EQ(lwp_tid_alloc_locked(&p.t, &p.nodes[0]), -1);
  p.t.p_lasttid = -1;
  EXPECT_EQ(lwp_tid_alloc_locked(&p.t, &p.nodes[0]), 0);
}

TEST(VerifiedTidSmall, RandomSequencesFollowTheSeedRule) {
  std::mt19937 rng(99);
  Proc p;
  for (int step = 0; step < 50000; ++step) {
    bool add = p.live.empty() || rng() % 3 != 0;
    if (add) {
      int n = p.free_node();
      int want = seed_rule(p.live, p.t.p_lasttid);
      if (p.t.p_lasttid == -1 && p.live.count(0) == 0) want = 0;
      if (n < 0) continue;
      int last = p.t.p_lasttid;
      int got = lwp_tid_alloc_locked(&p.t, &p.nodes[n]);
      ASSERT_EQ(got, want) << "step " << step << " last " << last;
      if (got >= 0) {
        p.busy[n] = true;
        p.live.insert(got);
        ASSERT_EQ(p.t.p_lasttid, got);
      } else {
        ASSERT_EQ(p.t.p_lasttid, last);
      }
    } else {
      auto it = p.live.begin();
      std::advance(it, rng() % p.live.size());
      int tid = *it;
      tidnode* n = lwp_tid_remove_locked(&p.t, tid);
      ASSERT_NE(n, nullptr);
      p.busy[static_cast<size_t>(n - p.nodes.data())] = false;
      p.live.erase(tid);
    }
    ASSERT_EQ(p.t.p_nthreads, static_cast<int>(p.live.size()));
    ASSERT_EQ(checker(&p.t), 0) << "step " << step;
  }
}

// lwp_join_locked (charge.h) when every TID is in use: the uid's task it
// charged first is given back, and nothing else changed.
TEST(VerifiedTidSmall, JoinWithEveryTidInUseGivesTheTaskBack) {
  Proc p;
  uidinfo ui{};
  refcount_init(&ui.ui_ref, 1);
  proc_core core{};
  core.p_tids = p.t;
  core.p_uidinfo = &ui;
  ucred cr{};  // root's: no RLIMIT_NPROC
  plimit lim{};
  core.p_ucred = &cr;
  core.p_limit = &lim;
  ASSERT_EQ(lwp_tid_alloc_locked(&core.p_tids, &p.nodes[0]), 0);
  ASSERT_EQ(chgproccnt(&ui, 1, VC_RLIM_INFINITY), 1);  // the process's first task
  proccount lc{};  // the LWP count, with room for more than the TIDs
  nprocs_init(&lc, LWP_TID_MAX + 10, 0);
  for (int want = 1; want <= LWP_TID_MAX; ++want)
    ASSERT_EQ(lwp_join_locked(&core, &p.nodes[static_cast<size_t>(want)], &lc), want);
  ASSERT_EQ(ui.ui_proccnt, LWP_TID_MAX + 1);
  ASSERT_EQ(lc.nprocs, LWP_TID_MAX);
  EXPECT_EQ(lwp_join_locked(&core, &p.nodes[LWP_TID_MAX + 1], &lc), -1);
  EXPECT_EQ(ui.ui_proccnt, LWP_TID_MAX + 1);  // charged, then given back
  EXPECT_EQ(lc.nprocs, LWP_TID_MAX);          // the same for the LWP slot
  EXPECT_EQ(core.p_tids.p_nthreads, LWP_TID_MAX + 1);
  EXPECT_EQ(core.p_tids.p_lasttid, LWP_TID_MAX);
  EXPECT_EQ(checker(&core.p_tids), 0);
}
