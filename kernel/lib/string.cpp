// Memory and string routines. This file must be compiled with
// -fno-tree-loop-distribute-patterns (see CMakeLists.txt): otherwise GCC may
// recognise the byte loops below as memcpy/memset and call them, which in the
// kernel would be these very functions.
//
// Bulk copies and fills move 8-byte words, but only when both pointers can be
// brought to 8-byte alignment together. Mutually misaligned buffers are copied
// bytewise: unaligned word accesses fault while the MMU is off (all memory is
// Device then), and this code may run that early.
#include "kernel/lib/string.h"

#include <stdint.h>

namespace {

// A word that may alias anything, so punning buffers through it is defined.
typedef uint64_t __attribute__((may_alias)) Word;
constexpr size_t kWord = sizeof(Word);

bool word_aligned(const void* p) { return reinterpret_cast<uintptr_t>(p) % kWord == 0; }

// Same offset within a word: aligning one pointer aligns the other.
bool co_aligned(const void* a, const void* b) {
  return (reinterpret_cast<uintptr_t>(a) ^ reinterpret_cast<uintptr_t>(b)) % kWord == 0;
}

// Low-to-high copy; also correct for overlapping ranges with dst below src.
void copy_forward(unsigned char* d, const unsigned char* s, size_t n) {
  if (n >= 2 * kWord && co_aligned(d, s)) {
    while (!word_aligned(d)) {
      *d++ = *s++;
      --n;
    }
    auto* dw = reinterpret_cast<Word*>(d);
    auto* sw = reinterpret_cast<const Word*>(s);
    // Eight words (a cache line) per round: all loads before the stores,
    // which also keeps an overlapping move (dst below src by at least a
    // word) correct.
    while (n >= 8 * kWord) {
      Word w0 = sw[0], w1 = sw[1], w2 = sw[2], w3 = sw[3];
      Word w4 = sw[4], w5 = sw[5], w6 = sw[6], w7 = sw[7];
      dw[0] = w0;
      dw[1] = w1;
      dw[2] = w2;
      dw[3] = w3;
      dw[4] = w4;
      dw[5] = w5;
      dw[6] = w6;
      dw[7] = w7;
      dw += 8;
      sw += 8;
      n -= 8 * kWord;
    }
    while (n >= kWord) {
      *dw++ = *sw++;
      n -= kWord;
    }
    d = reinterpret_cast<unsigned char*>(dw);
    s = reinterpret_cast<const unsigned char*>(sw);
  }
  while (n-- > 0) *d++ = *s++;
}

// High-to-low copy, for overlapping ranges with dst above src.
void copy_backward(unsigned char* d, const unsigned char* s, size_t n) {
  d += n;
  s += n;
  if (n >= 2 * kWord && co_aligned(d, s)) {
    while (!word_aligned(d)) {
      *--d = *--s;
      --n;
    }
    auto* dw = reinterpret_cast<Word*>(d);
    auto* sw = reinterpret_cast<const Word*>(s);
    while (n >= 4 * kWord) {
      dw -= 4;
      sw -= 4;
      Word w3 = sw[3], w2 = sw[2], w1 = sw[1], w0 = sw[0];
      dw[3] = w3;
      dw[2] = w2;
      dw[1] = w1;
      dw[0] = w0;
      n -= 4 * kWord;
    }
    while (n >= kWord) {
      *--dw = *--sw;
      n -= kWord;
    }
    d = reinterpret_cast<unsigned char*>(dw);
    s = reinterpret_cast<const unsigned char*>(sw);
  }
  while (n-- > 0) *--d = *--s;
}

#if defined(__aarch64__)
// DC ZVA's block in bytes, or 0 where it cannot be used: prohibited
// (DCZID_EL0.DZP), or with the MMU off, where all memory is Device and DC ZVA
// faults. Read each time: cheap, and right on every CPU at every stage of boot.
size_t zva_block() {
  uint64_t dczid;
  uint64_t sctlr;
  asm volatile("mrs %0, dczid_el0" : "=r"(dczid));
  if (dczid & 16) return 0;
  asm volatile("mrs %0, sctlr_el1" : "=r"(sctlr));
  if (!(sctlr & 1)) return 0;
  return size_t{4} << (dczid & 15);
}

// Zeroes whole blocks from dw, which is block-aligned, while n >= block; a
// block a DC ZVA, four a turn. Returns where it stopped.
Word* zero_blocks(Word* dw, size_t& n, size_t block) {
  auto* b = reinterpret_cast<unsigned char*>(dw);
  while (n >= 4 * block) {
    asm volatile("dc zva, %0" : : "r"(b) : "memory");
    asm volatile("dc zva, %0" : : "r"(b + block) : "memory");
    asm volatile("dc zva, %0" : : "r"(b + 2 * block) : "memory");
    asm volatile("dc zva, %0" : : "r"(b + 3 * block) : "memory");
    b += 4 * block;
    n -= 4 * block;
  }
  while (n >= block) {
    asm volatile("dc zva, %0" : : "r"(b) : "memory");
    b += block;
    n -= block;
  }
  return reinterpret_cast<Word*>(b);
}
#else
size_t zva_block() { return 0; }
Word* zero_blocks(Word* dw, size_t&, size_t) { return dw; }
#endif

// Zero fills this long or longer clear whole cache blocks at a time (kmalloc's
// M_ZERO of 2 KiB objects is the common case) once aligned to a block.
constexpr size_t kZeroBlocksFrom = 256;

}  // namespace

extern "C" {

void* tine_memcpy(void* dst, const void* src, size_t n) {
  copy_forward(static_cast<unsigned char*>(dst), static_cast<const unsigned char*>(src), n);
  return dst;
}

void* tine_memmove(void* dst, const void* src, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  auto* s = static_cast<const unsigned char*>(src);
  // Compare as integers: the ranges may belong to different objects.
  auto da = reinterpret_cast<uintptr_t>(d);
  auto sa = reinterpret_cast<uintptr_t>(s);
  if (da == sa || n == 0) return dst;
  if (da < sa || da - sa >= n)
    copy_forward(d, s, n);
  else
    copy_backward(d, s, n);
  return dst;
}

void* tine_memset(void* dst, int c, size_t n) {
  auto* d = static_cast<unsigned char*>(dst);
  auto byte = static_cast<unsigned char>(c);
  if (n >= 2 * kWord) {
    while (!word_aligned(d)) {
      *d++ = byte;
      --n;
    }
    // The byte replicated into every lane of a word.
    Word pattern = 0x0101010101010101ull * byte;
    auto* dw = reinterpret_cast<Word*>(d);
    size_t block = byte == 0 && n >= kZeroBlocksFrom ? zva_block() : 0;
    if (block != 0 && n >= 2 * block) {
      while (reinterpret_cast<uintptr_t>(dw) % block != 0) {
        *dw++ = 0;
        n -= kWord;
      }
      dw = zero_blocks(dw, n, block);
    }
    while (n >= 8 * kWord) {
      dw[0] = pattern;
      dw[1] = pattern;
      dw[2] = pattern;
      dw[3] = pattern;
      dw[4] = pattern;
      dw[5] = pattern;
      dw[6] = pattern;
      dw[7] = pattern;
      dw += 8;
      n -= 8 * kWord;
    }
    while (n >= kWord) {
      *dw++ = pattern;
      n -= kWord;
    }
    d = reinterpret_cast<unsigned char*>(dw);
  }
  while (n-- > 0) *d++ = byte;
  return dst;
}

int tine_memcmp(const void* a, const void* b, size_t n) {
  auto* p = static_cast<const unsigned char*>(a);
  auto* q = static_cast<const unsigned char*>(b);
  if (n >= 2 * kWord && co_aligned(p, q)) {
    while (!word_aligned(p)) {
      if (*p != *q) return *p < *q ? -1 : 1;
      ++p;
      ++q;
      --n;
    }
    // Skip equal words; the bytewise loop below locates any difference.
    auto* pw = reinterpret_cast<const Word*>(p);
    auto* qw = reinterpret_cast<const Word*>(q);
    while (n >= kWord && *pw == *qw) {
      ++pw;
      ++qw;
      n -= kWord;
    }
    p = reinterpret_cast<const unsigned char*>(pw);
    q = reinterpret_cast<const unsigned char*>(qw);
  }
  for (; n > 0; --n, ++p, ++q) {
    if (*p != *q) return *p < *q ? -1 : 1;
  }
  return 0;
}

void* tine_memchr(const void* s, int c, size_t n) {
  auto* p = static_cast<const unsigned char*>(s);
  auto byte = static_cast<unsigned char>(c);
  for (; n > 0; --n, ++p) {
    if (*p == byte) return const_cast<unsigned char*>(p);
  }
  return nullptr;
}

size_t tine_strlen(const char* s) {
  const char* p = s;
  while (*p != '\0') ++p;
  return static_cast<size_t>(p - s);
}

size_t tine_strnlen(const char* s, size_t max) {
  size_t n = 0;
  while (n < max && s[n] != '\0') ++n;
  return n;
}

int tine_strcmp(const char* a, const char* b) {
  auto* p = reinterpret_cast<const unsigned char*>(a);
  auto* q = reinterpret_cast<const unsigned char*>(b);
  while (*p != '\0' && *p == *q) {
    ++p;
    ++q;
  }
  return *p == *q ? 0 : (*p < *q ? -1 : 1);
}

int tine_strncmp(const char* a, const char* b, size_t n) {
  auto* p = reinterpret_cast<const unsigned char*>(a);
  auto* q = reinterpret_cast<const unsigned char*>(b);
  for (; n > 0; --n, ++p, ++q) {
    if (*p != *q) return *p < *q ? -1 : 1;
    if (*p == '\0') return 0;
  }
  return 0;
}

char* tine_strchr(const char* s, int c) {
  char wanted = static_cast<char>(c);
  for (;; ++s) {
    if (*s == wanted) return const_cast<char*>(s);
    if (*s == '\0') return nullptr;
  }
}

size_t tine_strlcpy(char* dst, const char* src, size_t size) {
  size_t len = tine_strlen(src);
  if (size > 0) {
    size_t copy = len < size - 1 ? len : size - 1;
    tine_memcpy(dst, src, copy);
    dst[copy] = '\0';
  }
  return len;
}

#ifdef TINE_KERNEL
// The standard names GCC and the rest of the kernel call, bound to the same code.
void* memcpy(void*, const void*, size_t) __attribute__((alias("tine_memcpy")));
void* memmove(void*, const void*, size_t) __attribute__((alias("tine_memmove")));
void* memset(void*, int, size_t) __attribute__((alias("tine_memset")));
int memcmp(const void*, const void*, size_t) __attribute__((alias("tine_memcmp")));
void* memchr(const void*, int, size_t) __attribute__((alias("tine_memchr")));
size_t strlen(const char*) __attribute__((alias("tine_strlen")));
size_t strnlen(const char*, size_t) __attribute__((alias("tine_strnlen")));
int strcmp(const char*, const char*) __attribute__((alias("tine_strcmp")));
int strncmp(const char*, const char*, size_t) __attribute__((alias("tine_strncmp")));
char* strchr(const char*, int) __attribute__((alias("tine_strchr")));
size_t strlcpy(char*, const char*, size_t) __attribute__((alias("tine_strlcpy")));
#endif

}  // extern "C"
