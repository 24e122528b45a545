// Marks free allocator memory as off-limits for AddressSanitizer in the host
// tests, so a use-after-free or an overrun into a free page or object is
// reported where it happens. Compiles to nothing in the kernel.
#pragma once
#include <stddef.h>

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
inline void mm_poison(const void* p, size_t n) {
  __asan_poison_memory_region(p, n);
}
inline void mm_unpoison(const void* p, size_t n) {
  __asan_unpoison_memory_region(p, n);
}
#else
inline void mm_poison(const void*, size_t) {}
inline void mm_unpoison(const void*, size_t) {}
#endif
