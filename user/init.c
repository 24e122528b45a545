/* init, process 1. Runs the program the kernel was told to start (init=PROGRAM,
 * its arguments after a lone "--") as the leader of a session of its own, and
 * reaps every process that becomes its child: that program, and the orphans
 * and RFNOWAIT children the kernel gives to init. When the program ends, init
 * collects whatever has already exited and ends the same way (the exit
 * status, or death by the same signal), so the kernel's "init exited" line
 * reports the program. */
#include "tine.h"

enum { SIG_DFL_ = 0, SIG_IGN_ = 1 };

static void set_action(int sig, long handler) {
  uint64_t act[4] = {(uint64_t)handler, 0, 0, 0}; /* handler, flags, restorer, mask */
  syscall4(SYS_rt_sigaction, sig, (long)act, 0, 8);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    printf("init: no program to run\n");
    return 127;
  }
  int pid = fork();
  if (pid < 0) {
    printf("init: cannot fork (error %d)\n", -pid);
    return 127;
  }
  if (pid == 0) {
    /* A session of its own with the console as its controlling terminal, as
     * a getty gives a login shell: a shell's job control needs one. */
    syscall0(SYS_setsid);
    syscall3(29, 0, 0x540e, 0); /* ioctl(0, TIOCSCTTY, 0) */
    int err = execve(argv[1], argv + 1, environ);
    if (err == -ENOENT && !strchr(argv[1], '/') && strlen(argv[1]) < 250) {
      /* A bare name is a program of /bin's (PATH=/bin). Built without
       * printf: FP/SIMD registers touched here would be the new program's
       * to carry (and every fork of it to save and restore). */
      char path[256];
      /* strlcpy ends the string. NOLINTNEXTLINE(bugprone-not-null-terminated-result) */
      memcpy(path, "/bin/", 5);
      strlcpy(path + 5, argv[1], sizeof path - 5);
      err = execve(path, argv + 1, environ);
    }
    printf("init: cannot run %s (error %d)\n", argv[1], -err);
    _exit(127);
  }
  /* Signals that would end init and with it the system: the exit signal
   * of an adopted RFLINUXTHPN child (SIGUSR1), a stray group signal. Set in
   * init only (the program starts with the default actions). */
  static const int kIgnored[] = {1, 2, 3, 10, 12, 13, 14, 15};
  for (unsigned i = 0; i < sizeof kIgnored / sizeof kIgnored[0]; ++i)
    set_action(kIgnored[i], SIG_IGN_);
  int status = 0;
  for (;;) {
    int st = 0;
    int w = wait4(-1, &st, __WALL, 0); /* children of every exit signal */
    if (w == pid) {
      status = st;
      break;
    }
    if (w < 0 && w != -EINTR) {
      printf("init: wait4 failed (error %d)\n", -w);
      return 127;
    }
  }
  while (wait4(-1, 0, WNOHANG | __WALL, 0) > 0) {
  }
  if (WIFSIGNALED(status)) {
    set_action(WTERMSIG(status), SIG_DFL_);
    syscall2(SYS_kill, getpid(), WTERMSIG(status));
    return 128 + WTERMSIG(status); /* a signal whose default is to be ignored */
  }
  return WEXITSTATUS(status);
}
