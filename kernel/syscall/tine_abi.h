// tine's own debugging calls (numbers 2000+, docs/user-abi.md). The user
// library declares the same structures (user/include/tine.h); the layouts are
// part of the ABI and only ever grow at the end.
#pragma once
#include <stdint.h>

// tine_kstat(struct tine_kstat* out, size_t size, unsigned flags) = 2000:
// copies min(size, sizeof) bytes of kernel resource counters; returns the
// number of bytes the kernel knows (sizeof), or -EFAULT.
inline constexpr unsigned kKstatSettle = 1;  // flags: return cached pages and empty slabs first

inline constexpr unsigned kKstatMaxZones = 24;

struct TineKstatZone {
  char name[16];
  uint64_t inuse_objects;
  uint64_t inuse_bytes;
};

struct TineKstat {
  // Pages.
  uint64_t managed_pages;
  uint64_t free_pages;    // buddy lists and per-CPU caches
  uint64_t user_pages;    // PageUse::User
  uint64_t pt_pages;      // PageUse::PageTable (user tables and the kernel stack area's)
  uint64_t heap_pages;    // PageUse::KernelHeap
  uint64_t kstack_pages;  // PageUse::KernelStack
  // VM objects.
  uint64_t user_pt_pages;  // page-table pages of user spaces
  uint64_t asids_in_use;
  uint64_t asid_capacity;
  uint64_t vmspaces;
  uint64_t regions;
  uint64_t anon_objects;
  uint64_t procs;
  uint64_t threads;  // kernel threads alive (0 without a scheduler)
  // Event counters (monotonic).
  uint64_t faults;
  uint64_t zero_fills;
  uint64_t cow_copies;
  uint64_t cow_reuses;
  uint64_t tables_shared;
  uint64_t tables_copied;
  uint64_t table_unshares;
  uint64_t table_claims;
  uint64_t spurious_faults;
  uint64_t forks;
  uint64_t syscalls;
  // kmalloc zones (malloc types) in use.
  uint64_t nzones;
  TineKstatZone zones[kKstatMaxZones];
};

// tine_vmctl(op, arg) = 2001.
enum : uint64_t {
  kVmctlGetForkMode = 1,  // 0 = share L3 tables (default), 1 = copy every PTE
  kVmctlSetForkMode = 2,  // arg: the mode; returns the previous one
  kVmctlDump = 3,         // prints the calling process's regions on the console
};
