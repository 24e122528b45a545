// Fixture for the VM host tests: a fresh allocator (MmArena), a fresh ASID
// allocator, and helpers that act like user accesses on a UserPt.
#pragma once
#include <gtest/gtest.h>

#include <arch/user_pt.h>

#include "tests/host/mm/mm_arena.h"

struct Vmspace;

class VmArena : public MmArena {
 protected:
  void SetUp() override;
  void TearDown() override;
};

// The space curvmspace() reports (the kernel's process layer is not here).
void host_set_current_space(Vmspace* vm);

// A user store/load of one 64-bit word at va, as the MMU and the fault
// handler would do it: if the tables do not allow the access, upt_fault runs
// first. False when the fault is not resolved (the process would die).
bool pt_store(arch::UserPt* pt, uint64_t va, uint64_t value);
bool pt_load(arch::UserPt* pt, uint64_t va, uint64_t* value);
