#include "kernel/mm/settle.h"

#include <arch/kernel_map.h>

#include "kernel/cpu/percpu.h"
#include "kernel/cpu/smp.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page_alloc.h"

void mm_settle() {
  arch::kstack_cache_drain();  // first: its pages go back through page_free
  kmalloc_quarantine_drain();  // before the reclaim: quarantined objects keep slabs
  // So do the objects in every CPU's magazines: each CPU empties its own.
  uint32_t online = cpus_online_bits();
  for (unsigned cpu = 0; cpu < arch::kMaxCpus; ++cpu)
    if (online & (1u << cpu))
      smp_call_on(
          cpu, [](void*) { kmalloc_drain_local(); }, nullptr, true);
  kmalloc_reclaim();
  page_alloc_drain_all();
}
