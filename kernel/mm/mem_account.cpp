#include "kernel/mm/mem_account.h"

#include "kernel/mm/kmalloc.h"
#include "kernel/mm/lock_ranks.h"
#include "kernel/panic.h"
#include "kernel/sync/spinlock.h"

MALLOC_DEFINE(M_MEMACCT, "memacct", "per-user memory accounts");

namespace {

LockClass g_account_class{"mem_account", kRankMemAccount};
SpinLock g_account_lock{g_account_class};
MemAccount* g_accounts;  // g_account_lock
// Read on every charge without the lock: written at boot and by tests.
MemRule g_rule = {~0ull, 0};

MemAccount* find_locked(uint32_t uid) {
  for (MemAccount* a = g_accounts; a; a = a->next)
    if (a->uid == uid) return a;
  return nullptr;
}

// Unlinks and frees a, which has neither holders nor pages (lock held).
void destroy_locked(MemAccount* a) {
  for (MemAccount** pp = &g_accounts; *pp; pp = &(*pp)->next)
    if (*pp == a) {
      *pp = a->next;
      break;
    }
  kfree(a, M_MEMACCT);
}

bool idle(const MemAccount* a) {
  return __atomic_load_n(&a->holders, __ATOMIC_RELAXED) == 0 &&
         __atomic_load_n(&a->pages, __ATOMIC_RELAXED) == 0;
}

// Subtracts n from *v unless that would reach 0 (the caller then takes the
// lock): true when done.
template <typename T>
bool sub_unless_last(T* v, T n) {
  T cur = __atomic_load_n(v, __ATOMIC_RELAXED);
  while (cur > n)
    if (__atomic_compare_exchange_n(v, &cur, cur - n, true, __ATOMIC_RELEASE, __ATOMIC_RELAXED))
      return true;
  return false;
}

}  // namespace

void mem_account_set_rule(const MemRule& r) {
  __atomic_store_n(&g_rule.user_share, r.user_share, __ATOMIC_RELAXED);
  __atomic_store_n(&g_rule.root_reserve, r.root_reserve, __ATOMIC_RELAXED);
}

MemRule mem_account_rule() {
  return {__atomic_load_n(&g_rule.user_share, __ATOMIC_RELAXED),
          __atomic_load_n(&g_rule.root_reserve, __ATOMIC_RELAXED)};
}

void mem_account_init() {
  uint64_t managed = page_stats().managed_pages;
  mem_account_set_rule({managed / 2, managed / 16});
}

MemAccount* mem_account_get(uint32_t uid) {
  {
    SpinGuard g(g_account_lock);
    if (MemAccount* a = find_locked(uid)) {
      __atomic_add_fetch(&a->holders, 1, __ATOMIC_RELAXED);
      return a;
    }
  }
  auto* fresh = static_cast<MemAccount*>(kmalloc(sizeof(MemAccount), M_MEMACCT, M_WAITOK | M_ZERO));
  if (!fresh) return nullptr;
  SpinGuard g(g_account_lock);
  if (MemAccount* a = find_locked(uid)) {  // made meanwhile
    __atomic_add_fetch(&a->holders, 1, __ATOMIC_RELAXED);
    kfree(fresh, M_MEMACCT);
    return a;
  }
  fresh->uid = uid;
  fresh->holders = 1;
  fresh->next = g_accounts;
  g_accounts = fresh;
  return fresh;
}

void mem_account_hold(MemAccount* a) {
  uint32_t was = __atomic_fetch_add(&a->holders, 1, __ATOMIC_RELAXED);
  KASSERT(was != 0, "mem_account_hold: account without a holder");
}

void mem_account_release(MemAccount* a) {
  if (sub_unless_last(&a->holders, 1u)) return;
  SpinGuard g(g_account_lock);
  uint32_t left = __atomic_sub_fetch(&a->holders, 1, __ATOMIC_ACQ_REL);
  if (left + 1 == 0) panic("mem_account_release: account of uid %u had no holder", a->uid);
  if (idle(a)) destroy_locked(a);
}

bool mem_charge(MemAccount* a, uint64_t n) {
  if (a == nullptr || n == 0) return true;
  if (a->uid != 0) {
    MemRule r = mem_account_rule();
    if (page_free_estimate() < r.root_reserve + n) return false;
    // Added first and taken back when over: two charges racing for the last
    // pages of the share cannot both pass a check made before either adds.
    uint64_t now = __atomic_add_fetch(&a->pages, n, __ATOMIC_RELAXED);
    if (now > r.user_share) {
      mem_uncharge(a, n);
      return false;
    }
    return true;
  }
  __atomic_add_fetch(&a->pages, n, __ATOMIC_RELAXED);
  return true;
}

void mem_uncharge(MemAccount* a, uint64_t n) {
  if (a == nullptr || n == 0) return;
  if (sub_unless_last(&a->pages, n)) return;
  SpinGuard g(g_account_lock);
  uint64_t had = __atomic_fetch_sub(&a->pages, n, __ATOMIC_ACQ_REL);
  if (had < n)
    panic("mem_uncharge: uid %u gives back %llu pages of %llu", a->uid,
          static_cast<unsigned long long>(n), static_cast<unsigned long long>(had));
  if (idle(a)) destroy_locked(a);
}

Page* page_alloc_charged(MemAccount* a, unsigned order, PageUse use, unsigned flags) {
  if (!mem_charge(a, uint64_t{1} << order)) return nullptr;
  Page* p = page_alloc(order, use, flags);
  if (p == nullptr) {
    mem_uncharge(a, uint64_t{1} << order);
    return nullptr;
  }
  if (a) {
    p->kind = PageKind::Charged;
    p->payer = a;
  }
  return p;
}

uint64_t mem_account_pages(uint32_t uid) {
  SpinGuard g(g_account_lock);
  MemAccount* a = find_locked(uid);
  return a ? __atomic_load_n(&a->pages, __ATOMIC_RELAXED) : 0;
}

uint64_t mem_accounts_live() {
  SpinGuard g(g_account_lock);
  uint64_t n = 0;
  for (MemAccount* a = g_accounts; a; a = a->next) ++n;
  return n;
}
