// What early boot needs from the device tree, gathered in one pass into fixed
// arrays. Strings are copied out, so the DTB's memory may be reused afterwards.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/dt/fdt.h"
#include "kernel/mm/phys.h"

// How a CPU is started, from its enable-method (Linux's
// Documentation/devicetree/bindings/arm/cpus.yaml): "spin-table" polls the
// 64-bit cpu-release-addr; "psci" is started through the firmware the /psci
// node describes. Anything else (absent, or a 32-bit-only method) is unknown.
enum class CpuEnableMethod : uint8_t { kUnknown, kSpinTable, kPsci };

// One /cpus/cpu@N node.
struct BootCpu {
  uint64_t hwid;  // its reg: the MPIDR affinity bits
  CpuEnableMethod method;
  bool has_release_addr;  // spin-table: cpu-release-addr present
  paddr_t release_addr;   // where it polls for an entry point
};

// The /psci node (arm,psci / arm,psci-0.2 / arm,psci-1.0 bindings).
enum class PsciConduit : uint8_t { kNone, kSmc, kHvc };
struct BootPsci {
  PsciConduit conduit;  // its "method"; kNone without a usable node
  uint32_t cpu_on;      // CPU_ON's function id: the 0.2+ standard one, or 0.1's "cpu_on"
};

// One entry of a bus node's "ranges": child addresses [bus, bus + size) are
// the parent's (here the CPU's) [phys, phys + size).
struct BusRange {
  uint64_t bus;
  paddr_t phys;
  uint64_t size;
};

struct BootInfo {
  static constexpr size_t kMaxMemory = 8;
  static constexpr size_t kMaxReserved = 16;
  static constexpr size_t kMaxCpus = 8;
  static constexpr size_t kMaxBootargs = 1024;
  static constexpr size_t kMaxModel = 128;
  static constexpr size_t kMaxSocRanges = 8;
  static constexpr size_t kMaxSeed = 64;

  // reg of every memory node (name "memory" or device_type "memory"),
  // in tree order; empty entries (size 0) are left out.
  PhysRange memory[kMaxMemory];
  size_t memory_count;
  bool memory_truncated;  // more ranges than fit

  // The /memreserve/ list, then the reg of each enabled /reserved-memory child.
  // Does not include the DTB itself or the initrd: see dtb_size and initrd_*.
  PhysRange reserved[kMaxReserved];
  size_t reserved_count;
  bool reserved_truncated;
  // The reserved-memory children marked no-map (also in reserved[]): memory
  // the kernel must not even map (firmware's, secure memory).
  PhysRange no_map[kMaxReserved];
  size_t no_map_count;

  BootCpu cpus[kMaxCpus];
  size_t cpu_count;
  BootPsci psci;

  // The ranges of /soc, the bus the SoC's peripherals sit on: how their
  // addresses (reg, in the bus's view) become physical ones. soc_identity when
  // the node has an empty "ranges" (the bus sees what the CPU sees).
  BusRange soc_ranges[kMaxSocRanges];
  size_t soc_range_count;
  bool soc_identity;

  char bootargs[kMaxBootargs];  // /chosen/bootargs, "" if absent
  char model[kMaxModel];        // /model, "" if absent

  // Entropy the boot firmware hands over: /chosen's rng-seed, then kaslr-seed.
  uint8_t seed[kMaxSeed];
  size_t seed_len;

  // The BCM2711's RNG200 (compatible "brcm,bcm2711-rng200", enabled): the
  // address of its registers as /soc's bus sees it (QEMU disables the node:
  // it does not model the device).
  bool has_rng200;
  uint64_t rng200_bus;

  bool has_initrd;  // both linux,initrd-start and -end present, start <= end
  paddr_t initrd_start;
  paddr_t initrd_end;  // exclusive

  uint32_t dtb_size;  // the blob's totalsize: the caller reserves it
};

// Fills *info from the DTB at dtb, reading at most max_size bytes. Takes a
// pointer rather than a physical address so it works with the MMU on or off.
// On any status but kOk *info is left empty.
[[nodiscard]] FdtStatus boot_info_from_dtb(const void* dtb, size_t max_size, BootInfo* info);
// The same, from a tree already opened (e.g. when the caller also needs other nodes).
void boot_info_from_fdt(const Fdt& fdt, BootInfo* info);

// The /cpus entry of the CPU whose MPIDR affinity is hwid, or nullptr.
const BootCpu* boot_cpu(const BootInfo& info, uint64_t hwid);
// Release address of the CPU whose MPIDR affinity is hwid; false if unknown,
// not a spin-table CPU, or one without a cpu-release-addr.
bool boot_cpu_release_addr(const BootInfo& info, uint64_t hwid, paddr_t* out);
// The physical address of `bus_addr` on /soc, through its ranges; false if no
// range covers it (or the tree had no /soc).
bool boot_soc_to_phys(const BootInfo& info, uint64_t bus_addr, paddr_t* out);
