// Sleeping and waking on a channel (any address), as in the BSDs:
//
//   tsleep(chan, flags, wmesg, timo)  blocks until wakeup(chan) / wakeup_one(chan),
//       the timeout (timo ticks of kHz; 0 = none) or, with PCATCH, thread_interrupt.
//       Returns 0, EWOULDBLOCK (timed out) or EINTR (interrupted).
//   wakeup(chan)       wakes every thread sleeping on chan.
//   wakeup_one(chan)   wakes the one that has slept longest.
//
// No lost wakeups: a thread checks its condition and sleeps atomically with
// respect to the waker by announcing itself first, on any CPU:
//
//   tsleep_interlock(chan, flags);        // on the queue from here
//   if (!condition) tsleep(chan, flags | PINTERLOCKED, "wmesg", 0);
//   else tsleep_abort();
//
// or by holding the spinlock the waker takes: ssleep(chan, lock, ...) drops it
// only once queued, and takes it again before returning. The sleep queues are
// a hash of 256 buckets, each with its own lock (rank kRankSleepQueue), so
// sleepers on different channels rarely meet.
#pragma once
#include <stdint.h>

#include "kernel/uapi/error_numbers.h"

class SpinLock;

// tsleep flags (DragonFly's values).
inline constexpr unsigned PCATCH = 0x00000100;        // interruptible: EINTR on thread_interrupt
inline constexpr unsigned PINTERLOCKED = 0x00000400;  // tsleep_interlock was called

int tsleep(const volatile void* chan, unsigned flags, const char* wmesg, int timo);
// The same with an absolute deadline (clock_ns; 0 = none).
int tsleep_until(const volatile void* chan, unsigned flags, const char* wmesg,
                 uint64_t deadline_ns);
void tsleep_interlock(const volatile void* chan, unsigned flags);
// After tsleep_interlock, when the thread decides not to sleep after all.
void tsleep_abort();
// Sleeps releasing `lock` (held, rank below kRankSleepQueue) once queued;
// returns with it held again.
int ssleep(const volatile void* chan, SpinLock& lock, unsigned flags, const char* wmesg, int timo);

void wakeup(const volatile void* chan);
void wakeup_one(const volatile void* chan);

// thread_interrupt's half: wakes t with EINTR if it sleeps with PCATCH.
struct Thread;
void sleepq_interrupt(Thread* t);

struct SleepqStats {
  uint64_t sleeps;      // tsleep calls that slept
  uint64_t wakeups;     // threads woken by wakeup/wakeup_one
  uint64_t timeouts;    // threads woken by their timeout
  uint64_t interrupts;  // threads woken by thread_interrupt
  uint64_t sleeping;    // threads queued now
};
SleepqStats sleepq_stats();
