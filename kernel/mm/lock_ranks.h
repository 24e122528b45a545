// Ranks of the memory allocator's spinlocks for the lock-order checker. The
// allocator is called with other locks held, so its locks rank above everything
// else: a subsystem that allocates under a ranked lock must rank below 900.
// Order inside the allocator: malloc type -> quarantine (debug kernel) ->
// per-CPU page cache -> buddy zone.
#pragma once
#include <stdint.h>

// Per-user memory accounts: taken when a charged page is freed, so above
// every lock held while pages are freed; frees an account (kmalloc) under it.
inline constexpr uint32_t kRankMemAccount = 890;
inline constexpr uint32_t kRankMallocType = 900;
inline constexpr uint32_t kRankMallocQuarantine = 905;
inline constexpr uint32_t kRankPagePcp = 910;
inline constexpr uint32_t kRankPageZone = 920;
