// User page tables and copy-on-write (see arch/user_pt.h; docs/vm.md explains
// the scheme and the TLB rules).
#include <arch/user_pt.h>

#include <arch/user_mmu.h>

#include "arch/aarch64/mmu/asid.h"
#include "kernel/mm/mem_account.h"
#include "kernel/panic.h"

#ifdef TINE_KERNEL
#include <arch/sysreg.h>

#include "arch/aarch64/boot/boot_defs.h"
static_assert(arch::kUserVaBits == 64 - TCR_T0SZ_USER, "start.S sets TTBR0's size");
#endif

namespace arch {
namespace {

// Every page entry: a page, accessed (no AF faults), inner shareable, normal
// memory, tagged with the ASID, never executable at EL1.
constexpr pte_t kLeafCommon =
    kPtePage | kPteAf | kPteShInner | pte_attr(kMtNormal) | kPteNg | kPtePxn;
// Every table entry: EL1 may never execute anything below it either.
constexpr pte_t kTableCommon = kPteTable | kTablePxn;

constexpr uint64_t kL3Span = uint64_t{1} << 21;  // what one L3 table maps: 2 MiB
constexpr unsigned kL3Level = 3;

struct Counters {
  uint64_t table_pages;
  uint64_t tables_shared;
  uint64_t tables_copied;
  uint64_t unshares;
  uint64_t claims;
  uint64_t cow_copies;
  uint64_t cow_reuses;
  uint64_t spurious;
  uint64_t maps;
};
Counters g_count;

void count(uint64_t& c, int64_t n = 1) {
  __atomic_add_fetch(&c, static_cast<uint64_t>(n), __ATOMIC_RELAXED);
}

// Table entries are read and written as single 64-bit accesses: the walker (and,
// for a shared L3 table, other sharers) may look at them at any time.
pte_t load(const pte_t* p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
void store(pte_t* p, pte_t v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }

// New entries must reach memory before the walker can need them (the eret or
// the retried access that follows is not enough on its own).
void publish() {
#ifdef TINE_KERNEL
  asm volatile("dsb ishst" ::: "memory");
#else
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

pte_t* table_of(pte_t e) { return static_cast<pte_t*>(phys_to_virt(pte_addr(e))); }
Page* page_of(pte_t e) { return phys_to_page(pte_addr(e)); }
Page* table_page(const pte_t* t) { return virt_to_page(t); }
uint32_t refs(const Page* p) { return __atomic_load_n(&p->refcount, __ATOMIC_ACQUIRE); }

// Which eighths... of a table may hold valid entries: Page::freelist of a table
// page (unused by the allocator while the page is allocated) holds a 64-bit
// map, bit g for entries 8g..8g+7, set when an entry there becomes valid and
// cleared only when the table is freed. Walks over a table visit only the
// marked groups, so a sparse table (a root with two entries) costs a few loads
// rather than 512.
uint64_t groups(const pte_t* t) { return reinterpret_cast<uintptr_t>(table_page(t)->freelist); }
void set_groups(pte_t* t, uint64_t g) { table_page(t)->freelist = reinterpret_cast<void*>(g); }
// Of those, the groups that may hold an entry holding a page reference (all
// but pinned ones): Page::prev (also unused by the allocator while the page
// is allocated), the same way. Copying and releasing an L3 table visit only
// these entry by entry; the rest (an exec image's text, say) are copied whole.
uint64_t counted_groups(const pte_t* t) { return reinterpret_cast<uintptr_t>(table_page(t)->prev); }
void set_counted_groups(pte_t* t, uint64_t g) { table_page(t)->prev = reinterpret_cast<Page*>(g); }
void mark_counted(pte_t* t, unsigned idx) {
  set_counted_groups(t, counted_groups(t) | (uint64_t{1} << (idx / 8)));
}

// Calls fn(index, entry) for every valid entry of t.
template <typename Fn>
void for_each_valid(pte_t* t, Fn&& fn) {
  for (uint64_t g = groups(t); g != 0; g &= g - 1) {
    unsigned first = static_cast<unsigned>(__builtin_ctzll(g)) * 8;
    for (unsigned i = first; i < first + 8; ++i) {
      pte_t e = load(&t[i]);
      if (e & kPteValid) fn(i, e);
    }
  }
}

// Table pages come zeroed, and go back zeroed: whoever frees one has cleared
// every entry it held (page_free_zeroed; the next table_alloc to get the page
// then skips the clearing, which the debug kernel checks).
pte_t* table_alloc(const UserPt* pt) {
  Page* p = page_alloc_charged(pt->payer, 0, PageUse::PageTable, kPageZero);
  if (p == nullptr) return nullptr;
  void* va = page_to_virt(p);
  p->inuse = 0;
  p->freelist = nullptr;
  p->prev = nullptr;
  count(g_count.table_pages);
  return static_cast<pte_t*>(va);
}

void table_free(pte_t* t) {
  Page* p = table_page(t);
  p->inuse = 0;
  p->freelist = nullptr;
  p->prev = nullptr;
  count(g_count.table_pages, -1);
  page_free_zeroed(p);
}

// Writes entry idx of table t (whose Page is p), keeping the table's count of
// valid entries and its map of groups.
void set_entry(pte_t* t, Page* p, unsigned idx, pte_t v) {
  pte_t old = load(&t[idx]);
  if ((old & kPteValid) && !(v & kPteValid)) --p->inuse;
  if (!(old & kPteValid) && (v & kPteValid)) {
    ++p->inuse;
    p->freelist = reinterpret_cast<void*>(reinterpret_cast<uintptr_t>(p->freelist) |
                                          (uint64_t{1} << (idx / 8)));
  }
  if ((v & kPteValid) && !(v & kUptSwPinned))
    p->prev =
        reinterpret_cast<Page*>(reinterpret_cast<uintptr_t>(p->prev) | (uint64_t{1} << (idx / 8)));
  store(&t[idx], v);
}
void set_entry(pte_t* t, unsigned idx, pte_t v) { set_entry(t, table_page(t), idx, v); }

pte_t leaf_bits(unsigned prot, unsigned flags) {
  pte_t e = kLeafCommon;
  if (flags & kUMapPinned) e |= kUptSwPinned;
  if (prot & (kUProtRead | kUProtWrite | kUProtExec)) e |= kPteApUser;
  if (prot & kUProtWrite)
    e |= kUptSwWrite;
  else
    e |= kPteApReadOnly;
  if (!(prot & kUProtExec)) e |= kPteUxn;
  if (flags & kUMapShared) e |= kUptSwShared;
  // Copy-on-write, and pinned pages (whose owner may share them) always copy.
  if ((flags & (kUMapCow | kUMapPinned)) && (prot & kUProtWrite)) e |= kPteApReadOnly;
  return e;
}

unsigned leaf_prot(pte_t e) {
  if (!(e & kPteApUser)) return kUProtNone;
  unsigned prot = kUProtRead;
  if (e & kUptSwWrite) prot |= kUProtWrite;
  if (!(e & kPteUxn)) prot |= kUProtExec;
  return prot;
}

// A private writable page: write-protected whenever another table may map it.
bool is_cow_candidate(pte_t e) { return (e & kUptSwWrite) && !(e & kUptSwShared); }

// Whether the entry holds a reference on its page (all but pinned ones do).
bool holds_ref(pte_t e) { return !(e & kUptSwPinned); }

// The upt_map flags an existing entry was made with.
unsigned map_flags(pte_t e) {
  return ((e & kUptSwShared) ? kUMapShared : 0u) | ((e & kUptSwPinned) ? kUMapPinned : 0u);
}

// Drops one reference to an L3 table; with the last, its pages' references
// go too and the table is freed.
void l3_release(pte_t* t) {
  Page* tp = table_page(t);
  if (__atomic_sub_fetch(&tp->refcount, 1, __ATOMIC_ACQ_REL) != 0) return;
  __atomic_store_n(&tp->refcount, 1, __ATOMIC_RELAXED);  // ours alone, as page_free expects
  uint64_t counted = counted_groups(t);
  for (uint64_t g = groups(t); g != 0; g &= g - 1) {
    unsigned first = static_cast<unsigned>(__builtin_ctzll(g)) * 8;
    if (counted & (uint64_t{1} << (first / 8))) {
      for (unsigned i = first; i < first + 8; ++i) {
        pte_t e = load(&t[i]);
        if ((e & kPteValid) && holds_ref(e)) page_put_inline(page_of(e));
      }
    }
    pte_t* z = &t[first];  // for table_free: eight stores, paired
    z[0] = z[1] = z[2] = z[3] = z[4] = z[5] = z[6] = z[7] = 0;
  }
  table_free(t);
}

// Fills `dst` with the entries of the L3 table `src`: a new reference on every
// page but pinned ones, and private writable pages write-protected in both
// (src may be shared: taking write permission away is the one change sharers
// may make to it).
void l3_copy_entries(pte_t* dst, pte_t* src) {
  uint64_t counted = counted_groups(src);
  uint64_t all = groups(src);
  for (uint64_t g = all; g != 0; g &= g - 1) {
    unsigned first = static_cast<unsigned>(__builtin_ctzll(g)) * 8;
    if (!(counted & (uint64_t{1} << (first / 8)))) {
      // Pinned or invalid entries only (a pinned entry is never writable in
      // hardware: its first write copies it into a counted one, and no sharer
      // changes it), copied as a block.
#ifdef TINE_DEBUG
      for (unsigned i = first; i < first + 8; ++i) {
        pte_t e = load(&src[i]);
        KASSERT(!(e & kPteValid) || ((e & kUptSwPinned) && (e & kPteApReadOnly)));
      }
#endif
      const pte_t* from = &src[first];  // eight loads, then eight stores: paired
      pte_t* to = &dst[first];
      pte_t e0 = from[0], e1 = from[1], e2 = from[2], e3 = from[3];
      pte_t e4 = from[4], e5 = from[5], e6 = from[6], e7 = from[7];
      to[0] = e0, to[1] = e1, to[2] = e2, to[3] = e3;
      to[4] = e4, to[5] = e5, to[6] = e6, to[7] = e7;
      continue;
    }
    for (unsigned i = first; i < first + 8; ++i) {
      pte_t e = load(&src[i]);
      if (!(e & kPteValid)) continue;
      // Every page a table maps is a live, allocated block: a plain increment.
      if (holds_ref(e)) __atomic_add_fetch(&page_of(e)->refcount, 1, __ATOMIC_RELAXED);
      if (is_cow_candidate(e) && !(e & kPteApReadOnly)) {
        e |= kPteApReadOnly;
        store(&src[i], e);
      }
      dst[i] = e;
    }
  }
  table_page(dst)->inuse = table_page(src)->inuse;
  set_groups(dst, all);
  set_counted_groups(dst, counted);
}

// Makes the L3 table behind *l2e this space's own, copying it if it is shared.
// Returns it, or nullptr when the copy cannot be allocated. APTable stays as it
// was on a table already exclusive (write permission comes back by a fault).
pte_t* l3_exclusive(UserPt* pt, pte_t* l2e, uint64_t va) {
  pte_t d = load(l2e);
  pte_t* t = table_of(d);
  if (!(d & kTableApReadOnly) || refs(table_page(t)) == 1) return t;
  pte_t* copy = table_alloc(pt);
  if (copy == nullptr) return nullptr;
  l3_copy_entries(copy, t);
  // Break before make: no CPU may keep walking the old table for this space.
  store(l2e, 0);
  user_tlb_flush_page_in(&pt->tlb_cpus, va & ~(kL3Span - 1), pt->asid);
  store(l2e, virt_to_phys(copy) | kTableCommon);
  publish();
  count(g_count.unshares);
  l3_release(t);
  return copy;
}

// The table entry of `level` (kUserRootLevel-2) covering va, allocating the tables above
// it; nullptr when a table is missing (alloc false) or cannot be had.
pte_t* walk_to(UserPt* pt, uint64_t va, unsigned level, bool alloc) {
  pte_t* t = pt->root;
  for (unsigned l = kUserRootLevel;; ++l) {
    pte_t* e = &t[pt_index(va, l)];
    if (l == level) return e;
    pte_t d = load(e);
    if (!(d & kPteValid)) {
      if (!alloc) return nullptr;
      pte_t* n = table_alloc(pt);
      if (n == nullptr) return nullptr;
      set_entry(t, pt_index(va, l), virt_to_phys(n) | kTableCommon);
      publish();
      t = n;
    } else {
      t = table_of(d);
    }
  }
}

const pte_t* walk_to_const(const UserPt* pt, uint64_t va, unsigned level) {
  const pte_t* t = pt->root;
  for (unsigned l = kUserRootLevel;; ++l) {
    const pte_t* e = &t[pt_index(va, l)];
    if (l == level) return e;
    pte_t d = load(e);
    if (!(d & kPteValid)) return nullptr;
    t = table_of(d);
  }
}

// A batch of unmapped pages and detached L3 tables whose references may only
// go once every CPU has dropped its TLB entries for them.
class Gather {
 public:
  explicit Gather(UserPt* pt) : pt_(pt) {}
  ~Gather() { finish(); }

  void add_page(uint64_t va, Page* p) {
    if (npages_ == kPages) finish();
    vas_[npages_] = va;
    pages_[npages_++] = p;
  }
  void add_table(pte_t* t) {
    if (ntables_ == kTables) finish();
    tables_[ntables_++] = t;
  }
  // An emptied L2 table (its walk-cache entries go with the ASID flush).
  void add_upper(pte_t* t) {
    if (nupper_ == kTables) finish();
    upper_[nupper_++] = t;
  }
  void finish() {
    if (npages_ == 0 && ntables_ == 0 && nupper_ == 0) return;
    if (ntables_ != 0 || nupper_ != 0 || npages_ > kPerPageFlushMax) {
      user_tlb_flush_asid_in(&pt_->tlb_cpus, pt_->asid);
    } else {
      for (unsigned i = 0; i < npages_; ++i)
        user_tlb_flush_leaf_in(&pt_->tlb_cpus, vas_[i], pt_->asid);
    }
    for (unsigned i = 0; i < npages_; ++i)
      if (pages_[i]) page_put_inline(pages_[i]);  // (a pinned page: only the flush)
    for (unsigned i = 0; i < ntables_; ++i) l3_release(tables_[i]);
    for (unsigned i = 0; i < nupper_; ++i) table_free(upper_[i]);
    npages_ = ntables_ = nupper_ = 0;
  }

 private:
  static constexpr unsigned kPages = 64;
  static constexpr unsigned kTables = 8;
  static constexpr unsigned kPerPageFlushMax = 16;
  UserPt* pt_;
  unsigned npages_ = 0;
  unsigned ntables_ = 0;
  unsigned nupper_ = 0;
  uint64_t vas_[kPages];
  Page* pages_[kPages];
  pte_t* tables_[kTables];
  pte_t* upper_[kTables];
};

// After an L3 table went: frees the tables above va (below the root, which
// stays) that this left empty.
void prune_upper(UserPt* pt, uint64_t va, Gather& g) {
  for (unsigned level = 2; level > kUserRootLevel; --level) {
    pte_t* above = walk_to(pt, va, level - 1, false);  // the entry pointing at this table
    if (above == nullptr) return;
    pte_t* t = table_of(load(above));
    if (table_page(t)->inuse != 0) return;
    pte_t* holder = above - pt_index(va, level - 1);
    set_entry(holder, pt_index(va, level - 1), 0);
    g.add_upper(t);
  }
}

uint64_t chunk_end(uint64_t va, uint64_t end) {
  uint64_t next = (va | (kL3Span - 1)) + 1;
  return next < end ? next : end;
}

// The L2 entry of va's L3 table; nullptr when va has none.
pte_t* l3_table_entry(UserPt* pt, uint64_t va) {
  pte_t* l2e = walk_to(pt, va, 2, false);
  return l2e != nullptr && (load(l2e) & kPteValid) ? l2e : nullptr;
}

// Copies every shared L3 table that [start, end) touches, except those it
// covers whole when `skip_whole` (unmap drops those as a unit).
bool make_range_exclusive(UserPt* pt, uint64_t start, uint64_t end, bool skip_whole) {
  for (uint64_t va = start; va < end; va = chunk_end(va, end)) {
    pte_t* l2e = l3_table_entry(pt, va);
    if (l2e == nullptr) continue;
    bool whole = (va & (kL3Span - 1)) == 0 && chunk_end(va, end) - va == kL3Span;
    if (whole && skip_whole) continue;
    if (l3_exclusive(pt, l2e, va) == nullptr) return false;
  }
  return true;
}

void tree_free(pte_t* t, unsigned level) {
  for_each_valid(t, [t, level](unsigned i, pte_t d) {
    if (level + 1 == kL3Level)
      l3_release(table_of(d));
    else
      tree_free(table_of(d), level + 1);
    t[i] = 0;  // for table_free
  });
  table_free(t);
}

// Copies the tables below parent table `pt_tab` (of `level`) into `ch_tab`;
// L3 tables are shared or copied according to mode.
bool fork_level(const UserPt* child, pte_t* pt_tab, pte_t* ch_tab, unsigned level,
                UptForkMode mode) {
  bool ok = true;
  Page* ch_page = table_page(ch_tab);
  uint64_t shared = 0;
  for_each_valid(pt_tab, [&](unsigned i, pte_t d) {
    if (!ok) return;
    if (level == 2) {
      pte_t* t = table_of(d);
      if (mode == UptForkMode::kShareTables) {
        // One more sharer: the table is a live table page, a plain increment.
        __atomic_add_fetch(&table_page(t)->refcount, 1, __ATOMIC_RELAXED);
        d |= kTableApReadOnly;
        store(&pt_tab[i], d);
        set_entry(ch_tab, ch_page, i, d);
        ++shared;
      } else {
        pte_t* copy = table_alloc(child);
        if (copy == nullptr) {
          ok = false;
          return;
        }
        l3_copy_entries(copy, t);
        set_entry(ch_tab, ch_page, i, virt_to_phys(copy) | kTableCommon);
        count(g_count.tables_copied);
      }
      return;
    }
    pte_t* n = table_alloc(child);
    if (n == nullptr) {
      ok = false;
      return;
    }
    set_entry(ch_tab, ch_page, i, virt_to_phys(n) | kTableCommon);
    ok = fork_level(child, table_of(d), n, level + 1, mode);
  });
  if (shared) count(g_count.tables_shared, static_cast<int64_t>(shared));
  return ok;
}

}  // namespace

UptStatus upt_create(UserPt* pt) {
  uint16_t asid;
  if (!asid_alloc(&asid)) return UptStatus::kNoMemory;
  pte_t* root = table_alloc(pt);
  if (root == nullptr) {
    asid_free(asid);
    return UptStatus::kNoMemory;
  }
  pt->root = root;
  pt->asid = asid;
  pt->tlb_cpus = 0;  // no CPU has loaded it yet
  return UptStatus::kOk;
}

void upt_destroy(UserPt* pt) {
  if (pt->root == nullptr) return;
  // No CPU has this space loaded any more (the VM saw to it). The flush drops
  // what the TLBs and walk caches of the CPUs that ever loaded it still hold
  // for it (a local one when that is this CPU alone), before a single table
  // goes back to the allocator and before the ASID can tag another space.
  user_tlb_flush_asid_in(&pt->tlb_cpus, pt->asid);
  asid_free(pt->asid);
  tree_free(pt->root, kUserRootLevel);
  pt->root = nullptr;
  pt->asid = 0;
}

paddr_t upt_root_phys(const UserPt* pt) { return virt_to_phys(pt->root); }

UptStatus upt_map(UserPt* pt, uint64_t va, Page* page, unsigned prot, unsigned flags) {
  KASSERT(va < kUserVaTop && (va & (kPageSize - 1)) == 0);
  pte_t* l2e = walk_to(pt, va, 2, true);
  if (l2e == nullptr) return UptStatus::kNoMemory;
  pte_t* t;
  if (!(load(l2e) & kPteValid)) {
    t = table_alloc(pt);
    if (t == nullptr) return UptStatus::kNoMemory;
    pte_t* l2 = l2e - pt_index(va, 2);
    set_entry(l2, pt_index(va, 2), virt_to_phys(t) | kTableCommon);
  } else {
    t = l3_exclusive(pt, l2e, va);
    if (t == nullptr) return UptStatus::kNoMemory;
  }
  unsigned idx = pt_index(va, kL3Level);
  if (load(&t[idx]) & kPteValid) return UptStatus::kExists;
  // An executable mapping fetches the page's current contents, not what the
  // I-cache may hold from an earlier life of the page or of a shared page
  // written through another mapping.
  if (prot & kUProtExec) arch_icache_sync(page_to_virt(page), kPageSize);
  set_entry(t, idx, page_to_phys(page) | leaf_bits(prot, flags));
  publish();
  count(g_count.maps);
  return UptStatus::kOk;
}

void upt_note_loaded(UserPt* pt) { user_tlb_note_loaded(&pt->tlb_cpus); }

UptStatus upt_unmap(UserPt* pt, uint64_t start, uint64_t end) {
  KASSERT(start <= end && end <= kUserVaTop);
  if (!make_range_exclusive(pt, start, end, true)) return UptStatus::kNoMemory;
  Gather g(pt);
  for (uint64_t va = start, next; va < end; va = next) {
    next = chunk_end(va, end);
    pte_t* l2e = l3_table_entry(pt, va);
    if (l2e == nullptr) continue;
    pte_t* l2 = l2e - pt_index(va, 2);
    pte_t* t = table_of(load(l2e));
    bool detached = false;
    if ((va & (kL3Span - 1)) == 0 && next - va == kL3Span) {
      set_entry(l2, pt_index(va, 2), 0);  // the whole table goes
      g.add_table(t);
      detached = true;
    } else {
      // Only the groups of eight entries that may hold valid ones: a large
      // range over a sparse table (a thread's stack given back by madvise)
      // costs a few loads, not one a page.
      unsigned lo = pt_index(va, kL3Level);
      unsigned hi = pt_index(next - 1, kL3Level) + 1;  // next - 1 is in va's table
      uint64_t in_range = (~uint64_t{0} << (lo / 8)) & (~uint64_t{0} >> (63 - (hi - 1) / 8));
      for (uint64_t gm = groups(t) & in_range; gm != 0; gm &= gm - 1) {
        unsigned first = static_cast<unsigned>(__builtin_ctzll(gm)) * 8;
        unsigned from = first > lo ? first : lo;
        unsigned to = first + 8 < hi ? first + 8 : hi;
        for (unsigned idx = from; idx < to; ++idx) {
          pte_t e = load(&t[idx]);
          if (!(e & kPteValid)) continue;
          set_entry(t, idx, 0);
          g.add_page((va & ~(kL3Span - 1)) + uint64_t{idx} * kPageSize,
                     holds_ref(e) ? page_of(e) : nullptr);
        }
      }
      if (table_page(t)->inuse == 0) {
        set_entry(l2, pt_index(va, 2), 0);
        g.add_table(t);
        detached = true;
      }
    }
    if (detached) prune_upper(pt, va, g);
  }
  g.finish();
  return UptStatus::kOk;
}

UptStatus upt_protect(UserPt* pt, uint64_t start, uint64_t end, unsigned prot) {
  KASSERT(start <= end && end <= kUserVaTop);
  if (!make_range_exclusive(pt, start, end, false)) return UptStatus::kNoMemory;
  uint64_t changed = 0;
  for (uint64_t va = start, next; va < end; va = next) {
    next = chunk_end(va, end);
    pte_t* l2e = l3_table_entry(pt, va);
    if (l2e == nullptr) continue;
    pte_t* t = table_of(load(l2e));
    for (uint64_t a = va; a < next; a += kPageSize) {
      unsigned idx = pt_index(a, kL3Level);
      pte_t e = load(&t[idx]);
      if (!(e & kPteValid)) continue;
      pte_t n = pte_addr(e) | leaf_bits(prot, map_flags(e));
      // A private page another table still maps stays write-protected (COW),
      // and so does a pinned one, whose owner may share it.
      if (is_cow_candidate(n) && (!holds_ref(e) || refs(page_of(e)) > 1)) n |= kPteApReadOnly;
      // Becoming executable (mprotect(PROT_EXEC) after writing code): what
      // was written reaches instruction fetch first.
      if ((e & kPteUxn) && !(n & kPteUxn)) arch_icache_sync(phys_to_virt(pte_addr(e)), kPageSize);
      if (n != e) {
        store(&t[idx], n);
        ++changed;
      }
    }
  }
  if (changed != 0) user_tlb_flush_asid_in(&pt->tlb_cpus, pt->asid);
  return UptStatus::kOk;
}

UptStatus upt_copy_range(UserPt* pt, uint64_t from, uint64_t to, uint64_t len, unsigned prot) {
  KASSERT(from + len <= kUserVaTop && to + len <= kUserVaTop);
  for (uint64_t va = from, next; va < from + len; va = next) {
    next = chunk_end(va, from + len);
    const pte_t* l2e = walk_to_const(pt, va, 2);
    if (l2e == nullptr || !(load(l2e) & kPteValid)) continue;  // nothing mapped in this 2 MiB
    const pte_t* t = table_of(load(l2e));
    for (uint64_t a = va; a < next; a += kPageSize) {
      pte_t e = load(&t[pt_index(a, kL3Level)]);
      if (!(e & kPteValid)) continue;
      Page* page = page_of(e);
      bool shared = (e & kUptSwShared) != 0;
      page_ref_get(page);  // the destination table's
      // A private page goes in copy-on-write: its first write copies it, or
      // takes it over once it has no other mapping.
      UptStatus st = upt_map(pt, to + (a - from), page, prot, shared ? kUMapShared : kUMapCow);
      if (st != UptStatus::kOk) {
        page_put(page);
        return st;
      }
      t = table_of(load(l2e));  // upt_map may have replaced a shared table
    }
  }
  // Write permission went from nothing: no TLB entry can be stale.
  return UptStatus::kOk;
}

UptFault upt_fault(UserPt* pt, uint64_t va, UptAccess access) {
  if (va >= kUserVaTop) return UptFault::kNotMapped;
  pte_t* l2e = walk_to(pt, va, 2, false);
  if (l2e == nullptr) return UptFault::kNotMapped;
  pte_t d = load(l2e);
  if (!(d & kPteValid)) return UptFault::kNotMapped;
  pte_t* t = table_of(d);
  unsigned idx = pt_index(va, kL3Level);
  pte_t e = load(&t[idx]);
  if (!(e & kPteValid)) return UptFault::kNotMapped;

  uint64_t page_va = va & ~(kPageSize - 1);
  unsigned prot = leaf_prot(e);
  bool allowed = access == UptAccess::kRead   ? (prot & kUProtRead) != 0
                 : access == UptAccess::kExec ? (prot & kUProtExec) != 0
                                              : (prot & kUProtWrite) != 0;
  if (!allowed) return UptFault::kDenied;
  if (access != UptAccess::kWrite) {
    // Reads and fetches of a valid, permitted page only fault on stale entries.
    user_tlb_flush_local(page_va, pt->asid);
    count(g_count.spurious);
    return UptFault::kResolved;
  }

  if (d & kTableApReadOnly) {
    if (refs(table_page(t)) > 1) {
      t = l3_exclusive(pt, l2e, va);
      if (t == nullptr) return UptFault::kNoMemory;
    } else {
      // Every other sharer is gone: the table is ours again as it stands.
      store(l2e, d & ~kTableApReadOnly);
      count(g_count.claims);
    }
    e = load(&t[idx]);
  }
  if (!(e & kPteApReadOnly)) {
    user_tlb_flush_local(page_va, pt->asid);
    count(g_count.spurious);
    return UptFault::kResolved;
  }
  Page* old = page_of(e);
  if ((e & kUptSwShared) || (holds_ref(e) && refs(old) == 1)) {
    // Sole owner (or a shared mapping): write permission back, same page.
    store(&t[idx], e & ~kPteApReadOnly);
    publish();
    user_tlb_flush_local(page_va, pt->asid);
    count(g_count.cow_reuses);
    return UptFault::kResolved;
  }
  Page* copy = page_alloc_charged(pt->payer, 0, PageUse::User);
  if (copy == nullptr) return UptFault::kNoMemory;
  arch_page_copy(page_to_virt(copy), phys_to_virt(pte_addr(e)));
  if (!(e & kPteUxn)) arch_icache_sync(page_to_virt(copy), kPageSize);  // executable copy
  // Break before make: the old translation is gone from every CPU before the
  // new one appears, so no CPU writes the old page through a stale entry.
  store(&t[idx], 0);
  user_tlb_flush_leaf_in(&pt->tlb_cpus, page_va, pt->asid);
  store(&t[idx], page_to_phys(copy) | (e & ~(kPteAddrMask | kPteApReadOnly | kUptSwPinned)));
  mark_counted(t, idx);  // (the entry may have been a pinned one)
  publish();
  // Our table's reference to the old page goes (a pinned page's owner keeps
  // it). Another table held one a moment ago, but may have let go since: then
  // this was the last.
  if (holds_ref(e) && __atomic_sub_fetch(&old->refcount, 1, __ATOMIC_ACQ_REL) == 0) {
    __atomic_store_n(&old->refcount, 1, __ATOMIC_RELAXED);
    page_free(old);
  }
  count(g_count.cow_copies);
  return UptFault::kResolved;
}

UptStatus upt_fork(UserPt* parent, UserPt* child, UptForkMode mode) {
  bool ok = fork_level(child, parent->root, child->root, kUserRootLevel, mode);
  // Write permission was taken from the parent (APTable or page entries).
  user_tlb_flush_asid_in(&parent->tlb_cpus, parent->asid);
  return ok ? UptStatus::kOk : UptStatus::kNoMemory;
}

Page* upt_lookup(const UserPt* pt, uint64_t va, unsigned* prot, bool* writable) {
  if (va >= kUserVaTop) return nullptr;
  const pte_t* l2e = walk_to_const(pt, va, 2);
  if (l2e == nullptr) return nullptr;
  pte_t d = load(l2e);
  if (!(d & kPteValid)) return nullptr;
  pte_t e = load(&table_of(d)[pt_index(va, kL3Level)]);
  if (!(e & kPteValid)) return nullptr;
  if (prot) *prot = leaf_prot(e);
  if (writable) *writable = !(d & kTableApReadOnly) && !(e & kPteApReadOnly);
  return page_of(e);
}

uint64_t upt_resident(const UserPt* pt) {
  uint64_t n = 0;
  for_each_valid(pt->root, [&](unsigned, pte_t l1) {
    for_each_valid(table_of(l1), [&](unsigned, pte_t l2) { n += table_page(table_of(l2))->inuse; });
  });
  return n;
}

UptStats upt_stats() {
  UptStats s;
  s.table_pages = __atomic_load_n(&g_count.table_pages, __ATOMIC_RELAXED);
  s.tables_shared = __atomic_load_n(&g_count.tables_shared, __ATOMIC_RELAXED);
  s.tables_copied = __atomic_load_n(&g_count.tables_copied, __ATOMIC_RELAXED);
  s.unshares = __atomic_load_n(&g_count.unshares, __ATOMIC_RELAXED);
  s.claims = __atomic_load_n(&g_count.claims, __ATOMIC_RELAXED);
  s.cow_copies = __atomic_load_n(&g_count.cow_copies, __ATOMIC_RELAXED);
  s.cow_reuses = __atomic_load_n(&g_count.cow_reuses, __ATOMIC_RELAXED);
  s.spurious = __atomic_load_n(&g_count.spurious, __ATOMIC_RELAXED);
  s.maps = __atomic_load_n(&g_count.maps, __ATOMIC_RELAXED);
  return s;
}

#ifdef TINE_KERNEL
namespace {
constexpr uint64_t kTcrEpd0 = uint64_t{1} << 7;
alignas(4096) pte_t g_empty_root[kPtEntries];  // ASID 0's table: nothing mapped
}  // namespace

void user_ttbr0_load(paddr_t root, uint16_t asid) {
  write_sysreg(ttbr0_el1, root | (uint64_t{asid} << 48));
  isb();
  uint64_t tcr = read_sysreg(tcr_el1);
  if (tcr & kTcrEpd0) {
    write_sysreg(tcr_el1, tcr & ~kTcrEpd0);
    isb();
  }
}

void user_ttbr0_unload() {
  write_sysreg(ttbr0_el1, virt_to_phys(g_empty_root));
  isb();
}
#endif

}  // namespace arch
