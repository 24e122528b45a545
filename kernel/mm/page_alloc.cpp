#include "kernel/mm/page_alloc.h"

#include "kernel/console/kprintf.h"
#include "kernel/cpu/percpu.h"
#include "kernel/mm/lock_ranks.h"
#include "kernel/mm/mem_account.h"
#include "kernel/mm/poison.h"
#include "kernel/panic.h"
#include "kernel/sync/spinlock.h"

namespace page_detail {
MemRange g_ranges[kMaxRanges];
MemRange g_first;
MemRange g_second;
}  // namespace page_detail

using page_detail::g_first;
using page_detail::g_ranges;
using page_detail::g_second;
using page_detail::kMaxRanges;
using page_detail::MemRange;

namespace {

constexpr uint32_t kDefaultPcpBatch = 16;
constexpr uint32_t kDefaultPcpHigh = 64;

LockClass g_zone_class{"page_zone", kRankPageZone};
LockClass g_pcp_class{"page_pcp", kRankPagePcp};

unsigned g_nranges = 0;
// phys_to_page's shortcut, per 64 KiB granule of physical addresses: the
// index + 1 of the range that holds the whole granule, kGranuleUnmanaged if no
// range touches it (the kernel image, whose pages user programs map, or
// devices), kGranuleSearch if ranges end in it.
constexpr unsigned kGranuleShift = 16 - kPageShift;
constexpr uint64_t kGranules = 1ull << (34 - 16);  // the first 16 GiB of physical addresses
constexpr uint8_t kGranuleSearch = 0;
constexpr uint8_t kGranuleUnmanaged = 0xff;
static_assert(kMaxRanges < kGranuleUnmanaged);
uint8_t g_granule_range[kGranules];
uint64_t g_managed_pages = 0;
bool g_ready = false;

// The buddy free lists: one doubly linked list of block heads per order.
struct Zone {
  SpinLock lock{g_zone_class};
  Page* free_list[kNumOrders] = {};       // guarded by lock
  uint64_t free_blocks[kNumOrders] = {};  // guarded by lock
  uint64_t free_pages = 0;                // guarded by lock
  // Pages handed out and taken back without a per-CPU cache; guarded by lock.
  int64_t used[kPageUseCount] = {};
  uint64_t allocs = 0;  // guarded by lock
  uint64_t frees = 0;   // guarded by lock
  uint64_t splits = 0;  // guarded by lock
  uint64_t merges = 0;  // guarded by lock
};
constinit Zone g_zone;

// One CPU's cache of order-0 pages. Its own CPU is the only user on the fast
// path; the lock is there so a starving CPU or a drain can empty it from elsewhere.
struct alignas(64) PcpCache {
  SpinLock lock{g_pcp_class};
  Page* head = nullptr;  // guarded by lock; linked through Page::next
  uint32_t count = 0;    // guarded by lock
  // Pages handed out and taken back through this cache; guarded by lock. An entry
  // goes negative when pages allocated on one CPU are freed on another.
  int64_t used[kPageUseCount] = {};
  uint64_t allocs = 0;   // guarded by lock
  uint64_t frees = 0;    // guarded by lock
  uint64_t hits = 0;     // guarded by lock
  uint64_t refills = 0;  // guarded by lock
  uint64_t drains = 0;   // guarded by lock
};
constinit PcpCache g_pcp[arch::kMaxCpus];

// Cache sizing (page_alloc_pcp_tune); read with relaxed loads.
uint32_t g_pcp_batch = kDefaultPcpBatch;
uint32_t g_pcp_high = kDefaultPcpHigh;

uint64_t g_failures = 0;  // atomic
uint64_t g_injected = 0;  // atomic
constinit FaultPlan g_fault[kPageUseCount];

unsigned use_index(PageUse u) { return static_cast<unsigned>(u); }

void set_state(Page* p, PageState s) {
  __atomic_store_n(reinterpret_cast<uint8_t*>(&p->state), static_cast<uint8_t>(s),
                   __ATOMIC_RELAXED);
}

const MemRange& range_of(const Page* p) { return g_ranges[p->range]; }

uint64_t pfn_of(const Page* p) { return page_pfn(p); }

uint64_t load_relaxed(const uint64_t& v) { return __atomic_load_n(&v, __ATOMIC_RELAXED); }
uint32_t load_relaxed(const uint32_t& v) { return __atomic_load_n(&v, __ATOMIC_RELAXED); }

const char* state_name(PageState s) {
  switch (s) {
    case PageState::Allocated: return "allocated";
    case PageState::Tail: return "a tail page";
    case PageState::Free:
    case PageState::FreeBody: return "free";
    case PageState::Cached: return "free (per-CPU cache)";
    case PageState::Reserved: return "reserved";
  }
  return "?";
}

// True when p points at a Page record of a managed range.
bool is_page_record(const Page* p) {
  if (p == nullptr || p->range >= g_nranges) return false;
  const MemRange& r = g_ranges[p->range];
  return p >= r.pages && p < r.pages + r.npages;
}

void check_allocated_head(const Page* p, const char* who) {
  if (!is_page_record(p)) panic("%s: %p is not a managed page", who, static_cast<const void*>(p));
  PageState s = page_state(p);
  if (s != PageState::Allocated)
    panic("%s: page %#llx is %s, not the head of an allocated block", who,
          static_cast<unsigned long long>(page_to_phys(p)), state_name(s));
}

// --- Buddy lists (zone lock held) ---

void zone_push_locked(Page* p, unsigned order) {
  p->order = static_cast<uint8_t>(order);
  set_state(p, PageState::Free);
  p->prev = nullptr;
  p->next = g_zone.free_list[order];
  if (p->next) p->next->prev = p;
  g_zone.free_list[order] = p;
  ++g_zone.free_blocks[order];
  // (read without the lock by page_free_estimate)
  __atomic_store_n(&g_zone.free_pages, g_zone.free_pages + (1ull << order), __ATOMIC_RELAXED);
}

void zone_unlink_locked(Page* p) {
  unsigned order = p->order;
  if (p->prev)
    p->prev->next = p->next;
  else
    g_zone.free_list[order] = p->next;
  if (p->next) p->next->prev = p->prev;
  p->next = p->prev = nullptr;
  --g_zone.free_blocks[order];
  __atomic_store_n(&g_zone.free_pages, g_zone.free_pages - (1ull << order), __ATOMIC_RELAXED);
}

// A block of exactly `order`, split off the smallest larger block if needed.
// Its head leaves as Allocated so no merge can mistake it for free.
Page* zone_take_locked(unsigned order) {
  unsigned j = order;
  while (j <= kMaxOrder && g_zone.free_list[j] == nullptr) ++j;
  if (j > kMaxOrder) return nullptr;
  Page* p = g_zone.free_list[j];
  zone_unlink_locked(p);
  while (j > order) {
    --j;
    zone_push_locked(p + (1ull << j), j);  // the upper half stays free
    ++g_zone.splits;
  }
  p->order = static_cast<uint8_t>(order);
  set_state(p, PageState::Allocated);
  return p;
}

// The head of the block that would merge with the order-`order` block at p, if
// that block lies in the same range. Blocks are aligned by absolute frame
// number, so the buddy differs from p in exactly one bit.
Page* buddy_of(Page* p, unsigned order) {
  const MemRange& r = range_of(p);
  uint64_t buddy_pfn = pfn_of(p) ^ (1ull << order);
  if (buddy_pfn < r.base_pfn || buddy_pfn - r.base_pfn >= r.npages) return nullptr;
  return r.pages + (buddy_pfn - r.base_pfn);
}

void zone_free_locked(Page* p, unsigned order) {
  while (order < kMaxOrder) {
    Page* b = buddy_of(p, order);
    if (b == nullptr || page_state(b) != PageState::Free || b->order != order) break;
    zone_unlink_locked(b);
    Page* upper = b > p ? b : p;
    set_state(upper, PageState::FreeBody);
    p = b > p ? p : b;
    ++order;
    ++g_zone.merges;
  }
  zone_push_locked(p, order);
}

Page* zone_alloc(unsigned order, PageUse use) {
  SpinGuard g(g_zone.lock);
  Page* p = zone_take_locked(order);
  if (p) {
    p->home_cpu = kNoHomeCpu;  // freed into the freeing CPU's cache, or the zone
    ++g_zone.allocs;
    g_zone.used[use_index(use)] += static_cast<int64_t>(1ull << order);
  }
  return p;
}

void zone_release(Page* p, unsigned order, PageUse use) {
  SpinGuard g(g_zone.lock);
  g_zone.used[use_index(use)] -= static_cast<int64_t>(1ull << order);
  ++g_zone.frees;
  zone_free_locked(p, order);
}

// --- Per-CPU caches ---

PcpCache& this_pcp() {
  KASSERT(arch::cpu_local() != nullptr);  // cpu_bind() first
  return g_pcp[cpu_index()];
}

void pcp_drain_locked(PcpCache& c, uint32_t n) {
  c.lock.assert_held();
  if (n == 0 || c.head == nullptr) return;
  SpinGuard g(g_zone.lock);
  while (n-- > 0 && c.head) {
    Page* p = c.head;
    c.head = p->next;
    p->next = nullptr;
    --c.count;
    zone_free_locked(p, 0);
  }
  ++c.drains;
}

void pcp_refill_locked(PcpCache& c, uint32_t n) {
  c.lock.assert_held();
  SpinGuard g(g_zone.lock);
  for (uint32_t i = 0; i < n; ++i) {
    Page* p = zone_take_locked(0);
    if (p == nullptr) break;
    set_state(p, PageState::Cached);
    p->next = c.head;
    c.head = p;
    ++c.count;
  }
  ++c.refills;
}

Page* pcp_alloc(PageUse use, uint32_t batch) {
  PcpCache& c = this_pcp();
  uint8_t cpu = static_cast<uint8_t>(&c - g_pcp);
  SpinGuard g(c.lock);
  if (c.head)
    ++c.hits;
  else
    pcp_refill_locked(c, batch);
  Page* p = c.head;
  if (p == nullptr) return nullptr;
  c.head = p->next;
  p->next = nullptr;
  --c.count;
  set_state(p, PageState::Allocated);
  p->home_cpu = cpu;
  ++c.allocs;
  ++c.used[use_index(use)];
  return p;
}

// A page goes back to the cache it came from, whichever CPU frees it: pages a
// parent allocates and a child frees on another CPU (a forked space's tables)
// then make no round trip through the zone (a drain there, a refill here).
void pcp_free(Page* p, PageUse use) {
  PcpCache& c = p->home_cpu < arch::kMaxCpus ? g_pcp[p->home_cpu] : this_pcp();
  SpinGuard g(c.lock);
  set_state(p, PageState::Cached);
  p->next = c.head;
  c.head = p;
  ++c.count;
  ++c.frees;
  --c.used[use_index(use)];
  uint32_t high = load_relaxed(g_pcp_high);
  uint32_t batch = load_relaxed(g_pcp_batch);
  // Over the mark: hand back a batch's worth and more, so the next few frees stay local.
  if (c.count > high) pcp_drain_locked(c, c.count - (high > batch ? high - batch : 0));
}

void drain_cpu(unsigned cpu) {
  PcpCache& c = g_pcp[cpu];
  SpinGuard g(c.lock);
  pcp_drain_locked(c, c.count);
}

// --- Blocks ---

// Readies a block just taken off a list for its new owner.
void prepare_block(Page* p, unsigned order, PageUse use) {
  p->next = p->prev = nullptr;
  p->freelist = nullptr;
  p->owner = nullptr;
  p->refcount = 1;
  p->inuse = 0;
  p->use = use;
  p->kind = PageKind::None;
  p->size_class = 0;
  p->zeroed = false;  // its new owner writes it
  for (uint64_t i = 1; i < (1ull << order); ++i) {
    p[i].order = static_cast<uint8_t>(order);
    p[i].zeroed = false;
    set_state(&p[i], PageState::Tail);
  }
}

// Debug kernel: compares a page poisoned when freed with the poison.
PagePoisonCheck check_page(const Page* p) {
  PagePoisonCheck c = {};
  if (!kMmPoisonBuilt || !p->poisoned) return c;
  c.poisoned = true;
  const uint8_t* b = static_cast<const uint8_t*>(page_to_virt(p));
  size_t at = poison_find_damage(b, kPageSize);
  if (at < kPageSize) {
    c.damaged = true;
    c.offset = at;
    c.value = b[at];
  }
  return c;
}

// Debug kernel: fills a block about to be freed with the poison.
void poison_block(Page* p, unsigned order) {
  mm_unpoison(page_to_virt(p), kPageSize << order);  // a slab's free objects may be marked
  poison_fill(page_to_virt(p), kPageSize << order);
  for (uint64_t i = 0; i < (1ull << order); ++i) p[i].poisoned = true;
}

// Debug kernel: checks the pages of a block just taken off a list that were
// poisoned when freed.
void check_poisoned_block(Page* p, unsigned order) {
  for (uint64_t i = 0; i < (1ull << order); ++i) {
    PagePoisonCheck c = check_page(&p[i]);
    if (c.damaged)
      panic("page_alloc: page %#llx was written after it was freed: byte %zu is %#x",
            static_cast<unsigned long long>(page_to_phys(&p[i])), c.offset, c.value);
    p[i].poisoned = false;
  }
}

void free_block(Page* p, bool zeroed = false) {
  unsigned order = p->order;
  PageUse use = p->use;
  p->zeroed = zeroed && order == 0;
  if (kMmPoisonBuilt && mm_poison_enabled()) {
    poison_block(p, order);
    p->zeroed = false;
  }
  mm_poison(page_to_virt(p), kPageSize << order);
  if (p->kind == PageKind::Charged) mem_uncharge(p->payer, 1ull << order);
  p->refcount = 0;
  p->owner = nullptr;
  p->freelist = nullptr;
  p->kind = PageKind::None;
  for (uint64_t i = 1; i < (1ull << order); ++i) set_state(&p[i], PageState::FreeBody);
  if (order == 0 && load_relaxed(g_pcp_batch) != 0)
    pcp_free(p, use);
  else
    zone_release(p, order, use);
}

void note_failure(bool injected) {
  __atomic_add_fetch(&g_failures, 1, __ATOMIC_RELAXED);
  if (injected) __atomic_add_fetch(&g_injected, 1, __ATOMIC_RELAXED);
}

// --- Init ---

struct Span {
  uint64_t begin, end;  // frame numbers, [begin, end)
};

// Adds [b, e) to the sorted, disjoint spans, joining any it overlaps or touches.
void add_span(Span* spans, unsigned& n, uint64_t b, uint64_t e) {
  Span out[kMaxRanges + 1];
  unsigned m = 0;
  bool placed = false;
  for (unsigned i = 0; i < n; ++i) {
    const Span& s = spans[i];
    if (s.end < b) {
      out[m++] = s;
    } else if (s.begin > e) {
      if (!placed) out[m++] = {b, e}, placed = true;
      out[m++] = s;
    } else {
      b = s.begin < b ? s.begin : b;
      e = s.end > e ? s.end : e;
    }
  }
  if (!placed) out[m++] = {b, e};
  if (m > kMaxRanges) panic("page_alloc_init: more than %u memory ranges", kMaxRanges);
  for (unsigned i = 0; i < m; ++i) spans[i] = out[i];
  n = m;
}

unsigned floor_log2(uint64_t v) { return 63u - static_cast<unsigned>(__builtin_clzll(v)); }

// Frees [first, first + n) of range r as the largest aligned blocks that fit.
void free_span_locked(const MemRange& r, uint64_t first, uint64_t n) {
  uint64_t pfn = r.base_pfn + first;
  while (n > 0) {
    unsigned order = kMaxOrder;
    if (pfn != 0 && static_cast<unsigned>(__builtin_ctzll(pfn)) < order)
      order = static_cast<unsigned>(__builtin_ctzll(pfn));
    if (floor_log2(n) < order) order = floor_log2(n);
    Page* p = r.pages + (pfn - r.base_pfn);
    mm_poison(page_to_virt(p), kPageSize << order);
    zone_push_locked(p, order);
    pfn += 1ull << order;
    n -= 1ull << order;
  }
}

void reset_state() {
  g_ready = false;
  g_nranges = 0;
  g_first = MemRange{};
  g_second = MemRange{};
  g_managed_pages = 0;
  {
    SpinGuard g(g_zone.lock);
    for (unsigned o = 0; o < kNumOrders; ++o)
      g_zone.free_list[o] = nullptr, g_zone.free_blocks[o] = 0;
    for (int64_t& u : g_zone.used) u = 0;
    g_zone.free_pages = g_zone.allocs = g_zone.frees = g_zone.splits = g_zone.merges = 0;
  }
  for (PcpCache& c : g_pcp) {
    SpinGuard g(c.lock);
    c.head = nullptr;
    c.count = 0;
    for (int64_t& u : c.used) u = 0;
    c.allocs = c.frees = c.hits = c.refills = c.drains = 0;
  }
  g_pcp_batch = kDefaultPcpBatch;
  g_pcp_high = kDefaultPcpHigh;
  g_failures = g_injected = 0;
  for (FaultPlan& f : g_fault) f.clear();
}

}  // namespace

const char* page_use_name(PageUse use) {
  switch (use) {
    case PageUse::Metadata: return "metadata";
    case PageUse::KernelHeap: return "kheap";
    case PageUse::PageTable: return "ptable";
    case PageUse::User: return "user";
    case PageUse::KernelStack: return "kstack";
    case PageUse::Other: return "other";
  }
  return "?";
}

void page_alloc_init(const PhysRange* ranges, size_t n) {
  reset_state();

  Span spans[kMaxRanges];
  unsigned nspans = 0;
  for (size_t i = 0; i < n; ++i) {
    uint64_t end = ranges[i].base + ranges[i].size;
    if (end < ranges[i].base) end = ~0ull;  // clip a range that wraps
    uint64_t b = (ranges[i].base + kPageSize - 1) >> kPageShift;
    uint64_t e = end >> kPageShift;
    if (ranges[i].base > ~0ull - (kPageSize - 1) || b >= e) continue;
    add_span(spans, nspans, b, e);
  }
  if (nspans == 0) panic("page_alloc_init: no usable memory");

  uint64_t total = 0;
  unsigned largest = 0;
  for (unsigned i = 0; i < nspans; ++i) {
    uint64_t np = spans[i].end - spans[i].begin;
    total += np;
    if (np > spans[largest].end - spans[largest].begin) largest = i;
  }
  uint64_t meta_pages = (total * sizeof(Page) + kPageSize - 1) / kPageSize;
  if (spans[largest].end - spans[largest].begin <= meta_pages)
    panic("page_alloc_init: %llu pages cannot hold the page array (%llu pages)",
          static_cast<unsigned long long>(total), static_cast<unsigned long long>(meta_pages));

  // The Page array sits at the start of the largest range, one slice per range.
  Page* array = static_cast<Page*>(phys_to_virt(spans[largest].begin << kPageShift));
  mm_unpoison(array, meta_pages * kPageSize);
  uint64_t offset = 0;
  for (unsigned i = 0; i < nspans; ++i) {
    MemRange& r = g_ranges[i];
    r.base_pfn = spans[i].begin;
    r.npages = spans[i].end - spans[i].begin;
    r.pages = array + offset;
    offset += r.npages;
    for (uint64_t k = 0; k < r.npages; ++k) {
      Page* p = r.pages + k;
      *p = Page{};
      p->range = static_cast<uint8_t>(i);
      p->state = PageState::FreeBody;
    }
  }
  __builtin_memset(g_granule_range, kGranuleUnmanaged, sizeof g_granule_range);
  for (unsigned i = 0; i < nspans; ++i) {
    const MemRange& r = g_ranges[i];
    uint64_t end_pfn = r.base_pfn + r.npages;
    for (uint64_t g = r.base_pfn >> kGranuleShift; g < kGranules && (g << kGranuleShift) < end_pfn;
         ++g) {
      bool whole = (g << kGranuleShift) >= r.base_pfn && ((g + 1) << kGranuleShift) <= end_pfn;
      g_granule_range[g] = whole && g_granule_range[g] == kGranuleUnmanaged
                               ? static_cast<uint8_t>(i + 1)
                               : kGranuleSearch;
    }
  }
  g_nranges = nspans;
  unsigned second = largest == 0 ? 1 : 0;
  for (unsigned i = 0; i < nspans; ++i)
    if (i != largest && g_ranges[i].npages > g_ranges[second].npages) second = i;
  g_first = g_ranges[largest];
  g_second = nspans > 1 ? g_ranges[second] : MemRange{};
  g_managed_pages = total;

  const MemRange& big = g_ranges[largest];
  for (uint64_t k = 0; k < meta_pages; ++k) {
    Page* p = big.pages + k;
    p->state = PageState::Reserved;
    p->use = PageUse::Metadata;
    p->refcount = 1;
  }

  {
    SpinGuard g(g_zone.lock);
    g_zone.used[use_index(PageUse::Metadata)] = static_cast<int64_t>(meta_pages);
    for (unsigned i = 0; i < nspans; ++i) {
      uint64_t skip = i == largest ? meta_pages : 0;
      free_span_locked(g_ranges[i], skip, g_ranges[i].npages - skip);
    }
  }
  g_ready = true;
#ifdef TINE_KERNEL
  kprintf("mm: %llu pages (%llu MiB) in %u ranges, page array %llu pages\n",
          static_cast<unsigned long long>(total),
          static_cast<unsigned long long>(total >> (20 - kPageShift)), nspans,
          static_cast<unsigned long long>(meta_pages));
#endif
}

bool page_alloc_ready() { return g_ready; }

Page* page_alloc(unsigned order, PageUse use, unsigned flags) {
  KASSERT(g_ready);
  KASSERT(use_index(use) < kPageUseCount && use != PageUse::Metadata);
  if (order > kMaxOrder) {
    note_failure(false);
    return nullptr;
  }
  if (g_fault[use_index(use)].should_fail()) {
    note_failure(true);
    return nullptr;
  }
  uint32_t batch = load_relaxed(g_pcp_batch);
  Page* p = order == 0 && batch != 0 ? pcp_alloc(use, batch) : zone_alloc(order, use);
  if (p == nullptr) {
    // What is left may sit in other CPUs' caches: return it all and look again.
    page_alloc_drain_all();
    p = zone_alloc(order, use);
  }
  if (p == nullptr) {
    note_failure(false);
    return nullptr;
  }
  bool zero_already = order == 0 && p->zeroed;
  prepare_block(p, order, use);
  void* va = page_to_virt(p);
  mm_unpoison(va, kPageSize << order);
  if (kMmPoisonBuilt) check_poisoned_block(p, order);
  if ((flags & kPageZero) && !zero_already) __builtin_memset(va, 0, kPageSize << order);
  return p;
}

PagePoisonCheck page_poison_check(const Page* p) {
  const void* va = page_to_virt(p);
  mm_unpoison(va, kPageSize);
  PagePoisonCheck c = check_page(p);
  mm_poison(va, kPageSize);
  return c;
}

void page_free(Page* head) {
  check_allocated_head(head, "page_free");
  uint32_t refs = __atomic_load_n(&head->refcount, __ATOMIC_ACQUIRE);
  if (refs != 1)
    panic("page_free: page %#llx still has %u references",
          static_cast<unsigned long long>(page_to_phys(head)), refs);
  free_block(head);
}

void page_free_zeroed(Page* head) {
  check_allocated_head(head, "page_free_zeroed");
  uint32_t refs = __atomic_load_n(&head->refcount, __ATOMIC_ACQUIRE);
  if (refs != 1 || head->order != 0)
    panic("page_free_zeroed: page %#llx: %u references, order %u",
          static_cast<unsigned long long>(page_to_phys(head)), refs, head->order);
#ifdef TINE_DEBUG
  const uint64_t* w = static_cast<const uint64_t*>(page_to_virt(head));
  for (size_t i = 0; i < kPageSize / sizeof(uint64_t); ++i)
    if (w[i] != 0)
      panic("page_free_zeroed: page %#llx is not zero: word %zu is %#llx",
            static_cast<unsigned long long>(page_to_phys(head)), i,
            static_cast<unsigned long long>(w[i]));
#endif
  free_block(head, true);
}

void* page_alloc_va(unsigned order, PageUse use, unsigned flags) {
  Page* p = page_alloc(order, use, flags);
  return p ? page_to_virt(p) : nullptr;
}

void page_free_va(void* va) {
  Page* p = virt_to_page(va);
  if (p == nullptr || page_to_virt(p) != va) panic("page_free_va: %p is not a page block", va);
  page_free(p);
}

// The checks of every reference taken and dropped are the debug kernel's
// (these run a few hundred times a fork); page_free checks always.
void page_ref_get(Page* head) {
#ifdef TINE_DEBUG
  check_allocated_head(head, "page_ref_get");
#endif
  __atomic_add_fetch(&head->refcount, 1, __ATOMIC_RELAXED);
}

void page_put(Page* head) {
#ifdef TINE_DEBUG
  check_allocated_head(head, "page_put");
#endif
  uint32_t left = __atomic_sub_fetch(&head->refcount, 1, __ATOMIC_ACQ_REL);
  page_detail::page_put_last(head, left);
}

// What page_put does after the decrement when it may have been the last.
void page_detail::page_put_last(Page* head, uint32_t left) {
  if (left + 1 == 0)
    panic("page_put: page %#llx had no references",
          static_cast<unsigned long long>(page_to_phys(head)));
  if (left == 0) free_block(head);
}

uint32_t page_refcount(const Page* head) {
  return __atomic_load_n(&head->refcount, __ATOMIC_RELAXED);
}

Page* page_detail::phys_to_page_slow(paddr_t pa) {
  uint64_t pfn = pa >> kPageShift;
  uint64_t granule = pfn >> kGranuleShift;
  if (granule < kGranules) {
    uint8_t k = g_granule_range[granule];
    if (k == kGranuleUnmanaged) return nullptr;
    if (k != kGranuleSearch) {
      const MemRange& r = g_ranges[k - 1];
      return r.pages + (pfn - r.base_pfn);
    }
  }
  for (unsigned i = 0; i < g_nranges; ++i) {
    const MemRange& r = g_ranges[i];
    if (pfn >= r.base_pfn && pfn - r.base_pfn < r.npages) return r.pages + (pfn - r.base_pfn);
  }
  return nullptr;
}

void page_alloc_pcp_tune(uint32_t batch, uint32_t high) {
  if (high < batch) high = batch;
  __atomic_store_n(&g_pcp_batch, batch, __ATOMIC_RELAXED);
  __atomic_store_n(&g_pcp_high, high, __ATOMIC_RELAXED);
  if (batch == 0) page_alloc_drain_all();
}

void page_alloc_drain_this_cpu() {
  KASSERT(arch::cpu_local() != nullptr);
  drain_cpu(cpu_index());
}

void page_alloc_drain_all() {
  for (unsigned cpu = 0; cpu < arch::kMaxCpus; ++cpu) drain_cpu(cpu);
}

uint64_t page_free_estimate() { return __atomic_load_n(&g_zone.free_pages, __ATOMIC_RELAXED); }

PageStats page_stats() {
  PageStats s = {};
  int64_t used[kPageUseCount] = {};
  for (unsigned cpu = 0; cpu < arch::kMaxCpus; ++cpu) {
    PcpCache& c = g_pcp[cpu];
    SpinGuard g(c.lock);
    s.pcp_pages_cpu[cpu] = c.count;
    s.pcp_pages += c.count;
    for (unsigned u = 0; u < kPageUseCount; ++u) used[u] += c.used[u];
    s.allocs += c.allocs;
    s.frees += c.frees;
    s.pcp_hits += c.hits;
    s.pcp_refills += c.refills;
    s.pcp_drains += c.drains;
  }
  {
    SpinGuard g(g_zone.lock);
    s.free_pages = g_zone.free_pages;
    for (unsigned o = 0; o < kNumOrders; ++o) s.free_blocks[o] = g_zone.free_blocks[o];
    for (unsigned u = 0; u < kPageUseCount; ++u) used[u] += g_zone.used[u];
    s.allocs += g_zone.allocs;
    s.frees += g_zone.frees;
    s.splits = g_zone.splits;
    s.merges = g_zone.merges;
  }
  for (unsigned u = 0; u < kPageUseCount; ++u)
    s.used_pages[u] = used[u] > 0 ? static_cast<uint64_t>(used[u]) : 0;
  s.managed_pages = g_managed_pages;
  s.failures = load_relaxed(g_failures);
  s.injected_failures = load_relaxed(g_injected);
  return s;
}

bool page_alloc_verify() {
  bool ok = true;
  auto fail = [&ok](const char* what, const Page* p) {
    if (ok)
      kprintf("page_alloc_verify: %s (page %#llx)\n", what,
              p ? static_cast<unsigned long long>(page_to_phys(p)) : 0ull);
    ok = false;
  };

  uint64_t cached = 0;
  int64_t used = 0;  // pages handed out, the page array left out
  for (PcpCache& c : g_pcp) {
    SpinGuard g(c.lock);
    for (unsigned u = 0; u < kPageUseCount; ++u) used += c.used[u];
    uint64_t n = 0;
    for (Page* p = c.head; p && n <= g_managed_pages; p = p->next, ++n) {
      if (!is_page_record(p)) {
        fail("foreign page in a per-CPU cache", nullptr);
        break;
      }
      if (page_state(p) != PageState::Cached || p->order != 0)
        fail("per-CPU cache holds a page not marked cached", p);
    }
    if (n != c.count) fail("per-CPU cache count is off", nullptr);
    cached += c.count;
  }

  SpinGuard g(g_zone.lock);
  uint64_t pages = 0;
  for (unsigned o = 0; o < kNumOrders; ++o) {
    uint64_t blocks = 0;
    const Page* prev = nullptr;
    for (Page* p = g_zone.free_list[o]; p && blocks <= g_managed_pages; p = p->next, ++blocks) {
      if (!is_page_record(p)) {
        fail("foreign page on a free list", nullptr);
        break;
      }
      if (p->prev != prev) fail("free list back link broken", p);
      if (page_state(p) != PageState::Free || p->order != o)
        fail("free list entry not a free head of its order", p);
      uint64_t pfn = pfn_of(p);
      const MemRange& r = range_of(p);
      if (pfn & ((1ull << o) - 1)) fail("free block misaligned", p);
      if (pfn - r.base_pfn + (1ull << o) > r.npages) fail("free block runs past its range", p);
      pages += 1ull << o;
      prev = p;
    }
    if (blocks != g_zone.free_blocks[o]) fail("free block count is off", nullptr);
  }
  if (pages != g_zone.free_pages) fail("free page count is off", nullptr);

  // Census: every page's state must agree with the lists and the use counters.
  uint64_t heads = 0, bodies = 0, seen_cached = 0, reserved = 0, in_use = 0, expect_bodies = 0;
  for (unsigned o = 0; o < kNumOrders; ++o)
    expect_bodies += g_zone.free_blocks[o] * ((1ull << o) - 1);
  for (unsigned i = 0; i < g_nranges; ++i) {
    const MemRange& r = g_ranges[i];
    for (uint64_t k = 0; k < r.npages; ++k) {
      switch (page_state(r.pages + k)) {
        case PageState::Free: ++heads; break;
        case PageState::FreeBody: ++bodies; break;
        case PageState::Cached: ++seen_cached; break;
        case PageState::Reserved: ++reserved; break;
        case PageState::Allocated:
        case PageState::Tail: ++in_use; break;
      }
    }
  }
  uint64_t blocks = 0;
  for (unsigned o = 0; o < kNumOrders; ++o) blocks += g_zone.free_blocks[o];
  if (heads != blocks || bodies != expect_bodies)
    fail("page states disagree with the free lists", nullptr);
  if (seen_cached != cached) fail("page states disagree with the per-CPU caches", nullptr);
  for (unsigned u = 0; u < kPageUseCount; ++u)
    if (u != use_index(PageUse::Metadata)) used += g_zone.used[u];
  if (static_cast<int64_t>(in_use) != used)
    fail("allocated pages disagree with the use counters", nullptr);
  if (static_cast<int64_t>(reserved) != g_zone.used[use_index(PageUse::Metadata)])
    fail("reserved pages disagree with the metadata counter", nullptr);
  if (reserved + in_use + heads + bodies + seen_cached != g_managed_pages)
    fail("page census does not add up", nullptr);
  return ok;
}

void page_alloc_fail_nth(PageUse use, uint64_t n) { g_fault[use_index(use)].arm(n, 1); }

void page_alloc_fail_range(PageUse use, uint64_t first, uint64_t count) {
  g_fault[use_index(use)].arm(first, count);
}

void page_alloc_fail_clear(PageUse use) { g_fault[use_index(use)].clear(); }

bool page_alloc_fail_pending(PageUse use) { return g_fault[use_index(use)].pending(); }
