// A read-mostly lock made of spinlocks (FreeBSD's rmlock, Linux's
// percpu-rwsem in spirit): one spinlock per CPU. A reader takes only its own
// CPU's, so readers on different CPUs share no cache line and never wait for
// each other; a writer takes every CPU's, lowest first, and so excludes every
// reader and every other writer. Readers must change what they share with
// other readers under some finer lock of their own (the rule of the lock's
// user says which); a writer needs none.
//
// A spinlock masks interrupts until it is released, so a reader stays on the
// CPU whose lock it took; it still remembers which one (it may have moved
// between reading its CPU number and taking the lock).
#pragma once
#include <arch/cpu.h>

#include "kernel/sync/cpu_lock_classes.h"
#include "kernel/sync/spinlock.h"

class RmLock {
 public:
  static_assert(arch::kMaxCpus == 4, "one lock class per CPU below");
  // One class per CPU, ranks r, r+1, r+2, r+3: a writer takes them in order.
  constexpr RmLock(LockClass& c0, LockClass& c1, LockClass& c2, LockClass& c3)
      : slots_{Slot{SpinLock{c0}}, Slot{SpinLock{c1}}, Slot{SpinLock{c2}}, Slot{SpinLock{c3}}} {}
  constexpr explicit RmLock(CpuLockClasses& c) : RmLock(c[0], c[1], c[2], c[3]) {}
  RmLock(const RmLock&) = delete;
  RmLock& operator=(const RmLock&) = delete;

  // Takes this CPU's lock; the index to give read_unlock.
  unsigned read_lock() {
    unsigned cpu = this_cpu().id;
    slots_[cpu].lock.lock();
    return cpu;
  }
  void read_unlock(unsigned cpu) { slots_[cpu].lock.unlock(); }

  void write_lock() {
    for (Slot& s : slots_) s.lock.lock();
  }
  void write_unlock() {
    for (unsigned i = arch::kMaxCpus; i-- > 0;) slots_[i].lock.unlock();
  }

  // Debug checks (no-ops in the release kernel, as SpinLock's).
  void assert_write_held() const {
    for (const Slot& s : slots_) s.lock.assert_held();
  }
  // Held by this CPU as a reader or as the writer.
  void assert_held() const;
  // There is no ssleep on an RmLock (a reader woken on another CPU would
  // hold another CPU's lock): readers that sleep use a finer lock as the
  // interlock.

 private:
  struct alignas(64) Slot {
    SpinLock lock;
  };
  Slot slots_[arch::kMaxCpus];
};

inline void RmLock::assert_held() const {
#ifdef TINE_DEBUG
  for (const Slot& s : slots_)
    if (s.lock.held_by_me()) return;
  slots_[this_cpu().id].lock.assert_held();  // panics, naming the class
#endif
}

class RmReadGuard {
 public:
  explicit RmReadGuard(RmLock& l) : l_(l), cpu_(l.read_lock()) {}
  ~RmReadGuard() { l_.read_unlock(cpu_); }
  RmReadGuard(const RmReadGuard&) = delete;
  RmReadGuard& operator=(const RmReadGuard&) = delete;

 private:
  RmLock& l_;
  unsigned cpu_;
};

class RmWriteGuard {
 public:
  explicit RmWriteGuard(RmLock& l) : l_(l) { l_.write_lock(); }
  ~RmWriteGuard() { l_.write_unlock(); }
  RmWriteGuard(const RmWriteGuard&) = delete;
  RmWriteGuard& operator=(const RmWriteGuard&) = delete;

 private:
  RmLock& l_;
};
