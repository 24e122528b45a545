#include "tests/host/verified/fork_world.h"

#include <gtest/gtest.h>

#include "kernel/verified/charge.h"
#include "kernel/verified/fork.h"
#include "kernel/verified/fork_hooks.h"
#include "kernel/verified/nprocs.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/refs.h"
#include "kernel/verified/tid.h"
#include "kernel/verified/uidinfo.h"

namespace vctest {
namespace {
World* g_world = nullptr;
}

const char* hook_name(Hook h) {
  switch (h) {
    case kSigactsCopy: return "fork_sigacts_copy";
    case kFdInit: return "fork_fd_init";
    case kFdCopy: return "fork_fd_copy";
    case kFdtolAlloc: return "fork_fdtol_alloc";
    case kVmspaceCopy: return "fork_vmspace_copy";
    case kLwpAlloc: return "fork_lwp_alloc";
    default: return "?";
  }
}

World::World(int maxproc) {
  EXPECT_EQ(g_world, nullptr) << "one World at a time";
  g_world = this;
  nprocs_init(&pc, maxproc, 0);
  nprocs_init(&lc, maxproc, 0);
}

World::~World() {
  while (!procs.empty()) exit(procs.back());
  for (auto& [uid, uip] : uidinfos_) {
    (void)uid;
    objects_.erase(uip);
    delete uip;
  }
  for (const void* o : objects_) ADD_FAILURE() << "object leaked: " << o;
  g_world = nullptr;
}

World* World::current() { return g_world; }

bool World::take_fault(Hook h) {
  hook_log.push_back(h);
  ++calls_[h];
  return fail_at_[h] != 0 && calls_[h] == fail_at_[h];
}

void World::clear_faults() {
  for (int& f : fail_at_) f = 0;
}

uidinfo* World::get_uidinfo(vc_uid_t uid) {
  auto it = uidinfos_.find(uid);
  if (it != uidinfos_.end()) return uihold(it->second);
  uidinfo* uip = make<uidinfo>();
  uip->ui_uid = uid;
  refcount_init(&uip->ui_ref, 1);
  uidinfos_[uid] = uip;
  return uip;
}

void World::put_uidinfo(uidinfo* uip) {
  if (uidrop(uip)) {
    EXPECT_EQ(uip->ui_proccnt, 0) << "uidinfo freed while processes are charged to it";
    uidinfos_.erase(uip->ui_uid);
    destroy(uip);
  }
}

ucred* World::new_ucred(vc_uid_t uid) {
  ucred* cr = make<ucred>();
  cr->cr_uid = cr->cr_ruid = uid;
  cr->cr_ruidinfo = get_uidinfo(uid);
  refcount_init(&cr->cr_ref, 1);
  return cr;
}

void World::put_ucred(ucred* cr) {
  if (crfree(cr)) {
    put_uidinfo(cr->cr_ruidinfo);
    destroy(cr);
  }
}

plimit* World::new_plimit(unsigned long long nproc_limit) {
  plimit* lim = make<plimit>();
  for (auto& rl : lim->pl_rlimit) rl.rlim_cur = rl.rlim_max = ~0ull;
  lim->pl_rlimit[VC_RLIMIT_NPROC].rlim_cur = nproc_limit;
  refcount_init(&lim->pl_ref, 1);
  return lim;
}

pgrp* World::new_pgrp() {
  pgrp* pg = make<pgrp>();
  refcount_init(&pg->pg_ref, 1);
  return pg;
}

pargs* World::new_pargs() {
  pargs* pa = make<pargs>();
  refcount_init(&pa->ar_ref, 1);
  return pa;
}

proc_core* World::spawn(vc_uid_t uid, unsigned long long nproc_limit, bool with_args) {
  ucred* cr = new_ucred(uid);
  EXPECT_EQ(nprocs_reserve(&pc, 0), VC_OK) << "spawn: process table full";
  EXPECT_EQ(chgproccnt(cr->cr_ruidinfo, 1, VC_RLIM_INFINITY), 1);
  proc_core* p = make<proc_core>();
  refcount_init(&p->p_lock, 0);
  p->p_ucred = cr;
  p->p_uidinfo = uihold(cr->cr_ruidinfo);
  p->p_sigacts = make<sigacts>();
  refcount_init(&p->p_sigacts->ps_ref, 1);
  p->p_fd = make<filedesc>();
  refcount_init(&p->p_fd->fd_ref, 1);
  p->p_vmspace = make<vmspace>();
  refcount_init(&p->p_vmspace->vm_ref, 1);
  p->p_limit = new_plimit(nproc_limit);
  p->p_pgrp = new_pgrp();
  p->p_args = with_args ? new_pargs() : nullptr;
  p->p_leader = p;
  lwp_tids_init(&p->p_tids);
  TestLwp* lwp = make<TestLwp>();
  lwp->proc = p;
  EXPECT_EQ(lwp_tid_alloc_locked(&p->p_tids, &lwp->node), 0);
  lwps[p].push_back(lwp);
  procs.push_back(p);
  return p;
}

int World::fork(proc_core* parent, unsigned int flags, proc_core** child) {
  proc_core* p2 = make<proc_core>();
  refcount_init(&p2->p_lock, 0);
  lwp_tids_init(&p2->p_tids);
  bool shares_fd = (flags & (VC_RFFDG | VC_RFCFDG)) == 0;
  if (shares_fd && parent->p_fdtol == nullptr) {
    parent->p_fdtol = make<fdtol>();  // the parent's leader record, made lazily
    refcount_init(&parent->p_fdtol->fdl_ref, 1);
  }
  fork_args fa{};
  fa.fa_pc = &pc;
  fa.fa_p1 = parent;
  fa.fa_cred = parent->p_ucred;
  fa.fa_lwp1 = lwps[parent].empty() ? nullptr : lwps[parent].front();
  fa.fa_p2 = p2;
  fa.fa_flags = flags;
  EXPECT_TRUE(made.empty());
  signal_seen = false;            // fork1 starts with vc_fork_signal_seen = 0
  alloc_failed = false;           // and vc_fork_alloc_failed = 0
  int error = fork1_census(&fa);  // fork1, as the kernel calls it
  // fork1's ghost postconditions: ERESTART exactly when a signal was seen
  // under the group lock, ENOMEM exactly when an allocating step failed;
  // nothing made is left over, no lock held.
  EXPECT_EQ(error == VC_ERESTART, signal_seen)
      << "fork1 returned " << error << " with signal_seen " << signal_seen;
  EXPECT_EQ(error == VC_ENOMEM, alloc_failed)
      << "fork1 returned " << error << " with alloc_failed " << alloc_failed;
  EXPECT_TRUE(made.empty()) << "an object made for the fork was neither discarded nor "
                               "given to the child";
  EXPECT_EQ(pgrp_held, nullptr) << "fork1 returned with the group lock held";
  if (error != VC_OK) {
    EXPECT_EQ(p2->p_ucred, nullptr);
    EXPECT_EQ(p2->p_sigacts, nullptr);
    EXPECT_EQ(p2->p_tids.p_nthreads, 0);
    destroy(p2);
    if (child != nullptr) *child = nullptr;
    return error;
  }
  // The LWP fork_lwp_alloc made is the child's TID 0.
  tidnode* n = tidset_lookup(&p2->p_tids.p_lwps, 0);
  EXPECT_NE(n, nullptr);
  TestLwp* lwp = reinterpret_cast<TestLwp*>(n);
  lwp->proc = p2;
  lwps[p2].push_back(lwp);
  procs.push_back(p2);
  // start_forked_proc: the parent may be swapped again.
  (void)proc_rele(parent);
  if (child != nullptr) *child = p2;
  return VC_OK;
}

int World::unshare(proc_core* p, unsigned int flags) {
  fork_args fa{};
  fa.fa_pc = &pc;
  fa.fa_p1 = p;
  fa.fa_cred = p->p_ucred;
  fa.fa_flags = flags;
  EXPECT_TRUE(made.empty());
  alloc_failed = false;
  int error = rfork_unshare(&fa);
  if (error != VC_EINVAL) {
    EXPECT_EQ(error == VC_ENOMEM, alloc_failed)
        << "rfork_unshare returned " << error << " with alloc_failed " << alloc_failed;
  }
  // What was made is what p now holds (on failure: nothing).
  for (const void* o : made) {
    EXPECT_EQ(error, VC_OK) << "a failed rfork left an object it made";
    EXPECT_TRUE(o == p->p_fd || o == p->p_vmspace) << "an object made but not installed";
  }
  made.clear();
  return error;
}

namespace {
// A new object with one reference, its maker's.
template <typename T>
T* made_once(World* w, refcount T::*ref) {
  T* o = w->make<T>();
  refcount_init(&(o->*ref), 1);
  return o;
}
}  // namespace

void World::exec(proc_core* p) {
  EXPECT_EQ(p->p_tids.p_nthreads, 1) << "exec waits for its one LWP";
  // The space and the table are destroyed by their replace at their last
  // reference (the destroy hooks); the signal actions and the arguments by
  // their caller.
  if (p->p_vmspace->vm_ref.rc_count > 1) proc_vmspace_replace(p, made_once(this, &vmspace::vm_ref));
  sigacts* ps = p->p_sigacts;
  if (ps->ps_ref.rc_count > 1 && proc_sigacts_replace_locked(p, made_once(this, &sigacts::ps_ref)))
    destroy(ps);
  if (p->p_fd->fd_ref.rc_count > 1) proc_fd_replace(p, made_once(this, &filedesc::fd_ref));
  pargs* args = p->p_args;
  if (proc_args_replace_locked(p, new_pargs())) destroy(args);
}

int World::lwp_create(proc_core* p, int* tid) {
  TestLwp* lwp = make<TestLwp>();
  lwp->proc = p;
  // An LWP slot and a task more for its uid, against its RLIMIT_NPROC.
  int t = lwp_join_locked(p, &lwp->node, &lc);
  if (t < 0) {
    destroy(lwp);
    return VC_EAGAIN;
  }
  lwps[p].push_back(lwp);
  if (tid != nullptr) *tid = t;
  return VC_OK;
}

void World::lwp_exit(proc_core* p, int tid) {
  tidnode* n = lwp_tid_lookup_locked(&p->p_tids, tid);
  (void)lwp_leave_locked(p, tid, &lc);  // its task and slot back, unless it was the last
  auto& v = lwps[p];
  for (size_t i = 0; i < v.size(); ++i) {
    if (&v[i]->node == n) {
      destroy(v[i]);
      v.erase(v.begin() + static_cast<long>(i));
      return;
    }
  }
  ADD_FAILURE() << "removed TID " << tid << " was not an LWP of the process";
}

void World::setuid(proc_core* p, vc_uid_t uid) {
  ucred* ncr = new_ucred(uid);
  uidinfo* old = nullptr;
  if (ncr->cr_ruidinfo != p->p_uidinfo) old = proc_uid_move(p, ncr->cr_ruidinfo);
  put_ucred(proc_ucred_replace_locked(p, ncr));  // p's reference to its old ones
  if (old != nullptr) put_uidinfo(old);
}

void World::exit(proc_core* p) {
  while (!lwps[p].empty()) lwp_exit(p, lwps[p].back()->node.tid);
  lwps.erase(p);
  EXPECT_EQ(p->p_tids.p_nthreads, 0);
  EXPECT_EQ(p->p_lock.rc_count, 0) << "exit with a PHOLD outstanding";
  // As the kernel reaps: the shared objects' references, then the slots
  // (the zombie's one task), then the credentials and the uidinfo.
  proc_core was = *p;
  proc_lastrefs last{};
  proc_drop_refs(p, &last);
  proc_uncharge(&pc, p);
  put_ucred(p->p_ucred);
  put_uidinfo(p->p_uidinfo);
  if (last.sigacts) destroy(was.p_sigacts);
  if (last.fd) destroy(was.p_fd);
  if (last.fdtol) destroy(was.p_fdtol);
  if (last.vmspace) destroy(was.p_vmspace);
  if (last.limit) destroy(was.p_limit);
  if (last.pgrp) destroy(was.p_pgrp);
  if (last.args) destroy(was.p_args);
  for (size_t i = 0; i < procs.size(); ++i) {
    if (procs[i] == p) {
      procs.erase(procs.begin() + static_cast<long>(i));
      break;
    }
  }
  destroy(p);
}

int World::check(vc_report* r) {
  vc_report_init(r);
  int bad = vc_check_procs(&pc, procs.data(), static_cast<int>(procs.size()), nullptr, r);
  int extra_lwps = 0;  // spec/charge.h's lwps_counted, executed
  for (const proc_core* p : procs)
    if (p->p_tids.p_nthreads > 1) extra_lwps += p->p_tids.p_nthreads - 1;
  return bad + vc_check_proccount(&lc, extra_lwps, r);
}

void World::expect_unheld(const void* o, const proc_core* except) const {
  for (const proc_core* p : procs) {
    if (p == except) continue;
    EXPECT_TRUE(o != p->p_sigacts && o != p->p_fd && o != p->p_fdtol && o != p->p_vmspace)
        << "an object made for a fork that a process holds";
  }
}

std::string World::check_message() {
  vc_report r;
  if (check(&r) == 0) return "";
  return std::string(r.first) + " (expected " + std::to_string(r.expected) + ", found " +
         std::to_string(r.actual) + ")";
}

}  // namespace vctest

// ---- The C++ steps of fork, as the world implements them -------------------
// Each checks what its contract in fork_hooks.h requires of the caller and
// delivers what it ensures.

using vctest::World;

namespace {

// FORK_APART: a new object is none of the parent's, nor the child storage.
void expect_apart(const fork_args* fa, const void* o) {
  const proc_core* p1 = fa->fa_p1;
  for (const void* x :
       {static_cast<const void*>(fa->fa_p2), static_cast<const void*>(p1),
        static_cast<const void*>(p1->p_sigacts), static_cast<const void*>(p1->p_fd),
        static_cast<const void*>(p1->p_vmspace), static_cast<const void*>(p1->p_limit),
        static_cast<const void*>(p1->p_pgrp), static_cast<const void*>(p1->p_fdtol),
        static_cast<const void*>(p1->p_args)}) {
    EXPECT_NE(o, x) << "a new object that is the parent's or the child's storage";
  }
}

// A new object for the fork in progress (vc_fork_made rises by one).
template <typename T>
T* made_for_fork(World* w, const fork_args* fa, T* o) {
  expect_apart(fa, o);
  w->expect_unheld(o, nullptr);
  w->made.insert(o);
  return o;
}

// A discard: only of an object made for this fork and not discarded yet.
void expect_made(World* w, const void* o, const char* what) {
  EXPECT_EQ(w->made.erase(o), 1u) << "discarding " << what
                                  << " that was not made for this fork (the parent's?)";
}

// What a copy or alloc hook makes: a T with one reference (ref), for the fork
// in progress, or none where the test injects a failure at hook h.
template <typename T>
T* make_for_fork(const fork_args* fa, vctest::Hook h, refcount T::*ref) {
  World* w = World::current();
  if (w->take_fault(h)) {
    w->alloc_failed = true;  // ensures \result == \null ==> vc_fork_alloc_failed == 1
    return nullptr;
  }
  T* o = w->make<T>();
  refcount_init(&(o->*ref), 1);
  return made_for_fork(w, fa, o);
}

// A discard hook: o (`what`) was made for this fork and nobody holds it yet.
template <typename T>
void discard_made(T* o, refcount T::*ref, const char* what) {
  World* w = World::current();
  EXPECT_TRUE(w->is_live(o));
  EXPECT_EQ((o->*ref).rc_count, 1) << "discarding " << what << " someone else holds";
  expect_made(w, o, what);
  ++w->discards;
  w->destroy(o);
}

// A destroy hook: o's last reference (ref) is gone.
template <typename T>
void destroy_released(T* o, refcount T::*ref) {
  World* w = World::current();
  EXPECT_EQ((o->*ref).rc_count, 0);
  ++w->destroys;
  w->destroy(o);
}

}  // namespace

extern "C" {

void fork_pgrp_lock(struct pgrp* pg) {
  EXPECT_NE(pg, nullptr);
  World* w = World::current();
  EXPECT_EQ(w->pgrp_held, nullptr) << "a group lock is held already";
  w->pgrp_held = pg;
  ++w->pgrp_locked;
  ++w->pgrp_lock_calls;
}

void fork_pgrp_unlock(struct pgrp* pg) {
  EXPECT_NE(pg, nullptr);
  World* w = World::current();
  EXPECT_GT(w->pgrp_locked, 0) << "unlock without lock";
  EXPECT_EQ(w->pgrp_held, pg) << "unlocking a group that is not locked";
  w->pgrp_held = nullptr;
  --w->pgrp_locked;
}

int fork_signal_pending(const struct fork_args* fa) {
  EXPECT_NE(fa, nullptr);
  World* w = World::current();
  w->signal_seen = w->signal_pending;  // ensures vc_fork_signal_seen == \result
  return w->signal_pending ? 1 : 0;
}

struct sigacts* fork_sigacts_copy(const struct fork_args* fa) {
  EXPECT_EQ(fa->fa_flags & VC_RFSIGSHARE, 0u);
  return make_for_fork(fa, vctest::kSigactsCopy, &sigacts::ps_ref);
}

struct filedesc* fork_fd_init(const struct fork_args* fa) {
  EXPECT_NE(fa->fa_flags & VC_RFCFDG, 0u);
  return make_for_fork(fa, vctest::kFdInit, &filedesc::fd_ref);
}

struct filedesc* fork_fd_copy(const struct fork_args* fa) {
  EXPECT_NE(fa->fa_flags & VC_RFFDG, 0u);
  return make_for_fork(fa, vctest::kFdCopy, &filedesc::fd_ref);
}

struct fdtol* fork_fdtol_alloc(const struct fork_args* fa) {
  EXPECT_EQ(fa->fa_flags & (VC_RFFDG | VC_RFCFDG | VC_RFTHREAD), 0u);
  EXPECT_NE(fa->fa_p1->p_fdtol, nullptr);
  return make_for_fork(fa, vctest::kFdtolAlloc, &fdtol::fdl_ref);
}

struct vmspace* fork_vmspace_copy(const struct fork_args* fa) {
  EXPECT_EQ(fa->fa_flags & VC_RFMEM, 0u);
  return make_for_fork(fa, vctest::kVmspaceCopy, &vmspace::vm_ref);
}

struct tidnode* fork_lwp_alloc(const struct fork_args* fa) {
  World* w = World::current();
  EXPECT_NE(fa, nullptr);
  if (w->take_fault(vctest::kLwpAlloc)) {
    w->alloc_failed = true;
    return nullptr;
  }
  vctest::TestLwp* lwp = w->make<vctest::TestLwp>();
  return &lwp->node;
}

void fork_sigacts_discard(struct sigacts* ps) { discard_made(ps, &sigacts::ps_ref, "a sigacts"); }

void fork_fd_discard(struct filedesc* fdp) { discard_made(fdp, &filedesc::fd_ref, "a filedesc"); }

void fork_fdtol_discard(struct fdtol* t) { discard_made(t, &fdtol::fdl_ref, "an fdtol"); }

void fork_vmspace_discard(struct vmspace* vm) { discard_made(vm, &vmspace::vm_ref, "a vmspace"); }

void filedesc_destroy(struct filedesc* fdp) { destroy_released(fdp, &filedesc::fd_ref); }

void vmspace_destroy(struct vmspace* vm) { destroy_released(vm, &vmspace::vm_ref); }

void vmspace_activate(const struct proc_core* p) {
  EXPECT_NE(p, nullptr);
  ++World::current()->activations;
}

// Publishing a child whose TID set is not complete would let a signal walk it
// while fork1 still writes it.
// The objects made for the child are exactly those the flags call for
// (fork_new_objects), and become the child's, held by no other process of
// the table; under RFPGLOCK the group is still locked, so a signal to it
// finds the child.
void fork_publish(const struct fork_args* fa) {
  World* w = World::current();
  EXPECT_NE(tidset_lookup(&fa->fa_p2->p_tids.p_lwps, 0), nullptr);
  EXPECT_EQ(fa->fa_p2->p_tids.p_nthreads, 1);
  unsigned int f = fa->fa_flags;
  bool shares_fd = (f & (VC_RFFDG | VC_RFCFDG)) == 0;
  size_t expected = ((f & VC_RFSIGSHARE) == 0 ? 1 : 0) +
                    (shares_fd ? ((f & VC_RFTHREAD) == 0 ? 1 : 0) : 1) +
                    ((f & VC_RFMEM) == 0 ? 1 : 0);
  EXPECT_EQ(w->made.size(), expected) << "the objects made are not those the child needs";
  for (const void* o : w->made) {
    EXPECT_TRUE(o == fa->fa_p2->p_sigacts || o == fa->fa_p2->p_fd || o == fa->fa_p2->p_fdtol ||
                o == fa->fa_p2->p_vmspace)
        << "an object made for the child that it does not hold";
    w->expect_unheld(o, fa->fa_p2);
  }
  w->made.clear();
  if ((f & VC_RFPGLOCK) != 0) {
    EXPECT_EQ(w->pgrp_held, fa->fa_p1->p_pgrp) << "published without the group lock";
  }
  ++w->publishes;
}

void vmspace_user_leave(struct vmspace* vm) {
  EXPECT_GT(vm->vm_ref.rc_count, 0);
  ++World::current()->user_leaves;
}

void proc_core_lock(const struct proc_core* p) {
  EXPECT_NE(p, nullptr);
  EXPECT_EQ(World::current()->core_locked++, 0);
}

void proc_core_unlock(const struct proc_core* p) {
  EXPECT_NE(p, nullptr);
  EXPECT_EQ(--World::current()->core_locked, 0);
}

}  // extern "C"
