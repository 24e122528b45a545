// The kernel's log: every kprintf line since boot, as far as a ring of
// kKlogSize bytes holds them (the oldest lines go first), for syslog(2)
// (dmesg). Each line is kept as Linux's syslog gives it: "<6>[ seconds.micros] text\n".
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/syscall/syscall.h"

inline constexpr size_t kKlogSize = 64 * 1024;

// A line of the console's (its '\n' included, or cut at the console's line
// length), stamped with now_ns. Any context: a leaf spinlock; before the
// CPUs are up (`early`) the boot CPU alone, with no lock.
void klog_append(const char* s, size_t n, uint64_t now_ns, bool early);

// The log's last n bytes at most (a kernel reader's: the ktests), into out;
// how many.
size_t klog_tail(char* out, size_t n);

// syslog(type, buf, len) (docs/user-abi.md).
int64_t sys_syslog(const SyscallArgs& a);
