// The console: the board's serial port, for kprintf and a line of input.
#pragma once
#include <stddef.h>

void console_init();         // output works from here on; what came before is written now
void console_start_input();  // after interrupts are up: receive by IRQ
void console_panic_mode();
// Writes this CPU's unfinished line now (prompts, echo); otherwise a line waits for its '\n'.
void console_flush();  // write without the lock from now on (stopped CPUs may hold it)

// Bytes as they are (no '\n' to "\r\n"), after this CPU's unfinished kprintf
// line: the terminal's output, whose line discipline did the processing.
void console_write_raw(const char* s, size_t n);

int console_trygetc();  // a received byte, or -1
int console_getc();     // waits (in wfi) for a byte
// Sleeps until a byte arrives and returns it, or -EINTR when the thread is
// interrupted (a signal to deliver, or its process ends).
int console_getc_wait();
// Bytes received and not yet read.
int console_rx_count();
// fn runs (in the receive interrupt) after each byte arrives: what waits for
// input beyond console_getc_wait (poll) is told through it.
void console_set_rx_notify(void (*fn)());
