// Boot: the boot CPU's path from start.S to a running system, and the
// secondaries' path to their idle loop.
#include <arch/cpu.h>
#include <arch/gic.h>
#include <arch/linear_map.h>
#include <arch/smp.h>

#include "kernel/bench/kbench.h"
#include "kernel/console/console.h"
#include "kernel/console/console_hw.h"
#include "kernel/console/kprintf.h"
#include "kernel/cpu/cpu_start_plan.h"
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/smp.h"
#include "kernel/dt/boot_info.h"
#include "kernel/dt/bootargs.h"
#include "kernel/exec/exec.h"
#include "kernel/fs/initramfs.h"
#include "kernel/init/board.h"
#include "kernel/init/memory_map.h"
#include "kernel/init/monitor.h"
#include "kernel/ktest/ktest.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/mem_account.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/power/power.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/proc.h"
#include "kernel/random/random.h"
#include "kernel/sched/sched.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"

extern "C" char __image_start[], __image_end[];
extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();

[[noreturn]] void cpu_idle_loop();

namespace {

BootInfo g_boot;
bool g_have_tree;  // g_boot came from a device tree
paddr_t g_dtb;     // where the loader said it was
// Device trees are small (the Pi 4's is 27 KiB, the firmware's edited copy a
// little more); anything claiming more than this is not one.
constexpr uint32_t kMaxDtbSize = 1 << 20;
constexpr uint64_t kCpuStartTimeoutNs = 1000000000;

// A bare "key", or "key=1"/"yes"/"on".
bool bootarg_flag(const char* key) {
  char v[8];
  if (!bootarg(g_boot.bootargs, key, v, sizeof v)) return false;
  return !v[0] || (v[0] == '1' && !v[1]) || (v[0] == 'y' && v[1] == 'e' && v[2] == 's') ||
         (v[0] == 'o' && v[1] == 'n' && !v[2]);
}

paddr_t page_down(paddr_t a) { return a & ~paddr_t{kPageSize - 1}; }

// Maps the DTB at dtb into the linear map (only the kernel image is mapped so
// far) and returns its size, or 0 if there is none there.
uint32_t map_dtb(paddr_t dtb) {
  if (dtb == 0 || dtb % 8 != 0 || dtb >= (paddr_t{1} << 40)) return 0;
  if (!arch::linear_map_ram(page_down(dtb), kPageSize)) return 0;  // magic and size: 8 bytes
  uint32_t size = Fdt::peek_total_size(phys_to_virt(dtb));
  if (size == 0 || size > kMaxDtbSize || !arch::linear_map_ram(dtb, size)) return 0;
  return size;
}

void read_boot_info(paddr_t dtb) {
  g_dtb = dtb;
  FdtStatus st = FdtStatus::kBadMagic;
  if (uint32_t size = map_dtb(dtb)) st = boot_info_from_dtb(phys_to_virt(dtb), size, &g_boot);
  g_have_tree = st == FdtStatus::kOk;
  if (!g_have_tree) {
    kprintf("boot: no usable device tree at %#lx (%s)\n", dtb, fdt_status_name(st));
    g_boot = {};
  }
  // The model string is what the banner shows; take the board's name without a tree.
  if (!g_boot.model[0]) {
    const char* n = board_name();
    size_t i = 0;
    for (; n[i] && i + 1 < sizeof g_boot.model; ++i) g_boot.model[i] = n[i];
    g_boot.model[i] = 0;
  }
}

// Maps the RAM the tree describes (and only that) and gives the page allocator
// what nobody else holds.
void init_memory(paddr_t dtb) {
  if (g_boot.memory_count == 0) {
    if (board_fallback_memory(&g_boot.memory[0])) {
      g_boot.memory_count = 1;
      kprintf("boot: no /memory in the device tree; the firmware says %#lx-%#lx\n",
              g_boot.memory[0].base, g_boot.memory[0].base + g_boot.memory[0].size);
    }
  }
  if (g_boot.memory_count == 0) panic("boot: no memory found");
  if (g_boot.memory_truncated || g_boot.reserved_truncated)
    kprintf("boot: more /memory or reserved ranges than the kernel keeps; the rest is ignored\n");
  BootMemoryPlan plan;
  plan_boot_memory(
      g_boot, {virt_to_phys(__image_start), static_cast<uint64_t>(__image_end - __image_start)},
      {dtb, g_boot.dtb_size}, &plan);
  uint64_t total = 0;
  kprintf("memory:");
  for (size_t i = 0; i < plan.mapped_count; ++i) {
    const PhysRange& r = plan.mapped[i];
    if (!arch::linear_map_ram(r.base, r.size))
      panic("boot: cannot map RAM %#lx-%#lx (boot tables %u of %u used)", r.base, r.base + r.size,
            arch::linear_map_stats().tables_used, arch::linear_map_stats().tables_max);
    total += r.size;
    kprintf(" %#lx-%#lx", r.base, r.base + r.size);
  }
  kprintf("\n");
  if (g_boot.has_initrd && !plan.initrd_usable) {
    kprintf("boot: initrd %#lx-%#lx is not in RAM; ignored\n", g_boot.initrd_start,
            g_boot.initrd_end);
    g_boot.has_initrd = false;
  }
  page_alloc_init(plan.usable, plan.usable_count);
  kmalloc_init();
  mem_account_init();
  PageStats ps = page_stats();
  uint64_t free_bytes = (ps.free_pages + ps.pcp_pages) * kPageSize;
  kprintf("memory: %lu MiB in %zu range(s), %lu MiB free for the kernel\n", total >> 20,
          plan.mapped_count, free_bytes >> 20);
}

// Starts each other CPU the way the device tree says (never by a guess).
void start_secondaries() {
  for (unsigned cpu = 1; cpu < arch::kMaxCpus; ++cpu) {
    CpuStartPlan plan = cpu_start_plan(g_have_tree ? &g_boot : nullptr, cpu,
                                       board_default_release_addr(cpu), arch::psci_hvc_usable());
    switch (plan.kind) {
      case CpuStartKind::kNone: kprintf("smp: cpu %u not started: %s\n", cpu, plan.why); continue;
      case CpuStartKind::kSpinTable:
        if (!arch::cpu_release(plan.release_addr)) {
          kprintf("smp: cpu %u: cannot map its release address %#lx\n", cpu, plan.release_addr);
          continue;
        }
        break;
      case CpuStartKind::kPsci:
        if (int64_t r = arch::psci_cpu_on(plan.conduit == PsciConduit::kHvc, plan.cpu_on, cpu)) {
          kprintf("smp: cpu %u: PSCI CPU_ON failed (%ld)\n", cpu, r);
          continue;
        }
        break;
    }
    uint64_t deadline = clock_ns() + kCpuStartTimeoutNs;
    while (!__atomic_load_n(&g_cpus[cpu].online, __ATOMIC_ACQUIRE) && clock_ns() < deadline)
      arch::cpu_relax();
    if (!g_cpus[cpu].online) kprintf("smp: cpu %u did not come up\n", cpu);
  }
}

void print_banner() {
  kprintf("tine: %s\n", g_boot.model);
  // What a report from a board needs to be read: how the loader left the
  // kernel and which board revision the firmware says this is.
  kprintf("boot: entered at EL%u, device tree %s %#lx, board revision %#x\n", arch::entry_el(),
          g_have_tree ? "at" : "not found at", g_dtb, board_revision());
  kprintf("cpus: %u online:", cpus_online());
  for (const Cpu& c : g_cpus)
    if (c.online) kprintf(" cpu%u(mpidr %#lx)", c.id, c.mpidr);
  kprintf("\n");
  kprintf("timer: %lu Hz, tick %u Hz; uart clock %u Hz\n", clock_frequency_hz(), kHz,
          console_hw_clock_hz());
  kprintf("bootargs: \"%s\"\n", g_boot.bootargs);
}

void cpu_online_common(unsigned id) {
  cpu_bind(id);
  g_cpus[id].mpidr = arch::mpidr();
  g_cpus[id].midr = arch::midr();
  arch::gic_init_cpu();
  sched_init_cpu(id);  // this boot context becomes the CPU's idle thread
  clock_init_cpu();
  cpu_set_online(id, true);
}

// The rest of the boot, in the first kernel thread: tests, benchmarks or the monitor.
int main_thread(void*) {
  sched_start_services();
  proc_boot_init();       // process 0 and its reaper, before anything runs a program
  if (g_boot.has_initrd)  // init_memory checked that it lies in mapped RAM
    exec_set_initrd(phys_to_virt(g_boot.initrd_start), g_boot.initrd_end - g_boot.initrd_start);
  fs_init();  // the root file system, before anything runs a program
  char sel[64];
  if (bootarg(g_boot.bootargs, "init", sel, sizeof sel) && sel[0]) init_start(sel, g_boot.bootargs);
  if (bootarg(g_boot.bootargs, "ktest", sel, sizeof sel) && sel[0]) kernel_exit(ktest_run(sel));
  if (bootarg(g_boot.bootargs, "kbench", sel, sizeof sel) && sel[0]) kernel_exit(kbench_run(sel));
  if (bootarg_flag("poweroff")) {
    kprintf("tine: powering off\n");
    kernel_exit(0);
  }
  monitor_run();
}

}  // namespace

const char* kernel_bootargs() { return g_boot.bootargs; }

extern "C" [[noreturn]] void kmain(paddr_t dtb) {
  cpu_bind(0);
  for (auto* f = __init_array_start; f < __init_array_end; ++f) (*f)();
  // Only the kernel image is mapped yet: the tree says where the devices (the
  // console among them) and the RAM are. kprintf holds its lines until then.
  read_boot_info(dtb);
  board_init(g_have_tree ? &g_boot : nullptr);
  console_init();
  kernel_exit_set_semihost(bootarg_flag("semihost_exit"));
  kernel_exit_set_lock_report(bootarg_flag("lockstats"));
  init_memory(dtb);
  board_init_irq();
  clock_init();
  random_init(g_have_tree ? &g_boot : nullptr);
  sched_init();
  cpu_online_common(0);
  console_start_input();
  arch::irq_enable();
  start_secondaries();
  print_banner();
  Thread* main = nullptr;
  if (thread_spawn("main", main_thread, nullptr, ThreadAttr{}, &main))
    panic("boot: cannot start the main thread");
  thread_detach(main);
  cpu_idle_loop();
}

extern "C" [[noreturn]] void secondary_main(unsigned id) {
  cpu_online_common(id);
  arch::irq_enable();
  cpu_idle_loop();
}
