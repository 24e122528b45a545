// Address spaces. A Vmspace is what a process runs in: its map entries
// (regions), its page tables with their ASID, and its heap break. It is
// reference counted: every process holds one reference, and processes made by
// rfork(RFMEM) (vfork, threads sharing memory) hold the same one. The last
// release tears everything down: pages, tables, ASID.
//
// The fork path (fork1 -> vm_fork, as in DragonFly) gets the child's space from
// vm_fork(parent, flags): the parent's own, held once more, under RFMEM, else a
// copy-on-write copy. A thread runs user code in a space after
// vmspace_activate() on its CPU; copyin/copyout (kernel/vm/copy.h) and the
// return to EL0 make sure the running thread's space is the loaded one.
#pragma once
#include <arch/user_pt.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/sync/spinlock.h"
#include "kernel/vm/image.h"
#include "kernel/vm/region.h"

// DragonFly's rfork flag that shares the address space (sys/unistd.h).
inline constexpr int kRfMem = 1 << 5;

struct Vmspace {
  uint32_t refs;  // holders: processes (atomic)
  SpinLock lock;  // guards everything below but loaded_on
  arch::UserPt pt;
  RegionMap regions;
  uint64_t brk_base;       // start of the heap (page-aligned); 0 until exec sets it
  uint64_t brk;            // the break: the heap is [brk_base, page_round_up(brk))
  VmImage* image;          // the program's read-only pages (held), or nullptr
  uint32_t loaded_on;      // CPUs with these tables in TTBR0 (atomic bit mask)
  bool some_wipe_on_fork;  // a region has had MADV_WIPEONFORK (fork looks for them)

  explicit Vmspace(LockClass& cls) : lock(cls) {}
};

// An empty space (page tables and an ASID, no regions) with one reference, or
// nullptr. Its pages and tables are charged to payer (held while the space
// lives; nullptr: to no one), kernel/mm/mem_account.h.
[[nodiscard]] Vmspace* vmspace_create(MemAccount* payer);
void vmspace_hold(Vmspace* vm);
// The process that runs in vm changed its real uid: what vm allocates from
// now on is charged to payer (held; the old payer keeps what it paid for).
void vmspace_set_payer(Vmspace* vm, MemAccount* payer);
// vm's payer, held for the caller (who releases it), or nullptr.
MemAccount* vmspace_payer_hold(Vmspace* vm);
// Drops a reference; the last one unloads the space from every CPU (waiting
// for the others by IPI) and frees it: call it with IRQs enabled and no
// spinlock held.
void vmspace_release(Vmspace* vm);
uint32_t vmspace_refs(const Vmspace* vm);

struct VmForkResult {
  Vmspace* vm;  // the child's space (the parent's under RFMEM), or nullptr
  int error;    // 0 or -errno
};
// The child's address space for a fork with rfork flags `flags`; a copy is
// charged to payer (the forking process's account).
[[nodiscard]] VmForkResult vm_fork(Vmspace* parent, int flags, MemAccount* payer);

// How vm_fork copies page tables (a benchmark switch; share is the default).
void vm_set_fork_mode(arch::UptForkMode mode);
arch::UptForkMode vm_fork_mode();

// Loads vm's tables on this CPU (nullptr: none). Cheap when already loaded.
void vmspace_activate(Vmspace* vm);
// The space loaded on this CPU (meaningful with preemption off).
Vmspace* vmspace_loaded();
// Makes sure no CPU still has vm loaded (IPIs the others). IRQs enabled.
void vmspace_unload_everywhere(Vmspace* vm);

// The running thread's space (the process layer provides it), or nullptr for a
// kernel thread.
Vmspace* curvmspace();

// --- Mappings. Each takes vm->lock; results are 0 or -errno. ---

enum class VmFault : uint8_t {
  kOk,        // retry the access
  kNoEntry,   // no mapping there (SIGSEGV, SEGV_MAPERR)
  kAccess,    // the mapping forbids the access (SIGSEGV, SEGV_ACCERR)
  kNoMemory,  // could not allocate (the process is killed: SIGBUS here)
};
// Exec, on a new space: room for `npages` pages of the program's read-only
// segments in the space's image (kernel/vm/image.h).
[[nodiscard]] int vm_image_reserve(Vmspace* vm, uint32_t npages);
// Exec: maps `page` at va, inside a region and with its protection, as a
// pinned page of the image, which takes over the caller's reference (also on
// failure).
[[nodiscard]] int vm_map_image_page(Vmspace* vm, uint64_t va, Page* page);

// Resolves a fault at va: demand-zero, shared-object page, copy-on-write.
[[nodiscard]] VmFault vm_fault(Vmspace* vm, uint64_t va, arch::UptAccess access);

// A region [start, start + len) of `kind` where nothing is mapped yet.
[[nodiscard]] int vm_map_fixed(Vmspace* vm, uint64_t start, uint64_t len, unsigned prot,
                               RegionKind kind, bool shared);
// Writes bytes into vm at va (mapped by vm_map_fixed, whatever its protection),
// allocating its pages; for the loader, before any thread runs in vm.
[[nodiscard]] int vm_write(Vmspace* vm, uint64_t va, const void* src, size_t n, bool exec);
// Starts the heap at base (page-aligned), empty.
void vm_set_heap(Vmspace* vm, uint64_t base);

// mmap flags understood (Linux values).
enum : unsigned {
  kMapShared = 0x01,
  kMapPrivate = 0x02,
  kMapFixed = 0x10,
  kMapAnonymous = 0x20,
  kMapFixedNoReplace = 0x100000,
};
// Anonymous mmap; *out gets the address.
[[nodiscard]] int vm_mmap(Vmspace* vm, uint64_t addr, uint64_t len, unsigned prot, unsigned flags,
                          uint64_t* out);
[[nodiscard]] int vm_munmap(Vmspace* vm, uint64_t addr, uint64_t len);
[[nodiscard]] int vm_mprotect(Vmspace* vm, uint64_t addr, uint64_t len, unsigned prot);
// madvise (Linux's advice values; docs/user-abi.md): 0 or -errno.
[[nodiscard]] int vm_madvise(Vmspace* vm, uint64_t addr, uint64_t len, int advice);
// msync (Linux's flags: MS_ASYNC 1, MS_INVALIDATE 2, MS_SYNC 4): anonymous
// memory has nothing to write back, so it only checks. 0 or -errno.
[[nodiscard]] int vm_msync(Vmspace* vm, uint64_t addr, uint64_t len, unsigned flags);
// mincore's answer for npages pages from addr (page-aligned): vec[i] = 1 when
// page i is in memory (mapped here, or in a shared mapping's object), else 0.
// -ENOMEM when a page in the range has no region; *filled says how many
// pages before it were answered (all of them on success).
[[nodiscard]] int vm_mincore(Vmspace* vm, uint64_t addr, uint64_t npages, uint8_t* vec,
                             uint64_t* filled);
// mremap flags (Linux values).
enum : unsigned { kMremapMaymove = 1, kMremapFixed = 2, kMremapDontunmap = 4 };
// mremap: *out gets the mapping's address. 0 or -errno.
[[nodiscard]] int vm_mremap(Vmspace* vm, uint64_t addr, uint64_t old_len, uint64_t new_len,
                            unsigned flags, uint64_t new_addr, uint64_t* out);
// Linux brk: sets the break when it can, and returns the break in force.
uint64_t vm_brk(Vmspace* vm, uint64_t new_brk);

// What a futex word at va is, for futexes that other spaces may share: in a
// shared mapping, the object's id and the word's byte offset in it (true);
// elsewhere nothing (false: the space and the address name the word).
// -EFAULT when nothing is mapped at va.
[[nodiscard]] int vm_shared_word(Vmspace* vm, uint64_t va, uint64_t* object_id, uint64_t* offset,
                                 bool* shared);

// Counters of the whole VM, for the debug syscall and the tests.
struct VmStats {
  uint64_t spaces_live;
  uint64_t spaces_created;
  uint64_t regions_live;
  uint64_t anon_objects_live;
  uint64_t faults;
  uint64_t zero_fills;
  uint64_t forks;
};
VmStats vm_stats();

// Prints the regions of vm (debugging).
void vm_dump(Vmspace* vm);
