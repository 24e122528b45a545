/* conline: a line-mode stand-in for the console's line discipline, which the
 * console does not have yet. `conline PROGRAM ARGS...` runs PROGRAM with its
 * standard input a pipe that conline fills from the console a line at a time:
 * what is typed is echoed, Return ends a line (CR becomes LF), backspace and
 * DEL rub out, ^U clears the line, ^C sends SIGINT to the process group
 * (conline ignores it), ^D on an empty line ends the input. Standard output
 * and error stay on the console. conline ends as PROGRAM does.
 * `./tine run` starts busybox's shell under it. */
#include "tine.h"

enum { SIGINT = 2, SIGPIPE = 13, SYS_kill = 129, LINE = 1024 };

static volatile int g_child_done;
static void on_chld(int sig) {
  (void)sig;
  g_child_done = 1;
}

static int finish(int pid) {
  int st = 0;
  if (waitpid(pid, &st, 0) != pid) return 127;
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    printf("usage: conline PROGRAM [ARGS...]\n");
    return 2;
  }
  int fds[2];
  if (pipe2(fds, 0) < 0) return 127;
  signal_action(SIGCHLD, on_chld, 0, 0, 0);
  signal_action(SIGINT, SIG_IGN_H, 0, 0, 0);
  signal_action(SIGPIPE, SIG_IGN_H, 0, 0, 0);
  int pid = fork();
  if (pid < 0) return 127;
  if (pid == 0) {
    signal_action(SIGINT, SIG_DFL_H, 0, 0, 0);
    signal_action(SIGPIPE, SIG_DFL_H, 0, 0, 0);
    dup2(fds[0], 0);
    close(fds[0]);
    close(fds[1]);
    int r = execve(argv[1], argv + 1, environ);
    printf("conline: %s: error %d\n", argv[1], -r);
    _exit(127);
  }
  close(fds[0]);
  char line[LINE];
  int n = 0;
  while (!g_child_done) {
    char chunk[64];
    ssize_t r = read(0, chunk, sizeof chunk);
    if (r < 0 && r != -EINTR) break;
    for (ssize_t i = 0; i < r; ++i) {
      char c = chunk[i];
      if (c == '\r' || c == '\n') {
        write(1, "\r\n", 2);
        line[n++] = '\n';
        write(fds[1], line, (size_t)n);
        n = 0;
      } else if (c == 0x7f || c == 0x08) {
        if (n > 0) {
          --n;
          write(1, "\b \b", 3);
        }
      } else if (c == 0x15) { /* ^U */
        for (; n > 0; --n) write(1, "\b \b", 3);
      } else if (c == 0x03) { /* ^C */
        write(1, "^C\r\n", 4);
        n = 0;
        syscall2(SYS_kill, 0, SIGINT);
      } else if (c == 0x04) { /* ^D */
        if (n == 0) {
          close(fds[1]);
          return finish(pid);
        }
        write(fds[1], line, (size_t)n);
        n = 0;
      } else if ((unsigned char)c >= 0x20 && n < LINE - 1) {
        line[n++] = c;
        write(1, &c, 1);
      }
    }
  }
  close(fds[1]);
  return finish(pid);
}
