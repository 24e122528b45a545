// PSCI calls (Arm DEN 0022, SMC Calling Convention DEN 0028): function id in
// x0, arguments in x1-x3, result in x0; x4-x17 may come back changed.
#include <arch/cpu.h>
#include <arch/smp.h>

#include "kernel/mm/phys.h"

extern "C" char secondary_entry[];

namespace arch {
namespace {

int64_t psci_call(bool hvc, uint64_t fn, uint64_t a1, uint64_t a2, uint64_t a3) {
  register uint64_t x0 asm("x0") = fn;
  register uint64_t x1 asm("x1") = a1;
  register uint64_t x2 asm("x2") = a2;
  register uint64_t x3 asm("x3") = a3;
  if (hvc) {
    asm volatile("hvc #0"
                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                 :
                 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                   "x16", "x17", "memory");
  } else {
    asm volatile("smc #0"
                 : "+r"(x0), "+r"(x1), "+r"(x2), "+r"(x3)
                 :
                 : "x4", "x5", "x6", "x7", "x8", "x9", "x10", "x11", "x12", "x13", "x14", "x15",
                   "x16", "x17", "memory");
  }
  return static_cast<int64_t>(x0);
}

}  // namespace

int64_t psci_cpu_on(bool hvc, uint32_t function_id, uint64_t hwid) {
  // The new CPU starts with its MMU off, at the physical entry; context id unused.
  return psci_call(hvc, function_id, hwid, virt_to_phys(secondary_entry), 0);
}

bool psci_hvc_usable() { return boot_entry_el != 2; }

}  // namespace arch
