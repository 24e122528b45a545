#include "kernel/sched/mutex.h"

#include <arch/cpu.h>

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
//
// The unlocker's full ordering is a barrier between its store and its load,
// not the seq_cst pair alone. That pair is STLR then LDAR, which AArch64
// orders, but QEMU's TCG (where every test runs) translates STLR as a
// barrier then a store and LDAR as a load then a barrier, with nothing
// between the two: on an x86 host the store may still wait in the store
// buffer while the load reads waiters_ from before the waiter counted
// itself, and the waiter's try then still sees the old owner. Both then go
// on, the waiter to sleep and the unlocker without waking it (ktest
// mutex_unlock_wakes_its_waiter). DMB ISH is a full barrier everywhere. The
// waiter's side is two read-modify-writes (LDAXR/STLXR), which TCG runs as
// host atomics, full barriers on x86.
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
  arch::smp_mb();  // the store before the load, on QEMU too (see above)
  if (__atomic_load_n(&waiters_, __ATOMIC_SEQ_CST)) {
    {
      SpinGuard g(spin_);
      wakeup_one(this);
    }
    sched_preempt_point();  // the waiter woken may be more urgent
  }
}

bool Mutex::held_by_me() const { return owner() == curthread(); }
