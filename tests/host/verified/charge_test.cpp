// The tasks charged to each uid (charge.h): every behavior of each function,
// and the census (spec/charge.h) kept over a table of processes through long
// random runs of moves, LWPs joining and leaving, reaps, and processes made
// as fork and as the kernel makes them.
#include <gtest/gtest.h>

#include <random>
#include <vector>

#include "kernel/verified/charge.h"
#include "kernel/verified/nprocs.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/tid.h"
#include "kernel/verified/tidset.h"
#include "kernel/verified/uidinfo.h"

namespace {

struct Uid {
  uidinfo ui{};
  Uid() { refcount_init(&ui.ui_ref, 1); }  // the table's own reference
};

// A process of the table: its core, its credentials' real uid and its
// RLIMIT_NPROC (what lwp_join_locked reads), and nodes for its LWPs.
struct P {
  proc_core core{};
  ucred cr{};
  plimit lim{};
  std::vector<tidnode> nodes = std::vector<tidnode>(64);
  std::vector<int> tids;  // live, in the order they joined
  P() {                   // root's, no limits, not charged yet
    lwp_tids_init(&core.p_tids);
    for (auto& rl : lim.pl_rlimit) rl.rlim_cur = rl.rlim_max = VC_RLIM_INFINITY;
    core.p_ucred = &cr;
    core.p_limit = &lim;
  }
  explicit P(Uid* u) : P() { core.p_uidinfo = uihold(&u->ui); }
  // Its real uid becomes `ruid`, with RLIMIT_NPROC `nproc`.
  void set_uid(vc_uid_t ruid, unsigned long long nproc = VC_RLIM_INFINITY) {
    cr.cr_ruid = ruid;
    lim.pl_rlimit[VC_RLIMIT_NPROC].rlim_cur = nproc;
  }
};

int tasks(const proc_core* p) { return p->p_tids.p_nthreads > 1 ? p->p_tids.p_nthreads : 1; }

// spec/charge.h's proc_extra_lwps: the LWP slots p holds.
int extra_lwps(const proc_core* p) {
  return p->p_tids.p_nthreads > 1 ? p->p_tids.p_nthreads - 1 : 0;
}

// The LWP count (g_lwpcount's part), with room for `max` LWPs beyond each
// process's first (root's reserve of NPROCS_ROOT_RESERVE kept).
struct Lwps {
  proccount lc{};
  explicit Lwps(int max = 100) { nprocs_init(&lc, max, 0); }
};

// spec/charge.h's tasks_charged, executed.
int charged(const std::vector<P*>& table, const uidinfo* u) {
  int n = 0;
  for (P* p : table)
    if (p->core.p_uidinfo == u) n += tasks(&p->core);
  return n;
}

// A process with its first LWP, charged to u (as fork1 leaves it).
P* make(Uid* u) {
  auto* p = new P(u);
  p->tids.push_back(lwp_tid_alloc_locked(&p->core.p_tids, &p->nodes[0]));
  EXPECT_EQ(chgproccnt(&u->ui, 1, VC_RLIM_INFINITY), 1);
  return p;
}

}  // namespace

TEST(VerifiedCharge, UidMoveMovesEveryTaskAndTheReference) {
  Uid a, b;
  Lwps l;
  P* p = make(&a);
  ASSERT_GE(lwp_join_locked(&p->core, &p->nodes[1], &l.lc), 0);
  ASSERT_GE(lwp_join_locked(&p->core, &p->nodes[2], &l.lc), 0);
  EXPECT_EQ(a.ui.ui_proccnt, 3);
  uidinfo* old = proc_uid_move(&p->core, &b.ui);
  EXPECT_EQ(old, &a.ui);
  EXPECT_EQ(p->core.p_uidinfo, &b.ui);
  EXPECT_EQ(a.ui.ui_proccnt, 0);
  EXPECT_EQ(b.ui.ui_proccnt, 3);
  EXPECT_EQ(b.ui.ui_ref.rc_count, 2);  // the table's and p's
  EXPECT_EQ(a.ui.ui_ref.rc_count, 2);  // p's old one, for the caller to give back
  delete p;
}

TEST(VerifiedCharge, UidMoveOfAZombieMovesItsOneTask) {
  Uid a, b;
  Lwps l;
  P* p = make(&a);
  ASSERT_EQ(lwp_leave_locked(&p->core, p->tids[0], &l.lc), 0);
  ASSERT_EQ(p->core.p_tids.p_nthreads, 0);
  (void)proc_uid_move(&p->core, &b.ui);
  EXPECT_EQ(a.ui.ui_proccnt, 0);
  EXPECT_EQ(b.ui.ui_proccnt, 1);
  delete p;
}

TEST(VerifiedCharge, JoinIsRefusedAtTheLimitWithNothingChanged) {
  Uid a;
  Lwps l;
  P* p = make(&a);
  p->set_uid(1000, 1);
  EXPECT_EQ(lwp_join_locked(&p->core, &p->nodes[1], &l.lc), -1);  // one task, limit 1
  EXPECT_EQ(a.ui.ui_proccnt, 1);
  EXPECT_EQ(p->core.p_tids.p_nthreads, 1);
  EXPECT_EQ(p->core.p_tids.p_lasttid, 0);
  EXPECT_EQ(l.lc.nprocs, 0);  // the LWP slot it took first is back
  p->set_uid(1000, 2);
  EXPECT_EQ(lwp_join_locked(&p->core, &p->nodes[1], &l.lc), 1);  // room for one more
  EXPECT_EQ(a.ui.ui_proccnt, 2);
  EXPECT_EQ(p->core.p_tids.p_nthreads, 2);
  EXPECT_EQ(l.lc.nprocs, 1);
  delete p;
}

// The system's LWP count refuses a user its last NPROCS_ROOT_RESERVE slots
// and root none below its maximum; a refusal changes nothing.
TEST(VerifiedCharge, JoinIsRefusedWhenTheLwpCountIsFull) {
  Uid a;
  Lwps l(NPROCS_ROOT_RESERVE + 1);
  P* p = make(&a);
  p->set_uid(1000);
  ASSERT_EQ(lwp_join_locked(&p->core, &p->nodes[1], &l.lc), 1);
  EXPECT_EQ(lwp_join_locked(&p->core, &p->nodes[2], &l.lc), -1);
  EXPECT_EQ(l.lc.nprocs, 1);
  EXPECT_EQ(a.ui.ui_proccnt, 2);
  EXPECT_EQ(p->core.p_tids.p_nthreads, 2);
  EXPECT_EQ(p->core.p_tids.p_lasttid, 1);
  p->set_uid(0);  // root fills the reserve
  for (int i = 2; i <= NPROCS_ROOT_RESERVE + 1; ++i)
    ASSERT_EQ(lwp_join_locked(&p->core, &p->nodes[static_cast<size_t>(i)], &l.lc), i);
  EXPECT_EQ(l.lc.nprocs, NPROCS_ROOT_RESERVE + 1);
  EXPECT_EQ(lwp_join_locked(&p->core, &p->nodes[20], &l.lc), -1);
  EXPECT_EQ(l.lc.nprocs, NPROCS_ROOT_RESERVE + 1);
  EXPECT_EQ(a.ui.ui_proccnt, NPROCS_ROOT_RESERVE + 2);
  EXPECT_EQ(p->core.p_tids.p_nthreads, NPROCS_ROOT_RESERVE + 2);
  delete p;
}

TEST(VerifiedCharge, LeaveGivesBackATaskAndAnLwpSlotUnlessLast) {
  Uid a;
  Lwps l;
  P* p = make(&a);
  ASSERT_EQ(lwp_join_locked(&p->core, &p->nodes[1], &l.lc), 1);
  EXPECT_EQ(l.lc.nprocs, 1);
  EXPECT_EQ(lwp_leave_locked(&p->core, 0, &l.lc), 1);  // another remains
  EXPECT_EQ(a.ui.ui_proccnt, 1);
  EXPECT_EQ(l.lc.nprocs, 0);
  EXPECT_EQ(lwp_leave_locked(&p->core, 1, &l.lc), 0);  // the last: still charged for one
  EXPECT_EQ(a.ui.ui_proccnt, 1);
  EXPECT_EQ(l.lc.nprocs, 0);  // and it held no LWP slot
  EXPECT_EQ(p->core.p_tids.p_nthreads, 0);
  delete p;
}

TEST(VerifiedCharge, UnchargeGivesBackTheSlotAndTheTask) {
  Uid a;
  Lwps l;
  proccount pc{};
  nprocs_init(&pc, 10, 0);
  ASSERT_EQ(nprocs_reserve(&pc, 0), VC_OK);
  P* p = make(&a);
  ASSERT_EQ(lwp_leave_locked(&p->core, 0, &l.lc), 0);
  proc_uncharge(&pc, &p->core);
  EXPECT_EQ(pc.nprocs, 0);
  EXPECT_EQ(a.ui.ui_proccnt, 0);
  delete p;
}

TEST(VerifiedCharge, ChargeNewTakesASlotAReferenceAndOneTask) {
  Uid a;
  proccount pc{};
  nprocs_init(&pc, 10, 1);  // process 0
  P p;
  ASSERT_EQ(proc_charge_new(&pc, &p.core, &a.ui, 0), VC_OK);
  EXPECT_EQ(pc.nprocs, 2);
  EXPECT_EQ(p.core.p_uidinfo, &a.ui);
  EXPECT_EQ(a.ui.ui_proccnt, 1);
  EXPECT_EQ(a.ui.ui_ref.rc_count, 2);  // the table's and p's
  // Its first LWP is the task it was charged for: no count moves.
  EXPECT_EQ(lwp_first_join_locked(&p.core, &p.nodes[0]), 0);
  EXPECT_EQ(p.core.p_tids.p_nthreads, 1);
  EXPECT_EQ(p.core.p_tids.p_lasttid, 0);
  EXPECT_EQ(tidtree::find(p.core.p_tids.p_lwps, 0), &p.nodes[0]);
  EXPECT_EQ(a.ui.ui_proccnt, 1);
  EXPECT_EQ(pc.nprocs, 2);
}

TEST(VerifiedCharge, ChargeNewIsRefusedAtMaxprocWithNothingChanged) {
  Uid a;
  proccount pc{};
  nprocs_init(&pc, 10, 10 - NPROCS_ROOT_RESERVE);
  P p;
  // A user may not take the slots kept for root; root may.
  EXPECT_EQ(proc_charge_new(&pc, &p.core, &a.ui, 1000), VC_EAGAIN);
  EXPECT_EQ(pc.nprocs, 10 - NPROCS_ROOT_RESERVE);
  EXPECT_EQ(p.core.p_uidinfo, nullptr);
  EXPECT_EQ(a.ui.ui_proccnt, 0);
  EXPECT_EQ(a.ui.ui_ref.rc_count, 1);
  nprocs_init(&pc, 10, 10);
  EXPECT_EQ(proc_charge_new(&pc, &p.core, &a.ui, 0), VC_EAGAIN);
  EXPECT_EQ(pc.nprocs, 10);
  EXPECT_EQ(a.ui.ui_proccnt, 0);
  nprocs_init(&pc, 10, 10 - NPROCS_ROOT_RESERVE);
  EXPECT_EQ(proc_charge_new(&pc, &p.core, &a.ui, 0), VC_OK);
  EXPECT_EQ(a.ui.ui_proccnt, 1);
}

// The census over a table, through random steps: every uid's count is the
// tasks its processes are charged for, and the LWP count the LWPs beyond each
// process's first, after each step.
TEST(VerifiedCharge, RandomStepsKeepTheCensus) {
  std::mt19937 rng(7);
  constexpr int kUids = 4;
  Uid uids[kUids];
  proccount pc{};
  nprocs_init(&pc, 1000, 0);
  Lwps l(NPROCS_ROOT_RESERVE + 6);  // six for users, room for root beyond
  std::vector<P*> table;
  auto spawn = [&] {  // half as fork leaves a child, half as the kernel makes init
    if (rng() % 2) {
      ASSERT_EQ(nprocs_reserve(&pc, 0), VC_OK);
      table.push_back(make(&uids[rng() % kUids]));
      return;
    }
    auto* p = new P;
    ASSERT_EQ(proc_charge_new(&pc, &p->core, &uids[rng() % kUids].ui, 0), VC_OK);
    table.push_back(p);
    p->tids.push_back(lwp_first_join_locked(&p->core, &p->nodes[0]));
  };
  for (int i = 0; i < 6; ++i) spawn();
  int moves = 0, joins = 0, refused = 0, lwps_full = 0, leaves = 0, reaps = 0;
  int refused_with_room = 0;  // by the uid's limit: the LWP slot taken, then given back
  for (int step = 0; step < 20000; ++step) {
    if (table.empty()) spawn();
    size_t k = rng() % table.size();
    P* p = table[k];
    switch (rng() % 5) {
      case 0: {  // setuid's move
        uidinfo* to = &uids[rng() % kUids].ui;
        if (to == p->core.p_uidinfo) break;
        uidinfo* old = proc_uid_move(&p->core, to);
        (void)uidrop(old);
        ++moves;
        break;
      }
      case 1: {  // an LWP joins (not a zombie's), by root or a user limited to 6 tasks
        if (p->core.p_tids.p_nthreads < 1) break;
        tidnode* n = nullptr;
        for (auto& cand : p->nodes) {
          bool used = false;
          for (int t : p->tids) used |= tidtree::find(p->core.p_tids.p_lwps, t) == &cand;
          if (!used) {
            n = &cand;
            break;
          }
        }
        if (!n) break;
        vc_uid_t uid = rng() % 2 ? 0 : 1000;  // only root's fill the reserve
        p->set_uid(uid, 6);
        bool room = l.lc.nprocs < (uid == 0 ? l.lc.maxproc : l.lc.maxproc - NPROCS_ROOT_RESERVE);
        int t = lwp_join_locked(&p->core, n, &l.lc);
        if (t >= 0) {
          p->tids.push_back(t);
          ++joins;
        } else {
          ++refused;
          lwps_full += !room;
          refused_with_room += room;
        }
        break;
      }
      case 2:
      case 3: {  // an LWP leaves
        if (p->tids.empty()) break;
        size_t i = rng() % p->tids.size();
        int others = p->core.p_tids.p_nthreads > 1;
        EXPECT_EQ(lwp_leave_locked(&p->core, p->tids[i], &l.lc), others);
        p->tids.erase(p->tids.begin() + static_cast<long>(i));
        ++leaves;
        break;
      }
      default: {  // a zombie is reaped; a fork replaces it
        if (p->core.p_tids.p_nthreads != 0) break;
        proc_uncharge(&pc, &p->core);
        (void)uidrop(p->core.p_uidinfo);
        table[k] = table.back();  // as the proof's table_without
        table.pop_back();
        delete p;
        ++reaps;
        spawn();
        break;
      }
    }
    for (Uid& u : uids) ASSERT_EQ(u.ui.ui_proccnt, charged(table, &u.ui)) << "step " << step;
    ASSERT_EQ(pc.nprocs, static_cast<int>(table.size()));
    int extra = 0;
    for (P* q : table) extra += extra_lwps(&q->core);
    ASSERT_EQ(l.lc.nprocs, extra) << "step " << step;
  }
  EXPECT_GT(moves, 1000);
  EXPECT_GT(joins, 1000);
  EXPECT_GT(refused, 10);
  EXPECT_GT(lwps_full, 10);
  EXPECT_GT(refused_with_room, 10);
  EXPECT_GT(leaves, 1000);
  EXPECT_GT(reaps, 100);
  for (P* p : table) delete p;
}
