// VM costs measured from inside the kernel (kbench=vm_*): the pieces of a
// copy-on-write fault, and vm_fork against touched memory in both fork modes.
// Under -icount the figures are instructions.
#include <arch/user_mmu.h>
#include <arch/user_pt.h>

#include "kernel/bench/kbench.h"
#include "kernel/ktest/user_space.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/vm/copy.h"
#include "kernel/vm/layout.h"
#include "kernel/vm/vmspace.h"

namespace {

constexpr uint64_t kArea = 0x10000000;

// A space with `pages` pages written, reachable through copyout while borrowed.
Vmspace* touched_space(uint64_t pages) {
  Vmspace* vm = vmspace_create(nullptr);
  if (vm == nullptr) return nullptr;
  if (vm_map_fixed(vm, kArea, pages * kPageSize, 3, RegionKind::kMmap, false) != 0) {
    vmspace_release(vm);
    return nullptr;
  }
  VmBorrow borrow(vm);
  for (uint64_t i = 0; i < pages; ++i) {
    uint64_t v = i;
    (void)copyout_u(&v, kArea + i * kPageSize, sizeof v);
  }
  return vm;
}

}  // namespace

KBENCH(vm_page_copy) {
  Page* a = page_alloc(0, PageUse::Other);
  Page* c = page_alloc(0, PageUse::Other);
  if (!a || !c) return b.fail("no memory");
  constexpr int kN = 256;
  uint64_t t0 = kbench_now();
  for (int i = 0; i < kN; ++i) arch_page_copy(page_to_virt(c), page_to_virt(a));
  b.report("", (kbench_now() - t0) / kN, "ns");
  t0 = kbench_now();
  for (int i = 0; i < kN; ++i) arch_page_zero(page_to_virt(c));
  b.report("_zero", (kbench_now() - t0) / kN, "ns");
  page_free(a);
  page_free(c);
}

KBENCH(vm_page_alloc_free) {
  constexpr int kN = 1024;
  uint64_t t0 = kbench_now();
  for (int i = 0; i < kN; ++i) page_put(page_alloc(0, PageUse::User));
  b.report("", (kbench_now() - t0) / kN, "ns");
}

// One COW fault as the kernel takes it through an unprivileged store (EL1
// abort, vm_fault, copy), per page over 16 MiB, after a fork in each mode.
KBENCH(vm_cow_fault) {
  constexpr uint64_t kPages = 4096;
  for (int mode = 0; mode < 2; ++mode) {
    Vmspace* parent = touched_space(kPages);
    if (parent == nullptr) return b.fail("no memory");
    vm_set_fork_mode(mode ? arch::UptForkMode::kCopyPtes : arch::UptForkMode::kShareTables);
    VmForkResult f = vm_fork(parent, 0, nullptr);
    vm_set_fork_mode(arch::UptForkMode::kShareTables);
    if (f.error) return b.fail("fork failed");
    uint64_t t0, t1, t2;
    {
      VmBorrow borrow(f.vm);
      t0 = kbench_now();
      for (uint64_t i = 0; i < kPages; ++i) {
        uint64_t v = ~i;
        (void)copyout_u(&v, kArea + i * kPageSize, sizeof v);
      }
      t1 = kbench_now();
      for (uint64_t i = 0; i < kPages; ++i) {
        uint64_t v = i;
        (void)copyout_u(&v, kArea + i * kPageSize, sizeof v);
      }
      t2 = kbench_now();
    }
    b.report(mode ? "_copy_ptes" : "_share_tables", ((t1 - t0) - (t2 - t1)) / kPages, "ns");
    vmspace_release(f.vm);
    vmspace_release(parent);
  }
}

// vm_fork + release of the child, by touched memory and mode.
KBENCH(vm_fork) {
  static const uint64_t kMib[] = {0, 16, 64};
  for (uint64_t mib : kMib) {
    Vmspace* parent = touched_space(mib != 0 ? mib * 256 : 1);
    if (parent == nullptr) return b.fail("no memory");
    for (int mode = 0; mode < 2; ++mode) {
      vm_set_fork_mode(mode ? arch::UptForkMode::kCopyPtes : arch::UptForkMode::kShareTables);
      constexpr int kN = 8;
      uint64_t t0 = kbench_now();
      for (int i = 0; i < kN; ++i) {
        VmForkResult f = vm_fork(parent, 0, nullptr);
        if (f.error) return b.fail("fork failed");
        vmspace_release(f.vm);
      }
      uint64_t per = (kbench_now() - t0) / kN;
      char suffix[40];
      const char* m = mode ? "copy_ptes" : "share_tables";
      unsigned n = 0;
      suffix[n++] = '_';
      for (uint64_t d = mib >= 10 ? 10 : 1; d; d /= 10)
        suffix[n++] = static_cast<char>('0' + mib / d % 10);
      for (const char* p = "MiB_"; *p;) suffix[n++] = *p++;
      for (const char* p = m; *p;) suffix[n++] = *p++;
      suffix[n] = 0;
      b.report(suffix, per, "ns");
    }
    vm_set_fork_mode(arch::UptForkMode::kShareTables);
    vmspace_release(parent);
  }
}
