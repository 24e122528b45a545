// Pieces of panic() that the architecture's fatal-exception path reuses.
#pragma once
#include <stdint.h>

inline constexpr int kPanicExitStatus = 101;  // QEMU's exit status after a panic (semihost_exit=1)

// Claims the panic for this CPU and stops the others; false if this CPU was already panicking.
bool panic_begin();
void backtrace_print(uint64_t fp);
[[noreturn]] void panic_end();
