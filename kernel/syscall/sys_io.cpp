// read and write on the console descriptors 0, 1 and 2 (there are no files yet).
#include "kernel/console/console.h"
#include "kernel/console/kprintf.h"
#include "kernel/sync/crit.h"
#include "kernel/syscall/errno.h"
#include "kernel/syscall/syscall.h"
#include "kernel/vm/copy.h"

namespace {
constexpr uint64_t kChunk = 256;
bool console_fd(uint64_t fd) {
  return fd <= 2;
}
}  // namespace

int64_t sys_write(const SyscallArgs& a) {
  uint64_t fd = a.a[0], buf = a.a[1], len = a.a[2];
  if (!console_fd(fd)) return -EBADF;
  if (static_cast<int64_t>(len) < 0) return -EINVAL;
  uint64_t done = 0;
  while (done < len) {
    char tmp[kChunk];
    uint64_t n = len - done < kChunk ? len - done : kChunk;
    if (copyin_u(buf + done, tmp, n) != 0) return done ? static_cast<int64_t>(done) : -EFAULT;
    // Whole lines go out as kprintf assembles them; a trailing partial line is
    // written at once, so output of a thread that moves to another CPU stays in order.
    crit_enter();
    // Pieces between NUL bytes (which %.*s would stop at; they print nothing).
    for (uint64_t at = 0; at < n;) {
      uint64_t end = at;
      while (end < n && tmp[end] != 0) ++end;
      if (end > at) kprintf("%.*s", static_cast<int>(end - at), tmp + at);
      at = end + 1;
    }
    if (tmp[n - 1] != '\n') console_flush();
    crit_exit();
    done += n;
  }
  return static_cast<int64_t>(done);
}

int64_t sys_read(const SyscallArgs& a) {
  uint64_t fd = a.a[0], buf = a.a[1], len = a.a[2];
  if (!console_fd(fd)) return -EBADF;
  if (static_cast<int64_t>(len) < 0) return -EINVAL;
  if (len == 0) return 0;
  // A buffer that cannot take the data fails now, not after waiting for input.
  char probe = 0;
  if (copyout_u(&probe, buf, 1) != 0) return -EFAULT;
  // Waits for the first byte (a signal ends the wait), then takes what has
  // already arrived, up to a newline.
  int first = console_getc_wait();
  if (first < 0) return first;
  char tmp[kChunk];
  uint64_t n = 0;
  tmp[n++] = static_cast<char>(first);
  while (n < len && n < kChunk && tmp[n - 1] != '\n') {
    int c = console_trygetc();
    if (c < 0) break;
    tmp[n++] = static_cast<char>(c);
  }
  if (copyout_u(tmp, buf, n) != 0) return -EFAULT;
  return static_cast<int64_t>(n);
}
