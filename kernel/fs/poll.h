// Waiting for any of several files to become ready (ppoll, pselect6).
//
// One wait channel serves every poller: whatever may make a file ready (data
// into a pipe, a reader or writer gone, console input) calls poll_wakeup(),
// which bumps a generation count and, only while somebody polls, wakes the
// pollers, who look at their files again. A poller reads the generation
// before it looks and sleeps only if it has not moved since, so no wakeup is
// lost between its look and its sleep.
#pragma once
#include <stdint.h>

void poll_wakeup();

// For a poller: its turn to look (returns the generation to pass to
// poll_wait), and the wait itself: 0 when something may have changed,
// EWOULDBLOCK at the deadline (clock_ns; 0 = none), EINTR on a signal.
void poll_begin();
void poll_end();
uint64_t poll_generation();
int poll_wait(uint64_t seen, uint64_t deadline_ns);
