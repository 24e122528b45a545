// The VM on the machine: the real MMU, TLBs and fault path. Kernel code
// borrows a user space to reach it with copyin/copyout (the unprivileged
// accesses fault exactly as EL0's would), and the built-in programs run at EL0.
#include <arch/user_pt.h>

#include <arch/user_mmu.h>

#include "arch/aarch64/mmu/asid.h"
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/smp.h"
#include "kernel/ktest/ktest.h"
#include "kernel/ktest/user_space.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/settle.h"
#include "kernel/thread/thread.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"
#include "kernel/vm/layout.h"
#include "kernel/vm/vmspace.h"

namespace {

constexpr uint64_t kArea = 0x10000000;  // a test region
constexpr unsigned kAreaPages = 600;    // crosses an L3 table boundary

struct Counts {
  uint64_t free_pages, user, tables, asids, spaces, regions;
};
Counts counts() {
  mm_settle();
  PageStats ps = page_stats();
  VmStats vs = vm_stats();
  return {ps.free_pages + ps.pcp_pages,
          page_stats_used(ps, PageUse::User),
          page_stats_used(ps, PageUse::PageTable),
          arch::asid_stats().in_use,
          vs.spaces_live,
          vs.regions_live};
}
void expect_same(KtestContext& t, const Counts& a, const Counts& b) {
  KEXPECT_EQ(a.free_pages, b.free_pages);
  KEXPECT_EQ(a.user, b.user);
  KEXPECT_EQ(a.tables, b.tables);
  KEXPECT_EQ(a.asids, b.asids);
  KEXPECT_EQ(a.spaces, b.spaces);
  KEXPECT_EQ(a.regions, b.regions);
}

uint64_t get(uint64_t va) {
  uint64_t v = ~0ull;
  if (copyin_u(va, &v, sizeof v) != 0) return 0xdeadull;
  return v;
}

}  // namespace

KTEST(vm_asid_width) {
  unsigned bits = arch::asid_hw_bits();
  KEXPECT(bits == 8 || bits == 16);
  uint64_t tcr;
  asm volatile("mrs %0, tcr_el1" : "=r"(tcr));
  KEXPECT_EQ(((tcr >> 36) & 1) != 0, bits == 16);  // TCR_EL1.AS as the boot code set it
}

KTEST(vm_uaccess_faults_and_fixups) {
  Counts before = counts();
  Vmspace* vm = vmspace_create(nullptr);
  KASSERT_T(vm != nullptr);
  KEXPECT_EQ(vm_map_fixed(vm, kArea, 4 * kPageSize, 3, RegionKind::kMmap, false), 0);
  KEXPECT_EQ(vm_map_fixed(vm, kArea + 8 * kPageSize, kPageSize, 1, RegionKind::kMmap, false), 0);
  KEXPECT_EQ(vm_map_fixed(vm, kArea + 9 * kPageSize, kPageSize, 0, RegionKind::kMmap, false), 0);
  {
    VmBorrow b(vm);
    uint64_t v = 42, w = 0;
    // Untouched pages fault in on the way, for reads and writes alike.
    KEXPECT_EQ(copyin_u(kArea + 16, &w, 8), 0);
    KEXPECT_EQ(w, 0u);
    KEXPECT_EQ(copyout_u(&v, kArea + kPageSize - 4, 8), 0);  // straddles two pages
    KEXPECT_EQ(get(kArea + kPageSize - 4), 42u);
    // Bad addresses come back as -EFAULT, none of them crash.
    KEXPECT_EQ(copyout_u(&v, kArea + 4 * kPageSize, 8), -EFAULT);      // unmapped
    KEXPECT_EQ(copyout_u(&v, kArea + 4 * kPageSize - 4, 8), -EFAULT);  // half unmapped
    KEXPECT_EQ(copyout_u(&v, kArea + 8 * kPageSize, 8), -EFAULT);      // read-only
    KEXPECT_EQ(copyin_u(kArea + 8 * kPageSize, &w, 8), 0);             // ... but readable
    KEXPECT_EQ(copyin_u(kArea + 9 * kPageSize, &w, 8), -EFAULT);       // PROT_NONE
    KEXPECT_EQ(copyin_u(0xffff000000080000ull, &w, 8), -EFAULT);       // the kernel
    KEXPECT_EQ(copyin_u(arch::kUserVaTop - 4, &w, 8), -EFAULT);        // runs off the top
    KEXPECT_EQ(copyin_u(0, &w, 8), -EFAULT);
    char big[300];
    for (unsigned i = 0; i < sizeof big; ++i) big[i] = static_cast<char>('a' + i % 26);
    KEXPECT_EQ(copyout_u(big, kArea + 2 * kPageSize - 100, sizeof big), 0);
    char s[64];
    size_t len = 0;
    KEXPECT_EQ(copyinstr(reinterpret_cast<void*>(kArea + 2 * kPageSize - 100), s, sizeof s, &len),
               -ENAMETOOLONG);
    big[10] = 0;
    KEXPECT_EQ(copyout_u(big, kArea + 2 * kPageSize - 100, 11), 0);
    KEXPECT_EQ(copyinstr(reinterpret_cast<void*>(kArea + 2 * kPageSize - 100), s, sizeof s, &len),
               0);
    KEXPECT_EQ(len, 10u);
    // A string that runs into an unmapped page.
    char edge[4] = {'x', 'y', 'z', 'w'};
    KEXPECT_EQ(copyout_u(edge, kArea + 4 * kPageSize - 4, 4), 0);
    KEXPECT_EQ(copyinstr(reinterpret_cast<void*>(kArea + 4 * kPageSize - 4), s, sizeof s, &len),
               -EFAULT);
  }
  vmspace_release(vm);
  expect_same(t, before, counts());
}

// Copy-on-write through the MMU: a fork, writes on both sides by the kernel's
// unprivileged stores (which fault like EL0 ones), both fork modes.
KTEST(vm_cow_through_the_mmu) {
  Counts before = counts();
  for (int mode = 0; mode < 2; ++mode) {
    vm_set_fork_mode(mode ? arch::UptForkMode::kCopyPtes : arch::UptForkMode::kShareTables);
    Vmspace* parent = vmspace_create(nullptr);
    KASSERT_T(parent != nullptr);
    KEXPECT_EQ(vm_map_fixed(parent, kArea, kAreaPages * kPageSize, 3, RegionKind::kMmap, false), 0);
    {
      VmBorrow b(parent);
      for (unsigned i = 0; i < kAreaPages; ++i) {
        uint64_t v = i;
        KEXPECT_EQ(copyout_u(&v, kArea + i * kPageSize, 8), 0);
      }
    }
    VmForkResult f = vm_fork(parent, 0, nullptr);
    KASSERT_T(f.error == 0);
    arch::UptStats s0 = arch::upt_stats();
    {
      VmBorrow b(f.vm);
      for (unsigned i = 0; i < kAreaPages; i += 2) {
        uint64_t v = 1000 + i;
        KEXPECT_EQ(copyout_u(&v, kArea + i * kPageSize, 8), 0);
      }
    }
    {
      VmBorrow b(parent);
      for (unsigned i = 1; i < kAreaPages; i += 2) {
        uint64_t v = 2000 + i;
        KEXPECT_EQ(copyout_u(&v, kArea + i * kPageSize, 8), 0);
      }
      for (unsigned i = 0; i < kAreaPages; ++i)
        KEXPECT_EQ(get(kArea + i * kPageSize), (i & 1) ? 2000u + i : i);
    }
    {
      VmBorrow b(f.vm);
      for (unsigned i = 0; i < kAreaPages; ++i)
        KEXPECT_EQ(get(kArea + i * kPageSize), (i & 1) ? i : 1000u + i);
    }
    KEXPECT_EQ(arch::upt_stats().cow_copies - s0.cow_copies, kAreaPages);
    vmspace_release(f.vm);
    vmspace_release(parent);
  }
  vm_set_fork_mode(arch::UptForkMode::kShareTables);
  expect_same(t, before, counts());
}

namespace {
struct LoadThere {
  Vmspace* vm;
  uint64_t value;  // read through the space on the other CPU
};
// Reads through the space and leaves it loaded there (TTBR0 is switched
// lazily): no switch on the next read drops what that CPU's TLB holds.
void load_there(void* arg) {
  auto* l = static_cast<LoadThere*>(arg);
  VmBorrow b(l->vm, true);
  (void)copyin_u(kArea, &l->value, sizeof l->value);
}
void unload_here(void*) { vmspace_activate(nullptr); }
}  // namespace

// A space's flushes are local while only this CPU has ever loaded it, and
// broadcast once another has (arch/user_mmu.h): the other CPU's TLB may hold
// its entries from then on, even after it switched away.
KTEST(vm_tlb_flushes_reach_every_cpu_that_loaded_the_space) {
  Counts before = counts();
  Vmspace* vm = vmspace_create(nullptr);
  KASSERT_T(vm != nullptr);
  KEXPECT_EQ(vm_map_fixed(vm, kArea, kPageSize, 3, RegionKind::kMmap, false), 0);
  KEXPECT_EQ(__atomic_load_n(&vm->pt.tlb_cpus, __ATOMIC_RELAXED), 0u);
  unsigned here;
  {
    VmBorrow b(vm);
    here = cpu_index();
    uint64_t v = 7;
    KEXPECT_EQ(copyout_u(&v, kArea, sizeof v), 0);
    KEXPECT_EQ(__atomic_load_n(&vm->pt.tlb_cpus, __ATOMIC_RELAXED), 1u << here);
    KEXPECT(arch::user_tlb_only_here(&vm->pt.tlb_cpus));
  }
  unsigned other = (here + 1) % arch::kMaxCpus;
  LoadThere l{vm, 0};
  smp_call_on(other, load_there, &l, true);
  KEXPECT_EQ(l.value, 7u);
  KEXPECT_EQ(__atomic_load_n(&vm->pt.tlb_cpus, __ATOMIC_RELAXED), (1u << here) | (1u << other));
  {
    VmBorrow b(vm);  // (crit_enter: still on `here`)
    KEXPECT(!arch::user_tlb_only_here(&vm->pt.tlb_cpus));
    // A new page at the same address: the other CPU's TLB must lose the old
    // one (a stale entry there would read 7 from the freed page).
    KEXPECT_EQ(vm_munmap(vm, kArea, kPageSize), 0);
    KEXPECT_EQ(vm_map_fixed(vm, kArea, kPageSize, 3, RegionKind::kMmap, false), 0);
    uint64_t v = 8;
    KEXPECT_EQ(copyout_u(&v, kArea, sizeof v), 0);
  }
  smp_call_on(other, load_there, &l, true);
  KEXPECT_EQ(l.value, 8u);
  smp_call_on(other, unload_here, nullptr, true);
  vmspace_release(vm);
  expect_same(t, before, counts());
}

// A failure at every allocation of vm_fork in turn gives everything back.
KTEST(vm_fork_failure_unwinds) {
  Vmspace* parent = vmspace_create(nullptr);
  KASSERT_T(parent != nullptr);
  KEXPECT_EQ(vm_map_fixed(parent, kArea, kAreaPages * kPageSize, 3, RegionKind::kMmap, false), 0);
  // A shared area in another GiB: its own L2 table, one more allocation to fail.
  constexpr uint64_t kFar = kArea + (2ull << 30);
  KEXPECT_EQ(vm_map_fixed(parent, kFar, 4 * kPageSize, 3, RegionKind::kMmap, true), 0);
  {
    VmBorrow b(parent);
    for (unsigned i = 0; i < kAreaPages; i += 5) {
      uint64_t v = i;
      KEXPECT_EQ(copyout_u(&v, kArea + i * kPageSize, 8), 0);
    }
    uint64_t v = 1;
    KEXPECT_EQ(copyout_u(&v, kFar, 8), 0);
  }
  Counts before = counts();
  unsigned failures = 0;
  for (uint64_t n = 1; n < 64; ++n) {
    kmalloc_fail_any_nth(n);
    page_alloc_fail_nth(PageUse::PageTable, n);
    VmForkResult f = vm_fork(parent, 0, nullptr);
    kmalloc_fail_any_clear();
    page_alloc_fail_clear(PageUse::PageTable);
    if (f.error == 0) {
      vmspace_release(f.vm);
      break;
    }
    ++failures;
    KEXPECT_EQ(f.error, -ENOMEM);
  }
  KEXPECT(failures > 2);
  expect_same(t, before, counts());
  vmspace_release(parent);
}

// The built-in "hello" at EL0: argv in, exit status out.
KTEST(vm_runs_a_program_at_el0) {
  Counts before = counts();
  const char* argv[] = {"hello", "one", "two", nullptr};
  const char* envp[] = {nullptr};
  KEXPECT_EQ(ktest_run_program("hello", argv, envp), 2);
  KEXPECT_EQ(ktest_run_program("no-such-program", argv, envp), -ENOENT);
  expect_same(t, before, counts());
}

// A program whose process cannot be published (no process group: -EAGAIN)
// leaves nothing behind: the thread made for it, which never runs the
// program, is freed too.
KTEST(vm_program_not_published_leaves_nothing) {
  const char* argv[] = {"hello", nullptr};
  const char* envp[] = {nullptr};
  // One that runs first: the process layer's own threads start with it.
  KEXPECT_EQ(ktest_run_program("hello", argv, envp), 0);
  Counts before = counts();
  ThreadCounters threads = thread_counters();
  kmalloc_fail_all(M_PGRP);
  KEXPECT_EQ(ktest_run_program("hello", argv, envp), -EAGAIN);
  kmalloc_fail_clear(M_PGRP);
  KEXPECT_EQ(thread_counters().live, threads.live);
  expect_same(t, before, counts());
}
