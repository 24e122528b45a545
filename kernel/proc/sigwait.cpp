// rt_sigtimedwait(set, info, timeout, sigsetsize): takes a signal of `set`
// pending for the calling LWP or its process without running its action
// (sigwait, sigwaitinfo, sigtimedwait), as Linux's do_sigtimedwait does.
//
// When none is pending the LWP waits with the signals of `set` unblocked
// (they wake it as any unblocked signal would), its mask from before kept
// in saved_sigmask under LWP_SIGWAIT: a signal whose action ignores it is
// then still kept when that mask blocks it (Linux's real_blocked), and
// wakes this wait (exit.cpp). The mask comes back before the call returns,
// so a signal of `set` is never delivered to a handler by the wait.
#include "kernel/proc/proc.h"
#include "kernel/proc/siginfo_user.h"
#include "kernel/sched/sleepq.h"
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/user_time.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/vm/copy.h"

namespace {

// The signals whose default action stops the process.
constexpr uint64_t kStopSignals = (1ull << (19 - 1)) | (1ull << (psig::kTstp - 1)) |
                                  (1ull << (psig::kTtin - 1)) | (1ull << (psig::kTtou - 1));

uint64_t pending(Lwp* lp) {
  return __atomic_load_n(&lp->siglist, __ATOMIC_ACQUIRE) |
         __atomic_load_n(&lp->proc->siglist, __ATOMIC_ACQUIRE);
}

// Takes the lowest signal of `set` pending for lp, its own before its
// process's (Linux's dequeue_signal), its information into *si: the signal,
// or 0 for none. p->spin held.
int dequeue_locked(Lwp* lp, uint64_t set, SigInfo* si) {
  uint64_t in = __atomic_load_n(&lp->siglist, __ATOMIC_ACQUIRE) & set;
  if (!in) in = __atomic_load_n(&lp->proc->siglist, __ATOMIC_ACQUIRE) & set;
  if (!in) return 0;
  int sig = __builtin_ctzll(in) + 1;
  return signal_take_locked(lp, sig, si) ? sig : 0;
}

// Whether the wait must end for something other than `set`: a signal the
// LWP will act on (a handler, claimed from the process's pending set if it
// is there, so that no other LWP's wait ends for it; or an end), a stop
// (Linux's wait ends with -EINTR, and the LWP stops on the way out), whether
// the stop signal is one it takes or the process was stopped by another LWP,
// or its exit.
bool interrupted(Lwp* lp, uint64_t set) {
  uint64_t stops = pending(lp) & kStopSignals & ~set & ~(lp->copy.sigmask & ~psig::kUnblockable);
  return stops || (__atomic_load_n(&lp->proc->flags, __ATOMIC_ACQUIRE) & P_STOPPED) ||
         lwp_fatal_pending(lp) || signal_claim_any_for_wait(lp, set);
}

// Waits until a signal of `set` is pending, the wait is interrupted (both:
// true) or the deadline (clock_ns; 0: none) passes (false).
bool wait_for(Lwp* lp, uint64_t set, uint64_t deadline) {
  char chan;  // a channel nobody wakes: signals interrupt the sleep
  for (;;) {
    if ((pending(lp) & set) || interrupted(lp, set)) return true;
    int r = tsleep_until(&chan, PCATCH, "sigwait", deadline);
    if (r == EWOULDBLOCK) return false;
    // A signal another LWP took, or one that ends nothing: the loop looks
    // again, and a signal posted from here on interrupts the next sleep.
    if (r == EINTR) thread_clear_interrupt();
  }
}

}  // namespace

// Linux's order: the set size, the set, the timeout read and checked; a
// signal taken whose siginfo cannot be written is lost (-EFAULT).
int64_t sys_rt_sigtimedwait(const SyscallArgs& a) {
  if (a.a[3] != 8) return -EINVAL;
  uint64_t set;
  if (copyin_u(a.a[0], &set, sizeof set) != 0) return -EFAULT;
  UserTimespec ts{};
  if (a.a[2] && copyin_u(a.a[2], &ts, sizeof ts) != 0) return -EFAULT;
  if (a.a[2] && !timespec_valid(ts)) return -EINVAL;
  set &= ~psig::kUnblockable;
  uint64_t len = a.a[2] ? timespec_to_ns(ts) : UINT64_MAX;
  uint64_t now = clock_ns();
  uint64_t deadline = len > UINT64_MAX - now ? 0 : now + len;  // 0: none
  Lwp* lp = curlwp();
  Proc* p = lp->proc;
  SigInfo si;
  int sig;
  bool wait = false;
  {
    SpinGuard g(p->spin);  // senders post under it: none is missed below
    sig = dequeue_locked(lp, set, &si);
    if (!sig && len != 0) {
      lp->saved_sigmask = lp->copy.sigmask;
      __atomic_or_fetch(&lp->flags, LWP_SIGWAIT, __ATOMIC_RELAXED);
      __atomic_store_n(&lp->copy.sigmask, lp->saved_sigmask & ~set, __ATOMIC_RELAXED);
      wait = true;
    }
  }
  while (wait) {
    bool woken = wait_for(lp, set, deadline);
    bool intr = woken && interrupted(lp, set);
    SpinGuard g(p->spin);
    sig = dequeue_locked(lp, set, &si);
    // Woken for a signal of `set` that another LWP waiting for it took
    // first, and nothing else to end the wait: it waits on (Linux wakes one).
    if (!sig && woken && !intr) continue;
    __atomic_store_n(&lp->copy.sigmask, lp->saved_sigmask, __ATOMIC_RELAXED);
    __atomic_and_fetch(&lp->flags, ~LWP_SIGWAIT, __ATOMIC_RELAXED);
    if (!sig) return woken ? -EINTR : -EAGAIN;
    wait = false;
  }
  if (!sig) return -EAGAIN;
  if (a.a[1]) {
    LinuxSiginfo u = siginfo_to_user(sig, si);
    if (copyout_u(&u, a.a[1], sizeof u) != 0) return -EFAULT;
  }
  return sig;
}
