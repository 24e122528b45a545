// Copies between the kernel and the running thread's address space. Every
// function checks that the user range lies in the user half and returns
// -EFAULT, never crashing, when it does not or when a page is missing or
// protected (faults are first given to the VM, so untouched and copy-on-write
// pages work). Never call them with a spinlock held: a fault takes the
// space's lock.
#pragma once
#include <stddef.h>
#include <stdint.h>

// 0 or -EFAULT.
[[nodiscard]] int copyin(const void* uaddr, void* kaddr, size_t len);
[[nodiscard]] int copyout(const void* kaddr, void* uaddr, size_t len);
// As much as can be copied: every byte before the first page the program
// cannot use (access is granted a page at a time). The count, len when the
// whole range could be; the bytes beyond it are left as they may be.
[[nodiscard]] size_t copyin_upto(uint64_t uaddr, void* kaddr, size_t len);
[[nodiscard]] size_t copyout_upto(const void* kaddr, uint64_t uaddr, size_t len);
// A NUL-terminated string of at most len bytes, NUL included: 0 (with *copied
// = its length without the NUL, if copied is given), -ENAMETOOLONG or -EFAULT.
[[nodiscard]] int copyinstr(const void* uaddr, char* kaddr, size_t len, size_t* copied);

// The same with the address as an integer (syscall arguments).
[[nodiscard]] inline int copyin_u(uint64_t uaddr, void* kaddr, size_t len) {
  return copyin(reinterpret_cast<const void*>(uaddr), kaddr, len);
}
[[nodiscard]] inline int copyout_u(const void* kaddr, uint64_t uaddr, size_t len) {
  return copyout(kaddr, reinterpret_cast<void*>(uaddr), len);
}

// If the aligned 32-bit word at uaddr holds expected, replaces it by desired,
// atomically with respect to every other CPU; *seen gets the word found. The
// page is faulted in for writing first if need be. 0, -EFAULT (unmapped, not
// writable by the program, or misaligned).
[[nodiscard]] int user_cmpxchg32(uint64_t uaddr, uint32_t expected, uint32_t desired,
                                 uint32_t* seen);
// Whether the program may write [uaddr, uaddr + len) now: faults its pages in
// for writing (a copy-on-write page is copied), changes no byte. 0 or -EFAULT.
[[nodiscard]] int user_writable(uint64_t uaddr, size_t len);
