// A copy of an address space's map entries, for whoever shows them outside
// the VM (/proc/PID/maps): taken under the space's lock, a batch at a time,
// and read after it is dropped; and the space's sizes (/proc/PID/stat).
#pragma once
#include <stdint.h>

#include "kernel/vm/region.h"

struct Vmspace;

struct VmRegionView {
  uint64_t start, end;  // [start, end)
  uint64_t obj_pgoff;   // shared mappings: the page of the object at start
  unsigned prot;        // kUProt*
  RegionKind kind;
  bool shared;
};

// Copies up to `max` entries of vm, in address order, from the first that
// ends above `from`: the number copied (fewer than max: there are no more).
unsigned vm_regions_view(Vmspace* vm, uint64_t from, VmRegionView* out, unsigned max);

struct VmUsage {
  uint64_t mapped_bytes;    // the regions' sizes, guard pages not counted
  uint64_t resident_pages;  // pages its tables map
};
VmUsage vm_usage(Vmspace* vm);
