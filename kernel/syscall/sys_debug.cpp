// tine_kstat and tine_vmctl: counters and knobs for the user-mode tests and
// benchmarks (tine_abi.h).
#include <arch/user_pt.h>

#include "arch/aarch64/mmu/asid.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/settle.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/tine_abi.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"
#include "kernel/vm/vmspace.h"

namespace {

void add_zone(MallocType& type, void* ctx) {
  TineKstat* k = static_cast<TineKstat*>(ctx);
  if (k->nzones == kKstatMaxZones) return;
  MallocStats s = malloc_type_stats(&type);
  TineKstatZone& z = k->zones[k->nzones++];
  tine_strlcpy(z.name, type.name, sizeof z.name);
  z.inuse_objects = s.inuse_objects;
  z.inuse_bytes = s.inuse_bytes;
}

}  // namespace

uint64_t kstat_thread_count();  // live kernel threads (defined in sys_proc.cpp)

int64_t sys_tine_kstat(const SyscallArgs& a) {
  unsigned flags = static_cast<unsigned>(a.a[2]);
  if (flags & kKstatSettle) {
    if (!user_is_root()) return -EPERM;  // it empties every cache of the system
    mm_settle();
  }
  TineKstat k = {};
  PageStats ps = page_stats();
  k.managed_pages = ps.managed_pages;
  k.free_pages = ps.free_pages + ps.pcp_pages;
  k.user_pages = page_stats_used(ps, PageUse::User);
  k.pt_pages = page_stats_used(ps, PageUse::PageTable);
  k.heap_pages = page_stats_used(ps, PageUse::KernelHeap);
  k.kstack_pages = page_stats_used(ps, PageUse::KernelStack);
  arch::UptStats us = arch::upt_stats();
  arch::AsidStats as = arch::asid_stats();
  VmStats vs = vm_stats();
  k.user_pt_pages = us.table_pages;
  k.asids_in_use = as.in_use;
  k.asid_capacity = as.capacity;
  k.vmspaces = vs.spaces_live;
  k.regions = vs.regions_live;
  k.anon_objects = vs.anon_objects_live;
  k.procs = proc_live_count();
  k.threads = kstat_thread_count();
  k.faults = vs.faults;
  k.zero_fills = vs.zero_fills;
  k.cow_copies = us.cow_copies;
  k.cow_reuses = us.cow_reuses;
  k.tables_shared = us.tables_shared;
  k.tables_copied = us.tables_copied;
  k.table_unshares = us.unshares;
  k.table_claims = us.claims;
  k.spurious_faults = us.spurious;
  k.forks = vs.forks;
  k.syscalls = syscall_count();
  malloc_types_for_each(add_zone, &k);
  size_t n = a.a[1] < sizeof k ? a.a[1] : sizeof k;
  if (copyout_u(&k, a.a[0], n) != 0) return -EFAULT;
  return sizeof k;
}

// Reading the fork mode is anyone's; changing it (for every process) and
// printing on the console need root.
int64_t sys_tine_vmctl(const SyscallArgs& a) {
  if (a.a[0] != kVmctlGetForkMode && !user_is_root()) return -EPERM;
  switch (a.a[0]) {
    case kVmctlGetForkMode: return vm_fork_mode() == arch::UptForkMode::kCopyPtes ? 1 : 0;
    case kVmctlSetForkMode: {
      if (a.a[1] > 1) return -EINVAL;
      int64_t old = vm_fork_mode() == arch::UptForkMode::kCopyPtes ? 1 : 0;
      vm_set_fork_mode(a.a[1] ? arch::UptForkMode::kCopyPtes : arch::UptForkMode::kShareTables);
      return old;
    }
    case kVmctlDump: {
      Vmspace* vm = curvmspace();
      if (vm == nullptr) return -EINVAL;
      vm_dump(vm);
      return 0;
    }
    default: return -EINVAL;
  }
}
