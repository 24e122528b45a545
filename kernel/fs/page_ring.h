// A byte ring of up to kRingPages pages, each made as the ring first
// reaches it: the buffer of a pipe and of each direction of a connected
// socket. Not locked: its owner's lock guards it.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/fs/uio.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/uapi/error_numbers.h"

inline constexpr uint32_t kRingPages = 16;
inline constexpr uint32_t kRingPage = 4096;

struct PageRing {
  uint8_t* pages[kRingPages];
  uint32_t npages;  // capacity in pages
  uint32_t head;    // where the oldest byte is, in [0, cap())
  uint32_t len;     // bytes held
  MallocType* type;

  uint32_t cap() const { return npages * kRingPage; }
  uint32_t room() const { return cap() - len; }
  // Appends up to n bytes (at most room()) from the uio: 0, -ENOMEM (no page)
  // or -EFAULT; the bytes moved before an error stay appended.
  [[nodiscard]] int fill(Uio* uio, uint32_t n);
  // Appends n bytes from the kernel (at most room()): 0 or -ENOMEM.
  [[nodiscard]] int put(const void* src, uint32_t n);
  // Copies up to n bytes starting `at` bytes past the oldest into the uio,
  // taking nothing out: 0 or -EFAULT (*moved says how many went).
  [[nodiscard]] int peek(uint32_t at, uint32_t n, Uio* uio, uint32_t* moved) const;
  // Copies n bytes starting `at` bytes past the oldest into dst (n <= len - at).
  void get(uint32_t at, void* dst, uint32_t n) const;
  // Takes the n oldest bytes out (n <= len).
  void consume(uint32_t n);
  // A new capacity of `want` pages (len <= want * kRingPage): the bytes move
  // to the start. 0, or -ENOMEM with nothing changed.
  [[nodiscard]] int resize(uint32_t want);
  // Frees the pages.
  void release();
};

// The hot paths (every pipe and socket read and write) are inline.
inline int PageRing::fill(Uio* uio, uint32_t n) {
  KASSERT(n <= room());
  while (n > 0) {
    uint32_t tail = (head + len) % cap();
    uint32_t page = tail / kRingPage;
    if (!pages[page]) {
      pages[page] = static_cast<uint8_t*>(kmalloc(kRingPage, type, M_WAITOK));
      if (!pages[page]) return -ENOMEM;
    }
    uint32_t at = tail % kRingPage;
    uint32_t step = kRingPage - at;
    if (step > n) step = n;
    uint64_t before = uio->done;
    int err = uiomove(pages[page] + at, step, uio);
    uint32_t moved = static_cast<uint32_t>(uio->done - before);
    len += moved;
    n -= moved;
    if (err) return err;
    if (moved == 0) break;  // the uio is spent
  }
  return 0;
}

inline int PageRing::peek(uint32_t at, uint32_t n, Uio* uio, uint32_t* moved) const {
  KASSERT(at <= len && n <= len - at);
  *moved = 0;
  while (n > 0 && uio->resid > 0) {
    uint32_t pos = (head + at + *moved) % cap();
    uint32_t in = pos % kRingPage;
    uint32_t step = kRingPage - in;
    if (step > n) step = n;
    uint64_t before = uio->done;
    int err = uiomove(pages[pos / kRingPage] + in, step, uio);
    uint32_t got = static_cast<uint32_t>(uio->done - before);
    *moved += got;
    n -= got;
    if (err) return err;
  }
  return 0;
}

inline void PageRing::consume(uint32_t n) {
  KASSERT(n <= len);
  head = (head + n) % cap();
  len -= n;
  if (len == 0) head = 0;
}
