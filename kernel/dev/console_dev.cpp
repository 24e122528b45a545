// The console as a character device: /dev/console (5:1), and /dev/tty (5:0),
// which is the console too until processes have controlling terminals. A
// read waits (interruptibly) for the first byte and returns what has arrived,
// up to a newline; O_NONBLOCK makes the wait -EAGAIN. A write prints. There is
// no line discipline here: the terminal's takes over these numbers
// (chardev_register) and with them every File opened after.
#include "kernel/console/console.h"
#include "kernel/console/kprintf.h"
#include "kernel/dev/chardev.h"
#include "kernel/fs/file.h"
#include "kernel/fs/linux_abi.h"
#include "kernel/fs/poll.h"
#include "kernel/fs/uio.h"
#include "kernel/sync/crit.h"
#include "kernel/syscall/errno.h"
#include "kernel/vm/copy.h"

namespace {

constexpr size_t kChunk = 256;

int64_t con_write(File*, Uio* uio) {
  char tmp[kChunk];
  while (uio->resid > 0) {
    size_t n = uio->resid < kChunk ? static_cast<size_t>(uio->resid) : kChunk;
    uint64_t before = uio->done;
    int err = uiomove(tmp, n, uio);
    n = static_cast<size_t>(uio->done - before);
    if (n == 0) return err;
    // Whole lines go out as kprintf assembles them; a trailing partial line is
    // written at once, so output of a thread that moves to another CPU stays in order.
    crit_enter();
    // Pieces between NUL bytes (which %.*s would stop at; they print nothing).
    for (size_t at = 0; at < n;) {
      size_t end = at;
      while (end < n && tmp[end] != 0) ++end;
      if (end > at) kprintf("%.*s", static_cast<int>(end - at), tmp + at);
      at = end + 1;
    }
    if (tmp[n - 1] != '\n') console_flush();
    crit_exit();
    if (err) return err;
  }
  return 0;
}

int64_t con_read(File* fp, Uio* uio) {
  if (uio->resid == 0) return 0;
  // A buffer that cannot take the data fails now, not after waiting for input.
  if (uio->user) {
    char probe = 0;
    if (copyout_u(&probe, uio->iov->base + uio->at, 1) != 0) return -EFAULT;
  }
  int first = console_trygetc();
  if (first < 0) {
    if (file_nonblock(fp)) return -EAGAIN;
    first = console_getc_wait();
    if (first < 0) return first;
  }
  char tmp[kChunk];
  size_t n = 0;
  tmp[n++] = static_cast<char>(first);
  while (n < uio->resid && n < kChunk && tmp[n - 1] != '\n') {
    int c = console_trygetc();
    if (c < 0) break;
    tmp[n++] = static_cast<char>(c);
  }
  return uiomove(tmp, n, uio);
}

int con_poll(File*, int) {
  int r = POLLOUT | POLLWRNORM;
  if (console_rx_count() > 0) r |= POLLIN | POLLRDNORM;
  return r;
}

int con_ioctl(File*, uint64_t cmd, uint64_t arg) {
  if (cmd == FIONREAD) {
    int n = console_rx_count();
    return copyout_u(&n, arg, sizeof n) ? -EFAULT : 0;
  }
  return -ENOTTY;  // the terminal requests (TCGETS, ...) come with the line discipline
}

const CharDevOps kConsole = {nullptr, con_read, con_write, con_poll, con_ioctl, nullptr, false};

}  // namespace

void console_device_init() {
  chardev_register(5, 1, &kConsole);
  chardev_register(5, 0, &kConsole);
  console_set_rx_notify(poll_wakeup);
}
