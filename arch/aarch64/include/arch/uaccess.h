// Kernel access to user memory. The copy routines use the unprivileged loads
// and stores (LDTR/STTR), so the MMU checks every access with EL0's
// permissions: a kernel address, or a user page EL0 may not touch, faults even
// if the range check above them were wrong. A fault in one of them that the VM
// cannot resolve (a missing page is faulted in, a copy-on-write page copied)
// does not crash the kernel: the fault handler moves the PC to the routine's
// fixup, which returns kUaccessFault. The portable wrappers (kernel/vm/copy.h)
// turn that into -EFAULT.
#pragma once
#include <arch/trap_frame.h>
#include <arch/user_pt.h>
#include <stddef.h>
#include <stdint.h>

inline constexpr long kUaccessFault = -14;  // -EFAULT

extern "C" {
// Copy n bytes; 0, or kUaccessFault (part of the bytes may have been copied).
long arch_copy_from_user(void* dst, const void* usrc, size_t n);
long arch_copy_to_user(void* udst, const void* src, size_t n);
// Copies at most n bytes of a string, NUL included; returns its length without
// the NUL, n if no NUL was found in n bytes, or kUaccessFault.
long arch_strncpy_from_user(char* dst, const char* usrc, size_t n);
// If the 4-byte-aligned word at uaddr holds expected, stores desired there,
// atomically; *seen gets the word found. 0, kUaccessFault, or 1 when EL0 may
// not write the page now (the caller faults it in for writing and retries).
long arch_user_cmpxchg32(uint32_t* uaddr, uint32_t expected, uint32_t desired, uint32_t* seen);
// 0 when EL0 may write the page holding uaddr now, 1 when not.
long arch_user_write_ok(void* uaddr);
}

namespace arch {

// True when [addr, addr + n) lies wholly in the user half.
inline bool user_range_ok(uint64_t addr, uint64_t n) {
  return n <= kUserVaTop && addr <= kUserVaTop - n;
}

// For the EL1 fault path: if the frame faulted inside a user-access routine,
// redirects it to the routine's fixup and returns true.
bool uaccess_in_routine(const TrapFrame* f);
void uaccess_apply_fixup(TrapFrame* f);

}  // namespace arch
