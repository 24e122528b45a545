// Malloc types, as in DragonFly's kmalloc(size, type, flags): every kernel heap
// allocation names what it is for. Each type is a zone of its own (its own slabs,
// so kfree can check an object against the type it is freed as) with counters
// tests can read and a fault plan that makes chosen allocations fail.
//
//   MALLOC_DECLARE(M_FOO);                       // in a header
//   MALLOC_DEFINE(M_FOO, "foo", "foo records");  // in one .cpp, `static` allowed
//
// A type joins the registry (lookup by name, iteration) when kmalloc_init() runs
// for the built-in ones below, or at its first allocation for the others.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include <arch/cpu.h>

#include "kernel/mm/fault_plan.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/size_classes.h"
#include "kernel/sync/spinlock.h"

// Counters of one type. Bytes are usable sizes (size class or page block), so
// they add up to the memory the type actually holds.
struct MallocStats {
  uint64_t inuse_bytes = 0;
  uint64_t inuse_objects = 0;
  uint64_t peak_bytes = 0;  // highest inuse_bytes since init or malloc_type_reset_peak
  uint64_t peak_objects = 0;
  uint64_t total_allocs = 0;  // successful kmalloc calls
  uint64_t total_frees = 0;
  uint64_t failures = 0;  // kmalloc calls that returned nullptr, injected ones included
  uint64_t injected_failures = 0;
  uint64_t pages = 0;  // pages held in slabs and large blocks
  uint64_t slabs = 0;
  // Freed objects waiting in the debug kernel's quarantine (kmalloc.h): no
  // longer in use, not yet reusable.
  uint64_t quarantined_objects = 0;
  uint64_t quarantined_bytes = 0;
};

// A type's slabs of one size class with a free object, most recently useful
// first, fully free ones last. Full slabs are on no list until an object is freed.
struct SlabList {
  Page* head = nullptr;
  Page* tail = nullptr;
  uint32_t slabs = 0;  // all slabs of the class, full ones included
  uint32_t empty = 0;  // slabs with no object handed out
};

extern LockClass g_malloc_type_class;

// One CPU's magazine of a type: up to kMagazineSize objects of one size class
// that this CPU freed, handed out again by its kmalloc without the type's
// lock (kmalloc.cpp). Only its own CPU changes it, with IRQs masked; anyone
// may read the counters, which are this CPU's share of the type's in-use and
// total counts (a share may be negative), and n and obj, which a kfree that
// finds the magazine tag reads to confirm a double free.
inline constexpr unsigned kMagazineSize = 4;
struct Magazine {
  uint8_t cls = 0;
  uint8_t n = 0;
  void* obj[kMagazineSize] = {};
  int64_t objects = 0;  // atomic (relaxed)
  int64_t bytes = 0;    // atomic (relaxed)
  uint64_t allocs = 0;  // atomic (relaxed)
  uint64_t frees = 0;   // atomic (relaxed)
};

struct MallocType {
  constexpr MallocType(const char* n, const char* d, PageUse use = PageUse::KernelHeap)
      : name(n), desc(d), page_use(use) {}
  MallocType(const MallocType&) = delete;
  MallocType& operator=(const MallocType&) = delete;

  const char* const name;  // short name, for lookup
  const char* const desc;
  const PageUse page_use;  // how its pages are counted by the page allocator

  SpinLock lock{g_malloc_type_class};
  MallocStats stats;                // guarded by lock
  SlabList slabs[kNumSizeClasses];  // guarded by lock
  FaultPlan fault;                  // lock-free
  Magazine mags[arch::kMaxCpus];    // per CPU, see Magazine
  MallocType* next = nullptr;       // registry link, set once when registered
  bool registered = false;          // atomic
};

#define MALLOC_DECLARE(type) extern MallocType type[1]
#define MALLOC_DEFINE(type, shortdesc, longdesc) \
  constinit MallocType type[1] = {{shortdesc, longdesc}}
#define MALLOC_DEFINE_USE(type, shortdesc, longdesc, use) \
  constinit MallocType type[1] = {{shortdesc, longdesc, use}}

MALLOC_DECLARE(M_TEMP);      // short-lived buffers
MALLOC_DECLARE(M_PROC);      // struct proc
MALLOC_DECLARE(M_LWP);       // struct lwp
MALLOC_DECLARE(M_SUBPROC);   // per-process substructures (sigacts copies, ...)
MALLOC_DECLARE(M_UCRED);     // credentials
MALLOC_DECLARE(M_SIGACTS);   // signal actions
MALLOC_DECLARE(M_FILEDESC);  // open file tables
MALLOC_DECLARE(M_VMSPACE);   // address spaces
// Each process's counted reference to its space (VmRef): a type of its own,
// as a per-CPU magazine keeps one size class, and a fork makes and frees one
// Vmspace and one VmRef.
MALLOC_DECLARE(M_VMREF);
MALLOC_DECLARE(M_PGRP);     // process groups
MALLOC_DECLARE(M_SESSION);  // sessions
MALLOC_DECLARE(M_ATFORK);   // at-fork callbacks
MALLOC_DECLARE(M_THREAD);   // kernel threads
MALLOC_DECLARE(M_KSTACK);   // kernel stacks (pages counted as KernelStack)
MALLOC_DECLARE(M_PTABLE);   // page-table memory (pages counted as PageTable)

// Adds a type to the registry if it is not there yet.
void malloc_type_register(MallocType* type);
// Registered type with this short name, or nullptr.
MallocType* malloc_type_find(const char* name);
// Calls fn for every registered type, most recently registered first.
void malloc_types_for_each(void (*fn)(MallocType& type, void* ctx), void* ctx);
// A consistent copy of a type's counters.
MallocStats malloc_type_stats(MallocType* type);
// Starts the peaks over from the current use.
void malloc_type_reset_peak(MallocType* type);
