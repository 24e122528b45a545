// Exception dispatch from vectors.S. Interrupts go to the GIC driver; every
// exception the kernel does not expect is fatal: registers, a decoded ESR and a
// backtrace, then all CPUs stop.
#include <arch/backtrace.h>
#include <arch/gic.h>
#include <arch/trap_frame.h>

#include "kernel/console/kprintf.h"
#include "kernel/cpu/percpu.h"
#include "kernel/debug/debug.h"
#include "kernel/debug/ksyms.h"

namespace {

const char* esr_class_name(unsigned ec) {
  switch (ec) {
    case 0x00: return "unknown reason";
    case 0x01: return "WFI/WFE trapped";
    case 0x07: return "FP/SIMD access trapped";
    case 0x0e: return "illegal execution state";
    case 0x15: return "SVC from AArch64";
    case 0x18: return "MSR/MRS trapped";
    case 0x20: return "instruction abort from a lower EL";
    case 0x21: return "instruction abort";
    case 0x22: return "PC alignment fault";
    case 0x24: return "data abort from a lower EL";
    case 0x25: return "data abort";
    case 0x26: return "SP alignment fault";
    case 0x2f: return "SError";
    case 0x30: case 0x31: return "breakpoint";
    case 0x32: case 0x33: return "software step";
    case 0x34: case 0x35: return "watchpoint";
    case 0x3c: return "BRK instruction";
    default: return "other";
  }
}

const char* slot_name(unsigned slot) {
  static const char* const kOrigin[] = {"EL1t", "EL1h", "EL0/64", "EL0/32"};
  static const char* const kType[] = {"sync", "irq", "fiq", "serror"};
  static char buf[24];
  const char* o = kOrigin[(slot >> 2) & 3];
  const char* t = kType[slot & 3];
  unsigned i = 0;
  for (const char* p = o; *p;) buf[i++] = *p++;
  buf[i++] = ' ';
  for (const char* p = t; *p;) buf[i++] = *p++;
  buf[i] = 0;
  return buf;
}

[[noreturn]] void fatal_trap(unsigned slot, TrapFrame* f) {
  if (!panic_begin()) panic_end();
  unsigned ec = static_cast<unsigned>(f->esr >> 26) & 0x3f;
  kprintf("\nPANIC on cpu %u: unexpected exception (%s): %s\n", this_cpu().id, slot_name(slot),
          esr_class_name(ec));
  uint64_t off = 0;
  const char* fn = ksym_lookup(f->elr, &off);
  kprintf("ESR=%016lx (EC %#x ISS %#lx) FAR=%016lx\n", f->esr, ec, f->esr & 0x1ffffff, f->far);
  kprintf("ELR=%016lx %s+0x%lx SPSR=%016lx SP=%016lx\n", f->elr, fn ? fn : "?", fn ? off : 0,
          f->spsr, f->sp);
  const char* caller = ksym_lookup(f->x[30], &off);
  kprintf("LR =%016lx %s+0x%lx\n", f->x[30], caller ? caller : "?", caller ? off : 0);
  for (int i = 0; i < 30; i += 3) {
    kprintf("x%-2d=%016lx x%-2d=%016lx", i, f->x[i], i + 1, f->x[i + 1]);
    if (i + 2 <= 30) kprintf(" x%-2d=%016lx", i + 2, f->x[i + 2]);
    kprintf("\n");
  }
  backtrace_print(reinterpret_cast<uint64_t>(f->fp_record));
  panic_end();
}

}  // namespace

extern "C" void trap_dispatch(unsigned slot, TrapFrame* frame) {
  TrapType type = static_cast<TrapType>(slot & 3);
  if (type == TrapType::kIrq) {
    arch::gic_handle_irqs();
    return;
  }
  fatal_trap(slot, frame);
}
