// Which space each CPU has in TTBR0. A CPU keeps the last user space it ran
// until another replaces it (switching to a kernel thread does not unload it),
// so before a space is freed every CPU still holding it is made to drop it:
// otherwise its walker could keep reading freed tables.
#include <arch/cpu.h>
#include <arch/user_mmu.h>

#include "kernel/cpu/percpu.h"
#include "kernel/cpu/smp.h"
#include "kernel/vm/vmspace.h"

namespace {
Vmspace* g_loaded[arch::kMaxCpus];  // per CPU, written by that CPU with IRQs masked

void unload_if(void* arg) {
  uint64_t irq = arch::irq_save();
  if (g_loaded[cpu_index()] == arg) vmspace_activate(nullptr);
  arch::irq_restore(irq);
}
}  // namespace

void vmspace_activate(Vmspace* vm) {
  uint64_t irq = arch::irq_save();
  unsigned cpu = cpu_index();
  Vmspace* old = g_loaded[cpu];
  if (old != vm) {
    uint32_t bit = 1u << cpu;
    if (vm) {
      __atomic_or_fetch(&vm->loaded_on, bit, __ATOMIC_SEQ_CST);
      arch::upt_note_loaded(&vm->pt);  // before any walk of it here
      arch::user_ttbr0_load(arch::upt_root_phys(&vm->pt), vm->pt.asid);
    } else {
      arch::user_ttbr0_unload();
    }
    if (old) __atomic_and_fetch(&old->loaded_on, ~bit, __ATOMIC_SEQ_CST);
    g_loaded[cpu] = vm;
  }
  arch::irq_restore(irq);
}

Vmspace* vmspace_loaded() { return g_loaded[cpu_index()]; }

void vmspace_unload_everywhere(Vmspace* vm) {
  unload_if(vm);
  uint32_t mask = __atomic_load_n(&vm->loaded_on, __ATOMIC_SEQ_CST);
  for (unsigned cpu = 0; mask != 0 && cpu < arch::kMaxCpus; ++cpu) {
    if (!(mask & (1u << cpu))) continue;
    smp_call_on(cpu, unload_if, vm, true);
    mask = __atomic_load_n(&vm->loaded_on, __ATOMIC_SEQ_CST);
  }
}
