// Poisoning free memory, so that a stale pointer is caught instead of reading
// or corrupting memory that has a new owner. Two mechanisms:
//
//  - The debug kernel (TINE_DEBUG, kMmPoisonBuilt) fills freed kmalloc objects
//    and freed pages with kPoisonFree and checks that the pattern is still
//    there before the memory is handed out again (kmalloc's quarantine,
//    page_alloc), so a write after free is reported with the byte it hit. A
//    pointer loaded from freed memory is 0x6b6b6b6b6b6b6b6b, which is not a
//    canonical address and faults at once. The release kernel compiles all of
//    it out.
//  - The host tests tell AddressSanitizer which memory is free (mm_poison,
//    mm_unpoison), so a use after free is reported at the access itself. These
//    compile to nothing in the kernel.
#pragma once
#include <stddef.h>
#include <stdint.h>

#ifdef TINE_DEBUG
inline constexpr bool kMmPoisonBuilt = true;
#else
inline constexpr bool kMmPoisonBuilt = false;
#endif

// The byte freed memory is filled with (Linux's POISON_FREE), and as a word.
inline constexpr uint8_t kPoisonFree = 0x6b;
inline constexpr uint64_t kPoisonFreeWord = 0x6b6b6b6b6b6b6b6bull;

// Whether frees poison (kMmPoisonBuilt only): on from boot in the kernel. The
// host tests, whose allocators run under AddressSanitizer and expect a freed
// object back at once, turn it on where they test it.
bool mm_poison_enabled();
void mm_poison_enable(bool on);

// Fills [p, p + n) with kPoisonFree.
void poison_fill(void* p, size_t n);
// The offset of the first byte of [p, p + n) that is not kPoisonFree, or n.
size_t poison_find_damage(const void* p, size_t n);

#if defined(__SANITIZE_ADDRESS__)
#define TINE_MM_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TINE_MM_ASAN 1
#endif
#endif

#ifdef TINE_MM_ASAN
extern "C" void __asan_poison_memory_region(void const volatile* addr, size_t size);
extern "C" void __asan_unpoison_memory_region(void const volatile* addr, size_t size);
inline void mm_poison(const void* p, size_t n) { __asan_poison_memory_region(p, n); }
inline void mm_unpoison(const void* p, size_t n) { __asan_unpoison_memory_region(p, n); }
#else
inline void mm_poison(const void*, size_t) {}
inline void mm_unpoison(const void*, size_t) {}
#endif
