// arch/aarch64/mmu/block_map.h: a walk that only ever fills invalid entries.
#include "arch/aarch64/mmu/block_map.h"

namespace arch {
namespace {

constexpr unsigned kLastLevel = 3;
constexpr unsigned kFirstBlockLevel = 1;  // 4 KiB granule: no L0 blocks

// What one entry at `level` maps: 512 GiB, 1 GiB, 2 MiB, 4 KiB.
constexpr uint64_t span_of(unsigned level) { return uint64_t{1} << (39 - 9 * level); }

pte_t load(const pte_t* p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
// Release: a new table's zeroing is seen before the entry that points at it.
void store(pte_t* p, pte_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

constexpr pte_t kTypeMask = 3;

MapStatus map_level(const BlockMapper& m, pte_t* table, unsigned level, uint64_t va, paddr_t pa,
                    uint64_t size, pte_t attrs) {
  uint64_t span = span_of(level);
  while (size > 0) {
    uint64_t offset = va & (span - 1);
    uint64_t chunk = span - offset < size ? span - offset : size;
    pte_t* slot = &table[pt_index(va, level)];
    pte_t e = load(slot);
    bool whole = offset == 0 && chunk == span && (pa & (span - 1)) == 0;
    pte_t leaf_type = level == kLastLevel ? kPtePage : kPteBlock;
    if (level == kLastLevel || (whole && level >= kFirstBlockLevel && !(e & kPteValid))) {
      pte_t want = pa | attrs | leaf_type;
      if (!(e & kPteValid))
        store(slot, want);
      else if (e != want)
        return MapStatus::kConflict;
    } else if ((e & kPteValid) && !pte_is_table(e, level)) {
      // A block already here: it must map this piece the same way.
      if ((e & ~(kPteAddrMask | kTypeMask)) != attrs || pte_addr(e) + offset != pa)
        return MapStatus::kConflict;
    } else {
      if (!(e & kPteValid)) {
        pte_t* next = m.alloc(m.ctx);
        if (next == nullptr) return MapStatus::kNoTable;
        store(slot, virt_to_phys(next) | kPteTable);
        e = load(slot);
      }
      MapStatus st = map_level(m, static_cast<pte_t*>(phys_to_virt(pte_addr(e))), level + 1, va, pa,
                               chunk, attrs);
      if (st != MapStatus::kOk) return st;
    }
    va += chunk;
    pa += chunk;
    size -= chunk;
  }
  return MapStatus::kOk;
}

}  // namespace

MapStatus block_map(const BlockMapper& m, uint64_t va, paddr_t pa, uint64_t size, pte_t attrs) {
  return map_level(m, m.root, 0, va, pa, size, attrs & ~(kPteAddrMask | kTypeMask));
}

}  // namespace arch
