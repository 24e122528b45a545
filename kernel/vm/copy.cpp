// copyin/copyout: range check, then the architecture's fault-tolerant copy with
// the running thread's space loaded. The copy runs inside a critical section so
// the thread cannot be switched out (and another space loaded) half-way.
#include "kernel/vm/copy.h"

#include <arch/uaccess.h>

#include "kernel/sync/crit.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/layout.h"
#include "kernel/vm/vmspace.h"

namespace {

template <typename Fn>
long with_space(Fn&& fn) {
  Vmspace* vm = curvmspace();
  if (vm == nullptr) return kUaccessFault;
  crit_enter();
  vmspace_activate(vm);
  long r = fn();
  crit_exit();
  return r;
}

}  // namespace

int copyin(const void* uaddr, void* kaddr, size_t len) {
  if (len == 0) return 0;
  if (!arch::user_range_ok(reinterpret_cast<uint64_t>(uaddr), len)) return -EFAULT;
  long r = with_space([&] { return arch_copy_from_user(kaddr, uaddr, len); });
  return r == 0 ? 0 : -EFAULT;
}

int copyout(const void* kaddr, void* uaddr, size_t len) {
  if (len == 0) return 0;
  if (!arch::user_range_ok(reinterpret_cast<uint64_t>(uaddr), len)) return -EFAULT;
  long r = with_space([&] { return arch_copy_to_user(uaddr, kaddr, len); });
  return r == 0 ? 0 : -EFAULT;
}

namespace {

// Copies a page at a time (a piece never crosses into the next page) until
// one fails: the bytes copied.
template <typename CopyPiece>
size_t copy_pages(uint64_t uaddr, size_t len, CopyPiece&& copy_piece) {
  size_t done = 0;
  while (done < len) {
    uint64_t at = uaddr + done;
    size_t piece = kPageSize - (at & (kPageSize - 1));
    if (piece > len - done) piece = len - done;
    if (copy_piece(done, piece) != 0) break;
    done += piece;
  }
  return done;
}

}  // namespace

size_t copyin_upto(uint64_t uaddr, void* kaddr, size_t len) {
  if (copyin_u(uaddr, kaddr, len) == 0) return len;
  auto* k = static_cast<uint8_t*>(kaddr);
  return copy_pages(uaddr, len,
                    [&](size_t off, size_t n) { return copyin_u(uaddr + off, k + off, n); });
}

size_t copyout_upto(const void* kaddr, uint64_t uaddr, size_t len) {
  if (copyout_u(kaddr, uaddr, len) == 0) return len;
  auto* k = static_cast<const uint8_t*>(kaddr);
  return copy_pages(uaddr, len,
                    [&](size_t off, size_t n) { return copyout_u(k + off, uaddr + off, n); });
}

int copyinstr(const void* uaddr, char* kaddr, size_t len, size_t* copied) {
  if (len == 0) return -ENAMETOOLONG;
  uint64_t u = reinterpret_cast<uint64_t>(uaddr);
  if (u >= arch::kUserVaTop) return -EFAULT;
  // Stop at the end of the user half rather than fault past it.
  size_t max = arch::kUserVaTop - u < len ? arch::kUserVaTop - u : len;
  long r = with_space(
      [&] { return arch_strncpy_from_user(kaddr, static_cast<const char*>(uaddr), max); });
  if (r < 0) return -EFAULT;
  if (static_cast<size_t>(r) >= max) {
    kaddr[max - 1] = 0;
    return max < len ? -EFAULT : -ENAMETOOLONG;
  }
  if (copied) *copied = static_cast<size_t>(r);
  return 0;
}

namespace {

// Lets the VM make the page at uaddr writable for the program, as a write
// fault at EL0 would: false when it cannot (unmapped, read-only, no memory).
bool fault_in_for_write(uint64_t uaddr) {
  Vmspace* vm = curvmspace();
  return vm && vm_fault(vm, uaddr, arch::UptAccess::kWrite) == VmFault::kOk;
}

// A page's write check can fail twice in a row for good reasons (a stale TLB
// entry, then a copy-on-write); more is another thread unmapping it each time.
constexpr int kWriteTries = 4;

}  // namespace

int user_cmpxchg32(uint64_t uaddr, uint32_t expected, uint32_t desired, uint32_t* seen) {
  if ((uaddr & 3) != 0 || !arch::user_range_ok(uaddr, 4)) return -EFAULT;
  for (int i = 0; i < kWriteTries; ++i) {
    long r = with_space([&] {
      return arch_user_cmpxchg32(reinterpret_cast<uint32_t*>(uaddr), expected, desired, seen);
    });
    if (r == 0) return 0;
    if (r != 1 || !fault_in_for_write(uaddr)) return -EFAULT;
  }
  return -EFAULT;
}

int user_writable(uint64_t uaddr, size_t len) {
  if (len == 0) return 0;
  if (!arch::user_range_ok(uaddr, len)) return -EFAULT;
  for (uint64_t page = page_round_down(uaddr); page < uaddr + len; page += kPageSize) {
    int i = 0;
    for (;; ++i) {
      if (i == kWriteTries) return -EFAULT;
      long r = with_space([&] { return arch_user_write_ok(reinterpret_cast<void*>(page)); });
      if (r == 0) break;
      if (!fault_in_for_write(page)) return -EFAULT;
    }
  }
  return 0;
}
