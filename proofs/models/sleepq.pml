/*
 * The sleep queue, as kernel/sched/sleepq.cpp writes it; included by the
 * models that sleep (sleep_wakeup.pml, vfork_wait.pml, exit_reap.pml).
 *
 *   kernel/sched/sleepq.cpp: tsleep_interlock, tsleep_until (tsleep with
 *     PINTERLOCKED, no timeout),
 *     tsleep_abort, ssleep, wake_channel (wakeup), wake_locked,
 *     sleepq_interrupt, enqueue_locked, dequeue_locked
 *   kernel/thread/thread.cpp: thread_interrupt, thread_clear_interrupt
 *   kernel/sched/sched.cpp: sched_lock_self, sched_switch_away (the switch
 *     and finish_switch clearing on_cpu), sched_wait_off_cpu,
 *     sched_make_runnable
 *
 * Each modelled thread has its own CPU and run queue. Every channel hashes
 * to the one bucket (a collision the hash allows; it is the case where
 * wakers and sleepers of different channels meet). A step of the model is
 * one load, store or read-modify-write of the code, or a lock operation;
 * memory is sequentially consistent (the fields are read and written under
 * the bucket lock or with __ATOMIC_SEQ_CST). Spinlocks are taken as one
 * blocking step (their own protocol is spinlock.pml's). A thread switched
 * away runs again once a waker has queued it (the scheduler picks it).
 *
 * The including model defines NTHREADS before including this file, and a
 * process using tsleep_interlocked declares `bit b` (the bucket pointer it
 * loads).
 *
 * Seeded bug BUG_TSLEEP: tsleep's PINTERLOCKED path does not look whether it
 * was woken between tsleep_interlock and tsleep, and sleeps anyway.
 */

#define EINTR 4
#define EWOULDBLOCK 35

/* thread states (ThreadState) */
#define RUNNING 0
#define SLEEPING 1
#define RUNNABLE 2

bit bucket_lock;                 /* SleepBucket::lock */
bit queued[NTHREADS];            /* Thread::sleep_queued */
bit in_bucket[NTHREADS];         /* Thread::sleep_bucket != nullptr */
byte wchan[NTHREADS];            /* Thread::wchan (0: none) */
bit sflag_catch[NTHREADS];       /* Thread::sleep_flags & PCATCH */
byte sresult[NTHREADS];          /* Thread::sleep_result */
byte tstate[NTHREADS];           /* Thread::state */
bit on_cpu[NTHREADS];            /* Thread::on_cpu */
bit intr_pending[NTHREADS];      /* Thread::interrupt_pending */
bit rq_lock[NTHREADS];           /* RunQueue::lock of the thread's CPU */

inline spin_lock(l) { atomic { l == 0 -> l = 1 } }
inline spin_unlock(l) { l = 0 }

/* enqueue_locked */
inline enqueue_locked(t, ch, catch) {
  wchan[t] = ch; sflag_catch[t] = catch; sresult[t] = 0;
  queued[t] = 1; in_bucket[t] = 1
}

/* dequeue_locked */
inline dequeue_locked(t) { queued[t] = 0; in_bucket[t] = 0 }

/* sched_make_runnable: the thread goes on its run queue. */
inline make_runnable(t) {
  spin_lock(rq_lock[t]);
  tstate[t] = RUNNABLE;
  spin_unlock(rq_lock[t])
}

/* wake_locked (bucket locked) */
inline wake_locked(t, result) {
  dequeue_locked(t);
  sresult[t] = result;
  if
  :: tstate[t] != SLEEPING -> skip   /* only interlocked: tsleep finds out */
  :: else ->
     (on_cpu[t] == 0);               /* sched_wait_off_cpu */
     make_runnable(t)
  fi
}

/* tsleep_abort (td = t) */
inline tsleep_abort(t) {
  if
  :: in_bucket[t] ->
     spin_lock(bucket_lock);
     if :: queued[t] -> dequeue_locked(t) :: else -> skip fi;
     spin_unlock(bucket_lock)
  :: else -> skip
  fi;
  wchan[t] = 0
}

/* tsleep_interlock(chan, flags) */
inline tsleep_interlock(t, ch, catch) {
  if :: queued[t] -> tsleep_abort(t) :: else -> skip fi;
  spin_lock(bucket_lock);
  enqueue_locked(t, ch, catch);
  spin_unlock(bucket_lock)
}

/* The switch: sched_lock_self, unlock the bucket, switch_locked; the next
 * thread's finish_switch clears on_cpu and releases the run queue. Then the
 * thread waits until a waker has made it runnable and its CPU picks it. */
inline switch_away(t) {
  spin_lock(rq_lock[t]);
  spin_unlock(bucket_lock);
  atomic { on_cpu[t] = 0; rq_lock[t] = 0 };
  atomic { tstate[t] == RUNNABLE && rq_lock[t] == 0 -> tstate[t] = RUNNING; on_cpu[t] = 1 }
}

/* tsleep(ch, flags | PINTERLOCKED, ...) with no timeout, after
 * tsleep_interlock: the result in r. */
inline tsleep_interlocked(t, catch, r) {
#ifndef BUG_TSLEEP
  b = in_bucket[t];                  /* __atomic_load_n(&td->sleep_bucket) */
  if
  :: b -> spin_lock(bucket_lock);
          if :: !queued[t] -> spin_unlock(bucket_lock) :: else -> skip fi
  :: else -> skip
  fi;
  if
  :: !b || !queued[t] ->             /* woken between tsleep_interlock and here */
     r = sresult[t]; wchan[t] = 0
  :: else ->
#else
  spin_lock(bucket_lock);            /* BUG: sleeps whether or not still queued */
  if :: true ->
#endif
     sflag_catch[t] = catch;
     if
     :: catch && intr_pending[t] ->
        dequeue_locked(t); spin_unlock(bucket_lock); wchan[t] = 0; r = EINTR
     :: else ->
        tstate[t] = SLEEPING;
        switch_away(t);
        r = sresult[t]; wchan[t] = 0
     fi
  fi;
  b = 0
}

/* ssleep(ch, lock, flags, ...) */
inline ssleep(t, ch, lk, catch, r) {
  tsleep_interlock(t, ch, catch);
  spin_unlock(lk);
  tsleep_interlocked(t, catch, r);
  spin_lock(lk)
}

/* wakeup(chan): wake_channel(ch, false), the caller being thread `self`
 * (a loop over the bucket's threads). */
inline wakeup(ch, i) {
  spin_lock(bucket_lock);
  i = 0;
  do
  :: i < NTHREADS ->
     if :: queued[i] && wchan[i] == ch -> wake_locked(i, 0) :: else -> skip fi;
     i++
  :: else -> break
  od;
  i = 0;
  spin_unlock(bucket_lock)
}

/* thread_interrupt(t): the flag, then sleepq_interrupt. */
inline thread_interrupt(t) {
  intr_pending[t] = 1;
  if
  :: in_bucket[t] ->
     spin_lock(bucket_lock);
     if
     :: in_bucket[t] && queued[t] && sflag_catch[t] -> wake_locked(t, EINTR)
     :: else -> skip
     fi;
     spin_unlock(bucket_lock)
  :: else -> skip
  fi
}

inline sleepq_init() {
  byte k = 0;
  do
  :: k < NTHREADS -> on_cpu[k] = 1; k++
  :: else -> break
  od;
  k = 0
}
