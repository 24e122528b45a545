// brk, mmap, munmap, mprotect, madvise, mremap on the running process's space.
#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/proc.h"
#include "kernel/syscall/syscall.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"
#include "kernel/vm/layout.h"
#include "kernel/vm/vmspace.h"

int64_t sys_brk(const SyscallArgs& a) {
  Vmspace* vm = curvmspace();
  if (vm == nullptr) return -ENOMEM;
  return static_cast<int64_t>(vm_brk(vm, a.a[0]));
}

int64_t sys_mmap(const SyscallArgs& a) {
  uint64_t addr = a.a[0], len = a.a[1];
  unsigned prot = static_cast<unsigned>(a.a[2]), flags = static_cast<unsigned>(a.a[3]);
  int fd = static_cast<int>(a.a[4]);
  uint64_t off = a.a[5];
  if (a.a[2] >> 32 || a.a[3] >> 32) return -EINVAL;
  if ((flags & kMapAnonymous) && fd != -1 && off != 0) return -EINVAL;
  if (off & 0xfff) return -EINVAL;
  Vmspace* vm = curvmspace();
  if (vm == nullptr) return -ENOMEM;
  uint64_t out = 0;
  int err = vm_mmap(vm, addr, len, prot, flags, &out);
  return err ? err : static_cast<int64_t>(out);
}

int64_t sys_munmap(const SyscallArgs& a) {
  Vmspace* vm = curvmspace();
  if (vm == nullptr) return -EINVAL;
  return vm_munmap(vm, a.a[0], a.a[1]);
}

int64_t sys_mprotect(const SyscallArgs& a) {
  Vmspace* vm = curvmspace();
  if (vm == nullptr) return -ENOMEM;
  if (a.a[2] >> 32) return -EINVAL;
  return vm_mprotect(vm, a.a[0], a.a[1], static_cast<unsigned>(a.a[2]));
}

// madvise(addr, len, advice): docs/user-abi.md has what each advice does.
// Poisoning memory (MADV_HWPOISON, MADV_SOFT_OFFLINE) needs CAP_SYS_ADMIN
// (-EPERM) and is not done (-EINVAL for root).
int64_t sys_madvise(const SyscallArgs& a) {
  int advice = static_cast<int>(a.a[2]);
  if (advice == 100 || advice == 101) return user_is_root() ? -EINVAL : -EPERM;
  Vmspace* vm = curvmspace();
  if (vm == nullptr) return -ENOMEM;
  uint64_t addr = a.a[0], len = a.a[1];
  constexpr int kPopulateRead = 22, kPopulateWrite = 23;
  constexpr uint64_t kStep = 1 << 20;
  bool populate = advice == kPopulateRead || advice == kPopulateWrite;
  if (!populate || len <= kStep || len > kUserMax || addr > kUserMax - len)
    return vm_madvise(vm, addr, len, advice);  // short, or refused whole
  // Faulting in a large range stops for a fatal signal between steps
  // (Linux's madvise_populate: -EINTR), so SIGKILL ends it.
  for (uint64_t done = 0; done < len; done += kStep) {
    if (done > 0 && lwp_fatal_pending(curlwp())) return -EINTR;
    uint64_t n = len - done < kStep ? len - done : kStep;
    if (int e = vm_madvise(vm, addr + done, n, advice); e) return e;
  }
  return 0;
}

// msync(addr, len, flags).
int64_t sys_msync(const SyscallArgs& a) {
  Vmspace* vm = curvmspace();
  if (vm == nullptr) return -ENOMEM;
  return vm_msync(vm, a.a[0], a.a[1], static_cast<unsigned>(a.a[2]));  // an int: low half
}

// mincore(addr, len, vec): a byte per page, filled a batch at a time (Linux's
// checks first: addr aligned, the range in the user half, vec's bytes too).
int64_t sys_mincore(const SyscallArgs& a) {
  uint64_t addr = a.a[0], len = a.a[1], vec = a.a[2];
  if (addr & (kPageSize - 1)) return -EINVAL;
  if (len > kUserMax || addr > kUserMax - len) return -ENOMEM;
  uint64_t pages = page_round_up(len) / kPageSize;
  if (vec > kUserMax || pages > kUserMax - vec) return -EFAULT;
  Vmspace* vm = curvmspace();
  if (vm == nullptr) return -ENOMEM;
  uint8_t batch[256];
  for (uint64_t done = 0; done < pages;) {
    if (done > 0 && lwp_fatal_pending(curlwp())) return -EINTR;  // SIGKILL ends a long one
    uint64_t n = pages - done < sizeof batch ? pages - done : sizeof batch;
    uint64_t filled = 0;
    int e = vm_mincore(vm, addr + done * kPageSize, n, batch, &filled);
    // What came before a hole is written too (Linux's).
    if (copyout_u(batch, vec + done, filled) != 0) return -EFAULT;
    if (e) return e;
    done += n;
  }
  return 0;
}

// mremap(addr, old_len, new_len, flags, new_addr).
int64_t sys_mremap(const SyscallArgs& a) {
  if (a.a[3] >> 32) return -EINVAL;
  Vmspace* vm = curvmspace();
  if (vm == nullptr) return -ENOMEM;
  uint64_t out = 0;
  int err = vm_mremap(vm, a.a[0], a.a[1], a.a[2], static_cast<unsigned>(a.a[3]), a.a[4], &out);
  return err ? err : static_cast<int64_t>(out);
}
