// The allocators' own costs, in instructions under icount: what a fork pays
// per object and per page (tools/bench.py --only sched --kbench 'mm_*').
#include "kernel/bench/kbench.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page_alloc.h"

KBENCH(mm_kmalloc_free) {
  constexpr int kN = 1024;
  void* keep = kmalloc(192, M_TEMP, M_WAITOK);  // the slab stays
  uint64_t t0 = kbench_now();
  for (int i = 0; i < kN; ++i) kfree(kmalloc(192, M_TEMP, M_WAITOK), M_TEMP);
  b.report("", (kbench_now() - t0) / kN, "ns");
  t0 = kbench_now();
  for (int i = 0; i < kN; ++i) kfree(kmalloc(192, M_TEMP, M_WAITOK | M_ZERO), M_TEMP);
  b.report("_zero", (kbench_now() - t0) / kN, "ns");
  kfree(keep, M_TEMP);
}
