// clock_gettime, clock_getres, nanosleep, clock_nanosleep, sched_yield.
#include "kernel/proc/jobctl.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sleepq.h"
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/user_time.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"
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
// pthread_getcpuclockid make: ~pid << 3 | thread << 2 | type, negative):
// the caller's process or the caller's thread, by 0 or its own id.
bool read_cpu_clock(int32_t id, uint64_t* ns) {
  int32_t who = ~(id >> 3);
  if ((id & 3) == 3) return false;  // no such type (CPUCLOCK_MAX)
  Lwp* me = curlwp();
  if (id & 4) {
    if (who != 0 && who != me->gtid) return false;
    *ns = lwp_cpu_use_self().run_ns;
  } else {
    if (who != 0 && who != me->proc->pid) return false;
    *ns = proc_cpu_use(me->proc).run_ns;
  }
  return true;
}

// clk: a clockid_t, an int (Linux's: the register's upper half is ignored).
bool read_clock(uint64_t clk, uint64_t* ns) {
  if (static_cast<int32_t>(clk) < 0) return read_cpu_clock(static_cast<int32_t>(clk), ns);
  switch (static_cast<uint32_t>(clk)) {
    case kClockRealtime:
    case kClockRealtimeCoarse: *ns = kRealtimeAtBoot + clock_ns(); return true;
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

// The time left until deadline, for rem after an interrupted relative sleep.
UserTimespec left_until(uint64_t deadline, const UserTimespec& req) {
  if (!deadline) return req;  // without a deadline, nothing measurable has passed
  uint64_t end = clock_ns();
  return ns_to_timespec(end < deadline ? deadline - end : 0);
}

}  // namespace

int64_t sys_clock_gettime(const SyscallArgs& a) {
  uint64_t ns;
  if (!read_clock(a.a[0], &ns)) return -EINVAL;
  UserTimespec ts = ns_to_timespec(ns);
  return copyout_u(&ts, a.a[1], sizeof ts);
}

// clock_getres(clk, res): the counter's period, rounded up to a nanosecond;
// the CPU-time clocks are as fine; the coarse ones a tick.
int64_t sys_clock_getres(const SyscallArgs& a) {
  uint64_t ns;
  if (!read_clock(a.a[0], &ns)) return -EINVAL;
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
  if (!read_clock(clk, &now_on_clock)) return -EINVAL;
  if (clk != kClockRealtime && clk != kClockMonotonic && clk != kClockBoottime) return -EOPNOTSUPP;
  UserTimespec req;
  if (copyin_u(a.a[2], &req, sizeof req) != 0) return -EFAULT;
  if (!timespec_valid(req)) return -EINVAL;
  uint64_t now = clock_ns();
  uint64_t t = timespec_to_ns(req);
  uint64_t deadline;
  if (flags & kTimerAbstime) {
    uint64_t offset = clk == kClockRealtime ? kRealtimeAtBoot : 0;  // that clock minus clock_ns
    if (t <= offset + now) return 0;                                // already passed
    deadline = t == UINT64_MAX ? 0 : t - offset;
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
