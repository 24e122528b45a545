#include "tests/host/vm/vm_host_env.h"

#include "arch/aarch64/mmu/asid.h"
#include "kernel/vm/vmspace.h"

namespace {
Vmspace* g_current;
}

void VmArena::SetUp() {
  MmArena::SetUp();
  arch::asid_init(16);
  g_current = nullptr;
}

void VmArena::TearDown() { MmArena::TearDown(); }

void host_set_current_space(Vmspace* vm) { g_current = vm; }

// Pieces of kernel/vm that need the machine (vm_activate.cpp) or a process layer.
Vmspace* curvmspace() { return g_current; }
void vmspace_activate(Vmspace*) {}
Vmspace* vmspace_loaded() { return g_current; }
void vmspace_unload_everywhere(Vmspace*) {}

bool pt_store(arch::UserPt* pt, uint64_t va, uint64_t value) {
  for (int tries = 0; tries < 3; ++tries) {
    bool writable = false;
    Page* p = arch::upt_lookup(pt, va, nullptr, &writable);
    if (p && writable) {
      auto* w = reinterpret_cast<uint64_t*>(static_cast<uint8_t*>(page_to_virt(p)) + (va & 4095));
      *w = value;
      return true;
    }
    if (arch::upt_fault(pt, va, arch::UptAccess::kWrite) != arch::UptFault::kResolved) return false;
  }
  return false;
}

bool pt_load(arch::UserPt* pt, uint64_t va, uint64_t* value) {
  unsigned prot = 0;
  Page* p = arch::upt_lookup(pt, va, &prot);
  if (!p || !(prot & arch::kUProtRead)) return false;
  *value = *reinterpret_cast<uint64_t*>(static_cast<uint8_t*>(page_to_virt(p)) + (va & 4095));
  return true;
}
