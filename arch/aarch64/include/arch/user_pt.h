// User page tables: one three-level translation tree per user address space,
// walked through TTBR0 with the space's ASID (the kernel lives in TTBR1 and no
// user table ever maps it). The VM (kernel/vm) decides what is mapped where;
// this layer keeps the tree, the per-page reference counts of what it maps and
// copy-on-write.
//
// Ownership: every valid page entry holds one reference on its page (Page::
// refcount), and that reference belongs to the last-level (L3) table holding
// the entry; except a pinned entry (kUptSwPinned), whose page is kept alive by
// an owner that outlives every table of the spaces mapping it (the space's
// exec image, kernel/vm/image.h, or the signal trampoline page, never freed),
// so that copying and releasing a table costs nothing for it. An L3 table may be shared by several spaces after a fork: its own
// Page::refcount counts the L2 entries that point at it, and every such L2
// entry carries APTable "read-only", so no space can write through a shared
// table. Page::inuse of every table page counts its valid entries.
//
// Software bits in page entries: kUptSwWrite says the mapping is writable (the
// hardware bit may be off while the page is copy-on-write); kUptSwShared marks a
// page of a shared mapping, which is never made copy-on-write; kUptSwPinned a
// page the entry holds no reference on, which a write (after mprotect) always
// copies: its owner may share it with any number of spaces.
//
// Locking: the owning space's lock (the VM's) is held for every call on a
// UserPt, except upt_destroy on a space nobody else can see. A shared L3 table
// is only ever read, or has write permission taken away from entries (an
// idempotent store), by the spaces sharing it; it is changed otherwise only by
// a space that holds the sole reference.
#pragma once
#include <arch/pte.h>
#include <stdint.h>

#include "kernel/mm/page_alloc.h"

namespace arch {

// TTBR0 translates [0, kUserVaTop), 39 bits (TCR_EL1.T0SZ = 25, as the
// Raspberry Pi OS kernels have it): three levels of tables, the walk starting
// at an L1 root. A fork copies two upper tables fewer than with 48 bits.
// Everything above is the kernel's half or a hole.
inline constexpr unsigned kUserVaBits = 39;
inline constexpr uint64_t kUserVaTop = uint64_t{1} << kUserVaBits;
inline constexpr unsigned kUserRootLevel = 1;

// Logical protection: the values of Linux's PROT_* bits.
inline constexpr unsigned kUProtNone = 0;
inline constexpr unsigned kUProtRead = 1;
inline constexpr unsigned kUProtWrite = 2;
inline constexpr unsigned kUProtExec = 4;
// upt_map flags.
inline constexpr unsigned kUMapShared = 1;  // a shared mapping's page: writes stay shared
inline constexpr unsigned kUMapCow = 2;     // writable, but copy-on-write (hardware read-only)
inline constexpr unsigned kUMapPinned = 4;  // a pinned page: the table takes no reference (above)

inline constexpr pte_t kUptSwWrite = kPteSw0;
inline constexpr pte_t kUptSwShared = kPteSw1;
inline constexpr pte_t kUptSwPinned = kPteSw2;

enum class UptStatus : uint8_t { kOk, kNoMemory, kExists };

enum class UptAccess : uint8_t { kRead, kWrite, kExec };

enum class UptFault : uint8_t {
  kResolved,   // the access can be retried (COW done, write permission back, stale TLB entry)
  kNotMapped,  // no page at that address: the VM fills it or refuses
  kDenied,     // a page is there and its protection forbids the access
  kNoMemory,   // a page or table copy could not be allocated
};

enum class UptForkMode : uint8_t {
  kShareTables,  // L3 tables shared read-only through APTable, copied on first change
  kCopyPtes,     // every L3 table copied at fork, every private writable page write-protected
};

struct UserPt {
  pte_t* root = nullptr;  // the L1 table (kUserRootLevel), through the linear map
  uint16_t asid = 0;
  // The CPUs that have ever had this space loaded, whose TLBs may hold its
  // entries (atomic; set by upt_note_loaded, never cleared): its flushes reach
  // these (arch/user_mmu.h).
  uint32_t tlb_cpus = 0;
  // The account its tables and copy-on-write copies are charged to
  // (kernel/mm/mem_account.h; its owner holds it), or nullptr: no one.
  MemAccount* payer = nullptr;
};

// An empty tree and a fresh ASID; kNoMemory when either cannot be had.
[[nodiscard]] UptStatus upt_create(UserPt* pt);
// Flushes and frees the ASID, drops every table (a shared one only loses a
// reference) and with the last reference of a table the references of its pages.
void upt_destroy(UserPt* pt);
paddr_t upt_root_phys(const UserPt* pt);
// This CPU is about to load pt into TTBR0 (IRQs masked): it joins tlb_cpus.
void upt_note_loaded(UserPt* pt);

// Maps `page` at va (page-aligned, no page mapped there), taking over one
// reference the caller holds (none with kUMapPinned: the caller's owner keeps
// the page alive until the space is destroyed). May allocate tables, or copy a
// shared one.
[[nodiscard]] UptStatus upt_map(UserPt* pt, uint64_t va, Page* page, unsigned prot, unsigned flags);
// Unmaps [start, end) (page-aligned) and drops the page references once no CPU
// can reach the pages any more. kNoMemory (and nothing unmapped) when a shared
// table that the range cuts through could not be copied.
[[nodiscard]] UptStatus upt_unmap(UserPt* pt, uint64_t start, uint64_t end);
// Sets the protection of every page mapped in [start, end); same failure rule.
[[nodiscard]] UptStatus upt_protect(UserPt* pt, uint64_t start, uint64_t end, unsigned prot);
// Maps at [to, to + len) every page mapped at [from, from + len), with one
// more reference each (a pinned page too: the copy is an ordinary entry) and
// protection `prot`: a private page copy-on-write
// (its first write copies it, or takes it over once it has no other
// mapping), a shared mapping's page shared. Nothing may be mapped at the
// destination, which must not overlap the source. kNoMemory when a table
// cannot be had: part of the destination may then be mapped (unmap it).
[[nodiscard]] UptStatus upt_copy_range(UserPt* pt, uint64_t from, uint64_t to, uint64_t len,
                                       unsigned prot);

// Resolves what the tables alone can for an access to va that faulted: a
// copy-on-write write (copy, or write permission back when the page or table
// has one owner left) or a stale TLB entry.
[[nodiscard]] UptFault upt_fault(UserPt* pt, uint64_t va, UptAccess access);

// Fills `child` (fresh from upt_create) with the parent's mappings: private
// writable pages become copy-on-write in both, shared-mapping pages stay shared.
// Flushes the parent's ASID. On kNoMemory the child holds a partial copy that
// upt_destroy releases; the parent is unchanged but for write permissions,
// which come back through faults.
[[nodiscard]] UptStatus upt_fork(UserPt* parent, UserPt* child, UptForkMode mode);

// The page mapped at va, or nullptr; no reference is taken. *prot (if given)
// gets its logical protection, *writable whether the hardware lets it be written now.
Page* upt_lookup(const UserPt* pt, uint64_t va, unsigned* prot = nullptr, bool* writable = nullptr);

// How many pages pt maps (its resident set, as /proc shows it): the valid
// entries of its L3 tables, a shared table's counted in every space sharing it.
uint64_t upt_resident(const UserPt* pt);

// Counters over all user tables, for tests and the benchmarks.
struct UptStats {
  uint64_t table_pages;    // table pages of user spaces alive now, every level
  uint64_t tables_shared;  // L3 tables shared by a fork
  uint64_t tables_copied;  // L3 tables copied entry by entry by a fork (kCopyPtes)
  uint64_t unshares;       // shared L3 tables copied because one sharer changed them
  uint64_t claims;         // shared L3 tables found with one sharer left: APTable cleared
  uint64_t cow_copies;     // pages copied on write
  uint64_t cow_reuses;     // write-protected pages with one owner left: made writable in place
  uint64_t spurious;       // faults on entries already good (stale TLB entries)
  uint64_t maps;           // pages mapped by upt_map
};
UptStats upt_stats();

}  // namespace arch
