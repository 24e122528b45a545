// The line discipline (Linux's n_tty, FreeBSD's ttydisc.c in spirit):
// received bytes become input a reader takes, edited a line at a time in
// canonical mode, echoed, or turned into signals; written bytes get their
// output processing. Everything here runs with the tty's lock held.
#include "kernel/console/console.h"
#include "kernel/fs/poll.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sleepq.h"
#include "kernel/tty/tty.h"

using namespace tio;

namespace {

bool is_ctl(uint8_t c) { return c < 0x20 || c == 0x7f; }

// Whether c is the special character at index i (0 disables one, as Linux's
// _POSIX_VDISABLE).
bool cc_is(const Tty* tp, int i, uint8_t c) { return tp->t.c_cc[i] != 0 && tp->t.c_cc[i] == c; }

bool echo_on(const Tty* tp) { return (tp->t.c_lflag & ECHO) != 0; }

// How c was echoed: "^X" for control characters under ECHOCTL.
bool echoes_as_caret(const Tty* tp, uint8_t c) {
  return (tp->t.c_lflag & ECHOCTL) && is_ctl(c) && c != '\t' && c != '\n';
}

void echo_char(Tty* tp, uint8_t c) {
  if (echoes_as_caret(tp, c)) {
    char s[2] = {'^', static_cast<char>(c ^ 0x40)};
    ttydisc_echo_locked(tp, s, 2);
  } else {
    char ch = static_cast<char>(c);
    ttydisc_echo_locked(tp, &ch, 1);
  }
}

void wake_readers(Tty* tp) {
  wakeup(&tp->rq_len);
  poll_wakeup();
}

bool rq_put(Tty* tp, char c) {
  if (tp->rq_len == kTtyBuf) return false;
  tp->rq[(tp->rq_head + tp->rq_len) % kTtyBuf] = c;
  ++tp->rq_len;
  return true;
}

// Erases the last character of the line being edited, on the screen too.
void erase_one(Tty* tp, bool visual) {
  if (tp->line_len == 0) return;
  uint8_t c = static_cast<uint8_t>(tp->line[--tp->line_len]);
  if (!visual || !echo_on(tp)) return;
  int width = echoes_as_caret(tp, c) ? 2 : 1;
  for (int i = 0; i < width; ++i) ttydisc_echo_locked(tp, "\b \b", 3);
}

// The line being edited becomes one readers may take (with its delimiter,
// if any). False when there is no room for it: it stays being edited.
bool line_fits(const Tty* tp, uint32_t delim_len) {
  return tp->rq_len + tp->line_len + delim_len <= kTtyBuf && tp->nlines < kTtyLines;
}

bool finish_line(Tty* tp, int delim) {
  uint32_t len = tp->line_len + (delim >= 0 ? 1 : 0);
  if (!line_fits(tp, delim >= 0 ? 1 : 0)) return false;
  for (uint32_t i = 0; i < tp->line_len; ++i) rq_put(tp, tp->line[i]);
  if (delim >= 0) rq_put(tp, static_cast<char>(delim));
  tp->lines[(tp->lines_head + tp->nlines) % kTtyLines] = static_cast<uint16_t>(len);
  ++tp->nlines;
  tp->line_len = 0;
  wake_readers(tp);
  return true;
}

// The canonical-mode editing characters; true if c was one.
bool canon_special(Tty* tp, uint8_t c) {
  const uint32_t lflag = tp->t.c_lflag;
  if (cc_is(tp, VERASE, c)) {
    if (echo_on(tp) && !(lflag & ECHOE)) {
      echo_char(tp, c);  // no visual erase: the erase character is shown
      erase_one(tp, false);
    } else {
      erase_one(tp, true);
    }
    return true;
  }
  if (cc_is(tp, VKILL, c)) {
    if (echo_on(tp) && (lflag & ECHOKE) && (lflag & ECHOE)) {
      while (tp->line_len) erase_one(tp, true);
    } else {
      if (echo_on(tp)) {
        echo_char(tp, c);
        if (lflag & ECHOK) ttydisc_echo_locked(tp, "\n", 1);
      }
      tp->line_len = 0;
    }
    return true;
  }
  if (lflag & IEXTEN) {
    if (cc_is(tp, VWERASE, c)) {
      bool visual = echo_on(tp) && (lflag & ECHOE);
      while (tp->line_len &&
             (tp->line[tp->line_len - 1] == ' ' || tp->line[tp->line_len - 1] == '\t'))
        erase_one(tp, visual);
      while (tp->line_len && tp->line[tp->line_len - 1] != ' ' &&
             tp->line[tp->line_len - 1] != '\t')
        erase_one(tp, visual);
      return true;
    }
    if (cc_is(tp, VLNEXT, c)) {
      tp->lnext = true;
      return true;
    }
    if (cc_is(tp, VREPRINT, c)) {
      if (echo_on(tp)) {
        echo_char(tp, c);
        ttydisc_echo_locked(tp, "\n", 1);
        for (uint32_t i = 0; i < tp->line_len; ++i)
          echo_char(tp, static_cast<uint8_t>(tp->line[i]));
      }
      return true;
    }
  }
  if (c == '\n' || cc_is(tp, VEOL, c) || cc_is(tp, VEOL2, c)) {
    // Echoed before the line is handed over, so what a reader prints next
    // comes after it.
    if (line_fits(tp, 1) && (echo_on(tp) || (c == '\n' && (lflag & ECHONL)))) {
      if (c == '\n')
        ttydisc_echo_locked(tp, "\n", 1);
      else
        echo_char(tp, c);
    }
    (void)finish_line(tp, c);
    return true;
  }
  if (cc_is(tp, VEOF, c)) {
    (void)finish_line(tp, -1);  // no delimiter: at the start of a line, end of file
    return true;
  }
  return false;
}

}  // namespace

void ttydisc_init_termios(KTermios* t) {
  *t = KTermios{};
  t->c_iflag = ICRNL | IXON;
  t->c_oflag = OPOST | ONLCR;
  t->c_cflag = B115200 | CS8 | CREAD | HUPCL | CLOCAL;
  t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
  static const uint8_t kCc[kNccs] = {3,    0x1c, 0x7f, 0x15, 4,    0,    1, 0, 0x11, 0x13,
                                     0x1a, 0,    0x12, 0x0f, 0x17, 0x16, 0, 0, 0};
  for (int i = 0; i < kNccs; ++i) t->c_cc[i] = kCc[i];
}

void ttydisc_echo_locked(Tty* tp, const char* s, size_t n) {
  char out[16];
  while (n) {
    size_t k = n < sizeof out / 2 ? n : sizeof out / 2;
    size_t m = ttydisc_oproc(tp->t.c_oflag, s, k, out);
    console_write_raw(out, m);
    s += k;
    n -= k;
  }
}

size_t ttydisc_oproc(uint32_t oflag, const char* src, size_t n, char* dst) {
  size_t m = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = src[i];
    if (oflag & OPOST) {
      if (c == '\n' && (oflag & ONLCR)) {
        dst[m++] = '\r';
      } else if (c == '\r' && (oflag & OCRNL)) {
        c = '\n';
      }
    }
    dst[m++] = c;
  }
  return m;
}

int ttydisc_rint_locked(Tty* tp, uint8_t c) {
  const KTermios& t = tp->t;
  if (!(t.c_cflag & CREAD)) return 0;
  if (t.c_iflag & ISTRIP) c &= 0x7f;
  bool canon = (t.c_lflag & ICANON) != 0;
  if (tp->lnext) {  // taken literally
    tp->lnext = false;
  } else {
    if ((t.c_iflag & IXON) && (cc_is(tp, VSTOP, c) || cc_is(tp, VSTART, c)))
      return 0;  // flow control: output is never held back, the keys are taken
    if (t.c_lflag & ISIG) {
      int sig = cc_is(tp, VINTR, c)   ? psig::kInt
                : cc_is(tp, VQUIT, c) ? psig::kQuit
                : cc_is(tp, VSUSP, c) ? psig::kTstp
                                      : 0;
      if (sig) {
        if (!(t.c_lflag & NOFLSH)) ttydisc_flush_input_locked(tp);
        if (echo_on(tp)) echo_char(tp, c);
        return sig;
      }
    }
    if (c == '\r') {
      if (t.c_iflag & IGNCR) return 0;
      if (t.c_iflag & ICRNL) c = '\n';
    } else if (c == '\n' && (t.c_iflag & INLCR)) {
      c = '\r';
    }
    if (canon && canon_special(tp, c)) return 0;
  }
  if (canon) {
    if (tp->line_len + 1 >= kTtyLine) return 0;  // full (room is kept for the delimiter)
    tp->line[tp->line_len++] = static_cast<char>(c);
  } else {
    if (!rq_put(tp, static_cast<char>(c))) return 0;
    wake_readers(tp);
  }
  if (echo_on(tp)) echo_char(tp, c);
  return 0;
}

bool ttydisc_readable_locked(const Tty* tp) {
  return (tp->t.c_lflag & ICANON) ? tp->nlines > 0 : tp->rq_len > 0;
}

size_t ttydisc_take_locked(Tty* tp, char* buf, size_t n, bool* eof) {
  size_t avail = tp->rq_len;
  bool canon = (tp->t.c_lflag & ICANON) != 0;
  if (canon) {
    if (tp->nlines == 0) return 0;
    avail = tp->lines[tp->lines_head];
    if (avail == 0) {  // a VEOF line
      tp->lines_head = (tp->lines_head + 1) % kTtyLines;
      --tp->nlines;
      *eof = true;
      return 0;
    }
  }
  size_t m = n < avail ? n : avail;
  for (size_t i = 0; i < m; ++i) buf[i] = tp->rq[(tp->rq_head + i) % kTtyBuf];
  tp->rq_head = static_cast<uint32_t>((tp->rq_head + m) % kTtyBuf);
  tp->rq_len -= static_cast<uint32_t>(m);
  if (canon) {
    tp->lines[tp->lines_head] = static_cast<uint16_t>(tp->lines[tp->lines_head] - m);
    if (tp->lines[tp->lines_head] == 0) {
      tp->lines_head = (tp->lines_head + 1) % kTtyLines;
      --tp->nlines;
    }
  }
  return m;
}

void ttydisc_flush_input_locked(Tty* tp) {
  tp->rq_head = tp->rq_len = 0;
  tp->lines_head = tp->nlines = 0;
  tp->line_len = 0;
  tp->lnext = false;
}

void ttydisc_set_termios_locked(Tty* tp, const KTermios& nt) {
  bool was = (tp->t.c_lflag & ICANON) != 0, now = (nt.c_lflag & ICANON) != 0;
  if (was && !now) {
    // What was being edited can be read now; line boundaries are gone.
    for (uint32_t i = 0; i < tp->line_len; ++i) (void)rq_put(tp, tp->line[i]);
    tp->line_len = 0;
    tp->lines_head = tp->nlines = 0;
  } else if (!was && now) {
    // What is buffered reads as one line.
    tp->lines_head = 0;
    tp->nlines = tp->rq_len ? 1 : 0;
    tp->lines[0] = static_cast<uint16_t>(tp->rq_len);
  }
  tp->t = nt;
  tp->lnext = false;
  wake_readers(tp);
}
