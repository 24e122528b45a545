// Host stand-in for <arch/user_mmu.h>: TLB and I-cache maintenance are counted
// instead of done, TTBR0 is a variable, page copy and clear are memcpy and memset.
#pragma once
#include <stdint.h>
#include <string.h>

#include "kernel/mm/phys.h"

namespace arch {

struct HostTlbLog {
  uint64_t asid_flushes = 0;
  uint64_t page_flushes = 0;
  uint64_t leaf_flushes = 0;
  uint64_t local_flushes = 0;
  uint64_t icache_syncs = 0;  // arch_icache_sync calls
  const void* icache_last = nullptr;
  paddr_t ttbr0_root = 0;
  uint16_t ttbr0_asid = 0;
};
inline HostTlbLog& host_tlb() {
  static HostTlbLog log;
  return log;
}

inline void user_ttbr0_load(paddr_t root, uint16_t asid) {
  host_tlb().ttbr0_root = root;
  host_tlb().ttbr0_asid = asid;
}
inline void user_ttbr0_unload() {
  host_tlb().ttbr0_root = 0;
  host_tlb().ttbr0_asid = 0;
}
inline void user_tlb_flush_asid(uint16_t) { ++host_tlb().asid_flushes; }
inline void user_tlb_flush_page(uint64_t, uint16_t) { ++host_tlb().page_flushes; }
inline void user_tlb_flush_leaf(uint64_t, uint16_t) { ++host_tlb().leaf_flushes; }
inline void user_tlb_flush_local(uint64_t, uint16_t) { ++host_tlb().local_flushes; }
// The host has no CPUs to spare a broadcast: the space's flushes count as such.
inline void user_tlb_flush_asid_in(const uint32_t*, uint16_t a) { user_tlb_flush_asid(a); }
inline void user_tlb_flush_page_in(const uint32_t*, uint64_t v, uint16_t a) {
  user_tlb_flush_page(v, a);
}
inline void user_tlb_flush_leaf_in(const uint32_t*, uint64_t v, uint16_t a) {
  user_tlb_flush_leaf(v, a);
}
inline void user_tlb_note_loaded(uint32_t*) {}

}  // namespace arch

inline void arch_page_copy(void* dst, const void* src) { memcpy(dst, src, 4096); }
inline void arch_page_zero(void* dst) { memset(dst, 0, 4096); }
inline void arch_icache_sync(const void* kva, size_t) {
  ++arch::host_tlb().icache_syncs;
  arch::host_tlb().icache_last = kva;
}
