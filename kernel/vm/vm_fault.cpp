// Page faults on user addresses, and the loader's writes into a new space.
#include <arch/user_mmu.h>

#include "kernel/lib/string.h"
#include "kernel/mm/mem_account.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/layout.h"
#include "kernel/vm/sigpage.h"
#include "kernel/vm/vm_stats.h"
#include "kernel/vm/vmspace.h"

namespace {

bool access_allowed(unsigned prot, arch::UptAccess access) {
  switch (access) {
    case arch::UptAccess::kRead: return (prot & arch::kUProtRead) != 0;
    case arch::UptAccess::kWrite: return (prot & arch::kUProtWrite) != 0;
    case arch::UptAccess::kExec: return (prot & arch::kUProtExec) != 0;
  }
  return false;
}

// A fresh page for va in region r of vm, with the reference the page table
// will own.
Page* new_page_for(Vmspace* vm, VmRegion* r, uint64_t va) {
  if (r->shared) {
    // A shared mapping grown by mremap past its object has no page there
    // (Linux: SIGBUS past the end of the shared memory).
    uint64_t index = r->obj_pgoff + (va - r->start) / kPageSize;
    return index < r->obj->npages ? anon_get_page(r->obj, index) : nullptr;
  }
  Page* p = page_alloc_charged(vm->pt.payer, 0, PageUse::User);
  if (p == nullptr) return nullptr;
  arch_page_zero(page_to_virt(p));  // (upt_map syncs the I-cache for an executable mapping)
  vm_count(g_vm_count.zero_fills);
  return p;
}

// Maps a fresh page at va (vm->lock held); the page comes back through *out.
VmFault fill_locked(Vmspace* vm, VmRegion* r, uint64_t va, Page** out) {
  Page* p = new_page_for(vm, r, va);
  if (p == nullptr) return VmFault::kNoMemory;
  arch::UptStatus st = arch::upt_map(&vm->pt, va, p, r->prot, r->shared ? arch::kUMapShared : 0u);
  if (st != arch::UptStatus::kOk) {
    page_put(p);
    return st == arch::UptStatus::kNoMemory ? VmFault::kNoMemory : VmFault::kOk;
  }
  if (out) *out = p;
  return VmFault::kOk;
}

}  // namespace

VmFault vm_fault(Vmspace* vm, uint64_t va, arch::UptAccess access) {
  vm_count(g_vm_count.faults);
  SpinGuard g(vm->lock);
  switch (arch::upt_fault(&vm->pt, va, access)) {
    case arch::UptFault::kResolved: return VmFault::kOk;
    case arch::UptFault::kDenied: return VmFault::kAccess;
    case arch::UptFault::kNoMemory: return VmFault::kNoMemory;
    case arch::UptFault::kNotMapped: break;
  }
  VmRegion* r = vm->regions.find(va);
  if (r == nullptr && page_round_down(va) == kSigpageVa) return sigpage_fault_locked(vm, access);
  if (r == nullptr || r->kind == RegionKind::kGuard) return VmFault::kNoEntry;
  if (!access_allowed(r->prot, access)) return VmFault::kAccess;
  return fill_locked(vm, r, page_round_down(va), nullptr);
}

int vm_image_reserve(Vmspace* vm, uint32_t npages) {
  if (npages == 0) return 0;
  VmImage* img = image_create(npages);
  if (img == nullptr) return -ENOMEM;
  SpinGuard g(vm->lock);
  if (vm->image) {  // one image a space
    image_release(img);
    return -EBUSY;
  }
  vm->image = img;
  return 0;
}

int vm_map_image_page(Vmspace* vm, uint64_t va, Page* page) {
  SpinGuard g(vm->lock);
  VmRegion* r = vm->regions.find(va);
  if (r == nullptr || r->shared || vm->image == nullptr || !image_add(vm->image, page)) {
    page_put(page);
    return r == nullptr ? -EFAULT : -ENOMEM;
  }
  arch::UptStatus st = arch::upt_map(&vm->pt, va, page, r->prot, arch::kUMapPinned);
  return st == arch::UptStatus::kOk ? 0 : st == arch::UptStatus::kExists ? -EEXIST : -ENOMEM;
}

int vm_write(Vmspace* vm, uint64_t va, const void* src, size_t n, bool exec) {
  const uint8_t* s = static_cast<const uint8_t*>(src);
  SpinGuard g(vm->lock);
  while (n > 0) {
    uint64_t page_va = page_round_down(va);
    size_t off = va - page_va;
    size_t chunk = kPageSize - off < n ? kPageSize - off : n;
    Page* p = arch::upt_lookup(&vm->pt, page_va);
    if (p == nullptr) {
      VmRegion* r = vm->regions.find(page_va);
      if (r == nullptr || r->kind == RegionKind::kGuard) return -EFAULT;
      VmFault f = fill_locked(vm, r, page_va, &p);
      // kOk and no page: one was mapped there already (which the lock rules
      // out, upt_lookup having found none); nothing to write into then.
      if (f != VmFault::kOk || p == nullptr) return -ENOMEM;
    }
    // A new space: nothing is shared yet, so the page is written in place.
    uint8_t* dst = static_cast<uint8_t*>(page_to_virt(p)) + off;
    tine_memcpy(dst, s, chunk);
    if (exec) arch_icache_sync(dst, chunk);
    va += chunk;
    s += chunk;
    n -= chunk;
  }
  return 0;
}
