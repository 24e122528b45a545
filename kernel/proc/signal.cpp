// Signal actions, masks and delivery to handlers (Linux arm64's user ABI):
// rt_sigaction, rt_sigprocmask, rt_sigreturn, and the frame a handler runs on.
//
// Pending signals are per process (Proc::siglist); each LWP has a blocked set
// (LwpCopy::sigmask, inherited by fork and lwp_create). On the way back to EL0
// an LWP takes the lowest pending signal it does not block: SIG_DFL ends the
// process (only signals whose default is to end it are ever posted), a handler
// gets a frame on the user stack with every register, the FP/SIMD state and
// the mask to restore, and runs with x0 = the signal and x30 = the action's
// restorer, which calls rt_sigreturn.
#include <arch/context.h>
#include <arch/trap_frame.h>
#include <arch/user_entry.h>

#include "kernel/console/kprintf.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/proc.h"
#include "kernel/syscall/errno.h"
#include "kernel/syscall/signo.h"
#include "kernel/syscall/syscall.h"
#include "kernel/thread/thread.h"
#include "kernel/vm/copy.h"

namespace {

constexpr uint64_t kSigDfl = 0, kSigIgn = 1;
constexpr uint64_t kSaRestorer = 0x04000000, kSaNodefer = 0x40000000, kSaResethand = 0x80000000;
constexpr uint64_t kSigBlock = 0, kSigUnblock = 1, kSigSetmask = 2;
constexpr uint64_t kSigFrameMagic = 0x74696e657369676full;  // "tinesigo"

uint64_t sigbit(int sig) { return 1ull << (sig - 1); }
// SIGKILL and SIGSTOP cannot be blocked, caught or ignored.
constexpr uint64_t kUnblockable = (1ull << (kSigKill - 1)) | (1ull << (psig::kStop - 1));

// What the handler's frame holds (16-byte aligned, at the handler's sp).
struct SigFrame {
  uint64_t x[31];
  uint64_t sp, pc, pstate;
  uint64_t mask;  // the blocked set to restore
  uint64_t magic;
  arch::FpState fp;
};
static_assert(sizeof(SigFrame) % 16 == 0 && offsetof(SigFrame, fp) % 16 == 0);

uint64_t load(const uint64_t& v) { return __atomic_load_n(&v, __ATOMIC_RELAXED); }
uint64_t load(const uint32_t& v) { return __atomic_load_n(&v, __ATOMIC_RELAXED); }

// Builds the handler's frame and points the LWP at the handler; false if the
// user stack cannot take the frame.
bool push_frame(Lwp* lp, TrapFrame* f, int sig, uint64_t handler, uint64_t flags,
                uint64_t restorer, uint64_t mask) {
  SigFrame fr;
  for (int i = 0; i < 31; ++i) fr.x[i] = f->x[i];
  fr.sp = f->sp;
  fr.pc = f->elr;
  fr.pstate = f->spsr;
  // After ppoll or pselect6 with a mask of their own, the handler runs with
  // theirs and the frame restores the one from before the call.
  uint32_t lf = __atomic_load_n(&lp->flags, __ATOMIC_RELAXED);
  fr.mask = (lf & LWP_OLDMASK) ? lp->saved_sigmask : lp->copy.sigmask;
  fr.magic = kSigFrameMagic;
  arch::user_fp_snapshot(&fr.fp, &curthread()->fp);
  uint64_t at = (f->sp - sizeof fr) & ~uint64_t{15};
  if (f->sp < sizeof fr + 16 || copyout_u(&fr, at, sizeof fr) != 0) return false;
  f->x[0] = static_cast<uint64_t>(sig);
  f->x[1] = 0;   // no siginfo
  f->x[2] = at;  // the frame, where a ucontext would be
  f->x[30] = restorer;
  f->sp = at;
  f->elr = handler;
  uint64_t block = mask | ((flags & kSaNodefer) ? 0 : sigbit(sig));
  lp->copy.sigmask = (lp->copy.sigmask | block) & ~kUnblockable;
  __atomic_and_fetch(&lp->flags, ~LWP_OLDMASK, __ATOMIC_RELAXED);
  return true;
}

}  // namespace

namespace {
void deliver(Lwp* lp, TrapFrame* f);
}

void signal_deliver(TrapFrame* f) {
  Lwp* lp = curlwp();
  if (!lp) return;
  deliver(lp, f);
  // No handler took the mask ppoll or pselect6 saved: it comes back now.
  if (f && (__atomic_load_n(&lp->flags, __ATOMIC_RELAXED) & LWP_OLDMASK)) {
    lp->copy.sigmask = lp->saved_sigmask;
    __atomic_and_fetch(&lp->flags, ~LWP_OLDMASK, __ATOMIC_RELAXED);
  }
}

namespace {

void deliver(Lwp* lp, TrapFrame* f) {
  Proc* p = lp->proc;
  // The interrupt that woke this thread's sleeps has done its work; a signal
  // posted from here on sets it again.
  if (__atomic_load_n(&curthread()->interrupt_pending, __ATOMIC_RELAXED)) thread_clear_interrupt();
  if (__atomic_load_n(&p->flags, __ATOMIC_RELAXED) & P_STOPPED) [[unlikely]]
    jobctl_park(lp);  // stopped (job control): here until continued
  if (__atomic_load_n(&p->siglist, __ATOMIC_ACQUIRE) == 0) return;  // the common case
  Sigacts* ps = p->sigacts();
  for (;;) {
    uint64_t pend = __atomic_load_n(&p->siglist, __ATOMIC_ACQUIRE);
    uint64_t can = pend & ~(lp->copy.sigmask & ~kUnblockable);
    if (!can) return;
    int sig = __builtin_ctzll(can) + 1;
    uint64_t handler = sig == kSigKill ? kSigDfl : load(ps->handler[sig]);
    if (psig::default_stops(sig) && handler == kSigDfl) {
      jobctl_stop(lp, sig);  // takes it, stops the process, returns once continued
      continue;
    }
    if (handler == kSigDfl && !psig::default_ignored(sig)) exit1(wstatus_signaled(sig));
    if (!f && handler != kSigDfl && handler != kSigIgn) return;  // first entry: no frame yet
    // Take it (another LWP may have).
    if (!(__atomic_fetch_and(&p->siglist, ~sigbit(sig), __ATOMIC_ACQ_REL) & sigbit(sig))) continue;
    if (handler == kSigDfl || handler == kSigIgn) continue;  // ignored by now
    uint64_t flags = load(ps->flags[sig]);
    if (flags & kSaResethand) __atomic_store_n(&ps->handler[sig], kSigDfl, __ATOMIC_RELAXED);
    if (!push_frame(lp, f, sig, handler, flags, load(ps->restorer[sig]), load(ps->mask[sig]))) {
      kprintf("pid %d (%s): no room for a signal frame at sp %#lx: killed by SIGSEGV\n", p->pid,
              p->copy.comm, f->sp);
      exit1(wstatus_signaled(kSigSegv));
    }
    return;  // one handler at a time; the next on the next way out
  }
}

}  // namespace

bool lwp_fatal_pending(Lwp* lp) {
  if (__atomic_load_n(&lp->flags, __ATOMIC_ACQUIRE) & LWP_WEXIT) return true;
  uint64_t pend = __atomic_load_n(&lp->proc->siglist, __ATOMIC_ACQUIRE);
  if (pend & sigbit(kSigKill)) return true;
  uint64_t can = pend & ~(lp->copy.sigmask & ~kUnblockable);
  const Sigacts* ps = lp->proc->sigacts();
  for (; can; can &= can - 1) {
    int sig = __builtin_ctzll(can) + 1;
    if (load(ps->handler[sig]) == kSigDfl && !psig::default_ignored(sig) &&
        !psig::default_stops(sig))
      return true;
  }
  return false;
}

// Pending signals this LWP would take (fork1's check under RFPGLOCK).
bool signal_pending_unblocked(Lwp* lp) {
  uint64_t pend = __atomic_load_n(&lp->proc->siglist, __ATOMIC_ACQUIRE);
  return (pend & ~(lp->copy.sigmask & ~kUnblockable)) != 0;
}

// rt_sigaction(sig, act, oldact, sigsetsize): struct sigaction is {handler,
// flags, restorer, mask}. A handler needs SA_RESTORER (no vDSO trampoline).
int64_t sys_rt_sigaction(const SyscallArgs& a) {
  int sig = static_cast<int>(a.a[0]);
  if (sig <= 0 || sig > kNsig || sig == kSigKill || sig == psig::kStop) return -EINVAL;
  if (a.a[3] != 8) return -EINVAL;
  Proc* p = curproc();
  Sigacts* ps = p->sigacts();
  uint64_t act[4];
  if (a.a[1]) {
    if (copyin_u(a.a[1], act, sizeof act) != 0) return -EFAULT;
    if (act[0] > kSigIgn && !(act[1] & kSaRestorer)) return -EINVAL;
  }
  uint64_t old[4];
  {
    SpinGuard g(p->spin);
    old[0] = load(ps->handler[sig]);
    old[1] = load(ps->flags[sig]);
    old[2] = load(ps->restorer[sig]);
    old[3] = load(ps->mask[sig]);
    if (a.a[1]) {
      __atomic_store_n(&ps->flags[sig], static_cast<uint32_t>(act[1]), __ATOMIC_RELAXED);
      __atomic_store_n(&ps->restorer[sig], act[2], __ATOMIC_RELAXED);
      __atomic_store_n(&ps->mask[sig], act[3] & ~kUnblockable, __ATOMIC_RELAXED);
      __atomic_store_n(&ps->handler[sig], act[0], __ATOMIC_RELEASE);
    }
  }
  // Now ignored: a pending one goes (POSIX).
  if (a.a[1] && (act[0] == kSigIgn || (act[0] == kSigDfl && psig::default_ignored(sig))))
    __atomic_and_fetch(&p->siglist, ~sigbit(sig), __ATOMIC_ACQ_REL);
  if (a.a[2] && copyout_u(old, a.a[2], sizeof old) != 0) return -EFAULT;
  return 0;
}

// rt_sigprocmask(how, set, oldset, sigsetsize): this LWP's blocked set.
int64_t sys_rt_sigprocmask(const SyscallArgs& a) {
  if (a.a[3] != 8) return -EINVAL;
  Lwp* lp = curlwp();
  uint64_t old = lp->copy.sigmask;
  if (a.a[1]) {
    uint64_t set;
    if (copyin_u(a.a[1], &set, sizeof set) != 0) return -EFAULT;
    switch (a.a[0]) {
      case kSigBlock: lp->copy.sigmask = old | set; break;
      case kSigUnblock: lp->copy.sigmask = old & ~set; break;
      case kSigSetmask: lp->copy.sigmask = set; break;
      default: return -EINVAL;
    }
    lp->copy.sigmask &= ~kUnblockable;
  }
  if (a.a[2] && copyout_u(&old, a.a[2], sizeof old) != 0) return -EFAULT;
  return 0;
}

// rt_sigreturn: back from a handler to the registers, FP/SIMD state and mask
// its frame saved. A frame that is not one ends the process with SIGSEGV.
int64_t sys_rt_sigreturn(const SyscallArgs& a) {
  TrapFrame* f = a.frame;
  SigFrame fr;
  if (copyin_u(f->sp, &fr, sizeof fr) != 0 || fr.magic != kSigFrameMagic) {
    Proc* p = curproc();
    kprintf("pid %d (%s): rt_sigreturn without a signal frame at sp %#lx: killed by SIGSEGV\n",
            p->pid, p->copy.comm, f->sp);
    exit1(wstatus_signaled(kSigSegv));
  }
  for (int i = 0; i < 31; ++i) f->x[i] = fr.x[i];
  f->sp = fr.sp;
  f->elr = fr.pc;
  f->spsr = fr.pstate & 0xf0000000ull;  // the condition flags; EL0, interrupts on
  curlwp()->copy.sigmask = fr.mask & ~kUnblockable;
  arch::user_fp_load(&fr.fp, &curthread()->fp);
  return static_cast<int64_t>(fr.x[0]);  // the dispatcher writes it back into x0
}
