#include "kernel/power/power.h"

#include <arch/cpu.h>
#include <arch/semihost.h>

#include "kernel/console/kprintf.h"
#include "kernel/cpu/smp.h"
#include "kernel/sync/spinlock.h"

namespace {
bool g_semihost_exit;
bool g_lock_report;

void print_lock_class(const LockClass& c, void*) {
  if (c.acquisitions == 0) return;
  kprintf("LOCK %-20s rank %-4u acquired %-10lu contended %-8lu spins %lu\n", c.name, c.rank,
          c.acquisitions, c.contended, c.spins);
}
}  // namespace

void kernel_exit_set_semihost(bool on) { g_semihost_exit = on; }
void kernel_exit_set_lock_report(bool on) {
  g_lock_report = on;
  if (on) g_lock_counting = true;  // from here on: the report counts what follows boot
}

namespace {
// The other CPUs stopped (and the lock report printed, if asked for).
void stop_the_others() {
  arch::irq_disable();
  smp_stop_others();
  if (g_lock_report) lock_classes_for_each(print_lock_class, nullptr);
  // Give the stop IPIs a moment so no CPU prints over the last line.
  for (int i = 0; i < 100000; ++i) arch::compiler_barrier();
}
}  // namespace

void kernel_exit(int status) {
  stop_the_others();
  if (g_semihost_exit) arch::semihost_exit(status);
  machine_power_off();
}

void kernel_restart() {
  stop_the_others();
  machine_reset();
}

void kernel_halt() {
  stop_the_others();
  if (g_semihost_exit) arch::semihost_exit(0);
  for (;;) arch::wait_for_interrupt();
}
