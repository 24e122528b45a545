// The runtime checker (check.h) and the holder counting it rests on
// (census.h): every behavior, and that each kind of broken invariant is found.
#include <gtest/gtest.h>

#include "kernel/verified/census.h"
#include "kernel/verified/charge.h"
#include "kernel/verified/check.h"
#include "kernel/verified/nprocs.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/tid.h"
#include "kernel/verified/tidset.h"
#include "kernel/verified/uidinfo.h"
#include "tests/host/verified/fork_world.h"

using vctest::World;

TEST(VerifiedCensus, ProcRefOfEachKind) {
  World w;
  proc_core* p = w.spawn(1000);
  EXPECT_EQ(vc_proc_ref(p, VC_REF_UCRED), &p->p_ucred->cr_ref);
  EXPECT_EQ(vc_proc_ref(p, VC_REF_UIDINFO), &p->p_uidinfo->ui_ref);
  EXPECT_EQ(vc_proc_ref(p, VC_REF_SIGACTS), &p->p_sigacts->ps_ref);
  EXPECT_EQ(vc_proc_ref(p, VC_REF_FD), &p->p_fd->fd_ref);
  EXPECT_EQ(vc_proc_ref(p, VC_REF_FDTOL), nullptr);  // null pointer: no reference
  EXPECT_EQ(vc_proc_ref(p, VC_REF_VMSPACE), &p->p_vmspace->vm_ref);
  EXPECT_EQ(vc_proc_ref(p, VC_REF_LIMIT), &p->p_limit->pl_ref);
  EXPECT_EQ(vc_proc_ref(p, VC_REF_PGRP), &p->p_pgrp->pg_ref);
  EXPECT_EQ(vc_proc_ref(p, VC_REF_ARGS), &p->p_args->ar_ref);
}

TEST(VerifiedCensus, CountHolders) {
  World w;
  proc_core* p = w.spawn(1000);
  proc_core* c1 = nullptr;
  proc_core* c2 = nullptr;
  ASSERT_EQ(w.fork(p, VC_RFPROC | VC_RFSIGSHARE | VC_RFFDG, &c1), VC_OK);
  ASSERT_EQ(w.fork(p, VC_RFPROC | VC_RFFDG, &c2), VC_OK);
  proc_core* table[] = {p, c1, c2};
  EXPECT_EQ(vc_count_holders(table, 3, VC_REF_SIGACTS, &p->p_sigacts->ps_ref), 2);
  EXPECT_EQ(vc_count_holders(table, 3, VC_REF_SIGACTS, &c2->p_sigacts->ps_ref), 1);
  EXPECT_EQ(vc_count_holders(table, 3, VC_REF_UCRED, &p->p_ucred->cr_ref), 3);
  EXPECT_EQ(vc_count_holders(table, 0, VC_REF_UCRED, &p->p_ucred->cr_ref), 0);
  EXPECT_EQ(vc_count_holders(table, 3, VC_REF_FD, &p->p_sigacts->ps_ref), 0);  // wrong kind
}

TEST(VerifiedCheck, ProccountViolations) {
  proccount pc{3, 10};
  vc_report r;
  vc_report_init(&r);
  EXPECT_EQ(vc_check_proccount(&pc, 3, &r), 0);
  EXPECT_EQ(vc_check_proccount(&pc, 4, &r), 1);  // not the number of processes
  pc.nprocs = 11;
  EXPECT_EQ(vc_check_proccount(&pc, 11, &r), 1);  // above maxproc
  EXPECT_EQ(r.violations, 2);
  EXPECT_STREQ(r.first, "nprocs is not the number of processes");
}

TEST(VerifiedCheck, RefcountViolations) {
  refcount rc;
  refcount_init(&rc, 2);
  vc_report r;
  vc_report_init(&r);
  EXPECT_EQ(vc_check_refcount(&rc, 2, &r), 0);
  EXPECT_EQ(vc_check_refcount(&rc, 3, &r), 1);
  rc.rc_count = -1;
  EXPECT_EQ(vc_check_refcount(&rc, -1, &r), 1);
}

TEST(VerifiedCheck, TidsViolations) {
  World w;
  proc_core* p = w.spawn(1000);
  ASSERT_EQ(w.lwp_create(p, nullptr), VC_OK);
  vc_report r;
  vc_report_init(&r);
  EXPECT_EQ(vc_check_tids(&p->p_tids, &r), 0);
  p->p_tids.p_nthreads = 3;  // one more than live
  EXPECT_EQ(vc_check_tids(&p->p_tids, &r), 1);
  EXPECT_STREQ(r.first, "p_nthreads is not the number of live TIDs");
  p->p_tids.p_nthreads = 2;
  tidnode* n = tidset_lookup(&p->p_tids.p_lwps, 1);
  n->tid = 0;  // two LWPs with TID 0
  vc_report_init(&r);
  EXPECT_EQ(vc_check_tids(&p->p_tids, &r), 1);
  n->tid = 1;
  p->p_tids.p_lasttid = LWP_TID_MAX;
  vc_report_init(&r);
  EXPECT_EQ(vc_check_tids(&p->p_tids, &r), 0);
}

TEST(VerifiedCheck, CensusOfAHealthyWorld) {
  World w;
  proc_core* a = w.spawn(1000);
  proc_core* b = w.spawn(0);
  for (unsigned int f : {VC_RFPROC | VC_RFSIGSHARE, VC_RFPROC | VC_RFFDG | VC_RFMEM,
                         VC_RFPROC | VC_RFTHREAD, VC_RFPROC | VC_RFCFDG})
    ASSERT_EQ(w.fork(a, f), VC_OK);
  ASSERT_EQ(w.fork(b, VC_RFPROC | VC_RFFDG), VC_OK);
  EXPECT_EQ(w.check_message(), "");
}

TEST(VerifiedCheck, CensusFindsEachKindOfDrift) {
  World w;
  proc_core* a = w.spawn(1000);
  proc_core* c = nullptr;
  ASSERT_EQ(w.fork(a, VC_RFPROC | VC_RFSIGSHARE | VC_RFMEM, &c), VC_OK);
  ASSERT_EQ(w.check_message(), "");
  int* fields[] = {&a->p_sigacts->ps_ref.rc_count, &a->p_vmspace->vm_ref.rc_count,
                   &a->p_ucred->cr_ref.rc_count,   &a->p_uidinfo->ui_ref.rc_count,
                   &a->p_uidinfo->ui_proccnt,      &a->p_limit->pl_ref.rc_count,
                   &a->p_pgrp->pg_ref.rc_count,    &a->p_args->ar_ref.rc_count,
                   &c->p_fd->fd_ref.rc_count,      &w.pc.nprocs,
                   &c->p_tids.p_nthreads};
  for (int* f : fields) {
    ++*f;
    vc_report r;
    EXPECT_GE(w.check(&r), 1) << "missed a drift";
    --*f;
  }
  EXPECT_EQ(w.check_message(), "");
}

TEST(VerifiedCheck, OutsideHoldersAreCounted) {
  World w;
  proc_core* a = w.spawn(1000);
  crhold(a->p_ucred);  // say, a thread's credentials
  vc_report r;
  vc_report_init(&r);
  EXPECT_EQ(vc_check_procs(&w.pc, w.procs.data(), 1, nullptr, &r), 1);
  vc_outside_ref ref{&a->p_ucred->cr_ref, 1};
  vc_outside out{&ref, 1};
  vc_report_init(&r);
  EXPECT_EQ(vc_check_procs(&w.pc, w.procs.data(), 1, &out, &r), 0);
  w.put_ucred(a->p_ucred);
}

// A uid's count is the tasks of its processes (spec/charge.h): one per LWP,
// and one for a process with none.
TEST(VerifiedCheck, EveryLwpIsATask) {
  World w;
  proc_core* a = w.spawn(1000);
  ASSERT_EQ(a->p_tids.p_nthreads, 1);  // one LWP, one task
  vc_report r;
  vc_report_init(&r);
  EXPECT_EQ(vc_check_procs(&w.pc, w.procs.data(), 1, nullptr, &r), 0);
  tidnode nodes[2];
  ASSERT_EQ(lwp_tid_alloc_locked(&a->p_tids, &nodes[0]), 1);
  ASSERT_EQ(lwp_tid_alloc_locked(&a->p_tids, &nodes[1]), 2);  // three, charged for one
  EXPECT_EQ(vc_check_procs(&w.pc, w.procs.data(), 1, nullptr, &r), 1);
  EXPECT_STREQ(r.first, "ui_proccnt is not the tasks charged");
  EXPECT_EQ(r.expected, 3);
  EXPECT_EQ(r.actual, 1);
  ASSERT_EQ(chgproccnt(a->p_uidinfo, 2, VC_RLIM_INFINITY), 1);  // as lwp_join_locked does
  vc_report_init(&r);
  EXPECT_EQ(vc_check_procs(&w.pc, w.procs.data(), 1, nullptr, &r), 0);
  proccount lc{};  // the LWP count, as lwp_join_locked would have left it
  nprocs_init(&lc, 10, 2);
  ASSERT_EQ(lwp_leave_locked(a, 2, &lc), 1);
  ASSERT_EQ(lwp_leave_locked(a, 1, &lc), 1);  // one LWP, one task again
  EXPECT_EQ(lc.nprocs, 0);
  vc_report_init(&r);
  EXPECT_EQ(vc_check_procs(&w.pc, w.procs.data(), 1, nullptr, &r), 0);
}

// vc_check_procs is the process count and vc_check_proc for each process;
// each object is checked once, at the first process that refers to it.
TEST(VerifiedCheck, PerProcessPartsAddUpToTheWhole) {
  World w;
  proc_core* a = w.spawn(1000);
  proc_core* c = nullptr;
  ASSERT_EQ(w.fork(a, VC_RFPROC | VC_RFSIGSHARE | VC_RFFDG, &c), VC_OK);
  int n = static_cast<int>(w.procs.size());
  ++a->p_sigacts->ps_ref.rc_count;  // shared by a and c: found at the first of them
  ++c->p_tids.p_nthreads;           // c's own, and a task more than its uid's count
  int sum = 0;
  int first = -1;
  for (int i = 0; i < n; ++i) {
    vc_report r;
    vc_report_init(&r);
    int found = vc_check_proc(w.procs.data(), n, i, nullptr, &r);
    if (w.procs[static_cast<size_t>(i)] == c) {
      EXPECT_EQ(found, 1);
    }
    if (found != 0 && first < 0) first = i;
    sum += found;
  }
  EXPECT_EQ(sum, 3);  // the signal actions, c's TIDs, and a's and c's uid at a
  vc_report r;
  vc_report_init(&r);
  EXPECT_EQ(vc_check_procs(&w.pc, w.procs.data(), n, nullptr, &r), sum);
  EXPECT_EQ(w.procs[static_cast<size_t>(first)], a);  // a comes first in the table
  --a->p_sigacts->ps_ref.rc_count;
  --c->p_tids.p_nthreads;
  EXPECT_EQ(w.check_message(), "");
}
