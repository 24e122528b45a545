// clock_gettime, clock_getres, clock_settime, gettimeofday, settimeofday,
// nanosleep, clock_nanosleep, sched_yield.
#include "kernel/lib/string.h"
#include "kernel/proc/futex.h"
#include "kernel/proc/jobctl.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/pidtab.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sleepq.h"
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/user_time.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"
#include "kernel/time/realtime.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

namespace {

// Clock ids (Linux's include/uapi/linux/time.h).
enum : uint64_t {
  kClockRealtime = 0,
  kClockMonotonic = 1,
  kClockProcessCputime = 2,
  kClockThreadCputime = 3,
  kClockMonotonicRaw = 4,
  kClockRealtimeCoarse = 5,
  kClockMonotonicCoarse = 6,
  kClockBoottime = 7,
};
constexpr uint64_t kTimerAbstime = 1;

// The clock's reading in nanoseconds; false for a clock tine does not have.
// A CPU-time clock by id (Linux's encoding, what clock_getcpuclockid and
// pthread_getcpuclockid make: ~pid << 3 | thread << 2 | type, negative), as
// Linux's pid_for_clock finds it: a thread's of the caller's own process
// (0: the caller), or any process's (0: the caller's; a zombie's too, its
// threads' time summed), read by anyone. Reading the time (`gettime`), the
// caller's own thread id names its process too.
bool read_cpu_clock(int32_t id, uint64_t* ns, bool gettime) {
  int32_t who = ~(id >> 3);
  if ((id & 3) == 3) return false;  // no such type (CPUCLOCK_MAX)
  Lwp* me = curlwp();
  if (id & 4) {
    if (who == 0 || who == me->gtid) {
      *ns = lwp_cpu_use_self().run_ns;
      return true;
    }
    TidOwner o = tid_owner_hold(who);
    if (!o.proc) return false;
    bool found = false;
    if (o.proc == me->proc && !o.exited) {
      SpinGuard g(o.proc->spin);
      tidnode* n = tidtree::find(o.proc->core.p_tids.p_lwps, o.local_tid);
      Lwp* lp = n ? lwp_of(n) : nullptr;
      if (lp && lp->gtid == who && lp->stat == LwpStat::kRun) {  // not gone since
        *ns = lwp_cpu_use_locked(o.proc, lp).run_ns;
        found = true;
      }
    }
    proc_drop_hold(o.proc);
    return found;
  }
  if (who == 0 || who == me->proc->pid || (gettime && who == me->gtid)) {
    *ns = proc_cpu_use(me->proc).run_ns;
    return true;
  }
  Proc* p = proc_by_id_hold(who);
  if (!p) return false;
  bool found = p->pid == who;  // a process's id, not a thread's
  if (found) *ns = proc_cpu_use(p).run_ns;
  proc_drop_hold(p);
  return found;
}

// clk: a clockid_t, an int (Linux's: the register's upper half is ignored).
// gettime: clock_gettime's reading (read_cpu_clock).
bool read_clock(uint64_t clk, uint64_t* ns, bool gettime) {
  if (static_cast<int32_t>(clk) < 0) return read_cpu_clock(static_cast<int32_t>(clk), ns, gettime);
  switch (static_cast<uint32_t>(clk)) {
    case kClockRealtime:
    case kClockRealtimeCoarse: *ns = realtime_ns(); return true;
    case kClockMonotonic:
    case kClockMonotonicRaw:
    case kClockMonotonicCoarse:
    case kClockBoottime: *ns = clock_ns(); return true;
    case kClockProcessCputime: *ns = proc_cpu_use(curproc()).run_ns; return true;
    case kClockThreadCputime: *ns = lwp_cpu_use_self().run_ns; return true;
    default: return false;
  }
}

// Sleeps until `deadline` (clock_ns(); 0: none) or until a signal's handler
// is due or the process is to end: 0, or EINTR.
int sleep_until(uint64_t deadline) {
  int r;
  UserTimespec chan;  // a channel nobody wakes
  do {
    r = tsleep_until(&chan, PCATCH, "nanosleep", deadline);
    // A stop signal stops the process here, and the sleep goes on to its
    // deadline once it is continued (Linux's restart); a handler ends it.
  } while (r == 0 || (r == EINTR && jobctl_stop_in_wait()));
  return r == EINTR ? EINTR : 0;
}

// Sleeps until CLOCK_REALTIME reads rt, to where that moment falls when the
// clock is set meanwhile, or until a signal's handler is due or the process
// is to end: 0, or EINTR.
int sleep_until_realtime(uint64_t rt) {
  const volatile void* chan = realtime_channel();
  for (;;) {
    uint32_t gen = realtime_generation();
    if (rt <= realtime_ns()) return 0;
    uint64_t deadline = realtime_to_clock(rt);
    tsleep_interlock(chan, PCATCH);
    if (gen != realtime_generation()) {
      tsleep_abort();
      continue;
    }
    int r = tsleep_until(chan, PCATCH | PINTERLOCKED, "nanosleep", deadline);
    if (r == EINTR && !jobctl_stop_in_wait()) return EINTR;
    // Its time, a clock set, or a stop and continue: look again.
  }
}

// The time left until deadline, for rem after an interrupted relative sleep.
UserTimespec left_until(uint64_t deadline, const UserTimespec& req) {
  if (!deadline) return req;  // without a deadline, nothing measurable has passed
  uint64_t end = clock_ns();
  return ns_to_timespec(end < deadline ? deadline - end : 0);
}

}  // namespace

int64_t sys_clock_gettime(const SyscallArgs& a) {
  uint64_t ns;
  if (!read_clock(a.a[0], &ns, true)) return -EINVAL;
  UserTimespec ts = ns_to_timespec(ns);
  return copyout_u(&ts, a.a[1], sizeof ts);
}

// clock_getres(clk, res): the counter's period, rounded up to a nanosecond;
// the CPU-time clocks are as fine; the coarse ones a tick.
int64_t sys_clock_getres(const SyscallArgs& a) {
  uint64_t ns;
  if (!read_clock(a.a[0], &ns, false)) return -EINVAL;
  if (!a.a[1]) return 0;
  uint64_t hz = clock_frequency_hz();
  uint32_t clk = static_cast<uint32_t>(a.a[0]);
  uint64_t res = clk == kClockRealtimeCoarse || clk == kClockMonotonicCoarse
                     ? 1000000000ull / kHz
                     : (1000000000ull + hz - 1) / hz;
  UserTimespec ts = ns_to_timespec(res);
  return copyout_u(&ts, a.a[1], sizeof ts);
}

// nanosleep(req, rem): sleeps until the time has passed or a signal is to be
// delivered (or the process ends): then -EINTR and the time left in rem, as
// on Linux. A request beyond the clock's range sleeps until a signal (Linux
// clamps it to KTIME_MAX, which no machine outlives).
int64_t sys_nanosleep(const SyscallArgs& a) {
  UserTimespec req;
  if (copyin_u(a.a[0], &req, sizeof req) != 0) return -EFAULT;
  if (!timespec_valid(req)) return -EINVAL;
  uint64_t now = clock_ns();
  uint64_t len = timespec_to_ns(req);
  uint64_t deadline = len > UINT64_MAX - now ? 0 : now + len;  // 0: none
  if (deadline == now) return 0;
  if (sleep_until(deadline) != EINTR) return 0;
  if (a.a[1]) {
    UserTimespec rem = left_until(deadline, req);
    if (copyout_u(&rem, a.a[1], sizeof rem) != 0) return -EFAULT;
  }
  return -EINTR;
}

// clock_nanosleep(clk, flags, req, rem): nanosleep on CLOCK_REALTIME,
// CLOCK_MONOTONIC or CLOCK_BOOTTIME; with TIMER_ABSTIME, req is a time on
// that clock and rem is left alone. The CPU-time clocks and the raw and
// coarse ones cannot be slept on (-EOPNOTSUPP, as Linux's clocks without
// nsleep); unknown clocks are -EINVAL.
int64_t sys_clock_nanosleep(const SyscallArgs& a) {
  uint64_t clk = static_cast<uint32_t>(a.a[0]);  // a clockid_t (int)
  uint64_t flags = a.a[1];
  uint64_t now_on_clock;
  if (!read_clock(clk, &now_on_clock, false)) return -EINVAL;
  if (clk != kClockRealtime && clk != kClockMonotonic && clk != kClockBoottime) return -EOPNOTSUPP;
  UserTimespec req;
  if (copyin_u(a.a[2], &req, sizeof req) != 0) return -EFAULT;
  if (!timespec_valid(req)) return -EINVAL;
  uint64_t now = clock_ns();
  uint64_t t = timespec_to_ns(req);
  uint64_t deadline;
  if (flags & kTimerAbstime) {
    if (clk == kClockRealtime) return sleep_until_realtime(t) == EINTR ? -EINTR : 0;
    if (t <= now) return 0;  // already passed
    deadline = t == UINT64_MAX ? 0 : t;
  } else {
    deadline = t > UINT64_MAX - now ? 0 : now + t;
    if (deadline == now) return 0;
  }
  if (sleep_until(deadline) != EINTR) return 0;
  if (!(flags & kTimerAbstime) && a.a[3]) {
    UserTimespec rem = left_until(deadline, req);
    if (copyout_u(&rem, a.a[3], sizeof rem) != 0) return -EFAULT;
  }
  return -EINTR;
}

int64_t sys_sched_yield(const SyscallArgs&) {
  thread_yield();
  return 0;
}

namespace {

// Linux's TIME_SETTOD_SEC_MAX: the latest second that may be set (KTIME_MAX
// in seconds less 30 years of uptime).
constexpr int64_t kSettodSecMax = 9223372036 - 946080000;
// The time zone settimeofday sets and gettimeofday gives (struct timezone);
// the kernel itself keeps no local time.
struct UserTimezone {
  int32_t minuteswest;
  int32_t dsttime;
};
uint64_t g_tz;  // the zone as one 64-bit word, read and written whole
static_assert(sizeof(UserTimezone) == 8);

uint64_t tz_word(const UserTimezone& tz) {
  uint64_t w;
  tine_memcpy(&w, &tz, sizeof w);
  return w;
}

// Linux's do_sys_settimeofday64: the time checked, then the privilege
// (CAP_SYS_TIME: root), then the zone's range (-15 to +15 hours), then the
// changes.
int64_t set_time_of_day(const UserTimespec* ts, const UserTimezone* tz) {
  if (ts && (!timespec_valid(*ts) || ts->sec >= kSettodSecMax)) return -EINVAL;
  if (!user_is_root()) return -EPERM;
  if (tz) {
    if (tz->minuteswest > 15 * 60 || tz->minuteswest < -15 * 60) return -EINVAL;
    uint64_t w = tz_word(*tz);
    __atomic_store_n(&g_tz, w, __ATOMIC_RELAXED);
  }
  if (ts) {
    realtime_set(timespec_to_ns(*ts));
    futex_realtime_changed();
  }
  return 0;
}

}  // namespace

// clock_settime(clk, tp): CLOCK_REALTIME only (root; Linux's order: clock,
// tp unreadable -EFAULT, a time that is malformed or too late -EINVAL, then
// -EPERM); a CPU-time clock named by id -EPERM once tp is read (-EINVAL if
// it names none read_cpu_clock finds), every other clock -EINVAL.
int64_t sys_clock_settime(const SyscallArgs& a) {
  uint64_t clk = static_cast<uint32_t>(a.a[0]);
  int32_t id = static_cast<int32_t>(clk);
  bool cpu = id < 0;  // a thread or process clock by id: these have no set (Linux)
  if (!cpu && clk != kClockRealtime) return -EINVAL;
  UserTimespec ts;
  if (copyin_u(a.a[1], &ts, sizeof ts) != 0) return -EFAULT;
  if (cpu) {
    uint64_t ns;
    if (!read_cpu_clock(id, &ns, false)) return -EINVAL;
    return -EPERM;
  }
  return set_time_of_day(&ts, nullptr);
}

// gettimeofday(tv, tz): realtime in seconds and microseconds, and the zone
// settimeofday set (0, 0 at boot); either may be null; -EFAULT.
int64_t sys_gettimeofday(const SyscallArgs& a) {
  if (a.a[0]) {
    uint64_t ns = realtime_ns();
    UserTimeval tv{static_cast<int64_t>(ns / kNsPerSec),
                   static_cast<int64_t>(ns % kNsPerSec / 1000)};
    if (copyout_u(&tv, a.a[0], sizeof tv) != 0) return -EFAULT;
  }
  if (a.a[1]) {
    uint64_t w = __atomic_load_n(&g_tz, __ATOMIC_RELAXED);
    if (copyout_u(&w, a.a[1], sizeof w) != 0) return -EFAULT;
  }
  return 0;
}

// settimeofday(tv, tz): either may be null. tv unreadable -EFAULT, its
// microseconds outside 0..1,000,000 -EINVAL; tz unreadable -EFAULT; then as
// clock_settime, with the zone's range checked after the privilege.
int64_t sys_settimeofday(const SyscallArgs& a) {
  UserTimespec ts{};
  UserTimezone tz{};
  if (a.a[0]) {
    UserTimeval tv;
    if (copyin_u(a.a[0], &tv, sizeof tv) != 0) return -EFAULT;
    if (tv.usec > 1000000 || tv.usec < 0) return -EINVAL;
    ts = {tv.sec, tv.usec * 1000};
  }
  if (a.a[1] && copyin_u(a.a[1], &tz, sizeof tz) != 0) return -EFAULT;
  return set_time_of_day(a.a[0] ? &ts : nullptr, a.a[1] ? &tz : nullptr);
}
