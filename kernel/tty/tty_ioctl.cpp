// The terminal's ioctls (Linux's numbers and errors, asm-generic): the
// settings (TCGETS, TCSETS, TCSETSW, TCSETSF), the window size, flushing,
// the bytes waiting (FIONREAD); the controlling terminal's are ctty.cpp's.
// Changing the settings or flushing from a background group is a write to
// the terminal for job control: SIGTTOU (Linux's tty_check_change).
#include "kernel/fs/file.h"
#include "kernel/proc/proc.h"
#include "kernel/tty/tty.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

using namespace tio;

int tty_ioctl(Tty* tp, File* fp, uint64_t cmd, uint64_t arg) {
  switch (cmd) {
    case TCGETS: {
      KTermios t;
      {
        SpinGuard g(tp->lock);
        t = tp->t;
      }
      return copyout_u(&t, arg, sizeof t) ? -EFAULT : 0;
    }
    case TCSETS:
    case TCSETSW:    // output is written as it comes: nothing to drain
    case TCSETSF: {  // ... and input is discarded first
      if (int r = ctty_check_background(tp, psig::kTtou, true)) return r;
      KTermios nt;
      if (copyin_u(arg, &nt, sizeof nt)) return -EFAULT;
      SpinGuard g(tp->lock);
      if (cmd == TCSETSF) ttydisc_flush_input_locked(tp);
      ttydisc_set_termios_locked(tp, nt);
      return 0;
    }
    case TIOCGWINSZ: {
      KWinsize ws;
      {
        SpinGuard g(tp->lock);
        ws = tp->ws;
      }
      return copyout_u(&ws, arg, sizeof ws) ? -EFAULT : 0;
    }
    case TIOCSWINSZ: {
      KWinsize ws;
      if (copyin_u(arg, &ws, sizeof ws)) return -EFAULT;
      bool changed;
      {
        SpinGuard g(tp->lock);
        changed = ws.ws_row != tp->ws.ws_row || ws.ws_col != tp->ws.ws_col ||
                  ws.ws_xpixel != tp->ws.ws_xpixel || ws.ws_ypixel != tp->ws.ws_ypixel;
        tp->ws = ws;
      }
      if (changed) ctty_signal_fg(tp, psig::kWinch);
      return 0;
    }
    case TCFLSH: {
      if (arg > TCIOFLUSH) return -EINVAL;
      if (int r = ctty_check_background(tp, psig::kTtou, true)) return r;
      if (arg != TCOFLUSH) {
        SpinGuard g(tp->lock);
        ttydisc_flush_input_locked(tp);
      }
      return 0;
    }
    case FIONREAD: {
      int n;
      {
        SpinGuard g(tp->lock);
        n = static_cast<int>(tp->rq_len);
      }
      return copyout_u(&n, arg, sizeof n) ? -EFAULT : 0;
    }
    case TIOCOUTQ: {
      int n = 0;  // written at once
      return copyout_u(&n, arg, sizeof n) ? -EFAULT : 0;
    }
    default: {
      int r = ctty_ioctl(tp, fp, cmd, arg);
      return r == kNotCttyIoctl ? -ENOTTY : r;
    }
  }
}
