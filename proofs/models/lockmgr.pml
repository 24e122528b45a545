/*
 * The shared/exclusive sleep lock, phase-fair: writers taking it back to
 * back do not starve a reader, and no reader shares it with a writer.
 *
 * Models:
 *   kernel/sched/lockmgr.cpp: acquire_exclusive (a new request, and a
 *     woken waiter taking the lock kept for it), acquire_shared (its fast
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
 * Liveness (weak fairness): the reader gets in and out (LTL `reads`:
 * `<> read_done`), however the writers keep coming; and each writer that
 * asks gets in (LTL `writes`), however the other asks again at once.
 *
 * Seeded bugs:
 *   BUG_NO_GRANT: the end of an exclusive hold hands nothing to waiting
 *     readers (the lock as it was, writers preferred only): while one
 *     writer holds it the other waits, so the reader's wait never ends.
 *   BUG_GRANT_NO_WAKE: the release hands the waiting reader its share but
 *     wakes only when a waiter is still counted: the reader sleeps holding
 *     a share, and the writers wait for it for ever.
 *   BUG_BARGE: a release keeps nothing for a waiting writer (excl_handoff
 *     unset): the writer that let go asks again before the woken one runs,
 *     takes the lock, and the other writer never gets it.
 */
#define NW 2
#define R NW            /* the reader's index */

bool asleep[NW + 1];    /* queued on the lock's sleep channel */
bool owned;             /* l->owner != nullptr */
byte shared;            /* l->shared */
byte excl_waiters;      /* l->excl_waiters */
byte shared_waiters;    /* l->shared_waiters */
byte reader_grants;     /* l->reader_grants (one reader: it never wraps) */
bool handoff;           /* l->excl_handoff */
bool wwait[NW];         /* writer i has asked and is not in yet */
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
     :: excl_waiters > 0 ->
#ifndef BUG_BARGE
        handoff = true;
#endif
        wakeup_all()
     :: else -> skip
     fi
  fi
}

proctype writer(byte me) {
  bool waiting;
  do
  :: /* acquire_exclusive: a new request also waits while the lock is kept */
     atomic {
       wwait[me] = true;
       if
       :: !owned && shared == 0 && !handoff -> owned = true; waiting = false
       :: else -> excl_waiters++; asleep[me] = true; waiting = true
       fi
     }
     do
     :: waiting ->
        atomic {
          !asleep[me] ->
          if
          :: !owned && shared == 0 -> excl_waiters--; handoff = false; owned = true; waiting = false
          :: else -> asleep[me] = true                       /* sleeps again */
          fi
        }
     :: else -> break
     od;
     atomic { wwait[me] = false; writers_in++; assert(writers_in == 1 && shared == 0 && !reader_in) }
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
  /* release of the last shared hold: kept for a waiting writer */
  atomic {
    shared--;
    if
    :: shared == 0 && excl_waiters > 0 ->
#ifndef BUG_BARGE
       handoff = true;
#endif
       wakeup_all()
    :: shared == 0 && excl_waiters == 0 && shared_waiters > 0 -> wakeup_all()
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
ltl writes { [] ((wwait[0] -> <> !wwait[0]) && (wwait[1] -> <> !wwait[1])) }
