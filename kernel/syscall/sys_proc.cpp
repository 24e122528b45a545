// Process system calls: fork, vfork, rfork, lwp_create, exit, wait4, kill,
// process groups and sessions, credentials, prlimit64 (kernel/proc does the work).
#include <arch/user_entry.h>
#include <new>

#include "kernel/lib/atomic.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sleepq.h"
#include "kernel/syscall/syscall.h"
#include "kernel/thread/thread.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/uapi/tine_proc.h"
#include "kernel/verified/contract_checks.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/uidinfo.h"
#include "kernel/vm/copy.h"

const char* signal_name(int sig) {
  switch (sig) {
    case kSigIll: return "SIGILL";
    case kSigTrap: return "SIGTRAP";
    case kSigBus: return "SIGBUS";
    case kSigKill: return "SIGKILL";
    case kSigSegv: return "SIGSEGV";
    case kSigChld: return "SIGCHLD";
    case psig::kTerm: return "SIGTERM";
    default: return "a signal";
  }
}

namespace {

// DragonFly's rfork flags that user space may not pass.
constexpr int kRfKernelOnly = static_cast<int>(VC_RFPGLOCK | VC_RFPPWAIT);

}  // namespace

// fork1 + start_forked_proc for the fork calls. ERESTART: the call is made
// again once the pending signal has been dealt with on the way out.
int64_t fork_syscall(Lwp* lp, const SyscallArgs& a, int flags) {
  Proc* p2 = nullptr;
  int error = kern_fork1(lp, flags, &p2, a.frame);
  if (error == kErestart) {
    a.frame->elr -= 4;       // back onto the svc
    return -ERESTARTNOINTR;  // x0 stays as it was
  }
  if (error) return -error;
  if (!p2) return 0;
  int pid = p2->pid;
  start_forked_proc(lp, p2);
  return pid;
}

int64_t sys_fork(const SyscallArgs& a) {
  return fork_syscall(curlwp(), a, static_cast<int>(VC_RFFDG | VC_RFPROC | VC_RFPGLOCK));
}

int64_t sys_vfork(const SyscallArgs& a) {
  constexpr unsigned kFlags = VC_RFFDG | VC_RFPROC | VC_RFPPWAIT | VC_RFMEM | VC_RFPGLOCK;
  return fork_syscall(curlwp(), a, static_cast<int>(kFlags));
}

int64_t sys_rfork(const SyscallArgs& a) {
  int flags = static_cast<int>(a.a[0]);
  if (flags & kRfKernelOnly) return -EINVAL;
  return fork_syscall(curlwp(), a, flags | static_cast<int>(VC_RFPGLOCK));
}

int64_t sys_lwp_create(const SyscallArgs& a) { return kern_lwp_create(a.a[0]); }

int64_t sys_lwp_gettid(const SyscallArgs&) { return curlwp()->tid(); }

// Linux's gettid: unique system-wide, from the same space as pids (the pid
// for a process's first LWP, and for the LWP that execs).
int64_t sys_gettid(const SyscallArgs&) { return curlwp()->gtid; }

// set_tid_address(tidptr): the word this LWP's exit zeroes and futex-wakes
// (not checked: a bad one is simply not written, as on Linux); returns its
// thread id.
int64_t sys_set_tid_address(const SyscallArgs& a) {
  Lwp* lp = curlwp();
  lp->clear_child_tid = a.a[0];
  return lp->gtid;
}

namespace {
constexpr uint64_t kRobustListHeadSize = 24;  // struct robust_list_head on arm64
}

// set_robust_list(head, len): the list this LWP's exit walks (only stored
// here); len must be sizeof(struct robust_list_head).
int64_t sys_set_robust_list(const SyscallArgs& a) {
  if (a.a[1] != kRobustListHeadSize) return -EINVAL;
  curlwp()->robust_list = a.a[0];
  return 0;
}

// get_robust_list(tid, head_ptr, len_ptr): this LWP's (tid 0) or another's
// whose state the caller may read (Linux's ptrace read check:
// proc_may_read_state).
int64_t sys_get_robust_list(const SyscallArgs& a) {
  int tid = static_cast<int>(a.a[0]);
  uint64_t head = 0;
  if (tid == 0) {
    head = curlwp()->robust_list;
  } else {
    Proc* me = curproc();
    Ucred* cr = proc_cred_hold(me);
    int err = 0;
    {
      RmWriteGuard g(g_proctree_lock);
      Proc* p = nullptr;
      with_running_lwp_locked(tid, [&](Proc* its, Lwp* lp) {
        p = its;
        head = __atomic_load_n(&lp->robust_list, __ATOMIC_RELAXED);
      });
      if (!p) {
        err = -ESRCH;
      } else if (!proc_may_read_state(cr, me, p)) {
        err = -EPERM;
        head = 0;
      }
    }
    ucred_put(cr);
    if (err) return err;
  }
  if (copyout_u(&kRobustListHeadSize, a.a[2], sizeof kRobustListHeadSize) != 0) return -EFAULT;
  if (copyout_u(&head, a.a[1], sizeof head) != 0) return -EFAULT;
  return 0;
}

int64_t sys_exit(const SyscallArgs& a) { lwp_exit_self(static_cast<int>(a.a[0])); }

int64_t sys_exit_group(const SyscallArgs& a) { exit1(wstatus_exited(static_cast<int>(a.a[0]))); }

int64_t sys_getpid(const SyscallArgs&) { return curproc()->pid; }

int64_t sys_getppid(const SyscallArgs&) {
  Proc* p = curproc();
  // Read: the parent link changes only with the tree lock written, and the
  // parent cannot be reaped while this process is its child.
  RmReadGuard g(g_proctree_lock);
  return p->pptr ? p->pptr->pid : 0;
}

int64_t sys_kill(const SyscallArgs& a) {
  return kern_kill(static_cast<int>(a.a[0]), static_cast<int>(a.a[1]));
}

// tgkill(tgid, tid, sig) / tkill(tid, sig): a signal to one thread.
int64_t sys_tgkill(const SyscallArgs& a) {
  int tgid = static_cast<int>(a.a[0]), tid = static_cast<int>(a.a[1]);
  if (tid <= 0 || tgid <= 0) return -EINVAL;
  return kern_tgkill(tgid, tid, static_cast<int>(a.a[2]));
}

namespace {

// A siginfo_t from the sender (Linux's __copy_siginfo_from_user: the first
// 48 bytes, kernel_siginfo's; the fields tine keeps), or -EFAULT.
int siginfo_from_user(uint64_t uinfo, SigInfo* out) {
  struct {
    int32_t signo, err, code, pad;
    int32_t pid;
    uint32_t uid;
    uint64_t value;
    uint8_t rest[16];
  } u;
  static_assert(sizeof u == 48);
  if (copyin_u(uinfo, &u, sizeof u) != 0) return -EFAULT;
  *out = SigInfo{u.code, u.pid, u.uid, static_cast<int32_t>(u.value & 0xffffffffu),
                 static_cast<uint32_t>(u.value >> 32)};
  return 0;
}

// Linux's rule: a siginfo that would pass for the kernel's, kill's or
// tgkill's (a code of 0 or more, or SI_TKILL) goes only from a thread to
// itself (its thread id is the target's id).
bool may_pass_as(const SigInfo& info, int target) {
  return (info.code < 0 && info.code != kSiTkill) || target == curlwp()->gtid;
}

}  // namespace

// rt_sigqueueinfo(pid, sig, info): sig with the sender's siginfo (glibc's
// sigqueue: SI_QUEUE and a value) to process pid; signals do not queue.
int64_t sys_rt_sigqueueinfo(const SyscallArgs& a) {
  int pid = static_cast<int>(a.a[0]);
  SigInfo info;
  if (int e = siginfo_from_user(a.a[2], &info); e) return e;
  if (!may_pass_as(info, pid)) return -EPERM;
  return kern_sigqueue(pid, static_cast<int>(a.a[1]), info);
}

// rt_tgsigqueueinfo(tgid, tid, sig, info): the same to one thread.
int64_t sys_rt_tgsigqueueinfo(const SyscallArgs& a) {
  int tgid = static_cast<int>(a.a[0]), tid = static_cast<int>(a.a[1]);
  SigInfo info;
  if (int e = siginfo_from_user(a.a[3], &info); e) return e;
  if (tid <= 0 || tgid <= 0) return -EINVAL;
  if (!may_pass_as(info, tid)) return -EPERM;
  return kern_tgkill(tgid, tid, static_cast<int>(a.a[2]), &info);
}

int64_t sys_tkill(const SyscallArgs& a) {
  int tid = static_cast<int>(a.a[0]);
  if (tid <= 0) return -EINVAL;
  return kern_tgkill(0, tid, static_cast<int>(a.a[1]));
}

namespace {

// The group (or, with `session`, the session) of process pid, 0 the caller:
// the process found and held with the tree lock only read (its group
// changes only with it written), so that asking cannot stall the forks and
// exits of others. The id, or -ESRCH.
int64_t group_of(int pid, bool session) {
  bool held = pid != 0;  // its own id too: held like any other
  Proc* p = held ? proc_by_id_hold(pid) : curproc();
  if (!p) return -ESRCH;
  int64_t r;
  {
    RmReadGuard g(g_proctree_lock);
    r = !p->pgrp ? -ESRCH : session ? p->pgrp->session->sid : p->pgrp->pgid;
  }
  if (held) proc_drop_hold(p);
  return r;
}

}  // namespace

int64_t sys_getpgid(const SyscallArgs& a) { return group_of(static_cast<int>(a.a[0]), false); }

// getsid(pid): the session of pid (0: the caller).
int64_t sys_getsid(const SyscallArgs& a) { return group_of(static_cast<int>(a.a[0]), true); }

namespace {

// setpgid_locked's answer when pid must lead a new group and `fresh` is null.
constexpr int kNeedGroup = 1;

// One look under the tree lock for setpgid_moving: 0 or -errno, or
// kNeedGroup. A `fresh` group it puts to use is set to null.
int setpgid_locked(Proc* me, Proc* held, int pid, int pgid, Pgrp*& fresh) {
  Proc* p = pid == 0 ? me : pfind_locked(pid);
  if (!p || p != held || (p != me && p->pptr != me)) return -ESRCH;
  if (!p->pgrp || p->pgrp->session != me->pgrp->session) return -EPERM;
  if (p->pgrp->session->leader == p) return -EPERM;
  int target = pgid == 0 ? p->pid : pgid;
  Pgrp* pg = pgfind_locked(target);
  if (pg) {
    if (pg->session != p->pgrp->session) return -EPERM;
    if (pg != p->pgrp) pgrp_move_locked(p, pg);
    return 0;
  }
  if (target != p->pid) return -EPERM;
  if (!fresh) return kNeedGroup;
  fresh->pgid = target;
  fresh->session = p->pgrp->session;
  pgrp_link_locked(fresh);
  pgrp_move_locked(p, fresh);
  vc_contract::pgrel_requires(&fresh->c);
  pgrel(&fresh->c);  // pgrp_alloc's reference: the member holds one now
  fresh = nullptr;
  return 0;
}

// setpgid(pid, pgid): the caller or one of its children, into a group of the
// same session or a new group led by pid. `p` is held and its forklock
// taken exclusive (so none of its forks is between groups); it is looked up
// again under the tree lock each round, and must still be the same process.
// A group allocated for a round that did not use it is freed on the way out.
int setpgid_moving(Proc* me, Proc* held, int pid, int pgid) {
  Pgrp* fresh = nullptr;
  for (;;) {
    int r;
    {
      RmWriteGuard g(g_proctree_lock);
      r = setpgid_locked(me, held, pid, pgid, fresh);
    }
    if (r != kNeedGroup) {
      if (fresh) pgrp_free_unused(fresh, false);
      return r;
    }
    // A new group is needed: allocate without the lock and look again.
    Session* s;
    {
      RmWriteGuard g(g_proctree_lock);
      s = me->pgrp->session;
    }
    fresh = pgrp_alloc(s, 0);
    if (!fresh) return -ENOMEM;
  }
}

}  // namespace

int64_t sys_setpgid(const SyscallArgs& a) {
  int pid = static_cast<int>(a.a[0]);
  int pgid = static_cast<int>(a.a[1]);
  if (pgid < 0) return -EINVAL;
  Proc* me = curproc();
  Proc* p;
  {
    RmWriteGuard g(g_proctree_lock);
    p = pid == 0 ? me : pfind_locked(pid);
    if (!p || (p != me && p->pptr != me)) return -ESRCH;
    vc_contract::proc_hold_requires(&p->core);
    proc_hold(&p->core);  // not reaped while we sleep on its lock
  }
  lockmgr(&p->forklock, LK_EXCLUSIVE);
  int r = setpgid_moving(me, p, pid, pgid);
  lockmgr(&p->forklock, LK_RELEASE);
  proc_drop_hold(p);
  return r;
}

namespace {

int setsid_locked(Proc* p, Pgrp* pg) {
  RmWriteGuard g(g_proctree_lock);
  if (pgfind_locked(p->pid)) {
    pgrp_free_unused(pg, true);
    return -EPERM;  // already a group leader
  }
  pg->session->leader = p;
  p->leads_session = true;
  pgrp_link_locked(pg);
  pgrp_move_locked(p, pg);
  vc_contract::pgrel_requires(&pg->c);
  pgrel(&pg->c);
  {
    SpinGuard g2(p->spin);
    p->flags &= ~P_CONTROLT;
  }
  return p->pid;
}

}  // namespace

int64_t sys_setsid(const SyscallArgs&) {
  Proc* p = curproc();
  Pgrp* pg = pgrp_alloc(nullptr, p->pid);
  if (!pg) return -ENOMEM;
  lockmgr(&p->forklock, LK_EXCLUSIVE);  // no fork of ours is between groups
  int r = setsid_locked(p, pg);
  lockmgr(&p->forklock, LK_RELEASE);
  return r;
}

namespace {

// prlimit64's work on p (the caller, or a process it holds): the old limit
// into *ol, then the new one if nl. Limits are shared copy-on-write: a change
// to a shared set makes a private copy first.
int64_t prlimit_on(Proc* me, Proc* p, unsigned res, const struct vc_rlimit* nl,
                   struct vc_rlimit* ol) {
  vc_uid_t uid, ruid, rgid;
  {
    SpinGuard g(me->spin);
    uid = me->ucred()->c.cr_uid;
    ruid = me->ucred()->c.cr_ruid;
    rgid = me->ucred()->rgid;
  }
  bool root = uid == 0;
  if (p != me && !root) {
    // Another process's limits: only if its every uid is the caller's real
    // uid and its every gid the caller's real gid (Linux's check).
    SpinGuard g(p->spin);
    const Ucred* its = p->ucred();
    if (its->c.cr_uid != ruid || its->c.cr_ruid != ruid || its->suid != ruid || its->egid != rgid ||
        its->rgid != rgid || its->sgid != rgid)
      return -EPERM;
  }
  // Then the resource and the new limit (Linux's do_prlimit).
  if (res >= VC_RLIM_NLIMITS) return -EINVAL;
  if (nl && nl->rlim_cur > nl->rlim_max) return -EINVAL;
  if (nl && res == kRlimitNofile && nl->rlim_max > static_cast<uint64_t>(kNrOpen)) return -EPERM;
  {
    SpinGuard g(p->spin);
    *ol = p->limit()->c.pl_rlimit[res];
  }
  if (!nl) return 0;
  if (nl->rlim_max > ol->rlim_max && !root) return -EPERM;
  Plimit* copy = plimit_new();
  if (!copy) return -ENOMEM;
  Plimit* drop = nullptr;
  // No fork of p is reading its limits meanwhile (forklock), so a set only
  // p holds may change in place, and a shared one is not freed under a fork.
  lockmgr(&p->forklock, LK_EXCLUSIVE);
  {
    SpinGuard g(p->spin);
    Plimit* cur = p->limit();
    if (refcount_read(&cur->c.pl_ref) == 1) {
      cur->c.pl_rlimit[res] = *nl;
      drop = copy;
    } else {
      for (int i = 0; i < VC_RLIM_NLIMITS; ++i) copy->c.pl_rlimit[i] = cur->c.pl_rlimit[i];
      copy->c.pl_rlimit[res] = *nl;
      p->core.p_limit = &copy->c;
      vc_contract::plimit_drop_requires(&cur->c);
      if (plimit_drop(&cur->c)) drop = cur;
    }
    if (res == kRlimitCpu) cpu_limit_set_locked(p, nl->rlim_cur);
  }
  lockmgr(&p->forklock, LK_RELEASE);
  if (drop) kfree(drop, M_SUBPROC);
  return 0;
}

}  // namespace

// prlimit64(pid, resource, new, old): the caller (pid 0 or its own) or another
// process with the same user ids (any, for root). Raising a hard limit needs
// root; a soft limit above the hard one is -EINVAL.
int64_t sys_prlimit64(const SyscallArgs& a) {
  int pid = static_cast<int>(a.a[0]);
  unsigned res = static_cast<unsigned>(a.a[1]);
  // Linux's order: the new limit read, the process found (-ESRCH), the
  // permission, then the resource and the values (prlimit_on).
  struct vc_rlimit nl;
  if (a.a[2] && copyin_u(a.a[2], &nl, sizeof nl) != 0) return -EFAULT;
  Proc* me = curproc();
  Proc* p = me;
  bool held = false;
  if (pid < 0) return -ESRCH;
  if (pid != 0 && pid != me->pid) {
    RmWriteGuard g(g_proctree_lock);
    // A pid, or a thread id: one of our own LWPs' names this process, which
    // needs no hold (and must not get one that nothing gives back).
    p = proc_by_id_locked(pid);
    if (!p || atomic_load_value(&p->stat, __ATOMIC_ACQUIRE) != ProcStat::kActive) return -ESRCH;
    if (p != me) {
      vc_contract::proc_hold_requires(&p->core);
      proc_hold(&p->core);  // its limits stay while we work on them
      held = true;
    }
  }
  struct vc_rlimit ol;
  int64_t r = prlimit_on(me, p, res, a.a[2] ? &nl : nullptr, &ol);
  if (held) proc_drop_hold(p);
  if (r == 0 && a.a[3] && copyout_u(&ol, a.a[3], sizeof ol) != 0) return -EFAULT;
  return r;
}

// tine_proc(op, arg): process-layer counters and checks for the tests
// (kernel/uapi/tine_proc.h). The counters are anyone's to read; what acts on
// the whole system or prints on the console needs root, and fault injection
// exists only in the debug kernel.
int64_t sys_tine_proc(const SyscallArgs& a) {
  if (a.a[0] >= TINE_PROC_CHECK && !proc_is_root(curproc())) return -EPERM;  // all but STATS
  switch (a.a[0]) {
    case TINE_PROC_STATS: {
      ForkStats s = fork_stats();
      tine_proc_stats out = {.forks = s.forks,
                             .vforks = s.vforks,
                             .rforks = s.rforks,
                             .kthreads = s.kthreads,
                             .lwps_created = s.lwps_created,
                             .failures = s.failures,
                             .eagain = s.eagain,
                             .procs_live = s.procs_live,
                             .lwps_live = s.lwps_live,
                             .pgrps_live = s.pgrps_live,
                             .sessions_live = s.sessions_live,
                             .uidinfos_live = s.uidinfos_live,
                             .ucreds_live = s.ucreds_live,
                             .nprocs = static_cast<uint64_t>(g_proccount.nprocs),
                             .maxproc = static_cast<uint64_t>(g_proccount.maxproc),
                             .restarts = s.restarts,
                             .forkpages = s.forkpages,
                             .vforkpages = s.vforkpages,
                             .rforkpages = s.rforkpages,
                             .exit_heuristics = s.exit_heuristics};
      static_assert(sizeof out == 20 * sizeof(uint64_t), "tine_proc_stats is 20 counters");
      if (copyout_u(&out, a.a[1], sizeof out) != 0) return -EFAULT;
      return 0;
    }
    case TINE_PROC_CHECK: return proc_check_invariants(a.a[1] != 0);
    case TINE_PROC_PS: proc_print_all(); return 0;
#ifdef TINE_DEBUG
    case TINE_PROC_FAIL_NTH: {  // the n-th allocation of any type from now fails
      if (a.a[1] == 0)
        kmalloc_fail_any_clear();
      else
        kmalloc_fail_any_nth(a.a[1]);
      return 0;
    }
    case TINE_PROC_FAIL_PENDING: return kmalloc_fail_any_pending() ? 1 : 0;
#else
    case TINE_PROC_FAIL_NTH:
    case TINE_PROC_FAIL_PENDING: return -ENOSYS;
#endif
    case TINE_PROC_CHECK_TIDS: {  // meaningful while the system runs
      RmWriteGuard g(g_proctree_lock);
      return tidhash_check_locked();
    }
    default: return -EINVAL;
  }
}

uint64_t kstat_thread_count() { return thread_counters().live; }
