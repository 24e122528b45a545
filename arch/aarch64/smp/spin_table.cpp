#include <arch/linear_map.h>
#include <arch/smp.h>

#include "kernel/mm/phys.h"

extern "C" char secondary_entry[];

namespace arch {

bool cpu_release(uint64_t release_addr_phys) {
  // The slot is the firmware's (the first page on a Pi): mapped with RAM when
  // /memory covers it, else mapped here.
  if (!linear_map_ram(release_addr_phys, sizeof(uint64_t))) return false;
  auto* slot = static_cast<volatile uint64_t*>(phys_to_virt(release_addr_phys));
  *slot = virt_to_phys(secondary_entry);
  // The waiting core reads the slot with its MMU and caches off: push it to memory.
  asm volatile("dc civac, %0\n dsb sy\n sev" ::"r"(slot) : "memory");
  return true;
}

}  // namespace arch
