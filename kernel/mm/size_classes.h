// kmalloc's size classes: requests up to kSlabMaxSize are rounded up to one of
// these and served from slabs; larger ones get whole page blocks. The steps
// (powers of two and the halves between them) keep waste under a third, and
// every object is at least 16-byte aligned (power-of-two sizes to their size).
#pragma once
#include <stddef.h>
#include <stdint.h>

inline constexpr uint32_t kSizeClasses[] = {16,  32,  48,  64,  96,   128,  192,
                                            256, 384, 512, 768, 1024, 1536, 2048};
inline constexpr unsigned kNumSizeClasses = sizeof(kSizeClasses) / sizeof(kSizeClasses[0]);
inline constexpr size_t kSlabMaxSize = 2048;
inline constexpr size_t kSlabMinAlign = 16;

// Page order of a slab for each class: 1536-byte objects fit five to two pages
// but only two to one.
inline constexpr uint8_t kSlabOrder[kNumSizeClasses] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0};

namespace size_class_detail {
struct Table {
  uint8_t index[kSlabMaxSize / 16];  // by (size - 1) / 16
};
constexpr Table make_table() {
  Table t{};
  unsigned c = 0;
  for (unsigned i = 0; i < kSlabMaxSize / 16; ++i) {
    while (kSizeClasses[c] < (i + 1) * 16) ++c;
    t.index[i] = static_cast<uint8_t>(c);
  }
  return t;
}
inline constexpr Table kTable = make_table();
}  // namespace size_class_detail

// The class serving `size` (1 .. kSlabMaxSize).
inline unsigned size_class_of(size_t size) {
  return size_class_detail::kTable.index[(size - 1) / 16];
}
