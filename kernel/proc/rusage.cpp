// CPU time as programs see it: getrusage, times, wait4's rusage and the
// CPU-time clocks (docs/user-abi.md). The scheduler keeps each thread's run
// time (ThreadStats::run_ns) and counts the ticks that found it at EL0 or in
// the kernel; user and system time are the run time split in that ratio, as
// Linux's tick-based cputime_adjust and BSD's calcru split it. An LWP's use is
// added to its process when it leaves the TID set; a reaped child's, its own
// children's included, to its parent.
#include <arch/cpu.h>

#include "kernel/proc/proc.h"
#include "kernel/proc/wait.h"
#include "kernel/sched/sched.h"
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/user_time.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

namespace {

// A thread's counters as last accounted (its slice in progress left out).
CpuUse accounted(const Thread* t) {
  const ThreadStats& s = t->stats;
  return {__atomic_load_n(&s.run_ns, __ATOMIC_RELAXED),
          __atomic_load_n(&s.user_ticks, __ATOMIC_RELAXED),
          __atomic_load_n(&s.sys_ticks, __ATOMIC_RELAXED),
          __atomic_load_n(&s.voluntary, __ATOMIC_RELAXED),
          __atomic_load_n(&s.involuntary, __ATOMIC_RELAXED)};
}

// Another thread's: its run time counts the slice it may be running on
// another CPU right now, read under that CPU's run-queue lock, so a clock
// read by another thread never falls behind the thread's own reading
// (Linux's task_sched_runtime).
CpuUse of_thread(const Thread* t) {
  CpuUse u = accounted(t);
  u.run_ns = sched_thread_run_ns(t);
  return u;
}

}  // namespace

void cpu_use_split(const CpuUse& u, uint64_t* user_ns, uint64_t* sys_ns) {
  uint64_t ticks = u.user_ticks + u.sys_ticks;
  if (u.sys_ticks == 0 || ticks == 0) {
    *user_ns = u.run_ns;
    *sys_ns = 0;
    return;
  }
  // run_ns * sys / ticks without overflow for any run time a machine reaches.
  uint64_t sys = (u.run_ns / ticks) * u.sys_ticks + (u.run_ns % ticks) * u.sys_ticks / ticks;
  *sys_ns = sys;
  *user_ns = u.run_ns - sys;
}

namespace {

// struct rusage on arm64.
struct Rusage {
  UserTimeval utime, stime;
  int64_t maxrss, ixrss, idrss, isrss, minflt, majflt, nswap, inblock, oublock, msgsnd, msgrcv,
      nsignals, nvcsw, nivcsw;
};
static_assert(sizeof(Rusage) == kRusageSize);

Rusage rusage_of(const CpuUse& u) {
  Rusage r{};
  uint64_t user, sys;
  cpu_use_split(u, &user, &sys);
  r.utime = ns_to_timeval(user);
  r.stime = ns_to_timeval(sys);
  r.nvcsw = static_cast<int64_t>(u.nvcsw);
  r.nivcsw = static_cast<int64_t>(u.nivcsw);
  return r;
}

constexpr uint64_t kNsPerClockTick = 1000000000ull / 100;  // USER_HZ, AT_CLKTCK

}  // namespace

CpuUse lwp_cpu_use_self() {
  // A running thread is accounted by its own CPU alone (the tick, the
  // switch): with IRQs masked neither runs, so the reads agree.
  Thread* t = curthread();
  uint64_t irq = arch::irq_save();
  CpuUse u = accounted(t);
  uint64_t now = clock_ns(), since = t->ran_since;
  if (now > since) u.run_ns += now - since;  // running since it was last accounted
  arch::irq_restore(irq);
  return u;
}

CpuUse proc_cpu_use(Proc* p) {
  SpinGuard g(p->spin);
  return proc_cpu_use_locked(p);
}

CpuUse lwp_cpu_use_locked(Proc* p, const Lwp* lp) {
  p->spin.assert_held();
  return lp == curlwp() ? lwp_cpu_use_self() : of_thread(lp->thread);
}

CpuUse proc_cpu_use_locked(Proc* p) {
  p->spin.assert_held();
  CpuUse u = p->exited_use;
  for (tidnode* n = tidtree::first(p->core.p_tids.p_lwps); n; n = tidtree::next(n))
    u.add(lwp_cpu_use_locked(p, lwp_of(n)));
  return u;
}

CpuUse proc_cpu_use_children(Proc* p) {
  CpuUse u{};
  u.add_atomic_from(p->children_use);
  return u;
}

// getrusage(who, usage): RUSAGE_SELF (0), RUSAGE_CHILDREN (-1), RUSAGE_THREAD
// (1). Times and context switches; the other fields are 0 (tine keeps no
// per-process page counts).
int64_t sys_getrusage(const SyscallArgs& a) {
  int who = static_cast<int>(a.a[0]);
  CpuUse u;
  Proc* p = curproc();
  switch (who) {
    case 0: u = proc_cpu_use(p); break;
    case -1: u = proc_cpu_use_children(p); break;
    case 1: u = lwp_cpu_use_self(); break;
    default: return -EINVAL;
  }
  Rusage r = rusage_of(u);
  return copyout_u(&r, a.a[1], sizeof r) == 0 ? 0 : -EFAULT;
}

// times(buf): the process's and its reaped children's user and system time in
// clock ticks (100 a second); returns the ticks since boot.
int64_t sys_times(const SyscallArgs& a) {
  if (a.a[0]) {
    Proc* p = curproc();
    uint64_t t[4];
    cpu_use_split(proc_cpu_use(p), &t[0], &t[1]);
    cpu_use_split(proc_cpu_use_children(p), &t[2], &t[3]);
    for (uint64_t& v : t) v /= kNsPerClockTick;
    if (copyout_u(t, a.a[0], sizeof t) != 0) return -EFAULT;
  }
  return static_cast<int64_t>(clock_ns() / kNsPerClockTick);
}

int rusage_copyout(const CpuUse& u, uint64_t uaddr) {
  Rusage r = rusage_of(u);
  return copyout_u(&r, uaddr, sizeof r) == 0 ? 0 : -EFAULT;
}
