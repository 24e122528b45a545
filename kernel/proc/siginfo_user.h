// siginfo_t as Linux arm64 programs read it (the generic layout, 128 bytes):
// what a handler's frame carries and what rt_sigtimedwait writes back.
#pragma once
#include <stdint.h>

#include "kernel/lib/string.h"
#include "kernel/proc/proc.h"

struct LinuxSiginfo {
  int32_t signo;
  int32_t err;
  int32_t code;
  int32_t pad0;
  int32_t pid;  // kill, tgkill, SIGCHLD
  uint32_t uid;
  int32_t status;  // SIGCHLD
  int32_t pad1;
  int64_t utime;  // SIGCHLD
  int64_t stime;
  uint8_t rest[80];
};
static_assert(sizeof(LinuxSiginfo) == 128);

// The fields tine keeps for a pending signal, the rest zero (as Linux
// clears the kernel's siginfo before filling it).
inline LinuxSiginfo siginfo_to_user(int sig, const SigInfo& si) {
  LinuxSiginfo u;
  tine_memset(&u, 0, sizeof u);
  u.signo = sig;
  u.code = si.code;
  u.pid = si.pid;
  u.uid = si.uid;
  u.status = si.status;
  u.pad1 = static_cast<int32_t>(si.value_hi);  // si_value's high half
  return u;
}
