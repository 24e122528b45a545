/*
 * Sleep and wakeup with the interlock: no lost wakeup.
 *
 * Models (with sleepq.pml):
 *   kernel/sched/sleepq.cpp: tsleep_interlock, tsleep (PINTERLOCKED and not),
 *     tsleep_abort, ssleep, wakeup (wake_channel, wake_locked)
 *   kernel/sched/sleepq.h: the usage it documents,
 *     tsleep_interlock(chan); if (!condition) tsleep(chan, PINTERLOCKED)
 *     else tsleep_abort();   and ssleep(chan, lock) with the waker taking lock
 *   kernel/sched/sched.cpp: the switch (on_cpu), sched_wait_off_cpu,
 *     sched_make_runnable
 *
 * Three threads on three CPUs:
 *   0: waits for `cond` with the interlock protocol, in a loop (as
 *      start_forked_proc and proc_reap do);
 *   1: waits for `cond2` with ssleep under spinlock `lk` (as kern_wait does
 *      with the tree lock);
 *   2: sets cond and wakes the channel; then sets cond2 under lk and wakes
 *      the channel after dropping lk. Both sleepers use the same channel, so
 *      each also gets the other's wakeup (a spurious one).
 *
 * Properties: a lost wakeup leaves a sleeper switched away for good once the
 * waker has finished: an invalid end state (safety run); and, with weak
 * fairness, <> (both sleepers returned) (LTL `done`).
 *
 * Seeded bugs:
 *   BUG_CHECK_FIRST: thread 0 looks at cond before tsleep_interlock (the
 *     check and the sleep are no longer atomic with respect to the waker);
 *   BUG_TSLEEP: tsleep's PINTERLOCKED path sleeps although it was woken
 *     between tsleep_interlock and tsleep (sleepq.pml).
 */
#define NTHREADS 3
#include "sleepq.pml"

#define CH 1

bit cond, cond2;
bit lk;
bit done0, done1;

proctype Sleeper0() {
  byte r;
  bit b;
  do
#ifndef BUG_CHECK_FIRST
  :: tsleep_interlock(0, CH, 0);
     if
     :: cond -> tsleep_abort(0); break
     :: else -> tsleep_interlocked(0, 0, r)
     fi
#else
  :: if
     :: cond -> break
     :: else -> tsleep_interlock(0, CH, 0); tsleep_interlocked(0, 0, r)
     fi
#endif
  od;
  done0 = 1
}

proctype Sleeper1() {
  byte r;
  bit b;
  spin_lock(lk);
  do
  :: cond2 -> break
  :: else -> ssleep(1, CH, lk, 0, r)
  od;
  spin_unlock(lk);
  done1 = 1
}

proctype Waker() {
  byte i;
  cond = 1;
  wakeup(CH, i);
  spin_lock(lk);
  cond2 = 1;
  spin_unlock(lk);
  wakeup(CH, i)
}

ltl done { <> (done0 && done1) }

init {
  atomic {
    sleepq_init();
    run Sleeper0();
    run Sleeper1();
    run Waker()
  }
}
