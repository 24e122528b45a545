// How the boot CPU may start another CPU: only the way the device tree
// describes it (Linux's cpu_ops: "spin-table" or "psci"), never a guess.
#pragma once
#include <stdint.h>

#include "kernel/dt/boot_info.h"

enum class CpuStartKind : uint8_t {
  kSpinTable,  // write the entry point to release_addr, then sev
  kPsci,       // PSCI CPU_ON through `conduit`
  kNone,       // leave it off; `why` says why
};

struct CpuStartPlan {
  CpuStartKind kind;
  paddr_t release_addr;  // kSpinTable
  PsciConduit conduit;   // kPsci
  uint32_t cpu_on;       // kPsci: CPU_ON's function id
  const char* why;       // kNone
};

// The plan for the CPU whose MPIDR affinity is hwid. `info` is nullptr when the
// kernel got no device tree: then the board's spin-table slot
// (`default_release`, 0 if none) is the only description there is.
// `hvc_usable` is false when this kernel owns EL2 itself, so that an HVC would
// reach no PSCI implementation.
CpuStartPlan cpu_start_plan(const BootInfo* info, uint64_t hwid, paddr_t default_release,
                            bool hvc_usable);
