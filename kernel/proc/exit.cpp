// exit (one LWP), exit1 (the process), reaping (waiting is wait.cpp's),
// and posting signals (kill, kill_pgrp, proc_signal; delivery is signal.cpp's).
#include <arch/cpu.h>
#include <arch/user_entry.h>

#include "kernel/console/kprintf.h"
#include "kernel/lib/atomic.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/proc/futex.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/proc_internal.h"
#include "kernel/proc/sigqueue.h"
#include "kernel/sched/sleepq.h"
#include "kernel/thread/thread.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/verified/charge.h"
#include "kernel/verified/contract_checks.h"
#include "kernel/verified/fork.h"
#include "kernel/verified/fork_hooks.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/refs.h"
#include "kernel/verified/tid.h"
#include "kernel/vm/copy.h"
#include "kernel/vm/vmspace.h"

namespace {

// Whether sig, posted to p for `target` (the LWP it is sent to; for the
// process, its first LWP, or any when that one has gone), is kept pending:
// SIGKILL, a caught signal, one whose default action ends the process, or
// one the target blocks (Linux's sig_ignored: the action may change before
// it is unblocked; in rt_sigtimedwait, its mask from before the wait
// counts too). An ignored one (SIG_IGN, or a default of doing nothing) is
// dropped at once. p->spin held.
bool blocks(const Lwp* lp, int sig) {
  uint64_t mask = __atomic_load_n(&lp->copy.sigmask, __ATOMIC_RELAXED);
  if (__atomic_load_n(&lp->flags, __ATOMIC_RELAXED) & LWP_SIGWAIT) mask |= lp->saved_sigmask;
  return (mask >> (sig - 1)) & 1;
}
[[gnu::noinline]] bool target_blocks(Proc* p, const Lwp* target, int sig) {
  if (target) return blocks(target, sig);
  const Lwp* any = nullptr;
  for (tidnode* n = tidtree::first(p->core.p_tids.p_lwps); n; n = tidtree::next(n)) {
    const Lwp* lp = lwp_of(n);
    if (lp->gtid == p->pid) {
      any = lp;
      break;
    }
    if (!any && blocks(lp, sig)) any = lp;
  }
  return any && blocks(any, sig);
}
inline bool sig_wanted(Proc* p, const Lwp* target, int sig) {
  if (sig == psig::kKill || !signal_action_ignores(p->sigacts(), sig)) return true;
  if (!((__atomic_load_n(&p->masks_seen, __ATOMIC_SEQ_CST) >> (sig - 1)) & 1)) return false;
  return target_blocks(p, target, sig);
}

// The LWPs in rt_sigtimedwait for a signal (bit) that ends no other sleep.
[[gnu::noinline]] void wake_sigwaiters_locked(Proc* p, uint64_t bit) {
  for (tidnode* n = tidtree::first(p->core.p_tids.p_lwps); n; n = tidtree::next(n)) {
    Lwp* lp = lwp_of(n);
    if ((__atomic_load_n(&lp->flags, __ATOMIC_RELAXED) & LWP_SIGWAIT) &&
        !(__atomic_load_n(&lp->copy.sigmask, __ATOMIC_RELAXED) & bit))
      thread_interrupt(lp->thread);
  }
}

}  // namespace

void proc_end_other_lwps_locked(Proc* p, Lwp* self) {
  p->spin.assert_held();
  for (tidnode* n = tidtree::first(p->core.p_tids.p_lwps); n; n = tidtree::next(n)) {
    Lwp* lp = lwp_of(n);
    if (lp == self) continue;
    __atomic_or_fetch(&lp->flags, LWP_WEXIT, __ATOMIC_RELEASE);
    thread_interrupt(lp->thread);
  }
  // An LWP waiting for the others to go (exec's single-threading) must look
  // again: it may be one of those told to go.
  wakeup(&p->core.p_tids);
}

void proc_signal(Proc* p, int sig) { proc_signal_info(p, sig, SigInfo{kSiKernel, 0, 0, 0}); }

namespace {
int proc_signal_info_locked(Proc* p, int sig, const SigInfo& info, Lwp* sender = nullptr);
}

int proc_signal_info(Proc* p, int sig, const SigInfo& info, bool by_current) {
  if (sig <= 0 || sig > kNsig) return 0;
  SpinGuard g(p->spin);
  return proc_signal_info_locked(p, sig, info, by_current ? curlwp() : nullptr);
}

namespace {

// sig with info into a pending set (p->spin held): a real-time one queued
// (0 or -EAGAIN); a standard one already pending keeps its first sender's
// information (Linux's legacy_queue; the bits are cleared under p->spin too).
int post_locked(Proc* p, SigQueue* q, uint64_t* siglist, SigInfo* infos, int sig,
                const SigInfo& info) {
  if (sig >= kSigRtmin) return sigq_post_locked(p, q, siglist, sig, info);
  uint64_t bit = 1ull << (sig - 1);
  if (!(__atomic_load_n(siglist, __ATOMIC_RELAXED) & bit)) infos[sig] = info;
  __atomic_or_fetch(siglist, bit, __ATOMIC_RELEASE);
  return 0;
}

int proc_signal_info_locked(Proc* p, int sig, const SigInfo& info, Lwp* sender) {
  if (p->stat == ProcStat::kZombie) return 0;
  JcPost how = jobctl_post_locked(p, sig);  // stop, continue (kernel/proc/jobctl.cpp)
  if (how == JcPost::kDrop || (how == JcPost::kNormal && !sig_wanted(p, nullptr, sig))) return 0;
  uint64_t bit = 1ull << (sig - 1);
  if (int e = post_locked(p, &p->sigq, &p->siglist, p->siginfo, sig, info); e) return e;
  // Wake the interruptible sleeps of the LWPs that may take it, so they
  // notice on their way out to EL0; not for one kept only because it is
  // blocked while its action ignores it: it would end no sleep on Linux.
  if (how == JcPost::kNormal && sig != psig::kKill && signal_action_ignores(p->sigacts(), sig)) {
    wake_sigwaiters_locked(p, bit);  // rt_sigtimedwait takes it whatever its action
    return 0;
  }
  // A caught signal that a system call of one of p's LWPs posts (kill of
  // its own pid), which that LWP does not block, is taken by it on its way
  // back to EL0: no other is woken. It cannot block it before then; should a
  // handler's mask block it first, or should it exit, the others are woken
  // (signal_mask_retarget, and the exit).
  if (how == JcPost::kNormal && sender && sender->proc == p && !blocks(sender, sig) &&
      !(__atomic_load_n(&sender->flags, __ATOMIC_RELAXED) & LWP_WEXIT) &&
      signal_action_catches(p->sigacts(), sig)) {
    thread_interrupt(sender->thread);
    return 0;
  }
  // Else every LWP that may take it is woken: the first to go out to EL0
  // takes it, and a wait that a caught signal ends claims it first
  // (signal_claim_for_wait), so the others' waits go on.
  for (tidnode* n = tidtree::first(p->core.p_tids.p_lwps); n; n = tidtree::next(n)) {
    Lwp* lp = lwp_of(n);
    if (sig == psig::kKill || !(__atomic_load_n(&lp->copy.sigmask, __ATOMIC_RELAXED) & bit))
      thread_interrupt(lp->thread);
  }
  return 0;
}
}  // namespace

int lwp_signal_locked(Proc* p, Lwp* lp, int sig, const SigInfo& info) {
  p->spin.assert_held();
  KASSERT(lp->proc == p);
  if (sig <= 0 || sig > kNsig || p->stat == ProcStat::kZombie) return 0;
  // Stopping and continuing act on the whole process (as Linux's group stop
  // does), so a stop or SIGCONT sent to one LWP is the process's.
  if (sig == psig::kCont || psig::default_stops(sig)) return proc_signal_info_locked(p, sig, info);
  if (!sig_wanted(p, lp, sig)) return 0;
  // One lp claimed from the process's set goes back there first, so that
  // this sending is one more, lp's own (the process's other LWPs may take
  // the claimed one).
  uint64_t bit = 1ull << (sig - 1);
  if (lp->claimed & bit) signal_retarget_locked(p, lp, bit);
  if (int e = post_locked(p, &lp->sigq, &lp->siglist, lp->siginfo, sig, info); e) return e;
  if (sig == psig::kKill || !(__atomic_load_n(&lp->copy.sigmask, __ATOMIC_RELAXED) & bit))
    thread_interrupt(lp->thread);
  return 0;
}

void lwp_signal_self(int sig) {
  Lwp* lp = curlwp();
  Proc* p = lp->proc;
  SpinGuard g(p->spin);
  lwp_signal_locked(p, lp, sig, SigInfo{kSiUser, p->pid, p->ucred()->c.cr_ruid, 0});
}

// End the process with wait status ws, from one of its LWPs (in a system
// call or a fault): the other LWPs are told to go, this one leaves EL0.
void exit1(int ws) {
  Lwp* lp = curlwp();
  Proc* p = lp->proc;
  {
    SpinGuard g(p->spin);
    if (!(p->flags & P_WEXIT)) {
      p->flags |= P_WEXIT;
      p->xstat = ws;
      lp->exit_process = true;
      proc_end_other_lwps_locked(p, lp);
    }
    // else: another LWP is ending the process; this one just goes.
  }
  arch_user_run_exit(&lp->run, 0);
}

void lwp_exit_self(int code) {
  Lwp* lp = curlwp();
  Proc* p = lp->proc;
  {
    SpinGuard g(p->spin);
    // The last LWP ends the process (Linux's exit of the last thread), with
    // the code of the LWP that has the pid's id, which may have gone before.
    if (p->nthreads() == 1 && !(p->flags & P_WEXIT)) {
      p->flags |= P_WEXIT;
      p->xstat = wstatus_exited(p->leader_exit ? p->leader_exit & 0xff : code);
      lp->exit_process = true;
    } else if (lp->gtid == p->pid && !(p->flags & P_WEXIT)) {
      p->leader_exit = 0x100 | (code & 0xff);
    }
  }
  arch_user_run_exit(&lp->run, 0);
}

void proc_exit_finish(Proc* p, Lwp* lp);
void ctty_exit(Proc* p);

// Linux's exit_mm_release: the robust futexes the LWP still holds are marked
// as their owner's death, and its clear_child_tid word (set_tid_address,
// CLONE_CHILD_CLEARTID) is zeroed and futex-woken: pthread_join waits on it.
// The word is left alone when nothing else uses the memory (Linux's mm_users
// test): nobody can be waiting on it, and the write would copy a page of a
// space about to go.
void lwp_release_user_words(Lwp* lp) {
  Proc* p = lp->proc;
  if (lp->robust_list) futex_robust_list_release(lp);
  uint64_t word = lp->clear_child_tid;
  lp->clear_child_tid = 0;
  VmRef* vr = p->vmref();
  if (word == 0 || vr == nullptr) return;
  bool others = __atomic_load_n(&p->core.p_tids.p_nthreads, __ATOMIC_RELAXED) > 1 ||
                __atomic_load_n(&vr->users, __ATOMIC_RELAXED) > 1;
  if (!others) return;
  uint32_t zero = 0;
  if (copyout_u(&zero, word, sizeof zero) == 0) (void)futex_wake_shared(word, 1);
}

// The LWP's thread has left EL0 for good (lwp_thread_main).
void lwp_exit_finish(Lwp* lp) {
  Proc* p = lp->proc;
  if (!p) return;  // a discarded LWP that never ran
  if (lp->robust_list || lp->clear_child_tid) lwp_release_user_words(lp);
  if (!lp->exit_process) lwp_pass_children(lp);  // the last LWP's go with the process
  {
    SpinGuard g(p->spin);
    if (lp->vfork_wait) lwp_vfork_release_locked(lp);
    if (lp->exit_process) {
      // Wait for the others to leave the tree.
      while (p->nthreads() > 1) ssleep(&p->core.p_tids, p->spin, 0, "lwpwait", 0);
    } else if (p->nthreads() > 1) {
      // Only this LWP ends: it waits, as a zombie LWP, to be joined. The
      // signals it claimed and did not take go back to the process, and
      // what the process has pending wakes the others (it may have been
      // meant for this one).
      signal_retarget_locked(p, lp, ~0ull);
      p->exited_use.add(lwp_cpu_use_self());
      bool others = lwp_leave_tids_locked(p, lp);
      KASSERT(others, "lwp_exit_finish: no other LWP left");
      atomic_store_value(&lp->stat, LwpStat::kZomb, __ATOMIC_RELEASE);  // tid_owner_hold reads it
      lp->zombie_next = p->zombie_lwps;
      p->zombie_lwps = lp;
      wakeup(&p->core.p_tids);
      return;
    } else {
      // The last LWP, leaving without exit1 (a killed thread whose process
      // was already exiting cannot be last; two LWPs that called exit at
      // once each saw the other, and the leader, if one of them, recorded
      // its code): the process ends with it, with the leader's code.
      if (!(p->flags & P_WEXIT)) {
        p->flags |= P_WEXIT;
        p->xstat = wstatus_exited(p->leader_exit & 0xff);
      }
    }
    p->exited_use.add(lwp_cpu_use_self());
    // The last: its task stays charged until the reap, and it held no LWP
    // slot (a process's first LWP takes none), so no count moves. This is
    // lwp_leave_tids_locked's body, called directly: the call costs every
    // process exit 17 instructions (glibc's vfork round trip 8,816, not 8,799).
    vc_contract::lwp_leave_locked_requires(&p->core, lp->tid(), &g_lwpcount);
    bool others = lwp_leave_locked(&p->core, lp->tid(), &g_lwpcount);
    KASSERT(!others, "lwp_exit_finish: the last LWP left others");
    atomic_store_value(&lp->stat, LwpStat::kZomb, __ATOMIC_RELEASE);
  }
  proc_exit_finish(p, lp);
}

namespace {

// What an exit tells once the tree lock is dropped.
struct ExitNotice {
  Proc* tell = nullptr;  // the parent to send the exit signal, held
  Proc* wake = nullptr;  // a channel to wake: the heir, which got zombies
  bool wake_reaper = false;
  SigInfo info{};
  int sig = 0;
  int orphaned[8];  // groups to send SIGHUP and SIGCONT
  int norphaned = 0;
};

// Whether p's exit changes nothing but its parent's children list (the tree
// lock held either way): no children to hand on, not init, and not the last
// tie of its group to its session through its parent (then
// jobctl_exit_orphans_locked finds nothing). While p exits, only a fork with
// the tree lock written (RFNOWAIT, CLONE_PARENT) can give it a child: its own
// LWPs are gone.
bool exit_is_plain_locked(Proc* p) {
  // p's own list needs no kids lock here: the tree lock excludes the forks
  // that write it and p's waiters are gone with its LWPs (its children mark
  // their zombies on it, but do not change the list).
  if (p == g_initproc || p->children) return false;
  const Pgrp* mine = p->pgrp;
  const Proc* q = p->pptr;
  return !(mine && q && q->pgrp && q->pgrp != mine && q->pgrp->session == mine->session);
}

// p becomes a zombie on its parent's list (the tree lock held either way);
// what to tell the parent goes into n.
void exit_become_zombie_locked(Proc* p, Lwp* lp, ExitNotice* n) {
  KASSERT(p->stat == ProcStat::kActive);
  Proc* parent = p->pptr;
  {
    SpinGuard k(parent->kids);
    // tid_owner_hold reads both under a hash bucket's lock: the LWP first.
    atomic_store_value(&p->exit_lwp, lp, __ATOMIC_RELAXED);
    atomic_store_value(&p->stat, ProcStat::kZombie, __ATOMIC_RELEASE);
  }
  if (parent == &g_proc0) {
    n->wake_reaper = true;
    return;
  }
  // SIGCHLD's siginfo: how the child ended, its pid and real uid.
  bool signaled = (p->xstat & 0x7f) != 0;
  n->info = {signaled ? kCldKilled : kCldExited, p->pid, p->ucred()->c.cr_ruid,
             signaled ? (p->xstat & 0x7f) : (p->xstat >> 8) & 0xff};
  n->sig = p->sigparent;  // its parent's exit may reset it once the lock is dropped
  n->tell = parent;
  vc_contract::proc_hold_requires(&parent->core);
  proc_hold(&parent->core);
}

}  // namespace

// The rest of exit1, on the last LWP's thread.
void proc_exit_finish(Proc* p, Lwp* lp) {
  if (p->itimer) [[unlikely]]
    itimer_exit(p);  // before anything it could signal goes
  lwp_reap_zombies(p);
  wake_vfork_parent(p);
  // The address space goes now (the last live user gives it back); the
  // counted reference stays with the zombie until it is reaped.
  vmspace_activate(static_cast<Vmspace*>(nullptr));
  vmref_user_leave(p->vmref());
  // So do its descriptors (a pipe's reader sees its writer gone now, not when
  // this process is reaped): a table of its own is emptied in place; from a
  // shared one it moves to the empty g_exited_fd, and the last process to let
  // go of that table closes what is in it.
  if (refcount_read(&p->core.p_fd->fd_ref) == 1) {
    fd_close_all(p->fd());
  } else {
    vc_contract::fdshare_requires(&g_exited_fd.c);
    struct filedesc* exited = fdshare(&g_exited_fd.c);
    vc_contract::proc_fd_replace_requires(&p->core, exited);
    proc_fd_replace(&p->core, exited);
  }
  ctty_exit(p);  // a session leader's terminal hangs up (kernel/tty/ctty.cpp)
  // SIGCHLD and the wakeups go out once the tree lock is dropped (they can
  // take run queues and send IPIs). A waiting parent cannot miss the wakeup:
  // it announces itself (tsleep_interlock) under its kids lock, under which
  // this exit makes the zombie. The hold keeps the parent from being freed
  // meanwhile.
  ExitNotice n;
  // Usually the process has no children, is not init, and its group stays
  // tied to its session: then only its parent's children list sees it go,
  // and the tree lock to read with the parent's kids lock is enough.
  // Otherwise its children are handed on and groups looked at with the tree
  // lock written.
  bool done = false;
  {
    RmReadGuard g(g_proctree_lock);
    if (exit_is_plain_locked(p)) {
      exit_become_zombie_locked(p, lp, &n);
      done = true;
    }
  }
  if (!done) {
    RmWriteGuard g(g_proctree_lock);
    // Groups this exit orphans with stopped members get SIGHUP and SIGCONT.
    n.norphaned = jobctl_exit_orphans_locked(p, n.orphaned, 8);
    // Orphans go to init, which reaps them (to process 0 when init itself
    // is the one exiting: the kernel reaps them then).
    if (p == g_initproc) g_initproc = nullptr;
    Proc* heir = orphan_heir_locked();
    bool wake_heir = false;
    for (;;) {
      Proc* c;
      {
        SpinGuard k(p->kids);
        c = p->children;
        if (!c) break;
        p->children = c->sibling;
      }
      c->pptr = heir;
      proc_parent_died_locked(c, p, heir->pid);
      c->sigparent = kSigChld;  // an RFLINUXTHPN child's SIGUSR1 was for its parent
      if (heir == &g_proc0) {
        SpinGuard g2(c->spin);
        c->flags |= P_KREAP;
      }
      SpinGuard k(heir->kids);  // the heir's waiters look under it
      c->sibling = heir->children;
      heir->children = c;
      if (c->stat == ProcStat::kZombie) wake_heir = true;
    }
    if (wake_heir && heir == &g_proc0)
      n.wake_reaper = true;
    else if (wake_heir)
      n.wake = heir;
    exit_become_zombie_locked(p, lp, &n);
  }
  if (n.wake) wakeup(n.wake);  // a channel only: the heir itself is not touched
  if (Proc* tell = n.tell) {
    proc_signal_info(tell, n.sig, n.info);
    wakeup(tell);
    proc_drop_hold(tell);  // it may be a zombie being reaped
  }
  if (n.wake_reaper) wakeup(&g_proc0);
  jobctl_hup_groups(n.orphaned, n.norphaned);
}

// Frees a zombie claimed by its waiter (off its parent's list already).
//
// Holds (PHOLD) on a process that may be a zombie are only taken on a process
// found in the tree, with the lock of what it was found in: the pid hash with
// the tree lock written (setpgid and prlimit64 on another process) or with
// the bucket's lock (kill of one process, tgkill, tkill: pidtab.h's *_hold
// lookups), its kids list under the kids lock (an exiting child on its
// parent, which cannot be a zombie before that child is handed on; wait on a
// stopped child). The others (fork1 on its own process, a vfork parent on its
// child) are never on a zombie. So the zombie leaves the tree first, and then
// no new hold can appear: once the holds there are have been given back,
// nobody but this thread can reach it. Usually there are none when it leaves, and its
// references go in the same hold of the tree lock; what they free that no
// table lists is freed after it, with no lock held.
void proc_reap(Proc* p) {
  KASSERT(p->stat == ProcStat::kZombie);
  // The last LWP's thread is joined while the LWP is still in the thread-id
  // hash, dead: a lookup by id touches the thread of a running LWP only
  // (docs/locking.md, "Lifetimes"). It leaves the hash with the process.
  Lwp* last_lwp = p->exit_lwp;
  thread_join(last_lwp->thread);
  struct proc_core* c = &p->core;
  Sigacts* ps;
  Filedesc* fd;
  Fdtol* tl;
  VmRef* vm;
  Plimit* lim;
  Pargs* pa;
  struct proc_lastrefs last = {};
  // With the tree lock held and every hold gone (a holder may replace the
  // pointers until then): the references, and the listed objects that lost
  // their last.
  auto release_locked = [&] {
    auto* pg = reinterpret_cast<Pgrp*>(c->p_pgrp);
    ps = reinterpret_cast<Sigacts*>(c->p_sigacts);
    fd = reinterpret_cast<Filedesc*>(c->p_fd);
    tl = reinterpret_cast<Fdtol*>(c->p_fdtol);
    vm = reinterpret_cast<VmRef*>(c->p_vmspace);
    lim = reinterpret_cast<Plimit*>(c->p_limit);
    pa = reinterpret_cast<Pargs*>(c->p_args);
    proc_release_refs(&g_proccount, c, &last);
    proc_objects_destroy_listed(last, pg);
  };
  // Off the thread-id and pid hashes, its ids given back (the tree lock held
  // either way; its parent's list is behind it, claimed by its waiter).
  auto unlink_locked = [&] {
    proc_unlink_locked(p, last_lwp);
    p->exit_lwp = nullptr;
  };
  // Usually it is not its group's last member, so its reference on the group
  // is not the last (the others' hold it until they leave, which this one's
  // leaving orders after it), and nobody holds it: then the tree lock to
  // read is enough. The group's last member, whose leaving may free the
  // group, leaves with the tree lock written, as does a process still held.
  bool done = false;
  {
    RmReadGuard g(g_proctree_lock);
    if (refcount_read(&c->p_lock) == 0 && pgrp_leave_unless_last_locked(p)) {
      unlink_locked();
      // A hold now is one taken before the process left the tree: a signal
      // by id that found it in the hash between the look above and the
      // unlink. It has left its group already; the way below waits for the
      // hold and gives the references back with the tree lock written.
      if (refcount_read(&c->p_lock) == 0) {
        release_locked();
        KASSERT(!last.pgrp);
        done = true;
      } else {
        proc_reaping_add_locked(p);  // off the hash, its references held
      }
    }
  }
  if (!done) {
    {
      RmWriteGuard g(g_proctree_lock);
      if (p->exit_lwp) {
        unlink_locked();
        proc_reaping_add_locked(p);
      }
      pgrp_leave_locked(p);
    }
    while (refcount_read(&c->p_lock) != 0) {
      tsleep_interlock(&c->p_lock, 0);
      if (refcount_read(&c->p_lock) == 0) {
        tsleep_abort();
        break;
      }
      tsleep(&c->p_lock, PINTERLOCKED, "prele", 0);
    }
    RmWriteGuard g(g_proctree_lock);
    proc_reaping_remove_locked(p);
    release_locked();
  }
  lwp_destroy(last_lwp);
  // What no table lists goes with no lock held, the address space and the
  // descriptor table among them: tearing those down can take a cross-CPU TLB
  // shootdown (and, with files, sleep).
  proc_objects_destroy_unlisted(last, ps, fd, tl, vm, lim, pa);
  sigq_flush(&p->sigq, 0);
  p->~Proc();
  kfree(p, M_PROC);
}

bool proc_may_signal(const Ucred* by, Proc* p) {
  if (by->c.cr_uid == 0) return true;
  SpinGuard g(p->spin);
  const Ucred* cr = p->ucred();
  if (!cr) return true;
  vc_uid_t r = cr->c.cr_ruid, s = cr->suid;
  return by->c.cr_uid == r || by->c.cr_uid == s || by->c.cr_ruid == r || by->c.cr_ruid == s;
}

bool proc_may_read_state(const Ucred* by, Proc* self, Proc* p) {
  if (by->c.cr_uid == 0 || p == self) return true;
  SpinGuard g(p->spin);
  if (p->flags & P_NODUMP) return false;
  const Ucred* cr = p->ucred();
  if (!cr) return false;
  vc_uid_t u = by->c.cr_ruid, gid = by->rgid;
  return cr->c.cr_ruid == u && cr->c.cr_uid == u && cr->suid == u && cr->rgid == gid &&
         cr->egid == gid && cr->sgid == gid;
}

namespace {

int kill_with_cred(Proc* me, const Ucred* mycr, int pid, int sig);

}  // namespace

int kill_pgrp(int pgid, int sig, const Ucred* by) {
  // The group's lock exclusive, so a fork in it (holding it shared from its
  // look at pending signals until its child is a member) either finished and
  // its child is a member, or sees the signal once it gets the lock and
  // restarts (ERESTART).
  Pgrp* pg;
  {
    RmReadGuard g(g_proctree_lock);  // the group list changes only with it written
    pg = pgfind_locked(pgid);
    if (!pg) return -ESRCH;
    vc_contract::pgref_requires(&pg->c);
    pgref(&pg->c);
  }
  Proc* me = curproc();
  SigInfo info{kSiUser, me ? me->pid : 0, by->c.cr_ruid, 0};
  lockmgr(&pg->pg_lock, LK_EXCLUSIVE);
  int n = 0, denied = 0;
  {
    // The members stay while the list's lock is held: a reaper leaves the
    // group under it before it frees a process.
    RmReadGuard g(g_proctree_lock);
    SpinGuard m(pg->members_lock);
    for (Proc* p = pg->members; p; p = p->pg_next) {
      if (!proc_may_signal(by, p)) {
        ++denied;
        continue;
      }
      ++n;
      if (sig) proc_signal_info(p, sig, info);
    }
  }
  lockmgr(&pg->pg_lock, LK_RELEASE);
  {
    RmWriteGuard g(g_proctree_lock);  // the last reference takes the group off the list
    vc_contract::pgrel_requires(&pg->c);
    if (pgrel(&pg->c)) {
      struct proc_lastrefs last = {};
      last.pgrp = 1;
      proc_objects_destroy_listed(last, pg);
    }
  }
  if (n == 0) return denied ? -EPERM : -ESRCH;
  return 0;
}

// kill(2): pid > 0 one process, 0 the caller's group, < -1 the group -pid,
// -1 every process the caller may signal (but process 0, init and itself).
int kern_kill(int pid, int sig) {
  if (sig < 0 || sig > kNsig) return -EINVAL;
  if (pid == INT32_MIN) return -ESRCH;  // no group -INT_MIN
  Proc* me = curproc();
  Ucred* mycr = proc_cred_hold(me);
  int r = kill_with_cred(me, mycr, pid, sig);
  ucred_put(mycr);
  return r;
}

namespace {

// sig (0: only the check) with info to p, held by the caller, if `by` may
// signal it: 0 or -EPERM.
int signal_if_allowed(const Ucred* by, Proc* p, int sig, const SigInfo& info) {
  if (!proc_may_signal(by, p)) return -EPERM;
  return sig ? proc_signal_info(p, sig, info, true) : 0;
}

int kill_with_cred(Proc* me, const Ucred* mycr, int pid, int sig) {
  SigInfo info{kSiUser, me->pid, mycr->c.cr_ruid, 0};
  if (pid > 0) {
    Proc* p = proc_by_id_hold(pid);  // a pid, or a thread id of its
    if (!p) return -ESRCH;
    int r = signal_if_allowed(mycr, p, sig, info);
    proc_drop_hold(p);
    return r;
  }
  if (pid == -1) {
    int n = 0;
    RmWriteGuard g(g_proctree_lock);
    for (Proc* p = proc_all_first_locked(); p; p = proc_all_next_locked(p)) {
      if (p == me || p->pid <= 1 || !proc_may_signal(mycr, p)) continue;
      ++n;
      if (sig) proc_signal_info(p, sig, info);
    }
    return n ? 0 : -ESRCH;
  }
  int pgid;
  {
    RmWriteGuard g(g_proctree_lock);
    pgid = pid == 0 ? (me->pgrp ? me->pgrp->pgid : 0) : -pid;
  }
  return kill_pgrp(pgid, sig, mycr);
}

}  // namespace

int kern_sigqueue(int pid, int sig, const SigInfo& info) {
  Proc* p = pid > 0 ? proc_by_id_hold(pid) : nullptr;
  if (!p) return -ESRCH;
  int r = -EINVAL;
  if (sig >= 0 && sig <= kNsig) {
    Ucred* cr = proc_cred_hold(curproc());
    r = signal_if_allowed(cr, p, sig, info);
    ucred_put(cr);
  }
  proc_drop_hold(p);
  return r;
}

// tgkill(tgid, tid, sig), and tkill(tid, sig) with tgid 0: sig goes to the
// one LWP whose thread id is tid (of process tgid), which takes it before its
// process's pending signals; a signal whose action ends the process ends the
// whole process. Linux's order of errors after the ids: -ESRCH (no such live
// thread, or not of tgid), -EINVAL (signal), -EPERM. A zombie process's first
// thread id answers 0, as Linux's zombie leader does.
int kern_tgkill(int tgid, int tid, int sig, const SigInfo* info) {
  Proc* me = curproc();
  TidOwner o = tid_owner_hold(tid);
  Proc* p = o.proc;
  int r = 0;
  if (!p || (o.exited && !o.zombie_leader) || (tgid != 0 && p->pid != tgid)) {
    r = -ESRCH;
  } else if (sig < 0 || sig > kNsig) {
    r = -EINVAL;
  } else {
    Ucred* cr = proc_cred_hold(me);
    if (!proc_may_signal(cr, p)) {
      r = -EPERM;
    } else if (sig && !o.zombie_leader) {
      // The LWP, if it still runs: found again in its process's TID set
      // (the hash's entry may have gone with it since).
      SpinGuard g(p->spin);
      vc_contract::lwp_tid_lookup_locked_requires(&p->core.p_tids);
      tidnode* n = lwp_tid_lookup_locked(&p->core.p_tids, o.local_tid);
      Lwp* lp = n ? lwp_of(n) : nullptr;
      if (lp && lp->gtid == tid && lp->stat == LwpStat::kRun)
        r = lwp_signal_locked(p, lp, sig,
                              info ? *info : SigInfo{kSiTkill, me->pid, cr->c.cr_ruid, 0});
    }
    ucred_put(cr);
  }
  if (p) proc_drop_hold(p);
  return r;
}
