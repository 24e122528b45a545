// clock_gettime and nanosleep.
#include "kernel/syscall/errno.h"
#include "kernel/sync/sleepq.h"
#include "kernel/syscall/syscall.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"
#include "kernel/vm/copy.h"

namespace {

struct Timespec {  // struct timespec on arm64
  int64_t sec;
  int64_t nsec;
};

constexpr int64_t kNsPerSec = 1000000000;

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

}  // namespace

int64_t sys_clock_gettime(const SyscallArgs& a) {
  uint64_t ns;
  switch (a.a[0]) {
    case kClockRealtime:
    case kClockRealtimeCoarse:
      ns = kRealtimeAtBoot + clock_ns();
      break;
    case kClockMonotonic:
    case kClockMonotonicRaw:
    case kClockMonotonicCoarse:
    case kClockBoottime:
      ns = clock_ns();
      break;
    default:
      return -EINVAL;
  }
  Timespec ts{static_cast<int64_t>(ns / kNsPerSec), static_cast<int64_t>(ns % kNsPerSec)};
  return copyout_u(&ts, a.a[1], sizeof ts);
}

// nanosleep(req, rem): sleeps until the time has passed or a signal is to be
// delivered (or the process ends): then -EINTR and the time left in rem, as
// on Linux. A request beyond the clock's range sleeps until a signal (Linux
// clamps it to KTIME_MAX, which no machine outlives).
int64_t sys_nanosleep(const SyscallArgs& a) {
  Timespec req;
  if (copyin_u(a.a[0], &req, sizeof req) != 0) return -EFAULT;
  if (req.sec < 0 || req.nsec < 0 || req.nsec >= kNsPerSec) return -EINVAL;
  uint64_t now = clock_ns();
  uint64_t sec = static_cast<uint64_t>(req.sec), nsec = static_cast<uint64_t>(req.nsec);
  uint64_t deadline = 0;  // none
  if (sec < (UINT64_MAX - now - nsec) / kNsPerSec) deadline = now + sec * kNsPerSec + nsec;
  if (deadline == now) return 0;
  int r;
  do {
    r = tsleep_until(&req, PCATCH, "nanosleep", deadline);  // a channel nobody wakes
  } while (r == 0);
  if (r != EINTR) return 0;
  if (a.a[1]) {
    Timespec rem = req;  // without a deadline, nothing measurable has passed
    if (deadline) {
      uint64_t end = clock_ns();
      uint64_t left = end < deadline ? deadline - end : 0;
      rem = {static_cast<int64_t>(left / kNsPerSec), static_cast<int64_t>(left % kNsPerSec)};
    }
    if (copyout_u(&rem, a.a[1], sizeof rem) != 0) return -EFAULT;
  }
  return -EINTR;
}

int64_t sys_sched_yield(const SyscallArgs&) {
  thread_yield();
  return 0;
}
