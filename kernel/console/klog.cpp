// The kernel's log (klog.h) and syslog(2), Linux's interface to it.
//
// Positions are byte counts since boot: the ring holds [g_tail, g_head), the
// oldest whole lines going first when a new line needs room. syslog's
// destructive reader (SYSLOG_ACTION_READ) has its own position, and
// SYSLOG_ACTION_CLEAR a mark where the other reads begin. g_klog_lock is a
// leaf taken with IRQs masked from any kprintf; user copies are made in
// short pieces with it dropped, so a piece the ring lost meanwhile ends the
// copy there.
//
// A reader waiting for new lines looks again every 0.1 s rather than being
// woken: kprintf runs under any lock, the sleep queues' among them.
#include "kernel/console/klog.h"

#include <arch/cpu.h>
#include <arch/uaccess.h>

#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/sched/sleepq.h"
#include "kernel/sync/spinlock.h"
#include "kernel/time/clock.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

namespace {

LockClass g_klog_class{"klog", 0};
SpinLock g_klog_lock{g_klog_class};
char g_ring[kKlogSize];
uint64_t g_head;          // bytes ever written; the next goes to g_ring[g_head % kKlogSize]
uint64_t g_tail;          // the oldest byte kept, at a line's start
uint64_t g_read;          // SYSLOG_ACTION_READ's position
uint64_t g_clear;         // SYSLOG_ACTION_CLEAR's mark
int g_open_cpu = -1;      // the CPU whose line has no '\n' yet, or -1
int g_console_level = 7;  // Linux's console_loglevel and its saved value (-1: none)
int g_saved_level = -1;

void put_locked(char c) {
  if (g_head - g_tail == kKlogSize) {  // full: the oldest line goes
    while (g_tail < g_head) {
      char d = g_ring[g_tail % kKlogSize];
      ++g_tail;
      if (d == '\n') break;
    }
  }
  g_ring[g_head % kKlogSize] = c;
  ++g_head;
}

void put_bytes_locked(const char* s, size_t n) {
  for (size_t i = 0; i < n; ++i) put_locked(s[i]);
}

// A kprintf's text comes in pieces (a line longer than the console's buffer,
// or printed in parts): a piece with no '\n' leaves its CPU's line open. A
// piece from another CPU first ends that line, so lines never mix; the rest
// of the open one then starts a line of its own (as Linux's continuation
// from elsewhere does).
void append_locked(const char* s, size_t n, uint64_t now_ns) {
  int cpu = static_cast<int>(arch::hw_cpu_index());
  if (g_open_cpu >= 0 && g_open_cpu != cpu) {
    put_locked('\n');
    g_open_cpu = -1;
  }
  for (size_t i = 0; i < n;) {
    if (g_open_cpu < 0) {
      char stamp[40];
      int k = tine_snprintf(stamp, sizeof stamp, "<6>[%5llu.%06llu] ",
                            static_cast<unsigned long long>(now_ns / 1000000000ull),
                            static_cast<unsigned long long>(now_ns % 1000000000ull / 1000));
      put_bytes_locked(
          stamp, static_cast<size_t>(k) < sizeof stamp ? static_cast<size_t>(k) : sizeof stamp - 1);
      g_open_cpu = cpu;
    }
    size_t j = i;
    while (j < n && s[j] != '\n') ++j;
    if (j < n) {  // the line ends here
      put_bytes_locked(s + i, j + 1 - i);
      g_open_cpu = -1;
      i = j + 1;
    } else {
      put_bytes_locked(s + i, n - i);
      i = n;
    }
  }
}

// Copies [from, to) of the log to user buf, in pieces; *pos follows the copy
// when given (the destructive reader). Bytes copied, or -EFAULT.
int64_t copy_out(uint64_t buf, uint64_t from, uint64_t to, uint64_t* pos) {
  char piece[256];
  uint64_t done = 0;
  while (from < to) {
    size_t n = to - from < sizeof piece ? static_cast<size_t>(to - from) : sizeof piece;
    {
      SpinGuard g(g_klog_lock);
      if (pos) {  // another reader may have gone on meanwhile
        if (*pos > from) from = *pos;
        if (from < g_tail) from = g_tail;
        if (from >= to) break;
        if (to - from < n) n = static_cast<size_t>(to - from);
      } else if (from < g_tail) {
        break;  // overwritten since the read began
      }
      for (size_t i = 0; i < n; ++i) piece[i] = g_ring[(from + i) % kKlogSize];
      if (pos) *pos = from + n;
    }
    if (copyout_u(piece, buf + done, n) != 0) return -EFAULT;
    done += n;
    from += n;
  }
  return static_cast<int64_t>(done);
}

// SYSLOG_ACTION_READ_ALL / READ_CLEAR: the last whole lines since the clear
// mark that fit in len bytes.
int64_t read_all(uint64_t buf, uint64_t len, bool clear) {
  uint64_t from, to;
  {
    SpinGuard g(g_klog_lock);
    to = g_head;
    from = g_clear > g_tail ? g_clear : g_tail;
    while (to - from > len) {  // drop the oldest lines until the rest fits
      while (from < to && g_ring[from % kKlogSize] != '\n') ++from;
      if (from < to) ++from;
    }
    if (clear) g_clear = to;
  }
  return copy_out(buf, from, to, nullptr);
}

// SYSLOG_ACTION_READ: waits for lines not yet read this way, then takes up
// to len bytes of them.
int64_t read_new(uint64_t buf, uint64_t len) {
  uint64_t to;
  for (;;) {
    {
      SpinGuard g(g_klog_lock);
      if (g_read < g_tail) g_read = g_tail;
      to = g_head;
      if (g_read < to) {
        if (to - g_read > len) to = g_read + len;
        break;
      }
    }
    if (tsleep(&g_read, PCATCH, "klog", kHz / 10) == EINTR) return -ERESTARTSYS;
  }
  return copy_out(buf, 0, to, &g_read);
}

enum : int {
  kClose = 0,
  kOpen = 1,
  kRead = 2,
  kReadAll = 3,
  kReadClear = 4,
  kClear = 5,
  kConsoleOff = 6,
  kConsoleOn = 7,
  kConsoleLevel = 8,
  kSizeUnread = 9,
  kSizeBuffer = 10,
};
constexpr int kMinConsoleLevel = 1;

}  // namespace

void klog_append(const char* s, size_t n, uint64_t now_ns, bool early) {
  if (early) {
    append_locked(s, n, now_ns);
    return;
  }
  SpinGuard g(g_klog_lock);
  append_locked(s, n, now_ns);
}

size_t klog_tail(char* out, size_t n) {
  SpinGuard g(g_klog_lock);
  uint64_t kept = g_head - g_tail;
  size_t k = kept < n ? static_cast<size_t>(kept) : n;
  for (size_t i = 0; i < k; ++i) out[i] = g_ring[(g_head - k + i) % kKlogSize];
  return k;
}

// syslog(type, buf, len): Linux's, with dmesg_restrict on (as Debian's
// kernels): root only, -EPERM first. A buffer the kernel cannot write is
// -EFAULT. The console levels are kept and given, not acted on: the
// console shows every kernel line.
int64_t sys_syslog(const SyscallArgs& a) {
  int type = static_cast<int>(a.a[0]);
  uint64_t buf = a.a[1];
  int len = static_cast<int>(a.a[2]);
  if (!user_is_root()) return -EPERM;
  switch (type) {
    case kClose:
    case kOpen: return 0;
    case kRead:
    case kReadAll:
    case kReadClear:
      if (buf == 0 || len < 0) return -EINVAL;
      if (len == 0) return 0;
      if (!arch::user_range_ok(buf, static_cast<uint64_t>(len))) return -EFAULT;
      if (type == kRead) return read_new(buf, static_cast<uint64_t>(len));
      return read_all(buf, static_cast<uint64_t>(len), type == kReadClear);
    case kClear: {
      SpinGuard g(g_klog_lock);
      g_clear = g_head;
      return 0;
    }
    case kConsoleOff: {
      SpinGuard g(g_klog_lock);
      if (g_saved_level < 0) g_saved_level = g_console_level;
      g_console_level = kMinConsoleLevel;
      return 0;
    }
    case kConsoleOn: {
      SpinGuard g(g_klog_lock);
      if (g_saved_level >= 0) {
        g_console_level = g_saved_level;
        g_saved_level = -1;
      }
      return 0;
    }
    case kConsoleLevel: {
      if (len < 1 || len > 8) return -EINVAL;
      SpinGuard g(g_klog_lock);
      g_console_level = len < kMinConsoleLevel ? kMinConsoleLevel : len;
      g_saved_level = -1;
      return 0;
    }
    case kSizeUnread: {
      SpinGuard g(g_klog_lock);
      uint64_t from = g_read > g_tail ? g_read : g_tail;
      return static_cast<int64_t>(g_head - from);
    }
    case kSizeBuffer: return static_cast<int64_t>(kKlogSize);
    default: return -EINVAL;
  }
}
