// panic(): print the reason, the registers and a backtrace, stop every CPU.
#pragma once

[[noreturn]] void panic(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

#define KASSERT(cond, ...)                                              \
  do {                                                                  \
    if (__builtin_expect(!(cond), 0))                                   \
      panic("assertion failed: %s (%s:%d)", #cond, __FILE__, __LINE__); \
  } while (0)
