// setitimer and getitimer (Linux's kernel/time/itimer.c), and RLIMIT_CPU.
// ITIMER_REAL sends the process SIGALRM (si_code SI_KERNEL) when it expires,
// from a callout; a periodic one starts its next period when that SIGALRM is
// taken, as Linux restarts its hrtimer in dequeue_signal, so a blocked or
// pending SIGALRM holds it and the expiries in between are not counted.
//
// The timers are an object of their own, made by the process's first
// setitimer that sets one, so that fork and exit of every other process pay
// nothing for them. The ITIMER_REAL callout is armed and disarmed under
// Proc::spin (setitimer, the SIGALRM take); the handler takes Proc::spin to
// post the signal, so an owner that holds it never waits for the handler: it
// tries (callout_try_stop), and when the handler runs it lets go, waits and
// looks again. At exit no LWP is left to arm it: it is stopped (the handler,
// if running, finishes first), taken off the process under Proc::spin and
// freed before the process becomes a zombie.
//
// ITIMER_VIRTUAL (the process's user time, SIGVTALRM) and ITIMER_PROF (its
// user and system time, SIGPROF) run on the tick, as Linux's tick-based
// accounting does: each tick that finds a thread of the process running
// takes a tick's length off PROF's time left, and off VIRTUAL's if the tick
// came from EL0; at zero or less the signal is sent and a periodic timer
// adds its interval (the overshoot counts toward the next period). RLIMIT_CPU
// is looked at on the same ticks against the process's CPU time
// (proc_cpu_use): at the soft limit SIGXCPU, then one each further second; at
// the hard limit SIGKILL. Linux raises the soft limit by a second at each
// SIGXCPU (getrlimit shows it); tine keeps the limit and marks the second. The tick looks at a process only while it has
// P_CPUITIMER or P_CPULIMIT (Proc::flags), so no other process pays; the
// signals are posted after the tick has let go of the run-queue lock.
#include <arch/cpu.h>

#include "kernel/mm/kmalloc.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/user_time.h"
#include "kernel/thread/thread.h"
#include "kernel/time/callout.h"
#include "kernel/time/clock.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/vm/copy.h"

// A CPU-time timer (Proc::spin): Linux's cpu_itimer, counted down.
struct CpuItimer {
  int64_t left;       // nanoseconds of the process's CPU time to the expiry
  uint64_t interval;  // nanoseconds; 0: one expiry (kept while disarmed, as Linux does)
  bool armed;
};

struct Itimer {
  Callout real;       // deadline: the expiry (Proc::spin to arm or disarm)
  Proc* proc;         // its owner, which outlives it
  uint64_t interval;  // ITIMER_REAL's, nanoseconds; 0: one expiry (Proc::spin)
  CpuItimer virt;     // ITIMER_VIRTUAL
  CpuItimer prof;     // ITIMER_PROF
};

namespace {

MALLOC_DEFINE(M_ITIMER, "itimer", "processes' interval timers");

constexpr uint64_t kItimerReal = 0, kItimerVirtual = 1, kItimerProf = 2;
constexpr uint64_t kKtimeMax = INT64_MAX;  // Linux's longest time
constexpr uint64_t kTickNs = 1000000000ull / kHz;
constexpr uint64_t kRlimInfinity = ~0ull;

struct UserItimerval {  // struct itimerval
  UserTimeval interval;
  UserTimeval value;
};

// Linux's timeval_valid.
bool timeval_valid(const UserTimeval& t) {
  return t.sec >= 0 && static_cast<uint64_t>(t.usec) < 1000000;
}

// A valid timeval in nanoseconds, at most KTIME_MAX (Linux clamps there).
uint64_t timeval_to_ns(const UserTimeval& t) {
  uint64_t sec = static_cast<uint64_t>(t.sec), usec_ns = static_cast<uint64_t>(t.usec) * 1000;
  if (sec > (kKtimeMax - usec_ns) / static_cast<uint64_t>(kNsPerSec)) return kKtimeMax;
  return sec * static_cast<uint64_t>(kNsPerSec) + usec_ns;
}

uint64_t deadline_after(uint64_t now, uint64_t ns) {
  return ns > kKtimeMax - now ? kKtimeMax : now + ns;
}

void real_expired(void* arg) { proc_signal(static_cast<Itimer*>(arg)->proc, kSigAlrm); }

// What getitimer reports (p->spin held): the time to the expiry, a
// microsecond when it is due but not yet run (Linux's itimer_get_remtime),
// zero when disarmed; and the interval.
UserItimerval real_value_locked(Itimer* t) {
  UserItimerval v{};
  if (!t) return v;
  Callout* c = &t->real;
  if (callout_pending(c) || callout_running(c)) {
    uint64_t now = clock_ns();
    v.value = ns_to_timeval(c->deadline > now ? c->deadline - now : 1000);
  }
  v.interval = ns_to_timeval(t->interval);
  return v;
}

// The process's timer, made if it has none: nullptr when out of memory.
Itimer* itimer_of(Proc* p) {
  if (Itimer* t = __atomic_load_n(&p->itimer, __ATOMIC_ACQUIRE)) return t;
  auto* fresh = static_cast<Itimer*>(kmalloc(sizeof(Itimer), M_ITIMER, M_WAITOK | M_ZERO));
  if (!fresh) return nullptr;
  fresh->real = Callout{};
  fresh->proc = p;
  SpinGuard g(p->spin);
  if (!p->itimer) {
    __atomic_store_n(&p->itimer, fresh, __ATOMIC_RELEASE);
    return fresh;
  }
  kfree(fresh, M_ITIMER);  // another LWP made it first
  return p->itimer;
}

// One try at replacing t's ITIMER_REAL with `set` (null: only reading it),
// the value before into *old (p->spin held): false when its handler runs,
// which waits for this lock, and nothing was changed.
bool try_set_real_locked(Itimer* t, const UserItimerval* set, UserItimerval* old) {
  *old = real_value_locked(t);
  if (!set) return true;
  if (callout_try_stop(&t->real) < 0) return false;
  uint64_t value = timeval_to_ns(set->value);
  t->interval = value ? timeval_to_ns(set->interval) : 0;
  if (value) callout_reset(&t->real, deadline_after(clock_ns(), value), real_expired, t);
  return true;
}

int set_real(Proc* p, const UserItimerval* set, UserItimerval* old) {
  // Reading or disarming a timer never made makes none.
  bool arms = set && (set->value.sec != 0 || set->value.usec != 0);
  Itimer* t = arms ? itimer_of(p) : __atomic_load_n(&p->itimer, __ATOMIC_ACQUIRE);
  if (!t) {
    *old = UserItimerval{};
    return arms ? -ENOMEM : 0;
  }
  for (;;) {
    {
      SpinGuard g(p->spin);
      if (try_set_real_locked(t, set, old)) return 0;
    }
    while (callout_running(&t->real)) arch::cpu_relax();  // then look again
  }
}

uint64_t which_cpu(uint64_t which) { return static_cast<int32_t>(which); }

// What getitimer reports of a CPU-time timer: the time left (a tick when it
// is due, as Linux's get_cpu_itimer), zero when disarmed; and the interval.
UserItimerval cpu_value_locked(const Itimer* t, uint64_t which) {
  UserItimerval v{};
  if (!t) return v;
  const CpuItimer& c = which == kItimerVirtual ? t->virt : t->prof;
  if (c.armed) v.value = ns_to_timeval(c.left > 0 ? static_cast<uint64_t>(c.left) : kTickNs);
  v.interval = ns_to_timeval(c.interval);
  return v;
}

int set_cpu(Proc* p, uint64_t which, const UserItimerval* set, UserItimerval* old) {
  // Reading, or setting all zero a timer never made, makes none.
  bool makes =
      set && (set->value.sec || set->value.usec || set->interval.sec || set->interval.usec);
  Itimer* t = makes ? itimer_of(p) : __atomic_load_n(&p->itimer, __ATOMIC_ACQUIRE);
  if (!t) {
    *old = UserItimerval{};
    return makes ? -ENOMEM : 0;
  }
  SpinGuard g(p->spin);
  *old = cpu_value_locked(t, which);
  if (!set) return 0;
  CpuItimer& c = which == kItimerVirtual ? t->virt : t->prof;
  uint64_t value = timeval_to_ns(set->value);
  c.interval = timeval_to_ns(set->interval);
  c.armed = value != 0;
  // A tick more, as Linux adds TICK_NSEC: the first tick may come at once.
  c.left =
      c.armed ? static_cast<int64_t>(value > kKtimeMax - kTickNs ? kKtimeMax : value + kTickNs) : 0;
  if (t->virt.armed || t->prof.armed)
    p->flags |= P_CPUITIMER;
  else
    p->flags &= ~P_CPUITIMER;
  return 0;
}

// A tick's length off c (p->spin held): true when it expires.
bool cpu_timer_tick(CpuItimer& c) {
  if (!c.armed) return false;
  c.left -= static_cast<int64_t>(kTickNs);
  if (c.left > 0) return false;
  if (c.interval) {
    uint64_t i = c.interval > kKtimeMax ? kKtimeMax : c.interval;
    c.left += static_cast<int64_t>(i);
  } else {
    c.armed = false;
    c.left = 0;
  }
  return true;
}

uint64_t secs_to_ns(uint64_t s) {
  return s > kKtimeMax / static_cast<uint64_t>(kNsPerSec) ? kKtimeMax
                                                          : s * static_cast<uint64_t>(kNsPerSec);
}

// The tick's work on p, a process with a CPU-time timer or a finite
// RLIMIT_CPU, one of whose threads the tick found running.
void cpu_tick_slow(Proc* p, bool user) {
  bool vtalrm = false, prof = false, xcpu = false, kill = false;
  {
    SpinGuard g(p->spin);
    uint32_t f = p->flags;
    if (f & P_CPUITIMER) {
      if (Itimer* t = p->itimer) {
        vtalrm = user && cpu_timer_tick(t->virt);
        prof = cpu_timer_tick(t->prof);
        if (!t->virt.armed && !t->prof.armed) p->flags &= ~P_CPUITIMER;
      }
    }
    if (f & P_CPULIMIT) {
      const struct vc_rlimit lim = p->limit()->c.pl_rlimit[kRlimitCpu];
      if (lim.rlim_cur != kRlimInfinity) {
        // Linux's check_process_timers: the hard limit first, then the soft.
        uint64_t used = proc_cpu_use_locked(p).run_ns;
        uint64_t soft = secs_to_ns(lim.rlim_cur);
        if (lim.rlim_max != kRlimInfinity && used >= secs_to_ns(lim.rlim_max)) {
          kill = true;
        } else if (used >= soft) {
          // One SIGXCPU for each second begun past the soft limit: the mark
          // changes at most once a tick, so 16 bits of it tell a new second.
          auto mark = static_cast<uint16_t>((used - soft) / static_cast<uint64_t>(kNsPerSec) + 1);
          if (mark != p->xcpu_mark) {
            p->xcpu_mark = mark;
            xcpu = true;
          }
        }
      }
    }
  }
  if (kill) proc_signal(p, kSigKill);
  if (xcpu) proc_signal(p, kSigXcpu);
  if (prof) proc_signal(p, kSigProf);
  if (vtalrm) proc_signal(p, kSigVtalrm);
}

}  // namespace

void itimer_alarm_taken_locked(Proc* p) {
  Itimer* t = p->itimer;
  if (!t || t->interval == 0 || callout_pending(&t->real)) return;
  // The next expiry after now on the timer's own schedule (hrtimer_forward).
  uint64_t now = clock_ns(), next = t->real.deadline;
  if (next <= now) {
    uint64_t periods = (now - next) / t->interval + 1;
    next = periods > (kKtimeMax - next) / t->interval ? kKtimeMax : next + periods * t->interval;
  }
  callout_reset(&t->real, next, real_expired, t);
}

void itimer_exit(Proc* p) {
  Itimer* t = p->itimer;
  callout_stop(&t->real);  // no LWP is left to arm it again
  {
    // A tick on a CPU where an exited LWP's thread still runs looks at it
    // under this lock.
    SpinGuard g(p->spin);
    p->itimer = nullptr;
    p->flags &= ~P_CPUITIMER;
  }
  kfree(t, M_ITIMER);
}

void cpu_limit_set_locked(Proc* p, uint64_t soft) {
  p->spin.assert_held();
  p->xcpu_mark = 0;
  if (soft != kRlimInfinity)
    p->flags |= P_CPULIMIT;
  else
    p->flags &= ~P_CPULIMIT;
}

void proc_cpu_tick(Thread* cur, bool user) {
  if (cur->fn != lwp_thread_main) return;  // not a user process's thread
  // The thread runs, so its LWP is alive (lwp_free joins it first), and so is
  // its process; none for a discarded LWP that runs out without one.
  Proc* p = static_cast<Lwp*>(cur->arg)->proc;
  if (!p) return;
  if (__atomic_load_n(&p->flags, __ATOMIC_RELAXED) & (P_CPUITIMER | P_CPULIMIT)) [[unlikely]]
    cpu_tick_slow(p, user);
}

// getitimer(which, value).
int64_t sys_getitimer(const SyscallArgs& a) {
  UserItimerval v{};
  switch (static_cast<int32_t>(a.a[0])) {
    case kItimerReal: set_real(curproc(), nullptr, &v); break;
    case kItimerVirtual:
    case kItimerProf: set_cpu(curproc(), which_cpu(a.a[0]), nullptr, &v); break;
    default: return -EINVAL;
  }
  return copyout_u(&v, a.a[1], sizeof v) == 0 ? 0 : -EFAULT;
}

// setitimer(which, value, ovalue): Linux's order: value read and checked,
// then `which`, then ovalue written. A null value disarms (Linux's old
// misfeature, kept).
int64_t sys_setitimer(const SyscallArgs& a) {
  UserItimerval set{}, old{};
  if (a.a[1]) {
    if (copyin_u(a.a[1], &set, sizeof set) != 0) return -EFAULT;
    if (!timeval_valid(set.value) || !timeval_valid(set.interval)) return -EINVAL;
  }
  switch (static_cast<int32_t>(a.a[0])) {
    case kItimerReal:
      if (int e = set_real(curproc(), &set, &old); e) return e;
      break;
    case kItimerVirtual:
    case kItimerProf:
      if (int e = set_cpu(curproc(), which_cpu(a.a[0]), &set, &old); e) return e;
      break;
    default: return -EINVAL;
  }
  if (a.a[2] && copyout_u(&old, a.a[2], sizeof old) != 0) return -EFAULT;
  return 0;
}
