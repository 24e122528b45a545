// rt_sigsuspend(set, sigsetsize): waits with set as the blocked set until a
// signal is to be delivered, then -EINTR. The old mask comes back after the
// handler of that signal has run (its frame carries it), or at once when no
// handler runs (signal_deliver), as ppoll's does (LWP_OLDMASK).
#include "kernel/proc/jobctl.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sleepq.h"
#include "kernel/syscall/syscall.h"
#include "kernel/thread/thread.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/vm/copy.h"

namespace {
// SIGKILL and SIGSTOP cannot be blocked.
}  // namespace

int64_t sys_rt_sigsuspend(const SyscallArgs& a) {
  if (a.a[1] != 8) return -EINVAL;
  uint64_t set;
  if (copyin_u(a.a[0], &set, sizeof set) != 0) return -EFAULT;
  Lwp* lp = curlwp();
  Proc* p = lp->proc;
  uint64_t old = lp->copy.sigmask;
  {
    // Under the lock senders post with: a signal posted after this sees the
    // new mask and interrupts the sleep; one posted before is seen below.
    SpinGuard g(p->spin);
    if (!(__atomic_load_n(&lp->flags, __ATOMIC_RELAXED) & LWP_OLDMASK))
      lp->saved_sigmask = lp->copy.sigmask;
    lwp_note_mask(lp, set);
    __atomic_store_n(&lp->copy.sigmask, set & ~psig::kUnblockable, __ATOMIC_RELAXED);
    __atomic_or_fetch(&lp->flags, LWP_OLDMASK, __ATOMIC_RELAXED);
  }
  signal_mask_retarget(lp, old);
  // A stop signal stops the process here, and the wait goes on once it is
  // continued (Linux makes the call again); a signal another LWP took, or
  // one ignored by now, ends nothing either. A handler due, or an end, does.
  char chan;  // a channel nobody wakes: only an interrupt ends the sleep
  while (jobctl_stop_in_wait()) tsleep(&chan, PCATCH, "sigsusp", 0);
  return -EINTR;
}
