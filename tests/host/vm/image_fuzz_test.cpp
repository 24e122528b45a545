// Review: a model-based fuzz of exec images (pinned entries) against every
// space operation: fork (both modes), stores, mprotect, munmap, MAP_FIXED
// mmap, mremap (move, DONTUNMAP), MADV_DONTNEED / WIPEONFORK, release in any
// order. The model is each space's first word of every page; an image page
// written through any path, or freed while mapped, shows up as a wrong value
// in some space; TearDown checks every page comes back.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <vector>

#include "arch/aarch64/mmu/asid.h"
#include "kernel/vm/layout.h"
#include "kernel/vm/vmspace.h"
#include "tests/host/vm/vm_host_env.h"

namespace {

using arch::UptAccess;

int g_mremap_half_done;
constexpr unsigned kSlots = 48;
constexpr unsigned kImagePages = 8;
uint64_t slot_va(unsigned s) {
  return s < 32 ? 0x400000 + uint64_t{s} * kPageSize : 0x600000 + uint64_t{s - 32} * kPageSize;
}

struct PageModel {
  bool mapped = false;
  unsigned prot = 0;
  bool image = false;  // region kind kImage
  bool wipe = false;
  uint64_t val = 0;
};
struct SpaceModel {
  Vmspace* vm;
  PageModel pages[kSlots];
};

class ImageFuzz : public VmArena, public ::testing::WithParamInterface<int> {
 protected:
  void SetUp() override {
    VmArena::SetUp();
    base_ = settled_page_stats();
  }
  void TearDown() override {
    for (auto& s : spaces_) vmspace_release(s.vm);
    spaces_.clear();
    expect_same_pages(base_, settled_page_stats());
    EXPECT_EQ(arch::asid_stats().in_use, 0u);
    EXPECT_EQ(region_live_count(), 0u);
    EXPECT_EQ(image_live_count(), 0u);
    VmArena::TearDown();
  }

  static bool store(Vmspace* vm, uint64_t va, uint64_t v) {
    for (int i = 0; i < 3; ++i) {
      bool writable = false;
      Page* p = arch::upt_lookup(&vm->pt, va, nullptr, &writable);
      if (p && writable) {
        *reinterpret_cast<uint64_t*>(static_cast<uint8_t*>(page_to_virt(p)) + (va & 4095)) = v;
        return true;
      }
      if (vm_fault(vm, va, UptAccess::kWrite) != VmFault::kOk) return false;
    }
    return false;
  }
  static bool load(Vmspace* vm, uint64_t va, uint64_t* v) {
    for (int i = 0; i < 3; ++i) {
      if (pt_load(&vm->pt, va, v)) return true;
      if (vm_fault(vm, va, UptAccess::kRead) != VmFault::kOk) return false;
    }
    return false;
  }

  // A space as exec leaves it: image pages at slots 0-7 (r-x, pinned), data
  // at 8-15 (rw), in the same L3 table.
  void exec_space(uint64_t tag) {
    Vmspace* vm = vmspace_create(nullptr);
    ASSERT_NE(vm, nullptr);
    SpaceModel m{vm, {}};
    ASSERT_EQ(vm_image_reserve(vm, kImagePages), 0);
    ASSERT_EQ(vm_map_fixed(vm, slot_va(0), kImagePages * kPageSize, 5, RegionKind::kImage, false),
              0);
    for (unsigned i = 0; i < kImagePages; ++i) {
      Page* p = page_alloc(0, PageUse::User, kPageZero);
      ASSERT_NE(p, nullptr);
      *static_cast<uint64_t*>(page_to_virt(p)) = tag + i;
      ASSERT_EQ(vm_map_image_page(vm, slot_va(i), p), 0);
      m.pages[i] = {true, 5, true, false, tag + i};
    }
    ASSERT_EQ(vm_map_fixed(vm, slot_va(8), 8 * kPageSize, 3, RegionKind::kImage, false), 0);
    for (unsigned i = 8; i < 16; ++i) {
      ASSERT_TRUE(store(vm, slot_va(i), tag + i));
      m.pages[i] = {true, 3, true, false, tag + i};
    }
    spaces_.push_back(m);
  }

  void check_all(const char* after) {
    for (size_t si = 0; si < spaces_.size(); ++si) {
      SpaceModel& s = spaces_[si];
      for (unsigned i = 0; i < kSlots; ++i) {
        const PageModel& p = s.pages[i];
        uint64_t v = ~0ull;
        bool ok = load(s.vm, slot_va(i), &v);
        bool want = p.mapped && (p.prot & 1);
        ASSERT_EQ(ok, want) << after << ": space " << si << " slot " << i;
        if (ok) {
          ASSERT_EQ(v, p.val) << after << ": space " << si << " slot " << i;
        }
      }
    }
  }

  PageStats base_;
  std::vector<SpaceModel> spaces_;
};

TEST_P(ImageFuzz, ModelHolds) {
  std::mt19937_64 rng(GetParam());
  auto rnd = [&](uint64_t n) { return rng() % n; };
  vm_set_fork_mode(GetParam() % 2 ? arch::UptForkMode::kCopyPtes : arch::UptForkMode::kShareTables);
  exec_space(0x1000000);
  exec_space(0x2000000);
  static const unsigned kProts[] = {0, 1, 3, 5, 7};
  uint64_t counter = 0x9000000;
  for (int step = 0; step < 600; ++step) {
    if (spaces_.empty()) exec_space(0x3000000 + step * 0x100);
    size_t si = rnd(spaces_.size());
    SpaceModel& s = spaces_[si];
    unsigned a = static_cast<unsigned>(rnd(kSlots));
    unsigned n = 1 + static_cast<unsigned>(rnd(4));
    if (a + n > kSlots) n = kSlots - a;
    if (a < 32 && a + n > 32) n = 32 - a;  // ranges are contiguous addresses
    char what[64] = "none";
    unsigned op = static_cast<unsigned>(rnd(10));
    // Allocation failures in anything but madvise (whose DONTNEED may stop
    // half-way by design): a failed operation must change nothing.
    bool inject = op != 7 && rnd(3) == 0;
    if (inject) {
      uint64_t nth = 1 + rnd(4);
      switch (rnd(3)) {
        case 0: page_alloc_fail_nth(PageUse::PageTable, nth); break;
        case 1: page_alloc_fail_nth(PageUse::User, nth); break;
        default: kmalloc_fail_any_nth(nth); break;
      }
    }
    switch (op) {
      case 0: {  // fork
        if (spaces_.size() >= 8) break;
        VmForkResult f = vm_fork(s.vm, 0, nullptr);
        if (inject && f.error) break;
        ASSERT_EQ(f.error, 0);
        SpaceModel c{f.vm, {}};
        for (unsigned i = 0; i < kSlots; ++i) {
          c.pages[i] = s.pages[i];
          if (c.pages[i].wipe && c.pages[i].mapped) c.pages[i].val = 0;
        }
        spaces_.push_back(c);
        snprintf(what, sizeof what, "fork %zu", si);
        break;
      }
      case 1:
      case 2: {  // stores
        for (unsigned i = a; i < a + n; ++i) {
          uint64_t v = ++counter;
          bool ok = store(s.vm, slot_va(i), v);
          bool want = s.pages[i].mapped && (s.pages[i].prot & 2);
          if (!(inject && want && !ok)) {
            ASSERT_EQ(ok, want) << "store space " << si << " slot " << i;
          }
          if (ok) s.pages[i].val = v;
        }
        snprintf(what, sizeof what, "store %zu %u+%u", si, a, n);
        break;
      }
      case 3: {  // mprotect
        unsigned prot = kProts[rnd(5)];
        bool all = true;
        for (unsigned i = a; i < a + n; ++i) all &= s.pages[i].mapped;
        int r = vm_mprotect(s.vm, slot_va(a), n * kPageSize, prot);
        if (!inject) {
          ASSERT_EQ(r, all ? 0 : -ENOMEM) << "mprotect";
        }
        if (all && r == 0)
          for (unsigned i = a; i < a + n; ++i) s.pages[i].prot = prot;
        snprintf(what, sizeof what, "mprotect %zu %u+%u %u", si, a, n, prot);
        break;
      }
      case 4: {  // munmap
        int r = vm_munmap(s.vm, slot_va(a), n * kPageSize);
        if (!inject) {
          ASSERT_EQ(r, 0);
        }
        if (r == 0)
          for (unsigned i = a; i < a + n; ++i) s.pages[i] = PageModel{};
        snprintf(what, sizeof what, "munmap %zu %u+%u", si, a, n);
        break;
      }
      case 5: {  // mmap MAP_FIXED
        unsigned prot = kProts[rnd(5)];
        uint64_t out = 0;
        if (a < 32 && a + n > 32) n = 32 - a;
        int r = vm_mmap(s.vm, slot_va(a), n * kPageSize, prot,
                        kMapPrivate | kMapAnonymous | kMapFixed, &out);
        if (!inject) {
          ASSERT_EQ(r, 0);
        }
        if (r == 0)
          for (unsigned i = a; i < a + n; ++i) s.pages[i] = {true, prot, false, false, 0};
        snprintf(what, sizeof what, "mmap %zu %u+%u %u", si, a, n, prot);
        break;
      }
      case 6: {  // mremap to a fixed place (emptied first), maybe DONTUNMAP
        unsigned b = static_cast<unsigned>(rnd(kSlots - n + 1));
        if ((a < 32) != (a + n - 1 < 32)) break;
        if ((b < 32) != (b + n - 1 < 32)) break;
        if (a < b + n && b < a + n) break;
        bool keep = rnd(2);
        page_alloc_fail_clear(PageUse::PageTable);
        page_alloc_fail_clear(PageUse::User);
        kmalloc_fail_any_clear();
        ASSERT_EQ(vm_munmap(s.vm, slot_va(b), n * kPageSize), 0);
        if (inject) page_alloc_fail_nth(PageUse::PageTable, 1 + rnd(3));
        for (unsigned i = b; i < b + n; ++i) s.pages[i] = PageModel{};
        uint64_t out = 0;
        int r = vm_mremap(
            s.vm, slot_va(a), n * kPageSize, n * kPageSize,
            unsigned{kMremapMaymove} | kMremapFixed | (keep ? unsigned{kMremapDontunmap} : 0u),
            slot_va(b), &out);
        if (r != 0 && s.vm->regions.find(slot_va(b)) != nullptr) {
          // A failed mremap that left the new mapping in place (the old
          // range's unmap failed after the copy): see MremapFailureLeavesBoth.
          ++g_mremap_half_done;
          for (unsigned i = 0; i < n; ++i) {
            s.pages[b + i] = s.pages[a + i];
            s.pages[b + i].image = false;
          }
        }
        if (r == 0) {
          for (unsigned i = 0; i < n; ++i) {
            s.pages[b + i] = s.pages[a + i];
            s.pages[b + i].image = false;
            if (keep) {
              s.pages[a + i].val = 0;
            } else {
              s.pages[a + i] = PageModel{};
            }
          }
        }
        snprintf(what, sizeof what, "mremap %zu %u+%u -> %u keep %d: %d", si, a, n, b, keep, r);
        break;
      }
      case 7: {  // madvise DONTNEED or WIPEONFORK / KEEPONFORK
        int adv = rnd(3) == 0 ? 4 : rnd(2) ? 18 : 19;
        int r = vm_madvise(s.vm, slot_va(a), n * kPageSize, adv);
        if (adv == 4) {
          for (unsigned i = a; i < a + n; ++i)
            if (s.pages[i].mapped && !s.pages[i].image) s.pages[i].val = 0;
        } else if (r != -EINVAL && s.pages[a].mapped) {  // (from the region at a on)
          for (unsigned i = a; i < a + n; ++i)
            if (s.pages[i].mapped) s.pages[i].wipe = adv == 18;
        }
        snprintf(what, sizeof what, "madvise %zu %u+%u %d: %d", si, a, n, adv, r);
        break;
      }
      case 8: {  // release
        if (spaces_.size() < 2) break;
        vmspace_release(s.vm);
        spaces_.erase(spaces_.begin() + static_cast<long>(si));
        snprintf(what, sizeof what, "release %zu", si);
        break;
      }
      default: {  // loads everywhere
        check_all("loads");
        snprintf(what, sizeof what, "check");
        break;
      }
    }
    page_alloc_fail_clear(PageUse::PageTable);
    page_alloc_fail_clear(PageUse::User);
    kmalloc_fail_any_clear();
    if (inject) strncat(what, " (injected)", sizeof what - strlen(what) - 1);
    if (getenv("IMAGE_FUZZ_TRACE")) printf("%d: %s\n", step, what);
    for (auto& sp : spaces_) ASSERT_TRUE(sp.vm->regions.verify());
    if (HasFatalFailure()) return;
    check_all(what);
    if (HasFatalFailure()) return;
  }
  vm_set_fork_mode(arch::UptForkMode::kShareTables);
}

// 100 seeds in the host tier (about 20 s under the sanitizers); more by hand:
// --gtest_filter="Seeds/ImageFuzz.*" after widening the range.
INSTANTIATE_TEST_SUITE_P(Seeds, ImageFuzz, ::testing::Range(1, 101));

}  // namespace

namespace {

// Review: mremap's documented rule (vm_map.cpp: "a failure (no memory) leaves
// the space as it was") does not hold when the old range's unmap fails after
// the new mapping was linked (move_locked): -ENOMEM comes back with both
// mappings in place. Pre-existing (c45ce1a), found by ImageFuzz.
class MremapFailure : public VmArena {};

TEST_F(MremapFailure, MremapFailureLeavesBoth) {
  PageStats base = settled_page_stats();
  Vmspace* vm = vmspace_create(nullptr);
  ASSERT_NE(vm, nullptr);
  uint64_t out = 0;
  ASSERT_EQ(vm_mmap(vm, 0x400000, 2 * kPageSize, 3, kMapPrivate | kMapAnonymous | kMapFixed, &out),
            0);
  ASSERT_EQ(vm_fault(vm, 0x400000, arch::UptAccess::kWrite), VmFault::kOk);
  ASSERT_TRUE(pt_store(&vm->pt, 0x400000, 42));
  VmForkResult f = vm_fork(vm, 0, nullptr);  // the L3 table at 0x400000 is shared now
  ASSERT_EQ(f.error, 0);
  int half_done = 0;
  for (uint64_t n = 1; n < 10; ++n) {
    page_alloc_fail_nth(PageUse::PageTable, n);
    int r = vm_mremap(vm, 0x400000, kPageSize, kPageSize, kMremapMaymove | kMremapFixed, 0x800000,
                      &out);
    bool injected = !page_alloc_fail_pending(PageUse::PageTable);
    page_alloc_fail_clear(PageUse::PageTable);
    if (r == 0) break;
    EXPECT_TRUE(injected);
    if (vm->regions.find(0x800000) != nullptr) {
      ++half_done;
      ASSERT_EQ(vm_munmap(vm, 0x800000, kPageSize), 0);
    }
  }
  EXPECT_EQ(half_done, 0) << "mremap returned -ENOMEM with the new mapping in place";
  vmspace_release(f.vm);
  vmspace_release(vm);
  expect_same_pages(base, settled_page_stats());
}

}  // namespace
