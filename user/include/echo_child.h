/* The far end of a pipe ping-pong, for the tests and benchmarks that check
 * or time round trips through pipes. */
#ifndef TINE_USER_ECHO_CHILD_H
#define TINE_USER_ECHO_CHILD_H

/* Forks a child that writes every byte it reads from `there` back into
 * `back` until `there` ends, then exits 0. The caller keeps there[1] and
 * back[0] (the other ends are closed here); returns fork's result. */
int fork_echo_child(int there[2], int back[2]);

#endif
