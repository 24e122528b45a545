#include "kernel/vm/anon.h"

#include <arch/user_mmu.h>

#include <new>

#include "kernel/mm/kmalloc.h"
#include "kernel/mm/mem_account.h"
#include "kernel/panic.h"
#include "kernel/vm/vm_lock_ranks.h"

namespace {
LockClass g_anon_class{"vm_anon", kRankAnonObject};
uint64_t g_live = 0;
uint64_t g_next_id = 0;  // atomic

// The pages charged for an object's page index (a kmalloc'd array of
// pointers, 8 bytes a page).
uint64_t index_pages(uint64_t npages) {
  // An array of pointers: sizeof(T*) is meant.  NOLINTNEXTLINE(bugprone-sizeof-expression)
  return (npages * sizeof(Page*) + kPageSize - 1) / kPageSize;
}
}  // namespace

AnonObject* anon_create(uint64_t npages, MemAccount* payer) {
  if (npages == 0 || npages > kAnonMaxPages) return nullptr;
  if (!mem_charge(payer, index_pages(npages))) return nullptr;
  void* mem = kmalloc(sizeof(AnonObject), M_VMSPACE, M_WAITOK | M_ZERO);
  // An array of pointers: sizeof(T*) is meant.  NOLINTNEXTLINE(bugprone-sizeof-expression)
  Page** pages = static_cast<Page**>(kmalloc(npages * sizeof(Page*), M_VMSPACE, M_WAITOK | M_ZERO));
  if (mem == nullptr || pages == nullptr) {
    if (pages) kfree(pages, M_VMSPACE);
    if (mem) kfree(mem, M_VMSPACE);
    mem_uncharge(payer, index_pages(npages));
    return nullptr;
  }
  AnonObject* obj = new (mem) AnonObject(g_anon_class);
  if (payer) mem_account_hold(payer);
  obj->payer = payer;
  obj->refs = 1;
  obj->id = __atomic_add_fetch(&g_next_id, 1, __ATOMIC_RELAXED);
  obj->npages = npages;
  obj->pages = pages;
  __atomic_add_fetch(&g_live, 1, __ATOMIC_RELAXED);
  return obj;
}

void anon_hold(AnonObject* obj) {
  uint32_t was = __atomic_fetch_add(&obj->refs, 1, __ATOMIC_RELAXED);
  KASSERT(was != 0);
}

void anon_release(AnonObject* obj) {
  if (__atomic_sub_fetch(&obj->refs, 1, __ATOMIC_ACQ_REL) != 0) return;
  for (uint64_t i = 0; i < obj->npages; ++i)
    if (obj->pages[i]) page_put(obj->pages[i]);
  kfree(obj->pages, M_VMSPACE);
  mem_uncharge(obj->payer, index_pages(obj->npages));
  if (obj->payer) mem_account_release(obj->payer);
  obj->~AnonObject();
  kfree(obj, M_VMSPACE);
  __atomic_sub_fetch(&g_live, 1, __ATOMIC_RELAXED);
}

Page* anon_get_page(AnonObject* obj, uint64_t index) {
  KASSERT(index < obj->npages);
  SpinGuard g(obj->lock);
  Page* p = obj->pages[index];
  if (p == nullptr) {
    p = page_alloc_charged(obj->payer, 0, PageUse::User);
    if (p == nullptr) return nullptr;
    arch_page_zero(page_to_virt(p));
    obj->pages[index] = p;
  }
  page_ref_get(p);
  return p;
}

uint64_t anon_live_objects() { return __atomic_load_n(&g_live, __ATOMIC_RELAXED); }
