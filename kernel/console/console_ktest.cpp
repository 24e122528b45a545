// Output from all CPUs at once; tests/boot/console_lines.py checks that every
// line arrived whole and unmixed. Each line is printed in three pieces so a
// CPU's partial line must wait in its buffer while others print.
#include "kernel/console/kprintf.h"
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/smp.h"
#include "kernel/ktest/ktest.h"

namespace {
void print_lines(void*) {
  unsigned me = this_cpu().id;
  for (int seq = 0; seq < 50; ++seq) {
    kprintf("LINE-cpu%u ", me);
    kprintf("seq=%d ", seq);
    kprintf("%s\n", "abcdefghijklmnopqrstuvwxyz0123456789");
  }
}
}  // namespace

KTEST(console_lines_all_cpus) { smp_run_on_all(print_lines, nullptr); }
