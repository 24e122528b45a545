// Starting programs: finding the executable through the file system (with
// "#!" scripts run by their interpreter, as Linux does), loading an ELF into
// a fresh address space by reading it through its vnode, and building the
// System V / Linux initial stack.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/fs/fscred.h"
#include "kernel/fs/linux_abi.h"

struct Vmspace;
struct Vnode;

// Limits on what a program is started with (Linux takes a quarter of the
// stack limit, 2 MiB; these fit a find -exec +, a $(seq 1 1000) or a 100 KiB
// variable, in one kmalloc'd ExecArgs of about 190 KiB).
inline constexpr size_t kExecMaxArgs = 2048;       // argv + envp entries
inline constexpr size_t kExecMaxStrings = 131072;  // their bytes, NULs included
inline constexpr int kExecMaxInterp = 5;        // "#!" scripts in a chain (Linux's; ELOOP past it)
inline constexpr size_t kExecScriptLine = 256;  // what of a "#!" line is read

// The arguments and environment, copied into the kernel, and what the
// lookup of the program added to them.
struct ExecArgs {
  const char* argv[kExecMaxArgs + 2 * kExecMaxInterp + 1];  // NULL-terminated
  const char* envp[kExecMaxArgs + 1];
  size_t argc = 0, envc = 0;
  const char* filename = nullptr;  // as given to execve (AT_EXECFN)
  const char* exe = nullptr;       // the ELF's absolute path (/proc/PID/exe)
  size_t used = 0;
  char strings[kExecMaxStrings + (kExecMaxInterp + 1) * (kPathMax + 2 * kExecScriptLine)];
};

// A new ExecArgs (kmalloc'd; free with exec_args_free) from kernel vectors.
ExecArgs* exec_args_new();
void exec_args_free(ExecArgs* a);
// Appends a copy of s (n bytes and a NUL): the copy, or nullptr (-E2BIG).
const char* exec_args_store(ExecArgs* a, const char* s, size_t n);
[[nodiscard]] int exec_args_from(ExecArgs* a, const char* const* argv, const char* const* envp);

// Finds what a->filename names, from `start` for a relative path: an ELF
// executable, or a "#!" script whose interpreter (and its one optional
// argument) then go in front of argv in place of argv[0], as Linux does.
// Regular files with an execute bit the caller may use only (-EACCES);
// neither ELF nor script: -ENOEXEC. *out is the ELF's vnode, held.
[[nodiscard]] int exec_resolve(ExecArgs* a, Vnode* start, const FsCred& cr, Vnode** out);

struct ExecEntry {
  uint64_t pc;  // the ELF entry point
  uint64_t sp;  // points at argc
};

// The ids the auxiliary vector tells the program (AT_UID, AT_EUID, AT_GID,
// AT_EGID), and AT_SECURE: it runs set-user-ID or set-group-ID.
struct ExecIds {
  uint32_t uid, euid, gid, egid;
  bool secure;
};

// Loads the ELF `file` into `vm` (empty, fresh from vmspace_create):
// segments, heap, stack with its guard, and the initial stack holding argv,
// envp and the auxiliary vector (AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ,
// AT_ENTRY, AT_RANDOM, AT_EXECFN, the ids, ...). 0 or -ENOEXEC / -ENOMEM /
// -E2BIG; prints why on -ENOEXEC.
[[nodiscard]] int exec_load(Vmspace* vm, Vnode* file, const ExecArgs& a, const ExecIds& ids,
                            ExecEntry* out);

// The initramfs (a newc cpio archive in memory), unpacked into the root at
// boot (kernel/fs/initramfs.cpp).
void exec_set_initrd(const void* base, size_t size);
const void* exec_initrd(size_t* size);
