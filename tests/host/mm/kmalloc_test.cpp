// kmalloc/kfree: size classes, large blocks, M_ZERO, counters, fault injection,
// exhaustion and misuse.
#include <string.h>

#include <vector>

#include "kernel/mm/poison.h"
#include "tests/host/mm/mm_arena.h"
#include "tests/host/mm/random_use.h"

namespace {

using MmKmalloc = MmArena;

size_t expected_class(size_t size) {
  for (uint32_t c : kSizeClasses)
    if (size <= c) return c;
  return 0;
}

bool all_zero(const void* p, size_t n) {
  const uint8_t* b = static_cast<const uint8_t*>(p);
  for (size_t i = 0; i < n; ++i)
    if (b[i]) return false;
  return true;
}

TEST_F(MmKmalloc, SmallRequestsAreRoundedToTheirClassAndAligned) {
  for (size_t size = 0; size <= kSlabMaxSize; size += (size < 160 ? 1 : 37)) {
    void* p = kmalloc(size, M_TEMP, M_WAITOK);
    ASSERT_NE(p, nullptr) << size;
    size_t want = expected_class(size == 0 ? 1 : size);
    EXPECT_EQ(kmalloc_usable_size(p), want) << size;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % kSlabMinAlign, 0u) << size;
    if ((want & (want - 1)) == 0) {
      EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % want, 0u) << size;
    }
    memset(p, 0x5a, want);  // the whole usable size is writable
    kfree(p, M_TEMP);
  }
}

TEST_F(MmKmalloc, LargeRequestsArePageBlocks) {
  PageStats base = settled_page_stats();
  struct Case {
    size_t size, pages;
  } cases[] = {{kSlabMaxSize + 1, 1}, {4096, 1}, {4097, 2}, {12288, 4}, {1 << 20, 256}};
  for (const Case& c : cases) {
    void* p = kmalloc(c.size, M_TEMP, M_NOWAIT);
    ASSERT_NE(p, nullptr) << c.size;
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % kPageSize, 0u);
    EXPECT_EQ(kmalloc_usable_size(p), c.pages * kPageSize) << c.size;
    EXPECT_EQ(page_stats_used(page_stats(), PageUse::KernelHeap),
              page_stats_used(base, PageUse::KernelHeap) + c.pages);
    EXPECT_EQ(malloc_type_stats(M_TEMP).pages, c.pages);
    kfree(p, M_TEMP);
  }
  EXPECT_EQ(kmalloc(kKmallocMaxSize + 1, M_TEMP, M_WAITOK), nullptr);
  EXPECT_EQ(malloc_type_stats(M_TEMP).failures, 1u);
  void* biggest = kmalloc(kKmallocMaxSize, M_TEMP, M_WAITOK);
  EXPECT_NE(biggest, nullptr);
  kfree(biggest, M_TEMP);
  expect_same_pages(base, settled_page_stats());
}

TEST_F(MmKmalloc, ZeroFlagZeroesReusedMemory) {
  for (size_t size : {size_t{24}, size_t{200}, size_t{1500}, size_t{2048}, size_t{10000}}) {
    void* p = kmalloc(size, M_PROC, M_WAITOK);
    ASSERT_NE(p, nullptr);
    size_t usable = kmalloc_usable_size(p);
    memset(p, 0xff, usable);
    kfree(p, M_PROC);
    void* z = kmalloc(size, M_PROC, M_WAITOK | M_ZERO);
    ASSERT_NE(z, nullptr);
    EXPECT_EQ(z, p) << "expected the freed memory back (" << size << ")";
    EXPECT_TRUE(all_zero(z, usable)) << size;
    kfree(z, M_PROC);
  }
}

TEST_F(MmKmalloc, StatsTrackBytesObjectsPeakAndTotals) {
  void* a = kmalloc(100, M_LWP, M_WAITOK);   // 128-byte class
  void* b = kmalloc(1000, M_LWP, M_WAITOK);  // 1024
  void* c = kmalloc(5000, M_LWP, M_WAITOK);  // two pages
  ASSERT_TRUE(a && b && c);
  MallocStats s = malloc_type_stats(M_LWP);
  EXPECT_EQ(s.inuse_bytes, 128u + 1024 + 8192);
  EXPECT_EQ(s.inuse_objects, 3u);
  EXPECT_EQ(s.total_allocs, 3u);
  EXPECT_EQ(s.peak_bytes, s.inuse_bytes);
  EXPECT_EQ(s.peak_objects, 3u);
  EXPECT_EQ(s.pages, 1u + 1 + 2);  // two one-page slabs and the large block
  EXPECT_EQ(s.slabs, 2u);
  kfree(c, M_LWP);
  kfree(a, M_LWP);
  s = malloc_type_stats(M_LWP);
  EXPECT_EQ(s.inuse_bytes, 1024u);
  EXPECT_EQ(s.inuse_objects, 1u);
  EXPECT_EQ(s.total_frees, 2u);
  EXPECT_EQ(s.peak_bytes, 128u + 1024 + 8192);
  malloc_type_reset_peak(M_LWP);
  EXPECT_EQ(malloc_type_stats(M_LWP).peak_bytes, 1024u);
  kfree(b, M_LWP);
  s = malloc_type_stats(M_LWP);
  EXPECT_EQ(s.inuse_bytes, 0u);
  EXPECT_EQ(s.inuse_objects, 0u);
  EXPECT_EQ(s.failures, 0u);
  // Other types saw none of it.
  EXPECT_EQ(malloc_type_stats(M_PROC).total_allocs, 0u);
}

TEST_F(MmKmalloc, FaultOnTheNthAllocationFailsExactlyThatOne) {
  for (uint64_t n = 1; n <= 6; ++n) {
    MallocStats before = malloc_type_stats(M_PROC);
    kmalloc_fail_nth(M_PROC, n);
    std::vector<void*> got;
    for (uint64_t i = 1; i <= 8; ++i) {
      void* other = kmalloc(64, M_LWP, M_WAITOK);  // another type: neither counted nor failed
      ASSERT_NE(other, nullptr);
      kfree(other, M_LWP);
      void* p = kmalloc(sizeof(uint64_t) * 40, M_PROC, M_WAITOK | M_ZERO);
      EXPECT_EQ(p == nullptr, i == n) << "n=" << n << " i=" << i;
      if (p) got.push_back(p);
    }
    EXPECT_FALSE(kmalloc_fail_pending(M_PROC));
    MallocStats after = malloc_type_stats(M_PROC);
    EXPECT_EQ(after.failures - before.failures, 1u);
    EXPECT_EQ(after.injected_failures - before.injected_failures, 1u);
    EXPECT_EQ(after.total_allocs - before.total_allocs, 7u);
    for (void* p : got) kfree(p, M_PROC);
  }
  EXPECT_EQ(malloc_type_stats(M_LWP).failures, 0u);
}

TEST_F(MmKmalloc, FaultCountsFromWhenArmed) {
  void* early[5];
  for (void*& p : early) p = kmalloc(32, M_UCRED, M_WAITOK);
  kmalloc_fail_nth(M_UCRED, 1);
  EXPECT_TRUE(kmalloc_fail_pending(M_UCRED));
  EXPECT_EQ(kmalloc(32, M_UCRED, M_WAITOK), nullptr);
  void* next = kmalloc(32, M_UCRED, M_WAITOK);
  EXPECT_NE(next, nullptr);
  kfree(next, M_UCRED);
  for (void* p : early) kfree(p, M_UCRED);
}

TEST_F(MmKmalloc, FaultRangeAndWindowFailEverythingInside) {
  kmalloc_fail_range(M_SUBPROC, 2, 3);  // attempts 2, 3, 4
  std::vector<void*> got;
  for (int i = 1; i <= 7; ++i) {
    void* p = kmalloc(5000, M_SUBPROC, M_WAITOK);  // large blocks too
    EXPECT_EQ(p == nullptr, i >= 2 && i <= 4) << i;
    if (p) got.push_back(p);
  }
  EXPECT_EQ(malloc_type_stats(M_SUBPROC).injected_failures, 3u);

  kmalloc_fail_all(M_SUBPROC);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(kmalloc(16 + i, M_SUBPROC, M_NOWAIT), nullptr);
  EXPECT_TRUE(kmalloc_fail_pending(M_SUBPROC));
  kmalloc_fail_clear(M_SUBPROC);
  EXPECT_FALSE(kmalloc_fail_pending(M_SUBPROC));
  void* p = kmalloc(16, M_SUBPROC, M_NOWAIT);
  EXPECT_NE(p, nullptr);
  got.push_back(p);
  for (void* q : got) kfree(q, M_SUBPROC);
  MallocStats s = malloc_type_stats(M_SUBPROC);
  EXPECT_EQ(s.failures, 53u);
  EXPECT_EQ(s.inuse_objects, 0u);
}

TEST_F(MmKmalloc, FaultOverAllTypesCountsEveryAllocation) {
  MallocType* order[] = {M_PROC, M_LWP, M_SUBPROC, M_UCRED, M_PROC, M_SIGACTS};
  for (uint64_t n = 1; n <= 6; ++n) {
    kmalloc_fail_any_nth(n);
    void* got[6];
    for (unsigned i = 0; i < 6; ++i) {
      got[i] = kmalloc(48, order[i], M_WAITOK);
      EXPECT_EQ(got[i] == nullptr, i + 1 == n) << n << " " << i;
    }
    EXPECT_FALSE(kmalloc_fail_any_pending());
    for (unsigned i = 0; i < 6; ++i) kfree(got[i], order[i]);
  }
  kmalloc_fail_any_clear();
}

TEST_F(MmKmalloc, PageAllocatorFailureSurfacesAsKmallocFailure) {
  page_alloc_fail_nth(PageUse::KernelHeap, 1);
  EXPECT_EQ(kmalloc(700, M_FILEDESC, M_NOWAIT), nullptr);  // needs a new slab page
  MallocStats s = malloc_type_stats(M_FILEDESC);
  EXPECT_EQ(s.failures, 1u);
  EXPECT_EQ(s.injected_failures, 0u);
  EXPECT_EQ(s.slabs, 0u);
  void* p = kmalloc(700, M_FILEDESC, M_NOWAIT);
  EXPECT_NE(p, nullptr);
  kfree(p, M_FILEDESC);
}

TEST_F(MmKmalloc, ExhaustionReturnsNullAndRecovers) {
  PageStats base = settled_page_stats();
  std::vector<void*> got;
  while (void* p = kmalloc(2048, M_TEMP, M_NOWAIT)) got.push_back(p);
  EXPECT_EQ(got.size(), 2 * available_pages(base));
  EXPECT_EQ(kmalloc(16, M_PROC, M_WAITOK), nullptr);  // nothing left for a new slab
  EXPECT_EQ(malloc_type_stats(M_PROC).failures, 1u);
  for (void* p : got) kfree(p, M_TEMP);
  MallocStats s = malloc_type_stats(M_TEMP);
  EXPECT_EQ(s.inuse_bytes, 0u);
  kmalloc_drain_local();  // the magazine's objects back to their slabs
  s = malloc_type_stats(M_TEMP);
  EXPECT_EQ(s.inuse_bytes, 0u);
  EXPECT_LE(s.slabs, 1u);  // one empty slab kept back
  expect_same_pages(base, settled_page_stats());
  EXPECT_EQ(malloc_type_stats(M_TEMP).slabs, 0u);
  void* p = kmalloc(16, M_PROC, M_WAITOK);
  EXPECT_NE(p, nullptr);
  kfree(p, M_PROC);
}

TEST_F(MmKmalloc, WaitokReclaimsOtherTypesEmptySlabs) {
  void* cached = kmalloc(2048, M_PGRP, M_WAITOK);
  ASSERT_NE(cached, nullptr);
  kfree(cached, M_PGRP);  // its slab stays around, empty
  EXPECT_EQ(malloc_type_stats(M_PGRP).slabs, 1u);
  std::vector<Page*> pages;
  while (Page* pg = page_alloc(0, PageUse::Other)) pages.push_back(pg);
  EXPECT_EQ(kmalloc(3000, M_SESSION, M_NOWAIT), nullptr);
  void* p = kmalloc(3000, M_SESSION, M_WAITOK);
  EXPECT_NE(p, nullptr);
  EXPECT_EQ(malloc_type_stats(M_PGRP).slabs, 0u);
  kfree(p, M_SESSION);
  for (Page* pg : pages) page_free(pg);
}

TEST_F(MmKmalloc, EmptySlabsGoBackToThePageAllocator) {
  PageStats base = settled_page_stats();
  std::vector<void*> got;
  got.reserve(1000);
  for (int i = 0; i < 1000; ++i) got.push_back(kmalloc(192, M_VMSPACE, M_WAITOK));
  MallocStats s = malloc_type_stats(M_VMSPACE);
  EXPECT_EQ(s.slabs, (1000 + 20) / 21);  // 21 objects of 192 bytes a page
  EXPECT_EQ(s.pages, s.slabs);
  for (void* p : got) kfree(p, M_VMSPACE);
  kmalloc_drain_local();  // the magazine's objects back to their slabs
  s = malloc_type_stats(M_VMSPACE);
  EXPECT_EQ(s.slabs, 1u);
  EXPECT_EQ(kmalloc_reclaim(), 1u);
  EXPECT_EQ(malloc_type_stats(M_VMSPACE).pages, 0u);
  expect_same_pages(base, settled_page_stats());
}

TEST_F(MmKmalloc, TwoPageSlabsHandleObjectsInTheirSecondPage) {
  std::vector<void*> got;
  got.reserve(5);
  for (int i = 0; i < 5; ++i) got.push_back(kmalloc(1536, M_THREAD, M_WAITOK));
  EXPECT_EQ(malloc_type_stats(M_THREAD).slabs, 1u);
  EXPECT_EQ(malloc_type_stats(M_THREAD).pages, 2u);
  Page* head = virt_to_page(got[0]);
  for (void* p : got) {
    EXPECT_EQ(page_head(virt_to_page(p)), head);
    EXPECT_EQ(kmalloc_usable_size(p), 1536u);
  }
  for (int i = 4; i >= 0; --i) kfree(got[i], M_THREAD);
  EXPECT_EQ(malloc_type_stats(M_THREAD).inuse_objects, 0u);
}

TEST_F(MmKmalloc, RandomUseKeepsEveryBlockIntactAndReturnsToBaseline) {
  PageStats base = settled_page_stats();
  MallocType* types[] = {M_TEMP, M_PROC, M_LWP, M_SUBPROC, M_ATFORK};
  const RandomUse use{.slots = 500, .ops = 30000, .seed = 99, .big_max = 20000, .small_max = 700};
  std::vector<uint64_t> allocs;
  ASSERT_NO_FATAL_FAILURE(random_kmalloc_use(types, use, &allocs));
  for (unsigned t = 0; t < 5; ++t) {
    MallocStats s = malloc_type_stats(types[t]);
    EXPECT_EQ(s.inuse_bytes, 0u);
    EXPECT_EQ(s.inuse_objects, 0u);
    EXPECT_EQ(s.total_allocs, allocs[t]);
    EXPECT_EQ(s.total_frees, allocs[t]);
    EXPECT_GT(s.peak_bytes, 0u);
  }
  expect_same_pages(base, settled_page_stats());
}

TEST_F(MmKmalloc, FreeingNullIsANoOp) {
  kfree(nullptr, M_TEMP);
  EXPECT_EQ(malloc_type_stats(M_TEMP).total_frees, 0u);
}

TEST_F(MmKmalloc, MisuseIsCaught) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        void* p = kmalloc(64, M_PROC, M_WAITOK);
        kfree(p, M_LWP);
      },
      "belongs to proc, freed as lwp");
  EXPECT_DEATH(
      {
        void* p = kmalloc(64, M_PROC, M_WAITOK);
        void* keep = kmalloc(64, M_PROC, M_WAITOK);
        (void)keep;
        kfree(p, M_PROC);
        kfree(p, M_PROC);
      },
      "double free");
  EXPECT_DEATH(
      {
        char* p = static_cast<char*>(kmalloc(64, M_PROC, M_WAITOK));
        kfree(p + 16, M_PROC);
      },
      "not the start");
  EXPECT_DEATH(
      {
        char* p = static_cast<char*>(kmalloc(10000, M_PROC, M_WAITOK));
        kfree(p + kPageSize, M_PROC);
      },
      "not its start");
  EXPECT_DEATH(
      {
        Page* pg = page_alloc(0, PageUse::Other);
        kfree(page_to_virt(pg), M_TEMP);
      },
      "not returned by kmalloc");
  EXPECT_DEATH((void)kmalloc(8, M_TEMP, M_ZERO), "assertion failed");
}

#ifdef TINE_MM_ASAN
// Free objects and pages are poisoned, so the sanitizer stops a use after free
// at the faulting access instead of letting it corrupt a later owner.
TEST_F(MmKmalloc, UseAfterFreeIsReportedBySanitizer) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        volatile char* p = static_cast<char*>(kmalloc(100, M_PROC, M_WAITOK));
        void* keep = kmalloc(100, M_PROC, M_WAITOK);
        (void)keep;
        kfree(const_cast<char*>(p), M_PROC);
        p[40] = 1;
      },
      "use-after-poison");
  EXPECT_DEATH(
      {
        Page* pg = page_alloc(0, PageUse::Other);
        volatile char* p = static_cast<char*>(page_to_virt(pg));
        page_free(pg);
        p[100] = 1;
      },
      "use-after-poison");
  EXPECT_DEATH(
      {
        volatile char* p = static_cast<char*>(kmalloc(40, M_PROC, M_WAITOK));
        p[48] = 1;  // past the 48-byte class: the next object is free
      },
      "use-after-poison");
}
#endif

}  // namespace
