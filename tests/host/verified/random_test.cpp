// Randomized sequences against the verified core, with the invariants checked
// after every step: reserve/release, hold/free, TID alloc/free across the wrap,
// and whole worlds of fork/exit/lwp_create/unshare/exec with failures injected.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

#include "kernel/verified/check.h"
#include "kernel/verified/nprocs.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/tid.h"
#include "kernel/verified/tidset.h"
#include "tests/host/verified/fork_world.h"

using vctest::World;

TEST(VerifiedRandom, ReserveRelease) {
  std::mt19937 rng(7);
  for (int maxproc : {0, 5, 10, 11, 40}) {
    proccount pc;
    nprocs_init(&pc, maxproc, 0);
    int model = 0;
    for (int step = 0; step < 20000; ++step) {
      if (rng() % 2 == 0) {
        vc_uid_t uid = rng() % 3 == 0 ? 0 : 1 + rng() % 5;
        int limit = uid == 0 ? maxproc : maxproc - NPROCS_ROOT_RESERVE;
        int r = nprocs_reserve(&pc, uid);
        ASSERT_EQ(r, model < limit ? VC_OK : VC_EAGAIN);
        if (r == VC_OK) ++model;
      } else if (model > 0) {
        nprocs_release(&pc);
        --model;
      }
      vc_report rep;
      vc_report_init(&rep);
      ASSERT_EQ(vc_check_proccount(&pc, model, &rep), 0) << rep.first;
    }
  }
}

TEST(VerifiedRandom, HoldFree) {
  std::mt19937 rng(8);
  std::vector<refcount> counts(16);
  std::vector<int> holders(16, 1);
  for (auto& c : counts) refcount_init(&c, 1);
  for (int step = 0; step < 50000; ++step) {
    size_t i = rng() % counts.size();
    switch (rng() % 4) {
      case 0:
        if (holders[i] >= 1) refcount_hold(&counts[i]), ++holders[i];
        break;
      case 1: refcount_acquire(&counts[i]), ++holders[i]; break;
      case 2:
        if (holders[i] >= 2) refcount_unhold(&counts[i]), --holders[i];
        break;
      default:
        if (holders[i] >= 1) {
          ASSERT_EQ(refcount_release(&counts[i]), holders[i] == 1 ? 1 : 0);
          --holders[i];
        }
        break;
    }
    vc_report r;
    vc_report_init(&r);
    ASSERT_EQ(vc_check_refcount(&counts[i], holders[i], &r), 0);
  }
}

TEST(VerifiedRandom, TidsAcrossTheWrap) {
  std::mt19937 rng(9);
  lwp_tids t;
  lwp_tids_init(&t);
  std::vector<tidnode> nodes(64);
  std::vector<bool> busy(64, false);
  std::set<int> live;
  t.p_lasttid = LWP_TID_MAX - 200;  // wrap several times within the run
  int wraps = 0;
  for (int step = 0; step < 20000; ++step) {
    if (live.size() < 60 && (live.empty() || rng() % 2 == 0)) {
      size_t n = 0;
      while (busy[n]) ++n;
      int last = t.p_lasttid;
      // Jump ahead sometimes, as if many LWPs had come and gone.
      if (rng() % 8 == 0 && last < LWP_TID_MAX - 100) t.p_lasttid = last = last + 90;
      if (rng() % 300 == 0) t.p_lasttid = last = LWP_TID_MAX - static_cast<int>(rng() % 40);
      int want = last;
      do want = want >= LWP_TID_MAX ? 1 : want + 1;
      while (live.count(want) != 0);
      int got = lwp_tid_alloc_locked(&t, &nodes[n]);
      ASSERT_EQ(got, want);
      if (got < last) ++wraps;
      busy[n] = true;
      live.insert(got);
    } else {
      auto it = live.begin();
      std::advance(it, rng() % live.size());
      tidnode* n = lwp_tid_remove_locked(&t, *it);
      busy[static_cast<size_t>(n - nodes.data())] = false;
      live.erase(it);
    }
    vc_report r;
    vc_report_init(&r);
    ASSERT_EQ(vc_check_tids(&t, &r), 0) << r.first;
    ASSERT_EQ(t.p_nthreads, static_cast<int>(live.size()));
  }
  EXPECT_GT(wraps, 3);
}

TEST(VerifiedRandom, Worlds) {
  const unsigned int kFlagBits[] = {VC_RFSIGSHARE, VC_RFFDG, VC_RFCFDG,
                                    VC_RFTHREAD,   VC_RFMEM, VC_RFPGLOCK};
  for (unsigned seed = 1; seed <= 6; ++seed) {
    std::mt19937 rng(seed);
    World w(40);
    w.spawn(0);
    w.spawn(1000, 12);
    int forks = 0, failures = 0, setuids = 0, execs = 0;
    for (int step = 0; step < 1500; ++step) {
      proc_core* p = w.procs[rng() % w.procs.size()];
      switch (rng() % 8) {
        case 0:
        case 1:
        case 2: {
          unsigned int flags = VC_RFPROC;
          for (unsigned int b : kFlagBits)
            if (rng() % 2) flags |= b;
          if (rng() % 4 == 0) w.fail_nth(static_cast<vctest::Hook>(rng() % vctest::kHookCount), 1);
          w.signal_pending = rng() % 10 == 0;
          size_t before = w.procs.size();
          int r = w.fork(p, flags);
          w.clear_faults();
          w.signal_pending = false;
          ASSERT_EQ(w.procs.size(), before + (r == VC_OK ? 1 : 0));
          (r == VC_OK ? forks : failures)++;
          break;
        }
        case 3:
          if (w.procs.size() > 2) w.exit(p);
          break;
        case 4: {
          int tid;
          if (w.lwp_create(p, &tid) == VC_OK && rng() % 2) w.lwp_exit(p, tid);
          break;
        }
        case 5: {  // setuid: the tasks move to the new uid's count
          const vc_uid_t uids[] = {0, 1000, 1001};
          w.setuid(p, uids[rng() % 3]);
          ++setuids;
          break;
        }
        case 6:  // exec: shared objects replaced by the process's own
          if (p->p_tids.p_nthreads == 1) {
            w.exec(p);
            ++execs;
          }
          break;
        default:
          if (p->p_tids.p_nthreads == 1) {
            unsigned int flags = 0;
            for (unsigned int b : {VC_RFFDG, VC_RFCFDG, VC_RFMEM})
              if (rng() % 2) flags |= b;
            (void)w.unshare(p, flags);
          }
          break;
      }
      ASSERT_EQ(w.check_message(), "") << "seed " << seed << " step " << step;
      ASSERT_EQ(w.pc.nprocs, static_cast<int>(w.procs.size()));
      ASSERT_EQ(w.pgrp_locked, 0);
    }
    EXPECT_GT(forks, 100);
    EXPECT_GT(failures, 10);
    EXPECT_GT(setuids, 100);
    EXPECT_GT(execs, 50);
  }
}
