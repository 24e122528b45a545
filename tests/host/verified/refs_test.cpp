// A zombie's references given back (refs.h): each count down by one, the
// pointers cleared, the last ones reported, and every count's distance from
// its holders in a table kept.
#include <gtest/gtest.h>

#include "kernel/verified/census.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/refs.h"

namespace {

// A process's shared objects, each with the count given.
struct Objects {
  sigacts ps{};
  filedesc fd{};
  fdtol tl{};
  vmspace vm{};
  plimit lim{};
  pgrp pg{};
  pargs args{};
  explicit Objects(int count) {
    for (refcount* r :
         {&ps.ps_ref, &fd.fd_ref, &tl.fdl_ref, &vm.vm_ref, &lim.pl_ref, &pg.pg_ref, &args.ar_ref})
      refcount_init(r, count);
  }
  void give(proc_core* p) {
    p->p_sigacts = &ps;
    p->p_fd = &fd;
    p->p_fdtol = &tl;
    p->p_vmspace = &vm;
    p->p_limit = &lim;
    p->p_pgrp = &pg;
    p->p_args = &args;
  }
};

// count - holders in the table, for every shared kind of o's objects.
std::vector<int> surpluses(proc_core** procs, int n, Objects& o) {
  std::vector<int> v;
  int kinds[] = {VC_REF_SIGACTS, VC_REF_FD,   VC_REF_FDTOL, VC_REF_VMSPACE,
                 VC_REF_LIMIT,   VC_REF_PGRP, VC_REF_ARGS};
  refcount* refs[] = {&o.ps.ps_ref,  &o.fd.fd_ref, &o.tl.fdl_ref, &o.vm.vm_ref,
                      &o.lim.pl_ref, &o.pg.pg_ref, &o.args.ar_ref};
  for (int i = 0; i < 7; ++i)
    v.push_back(refs[i]->rc_count - vc_count_holders(procs, n, kinds[i], refs[i]));
  return v;
}

}  // namespace

TEST(VerifiedRefs, SoleHolderGivesBackTheLastOfEach) {
  Objects o(1);
  proc_core p{};
  o.give(&p);
  proc_lastrefs last{};
  proc_drop_refs(&p, &last);
  EXPECT_EQ(last.sigacts + last.fd + last.fdtol + last.vmspace + last.limit + last.pgrp + last.args,
            7);
  EXPECT_EQ(o.ps.ps_ref.rc_count, 0);
  EXPECT_EQ(o.args.ar_ref.rc_count, 0);
  EXPECT_EQ(p.p_sigacts, nullptr);
  EXPECT_EQ(p.p_fd, nullptr);
  EXPECT_EQ(p.p_fdtol, nullptr);
  EXPECT_EQ(p.p_vmspace, nullptr);
  EXPECT_EQ(p.p_limit, nullptr);
  EXPECT_EQ(p.p_pgrp, nullptr);
  EXPECT_EQ(p.p_args, nullptr);
}

TEST(VerifiedRefs, SharedObjectsStayWithTheOtherHolders) {
  Objects o(2);
  proc_core p{}, q{};
  o.give(&p);
  o.give(&q);
  proc_core* table[] = {&q, &p};
  std::vector<int> before = surpluses(table, 2, o);
  EXPECT_EQ(before, std::vector<int>(7, 0));
  proc_lastrefs last{};
  proc_drop_refs(&p, &last);
  EXPECT_EQ(last.sigacts + last.fd + last.fdtol + last.vmspace + last.limit + last.pgrp + last.args,
            0);
  EXPECT_EQ(o.vm.vm_ref.rc_count, 1);
  EXPECT_EQ(q.p_vmspace, &o.vm);
  // p, still in the table, holds none of them now: every count still matches.
  EXPECT_EQ(surpluses(table, 2, o), before);
  EXPECT_EQ(surpluses(table, 1, o), before);  // and without p
}

TEST(VerifiedRefs, AbsentLeaderRecordGroupAndArgumentsAreNotLast) {
  Objects o(1);
  proc_core p{};
  o.give(&p);
  p.p_fdtol = nullptr;
  p.p_pgrp = nullptr;
  p.p_args = nullptr;
  proc_lastrefs last{1, 1, 1, 1, 1, 1, 1};
  proc_drop_refs(&p, &last);
  EXPECT_EQ(last.fdtol, 0);
  EXPECT_EQ(last.pgrp, 0);
  EXPECT_EQ(last.args, 0);
  EXPECT_EQ(last.sigacts, 1);
  EXPECT_EQ(o.tl.fdl_ref.rc_count, 1);
  EXPECT_EQ(o.pg.pg_ref.rc_count, 1);
  EXPECT_EQ(o.args.ar_ref.rc_count, 1);
}

TEST(VerifiedRefs, ReplaceMovesTheNewReferenceIntoTheTable) {
  Objects o(2);
  proc_core p{}, q{};
  o.give(&p);
  o.give(&q);
  proc_core* table[] = {&p, &q};
  sigacts nps{};
  refcount_init(&nps.ps_ref, 1);
  EXPECT_EQ(nps.ps_ref.rc_count - vc_count_holders(table, 2, VC_REF_SIGACTS, &nps.ps_ref), 1);
  std::vector<int> before = surpluses(table, 2, o);
  EXPECT_EQ(proc_sigacts_replace_locked(&p, &nps), 0);  // q still holds the old ones
  EXPECT_EQ(p.p_sigacts, &nps);
  EXPECT_EQ(o.ps.ps_ref.rc_count, 1);
  EXPECT_EQ(surpluses(table, 2, o), before);
  // The reference nps came with is p's now, in the table.
  EXPECT_EQ(nps.ps_ref.rc_count - vc_count_holders(table, 2, VC_REF_SIGACTS, &nps.ps_ref), 0);
  // Its last holder lets go: the caller is told to free them.
  sigacts mine{};
  refcount_init(&mine.ps_ref, 1);
  EXPECT_EQ(proc_sigacts_replace_locked(&q, &mine), 1);
  EXPECT_EQ(o.ps.ps_ref.rc_count, 0);
}

TEST(VerifiedRefs, ArgumentsReplaceFromNoneAndFromTheLast) {
  Objects o(1);
  proc_core p{};
  o.give(&p);
  p.p_args = nullptr;
  proc_core* table[] = {&p};
  EXPECT_EQ(proc_args_replace_locked(&p, &o.args), 0);  // none before: nothing to free
  EXPECT_EQ(p.p_args, &o.args);
  EXPECT_EQ(o.args.ar_ref.rc_count - vc_count_holders(table, 1, VC_REF_ARGS, &o.args.ar_ref), 0);
  pargs next{};
  refcount_init(&next.ar_ref, 1);
  EXPECT_EQ(proc_args_replace_locked(&p, &next), 1);  // the old ones' last reference
  EXPECT_EQ(o.args.ar_ref.rc_count, 0);
  EXPECT_EQ(p.p_args, &next);
}

TEST(VerifiedRefs, NewCredentialsHandTheOldReferenceToTheCaller) {
  ucred old{}, ncr{};
  refcount_init(&old.cr_ref, 2);  // p's and q's
  refcount_init(&ncr.cr_ref, 1);  // the caller's
  proc_core p{}, q{};
  p.p_ucred = &old;
  q.p_ucred = &old;
  proc_core* table[] = {&q, &p};
  auto surplus = [&](ucred* cr) {
    return cr->cr_ref.rc_count - vc_count_holders(table, 2, VC_REF_UCRED, &cr->cr_ref);
  };
  EXPECT_EQ(surplus(&old), 0);
  EXPECT_EQ(surplus(&ncr), 1);
  EXPECT_EQ(proc_ucred_replace_locked(&p, &ncr), &old);
  EXPECT_EQ(p.p_ucred, &ncr);
  EXPECT_EQ(old.cr_ref.rc_count, 2);  // no count moves: the references change hands
  EXPECT_EQ(surplus(&old), 1);        // the caller's now, to give back
  EXPECT_EQ(surplus(&ncr), 0);        // p's now
}
