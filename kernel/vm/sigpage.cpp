#include "kernel/vm/sigpage.h"

#include <arch/user_mmu.h>

#include "kernel/lib/string.h"

namespace {

// mov x8, #139 (rt_sigreturn); svc #0; then brk #0 should it return.
constexpr uint32_t kTrampoline[] = {0xd2801168, 0xd4000001, 0xd4200000};

Page* g_page;  // set once at boot, never freed

}  // namespace

bool sigpage_init() {
  if (g_page) return true;
  Page* p = page_alloc(0, PageUse::User);
  if (p == nullptr) return false;
  void* va = page_to_virt(p);
  arch_page_zero(va);
  tine_memcpy(va, kTrampoline, sizeof kTrampoline);
  arch_icache_sync(va, kPageSize);
  g_page = p;  // its first reference is this one's
  return true;
}

VmFault sigpage_fault_locked(Vmspace* vm, arch::UptAccess access) {
  if (g_page == nullptr || access == arch::UptAccess::kWrite) return VmFault::kAccess;
  // Pinned: the page is never freed, so the tables take no reference on it.
  arch::UptStatus st = arch::upt_map(&vm->pt, kSigpageVa, g_page,
                                     arch::kUProtRead | arch::kUProtExec, arch::kUMapPinned);
  return st == arch::UptStatus::kNoMemory ? VmFault::kNoMemory : VmFault::kOk;
}
