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

// The block holding an object's page index, an array of pointers (8 bytes a
// page): its order. The block comes from the page allocator, charged to the
// object's payer, so the charge is what the index takes (a whole power of
// two of pages, as a large kmalloc would take too).
unsigned index_order(uint64_t npages) {
  // An array of pointers: sizeof(T*) is meant.  NOLINTNEXTLINE(bugprone-sizeof-expression)
  uint64_t pages = (npages * sizeof(Page*) + kPageSize - 1) / kPageSize;
  unsigned order = 0;
  while ((uint64_t{1} << order) < pages) ++order;
  return order;
}
static_assert((kAnonMaxPages * 8) >> kPageShift <= (uint64_t{1} << kMaxOrder),
              "index fits a block");
}  // namespace

AnonObject* anon_create(uint64_t npages, MemAccount* payer) {
  if (npages == 0 || npages > kAnonMaxPages) return nullptr;
  void* mem = kmalloc(sizeof(AnonObject), M_VMSPACE, M_WAITOK | M_ZERO);
  Page* index = page_alloc_charged(payer, index_order(npages), PageUse::KernelHeap, kPageZero);
  if (mem == nullptr || index == nullptr) {
    if (index) page_free(index);
    if (mem) kfree(mem, M_VMSPACE);
    return nullptr;
  }
  Page** pages = static_cast<Page**>(page_to_virt(index));
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
  page_free(virt_to_page(obj->pages));  // (its charge goes back with it)
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
