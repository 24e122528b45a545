// The kernel heap: kmalloc(size, type, flags) / kfree(ptr, type) in the DragonFly
// manner. Requests up to kSlabMaxSize come from per-type slabs of fixed-size
// objects; larger ones are page blocks straight from the page allocator.
//
// Every allocation can fail, M_WAITOK ones included: callers check for nullptr.
// There is no sleeping yet, so M_WAITOK means "try hard" (empty slabs of every
// type and every CPU's page cache are reclaimed before giving up) and fails only
// on true exhaustion or an injected fault; M_NOWAIT gives up sooner. Safe under
// spinlocks of rank below kRankMallocType (kernel/mm/lock_ranks.h).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/malloc_types.h"

// kmalloc flags; exactly one of M_WAITOK and M_NOWAIT.
enum KmallocFlags : unsigned {
  M_NOWAIT = 0x0001,
  M_WAITOK = 0x0002,
  M_ZERO = 0x0100,  // fill the returned memory with zeroes
};

// Largest request kmalloc can serve: one block of the largest page order.
inline constexpr size_t kKmallocMaxSize = kPageSize << kMaxOrder;

// Registers the built-in malloc types and starts every registered type over (no
// slabs, zero counters, no fault plan). Call after page_alloc_init, once; the host
// tests call it again after each page_alloc_init.
void kmalloc_init();

// At least `size` bytes (size 0 counts as 1), 16-byte aligned (page-aligned above
// kSlabMaxSize), or nullptr.
[[nodiscard]] void* kmalloc(size_t size, MallocType* type, unsigned flags);
// Frees what kmalloc returned for the same type; nullptr is ignored. Panics on a
// pointer kmalloc did not return, a type mismatch or (mostly) a double free.
void kfree(void* ptr, MallocType* type);
// Bytes the allocation at ptr can really hold (its size class or page block).
size_t kmalloc_usable_size(const void* ptr);
// Gives every type's empty slabs back to the page allocator, after this CPU's
// magazines; returns the pages freed.
size_t kmalloc_reclaim();
// Gives this CPU's magazines (kfree's per-CPU cache of freed objects) back to
// their slabs. mm_settle runs it on every CPU.
void kmalloc_drain_local();

// The debug kernel's quarantine (kernel/mm/quarantine.h, while
// mm_poison_enabled()): kfree fills a slab object with kPoisonFree and parks it
// in a bounded FIFO instead of making it reusable at once; it stops counting as
// in use (MallocStats::quarantined_* count it). When it leaves, it is checked
// to hold the poison still, and kernel panics naming the type, the address and
// the first changed byte if not; then it is really freed.
//
// What checking a quarantined object finds; the panic reports exactly this.
struct QuarantineCheck {
  bool quarantined;  // ptr is in the quarantine (nothing else below is set if not)
  bool damaged;      // some byte changed after kfree
  const char* type;  // the object's malloc type
  uint32_t bytes;    // its size class
  size_t offset;     // the first changed byte
  uint8_t value;     // what that byte holds now
};
// Checks the quarantined object at ptr without releasing it. For tests: the
// caller makes sure nothing frees enough meanwhile to push it out.
QuarantineCheck kmalloc_quarantine_check(const void* ptr);
// Checks and frees every quarantined object, oldest first (mm_settle does, and
// kmalloc before it gives up); returns how many. 0 in the release kernel.
size_t kmalloc_quarantine_drain();

// Fault injection. Attempts are counted from when the plan is armed, 1 first;
// an injected failure returns nullptr like exhaustion and counts in the type's
// failures and injected_failures.
void kmalloc_fail_nth(MallocType* type, uint64_t n);  // the n-th attempt fails, only it
// Attempts first .. first+count-1 fail; count kFailForever fails every attempt
// from `first` on until kmalloc_fail_clear (a window of failures).
void kmalloc_fail_range(MallocType* type, uint64_t first, uint64_t count);
void kmalloc_fail_all(MallocType* type);  // every attempt until cleared
void kmalloc_fail_clear(MallocType* type);
bool kmalloc_fail_pending(MallocType* type);  // a planned failure is still to come
// The same over attempts of every type together (to walk each allocation of a
// path like fork in turn, whatever its type).
void kmalloc_fail_any_nth(uint64_t n);
void kmalloc_fail_any_range(uint64_t first, uint64_t count);
void kmalloc_fail_any_clear();
bool kmalloc_fail_any_pending();
