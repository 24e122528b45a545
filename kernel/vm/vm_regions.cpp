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

VmUsage vm_usage(Vmspace* vm) {
  SpinGuard g(vm->lock);
  VmUsage u{0, arch::upt_resident(&vm->pt)};
  for (const VmRegion* r = vm->regions.first(); r; r = r->next)
    if (r->kind != RegionKind::kGuard) u.mapped_bytes += r->end - r->start;
  return u;
}
