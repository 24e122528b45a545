// Kernel mappings outside the linear map: the kernel stack area.
//
// The linear map covers RAM with the largest blocks that fit and is never
// changed once made (arch/linear_map.h), so it cannot leave a hole. Kernel
// stacks therefore live in a region of their own, mapped with 4 KiB pages:
//   0xffff800000000000 (TTBR1 L0 entry 256): 32 KiB slots, each an unmapped
//   16 KiB guard followed by a 16 KiB stack.
// A thread that runs off the bottom of its stack touches the guard and faults;
// exception entry recognises an SP inside a guard (trap/vectors.S tests bit 14
// of addresses in this L0 entry) and reports the overflow from a per-CPU
// emergency stack instead of faulting again.
#pragma once
#include <stddef.h>
#include <stdint.h>

namespace arch {

inline constexpr uint64_t kKstackAreaBase = 0xffff800000000000ull;
inline constexpr unsigned kKstackAreaL0Index = 256;
inline constexpr size_t kKstackSize = 16384;
inline constexpr size_t kKstackGuardSize = 16384;
inline constexpr size_t kKstackSlotSize = kKstackSize + kKstackGuardSize;
inline constexpr unsigned kKstackGuardBit = 14;  // clear in a slot's guard, set in its stack
inline constexpr unsigned kKstackSlots = 32768;  // 1 GiB of address space (one L2 table)
static_assert(kKstackGuardSize == (1u << kKstackGuardBit) &&
                  kKstackSlotSize == 2 * kKstackGuardSize,
              "vectors.S tests one address bit");

// Installs the area's L0 entry and its L1/L2 tables. Once, on the boot CPU,
// after the page allocator is up.
void kernel_map_init();

// Maps a stack (not zeroed) and returns its lowest address (the top is base +
// kKstackSize), or 0 when pages or a page table cannot be had. Any context that
// may take a spinlock of rank below kRankKstackArea.
[[nodiscard]] uint64_t kstack_alloc();
// Gives back a stack from kstack_alloc. It stays mapped for the next
// kstack_alloc, in its CPU's own cache of a few (no lock) or else a small
// shared one; beyond that it is unmapped (TLBs shot down on every CPU) and
// its pages freed, and its page table when no other stack uses it. A stack
// already in a cache panics (freed twice). kstack_alloc takes another CPU's
// cached stack before it fails for want of pages or slots.
void kstack_free(uint64_t base);
// Unmaps and frees every cached stack, every CPU's included (before resource
// counts are compared, and before a test makes the stack's page allocation
// fail).
void kstack_cache_drain();

// True if va lies in the kernel stack area; *stack_base then gets the base of
// the slot's stack, and *in_guard whether va is in the slot's guard.
bool kstack_area_lookup(uint64_t va, uint64_t* stack_base, bool* in_guard);

struct KstackStats {
  uint64_t live;         // stacks handed out and not freed
  uint64_t cached;       // freed stacks kept mapped for reuse
  uint64_t table_pages;  // L1, L2 and L3 tables of the area
  uint64_t allocs;
  uint64_t frees;
  uint64_t failures;
  uint64_t cache_hits;  // allocations served from the cache
};
KstackStats kstack_stats();

}  // namespace arch
