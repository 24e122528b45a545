// The controlling terminal of a session and the job control checks on it
// (FreeBSD's tty.c and kern_proc.c in spirit; Linux's errors).
//
// A session has at most one controlling terminal (Session::tty) and a tty
// belongs to at most one session (Tty::session), with a foreground process
// group of that session (Tty::pgid). A process has the terminal as its
// controlling terminal while its session has it and it has not given it up
// (P_CONTROLT, inherited by fork, cleared by setsid and TIOCNOTTY). Both
// links change with g_proctree_lock and the tty's lock held.
#include "kernel/fs/file.h"
#include "kernel/proc/jobctl.h"
#include "kernel/proc/proc.h"
#include "kernel/tty/tty.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

using namespace tio;

namespace {

constexpr uint64_t kSigIgn = 1;

// p's controlling terminal (g_proctree_lock held), or nullptr.
Tty* ctty_of_locked(const Proc* p) {
  if (!p || !(__atomic_load_n(&p->flags, __ATOMIC_RELAXED) & P_CONTROLT) || !p->pgrp)
    return nullptr;
  return p->pgrp->session->tty;
}

// Whether tp is p's controlling terminal (g_proctree_lock held). No terminal
// (a session without one) is nobody's.
bool is_ctty_locked(const Proc* p, const Tty* tp) { return tp && ctty_of_locked(p) == tp; }

void set_controlt(Proc* p, bool on) {
  SpinGuard g(p->spin);
  if (on)
    __atomic_or_fetch(&p->flags, P_CONTROLT, __ATOMIC_RELAXED);
  else
    __atomic_and_fetch(&p->flags, ~P_CONTROLT, __ATOMIC_RELAXED);
}

// tp becomes the controlling terminal of p's session (p its leader), with
// p's group in the foreground; a session that had it loses it.
void attach_locked(Tty* tp, Proc* p) {
  g_proctree_lock.assert_write_held();
  Session* s = p->pgrp->session;
  {
    SpinGuard g(tp->lock);
    if (tp->session && tp->session != s) tp->session->tty = nullptr;
    tp->session = s;
    tp->pgid = p->pgrp->pgid;
  }
  s->tty = tp;
  set_controlt(p, true);
}

// The session of s loses its terminal; returns the foreground group it had.
int detach_locked(Tty* tp, Session* s) {
  g_proctree_lock.assert_write_held();
  int fg;
  {
    SpinGuard g(tp->lock);
    fg = tp->pgid;
    tp->session = nullptr;
    tp->pgid = 0;
  }
  s->tty = nullptr;
  return fg;
}

bool blocked_or_ignored(Proc* p, int sig) {
  uint64_t bit = 1ull << (sig - 1);
  if (__atomic_load_n(&curlwp()->copy.sigmask, __ATOMIC_RELAXED) & bit) return true;
  const Sigacts* ps = p->sigacts();
  return ps && __atomic_load_n(&ps->handler[sig], __ATOMIC_RELAXED) == kSigIgn;
}

}  // namespace

int ctty_open(Tty* tp, bool noctty, bool ctty_only) {
  Proc* p = curproc();
  if (!p) return ctty_only ? -ENXIO : 0;  // the kernel opening init's descriptors
  RmWriteGuard t(g_proctree_lock);
  if (ctty_only) return is_ctty_locked(p, tp) ? 0 : -ENXIO;
  Session* s = p->pgrp ? p->pgrp->session : nullptr;
  if (!noctty && s && s->leader == p && !s->tty && !tp->session) attach_locked(tp, p);
  return 0;
}

int ctty_check_background(Tty* tp, int sig, bool always) {
  for (;;) {
    int pgid;
    {
      RmWriteGuard t(g_proctree_lock);
      Proc* p = curproc();
      if (!p || !is_ctty_locked(p, tp)) return 0;  // not its terminal: no job control
      {
        SpinGuard g(tp->lock);
        if (!always && !(tp->t.c_lflag & TOSTOP)) return 0;
        if (tp->pgid == 0 || tp->pgid == p->pgrp->pgid) return 0;  // in the foreground
      }
      // In the background.
      if (blocked_or_ignored(p, sig)) return sig == psig::kTtin ? -EIO : 0;
      if (pgrp_orphaned_locked(p->pgrp, nullptr)) return -EIO;
      pgid = p->pgrp->pgid;
    }
    (void)jobctl_signal_pgrp(pgid, sig);
    // The group stops (this process here); once continued, look again.
    if (!jobctl_stop_in_wait()) return -ERESTARTSYS;
  }
}

void ctty_signal_fg(Tty* tp, int sig) {
  int pgid;
  {
    RmWriteGuard t(g_proctree_lock);
    SpinGuard g(tp->lock);
    if (!tp->session || !tp->pgid) return;
    Pgrp* pg = pgfind_locked(tp->pgid);
    if (!pg || pg->session != tp->session) return;  // the group has gone
    pgid = tp->pgid;
  }
  (void)jobctl_signal_pgrp(pgid, sig);
}

void ctty_exit(Proc* p) {
  if (!p->leads_session) return;  // most exits: no need for the tree lock
  int fg = 0;
  {
    RmWriteGuard t(g_proctree_lock);
    Session* s = p->pgrp ? p->pgrp->session : nullptr;
    if (!s || s->leader != p) return;
    s->leader = nullptr;  // the session outlives its leader; nobody leads it now
    if (s->tty) fg = detach_locked(s->tty, s);
  }
  if (fg) (void)jobctl_signal_pgrp(fg, psig::kHup);
}

int ctty_ioctl(Tty* tp, File* fp, uint64_t cmd, uint64_t arg) {
  Proc* p = curproc();
  if (!p) return -ENOTTY;
  switch (cmd) {
    case TIOCSCTTY: {
      bool root = proc_is_root(p);
      RmWriteGuard t(g_proctree_lock);
      Session* s = p->pgrp->session;
      if (s->leader == p && s->tty == tp) {
        set_controlt(p, true);
        return 0;  // already its session's
      }
      if (s->leader != p || s->tty) return -EPERM;
      if (!(fp->mode & kFileRead) && !root) return -EPERM;
      if (tp->session && !(arg == 1 && root))
        return -EPERM;  // another session's (root may take it)
      attach_locked(tp, p);
      return 0;
    }
    case TIOCNOTTY: {
      int fg = 0;
      bool leader;
      {
        RmWriteGuard t(g_proctree_lock);
        if (!is_ctty_locked(p, tp)) return -ENOTTY;
        Session* s = p->pgrp->session;
        leader = s->leader == p;
        if (leader) fg = detach_locked(tp, s);
        set_controlt(p, false);
      }
      if (leader && fg) {
        (void)jobctl_signal_pgrp(fg, psig::kHup);
        (void)jobctl_signal_pgrp(fg, psig::kCont);
      }
      return 0;
    }
    case TIOCGPGRP:
    case TIOCGSID: {
      int v;
      {
        RmWriteGuard t(g_proctree_lock);
        if (!is_ctty_locked(p, tp)) return -ENOTTY;
        SpinGuard g(tp->lock);
        if (cmd == TIOCGSID && !tp->session) return -ENOTTY;
        v = cmd == TIOCGPGRP ? tp->pgid : tp->session->sid;
      }
      return copyout_u(&v, arg, sizeof v) ? -EFAULT : 0;
    }
    case TIOCSPGRP: {
      if (int r = ctty_check_background(tp, psig::kTtou, true)) return r;
      {
        RmWriteGuard t(g_proctree_lock);
        if (!is_ctty_locked(p, tp)) return -ENOTTY;
      }
      int pgid;
      if (copyin_u(arg, &pgid, sizeof pgid)) return -EFAULT;
      if (pgid < 0) return -EINVAL;
      RmWriteGuard t(g_proctree_lock);
      if (!is_ctty_locked(p, tp)) return -ENOTTY;
      Pgrp* pg = pgfind_locked(pgid);
      if (!pg) return -ESRCH;
      if (pg->session != p->pgrp->session) return -EPERM;
      SpinGuard g(tp->lock);
      tp->pgid = pgid;
      return 0;
    }
    default: return kNotCttyIoctl;
  }
}
