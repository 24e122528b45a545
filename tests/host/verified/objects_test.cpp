// Every behavior of each object's hold/drop pair (objects.h).
#include <gtest/gtest.h>

#include "kernel/verified/objects.h"

namespace {

template <typename T, typename Hold, typename Drop>
void check_pair(refcount T::*ref, Hold hold, Drop drop) {
  T o{};
  refcount_init(&(o.*ref), 1);
  EXPECT_EQ(hold(&o), &o);
  EXPECT_EQ((o.*ref).rc_count, 2);
  EXPECT_EQ(drop(&o), 0);  // others_remain
  EXPECT_EQ((o.*ref).rc_count, 1);
  EXPECT_EQ(drop(&o), 1);  // last
  EXPECT_EQ((o.*ref).rc_count, 0);
}

}  // namespace

TEST(VerifiedObjects, Ucred) { check_pair(&ucred::cr_ref, crhold, crfree); }
TEST(VerifiedObjects, Uidinfo) { check_pair(&uidinfo::ui_ref, uihold, uidrop); }
TEST(VerifiedObjects, Sigacts) { check_pair(&sigacts::ps_ref, sigacts_hold, sigacts_drop); }
TEST(VerifiedObjects, Filedesc) { check_pair(&filedesc::fd_ref, fdshare, fddrop); }
TEST(VerifiedObjects, Fdtol) { check_pair(&fdtol::fdl_ref, fdtol_hold, fdtol_drop); }
TEST(VerifiedObjects, Vmspace) { check_pair(&vmspace::vm_ref, vmspace_hold, vmspace_drop); }
TEST(VerifiedObjects, Plimit) { check_pair(&plimit::pl_ref, plimit_hold, plimit_drop); }
TEST(VerifiedObjects, Pgrp) { check_pair(&pgrp::pg_ref, pgref, pgrel); }
TEST(VerifiedObjects, Pargs) { check_pair(&pargs::ar_ref, pargs_hold, pargs_drop); }

TEST(VerifiedObjects, ProcHoldCountsFromZero) {
  proc_core p{};
  refcount_init(&p.p_lock, 0);
  proc_hold(&p);
  proc_hold(&p);
  EXPECT_EQ(p.p_lock.rc_count, 2);
  EXPECT_EQ(proc_rele(&p), 0);  // others_remain
  EXPECT_EQ(proc_rele(&p), 1);  // last
  EXPECT_EQ(p.p_lock.rc_count, 0);
}
