// Gathers BootInfo from the device tree. Every lookup tolerates absence: a
// tree without /chosen or /cpus still yields what it does describe.
#include "kernel/dt/boot_info.h"

#include "kernel/lib/string.h"

namespace {

// Appends r unless it is empty; notes when the list is already full.
void add_range(PhysRange* list, size_t capacity, size_t* count, bool* truncated, PhysRange r) {
  if (r.size == 0) return;
  if (*count == capacity) {
    *truncated = true;
    return;
  }
  list[(*count)++] = r;
}

bool is_memory_node(const Fdt& fdt, FdtNode node) {
  const char* type = fdt.prop_string(node, "device_type");
  if (type != nullptr) return tine_strcmp(type, "memory") == 0;
  // Some trees omit device_type; the node name still says it.
  const char* name = fdt.name(node);
  return tine_strcmp(name, "memory") == 0 || tine_strncmp(name, "memory@", 7) == 0;
}

void collect_memory(const Fdt& fdt, BootInfo* info) {
  FdtNode root = fdt.root();
  for (FdtNode n = fdt.first_child(root); n.valid(); n = fdt.next_sibling(n)) {
    if (!is_memory_node(fdt, n) || !fdt.is_enabled(n)) continue;
    PhysRange r;
    for (uint32_t i = 0; fdt.reg_under(root, n, i, &r); ++i)
      add_range(info->memory, BootInfo::kMaxMemory, &info->memory_count, &info->memory_truncated,
                r);
  }
}

void collect_reserved(const Fdt& fdt, BootInfo* info) {
  PhysRange r;
  for (uint32_t i = 0; fdt.memreserve(i, &r); ++i)
    add_range(info->reserved, BootInfo::kMaxReserved, &info->reserved_count,
              &info->reserved_truncated, r);

  // Children with only a "size" ask for an allocation anywhere; they have no reg
  // and so reserve nothing here.
  FdtNode parent = fdt.find_path("/reserved-memory");
  for (FdtNode n = fdt.first_child(parent); n.valid(); n = fdt.next_sibling(n)) {
    if (!fdt.is_enabled(n)) continue;
    bool no_map = fdt.has_prop(n, "no-map");
    bool no_map_truncated = false;
    for (uint32_t i = 0; fdt.reg_under(parent, n, i, &r); ++i) {
      add_range(info->reserved, BootInfo::kMaxReserved, &info->reserved_count,
                &info->reserved_truncated, r);
      if (no_map)
        add_range(info->no_map, BootInfo::kMaxReserved, &info->no_map_count, &no_map_truncated, r);
    }
  }
}

CpuEnableMethod enable_method(const Fdt& fdt, FdtNode cpu) {
  if (fdt.prop_has_string(cpu, "enable-method", "spin-table")) return CpuEnableMethod::kSpinTable;
  if (fdt.prop_has_string(cpu, "enable-method", "psci")) return CpuEnableMethod::kPsci;
  return CpuEnableMethod::kUnknown;
}

void collect_cpus(const Fdt& fdt, BootInfo* info) {
  FdtNode cpus = fdt.find_path("/cpus");
  for (FdtNode n = fdt.first_child(cpus); n.valid() && info->cpu_count < BootInfo::kMaxCpus;
       n = fdt.next_sibling(n)) {
    const char* type = fdt.prop_string(n, "device_type");
    if (type == nullptr || tine_strcmp(type, "cpu") != 0) continue;  // e.g. cpu-map
    PhysRange reg;
    if (!fdt.reg_under(cpus, n, 0, &reg)) continue;
    BootCpu& cpu = info->cpus[info->cpu_count++];
    cpu.hwid = reg.base;
    cpu.method = enable_method(fdt, n);
    uint64_t release;
    if (cpu.method == CpuEnableMethod::kSpinTable &&
        fdt.prop_u64(n, "cpu-release-addr", &release)) {
      cpu.has_release_addr = true;
      cpu.release_addr = release;
    }
  }
}

// PSCI 0.2 and later fix the function ids (Arm DEN 0022, SMC64 CPU_ON);
// 0.1 names its own in the node.
constexpr uint32_t kPsci02CpuOn = 0xc4000003;

void collect_psci(const Fdt& fdt, BootInfo* info) {
  FdtNode psci = fdt.find_path("/psci");
  if (!psci.valid() || !fdt.is_enabled(psci)) return;
  uint32_t cpu_on = 0;
  if (fdt.prop_has_string(psci, "compatible", "arm,psci-0.2") ||
      fdt.prop_has_string(psci, "compatible", "arm,psci-1.0")) {
    cpu_on = kPsci02CpuOn;
  } else if (!fdt.prop_has_string(psci, "compatible", "arm,psci") ||
             !fdt.prop_u32(psci, "cpu_on", &cpu_on)) {
    return;
  }
  const char* method = fdt.prop_string(psci, "method");
  if (method == nullptr) return;
  if (tine_strcmp(method, "smc") == 0)
    info->psci.conduit = PsciConduit::kSmc;
  else if (tine_strcmp(method, "hvc") == 0)
    info->psci.conduit = PsciConduit::kHvc;
  else
    return;
  info->psci.cpu_on = cpu_on;
}

// /soc's ranges: (child address, parent address, size) triples in the cells
// /soc and the root declare.
void collect_soc_ranges(const Fdt& fdt, BootInfo* info) {
  FdtNode soc = fdt.find_path("/soc");
  if (!soc.valid()) return;
  FdtProp ranges = fdt.prop(soc, "ranges");
  if (!ranges.found()) return;
  if (ranges.len == 0) {
    info->soc_identity = true;
    return;
  }
  FdtCells child = fdt.cells_for_children(soc);
  FdtCells parent = fdt.cells_for_children(fdt.root());
  uint32_t cells = child.address + parent.address + child.size;
  if (child.address < 1 || child.address > 2 || parent.address < 1 || parent.address > 2 ||
      child.size < 1 || child.size > 2)
    return;
  uint32_t entry = 4 * cells;
  for (uint32_t off = 0;
       off + entry <= ranges.len && info->soc_range_count < BootInfo::kMaxSocRanges; off += entry) {
    const uint8_t* p = ranges.data + off;
    BusRange r;
    r.bus = Fdt::read_cells(p, child.address);
    r.phys = Fdt::read_cells(p + 4 * child.address, parent.address);
    r.size = Fdt::read_cells(p + 4 * (child.address + parent.address), child.size);
    if (r.size != 0) info->soc_ranges[info->soc_range_count++] = r;
  }
}

void append_seed(const FdtProp& p, BootInfo* info) {
  for (uint32_t i = 0; i < p.len && info->seed_len < BootInfo::kMaxSeed; ++i)
    info->seed[info->seed_len++] = p.data[i];
}

void collect_rng200(const Fdt& fdt, BootInfo* info) {
  FdtNode n = fdt.next_compatible(FdtNode{}, "brcm,bcm2711-rng200");
  PhysRange r;
  if (n.valid() && fdt.is_enabled(n) && fdt.reg(n, 0, &r)) {
    info->has_rng200 = true;
    info->rng200_bus = r.base;
  }
}

void collect_chosen(const Fdt& fdt, BootInfo* info) {
  FdtNode chosen = fdt.find_path("/chosen");
  append_seed(fdt.prop(chosen, "rng-seed"), info);
  append_seed(fdt.prop(chosen, "kaslr-seed"), info);
  if (const char* args = fdt.prop_string(chosen, "bootargs"))
    tine_strlcpy(info->bootargs, args, sizeof(info->bootargs));

  uint64_t start, end;
  if (fdt.prop_u64(chosen, "linux,initrd-start", &start) &&
      fdt.prop_u64(chosen, "linux,initrd-end", &end) && start <= end) {
    info->has_initrd = true;
    info->initrd_start = start;
    info->initrd_end = end;
  }
}

}  // namespace

void boot_info_from_fdt(const Fdt& fdt, BootInfo* info) {
  tine_memset(info, 0, sizeof(*info));
  info->dtb_size = fdt.total_size();
  collect_memory(fdt, info);
  collect_reserved(fdt, info);
  collect_cpus(fdt, info);
  collect_psci(fdt, info);
  collect_soc_ranges(fdt, info);
  collect_chosen(fdt, info);
  collect_rng200(fdt, info);
  if (const char* model = fdt.prop_string(fdt.root(), "model"))
    tine_strlcpy(info->model, model, sizeof(info->model));
}

FdtStatus boot_info_from_dtb(const void* dtb, size_t max_size, BootInfo* info) {
  tine_memset(info, 0, sizeof(*info));
  Fdt fdt;
  FdtStatus status = Fdt::open(dtb, max_size, &fdt);
  if (status == FdtStatus::kOk) boot_info_from_fdt(fdt, info);
  return status;
}

const BootCpu* boot_cpu(const BootInfo& info, uint64_t hwid) {
  for (size_t i = 0; i < info.cpu_count; ++i)
    if (info.cpus[i].hwid == hwid) return &info.cpus[i];
  return nullptr;
}

bool boot_cpu_release_addr(const BootInfo& info, uint64_t hwid, paddr_t* out) {
  const BootCpu* cpu = boot_cpu(info, hwid);
  if (cpu == nullptr || cpu->method != CpuEnableMethod::kSpinTable || !cpu->has_release_addr)
    return false;
  *out = cpu->release_addr;
  return true;
}

bool boot_soc_to_phys(const BootInfo& info, uint64_t bus_addr, paddr_t* out) {
  if (info.soc_identity) {
    *out = bus_addr;
    return true;
  }
  for (size_t i = 0; i < info.soc_range_count; ++i) {
    const BusRange& r = info.soc_ranges[i];
    if (bus_addr >= r.bus && bus_addr - r.bus < r.size) {
      *out = r.phys + (bus_addr - r.bus);
      return true;
    }
  }
  return false;
}
