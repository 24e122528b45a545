#include "kernel/mm/poison.h"

namespace {

// A word that may alias the bytes it is read from.
typedef uint64_t __attribute__((may_alias)) Word;

#ifdef TINE_KERNEL
bool g_enabled = true;
#else
bool g_enabled = false;
#endif

}  // namespace

bool mm_poison_enabled() { return kMmPoisonBuilt && __atomic_load_n(&g_enabled, __ATOMIC_RELAXED); }

void mm_poison_enable(bool on) { __atomic_store_n(&g_enabled, on, __ATOMIC_RELAXED); }

void poison_fill(void* p, size_t n) { __builtin_memset(p, kPoisonFree, n); }

size_t poison_find_damage(const void* p, size_t n) {
  const uint8_t* b = static_cast<const uint8_t*>(p);
  size_t i = 0;
  // While aligned (objects and pages are): eight words at a time, which is
  // what the check of every page handed out spends its time on, then one
  // word at a time; then byte by byte, to name the first damaged one.
  if (reinterpret_cast<uintptr_t>(b) % sizeof(Word) == 0) {
    for (; i + 8 * sizeof(Word) <= n; i += 8 * sizeof(Word)) {
      const Word* w = reinterpret_cast<const Word*>(b + i);
      const Word x = kPoisonFreeWord;
      if (((w[0] ^ x) | (w[1] ^ x) | (w[2] ^ x) | (w[3] ^ x) | (w[4] ^ x) | (w[5] ^ x) |
           (w[6] ^ x) | (w[7] ^ x)) != 0)
        break;
    }
    for (; i + sizeof(Word) <= n; i += sizeof(Word))
      if (*reinterpret_cast<const Word*>(b + i) != kPoisonFreeWord) break;
  }
  for (; i < n; ++i)
    if (b[i] != kPoisonFree) return i;
  return n;
}
