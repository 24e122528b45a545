#include "kernel/init/monitor.h"

#include "kernel/console/console.h"
#include "kernel/console/kprintf.h"
#include "kernel/cpu/ipi.h"
#include "kernel/cpu/percpu.h"
#include "kernel/ktest/ktest.h"
#include "kernel/lib/string.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/power/power.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/spinlock.h"
#include "kernel/time/clock.h"

namespace {

void read_line(char* buf, size_t n) {
  size_t len = 0;
  for (;;) {
    int c = console_getc();
    if (c == '\r' || c == '\n') {
      kprintf("\n");
      buf[len] = 0;
      return;
    }
    if ((c == 0x7f || c == 8) && len > 0) {
      --len;
      kprintf("\b \b");
      console_flush();
    } else if (c >= 0x20 && c < 0x7f && len + 1 < n) {
      buf[len++] = static_cast<char>(c);
      kprintf("%c", c);
      console_flush();
    }
  }
}

void show_cpus() {
  for (const Cpu& c : g_cpus) {
    if (!c.online) continue;
    kprintf("cpu%u mpidr=%#lx ticks=%lu irqs=%lu ipis=%lu\n", c.id, c.mpidr, clock_ticks(c.id),
            c.irqs, c.ipis_received);
  }
}

void show_lock(const LockClass& c, void*) {
  kprintf("%-16s rank %-3u acquired %-10lu contended %-8lu spins %lu\n", c.name, c.rank,
          c.acquisitions, c.contended, c.spins);
}

void show_mem() {
  PageStats s = page_stats();
  kprintf("pages: managed %lu free %lu cached %lu\n", s.managed_pages, s.free_pages, s.pcp_pages);
}

}  // namespace

void monitor_run() {
  kprintf("tine monitor: type 'help'\n");
  char line[80];
  for (;;) {
    kprintf("tine> ");
    console_flush();
    read_line(line, sizeof line);
    if (!strcmp(line, "help")) {
      kprintf(
          "cpus | sched | threads | mem | locks | uptime | ktest NAME|all | reset | poweroff\n");
    } else if (!strcmp(line, "cpus")) {
      show_cpus();
    } else if (!strcmp(line, "sched")) {
      sched_print_cpus();
    } else if (!strcmp(line, "threads")) {
      sched_print_threads();
    } else if (!strcmp(line, "mem")) {
      show_mem();
    } else if (!strcmp(line, "locks")) {
      lock_classes_for_each(show_lock, nullptr);
    } else if (!strcmp(line, "uptime")) {
      kprintf("%lu ms\n", clock_ns() / 1000000);
    } else if (!strncmp(line, "ktest ", 6)) {
      ktest_run(line + 6);
    } else if (!strcmp(line, "reset")) {
      machine_reset();
    } else if (!strcmp(line, "poweroff") || !strcmp(line, "exit")) {
      kernel_exit(0);
    } else if (line[0]) {
      kprintf("unknown command: %s\n", line);
    }
  }
}
