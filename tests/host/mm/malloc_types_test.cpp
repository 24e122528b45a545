// The malloc type registry: built-in types, lookup, iteration, types defined
// elsewhere, and how each type's pages are counted.
#include <string.h>

#include <set>
#include <string>

#include "tests/host/mm/mm_arena.h"

static MALLOC_DEFINE(M_MMTEST_LATE, "mmtest_late", "a type first used by a test");

namespace {

using MmTypes = MmArena;

MallocType* const kBuiltin[] = {M_TEMP,    M_PROC,     M_LWP,     M_SUBPROC, M_UCRED,
                                M_SIGACTS, M_FILEDESC, M_VMSPACE, M_VMREF,   M_PGRP,
                                M_SESSION, M_ATFORK,   M_THREAD,  M_KSTACK,  M_PTABLE};

TEST_F(MmTypes, BuiltinTypesAreFoundByName) {
  for (MallocType* t : kBuiltin) {
    EXPECT_EQ(malloc_type_find(t->name), t) << t->name;
    EXPECT_NE(t->desc, nullptr);
  }
  EXPECT_EQ(malloc_type_find("proc"), M_PROC);
  EXPECT_EQ(malloc_type_find("atfork"), M_ATFORK);
  EXPECT_EQ(malloc_type_find("pro"), nullptr);
  EXPECT_EQ(malloc_type_find("procs"), nullptr);
  EXPECT_EQ(malloc_type_find(""), nullptr);
}

TEST_F(MmTypes, IterationVisitsEveryTypeOnce) {
  std::multiset<std::string> names;
  malloc_types_for_each(
      [](MallocType& t, void* ctx) {
        static_cast<std::multiset<std::string>*>(ctx)->insert(t.name);
      },
      &names);
  for (MallocType* t : kBuiltin) EXPECT_EQ(names.count(t->name), 1u) << t->name;
  EXPECT_GE(names.size(), sizeof kBuiltin / sizeof kBuiltin[0]);
}

TEST_F(MmTypes, TypeDefinedElsewhereJoinsAtFirstUse) {
  if (!M_MMTEST_LATE->registered) {
    EXPECT_EQ(malloc_type_find("mmtest_late"), nullptr);
  }
  void* p = kmalloc(40, M_MMTEST_LATE, M_WAITOK);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(malloc_type_find("mmtest_late"), M_MMTEST_LATE);
  MallocStats s = malloc_type_stats(M_MMTEST_LATE);
  EXPECT_EQ(s.inuse_bytes, 48u);
  EXPECT_EQ(s.inuse_objects, 1u);
  kfree(p, M_MMTEST_LATE);
  // kmalloc_init starts registered types over.
  kmalloc_reclaim();
  kmalloc_init();
  EXPECT_EQ(malloc_type_stats(M_MMTEST_LATE).total_allocs, 0u);
  EXPECT_EQ(malloc_type_find("mmtest_late"), M_MMTEST_LATE);
}

TEST_F(MmTypes, EachTypeCountsItsPagesUnderItsUse) {
  PageStats base = page_stats();
  void* stack = kmalloc(16384, M_KSTACK, M_WAITOK);
  void* table = kmalloc(512, M_PTABLE, M_WAITOK);
  void* proc = kmalloc(512, M_PROC, M_WAITOK);
  ASSERT_TRUE(stack && table && proc);
  PageStats s = page_stats();
  EXPECT_EQ(page_stats_used(s, PageUse::KernelStack),
            page_stats_used(base, PageUse::KernelStack) + 4);
  EXPECT_EQ(page_stats_used(s, PageUse::PageTable), page_stats_used(base, PageUse::PageTable) + 1);
  EXPECT_EQ(page_stats_used(s, PageUse::KernelHeap),
            page_stats_used(base, PageUse::KernelHeap) + 1);
  EXPECT_EQ(malloc_type_stats(M_KSTACK).pages, 4u);
  EXPECT_EQ(malloc_type_stats(M_PTABLE).pages, 1u);
  // Separate zones: objects of the same size from different types never share a slab.
  EXPECT_NE(page_head(virt_to_page(table)), page_head(virt_to_page(proc)));
  kfree(stack, M_KSTACK);
  kfree(table, M_PTABLE);
  kfree(proc, M_PROC);
  expect_same_pages(base, settled_page_stats());
}

TEST_F(MmTypes, StatsOfEveryTypeStartAtZero) {
  malloc_types_for_each(
      [](MallocType& t, void*) {
        MallocStats s = malloc_type_stats(&t);
        EXPECT_EQ(s.inuse_bytes, 0u) << t.name;
        EXPECT_EQ(s.total_allocs, 0u) << t.name;
        EXPECT_EQ(s.failures, 0u) << t.name;
        EXPECT_EQ(s.pages, 0u) << t.name;
        EXPECT_FALSE(kmalloc_fail_pending(&t)) << t.name;
      },
      nullptr);
}

}  // namespace
