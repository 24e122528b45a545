// Address space identifiers for user page tables. Each user address space holds
// one ASID for its whole life (a bitmap allocator, no generations): TLB entries
// of user mappings are tagged with it, so switching TTBR0 needs no flush.
// ASID 0 is never handed out; it tags the empty table a CPU runs on when no user
// space is loaded, which caches nothing. Freeing an ASID first invalidates its
// entries on every CPU (broadcast TLBI), so a later owner starts clean.
#pragma once
#include <stdint.h>

namespace arch {

// The ASID width the CPU has (8 or 16 bits, ID_AA64MMFR0_EL1.ASIDBits; the boot
// code sets TCR_EL1.AS to match).
unsigned asid_hw_bits();

// Starts the allocator over with 2^bits ASIDs (1 .. 2^bits - 1 usable), or
// limits it to `limit` usable ones when limit is non-zero (tests of exhaustion).
// The kernel calls it once with asid_hw_bits(); the host tests call it freely.
void asid_init(unsigned bits, uint32_t limit = 0);

// A free ASID in *out, or false when all are taken. Any context. Its CPU's
// own cache of freed ASIDs first (no lock), then the bitmap, which takes back
// every CPU's cached ones before it says all are taken.
[[nodiscard]] bool asid_alloc(uint16_t* out);
// Makes the ASID free again: into its CPU's cache of four (no lock), or the
// bitmap. The caller has dropped its TLB entries from every CPU that may hold
// them (upt_destroy: those of the space's tlb_cpus).
void asid_free(uint16_t asid);

struct AsidStats {
  unsigned bits;
  uint32_t capacity;  // usable ASIDs
  uint32_t in_use;
  uint32_t peak;
  uint64_t allocs;
  uint64_t frees;
  uint64_t failures;
};
AsidStats asid_stats();

}  // namespace arch
