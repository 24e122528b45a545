// Job control in the process layer: stopping and continuing a process (all
// its LWPs), the stop and continue reports wait4 gives with WUNTRACED and
// WCONTINUED, and orphaned process groups (POSIX; FreeBSD's kern_sig.c stop
// handling in spirit).
//
// A stop signal (SIGSTOP, or SIGTSTP, SIGTTIN, SIGTTOU whose action is
// SIG_DFL) is posted like any other and taken by an LWP on its way out to
// EL0 (or inside a wait that may stop, jobctl_stop_in_wait): the process
// becomes stopped (P_STOPPED, one of proc.h's p_flag bits), its other LWPs
// are interrupted and each parks at its next way out. Once every LWP is
// parked the stop is complete: the parent gets SIGCHLD (unless it set
// SA_NOCLDSTOP) and a report for WUNTRACED. SIGCONT clears P_STOPPED and
// wakes the parked LWPs; the first one up sends the parent SIGCHLD and
// leaves a report for WCONTINUED.
// SIGKILL and the process's exit wake them too (without a report).
//
// Locks: the state below is Proc::spin's; the parked LWPs sleep on
// &p->core.p_tids (the channel exit's wakeups use) with it as interlock.
// The reports are read and claimed under the tree lock (to read), the
// parent's kids lock, then Proc::spin.
#pragma once
#include <stdint.h>

struct Proc;
struct Lwp;
struct Pgrp;

struct ProcJob {
  uint8_t xsig;      // the signal that stopped it
  bool full;         // every LWP parked: the stop is complete (and was reported to the parent)
  bool stop_report;  // a stop wait4(WUNTRACED) has not reported yet
  bool cont_report;  // a continue wait4(WCONTINUED) has not reported yet
  bool cont_notify;  // continued: the first LWP up tells the parent
  int nparked;       // LWPs asleep in the stop
};

namespace psig {
inline constexpr int kQuit = 3, kTstp = 20, kTtin = 21, kTtou = 22;
// The signals whose default action stops the process.
inline constexpr bool default_stops(int sig) {
  return sig == 19 || sig == kTstp || sig == kTtin || sig == kTtou;
}
}  // namespace psig

// proc_signal's first step (p->spin held, p not a zombie): SIGCONT continues
// a stopped process and drops pending stop signals; a stop signal drops a
// pending SIGCONT; SIGKILL lets a stopped process run to its end. Returns
// what proc_signal does with sig next.
enum class JcPost { kNormal, kDrop, kForce };
JcPost jobctl_post_slow_locked(Proc* p, int sig);
inline JcPost jobctl_post_locked(Proc* p, int sig) {
  if (sig != 9 && sig != 18 && !psig::default_stops(sig)) return JcPost::kNormal;  // SIGCHLD, ...
  return jobctl_post_slow_locked(p, sig);
}

// On the way out to EL0: sig (a stop signal with SIG_DFL, pending) is taken
// and the process stops, unless a SIGCONT got there first or sig is a
// terminal stop (SIGTSTP, SIGTTIN, SIGTTOU) for an orphaned group, which is
// discarded. Returns once the process is continued (or must end).
void jobctl_stop(Lwp* lp, int sig);
// An LWP of a stopped process parks here until it is continued or must end.
void jobctl_park(Lwp* lp);
// For a wait a signal may end (tty and FIFO waits, sigsuspend, nanosleep,
// poll): if no pending signal this LWP would take (the process's or its own)
// has a handler or ends the process, true is returned and the wait goes on;
// a stop signal among them first stops the process here until it is
// continued. False when the wait must end (-ERESTARTSYS, -EINTR). A signal
// posted after the look interrupts the next sleep.
bool jobctl_stop_in_wait();

// wait4 and waitid (the tree lock held to read, and the parent's kids lock),
// for a child c that is not a zombie: a stop (WUNTRACED) or continue
// (WCONTINUED) report, claimed (left in place with WNOWAIT), with its wait
// status (0x7f | sig << 8, or 0xffff).
// jobctl_wait_unclaim puts it back (EFAULT).
bool jobctl_wait_claim_locked(Proc* c, int options, int* status);
void jobctl_wait_unclaim(Proc* c, int status);

// Whether pg is orphaned (g_proctree_lock held): no member that has not
// exited has a parent in another group of the same session. `gone` (an
// exiting process) counts neither as a member nor as a parent.
bool pgrp_orphaned_locked(const Pgrp* pg, const Proc* gone);

// Exit (g_proctree_lock held, before p's children are handed to their heir):
// the groups p's exit orphans that have stopped members, at most max of
// their ids into pgids; returns how many. jobctl_hup_groups then sends each
// SIGHUP and SIGCONT, with no lock held.
int jobctl_exit_orphans_locked(Proc* p, int* pgids, int max);
void jobctl_hup_groups(const int* pgids, int n);
// Sends sig to group pgid as the kernel (no permission check).
int jobctl_signal_pgrp(int pgid, int sig);
