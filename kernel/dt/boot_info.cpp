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
      add_range(info->memory, BootInfo::kMaxMemory, &info->memory_count, &info->memory_truncated, r);
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
    for (uint32_t i = 0; fdt.reg_under(parent, n, i, &r); ++i)
      add_range(info->reserved, BootInfo::kMaxReserved, &info->reserved_count,
                &info->reserved_truncated, r);
  }
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
    uint64_t release;
    if (fdt.prop_has_string(n, "enable-method", "spin-table") &&
        fdt.prop_u64(n, "cpu-release-addr", &release)) {
      cpu.spin_table = true;
      cpu.release_addr = release;
    }
  }
}

void collect_chosen(const Fdt& fdt, BootInfo* info) {
  FdtNode chosen = fdt.find_path("/chosen");
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
  collect_chosen(fdt, info);
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

bool boot_cpu_release_addr(const BootInfo& info, uint64_t hwid, paddr_t* out) {
  for (size_t i = 0; i < info.cpu_count; ++i) {
    if (info.cpus[i].hwid == hwid && info.cpus[i].spin_table) {
      *out = info.cpus[i].release_addr;
      return true;
    }
  }
  return false;
}
