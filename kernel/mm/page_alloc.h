// Physical page allocator: a binary buddy over the usable RAM ranges, blocks of
// 2^order pages (order 0..kMaxOrder) aligned to their size, with a per-CPU
// cache of order-0 pages in front so the common single-page alloc and free only
// touch this CPU's cache. Every managed page has a `Page` record; the array of
// them is carved out of the managed RAM at init and counted as PageUse::Metadata.
//
// Allocation can fail: page_alloc() returns nullptr when memory is exhausted (after
// draining every CPU's cache) or when a fault plan says so. Safe from any context
// that may take a spinlock, IRQ handlers included; this CPU must be bound
// (cpu_bind) before the first call.
#pragma once
#include <arch/cpu.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/fault_plan.h"
#include "kernel/mm/phys.h"

struct MallocType;
struct MemAccount;

inline constexpr unsigned kMaxOrder = 10;  // largest block: 1024 pages, 4 MiB
inline constexpr unsigned kNumOrders = kMaxOrder + 1;

// What an allocated block is for. Counted per use so VM code can report its
// page-table pages apart from user pages, and tests can compare each with a baseline.
enum class PageUse : uint8_t {
  Metadata,     // the Page array itself; never freed
  KernelHeap,   // kmalloc slabs and large kmalloc blocks
  PageTable,    // translation tables
  User,         // pages mapped into user address spaces
  KernelStack,  // thread stacks
  Other,
};
inline constexpr unsigned kPageUseCount = 6;
const char* page_use_name(PageUse use);

// Where a page stands in the allocator. Read with page_state(): pages of other
// owners are looked at (never written) by the buddy merge under the zone lock.
enum class PageState : uint8_t {
  Allocated,  // head of an allocated block
  Tail,       // other page of an allocated block; `order` is the block's
  Free,       // head of a block on a buddy free list; `order` is its list
  FreeBody,   // other page of a free block
  Cached,     // order-0 page parked in a per-CPU cache
  Reserved,   // never handed out (the Page array)
};

// What an allocated block's owner field holds: kmalloc's slabs and large
// blocks name their malloc type (set and read by kmalloc only); a block of
// user memory names the account it is charged to (kernel/mm/mem_account.h).
enum class PageKind : uint8_t { None, Slab, Large, Charged };

// Per-page metadata. Fields of an allocated block belong to whoever allocated it;
// those of a free page to the lock of the list holding it.
struct Page {
  Page* next;  // free list / per-CPU cache / kmalloc slab list link
  Page* prev;
  void* freelist;  // kmalloc slab: first free object
  union {
    MallocType* owner;  // kind Slab or Large: its malloc type
    MemAccount* payer;  // kind Charged: the account it is charged to
  };
  uint32_t refcount;  // head of an allocated block: its users (copy-on-write); else 0
  uint16_t inuse;     // kmalloc slab: objects handed out
  uint8_t order;      // block order (head, tail and free head)
  PageState state;    // access through page_state()
  PageUse use;        // allocated block: what it is for
  PageKind kind;
  uint8_t size_class;  // kmalloc slab: index of its size class
  uint8_t range;       // index of the managed range holding the page
  bool poisoned;       // debug kernel: freed full of kPoisonFree, checked when handed out
  uint8_t home_cpu;    // allocated from a CPU's cache: that CPU, whose cache takes it
                       // back when it is freed; kNoHomeCpu otherwise
  bool zeroed;         // free order-0 page known to be all zero (page_free_zeroed)
};
inline constexpr uint8_t kNoHomeCpu = 0xff;

inline PageState page_state(const Page* p) {
  return static_cast<PageState>(
      __atomic_load_n(reinterpret_cast<const uint8_t*>(&p->state), __ATOMIC_RELAXED));
}

// Flags for page_alloc().
enum PageAllocFlags : unsigned {
  kPageZero = 1u << 0,  // fill the block with zeroes
};

// Takes the managed RAM, sorted or not, overlapping or not (page-rounded inwards,
// touching ranges joined; at most 32 after joining). Carves the Page array from
// the largest range. Call once on the boot CPU, after cpu_bind(0), before any
// allocation. (The host tests call it again to start over with a fresh arena.)
void page_alloc_init(const PhysRange* ranges, size_t n);
bool page_alloc_ready();

// A block of 2^order pages aligned to its size, or nullptr. The head Page comes
// back with refcount 1, `use` set and state Allocated.
[[nodiscard]] Page* page_alloc(unsigned order, PageUse use, unsigned flags = 0);
// Free pages on the buddy lists (not those in the per-CPU caches), read
// without the lock: a bound to hold back a reserve, not an exact count.
uint64_t page_free_estimate();
// Frees a block from page_alloc (its head, refcount 1). Panics on a page that is
// not the head of an allocated block (double free, tail, reserved).
void page_free(Page* head);
// page_free of an order-0 block its owner left all zero (a page table it
// cleared as it took it apart): the next page_alloc with kPageZero that gets
// it skips the clearing. The debug kernel checks the claim.
void page_free_zeroed(Page* head);
// The same through the linear map.
[[nodiscard]] void* page_alloc_va(unsigned order, PageUse use, unsigned flags = 0);
void page_free_va(void* va);

// Copy-on-write sharing: another reference to an allocated block; page_put drops
// one and frees the block with the last.
void page_ref_get(Page* head);
void page_put(Page* head);
// page_put with the common case inline (a reference that is not the last):
// the page tables drop one per page they map when a table goes.
namespace page_detail {
void page_put_last(Page* head, uint32_t left);
}
inline void page_put_inline(Page* head) {
#ifdef TINE_DEBUG
  page_put(head);
#else
  uint32_t left = __atomic_sub_fetch(&head->refcount, 1, __ATOMIC_ACQ_REL);
  if (left == 0 || left + 1 == 0) [[unlikely]]
    page_detail::page_put_last(head, left);
#endif
}
uint32_t page_refcount(const Page* head);

// Conversions. phys_to_page/virt_to_page return nullptr for unmanaged memory.
// Inline: the page tables convert dozens of times a fork.
namespace page_detail {
// A managed stretch of RAM and its slice of the Page array. Written by
// page_alloc_init only, read-only afterwards.
struct MemRange {
  uint64_t base_pfn;
  uint64_t npages;
  Page* pages;
};
inline constexpr unsigned kMaxRanges = 32;  // Page::range is a byte
extern MemRange g_ranges[kMaxRanges];
// The two largest ranges, the ones phys_to_page looks at inline: the RAM
// around the kernel image, the device tree and the initrd is cut into several
// ranges, and almost every page comes from the largest two.
extern MemRange g_first;
extern MemRange g_second;
Page* phys_to_page_slow(paddr_t pa);
}  // namespace page_detail

inline uint64_t page_pfn(const Page* p) {
  const page_detail::MemRange& r = page_detail::g_ranges[p->range];
  return r.base_pfn + static_cast<uint64_t>(p - r.pages);
}
inline paddr_t page_to_phys(const Page* p) { return page_pfn(p) << kPageShift; }
inline void* page_to_virt(const Page* p) { return phys_to_virt(page_to_phys(p)); }
inline Page* phys_to_page(paddr_t pa) {
  uint64_t i = (pa >> kPageShift) - page_detail::g_first.base_pfn;
  if (i < page_detail::g_first.npages) return page_detail::g_first.pages + i;
  i = (pa >> kPageShift) - page_detail::g_second.base_pfn;
  if (i < page_detail::g_second.npages) return page_detail::g_second.pages + i;
  return page_detail::phys_to_page_slow(pa);
}
inline Page* virt_to_page(const void* va) { return phys_to_page(virt_to_phys(va)); }
// The head of the allocated block holding p (p itself if it is a head).
inline Page* page_head(Page* p) {
  if (page_state(p) != PageState::Tail) return p;
  return p - (page_pfn(p) & ((1ull << p->order) - 1));
}
inline size_t page_block_bytes(const Page* head) { return kPageSize << head->order; }

// The debug kernel's page poisoning (kernel/mm/poison.h): a block freed while
// mm_poison_enabled() is filled with kPoisonFree, and page_alloc checks each of
// its pages when it hands the memory out again; a changed byte is a write after
// free, and page_alloc panics naming the page and the byte. What checking one
// free page finds (the panic reports exactly this):
struct PagePoisonCheck {
  bool poisoned;  // the page was poisoned when freed (else nothing is checked)
  bool damaged;   // some byte of it changed since
  size_t offset;  // the first changed byte
  uint8_t value;  // what that byte holds now
};
// For tests: the caller makes sure nothing allocates the page meanwhile.
PagePoisonCheck page_poison_check(const Page* p);

// Per-CPU caches: each keeps at most `high` order-0 pages and moves `batch` at a
// time to and from the buddy lists. batch 0 turns the caches off (the tests use
// it to watch the buddy lists directly). Defaults: batch 16, high 64.
void page_alloc_pcp_tune(uint32_t batch, uint32_t high);
// Returns the cached pages of this CPU, or of every CPU, to the buddy lists.
void page_alloc_drain_this_cpu();
void page_alloc_drain_all();

// Counters. Exact when nothing allocates concurrently; always
// managed_pages == free_pages + pcp_pages + sum(used_pages).
struct PageStats {
  uint64_t managed_pages;  // pages with a Page record
  uint64_t free_pages;     // on the buddy free lists
  uint64_t pcp_pages;      // parked in per-CPU caches
  uint64_t pcp_pages_cpu[arch::kMaxCpus];
  uint64_t used_pages[kPageUseCount];  // handed out, by PageUse
  uint64_t free_blocks[kNumOrders];    // buddy free blocks by order
  uint64_t allocs;                     // successful page_alloc calls
  uint64_t frees;
  uint64_t failures;           // page_alloc calls that returned nullptr
  uint64_t injected_failures;  // of those, by a fault plan
  uint64_t pcp_hits;           // order-0 allocations served from a cache
  uint64_t pcp_refills;
  uint64_t pcp_drains;
  uint64_t splits;
  uint64_t merges;
};
PageStats page_stats();
inline uint64_t page_stats_used(const PageStats& s, PageUse u) {
  return s.used_pages[static_cast<unsigned>(u)];
}

// Walks the free lists and caches checking the allocator's invariants; prints
// the first problem and returns false if one is broken.
bool page_alloc_verify();

// Fault injection by use, counting page_alloc calls for that use from when armed
// (kmalloc's slab and large-block refills count as KernelHeap, or their type's use).
void page_alloc_fail_nth(PageUse use, uint64_t n);  // n-th attempt fails, only it
void page_alloc_fail_range(PageUse use, uint64_t first,
                           uint64_t count);  // count may be kFailForever
void page_alloc_fail_clear(PageUse use);
bool page_alloc_fail_pending(PageUse use);
