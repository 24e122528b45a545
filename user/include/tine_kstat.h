/* tine_kstat's record (system call 2000, docs/user-abi.md) and the
 * comparison of two records that tells whether a test gave back what it
 * took. Shared by the tiny library and the static glibc programs' harness:
 * no more than the C library's headers. */
#ifndef TINE_USER_TINE_KSTAT_H
#define TINE_USER_TINE_KSTAT_H

#include <stddef.h>
#include <stdint.h>

#define TINE_KSTAT_SETTLE 1u
#define TINE_KSTAT_MAX_ZONES 24
struct tine_kstat_zone {
  char name[16];
  uint64_t inuse_objects;
  uint64_t inuse_bytes;
};
struct tine_kstat {
  uint64_t managed_pages, free_pages, user_pages, pt_pages, heap_pages, kstack_pages;
  uint64_t user_pt_pages, asids_in_use, asid_capacity, vmspaces, regions, anon_objects, procs,
      threads;
  uint64_t faults, zero_fills, cow_copies, cow_reuses, tables_shared, tables_copied, table_unshares,
      table_claims, spurious_faults, forks, syscalls;
  uint64_t nzones;
  struct tine_kstat_zone zones[TINE_KSTAT_MAX_ZONES];
};

/* Whether the counters that must come back after a test (pages, tables,
 * ASIDs, VM objects, processes, threads, every heap zone's objects) are the
 * same in b as in a; fills why with the differences (as many as fit). */
int kstat_same_resources(const struct tine_kstat* a, const struct tine_kstat* b, char* why,
                         size_t n);

#endif
