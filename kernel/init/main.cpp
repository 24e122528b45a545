// Boot: the boot CPU's path from start.S to a running system, and the
// secondaries' path to their idle loop.
#include <arch/cpu.h>
#include <arch/gic.h>
#include <arch/smp.h>

#include "kernel/console/console.h"
#include "kernel/console/console_hw.h"
#include "kernel/console/kprintf.h"
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/smp.h"
#include "kernel/dt/boot_info.h"
#include "kernel/init/board.h"
#include "kernel/dt/bootargs.h"
#include "kernel/exec/exec.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/proc.h"
#include "kernel/init/memory_map.h"
#include "kernel/init/monitor.h"
#include "kernel/ktest/ktest.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/power/power.h"
#include "kernel/bench/kbench.h"
#include "kernel/sched/sched.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"

extern "C" char __image_start[], __image_end[];
extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();

[[noreturn]] void cpu_idle_loop();

namespace {

BootInfo g_boot;
// The boot page tables map 0-4 GiB; RAM above 3 GiB (larger Pi 4s) waits for the VM.
constexpr paddr_t kMappedRamCeiling = 0xc0000000;
constexpr uint64_t kCpuStartTimeoutNs = 1000000000;

// A bare "key", or "key=1"/"yes"/"on".
bool bootarg_flag(const char* key) {
  char v[8];
  if (!bootarg(g_boot.bootargs, key, v, sizeof v)) return false;
  return !v[0] || (v[0] == '1' && !v[1]) || (v[0] == 'y' && v[1] == 'e' && v[2] == 's') ||
         (v[0] == 'o' && v[1] == 'n' && !v[2]);
}

void read_boot_info(paddr_t dtb) {
  FdtStatus st = FdtStatus::kBadMagic;
  if (dtb > 0x1000 && dtb < kMappedRamCeiling)
    st = boot_info_from_dtb(phys_to_virt(dtb), 1 << 20, &g_boot);
  if (st != FdtStatus::kOk) {
    kprintf("boot: no usable device tree at %#lx; asking the firmware\n", dtb);
    g_boot = {};
  }
  if (g_boot.memory_count == 0 && board_fallback_memory(&g_boot.memory[0]))
    g_boot.memory_count = 1;
  if (g_boot.memory_count == 0) panic("boot: no memory found");
  // The model string is what the banner shows; take the board's name without a tree.
  if (!g_boot.model[0]) {
    const char* n = board_name();
    size_t i = 0;
    for (; n[i] && i + 1 < sizeof g_boot.model; ++i) g_boot.model[i] = n[i];
    g_boot.model[i] = 0;
  }
}

void init_memory(paddr_t dtb) {
  PhysRange reserved[BootInfo::kMaxReserved + 4];
  size_t n = 0;
  for (size_t i = 0; i < g_boot.reserved_count; ++i) reserved[n++] = g_boot.reserved[i];
  // The first page holds the spin table the secondaries poll.
  reserved[n++] = {0, kPageSize};
  reserved[n++] = {virt_to_phys(__image_start),
                   static_cast<uint64_t>(__image_end - __image_start)};
  if (g_boot.dtb_size) reserved[n++] = {dtb, g_boot.dtb_size};
  if (g_boot.has_initrd)
    reserved[n++] = {g_boot.initrd_start, g_boot.initrd_end - g_boot.initrd_start};
  PhysRange usable[16];
  size_t n_usable = usable_memory(g_boot.memory, g_boot.memory_count, reserved, n, 0,
                                  kMappedRamCeiling, usable, 16);
  page_alloc_init(usable, n_usable);
  kmalloc_init();
  uint64_t total = 0;
  for (size_t i = 0; i < g_boot.memory_count; ++i) total += g_boot.memory[i].size;
  PageStats ps = page_stats();
  uint64_t free_bytes = (ps.free_pages + ps.pcp_pages) * kPageSize;
  kprintf("memory: %lu MiB in %zu range(s), %lu MiB free for the kernel\n", total >> 20,
          g_boot.memory_count, free_bytes >> 20);
}

void start_secondaries() {
  for (unsigned cpu = 1; cpu < arch::kMaxCpus; ++cpu) {
    paddr_t release = 0;
    if (!boot_cpu_release_addr(g_boot, cpu, &release)) release = board_default_release_addr(cpu);
    arch::cpu_release(release);
    uint64_t deadline = clock_ns() + kCpuStartTimeoutNs;
    while (!__atomic_load_n(&g_cpus[cpu].online, __ATOMIC_ACQUIRE) && clock_ns() < deadline)
      arch::cpu_relax();
    if (!g_cpus[cpu].online) kprintf("smp: cpu %u did not come up (release %#lx)\n", cpu, release);
  }
}

void print_banner() {
  kprintf("tine: %s\n", g_boot.model);
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
  arch::gic_init_cpu();
  sched_init_cpu(id);  // this boot context becomes the CPU's idle thread
  clock_init_cpu();
  cpu_set_online(id, true);
}

// The rest of the boot, in the first kernel thread: tests, benchmarks or the monitor.
int main_thread(void*) {
  sched_start_services();
  proc_boot_init();  // process 0 and its reaper, before anything runs a program
  if (g_boot.has_initrd)
    exec_set_initrd(phys_to_virt(g_boot.initrd_start), g_boot.initrd_end - g_boot.initrd_start);
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

extern "C" [[noreturn]] void kmain(paddr_t dtb) {
  cpu_bind(0);
  for (auto* f = __init_array_start; f < __init_array_end; ++f) (*f)();
  console_init();
  read_boot_info(dtb);
  kernel_exit_set_semihost(bootarg_flag("semihost_exit"));
  kernel_exit_set_lock_report(bootarg_flag("lockstats"));
  init_memory(dtb);
  board_init_irq();
  clock_init();
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
