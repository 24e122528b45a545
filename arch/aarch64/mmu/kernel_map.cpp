// The kernel stack area (arch/kernel_map.h): a slot bitmap, one L1 and one L2
// table made at init, and L3 tables made on demand and freed when their last
// stack goes.
#include <arch/kernel_map.h>
#include <arch/pte.h>

#include "kernel/cpu/percpu.h"
#include "kernel/lib/percpu_word_cache.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/sched/lock_ranks.h"
#include "kernel/sync/spinlock.h"

extern "C" arch::pte_t boot_l0[arch::kPtEntries];

namespace arch {
namespace {

constexpr unsigned kPagesPerStack = kKstackSize / kPageSize;
constexpr unsigned kStackOrder = 2;
static_assert(kPagesPerStack == 1u << kStackOrder);
constexpr unsigned kSlotsPerL3 = (2u << 20) / kKstackSlotSize;  // one L3 table maps 2 MiB
constexpr unsigned kL3Tables = kKstackSlots / kSlotsPerL3;
static_assert(kL3Tables == kPtEntries, "the area is exactly one L2 table");

// Normal write-back memory, kernel read/write, never executable, global.
constexpr pte_t kStackPageAttrs =
    kPtePage | pte_attr(kMtNormal) | kPteShInner | kPteAf | kPtePxn | kPteUxn;

LockClass g_kstack_class("kstack.area", kRankKstackArea);
SpinLock g_lock(g_kstack_class);
pte_t* g_l2;                              // guarded by g_lock (entries)
uint64_t g_slot_bits[kKstackSlots / 64];  // guarded by g_lock
uint16_t g_l3_used[kL3Tables];            // stacks mapped through each L3 table
unsigned g_hint;                          // lowest slot that may be free
KstackStats g_stats;                      // guarded by g_lock
// Freed stacks kept mapped for the next kstack_alloc: no page allocation, no
// page-table change and no TLB shootdown (which on QEMU stops every vCPU) on
// the fork and exit paths. At most kCacheMax stacks (256 KiB).
constexpr unsigned kCacheMax = 16;
uint64_t g_cache[kCacheMax];  // guarded by g_lock

// Before that shared cache, each CPU keeps a few freed stacks of its own, so
// forks and exits on different CPUs do not meet on g_lock.
PerCpuWordCache<uint64_t> g_cpu_cache;

// Whether base waits in a cache, a CPU's or the shared one: a stack freed
// twice sits in one of them, put there by its first free. The look is not
// atomic with the caches, but no second holder can take base from them
// meanwhile without a double free of its own.
bool is_cached(uint64_t base) {
  if (g_cpu_cache.holds(base)) return true;
  unsigned n = __atomic_load_n(&g_stats.cached, __ATOMIC_RELAXED);
  for (unsigned i = 0; i < n && i < kCacheMax; ++i)
    if (__atomic_load_n(&g_cache[i], __ATOMIC_RELAXED) == base) return true;
  return false;
}

pte_t* table_va(pte_t e) { return static_cast<pte_t*>(phys_to_virt(pte_addr(e))); }

pte_t* new_table() {
  Page* p = page_alloc(0, PageUse::PageTable, kPageZero);
  return p ? static_cast<pte_t*>(page_to_virt(p)) : nullptr;
}

uint64_t slot_base(unsigned slot) { return kKstackAreaBase + uint64_t{slot} * kKstackSlotSize; }

void publish() { asm volatile("dsb ishst\n isb" ::: "memory"); }

}  // namespace

void kernel_map_init() {
  pte_t* l1 = new_table();
  pte_t* l2 = new_table();
  if (!l1 || !l2) panic("kernel_map: no memory for the stack area's tables");
  g_stats.table_pages = 2;
  l1[pt_index(kKstackAreaBase, 1)] = virt_to_phys(l2) | kPteTable;
  publish();
  __atomic_store_n(&boot_l0[kKstackAreaL0Index], virt_to_phys(l1) | kPteTable, __ATOMIC_RELEASE);
  publish();
  g_l2 = l2;
}

uint64_t kstack_alloc() {
  if (uint64_t base = g_cpu_cache.take_mine()) return base;
  {
    SpinGuard g(g_lock);
    if (g_stats.cached > 0) {
      ++g_stats.live;
      ++g_stats.allocs;
      ++g_stats.cache_hits;
      uint64_t n = g_stats.cached - 1;
      __atomic_store_n(&g_stats.cached, n, __ATOMIC_RELAXED);  // is_cached reads it unlocked
      return g_cache[n];
    }
  }
  // The stack's pages first, outside the lock: one block (one trip through the
  // page allocator), not zeroed (a stack is written before it is read).
  Page* block = page_alloc(kStackOrder, PageUse::KernelStack, 0);
  if (!block) {
    if (uint64_t base = g_cpu_cache.take_any()) return base;
    SpinGuard g(g_lock);
    ++g_stats.failures;
    return 0;
  }
  uint64_t base = 0;
  {
    SpinGuard g(g_lock);
    unsigned slot = kKstackSlots;
    for (unsigned w = g_hint / 64; w < kKstackSlots / 64; ++w) {
      if (g_slot_bits[w] != ~0ull) {
        slot = w * 64 + static_cast<unsigned>(__builtin_ctzll(~g_slot_bits[w]));
        break;
      }
    }
    unsigned l2i = slot / kSlotsPerL3;
    if (slot < kKstackSlots && !(g_l2[l2i] & kPteValid)) {
      pte_t* l3 = new_table();
      if (l3) {
        ++g_stats.table_pages;
        __atomic_store_n(&g_l2[l2i], virt_to_phys(l3) | kPteTable, __ATOMIC_RELEASE);
      } else {
        slot = kKstackSlots;
      }
    }
    if (slot < kKstackSlots) {
      g_slot_bits[slot / 64] |= 1ull << (slot % 64);
      g_hint = slot;
      ++g_l3_used[l2i];
      base = slot_base(slot) + kKstackGuardSize;
      pte_t* l3 = table_va(g_l2[l2i]);
      for (unsigned i = 0; i < kPagesPerStack; ++i) {
        uint64_t va = base + i * kPageSize;
        __atomic_store_n(&l3[pt_index(va, 3)],
                         (page_to_phys(block) + i * kPageSize) | kStackPageAttrs, __ATOMIC_RELAXED);
      }
      // New entries replace invalid ones, which no TLB holds: a barrier is enough.
      publish();
      ++g_stats.live;
      ++g_stats.allocs;
    }
  }
  if (!base) {
    page_free(block);
    base = g_cpu_cache.take_any();
    if (!base) {
      SpinGuard g(g_lock);
      ++g_stats.failures;
    }
  }
  return base;
}

namespace {

unsigned slot_of(uint64_t base, const char* who) {
  uint64_t off = base - kKstackAreaBase - kKstackGuardSize;
  unsigned slot = static_cast<unsigned>(off / kKstackSlotSize);
  if (base < kKstackAreaBase || off % kKstackSlotSize || slot >= kKstackSlots)
    panic("%s: %#lx is not a stack", who, base);
  return slot;
}

bool slot_allocated(unsigned slot) { return g_slot_bits[slot / 64] & (1ull << (slot % 64)); }

// Unmaps a stack that is neither live nor cached and frees its pages.
void unmap_stack(uint64_t base) {
  unsigned slot = slot_of(base, "kstack unmap");
  unsigned l2i = slot / kSlotsPerL3;
  Page* block = nullptr;
  pte_t* freed_table = nullptr;
  {
    SpinGuard g(g_lock);
    pte_t* l3 = table_va(g_l2[l2i]);
    for (unsigned i = 0; i < kPagesPerStack; ++i) {
      uint64_t va = base + i * kPageSize;
      if (i == 0) block = phys_to_page(pte_addr(l3[pt_index(va, 3)]));
      __atomic_store_n(&l3[pt_index(va, 3)], pte_t{0}, __ATOMIC_RELAXED);
    }
    // Break before the pages are reused: every CPU drops its translations.
    asm volatile("dsb ishst" ::: "memory");
    for (unsigned i = 0; i < kPagesPerStack; ++i) {
      uint64_t arg = tlbi_va(base + i * kPageSize);
      asm volatile("tlbi vaae1is, %0" ::"r"(arg) : "memory");
    }
    asm volatile("dsb ish\n isb" ::: "memory");
    if (--g_l3_used[l2i] == 0) {
      freed_table = l3;
      __atomic_store_n(&g_l2[l2i], pte_t{0}, __ATOMIC_RELAXED);
      // The walk caches may hold the table entry: invalidate the whole 2 MiB.
      tlb_flush_all();
      --g_stats.table_pages;
    }
    g_slot_bits[slot / 64] &= ~(1ull << (slot % 64));
    if (slot < g_hint) g_hint = slot;
  }
  page_free(block);
  if (freed_table) page_free(virt_to_page(freed_table));
}

}  // namespace

void kstack_free(uint64_t base) {
  unsigned slot = slot_of(base, "kstack_free");
  if (is_cached(base)) panic("kstack_free: stack %#lx freed twice", base);
  if (!(__atomic_load_n(&g_slot_bits[slot / 64], __ATOMIC_RELAXED) & (1ull << (slot % 64))))
    panic("kstack_free: stack %#lx is not allocated", base);
  if (g_cpu_cache.put_mine(base)) return;
  {
    SpinGuard g(g_lock);
    if (!slot_allocated(slot)) panic("kstack_free: stack %#lx is not allocated", base);
    for (unsigned i = 0; i < g_stats.cached; ++i)
      if (g_cache[i] == base) panic("kstack_free: stack %#lx freed twice", base);
    --g_stats.live;
    ++g_stats.frees;
    if (g_stats.cached < kCacheMax) {
      // Atomic stores: is_cached reads the shared cache without the lock.
      __atomic_store_n(&g_cache[g_stats.cached], base, __ATOMIC_RELAXED);
      __atomic_store_n(&g_stats.cached, g_stats.cached + 1, __ATOMIC_RELEASE);
      return;
    }
  }
  unmap_stack(base);
}

void kstack_cache_drain() {
  g_cpu_cache.drain(unmap_stack);  // each counted as freed when it went in
  for (;;) {
    uint64_t base;
    {
      SpinGuard g(g_lock);
      if (g_stats.cached == 0) return;
      uint64_t n = g_stats.cached - 1;
      __atomic_store_n(&g_stats.cached, n, __ATOMIC_RELAXED);  // is_cached reads it unlocked
      base = g_cache[n];
    }
    unmap_stack(base);
  }
}

bool kstack_area_lookup(uint64_t va, uint64_t* stack_base, bool* in_guard) {
  if (va < kKstackAreaBase || va >= kKstackAreaBase + uint64_t{kKstackSlots} * kKstackSlotSize)
    return false;
  uint64_t slot = (va - kKstackAreaBase) / kKstackSlotSize;
  *stack_base = kKstackAreaBase + slot * kKstackSlotSize + kKstackGuardSize;
  *in_guard = va < *stack_base;
  return true;
}

KstackStats kstack_stats() {
  KstackStats s;
  {
    SpinGuard g(g_lock);
    s = g_stats;
  }
  // The CPUs' caches: a stack given back into one is freed, one taken from
  // it allocated (and a hit), and what is in them is cached.
  PerCpuWordCache<uint64_t>::Totals t = g_cpu_cache.totals();
  s.allocs += t.takes;
  s.cache_hits += t.takes;
  s.frees += t.puts;
  s.live = s.live + t.takes - t.puts;
  s.cached += t.held;
  return s;
}

}  // namespace arch
