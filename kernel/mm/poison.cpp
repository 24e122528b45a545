#include "kernel/mm/poison.h"

namespace {

#ifdef TINE_KERNEL
bool g_enabled = true;
#else
bool g_enabled = false;
#endif

}  // namespace

bool mm_poison_enabled() {
  return kMmPoisonBuilt && __atomic_load_n(&g_enabled, __ATOMIC_RELAXED);
}

void mm_poison_enable(bool on) {
  __atomic_store_n(&g_enabled, on, __ATOMIC_RELAXED);
}

void poison_fill(void* p, size_t n) {
  __builtin_memset(p, kPoisonFree, n);
}

size_t poison_find_damage(const void* p, size_t n) {
  const uint8_t* b = static_cast<const uint8_t*>(p);
  size_t i = 0;
  // Two words at a time while aligned (the common case: objects and pages),
  // then byte by byte to name the first damaged one.
  if (reinterpret_cast<uintptr_t>(b) % 8 == 0) {
    for (; i + 16 <= n; i += 16) {
      uint64_t w[2];
      __builtin_memcpy(w, b + i, sizeof w);
      if ((w[0] ^ kPoisonFreeWord) | (w[1] ^ kPoisonFreeWord)) break;
    }
  }
  for (; i < n; ++i)
    if (b[i] != kPoisonFree) return i;
  return n;
}
