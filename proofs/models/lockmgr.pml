/*
 * The shared/exclusive sleep lock, phase-fair: writers taking it back to
 * back do not starve a reader, and no reader shares it with a writer.
 *
 * Models:
 *   kernel/sched/lockmgr.cpp: acquire_exclusive, acquire_shared (its fast
 *     way in, its sleep, and the share handed to it while it sleeps),
 *     grant_waiting_readers, release (exclusive and shared)
 *   kernel/sched/sleepq.cpp: ssleep on the lock (queued before the
 *     interlock is dropped) and wakeup, which wakes every sleeper
 *
 * Two writers take the lock exclusive again and again, for ever (the
 * stream); one reader asks for it shared once. Everything a lockmgr call
 * does under the lock's interlock is one atomic step; a sleep ends that
 * step with the thread queued, and a wakeup unqueues every sleeper, which
 * then takes the interlock again (its next atomic step).
 *
 * Safety: a writer holds the lock alone (no other writer, no reader); the
 * reader holds it with no writer. No deadlock (invalid end states).
 * Liveness: the reader gets in and out (LTL `reads`: `<> read_done`, weak
 * fairness), however the writers keep coming.
 *
 * Seeded bugs:
 *   BUG_NO_GRANT: the end of an exclusive hold hands nothing to waiting
 *     readers (the lock as it was, writers preferred only): while one
 *     writer holds it the other waits, so the reader's wait never ends.
 *   BUG_GRANT_NO_WAKE: the release hands the waiting reader its share but
 *     wakes only when a waiter is still counted: the reader sleeps holding
 *     a share, and the writers wait for it for ever.
 */
#define NW 2
#define R NW            /* the reader's index */

bool asleep[NW + 1];    /* queued on the lock's sleep channel */
bool owned;             /* l->owner != nullptr */
byte shared;            /* l->shared */
byte excl_waiters;      /* l->excl_waiters */
byte shared_waiters;    /* l->shared_waiters */
byte reader_grants;     /* l->reader_grants (one reader: it never wraps) */
byte writers_in;        /* writers between acquire and release */
bool reader_in;         /* the reader between acquire and release */
bool read_done;

inline wakeup_all() {
  asleep[0] = false;
  asleep[1] = false;
  asleep[R] = false
}

/* grant_waiting_readers, then release's wakeup */
inline release_exclusive() {
  owned = false;
  if
  :: shared_waiters > 0 ->
#ifndef BUG_NO_GRANT
     shared = shared + shared_waiters;
     shared_waiters = 0;
     reader_grants++;
#ifndef BUG_GRANT_NO_WAKE
     wakeup_all()
#else
     if
     :: excl_waiters > 0 -> wakeup_all()
     :: else -> skip
     fi
#endif
#else
     wakeup_all()
#endif
  :: else ->
     if
     :: excl_waiters > 0 -> wakeup_all()
     :: else -> skip
     fi
  fi
}

proctype writer(byte me) {
  bool waiting;
  do
  :: /* acquire_exclusive: while (owner || shared) sleep */
     atomic {
       if
       :: !owned && shared == 0 -> owned = true; waiting = false
       :: else -> excl_waiters++; asleep[me] = true; waiting = true
       fi
     }
     do
     :: waiting ->
        atomic {
          !asleep[me] ->
          excl_waiters--;
          if
          :: !owned && shared == 0 -> owned = true; waiting = false
          :: else -> excl_waiters++; asleep[me] = true
          fi
        }
     :: else -> break
     od;
     atomic { writers_in++; assert(writers_in == 1 && shared == 0 && !reader_in) }
     writers_in--;
     atomic { release_exclusive() }
  od
}

active proctype reader() {
  bool waiting;
  byte grants;
  /* acquire_shared */
  atomic {
    if
    :: !owned && excl_waiters == 0 -> shared++; waiting = false
    :: else -> grants = reader_grants; shared_waiters++; asleep[R] = true; waiting = true
    fi
  }
  do
  :: waiting ->
     atomic {
       !asleep[R] ->
       if
       :: reader_grants != grants -> waiting = false        /* handed a share */
       :: else ->
          if
          :: !owned && excl_waiters == 0 -> shared_waiters--; shared++; waiting = false
          :: else -> asleep[R] = true                        /* sleeps again */
          fi
       fi
     }
  :: else -> break
  od;
  atomic { reader_in = true; assert(!owned && writers_in == 0 && shared > 0) }
  reader_in = false;
  /* release of the last shared hold */
  atomic {
    shared--;
    if
    :: shared == 0 && (excl_waiters > 0 || shared_waiters > 0) -> wakeup_all()
    :: else -> skip
    fi
  }
  read_done = true
}

init {
  atomic {
    run writer(0);
    run writer(1)
  }
}

ltl reads { <> read_done }
