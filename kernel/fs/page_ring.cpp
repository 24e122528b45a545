#include "kernel/fs/page_ring.h"

#include "kernel/fs/uio.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/uapi/error_numbers.h"

int PageRing::put(const void* src, uint32_t n) {
  KASSERT(n <= room());
  IoVec v{reinterpret_cast<uint64_t>(src), n};
  Uio u = uio_make(&v, 1, false, UioDir::kWrite);
  return fill(&u, n);
}

void PageRing::get(uint32_t at, void* dst, uint32_t n) const {
  KASSERT(at <= len && n <= len - at);
  auto* d = static_cast<uint8_t*>(dst);
  for (uint32_t i = 0; i < n;) {
    uint32_t pos = (head + at + i) % cap();
    uint32_t in = pos % kRingPage;
    uint32_t step = kRingPage - in;
    if (step > n - i) step = n - i;
    tine_memcpy(d + i, pages[pos / kRingPage] + in, step);
    i += step;
  }
}

int PageRing::resize(uint32_t want) {
  KASSERT(want >= 1 && want <= kRingPages && len <= want * kRingPage);
  uint8_t* tmp = nullptr;
  if (len) {
    tmp = static_cast<uint8_t*>(kmalloc(len, M_TEMP, M_WAITOK));
    if (!tmp) return -ENOMEM;
    get(0, tmp, len);
  }
  for (uint32_t i = want; i < kRingPages; ++i)
    if (pages[i]) {
      kfree(pages[i], type);
      pages[i] = nullptr;
    }
  npages = want;
  head = 0;
  // The pages a ring has reached are the first ones (it starts at 0 when
  // empty and makes pages as the tail moves on), and it has reached len
  // bytes: putting them back at the start makes no page.
  uint32_t n = len;
  len = 0;
  int err = n ? put(tmp, n) : 0;
  KASSERT(err == 0);
  if (tmp) kfree(tmp, M_TEMP);
  return 0;
}

void PageRing::release() {
  for (uint8_t*& pg : pages)
    if (pg) {
      kfree(pg, type);
      pg = nullptr;
    }
  npages = head = len = 0;
}
