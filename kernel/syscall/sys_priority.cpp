// getpriority and setpriority: Linux's nice values, which belong to threads.
// PRIO_PROCESS names one thread by its id (0: the caller), PRIO_PGRP every
// thread of a process group's members (0: the caller's group), PRIO_USER
// every thread of the processes whose real uid is `who` (0: the caller's).
// A nice value is -20..19; the calls speak of it as 20 - nice (1..40), as
// Linux's system calls do (glibc converts).
//
// ioprio_set and ioprio_get: Linux's I/O priorities, also the threads', named
// the same way. tine keeps them (a new thread has its maker's, exec keeps
// it) and orders no I/O by them: its file systems are in memory.
#include "kernel/proc/pidtab.h"
#include "kernel/proc/proc.h"
#include "kernel/syscall/syscall.h"
#include "kernel/thread/thread.h"
#include "kernel/uapi/error_numbers.h"

namespace {

enum { kPrioProcess = 0, kPrioPgrp = 1, kPrioUser = 2 };

// Calls fn(p, lp) for each live LWP that `which` and `who` name, with its
// process's spinlock held (the LWP cannot leave meanwhile).
template <typename Fn>
void each_named_thread(int which, int who, Fn fn) {
  Lwp* me = curlwp();
  Proc* mine = me->proc;
  if (which == kPrioProcess && (who == 0 || who == me->gtid)) {
    SpinGuard g(mine->spin);
    fn(mine, me);
    return;
  }
  vc_uid_t uid = static_cast<vc_uid_t>(who);
  if (which == kPrioUser && who == 0) {
    SpinGuard g(mine->spin);
    uid = mine->ucred()->c.cr_ruid;
  }
  RmWriteGuard g(g_proctree_lock);
  if (which == kPrioProcess) {
    with_running_lwp_locked(who, fn);
    return;
  }
  int pgid = who;
  if (which == kPrioPgrp && who == 0) pgid = mine->pgrp ? mine->pgrp->pgid : 0;
  for (Proc* p = proc_all_first_locked(); p; p = proc_all_next_locked(p)) {
    if (which == kPrioPgrp && (!p->pgrp || p->pgrp->pgid != pgid)) continue;
    SpinGuard g2(p->spin);
    const Ucred* cr = p->ucred();
    if (which == kPrioUser && (!cr || cr->c.cr_ruid != uid)) continue;
    for (tidnode* n = tidtree::first(p->core.p_tids.p_lwps); n; n = tidtree::next(n)) {
      Lwp* lp = lwp_of(n);
      if (lp->stat == LwpStat::kRun) fn(p, lp);
    }
  }
}

bool which_ok(int which) {
  return which == kPrioProcess || which == kPrioPgrp || which == kPrioUser;
}

}  // namespace

// getpriority(which, who): the highest 20 - nice among the threads named;
// -ESRCH if none, -EINVAL for an unknown `which`.
int64_t sys_getpriority(const SyscallArgs& a) {
  int which = static_cast<int>(a.a[0]), who = static_cast<int>(a.a[1]);
  if (!which_ok(which)) return -EINVAL;
  int64_t best = -ESRCH;
  each_named_thread(which, who, [&](Proc*, Lwp* lp) {
    int64_t v = 20 - __atomic_load_n(&lp->copy.nice, __ATOMIC_RELAXED);
    if (v > best) best = v;
  });
  return best;
}

// setpriority(which, who, nice): nice, cut to -20..19, for every thread
// named. Linux's rules for each: the caller's effective uid must be the
// thread's process's real or effective uid (-EPERM), and lowering a nice
// value needs 20 - nice within that process's RLIMIT_NICE (-EACCES); root
// may do either. Returns the last refusal if any, else 0 (-ESRCH: none).
int64_t sys_setpriority(const SyscallArgs& a) {
  int which = static_cast<int>(a.a[0]), who = static_cast<int>(a.a[1]);
  int nice = static_cast<int>(a.a[2]);
  if (!which_ok(which)) return -EINVAL;
  nice = nice < -20 ? -20 : nice > 19 ? 19 : nice;
  Ucred* mycr = proc_cred_hold(curproc());
  vc_uid_t euid = mycr->c.cr_uid;
  ucred_put(mycr);
  int64_t err = -ESRCH;
  each_named_thread(which, who, [&](Proc* p, Lwp* lp) {
    const Ucred* its = p->ucred();
    if (euid != 0 && euid != its->c.cr_ruid && euid != its->c.cr_uid) {
      err = -EPERM;
      return;
    }
    uint64_t rlim = p->limit()->c.pl_rlimit[kRlimitNice].rlim_cur;
    if (euid != 0 && nice<lp->copy.nice&& static_cast<uint64_t>(20 - nice)> rlim) {
      err = -EACCES;
      return;
    }
    if (err == -ESRCH) err = 0;
    __atomic_store_n(&lp->copy.nice, static_cast<int8_t>(nice), __ATOMIC_RELAXED);
    if (lp->gtid == p->pid)
      __atomic_store_n(&p->copy.nice, static_cast<int8_t>(nice), __ATOMIC_RELAXED);
    thread_set_nice(lp->thread, nice);
  });
  return err;
}

namespace {

// ioprio's parts (Linux's include/uapi/linux/ioprio.h, 6.1).
enum { kIoprioClassNone = 0, kIoprioClassRt = 1, kIoprioClassBe = 2, kIoprioClassIdle = 3 };
int ioprio_class(int ioprio) { return (ioprio >> 13) & 7; }
int ioprio_data(int ioprio) { return ioprio & 0x1fff; }

// Linux's ioprio_check_cap: 0, -EINVAL or -EPERM (the real-time class is
// root's).
int ioprio_valid_for(int ioprio, vc_uid_t euid) {
  switch (ioprio_class(ioprio)) {
    case kIoprioClassRt:
      if (euid != 0) return -EPERM;
      [[fallthrough]];
    case kIoprioClassBe: return ioprio_data(ioprio) >= 8 ? -EINVAL : 0;
    case kIoprioClassIdle: return 0;
    case kIoprioClassNone: return ioprio_data(ioprio) != 0 ? -EINVAL : 0;
    default: return -EINVAL;
  }
}

// ioprio's `which` (IOPRIO_WHO_PROCESS 1, PGRP 2, USER 3) as setpriority's,
// or -1.
int prio_which_of(int64_t which) {
  return which >= 1 && which <= 3 ? static_cast<int>(which) - 1 : -1;
}

}  // namespace

// ioprio_set(which, who, ioprio): ioprio for every thread named, checked
// first (an unknown class or a level past 7 -EINVAL, the real-time class
// for root only -EPERM), then `which` (-EINVAL). Linux's rule for each
// thread: the caller's effective or real uid must be the thread's process's
// real uid, or the caller root (-EPERM, which ends the walk). -ESRCH when
// nothing is named.
int64_t sys_ioprio_set(const SyscallArgs& a) {
  int ioprio = static_cast<int>(a.a[2]);
  Ucred* mycr = proc_cred_hold(curproc());
  vc_uid_t euid = mycr->c.cr_uid, ruid = mycr->c.cr_ruid;
  ucred_put(mycr);
  if (int e = ioprio_valid_for(ioprio, euid); e) return e;
  int which = prio_which_of(a.a[0]);
  if (which < 0) return -EINVAL;
  int64_t err = -ESRCH;
  each_named_thread(which, static_cast<int>(a.a[1]), [&](Proc* p, Lwp* lp) {
    if (err != -ESRCH && err != 0) return;  // refused: Linux stops there
    vc_uid_t its = p->ucred()->c.cr_ruid;
    if (euid != 0 && its != euid && its != ruid) {
      err = -EPERM;
      return;
    }
    err = 0;
    __atomic_store_n(&lp->copy.ioprio, static_cast<uint16_t>(ioprio), __ATOMIC_RELAXED);
  });
  return err;
}

// ioprio_get(which, who): one thread's value as set (0, IOPRIO_CLASS_NONE,
// for one never given one); for a group or a user, the lowest (Linux's
// ioprio_best: the highest priority) of the threads' values in effect, a
// thread without one counting as the best-effort level of its nice value,
// (nice + 20) / 5 (Linux's __get_task_ioprio). -EINVAL for an unknown
// `which`, -ESRCH if none.
int64_t sys_ioprio_get(const SyscallArgs& a) {
  int which = prio_which_of(a.a[0]);
  if (which < 0) return -EINVAL;
  int64_t best = -ESRCH;
  each_named_thread(which, static_cast<int>(a.a[1]), [&](Proc*, Lwp* lp) {
    int64_t v = __atomic_load_n(&lp->copy.ioprio, __ATOMIC_RELAXED);
    if (which != kPrioProcess && ioprio_class(static_cast<int>(v)) == kIoprioClassNone)
      v = kIoprioClassBe << 13 | (__atomic_load_n(&lp->copy.nice, __ATOMIC_RELAXED) + 20) / 5;
    if (best == -ESRCH || v < best) best = v;
  });
  return best;
}
