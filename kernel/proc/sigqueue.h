// Real-time signals queue (Linux's sigqueue for SIGRTMIN..SIGRTMAX): each
// sending of one is an instance of its own, with its own information, taken
// in the order sent; the standard signals (1-31) are pending or not, one
// SigInfo each (Proc::siginfo, Lwp::siginfo).
//
// A pending set (a process's, or one LWP's) keeps its real-time instances in
// one list, oldest first, under its process's Proc::spin; the set's bit for
// a real-time signal is set while an instance of it is listed, or one sent
// by kill whose information was lost (no room: Linux's rule). Each listed
// instance is charged to the receiver's real uid (Charge::kSignals), within
// the receiver's RLIMIT_SIGPENDING, and given back when it is taken, its
// signal becomes ignored, or the set goes (the LWP or the process is freed).
#pragma once
#include <stdint.h>

#include "kernel/proc/proc.h"

inline constexpr int kSigRtmin = 32;  // Linux's first real-time signal (glibc keeps 32-34)

struct SigQueued {
  SigQueued* next;
  uint32_t uid;  // charged to
  int sig;
  SigInfo info;
};

// Posts an instance of real-time signal sig to the set (queue q, bits
// *siglist) of process p (p->spin held): 0, or -EAGAIN when none may be
// listed (over the limits, or no memory) and info is not kill's (SI_USER),
// for which the bit alone is set, its information lost, as on Linux.
int sigq_post_locked(Proc* p, SigQueue* q, uint64_t* siglist, int sig, const SigInfo& info);
// Takes the oldest instance of sig from the set (its bit set; p->spin held):
// its information (kill's, with no sender, for a lost one), the bit cleared
// unless another is listed.
SigInfo sigq_take_locked(SigQueue* q, uint64_t* siglist, int sig);
// Moves the oldest instance of sig (its bit set in *from_list) from one set
// to another of the same process (p->spin held): last, or first (to_front:
// one given back, older than every other of its signal there).
void sigq_move_locked(SigQueue* from, uint64_t* from_list, SigQueue* to, uint64_t* to_list, int sig,
                      bool to_front = false);
// Drops every instance of sig (its action now ignores it), or of every
// signal (sig 0: the set goes), giving back their charges. p->spin held, or
// the set unreachable.
void sigq_flush(SigQueue* q, int sig);
