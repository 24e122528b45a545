// arch/linear_map.h: RAM and devices added to the boot tables (start.S) with
// the largest blocks that fit (arch/aarch64/mmu/block_map.h). Linux's map_mem
// does the same from memblock.
#include <arch/linear_map.h>
#include <arch/pte.h>

#include "arch/aarch64/boot/boot_defs.h"
#include "arch/aarch64/mmu/block_map.h"

extern "C" arch::pte_t boot_l0[arch::kPtEntries];
extern "C" char __image_start[], __image_end[];

namespace arch {
namespace {

// Table pages for what the boot adds. An 8 GB Pi 4 takes about six (the
// GiB-straddling RAM and device ranges, the DTB's pages); 16 leave room.
constexpr unsigned kPoolTables = 16;
alignas(kPageSize) pte_t g_pool[kPoolTables][kPtEntries];  // .bss: zero
unsigned g_pool_used;

pte_t* pool_table(void*) { return g_pool_used < kPoolTables ? g_pool[g_pool_used++] : nullptr; }

// Normal write-back memory, read/write, never executable, global.
constexpr pte_t kRamAttrs = pte_attr(kMtNormal) | kPteShInner | kPteAf | kPtePxn | kPteUxn;
// Device-nGnRE: no speculative access, never executable.
constexpr pte_t kDeviceAttrs = pte_attr(kMtDevice) | kPteAf | kPtePxn | kPteUxn;

// start.S writes the image's entries from boot_defs.h's numbers.
static_assert(PTE_PAGE_TEXT ==
              (kPtePage | pte_attr(kMtNormal) | kPteShInner | kPteAf | kPteApReadOnly | kPteUxn));
static_assert(PTE_PAGE_DATA == (kPtePage | kRamAttrs));

paddr_t page_down(paddr_t a) { return a & ~paddr_t{kPageSize - 1}; }
paddr_t page_up(paddr_t a) { return page_down(a + kPageSize - 1); }

bool map(paddr_t start, paddr_t end, pte_t attrs) {
  if (start >= end) return true;
  BlockMapper m{boot_l0, pool_table, nullptr};
  MapStatus st = block_map(m, kLinearMapBase + start, start, end - start, attrs);
  // The new entries reach the walkers before anything uses them.
  asm volatile("dsb ishst\n isb" ::: "memory");
  return st == MapStatus::kOk;
}

}  // namespace

bool linear_map_ram(paddr_t pa, uint64_t size) {
  paddr_t start = page_down(pa), end = page_up(pa + size);
  paddr_t image_start = virt_to_phys(__image_start), image_end = virt_to_phys(__image_end);
  if (end <= image_start || start >= image_end) return map(start, end, kRamAttrs);
  return map(start, image_start, kRamAttrs) && map(image_end, end, kRamAttrs);
}

bool linear_map_device(paddr_t pa, uint64_t size) {
  return map(page_down(pa), page_up(pa + size), kDeviceAttrs);
}

LinearMapStats linear_map_stats() { return {g_pool_used, kPoolTables}; }

}  // namespace arch
