// wait4 and waitid: one walk of the caller's children (kernel/proc/wait.h),
// Linux's do_wait in what it reports.
#include "kernel/proc/wait.h"

#include "kernel/proc/jobctl.h"
#include "kernel/proc/proc_internal.h"
#include "kernel/sched/sleepq.h"
#include "kernel/sched/usched.h"
#include "kernel/sync/crit.h"
#include "kernel/syscall/syscall.h"
#include "kernel/thread/thread.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/verified/contract_checks.h"
#include "kernel/verified/objects.h"
#include "kernel/vm/copy.h"

namespace {

// Linux's eligible_child (and DragonFly's WLINUXCLONE): a child whose exit
// signal is not SIGCHLD is a "clone" child, waited for only with __WCLONE;
// __WALL waits for both kinds.
bool wait_kind_matches(const Proc* c, int options) {
  if (options & wopt::kAll) return true;
  return (c->sigparent != kSigChld) == ((options & wopt::kClone) != 0);
}

// Whether w selects c (the tree lock and the parent's kids lock held); pgid is the group a kPgid
// spec means.
bool wait_selects(const Proc* c, const WaitSpec& w, int pgid) {
  switch (w.type) {
    case WaitIdType::kAll: return true;
    case WaitIdType::kPid: return c->pid == w.id;
    case WaitIdType::kPgid: return c->pgrp && c->pgrp->pgid == pgid;
  }
  return false;
}

// A zombie's use is final: every LWP has left and every child was reaped.
CpuUse zombie_use(Proc* c) {
  CpuUse total = c->exited_use;
  total.add_atomic_from(c->children_use);
  return total;
}

}  // namespace

int64_t wait_children(const WaitSpec& w, WaitDeliver deliver, void* ctx) {
  Proc* me = curproc();
  const int options = w.options;
  const bool nowait = (options & wopt::kNowait) != 0;
  // For heuristic_forking: does this thread reap its children by blocking waits?
  curthread()->waits_for_children = !(options & wopt::kNohang);
  // A signal ends the wait only after one more look at the children (Linux's
  // do_wait): the child whose exit sent a caught SIGCHLD is reported, not
  // EINTR.
  bool interrupted = false;
  for (;;) {
    Proc* found = nullptr;   // a zombie taken off the list, to reap
    Proc* jfound = nullptr;  // a live child whose stop or continue report was claimed
    WaitReport rep{};
    bool have = false;
    {
      // The tree lock to read and this process's kids lock: its children
      // list and their states hold still (a child becomes a zombie under the
      // kids lock), and so do their groups (setpgid writes the tree lock).
      RmReadGuard g(g_proctree_lock);
      SpinGuard k(me->kids);
      int pgid = w.id;
      if (w.type == WaitIdType::kPgid && pgid == 0) pgid = me->pgrp ? me->pgrp->pgid : 0;
      bool any = false;
      for (Proc** pp = &me->children; *pp; pp = &(*pp)->sibling) {
        Proc* c = *pp;
        if (!wait_selects(c, w, pgid) || !wait_kind_matches(c, options)) continue;
        // Without WEXITED a zombie is not something to wait for (Linux's
        // wait_consider_task); a live child will exit, stop or continue.
        if (c->stat == ProcStat::kZombie && !(options & wopt::kExited)) continue;
        any = true;
        if (c->stat == ProcStat::kZombie) {
          rep = {c->pid, c->ucred()->c.cr_ruid, c->xstat, zombie_use(c)};
          have = true;
          if (!nowait) {
            *pp = c->sibling;  // claimed
            found = c;
          }
          break;
        }
        int jstatus;
        if ((options & (wopt::kStopped | wopt::kContinued)) &&
            jobctl_wait_claim_locked(c, options, &jstatus)) {
          SpinGuard g2(c->spin);  // its credentials may be being replaced
          CpuUse use = proc_cpu_use_locked(c);
          use.add_atomic_from(c->children_use);
          rep = {c->pid, c->ucred()->c.cr_ruid, jstatus, use};
          have = true;
          if (!nowait) {
            // The report goes out with the lock dropped; the child cannot be
            // reaped meanwhile (only this process waits for it) but is held.
            jfound = c;
            vc_contract::proc_hold_requires(&c->core);
            proc_hold(&c->core);
          }
          break;
        }
      }
      if (!any) return -ECHILD;
      if (!have) {
        if (options & wopt::kNohang) return 0;
        if (interrupted) return -ERESTARTSYS;
        // Announced under the kids lock: an exit after the look above
        // makes its zombie under that lock, and wakes this thread after.
        tsleep_interlock(me, PCATCH);
      }
    }
    if (!have) {
      interrupted = tsleep(me, PCATCH | PINTERLOCKED, "wait", 0) == EINTR;
      continue;
    }
    int r = deliver ? deliver(rep, ctx) : 0;
    if (jfound) {
      if (r != 0) {
        jobctl_wait_unclaim(jfound, rep.wstatus);
        wakeup(me);  // another LWP may have slept while it was claimed
      }
      proc_drop_hold(jfound);
      return r != 0 ? r : rep.pid;
    }
    if (!found) return r != 0 ? r : rep.pid;  // WNOWAIT: left as it was
    if (r != 0) {
      {
        RmReadGuard g(g_proctree_lock);  // put it back: it can still be waited for
        SpinGuard k(me->kids);
        found->sibling = me->children;
        me->children = found;
      }
      wakeup(me);  // another LWP may have looked while it was claimed, and slept
      return r;
    }
    // The seed's kern_wait: the parent is charged part of the child's CPU use
    // (the child's last thread is still there, joined by proc_reap below).
    if (Thread* td = found->exit_lwp ? found->exit_lwp->thread : nullptr) {
      crit_enter();  // a timer IPI updates this thread's estimate too
      usched_tine.heuristic_exiting(curthread(), td);
      crit_exit();
      __atomic_add_fetch(&g_fork_stats.exit_heuristics, 1, __ATOMIC_RELAXED);
    }
    // Its CPU use and its children's are its parent's children's now.
    me->children_use.add_atomic(rep.use);
    proc_reap(found);
    return rep.pid;
  }
}

// ---- wait4 ----------------------------------------------------------------

namespace {

constexpr int kWait4Known =
    wopt::kNohang | wopt::kStopped | wopt::kContinued | wopt::kNothread | wopt::kAll | wopt::kClone;

struct Wait4Out {
  uint64_t ustatus;
  CpuUse use;
};

int wait4_deliver(const WaitReport& r, void* ctx) {
  auto* out = static_cast<Wait4Out*>(ctx);
  if (out->ustatus && copyout_u(&r.wstatus, out->ustatus, sizeof r.wstatus) != 0) return -EFAULT;
  out->use = r.use;
  return 0;
}

}  // namespace

int64_t kern_wait(int pid, uint64_t ustatus, int options, CpuUse* use) {
  if (options & ~kWait4Known) return -EINVAL;
  if (pid == INT32_MIN) return -ESRCH;  // no group -INT_MIN (Linux)
  WaitSpec w{WaitIdType::kAll, 0, options | wopt::kExited};
  if (pid > 0)
    w = {WaitIdType::kPid, pid, w.options};
  else if (pid == 0)
    w = {WaitIdType::kPgid, 0, w.options};
  else if (pid < -1)
    w = {WaitIdType::kPgid, -pid, w.options};
  Wait4Out out{ustatus, {}};
  int64_t r = wait_children(w, wait4_deliver, &out);
  if (use) *use = out.use;
  return r;
}

// wait4(pid, status, options, rusage): the child's use in rusage (zeroed
// when WNOHANG finds none).
int64_t sys_wait4(const SyscallArgs& a) {
  // A rusage the kernel cannot write: -EFAULT before a child is reaped (and lost).
  if (a.a[3] && user_writable(a.a[3], kRusageSize) != 0) return -EFAULT;
  CpuUse u{};
  int64_t r = kern_wait(static_cast<int>(a.a[0]), a.a[1], static_cast<int>(a.a[2]), &u);
  if (a.a[3] && r >= 0) {
    if (r == 0) u = CpuUse{};
    if (rusage_copyout(u, a.a[3]) != 0) return -EFAULT;
  }
  return r;
}

// ---- waitid ---------------------------------------------------------------

namespace {

constexpr int kPAll = 0, kPPid = 1, kPPgid = 2, kPPidfd = 3;
constexpr int kWaitidKnown = wopt::kNohang | wopt::kNowait | wopt::kExited | wopt::kStopped |
                             wopt::kContinued | wopt::kNothread | wopt::kAll | wopt::kClone;
constexpr int32_t kCldDumped = 3, kCldStopped = 5, kCldContinued = 6;

// The siginfo_t fields waitid writes (arm64: si_signo, si_errno, si_code at 0,
// the SIGCHLD fields si_pid, si_uid, si_status at 16); the rest is left alone,
// as Linux leaves it.
struct WaitidHead {
  int32_t signo, err, code;
};
struct WaitidChld {
  int32_t pid;
  uint32_t uid;
  int32_t status;
};

int waitid_write(uint64_t infop, int32_t signo, int32_t code, int32_t pid, uint32_t uid,
                 int32_t status) {
  WaitidHead h{signo, 0, code};
  WaitidChld c{pid, uid, status};
  if (copyout_u(&h, infop, sizeof h) != 0 || copyout_u(&c, infop + 16, sizeof c) != 0)
    return -EFAULT;
  return 0;
}

struct WaitidOut {
  uint64_t infop, rusage;
  CpuUse use;
};

// Linux's wait_task_zombie, wait_task_stopped and wait_task_continued, in
// what they tell waitid.
int waitid_deliver(const WaitReport& r, void* ctx) {
  auto* out = static_cast<WaitidOut*>(ctx);
  // The rusage is written once the report is used up: if it cannot be, the
  // child stays to be waited for.
  if (out->rusage && user_writable(out->rusage, kRusageSize) != 0) return -EFAULT;
  int32_t code, status;
  int ws = r.wstatus;
  if (ws == 0xffff) {
    code = kCldContinued;
    status = psig::kCont;
  } else if ((ws & 0xff) == 0x7f) {
    code = kCldStopped;
    status = (ws >> 8) & 0xff;
  } else if ((ws & 0x7f) == 0) {
    code = kCldExited;
    status = (ws >> 8) & 0xff;
  } else {
    code = (ws & 0x80) ? kCldDumped : kCldKilled;
    status = ws & 0x7f;
  }
  if (out->infop && waitid_write(out->infop, kSigChld, code, r.pid, r.uid, status) != 0)
    return -EFAULT;
  out->use = r.use;
  return 0;
}

}  // namespace

// waitid(idtype, id, infop, options, rusage): 0 once a child is reported
// (infop and rusage filled in), or with WNOHANG when none is ready (infop's
// fields zero); errors as Linux orders them. Linux writes infop's fields even
// when it fails: so does this.
int64_t sys_waitid(const SyscallArgs& a) {
  int which = static_cast<int>(a.a[0]);
  int id = static_cast<int>(a.a[1]);
  uint64_t infop = a.a[2];
  int options = static_cast<int>(a.a[3]);
  uint64_t ru = a.a[4];
  int64_t r = 0;
  WaitSpec w{WaitIdType::kAll, 0, options};
  if ((options & ~kWaitidKnown) || !(options & (wopt::kExited | wopt::kStopped | wopt::kContinued)))
    r = -EINVAL;
  else if (which == kPAll)
    w.type = WaitIdType::kAll;
  else if (which == kPPid)
    r = id <= 0 ? -EINVAL : (w = {WaitIdType::kPid, id, options}, 0);
  else if (which == kPPgid)
    r = id < 0 ? -EINVAL : (w = {WaitIdType::kPgid, id, options}, 0);
  else if (which == kPPidfd)
    r = id < 0 ? -EINVAL : -EBADF;  // no descriptor is a pidfd (Linux's pidfd_pid)
  else
    r = -EINVAL;
  WaitidOut out{infop, ru, {}};
  if (r == 0) r = wait_children(w, waitid_deliver, &out);
  if (r > 0) {
    if (ru && rusage_copyout(out.use, ru) != 0) return -EFAULT;
    return 0;
  }
  if (infop && waitid_write(infop, 0, 0, 0, 0, 0) != 0) return -EFAULT;
  return r;
}
