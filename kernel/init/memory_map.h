// What boot does with physical memory: the RAM the kernel maps, and the part
// of it the page allocator may hand out.
#pragma once
#include <stddef.h>

#include "kernel/dt/boot_info.h"
#include "kernel/mm/phys.h"

// Usable RAM = the memory ranges minus the reserved ones, page aligned, sorted.
// Writes up to out_max ranges to out; returns how many. Ranges below `floor`
// or above `ceiling` are cut off.
size_t usable_memory(const PhysRange* memory, size_t n_memory, const PhysRange* reserved,
                     size_t n_reserved, paddr_t floor, paddr_t ceiling, PhysRange* out,
                     size_t out_max);

struct BootMemoryPlan {
  static constexpr size_t kMaxRanges = 16;
  // Every /memory range but the no-map reservations, page aligned: what the
  // linear map covers, and nothing else (no holes, no VideoCore memory).
  PhysRange mapped[kMaxRanges];
  size_t mapped_count;
  // The mapped RAM minus every reservation, the first page (the spin table
  // the firmware's stub polls), the kernel image, the DTB and the initrd.
  PhysRange usable[kMaxRanges];
  size_t usable_count;
  // The initrd lies wholly in mapped RAM (else it is ignored).
  bool initrd_usable;
};

// Plans the memory from what the device tree said (info.memory must not be
// empty: the caller falls back to the firmware's answer first), where the
// kernel image is, and where the DTB is.
void plan_boot_memory(const BootInfo& info, PhysRange image, PhysRange dtb, BootMemoryPlan* out);
