// Exception dispatch from vectors.S. Interrupts go to the GIC driver; every
// exception the kernel does not expect is fatal: registers, a decoded ESR and a
// backtrace, then all CPUs stop.
#include <arch/backtrace.h>
#include <arch/context.h>
#include <arch/gic.h>
#include <arch/kernel_map.h>
#include <arch/trap_frame.h>
#include <arch/user_trap.h>

#include <stddef.h>

#include "kernel/console/kprintf.h"
#include "kernel/cpu/percpu.h"
#include "kernel/debug/debug.h"
#include "kernel/debug/ksyms.h"
#include "kernel/sched/sched.h"
#include "kernel/thread/thread.h"

// vectors.S reads the running thread from the Cpu block on entry from EL0.
static_assert(offsetof(Cpu, current) == 120, "update CPU_CURRENT in trap/vectors.S");

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
    case 0x30:
    case 0x31: return "breakpoint";
    case 0x32:
    case 0x33: return "software step";
    case 0x34:
    case 0x35: return "watchpoint";
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
  uint64_t base = 0;
  bool in_guard = false;
  if (arch::kstack_area_lookup(f->far, &base, &in_guard) && in_guard)
    kprintf(
        "FAR is in the guard page below kernel stack %#lx: kernel stack overflow of thread %s\n",
        base, thread_name_by_kstack(base));
  backtrace_print(reinterpret_cast<uint64_t>(f->fp_record));
  panic_end();
}

}  // namespace

extern "C" void trap_dispatch(unsigned slot, TrapFrame* frame) {
  TrapType type = static_cast<TrapType>(slot & 3);
  if (type == TrapType::kIrq) {
    this_cpu().irq_from_user = slot >= 8;  // the tick's user or system time
    ++this_cpu().irq_nesting;
    arch::gic_handle_irqs();
    --this_cpu().irq_nesting;
    // Every interrupt is acknowledged and ended: a reschedule it asked for may
    // switch threads now (the frame stays on this thread's kernel stack).
    sched_irq_exit();
    if (slot >= 8) user_irq_return(frame);  // back to EL0: this thread's address space
    return;
  }
  if (type == TrapType::kSync && (frame->esr >> 26) == arch::kEsrClassFpTrap) {
    sched_fp_trap();
    return;
  }
  if (type == TrapType::kSync) {
    if (slot >= 8) {  // from EL0: system call, page fault, or the end of the process
      user_trap(frame);
      return;
    }
    if (user_access_fault(frame)) return;  // copyin/copyout: resolved or -EFAULT
  }
  fatal_trap(slot, frame);
}

// vectors.S: an exception frame would have landed in a kernel stack's guard.
// Runs on the CPU's emergency stack.
extern "C" [[noreturn]] void kstack_overflow(uint64_t sp, uint64_t elr, uint64_t far, uint64_t esr,
                                             uint64_t fp, uint64_t lr) {
  if (!panic_begin()) panic_end();
  uint64_t base = 0;
  bool in_guard = false;
  arch::kstack_area_lookup(sp, &base, &in_guard);
  uint64_t off = 0;
  const char* fn = ksym_lookup(elr, &off);
  kprintf(
      "\nPANIC on cpu %u: kernel stack overflow of thread %s (stack %#lx-%#lx, SP %#lx in "
      "its guard page)\n",
      this_cpu().id, thread_name_by_kstack(base), base, base + arch::kKstackSize, sp);
  kprintf("ELR=%016lx %s+0x%lx ESR=%016lx FAR=%016lx\n", elr, fn ? fn : "?", fn ? off : 0, esr,
          far);
  const char* caller = ksym_lookup(lr, &off);
  kprintf("LR =%016lx %s+0x%lx\n", lr, caller ? caller : "?", caller ? off : 0);
  // The frame chain lives in the stack that overflowed; walk it if it is inside.
  if (fp >= base && fp < base + arch::kKstackSize) backtrace_print(fp);
  panic_end();
}
