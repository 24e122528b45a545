// Callouts: run a function at a deadline, from the timer interrupt of the CPU
// that armed it (DragonFly's callout_reset/callout_stop). Each CPU keeps its
// own wheel under its own lock; the timer is programmed for the earliest
// deadline, so a callout fires within microseconds of it, ticks or no ticks
// (an idle CPU with its tick stopped still wakes for its callouts).
//
// Handlers run in the timer interrupt with IRQs masked and no callout lock
// held: they may take spinlocks and wake threads, never sleep. Callers
// serialise their own operations on one Callout (one owner arms, stops and
// frees it).
#pragma once
#include <stdint.h>

using CalloutFn = void (*)(void* arg);

struct Callout {
  uint64_t deadline = 0;  // clock_ns() value
  CalloutFn fn = nullptr;
  void* arg = nullptr;
  // Wheel linkage and state: guarded by the callout lock of `cpu`.
  Callout* w_next = nullptr;
  Callout* w_prev = nullptr;
  uint16_t w_bucket = 0;
  int8_t cpu = -1;    // CPU whose wheel holds it (pending) or runs it (firing)
  uint8_t state = 0;  // CalloutState
};

enum CalloutState : uint8_t { kCalloutIdle = 0, kCalloutPending = 1, kCalloutFiring = 2 };

// Every CPU, before its timer starts.
void callout_init_cpu();
// Arms c on this CPU to run fn(arg) once clock_ns() >= deadline_ns, replacing
// an earlier arming (on any CPU).
void callout_reset(Callout* c, uint64_t deadline_ns, CalloutFn fn, void* arg);
// Disarms c. If its handler is running on another CPU, waits for it to
// return, so after callout_stop the handler is not running and will not run
// (unless armed again). Returns whether c was pending. Not from c's handler
// on c itself (that returns without waiting). A handler that arms its own
// callout again may do so after the stop has looked: the callout is then
// pending when the stop returns (stop it again, or do not re-arm).
bool callout_stop(Callout* c);
bool callout_pending(const Callout* c);
// For an owner that arms c under a lock its handler also takes, and so
// cannot wait for the handler with that lock held: disarms c unless its
// handler runs on another CPU (then -1 and c is left as it was: drop the
// lock, wait with callout_running, try again). 1 if c was pending, else 0.
int callout_try_stop(Callout* c);
// Whether c's handler runs on a CPU other than this one now.
bool callout_running(const Callout* c);

// For the clock: the earliest deadline on this CPU's wheel (~0 when none),
// and running what is due (timer interrupt, IRQs masked).
uint64_t callout_next_deadline_this_cpu();
void callout_run_expired(uint64_t now_ns);

struct CalloutStats {
  uint64_t pending;  // now, on this CPU's wheel
  uint64_t armed;    // callout_reset calls that armed here
  uint64_t fired;
  uint64_t stopped;  // pending callouts disarmed by callout_stop
};
CalloutStats callout_stats(unsigned cpu);
