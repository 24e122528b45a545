// Ranks of the file layer's spinlocks for the lock-order checker
// (docs/locking.md). Its sleep locks (the namespace lock, each vnode's and
// each pipe's Mutex) are taken with no spinlock held.
#pragma once
#include <stdint.h>

inline constexpr uint32_t kRankFiledesc = 280;   // one descriptor table
inline constexpr uint32_t kRankFdtol = 290;      // the rings of leader records (leaf)
inline constexpr uint32_t kRankProcfsCpu = 295;  // /proc/stat's last figures per CPU (leaf)
inline constexpr uint32_t kRankCharge = 850;     // per-user charges; allocates under it
