// execve: replaces the calling process's program. The arguments are copied in
// first, the new program is loaded into a fresh space, and only when that has
// worked does the process become single-threaded and the old space go: a
// failed execve returns to the old program with every other LWP untouched.
#include <arch/user_entry.h>

#include "kernel/exec/exec.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/syscall/errno.h"
#include "kernel/syscall/syscall.h"
#include "kernel/thread/thread.h"
#include "kernel/vm/copy.h"
#include "kernel/vm/vmspace.h"

namespace {

constexpr size_t kPathMax = 256;

// argv and envp copied in: pointers into one string buffer.
struct ExecArgs {
  const char* ptrs[kExecMaxArgs + 2];  // argv..., NULL, envp..., NULL
  char strings[kExecMaxStrings];
  size_t nptrs = 0;
  size_t used = 0;
};

// Copies a NULL-terminated user vector; its entries go into a.ptrs, then a NULL.
int copy_vector(ExecArgs& a, uint64_t uvec) {
  for (size_t i = 0; uvec != 0; ++i) {
    uint64_t up;
    if (copyin_u(uvec + 8 * i, &up, sizeof up) != 0) return -EFAULT;
    if (up == 0) break;
    if (a.nptrs >= kExecMaxArgs) return -E2BIG;
    size_t len;
    int err = copyinstr(reinterpret_cast<const void*>(up), a.strings + a.used,
                        kExecMaxStrings - a.used, &len);
    if (err == -ENAMETOOLONG) return -E2BIG;
    if (err) return err;
    a.ptrs[a.nptrs++] = a.strings + a.used;
    a.used += len + 1;
  }
  a.ptrs[a.nptrs++] = nullptr;
  return 0;
}

}  // namespace

int64_t sys_execve(const SyscallArgs& a) {
  char path[kPathMax];
  if (int err = copyinstr(reinterpret_cast<const void*>(a.a[0]), path, sizeof path, nullptr); err)
    return err;
  ExecFile file;
  if (int err = exec_lookup(path, &file); err) return err;
  auto* args = static_cast<ExecArgs*>(kmalloc(sizeof(ExecArgs), M_TEMP, M_WAITOK));
  if (args == nullptr) return -ENOMEM;
  args->nptrs = args->used = 0;
  int err = copy_vector(*args, a.a[1]);
  size_t envp_at = args->nptrs;
  if (err == 0) err = copy_vector(*args, a.a[2]);
  Vmspace* vm = nullptr;
  ExecEntry entry;
  if (err == 0) {
    vm = vmspace_create();
    if (vm == nullptr) err = -ENOMEM;
  }
  if (err == 0) err = exec_load(vm, file, args->ptrs, args->ptrs + envp_at, proc_exec_ids(), &entry);
  ExecReplace swap = {};
  if (err == 0) err = proc_exec_prepare(&swap);
  // The point of no return: the other LWPs end, or this one was told to.
  if (err == 0 && !proc_exec_single_thread()) {
    proc_exec_abandon(&swap);
    err = -EINTR;  // not seen: this LWP exits on its way out
  }
  if (err == 0) {
    proc_exec_commit(vm, path, &swap);
    arch::user_frame_init(a.frame, entry.pc, entry.sp);
    // A new program starts with clean FP/SIMD registers and no thread pointer.
    arch::user_fp_reset(&curthread()->fp);
    arch::set_user_tls(0);
  } else if (vm) {
    vmspace_release(vm);
  }
  kfree(args, M_TEMP);
  return err;
}
