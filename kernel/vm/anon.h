// Anonymous memory object behind a shared mapping (mmap MAP_SHARED|MAP_ANONYMOUS).
// A shared mapping must show every write to every space that maps it, including
// pages first touched after a fork, so its pages live here, by page index, and
// the page tables of each space map them (each mapping holding its own page
// reference). Private anonymous memory needs no object: its pages live in the
// page tables alone and fork shares them copy-on-write.
#pragma once
#include <stdint.h>

#include "kernel/mm/page_alloc.h"
#include "kernel/sync/spinlock.h"

struct MemAccount;

struct AnonObject {
  uint32_t refs;  // regions that name it (atomic)
  uint64_t id;    // never reused: what a shared futex on its pages is keyed by
  uint64_t npages;
  SpinLock lock;      // guards pages[]
  Page** pages;       // npages entries; nullptr = not touched yet
  MemAccount* payer;  // pays for the pages and the index (held), or nullptr

  explicit AnonObject(LockClass& cls) : lock(cls) {}
};

inline constexpr uint64_t kAnonMaxPages = uint64_t{1} << 19;  // 2 GiB

// An object of npages untouched pages with one reference, or nullptr (also
// when payer cannot be charged for its page index). Its pages and index are
// charged to payer (nullptr: no one).
[[nodiscard]] AnonObject* anon_create(uint64_t npages, MemAccount* payer);
void anon_hold(AnonObject* obj);
// Drops a reference; the last one frees the object and its pages' references.
void anon_release(AnonObject* obj);
// Page `index` (allocated zeroed on first use) with one new reference for the
// caller, or nullptr when no page can be had.
[[nodiscard]] Page* anon_get_page(AnonObject* obj, uint64_t index);

uint64_t anon_live_objects();
