// The terminal: the serial console as a tty with a line discipline, a
// controlling terminal of a session, and the job control checks on its
// reads, writes and ioctls (Linux's termios ABI, FreeBSD's tty layer in
// spirit). One concept a file:
//
//   tty.cpp        the console tty, its device (/dev/console 5:1, /dev/tty
//                  5:0), reads, writes, poll, and the input thread
//   ttydisc.cpp    the line discipline: input processing (canonical editing,
//                  echo, signal characters), output processing
//   tty_ioctl.cpp  the ioctls (termios, window size, flushing, FIONREAD)
//   ctty.cpp       the controlling terminal and job control: sessions and
//                  the foreground group, background reads and writes
//
// Lifetime and locks (docs/locking.md): the console tty is one static
// object that lives as long as the kernel. Tty::lock (a spinlock, rank
// kRankTty, above the process tree's and below one process's) guards
// everything in it. The session and foreground group change with
// g_proctree_lock and the tty lock both held, so either is enough to read
// them; Session::tty likewise. Readers sleep on &Tty::rq_len with the tty
// lock as interlock; the input thread wakes them.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/sync/spinlock.h"

struct File;
struct Proc;
struct Session;
struct Uio;

inline constexpr uint32_t kRankTty = 255;  // after proc.tree (250), before proc (260)

// Linux's struct termios of asm-generic (what TCGETS and TCSETS move: 36 bytes).
inline constexpr int kNccs = 19;
struct KTermios {
  uint32_t c_iflag, c_oflag, c_cflag, c_lflag;
  uint8_t c_line;
  uint8_t c_cc[kNccs];
};
static_assert(sizeof(KTermios) == 36);
struct KWinsize {
  uint16_t ws_row, ws_col, ws_xpixel, ws_ypixel;
};

namespace tio {
// c_cc indexes.
inline constexpr int VINTR = 0, VQUIT = 1, VERASE = 2, VKILL = 3, VEOF = 4, VTIME = 5, VMIN = 6,
                     VSWTC = 7, VSTART = 8, VSTOP = 9, VSUSP = 10, VEOL = 11, VREPRINT = 12,
                     VDISCARD = 13, VWERASE = 14, VLNEXT = 15, VEOL2 = 16;
// c_iflag.
inline constexpr uint32_t IGNBRK = 01, BRKINT = 02, ISTRIP = 040, INLCR = 0100, IGNCR = 0200,
                          ICRNL = 0400, IXON = 02000, IMAXBEL = 020000, IUTF8 = 040000;
// c_oflag.
inline constexpr uint32_t OPOST = 01, ONLCR = 04, OCRNL = 010, ONOCR = 020, ONLRET = 040;
// c_cflag.
inline constexpr uint32_t B115200 = 010002, CS8 = 060, CREAD = 0200, HUPCL = 02000, CLOCAL = 04000;
// c_lflag.
inline constexpr uint32_t ISIG = 01, ICANON = 02, ECHO = 010, ECHOE = 020, ECHOK = 040,
                          ECHONL = 0100, NOFLSH = 0200, TOSTOP = 0400, ECHOCTL = 01000,
                          ECHOKE = 04000, IEXTEN = 0100000;
// ioctl requests (asm-generic/ioctls.h).
inline constexpr uint64_t TCGETS = 0x5401, TCSETS = 0x5402, TCSETSW = 0x5403, TCSETSF = 0x5404,
                          TCFLSH = 0x540b, TIOCSCTTY = 0x540e, TIOCGPGRP = 0x540f,
                          TIOCSPGRP = 0x5410, TIOCOUTQ = 0x5411, TIOCGWINSZ = 0x5413,
                          TIOCSWINSZ = 0x5414, FIONREAD = 0x541b, TIOCNOTTY = 0x5422,
                          TIOCGSID = 0x5429;
inline constexpr uint64_t TCIFLUSH = 0, TCOFLUSH = 1, TCIOFLUSH = 2;
}  // namespace tio

inline constexpr size_t kTtyBuf = 1024;   // bytes readers may take
inline constexpr size_t kTtyLine = 1024;  // the line being edited (canonical mode)
inline constexpr int kTtyLines = 128;     // completed lines not read yet

struct Tty {
  SpinLock lock;
  KTermios t;   // lock
  KWinsize ws;  // lock
  // Input readers may take: a ring of bytes; in canonical mode they are
  // whole lines, whose lengths are in `lines` (a line ended by VEOF at its
  // start has length 0: end of file).
  char rq[kTtyBuf];
  uint32_t rq_head, rq_len;
  uint16_t lines[kTtyLines];
  uint32_t lines_head, nlines;
  // The line being edited (canonical mode).
  char line[kTtyLine];
  uint32_t line_len;
  bool lnext;        // the next byte is taken literally (VLNEXT)
  Session* session;  // whose controlling terminal it is (and g_proctree_lock)
  int pgid;          // the foreground process group, 0 none (and g_proctree_lock)
  explicit constexpr Tty(LockClass& cls)
      : lock(cls),
        t{},
        ws{},
        rq{},
        rq_head(0),
        rq_len(0),
        lines{},
        lines_head(0),
        nlines(0),
        line{},
        line_len(0),
        lnext(false),
        session(nullptr),
        pgid(0) {}
};

// The console's tty.
Tty* tty_console();

// ---- the line discipline (ttydisc.cpp; tp->lock held) ----------------------
void ttydisc_init_termios(KTermios* t);
// One received byte. Returns the signal its key raised for the foreground
// group (SIGINT, SIGQUIT, SIGTSTP), or 0; readers and pollers are woken.
int ttydisc_rint_locked(Tty* tp, uint8_t c);
// Moves up to n bytes a reader may take into buf (never sleeps): 0 at the
// end of a canonical line. *eof says a VEOF line was taken.
size_t ttydisc_take_locked(Tty* tp, char* buf, size_t n, bool* eof);
// Whether a read would find something now (a whole line in canonical mode).
bool ttydisc_readable_locked(const Tty* tp);
// Input discarded (TCFLSH, TCSETSF, a signal key without NOFLSH).
void ttydisc_flush_input_locked(Tty* tp);
// New settings: canonical mode on or off moves the line being edited.
void ttydisc_set_termios_locked(Tty* tp, const KTermios& nt);
// Output processing of n bytes of src into dst (room for 2n): returns the length.
size_t ttydisc_oproc(uint32_t oflag, const char* src, size_t n, char* dst);
void ttydisc_echo_locked(Tty* tp, const char* s, size_t n);

// ---- the ioctls (tty_ioctl.cpp) ---------------------------------------------
int tty_ioctl(Tty* tp, File* fp, uint64_t cmd, uint64_t arg);

// ---- controlling terminal and job control (ctty.cpp) -----------------------
// Open: a session leader without a controlling terminal that opens the
// console without O_NOCTTY makes it its session's (when no other session
// has it). /dev/tty (ctty_only) opens only for a process with one (-ENXIO).
int ctty_open(Tty* tp, bool noctty, bool ctty_only);
// Before a read (SIGTTIN) or a write or a change of settings (SIGTTOU) by a
// process of tp's session that is not in the foreground group: 0 to go on,
// -EIO (orphaned group, or for a read SIGTTIN ignored or blocked), -ERESTARTSYS
// (a handler is to run). A stop in between is waited out here.
int ctty_check_background(Tty* tp, int sig, bool always);
int ctty_ioctl(Tty* tp, File* fp, uint64_t cmd, uint64_t arg);  // -ENOIOCTLCMD: not its
inline constexpr int kNotCttyIoctl = -515;
// A signal key's signal to the foreground group (no lock held).
void ctty_signal_fg(Tty* tp, int sig);
// A process exits (no lock held): if it leads a session with a controlling
// terminal, the foreground group gets SIGHUP and the session loses it.
void ctty_exit(Proc* p);
