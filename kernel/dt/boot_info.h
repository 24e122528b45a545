// What early boot needs from the device tree, gathered in one pass into fixed
// arrays. Strings are copied out, so the DTB's memory may be reused afterwards.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/dt/fdt.h"
#include "kernel/mm/phys.h"

// One /cpus/cpu@N node.
struct BootCpu {
  uint64_t hwid;          // its reg: the MPIDR affinity bits
  paddr_t release_addr;   // where it polls for an entry point; 0 unless spin-table
  bool spin_table;        // enable-method = "spin-table" with a cpu-release-addr
};

struct BootInfo {
  static constexpr size_t kMaxMemory = 8;
  static constexpr size_t kMaxReserved = 16;
  static constexpr size_t kMaxCpus = 8;
  static constexpr size_t kMaxBootargs = 1024;
  static constexpr size_t kMaxModel = 128;

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

  BootCpu cpus[kMaxCpus];
  size_t cpu_count;

  char bootargs[kMaxBootargs];  // /chosen/bootargs, "" if absent
  char model[kMaxModel];        // /model, "" if absent

  bool has_initrd;              // both linux,initrd-start and -end present, start <= end
  paddr_t initrd_start;
  paddr_t initrd_end;           // exclusive

  uint32_t dtb_size;            // the blob's totalsize: the caller reserves it
};

// Fills *info from the DTB at dtb, reading at most max_size bytes. Takes a
// pointer rather than a physical address so it works with the MMU on or off.
// On any status but kOk *info is left empty.
[[nodiscard]] FdtStatus boot_info_from_dtb(const void* dtb, size_t max_size, BootInfo* info);
// The same, from a tree already opened (e.g. when the caller also needs other nodes).
void boot_info_from_fdt(const Fdt& fdt, BootInfo* info);

// Release address of the CPU whose MPIDR affinity is hwid; false if unknown
// or not a spin-table CPU.
bool boot_cpu_release_addr(const BootInfo& info, uint64_t hwid, paddr_t* out);
