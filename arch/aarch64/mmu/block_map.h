// Adding mappings to a translation table tree (4 KiB granule, four levels)
// with the largest descriptors that fit: 1 GiB and 2 MiB blocks where the
// range covers them whole and aligned, 4 KiB pages at the ends.
//
// Only invalid entries are written: an existing table is walked into, and an
// existing block or page must already say exactly what is asked (else
// kConflict, and nothing after it is mapped). So a tree that is live on this
// and other CPUs can be extended without break-before-make: no TLB holds an
// invalid entry (Arm ARM, "Translation Lookaside Buffers": faulting walks are
// not cached), so a new entry needs only a barrier before use, which the
// caller gives.
#pragma once
#include <arch/pte.h>
#include <stdint.h>

#include "kernel/mm/phys.h"

namespace arch {

enum class MapStatus : uint8_t { kOk, kNoTable, kConflict };

struct BlockMapper {
  pte_t* root;                 // the L0 table, through the linear map (the host: identity)
  pte_t* (*alloc)(void* ctx);  // a zeroed, page-aligned table; nullptr when none is left
  void* ctx;
};

// Maps [va, va + size) to [pa, pa + size) (all page aligned). `attrs` are the
// descriptor's bits other than its type and output address: memory type, AP,
// SH, AF, nG, PXN, UXN.
[[nodiscard]] MapStatus block_map(const BlockMapper& m, uint64_t va, paddr_t pa, uint64_t size,
                                  pte_t attrs);

}  // namespace arch
