/* The far end of a pipe ping-pong (echo_child.h). */
#include "echo_child.h"

#include "tine.h"

int fork_echo_child(int there[2], int back[2]) {
  int pid = fork();
  if (pid == 0) {
    close(there[1]); /* else its own write end keeps the pipe from ending */
    close(back[0]);
    char c;
    while (read(there[0], &c, 1) == 1) write(back[1], &c, 1);
    _exit(0);
  }
  close(there[0]);
  close(back[1]);
  return pid;
}
