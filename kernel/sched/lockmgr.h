// Shared/exclusive sleep locks in DragonFly's lockmgr shape (the seed takes a
// process group's lock with lockmgr(&pgrp->pg_lock, LK_SHARED) and releases it
// with LK_RELEASE):
//
//   struct lock l;  lockinit(&l, "pgrp", 0, 0);
//   lockmgr(&l, LK_SHARED) / lockmgr(&l, LK_EXCLUSIVE) / lockmgr(&l, LK_RELEASE)
//
// Any number of shared holders or one exclusive holder, phase-fair: a shared
// request waits while an exclusive request waits, so a stream of readers
// cannot starve a writer (a thread that already holds it shared must
// therefore not ask for it shared again while a writer may be waiting), and
// the end of an exclusive hold hands a share to every reader waiting then,
// before the next writer, so a stream of writers cannot starve readers; a
// release that hands readers nothing keeps the lock for a waiting writer, so
// a writer asking again at once cannot starve another. The
// exclusive holder may take it again (shared or exclusive) when the lock or
// the request has LK_CANRECURSE; its shared requests then count as exclusive
// recursion. Thread context only, no spinlock held; the interlock is a spinlock
// of rank kRankSyncObject.
#pragma once
#include <stdint.h>

#include "kernel/sync/spinlock.h"
#include "kernel/uapi/error_numbers.h"

struct Thread;

// Requests (one of), DragonFly's values.
inline constexpr unsigned LK_SHARED = 0x00000001;
inline constexpr unsigned LK_EXCLUSIVE = 0x00000002;
inline constexpr unsigned LK_RELEASE = 0x00000006;
inline constexpr unsigned LK_UPGRADE = 0x00000003;    // shared -> exclusive (may sleep; failing,
                                                      // it leaves no hold at all)
inline constexpr unsigned LK_DOWNGRADE = 0x00000005;  // exclusive -> shared
inline constexpr unsigned LK_TYPE_MASK = 0x0000000f;
// Modifiers.
inline constexpr unsigned LK_NOWAIT = 0x00000010;      // EBUSY instead of sleeping
inline constexpr unsigned LK_CANRECURSE = 0x00000040;  // the exclusive holder may re-take it
inline constexpr unsigned LK_PCATCH = 0x04000000;      // interruptible sleep (EINTR)
inline constexpr unsigned LK_TIMELOCK = 0x00100000;    // sleep at most the lock's timo ticks

extern LockClass g_lockmgr_class;

struct lock {
  SpinLock interlock{g_lockmgr_class};
  const char* wmesg = "lock";
  int timo = 0;
  unsigned flags = 0;       // LK_CANRECURSE, LK_PCATCH, LK_TIMELOCK given at lockinit
  unsigned shared = 0;      // shared holders
  Thread* owner = nullptr;  // exclusive holder
  unsigned recursion = 0;   // extra exclusive acquisitions by owner
  unsigned excl_waiters = 0;
  unsigned shared_waiters = 0;
  uint64_t reader_grants = 0;  // ends of exclusive holds that handed waiting readers a share
  bool excl_handoff = false;   // released with writers waiting: kept for one of them
};

void lockinit(struct lock* l, const char* wmesg, int timo, unsigned flags);
// 0 on success; EBUSY (LK_NOWAIT), EINTR (LK_PCATCH), EWOULDBLOCK (LK_TIMELOCK).
int lockmgr(struct lock* l, unsigned flags);
// LK_EXCLUSIVE if td holds it exclusively, LK_SHARED if it is held shared (by
// anyone: shared holders are not tracked), else 0.
unsigned lockstatus(struct lock* l, Thread* td);
