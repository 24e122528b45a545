// fork1, rfork_unshare and the replace helpers (fork.h): every behavior of
// their contracts, every flag combination, and a failure injected at each C++
// step, with the counts compared before and after.
#include <gtest/gtest-spi.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel/verified/fork.h"
#include "kernel/verified/fork_hooks.h"
#include "kernel/verified/nprocs.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/refs.h"
#include "kernel/verified/tidset.h"
#include "tests/host/verified/fork_world.h"

using vctest::World;

namespace {

// Every count fork1 may touch, for one parent.
struct Counts {
  int nprocs, proccnt, ui_ref, cr, lim, pg, lock, ps, fd, vm, fdtol, args;
  bool operator==(const Counts&) const = default;
};

Counts counts_of(const World& w, const proc_core* p) {
  return Counts{w.pc.nprocs,
                p->p_ucred->cr_ruidinfo->ui_proccnt,
                p->p_ucred->cr_ruidinfo->ui_ref.rc_count,
                p->p_ucred->cr_ref.rc_count,
                p->p_limit->pl_ref.rc_count,
                p->p_pgrp->pg_ref.rc_count,
                p->p_lock.rc_count,
                p->p_sigacts->ps_ref.rc_count,
                p->p_fd->fd_ref.rc_count,
                p->p_vmspace->vm_ref.rc_count,
                p->p_fdtol != nullptr ? p->p_fdtol->fdl_ref.rc_count : -1,
                p->p_args != nullptr ? p->p_args->ar_ref.rc_count : -1};
}

std::string flags_name(unsigned int f) {
  std::string s;
  if (f & VC_RFSIGSHARE) s += "SIGSHARE|";
  if (f & VC_RFCFDG) s += "CFDG|";
  if (f & VC_RFFDG) s += "FDG|";
  if (f & VC_RFTHREAD) s += "THREAD|";
  if (f & VC_RFMEM) s += "MEM|";
  if (f & VC_RFPGLOCK) s += "PGLOCK|";
  return s + "PROC";
}

// Every combination of the flags that change what fork1 counts.
std::vector<unsigned int> all_flag_sets() {
  std::vector<unsigned int> out;
  for (unsigned int sig : {0u, VC_RFSIGSHARE})
    for (unsigned int fd : {0u, VC_RFFDG, VC_RFCFDG})
      for (unsigned int thr : {0u, VC_RFTHREAD})
        for (unsigned int mem : {0u, VC_RFMEM})
          for (unsigned int pgl : {0u, VC_RFPGLOCK})
            out.push_back(VC_RFPROC | sig | fd | thr | mem | pgl);
  return out;
}

}  // namespace

TEST(VerifiedFork1, BadFlagsChangeNothing) {
  World w;
  proc_core* p = w.spawn(1000);
  Counts before = counts_of(w, p);
  EXPECT_EQ(w.fork(p, VC_RFPROC | VC_RFFDG | VC_RFCFDG), VC_EINVAL);  // bad_flags
  EXPECT_EQ(counts_of(w, p), before);
  EXPECT_TRUE(w.hook_log.empty());
}

TEST(VerifiedFork1, SucceedsForEveryFlagCombination) {
  for (unsigned int flags : all_flag_sets()) {
    SCOPED_TRACE(flags_name(flags));
    World w;
    proc_core* p = w.spawn(1000);
    Counts before = counts_of(w, p);
    proc_core* c = nullptr;
    ASSERT_EQ(w.fork(p, flags, &c), VC_OK);  // may_fork
    // Measured after start_forked_proc gave the parent hold back.
    Counts after = counts_of(w, p);
    bool sig = flags & VC_RFSIGSHARE, fd = !(flags & (VC_RFFDG | VC_RFCFDG)),
         thr = flags & VC_RFTHREAD, mem = flags & VC_RFMEM;
    Counts want = before;
    want.nprocs += 1;
    want.proccnt += 1;
    want.ui_ref += 1;
    want.cr += 1;
    want.lim += 1;
    want.pg += 1;
    want.args += 1;
    want.ps += sig;
    want.fd += fd;
    want.vm += mem;
    if (fd) want.fdtol = (before.fdtol < 0 ? 1 : before.fdtol) + thr;  // made lazily by the caller
    EXPECT_EQ(after, want);
    // The child's references.
    EXPECT_EQ(c->p_ucred, p->p_ucred);
    EXPECT_EQ(c->p_uidinfo, p->p_ucred->cr_ruidinfo);
    EXPECT_EQ(c->p_limit, p->p_limit);
    EXPECT_EQ(c->p_pgrp, p->p_pgrp);
    EXPECT_EQ(c->p_args, p->p_args);
    EXPECT_EQ(c->p_leader, thr ? p->p_leader : c);
    EXPECT_EQ(c->p_sigacts == p->p_sigacts, sig);
    EXPECT_EQ(c->p_fd == p->p_fd, fd);
    EXPECT_EQ(c->p_vmspace == p->p_vmspace, mem);
    if (fd) {
      ASSERT_NE(c->p_fdtol, nullptr);
      EXPECT_EQ(c->p_fdtol == p->p_fdtol, thr);
    } else {
      EXPECT_EQ(c->p_fdtol, nullptr);
    }
    if (!sig) {
      EXPECT_EQ(c->p_sigacts->ps_ref.rc_count, 1);
    }
    if (!fd) {
      EXPECT_EQ(c->p_fd->fd_ref.rc_count, 1);
    }
    if (!mem) {
      EXPECT_EQ(c->p_vmspace->vm_ref.rc_count, 1);
    }
    // One LWP, TID 0.
    EXPECT_EQ(c->p_tids.p_lasttid, 0);
    EXPECT_EQ(c->p_tids.p_nthreads, 1);
    EXPECT_NE(tidset_lookup(&c->p_tids.p_lwps, 0), nullptr);
    EXPECT_EQ(tidtree::size(c->p_tids.p_lwps), 1u);
    EXPECT_EQ(c->p_lock.rc_count, 0);
    // Which C++ steps ran.
    EXPECT_EQ(w.calls(vctest::kSigactsCopy), sig ? 0 : 1);
    EXPECT_EQ(w.calls(vctest::kFdInit), (flags & VC_RFCFDG) ? 1 : 0);
    EXPECT_EQ(w.calls(vctest::kFdCopy), (flags & VC_RFFDG) ? 1 : 0);
    EXPECT_EQ(w.calls(vctest::kFdtolAlloc), fd && !thr ? 1 : 0);
    EXPECT_EQ(w.calls(vctest::kVmspaceCopy), mem ? 0 : 1);
    EXPECT_EQ(w.calls(vctest::kLwpAlloc), 1);
    EXPECT_EQ(w.pgrp_lock_calls, (flags & VC_RFPGLOCK) ? 1 : 0);
    EXPECT_EQ(w.pgrp_locked, 0);
    EXPECT_EQ(w.publishes, 1);  // once, with the TID set complete (fork_world checks)
    EXPECT_EQ(w.check_message(), "");
  }
}

TEST(VerifiedFork1, EveryFailingStepGivesEverythingBack) {
  for (unsigned int flags : all_flag_sets()) {
    for (int h = 0; h < vctest::kHookCount; ++h) {
      World w;
      proc_core* p = w.spawn(1000);
      // Run once to see whether this step is used with these flags.
      ASSERT_EQ(w.fork(p, flags), VC_OK);
      int used = w.calls(static_cast<vctest::Hook>(h));
      w.exit(w.procs.back());
      if (used == 0) continue;
      SCOPED_TRACE(flags_name(flags) + " failing " +
                   vctest::hook_name(static_cast<vctest::Hook>(h)));
      Counts before = counts_of(w, p);
      size_t objects = w.live_objects();
      w.fail_nth(static_cast<vctest::Hook>(h), 1);
      EXPECT_EQ(w.fork(p, flags), VC_ENOMEM);  // may_fork, failure
      EXPECT_EQ(counts_of(w, p), before);
      EXPECT_EQ(w.live_objects(), objects) << "a new object was not discarded";
      EXPECT_EQ(w.pgrp_locked, 0);
      EXPECT_EQ(w.publishes, 1);  // only the first, successful run's child was published
      EXPECT_EQ(w.procs.size(), 1u);
      EXPECT_EQ(w.check_message(), "");
    }
  }
}

TEST(VerifiedFork1, TableFullForAUser) {
  World w(15);
  proc_core* p = w.spawn(1000);
  for (int i = 1; i < 5; ++i) ASSERT_EQ(w.fork(p, VC_RFPROC | VC_RFFDG), VC_OK);
  ASSERT_EQ(w.pc.nprocs, 5);  // maxproc 15: the last 10 are root's
  Counts before = counts_of(w, p);
  size_t steps = w.hook_log.size();
  EXPECT_EQ(w.fork(p, VC_RFPROC | VC_RFFDG), VC_EAGAIN);  // table_full
  EXPECT_EQ(counts_of(w, p), before);
  EXPECT_EQ(w.hook_log.size(), steps) << "no C++ step may run once the table is full";
}

TEST(VerifiedFork1, TableFullForRootOnlyAtMaxproc) {
  World w(12);
  proc_core* p = w.spawn(0);
  for (int i = 1; i < 12; ++i) ASSERT_EQ(w.fork(p, VC_RFPROC | VC_RFFDG | VC_RFMEM), VC_OK) << i;
  Counts before = counts_of(w, p);
  EXPECT_EQ(w.fork(p, VC_RFPROC | VC_RFFDG), VC_EAGAIN);  // table_full
  EXPECT_EQ(counts_of(w, p), before);
  EXPECT_EQ(w.pc.nprocs, 12);
}

TEST(VerifiedFork1, UidLimit) {
  World w;
  proc_core* p = w.spawn(1000, /*nproc_limit=*/3);
  ASSERT_EQ(w.fork(p, VC_RFPROC | VC_RFFDG), VC_OK);
  ASSERT_EQ(w.fork(p, VC_RFPROC | VC_RFFDG), VC_OK);
  Counts before = counts_of(w, p);
  EXPECT_EQ(w.fork(p, VC_RFPROC | VC_RFFDG), VC_EAGAIN);  // uid_limit
  EXPECT_EQ(counts_of(w, p), before);
}

TEST(VerifiedFork1, RootIgnoresItsNprocLimit) {
  World w;
  proc_core* p = w.spawn(0, /*nproc_limit=*/1);
  EXPECT_EQ(w.fork(p, VC_RFPROC | VC_RFFDG), VC_OK);
  EXPECT_EQ(w.fork(p, VC_RFPROC | VC_RFFDG), VC_OK);
}

TEST(VerifiedFork1, PendingSignalRestartsUnderRfpglock) {
  World w;
  proc_core* p = w.spawn(1000);
  Counts before = counts_of(w, p);
  w.signal_pending = true;
  EXPECT_EQ(w.fork(p, VC_RFPROC | VC_RFFDG | VC_RFPGLOCK), VC_ERESTART);
  EXPECT_EQ(counts_of(w, p), before);
  EXPECT_EQ(w.pgrp_locked, 0);
  // Without RFPGLOCK nothing is checked.
  EXPECT_EQ(w.fork(p, VC_RFPROC | VC_RFFDG), VC_OK);
}

TEST(VerifiedFork1, RestartTakesPrecedenceOverAFullTable) {
  World w(11);
  proc_core* p = w.spawn(1000);
  w.signal_pending = true;
  EXPECT_EQ(w.fork(p, VC_RFPROC | VC_RFPGLOCK), VC_ERESTART);  // table_full allows ERESTART
  w.signal_pending = false;
  EXPECT_EQ(w.fork(p, VC_RFPROC | VC_RFPGLOCK), VC_EAGAIN);
}

TEST(VerifiedFork1, ParentWithoutArgs) {
  World w;
  proc_core* p = w.spawn(1000, VC_RLIM_INFINITY, /*with_args=*/false);
  proc_core* c = nullptr;
  ASSERT_EQ(w.fork(p, VC_RFPROC | VC_RFFDG, &c), VC_OK);
  EXPECT_EQ(c->p_args, nullptr);
  EXPECT_EQ(w.check_message(), "");
}

// The freshness the allocation hooks and fork_publish promise is checked
// against the table: an object a process holds fails it, unless that process
// is the one excepted (the child, at fork_publish).
TEST(VerifiedFork1, FreshnessCheckFindsAHeldObject) {
  World w;
  proc_core* p = w.spawn(1000);
  proc_core* q = w.spawn(1001);
  EXPECT_NONFATAL_FAILURE(w.expect_unheld(p->p_vmspace, nullptr), "a process holds");
  EXPECT_NONFATAL_FAILURE(w.expect_unheld(q->p_sigacts, p), "a process holds");
  w.expect_unheld(p->p_fd, p);
  proc_core* child = nullptr;
  ASSERT_EQ(w.fork(p, VC_RFPROC | VC_RFFDG, &child), VC_OK);
  w.expect_unheld(child->p_fd, child);
  w.expect_unheld(child->p_vmspace, child);
}

// fork_publish checks it: published again with another process holding the
// child's new address space (the only object these flags make), it fails.
TEST(VerifiedFork1, PublishFindsANewObjectAnotherProcessHolds) {
  World w;
  proc_core* p = w.spawn(1000);
  proc_core* q = w.spawn(1001);
  const unsigned int flags = VC_RFPROC | VC_RFSIGSHARE | VC_RFTHREAD;
  proc_core* c = nullptr;
  ASSERT_EQ(w.fork(p, flags, &c), VC_OK);
  fork_args fa{};
  fa.fa_pc = &w.pc;
  fa.fa_p1 = p;
  fa.fa_cred = p->p_ucred;
  fa.fa_p2 = c;
  fa.fa_flags = flags;
  w.made.insert(c->p_vmspace);
  vmspace* own = q->p_vmspace;
  q->p_vmspace = c->p_vmspace;
  EXPECT_NONFATAL_FAILURE(fork_publish(&fa), "a process holds");
  q->p_vmspace = own;
  EXPECT_EQ(w.check_message(), "");
}

// ---- rfork without RFPROC ---------------------------------------------------

TEST(VerifiedRforkUnshare, BadFlags) {
  World w;
  proc_core* p = w.spawn(1000);
  EXPECT_EQ(w.unshare(p, VC_RFFDG | VC_RFCFDG), VC_EINVAL);  // bad_flags
}

TEST(VerifiedRforkUnshare, ThreadedProcessIsRefused) {
  World w;
  proc_core* p = w.spawn(1000);
  ASSERT_EQ(w.lwp_create(p, nullptr), VC_OK);
  filedesc* fd = p->p_fd;
  EXPECT_EQ(w.unshare(p, VC_RFCFDG), VC_EINVAL);  // threaded
  EXPECT_EQ(p->p_fd, fd);
}

TEST(VerifiedRforkUnshare, CfdgGivesANewTable) {
  World w;
  proc_core* p = w.spawn(1000);
  ASSERT_EQ(w.fork(p, VC_RFPROC | VC_RFMEM | VC_RFTHREAD), VC_OK);  // share fd and vm
  filedesc* old_fd = p->p_fd;
  vmspace* vm = p->p_vmspace;
  int fd_count = old_fd->fd_ref.rc_count;
  EXPECT_EQ(w.unshare(p, VC_RFCFDG | VC_RFMEM), VC_OK);  // single
  EXPECT_NE(p->p_fd, old_fd);
  EXPECT_EQ(p->p_fd->fd_ref.rc_count, 1);
  EXPECT_EQ(old_fd->fd_ref.rc_count, fd_count - 1);
  EXPECT_EQ(p->p_vmspace, vm);  // RFMEM: the address space stays shared
  EXPECT_EQ(w.check_message(), "");
}

TEST(VerifiedRforkUnshare, FdgCopiesOnlyASharedTable) {
  World w;
  proc_core* p = w.spawn(1000);
  filedesc* own = p->p_fd;
  EXPECT_EQ(w.unshare(p, VC_RFFDG | VC_RFMEM), VC_OK);
  EXPECT_EQ(p->p_fd, own);  // not shared: nothing to do
  ASSERT_EQ(w.fork(p, VC_RFPROC | VC_RFMEM), VC_OK);
  EXPECT_EQ(w.unshare(p, VC_RFFDG | VC_RFMEM), VC_OK);
  EXPECT_NE(p->p_fd, own);
  EXPECT_EQ(own->fd_ref.rc_count, 1);  // the child's alone now
  EXPECT_EQ(w.check_message(), "");
}

TEST(VerifiedRforkUnshare, WithoutRfmemASharedAddressSpaceIsCopied) {
  World w;
  proc_core* p = w.spawn(1000);
  vmspace* own = p->p_vmspace;
  EXPECT_EQ(w.unshare(p, 0), VC_OK);
  EXPECT_EQ(p->p_vmspace, own);  // not shared
  ASSERT_EQ(w.fork(p, VC_RFPROC | VC_RFMEM | VC_RFFDG), VC_OK);
  EXPECT_EQ(w.unshare(p, 0), VC_OK);
  EXPECT_NE(p->p_vmspace, own);
  EXPECT_EQ(w.activations, 1);
  EXPECT_EQ(w.user_leaves, 1);  // the shared space has one user fewer
  EXPECT_EQ(w.core_locked, 0);
  EXPECT_EQ(own->vm_ref.rc_count, 1);
  EXPECT_EQ(w.check_message(), "");
}

TEST(VerifiedRforkUnshare, FailureChangesNothing) {
  World w;
  proc_core* p = w.spawn(1000);
  ASSERT_EQ(w.fork(p, VC_RFPROC | VC_RFMEM), VC_OK);  // fd and vm shared
  filedesc* fd = p->p_fd;
  vmspace* vm = p->p_vmspace;
  int fdc = fd->fd_ref.rc_count, vmc = vm->vm_ref.rc_count;
  size_t objects = w.live_objects();
  w.fail_nth(vctest::kFdCopy, 1);  // the address space copy succeeds first
  EXPECT_EQ(w.unshare(p, VC_RFFDG), VC_ENOMEM);
  EXPECT_EQ(p->p_fd, fd);
  EXPECT_EQ(p->p_vmspace, vm);
  EXPECT_EQ(fd->fd_ref.rc_count, fdc);
  EXPECT_EQ(vm->vm_ref.rc_count, vmc);
  EXPECT_EQ(w.live_objects(), objects);
  w.fail_nth(vctest::kVmspaceCopy, 1);
  EXPECT_EQ(w.unshare(p, VC_RFFDG), VC_ENOMEM);
  EXPECT_EQ(p->p_vmspace, vm);
}

TEST(VerifiedReplace, FdReplaceDestroysTheOldTableAtZero) {
  World w;
  proc_core* p = w.spawn(1000);
  filedesc* old = p->p_fd;
  filedesc* nfd = w.make<filedesc>();
  refcount_init(&nfd->fd_ref, 1);
  proc_fd_replace(p, nfd);
  EXPECT_EQ(p->p_fd, nfd);
  EXPECT_EQ(w.destroys, 1);
  EXPECT_FALSE(w.is_live(old));
}

TEST(VerifiedReplace, ExecOfAChildSharingEverythingKeepsEveryCount) {
  World w;
  proc_core* p = w.spawn(1000);
  proc_core* c = nullptr;
  ASSERT_EQ(w.fork(p, VC_RFPROC | VC_RFMEM | VC_RFSIGSHARE, &c), VC_OK);
  ASSERT_EQ(c->p_fd, p->p_fd);
  ASSERT_EQ(c->p_vmspace, p->p_vmspace);
  ASSERT_EQ(c->p_sigacts, p->p_sigacts);
  w.exec(c);
  EXPECT_NE(c->p_fd, p->p_fd);
  EXPECT_NE(c->p_vmspace, p->p_vmspace);
  EXPECT_NE(c->p_sigacts, p->p_sigacts);
  EXPECT_NE(c->p_args, p->p_args);
  EXPECT_EQ(p->p_fd->fd_ref.rc_count, 1);
  EXPECT_EQ(p->p_vmspace->vm_ref.rc_count, 1);
  EXPECT_EQ(p->p_sigacts->ps_ref.rc_count, 1);
  EXPECT_EQ(w.check_message(), "");
  size_t objects = w.live_objects();
  w.exec(p);  // its own already: only the arguments are new, the old freed
  EXPECT_EQ(w.live_objects(), objects);
  EXPECT_EQ(w.check_message(), "");
}

TEST(VerifiedReplace, VmspaceReplaceKeepsASharedOldOne) {
  World w;
  proc_core* p = w.spawn(1000);
  vmspace* old = p->p_vmspace;
  old->vm_ref.rc_count = 2;  // pretend another holder
  vmspace* nvm = w.make<vmspace>();
  refcount_init(&nvm->vm_ref, 1);
  proc_vmspace_replace(p, nvm);
  EXPECT_EQ(p->p_vmspace, nvm);
  EXPECT_EQ(old->vm_ref.rc_count, 1);
  EXPECT_EQ(w.destroys, 0);
  EXPECT_EQ(w.activations, 1);
  w.destroy(old);
}
