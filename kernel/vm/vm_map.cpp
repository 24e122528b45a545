// Changing what a space maps: fixed regions for the loader, mmap, munmap,
// mprotect and brk. Each change reserves the map entries it may need before
// taking the lock, and changes the page tables before the entries, so a
// failure (no memory) leaves the space as it was.
#include "kernel/syscall/errno.h"
#include "kernel/vm/layout.h"
#include "kernel/vm/vmspace.h"

namespace {

constexpr unsigned kProtMask = arch::kUProtRead | arch::kUProtWrite | arch::kUProtExec;

bool range_ok(uint64_t start, uint64_t len) {
  return len != 0 && start >= kUserMin && start < kUserMax && len <= kUserMax - start;
}

// Removes [start, end) from the space (lock held): page tables first, then entries.
int unmap_locked(Vmspace* vm, uint64_t start, uint64_t end, RegionSpares& spares,
                 VmRegion** freed) {
  if (!vm->regions.split_at(start, spares) || !vm->regions.split_at(end, spares)) return -ENOMEM;
  if (arch::upt_unmap(&vm->pt, start, end) != arch::UptStatus::kOk) return -ENOMEM;
  *freed = vm->regions.unlink_range(start, end);
  return 0;
}

// Fills in a new entry for [start, start + len) (not linked).
int make_region(VmRegion* r, uint64_t start, uint64_t len, unsigned prot, RegionKind kind,
                bool shared) {
  r->start = start;
  r->end = start + len;
  r->prot = prot;
  r->kind = kind;
  r->shared = shared;
  r->obj = nullptr;
  r->obj_pgoff = 0;
  if (shared) {
    r->obj = anon_create(len / kPageSize);
    if (r->obj == nullptr) return -ENOMEM;
  }
  return 0;
}

}  // namespace

int vm_map_fixed(Vmspace* vm, uint64_t start, uint64_t len, unsigned prot, RegionKind kind,
                 bool shared) {
  if (!page_aligned(start) || !page_aligned(len) || !range_ok(start, len)) return -EINVAL;
  VmRegion* r = region_alloc();
  if (r == nullptr) return -ENOMEM;
  int err = make_region(r, start, len, prot & kProtMask, kind, shared);
  if (err) {
    region_free(r);
    return err;
  }
  SpinGuard g(vm->lock);
  if (!vm->regions.is_free(start, start + len)) {
    region_free(r);
    return -EEXIST;
  }
  if (vm->regions.count() >= kMaxRegions) {
    region_free(r);
    return -ENOMEM;
  }
  vm->regions.insert(r);
  return 0;
}

void vm_set_heap(Vmspace* vm, uint64_t base) {
  SpinGuard g(vm->lock);
  vm->brk_base = vm->brk = base;
}

int vm_mmap(Vmspace* vm, uint64_t addr, uint64_t len, unsigned prot, unsigned flags,
            uint64_t* out) {
  constexpr unsigned kKnown = kMapShared | kMapPrivate | kMapFixed | kMapAnonymous |
                              kMapFixedNoReplace | 0x0100 /* GROWSDOWN */ | 0x4000 /* NORESERVE */ |
                              0x8000 /* POPULATE */ | 0x10000 /* NONBLOCK */ | 0x20000 /* STACK */;
  unsigned type = flags & (kMapShared | kMapPrivate);
  if (len == 0 || (prot & ~kProtMask) || (flags & ~kKnown) || type == 0) return -EINVAL;
  if (!(flags & kMapAnonymous)) return -ENODEV;  // no files to map
  bool shared = type != kMapPrivate;             // MAP_SHARED, and MAP_SHARED_VALIDATE (both bits)
  bool fixed = (flags & (kMapFixed | kMapFixedNoReplace)) != 0;
  if (len > kUserMax) return -ENOMEM;
  len = page_round_up(len);
  if (fixed && (!page_aligned(addr) || !range_ok(addr, len))) return -EINVAL;

  RegionSpares spares;
  VmRegion* r = region_alloc();
  if (r == nullptr || !spares.reserve(2)) {
    region_free(r);
    return -ENOMEM;
  }
  int err = make_region(r, 0, len, prot, RegionKind::kMmap, shared);
  if (err) {
    region_free(r);
    return err;
  }
  VmRegion* freed = nullptr;
  {
    SpinGuard g(vm->lock);
    uint64_t start = 0;
    if (fixed) {
      if (!vm->regions.is_free(addr, addr + len)) {
        if (flags & kMapFixedNoReplace)
          err = -EEXIST;
        else
          err = unmap_locked(vm, addr, addr + len, spares, &freed);
      }
      start = addr;
    } else {
      uint64_t hint = page_round_down(addr);
      if (hint && range_ok(hint, len) && hint + len <= kMmapTop &&
          vm->regions.is_free(hint, hint + len))
        start = hint;
      else
        start = vm->regions.find_gap_top_down(len, kUserMin, kMmapTop);
      if (start == 0) err = -ENOMEM;
    }
    if (err == 0 && vm->regions.count() >= kMaxRegions) err = -ENOMEM;
    if (err == 0) {
      r->end = start + len;
      r->start = start;
      vm->regions.insert(r);
      vm->regions.merge_around(r);
      r = nullptr;
      *out = start;
    }
  }
  region_free(r);
  region_free_chain(freed);
  return err;
}

int vm_munmap(Vmspace* vm, uint64_t addr, uint64_t len) {
  if (!page_aligned(addr) || len == 0) return -EINVAL;
  len = page_round_up(len);
  if (!range_ok(addr, len)) return -EINVAL;
  RegionSpares spares;
  if (!spares.reserve(2)) return -ENOMEM;
  VmRegion* freed = nullptr;
  int err;
  {
    SpinGuard g(vm->lock);
    err = unmap_locked(vm, addr, addr + len, spares, &freed);
  }
  region_free_chain(freed);
  return err;
}

int vm_mprotect(Vmspace* vm, uint64_t addr, uint64_t len, unsigned prot) {
  if (!page_aligned(addr) || (prot & ~kProtMask)) return -EINVAL;
  if (len == 0) return 0;
  len = page_round_up(len);
  if (!range_ok(addr, len)) return -ENOMEM;
  uint64_t end = addr + len;
  RegionSpares spares;
  if (!spares.reserve(2)) return -ENOMEM;
  SpinGuard g(vm->lock);
  // The whole range must be mapped (Linux: ENOMEM otherwise), guards excluded.
  uint64_t at = addr;
  for (VmRegion* r = vm->regions.find(addr); at < end; r = r->next) {
    if (r == nullptr || r->start > at || r->kind == RegionKind::kGuard) return -ENOMEM;
    at = r->end;
  }
  if (arch::upt_protect(&vm->pt, addr, end, prot) != arch::UptStatus::kOk) return -ENOMEM;
  if (!vm->regions.split_at(addr, spares) || !vm->regions.split_at(end, spares)) return -ENOMEM;
  for (VmRegion* r = vm->regions.find(addr); r && r->start < end; r = r->next) r->prot = prot;
  vm->regions.coalesce();  // entries that now match their neighbours fold back together
  return 0;
}

uint64_t vm_brk(Vmspace* vm, uint64_t new_brk) {
  RegionSpares spares;
  bool have_spare = spares.reserve(1);
  VmRegion* freed = nullptr;
  uint64_t result;
  {
    SpinGuard g(vm->lock);
    result = vm->brk;
    uint64_t base = vm->brk_base;
    if (base == 0 || new_brk < base || new_brk - base > kHeapMax) return result;
    uint64_t old_end = page_round_up(vm->brk);
    uint64_t new_end = page_round_up(new_brk);
    VmRegion* heap = old_end > base ? vm->regions.find(old_end - 1) : nullptr;
    if (heap && heap->kind != RegionKind::kHeap) heap = nullptr;
    if (new_end > old_end) {
      if (!vm->regions.is_free(old_end, new_end)) return result;
      if (heap) {
        heap->end = new_end;
      } else if (old_end > base) {
        return result;  // the heap was mapped over (MAP_FIXED): it cannot grow
      } else {
        VmRegion* r = have_spare ? spares.take() : nullptr;
        if (r == nullptr) return result;
        make_region(r, base, new_end - base, arch::kUProtRead | arch::kUProtWrite,
                    RegionKind::kHeap, false);
        vm->regions.insert(r);
      }
    } else if (new_end < old_end) {
      if (arch::upt_unmap(&vm->pt, new_end, old_end) != arch::UptStatus::kOk) return result;
      if (heap) {
        if (new_end > heap->start) {
          heap->end = new_end;
        } else {
          freed = vm->regions.unlink_range(heap->start, heap->end);
        }
      }
    }
    vm->brk = new_brk;
    result = new_brk;
  }
  region_free_chain(freed);
  return result;
}

int vm_shared_word(Vmspace* vm, uint64_t va, uint64_t* object_id, uint64_t* offset, bool* shared) {
  SpinGuard g(vm->lock);
  VmRegion* r = vm->regions.find(va);
  if (r == nullptr || r->kind == RegionKind::kGuard) return -EFAULT;
  *shared = r->shared;
  if (r->shared) {
    *object_id = r->obj->id;
    *offset = r->obj_pgoff * kPageSize + (va - r->start);
  }
  return 0;
}
