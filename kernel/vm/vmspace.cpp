// Vmspace life cycle and vm_fork.
#include "kernel/vm/vmspace.h"

#include <new>

#include "kernel/console/kprintf.h"
#include "kernel/lib/atomic.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/mem_account.h"
#include "kernel/panic.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/layout.h"
#include "kernel/vm/vm_lock_ranks.h"
#include "kernel/vm/vm_stats.h"

namespace {
LockClass g_vmspace_class{"vmspace", kRankVmspace};
arch::UptForkMode g_fork_mode = arch::UptForkMode::kShareTables;
}  // namespace

VmCounters g_vm_count;

Vmspace* vmspace_create(MemAccount* payer) {
  void* mem = kmalloc(sizeof(Vmspace), M_VMSPACE, M_WAITOK | M_ZERO);
  if (mem == nullptr) return nullptr;
  Vmspace* vm = new (mem) Vmspace(g_vmspace_class);
  vm->pt.payer = payer;
  if (arch::upt_create(&vm->pt) != arch::UptStatus::kOk) {
    vm->~Vmspace();
    kfree(mem, M_VMSPACE);
    return nullptr;
  }
  if (payer) mem_account_hold(payer);
  vm->refs = 1;
  vm_count(g_vm_count.spaces_live);
  vm_count(g_vm_count.spaces_created);
  return vm;
}

void vmspace_hold(Vmspace* vm) {
  uint32_t was = __atomic_fetch_add(&vm->refs, 1, __ATOMIC_RELAXED);
  KASSERT(was != 0);
}

void vmspace_set_payer(Vmspace* vm, MemAccount* payer) {
  if (payer) mem_account_hold(payer);
  MemAccount* old;
  {
    SpinGuard g(vm->lock);  // every allocation for vm reads its payer under it
    old = vm->pt.payer;
    vm->pt.payer = payer;
  }
  if (old) mem_account_release(old);
}

MemAccount* vmspace_payer_hold(Vmspace* vm) {
  SpinGuard g(vm->lock);
  MemAccount* a = vm->pt.payer;
  if (a) mem_account_hold(a);
  return a;
}

uint32_t vmspace_refs(const Vmspace* vm) { return __atomic_load_n(&vm->refs, __ATOMIC_RELAXED); }

void vmspace_release(Vmspace* vm) {
  uint32_t left = __atomic_sub_fetch(&vm->refs, 1, __ATOMIC_ACQ_REL);
  if (left + 1 == 0) panic("vmspace_release: %p had no references", static_cast<void*>(vm));
  if (left != 0) return;
  // Nobody runs in it any more, but CPUs may still have it loaded lazily.
  vmspace_unload_everywhere(vm);
  VmRegion* chain = vm->regions.unlink_all();
  arch::upt_destroy(&vm->pt);
  if (vm->image) image_release(vm->image);  // after the tables that map its pages
  vm->regions.free_chain(chain);
  if (vm->pt.payer) mem_account_release(vm->pt.payer);  // (its pages keep it while they last)
  vm->~Vmspace();
  kfree(vm, M_VMSPACE);
  vm_count(g_vm_count.spaces_live, -1);
}

void vm_set_fork_mode(arch::UptForkMode mode) {
  atomic_store_value(&g_fork_mode, mode, __ATOMIC_RELAXED);
}
arch::UptForkMode vm_fork_mode() { return atomic_load_value(&g_fork_mode, __ATOMIC_RELAXED); }

VmForkResult vm_fork(Vmspace* parent, int flags, MemAccount* payer) {
  if (flags & kRfMem) {
    vmspace_hold(parent);
    return {parent, 0};
  }
  Vmspace* child = vmspace_create(payer);
  if (child == nullptr) return {nullptr, -ENOMEM};
  bool ok;
  {
    SpinGuard g(parent->lock);
    ok = child->regions.copy_from(parent->regions) &&
         arch::upt_fork(&parent->pt, &child->pt, vm_fork_mode()) == arch::UptStatus::kOk;
    // MADV_WIPEONFORK: the child's copy of such a mapping starts empty.
    child->some_wipe_on_fork = parent->some_wipe_on_fork;
    for (VmRegion* r = child->regions.first(); ok && child->some_wipe_on_fork && r; r = r->next)
      if (r->wipe_on_fork)
        ok = arch::upt_unmap(&child->pt, r->start, r->end) == arch::UptStatus::kOk;
    child->brk_base = parent->brk_base;
    child->brk = parent->brk;
    // The child's tables map the image's pinned pages: it holds the image
    // too (even after a failure, until its partial copy is destroyed).
    child->image = parent->image;
    if (child->image) image_hold(child->image);
  }
  if (!ok) {
    vmspace_release(child);
    return {nullptr, -ENOMEM};
  }
  vm_count(g_vm_count.forks);
  return {child, 0};
}

VmStats vm_stats() {
  VmStats s;
  s.spaces_live = vm_read(g_vm_count.spaces_live);
  s.spaces_created = vm_read(g_vm_count.spaces_created);
  s.regions_live = region_live_count();
  s.anon_objects_live = anon_live_objects();
  s.faults = vm_read(g_vm_count.faults);
  s.zero_fills = vm_read(g_vm_count.zero_fills);
  s.forks = vm_read(g_vm_count.forks);
  return s;
}

void vm_dump(Vmspace* vm) {
  SpinGuard g(vm->lock);
  kprintf("vmspace %p: asid %u, %u regions, brk %#lx-%#lx\n", static_cast<void*>(vm),
          static_cast<unsigned>(vm->pt.asid), vm->regions.count(), vm->brk_base, vm->brk);
  for (const VmRegion* r = vm->regions.first(); r; r = r->next)
    kprintf("  %012lx-%012lx %c%c%c %s %s\n", r->start, r->end,
            (r->prot & arch::kUProtRead) ? 'r' : '-', (r->prot & arch::kUProtWrite) ? 'w' : '-',
            (r->prot & arch::kUProtExec) ? 'x' : '-', r->shared ? "shared" : "private",
            region_kind_name(r->kind));
}
