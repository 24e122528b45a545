// Waiting for children: the one machinery wait4 and waitid share
// (kernel/proc/wait.cpp). A child is chosen by id (all, one pid, one process
// group) and kind (__WCLONE, __WALL); a report is an exit (WEXITED), a stop
// (WSTOPPED) or a continue (WCONTINUED); WNOWAIT leaves it to be reported
// again; WNOHANG answers 0 rather than sleep.
#pragma once
#include <stdint.h>

#include "kernel/proc/proc.h"

// Linux's wait options (include/uapi/linux/wait.h).
namespace wopt {
inline constexpr int kNohang = 1, kStopped = 2, kExited = 4, kContinued = 8;
inline constexpr int kNowait = 0x01000000;
inline constexpr int kNothread = 0x20000000;                  // __WNOTHREAD
inline constexpr int kAll = 0x40000000;                       // __WALL
inline constexpr int kClone = static_cast<int>(0x80000000u);  // __WCLONE
}  // namespace wopt

// Which children: every one, the one with pid id, or the members of group id
// (0: the caller's).
enum class WaitIdType { kAll, kPid, kPgid };
struct WaitSpec {
  WaitIdType type;
  int id;
  int options;  // Linux's, checked by the caller; at least one of WEXITED, WSTOPPED, WCONTINUED
};

// One report about one child.
struct WaitReport {
  int pid;       // the child's
  uint32_t uid;  // its real uid
  int wstatus;   // as wait4 gives it: an exit (code << 8, or the signal), 0x7f | sig << 8 (a
                 // stop), 0xffff (a continue)
  CpuUse use;    // its CPU use, its reaped children's included
};

// Hands a report to the caller's program, with no lock held, before the report
// is used up (the child reaped, its stop or continue report cleared): 0 uses
// it up, an error (-EFAULT) leaves it to be reported again and is returned.
using WaitDeliver = int (*)(const WaitReport& r, void* ctx);

// The first child that w selects with something to report: delivers it and
// returns its pid; 0 with WNOHANG when nothing is ready; -ECHILD when no child
// is selected; -ERESTARTSYS when a signal is to be delivered while it sleeps.
int64_t wait_children(const WaitSpec& w, WaitDeliver deliver, void* ctx);

// Frees a zombie its waiter took off its parent's list (kernel/proc/exit.cpp).
void proc_reap(Proc* p);

// struct rusage (arm64, 144 bytes) of a CPU use, written to the program
// (kernel/proc/rusage.cpp): 0 or -EFAULT.
inline constexpr uint64_t kRusageSize = 144;
int rusage_copyout(const CpuUse& u, uint64_t uaddr);
