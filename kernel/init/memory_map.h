// Usable RAM = the memory ranges minus the reserved ones, page aligned, sorted.
#pragma once
#include <stddef.h>

#include "kernel/mm/phys.h"

// Writes up to out_max ranges to out; returns how many. Ranges below `floor`
// or above `ceiling` are cut off (e.g. memory the boot map does not cover).
size_t usable_memory(const PhysRange* memory, size_t n_memory, const PhysRange* reserved,
                     size_t n_reserved, paddr_t floor, paddr_t ceiling, PhysRange* out,
                     size_t out_max);
