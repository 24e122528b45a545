// The hardware side of user address spaces: loading TTBR0, TLB maintenance by
// ASID, and whole-page copy and clear. The user page tables (arch/user_pt.h) and
// the VM reach the MMU only through these; the host tests supply stand-ins with
// the same names.
//
// TLB rules (docs/vm.md has the reasoning):
//  - a user entry that loses permissions or changes its output address is
//    invalidated on every CPU (inner-shareable TLBI by VA and ASID) before the
//    change is relied on; an output-address change goes invalid -> TLBI -> new
//    (break-before-make);
//  - an entry that only gains permissions is not flushed: another CPU may take
//    one spurious fault on its stale entry, and the fault path drops that entry
//    with a local TLBI;
//  - fork write-protects the parent wholesale and then flushes its ASID once;
//  - "every CPU" is every CPU whose TLB may hold the space's entries: when that
//    is this CPU alone (UserPt::tlb_cpus), the flush is local, not broadcast.
#pragma once
#include <arch/cpu.h>
#include <arch/pte.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/mm/phys.h"

namespace arch {

// Makes TTBR0 walk `root` with `asid` on this CPU. The first call on a CPU also
// turns TTBR0 walks on (the boot code leaves TCR_EL1.EPD0 set). IRQs masked or
// preemption off: the caller records which space this CPU now has loaded.
void user_ttbr0_load(paddr_t root, uint16_t asid);
// Back to the empty table with ASID 0: nothing below the kernel half translates.
void user_ttbr0_unload();

inline void user_tlb_flush_asid(uint16_t asid) { tlb_flush_asid(asid); }
// Every cached level for va (walk caches included), all CPUs.
inline void user_tlb_flush_page(uint64_t va, uint16_t asid) { tlb_flush_va_asid(va, asid); }
// The last-level entry for va only, all CPUs.
inline void user_tlb_flush_leaf(uint64_t va, uint16_t asid) { tlb_flush_leaf_va_asid(va, asid); }
// This CPU only (after a spurious fault).
inline void user_tlb_flush_local(uint64_t va, uint16_t asid) { tlb_flush_va_asid_local(va, asid); }

// The flushes of one space, given `cpus`, its UserPt::tlb_cpus: the CPUs that
// have ever had it loaded (only their TLBs and walk caches can hold its
// entries; its ASID is flushed everywhere before it is used again). When that
// is this CPU alone, a local TLBI does: no broadcast to the other CPUs (each of
// which, on QEMU, stops every vCPU). IRQs are masked from the look to the TLBI,
// so the CPU looked at is the one flushed.
//
// Why a CPU that loads the space just after the look cannot cache an entry
// from before the change: the flusher's table stores complete (DSB) before it
// reads the mask, and a loader's bit is set and complete (DSB) before it first
// walks the space (user_tlb_note_loaded). Either the flusher sees the bit (and
// broadcasts) or the loader's walks see the new entries.
inline bool user_tlb_only_here(const uint32_t* cpus) {
  asm volatile("dsb ish" ::: "memory");
  uint32_t others = __atomic_load_n(cpus, __ATOMIC_RELAXED) & ~(1u << hw_cpu_index());
  return others == 0;
}
// One flush of a space: `local` when only this CPU may hold its entries,
// else `everywhere`, IRQs masked from the look to the TLBI.
template <typename Local, typename Everywhere>
inline void user_tlb_flush_in(const uint32_t* cpus, Local local, Everywhere everywhere) {
  uint64_t irq = irq_save();
  if (user_tlb_only_here(cpus))
    local();
  else
    everywhere();
  irq_restore(irq);
}
inline void user_tlb_flush_asid_in(const uint32_t* cpus, uint16_t asid) {
  user_tlb_flush_in(
      cpus, [=] { tlb_flush_asid_local(asid); }, [=] { tlb_flush_asid(asid); });
}
inline void user_tlb_flush_page_in(const uint32_t* cpus, uint64_t va, uint16_t asid) {
  user_tlb_flush_in(
      cpus, [=] { tlb_flush_va_asid_local(va, asid); }, [=] { tlb_flush_va_asid(va, asid); });
}
inline void user_tlb_flush_leaf_in(const uint32_t* cpus, uint64_t va, uint16_t asid) {
  user_tlb_flush_in(
      cpus, [=] { tlb_flush_leaf_va_asid_local(va, asid); },
      [=] { tlb_flush_leaf_va_asid(va, asid); });
}
// Before this CPU first loads a space: its bit in the space's tlb_cpus (IRQs
// masked or preemption off, as for user_ttbr0_load).
inline void user_tlb_note_loaded(uint32_t* cpus) {
  uint32_t bit = 1u << hw_cpu_index();
  if (__atomic_load_n(cpus, __ATOMIC_RELAXED) & bit) return;
  __atomic_or_fetch(cpus, bit, __ATOMIC_SEQ_CST);
  asm volatile("dsb ish" ::: "memory");
}

}  // namespace arch

extern "C" {
// Copies / clears one 4 KiB page (both page-aligned). The copy uses SIMD
// loads and stores; it saves and restores the SIMD registers it touches (the
// file may hold a thread's live state, switched lazily) and masks IRQs meanwhile.
void arch_page_copy(void* dst, const void* src);
void arch_page_zero(void* dst);
// Makes instructions written through the linear map at [kva, kva + len)
// visible to instruction fetch on every CPU (clean to PoU, invalidate I-caches).
void arch_icache_sync(const void* kva, size_t len);
}
