#include "kernel/mm/settle.h"

#include <arch/kernel_map.h>

#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page_alloc.h"

void mm_settle() {
  arch::kstack_cache_drain();  // first: its pages go back through page_free
  kmalloc_quarantine_drain();  // before the reclaim: quarantined objects keep slabs
  kmalloc_reclaim();
  page_alloc_drain_all();
}
