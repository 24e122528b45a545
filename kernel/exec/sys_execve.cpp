// execve: replaces the calling process's program. The arguments are copied in
// first, the program is found (a "#!" script's interpreter in its place) and
// loaded into a fresh space, and only when that has worked does the process
// become single-threaded and the old space go: a failed execve returns to the
// old program with every other LWP untouched.
#include <arch/user_entry.h>

#include "kernel/exec/exec.h"
#include "kernel/fs/filedesc.h"
#include "kernel/fs/vnode.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/proc/exec_cred.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/proc.h"
#include "kernel/syscall/syscall.h"
#include "kernel/thread/thread.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"
#include "kernel/vm/vmspace.h"

namespace {

// Copies a NULL-terminated user vector into a (argv or envp).
int copy_vector(ExecArgs* a, uint64_t uvec, bool env) {
  for (size_t i = 0; uvec != 0; ++i) {
    uint64_t up;
    if (copyin_u(uvec + 8 * i, &up, sizeof up) != 0) return -EFAULT;
    if (up == 0) break;
    if (a->argc + a->envc >= kExecMaxArgs) return -E2BIG;
    size_t room = kExecMaxStrings > a->used ? kExecMaxStrings - a->used : 0;
    size_t len;
    int err = copyinstr(reinterpret_cast<const void*>(up), a->strings + a->used, room, &len);
    if (err == -ENAMETOOLONG) return -E2BIG;
    if (err) return err;
    const char* s = a->strings + a->used;
    a->used += len + 1;
    if (env)
      a->envp[a->envc++] = s;
    else
      a->argv[a->argc++] = s;
  }
  if (env)
    a->envp[a->envc] = nullptr;
  else
    a->argv[a->argc] = nullptr;
  return 0;
}

}  // namespace

int64_t sys_execve(const SyscallArgs& sa) {
  ExecArgs* a = exec_args_new();
  if (!a) return -ENOMEM;
  char* path = static_cast<char*>(kmalloc(kPathMax, M_TEMP, M_WAITOK));
  int err = path ? 0 : -ENOMEM;
  if (!err) err = copyinstr(reinterpret_cast<const void*>(sa.a[0]), path, kPathMax, nullptr);
  if (!err && !(a->filename = exec_args_store(a, path, tine_strlen(path)))) err = -E2BIG;
  if (path) kfree(path, M_TEMP);
  if (!err) err = copy_vector(a, sa.a[1], false);
  if (!err) err = copy_vector(a, sa.a[2], true);
  // Exec begins with the process's credentials of now: the permission
  // checks, and the new program's credentials (kernel/proc/exec_cred.h).
  Proc* p = curproc();
  ExecCred ec;
  exec_cred_begin(p, &ec);
  Vnode* file = nullptr;
  if (!err) {
    Vnode* cwd = fd_cwd_hold(p->fd());
    err = exec_resolve(a, cwd, exec_cred_files(&ec), &file);
    vrele(cwd);
  }
  if (!err) err = exec_cred_prepare(&ec, p, file);
  Vmspace* vm = nullptr;
  ExecEntry entry;
  if (!err) {
    // The new space is charged to the process's real uid (which a set-ID
    // program does not change).
    vm = vmspace_create(ec.was->mem);
    if (vm == nullptr) err = -ENOMEM;
  }
  if (!err) err = exec_load(vm, file, *a, ec.ids, &entry);
  ExecReplace swap = {};
  swap.cred = &ec;
  if (!err) err = proc_exec_prepare(&swap, a->argv, a->exe);
  // The point of no return: the other LWPs end, or this one was told to.
  if (!err && !proc_exec_single_thread()) {
    proc_exec_abandon(&swap);
    err = -EINTR;  // not seen: this LWP exits on its way out
  }
  if (!err) {
    proc_exec_commit(vm, a->filename, &swap);
    arch::user_frame_init(sa.frame, entry.pc, entry.sp);
    // A new program starts with clean FP/SIMD registers and no thread pointer.
    arch::user_fp_reset(&curthread()->fp);
    arch::set_user_tls(0);
  } else if (vm) {
    vmspace_release(vm);
  }
  exec_cred_release(&ec);
  if (file) vrele(file);
  exec_args_free(a);
  return err;
}
