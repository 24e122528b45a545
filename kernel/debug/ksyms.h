// The kernel's own function symbols (appended to the image at build time).
#pragma once
#include <stdint.h>

// Name of the function containing addr and the offset into it, or nullptr.
const char* ksym_lookup(uint64_t addr, uint64_t* offset);
uint64_t ksym_count();
