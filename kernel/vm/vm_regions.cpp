#include "kernel/vm/vm_regions.h"

#include "kernel/vm/vmspace.h"

unsigned vm_regions_view(Vmspace* vm, uint64_t from, VmRegionView* out, unsigned max) {
  SpinGuard g(vm->lock);
  unsigned n = 0;
  for (const VmRegion* r = vm->regions.first(); r && n < max; r = r->next) {
    if (r->end <= from) continue;
    out[n++] = {r->start, r->end, r->obj_pgoff, r->prot, r->kind, r->shared};
  }
  return n;
}
