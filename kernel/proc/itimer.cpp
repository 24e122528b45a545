// setitimer and getitimer (Linux's kernel/time/itimer.c). ITIMER_REAL sends
// the process SIGALRM (si_code SI_KERNEL) when it expires, from a callout;
// a periodic one starts its next period when that SIGALRM is taken, as
// Linux restarts its hrtimer in dequeue_signal, so a blocked or pending
// SIGALRM holds it and the expiries in between are not counted.
//
// The timer is an object of its own, made by the process's first setitimer
// of it, so that fork and exit of every other process pay nothing for it.
// Its callout is armed and disarmed under Proc::spin (setitimer, the SIGALRM
// take); the handler takes Proc::spin to post the signal, so an owner that
// holds it never waits for the handler: it tries (callout_try_stop), and
// when the handler runs it lets go, waits and looks again. At exit no LWP is
// left to arm it: it is stopped (the handler, if running, finishes first)
// and freed before the process becomes a zombie.
//
// ITIMER_VIRTUAL and ITIMER_PROF (CPU time) are not kept: they read as
// disarmed and may be disarmed, but arming one is -EINVAL (docs/user-abi.md).
#include <arch/cpu.h>

#include "kernel/mm/kmalloc.h"
#include "kernel/proc/proc.h"
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/user_time.h"
#include "kernel/time/callout.h"
#include "kernel/time/clock.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/vm/copy.h"

struct Itimer {
  Callout real;       // deadline: the expiry (Proc::spin to arm or disarm)
  Proc* proc;         // its owner, which outlives it
  uint64_t interval;  // nanoseconds; 0: one expiry (Proc::spin)
};

namespace {

MALLOC_DEFINE(M_ITIMER, "itimer", "processes' ITIMER_REAL timers");

constexpr uint64_t kItimerReal = 0, kItimerVirtual = 1, kItimerProf = 2;
constexpr uint64_t kKtimeMax = INT64_MAX;  // Linux's longest time

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
  p->itimer = nullptr;
  kfree(t, M_ITIMER);
}

// getitimer(which, value).
int64_t sys_getitimer(const SyscallArgs& a) {
  UserItimerval v{};
  switch (static_cast<int32_t>(a.a[0])) {
    case kItimerReal: set_real(curproc(), nullptr, &v); break;
    case kItimerVirtual:
    case kItimerProf: break;  // never armed
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
      if (set.value.sec || set.value.usec) return -EINVAL;  // CPU-time timers: not kept
      break;
    default: return -EINVAL;
  }
  if (a.a[2] && copyout_u(&old, a.a[2], sizeof old) != 0) return -EFAULT;
  return 0;
}
