#include "kernel/power/power.h"

#include <arch/cpu.h>
#include <arch/semihost.h>

#include "kernel/console/kprintf.h"
#include "kernel/cpu/smp.h"

namespace {
bool g_semihost_exit;
}

void kernel_exit_set_semihost(bool on) { g_semihost_exit = on; }

void kernel_exit(int status) {
  arch::irq_disable();
  smp_stop_others();
  // Give the stop IPIs a moment so no CPU prints over the last line.
  for (int i = 0; i < 100000; ++i) arch::compiler_barrier();
  if (g_semihost_exit) arch::semihost_exit(status);
  machine_power_off();
}
