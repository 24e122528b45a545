// Page allocator and kmalloc on the machine: every CPU at once, fault injection,
// per-type counters. The counters must come back to where they were after each case.
#include <arch/cpu.h>

#include "kernel/cpu/percpu.h"
#include "kernel/cpu/smp.h"
#include "kernel/ktest/ktest.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/poison.h"
#include "kernel/mm/settle.h"
#include "kernel/sync/crit.h"

namespace {

MallocType* const kStressTypes[] = {M_TEMP, M_PROC, M_LWP, M_UCRED};
constexpr unsigned kNumStressTypes = sizeof(kStressTypes) / sizeof(kStressTypes[0]);

// Page counters with every cache emptied, so two snapshots compare exactly.
PageStats settled_page_stats() {
  mm_settle();
  return page_stats();
}

uint64_t next_random(uint64_t& s) {
  s ^= s << 13;
  s ^= s >> 7;
  s ^= s << 17;
  return s;
}

// Fills and checks blocks word by word with a pattern only this block has.
uint64_t pattern_word(uint64_t seed, size_t i) { return seed ^ (i * 0x9e3779b97f4a7c15ull); }
void fill(void* p, size_t bytes, uint64_t seed) {
  uint64_t* w = static_cast<uint64_t*>(p);
  for (size_t i = 0; i < bytes / 8; ++i) w[i] = pattern_word(seed, i);
}
bool intact(const void* p, size_t bytes, uint64_t seed) {
  const uint64_t* w = static_cast<const uint64_t*>(p);
  for (size_t i = 0; i < bytes / 8; ++i)
    if (w[i] != pattern_word(seed, i)) return false;
  return true;
}

struct StressTotals {
  uint64_t corrupt;  // blocks whose pattern changed while held
  uint64_t failed;   // allocations that returned nullptr
  uint64_t kmallocs[kNumStressTypes];
  uint64_t page_allocs;
};

struct Held {
  void* p;
  size_t bytes;
  uint64_t seed;
  Page* page;  // page block, or nullptr for kmalloc
  unsigned type;
};

void release(Held& h, StressTotals* totals) {
  if (!intact(h.p, h.bytes, h.seed)) __atomic_add_fetch(&totals->corrupt, 1, __ATOMIC_RELAXED);
  if (h.page)
    page_free(h.page);
  else
    kfree(h.p, kStressTypes[h.type]);
  h.p = nullptr;
}

// Random kmalloc/kfree and page_alloc/page_free on this CPU, every block
// pattern-filled and checked before it goes back.
void stress_cpu(void* arg) {
  auto* totals = static_cast<StressTotals*>(arg);
  unsigned cpu = this_cpu().id;
  uint64_t rng = 0x2545f4914f6cdd1dull * (cpu + 1);
  Held held[48] = {};
  uint64_t kmallocs[kNumStressTypes] = {};
  uint64_t page_allocs = 0, failed = 0;
  for (int round = 0; round < 8000; ++round) {
    Held& h = held[next_random(rng) % 48];
    if (h.p) {
      release(h, totals);
      continue;
    }
    uint64_t r = next_random(rng);
    h.seed = next_random(rng);
    if (r % 4 == 0) {
      unsigned order = static_cast<unsigned>((r >> 8) % 4);
      h.page = page_alloc(order, (r >> 16) & 1 ? PageUse::User : PageUse::PageTable);
      if (h.page == nullptr) {
        ++failed;
        continue;
      }
      h.p = page_to_virt(h.page);
      h.bytes = page_block_bytes(h.page);
      ++page_allocs;
    } else {
      h.page = nullptr;
      h.type = static_cast<unsigned>((r >> 8) % kNumStressTypes);
      h.bytes = 1 + (r >> 16) % ((r >> 40) % 8 == 0 ? 9000 : 600);
      h.p = kmalloc(h.bytes, kStressTypes[h.type], M_WAITOK);
      if (h.p == nullptr) {
        ++failed;
        continue;
      }
      ++kmallocs[h.type];
    }
    fill(h.p, h.bytes, h.seed);
  }
  for (Held& h : held)
    if (h.p) release(h, totals);
  __atomic_add_fetch(&totals->failed, failed, __ATOMIC_RELAXED);
  __atomic_add_fetch(&totals->page_allocs, page_allocs, __ATOMIC_RELAXED);
  for (unsigned t = 0; t < kNumStressTypes; ++t)
    __atomic_add_fetch(&totals->kmallocs[t], kmallocs[t], __ATOMIC_RELAXED);
}

}  // namespace

KTEST(mm_page_counters_add_up) {
  PageStats s = settled_page_stats();
  uint64_t used = 0;
  for (uint64_t u : s.used_pages) used += u;
  KEXPECT_EQ(s.managed_pages, s.free_pages + s.pcp_pages + used);
  KEXPECT(page_stats_used(s, PageUse::Metadata) > 0);
  KEXPECT(page_alloc_verify());
}

// Four CPUs allocating and freeing at once; afterwards every page and counter
// is back where it was.
static void smp_stress_case(KtestContext& t) {
  PageStats before = settled_page_stats();
  MallocStats type_before[kNumStressTypes];
  for (unsigned k = 0; k < kNumStressTypes; ++k)
    type_before[k] = malloc_type_stats(kStressTypes[k]);

  StressTotals totals = {};
  smp_run_on_all(stress_cpu, &totals);

  PageStats after = settled_page_stats();
  KEXPECT_EQ(totals.corrupt, 0u);
  KEXPECT_EQ(totals.failed, 0u);
  KEXPECT(totals.page_allocs > 0);
  KEXPECT_EQ(after.free_pages, before.free_pages);
  KEXPECT_EQ(after.pcp_pages, 0u);
  for (unsigned u = 0; u < kPageUseCount; ++u)
    KEXPECT_EQ(after.used_pages[u], before.used_pages[u]);
  for (unsigned o = 0; o < kNumOrders; ++o) KEXPECT_EQ(after.free_blocks[o], before.free_blocks[o]);
  KEXPECT_EQ(after.allocs - before.allocs, after.frees - before.frees);
  for (unsigned k = 0; k < kNumStressTypes; ++k) {
    MallocStats s = malloc_type_stats(kStressTypes[k]);
    KEXPECT_EQ(s.inuse_bytes, type_before[k].inuse_bytes);
    KEXPECT_EQ(s.inuse_objects, type_before[k].inuse_objects);
    KEXPECT_EQ(s.total_allocs - type_before[k].total_allocs, totals.kmallocs[k]);
    KEXPECT_EQ(s.total_frees - type_before[k].total_frees, totals.kmallocs[k]);
    KEXPECT_EQ(s.pages, type_before[k].pages);
  }
  KEXPECT(page_alloc_verify());
}

KTEST(mm_smp_stress_returns_to_baseline) { smp_stress_case(t); }

// The same with poisoning off, as in the release kernel: frees go to the
// per-CPU magazines (objects freed on one CPU, taken on another) instead of
// the quarantine.
KTEST(mm_smp_stress_magazines) {
  bool poison = mm_poison_enabled();
  mm_poison_enable(false);
  smp_stress_case(t);
  mm_poison_enable(poison);
}

KTEST(mm_fault_injection_hits_only_the_chosen_allocation) {
  MallocStats before = malloc_type_stats(M_TEMP);
  kmalloc_fail_nth(M_TEMP, 3);
  void* p[6];
  for (void*& q : p) q = kmalloc(64, M_TEMP, M_WAITOK);
  for (unsigned i = 0; i < 6; ++i) KEXPECT((p[i] == nullptr) == (i == 2));
  KEXPECT(!kmalloc_fail_pending(M_TEMP));
  MallocStats after = malloc_type_stats(M_TEMP);
  KEXPECT_EQ(after.total_allocs - before.total_allocs, 5u);
  KEXPECT_EQ(after.failures - before.failures, 1u);
  KEXPECT_EQ(after.injected_failures - before.injected_failures, 1u);
  for (void* q : p) kfree(q, M_TEMP);

  // A plan on one type leaves the others alone.
  kmalloc_fail_nth(M_TEMP, 1);
  void* other = kmalloc(64, M_PROC, M_WAITOK);
  KEXPECT(other != nullptr);
  KEXPECT(kmalloc_fail_pending(M_TEMP));
  kmalloc_fail_clear(M_TEMP);
  kfree(other, M_PROC);

  // A window: everything of the type fails until cleared.
  kmalloc_fail_all(M_LWP);
  for (int i = 0; i < 3; ++i) KEXPECT(kmalloc(32, M_LWP, M_WAITOK | M_ZERO) == nullptr);
  kmalloc_fail_clear(M_LWP);
  void* lwp = kmalloc(32, M_LWP, M_WAITOK | M_ZERO);
  KEXPECT(lwp != nullptr);
  kfree(lwp, M_LWP);

  // Across types: the second allocation of any type fails.
  kmalloc_fail_any_nth(2);
  void* a = kmalloc(100, M_PROC, M_WAITOK);
  void* b = kmalloc(100, M_LWP, M_WAITOK);
  void* c = kmalloc(100, M_UCRED, M_WAITOK);
  KEXPECT(a != nullptr);
  KEXPECT(b == nullptr);
  KEXPECT(c != nullptr);
  kmalloc_fail_any_clear();
  kfree(a, M_PROC);
  kfree(c, M_UCRED);

  // Page allocations by use.
  page_alloc_fail_nth(PageUse::PageTable, 2);
  Page* pt[3];
  for (Page*& q : pt) q = page_alloc(0, PageUse::PageTable);
  KEXPECT(pt[0] != nullptr);
  KEXPECT(pt[1] == nullptr);
  KEXPECT(pt[2] != nullptr);
  page_alloc_fail_clear(PageUse::PageTable);
  for (Page* q : pt)
    if (q) page_free(q);
}

KTEST(mm_type_stats_visible) {
  MallocType* builtin[] = {M_TEMP,    M_PROC,     M_LWP,     M_SUBPROC, M_UCRED,
                           M_SIGACTS, M_FILEDESC, M_VMSPACE, M_VMREF,   M_PGRP,
                           M_SESSION, M_ATFORK,   M_THREAD,  M_KSTACK,  M_PTABLE};
  for (MallocType* type : builtin) KEXPECT(malloc_type_find(type->name) == type);
  KEXPECT(malloc_type_find("no such type") == nullptr);
  unsigned count = 0;
  malloc_types_for_each([](MallocType&, void* n) { ++*static_cast<unsigned*>(n); }, &count);
  KEXPECT(count >= sizeof(builtin) / sizeof(builtin[0]));

  malloc_type_reset_peak(M_PROC);
  MallocStats before = malloc_type_stats(M_PROC);
  void* p[3];
  for (void*& q : p) q = kmalloc(200, M_PROC, M_WAITOK | M_ZERO);  // 256-byte class
  MallocStats mid = malloc_type_stats(M_PROC);
  KEXPECT_EQ(mid.inuse_bytes - before.inuse_bytes, 3u * 256);
  KEXPECT_EQ(mid.inuse_objects - before.inuse_objects, 3u);
  KEXPECT_EQ(mid.peak_bytes, mid.inuse_bytes);
  for (void* q : p) kfree(q, M_PROC);
  MallocStats after = malloc_type_stats(M_PROC);
  KEXPECT_EQ(after.inuse_bytes, before.inuse_bytes);
  KEXPECT_EQ(after.peak_bytes, mid.peak_bytes);
  KEXPECT_EQ(after.total_frees - before.total_frees, 3u);

  // Kernel stacks are page blocks counted as KernelStack pages.
  PageStats ps = page_stats();
  uint64_t kstack_pages = malloc_type_stats(M_KSTACK).pages;
  void* stack = kmalloc(16384, M_KSTACK, M_WAITOK);
  KEXPECT(stack != nullptr);
  PageStats ps_mid = page_stats();
  KEXPECT_EQ(
      page_stats_used(ps_mid, PageUse::KernelStack) - page_stats_used(ps, PageUse::KernelStack),
      4u);
  KEXPECT_EQ(malloc_type_stats(M_KSTACK).pages - kstack_pages, 4u);
  kfree(stack, M_KSTACK);
  KEXPECT_EQ(page_stats_used(page_stats(), PageUse::KernelStack),
             page_stats_used(ps, PageUse::KernelStack));
}

// The debug kernel's quarantine: a freed object is poisoned and parked, no
// longer in use; a write through a stale pointer is what the check that runs
// when the object leaves (and panics) reports: the type, the byte, its value.
KTEST(mm_quarantine_catches_write_after_free) {
  if (!kMmPoisonBuilt) return;  // the release kernel has none
  KASSERT_T(mm_poison_enabled());
  mm_settle();  // an empty quarantine: what this case frees stays in it
  MallocStats before = malloc_type_stats(M_TEMP);
  auto* p = static_cast<uint8_t*>(kmalloc(96, M_TEMP, M_WAITOK));
  KASSERT_T(p != nullptr);
  kfree(p, M_TEMP);
  MallocStats freed = malloc_type_stats(M_TEMP);
  KEXPECT_EQ(freed.inuse_objects, before.inuse_objects);
  KEXPECT_EQ(freed.quarantined_objects, 1u);
  KEXPECT_EQ(freed.quarantined_bytes, 96u);
  uint64_t first_word;
  __builtin_memcpy(&first_word, p, sizeof first_word);
  KEXPECT_EQ(first_word, kPoisonFreeWord);  // as a pointer: not canonical, faults
  QuarantineCheck c = kmalloc_quarantine_check(p);
  KEXPECT(c.quarantined);
  KEXPECT(!c.damaged);

  p[40] = 0x11;  // the stale write
  c = kmalloc_quarantine_check(p);
  KEXPECT(c.damaged);
  KEXPECT_EQ(c.offset, 40u);
  KEXPECT_EQ(c.value, 0x11);
  KEXPECT_EQ(c.bytes, 96u);
  KEXPECT(c.type == M_TEMP->name);
  p[40] = kPoisonFree;  // undone, so that it leaves in peace
  KEXPECT(!kmalloc_quarantine_check(p).damaged);

  mm_settle();
  KEXPECT(!kmalloc_quarantine_check(p).quarantined);
  KEXPECT_EQ(malloc_type_stats(M_TEMP).quarantined_objects, 0u);
}

// Freed pages hold the poison, and a page handed out again is checked first.
KTEST(mm_freed_pages_are_poisoned_and_checked) {
  if (!kMmPoisonBuilt) return;
  crit_enter();  // nothing else on this CPU takes the page from its cache meanwhile
  Page* pg = page_alloc(0, PageUse::Other);
  KASSERT_T(pg != nullptr);
  auto* b = static_cast<uint8_t*>(page_to_virt(pg));
  __builtin_memset(b, 0x22, kPageSize);
  page_free(pg);
  PagePoisonCheck c = page_poison_check(pg);
  KEXPECT(c.poisoned);
  KEXPECT(!c.damaged);
  KEXPECT_EQ(b[0], kPoisonFree);
  KEXPECT_EQ(b[kPageSize - 1], kPoisonFree);

  b[123] = 7;  // the stale write
  c = page_poison_check(pg);
  KEXPECT(c.damaged);
  KEXPECT_EQ(c.offset, 123u);
  KEXPECT_EQ(c.value, 7);
  b[123] = kPoisonFree;

  Page* again = page_alloc(0, PageUse::Other);
  KEXPECT(again == pg);  // this CPU's cache is last in, first out
  if (again) {
    KEXPECT(!page_poison_check(again).poisoned);
    page_free(again);
  }
  crit_exit();
}
