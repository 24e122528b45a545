// Starting programs: finding an executable (the initramfs given with -initrd
// first, then the set built into the kernel image from user/), loading it into
// a fresh address space, and building the System V / Linux initial stack.
#pragma once
#include <stddef.h>
#include <stdint.h>

struct Vmspace;

struct ExecFile {
  const uint8_t* data;
  size_t size;
  bool builtin;  // from the kernel image rather than the initramfs
};

// The initramfs (a newc cpio archive in memory the kernel keeps), or none.
void exec_set_initrd(const void* base, size_t size);
// Finds `path`: in the initramfs, then among the built-in programs, which
// answer to "name", "/bin/name" and "bin/name". 0 or -ENOENT.
[[nodiscard]] int exec_lookup(const char* path, ExecFile* out);
// Calls fn for every built-in program (name without "bin/").
void exec_builtins_for_each(void (*fn)(const char* name, size_t size, void* ctx), void* ctx);

// Limits on what a program is started with.
inline constexpr size_t kExecMaxArgs = 256;       // argv + envp entries
inline constexpr size_t kExecMaxStrings = 32768;  // their bytes, NULs included

struct ExecEntry {
  uint64_t pc;  // the ELF entry point
  uint64_t sp;  // points at argc
};

// The ids the auxiliary vector tells the program (AT_UID, AT_EUID, AT_GID, AT_EGID).
struct ExecIds {
  uint32_t uid, euid, gid, egid;
};

// Loads `file` into `vm` (empty, fresh from vmspace_create): segments, heap,
// stack with its guard, and the initial stack holding argv, envp and the
// auxiliary vector (AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY,
// AT_RANDOM, the ids, ...). 0 or -ENOEXEC / -ENOMEM / -E2BIG; prints why on
// -ENOEXEC.
[[nodiscard]] int exec_load(Vmspace* vm, const ExecFile& file, const char* const* argv,
                            const char* const* envp, const ExecIds& ids, ExecEntry* out);
