// A sleepable mutual-exclusion lock: a thread that finds it taken sleeps
// (tsleep on the mutex) instead of spinning; uncontended, lock and unlock are
// an atomic each. Not recursive, no priority inheritance. Only from thread
// context with no spinlock held; may be held across sleeps. Its interlock is a
// spinlock of rank kRankSyncObject.
#pragma once
#include <stdint.h>

#include "kernel/sync/spinlock.h"

struct Thread;

extern LockClass g_mutex_class;

class Mutex {
 public:
  explicit constexpr Mutex(const char* name) : name_(name) {}
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  void lock();
  [[nodiscard]] bool try_lock();
  void unlock();
  bool held_by_me() const;
  Thread* owner() const { return __atomic_load_n(&owner_, __ATOMIC_RELAXED); }
  const char* name() const { return name_; }

  // Times lock() had to sleep.
  uint64_t contended() const { return __atomic_load_n(&contended_, __ATOMIC_RELAXED); }

 private:
  SpinLock spin_{g_mutex_class};  // the interlock of the sleeps
  Thread* owner_ = nullptr;       // atomic: taken by compare-and-swap, given back by a store
  unsigned waiters_ = 0;          // atomic: threads in lock() that found it taken
  uint64_t contended_ = 0;
  const char* name_;
};

class MutexGuard {
 public:
  explicit MutexGuard(Mutex& m) : m_(m) { m_.lock(); }
  ~MutexGuard() { m_.unlock(); }
  MutexGuard(const MutexGuard&) = delete;
  MutexGuard& operator=(const MutexGuard&) = delete;

 private:
  Mutex& m_;
};
