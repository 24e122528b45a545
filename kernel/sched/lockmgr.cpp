#include "kernel/sched/lockmgr.h"

#include "kernel/panic.h"
#include "kernel/sched/lock_ranks.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sleepq.h"
#include "kernel/thread/thread.h"

LockClass g_lockmgr_class("sync.lockmgr", kRankSyncObject);

namespace {

// Sleeps on the lock with its interlock held; returns with it held again.
int wait_locked(struct lock* l, unsigned flags) {
  unsigned sflags = (flags & LK_PCATCH) ? PCATCH : 0;
  int timo = (flags & LK_TIMELOCK) ? l->timo : 0;
  return ssleep(l, l->interlock, sflags, l->wmesg, timo);
}

int acquire_exclusive(struct lock* l, unsigned flags, Thread* me, bool& woke) {
  if (l->owner == me) {
    if (!(flags & LK_CANRECURSE)) panic("lockmgr %s: recursive exclusive lock", l->wmesg);
    ++l->recursion;
    return 0;
  }
  // A new request also waits while the lock is kept for a waiting writer
  // (excl_handoff), so that it cannot barge in ahead of one, again and again.
  if (!l->owner && !l->shared && !l->excl_handoff) {
    l->owner = me;
    return 0;
  }
  if (flags & LK_NOWAIT) return EBUSY;
  ++l->excl_waiters;
  for (;;) {
    int err = wait_locked(l, flags);
    if (!l->owner && !l->shared) {
      --l->excl_waiters;
      l->excl_handoff = false;  // taken by the writer it was kept for
      l->owner = me;
      return 0;
    }
    if (err) {
      --l->excl_waiters;
      if (l->excl_waiters == 0) {
        l->excl_handoff = false;
        if (l->shared_waiters) {
          wakeup(l);  // readers held back for us
          woke = true;
        }
      } else if (l->excl_handoff) {
        wakeup(l);  // the lock kept for a writer: one of the others takes it
        woke = true;
      }
      return err;
    }
  }
}

int acquire_shared(struct lock* l, unsigned flags, Thread* me) {
  if (l->owner == me) {
    // The exclusive holder asking again: recursion on the exclusive hold.
    if (!(flags & LK_CANRECURSE))
      panic("lockmgr %s: shared request by its exclusive holder", l->wmesg);
    ++l->recursion;
    return 0;
  }
  if (!l->owner && !l->excl_waiters) {
    ++l->shared;
    return 0;
  }
  if (flags & LK_NOWAIT) return EBUSY;
  uint64_t grants = l->reader_grants;
  ++l->shared_waiters;
  for (;;) {
    int err = wait_locked(l, flags);
    // Handed a share by an exclusive holder's release (grant_waiting_readers),
    // whatever ended the sleep: counted in `shared` already, no longer a waiter.
    if (l->reader_grants != grants) return 0;
    if (err) {
      --l->shared_waiters;
      return err;
    }
    if (!l->owner && !l->excl_waiters) {
      --l->shared_waiters;
      ++l->shared;
      return 0;
    }
  }
}

// The end of an exclusive hold: every reader waiting now gets its share
// before the next writer (which waits for them to finish), so that writers
// taking the lock back to back cannot starve readers, as readers cannot
// starve writers (a shared request waits while one waits). Interlock held.
bool grant_waiting_readers(struct lock* l) {
  if (!l->shared_waiters) return false;
  l->shared += l->shared_waiters;
  l->shared_waiters = 0;
  ++l->reader_grants;
  return true;
}

void release(struct lock* l, Thread* me, bool& woke) {
  bool granted = false;
  if (l->owner) {
    if (l->owner != me) panic("lockmgr %s: released by a thread that does not hold it", l->wmesg);
    if (l->recursion) {
      --l->recursion;
      return;
    }
    l->owner = nullptr;
    granted = grant_waiting_readers(l);
  } else {
    if (!l->shared) panic("lockmgr %s: released while not held", l->wmesg);
    --l->shared;
    if (l->shared) return;
  }
  // No reader handed a share: the lock is kept for a waiting writer.
  if (!granted && l->excl_waiters) l->excl_handoff = true;
  if (granted || l->excl_waiters || l->shared_waiters) {
    wakeup(l);
    woke = true;
  }
}

}  // namespace

void lockinit(struct lock* l, const char* wmesg, int timo, unsigned flags) {
  l->wmesg = wmesg;
  l->timo = timo;
  l->flags = flags & (LK_CANRECURSE | LK_PCATCH | LK_TIMELOCK);
  l->shared = 0;
  l->owner = nullptr;
  l->recursion = 0;
  l->excl_waiters = l->shared_waiters = 0;
  l->reader_grants = 0;
  l->excl_handoff = false;
}

int lockmgr(struct lock* l, unsigned flags) {
  Thread* me = curthread();
  int err = 0;
  bool woke = false;  // a wakeup under the interlock: its preemption point comes after
  {
    SpinGuard g(l->interlock);
    flags |= l->flags;
    switch (flags & LK_TYPE_MASK) {
      case LK_SHARED: err = acquire_shared(l, flags, me); break;
      case LK_EXCLUSIVE: err = acquire_exclusive(l, flags, me, woke); break;
      case LK_RELEASE: release(l, me, woke); break;
      case LK_UPGRADE:
        // Give up the shared hold, then wait for exclusive like anyone else.
        if (l->owner == me || !l->shared)
          panic("lockmgr %s: upgrade without a shared hold", l->wmesg);
        --l->shared;
        err = acquire_exclusive(l, flags & ~LK_CANRECURSE, me, woke);
        break;
      case LK_DOWNGRADE:
        if (l->owner != me || l->recursion) panic("lockmgr %s: bad downgrade", l->wmesg);
        l->owner = nullptr;
        ++l->shared;
        if (grant_waiting_readers(l)) {
          wakeup(l);
          woke = true;
        }
        break;
      default: panic("lockmgr %s: unknown request %#x", l->wmesg, flags);
    }
  }
  // A thread woken here may be due to run on this CPU now. (Without a
  // wakeup nothing can be pending that the interrupt that asked for it
  // did not act on when the interlock let it in.)
  if (woke) sched_preempt_point();
  return err;
}

unsigned lockstatus(struct lock* l, Thread* td) {
  SpinGuard g(l->interlock);
  if (l->owner) return l->owner == td ? LK_EXCLUSIVE : 0;
  return l->shared ? LK_SHARED : 0;
}
