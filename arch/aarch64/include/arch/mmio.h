// Device register access. Device memory is mapped nGnRE; accesses are 32-bit
// and ordered by the barriers the callers need (dsb before signalling another agent).
#pragma once
#include <stdint.h>

namespace arch {
inline uint32_t mmio_read32(uintptr_t addr) {
  uint32_t v;
  asm volatile("ldr %w0, [%1]" : "=r"(v) : "r"(addr) : "memory");
  return v;
}
inline void mmio_write32(uintptr_t addr, uint32_t v) {
  asm volatile("str %w0, [%1]" ::"r"(v), "r"(addr) : "memory");
}
}  // namespace arch
