// kfree's per-CPU magazines: a freed object comes back to the next kmalloc of
// its class on the same CPU, the type's counters stay exact whichever CPU
// frees, a second free is caught wherever the object waits, and draining
// gives everything back to the slabs.
#include <string.h>

#include "kernel/cpu/percpu.h"
#include "tests/host/mm/mm_arena.h"

namespace {

using MmMagazine = MmArena;

TEST_F(MmMagazine, AFreedObjectComesBackOnItsCpu) {
  void* a = kmalloc(512, M_PROC, M_WAITOK);
  ASSERT_NE(a, nullptr);
  MallocStats before = malloc_type_stats(M_PROC);
  kfree(a, M_PROC);
  MallocStats freed = malloc_type_stats(M_PROC);
  EXPECT_EQ(freed.inuse_objects, before.inuse_objects - 1);
  EXPECT_EQ(freed.inuse_bytes, before.inuse_bytes - 512);
  EXPECT_EQ(freed.total_frees, before.total_frees + 1);
  EXPECT_EQ(freed.slabs, before.slabs);               // still its slab's: in the magazine
  void* b = kmalloc(400, M_PROC, M_WAITOK | M_ZERO);  // same class (512), zeroed
  EXPECT_EQ(b, a);
  uint8_t zero[512] = {};
  EXPECT_EQ(memcmp(b, zero, sizeof zero), 0);
  MallocStats again = malloc_type_stats(M_PROC);
  EXPECT_EQ(again.inuse_objects, before.inuse_objects);
  EXPECT_EQ(again.total_allocs, before.total_allocs + 1);
  kfree(b, M_PROC);
}

TEST_F(MmMagazine, OtherClassesAndOverflowGoToTheSlabs) {
  void* objs[kMagazineSize + 2];
  for (void*& p : objs) p = kmalloc(256, M_PGRP, M_WAITOK);
  void* other = kmalloc(64, M_PGRP, M_WAITOK);
  for (void* p : objs) kfree(p, M_PGRP);  // the magazine takes kMagazineSize
  kfree(other, M_PGRP);                   // another class: to its slab
  MallocStats s = malloc_type_stats(M_PGRP);
  EXPECT_EQ(s.inuse_objects, 0u);
  EXPECT_EQ(s.inuse_bytes, 0u);
  kmalloc_drain_local();
  s = malloc_type_stats(M_PGRP);
  EXPECT_EQ(s.inuse_objects, 0u);
  EXPECT_EQ(s.inuse_bytes, 0u);
  EXPECT_EQ(kmalloc_reclaim() > 0, true);
  EXPECT_EQ(malloc_type_stats(M_PGRP).slabs, 0u);
}

TEST_F(MmMagazine, CountersStayExactAcrossCpus) {
  MallocStats base = malloc_type_stats(M_SESSION);
  void* p[8];
  for (void*& q : p) q = kmalloc(1024, M_SESSION, M_WAITOK);
  cpu_bind(1);  // freed on another CPU: its magazine's share goes negative
  for (void* q : p) kfree(q, M_SESSION);
  cpu_bind(0);
  MallocStats s = malloc_type_stats(M_SESSION);
  EXPECT_EQ(s.inuse_objects, base.inuse_objects);
  EXPECT_EQ(s.inuse_bytes, base.inuse_bytes);
  EXPECT_EQ(s.total_allocs - base.total_allocs, 8u);
  EXPECT_EQ(s.total_frees - base.total_frees, 8u);
  EXPECT_GE(s.peak_objects, base.inuse_objects + 8);
  cpu_bind(1);
  kmalloc_drain_local();
  cpu_bind(0);
  s = malloc_type_stats(M_SESSION);
  EXPECT_EQ(s.inuse_objects, base.inuse_objects);
  EXPECT_EQ(s.inuse_bytes, base.inuse_bytes);
}

TEST_F(MmMagazine, ASecondFreeIsCaughtOnAnyCpu) {
  EXPECT_DEATH(
      {
        void* p = kmalloc(128, M_UCRED, M_WAITOK);
        kfree(p, M_UCRED);
        cpu_bind(2);
        kfree(p, M_UCRED);
      },
      "double free");
  EXPECT_DEATH(
      {
        void* p = kmalloc(128, M_UCRED, M_WAITOK);
        kfree(p, M_UCRED);
        kmalloc_drain_local();  // on its slab's free list now
        kfree(p, M_UCRED);
      },
      "double free");
}

// The tag is only a hint: a live object may hold the same word by chance or
// by design (~address is a user-space-looking value, and kernel objects keep
// user addresses and lengths a program chose). Its free is an ordinary one.
TEST_F(MmMagazine, ALiveObjectHoldingTheTagIsNoDoubleFree) {
  MallocStats base = malloc_type_stats(M_UCRED);
  auto* p = static_cast<uint64_t*>(kmalloc(128, M_UCRED, M_WAITOK));
  ASSERT_NE(p, nullptr);
  p[1] = ~reinterpret_cast<uintptr_t>(p);  // what a magazine writes there
  kfree(p, M_UCRED);
  EXPECT_EQ(malloc_type_stats(M_UCRED).inuse_objects, base.inuse_objects);
  // The same on another CPU than the one whose magazine would hold it.
  p = static_cast<uint64_t*>(kmalloc(128, M_UCRED, M_WAITOK));
  ASSERT_NE(p, nullptr);
  p[1] = ~reinterpret_cast<uintptr_t>(p);
  cpu_bind(3);
  kfree(p, M_UCRED);
  cpu_bind(0);
  EXPECT_EQ(malloc_type_stats(M_UCRED).inuse_objects, base.inuse_objects);
}

}  // namespace
