// Ranks of the VM's spinlocks for the lock-order checker. A vmspace's lock is
// taken first; the shared-object lock and the ASID allocator's (820, in
// arch/aarch64/mmu/asid.cpp) may be taken under it, and the memory allocator's
// (900+) under any of them.
#pragma once
#include <stdint.h>

inline constexpr uint32_t kRankVmspace = 700;
inline constexpr uint32_t kRankAnonObject = 710;
