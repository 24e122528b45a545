// Job control: stopping and continuing processes, the reports wait4 gives
// of it, and orphaned process groups (kernel/proc/jobctl.h).
#include "kernel/proc/jobctl.h"

#include "kernel/proc/proc.h"
#include "kernel/sched/sleepq.h"
#include "kernel/thread/thread.h"
#include "kernel/uapi/signal_numbers.h"

namespace {

constexpr uint64_t kSigDfl = 0;
constexpr uint32_t kSaNocldstop = 1;
constexpr int kWuntraced = 2, kWcontinued = 8, kWnowait = 0x01000000;

constexpr uint64_t sigbit(int sig) { return 1ull << (sig - 1); }
constexpr uint64_t kStopBits =
    sigbit(psig::kStop) | sigbit(psig::kTstp) | sigbit(psig::kTtin) | sigbit(psig::kTtou);

uint64_t handler_of(const Proc* p, int sig) {
  const Sigacts* ps = const_cast<Proc*>(p)->sigacts();
  return ps ? __atomic_load_n(&ps->handler[sig], __ATOMIC_RELAXED) : kSigDfl;
}

uint32_t flags_of(const Proc* p) { return __atomic_load_n(&p->flags, __ATOMIC_ACQUIRE); }

// Whether lp is to leave rather than stay stopped (p->spin held or not).
bool must_go(const Lwp* lp) {
  const Proc* p = lp->proc;
  return (__atomic_load_n(&lp->flags, __ATOMIC_ACQUIRE) & LWP_WEXIT) || (flags_of(p) & P_WEXIT) ||
         (__atomic_load_n(&p->siglist, __ATOMIC_ACQUIRE) & sigbit(kSigKill));
}

// The parent learns of a stop or a continue: SIGCHLD unless it asked for
// none (SA_NOCLDSTOP), and a wakeup for wait4. No lock held.
void tell_parent(Proc* p) {
  RmWriteGuard t(g_proctree_lock);
  Proc* pp = p->pptr;
  if (!pp || pp == &g_proc0) return;
  bool quiet;
  {
    SpinGuard g(pp->spin);
    const Sigacts* ps = pp->sigacts();
    quiet = !ps || (__atomic_load_n(&ps->flags[kSigChld], __ATOMIC_RELAXED) & kSaNocldstop);
  }
  if (!quiet) proc_signal(pp, kSigChld);
  wakeup(pp);
}

bool has_stopped_member_locked(const Pgrp* pg) {
  for (Proc* m = pg->members; m; m = m->pg_next)
    if (m->stat != ProcStat::kZombie && (flags_of(m) & P_STOPPED)) return true;
  return false;
}

// The kernel's credentials for the signals it sends itself.
Ucred g_kernel_cred;

}  // namespace

JcPost jobctl_post_slow_locked(Proc* p, int sig) {
  p->spin.assert_held();
  if (sig == kSigKill) {
    // A stopped process runs again to die (no continue report).
    if (__atomic_fetch_and(&p->flags, ~P_STOPPED, __ATOMIC_ACQ_REL) & P_STOPPED) {
      p->jc.full = false;
      p->jc.stop_report = false;
      wakeup(&p->core.p_tids);
    }
    return JcPost::kNormal;
  }
  if (sig == psig::kCont) {
    signal_drop_locked(p, kStopBits);  // (Linux's prepare_signal)
    if (__atomic_fetch_and(&p->flags, ~P_STOPPED, __ATOMIC_ACQ_REL) & P_STOPPED) {
      if (p->jc.full) {  // a completed stop: the parent hears of the continue
        p->jc.full = false;
        p->jc.stop_report = false;
        p->jc.cont_report = true;
        p->jc.cont_notify = true;
      }
      wakeup(&p->core.p_tids);
    }
    return JcPost::kNormal;  // to a handler, or dropped (its default is to do nothing)
  }
  if (psig::default_stops(sig)) {
    signal_drop_locked(p, sigbit(psig::kCont));
    if (sig == psig::kStop || handler_of(p, sig) == kSigDfl)
      return (p->flags & P_WEXIT) ? JcPost::kDrop : JcPost::kForce;
  }
  return JcPost::kNormal;
}

void jobctl_stop(Lwp* lp, int sig) {
  Proc* p = lp->proc;
  {
    RmWriteGuard t(g_proctree_lock);
    // A terminal stop for an orphaned group is discarded (POSIX): nobody
    // in the session is left to continue it.
    bool discard = sig != psig::kStop && p->pgrp && pgrp_orphaned_locked(p->pgrp, nullptr);
    SpinGuard g(p->spin);
    // Taken under the lock SIGCONT drops it under: a continue that came
    // first wins.
    // The bit may be the LWP's own (tgkill) or the process's.
    bool mine = (__atomic_fetch_and(&lp->siglist, ~sigbit(sig), __ATOMIC_ACQ_REL) |
                 __atomic_fetch_and(&p->siglist, ~sigbit(sig), __ATOMIC_ACQ_REL)) &
                sigbit(sig);
    lp->claimed &= ~sigbit(sig);
    if (mine && !discard && !(p->flags & P_WEXIT) && !(flags_of(p) & P_STOPPED)) {
      p->jc.xsig = static_cast<uint8_t>(sig);
      p->jc.full = false;
      p->jc.stop_report = false;
      p->jc.cont_report = false;
      p->jc.cont_notify = false;
      __atomic_or_fetch(&p->flags, P_STOPPED, __ATOMIC_ACQ_REL);
      // The other LWPs park at their next way out.
      for (tidnode* n = tidtree::first(p->core.p_tids.p_lwps); n; n = tidtree::next(n))
        if (lwp_of(n) != lp) thread_interrupt(lwp_of(n)->thread);
    }
  }
  jobctl_park(lp);
}

void jobctl_park(Lwp* lp) {
  Proc* p = lp->proc;
  bool told_stop = false, tell_cont = false;
  {
    SpinGuard g(p->spin);
    if (!(flags_of(p) & P_STOPPED) || must_go(lp)) return;
    ++p->jc.nparked;
    if (!p->jc.full && p->jc.nparked >= p->nthreads()) {
      p->jc.full = true;
      p->jc.stop_report = true;
      told_stop = true;
    }
  }
  if (told_stop) tell_parent(p);
  {
    SpinGuard g(p->spin);
    while ((flags_of(p) & P_STOPPED) && !must_go(lp))
      ssleep(&p->core.p_tids, p->spin, 0, "stopped", 0);
    --p->jc.nparked;
    if (p->jc.cont_notify) {
      p->jc.cont_notify = false;
      tell_cont = true;
    }
  }
  if (tell_cont) tell_parent(p);
}

bool jobctl_stop_in_wait() {
  Lwp* lp = curlwp();
  Proc* p = lp->proc;
  for (;;) {
    thread_clear_interrupt();  // a signal posted from here on interrupts again
    if (must_go(lp)) return false;
    if (flags_of(p) & P_STOPPED) {
      jobctl_park(lp);
      continue;
    }
    // The stop signals pending for it (the process's or its own) that stop
    // the process; any other that ends the wait ends it (a caught one of the
    // process's is claimed, so the other LWPs the post woke wait on).
    uint64_t pend = (__atomic_load_n(&p->siglist, __ATOMIC_ACQUIRE) |
                     __atomic_load_n(&lp->siglist, __ATOMIC_ACQUIRE)) &
                    ~(__atomic_load_n(&lp->copy.sigmask, __ATOMIC_RELAXED) & ~psig::kUnblockable);
    uint64_t stops = 0;
    for (uint64_t s = pend & kStopBits; s; s &= s - 1) {
      int sig = __builtin_ctzll(s) + 1;
      if (sig == psig::kStop || handler_of(p, sig) == kSigDfl) stops |= sigbit(sig);
    }
    if (signal_claim_any_for_wait(lp, stops)) return false;
    if (!stops) return true;
    jobctl_stop(lp, __builtin_ctzll(stops) + 1);
  }
}

bool jobctl_wait_claim_locked(Proc* c, int options, int* status) {
  g_proctree_lock.assert_held();
  SpinGuard g(c->spin);
  bool keep = (options & kWnowait) != 0;  // waitid's WNOWAIT: reported, not claimed
  if ((options & kWuntraced) && c->jc.stop_report && (flags_of(c) & P_STOPPED)) {
    if (!keep) c->jc.stop_report = false;
    *status = 0x7f | (c->jc.xsig << 8);
    return true;
  }
  if ((options & kWcontinued) && c->jc.cont_report) {
    if (!keep) c->jc.cont_report = false;
    *status = 0xffff;
    return true;
  }
  return false;
}

void jobctl_wait_unclaim(Proc* c, int status) {
  SpinGuard g(c->spin);
  if (status == 0xffff)
    c->jc.cont_report = true;
  else if (flags_of(c) & P_STOPPED)
    c->jc.stop_report = true;
}

bool pgrp_orphaned_locked(const Pgrp* pg, const Proc* gone) {
  g_proctree_lock.assert_write_held();
  for (Proc* m = pg->members; m; m = m->pg_next) {
    if (m == gone || m->stat == ProcStat::kZombie) continue;
    const Proc* q = m->pptr;
    if (!q || q == gone || !q->pgrp) continue;
    if (q->pgrp != pg && q->pgrp->session == pg->session) return false;
  }
  return true;
}

int jobctl_exit_orphans_locked(Proc* p, int* pgids, int max) {
  g_proctree_lock.assert_write_held();
  int n = 0;
  const Pgrp* mine = p->pgrp;
  if (!mine) return 0;
  auto consider = [&](const Pgrp* pg) {
    for (int i = 0; i < n; ++i)
      if (pgids[i] == pg->pgid) return;
    if (!has_stopped_member_locked(pg) || !pgrp_orphaned_locked(pg, p)) return;
    if (n < max) {
      pgids[n++] = pg->pgid;
      return;
    }
    // More groups than room: these get their signals now, without the
    // group lock (a member forking meanwhile may miss them).
    for (Proc* m = pg->members; m; m = m->pg_next) {
      proc_signal(m, psig::kHup);
      proc_signal(m, psig::kCont);
    }
  };
  // p's own group, if p was what tied it to its session (Linux's
  // kill_orphaned_pgrp), and each child's group for which p was.
  const Proc* q = p->pptr;
  if (q && q->pgrp && q->pgrp != mine && q->pgrp->session == mine->session) consider(mine);
  for (Proc* c = p->children; c; c = c->sibling)
    if (c->pgrp && c->pgrp != mine && c->pgrp->session == mine->session) consider(c->pgrp);
  return n;
}

int jobctl_signal_pgrp(int pgid, int sig) { return kill_pgrp(pgid, sig, &g_kernel_cred); }

void jobctl_hup_groups(const int* pgids, int n) {
  for (int i = 0; i < n; ++i) {
    (void)jobctl_signal_pgrp(pgids[i], psig::kHup);
    (void)jobctl_signal_pgrp(pgids[i], psig::kCont);
  }
}
