// The kernel's linear map: physical address pa at kLinearMapBase + pa, in the
// tree that TTBR1 walks (and TTBR0, while a CPU turns its MMU on).
//
// The boot code maps only the kernel image (text read-only and executable at
// EL1, everything else never executable). The rest is added here, once the
// device tree has said what exists: RAM as normal write-back memory, never
// executable; devices as Device-nGnRE. Nothing else is mapped, so neither
// speculation nor a stray pointer reaches holes, the VideoCore's memory or
// memory reserved no-map. Entries are only added, never changed.
#pragma once
#include <stdint.h>

#include "kernel/mm/phys.h"

namespace arch {

// Each maps [pa, pa + size) (page aligned outward) and returns false if the
// boot's table pages ran out or the range collides with a different mapping.
// Boot CPU, before the other CPUs start. The kernel image's own pages inside
// a RAM range keep the boot code's mapping.
[[nodiscard]] bool linear_map_ram(paddr_t pa, uint64_t size);
[[nodiscard]] bool linear_map_device(paddr_t pa, uint64_t size);

struct LinearMapStats {
  unsigned tables_used;  // boot table pages taken from the pool
  unsigned tables_max;
};
LinearMapStats linear_map_stats();

}  // namespace arch
