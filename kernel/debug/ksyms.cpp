#include "kernel/debug/ksyms.h"

// Layout written by tools/gen_ksyms.py.
struct KsymEntry {
  uint64_t addr;
  uint32_t name_off;
  uint32_t size;
};

extern "C" const char __ksyms_start[];

namespace {
uint64_t count() { return *reinterpret_cast<const uint64_t*>(__ksyms_start); }
const KsymEntry* entries() { return reinterpret_cast<const KsymEntry*>(__ksyms_start + 8); }
const char* names() { return reinterpret_cast<const char*>(entries() + count()); }
}  // namespace

uint64_t ksym_count() { return count(); }

const char* ksym_lookup(uint64_t addr, uint64_t* offset) {
  uint64_t n = count();
  if (n == 0) return nullptr;
  const KsymEntry* e = entries();
  if (addr < e[0].addr) return nullptr;
  uint64_t lo = 0, hi = n;  // find the last entry with e.addr <= addr
  while (hi - lo > 1) {
    uint64_t mid = lo + (hi - lo) / 2;
    if (e[mid].addr <= addr)
      lo = mid;
    else
      hi = mid;
  }
  if (e[lo].size && addr >= e[lo].addr + e[lo].size) return nullptr;
  *offset = addr - e[lo].addr;
  return names() + e[lo].name_off;
}
