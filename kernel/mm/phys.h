// Physical addresses and the kernel's linear map of RAM.
#pragma once
#include <stddef.h>
#include <stdint.h>

using paddr_t = uint64_t;

inline constexpr size_t kPageSize = 4096;
inline constexpr unsigned kPageShift = 12;

#ifdef TINE_KERNEL
// All RAM (and the peripherals) is mapped at this offset in TTBR1's half.
inline constexpr uint64_t kLinearMapBase = 0xffff000000000000ull;
#else
inline constexpr uint64_t kLinearMapBase = 0;  // host tests: identity
#endif

// The linear map is an address computation by design.
// NOLINTNEXTLINE(performance-no-int-to-ptr)
inline void* phys_to_virt(paddr_t pa) { return reinterpret_cast<void*>(pa + kLinearMapBase); }
inline paddr_t virt_to_phys(const void* va) {
  return reinterpret_cast<uint64_t>(va) - kLinearMapBase;
}

// A range of physical memory [base, base + size).
struct PhysRange {
  paddr_t base;
  uint64_t size;
};
