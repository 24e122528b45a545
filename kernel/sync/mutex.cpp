#include "kernel/sync/mutex.h"

#include "kernel/panic.h"
#include "kernel/sched/lock_ranks.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/sleepq.h"
#include "kernel/thread/thread.h"

LockClass g_mutex_class("sync.mutex", kRankSyncObject);

void Mutex::lock() {
  Thread* me = curthread();
  SpinGuard g(spin_);
  if (owner_ == me) panic("mutex %s: recursive lock by %s", name_, me->name);
  if (owner_) {
    __atomic_fetch_add(&contended_, 1, __ATOMIC_RELAXED);
    while (owner_) {
      ++waiters_;
      ssleep(this, spin_, 0, name_, 0);
      --waiters_;
    }
  }
  __atomic_store_n(&owner_, me, __ATOMIC_RELAXED);
}

bool Mutex::try_lock() {
  SpinGuard g(spin_);
  if (owner_) return false;
  __atomic_store_n(&owner_, curthread(), __ATOMIC_RELAXED);
  return true;
}

void Mutex::unlock() {
  {
    SpinGuard g(spin_);
    if (owner_ != curthread())
      panic("mutex %s: unlocked by %s, not its owner", name_, curthread()->name);
    __atomic_store_n(&owner_, static_cast<Thread*>(nullptr), __ATOMIC_RELAXED);
    if (waiters_) wakeup_one(this);
  }
  sched_preempt_point();  // the waiter woken may be more urgent
}

bool Mutex::held_by_me() const { return owner() == curthread(); }
