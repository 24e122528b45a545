// fork1 / lwp_fork / start_forked_proc, lwp_create and the at_fork list: the
// seed's kern_fork.c with no MP lock. The counting skeleton is the verified
// core's fork1 (kernel/verified/fork.c); this file is the C++ around it and
// the steps it calls (fork_hooks.h).
#include <arch/cpu.h>
#include <new>

#include "kernel/console/kprintf.h"
#include "kernel/lib/atomic.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/proc_internal.h"
#include "kernel/proc/sigqueue.h"
#include "kernel/sched/sleepq.h"
#include "kernel/sched/usched.h"
#include "kernel/sync/crit.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/verified/charge.h"
#include "kernel/verified/contract_checks.h"
#include "kernel/verified/fork.h"
#include "kernel/verified/fork_hooks.h"
#include "kernel/verified/nprocs.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/tid.h"
#include "kernel/verified/uidinfo.h"
#include "kernel/vm/copy.h"
#include "kernel/vm/layout.h"
#include "kernel/vm/vmspace.h"

ForkStats g_fork_stats;
int forksleep;  // where a refused fork sleeps

namespace {

void bump(uint64_t* c, uint64_t n = 1) { __atomic_add_fetch(c, n, __ATOMIC_RELAXED); }

// What fork1's C++ steps need beyond struct fork_args (fa_lwp1 points here).
struct ForkCtx {
  Lwp* lp1;
  Proc* p2;
  Lwp* lp2;
  const TrapFrame* frame;
  Proc* pptr;  // the child's parent (under RFNOWAIT, init: see fork_publish)
  unsigned flags;
  const ForkStart* start;  // clone's: how the child starts (null for fork)
};

Proc* proc_of(const struct proc_core* c) {
  return reinterpret_cast<Proc*>(const_cast<struct proc_core*>(c));
}
const ForkCtx& ctx_of(const struct fork_args* fa) {
  return *static_cast<const ForkCtx*>(fa->fa_lwp1);
}

// The ghost books of the fork in progress on this thread (the debug kernel
// checks the steps' contracts against them, contract_checks.h); null in the
// release kernel, whose checks compile to nothing.
ForkBooks* fork_books() {
#ifdef TINE_DEBUG
  return curthread()->fork_books;
#else
  return nullptr;
#endif
}

// Opens the books for fork1 or rfork_unshare on this thread, and closes them
// when it returns (debug kernel). fork1's and rfork_unshare's ghost
// requirement: no fork in progress on this thread ("vc_fork_made == 0").
class ForkBooksScope {
 public:
#ifdef TINE_DEBUG
  explicit ForkBooksScope(const struct fork_args* fa) {
    Thread* t = curthread();
    KASSERT(t->fork_books == nullptr);  // one fork at a time on a thread
    books_.fa = fa;
    t->fork_books = &books_;
  }
  ~ForkBooksScope() { curthread()->fork_books = nullptr; }
  ForkBooksScope(const ForkBooksScope&) = delete;
  ForkBooksScope& operator=(const ForkBooksScope&) = delete;

 private:
  ForkBooks books_;
#else
  explicit ForkBooksScope(const struct fork_args*) {}
#endif
};

// ---- the at_fork list ----------------------------------------------------------

struct ForkList {
  forklist_fn function;
  ForkList* next;
};
// Read by every fork, written by at_fork and rm_at_fork: a read-mostly lock,
// so forks on different CPUs do not meet here.
CpuLockClasses g_atfork_classes{"atfork0", "atfork1", "atfork2", "atfork3", kRankAtFork};
constinit RmLock g_atfork_lock{g_atfork_classes};
ForkList* g_fork_list;  // g_atfork_lock

// ppsratecheck(lastfail, curfail, 1): at most one message a second.
bool fork_fail_ratecheck() {
  static uint64_t last_ns;
  uint64_t now = clock_ns();
  uint64_t last = __atomic_load_n(&last_ns, __ATOMIC_RELAXED);
  if (last != 0 && now - last < 1000000000ull) return false;
  return __atomic_compare_exchange_n(&last_ns, &last, now, false, __ATOMIC_RELAXED,
                                     __ATOMIC_RELAXED);
}

// The new LWP's kernel thread and registers (the seed's lwp_fork, minus the
// TID: the verified core assigns that). nullptr when out of memory.
Lwp* lwp_alloc(Lwp* origlp, Proc* destproc, unsigned flags) {
  Lwp* lp = lwp_new();
  if (!lp) return nullptr;
  lp->proc = destproc;
  lp->stat = LwpStat::kRun;
  lp->copy = origlp->copy;  // the startcopy region
  if (destproc != origlp->proc) destproc->masks_seen = origlp->copy.sigmask;
  // A thread sharing the memory does not share the alternate signal stack
  // (Linux: CLONE_VM without CLONE_VFORK); a forked copy keeps it.
  if (destproc == origlp->proc || ((flags & VC_RFMEM) && !(flags & VC_RFPPWAIT)))
    lp->copy.altstack = {};
  Thread* td = nullptr;
  if (lwp_thread_create(lp, &td) != 0) {
    kfree(lp, M_LWP);
    return nullptr;
  }
  lp->thread = td;
  if (flags & VC_RFPPWAIT) td->flags |= kThreadVforkChild;
  if (destproc != origlp->proc) td->flags |= kThreadForkChild;
  // The parent thread's CPUs (Linux's children inherit the mask), before the
  // placement that chooses among them.
  cpumask_t mask = origlp->thread->affinity & usched_mastermask;
  (void)thread_set_affinity_unstarted(td, mask ? mask : usched_mastermask);
  // Scheduler heuristics: a timer IPI may update the parent's estimate meanwhile.
  crit_enter();
  usched_tine.heuristic_forking(origlp->thread, td);
  crit_exit();
  proc_count_lwp(1);
  bump(&g_fork_stats.lwps_created);
  return lp;
}

// The seed's vm_dsize + vm_ssize of the child's address space, in pages: the
// heap up to the break, and the stack region.
uint64_t fork_vm_pages(Proc* p2) {
  VmRef* vr = p2->vmref();
  Vmspace* vm = vr ? vr->vm : nullptr;
  if (!vm) return 0;
  uint64_t heap = 0;
  {
    SpinGuard g(vm->lock);
    if (vm->brk_base != 0 && vm->brk > vm->brk_base)
      heap = (page_round_up(vm->brk) - vm->brk_base) / kPageSize;
  }
  return heap + kStackSize / kPageSize;
}

// An LWP whose thread never ran user code, and that nothing else can reach
// any more (never published, or taken off its process's TID set and the
// thread-id hash by lwp_unfork): let the thread run out and free it.
void lwp_discard(Lwp* lp) {
  __atomic_or_fetch(&lp->flags, LWP_WEXIT, __ATOMIC_RELEASE);
  lp->stat = LwpStat::kZomb;
  lp->exit_process = false;
  Thread* t = lp->thread;
  lp->proc = nullptr;  // lwp_exit_finish: nothing to tell a process
  thread_start(t);
  lwp_free(lp);
}

}  // namespace

void cpu_fork(Lwp* lp2, const TrapFrame* frame) {
  lp2->start = *frame;
  lp2->start.x[0] = 0;
  Thread* me = curthread();
  Thread* t = lp2->thread;
  arch::user_fp_snapshot(&t->fp, &me->fp);
  t->fp_used = me->fp_used;
  t->fp_cpu = -1;
  t->ctx.tpidr_el0 = arch::user_tls();
}

// ---- the steps fork1 calls (contracts in fork_hooks.h) ----------------------------

extern "C" {

void fork_pgrp_lock(struct pgrp* pg) {
  struct lock* l = &reinterpret_cast<Pgrp*>(pg)->pg_lock;
  lockmgr(l, LK_SHARED);
  if constexpr (vc_contract::kChecked)
    vc_contract::fork_pgrp_lock_contract(fork_books(), pg, lockstatus(l, curthread()) == LK_SHARED);
}

void fork_pgrp_unlock(struct pgrp* pg) {
  vc_contract::fork_pgrp_unlock_contract(fork_books(), pg);
  lockmgr(&reinterpret_cast<Pgrp*>(pg)->pg_lock, LK_RELEASE);
}

int fork_signal_pending(const struct fork_args* fa) {
  Lwp* lp1 = ctx_of(fa).lp1;
  int r =
      signal_pending_unblocked(lp1) || (__atomic_load_n(&lp1->flags, __ATOMIC_ACQUIRE) & LWP_WEXIT)
          ? 1
          : 0;
  vc_contract::fork_signal_pending_ensures(fork_books(), r);
  return r;
}

namespace {

// The allocations' "holders(procs, n, kind, \result) == 0" and fork_publish's
// "fork_made_unheld(procs, n, fa)": no process but `except` (the child, at
// fork_publish) holds one of the n objects. With the tree lock written no
// process joins or leaves; the others' pointers are only compared. An object
// made for a fork is that fork's alone until the fork returns, so a fork
// with a child is checked once, at fork_publish, for all it made (the
// allocations' promise and fork_publish's at once: one write of the tree
// lock a fork); rfork without RFPROC, which has no fork_publish, at each
// allocation.
void check_unheld(const char* fn, const void* const* objs, int n, const Proc* except) {
  if (!vc_contract::kChecked || n == 0) return;
  RmWriteGuard g(g_proctree_lock);
  proc_each_holding_locked([&](const Proc* p) {
    if (p == except) return true;
    const struct proc_core* c = &p->core;
    for (int i = 0; i < n; ++i) {
      const void* o = objs[i];
      if (__atomic_load_n(&c->p_sigacts, __ATOMIC_RELAXED) == o ||
          __atomic_load_n(&c->p_fd, __ATOMIC_RELAXED) == o ||
          __atomic_load_n(&c->p_fdtol, __ATOMIC_RELAXED) == o ||
          __atomic_load_n(&c->p_vmspace, __ATOMIC_RELAXED) == o)
        vc_contract::failed(fn, "held by no process of the table", o, p->pid, __FILE__, __LINE__);
    }
    return true;
  });
}

// An allocation's check (see check_unheld): now for rfork without RFPROC.
void check_allocated_unheld(const char* fn, const struct fork_args* fa, const void* o) {
  if constexpr (vc_contract::kChecked)
    if (o && (fa->fa_flags & VC_RFPROC) == 0) check_unheld(fn, &o, 1, nullptr);
}

Sigacts* sigacts_copy_for_child(const struct fork_args* fa) {
  auto* ps = static_cast<Sigacts*>(kmalloc(sizeof(Sigacts), M_SIGACTS, M_WAITOK | M_ZERO));
  if (!ps) return nullptr;
  refcount_init(&ps->c.ps_ref, 1);
  Proc* p1 = proc_of(fa->fa_p1);
  {
    SpinGuard g(p1->spin);  // rt_sigaction writes the tables under it
    sigacts_copy_actions(ps, p1->sigacts());
  }
  const ForkStart* start = ctx_of(fa).start;
  if (start && start->clear_sighand) sigacts_reset_caught(ps);  // not visible yet
  return ps;
}

VmRef* vmspace_copy_for_child(const struct fork_args* fa) {
  auto* vr = static_cast<VmRef*>(kmalloc(sizeof(VmRef), M_VMREF, M_WAITOK | M_ZERO));
  if (!vr) return nullptr;
  // The copy is charged to the forking process's real uid (its credentials
  // stay as they are while it forks: kern_fork1 holds the forklock).
  Proc* p1 = proc_of(fa->fa_p1);
  VmForkResult r = vm_fork(p1->vmref()->vm, 0, p1->ucred()->mem);
  if (r.error || !r.vm) {
    kfree(vr, M_VMREF);
    return nullptr;
  }
  refcount_init(&vr->c.vm_ref, 1);
  vr->vm = r.vm;
  vr->users = 1;
  return vr;
}

Lwp* lwp_for_child(const struct fork_args* fa) {
  auto& ctx = const_cast<ForkCtx&>(ctx_of(fa));
  Lwp* lp2 = lwp_alloc(ctx.lp1, ctx.p2, ctx.flags);
  if (!lp2) return nullptr;
  cpu_fork(lp2, ctx.frame);
  if (const ForkStart* st = ctx.start) {
    if (st->stack) lp2->start.sp = st->stack;
    if (st->set_tls) lp2->thread->ctx.tpidr_el0 = st->tls;
    lp2->set_child_tid = st->set_child_tid;
    lp2->clear_child_tid = st->clear_child_tid;
  }
  ctx.lp2 = lp2;
  return lp2;
}

}  // namespace

struct sigacts* fork_sigacts_copy(const struct fork_args* fa) {
  Sigacts* ps = sigacts_copy_for_child(fa);
  struct sigacts* r = ps ? &ps->c : nullptr;
  vc_contract::fork_sigacts_copy_ensures(fork_books(), fa, r);
  check_allocated_unheld("fork_sigacts_copy", fa, r);
  return r;
}

// RFCFDG: no descriptors; the working directory and umask carry over (fdinit).
struct filedesc* fork_fd_init(const struct fork_args* fa) {
  Filedesc* fd = fd_init(proc_of(fa->fa_p1)->fd());
  struct filedesc* r = fd ? &fd->c : nullptr;
  vc_contract::fork_fd_init_ensures(fork_books(), fa, r);
  check_allocated_unheld("fork_fd_init", fa, r);
  return r;
}

// RFFDG: the same Files at the same descriptors, in a table of the child's (fdcopy).
struct filedesc* fork_fd_copy(const struct fork_args* fa) {
  Filedesc* fd = fd_copy(proc_of(fa->fa_p1)->fd());
  struct filedesc* r = fd ? &fd->c : nullptr;
  vc_contract::fork_fd_copy_ensures(fork_books(), fa, r);
  check_allocated_unheld("fork_fd_copy", fa, r);
  return r;
}

// A shared table without RFTHREAD: the child leads its own record, in the
// ring of the parent's (filedesc_to_leader_alloc(p1->p_fdtol, p2)).
struct fdtol* fork_fdtol_alloc(const struct fork_args* fa) {
  Fdtol* tl = fdtol_new(ctx_of(fa).p2, reinterpret_cast<Fdtol*>(fa->fa_p1->p_fdtol));
  struct fdtol* r = tl ? &tl->c : nullptr;
  vc_contract::fork_fdtol_alloc_ensures(fork_books(), fa, r);
  check_allocated_unheld("fork_fdtol_alloc", fa, r);
  return r;
}

struct vmspace* fork_vmspace_copy(const struct fork_args* fa) {
  VmRef* vr = vmspace_copy_for_child(fa);
  struct vmspace* r = vr ? &vr->c : nullptr;
  vc_contract::fork_vmspace_copy_ensures(fork_books(), fa, r);
  check_allocated_unheld("fork_vmspace_copy", fa, r);
  return r;
}

struct tidnode* fork_lwp_alloc(const struct fork_args* fa) {
  Lwp* lp2 = lwp_for_child(fa);
  struct tidnode* r = lp2 ? &lp2->node : nullptr;
  vc_contract::fork_lwp_alloc_ensures(fork_books(), r);
  return r;
}

namespace {

// fork_publish's work, the tree lock held as fork_publish says.
void fork_publish_locked(const ForkCtx& ctx, Proc* p1, Proc* p2) {
  p2->pid = id_claim_locked();
  KASSERT(p2->pid > 0);  // nprocs < kPidMax: an id is always free
  if (p1->pgrp) pgrp_enter_locked(p2, p1->pgrp);
  Proc* parent = ctx.pptr;
  p2->parent_gtid = ctx.lp1->gtid;
  if (ctx.flags & VC_RFNOWAIT) {
    parent = orphan_heir_locked();  // init (the kernel once init has exited)
    p2->parent_gtid = parent->pid;
    if (parent == &g_proc0) p2->flags |= P_KREAP;  // not visible yet
  } else if (ctx.start && ctx.start->sibling) {
    // CLONE_PARENT: the caller's parent, and the exit signal the caller has.
    parent = p1->pptr;
    p2->parent_gtid = p1->parent_gtid;
    p2->sigparent = p1->sigparent;
    if (parent == &g_proc0) p2->flags |= P_KREAP;
  }
  proc_link_locked(p2, parent, ctx.lp2);
}

}  // namespace

void fork_publish(const struct fork_args* fa) {
  vc_contract::fork_publish_requires(fork_books(), fa);
  if (const ForkBooks* b = fork_books())
    check_unheld("fork_publish", b->made, b->nmade, ctx_of(fa).p2);
  // The child becomes visible (SIDL) while the process group's lock is still
  // held, so a signal to the group finds it; its TID set is complete.
  const ForkCtx& ctx = ctx_of(fa);
  Proc* p2 = ctx.p2;
  Proc* p1 = ctx.lp1->proc;
  // Usually the forker is the parent, and it is not exiting (its exit waits
  // for this LWP to leave): the tree lock to read is enough, the id hash,
  // group and children lists each under its own lock. Another parent
  // (RFNOWAIT's heir, CLONE_PARENT's grandparent) may be exiting, and an exit
  // hands its children on with the tree lock written: such a child is linked
  // with it written too, before or after that exit, never during.
  bool forker_is_parent = !(ctx.flags & VC_RFNOWAIT) && !(ctx.start && ctx.start->sibling);
  if (forker_is_parent) {
    RmReadGuard g(g_proctree_lock);
    fork_publish_locked(ctx, p1, p2);
  } else {
    RmWriteGuard g(g_proctree_lock);
    fork_publish_locked(ctx, p1, p2);
  }
  vc_contract::fork_publish_ensures(fork_books(), fa);
}

void fork_sigacts_discard(struct sigacts* ps) {
  vc_contract::fork_sigacts_discard_contract(fork_books(), ps);
  kfree(ps, M_SIGACTS);
}

void fork_fd_discard(struct filedesc* fdp) {
  vc_contract::fork_fd_discard_contract(fork_books(), fdp);
  fd_destroy(reinterpret_cast<Filedesc*>(fdp));
}

void fork_fdtol_discard(struct fdtol* tl) {
  vc_contract::fork_fdtol_discard_contract(fork_books(), tl);
  fdtol_destroy(reinterpret_cast<Fdtol*>(tl));
}

void fork_vmspace_discard(struct vmspace* vm) {
  vc_contract::fork_vmspace_discard_contract(fork_books(), vm);
  auto* vr = reinterpret_cast<VmRef*>(vm);
  if (vr->vm) vmspace_release(vr->vm);
  kfree(vr, M_VMREF);
}

void filedesc_destroy(struct filedesc* fdp) {
  vc_contract::filedesc_destroy_requires(fdp);
  fd_destroy(reinterpret_cast<Filedesc*>(fdp));
}

void vmspace_destroy(struct vmspace* vm) {
  vc_contract::vmspace_destroy_requires(vm);
  auto* vr = reinterpret_cast<VmRef*>(vm);
  Vmspace* v = __atomic_exchange_n(&vr->vm, nullptr, __ATOMIC_ACQ_REL);
  if (v) vmspace_release(v);
  kfree(vr, M_VMREF);
}

void vmspace_activate(const struct proc_core* p) {
  vmspace_activate(reinterpret_cast<const VmRef*>(p->p_vmspace)->vm);
}

void vmspace_user_leave(struct vmspace* vm) { vmref_user_leave(reinterpret_cast<VmRef*>(vm)); }

void proc_core_lock(const struct proc_core* p) { proc_of(p)->spin.lock(); }

void proc_core_unlock(const struct proc_core* p) { proc_of(p)->spin.unlock(); }

}  // extern "C"

// ---- fork1 ----------------------------------------------------------------------

int kern_fork1(Lwp* lp1, int iflags, Proc** procp, const TrapFrame* frame, const ForkStart* start) {
  unsigned flags = static_cast<unsigned>(iflags);
  Proc* p1 = lp1->proc;
  *procp = nullptr;
  if ((flags & (VC_RFFDG | VC_RFCFDG)) == (VC_RFFDG | VC_RFCFDG)) return EINVAL;

  ForkCtx ctx{lp1, nullptr, nullptr, frame, p1, flags, start};
  struct fork_args fa {
    &g_proccount, &p1->core, nullptr, &ctx, nullptr, flags
  };

  if ((flags & VC_RFPROC) == 0) {
    // Divorce parts of this process from itself (one LWP only: checked by the core).
    Ucred* cr = proc_cred_hold(p1);
    fa.fa_cred = &cr->c;
    ForkBooksScope books(&fa);
    if constexpr (vc_contract::kChecked) {
      SpinGuard g(p1->spin);  // the parent's objects stay while they are read
      vc_contract::rfork_unshare_requires(&fa);
    }
    int r = rfork_unshare(&fa);
    if (r == VC_OK) vc_contract::rfork_unshare_installed(fork_books(), &p1->core);
    vc_contract::fork_books_empty("rfork_unshare", fork_books());
    vc_contract::fork_enomem_ensures("rfork_unshare", fork_books(), r);
    ucred_put(cr);
    return r;
  }

  // A shared descriptor table comes with a leader record (the seed's
  // filedesc_to_leader_alloc(NULL, p1->p_leader)).
  if ((flags & (VC_RFFDG | VC_RFCFDG)) == 0 && p1->core.p_fdtol == nullptr) {
    Fdtol* tl = fdtol_new(reinterpret_cast<Proc*>(p1->core.p_leader), nullptr);
    if (!tl) {
      bump(&g_fork_stats.failures);
      return ENOMEM;
    }
    {
      SpinGuard g(p1->spin);
      if (p1->core.p_fdtol == nullptr) {
        p1->core.p_fdtol = &tl->c;
        tl = nullptr;
      }
    }
    if (tl) fdtol_destroy(tl);
  }

  Proc* p2 = proc_new();
  if (!p2) {
    bump(&g_fork_stats.failures);
    return ENOMEM;
  }
  lockinit(&p2->forklock, "forklock", 0, 0);
  lwp_tids_init(&p2->core.p_tids);
  p2->stat = ProcStat::kIdl;
  p2->copy = p1->copy;  // the startcopy region; the rest is zero
  if (flags & VC_RFPPWAIT) {
    p2->flags |= P_PPWAIT;
    p2->vfork_parent = p1;
  }
  {
    SpinGuard g(p1->spin);
    p2->flags |= p1->flags & (P_SUGID | P_CONTROLT | P_NODUMP | P_NONEWPRIVS);
  }
  p2->sigparent = start ? start->exit_signal : (flags & VC_RFLINUXTHPN) ? psig::kUsr1 : kSigChld;
  ctx.p2 = p2;
  fa.fa_p2 = &p2->core;

  lockmgr(&p1->forklock, LK_SHARED);
  // The credentials the child gets, held across the fork. Taken under the
  // forklock, which setuid holds exclusive across its swap: the child has
  // the credentials and the memory of one moment, both from before a
  // concurrent setuid or both from after it (not root's credentials with
  // memory written after the setuid(1000) returned).
  Ucred* cr = proc_cred_hold(p1);
  fa.fa_cred = &cr->c;
  int error;
  {
    ForkBooksScope books(&fa);
    if constexpr (vc_contract::kChecked) {
      SpinGuard g(p1->spin);             // the parent's objects stay while they are read
      vc_contract::fork1_requires(&fa);  // fork1_census's, which are fork1's and the table's
    }
    error = fork1_census(&fa);  // fork1, proved to keep every uid's census
    vc_contract::fork_books_empty("fork1", fork_books());
    vc_contract::fork1_restart_ensures(fork_books(), error);
    vc_contract::fork_enomem_ensures("fork1", fork_books(), error);
  }
  lockmgr(&p1->forklock, LK_RELEASE);
  vc_uid_t uid = cr->c.cr_ruid;
  ucred_put(cr);
  if (error != VC_OK) {
    // The core gave back every count; the child was never published.
    KASSERT(ctx.lp2 == nullptr);
    kfree(p2, M_PROC);
    bump(&g_fork_stats.failures);
    if (error == VC_ERESTART) bump(&g_fork_stats.restarts);
    if (error == VC_EAGAIN) {
      bump(&g_fork_stats.eagain);
      if (fork_fail_ratecheck())
        kprintf("maxproc limit exceeded by uid %u, please see tuning(7) and login.conf(5).\n", uid);
      tsleep(&forksleep, 0, "fork", kHz / 2);
    }
    return error;
  }

  // The child is built (SIDL, TID 0). The rest cannot fail.
  if (flags & VC_RFMEM) __atomic_add_fetch(&p2->vmref()->users, 1, __ATOMIC_ACQ_REL);
  // Its limits are those fork1 took under the forklock: whether the tick
  // looks at its CPU time follows them, not the parent's flag, which a
  // prlimit64 between the two may have changed.
  if (p2->limit()->c.pl_rlimit[kRlimitCpu].rlim_cur != VC_RLIM_INFINITY) [[unlikely]] {
    SpinGuard g(p2->spin);
    p2->flags |= P_CPULIMIT;
  }
  p2->start_ns = clock_ns();
  p2->acflag = AFORK;

  uint64_t pages = fork_vm_pages(p2);
  if (flags == (VC_RFFDG | VC_RFPROC | VC_RFPGLOCK)) {
    bump(&g_fork_stats.forks);
    bump(&g_fork_stats.forkpages, pages);
  } else if (flags == (VC_RFFDG | VC_RFPROC | VC_RFPPWAIT | VC_RFMEM | VC_RFPGLOCK)) {
    bump(&g_fork_stats.vforks);
    bump(&g_fork_stats.vforkpages, pages);
  } else if (p1 == &g_proc0) {
    bump(&g_fork_stats.kthreads);
    bump(&g_fork_stats.kthreadpages, pages);
  } else {
    bump(&g_fork_stats.rforks);
    bump(&g_fork_stats.rforkpages, pages);
  }

  // Modules that want to adjust the child (they must not block).
  {
    RmReadGuard g(g_atfork_lock);
    for (ForkList* ep = g_fork_list; ep; ep = ep->next)
      ep->function(p1, p2, static_cast<int>(flags));
  }
  *procp = p2;
  return 0;
}

void start_forked_proc(Lwp* lp1, Proc* p2) {
  Proc* p1 = lp1->proc;
  tidnode* n;
  {
    SpinGuard g(p2->spin);
    n = tidtree::first(p2->core.p_tids.p_lwps);
  }
  Lwp* lp2 = lwp_of(n);
  KASSERT(p2->stat == ProcStat::kIdl);
  bool ppwait = (p2->flags & P_PPWAIT) != 0;
  if (ppwait) {
    vc_contract::proc_hold_requires(&p2->core);
    proc_hold(&p2->core);  // keeps it while we wait on it below
  }
  usched_tine.resetpriority(lp2->thread);
  crit_enter();
  // Only this thread changes a process from SIDL, and of the readers only
  // /proc's listing (which hides SIDL) and prlimit64 (-ESRCH) tell SIDL from
  // active, with acquire loads: a release store, no lock.
  atomic_store_value(&p2->stat, ProcStat::kActive, __ATOMIC_RELEASE);
  lp2->stat = LwpStat::kRun;
  usched_tine.setrunqueue(lp2->thread);
  crit_exit();

  // The hold fork1 took on the parent. Only proc_reap sleeps on a process's
  // holds, and only on a zombie's: the parent is this LWP's own process, not
  // a zombie while this LWP runs, so the last hold going wakes nobody.
  KASSERT(lp1 == curlwp());
  vc_contract::proc_rele_requires(&p1->core);
  (void)proc_rele(&p1->core);

  // vfork: wait until the child execs or exits, or until this process is to
  // die (Linux's killable wait: the child keeps the memory, which it holds).
  // A caught signal waits: its handler would run on the stack the child is
  // using. A signal that ends the process ends it here: on the way out, a
  // caught signal of a lower number would have its frame written on the
  // child's stack first (the frame the child's own handler returns through,
  // if it is in one), and the action could change meanwhile.
  if (ppwait) {
    int fatal = 0;  // lwp_fatal_signal's: -1, this LWP is told to exit
    // (The child may have exec'd or exited already: no sleep queue then.)
    while (__atomic_load_n(&p2->flags, __ATOMIC_ACQUIRE) & P_PPWAIT) {
      tsleep_interlock(p1, PCATCH);
      if (!(__atomic_load_n(&p2->flags, __ATOMIC_ACQUIRE) & P_PPWAIT)) {
        tsleep_abort();
        break;
      }
      if ((fatal = lwp_fatal_signal(lp1)) != 0) {
        tsleep_abort();
        break;
      }
      if (tsleep(p1, PINTERLOCKED | PCATCH, "ppwait", 0) == EINTR && !lwp_fatal_pending(lp1))
        thread_clear_interrupt();  // delivered on the way out, after the wait
    }
    if (fatal) {
      // Nobody waits any more: the child must not keep a pointer to a parent
      // that may be reaped before the child execs or exits.
      SpinGuard g(p2->spin);
      if (p2->vfork_parent == p1) {
        p2->flags &= ~P_PPWAIT;
        p2->vfork_parent = nullptr;
      }
    }
    proc_drop_hold(p2);
    // Told to exit (LWP_WEXIT), it takes no signal on the way out.
    if (fatal > 0) exit1(wstatus_signaled(fatal));
  }
}

// Ends a vfork parent's wait (the child execs or exits).
void wake_vfork_parent(Proc* p) {
  Proc* parent;
  {
    SpinGuard g(p->spin);
    if (!(p->flags & P_PPWAIT)) return;
    p->flags &= ~P_PPWAIT;
    parent = p->vfork_parent;  // waits in start_forked_proc, holding p (a killed one clears this)
    p->vfork_parent = nullptr;
  }
  if (parent) wakeup(parent);
}

// ---- at_fork ---------------------------------------------------------------------------

int at_fork(forklist_fn fn) {
  if (rm_at_fork(fn))
    kprintf("WARNING: fork callout entry (%p) already present\n", reinterpret_cast<void*>(fn));
  auto* ep = static_cast<ForkList*>(kmalloc(sizeof(ForkList), M_ATFORK, M_WAITOK | M_ZERO));
  if (!ep) return ENOMEM;
  ep->function = fn;
  RmWriteGuard g(g_atfork_lock);
  ForkList** pp = &g_fork_list;
  while (*pp) pp = &(*pp)->next;
  *pp = ep;
  return 0;
}

int rm_at_fork(forklist_fn fn) {
  ForkList* found = nullptr;
  {
    RmWriteGuard g(g_atfork_lock);
    for (ForkList** pp = &g_fork_list; *pp; pp = &(*pp)->next)
      if ((*pp)->function == fn) {
        found = *pp;
        *pp = found->next;
        break;
      }
  }
  if (!found) return 0;
  kfree(found, M_ATFORK);
  return 1;
}

// ---- lwp_create --------------------------------------------------------------------------

// Frees an LWP that has left its process (or never joined one): off the
// thread-id hash and its id given back first, so no lookup by id can reach
// it any more, then its thread joined.
void lwp_free(Lwp* lp) {
  if (lp->gtid) {
    RmReadGuard g(g_proctree_lock);
    lwp_unhash_locked(lp);
  }
  thread_join(lp->thread);
  lwp_destroy(lp);
}

void lwp_unhash_locked(Lwp* lp) {
  if (!lp->gtid) return;
  tidhash_remove_locked(lp);
  lwp_release_id_locked(lp);
}

void lwp_release_id_locked(Lwp* lp) {
  if (lp->owns_id) id_unuse_locked(lp->gtid);
  lp->gtid = 0;  // nothing left for lwp_free to take off
}

void lwp_destroy(Lwp* lp) {
  sigq_flush(&lp->sigq, 0);  // its own real-time signals go with it (Linux's too)
  kfree(lp, M_LWP);
  proc_count_lwp(-1);
}

// Joins and frees LWPs of p that have exited.
void lwp_reap_zombies(Proc* p) {
  Lwp* z;
  {
    SpinGuard g(p->spin);
    z = p->zombie_lwps;
    p->zombie_lwps = nullptr;
  }
  while (z) {
    Lwp* next = z->zombie_next;
    lwp_free(z);
    z = next;
  }
}

// A new LWP takes two slots, and gives them back when it leaves while others
// of its process remain: one of the system's LWPs beyond the first of each
// process (g_lwpcount, root's reserve kept) and one of its real uid's tasks
// (ui_proccnt against RLIMIT_NPROC, as Linux counts threads; lwp_join_locked
// and lwp_leave_locked). This takes lp out of p's TIDs and gives them back
// if others remain: true; false if lp was the last (p->spin held).
bool lwp_leave_tids_locked(Proc* p, Lwp* lp) {
  p->spin.assert_held();
  vc_contract::lwp_leave_locked_requires(&p->core, lp->tid(), &g_lwpcount);
  return lwp_leave_locked(&p->core, lp->tid(), &g_lwpcount);
}

int lwp_fork_thread(Lwp* lp1, Lwp** out) {
  Proc* p = lp1->proc;
  lwp_reap_zombies(p);
  Lwp* lp = lwp_alloc(lp1, p, 0);
  if (!lp) return -ENOMEM;
  bool ok = false;
  {
    // The tree lock to read: the id is claimed lock-free and the thread-id
    // hash changes under its bucket's lock; the LWP count is an atomic; the
    // rest is the process's.
    RmReadGuard g(g_proctree_lock);
    SpinGuard g2(p->spin);
    // Not while the process exits or execs (its other LWPs are being ended).
    bool leaving = (p->flags & (P_WEXIT | P_INEXEC)) ||
                   (__atomic_load_n(&lp1->flags, __ATOMIC_ACQUIRE) & LWP_WEXIT);
    int id = leaving ? -1 : id_claim_locked();
    if (id > 0) vc_contract::lwp_join_locked_requires(&p->core, &lp->node, &g_lwpcount);
    if (id > 0 && lwp_join_locked(&p->core, &lp->node, &g_lwpcount) >= 0) {
      lp->gtid = id;
      lp->owns_id = true;
      tidhash_insert_locked(lp);
      ok = true;
    }
    if (id > 0 && !ok) id_unuse_locked(id);
  }
  if (!ok) {
    lwp_discard(lp);
    return -EAGAIN;
  }
  *out = lp;
  return 0;
}

void lwp_unfork(Lwp* lp) {
  Proc* p = lp->proc;
  {
    // lwp_fork_thread published it (the TID set, the thread-id hash): it
    // leaves both at once, dead, under the locks lookups take, before any of
    // it goes. Then no tkill, sched_setaffinity or get_robust_list finds it.
    RmReadGuard g(g_proctree_lock);
    SpinGuard g2(p->spin);
    bool others = lwp_leave_tids_locked(p, lp);
    KASSERT(others, "lwp_unfork: the creating LWP is gone");
    atomic_store_value(&lp->stat, LwpStat::kZomb, __ATOMIC_RELEASE);
    lwp_unhash_locked(lp);  // its id is its own (owns_id): lwp_fork_thread's
  }
  lwp_discard(lp);
}

void lwp_start(Lwp* lp) {
  usched_tine.resetpriority(lp->thread);
  crit_enter();
  lp->stat = LwpStat::kRun;
  usched_tine.setrunqueue(lp->thread);
  crit_exit();
}

int64_t kern_lwp_create(uint64_t uparams) {
  Lwp* lp1 = curlwp();
  lwp_reap_zombies(lp1->proc);  // first, even when the call fails (proctest counts on it)
  LwpParams params;
  if (copyin_u(uparams, &params, sizeof params) != 0) return -EFAULT;
  Lwp* lp;
  if (int err = lwp_fork_thread(lp1, &lp); err) return err;
  // cpu_prepare_lwp: enter at func(arg) on the given stack, this thread's TLS.
  arch::user_frame_init(&lp->start, params.func, params.stack);
  lp->start.x[0] = params.arg;
  lp->thread->ctx.tpidr_el0 = arch::user_tls();
  int tid = lp->tid();
  if ((params.tid1 && copyout_u(&tid, params.tid1, sizeof tid) != 0) ||
      (params.tid2 && copyout_u(&tid, params.tid2, sizeof tid) != 0)) {
    lwp_unfork(lp);  // the half-made LWP goes (the seed's fail: path)
    return -EFAULT;
  }
  lwp_start(lp);
  return 0;
}
