#include "kernel/sched/mutex.h"

#include "kernel/panic.h"
#include "kernel/sched/lock_ranks.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sleepq.h"
#include "kernel/thread/thread.h"

LockClass g_mutex_class("sync.mutex", kRankSyncObject);

// The owner word is taken and given back with one atomic each while nobody
// waits; a thread that finds it taken counts itself in waiters_ and sleeps
// under the interlock. unlock clears the owner before it looks at waiters_,
// and a waiter counts itself before it tries the owner again, both with full
// ordering: either the waiter's try sees the lock free, or the unlocker sees
// the waiter and wakes it (taking the interlock, which the waiter holds
// until it is on the sleep queue).
void Mutex::lock() {
  Thread* me = curthread();
  Thread* expected = nullptr;
  if (__atomic_compare_exchange_n(&owner_, &expected, me, false, __ATOMIC_ACQUIRE,
                                  __ATOMIC_RELAXED))
    return;
  if (expected == me) panic("mutex %s: recursive lock by %s", name_, me->name);
  SpinGuard g(spin_);
  __atomic_fetch_add(&contended_, 1, __ATOMIC_RELAXED);
  __atomic_fetch_add(&waiters_, 1, __ATOMIC_SEQ_CST);
  for (;;) {
    expected = nullptr;
    if (__atomic_compare_exchange_n(&owner_, &expected, me, false, __ATOMIC_SEQ_CST,
                                    __ATOMIC_SEQ_CST))
      break;
    ssleep(this, spin_, 0, name_, 0);
  }
  __atomic_fetch_sub(&waiters_, 1, __ATOMIC_RELAXED);
}

bool Mutex::try_lock() {
  Thread* expected = nullptr;
  return __atomic_compare_exchange_n(&owner_, &expected, curthread(), false, __ATOMIC_ACQUIRE,
                                     __ATOMIC_RELAXED);
}

void Mutex::unlock() {
  if (__atomic_load_n(&owner_, __ATOMIC_RELAXED) != curthread())
    panic("mutex %s: unlocked by %s, not its owner", name_, curthread()->name);
  __atomic_store_n(&owner_, static_cast<Thread*>(nullptr), __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&waiters_, __ATOMIC_SEQ_CST)) {
    {
      SpinGuard g(spin_);
      wakeup_one(this);
    }
    sched_preempt_point();  // the waiter woken may be more urgent
  }
}

bool Mutex::held_by_me() const { return owner() == curthread(); }
