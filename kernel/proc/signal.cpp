// Signal actions, masks and delivery to handlers (Linux arm64's user ABI):
// rt_sigaction, rt_sigprocmask, rt_sigreturn, and the frame a handler runs on.
//
// Pending signals belong to the process (Proc::siglist) or, sent by tgkill
// or tkill, to one LWP (Lwp::siglist); each LWP has a blocked set
// (LwpCopy::sigmask, inherited by fork and clone). On the way back to EL0 an
// LWP takes the lowest signal it does not block, its own before its
// process's, as Linux's dequeue_signal does: SIG_DFL ends the process (only
// signals whose default is to end it are ever posted); a handler gets
// Linux's rt_sigframe on the user stack (siginfo_t, then a ucontext with
// every register, the mask to restore and the FP/SIMD state in an
// fpsimd_context record) below a frame record, and runs with x0 = the signal,
// x1 = &siginfo, x2 = &ucontext, x29 = the frame record and x30 = the
// action's restorer, or the signal page's trampoline when there is none
// (kernel/vm/sigpage.h): either calls rt_sigreturn.
#include <arch/context.h>
#include <arch/trap_frame.h>
#include <arch/user_entry.h>

#include "kernel/console/user_notice.h"
#include "kernel/lib/string.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/siginfo_user.h"
#include "kernel/proc/sigqueue.h"
#include "kernel/syscall/syscall.h"
#include "kernel/thread/thread.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/vm/copy.h"
#include "kernel/vm/sigpage.h"

namespace {

constexpr uint64_t kSigDfl = 0, kSigIgn = 1;
constexpr uint64_t kSaRestorer = 0x04000000, kSaRestart = 0x10000000, kSaNodefer = 0x40000000,
                   kSaResethand = 0x80000000;
// The flags kept (Linux's UAPI_SA_FLAGS, 5.11 on): SA_NOCLDSTOP, SA_NOCLDWAIT,
// SA_SIGINFO, SA_RESTORER, SA_ONSTACK, SA_RESTART, SA_NODEFER, SA_RESETHAND.
// Others are cleared, so a program that sets one (SA_UNSUPPORTED, or
// SA_EXPOSE_TAGBITS, which tine has not) reads back that it is not known.
constexpr uint64_t kSaKnown =
    0x1 | 0x2 | 0x4 | kSaRestorer | 0x08000000 | kSaRestart | kSaNodefer | kSaResethand;
constexpr uint64_t kSigBlock = 0, kSigUnblock = 1, kSigSetmask = 2;

uint64_t sigbit(int sig) { return 1ull << (sig - 1); }

// Linux arm64's signal frame (arch/arm64/include/uapi/asm/sigcontext.h,
// ucontext.h; siginfo_t is siginfo_user.h's).
constexpr uint32_t kFpsimdMagic = 0x46508001;
struct FpsimdContext {  // struct fpsimd_context
  uint32_t magic;
  uint32_t size;
  uint32_t fpsr;
  uint32_t fpcr;
  uint64_t vregs[64];  // v0..v31, 128 bits each (low half first)
};
static_assert(sizeof(FpsimdContext) == 528);

// struct rt_sigframe {siginfo_t info; struct ucontext uc;} up to the end of
// the records in uc_mcontext.__reserved (the rest of its 4 KiB is reserved
// on the stack, unwritten, as Linux leaves it).
struct alignas(16) SigframeHead {
  LinuxSiginfo info;
  // struct ucontext
  uint64_t uc_flags;
  uint64_t uc_link;
  uint64_t ss_sp;  // uc_stack (stack_t)
  int32_t ss_flags;
  int32_t ss_pad;
  uint64_t ss_size;
  uint64_t uc_sigmask;
  uint8_t sigmask_unused[120];  // glibc's sigset_t is 1024 bits
  uint64_t uc_pad;              // uc_mcontext is 16-byte aligned
  // uc_mcontext: struct sigcontext
  uint64_t fault_address;
  uint64_t regs[31];
  uint64_t sp;
  uint64_t pc;
  uint64_t pstate;
  uint64_t mc_pad;       // __reserved is 16-byte aligned
  FpsimdContext fpsimd;  // __reserved's first record
  uint32_t end_magic;    // and the terminating one, {0, 0}
  uint32_t end_size;
};
constexpr size_t kUcontextAt = 128;
constexpr size_t kMcontextAt = kUcontextAt + 176;
static_assert(offsetof(SigframeHead, fault_address) == kMcontextAt);
static_assert(offsetof(SigframeHead, fpsimd) == kMcontextAt + 288);
// sizeof(struct rt_sigframe): siginfo, ucontext head, sigcontext registers, __reserved.
constexpr uint64_t kSigframeSize = kMcontextAt + 288 + 4096;
constexpr int32_t kSsOnstack = 1, kSsDisable = 2;  // SS_ONSTACK, SS_DISABLE
constexpr uint32_t kSsAutodisarm = 1u << 31;       // SS_AUTODISARM
constexpr uint64_t kMinSigstksz = 5120;            // arm64's MINSIGSTKSZ
constexpr uint64_t kSaOnstack = 0x08000000;

// Whether sp is on lp's alternate signal stack (Linux's on_sig_stack; never
// with SS_AUTODISARM, which gives the stack up while a handler runs on it).
bool on_altstack(const Lwp* lp, uint64_t sp) {
  if (lp->copy.altstack.flags & kSsAutodisarm) return false;
  return sp > lp->copy.altstack.sp && sp - lp->copy.altstack.sp <= lp->copy.altstack.size;
}
// SS_DISABLE, SS_ONSTACK or 0 for a thread at sp (Linux's sas_ss_flags).
int32_t altstack_state(const Lwp* lp, uint64_t sp) {
  if (lp->copy.altstack.size == 0) return kSsDisable;
  return on_altstack(lp, sp) ? kSsOnstack : 0;
}
// Linux's stack_t on arm64.
struct UserStack {
  uint64_t sp;
  int32_t flags;
  int32_t pad;
  uint64_t size;
};
// Sets lp's alternate stack from `ss` for a thread at sp (Linux's
// do_sigaltstack): not while on it (-EPERM), mode 0, SS_ONSTACK or SS_DISABLE
// with SS_AUTODISARM or not (-EINVAL), at least MINSIGSTKSZ (-ENOMEM).
int set_altstack(Lwp* lp, const UserStack& ss, uint64_t sp) {
  if (on_altstack(lp, sp)) return -EPERM;
  int32_t mode = static_cast<int32_t>(static_cast<uint32_t>(ss.flags) & ~kSsAutodisarm);
  if (mode != kSsDisable && mode != kSsOnstack && mode != 0) return -EINVAL;
  if (mode == kSsDisable) {
    lp->copy.altstack = {};
    return 0;
  }
  if (ss.size < kMinSigstksz) return -ENOMEM;
  lp->copy.altstack.sp = ss.sp;
  lp->copy.altstack.size = ss.size;
  lp->copy.altstack.flags = static_cast<uint32_t>(ss.flags) & kSsAutodisarm;
  return 0;
}

uint64_t load(const uint64_t& v) { return __atomic_load_n(&v, __ATOMIC_RELAXED); }
uint64_t load(const uint32_t& v) { return __atomic_load_n(&v, __ATOMIC_RELAXED); }

// Builds the handler's frame and points the LWP at the handler; false if the
// user stack cannot take it.
bool push_frame(Lwp* lp, TrapFrame* f, int sig, const SigInfo& si, uint64_t handler, uint64_t flags,
                uint64_t restorer, uint64_t mask) {
  SigframeHead fr;
  tine_memset(&fr, 0, offsetof(SigframeHead, fpsimd));
  fr.info = siginfo_to_user(sig, si);
  // uc_stack: the alternate stack as the interrupted code had it.
  fr.ss_sp = lp->copy.altstack.sp;
  fr.ss_size = lp->copy.altstack.size;
  fr.ss_flags = altstack_state(lp, f->sp) | static_cast<int32_t>(lp->copy.altstack.flags);
  // After ppoll or pselect6 with a mask of their own, the handler runs with
  // theirs and the frame restores the one from before the call.
  uint32_t lf = __atomic_load_n(&lp->flags, __ATOMIC_RELAXED);
  fr.uc_sigmask = (lf & LWP_OLDMASK) ? lp->saved_sigmask : lp->copy.sigmask;
  for (int i = 0; i < 31; ++i) fr.regs[i] = f->x[i];
  fr.sp = f->sp;
  fr.pc = f->elr;
  fr.pstate = f->spsr;
  arch::FpState fp;
  arch::user_fp_snapshot(&fp, &curthread()->fp);
  fr.fpsimd.magic = kFpsimdMagic;
  fr.fpsimd.size = sizeof(FpsimdContext);
  fr.fpsimd.fpsr = static_cast<uint32_t>(fp.fpsr);
  fr.fpsimd.fpcr = static_cast<uint32_t>(fp.fpcr);
  tine_memcpy(fr.fpsimd.vregs, fp.v, sizeof fp.v);
  fr.end_magic = 0;
  fr.end_size = 0;
  // Linux's get_sigframe: a frame record {x29, x30} just below sp (the top
  // of the alternate stack for an SA_ONSTACK handler not already on it), the
  // rt_sigframe below that, both 16-byte aligned.
  uint64_t sp = f->sp;
  if ((flags & kSaOnstack) && altstack_state(lp, sp) == 0) {
    sp = lp->copy.altstack.sp + lp->copy.altstack.size;
    if (lp->copy.altstack.flags & kSsAutodisarm) lp->copy.altstack = {};
  }
  if (sp < kSigframeSize + 64) return false;
  uint64_t record = (sp - 16) & ~uint64_t{15};
  uint64_t at = (record - kSigframeSize) & ~uint64_t{15};
  uint64_t fp_lr[2] = {f->x[29], f->x[30]};
  if (copyout_u(fp_lr, record, sizeof fp_lr) != 0 || copyout_u(&fr, at, sizeof fr) != 0)
    return false;
  f->x[0] = static_cast<uint64_t>(sig);
  f->x[1] = at;                // &info
  f->x[2] = at + kUcontextAt;  // &uc
  f->x[29] = record;
  f->x[30] = (flags & kSaRestorer) ? restorer : kSigpageVa;
  f->sp = at;
  f->elr = handler;
  uint64_t block = mask | ((flags & kSaNodefer) ? 0 : sigbit(sig));
  lwp_note_mask(lp, block);
  uint64_t old = lp->copy.sigmask;
  lp->copy.sigmask = (old | block) & ~psig::kUnblockable;
  __atomic_and_fetch(&lp->flags, ~LWP_OLDMASK, __ATOMIC_RELAXED);
  signal_mask_retarget(lp, old);
  return true;
}

// The pending signals lp may take: its own and its process's, unblocked.
uint64_t takeable(Lwp* lp) {
  uint64_t pend = __atomic_load_n(&lp->siglist, __ATOMIC_ACQUIRE) |
                  __atomic_load_n(&lp->proc->siglist, __ATOMIC_ACQUIRE);
  return pend & ~(lp->copy.sigmask & ~psig::kUnblockable);
}

// One instance of sig (pending) from a set: a real-time one's oldest, or the
// standard one with its first sender's information.
SigInfo take_from(SigQueue* q, uint64_t* siglist, const SigInfo* infos, int sig) {
  if (sig >= kSigRtmin) return sigq_take_locked(q, siglist, sig);
  __atomic_and_fetch(siglist, ~sigbit(sig), __ATOMIC_ACQ_REL);
  return infos[sig];
}

// Takes sig from lp's own pending set, else from its process's, with its
// information; false if another LWP (or an ignore) took it meanwhile.
bool take(Lwp* lp, int sig, SigInfo* si) {
  SpinGuard g(lp->proc->spin);  // the information is written with the bit under it
  return signal_take_locked(lp, sig, si);
}

// Moves one instance of sig, pending for p, to lp's own set, claimed by lp
// (p->spin held).
void signal_assign_locked(Proc* p, Lwp* lp, int sig) {
  p->spin.assert_held();
  uint64_t bit = sigbit(sig);
  // A standard one pending for lp already stays the process's too: two
  // sendings, two deliveries (as Linux's private and shared sets).
  if (sig < kSigRtmin && (__atomic_load_n(&lp->siglist, __ATOMIC_RELAXED) & bit)) return;
  lp->claimed |= bit;
  if (sig >= kSigRtmin) {
    sigq_move_locked(&p->sigq, &p->siglist, &lp->sigq, &lp->siglist, sig);
    return;
  }
  lp->siginfo[sig] = p->siginfo[sig];
  __atomic_or_fetch(&lp->siglist, bit, __ATOMIC_RELEASE);
  __atomic_and_fetch(&p->siglist, ~bit, __ATOMIC_ACQ_REL);
}

}  // namespace

bool signal_take_locked(Lwp* lp, int sig, SigInfo* si) {
  Proc* p = lp->proc;
  uint64_t bit = sigbit(sig);
  if (__atomic_load_n(&lp->siglist, __ATOMIC_ACQUIRE) & bit) {
    *si = take_from(&lp->sigq, &lp->siglist, lp->siginfo, sig);
    bool claimed = lp->claimed & bit;  // the process's, claimed by lp
    lp->claimed &= ~bit;
    if (sig == kSigAlrm && claimed) [[unlikely]]
      itimer_alarm_taken_locked(p);
    return true;
  }
  if (__atomic_load_n(&p->siglist, __ATOMIC_ACQUIRE) & bit) {
    *si = take_from(&p->sigq, &p->siglist, p->siginfo, sig);
    if (sig == kSigAlrm) [[unlikely]]
      itimer_alarm_taken_locked(p);
    return true;
  }
  return false;
}

bool signal_claim_for_wait(Lwp* lp, int sig) {
  Proc* p = lp->proc;
  uint64_t bit = sigbit(sig);
  SpinGuard g(p->spin);
  if (__atomic_load_n(&lp->siglist, __ATOMIC_RELAXED) & bit) return true;
  if (!(__atomic_load_n(&p->siglist, __ATOMIC_ACQUIRE) & bit)) return false;
  signal_assign_locked(p, lp, sig);  // one instance, delivered from lp's set
  return true;
}

void signal_retarget_locked(Proc* p, Lwp* lp, uint64_t bits) {
  p->spin.assert_held();
  uint64_t back = lp->claimed & bits & __atomic_load_n(&lp->siglist, __ATOMIC_RELAXED);
  lp->claimed &= ~bits;
  for (uint64_t s = back; s; s &= s - 1) {
    int sig = __builtin_ctzll(s) + 1;
    if (sig >= kSigRtmin) {
      sigq_move_locked(&lp->sigq, &lp->siglist, &p->sigq, &p->siglist, sig, true);
      continue;
    }
    p->siginfo[sig] = lp->siginfo[sig];  // the first sender's (a later one merged into it)
    __atomic_and_fetch(&lp->siglist, ~sigbit(sig), __ATOMIC_ACQ_REL);
    __atomic_or_fetch(&p->siglist, sigbit(sig), __ATOMIC_RELEASE);
  }
  uint64_t shared = __atomic_load_n(&p->siglist, __ATOMIC_ACQUIRE) & bits;
  if (!shared) return;
  for (tidnode* n = tidtree::first(p->core.p_tids.p_lwps); n; n = tidtree::next(n)) {
    Lwp* q = lwp_of(n);
    if (q != lp && (shared & ~__atomic_load_n(&q->copy.sigmask, __ATOMIC_RELAXED)))
      thread_interrupt(q->thread);
  }
}

namespace {

// The pending signals of `bits` leave one set (their queued instances too).
void drop_from(SigQueue* q, uint64_t* siglist, uint64_t bits) {
  __atomic_and_fetch(siglist, ~bits, __ATOMIC_ACQ_REL);
  for (uint64_t rt = bits >> (kSigRtmin - 1); rt; rt &= rt - 1)
    sigq_flush(q, __builtin_ctzll(rt) + kSigRtmin);
}

}  // namespace

void signal_drop_locked(Proc* p, uint64_t bits) {
  p->spin.assert_held();
  drop_from(&p->sigq, &p->siglist, bits);
  for (tidnode* n = tidtree::first(p->core.p_tids.p_lwps); n; n = tidtree::next(n)) {
    Lwp* lp = lwp_of(n);
    drop_from(&lp->sigq, &lp->siglist, bits);
    lp->claimed &= ~bits;
  }
}

void signal_mask_retarget(Lwp* lp, uint64_t old_mask) {
  uint64_t now_blocked = __atomic_load_n(&lp->copy.sigmask, __ATOMIC_RELAXED) & ~old_mask;
  if (!now_blocked) return;
  // Under the lock posts and claims are made under: what lp claimed goes
  // back, and a post after this sees the new mask.
  Proc* p = lp->proc;
  SpinGuard g(p->spin);
  signal_retarget_locked(p, lp, now_blocked);
}

namespace {

// The lowest signal of a set, private ones first.
int next_signal(Lwp* lp, uint64_t can) {
  uint64_t own = can & __atomic_load_n(&lp->siglist, __ATOMIC_ACQUIRE);
  return __builtin_ctzll(own ? own : can) + 1;
}

}  // namespace

namespace {
void deliver(Lwp* lp, TrapFrame* f);
}

void signal_note_restart(TrapFrame* f, uint64_t arg0) {
  Lwp* lp = curlwp();
  f->x[0] = static_cast<uint64_t>(-EINTR);
  lp->restart_x0 = arg0;
  __atomic_or_fetch(&lp->flags, LWP_RESTART, __ATOMIC_RELAXED);
}

namespace {

// Settles a system call that ended with ERESTARTSYS: made again (back onto
// the svc, x0 as it was) or left to return -EINTR.
void settle_restart(Lwp* lp, TrapFrame* f, bool again) {
  if (!(__atomic_load_n(&lp->flags, __ATOMIC_RELAXED) & LWP_RESTART)) return;
  __atomic_and_fetch(&lp->flags, ~LWP_RESTART, __ATOMIC_RELAXED);
  if (!again) return;
  f->elr -= 4;
  f->x[0] = lp->restart_x0;
}

}  // namespace

void signal_deliver(TrapFrame* f) {
  Lwp* lp = curlwp();
  if (!lp) return;
  deliver(lp, f);
  // No handler ran (none was due, or the signal stopped the process, or was
  // ignored by then): an interrupted call is made again, as on Linux.
  if (f) settle_restart(lp, f, true);
  // No handler took the mask ppoll or pselect6 saved: it comes back now.
  if (f && (__atomic_load_n(&lp->flags, __ATOMIC_RELAXED) & LWP_OLDMASK)) {
    uint64_t old = lp->copy.sigmask;
    lp->copy.sigmask = lp->saved_sigmask;
    __atomic_and_fetch(&lp->flags, ~LWP_OLDMASK, __ATOMIC_RELAXED);
    signal_mask_retarget(lp, old);
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
  if ((__atomic_load_n(&p->siglist, __ATOMIC_ACQUIRE) |
       __atomic_load_n(&lp->siglist, __ATOMIC_ACQUIRE)) == 0)
    return;  // the common case
  Sigacts* ps = p->sigacts();
  for (;;) {
    // An LWP told to exit takes no signal: it ends on the way out
    // (user_return_prepare), and a handler's frame would be written for
    // nothing, on a stack that may be a vfork child's by now.
    if (__atomic_load_n(&lp->flags, __ATOMIC_ACQUIRE) & LWP_WEXIT) return;
    uint64_t can = takeable(lp);
    if (!can) return;
    int sig = next_signal(lp, can);
    uint64_t handler = sig == kSigKill ? kSigDfl : load(ps->handler[sig]);
    if (psig::default_stops(sig) && handler == kSigDfl) {
      jobctl_stop(lp, sig);  // takes it, stops the process, returns once continued
      continue;
    }
    if (handler == kSigDfl && !psig::default_ignored(sig)) exit1(wstatus_signaled(sig));
    if (!f && handler != kSigDfl && handler != kSigIgn) return;  // first entry: no frame yet
    SigInfo si;
    if (!take(lp, sig, &si)) continue;                       // another LWP took it
    if (handler == kSigDfl || handler == kSigIgn) continue;  // ignored by now
    uint64_t flags = load(ps->flags[sig]);
    if (flags & kSaResethand) __atomic_store_n(&ps->handler[sig], kSigDfl, __ATOMIC_RELAXED);
    settle_restart(lp, f, (flags & kSaRestart) != 0);  // before the frame saves elr and x0
    if (!push_frame(lp, f, sig, si, handler, flags, load(ps->restorer[sig]), load(ps->mask[sig]))) {
      user_notice("pid %d (%s): no room for a signal frame at sp %#lx: killed by SIGSEGV\n", p->pid,
                  p->copy.comm, f->sp);
      exit1(wstatus_signaled(kSigSegv));
    }
    return;  // one handler at a time; the next on the next way out
  }
}

}  // namespace

void sigacts_copy_actions(Sigacts* to, const Sigacts* from) {
  uint64_t set = load(from->set);
  to->set = set;
  for (; set != 0; set &= set - 1) {
    int sig = __builtin_ctzll(set) + 1;
    to->handler[sig] = load(from->handler[sig]);
    to->flags[sig] = load(from->flags[sig]);
    to->restorer[sig] = load(from->restorer[sig]);
    to->mask[sig] = load(from->mask[sig]);
  }
}

void sigacts_reset_caught(Sigacts* ps) {
  for (int sig = 1; sig <= kNsig; ++sig) {
    if (load(ps->handler[sig]) <= kSigIgn) continue;
    __atomic_store_n(&ps->flags[sig], uint32_t{0}, __ATOMIC_RELAXED);
    __atomic_store_n(&ps->restorer[sig], uint64_t{0}, __ATOMIC_RELAXED);
    __atomic_store_n(&ps->mask[sig], uint64_t{0}, __ATOMIC_RELAXED);
    __atomic_store_n(&ps->handler[sig], kSigDfl, __ATOMIC_RELAXED);
  }
}

int lwp_fatal_signal(Lwp* lp) {
  if (__atomic_load_n(&lp->flags, __ATOMIC_ACQUIRE) & LWP_WEXIT) return -1;
  uint64_t pend = __atomic_load_n(&lp->proc->siglist, __ATOMIC_ACQUIRE) |
                  __atomic_load_n(&lp->siglist, __ATOMIC_ACQUIRE);
  if (pend & sigbit(kSigKill)) return kSigKill;
  uint64_t mask = lp->copy.sigmask;
  // In rt_sigtimedwait the waited signals are unblocked but wanted, not
  // fatal (Linux's real_blocked).
  if (__atomic_load_n(&lp->flags, __ATOMIC_RELAXED) & LWP_SIGWAIT) mask |= lp->saved_sigmask;
  uint64_t can = pend & ~(mask & ~psig::kUnblockable);
  const Sigacts* ps = lp->proc->sigacts();
  for (; can; can &= can - 1) {
    int sig = __builtin_ctzll(can) + 1;
    if (load(ps->handler[sig]) == kSigDfl && !psig::default_ignored(sig) &&
        !psig::default_stops(sig))
      return sig;
  }
  return 0;
}

bool lwp_fatal_pending(Lwp* lp) { return lwp_fatal_signal(lp) != 0; }

// Pending signals this LWP would take (fork1's check under RFPGLOCK).
bool signal_pending_unblocked(Lwp* lp) {
  uint64_t can = takeable(lp);
  if (can == 0) return false;  // the common case
  const Sigacts* ps = lp->proc->sigacts();
  for (; can; can &= can - 1)
    if (!signal_action_ignores(ps, __builtin_ctzll(can) + 1)) return true;
  return false;
}

bool signal_claim_any_for_wait(Lwp* lp, uint64_t waited) {
  const Sigacts* ps = lp->proc->sigacts();
  for (;;) {
    uint64_t can = takeable(lp) & ~waited;
    uint64_t own = __atomic_load_n(&lp->siglist, __ATOMIC_ACQUIRE);
    bool lost = false;
    for (; can; can &= can - 1) {
      int sig = __builtin_ctzll(can) + 1;
      if (signal_action_ignores(ps, sig)) continue;
      if ((own & sigbit(sig)) || !signal_action_catches(ps, sig)) return true;
      if (signal_claim_for_wait(lp, sig)) return true;
      lost = true;
    }
    if (!lost) return false;  // (else another LWP took one: look again)
  }
}

bool lwp_should_stop(Lwp* lp) {
  return lp && (lwp_fatal_pending(lp) || signal_pending_unblocked(lp));
}

// rt_sigaction(sig, act, oldact, sigsetsize): struct sigaction is {handler,
// flags, restorer, mask}. A handler without SA_RESTORER returns through the
// signal page (Linux's vDSO trampoline).
int64_t sys_rt_sigaction(const SyscallArgs& a) {
  int sig = static_cast<int>(a.a[0]);
  // Linux's order: the set size, the new action's read, then the signal
  // (SIGKILL's and SIGSTOP's actions may be read, not set).
  if (a.a[3] != 8) return -EINVAL;
  uint64_t act[4];
  if (a.a[1] && copyin_u(a.a[1], act, sizeof act) != 0) return -EFAULT;
  if (sig <= 0 || sig > kNsig) return -EINVAL;
  if (a.a[1] && (sig == kSigKill || sig == psig::kStop)) return -EINVAL;
  Proc* p = curproc();
  Sigacts* ps = p->sigacts();
  uint64_t old[4];
  {
    SpinGuard g(p->spin);
    old[0] = load(ps->handler[sig]);
    old[1] = load(ps->flags[sig]);
    old[2] = load(ps->restorer[sig]);
    old[3] = load(ps->mask[sig]);
    if (a.a[1]) {
      __atomic_or_fetch(&ps->set, sigbit(sig), __ATOMIC_RELAXED);
      __atomic_store_n(&ps->flags[sig], static_cast<uint32_t>(act[1] & kSaKnown), __ATOMIC_RELAXED);
      __atomic_store_n(&ps->restorer[sig], act[2], __ATOMIC_RELAXED);
      __atomic_store_n(&ps->mask[sig], act[3] & ~psig::kUnblockable, __ATOMIC_RELAXED);
      __atomic_store_n(&ps->handler[sig], act[0], __ATOMIC_RELEASE);
      // Now ignored: a pending one goes (POSIX), the process's and every LWP's.
      if (act[0] == kSigIgn || (act[0] == kSigDfl && psig::default_ignored(sig)))
        signal_drop_locked(p, sigbit(sig));
    }
  }
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
    if (a.a[0] <= kSigSetmask) lwp_note_mask(lp, set);
    switch (a.a[0]) {
      case kSigBlock: lp->copy.sigmask = old | set; break;
      case kSigUnblock: lp->copy.sigmask = old & ~set; break;
      case kSigSetmask: lp->copy.sigmask = set; break;
      default: return -EINVAL;
    }
    lp->copy.sigmask &= ~psig::kUnblockable;
    signal_mask_retarget(lp, old);
  }
  if (a.a[2] && copyout_u(&old, a.a[2], sizeof old) != 0) return -EFAULT;
  return 0;
}

// sigaltstack(ss, old_ss): the calling thread's alternate signal stack,
// which handlers with SA_ONSTACK run on (Linux's order: ss read, the change,
// then old_ss written, which reports the state before the change).
int64_t sys_sigaltstack(const SyscallArgs& a) {
  Lwp* lp = curlwp();
  uint64_t sp = a.frame->sp;
  UserStack old{lp->copy.altstack.sp,
                altstack_state(lp, sp) | static_cast<int32_t>(lp->copy.altstack.flags), 0,
                lp->copy.altstack.size};
  if (a.a[0]) {
    UserStack ss;
    if (copyin_u(a.a[0], &ss, sizeof ss) != 0) return -EFAULT;
    if (int e = set_altstack(lp, ss, sp); e) return e;
  }
  if (a.a[1] && copyout_u(&old, a.a[1], sizeof old) != 0) return -EFAULT;
  return 0;
}

// rt_sigpending(set, sigsetsize): the pending signals this LWP blocks, its
// own and its process's (Linux's do_sigpending); a size above 8 -EINVAL, a
// smaller one gets that many bytes.
int64_t sys_rt_sigpending(const SyscallArgs& a) {
  if (a.a[1] > 8) return -EINVAL;
  Lwp* lp = curlwp();
  uint64_t set = (__atomic_load_n(&lp->proc->siglist, __ATOMIC_ACQUIRE) |
                  __atomic_load_n(&lp->siglist, __ATOMIC_ACQUIRE)) &
                 lp->copy.sigmask;
  return copyout_u(&set, a.a[0], a.a[1]) == 0 ? 0 : -EFAULT;
}

// rt_sigreturn: back from a handler to the registers, mask and FP/SIMD state
// of the ucontext in the rt_sigframe at sp. A frame that is not one (sp not
// 16-byte aligned, or no fpsimd_context record) ends the process with SIGSEGV.
int64_t sys_rt_sigreturn(const SyscallArgs& a) {
  TrapFrame* f = a.frame;
  SigframeHead fr;
  bool ok = (f->sp & 15) == 0 && copyin_u(f->sp, &fr, sizeof fr) == 0 &&
            fr.fpsimd.magic == kFpsimdMagic && fr.fpsimd.size == sizeof(FpsimdContext);
  if (!ok) {
    Proc* p = curproc();
    user_notice("pid %d (%s): rt_sigreturn without a signal frame at sp %#lx: killed by SIGSEGV\n",
                p->pid, p->copy.comm, f->sp);
    exit1(wstatus_signaled(kSigSegv));
  }
  for (int i = 0; i < 31; ++i) f->x[i] = fr.regs[i];
  f->sp = fr.sp;
  f->elr = fr.pc;
  f->spsr = fr.pstate & 0xf0000000ull;  // the condition flags; EL0, interrupts on
  lwp_note_mask(curlwp(), fr.uc_sigmask);
  uint64_t old_mask = curlwp()->copy.sigmask;
  curlwp()->copy.sigmask = fr.uc_sigmask & ~psig::kUnblockable;
  signal_mask_retarget(curlwp(), old_mask);
  // uc_stack back, as sigaltstack would take it from here (Linux's
  // restore_altstack: refused quietly while on the stack itself).
  (void)set_altstack(curlwp(), UserStack{fr.ss_sp, fr.ss_flags, 0, fr.ss_size}, fr.sp);
  arch::FpState fp;
  tine_memcpy(fp.v, fr.fpsimd.vregs, sizeof fp.v);
  fp.fpsr = fr.fpsimd.fpsr;
  fp.fpcr = fr.fpsimd.fpcr;
  arch::user_fp_load(&fp, &curthread()->fp);
  return static_cast<int64_t>(fr.regs[0]);  // the dispatcher writes it back into x0
}
