// CPU affinity: sched_getaffinity and sched_setaffinity on one thread (a
// thread id, 0 for the caller), as Linux's masks of unsigned longs.
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/syscall/syscall.h"
#include "kernel/thread/thread.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

namespace {

constexpr uint64_t kMaskBytes = sizeof(uint64_t);  // tine's cpumask_size(): 4 CPUs

// Runs fn(thread) on the live LWP with thread id tid (0: the caller) with its
// process's spinlock held, so the LWP cannot leave meanwhile. -ESRCH if none;
// -EPERM if `need_owner` and the caller is not root and its effective uid is
// neither the target's effective nor its real uid (Linux's check_same_owner).
template <typename Fn>
int64_t on_thread(int tid, bool need_owner, Fn fn) {
  if (tid < 0) return -ESRCH;
  Lwp* me = curlwp();
  if (tid == 0 || tid == me->gtid) {
    SpinGuard g(me->proc->spin);
    return fn(me->thread);
  }
  Ucred* cr = proc_cred_hold(me->proc);
  int64_t r = -ESRCH;
  {
    RmWriteGuard g(g_proctree_lock);
    with_running_lwp_locked(tid, [&](Proc* p, Lwp* lp) {
      const Ucred* its = p->ucred();
      if (need_owner && cr->c.cr_uid != 0 && cr->c.cr_uid != its->c.cr_uid &&
          cr->c.cr_uid != its->c.cr_ruid) {
        r = -EPERM;
      } else {
        r = fn(lp->thread);
      }
    });
  }
  ucred_put(cr);
  return r;
}

}  // namespace

// getcpu(cpu, node, cache): the CPU the caller runs on (it may move at once)
// and NUMA node 0; either pointer may be null.
int64_t sys_getcpu(const SyscallArgs& a) {
  unsigned cpu = curthread()->cpu, node = 0;
  if (a.a[0] && copyout_u(&cpu, a.a[0], sizeof cpu) != 0) return -EFAULT;
  if (a.a[1] && copyout_u(&node, a.a[1], sizeof node) != 0) return -EFAULT;
  return 0;
}

// sched_getaffinity(tid, len, mask): len must hold the CPUs and be a multiple
// of 8 (-EINVAL); returns the bytes written (8).
int64_t sys_sched_getaffinity(const SyscallArgs& a) {
  uint64_t len = a.a[1];
  if (len * 8 < arch::kMaxCpus || (len & 7)) return -EINVAL;
  uint64_t mask = 0;
  int64_t r = on_thread(static_cast<int>(a.a[0]), false, [&](Thread* t) {
    mask = __atomic_load_n(&t->affinity, __ATOMIC_RELAXED) & sched_online_mask();
    return int64_t{0};
  });
  if (r) return r;
  return copyout_u(&mask, a.a[2], kMaskBytes) == 0 ? static_cast<int64_t>(kMaskBytes) : -EFAULT;
}

// sched_setaffinity(tid, len, mask): the CPUs of the mask that are online
// (-EINVAL if none); a shorter mask is zero-extended.
int64_t sys_sched_setaffinity(const SyscallArgs& a) {
  uint64_t len = a.a[1] < kMaskBytes ? a.a[1] : kMaskBytes;
  uint64_t mask = 0;
  if (copyin_u(a.a[2], &mask, len) != 0) return -EFAULT;
  return on_thread(static_cast<int>(a.a[0]), true, [&](Thread* t) -> int64_t {
    cpumask_t m = static_cast<cpumask_t>(mask) & sched_online_mask();
    if (!m) return -EINVAL;
    return thread_set_affinity(t, m) == 0 ? 0 : -EINVAL;
  });
}
