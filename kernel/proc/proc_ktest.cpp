// In-kernel tests of fork's interlock with group signals (docs/process.md):
// under RFPGLOCK fork1 holds its process group's lock shared and returns
// ERESTART when a signal is pending, a group signal holds that lock
// exclusive, and the fork calls go back onto the svc on ERESTART.
//
// The forking process is one of the tests' own: a Proc with every object
// fork1 reads (credentials, uidinfo, limits, a group and session, signal
// actions, a descriptor table with its leader record, an address-space
// record without a space), charged a slot in nprocs and in its uid's count,
// a member of its group, but not on the process lists and without threads.
// It is torn down through proc_release_refs as a reaped process is. These
// paths never reach the child's address space or thread: fork1 stops at the
// signal check, or at an injected allocation failure for the controls.
#include <new>

#include "kernel/fs/file.h"
#include "kernel/fs/filedesc.h"
#include "kernel/fs/linux_abi.h"
#include "kernel/fs/namei.h"
#include "kernel/fs/vfs.h"
#include "kernel/ktest/ktest.h"
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/settle.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sigqueue.h"
#include "kernel/sync/spinlock.h"
#include "kernel/syscall/syscall.h"
#include "kernel/thread/thread.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/verified/charge.h"
#include "kernel/verified/contract_checks.h"
#include "kernel/verified/nprocs.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/tid.h"
#include "kernel/verified/uidinfo.h"

namespace {

constexpr vc_uid_t kUid = 4321;
constexpr int kFork = static_cast<int>(VC_RFFDG | VC_RFPROC | VC_RFPGLOCK);
constexpr int kVfork =
    static_cast<int>(VC_RFFDG | VC_RFPROC | VC_RFPPWAIT | VC_RFMEM | VC_RFPGLOCK);
constexpr int kSigterm = psig::kTerm;

struct FakeProc {
  Proc* p = nullptr;
  Lwp* lp = nullptr;
  Ucred* cr = nullptr;
  Pgrp* pg = nullptr;

  // Everything or nothing: false when out of memory (nothing is left).
  bool make() {
    p = static_cast<Proc*>(kmalloc(sizeof(Proc), M_PROC, M_WAITOK | M_ZERO));
    lp = static_cast<Lwp*>(kmalloc(sizeof(Lwp), M_LWP, M_WAITOK | M_ZERO));
    cr = ucred_alloc(kUid);
    Sigacts* ps = sigacts_new();
    Filedesc* fd = fd_init(nullptr);
    Plimit* lim = plimit_new();
    Fdtol* tl = fdtol_new(nullptr, nullptr);
    auto* vr = static_cast<VmRef*>(kmalloc(sizeof(VmRef), M_VMREF, M_WAITOK | M_ZERO));
    if (p && lp && cr && ps && fd && lim && tl && vr) {
      RmWriteGuard g(g_proctree_lock);
      int pgid = id_claim_locked();
      pg = pgid > 0 ? pgrp_alloc(nullptr, pgid) : nullptr;
      // The group and the session hold the id (pgrp_link_locked): this
      // process is in no hash, so it holds none of its own.
      if (pgid > 0) id_unuse_locked(pgid);
      if (pg) {
        new (p) Proc(g_proc_class);
        lwp_tids_init(&p->core.p_tids);
        vc_contract::proc_charge_new_requires(&g_proccount, &p->core, cr->c.cr_ruidinfo);
        if (proc_charge_new(&g_proccount, &p->core, cr->c.cr_ruidinfo, kUid) != VC_OK) {
          p->~Proc();
          pgrp_free_unused(pg, true);
          pg = nullptr;
        }
      }
      if (pg) {
        p->pid = pgid;
        p->stat = ProcStat::kActive;
        p->sigparent = kSigChld;
        tine_strlcpy(p->copy.comm, "ktest.fork", sizeof p->copy.comm);
        new (lp) Lwp();
        lp->proc = p;
        lp->thread = curthread();
        refcount_init(&vr->c.vm_ref, 1);
        tl->leader = p;
        proc_objects_install_locked(p, cr, ps, fd, lim, vr, pg);
        p->core.p_fdtol = &tl->c;
        return true;
      }
    }
    kfree(vr, M_VMREF);
    if (tl) fdtol_destroy(tl);
    kfree(lim, M_SUBPROC);
    if (fd) fd_destroy(fd);
    kfree(ps, M_SIGACTS);
    if (cr) ucred_put(cr);
    kfree(lp, M_LWP);
    kfree(p, M_PROC);
    p = nullptr;
    return false;
  }

  // As proc_reap gives a process's counts back.
  void destroy() {
    {
      RmWriteGuard g(g_proctree_lock);
      pgrp_leave_locked(p);
      struct proc_core* c = &p->core;
      auto* ps = reinterpret_cast<Sigacts*>(c->p_sigacts);
      auto* fd = reinterpret_cast<Filedesc*>(c->p_fd);
      auto* tl = reinterpret_cast<Fdtol*>(c->p_fdtol);
      auto* vm = reinterpret_cast<VmRef*>(c->p_vmspace);
      auto* lim = reinterpret_cast<Plimit*>(c->p_limit);
      struct proc_lastrefs last = {};
      proc_release_refs(&g_proccount, c, &last);
      proc_objects_destroy_listed(last, pg);
      proc_objects_destroy_unlisted(last, ps, fd, tl, vm, lim, nullptr);
    }
    lp->~Lwp();
    kfree(lp, M_LWP);
    p->~Proc();
    kfree(p, M_PROC);
    p = nullptr;
  }
};

// The process layer's live objects, to compare before make() and after destroy().
struct Live {
  int nprocs;
  ForkStats fs;
  uint64_t objects[11];
  static Live take() {
    Live l;
    l.nprocs = nprocs_read(&g_proccount);
    l.fs = fork_stats();
    MallocType* types[] = {M_PROC,    M_LWP,   M_UCRED, M_SIGACTS, M_FILEDESC, M_SUBPROC,
                           M_VMSPACE, M_VMREF, M_PGRP,  M_SESSION, M_THREAD};
    for (unsigned i = 0; i < 11; ++i) l.objects[i] = malloc_type_stats(types[i]).inuse_objects;
    return l;
  }
};

void expect_same_live(KtestContext& t, const Live& was, const Live& now) {
  KEXPECT_EQ(now.nprocs, was.nprocs);
  KEXPECT_EQ(now.fs.procs_live, was.fs.procs_live);
  KEXPECT_EQ(now.fs.pgrps_live, was.fs.pgrps_live);
  KEXPECT_EQ(now.fs.sessions_live, was.fs.sessions_live);
  KEXPECT_EQ(now.fs.uidinfos_live, was.fs.uidinfos_live);
  KEXPECT_EQ(now.fs.ucreds_live, was.fs.ucreds_live);
  for (unsigned i = 0; i < 11; ++i) KEXPECT_EQ(now.objects[i], was.objects[i]);
}

void expect_live_back(KtestContext& t, const Live& was) { expect_same_live(t, was, Live::take()); }

// Every count fork1 could move, and the memory behind them.
struct Counts {
  int proccnt;
  int cr, ui, lim, pg, ps, fd, fdtol, vm, hold, nthreads;
  uint64_t threads_live, free_pages;
  Live live;  // its fork statistics taken last, after the memory has settled

  static Counts take(const FakeProc& f) {
    Counts c;
    struct proc_core* k = &f.p->core;
    c.proccnt = uidinfo_proccnt(k->p_uidinfo);
    c.cr = refcount_read(&k->p_ucred->cr_ref);
    c.ui = refcount_read(&k->p_uidinfo->ui_ref);
    c.lim = refcount_read(&k->p_limit->pl_ref);
    c.pg = refcount_read(&k->p_pgrp->pg_ref);
    c.ps = refcount_read(&k->p_sigacts->ps_ref);
    c.fd = refcount_read(&k->p_fd->fd_ref);
    c.fdtol = refcount_read(&k->p_fdtol->fdl_ref);
    c.vm = refcount_read(&k->p_vmspace->vm_ref);
    c.hold = refcount_read(&k->p_lock);
    c.nthreads = k->p_tids.p_nthreads;
    c.threads_live = thread_counters().live;
    mm_settle();
    PageStats ps = page_stats();
    c.free_pages = ps.free_pages + ps.pcp_pages;
    c.live = Live::take();
    return c;
  }
};

// KEXPECTs that every count in `now` equals `was`, with `restarts` more forks
// refused with ERESTART and `failures` more refused in all.
void expect_same(KtestContext& t, const Counts& was, const Counts& now, uint64_t restarts,
                 uint64_t failures) {
  expect_same_live(t, was.live, now.live);
  KEXPECT_EQ(now.proccnt, was.proccnt);
  KEXPECT_EQ(now.cr, was.cr);
  KEXPECT_EQ(now.ui, was.ui);
  KEXPECT_EQ(now.lim, was.lim);
  KEXPECT_EQ(now.pg, was.pg);
  KEXPECT_EQ(now.ps, was.ps);
  KEXPECT_EQ(now.fd, was.fd);
  KEXPECT_EQ(now.fdtol, was.fdtol);
  KEXPECT_EQ(now.vm, was.vm);
  KEXPECT_EQ(now.hold, was.hold);
  KEXPECT_EQ(now.nthreads, was.nthreads);
  KEXPECT_EQ(now.threads_live, was.threads_live);
  KEXPECT_EQ(now.free_pages, was.free_pages);
  const ForkStats& a = was.live.fs;
  const ForkStats& b = now.live.fs;
  KEXPECT_EQ(b.restarts - a.restarts, restarts);
  KEXPECT_EQ(b.failures - a.failures, failures);
  KEXPECT_EQ(b.eagain, a.eagain);
  KEXPECT_EQ(b.forks + b.vforks + b.rforks + b.kthreads,
             a.forks + a.vforks + a.rforks + a.kthreads);
  KEXPECT_EQ(b.lwps_created, a.lwps_created);
}

bool group_lock_free(Pgrp* pg) {
  if (lockmgr(&pg->pg_lock, LK_EXCLUSIVE | LK_NOWAIT) != 0) return false;
  lockmgr(&pg->pg_lock, LK_RELEASE);
  return true;
}

void clear_signals(FakeProc& f) {
  __atomic_store_n(&f.p->siglist, 0, __ATOMIC_RELEASE);
  __atomic_and_fetch(&f.lp->flags, ~LWP_WEXIT, __ATOMIC_RELEASE);
}

// Should fork1 get past its signal check when it must not, it fails at the
// child's address space (M_VMSPACE) or LWP (M_LWP) with ENOMEM instead of
// building a child of a process that has no address space.
void guard_past_check(bool on) {
  if (on) {
    kmalloc_fail_all(M_VMSPACE);
    kmalloc_fail_all(M_LWP);
  } else {
    kmalloc_fail_clear(M_VMSPACE);
    kmalloc_fail_clear(M_LWP);
  }
}

}  // namespace

// A signal posted to the forking process (proc_signal, as kill does), or its
// LWP asked to exit: fork1 under RFPGLOCK returns ERESTART for every shape of
// fork, with every count where it was and the group lock released. Controls:
// with nothing pending, or without RFPGLOCK, the fork goes past the check
// (it then fails at its first allocation, injected, and gives it all back).
KTEST(fork1_restart_on_pending_signal) {
  Live live = Live::take();
  FakeProc f;
  KASSERT_T(f.make());
  Counts c0 = Counts::take(f);

  guard_past_check(true);
  proc_signal(f.p, kSigterm);
  KEXPECT(__atomic_load_n(&f.p->siglist, __ATOMIC_ACQUIRE) != 0);
  static const int kFlags[] = {
      kFork,
      kVfork,
      static_cast<int>(VC_RFPROC | VC_RFPGLOCK),  // shared table (its leader record exists)
      static_cast<int>(VC_RFPROC | VC_RFCFDG | VC_RFSIGSHARE | VC_RFTHREAD | VC_RFPGLOCK),
      static_cast<int>(VC_RFPROC | VC_RFNOWAIT | VC_RFMEM | VC_RFFDG | VC_RFPGLOCK),
      static_cast<int>(VC_RFPROC | VC_RFLINUXTHPN | VC_RFFDG | VC_RFPGLOCK),
  };
  TrapFrame frame = {};
  uint64_t n = 0;
  for (int flags : kFlags) {
    Proc* p2 = reinterpret_cast<Proc*>(1);
    KEXPECT_EQ(kern_fork1(f.lp, flags, &p2, &frame), kErestart);
    KEXPECT(p2 == nullptr);
    ++n;
    KEXPECT(group_lock_free(f.pg));
    expect_same(t, c0, Counts::take(f), n, n);
  }

  // An exiting LWP restarts too (it leaves on the way out).
  clear_signals(f);
  __atomic_or_fetch(&f.lp->flags, LWP_WEXIT, __ATOMIC_RELEASE);
  Proc* p2 = nullptr;
  KEXPECT_EQ(kern_fork1(f.lp, kFork, &p2, &frame), kErestart);
  ++n;
  expect_same(t, c0, Counts::take(f), n, n);
  clear_signals(f);

  // Controls: the first allocation past the check (the child's signal
  // actions) fails, so the fork stops there with ENOMEM, not ERESTART.
  kmalloc_fail_nth(M_SIGACTS, 1);
  KEXPECT_EQ(kern_fork1(f.lp, kFork, &p2, &frame), ENOMEM);  // nothing pending
  KEXPECT(!kmalloc_fail_pending(M_SIGACTS));
  proc_signal(f.p, kSigterm);
  kmalloc_fail_nth(M_SIGACTS, 1);
  KEXPECT_EQ(kern_fork1(f.lp, static_cast<int>(VC_RFFDG | VC_RFPROC), &p2, &frame),
             ENOMEM);  // pending, but no RFPGLOCK: no interlock
  KEXPECT(!kmalloc_fail_pending(M_SIGACTS));
  kmalloc_fail_clear(M_SIGACTS);
  guard_past_check(false);
  KEXPECT(p2 == nullptr);
  expect_same(t, c0, Counts::take(f), n, n + 2);

  f.destroy();
  expect_live_back(t, live);
}

// The fork calls on ERESTART: the frame goes back onto the svc (elr - 4), x0
// as it came in (rfork's flags, which the retried svc needs), and the call
// returns -ERESTARTNOINTR, for which the dispatcher writes no result.
KTEST(fork_syscall_restart_rewinds_svc) {
  Live live = Live::take();
  FakeProc f;
  KASSERT_T(f.make());
  Counts c0 = Counts::take(f);
  guard_past_check(true);
  proc_signal(f.p, kSigterm);
  struct Case {
    int flags;
    uint64_t x0;
  };
  const Case cases[] = {
      {kFork, 0x1234},
      {kVfork, 0},
      {static_cast<int>(VC_RFPROC | VC_RFMEM | VC_RFPGLOCK), VC_RFPROC | VC_RFMEM},
      {kFork, kSigChld},  // clone(SIGCHLD, 0)
  };
  uint64_t n = 0;
  for (const Case& c : cases) {
    TrapFrame frame = {};
    frame.elr = 0x400100;
    frame.x[0] = c.x0;
    SyscallArgs a = {{c.x0, 0, 0, 0, 0, 0}, &frame};
    KEXPECT_EQ(fork_syscall(f.lp, a, c.flags), int64_t{-ERESTARTNOINTR});
    KEXPECT_EQ(frame.elr, 0x4000fcu);
    KEXPECT_EQ(frame.x[0], c.x0);
    ++n;
  }
  guard_past_check(false);
  expect_same(t, c0, Counts::take(f), n, n);
  f.destroy();
  expect_live_back(t, live);
}

namespace {

struct ForkerArg {
  FakeProc* f;
  int result;
};

int forker(void* arg) {
  auto* a = static_cast<ForkerArg*>(arg);
  TrapFrame frame = {};
  Proc* p2 = nullptr;
  a->result = kern_fork1(a->f->lp, kFork, &p2, &frame);
  return p2 == nullptr ? 0 : 1;
}

struct SignallerArg {
  int pgid;
  const Ucred* by;
  int result;
};

int signaller(void* arg) {
  auto* a = static_cast<SignallerArg*>(arg);
  a->result = kill_pgrp(a->pgid, kSigterm, a->by);
  return 0;
}

// Waits (at most 2 s) until the lock has a waiter of the kind asked for.
bool wait_for_waiter(struct lock* l, bool exclusive) {
  for (int i = 0; i < 2000; ++i) {
    unsigned n;
    {
      SpinGuard g(l->interlock);
      n = exclusive ? l->excl_waiters : l->shared_waiters;
    }
    if (n > 0) return true;
    thread_sleep_ns(1000000);
  }
  return false;
}

}  // namespace

// Both sides of the interlock, in a fixed order each.
// 1. A group signal holds the lock: a fork arriving meanwhile waits for it
//    and, once the signal is posted and the lock released, restarts.
// 2. A fork holds the lock shared (between its check and the child joining
//    the group): the group signal (kill_pgrp, kill(-pgid)'s path) waits for
//    it and signals nobody until the fork lets go; then it finds every
//    member, the child included.
KTEST(fork_group_signal_interlock) {
  Live live = Live::take();
  FakeProc f;
  KASSERT_T(f.make());
  Counts c0 = Counts::take(f);

  lockmgr(&f.pg->pg_lock, LK_EXCLUSIVE);
  ForkerArg fa{&f, -1};
  Thread* th = nullptr;
  guard_past_check(true);
  if (thread_spawn("ktest.forker", forker, &fa, ThreadAttr{}, &th) != 0) {
    guard_past_check(false);
    lockmgr(&f.pg->pg_lock, LK_RELEASE);
    f.destroy();
    KASSERT_T(!"thread_spawn");
  }
  bool waited = wait_for_waiter(&f.pg->pg_lock, false);
  KEXPECT(waited);
  KEXPECT_EQ(__atomic_load_n(&fa.result, __ATOMIC_ACQUIRE), -1);  // still in fork1
  proc_signal(f.p, kSigterm);
  lockmgr(&f.pg->pg_lock, LK_RELEASE);
  KEXPECT_EQ(thread_join(th), 0);
  guard_past_check(false);
  KEXPECT_EQ(fa.result, kErestart);
  expect_same(t, c0, Counts::take(f), 1, 1);
  clear_signals(f);

  // A second member stands for the child the fork is about to add.
  FakeProc child;
  KASSERT_T(child.make());
  lockmgr(&f.pg->pg_lock, LK_SHARED);
  SignallerArg sa{f.pg->pgid, f.cr, 1};
  KASSERT_T(thread_spawn("ktest.pgsignal", signaller, &sa, ThreadAttr{}, &th) == 0);
  waited = wait_for_waiter(&f.pg->pg_lock, true);
  KEXPECT(waited);
  KEXPECT_EQ(__atomic_load_n(&f.p->siglist, __ATOMIC_ACQUIRE), 0u);  // not yet
  {
    // The child joins the forker's group (as fork_lwp_alloc does).
    RmWriteGuard g(g_proctree_lock);
    pgrp_leave_locked(child.p);
    pgrp_enter_locked(child.p, f.pg);
  }
  lockmgr(&f.pg->pg_lock, LK_RELEASE);
  KEXPECT_EQ(thread_join(th), 0);
  KEXPECT_EQ(sa.result, 0);
  uint64_t bit = 1ull << (kSigterm - 1);
  KEXPECT_EQ(__atomic_load_n(&f.p->siglist, __ATOMIC_ACQUIRE), bit);
  KEXPECT_EQ(__atomic_load_n(&child.p->siglist, __ATOMIC_ACQUIRE), bit);
  {
    RmWriteGuard g(g_proctree_lock);
    pgrp_leave_locked(child.p);
    pgrp_enter_locked(child.p, child.pg);
  }
  child.destroy();
  f.destroy();
  expect_live_back(t, live);
}

namespace {

void link_in_tree(FakeProc& f) {
  RmWriteGuard g(g_proctree_lock);
  id_use_locked(f.p->pid);  // its pid, as fork's claim (proc_unlink_locked gives it back)
  proc_link_locked(f.p, &g_proc0, nullptr);
}

void unlink_from_tree(FakeProc& f) {
  RmWriteGuard g(g_proctree_lock);
  for (Proc** pp = &g_proc0.children; *pp; pp = &(*pp)->sibling)
    if (*pp == f.p) {
      *pp = f.p->sibling;
      break;
    }
  proc_unlink_locked(f.p, nullptr);
}

// Descriptors 0 to n - 1 of fdp open on /dev/null (not the console, whose
// first open starts a thread for good).
bool open_null(Filedesc* fdp, int n) {
  FsCred root{0, 0};
  Vnode* v;
  if (vfs_open(vfs_root(), "/dev/null", O_RDWR, 0, 0, root, &v) != 0) return false;
  bool ok = true;
  for (int fd = 0; fd < n && ok; ++fd) {
    File* fp = nullptr;
    ok = file_open_vnode(v, O_RDWR, root, &fp) == 0 &&
         fd_put_at(fdp, fp, fd, 0, Filedesc::kSmall) == fd;
  }
  vrele(v);
  return ok;
}

// The entries vfs_readdir lists in dir from cookie on.
int count_entries(Vnode* dir, uint64_t cookie) {
  int n = 0;
  auto emit = [](void* ctx, uint64_t, uint64_t, uint8_t, const char*, size_t) {
    ++*static_cast<int*>(ctx);
    return true;
  };
  int e = vfs_readdir(dir, cookie, emit, &n);
  return e ? e : n;
}

}  // namespace

// The invariant checker compares each reference count with the holders it
// finds in the tree, once per object however many processes share it: a
// reference nobody in the tree holds is one problem, and none is left once
// it is given back; so is a uid's task count with a task no process has.
KTEST(proc_check_invariants_counts_holders) {
  Live live = Live::take();
  int base = proc_check_invariants(false);  // whatever the rest of the system has
  FakeProc a, b;
  KASSERT_T(a.make());
  KASSERT_T(b.make());
  // b shares a's signal actions, as after rfork(RFSIGSHARE).
  Sigacts* own = b.p->sigacts();
  b.p->core.p_sigacts = sigacts_hold(a.p->core.p_sigacts);
  kfree(own, M_SIGACTS);
  link_in_tree(a);
  link_in_tree(b);
  KEXPECT_EQ(proc_check_invariants(false), base);
  crhold(&a.cr->c);  // a holder the checker cannot find
  KEXPECT_EQ(proc_check_invariants(false), base + 1);
  ucred_put(a.cr);
  (void)sigacts_hold(a.p->core.p_sigacts);  // the shared one: one problem, not two
  KEXPECT_EQ(proc_check_invariants(false), base + 1);
  (void)sigacts_drop(a.p->core.p_sigacts);
  KEXPECT_EQ(proc_check_invariants(false), base);
  // A task charged to their uid that neither process has (a and b share it).
  KASSERT_T(chgproccnt(a.p->core.p_uidinfo, 1, VC_RLIM_INFINITY) == 1);
  KEXPECT_EQ(proc_check_invariants(false), base + 1);
  (void)chgproccnt(a.p->core.p_uidinfo, -1, VC_RLIM_INFINITY);
  KEXPECT_EQ(proc_check_invariants(false), base);
  unlink_from_tree(b);
  unlink_from_tree(a);
  b.destroy();
  a.destroy();
  expect_live_back(t, live);
}

// A process a reap has taken off the list while a hold on it is given
// back (proc_reap's wait) still holds its references and its slot: the
// checker counts it while it is listed as being reaped, and reports its
// references as unaccounted for otherwise.
KTEST(proc_check_invariants_counts_a_process_being_reaped) {
  Live live = Live::take();
  int base = proc_check_invariants(false);
  FakeProc a;
  KASSERT_T(a.make());
  link_in_tree(a);
  KEXPECT_EQ(proc_check_invariants(false), base);
  unlink_from_tree(a);  // as proc_reap's unlink, before its release
  KEXPECT(proc_check_invariants(false) > base);
  {
    RmWriteGuard g(g_proctree_lock);
    proc_reaping_add_locked(a.p);
  }
  KEXPECT_EQ(proc_check_invariants(false), base);
  {
    RmWriteGuard g(g_proctree_lock);
    proc_reaping_remove_locked(a.p);
  }
  a.destroy();
  KEXPECT_EQ(proc_check_invariants(false), base);
  expect_live_back(t, live);
}

// /proc takes no hold on the descriptor table of a process that is exiting
// (P_WEXIT): its last LWP, finding itself the table's only holder, empties
// it without the table's lock (proc_exit_finish), so a hold /proc took
// after that check would be a reference to what is being closed. Before
// P_WEXIT, /proc lists the descriptors and the working directory.
KTEST(procfs_takes_no_table_from_an_exiting_process) {
  Live live = Live::take();
  FakeProc a;
  KASSERT_T(a.make());
  KASSERT_T(open_null(a.p->fd(), 3));
  fd_set_cwd(a.p->fd(), vfs_root_hold());
  link_in_tree(a);
  FsCred root{0, 0};
  char fd_dir[32], cwd[32], fd0[32];
  tine_snprintf(fd_dir, sizeof fd_dir, "/proc/%d/fd", a.p->pid);
  tine_snprintf(cwd, sizeof cwd, "/proc/%d/cwd", a.p->pid);
  tine_snprintf(fd0, sizeof fd0, "/proc/%d/fd/0", a.p->pid);
  Vnode* dir = nullptr;
  KASSERT_T(vfs_lookup(vfs_root(), fd_dir, true, root, &dir) == 0);
  char buf[16];
  Vnode* v = nullptr;
  KEXPECT_EQ(count_entries(dir, 0), 2 + 3);
  KEXPECT_EQ(vfs_readlink(vfs_root(), cwd, buf, sizeof buf, root), 1);
  KEXPECT_EQ(vfs_lookup(vfs_root(), fd0, false, root, &v), 0);
  if (v) vrele(v);
  v = nullptr;
  {
    SpinGuard g(a.p->spin);
    a.p->flags |= P_WEXIT;
  }
  KEXPECT_EQ(count_entries(dir, 0), 2);
  KEXPECT_EQ(vfs_readlink(vfs_root(), cwd, buf, sizeof buf, root), -ENOENT);
  KEXPECT_EQ(vfs_lookup(vfs_root(), fd0, false, root, &v), -ENOENT);
  if (v) vrele(v);
  {
    SpinGuard g(a.p->spin);
    a.p->flags &= ~P_WEXIT;
  }
  vrele(dir);
  unlink_from_tree(a);
  a.destroy();
  expect_live_back(t, live);
}

// A descriptor directory's offset is a user's to set (lseek): one past every
// descriptor lists none, however large, and never a negative slot.
KTEST(procfs_fd_dir_offset_past_the_table_lists_nothing) {
  Live live = Live::take();
  FakeProc a;
  KASSERT_T(a.make());
  KASSERT_T(open_null(a.p->fd(), 3));
  link_in_tree(a);
  char fd_dir[32];
  tine_snprintf(fd_dir, sizeof fd_dir, "/proc/%d/fd", a.p->pid);
  Vnode* dir = nullptr;
  KASSERT_T(vfs_lookup(vfs_root(), fd_dir, true, FsCred{0, 0}, &dir) == 0);
  KEXPECT_EQ(count_entries(dir, 2), 3);  // past "." and "..": fds 0, 1 and 2
  const uint64_t past[] = {
      5 + 3, 0xfffffffeull + 3, 0xffffffffull + 3, 0x100000000ull + 3, 0x7fffffffffffffffull,
      ~0ull, 0x80000000ull + 3, 0x7fffffffull + 3};
  for (uint64_t cookie : past) KEXPECT_EQ(count_entries(dir, cookie), 0);
  vrele(dir);
  // So does /proc's own past the last pid (a pid's cookie is 100 + pid).
  Vnode* proc = nullptr;
  KASSERT_T(vfs_lookup(vfs_root(), "/proc", true, FsCred{0, 0}, &proc) == 0);
  KEXPECT(count_entries(proc, 0) > 2);
  const uint64_t past_pids[] = {100 + 0x100000000ull, 100 + 0xffffffffull, 100 + 0x80000000ull,
                                ~0ull};
  for (uint64_t cookie : past_pids) KEXPECT_EQ(count_entries(proc, cookie), 0);
  vrele(proc);
  unlink_from_tree(a);
  a.destroy();
  expect_live_back(t, live);
}

// kill(pid) and tgkill find their target with the tree lock only read and
// hold it (PHOLD) while they signal it, so the reaper, which unlinks the
// process and then waits for its holds, cannot free it under them.
KTEST(proc_by_id_hold_holds_until_dropped) {
  Live live = Live::take();
  FakeProc a;
  KASSERT_T(a.make());
  link_in_tree(a);
  KEXPECT_EQ(refcount_read(&a.p->core.p_lock), 0);
  Proc* q = proc_by_id_hold(a.p->pid);
  KEXPECT_EQ(q, a.p);
  KEXPECT_EQ(refcount_read(&a.p->core.p_lock), 1);
  if (q) proc_drop_hold(q);
  KEXPECT_EQ(refcount_read(&a.p->core.p_lock), 0);
  KEXPECT_EQ(proc_by_id_hold(0), nullptr);
  KEXPECT_EQ(proc_by_id_hold(-a.p->pid), nullptr);
  KEXPECT_EQ(proc_by_id_hold(kPidMax + 1), nullptr);
  int pid = a.p->pid;
  unlink_from_tree(a);
  KEXPECT_EQ(proc_by_id_hold(pid), nullptr);  // off the hash: no hold can start
  a.destroy();
  expect_live_back(t, live);
}

// A wait's claim of its process's signal, then the same signal sent to that
// LWP alone (tgkill) before it took the claimed one: two sendings, two
// pending instances. The claimed one goes back to the process's set (a
// real-time one first of its signal there, being the older); the merge lost
// one of them, and a later give-back would have moved the tgkill'd one.
KTEST(signal_claim_then_tgkill_keeps_both) {
  FakeProc f;
  KASSERT_T(f.make());
  constexpr int kUsr1 = psig::kUsr1, kRt = 40;
  constexpr int32_t kSiQueue = -1;
  const uint64_t usr1 = 1ull << (kUsr1 - 1), rt = 1ull << (kRt - 1);
  proc_signal_info(f.p, kUsr1, SigInfo{kSiUser, 11, 0, 0, 0});
  KEXPECT(signal_claim_for_wait(f.lp, kUsr1));
  KEXPECT((f.lp->siglist & usr1) && (f.lp->claimed & usr1) && !(f.p->siglist & usr1));
  {
    SpinGuard g(f.p->spin);
    KEXPECT_EQ(lwp_signal_locked(f.p, f.lp, kUsr1, SigInfo{kSiTkill, 22, 0, 0, 0}), 0);
  }
  KEXPECT((f.p->siglist & usr1) && (f.lp->siglist & usr1) && !(f.lp->claimed & usr1));
  KEXPECT_EQ(f.p->siginfo[kUsr1].pid, 11);
  KEXPECT_EQ(f.lp->siginfo[kUsr1].pid, 22);

  KEXPECT_EQ(proc_signal_info(f.p, kRt, SigInfo{kSiQueue, 1, 0, 0, 0}), 0);
  KEXPECT_EQ(proc_signal_info(f.p, kRt, SigInfo{kSiQueue, 2, 0, 0, 0}), 0);
  KEXPECT(signal_claim_for_wait(f.lp, kRt));  // the oldest, from pid 1
  {
    SpinGuard g(f.p->spin);
    KEXPECT_EQ(lwp_signal_locked(f.p, f.lp, kRt, SigInfo{kSiTkill, 3, 0, 0, 0}), 0);
    KEXPECT(!(f.lp->claimed & rt));
    KEXPECT_EQ(sigq_take_locked(&f.p->sigq, &f.p->siglist, kRt).pid, 1);
    KEXPECT_EQ(sigq_take_locked(&f.p->sigq, &f.p->siglist, kRt).pid, 2);
    KEXPECT(!(f.p->siglist & rt));
    KEXPECT_EQ(sigq_take_locked(&f.lp->sigq, &f.lp->siglist, kRt).pid, 3);
    KEXPECT(!(f.lp->siglist & rt));
    __atomic_store_n(&f.p->siglist, 0, __ATOMIC_RELEASE);
    __atomic_store_n(&f.lp->siglist, 0, __ATOMIC_RELEASE);
  }
  KEXPECT(f.p->sigq.head == nullptr && f.lp->sigq.head == nullptr);
  thread_clear_interrupt();  // the posts interrupted this thread, the fake LWP's
  f.destroy();
}
