/* The terminal suite: the console as a tty (init=ttytest; tests/user/ttytest.py
 * types on the serial line). Every terminal ioctl with its errors, canonical
 * editing (erase, kill, word erase, end of file, literal next), raw mode with
 * VMIN and VTIME, signal keys, the controlling terminal of a session, and job
 * control: stop and continue with wait4's WUNTRACED and WCONTINUED, SIGTTIN
 * and SIGTTOU for background groups, orphaned groups, SIGKILL of a stopped
 * process.
 *
 * Where a test needs keys typed, it prints "UTEST-KEYS <step>" once it is
 * ready for them; ttytest.py types that step's keys when it sees the line. */
#include "tine.h"
#include "utest.h"

enum {
  TCSETS = 0x5402,
  TCSETSW = 0x5403,
  TCSETSF = 0x5404,
  TCFLSH = 0x540b,
  TIOCSCTTY = 0x540e,
  TIOCGPGRP = 0x540f,
  TIOCSPGRP = 0x5410,
  TIOCOUTQ = 0x5411,
  TIOCGWINSZ = 0x5413,
  TIOCSWINSZ = 0x5414,
  TIOCNOTTY = 0x5422,
  TIOCGSID = 0x5429,
};
enum {
  VINTR = 0,
  VQUIT = 1,
  VERASE = 2,
  VKILL = 3,
  VEOF = 4,
  VTIME = 5,
  VMIN = 6,
  VSUSP = 10,
  VWERASE = 14,
  VLNEXT = 15
};
enum { ICRNL = 0400, OPOST = 1, ONLCR = 4 };
enum { ISIG = 1, ICANON = 2, ECHO = 010, TOSTOP = 0400 };
enum {
  SIGHUP = 1,
  SIGINT = 2,
  SIGQUIT = 3,
  SIGUSR1 = 10,
  SIGCONT = 18,
  SIGSTOP = 19,
  SIGTSTP = 20,
  SIGTTIN = 21,
  SIGTTOU = 22,
  SIGWINCH = 28
};
enum { SA_NOCLDSTOP = 1 };

#define BAD_ADDR ((void*)0xffff000000080000ull)

struct ktermios {
  uint32_t iflag, oflag, cflag, lflag;
  uint8_t line;
  uint8_t cc[19];
};
struct kwinsize {
  uint16_t row, col, xpixel, ypixel;
};

static int g_leader; /* the session leader: this suite's first process */
static long g_sctty; /* its TIOCSCTTY at the start */
/* Shared with every child (MAP_SHARED): what handlers and children saw. */
static volatile long* g_sh;

static int kill_(int pid, int sig) { return (int)syscall2(SYS_kill, pid, sig); }
static int setpgid_(int pid, int pgid) { return (int)syscall2(SYS_setpgid, pid, pgid); }
static int getpgid_(int pid) { return (int)syscall1(SYS_getpgid, pid); }
static int setsid_(void) { return (int)syscall0(SYS_setsid); }

static void sleep_ms(int ms) {
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000};
  nanosleep(&ts, 0);
}
static uint64_t now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}
static uint64_t bit(int sig) { return 1ull << (sig - 1); }
static void block(int sig, int on) {
  uint64_t set = bit(sig);
  signal_mask(on ? SIG_BLOCK : SIG_UNBLOCK, &set, 0);
}
/* tcsetpgrp, as a shell does it: SIGTTOU blocked, so a background caller is let through. */
static long set_fg(int pgid) {
  block(SIGTTOU, 1);
  long r = ioctl(0, TIOCSPGRP, &pgid);
  block(SIGTTOU, 0);
  return r;
}
static int get_fg(void) {
  int pg = -1;
  ioctl(0, TIOCGPGRP, &pg);
  return pg;
}
/* The echo of a key that ends no line ("^C", "abc" and ^D) leaves the
 * console mid-line: the next check starts on a line of its own. */
static void newline(void) { write(1, "\n", 1); }
/* Ready for the keys of `step`: ttytest.py types them now. */
static void keys(const char* step) { printf("UTEST-KEYS %s\n", step); }

static struct ktermios g_saved;
static void restore_termios(void) { ioctl(0, TCSETS, &g_saved); }
static void set_raw(int vmin, int vtime, int icrnl) {
  struct ktermios t = g_saved;
  t.lflag &= ~(uint32_t)(ICANON | ECHO);
  if (!icrnl) t.iflag &= ~(uint32_t)ICRNL;
  t.cc[VMIN] = (uint8_t)vmin;
  t.cc[VTIME] = (uint8_t)vtime;
  ioctl(0, TCSETS, &t);
}

/* Waits up to 5 s for pid (orphaned, init's to reap) to be gone. */
static int gone(int pid) {
  for (int i = 0; i < 500 && kill_(pid, 0) != -ESRCH; ++i) sleep_ms(10);
  return kill_(pid, 0) == -ESRCH;
}

/* wait4, again after a caught signal (SIGCHLD) ends it with -EINTR. */
static int waitr(int pid, int* st, int options) {
  int r;
  while ((r = wait4(pid, st, options, 0)) == -EINTR) {
  }
  return r;
}

static void on_sig(int sig) { __atomic_add_fetch(&g_sh[sig], 1, __ATOMIC_SEQ_CST); }
static void clear_shared(void) {
  for (int i = 0; i < 128; ++i) g_sh[i] = 0;
}

/* ---- ioctls and their errors ---- */

static void t_ioctls(void) {
  struct ktermios t, t2;
  UT_EQ("tiocsctty_leader", g_sctty, 0);
  UT_EQ("tcgets", ioctl(0, TCGETS, &t), 0);
  UT_EQ("default_lflag", t.lflag & (ISIG | ICANON | ECHO), ISIG | ICANON | ECHO);
  UT_CHECK("default_iflag", (t.iflag & ICRNL) != 0);
  UT_EQ("default_oflag", t.oflag & (OPOST | ONLCR), OPOST | ONLCR);
  UT_CHECK("default_cc", t.cc[VINTR] == 3 && t.cc[VQUIT] == 0x1c && t.cc[VERASE] == 0x7f &&
                             t.cc[VKILL] == 0x15 && t.cc[VEOF] == 4 && t.cc[VSUSP] == 0x1a &&
                             t.cc[VMIN] == 1 && t.cc[VTIME] == 0 && t.cc[VWERASE] == 0x17 &&
                             t.cc[VLNEXT] == 0x16);
  UT_EQ("tcgets_efault", ioctl(0, TCGETS, BAD_ADDR), -EFAULT);
  UT_EQ("tcgets_null", ioctl(0, TCGETS, 0), -EFAULT);
  static const unsigned long kSets[] = {TCSETS, TCSETSW, TCSETSF};
  for (int i = 0; i < 3; ++i) {
    t2 = t;
    t2.lflag &= ~(uint32_t)ECHO;
    t2.cc[VMIN] = (uint8_t)(5 + i);
    struct ktermios back;
    int ok = ioctl(0, kSets[i], &t2) == 0 && ioctl(0, TCGETS, &back) == 0 &&
             memcmp(&back, &t2, sizeof back) == 0;
    ut_check("tcsets_roundtrip", ok, "request %#lx", kSets[i]);
    UT_EQ("tcsets_efault", ioctl(0, kSets[i], BAD_ADDR), -EFAULT);
  }
  UT_EQ("tcsets_restore", ioctl(0, TCSETS, &t), 0);

  struct kwinsize ws, ws2 = {50, 132, 0, 0};
  UT_EQ("tiocgwinsz", ioctl(0, TIOCGWINSZ, &ws), 0);
  UT_CHECK("winsz_default", ws.row == 24 && ws.col == 80);
  UT_EQ("tiocgwinsz_efault", ioctl(0, TIOCGWINSZ, BAD_ADDR), -EFAULT);
  UT_EQ("tiocswinsz", ioctl(0, TIOCSWINSZ, &ws2), 0);
  struct kwinsize ws3;
  UT_CHECK("winsz_set", ioctl(0, TIOCGWINSZ, &ws3) == 0 && ws3.row == 50 && ws3.col == 132);
  UT_EQ("tiocswinsz_efault", ioctl(0, TIOCSWINSZ, BAD_ADDR), -EFAULT);
  UT_EQ("tiocswinsz_restore", ioctl(0, TIOCSWINSZ, &ws), 0);

  int pg = -1, sid = -1, n = -1;
  UT_EQ("tiocgpgrp", ioctl(0, TIOCGPGRP, &pg), 0);
  UT_EQ("tiocgpgrp_is_ours", pg, getpgid_(0));
  UT_EQ("tiocgpgrp_efault", ioctl(0, TIOCGPGRP, BAD_ADDR), -EFAULT);
  UT_EQ("tiocgsid", ioctl(0, TIOCGSID, &sid), 0);
  UT_EQ("tiocgsid_leader", sid, g_leader);
  UT_EQ("tiocgsid_efault", ioctl(0, TIOCGSID, BAD_ADDR), -EFAULT);
  UT_EQ("fionread", ioctl(0, FIONREAD, &n), 0);
  UT_EQ("fionread_empty", n, 0);
  UT_EQ("fionread_efault", ioctl(0, FIONREAD, BAD_ADDR), -EFAULT);
  UT_EQ("tiocoutq", ioctl(0, TIOCOUTQ, &n), 0);

  int mine = getpgid_(0), bad = -1, none = 99998;
  UT_EQ("tiocspgrp_own", ioctl(0, TIOCSPGRP, &mine), 0);
  UT_EQ("tiocspgrp_efault", ioctl(0, TIOCSPGRP, BAD_ADDR), -EFAULT);
  UT_EQ("tiocspgrp_negative", ioctl(0, TIOCSPGRP, &bad), -EINVAL);
  UT_EQ("tiocspgrp_no_group", ioctl(0, TIOCSPGRP, &none), -ESRCH);
  /* A group of another session: a child that made its own. */
  int c = fork();
  if (c == 0) {
    setsid_();
    for (;;) sleep_ms(1000);
  }
  while (getpgid_(c) != c) sleep_ms(1);
  UT_EQ("tiocspgrp_other_session", ioctl(0, TIOCSPGRP, &c), -EPERM);
  kill_(c, SIGKILL);
  waitr(c, 0, 0);
  UT_EQ("fg_unchanged", get_fg(), mine);

  UT_EQ("tiocsctty_not_leader", ioctl(0, TIOCSCTTY, 0), -EPERM);
  UT_EQ("unknown_request", ioctl(0, 0x54ff, &n), -ENOTTY);
  UT_EQ("tcflsh_bad", ioctl(0, TCFLSH, (void*)7), -EINVAL);
  UT_EQ("tcflsh_in", ioctl(0, TCFLSH, (void*)0), 0);

  /* Not a terminal: -ENOTTY for every terminal request. */
  int fd = open("/dev/null", O_RDWR, 0);
  int p[2];
  pipe2(p, 0);
  static const unsigned long kTty[] = {TCGETS,    TCSETS,    TCSETSW,    TCSETSF,
                                       TIOCGPGRP, TIOCSPGRP, TIOCGWINSZ, TIOCSWINSZ,
                                       TIOCSCTTY, TIOCNOTTY, TIOCGSID};
  int bad_n = 0, bad_p = 0;
  for (unsigned i = 0; i < sizeof kTty / sizeof kTty[0]; ++i) {
    if (ioctl(fd, kTty[i], &t) != -ENOTTY) ++bad_n;
    if (ioctl(p[0], kTty[i], &t) != -ENOTTY) ++bad_p;
  }
  UT_EQ("null_enotty", bad_n, 0);
  UT_EQ("pipe_enotty", bad_p, 0);
  close(fd);
  close(p[0]);
  close(p[1]);

  /* /dev/tty is the controlling terminal. */
  fd = open("/dev/tty", O_RDWR, 0);
  UT_CHECK("dev_tty_opens", fd >= 0);
  UT_EQ("dev_tty_tcgets", ioctl(fd, TCGETS, &t2), 0);
  UT_EQ("dev_tty_pgrp", ioctl(fd, TIOCGPGRP, &pg), 0);
  UT_EQ("dev_tty_write", write(fd, "", 0), 0);
  close(fd);
}

/* ---- the controlling terminal across sessions ---- */

static void sessions_child(void* arg) {
  (void)arg;
  int pg, r = 0;
  setsid_();
  if (open("/dev/tty", O_RDWR, 0) != -ENXIO) r |= 1;
  if (ioctl(0, TIOCGPGRP, &pg) != -ENOTTY) r |= 2;
  if (ioctl(0, TIOCNOTTY, 0) != -ENOTTY) r |= 4;
  if (ioctl(0, TIOCSCTTY, 0) != -EPERM) r |= 8; /* the first session has it */
  int fd = open("/dev/console", O_RDWR, 0);
  if (fd < 0 || ioctl(fd, TIOCGPGRP, &pg) != -ENOTTY) r |= 16; /* not taken by opening */
  if (ioctl(0, TIOCGSID, &pg) != -ENOTTY) r |= 32;
  /* Write and read settings still work on a terminal that is not ours. */
  struct ktermios t;
  if (ioctl(0, TCGETS, &t) != 0) r |= 64;
  _exit(r);
}

static void notty_child(void* arg) {
  (void)arg;
  int pg, r = 0;
  if (ioctl(0, TIOCNOTTY, 0) != 0) r |= 1;
  if (ioctl(0, TIOCGPGRP, &pg) != -ENOTTY) r |= 2;
  if (open("/dev/tty", O_RDWR, 0) != -ENXIO) r |= 4;
  if (ioctl(0, TIOCNOTTY, 0) != -ENOTTY) r |= 8;
  _exit(r);
}

static void t_sessions(void) {
  UT_EQ("new_session", ut_child_status(sessions_child, 0), 0);
  UT_EQ("notty_non_leader", ut_child_status(notty_child, 0), 0);
  int pg;
  UT_EQ("still_ours", ioctl(0, TIOCGPGRP, &pg), 0);
}

/* Another session's leader takes the terminal (root, TIOCSCTTY 1); when it
 * exits the terminal is free again (the suite's leader takes it back). */
static void t_steal(void) {
  int c = fork();
  if (c == 0) {
    setsid_();
    int r = 0, sid = -1;
    if (ioctl(0, TIOCSCTTY, 0) != -EPERM) r |= 1;
    if (ioctl(0, TIOCSCTTY, (void*)1) != 0) r |= 2;
    if (ioctl(0, TIOCGSID, &sid) != 0 || sid != getpid()) r |= 4;
    if (get_fg() != getpid()) r |= 8;
    g_sh[0] = 1;
    while (g_sh[0] != 2) sleep_ms(5);
    _exit(r);
  }
  while (g_sh[0] != 1) sleep_ms(5);
  int pg;
  UT_EQ("lost_it", ioctl(0, TIOCGPGRP, &pg), -ENOTTY);
  g_sh[0] = 2;
  int st;
  UT_EQ("stealer_exit", waitr(c, &st, 0), c);
  UT_EQ("stealer_status", st, 0);
}

/* ---- canonical mode: typed lines ---- */

static void read_line_check(const char* check, const char* step, const char* want) {
  char buf[128];
  keys(step);
  long n = read(0, buf, sizeof buf - 1);
  buf[n > 0 ? n : 0] = 0;
  if (n > 0 && buf[n - 1] != '\n') newline();
  ut_check(check, n == (long)strlen(want) && memcmp(buf, want, (size_t)n) == 0,
           "read %ld bytes \"%s\"", n, buf);
}

static void t_canon(void) {
  read_line_check("line", "line", "hello\n");         /* "hello\r": ICRNL */
  read_line_check("erase", "erase", "abc\n");         /* "abx\x7f" "c\r" */
  read_line_check("kill", "kill", "ok\n");            /* "junk\x15ok\r" */
  read_line_check("werase", "werase", "one three\n"); /* "one two\x17three\r" */
  read_line_check("lnext", "lnext",
                  "a\x03"
                  "b\n");                              /* "a\x16\x03b\r": no SIGINT */
  read_line_check("eof_ends_line", "eof_line", "abc"); /* "abc\x04" */
  char buf[16];
  keys("eof"); /* "\x04" */
  UT_EQ("eof", read(0, buf, sizeof buf), 0);
  /* A line is read in pieces. */
  keys("pieces"); /* "abcdef\r" */
  UT_EQ("piece1", read(0, buf, 3), 3);
  UT_CHECK("piece1_bytes", memcmp(buf, "abc", 3) == 0);
  int n = -1;
  UT_EQ("fionread_rest", ioctl(0, FIONREAD, &n), 0);
  UT_EQ("fionread_rest_n", n, 4);
  UT_EQ("piece2", read(0, buf, sizeof buf), 4);
  UT_CHECK("piece2_bytes", memcmp(buf, "def\n", 4) == 0);
  /* Two lines typed at once come one a read. */
  keys("two_lines"); /* "l1\rl2\r" */
  struct pollfd pf = {0, POLLIN, 0};
  UT_EQ("poll_line", ppoll(&pf, 1, 0, 0), 1);
  UT_EQ("first_line", read(0, buf, sizeof buf), 3);
  UT_EQ("second_line", read(0, buf, sizeof buf), 3);
  UT_CHECK("second_bytes", memcmp(buf, "l2\n", 3) == 0);
  /* Nonblocking with nothing typed. */
  int fl = fcntl(0, F_GETFL, 0);
  fcntl(0, F_SETFL, fl | O_NONBLOCK);
  UT_EQ("nonblock_eagain", read(0, buf, sizeof buf), -EAGAIN);
  fcntl(0, F_SETFL, fl);
  UT_EQ("read_efault", read(0, BAD_ADDR, 4), -EFAULT);
  /* TCSETSF discards what was typed. */
  keys("flushed"); /* "gone\r" */
  while (ioctl(0, FIONREAD, &n) == 0 && n < 5) sleep_ms(5);
  UT_EQ("tcsetsf", ioctl(0, TCSETSF, &g_saved), 0);
  UT_EQ("tcsetsf_flushed", (ioctl(0, FIONREAD, &n), n), 0);
}

/* ---- raw mode: VMIN and VTIME ---- */

static void t_raw(void) {
  char buf[16];
  set_raw(1, 0, 1);
  keys("raw1"); /* "x" */
  UT_EQ("vmin1", read(0, buf, sizeof buf), 1);
  UT_EQ("vmin1_byte", buf[0], 'x');
  set_raw(0, 0, 1);
  UT_EQ("vmin0_vtime0", read(0, buf, sizeof buf), 0);
  set_raw(0, 3, 1);
  uint64_t t0 = now_ms();
  UT_EQ("vtime_timeout", read(0, buf, sizeof buf), 0);
  uint64_t dt = now_ms() - t0;
  ut_check("vtime_waited", dt >= 250 && dt < 3000, "%lu ms", (unsigned long)dt);
  set_raw(3, 0, 1);
  keys("raw3"); /* "1", "2", "3" */
  long n = 0;
  UT_EQ("vmin3", n = read(0, buf, sizeof buf), 3);
  UT_CHECK("vmin3_bytes", n == 3 && memcmp(buf, "123", 3) == 0);
  set_raw(1, 0, 1);
  keys("raw_cr"); /* "\r" */
  UT_CHECK("icrnl", read(0, buf, 1) == 1 && buf[0] == '\n');
  set_raw(1, 0, 0);
  keys("raw_cr2"); /* "\r" */
  UT_CHECK("no_icrnl", read(0, buf, 1) == 1 && buf[0] == '\r');
  /* Erase and end of file are bytes like others without ICANON. */
  set_raw(2, 0, 1);
  keys("raw_special"); /* "\x7f\x04" */
  UT_CHECK("raw_special", read(0, buf, sizeof buf) == 2 && buf[0] == 0x7f && buf[1] == 4);
  /* VMIN > 0 with VTIME: the timer runs between bytes. */
  set_raw(5, 2, 1);
  keys("raw_inter"); /* "ab" then nothing */
  UT_EQ("intertimer", read(0, buf, sizeof buf), 2);
  /* Canonical again: what was typed raw is one line. */
  set_raw(1, 0, 1);
  keys("raw_tocanon"); /* "zz" */
  while (ioctl(0, FIONREAD, &n) == 0 && n < 2) sleep_ms(5);
  restore_termios();
  UT_EQ("raw_to_canon", read(0, buf, sizeof buf), 2);
  restore_termios();
}

/* ---- signal keys ---- */

/* A child in a group of its own in the foreground reads; the keys of `step`
 * come; returns its wait status. */
static int fg_child_reading(const char* step, int handle) {
  clear_shared();
  int c = fork();
  if (c == 0) {
    setpgid_(0, 0);
    if (handle) signal_action(SIGINT, on_sig, 0, 0, 0);
    while (get_fg() != getpid()) sleep_ms(1);
    keys(step);
    char buf[32];
    long n = read(0, buf, sizeof buf);
    _exit(n == -EINTR ? 42 : 43);
  }
  setpgid_(c, c);
  set_fg(c);
  int st = 0;
  waitr(c, &st, 0);
  newline();
  set_fg(getpgid_(0));
  return st;
}

static void t_keysig(void) {
  int st = fg_child_reading("intr", 0); /* "\x03" */
  UT_CHECK("sigint", WIFSIGNALED(st) && WTERMSIG(st) == SIGINT);
  st = fg_child_reading("quit", 0); /* "\x1c" */
  UT_CHECK("sigquit", WIFSIGNALED(st) && WTERMSIG(st) == SIGQUIT);
  st = fg_child_reading("intr_caught", 1); /* "\x03" */
  UT_CHECK("sigint_caught_eintr", WIFEXITED(st) && WEXITSTATUS(st) == 42);
  UT_EQ("handler_ran", g_sh[SIGINT], 1);
  UT_EQ("fg_back", get_fg(), getpgid_(0));
  /* ^C discards the line being typed (this process alone in the foreground). */
  signal_action(SIGINT, SIG_IGN_H, 0, 0, 0);
  setpgid_(0, 0);
  set_fg(getpid());
  keys("intr_flush"); /* "junk\x03ok\r" */
  char buf[16];
  long n = read(0, buf, sizeof buf);
  UT_CHECK("intr_flushes", n == 3 && memcmp(buf, "ok\n", 3) == 0);
  setpgid_(0, g_leader);
  set_fg(g_leader);
  /* A window size change: SIGWINCH to the foreground. */
  clear_shared();
  signal_action(SIGWINCH, on_sig, 0, 0, 0);
  struct kwinsize ws, ws2 = {30, 90, 0, 0};
  ioctl(0, TIOCGWINSZ, &ws);
  ioctl(0, TIOCSWINSZ, &ws2);
  ioctl(0, TIOCSWINSZ, &ws);
  UT_EQ("sigwinch", g_sh[SIGWINCH], 2);
}

/* ---- stop and continue ---- */

static int g_chld;
static void on_chld(int sig) {
  (void)sig;
  ++g_chld;
}

/* A child spinning in a group of its own: not orphaned (its parent is in
 * another group of the session), so SIGTSTP stops it. The suite's own group
 * is orphaned: its leader's parent is init, of another session. */
static void spin_child(void) {
  setpgid_(0, 0);
  signal_action(SIGCONT, on_sig, 0, 0, 0);
  for (;;) __atomic_add_fetch(&g_sh[100], 1, __ATOMIC_RELAXED);
}

static void t_stopcont(void) {
  clear_shared();
  g_chld = 0;
  signal_action(SIGCHLD, on_chld, 0, 0, 0);
  int c = fork();
  if (c == 0) spin_child();
  setpgid_(c, c);
  while (g_sh[100] == 0) sleep_ms(1);
  int st = 0;
  UT_EQ("sigstop", kill_(c, SIGSTOP), 0);
  UT_EQ("wuntraced", waitr(c, &st, WUNTRACED), c);
  UT_EQ("stopped_status", st, 0x7f | (SIGSTOP << 8));
  UT_EQ("reported_once", waitr(c, &st, WUNTRACED | WNOHANG), 0);
  long before = g_sh[100];
  sleep_ms(50);
  UT_EQ("stays_stopped", g_sh[100], before);
  UT_CHECK("sigchld_on_stop", g_chld >= 1);
  int chld = g_chld;
  UT_EQ("no_wcontinued_yet", waitr(c, &st, WCONTINUED | WNOHANG), 0);
  UT_EQ("sigcont", kill_(c, SIGCONT), 0);
  UT_EQ("wcontinued", waitr(c, &st, WCONTINUED), c);
  UT_EQ("continued_status", st, 0xffff);
  for (int i = 0; i < 200 && (g_sh[SIGCONT] == 0 || g_chld == chld); ++i) sleep_ms(5);
  UT_EQ("sigcont_delivered", g_sh[SIGCONT], 1);
  UT_CHECK("sigchld_on_continue", g_chld > chld);
  before = g_sh[100];
  sleep_ms(50);
  UT_CHECK("runs_again", g_sh[100] != before);
  /* SIGTSTP with its default action stops it too; SIGCONT to a running
   * process changes nothing but is delivered. */
  UT_EQ("sigtstp", kill_(c, SIGTSTP), 0);
  UT_EQ("tstp_wuntraced", waitr(c, &st, WUNTRACED), c);
  UT_EQ("tstp_status", st, 0x7f | (SIGTSTP << 8));
  /* SIGKILL ends a stopped process. */
  UT_EQ("sigkill_stopped", kill_(c, SIGKILL), 0);
  UT_EQ("killed", waitr(c, &st, 0), c);
  UT_CHECK("killed_status", WIFSIGNALED(st) && WTERMSIG(st) == 9);

  /* SA_NOCLDSTOP: no SIGCHLD for a stop. */
  signal_action(SIGCHLD, on_chld, SA_NOCLDSTOP, 0, 0);
  g_chld = 0;
  c = fork();
  if (c == 0) spin_child();
  setpgid_(c, c);
  kill_(c, SIGSTOP);
  UT_EQ("nocldstop_wait", waitr(c, &st, WUNTRACED), c);
  sleep_ms(20);
  UT_EQ("nocldstop", g_chld, 0);
  kill_(c, SIGKILL);
  waitr(c, &st, 0);
  UT_EQ("nocldstop_sigchld_on_exit", g_chld, 1);
  signal_action(SIGCHLD, SIG_DFL_H, 0, 0, 0);
}

/* Every LWP of a stopped process stops. */
static volatile long g_lwp_count;
static void lwp_spin(void* arg) {
  (void)arg;
  for (;;) __atomic_add_fetch(&g_sh[101], 1, __ATOMIC_RELAXED);
}
static void lwps_child(void) {
  static char stack[2][16384] __attribute__((aligned(16)));
  for (int i = 0; i < 2; ++i) {
    struct lwp_params lp = {(void*)lwp_spin, 0, stack[i] + sizeof stack[i], 0, 0};
    syscall1(SYS_lwp_create, (long)&lp);
  }
  spin_child();
}

static void t_stop_lwps(void) {
  clear_shared();
  int c = fork();
  if (c == 0) lwps_child();
  setpgid_(c, c);
  while (g_sh[100] == 0 || g_sh[101] == 0) sleep_ms(1);
  int st;
  kill_(c, SIGSTOP);
  UT_EQ("lwps_stopped", waitr(c, &st, WUNTRACED), c);
  long a = g_sh[100], b = g_sh[101];
  sleep_ms(60);
  UT_CHECK("all_lwps_stay", g_sh[100] == a && g_sh[101] == b);
  kill_(c, SIGCONT);
  sleep_ms(60);
  UT_CHECK("all_lwps_run", g_sh[101] != b);
  kill_(c, SIGSTOP);
  UT_EQ("lwps_stopped_again", waitr(c, &st, WUNTRACED), c);
  UT_EQ("lwps_kill", kill_(c, SIGKILL), 0);
  UT_EQ("lwps_killed", waitr(c, &st, 0), c);
  UT_CHECK("lwps_killed_status", WIFSIGNALED(st) && WTERMSIG(st) == 9);
  /* wait4 without WUNTRACED does not see a stop. */
  c = fork();
  if (c == 0) spin_child();
  setpgid_(c, c);
  kill_(c, SIGSTOP);
  sleep_ms(30);
  UT_EQ("plain_wait_ignores_stop", waitr(c, &st, WNOHANG), 0);
  /* A report that cannot be written stays to be reported. */
  UT_EQ("wait_efault", waitr(c, BAD_ADDR, WUNTRACED), -EFAULT);
  UT_EQ("wait_report_kept", waitr(c, &st, WUNTRACED), c);
  UT_EQ("wait_report_kept_status", st, 0x7f | (SIGSTOP << 8));
  kill_(c, SIGKILL);
  UT_EQ("plain_wait_kill", waitr(c, &st, 0), c);
}

/* ---- a stop key, a background read ---- */

static void t_tstp_key(void) {
  clear_shared();
  int c = fork();
  if (c == 0) {
    setpgid_(0, 0);
    while (get_fg() != getpid()) sleep_ms(1);
    keys("susp"); /* "\x1a" */
    char buf[32];
    long n = read(0, buf, sizeof buf); /* stopped in here; goes on once continued */
    _exit(n == 6 && memcmp(buf, "after\n", 6) == 0 ? 0 : 1);
  }
  setpgid_(c, c);
  set_fg(c);
  int st = 0;
  int r = waitr(c, &st, WUNTRACED);
  newline();
  UT_EQ("susp_stops", r, c);
  UT_EQ("susp_status", st, 0x7f | (SIGTSTP << 8));
  UT_EQ("susp_cont", kill_(c, SIGCONT), 0);
  UT_EQ("susp_wcontinued", waitr(c, &st, WCONTINUED), c);
  keys("after"); /* "after\r" */
  UT_EQ("susp_read_goes_on", waitr(c, &st, 0), c);
  UT_EQ("susp_read_status", st, 0);
  set_fg(getpgid_(0));
}

static void t_ttin(void) {
  /* A background group's read: SIGTTIN stops it; in the foreground its read goes on. */
  int c = fork();
  if (c == 0) {
    setpgid_(0, 0);
    char buf[32];
    long n = read(0, buf, sizeof buf);
    _exit(n == 3 && memcmp(buf, "fg\n", 3) == 0 ? 0 : 1);
  }
  setpgid_(c, c);
  int st = 0;
  UT_EQ("ttin_stops", waitr(c, &st, WUNTRACED), c);
  UT_EQ("ttin_status", st, 0x7f | (SIGTTIN << 8));
  UT_EQ("ttin_to_fg", set_fg(c), 0);
  kill_(c, SIGCONT);
  keys("fg"); /* "fg\r" */
  UT_EQ("ttin_read", waitr(c, &st, 0), c);
  UT_EQ("ttin_read_status", st, 0);
  set_fg(getpgid_(0));

  /* SIGTTIN ignored or blocked: -EIO. A caught SIGTTIN: -EINTR after the handler. */
  c = fork();
  if (c == 0) {
    setpgid_(0, 0);
    char buf[8];
    int r = 0;
    signal_action(SIGTTIN, SIG_IGN_H, 0, 0, 0);
    if (read(0, buf, sizeof buf) != -EIO) r |= 1;
    signal_action(SIGTTIN, SIG_DFL_H, 0, 0, 0);
    block(SIGTTIN, 1);
    if (read(0, buf, sizeof buf) != -EIO) r |= 2;
    block(SIGTTIN, 0);
    signal_action(SIGTTIN, on_sig, 0, 0, 0);
    if (read(0, buf, sizeof buf) != -EINTR) r |= 4;
    if (g_sh[SIGTTIN] != 1) r |= 8;
    /* A background write goes out unless TOSTOP. */
    if (write(1, "", 0) != 0) r |= 16;
    _exit(r);
  }
  clear_shared();
  setpgid_(c, c);
  UT_EQ("ttin_eio_eintr", waitr(c, &st, 0), c);
  UT_EQ("ttin_eio_eintr_status", st, 0);

  /* TOSTOP: a background write stops on SIGTTOU, unless SIGTTOU is blocked;
   * continued in the background, it stops again. */
  struct ktermios t = g_saved;
  t.lflag |= TOSTOP;
  ioctl(0, TCSETS, &t);
  c = fork();
  if (c == 0) {
    setpgid_(0, 0);
    static const char kLine[] = "UTEST-INFO ttin: a background write with SIGTTOU blocked\n";
    block(SIGTTOU, 1);
    long r = write(1, kLine, sizeof kLine - 1);
    block(SIGTTOU, 0);
    if (r != (long)sizeof kLine - 1) _exit(1);
    write(1, "x", 1); /* stops */
    _exit(0);
  }
  setpgid_(c, c);
  UT_EQ("ttou_stops", waitr(c, &st, WUNTRACED), c);
  UT_EQ("ttou_status", st, 0x7f | (SIGTTOU << 8));
  kill_(c, SIGCONT);
  UT_EQ("ttou_stops_again", waitr(c, &st, WUNTRACED), c);
  kill_(c, SIGKILL);
  waitr(c, &st, 0);
  UT_CHECK("ttou_killed", WIFSIGNALED(st) && WTERMSIG(st) == 9);
  restore_termios();
  /* Changing the settings from the background: SIGTTOU, TOSTOP or not. */
  c = fork();
  if (c == 0) {
    setpgid_(0, 0);
    ioctl(0, TCSETS, &g_saved);
    _exit(0);
  }
  setpgid_(c, c);
  UT_EQ("ttou_tcsets_stops", waitr(c, &st, WUNTRACED), c);
  UT_EQ("ttou_tcsets_status", st, 0x7f | (SIGTTOU << 8));
  UT_EQ("ttou_tcsets_to_fg", set_fg(c), 0);
  kill_(c, SIGCONT);
  UT_EQ("ttou_tcsets_done", waitr(c, &st, 0), c);
  UT_EQ("ttou_tcsets_status_fg", st, 0);
  set_fg(getpgid_(0));
}

/* ---- orphaned process groups ---- */

static void t_orphan(void) {
  clear_shared();
  /* A middle process forks a grandchild into a group of its own, which stops
   * itself; the middle process exits: the group is orphaned with a stopped
   * member, and gets SIGHUP and SIGCONT. */
  int mid = fork();
  if (mid == 0) {
    int g = fork();
    if (g == 0) {
      setpgid_(0, 0);
      signal_action(SIGHUP, on_sig, 0, 0, 0);
      signal_action(SIGCONT, on_sig, 0, 0, 0);
      g_sh[110] = getpid();
      kill_(getpid(), SIGSTOP);
      /* Continued: orphaned now. A stop from the terminal's signals is discarded... */
      kill_(getpid(), SIGTSTP);
      g_sh[111] = 1;
      /* ... and a background read is an error. */
      char buf[4];
      g_sh[112] = read(0, buf, sizeof buf);
      _exit(0);
    }
    setpgid_(g, g);
    int st;
    waitr(g, &st, WUNTRACED);
    _exit(0);
  }
  int st;
  UT_EQ("middle_exits", waitr(mid, &st, 0), mid);
  for (int i = 0; i < 500 && !g_sh[111]; ++i) sleep_ms(10);
  UT_EQ("orphan_sighup", g_sh[SIGHUP], 1);
  UT_EQ("orphan_sigcont", g_sh[SIGCONT], 1);
  UT_EQ("orphan_tstp_discarded", g_sh[111], 1);
  for (int i = 0; i < 500 && !g_sh[112]; ++i) sleep_ms(10);
  UT_EQ("orphan_read_eio", g_sh[112], -EIO);
  UT_CHECK("orphan_reaped", gone((int)g_sh[110]));
  /* SIGSTOP still stops an orphaned process; SIGKILL ends it. */
  clear_shared();
  mid = fork();
  if (mid == 0) {
    int g = fork();
    if (g == 0) {
      setpgid_(0, 0);
      g_sh[110] = getpid();
      for (;;) __atomic_add_fetch(&g_sh[100], 1, __ATOMIC_RELAXED);
    }
    _exit(0);
  }
  waitr(mid, &st, 0);
  while (!g_sh[110] || !g_sh[100]) sleep_ms(1);
  int g = (int)g_sh[110];
  kill_(g, SIGTSTP); /* discarded: orphaned */
  sleep_ms(30);
  long a = g_sh[100];
  sleep_ms(30);
  UT_CHECK("orphan_tstp_runs", g_sh[100] != a);
  kill_(g, SIGSTOP);
  sleep_ms(50);
  a = g_sh[100];
  sleep_ms(50);
  UT_EQ("orphan_sigstop_stops", g_sh[100], a);
  kill_(g, SIGKILL);
  UT_CHECK("orphan_killed", gone(g));
}

/* ---- hostile callers ---- */

static void t_hostile(void) {
  /* Every request number near the terminal's with bad pointers. */
  int odd = 0;
  for (unsigned long req = 0x5400; req < 0x5440; ++req) {
    if (req == TIOCSCTTY || req == TIOCNOTTY || req == TCFLSH || req == 0x5409 || req == 0x540a)
      continue;
    long r = ioctl(0, req, BAD_ADDR);
    if (r != -EFAULT && r != -ENOTTY && r != -EINVAL && r != 0) ++odd;
  }
  UT_EQ("bad_pointers", odd, 0);
  /* Settings nobody would choose: every bit, every character NUL or 0xff. */
  struct ktermios t;
  memset(&t, 0xff, sizeof t);
  UT_EQ("all_bits", ioctl(0, TCSETS, &t), 0);
  memset(&t, 0, sizeof t);
  UT_EQ("no_bits", ioctl(0, TCSETS, &t), 0);
  char buf[4];
  UT_EQ("no_cread_read", read(0, buf, sizeof buf), 0); /* VMIN 0, VTIME 0 */
  restore_termios();
  struct ktermios back;
  ioctl(0, TCGETS, &back);
  UT_CHECK("restored", memcmp(&back, &g_saved, sizeof back) == 0);
  /* A terminal's foreground group that goes away. */
  int c = fork();
  if (c == 0) {
    setpgid_(0, 0);
    _exit(0);
  }
  setpgid_(c, c);
  set_fg(c);
  waitr(c, 0, 0);
  UT_EQ("fg_gone_tiocgpgrp", get_fg(), c);
  UT_EQ("fg_back", set_fg(getpgid_(0)), 0);
}

static const struct {
  const char* name;
  void (*fn)(void);
} kTests[] = {
    {"ioctls", t_ioctls},     {"sessions", t_sessions},
    {"steal", t_steal},       {"canon", t_canon},
    {"raw", t_raw},           {"keysig", t_keysig},
    {"stopcont", t_stopcont}, {"stop_lwps", t_stop_lwps},
    {"tstp_key", t_tstp_key}, {"ttin", t_ttin},
    {"orphan", t_orphan},     {"hostile", t_hostile},
};

int main(int argc, char** argv) {
  g_leader = getpid();
  g_sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  clear_shared(); /* its page is there before the first test measures */
  /* The suite's process leads its session (init made it): the console
   * becomes its controlling terminal. */
  g_sctty = ioctl(0, TIOCSCTTY, 0);
  ioctl(0, TCGETS, &g_saved);
  ut_init();
  for (unsigned i = 0; i < sizeof kTests / sizeof kTests[0]; ++i) {
    int run = argc < 2;
    for (int a = 1; a < argc; ++a)
      if (strcmp(argv[a], kTests[i].name) == 0) run = 1;
    if (!run) continue;
    ut_run(kTests[i].name, kTests[i].fn);
    /* Whatever a test did, the suite's leader has the terminal back. */
    ioctl(0, TIOCSCTTY, 0);
    set_fg(getpgid_(0));
    ioctl(0, TCSETS, &g_saved);
  }
  return ut_finish();
}
