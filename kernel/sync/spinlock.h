// Spinlocks with a class per kind of lock. The class carries the statistics
// (acquisitions, contended acquisitions, wait loops) and the rank used by the
// lock-order checker: a CPU may only take a lock whose rank is higher than that
// of every ranked lock it already holds (rank 0 = not ordered, e.g. leaf locks).
// Taking a spinlock masks IRQs on this CPU until it is released.
#pragma once
#include <arch/spinlock.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/cpu/percpu.h"

// A lock class registers itself globally the first time it is counted (every
// acquisition with g_lock_counting, else its first contended one): give it
// static storage. A release kernel booted without lockstats lists only the
// classes that have met contention.
struct LockClass {
  const char* name;
  uint32_t rank;
  uint64_t acquisitions = 0;
  uint64_t contended = 0;
  uint64_t spins = 0;
  LockClass* next = nullptr;  // registry of classes that have been used
  bool registered = false;

  constexpr LockClass(const char* n, uint32_t r) : name(n), rank(r) {}
};

// Walks every lock class used so far (for tests, bench and the console).
void lock_classes_for_each(void (*fn)(const LockClass&, void*), void* ctx);
LockClass* lock_class_find(const char* name);

// Whether every acquisition is counted (LockClass::acquisitions): always in
// the debug kernel, in the release kernel with the lockstats boot argument.
// The count is an atomic add to the class's one line, which every CPU taking
// a lock of the class would otherwise write; contention is counted always.
extern bool g_lock_counting;

// A waiter that has spun for a while parks in WFI (a vCPU whose host thread
// then sleeps, so the lock holder's thread can run); unlock kicks parked
// waiters with an IPI. g_spin_parked counts the parked CPUs.
extern uint32_t g_spin_parked;

// With TINE_DEBUG (the tested kernel) lock and unlock are out of line and check
// recursion, ownership, IRQ state and the lock order. Without it (the release
// kernel ./tine bench measures) they are the inline fast path below.
class SpinLock {
 public:
  explicit constexpr SpinLock(LockClass& cls) : cls_(&cls) {}
  SpinLock(const SpinLock&) = delete;
  SpinLock& operator=(const SpinLock&) = delete;

#ifdef TINE_DEBUG
  void lock();
  void unlock();
#else
  void lock() {
    uint64_t irq = arch::irq_save();
    uint32_t spins = arch::raw_spin_try_take(&raw_) ? 0 : wait_turn();
    note_acquired(this_cpu(), irq, spins);
  }
  void unlock() {
    --this_cpu().held_count;
    uint64_t irq = saved_irq_;
    owner_ = -1;
    release();
    arch::irq_restore(irq);
  }
#endif
  bool try_lock();

  bool held_by_me() const;
  bool is_locked() const { return arch::raw_spin_is_locked(&raw_); }
  void assert_held() const;
  LockClass& lock_class() const { return *cls_; }

 private:
  // Owner, saved IRQ state and the class's counters; the class joins the
  // registry the first time it is counted.
  void note_acquired(Cpu& cpu, uint64_t irq_state, uint32_t spins) {
    owner_ = static_cast<int>(cpu.id);
    saved_irq_ = irq_state;
    if (g_lock_counting || spins) [[unlikely]]
      note_rare(spins);
#ifdef TINE_DEBUG
    if (cpu.held_count < Cpu::kMaxHeldLocks) cpu.held_ranks[cpu.held_count] = cls_->rank;
#endif
    ++cpu.held_count;
  }
  // Counts the acquisition (g_lock_counting) and any contention, and puts the
  // class in the registry the first time.
  void note_rare(uint32_t spins);
  // Waits for the lock and takes it: spins, then parks.
  uint32_t wait_turn();
  // Hands the lock on and kicks parked waiters. The barrier orders the store
  // that releases the lock before the load of g_spin_parked; a parking waiter
  // orders its count before its look at the lock the same way, so one of the
  // two sees the other.
  void release() {
    arch::raw_spin_unlock(&raw_);
#ifdef TINE_KERNEL
    asm volatile("dmb ish" ::: "memory");
    if (__atomic_load_n(&g_spin_parked, __ATOMIC_RELAXED) != 0) [[unlikely]]
      kick_parked();
#endif
  }
  void kick_parked();

  arch::RawSpin raw_;
  LockClass* cls_;
  int owner_ = -1;          // CPU that holds it (debug checks)
  uint64_t saved_irq_ = 0;  // IRQ state to restore at unlock
};

class SpinGuard {
 public:
  explicit SpinGuard(SpinLock& l) : l_(l) { l_.lock(); }
  ~SpinGuard() { l_.unlock(); }
  SpinGuard(const SpinGuard&) = delete;
  SpinGuard& operator=(const SpinGuard&) = delete;

 private:
  SpinLock& l_;
};

// Data reachable only with its lock held: with([](T& t) { ... }).
template <typename T>
class SpinProtected {
 public:
  template <typename... Args>
  explicit SpinProtected(LockClass& cls, Args&&... args) : lock_(cls), value_(args...) {}

  template <typename Fn>
  decltype(auto) with(Fn&& fn) {
    SpinGuard g(lock_);
    return fn(value_);
  }
  SpinLock& lock() { return lock_; }

 private:
  SpinLock lock_;
  T value_;
};
