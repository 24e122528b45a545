#include "kernel/vm/sigpage.h"

#include <arch/user_mmu.h>

#include "kernel/lib/string.h"
#include "kernel/syscall/errno.h"
#include "kernel/vm/vmspace.h"

namespace {

// mov x8, #139 (rt_sigreturn); svc #0; then brk #0 should it return.
constexpr uint32_t kTrampoline[] = {0xd2801168, 0xd4000001, 0xd4200000};

Page* g_page;  // set once (atomic), never freed

// The page, made the first time (the first exec); nullptr with no memory.
Page* the_page() {
  Page* p = __atomic_load_n(&g_page, __ATOMIC_ACQUIRE);
  if (p != nullptr) return p;
  Page* fresh = page_alloc(0, PageUse::User);
  if (fresh == nullptr) return nullptr;
  void* va = page_to_virt(fresh);
  arch_page_zero(va);
  tine_memcpy(va, kTrampoline, sizeof kTrampoline);
  arch_icache_sync(va, kPageSize);
  if (__atomic_compare_exchange_n(&g_page, &p, fresh, false, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    return fresh;   // its first reference is the global's
  page_put(fresh);  // another CPU made it first
  return p;
}

}  // namespace

Page* sigpage_get() {
  Page* p = the_page();
  if (p) page_ref_get(p);
  return p;
}

int vm_map_sigpage(Vmspace* vm) {
  if (the_page() == nullptr) return -ENOMEM;
  return vm_map_fixed(vm, kSigpageVa, kPageSize, arch::kUProtRead | arch::kUProtExec,
                      RegionKind::kSigpage, false);
}
