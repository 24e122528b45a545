#include "kernel/irq/irq.h"

#include "kernel/console/kprintf.h"
#include "kernel/cpu/percpu.h"

namespace {
constexpr unsigned kMaxIntid = 256;
struct Slot {
  IrqHandler fn;
  void* arg;
  unsigned long count;
};
Slot g_slots[kMaxIntid];
}  // namespace

void irq_register(unsigned intid, IrqHandler fn, void* arg) {
  if (intid >= kMaxIntid) return;
  g_slots[intid].arg = arg;
  __atomic_store_n(&g_slots[intid].fn, fn, __ATOMIC_RELEASE);
}

void irq_dispatch(unsigned intid) {
  ++this_cpu().irqs;
  if (intid >= kMaxIntid) return;
  __atomic_fetch_add(&g_slots[intid].count, 1, __ATOMIC_RELAXED);
  IrqHandler fn = __atomic_load_n(&g_slots[intid].fn, __ATOMIC_ACQUIRE);
  if (fn)
    fn(intid, g_slots[intid].arg);
  else
    kprintf("irq: spurious intid %u on cpu %u\n", intid, this_cpu().id);
}

unsigned long irq_count(unsigned intid) {
  return intid < kMaxIntid ? __atomic_load_n(&g_slots[intid].count, __ATOMIC_RELAXED) : 0;
}
