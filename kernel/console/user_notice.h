// Console lines that a user program can cause (its fatal faults, a signal
// frame that does not fit, a bad rt_sigreturn) go out at most kBurst in each
// kWindowNs, as Linux's printk_ratelimit: a program crashing in a loop could
// otherwise keep the console (a spinlock held while the UART takes each
// byte, 7 ms a line at 115,200 baud on the board) and everyone's output
// behind it. The lines held back are counted, and said in one line when the
// next window lets a line through.
#pragma once
#include <stdint.h>

inline constexpr unsigned kUserNoticeBurst = 10;
inline constexpr uint64_t kUserNoticeWindowNs = 5000000000ull;

// Prints a line about a user program (kprintf's format), or counts it.
void user_notice(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
