// Fault plans: make chosen allocation attempts fail on purpose, so error paths
// (fork's unwinding above all) can be tested one failure point at a time.
#pragma once
#include <stdint.h>

inline constexpr uint64_t kFailForever = ~0ull;

// How many plans are armed, anywhere (atomic): a fast path that several plans
// may apply to looks at this one word first.
inline uint32_t g_fault_plans_armed = 0;
inline bool fault_plans_armed() {
  return __atomic_load_n(&g_fault_plans_armed, __ATOMIC_ACQUIRE) != 0;
}

// Attempts are numbered from 1, starting when the plan is armed; attempts
// first .. first+count-1 fail, every other one goes through. Lock-free, so an
// allocator's fast path pays one relaxed load while no plan is armed, and two
// CPUs racing through an armed plan still get distinct attempt numbers.
class FaultPlan {
 public:
  constexpr FaultPlan() = default;
  FaultPlan(const FaultPlan&) = delete;
  FaultPlan& operator=(const FaultPlan&) = delete;

  // Meant to be armed and cleared while nothing allocates from the plan's
  // scope; an attempt racing with arm() may count against the old plan.
  void arm(uint64_t first, uint64_t count) {
    bool was = __atomic_exchange_n(&armed_, false, __ATOMIC_ACQ_REL);
    __atomic_store_n(&seen_, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&injected_, 0, __ATOMIC_RELAXED);
    __atomic_store_n(&first_, first, __ATOMIC_RELAXED);
    __atomic_store_n(&count_, count, __ATOMIC_RELAXED);
    bool now = first != 0 && count != 0;
    __atomic_store_n(&armed_, now, __ATOMIC_RELEASE);
    if (now && !was) __atomic_add_fetch(&g_fault_plans_armed, 1, __ATOMIC_RELEASE);
    if (was && !now) __atomic_sub_fetch(&g_fault_plans_armed, 1, __ATOMIC_RELEASE);
  }
  void clear() {
    if (__atomic_exchange_n(&armed_, false, __ATOMIC_ACQ_REL))
      __atomic_sub_fetch(&g_fault_plans_armed, 1, __ATOMIC_RELEASE);
  }

  // Counts one attempt; true when that attempt must fail.
  bool should_fail() {
    if (!__atomic_load_n(&armed_, __ATOMIC_ACQUIRE)) return false;
    uint64_t n = __atomic_add_fetch(&seen_, 1, __ATOMIC_RELAXED);
    uint64_t first = __atomic_load_n(&first_, __ATOMIC_RELAXED);
    if (n < first || n - first >= __atomic_load_n(&count_, __ATOMIC_RELAXED)) return false;
    __atomic_add_fetch(&injected_, 1, __ATOMIC_RELAXED);
    return true;
  }

  bool armed() const { return __atomic_load_n(&armed_, __ATOMIC_ACQUIRE); }
  // Attempts counted and failures injected since the plan was last armed.
  uint64_t attempts() const { return __atomic_load_n(&seen_, __ATOMIC_RELAXED); }
  uint64_t injected() const { return __atomic_load_n(&injected_, __ATOMIC_RELAXED); }
  // True while some planned failure has not happened yet.
  bool pending() const {
    if (!armed()) return false;
    uint64_t count = __atomic_load_n(&count_, __ATOMIC_RELAXED);
    return count == kFailForever || injected() < count;
  }

 private:
  bool armed_ = false;
  uint64_t seen_ = 0;
  uint64_t injected_ = 0;
  uint64_t first_ = 0;
  uint64_t count_ = 0;
};
