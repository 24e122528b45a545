// Linux's clone and clone3 on the BSD fork path: one fork path, the seed's.
//
// A new process is fork1's, with rfork flags; a new thread (CLONE_THREAD) is a
// new LWP of the caller's process through the lwp path, as lwp_create makes
// one (its thread id from the id space, its TID from the process's TID set,
// its slots in the system's LWP count and its real uid's task count). The
// mapping (docs/user-abi.md has it with the errors):
//
//   CLONE_VM              RFMEM: the address space is shared
//   CLONE_FILES           the descriptor table is shared; without it RFFDG, a copy
//   CLONE_SIGHAND         RFSIGSHARE: the signal actions are shared
//   CLONE_VFORK           RFPPWAIT: the caller sleeps until the child execs or exits
//   CLONE_THREAD          an LWP of the caller's process, not a process
//   CLONE_PARENT          the caller's parent is the child's (and its exit signal)
//   CLONE_SETTLS          the child's TPIDR_EL0
//   CLONE_PARENT_SETTID   the caller's word gets the child's thread id
//   CLONE_CHILD_SETTID    the child's word gets its thread id as it starts
//   CLONE_CHILD_CLEARTID  the child's word is zeroed and futex-woken when it exits
//   CLONE_CLEAR_SIGHAND   (clone3) caught signals back to SIG_DFL in the child
//   CLONE_FS, CLONE_SYSVSEM, CLONE_IO, CLONE_PTRACE, CLONE_UNTRACED,
//   CLONE_DETACHED (clone), CLONE_INTO_CGROUP (clone3): accepted, nothing to do
//   the low byte (clone) / exit_signal (clone3): the signal the parent gets
//
// Every pointer is checked before anything is made: a tid word the caller
// cannot write gives -EFAULT with no child.
#include <arch/uaccess.h>

#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sleepq.h"
#include "kernel/syscall/syscall.h"
#include "kernel/thread/thread.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/vc_types.h"
#include "kernel/vm/copy.h"

namespace {

// Linux's clone flags (include/uapi/linux/sched.h).
enum : uint64_t {
  kCsignal = 0xff,
  kNewTime = 0x80,  // clone3 only: in clone it is part of the signal byte
  kVm = 0x100,
  kFs = 0x200,
  kFiles = 0x400,
  kSighand = 0x800,
  kPidfd = 0x1000,
  kPtrace = 0x2000,
  kVfork = 0x4000,
  kParent = 0x8000,
  kThread = 0x10000,
  kNewNs = 0x20000,
  kSysvsem = 0x40000,
  kSettls = 0x80000,
  kParentSettid = 0x100000,
  kChildCleartid = 0x200000,
  kDetached = 0x400000,
  kUntraced = 0x800000,
  kChildSettid = 0x1000000,
  kNewCgroup = 0x2000000,
  kNewUts = 0x4000000,
  kNewIpc = 0x8000000,
  kNewUser = 0x10000000,
  kNewPid = 0x20000000,
  kNewNet = 0x40000000,
  kIo = 0x80000000,
  kClearSighand = 0x100000000ull,
  kIntoCgroup = 0x200000000ull,
  kLegacyFlags = 0xffffffffull,
};
// Namespaces tine does not have (CLONE_NEWUSER is apart: see checks()).
constexpr uint64_t kNamespaces = kNewNs | kNewCgroup | kNewUts | kNewIpc | kNewPid | kNewNet;

// struct clone_args (clone3), whose size grew: 64 bytes up to tls (VER0), 80
// with set_tid (VER1), 88 with cgroup (VER2).
struct CloneArgs {
  uint64_t flags;
  uint64_t pidfd;
  uint64_t child_tid;
  uint64_t parent_tid;
  uint64_t exit_signal;
  uint64_t stack;
  uint64_t stack_size;
  uint64_t tls;
  uint64_t set_tid;
  uint64_t set_tid_size;
  uint64_t cgroup;
};
static_assert(sizeof(CloneArgs) == 88);
constexpr uint64_t kCloneArgsVer0 = 64;
constexpr uint64_t kMaxPidNsLevel = 32;
constexpr uint64_t kPageSizeLimit = 4096;

// Linux's order of refusals (kernel_clone, then copy_process), then tine's.
// 0 or -errno; kErestart-worthy conditions are looked at later.
int checks(const CloneArgs& c, Proc* p) {
  uint64_t f = c.flags;
  if ((f & kPidfd) && (f & kParentSettid) && c.pidfd == c.parent_tid) return -EINVAL;
  if ((f & (kNewNs | kFs)) == (kNewNs | kFs)) return -EINVAL;
  if ((f & (kNewUser | kFs)) == (kNewUser | kFs)) return -EINVAL;
  if ((f & kThread) && !(f & kSighand)) return -EINVAL;
  if ((f & kSighand) && !(f & kVm)) return -EINVAL;
  if ((f & kParent) && p->pid == 1) return -EINVAL;  // init makes no siblings
  if ((f & kThread) && (f & (kNewUser | kNewPid))) return -EINVAL;
  if ((f & kPidfd) && (f & (kDetached | kThread))) return -EINVAL;
  // No user namespaces: Linux built without them says -EINVAL.
  if (f & kNewUser) return -EINVAL;
  // The other namespaces need CAP_SYS_ADMIN (-EPERM); root gets what Linux
  // built without them says.
  if (f & kNamespaces) return proc_is_root(p) ? -EINVAL : -EPERM;
  // A chosen thread id needs CAP_CHECKPOINT_RESTORE; tine cannot choose ids.
  if (c.set_tid) return proc_is_root(p) ? -EINVAL : -EPERM;
  // No pidfds (no descriptors of that kind).
  if (f & kPidfd) return -EINVAL;
  // tine's descriptor table and file-system state belong to the process: a
  // thread cannot have copies of its own.
  if ((f & kThread) && (f & (kFiles | kFs)) != (kFiles | kFs)) return -EINVAL;
  return 0;
}

// The tid words are checked before anything is made: each must be one the
// caller may write (the child's is, then, in a copy of the same memory).
int check_tid_words(const CloneArgs& c) {
  if ((c.flags & kParentSettid) && user_writable(c.parent_tid, sizeof(int)) != 0) return -EFAULT;
  if ((c.flags & (kChildSettid | kChildCleartid)) && user_writable(c.child_tid, sizeof(int)) != 0)
    return -EFAULT;
  return 0;
}

// ERESTART from the fork path: back onto the svc, x0 as it came (the
// dispatcher writes no result for ERESTARTNOINTR), so the call is made again
// once the pending signal has been dealt with.
int64_t restart(const SyscallArgs& a) {
  a.frame->elr -= 4;
  return -ERESTARTNOINTR;
}

int64_t clone_process(Lwp* lp, const CloneArgs& c, const SyscallArgs& a) {
  uint64_t f = c.flags;
  int flags = static_cast<int>(VC_RFPROC | VC_RFPGLOCK);
  if (f & kVm) flags |= static_cast<int>(VC_RFMEM);
  if (!(f & kFiles)) flags |= static_cast<int>(VC_RFFDG);
  if (f & kSighand) flags |= static_cast<int>(VC_RFSIGSHARE);
  if (f & kVfork) flags |= static_cast<int>(VC_RFPPWAIT);
  ForkStart st{};
  st.exit_signal = static_cast<int>(c.exit_signal);
  st.sibling = (f & kParent) != 0;
  st.clear_sighand = (f & kClearSighand) != 0;
  st.stack = c.stack;
  st.set_tls = (f & kSettls) != 0;
  st.tls = c.tls;
  st.set_child_tid = (f & kChildSettid) ? c.child_tid : 0;
  st.clear_child_tid = (f & kChildCleartid) ? c.child_tid : 0;
  Proc* p2 = nullptr;
  int error = kern_fork1(lp, flags, &p2, a.frame, &st);
  if (error == kErestart) return restart(a);
  if (error) return -error;
  int pid = p2->pid;
  // The word was checked: a failure now means it went meanwhile, which Linux
  // does not report either.
  if (f & kParentSettid) (void)copyout_u(&pid, c.parent_tid, sizeof pid);
  start_forked_proc(lp, p2);
  return pid;
}

}  // namespace

// A clone(CLONE_THREAD | CLONE_VFORK) parent's wait, on its stack.
struct LwpVforkWait {
  bool done;  // atomic; set by the child under Proc::spin
};

void lwp_vfork_release_locked(Lwp* lp) {
  LwpVforkWait* w = lp->vfork_wait;
  if (!w) return;
  lp->vfork_wait = nullptr;
  __atomic_store_n(&w->done, true, __ATOMIC_RELEASE);
  wakeup(w);
}

namespace {

// The parent of a CLONE_VFORK thread sleeps until it exits or execs, or until
// the parent is to die; then the child no longer reaches the waiter.
// A signal that ends the process ends it here, as in a vfork parent's wait
// (start_forked_proc): nothing is written on the child's stack first.
void thread_vfork_wait(Lwp* self, Lwp* child, LwpVforkWait* w) {
  int fatal = 0;
  for (;;) {
    tsleep_interlock(w, PCATCH);
    if (__atomic_load_n(&w->done, __ATOMIC_ACQUIRE) || (fatal = lwp_fatal_signal(self)) != 0) {
      tsleep_abort();
      break;
    }
    if (tsleep(w, PINTERLOCKED | PCATCH, "vfork", 0) == EINTR && !lwp_fatal_pending(self))
      thread_clear_interrupt();  // a caught signal waits, as a vfork parent's does
  }
  {
    SpinGuard g(self->proc->spin);
    if (!__atomic_load_n(&w->done, __ATOMIC_ACQUIRE)) child->vfork_wait = nullptr;
  }
  if (fatal > 0) exit1(wstatus_signaled(fatal));
}

int64_t clone_thread(Lwp* lp1, const CloneArgs& c, const SyscallArgs& a) {
  uint64_t f = c.flags;
  // Linux's copy_process: a signal that has come is dealt with first.
  if (signal_pending_unblocked(lp1) || (__atomic_load_n(&lp1->flags, __ATOMIC_ACQUIRE) & LWP_WEXIT))
    return restart(a);
  Lwp* lp;
  if (int err = lwp_fork_thread(lp1, &lp); err) return err;
  cpu_fork(lp, a.frame);
  if (c.stack) lp->start.sp = c.stack;
  if (f & kSettls) lp->thread->ctx.tpidr_el0 = c.tls;
  lp->set_child_tid = (f & kChildSettid) ? c.child_tid : 0;
  lp->clear_child_tid = (f & kChildCleartid) ? c.child_tid : 0;
  int tid = lp->gtid;
  if ((f & kParentSettid) && copyout_u(&tid, c.parent_tid, sizeof tid) != 0) {
    lwp_unfork(lp);  // it went since it was checked: nothing is left
    return -EFAULT;
  }
  LwpVforkWait w{false};
  if (f & kVfork) lp->vfork_wait = &w;  // not visible to anyone yet
  lwp_start(lp);
  if (f & kVfork) thread_vfork_wait(lp1, lp, &w);
  return tid;
}

int64_t do_clone(const CloneArgs& c, const SyscallArgs& a) {
  Lwp* lp = curlwp();
  if (int err = checks(c, lp->proc); err) return err;
  if (int err = check_tid_words(c); err) return err;
  return (c.flags & kThread) ? clone_thread(lp, c, a) : clone_process(lp, c, a);
}

}  // namespace

// clone(flags, stack, parent_tid, tls, child_tid) (arm64's argument order).
// The upper 32 bits of flags are ignored and the low byte is the exit signal,
// unchecked, as in Linux (one above 64 sends nothing).
int64_t sys_clone(const SyscallArgs& a) {
  CloneArgs c{};
  uint64_t low = a.a[0] & 0xffffffffull;
  c.flags = low & ~kCsignal;
  c.exit_signal = low & kCsignal;
  c.stack = a.a[1];
  c.parent_tid = a.a[2];
  c.pidfd = a.a[2];  // CLONE_PIDFD returns the descriptor through parent_tid
  c.tls = a.a[3];
  c.child_tid = a.a[4];
  return do_clone(c, a);
}

// clone3(args, size): struct clone_args of any size Linux has had; bytes past
// the ones tine knows must be zero (-E2BIG).
int64_t sys_clone3(const SyscallArgs& a) {
  uint64_t size = a.a[1];
  if (size > kPageSizeLimit) return -E2BIG;
  if (size < kCloneArgsVer0) return -EINVAL;
  CloneArgs c{};
  uint64_t known = size < sizeof c ? size : sizeof c;
  if (copyin_u(a.a[0], &c, known) != 0) return -EFAULT;
  for (uint64_t off = sizeof c; off < size; off += sizeof(uint64_t)) {
    uint64_t word = 0;
    uint64_t n = size - off < sizeof word ? size - off : sizeof word;
    if (copyin_u(a.a[0] + off, &word, n) != 0) return -EFAULT;
    if (word != 0) return -E2BIG;
  }
  if (c.set_tid_size > kMaxPidNsLevel) return -EINVAL;
  if (!c.set_tid && c.set_tid_size > 0) return -EINVAL;
  if (c.set_tid && c.set_tid_size == 0) return -EINVAL;
  if ((c.exit_signal & ~kCsignal) || c.exit_signal > static_cast<uint64_t>(kNsig)) return -EINVAL;
  if ((c.flags & kIntoCgroup) && (c.cgroup > 0x7fffffffull || size < sizeof c)) return -EINVAL;
  // clone3_args_valid.
  if (c.flags & ~(kLegacyFlags | kClearSighand | kIntoCgroup)) return -EINVAL;
  if (c.flags & (kDetached | (kCsignal & ~kNewTime))) return -EINVAL;
  if ((c.flags & (kSighand | kClearSighand)) == (kSighand | kClearSighand)) return -EINVAL;
  if ((c.flags & (kThread | kParent)) && c.exit_signal) return -EINVAL;
  if (c.stack == 0) {
    if (c.stack_size) return -EINVAL;
  } else {
    if (c.stack_size == 0 || !arch::user_range_ok(c.stack, c.stack_size)) return -EINVAL;
    c.stack += c.stack_size;  // the stack grows down from its end
  }
  if (c.flags & kNewTime) {  // a namespace, as in checks()
    Proc* p = curproc();
    return proc_is_root(p) ? -EINVAL : -EPERM;
  }
  return do_clone(c, a);
}

// unshare(flags): Linux's, on the same parts. A process's descriptor table
// holds its working directory and umask too, so CLONE_FILES and CLONE_FS
// each give it a private copy of the one table (rfork(RFFDG) without
// RFPROC: one LWP only, else -EINVAL; nothing to do when no other process
// shares it). CLONE_THREAD, CLONE_SIGHAND and CLONE_VM cannot be undone:
// each is -EINVAL unless there is nothing to undo (one LWP; signal actions
// and memory no other process shares), as on Linux. CLONE_SYSVSEM is
// accepted (no System V semaphores). Namespaces as in clone: CLONE_NEWUSER
// -EINVAL, the others -EPERM, root -EINVAL.
int64_t sys_unshare(const SyscallArgs& a) {
  constexpr uint64_t kAllowed = kThread | kFs | kNewNs | kSighand | kVm | kFiles | kSysvsem |
                                kNewUts | kNewIpc | kNewNet | kNewUser | kNewPid | kNewCgroup |
                                kNewTime;
  uint64_t f = a.a[0];
  if (f & ~kAllowed) return -EINVAL;
  // What each flag brings with it (ksys_unshare).
  if (f & kNewUser) f |= kThread | kFs;
  if (f & kVm) f |= kSighand;
  if (f & kSighand) f |= kThread;
  if (f & kNewNs) f |= kFs;
  Lwp* lp = curlwp();
  Proc* p = lp->proc;
  if ((f & (kThread | kSighand | kVm)) && p->nthreads() != 1) return -EINVAL;
  if ((f & (kSighand | kVm)) && refcount_read(&p->sigacts()->c.ps_ref) > 1) return -EINVAL;
  if ((f & kVm) && refcount_read(&p->vmref()->c.vm_ref) > 1) return -EINVAL;
  if (f & kNewUser) return -EINVAL;
  if (f & (kNamespaces | kNewTime)) return proc_is_root(p) ? -EINVAL : -EPERM;
  if (f & (kFiles | kFs)) {
    Proc* none = nullptr;
    int r = kern_fork1(lp, static_cast<int>(VC_RFFDG | VC_RFMEM), &none, a.frame);
    if (r) return -r;
  }
  return 0;
}
