// Address spaces as the system calls use them: mmap/munmap/mprotect/brk
// semantics, demand-zero faults, vm_fork with private and shared mappings,
// and that a space's release gives everything back.
#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "arch/aarch64/mmu/asid.h"
#include "kernel/vm/layout.h"
#include "kernel/vm/vmspace.h"
#include "tests/host/vm/vm_host_env.h"

namespace {

using arch::UptAccess;
constexpr unsigned RW = 3;

class VmspaceTest : public VmArena {
 protected:
  void SetUp() override {
    VmArena::SetUp();
    base_ = settled_page_stats();
    vm_ = vmspace_create(nullptr);
    ASSERT_NE(vm_, nullptr);
  }
  void TearDown() override {
    if (vm_) vmspace_release(vm_);
    expect_same_pages(base_, settled_page_stats());
    EXPECT_EQ(arch::asid_stats().in_use, 0u);
    EXPECT_EQ(region_live_count(), 0u);
    EXPECT_EQ(anon_live_objects(), 0u);
    VmArena::TearDown();
  }
  // A user store: fault first if the tables refuse it, as the CPU would.
  bool store(Vmspace* vm, uint64_t va, uint64_t v) {
    for (int i = 0; i < 3; ++i) {
      if (pt_store_nofault(vm, va, v)) return true;
      if (vm_fault(vm, va, UptAccess::kWrite) != VmFault::kOk) return false;
    }
    return false;
  }
  bool load(Vmspace* vm, uint64_t va, uint64_t* v) {
    for (int i = 0; i < 3; ++i) {
      if (pt_load(&vm->pt, va, v)) return true;
      if (vm_fault(vm, va, UptAccess::kRead) != VmFault::kOk) return false;
    }
    return false;
  }
  static bool pt_store_nofault(Vmspace* vm, uint64_t va, uint64_t v) {
    bool writable = false;
    Page* p = arch::upt_lookup(&vm->pt, va, nullptr, &writable);
    if (!p || !writable) return false;
    *reinterpret_cast<uint64_t*>(static_cast<uint8_t*>(page_to_virt(p)) + (va & 4095)) = v;
    return true;
  }
  uint64_t mmap(uint64_t len, unsigned prot, unsigned flags, uint64_t addr = 0) {
    uint64_t out = 0;
    EXPECT_EQ(vm_mmap(vm_, addr, len, prot, flags, &out), 0);
    return out;
  }

  PageStats base_;
  Vmspace* vm_ = nullptr;
};

TEST_F(VmspaceTest, MmapIsDemandZeroAndMunmapGivesBack) {
  uint64_t a = mmap(10 * kPageSize, RW, kMapPrivate | kMapAnonymous);
  ASSERT_NE(a, 0u);
  EXPECT_LE(a + 10 * kPageSize, kMmapTop);
  uint64_t v = 1;
  ASSERT_TRUE(load(vm_, a + 5 * kPageSize, &v));
  EXPECT_EQ(v, 0u);
  ASSERT_TRUE(store(vm_, a, 77));
  uint64_t user_before = page_stats_used(page_stats(), PageUse::User);
  EXPECT_EQ(vm_munmap(vm_, a + 2 * kPageSize, 8 * kPageSize), 0);  // pages 2-9: one was touched
  EXPECT_EQ(page_stats_used(page_stats(), PageUse::User), user_before - 1);
  EXPECT_EQ(vm_fault(vm_, a + 5 * kPageSize, UptAccess::kRead), VmFault::kNoEntry);
  ASSERT_TRUE(load(vm_, a, &v));
  EXPECT_EQ(v, 77u);
  EXPECT_EQ(vm_->regions.count(), 1u);
}

TEST_F(VmspaceTest, MmapArguments) {
  uint64_t out;
  EXPECT_EQ(vm_mmap(vm_, 0, 0, RW, kMapPrivate | kMapAnonymous, &out), -EINVAL);
  EXPECT_EQ(vm_mmap(vm_, 0, 4096, 0x10, kMapPrivate | kMapAnonymous, &out), -EINVAL);
  // PROT_SEM (8): accepted and meaningless, as on Linux's arm64.
  ASSERT_EQ(vm_mmap(vm_, 0, 4096, 8 | 1, kMapPrivate | kMapAnonymous, &out), 0);
  EXPECT_EQ(vm_->regions.find(out)->prot, 1u);
  EXPECT_EQ(vm_munmap(vm_, out, 4096), 0);
  EXPECT_EQ(vm_mmap(vm_, 0, 4096, RW, kMapAnonymous, &out), -EINVAL);
  EXPECT_EQ(vm_mmap(vm_, 0, 4096, RW, kMapPrivate, &out), -ENODEV);
  EXPECT_EQ(vm_mmap(vm_, 0x10001, 4096, RW, kMapPrivate | kMapAnonymous | kMapFixed, &out),
            -EINVAL);
  // Below the lowest address a program may map: -EPERM (Linux's mmap_min_addr);
  // past the user half: -ENOMEM, before alignment is looked at (Linux's order).
  EXPECT_EQ(vm_mmap(vm_, 0x1000, 4096, RW, kMapPrivate | kMapAnonymous | kMapFixed, &out), -EPERM);
  EXPECT_EQ(vm_mmap(vm_, kUserMax + 1, 4096, RW, kMapPrivate | kMapAnonymous | kMapFixed, &out),
            -ENOMEM);
  // A free hint is taken as is; MAP_FIXED replaces; FIXED_NOREPLACE refuses.
  uint64_t h = mmap(4096, RW, kMapPrivate | kMapAnonymous, 0x20000000);
  EXPECT_EQ(h, 0x20000000u);
  ASSERT_TRUE(store(vm_, h, 5));
  EXPECT_EQ(vm_mmap(vm_, h, 4096, RW, kMapPrivate | kMapAnonymous | kMapFixedNoReplace, &out),
            -EEXIST);
  EXPECT_EQ(mmap(4096, 1, kMapPrivate | kMapAnonymous | kMapFixed, h), h);
  uint64_t v = 9;
  ASSERT_TRUE(load(vm_, h, &v));
  EXPECT_EQ(v, 0u);  // a new mapping
  EXPECT_EQ(vm_fault(vm_, h, UptAccess::kWrite), VmFault::kAccess);
  EXPECT_EQ(vm_munmap(vm_, h + 1, 4096), -EINVAL);
  EXPECT_EQ(vm_munmap(vm_, h, 0), -EINVAL);
  EXPECT_EQ(vm_munmap(vm_, 0x30000000, 4096), 0);  // nothing there is fine
}

TEST_F(VmspaceTest, MprotectSplitsAndMerges) {
  uint64_t a = mmap(8 * kPageSize, RW, kMapPrivate | kMapAnonymous);
  for (int i = 0; i < 8; ++i) ASSERT_TRUE(store(vm_, a + i * kPageSize, i));
  ASSERT_EQ(vm_mprotect(vm_, a + 2 * kPageSize, 3 * kPageSize, 1), 0);
  EXPECT_EQ(vm_->regions.count(), 3u);
  EXPECT_EQ(vm_fault(vm_, a + 3 * kPageSize, UptAccess::kWrite), VmFault::kAccess);
  EXPECT_TRUE(store(vm_, a + 5 * kPageSize, 50));
  uint64_t v;
  ASSERT_TRUE(load(vm_, a + 3 * kPageSize, &v));
  EXPECT_EQ(v, 3u);
  ASSERT_EQ(vm_mprotect(vm_, a, 8 * kPageSize, RW), 0);
  EXPECT_EQ(vm_->regions.count(), 1u);
  EXPECT_TRUE(store(vm_, a + 3 * kPageSize, 30));
  EXPECT_EQ(vm_mprotect(vm_, a, 9 * kPageSize, 1), -ENOMEM);  // runs past the mapping
  EXPECT_EQ(vm_mprotect(vm_, a + 1, kPageSize, 1), -EINVAL);
  ASSERT_EQ(vm_mprotect(vm_, a, kPageSize, 0), 0);
  EXPECT_EQ(vm_fault(vm_, a, UptAccess::kRead), VmFault::kAccess);
}

TEST_F(VmspaceTest, BrkGrowsAndShrinks) {
  vm_set_heap(vm_, 0x1000000);
  EXPECT_EQ(vm_brk(vm_, 0), 0x1000000u);
  EXPECT_EQ(vm_brk(vm_, 0x1000000 + 100000), 0x1000000u + 100000);
  ASSERT_TRUE(store(vm_, 0x1000000 + 99992, 1));
  EXPECT_EQ(vm_fault(vm_, 0x1000000 + 100000 + kPageSize, UptAccess::kRead), VmFault::kNoEntry);
  uint64_t user = page_stats_used(page_stats(), PageUse::User);
  EXPECT_EQ(vm_brk(vm_, 0x1000000 + 10), 0x1000000u + 10);
  EXPECT_EQ(page_stats_used(page_stats(), PageUse::User), user - 1);
  EXPECT_EQ(vm_brk(vm_, 0x1000000), 0x1000000u);
  EXPECT_EQ(vm_->regions.count(), 0u);
  EXPECT_EQ(vm_brk(vm_, 0xfff000), 0x1000000u);  // below the base: refused
  // Growth stops at another mapping.
  mmap(kPageSize, RW, kMapPrivate | kMapAnonymous | kMapFixed, 0x1004000);
  EXPECT_EQ(vm_brk(vm_, 0x1008000), 0x1000000u);
  EXPECT_EQ(vm_brk(vm_, 0x1003000), 0x1003000u);
  uint64_t v = 1;
  ASSERT_TRUE(load(vm_, 0x1002000, &v));
  EXPECT_EQ(v, 0u);
}

// A heap that starts just below the mmap area (an image placed there) stops at
// the top of the user half: once grown past it, giving it back panicked in
// upt_unmap, from any unprivileged program.
TEST_F(VmspaceTest, BrkStopsAtTheTopOfTheUserHalf) {
  uint64_t base = kMmapTop - kPageSize;
  vm_set_heap(vm_, base);
  EXPECT_EQ(vm_brk(vm_, 0), base);
  EXPECT_EQ(vm_brk(vm_, base + (uint64_t{8} << 30)), base);  // past 2^39: refused
  EXPECT_EQ(vm_brk(vm_, kUserMax), kUserMax);                // up to the top is fine
  ASSERT_TRUE(store(vm_, kUserMax - 8, 1));
  EXPECT_EQ(vm_brk(vm_, kUserMax + kPageSize), kUserMax);
  EXPECT_EQ(vm_brk(vm_, base), base);
  EXPECT_EQ(vm_->regions.count(), 0u);
}

TEST_F(VmspaceTest, GuardAndStack) {
  ASSERT_EQ(vm_map_fixed(vm_, kStackBottom, kStackSize, RW, RegionKind::kStack, false), 0);
  ASSERT_EQ(
      vm_map_fixed(vm_, kStackBottom - kStackGuard, kStackGuard, 0, RegionKind::kGuard, false), 0);
  EXPECT_TRUE(store(vm_, kStackTop - 8, 1));
  EXPECT_TRUE(store(vm_, kStackBottom, 1));
  EXPECT_EQ(vm_fault(vm_, kStackBottom - 8, UptAccess::kWrite), VmFault::kNoEntry);
  EXPECT_EQ(vm_map_fixed(vm_, kStackBottom, 4096, RW, RegionKind::kMmap, false), -EEXIST);
  uint64_t out;
  // mmap never lands in the guard or the stack.
  EXPECT_EQ(vm_mmap(vm_, kStackBottom - 4096, 4096, RW, kMapPrivate | kMapAnonymous, &out), 0);
  EXPECT_LT(out, kMmapTop);
}

TEST_F(VmspaceTest, WriteIntoANewSpace) {
  ASSERT_EQ(vm_map_fixed(vm_, 0x400000, 3 * kPageSize, 5, RegionKind::kImage, false), 0);
  char text[6000];
  for (unsigned i = 0; i < sizeof text; ++i) text[i] = static_cast<char>(i * 7);
  ASSERT_EQ(vm_write(vm_, 0x400100, text, sizeof text, true), 0);
  uint64_t v;
  ASSERT_TRUE(load(vm_, 0x400100 + 4096, &v));
  EXPECT_EQ(memcmp(&v, text + 4096, 8), 0);
  EXPECT_EQ(vm_fault(vm_, 0x400000, UptAccess::kWrite), VmFault::kAccess);
  EXPECT_EQ(vm_write(vm_, 0x500000, text, 10, false), -EFAULT);
}

class VmForkTest : public VmspaceTest, public ::testing::WithParamInterface<arch::UptForkMode> {
 protected:
  void SetUp() override {
    VmspaceTest::SetUp();
    vm_set_fork_mode(GetParam());
  }
  void TearDown() override {
    vm_set_fork_mode(arch::UptForkMode::kShareTables);
    VmspaceTest::TearDown();
  }
};

TEST_P(VmForkTest, PrivateCopiesSharedStays) {
  uint64_t priv = mmap(600 * kPageSize, RW, kMapPrivate | kMapAnonymous);
  uint64_t shr = mmap(4 * kPageSize, RW, kMapShared | kMapAnonymous);
  for (int i = 0; i < 600; ++i) ASSERT_TRUE(store(vm_, priv + i * kPageSize, i));
  ASSERT_TRUE(store(vm_, shr, 1));
  VmForkResult f = vm_fork(vm_, 0, nullptr);
  ASSERT_EQ(f.error, 0);
  Vmspace* child = f.vm;
  ASSERT_NE(child, vm_);
  EXPECT_EQ(child->regions.count(), vm_->regions.count());
  for (int i = 0; i < 600; i += 3) ASSERT_TRUE(store(child, priv + i * kPageSize, 1000 + i));
  ASSERT_TRUE(store(child, shr + kPageSize, 2));  // a page first touched after the fork
  ASSERT_TRUE(store(vm_, shr + 2 * kPageSize, 3));
  uint64_t v;
  for (int i = 0; i < 600; ++i) {
    ASSERT_TRUE(load(vm_, priv + i * kPageSize, &v));
    EXPECT_EQ(v, static_cast<uint64_t>(i));
    ASSERT_TRUE(load(child, priv + i * kPageSize, &v));
    EXPECT_EQ(v, static_cast<uint64_t>(i % 3 ? i : 1000 + i));
  }
  for (Vmspace* s : {vm_, child}) {
    ASSERT_TRUE(load(s, shr, &v));
    EXPECT_EQ(v, 1u);
    ASSERT_TRUE(load(s, shr + kPageSize, &v));
    EXPECT_EQ(v, 2u);
    ASSERT_TRUE(load(s, shr + 2 * kPageSize, &v));
    EXPECT_EQ(v, 3u);
  }
  vmspace_release(child);
}

// The exec image: its pages outlive the space that exec filled for as long as
// a forked space maps them, and go with the last one.
TEST_P(VmForkTest, TheImageLivesAsLongAsASpaceMapsIt) {
  ASSERT_EQ(vm_map_fixed(vm_, 0x400000, 3 * kPageSize, 5, RegionKind::kImage, false), 0);
  ASSERT_EQ(vm_image_reserve(vm_, 3), 0);
  EXPECT_EQ(vm_image_reserve(vm_, 1), -EBUSY);  // one image a space
  for (uint64_t i = 0; i < 3; ++i) {
    Page* p = page_alloc(0, PageUse::User, kPageZero);
    ASSERT_NE(p, nullptr);
    *static_cast<uint64_t*>(page_to_virt(p)) = 0x1000 + i;
    ASSERT_EQ(vm_map_image_page(vm_, 0x400000 + i * kPageSize, p), 0);
  }
  Page* extra = page_alloc(0, PageUse::User, kPageZero);
  ASSERT_NE(extra, nullptr);
  EXPECT_EQ(vm_map_image_page(vm_, 0x400000, extra), -ENOMEM);  // full: the page is given back
  EXPECT_EQ(image_live_count(), 1u);
  VmForkResult f = vm_fork(vm_, 0, nullptr);
  ASSERT_EQ(f.error, 0);
  vmspace_release(vm_);
  vm_ = nullptr;
  EXPECT_EQ(image_live_count(), 1u);
  uint64_t v;
  for (uint64_t i = 0; i < 3; ++i) {
    ASSERT_TRUE(load(f.vm, 0x400000 + i * kPageSize, &v));
    EXPECT_EQ(v, 0x1000 + i);
  }
  EXPECT_EQ(vm_fault(f.vm, 0x400000, UptAccess::kWrite), VmFault::kAccess);  // r-x
  vmspace_release(f.vm);
  EXPECT_EQ(image_live_count(), 0u);  // (TearDown: every page is back)
}

TEST_P(VmForkTest, RfmemSharesTheSpace) {
  VmForkResult f = vm_fork(vm_, kRfMem, nullptr);
  ASSERT_EQ(f.error, 0);
  EXPECT_EQ(f.vm, vm_);
  EXPECT_EQ(vmspace_refs(vm_), 2u);
  vmspace_release(f.vm);
  EXPECT_EQ(vmspace_refs(vm_), 1u);
}

TEST_P(VmForkTest, FailuresUnwind) {
  uint64_t priv = mmap(1100 * kPageSize, RW, kMapPrivate | kMapAnonymous);
  for (int i = 0; i < 1100; i += 7) ASSERT_TRUE(store(vm_, priv + i * kPageSize, i));
  mmap(4 * kPageSize, RW, kMapShared | kMapAnonymous);
  for (uint64_t n = 1;; ++n) {
    kmalloc_fail_any_nth(n);
    VmForkResult f = vm_fork(vm_, 0, nullptr);
    bool injected = !kmalloc_fail_any_pending();
    kmalloc_fail_any_clear();
    if (!injected) {
      ASSERT_EQ(f.error, 0);
      vmspace_release(f.vm);
      break;
    }
    EXPECT_EQ(f.error, -ENOMEM);
    EXPECT_EQ(f.vm, nullptr);
  }
  for (uint64_t n = 1;; ++n) {
    page_alloc_fail_nth(PageUse::PageTable, n);
    VmForkResult f = vm_fork(vm_, 0, nullptr);
    bool injected = !page_alloc_fail_pending(PageUse::PageTable);
    page_alloc_fail_clear(PageUse::PageTable);
    if (!injected) {
      ASSERT_EQ(f.error, 0);
      vmspace_release(f.vm);
      break;
    }
    EXPECT_EQ(f.error, -ENOMEM);
  }
  uint64_t v;
  for (int i = 0; i < 1100; i += 7) {
    ASSERT_TRUE(load(vm_, priv + i * kPageSize, &v));
    EXPECT_EQ(v, static_cast<uint64_t>(i));
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, VmForkTest,
                         ::testing::Values(arch::UptForkMode::kShareTables,
                                           arch::UptForkMode::kCopyPtes),
                         [](const auto& info) {
                           return info.param == arch::UptForkMode::kShareTables ? "ShareTables"
                                                                                : "CopyPtes";
                         });

}  // namespace

TEST_F(VmspaceTest, MremapLengthsCannotWrap) {
  uint64_t out = 0;
  uint64_t a = mmap(kPageSize, RW, kMapPrivate | kMapAnonymous);
  uint64_t b = mmap(4 * kPageSize, RW, kMapPrivate | kMapAnonymous);
  ASSERT_TRUE(store(vm_, b + 3 * kPageSize, 7));
  // Past user memory: -EINVAL on every path (it once wrapped a region's end
  // below its start on the grow-in-place path).
  EXPECT_EQ(vm_mremap(vm_, a, kPageSize, -kPageSize, 0, 0, &out), -EINVAL);
  EXPECT_EQ(vm_mremap(vm_, a, kPageSize, -kPageSize, kMremapMaymove, 0, &out), -EINVAL);
  EXPECT_EQ(vm_mremap(vm_, b + kPageSize, 3 * kPageSize, -2 * kPageSize, 0, 0, &out), -EINVAL);
  EXPECT_EQ(vm_mremap(vm_, a, kPageSize, kUserMax + kPageSize, 0, 0, &out), -EINVAL);
  // Nor below kUserMin (page 0 was mapped so).
  EXPECT_EQ(vm_mremap(vm_, a, kPageSize, kPageSize, kMremapMaymove | kMremapFixed, 0, &out),
            -EINVAL);
  EXPECT_EQ(vm_->regions.find(0), nullptr);
  // Within it but past its top from addr: no room.
  EXPECT_EQ(vm_mremap(vm_, a, kPageSize, kUserMax - kPageSize, 0, 0, &out), -ENOMEM);
  EXPECT_EQ(vm_mremap(vm_, a, kPageSize, kUserMax - kPageSize, kMremapMaymove, 0, &out), -ENOMEM);
  EXPECT_EQ(vm_mremap(vm_, b + kPageSize, 3 * kPageSize, kUserMax - 2 * kPageSize, 0, 0, &out),
            -ENOMEM);
  EXPECT_TRUE(vm_->regions.verify());
  EXPECT_EQ(vm_->regions.find(a)->end, a + kPageSize);  // (b may run into a: one region)
  EXPECT_EQ(vm_->regions.find(b)->start, b);
  EXPECT_NE(vm_->regions.find(b + 3 * kPageSize), nullptr);
  uint64_t v = 0;
  ASSERT_TRUE(load(vm_, b + 3 * kPageSize, &v));
  EXPECT_EQ(v, 7u);
}

// MREMAP_DONTUNMAP without MREMAP_FIXED: new_addr 0 means anywhere, not page 0.
TEST_F(VmspaceTest, MremapDontunmapAnywhere) {
  uint64_t out = 0;
  uint64_t c = mmap(kPageSize, RW, kMapPrivate | kMapAnonymous);
  EXPECT_EQ(vm_mremap(vm_, c, kPageSize, kPageSize, kMremapMaymove | kMremapDontunmap, 0, &out), 0);
  EXPECT_NE(out, c);
  EXPECT_GE(out, kUserMin);
}

// MREMAP_FIXED that also shrinks unmaps the source's tail first: its entries
// (and, shared, their hold on the object) are given back with the rest. They
// once were lost: an entry and a whole shared object leaked per call.
TEST_F(VmspaceTest, MremapFixedShrinkGivesBackTheTail) {
  uint64_t out = 0;
  uint64_t a = mmap(2 * kPageSize, RW, kMapShared | kMapAnonymous);
  uint64_t d = mmap(4 * kPageSize, RW, kMapPrivate | kMapAnonymous);
  ASSERT_TRUE(store(vm_, a, 1));
  ASSERT_TRUE(store(vm_, a + kPageSize, 2));
  EXPECT_EQ(vm_mremap(vm_, a, 2 * kPageSize, kPageSize, kMremapMaymove | kMremapFixed, d, &out), 0);
  EXPECT_EQ(out, d);
  uint64_t v = 0;
  ASSERT_TRUE(load(vm_, d, &v));
  EXPECT_EQ(v, 1u);
  EXPECT_EQ(vm_fault(vm_, a + kPageSize, UptAccess::kRead), VmFault::kNoEntry);
  EXPECT_EQ(vm_munmap(vm_, d, 4 * kPageSize), 0);
  EXPECT_EQ(vm_->regions.count(), 0u);
  EXPECT_EQ(region_live_count(), 0u);
  EXPECT_EQ(anon_live_objects(), 0u);
}

// MREMAP_FIXED shrinking a range inside one mapping splits it three times
// (the tail's two ends, then the range's start): it succeeds, where it once
// ran out of spare entries and said -ENOMEM with the tail already gone.
TEST_F(VmspaceTest, MremapFixedShrinkInsideAMapping) {
  uint64_t out = 0;
  uint64_t a = mmap(4 * kPageSize, RW, kMapPrivate | kMapAnonymous);
  uint64_t d = mmap(4 * kPageSize, RW, kMapPrivate | kMapAnonymous);
  for (uint64_t i = 0; i < 4; ++i) ASSERT_TRUE(store(vm_, a + i * kPageSize, 100 + i));
  ASSERT_EQ(vm_mremap(vm_, a + kPageSize, 2 * kPageSize, kPageSize, kMremapMaymove | kMremapFixed,
                      d, &out),
            0);
  EXPECT_EQ(out, d);
  EXPECT_TRUE(vm_->regions.verify());
  uint64_t v = 0;
  ASSERT_TRUE(load(vm_, d, &v));
  EXPECT_EQ(v, 101u);
  ASSERT_TRUE(load(vm_, a, &v));
  EXPECT_EQ(v, 100u);
  ASSERT_TRUE(load(vm_, a + 3 * kPageSize, &v));
  EXPECT_EQ(v, 103u);
  EXPECT_EQ(vm_fault(vm_, a + kPageSize, UptAccess::kRead), VmFault::kNoEntry);
  EXPECT_EQ(vm_fault(vm_, a + 2 * kPageSize, UptAccess::kRead), VmFault::kNoEntry);
  // Only [d, d + new_len) was emptied for it: the rest of d's mapping stays.
  ASSERT_TRUE(load(vm_, d + kPageSize, &v));
  EXPECT_EQ(v, 0u);
}

// brk shrinking a heap that mremap grew in place unmaps [new break, old
// break) as munmap would (Linux's brk): what mremap added past the old break
// stays a mapping with its pages. A page once stayed mapped with no entry,
// where a later read-only mapping found it still writable.
TEST_F(VmspaceTest, BrkShrinkAfterMremapGrewTheHeap) {
  uint64_t base = 0x1000000;
  vm_set_heap(vm_, base);
  ASSERT_EQ(vm_brk(vm_, base + 2 * kPageSize), base + 2 * kPageSize);
  uint64_t out = 0;
  ASSERT_EQ(vm_mremap(vm_, base, 2 * kPageSize, 4 * kPageSize, 0, 0, &out), 0);
  ASSERT_EQ(out, base);
  ASSERT_TRUE(store(vm_, base, 41));
  ASSERT_TRUE(store(vm_, base + 3 * kPageSize, 42));
  EXPECT_EQ(vm_brk(vm_, base + kPageSize), base + kPageSize);
  EXPECT_TRUE(vm_->regions.verify());
  EXPECT_EQ(vm_fault(vm_, base + kPageSize, UptAccess::kRead), VmFault::kNoEntry);
  uint64_t v = 0;
  ASSERT_TRUE(load(vm_, base, &v));
  EXPECT_EQ(v, 41u);
  ASSERT_TRUE(load(vm_, base + 3 * kPageSize, &v));
  EXPECT_EQ(v, 42u);
  // No page is mapped where no entry is.
  for (uint64_t va = base; va < base + 4 * kPageSize; va += kPageSize) {
    if (vm_->regions.find(va) == nullptr) {
      EXPECT_EQ(arch::upt_lookup(&vm_->pt, va), nullptr) << std::hex << va;
    }
  }
}

// mprotect at the entry limit fails before it changes a page's protection:
// the tables and the entries never disagree.
TEST_F(VmspaceTest, MprotectAtTheEntryLimitChangesNothing) {
  uint64_t a = mmap(3 * kPageSize, RW, kMapPrivate | kMapAnonymous);
  ASSERT_TRUE(store(vm_, a + kPageSize, 5));
  // Fill the map to its limit with one-page mappings that cannot merge (each
  // alternate page left free).
  std::vector<uint64_t> pages;
  uint64_t out = 0;
  while (vm_->regions.count() < kMaxRegions) {
    ASSERT_EQ(
        vm_mmap(vm_, 0, kPageSize, pages.size() % 2 ? 1 : 3, kMapPrivate | kMapAnonymous, &out), 0);
    pages.push_back(out);
  }
  EXPECT_EQ(vm_mprotect(vm_, a + kPageSize, kPageSize, 1), -ENOMEM);
  bool writable = false;
  ASSERT_NE(arch::upt_lookup(&vm_->pt, a + kPageSize, nullptr, &writable), nullptr);
  EXPECT_TRUE(writable);
  EXPECT_EQ(vm_->regions.find(a + kPageSize)->prot, RW);
  // One unmap of everything (no split): the first page may have merged with a.
  uint64_t lo = *std::min_element(pages.begin(), pages.end());
  EXPECT_EQ(vm_munmap(vm_, lo, a + 3 * kPageSize - lo), 0);
}
