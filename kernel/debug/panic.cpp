// panic(): say why, show where, stop every CPU, end the run.
#include "kernel/panic.h"

#include <arch/backtrace.h>
#include <arch/cpu.h>
#include <stdarg.h>

#include "kernel/console/console.h"
#include "kernel/console/kprintf.h"
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/smp.h"
#include "kernel/debug/debug.h"
#include "kernel/debug/ksyms.h"
#include "kernel/power/power.h"

namespace {
int g_panic_cpu = -1;

// pc is a return address: look up the call instruction before it, which is
// still inside the caller even when the call was the caller's last instruction.
void print_frame(uint64_t pc, void*) {
  uint64_t off = 0;
  const char* name = ksym_lookup(pc - 4, &off);
  if (name)
    kprintf("  %016lx %s+0x%lx\n", pc, name, off + 4);
  else
    kprintf("  %016lx ?\n", pc);
}
}  // namespace

bool panic_begin() {
  arch::irq_disable();
  int me = static_cast<int>(this_cpu().id);
  int expected = -1;
  if (!__atomic_compare_exchange_n(&g_panic_cpu, &expected, me, false, __ATOMIC_ACQ_REL,
                                   __ATOMIC_ACQUIRE)) {
    if (expected == me) return false;     // a panic inside panic: just stop
    for (;;) arch::wait_for_interrupt();  // another CPU is panicking; it will stop us
  }
  smp_stop_others();
  console_panic_mode();
  return true;
}

void backtrace_print(uint64_t fp) {
  kprintf("backtrace:\n");
  arch::backtrace_walk(fp, print_frame, nullptr, 32);
}

void panic_end() {
  kprintf("PANIC: system halted\n");
  kernel_exit(kPanicExitStatus);
}

void panic(const char* fmt, ...) {
  if (!panic_begin()) kernel_exit(kPanicExitStatus);
  va_list ap;
  va_start(ap, fmt);
  kprintf("\nPANIC on cpu %u: ", this_cpu().id);
  vkprintf(fmt, ap);
  kprintf("\n");
  va_end(ap);
  backtrace_print(arch::frame_pointer());
  panic_end();
}
