// The user address space (TTBR0's half, 39 bits: arch/user_pt.h), from the bottom:
//
//   0 .. kUserMin              never mapped: null pointers fault
//   program image              the ELF's PT_LOAD segments (static executables
//                              link at 0x400000 by default)
//   heap                       from the page after the image's end, grown by brk
//   ...                        free
//   mmap area                  anonymous mappings, placed top-down below kMmapTop
//   stack guard                kStackGuard bytes never mapped
//   stack                      kStackSize bytes below kStackTop (the top of
//                              the user half), demand-zero
//
// The kernel's half (0xffff...) is TTBR1's and never reachable from EL0.
#pragma once
#include <stdint.h>

#include <arch/user_pt.h>

#include "kernel/mm/phys.h"

inline constexpr uint64_t kUserMin = 0x10000;           // 64 KiB
inline constexpr uint64_t kUserMax = arch::kUserVaTop;  // exclusive: 512 GiB
inline constexpr uint64_t kStackTop = kUserMax;
inline constexpr uint64_t kStackSize = uint64_t{8} << 20;    // 8 MiB
inline constexpr uint64_t kStackGuard = uint64_t{64} << 10;  // 64 KiB
inline constexpr uint64_t kStackBottom = kStackTop - kStackSize;
inline constexpr uint64_t kMmapTop = kStackBottom - kStackGuard - (uint64_t{1} << 30);
inline constexpr uint64_t kHeapMax = uint64_t{1} << 36;  // brk may grow 64 GiB

inline constexpr uint64_t page_round_down(uint64_t a) { return a & ~uint64_t{kPageSize - 1}; }
inline constexpr uint64_t page_round_up(uint64_t a) {
  return (a + kPageSize - 1) & ~uint64_t{kPageSize - 1};
}
inline constexpr bool page_aligned(uint64_t a) { return (a & (kPageSize - 1)) == 0; }
