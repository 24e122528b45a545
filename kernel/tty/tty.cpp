// The console's tty: the device behind /dev/console (5:1) and /dev/tty
// (5:0), its reads (waiting as the line discipline's mode says), writes
// (with output processing) and polls, and the thread that feeds received
// bytes to the line discipline (kernel/tty/tty.h).
#include "kernel/tty/tty.h"

#include "kernel/console/console.h"
#include "kernel/dev/chardev.h"
#include "kernel/fs/file.h"
#include "kernel/fs/linux_abi.h"
#include "kernel/fs/uio.h"
#include "kernel/fs/vnode.h"
#include "kernel/panic.h"
#include "kernel/proc/jobctl.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sleepq.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

namespace {

LockClass g_tty_class("tty", kRankTty);
Tty g_console(g_tty_class);
bool g_input_started;  // atomic

constexpr size_t kChunk = 256;
constexpr size_t kPiece = 64;  // output bytes a console write at a time
constexpr uint64_t kDecisecondNs = 100'000'000;

// Received bytes go through the line discipline here, one at a time, so a
// signal key's signal is sent before the bytes after it are looked at.
int input_main(void*) {
  Tty* tp = &g_console;
  for (;;) {
    int c = console_getc_wait();  // a kernel thread is never interrupted
    if (c < 0) continue;
    int sig;
    {
      SpinGuard g(tp->lock);
      sig = ttydisc_rint_locked(tp, static_cast<uint8_t>(c));
    }
    if (sig) ctty_signal_fg(tp, sig);
  }
}

// At the first open: bytes that arrived before wait in the console's ring.
// (The console monitor, which reads that ring itself, runs only when no
// program does.)
int start_input() {
  if (__atomic_load_n(&g_input_started, __ATOMIC_ACQUIRE)) return 0;
  static Mutex start_lock("ttystart");
  MutexGuard g(start_lock);
  if (g_input_started) return 0;
  Thread* t;
  ThreadAttr attr;
  attr.flags = kThreadDetached;
  if (thread_spawn("ttyin", input_main, nullptr, attr, &t) != 0) return -ENOMEM;
  __atomic_store_n(&g_input_started, true, __ATOMIC_RELEASE);
  return 0;
}

int tty_dev_open(File* fp) {
  if (int e = start_input()) return e;
  bool ctty_only = fp->vnode && fp->vnode->rdev_minor == 0 && fp->vnode->rdev_major == 5;
  bool noctty = (__atomic_load_n(&fp->flags, __ATOMIC_RELAXED) & O_NOCTTY) != 0;
  return ctty_open(&g_console, noctty, ctty_only);
}

// Waits until a read may take something, as the mode says (tp->lock held
// on entry and on return): a whole line in canonical mode; otherwise
// VMIN bytes (at most the count asked for), with VTIME a timer in tenths of
// a second (overall when VMIN is 0, between bytes otherwise).
int wait_readable(Tty* tp, File* fp, uint64_t want) {
  uint64_t deadline = 0;
  uint32_t seen = tp->rq_len;
  bool timed_out = false;
  for (;;) {
    bool canon = (tp->t.c_lflag & tio::ICANON) != 0;
    uint32_t vmin = tp->t.c_cc[tio::VMIN], vtime = tp->t.c_cc[tio::VTIME];
    if (canon) {
      if (tp->nlines > 0) return 0;
    } else {
      uint64_t need = vmin == 0 ? 1 : (vmin < want ? vmin : want);
      if (tp->rq_len >= need || (vmin == 0 && vtime == 0) || timed_out) return 0;
      if (vtime && vmin == 0 && !deadline) deadline = clock_ns() + vtime * kDecisecondNs;
      if (vtime && vmin && tp->rq_len && (tp->rq_len != seen || !deadline)) {
        seen = tp->rq_len;  // a byte came: the timer starts again
        deadline = clock_ns() + vtime * kDecisecondNs;
      }
    }
    if (file_nonblock(fp)) return (canon || tp->rq_len == 0) ? -EAGAIN : 0;
    tsleep_interlock(&tp->rq_len, PCATCH);
    tp->lock.unlock();
    int e = tsleep_until(&tp->rq_len, PCATCH | PINTERLOCKED, "ttyin", deadline);
    if (e == EINTR) {
      // A stop signal stops the process here; the read goes on once it is
      // continued, if it may (it may have been put in the background).
      int r = jobctl_stop_in_wait() ? ctty_check_background(tp, psig::kTtin, true) : -ERESTARTSYS;
      if (r) {
        tp->lock.lock();
        return r;
      }
    }
    if (e == EWOULDBLOCK) timed_out = true;
    tp->lock.lock();
  }
}

int64_t tty_dev_read(File* fp, Uio* uio) {
  Tty* tp = &g_console;
  if (int r = ctty_check_background(tp, psig::kTtin, true)) return r;
  if (uio->resid == 0) return 0;
  // A buffer that cannot take the data fails now, not after the input is taken.
  if (uio->user) {
    char probe = 0;
    if (copyout_u(&probe, uio->iov->base + uio->at, 1) != 0) return -EFAULT;
  }
  tp->lock.lock();
  if (int r = wait_readable(tp, fp, uio->resid)) {
    tp->lock.unlock();
    return r;
  }
  char tmp[kChunk];
  for (;;) {
    bool eof = false;
    bool canon = (tp->t.c_lflag & tio::ICANON) != 0;
    uint16_t line_left = canon && tp->nlines ? tp->lines[tp->lines_head] : 0;
    size_t want = uio->resid < kChunk ? static_cast<size_t>(uio->resid) : kChunk;
    size_t n = ttydisc_take_locked(tp, tmp, want, &eof);
    bool more = n > 0 && (canon ? n < line_left : tp->rq_len > 0);
    tp->lock.unlock();
    if (n == 0) return 0;  // end of file (VEOF), or nothing (VMIN 0)
    int err = uiomove(tmp, n, uio);
    if (err || !more || uio->resid == 0) return err;
    tp->lock.lock();
  }
}

int64_t tty_dev_write(File*, Uio* uio) {
  Tty* tp = &g_console;
  if (int r = ctty_check_background(tp, psig::kTtou, false)) return r;
  char in[kChunk], out[2 * kChunk];
  Lwp* lp = curlwp();
  while (uio->resid > 0) {
    // A serial line is slow (a long write takes days at 115200 baud): a
    // signal to act on, SIGKILL among them, ends it with what was written.
    if (uio->done > 0 && lwp_should_stop(lp)) break;
    size_t n = uio->resid < kChunk ? static_cast<size_t>(uio->resid) : kChunk;
    uint64_t before = uio->done;
    int err = uiomove(in, n, uio);
    n = static_cast<size_t>(uio->done - before);
    if (n == 0) return err;
    uint32_t oflag;
    {
      SpinGuard g(tp->lock);
      oflag = tp->t.c_oflag;
    }
    // In pieces: the console writes with interrupts masked, waiting on
    // the UART's FIFO (64 bytes take 5.6 ms at 115200 baud).
    size_t len = ttydisc_oproc(oflag, in, n, out);
    for (size_t off = 0; off < len; off += kPiece)
      console_write_raw(out + off, len - off < kPiece ? len - off : kPiece);
    if (err) return err;
  }
  return 0;
}

int tty_dev_poll(File*, int) {
  Tty* tp = &g_console;
  int r = POLLOUT | POLLWRNORM;
  SpinGuard g(tp->lock);
  if (ttydisc_readable_locked(tp)) r |= POLLIN | POLLRDNORM;
  return r;
}

int tty_dev_ioctl(File* fp, uint64_t cmd, uint64_t arg) {
  return tty_ioctl(&g_console, fp, cmd, arg);
}

const CharDevOps kTtyOps = {tty_dev_open,  tty_dev_read, tty_dev_write, tty_dev_poll,
                            tty_dev_ioctl, nullptr,      false};

}  // namespace

Tty* tty_console() { return &g_console; }

void console_device_init() {
  {
    SpinGuard g(g_console.lock);
    ttydisc_init_termios(&g_console.t);
    g_console.ws = KWinsize{24, 80, 0, 0};
  }
  chardev_register(5, 1, &kTtyOps);
  chardev_register(5, 0, &kTtyOps);
}
