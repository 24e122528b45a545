// AArch64 translation table descriptors, 4 KiB granule: the kernel's half has
// 48-bit VAs (four levels, L0..L3), user spaces 39 bits (L1..L3, arch/user_pt.h). Bit positions from the Arm ARM (DDI 0487), D8.3 "Translation table
// descriptor formats". Used by the kernel's own mappings and by user page tables.
#pragma once
#include <stdint.h>

namespace arch {

using pte_t = uint64_t;

inline constexpr unsigned kPtEntries = 512;
inline constexpr uint64_t kPteAddrMask = 0x0000fffffffff000ull;  // output address, bits 47:12

// Descriptor type, bits 1:0.
inline constexpr pte_t kPteValid = 1ull << 0;
inline constexpr pte_t kPteTable = 3ull << 0;  // L0-L2: next-level table
inline constexpr pte_t kPtePage = 3ull << 0;   // L3: page
inline constexpr pte_t kPteBlock = 1ull << 0;  // L1/L2: block

// Lower attributes (block and page descriptors).
inline constexpr unsigned kPteAttrIndxShift = 2;    // MAIR index, bits 4:2
inline constexpr pte_t kPteApUser = 1ull << 6;      // AP[1]: EL0 access
inline constexpr pte_t kPteApReadOnly = 1ull << 7;  // AP[2]: read-only at every EL
inline constexpr pte_t kPteShInner = 3ull << 8;     // SH: inner shareable
inline constexpr pte_t kPteAf = 1ull << 10;         // access flag (no AF faults wanted)
inline constexpr pte_t kPteNg = 1ull << 11;         // not global: tagged with the ASID
// Upper attributes.
inline constexpr pte_t kPteDbm = 1ull << 51;  // (software use here; no HW DBM on A72)
inline constexpr pte_t kPtePxn = 1ull << 53;  // never executable at EL1
inline constexpr pte_t kPteUxn = 1ull << 54;  // never executable at EL0
inline constexpr unsigned kPteSwShift = 55;   // bits 58:55 are for software
inline constexpr pte_t kPteSw0 = 1ull << 55;
inline constexpr pte_t kPteSw1 = 1ull << 56;
inline constexpr pte_t kPteSw2 = 1ull << 57;
inline constexpr pte_t kPteSw3 = 1ull << 58;

// Table descriptor attributes (hierarchical; apply to the whole subtree).
inline constexpr pte_t kTablePxn = 1ull << 59;
inline constexpr pte_t kTableUxn = 1ull << 60;
inline constexpr pte_t kTableApNoEl0 = 1ull << 61;     // APTable[0]: no EL0 access below
inline constexpr pte_t kTableApReadOnly = 1ull << 62;  // APTable[1]: read-only below

// MAIR_EL1 indices set up by the boot code (arch/aarch64/boot/boot_defs.h).
inline constexpr unsigned kMtDevice = 0;
inline constexpr unsigned kMtNormal = 1;
inline constexpr unsigned kMtNormalNc = 2;
inline constexpr pte_t pte_attr(unsigned mt) { return static_cast<pte_t>(mt) << kPteAttrIndxShift; }

// Index of va at `level` (0 = the top of a 48-bit tree; a 39-bit one starts at 1).
inline constexpr unsigned pt_index(uint64_t va, unsigned level) {
  return static_cast<unsigned>((va >> (39 - 9 * level)) & 511);
}
inline constexpr uint64_t pte_addr(pte_t e) { return e & kPteAddrMask; }
inline constexpr bool pte_is_table(pte_t e, unsigned level) { return level < 3 && (e & 3) == 3; }

// The operand of a TLBI by address: VA[55:12] in bits 43:0, and for the
// by-ASID forms the ASID in bits 63:48.
inline constexpr uint64_t tlbi_va(uint64_t va) { return (va >> 12) & 0xfffffffffffull; }
inline constexpr uint64_t tlbi_asid(uint16_t asid) { return uint64_t{asid} << 48; }

// TLB maintenance, broadcast to every CPU in the inner-shareable domain.
inline void tlb_flush_all() {
  asm volatile("dsb ishst\n tlbi vmalle1is\n dsb ish\n isb" ::: "memory");
}
inline void tlb_flush_asid(uint16_t asid) {
  asm volatile("dsb ishst\n tlbi aside1is, %0\n dsb ish\n isb" ::"r"(tlbi_asid(asid)) : "memory");
}
inline void tlb_flush_va_asid(uint64_t va, uint16_t asid) {
  uint64_t arg = tlbi_asid(asid) | tlbi_va(va);
  asm volatile("dsb ishst\n tlbi vae1is, %0\n dsb ish\n isb" ::"r"(arg) : "memory");
}
// Last-level entries only (a page descriptor changed; table entries above it did not).
inline void tlb_flush_leaf_va_asid(uint64_t va, uint16_t asid) {
  uint64_t arg = tlbi_asid(asid) | tlbi_va(va);
  asm volatile("dsb ishst\n tlbi vale1is, %0\n dsb ish\n isb" ::"r"(arg) : "memory");
}
// This CPU only: the same three, for a space no other CPU has ever had loaded.
inline void tlb_flush_asid_local(uint16_t asid) {
  asm volatile("dsb nshst\n tlbi aside1, %0\n dsb nsh\n isb" ::"r"(tlbi_asid(asid)) : "memory");
}
inline void tlb_flush_leaf_va_asid_local(uint64_t va, uint16_t asid) {
  uint64_t arg = tlbi_asid(asid) | tlbi_va(va);
  asm volatile("dsb nshst\n tlbi vale1, %0\n dsb nsh\n isb" ::"r"(arg) : "memory");
}
// This CPU only: drops a stale entry that a spurious fault ran into (permissions
// were relaxed without a broadcast flush, which the architecture allows); also
// the local form of tlb_flush_va_asid.
inline void tlb_flush_va_asid_local(uint64_t va, uint16_t asid) {
  uint64_t arg = tlbi_asid(asid) | tlbi_va(va);
  asm volatile("dsb nshst\n tlbi vae1, %0\n dsb nsh\n isb" ::"r"(arg) : "memory");
}
// Kernel (global) mappings: any ASID.
inline void tlb_flush_kernel_va(uint64_t va) {
  uint64_t arg = tlbi_va(va);
  asm volatile("dsb ishst\n tlbi vaae1is, %0\n dsb ish\n isb" ::"r"(arg) : "memory");
}

}  // namespace arch
