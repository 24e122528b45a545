// The map entries of an address space: disjoint page-aligned ranges, each with
// a protection and a kind, kept in address order in a doubly linked list (a
// process has a handful; the fault path finds its entry through a one-entry
// cache first). Not synchronised: the owning vmspace's lock guards a RegionMap.
//
// Changes that split an entry need new entries; the caller reserves them first
// (RegionSpares), so a change either happens whole or fails before touching
// anything. A map's entries come from a few slots inside the map itself
// while they last (a fork copies a typical program's map without an
// allocation), then from kmalloc; RegionMap::alloc and free are safe without
// the space's lock, as entries are made before it is taken and freed after.
#pragma once
#include <stdint.h>

#include "kernel/vm/anon.h"

enum class RegionKind : uint8_t {
  kImage,  // a PT_LOAD segment of the program
  kHeap,   // brk
  kStack,  // the main thread's stack
  kGuard,  // never mapped: the gap below the stack
  kMmap,   // anonymous mmap
};
const char* region_kind_name(RegionKind k);

struct VmRegion {
  uint64_t start;
  uint64_t end;   // exclusive
  unsigned prot;  // kUProt* (PROT_* values)
  RegionKind kind;
  bool shared;         // MAP_SHARED: pages in obj, shared with forked children
  bool wipe_on_fork;   // MADV_WIPEONFORK: a forked child finds it empty (zero-filled)
  AnonObject* obj;     // shared mappings: the object (one reference per region)
  uint64_t obj_pgoff;  // index in obj of the page at start
  VmRegion* prev;
  VmRegion* next;
};

// Entries reserved for one change (a split needs one, a range with two cut
// ends two, mremap's source three). Unused ones are freed when it goes out of
// scope.
class RegionMap;
class RegionSpares {
 public:
  explicit RegionSpares(RegionMap& map) : map_(map) {}
  ~RegionSpares();
  RegionSpares(const RegionSpares&) = delete;
  RegionSpares& operator=(const RegionSpares&) = delete;
  [[nodiscard]] bool reserve(unsigned n);  // n <= kMax; false: out of memory
  VmRegion* take();                        // nullptr when none left

 private:
  static constexpr unsigned kMax = 3;
  RegionMap& map_;  // whose entries they are
  VmRegion* n_[kMax] = {};
};

// Entries alive in every map, for the leak checks.
uint64_t region_live_count();

// The most entries one map may have (Linux's vm.max_map_count is 65,530): a
// program cannot pin more than this much of the kernel's memory in region
// entries, however it maps, splits and unmaps. Beyond it, mmap, mprotect and
// munmap give -ENOMEM, as on Linux.
inline constexpr unsigned kMaxRegions = 8192;

class RegionMap {
 public:
  RegionMap() = default;
  RegionMap(const RegionMap&) = delete;
  RegionMap& operator=(const RegionMap&) = delete;

  // A zeroed entry for this map (linked later, or given back with free), or
  // nullptr on no memory.
  [[nodiscard]] VmRegion* alloc();
  // Gives back an entry of this map's, linked no more (nullptr: nothing);
  // releases its object reference too.
  void free(VmRegion* r);
  // Frees a chain from unlink_range / unlink_all.
  void free_chain(VmRegion* chain);

  VmRegion* first() const { return head_; }
  unsigned count() const { return count_; }
  // The entry holding va, or nullptr.
  VmRegion* find(uint64_t va);
  // True when no entry overlaps [start, end).
  bool is_free(uint64_t start, uint64_t end) const;
  // Links r, which overlaps no entry.
  void insert(VmRegion* r);
  // Splits the entry holding va strictly inside it into [start, va) and
  // [va, end), with an entry from spares; false if none was left or the map
  // is full (kMaxRegions).
  [[nodiscard]] bool split_at(uint64_t va, RegionSpares& spares);
  // Unlinks every entry inside [start, end) (the caller split the ends first)
  // and returns them chained by `next`.
  VmRegion* unlink_range(uint64_t start, uint64_t end);
  // Unlinks everything (chained by `next`).
  VmRegion* unlink_all();
  // The highest address a with [a, a + len) free and inside [lo, hi), or 0.
  uint64_t find_gap_top_down(uint64_t len, uint64_t lo, uint64_t hi) const;
  // Makes this map (empty) a copy of `from`; shared objects gain a reference
  // per copied entry. False on no memory (this map then holds a partial copy).
  [[nodiscard]] bool copy_from(const RegionMap& from);
  // Merges r with its neighbours where they are the same mapping continued.
  void merge_around(VmRegion* r);
  // Merges every pair of neighbours that are the same mapping continued.
  void coalesce();
  // Checks order, alignment and the counters; false on the first problem.
  bool verify() const;

 private:
  static constexpr unsigned kInlineRegions = 8;

  // r takes in its successor, the same mapping continued, which goes.
  void absorb_next(VmRegion* r);

  VmRegion* head_ = nullptr;
  VmRegion* tail_ = nullptr;
  VmRegion* hint_ = nullptr;  // last entry find() returned
  unsigned count_ = 0;
  uint32_t inline_used_ = 0;  // atomic: bit i set while inline_[i] is handed out
  VmRegion inline_[kInlineRegions];
};
