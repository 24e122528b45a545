/*
 * Stopping a callout against its firing on another CPU: when callout_stop
 * returns, the handler is not running and will not run (unless armed again).
 *
 * Models:
 *   kernel/time/callout.cpp: callout_stop and unlink_pending (the lock-free
 *     look at c->cpu, then the wheel's lock), callout_run_expired (popping
 *     the callout under the wheel's lock, `firing`, the handler, `firing`
 *     cleared after it)
 *   kernel/sched/sleepq.cpp: tsleep_until's callout_stop of sleep_timeout
 *     after a wakeup, and sleep_timed_out (the handler), which must not run
 *     on the thread after tsleep_until has returned
 *
 * Two CPUs: the callout's wheel CPU fires it when due; the other stops it
 * (the sleeper, woken meanwhile). c->cpu, c->state and the wheel's `firing`
 * are each one word; every load and store is one step, sequentially
 * consistent (the stores of c->cpu are releases and its loads acquires, and
 * `firing` is stored before c->cpu in the code: that order is what the
 * model checks). The wheel's lock is one blocking step.
 *
 * Safety: the handler never starts once callout_stop has returned, and
 * callout_stop never returns while it runs. No deadlock (invalid end
 * states). Liveness: callout_stop returns (LTL `<> stopped`, with weak
 * fairness: its wait for a running handler ends).
 *
 * Seeded bug BUG_CPU_BEFORE_FIRING: callout_run_expired marks the callout
 * idle on no CPU (c->cpu = -1) before it sets `firing`: callout_stop can
 * see c->cpu -1, skip the lock, find `firing` still empty and return, and
 * the handler then runs on a thread that has gone on (the order the code
 * had).
 */
#define NONE 255

bool locked;             /* the wheel's spinlock */
byte cpu = 0;            /* c->cpu: 0 the wheel CPU's, NONE (-1) for none */
bool pending = true;     /* c->state == kCalloutPending */
bool firing;             /* cc.firing == c */
bool running;            /* the handler (sleep_timed_out) is running */
bool stopped;            /* callout_stop has returned */

inline lock() { atomic { !locked -> locked = true } }
inline unlock() { locked = false }

/* callout_run_expired, for the one callout, once it is due */
active proctype wheel() {
  lock();
  if
  :: pending ->                       /* wheel.pop_expired */
#ifndef BUG_CPU_BEFORE_FIRING
     firing = true;
     pending = false;
     cpu = NONE;
#else
     pending = false;
     cpu = NONE;
     firing = true;
#endif
     unlock();
     atomic { assert(!stopped); running = true };   /* fn(arg) starts */
     running = false;                                /* and ends */
     firing = false
  :: else -> unlock()                 /* stopped first: nothing due */
  fi
}

/* callout_stop, from the other CPU */
active proctype stopper() {
  byte seen;
  /* unlink_pending */
  do
  :: seen = cpu;
     if
     :: seen == NONE -> break
     :: else ->
        lock();
        if
        :: cpu != seen -> unlock()    /* fired meanwhile: look again */
        :: else ->
           if
           :: pending -> pending = false; cpu = NONE   /* wheel.remove */
           :: else -> skip
           fi;
           unlock();
           break
        fi
     fi
  od;
  /* a handler running on the other CPU finishes before we return */
  do
  :: firing -> skip
  :: else -> break
  od;
  atomic { assert(!running); stopped = true }
}

ltl stops { <> stopped }
