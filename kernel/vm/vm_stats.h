// The VM's global counters (internal to kernel/vm; read them through vm_stats()).
#pragma once
#include <stdint.h>

struct VmCounters {
  uint64_t spaces_live;
  uint64_t spaces_created;
  uint64_t faults;
  uint64_t zero_fills;
  uint64_t forks;
};
extern VmCounters g_vm_count;

inline void vm_count(uint64_t& c, int64_t n = 1) {
  __atomic_add_fetch(&c, static_cast<uint64_t>(n), __ATOMIC_RELAXED);
}
inline uint64_t vm_read(const uint64_t& c) { return __atomic_load_n(&c, __ATOMIC_RELAXED); }
