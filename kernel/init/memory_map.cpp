#include "kernel/init/memory_map.h"

namespace {
paddr_t align_up(paddr_t v) { return (v + kPageSize - 1) & ~static_cast<paddr_t>(kPageSize - 1); }
paddr_t align_down(paddr_t v) { return v & ~static_cast<paddr_t>(kPageSize - 1); }
}  // namespace

size_t usable_memory(const PhysRange* memory, size_t n_memory, const PhysRange* reserved,
                     size_t n_reserved, paddr_t floor, paddr_t ceiling, PhysRange* out,
                     size_t out_max) {
  size_t n_out = 0;
  for (size_t i = 0; i < n_memory; ++i) {
    // Walk the range from its start, skipping every reserved range that overlaps it.
    paddr_t start = align_up(memory[i].base > floor ? memory[i].base : floor);
    paddr_t mem_end = memory[i].base + memory[i].size;
    paddr_t end = align_down(mem_end < ceiling ? mem_end : ceiling);
    while (start < end) {
      paddr_t piece_end = end;
      bool moved = false;
      for (size_t r = 0; r < n_reserved; ++r) {
        paddr_t rs = align_down(reserved[r].base);
        paddr_t re = align_up(reserved[r].base + reserved[r].size);
        if (re <= start || rs >= piece_end) continue;
        if (rs <= start) {  // reserved range covers our start: jump past it
          start = re;
          moved = true;
          break;
        }
        piece_end = rs;  // stop the piece where the reservation begins
      }
      if (moved) continue;
      if (piece_end > start) {
        if (n_out == out_max) return n_out;
        out[n_out++] = {start, piece_end - start};
      }
      start = piece_end;
    }
  }
  // Sort by base (insertion sort; a handful of ranges).
  for (size_t i = 1; i < n_out; ++i) {
    PhysRange v = out[i];
    size_t j = i;
    while (j > 0 && out[j - 1].base > v.base) {
      out[j] = out[j - 1];
      --j;
    }
    out[j] = v;
  }
  return n_out;
}

namespace {
bool contains(const PhysRange* ranges, size_t n, paddr_t start, paddr_t end) {
  for (size_t i = 0; i < n; ++i)
    if (start >= ranges[i].base && end <= ranges[i].base + ranges[i].size) return true;
  return false;
}
}  // namespace

void plan_boot_memory(const BootInfo& info, PhysRange image, PhysRange dtb, BootMemoryPlan* out) {
  *out = {};
  out->mapped_count = usable_memory(info.memory, info.memory_count, info.no_map, info.no_map_count,
                                    0, ~paddr_t{0}, out->mapped, BootMemoryPlan::kMaxRanges);
  out->initrd_usable = info.has_initrd && info.initrd_end > info.initrd_start &&
                       contains(out->mapped, out->mapped_count, info.initrd_start, info.initrd_end);

  PhysRange reserved[BootInfo::kMaxReserved + 4];
  size_t n = 0;
  for (size_t i = 0; i < info.reserved_count; ++i) reserved[n++] = info.reserved[i];
  reserved[n++] = {0, kPageSize};
  reserved[n++] = image;
  if (dtb.size) reserved[n++] = dtb;
  if (out->initrd_usable) reserved[n++] = {info.initrd_start, info.initrd_end - info.initrd_start};
  out->usable_count = usable_memory(out->mapped, out->mapped_count, reserved, n, 0, ~paddr_t{0},
                                    out->usable, BootMemoryPlan::kMaxRanges);
}
