// Sleep queues (kernel/sched/sleepq.h).
//
// A sleeping thread is on exactly one bucket's list, found by hashing its
// channel. The bucket lock guards the list and the sleep fields of the threads
// on it. Going to sleep: with IRQs masked, queue under the bucket lock, set
// kSleeping, take this CPU's run-queue lock, drop the bucket lock, switch.
// A waker that finds the thread kSleeping waits for its context to be saved
// (on_cpu clear) before making it runnable; the sleeper holds no lock the
// waker needs meanwhile, and masks IRQs throughout, so the wait is short.
#include "kernel/sched/sleepq.h"

#include <arch/cpu.h>

#include "kernel/cpu/percpu.h"
#include "kernel/lib/dlist.h"
#include "kernel/panic.h"
#include "kernel/sched/lock_ranks.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/usched.h"
#include "kernel/sync/spinlock.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"

namespace {
LockClass g_sleepq_class("sched.sleepq", kRankSleepQueue);
}  // namespace

struct SleepBucket {
  SpinLock lock{g_sleepq_class};
  Thread* head = nullptr;  // FIFO: wakeup_one wakes the oldest
  Thread* tail = nullptr;
};

namespace {

constexpr unsigned kBucketBits = 8;
constexpr unsigned kBuckets = 1u << kBucketBits;
SleepBucket g_buckets[kBuckets];

struct {
  uint64_t sleeps, wakeups, timeouts, interrupts, sleeping;
} g_stats;  // atomics

void bump(uint64_t& c, int64_t d) {
  __atomic_fetch_add(&c, static_cast<uint64_t>(d), __ATOMIC_RELAXED);
}

// Fibonacci hashing: the address times 2^64 / phi, its top bits. Every bit
// of the address moves the bucket, so channels a few bytes or a few pages
// apart (fields of one object, objects of one slab) spread out.
SleepBucket& bucket_of(const volatile void* chan) {
  uint64_t a = reinterpret_cast<uint64_t>(chan);
  return g_buckets[(a * 0x9e3779b97f4a7c15ull) >> (64 - kBucketBits)];
}

using SleepLinks = DList<&Thread::sq_next, &Thread::sq_prev>;

void enqueue_locked(SleepBucket& b, Thread* t, const volatile void* chan, unsigned flags) {
  t->wchan = chan;
  t->sleep_flags = flags;
  t->sleep_result = 0;
  t->sleep_queued = true;
  SleepLinks::push_back(b, t);
  __atomic_store_n(&t->sleep_bucket, &b, __ATOMIC_SEQ_CST);
  bump(g_stats.sleeping, 1);
}

void dequeue_locked(SleepBucket& b, Thread* t) {
  SleepLinks::unlink(b, t);
  t->sleep_queued = false;
  __atomic_store_n(&t->sleep_bucket, static_cast<SleepBucket*>(nullptr), __ATOMIC_SEQ_CST);
  bump(g_stats.sleeping, -1);
}

// Takes t off b (locked) with `result`; if it is asleep, makes it runnable.
// A thread that is only interlocked (still running) finds out in tsleep.
void wake_locked(SleepBucket& b, Thread* t, int result) {
  dequeue_locked(b, t);
  t->sleep_result = result;
  if (t->state != ThreadState::kSleeping) return;
  sched_wait_off_cpu(t);
  ++t->stats.wakeups;
  if (t->flags & kThreadTimeshare) {
    // Sleeping pays back recent CPU use: halve it for every 100 ms asleep.
    uint64_t slept = clock_ns() - t->slept_at;
    unsigned halvings = static_cast<unsigned>(slept / 100000000ull);
    t->estcpu = static_cast<uint16_t>(halvings >= 8 ? 0 : t->estcpu >> halvings);
    t->prio = usched_timeshare_prio(t->nice, t->estcpu);
  }
  sched_make_runnable(t);
}

void sleep_timed_out(void* arg) {
  auto* t = static_cast<Thread*>(arg);
  SleepBucket* b = __atomic_load_n(&t->sleep_bucket, __ATOMIC_SEQ_CST);
  if (!b) return;
  SpinGuard g(b->lock);
  if (t->sleep_bucket == b && t->sleep_queued) {
    wake_locked(*b, t, EWOULDBLOCK);
    bump(g_stats.timeouts, 1);
  }
}

void wake_channel(const volatile void* chan, bool one) {
  SleepBucket& b = bucket_of(chan);
  {
    SpinGuard g(b.lock);
    for (Thread* t = b.head; t;) {
      Thread* next = t->sq_next;
      if (t->wchan == chan) {
        wake_locked(b, t, 0);
        bump(g_stats.wakeups, 1);
        if (one) break;
      }
      t = next;
    }
  }
  sched_preempt_point();
}

}  // namespace

int tsleep_until(const volatile void* chan, unsigned flags, const char* wmesg,
                 uint64_t deadline_ns) {
  Thread* td = curthread();
  uint64_t irq = arch::irq_save();
  KASSERT(!(td->flags & kThreadIdle) && this_cpu().held_count == 0);
  SleepBucket* b;
  if (flags & PINTERLOCKED) {
    b = __atomic_load_n(&td->sleep_bucket, __ATOMIC_SEQ_CST);
    if (b) {
      b->lock.lock();
      if (!td->sleep_queued) b->lock.unlock();
    }
    if (!b || !td->sleep_queued) {
      // Woken between tsleep_interlock and here.
      int r = td->sleep_result;
      td->wchan = nullptr;
      arch::irq_restore(irq);
      return r;
    }
    td->sleep_flags = flags;
  } else {
    b = &bucket_of(chan);
    b->lock.lock();
    if (td->sleep_queued) panic("tsleep: %s already on a sleep queue", td->name);
    enqueue_locked(*b, td, chan, flags);
    // Queued (sleep_bucket stored) before interrupt_pending is read, against
    // thread_interrupt's opposite order (QEMU's TCG would let them pass; the
    // interlocked way had its unlock's barrier in between).
    if (flags & PCATCH) arch::smp_mb();
  }
  td->wmesg = wmesg;
  if ((flags & PCATCH) && __atomic_load_n(&td->interrupt_pending, __ATOMIC_SEQ_CST)) {
    dequeue_locked(*b, td);
    b->lock.unlock();
    td->wchan = nullptr;
    arch::irq_restore(irq);
    return EINTR;
  }
  if (deadline_ns) callout_reset(&td->sleep_timeout, deadline_ns, sleep_timed_out, td);
  if (td->flags & kThreadTimeshare) td->slept_at = clock_ns();  // for the estcpu decay
  td->state = ThreadState::kSleeping;
  bump(g_stats.sleeps, 1);
  sched_lock_self();
  b->lock.unlock();
  sched_switch_away();
  // Woken: wakeup, timeout or interrupt took it off the queue.
  if (deadline_ns) callout_stop(&td->sleep_timeout);
  int r = td->sleep_result;
  td->wchan = nullptr;
  td->wmesg = nullptr;
  arch::irq_restore(irq);
  return r;
}

int tsleep(const volatile void* chan, unsigned flags, const char* wmesg, int timo) {
  uint64_t deadline = timo > 0 ? clock_ns() + uint64_t(timo) * (1000000000ull / kHz) : 0;
  return tsleep_until(chan, flags, wmesg, deadline);
}

void tsleep_interlock(const volatile void* chan, unsigned flags) {
  Thread* td = curthread();
  if (td->sleep_queued) tsleep_abort();
  SleepBucket& b = bucket_of(chan);
  SpinGuard g(b.lock);
  enqueue_locked(b, td, chan, flags);
}

void tsleep_abort() {
  Thread* td = curthread();
  SleepBucket* b = __atomic_load_n(&td->sleep_bucket, __ATOMIC_SEQ_CST);
  if (b) {
    SpinGuard g(b->lock);
    if (td->sleep_queued) dequeue_locked(*b, td);
  }
  td->wchan = nullptr;
}

int ssleep(const volatile void* chan, SpinLock& lock, unsigned flags, const char* wmesg, int timo) {
  tsleep_interlock(chan, flags);
  lock.unlock();
  int r = tsleep(chan, flags | PINTERLOCKED, wmesg, timo);
  lock.lock();
  return r;
}

void wakeup(const volatile void* chan) { wake_channel(chan, false); }
void wakeup_one(const volatile void* chan) { wake_channel(chan, true); }

void sleepq_interrupt(Thread* t) {
  SleepBucket* b = __atomic_load_n(&t->sleep_bucket, __ATOMIC_SEQ_CST);
  if (!b) return;
  {
    SpinGuard g(b->lock);
    if (t->sleep_bucket == b && t->sleep_queued && (t->sleep_flags & PCATCH)) {
      wake_locked(*b, t, EINTR);
      bump(g_stats.interrupts, 1);
    }
  }
  sched_preempt_point();
}

SleepqStats sleepq_stats() {
  return {__atomic_load_n(&g_stats.sleeps, __ATOMIC_RELAXED),
          __atomic_load_n(&g_stats.wakeups, __ATOMIC_RELAXED),
          __atomic_load_n(&g_stats.timeouts, __ATOMIC_RELAXED),
          __atomic_load_n(&g_stats.interrupts, __ATOMIC_RELAXED),
          __atomic_load_n(&g_stats.sleeping, __ATOMIC_RELAXED)};
}
