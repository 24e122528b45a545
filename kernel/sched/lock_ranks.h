// Ranks of the scheduler's spinlocks for the lock-order checker (a CPU may only
// take a lock ranked above every ranked lock it holds). docs/locking.md has the
// whole order; the allocator's locks (kernel/mm/lock_ranks.h, 900+) rank above
// these, so the kernel stack area may allocate page tables under its lock.
#pragma once
#include <stdint.h>

inline constexpr uint32_t kRankThreadList = 300;  // + n: list n of the threads
inline constexpr uint32_t kRankSyncObject = 350;  // interlock of a Mutex or lockmgr lock
inline constexpr uint32_t kRankSleepQueue = 400;  // a sleep-queue hash bucket
inline constexpr uint32_t kRankCallout = 500;     // a CPU's callout wheel
inline constexpr uint32_t kRankRunQueue = 600;    // CPU n's run queue: kRankRunQueue + n
inline constexpr uint32_t kRankKstackArea = 800;  // kernel stack mappings
