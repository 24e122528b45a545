// Changing what a space maps: fixed regions for the loader, mmap, munmap,
// mprotect and brk. Each change reserves the map entries it may need before
// taking the lock, splits entries first (a split alone changes no mapping),
// then changes the page tables, then the entries, so a failure (no memory,
// or the map full) leaves the space mapping what it did.
#include "kernel/mm/mem_account.h"
#include "kernel/panic.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/layout.h"
#include "kernel/vm/sigpage.h"
#include "kernel/vm/vmspace.h"

namespace {

constexpr unsigned kProtMask = arch::kUProtRead | arch::kUProtWrite | arch::kUProtExec;
// PROT_SEM: accepted and meaningless, as on Linux's arm64 (arch_validate_prot).
constexpr unsigned kProtSem = 0x8;

bool range_ok(uint64_t start, uint64_t len) {
  return len != 0 && start >= kUserMin && start < kUserMax && len <= kUserMax - start;
}

// Removes [start, end) from the space (lock held): page tables first, then
// entries, which go on the front of the chain *freed (one chain may gather
// several calls' entries; the caller frees it after the lock).
int unmap_locked(Vmspace* vm, uint64_t start, uint64_t end, RegionSpares& spares,
                 VmRegion** freed) {
  if (!vm->regions.split_at(start, spares) || !vm->regions.split_at(end, spares)) return -ENOMEM;
  if (arch::upt_unmap(&vm->pt, start, end) != arch::UptStatus::kOk) return -ENOMEM;
  VmRegion* gone = vm->regions.unlink_range(start, end);
  if (gone) {
    VmRegion* last = gone;
    while (last->next) last = last->next;
    last->next = *freed;
    *freed = gone;
  }
  return 0;
}

// Fills in a new entry for [start, start + len) (not linked).
int make_region(Vmspace* vm, VmRegion* r, uint64_t start, uint64_t len, unsigned prot,
                RegionKind kind, bool shared) {
  r->start = start;
  r->end = start + len;
  r->prot = prot;
  r->kind = kind;
  r->shared = shared;
  r->obj = nullptr;
  r->obj_pgoff = 0;
  if (shared) {
    MemAccount* payer = vmspace_payer_hold(vm);  // (called without vm->lock)
    r->obj = anon_create(len / kPageSize, payer);
    if (payer) mem_account_release(payer);
    if (r->obj == nullptr) return -ENOMEM;
  }
  return 0;
}

}  // namespace

int vm_map_fixed(Vmspace* vm, uint64_t start, uint64_t len, unsigned prot, RegionKind kind,
                 bool shared) {
  if (!page_aligned(start) || !page_aligned(len) || !range_ok(start, len)) return -EINVAL;
  VmRegion* r = vm->regions.alloc();
  if (r == nullptr) return -ENOMEM;
  int err = make_region(vm, r, start, len, prot & kProtMask, kind, shared);
  if (err) {
    vm->regions.free(r);
    return err;
  }
  SpinGuard g(vm->lock);
  if (!vm->regions.is_free(start, start + len)) {
    vm->regions.free(r);
    return -EEXIST;
  }
  if (vm->regions.count() >= kMaxRegions) {
    vm->regions.free(r);
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
                              kMapFixedNoReplace | 0x0100 /* GROWSDOWN */ | 0x0800 /* DENYWRITE */ |
                              0x1000 /* EXECUTABLE */ | 0x2000 /* LOCKED */ |
                              0x4000 /* NORESERVE */ | 0x8000 /* POPULATE */ |
                              0x10000 /* NONBLOCK */ | 0x20000 /* STACK */;
  unsigned type = flags & (kMapShared | kMapPrivate);
  if (len == 0 || (prot & ~(kProtMask | kProtSem)) || (flags & ~kKnown) || type == 0)
    return -EINVAL;
  prot &= kProtMask;
  if (!(flags & kMapAnonymous)) return -ENODEV;  // no files to map
  bool shared = type != kMapPrivate;             // MAP_SHARED, and MAP_SHARED_VALIDATE (both bits)
  bool fixed = (flags & (kMapFixed | kMapFixedNoReplace)) != 0;
  if (len > kUserMax) return -ENOMEM;
  len = page_round_up(len);
  // Linux's order (get_unmapped_area): past the user half, unaligned, then
  // below the lowest address a program may map (its mmap_min_addr).
  if (fixed && (addr >= kUserMax || len > kUserMax - addr)) return -ENOMEM;
  if (fixed && !page_aligned(addr)) return -EINVAL;
  if (fixed && addr < kUserMin) return -EPERM;

  RegionSpares spares(vm->regions);
  VmRegion* r = vm->regions.alloc();
  if (r == nullptr || !spares.reserve(2)) {
    vm->regions.free(r);
    return -ENOMEM;
  }
  int err = make_region(vm, r, 0, len, prot, RegionKind::kMmap, shared);
  if (err) {
    vm->regions.free(r);
    return err;
  }
  VmRegion* freed = nullptr;
  {
    SpinGuard g(vm->lock);
    uint64_t start = 0;
    if (fixed) {
      // The signal page has no region, but is there (Linux's vDSO): a
      // mapping over it replaces it too, unless it may replace nothing.
      bool over_sigpage = addr <= kSigpageVa && kSigpageVa - addr < len;
      if (!vm->regions.is_free(addr, addr + len) ||
          (over_sigpage && (flags & kMapFixedNoReplace))) {
        if (flags & kMapFixedNoReplace)
          err = -EEXIST;
        else
          err = unmap_locked(vm, addr, addr + len, spares, &freed);
      }
      if (err == 0 && over_sigpage &&
          arch::upt_unmap(&vm->pt, kSigpageVa, kSigpageVa + kPageSize) != arch::UptStatus::kOk)
        err = -ENOMEM;
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
  vm->regions.free(r);
  vm->regions.free_chain(freed);
  return err;
}

int vm_munmap(Vmspace* vm, uint64_t addr, uint64_t len) {
  if (!page_aligned(addr) || len == 0) return -EINVAL;
  len = page_round_up(len);
  if (!range_ok(addr, len)) return -EINVAL;
  RegionSpares spares(vm->regions);
  if (!spares.reserve(2)) return -ENOMEM;
  VmRegion* freed = nullptr;
  int err;
  {
    SpinGuard g(vm->lock);
    err = unmap_locked(vm, addr, addr + len, spares, &freed);
  }
  vm->regions.free_chain(freed);
  return err;
}

int vm_mprotect(Vmspace* vm, uint64_t addr, uint64_t len, unsigned prot) {
  if (!page_aligned(addr) || (prot & ~(kProtMask | kProtSem))) return -EINVAL;
  prot &= kProtMask;
  if (len == 0) return 0;
  len = page_round_up(len);
  if (!range_ok(addr, len)) return -ENOMEM;
  uint64_t end = addr + len;
  RegionSpares spares(vm->regions);
  if (!spares.reserve(2)) return -ENOMEM;
  SpinGuard g(vm->lock);
  // The whole range must be mapped (Linux: ENOMEM otherwise), guards excluded.
  uint64_t at = addr;
  for (VmRegion* r = vm->regions.find(addr); at < end; r = r->next) {
    if (r == nullptr || r->start > at || r->kind == RegionKind::kGuard) return -ENOMEM;
    at = r->end;
  }
  // Split first: at the map's limit that fails before any page changes.
  int err = 0;
  if (!vm->regions.split_at(addr, spares) || !vm->regions.split_at(end, spares) ||
      arch::upt_protect(&vm->pt, addr, end, prot) != arch::UptStatus::kOk)
    err = -ENOMEM;
  else
    for (VmRegion* r = vm->regions.find(addr); r && r->start < end; r = r->next) r->prot = prot;
  vm->regions.coalesce();  // entries that now match their neighbours (or a split) fold back
  return err;
}

uint64_t vm_brk(Vmspace* vm, uint64_t new_brk) {
  RegionSpares spares(vm->regions);
  bool have_spares = spares.reserve(2);
  VmRegion* freed = nullptr;
  uint64_t result;
  {
    SpinGuard g(vm->lock);
    result = vm->brk;
    uint64_t base = vm->brk_base;
    if (base == 0 || new_brk < base || new_brk - base > kHeapMax) return result;
    uint64_t old_end = page_round_up(vm->brk);
    uint64_t new_end = page_round_up(new_brk);
    // A heap that starts high (an image just below the mmap area) stops at
    // the top of the user half, whatever its 64 GiB allow.
    if (new_end > kUserMax) return result;
    VmRegion* heap = old_end > base ? vm->regions.find(old_end - 1) : nullptr;
    if (heap && heap->kind != RegionKind::kHeap) heap = nullptr;
    if (new_end > old_end) {
      if (!vm->regions.is_free(old_end, new_end)) return result;
      if (heap) {
        heap->end = new_end;
      } else if (old_end > base) {
        return result;  // the heap was mapped over (MAP_FIXED): it cannot grow
      } else {
        VmRegion* r = have_spares ? spares.take() : nullptr;
        if (r == nullptr) return result;
        make_region(vm, r, base, new_end - base, arch::kUProtRead | arch::kUProtWrite,
                    RegionKind::kHeap, false);
        vm->regions.insert(r);
      }
    } else if (new_end < old_end) {
      // Linux's brk: munmap of what the break gives up, whatever maps it
      // now (a heap mremap grew keeps what lies past the old break).
      if (unmap_locked(vm, new_end, old_end, spares, &freed) != 0) return result;
    }
    vm->brk = new_brk;
    result = new_brk;
  }
  vm->regions.free_chain(freed);
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

// ---- madvise -------------------------------------------------------------------

namespace {

// Linux's advice values (include/uapi/asm-generic/mman-common.h).
enum : int {
  kMadvNormal = 0,
  kMadvRandom = 1,
  kMadvSequential = 2,
  kMadvWillneed = 3,
  kMadvDontneed = 4,
  kMadvFree = 8,
  kMadvRemove = 9,
  kMadvDontfork = 10,
  kMadvDofork = 11,
  kMadvMergeable = 12,
  kMadvUnmergeable = 13,
  kMadvHugepage = 14,
  kMadvNohugepage = 15,
  kMadvDontdump = 16,
  kMadvDodump = 17,
  kMadvWipeonfork = 18,
  kMadvKeeponfork = 19,
  kMadvCold = 20,
  kMadvPageout = 21,
  kMadvPopulateRead = 22,
  kMadvPopulateWrite = 23,
  kMadvDontneedLocked = 24,
  kMadvCollapse = 25,
};

bool private_anonymous(const VmRegion* r) {
  return !r->shared && (r->kind == RegionKind::kMmap || r->kind == RegionKind::kHeap ||
                        r->kind == RegionKind::kStack);
}

// Applies fn to each part of [start, end) that a region maps (vm->lock held):
// -ENOMEM if some part of the range is not mapped (after the rest is done),
// or fn's first error.
template <typename Fn>
int for_each_mapped(Vmspace* vm, uint64_t start, uint64_t end, Fn fn) {
  int hole = 0;
  uint64_t at = start;
  for (VmRegion* r = vm->regions.first(); r && at < end; r = r->next) {
    if (r->end <= at) continue;
    if (r->start >= end) break;
    if (r->start > at) hole = -ENOMEM;
    if (r->kind == RegionKind::kGuard) {
      hole = -ENOMEM;
    } else if (int err = fn(r, r->start > at ? r->start : at, r->end < end ? r->end : end); err) {
      return err;
    }
    at = r->end;
  }
  return at < end ? -ENOMEM : hole;
}

}  // namespace

int vm_madvise(Vmspace* vm, uint64_t addr, uint64_t len, int advice) {
  switch (advice) {
    case kMadvNormal:
    case kMadvRandom:
    case kMadvSequential:
    case kMadvWillneed:
    case kMadvDontneed:
    case kMadvFree:
    case kMadvRemove:
    case kMadvDontfork:
    case kMadvDofork:
    case kMadvMergeable:
    case kMadvUnmergeable:
    case kMadvHugepage:
    case kMadvNohugepage:
    case kMadvDontdump:
    case kMadvDodump:
    case kMadvWipeonfork:
    case kMadvKeeponfork:
    case kMadvCold:
    case kMadvPageout:
    case kMadvPopulateRead:
    case kMadvPopulateWrite:
    case kMadvDontneedLocked:
    case kMadvCollapse: break;
    default: return -EINVAL;
  }
  if (!page_aligned(addr)) return -EINVAL;
  uint64_t alen = page_round_up(len);
  if (len && !alen) return -EINVAL;  // rounded up past the end of the numbers
  uint64_t end = addr + alen;
  if (end < addr) return -EINVAL;
  if (end == addr) return 0;
  if (end > kUserMax) return -ENOMEM;

  if (advice == kMadvPopulateRead || advice == kMadvPopulateWrite) {
    // Fault every page in, as an access would (outside the lock: vm_fault takes it).
    auto access = advice == kMadvPopulateWrite ? arch::UptAccess::kWrite : arch::UptAccess::kRead;
    for (uint64_t va = addr; va < end; va += kPageSize) {
      switch (vm_fault(vm, va, access)) {
        case VmFault::kOk: break;
        case VmFault::kNoEntry: return -ENOMEM;
        case VmFault::kAccess: return -EINVAL;  // the mapping's permissions (Linux's)
        case VmFault::kNoMemory: return -ENOMEM;
      }
    }
    return 0;
  }

  RegionSpares spares(vm->regions);
  if ((advice == kMadvWipeonfork || advice == kMadvKeeponfork) && !spares.reserve(2))
    return -ENOMEM;
  SpinGuard g(vm->lock);
  switch (advice) {
    case kMadvDontneed:
    case kMadvDontneedLocked:
    case kMadvFree:
      // Private anonymous pages go (the next touch finds a zero page), a
      // shared mapping's go from this space only (the next touch maps the
      // object's page again), as on Linux. The program's own segments keep
      // theirs: tine has no file to bring them back from (Linux would
      // re-read the file), so dropping them would lose their contents.
      return for_each_mapped(vm, addr, end, [&](VmRegion* r, uint64_t s, uint64_t e) {
        if (advice == kMadvFree && !private_anonymous(r)) return -EINVAL;
        if (r->kind == RegionKind::kImage) return 0;
        return arch::upt_unmap(&vm->pt, s, e) == arch::UptStatus::kOk ? 0 : -ENOMEM;
      });
    case kMadvRemove:
      // Punching a hole in shared memory needs every space's mappings of
      // its pages, which tine does not track (Linux: -EOPNOTSUPP where the
      // memory cannot punch holes); private memory: -EINVAL.
      return for_each_mapped(vm, addr, end, [](VmRegion* r, uint64_t, uint64_t) {
        return r->shared ? -EOPNOTSUPP : -EINVAL;
      });
    case kMadvWipeonfork:
    case kMadvKeeponfork: {
      bool wipe = advice == kMadvWipeonfork;
      int err = for_each_mapped(vm, addr, end, [&](VmRegion* r, uint64_t, uint64_t) {
        return wipe && !private_anonymous(r) ? -EINVAL : 0;
      });
      if (err == -EINVAL) return err;
      if (!vm->regions.split_at(addr, spares) || !vm->regions.split_at(end, spares)) return -ENOMEM;
      for (VmRegion* r = vm->regions.find(addr); r && r->start < end; r = r->next)
        if (r->kind != RegionKind::kGuard) r->wipe_on_fork = wipe;
      if (wipe) vm->some_wipe_on_fork = true;
      vm->regions.coalesce();
      return err;
    }
    default:
      // Advice about access patterns, huge pages, merging, dumps and
      // DONTFORK/DOFORK: accepted, not acted on; holes are still -ENOMEM.
      return for_each_mapped(vm, addr, end, [](VmRegion*, uint64_t, uint64_t) { return 0; });
  }
}

// ---- mremap --------------------------------------------------------------------

namespace {

// Moves [addr, addr + old_len) of region r to a new mapping of new_len bytes at
// new_addr (free; vm->lock held): the pages come along (a private page
// copy-on-write, which its first write takes over), the old range goes
// (unless keep_old: MREMAP_DONTUNMAP leaves it mapped and empty). `nr` is the
// new region's entry (*linked says whether the map took it); the old range's
// entries go onto the chain *freed.
int move_locked(Vmspace* vm, VmRegion* r, uint64_t addr, uint64_t old_len, uint64_t new_len,
                uint64_t new_addr, bool keep_old, VmRegion* nr, bool* linked, RegionSpares& spares,
                VmRegion** freed) {
  if (!vm->regions.is_free(new_addr, new_addr + new_len)) return -ENOMEM;
  if (vm->regions.count() + 2 >= kMaxRegions) return -ENOMEM;  // the new one and a split
  *nr = *r;
  nr->start = new_addr;
  nr->end = new_addr + new_len;
  if (nr->kind != RegionKind::kMmap) nr->kind = RegionKind::kMmap;  // no longer the heap or stack
  nr->prev = nr->next = nullptr;
  if (r->shared) {
    nr->obj_pgoff = r->obj_pgoff + (addr - r->start) / kPageSize;
    anon_hold(r->obj);
  }
  if (arch::upt_copy_range(&vm->pt, addr, new_addr, old_len, r->prot) != arch::UptStatus::kOk) {
    (void)arch::upt_unmap(&vm->pt, new_addr, new_addr + new_len);
    if (nr->shared) anon_release(nr->obj);
    nr->obj = nullptr;
    nr->shared = false;
    return -ENOMEM;
  }
  vm->regions.insert(nr);
  *linked = true;
  int err = 0;
  if (keep_old)
    err = arch::upt_unmap(&vm->pt, addr, addr + old_len) == arch::UptStatus::kOk ? 0 : -ENOMEM;
  else if (old_len)
    err = unmap_locked(vm, addr, addr + old_len, spares, freed);
  if (err) {
    // The old range could not go (no memory to copy a shared table): the
    // new one goes instead, so a failure leaves the space as it was. Its
    // tables are this space's own (upt_map copied any shared one), so this
    // unmap needs no memory.
    VmRegion* back = vm->regions.unlink_range(new_addr, new_addr + new_len);
    KASSERT(back == nr && nr->next == nullptr);
    (void)arch::upt_unmap(&vm->pt, new_addr, new_addr + new_len);
    *linked = false;
    if (nr->shared) anon_release(nr->obj);
    nr->obj = nullptr;
    nr->shared = false;
  }
  return err;
}

}  // namespace

int vm_mremap(Vmspace* vm, uint64_t addr, uint64_t old_len, uint64_t new_len, unsigned flags,
              uint64_t new_addr, uint64_t* out) {
  if (flags & ~(kMremapMaymove | kMremapFixed | kMremapDontunmap)) return -EINVAL;
  if ((flags & kMremapFixed) && !(flags & kMremapMaymove)) return -EINVAL;
  if ((flags & kMremapDontunmap) && (!(flags & kMremapMaymove) || old_len != new_len))
    return -EINVAL;
  if (!page_aligned(addr)) return -EINVAL;
  old_len = page_round_up(old_len);
  new_len = page_round_up(new_len);
  if (new_len == 0) return -EINVAL;
  // Every path: a length past user memory is refused before any use (Linux's
  // check_mremap_params), so addr + new_len below cannot wrap.
  if (new_len > kUserMax) return -EINVAL;
  bool to_given = (flags & (kMremapFixed | kMremapDontunmap)) != 0;
  if (to_given) {
    if (!page_aligned(new_addr) || new_addr > kUserMax - new_len) return -EINVAL;
    // MREMAP_FIXED's address, as mmap's MAP_FIXED (DONTUNMAP alone: 0 is "anywhere").
    if ((flags & kMremapFixed) && new_addr < kUserMin) return -EINVAL;
    if (addr + old_len > new_addr && new_addr + new_len > addr) return -EINVAL;  // overlap
  }
  if (addr >= kUserMax || old_len > kUserMax - addr) return -EFAULT;

  RegionSpares src_spares(vm->regions), dst_spares(vm->regions);
  VmRegion* nr = vm->regions.alloc();
  // The source may split three times: the tail's two ends, then the start
  // of what moves (MREMAP_FIXED that shrinks a range inside one mapping).
  if (nr == nullptr || !src_spares.reserve(3) || !dst_spares.reserve(2)) {
    vm->regions.free(nr);
    return -ENOMEM;
  }
  VmRegion* freed = nullptr;  // every call's entries (unmap_locked chains them)
  int err = 0;
  {
    SpinGuard g(vm->lock);
    do {
      // Something must be mapped at addr, whatever the lengths (Linux's
      // vma_lookup, before it shrinks or moves anything).
      if (VmRegion* at = vm->regions.find(addr); at == nullptr || at->kind == RegionKind::kGuard) {
        err = -EFAULT;
        break;
      }
      // The destination given: it is emptied first (Linux's munmap there).
      if (flags & kMremapFixed) {
        err = unmap_locked(vm, new_addr, new_addr + new_len, dst_spares, &freed);
        if (err) break;
      }
      // Shrinking only unmaps the tail (in place: even with nothing there).
      if (!to_given && old_len >= new_len) {
        err = unmap_locked(vm, addr + new_len, addr + old_len, src_spares, &freed);
        *out = addr;
        break;
      }
      if (to_given && old_len > new_len) {
        err = unmap_locked(vm, addr + new_len, addr + old_len, src_spares, &freed);
        if (err) break;
        old_len = new_len;
      }
      // The old range: within one mapping (Linux's vma_to_resize).
      VmRegion* r = vm->regions.find(addr);
      if (r == nullptr || r->kind == RegionKind::kGuard) {
        err = -EFAULT;
        break;
      }
      if (old_len == 0 && !r->shared) {
        err = -EINVAL;
        break;
      }  // only shared memory doubles
      if (old_len > r->end - addr) {
        err = -EFAULT;
        break;
      }
      if (to_given) {
        if (!(flags & kMremapFixed)) {
          new_addr = vm->regions.find_gap_top_down(new_len, kUserMin, kMmapTop);
          if (new_addr == 0) {
            err = -ENOMEM;
            break;
          }
        }
      } else {
        // Grow in place if the mapping ends there and room follows (addr and
        // new_len are below kUserMax: the sum does not wrap).
        uint64_t grow_end = addr + new_len;
        if (addr + old_len == r->end && grow_end <= kMmapTop && grow_end > r->end &&
            vm->regions.is_free(r->end, grow_end)) {
          r->end = grow_end;
          vm->regions.merge_around(r);
          *out = addr;
          break;
        }
        if (!(flags & kMremapMaymove)) {
          err = -ENOMEM;
          break;
        }
        new_addr = vm->regions.find_gap_top_down(new_len, kUserMin, kMmapTop);
        if (new_addr == 0) {
          err = -ENOMEM;
          break;
        }
      }
      bool linked = false;
      err = move_locked(vm, r, addr, old_len, new_len, new_addr, (flags & kMremapDontunmap) != 0,
                        nr, &linked, src_spares, &freed);
      if (linked) nr = nullptr;
      if (err == 0) *out = new_addr;
    } while (false);
  }
  vm->regions.free(nr);
  vm->regions.free_chain(freed);
  return err;
}

// ---- msync, mincore --------------------------------------------------------------

int vm_msync(Vmspace* vm, uint64_t addr, uint64_t len, unsigned flags) {
  constexpr unsigned kAsync = 1, kInvalidate = 2, kSync = 4;
  if ((flags & ~(kAsync | kInvalidate | kSync)) || !page_aligned(addr) ||
      ((flags & kAsync) && (flags & kSync)))
    return -EINVAL;
  uint64_t end = addr + page_round_up(len);  // Linux's: a length that rounds to 0 is 0
  if (end < addr) return -ENOMEM;
  if (end == addr) return 0;
  SpinGuard g(vm->lock);
  return for_each_mapped(vm, addr, end, [](VmRegion*, uint64_t, uint64_t) { return 0; });
}

int vm_mincore(Vmspace* vm, uint64_t addr, uint64_t npages, uint8_t* vec, uint64_t* filled) {
  SpinGuard g(vm->lock);
  for (uint64_t i = 0; i < npages; ++i) {
    *filled = i;
    uint64_t va = addr + i * kPageSize;
    VmRegion* r = vm->regions.find(va);
    if (r == nullptr || r->kind == RegionKind::kGuard) return -ENOMEM;
    bool in = arch::upt_lookup(&vm->pt, va) != nullptr;
    uint64_t index = r->obj_pgoff + (va - r->start) / kPageSize;
    if (!in && r->shared && index < r->obj->npages) {  // mremap may grow it past its object
      SpinGuard og(r->obj->lock);
      in = r->obj->pages[index] != nullptr;
    }
    vec[i] = in ? 1 : 0;
  }
  *filled = npages;
  return 0;
}
