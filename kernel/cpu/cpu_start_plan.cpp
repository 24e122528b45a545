#include "kernel/cpu/cpu_start_plan.h"

namespace {
CpuStartPlan none(const char* why) { return {CpuStartKind::kNone, 0, PsciConduit::kNone, 0, why}; }
}  // namespace

CpuStartPlan cpu_start_plan(const BootInfo* info, uint64_t hwid, paddr_t default_release,
                            bool hvc_usable) {
  if (info == nullptr) {
    if (default_release == 0) return none("no device tree, and the board has no default");
    return {CpuStartKind::kSpinTable, default_release, PsciConduit::kNone, 0, nullptr};
  }
  const BootCpu* cpu = boot_cpu(*info, hwid);
  if (cpu == nullptr) return none("not in the device tree's /cpus");
  switch (cpu->method) {
    case CpuEnableMethod::kSpinTable:
      if (!cpu->has_release_addr) return none("spin-table without a cpu-release-addr");
      return {CpuStartKind::kSpinTable, cpu->release_addr, PsciConduit::kNone, 0, nullptr};
    case CpuEnableMethod::kPsci:
      if (info->psci.conduit == PsciConduit::kNone)
        return none("enable-method psci, but no usable /psci node");
      if (info->psci.conduit == PsciConduit::kHvc && !hvc_usable)
        return none("PSCI by HVC, but this kernel holds EL2: nothing there would answer");
      return {CpuStartKind::kPsci, 0, info->psci.conduit, info->psci.cpu_on, nullptr};
    case CpuEnableMethod::kUnknown: break;
  }
  return none("no enable-method this kernel knows (spin-table, psci)");
}
