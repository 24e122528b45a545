// What the VM, exec, init and the VM's tests need from the process layer. The
// minimal process layer of the VM's stage declared these first; the BSD
// process layer (kernel/proc/init.cpp, lwp.cpp, exit.cpp) implements them now, with
// curvmspace (kernel/vm/vmspace.h) and the EL0 hooks (kernel/syscall/user_hooks.h).
#pragma once
#include <stdint.h>

struct Vmspace;

// Starts `path` as a child of the kernel (pid 1 the first time: init) and
// waits until it exits: returns its wait status, or -errno if it could not be
// started.
int proc_run_init(const char* path, const char* const* argv, const char* const* envp);

// init=PATH: runs it with the arguments that follow a lone "--" in the boot
// arguments, prints "init exited: status=N" when it is done and ends the
// kernel with N (the exit code, or 128 + the signal that killed it).
[[noreturn]] void init_start(const char* path, const char* bootargs);

// Ends the running process with wait status `wstatus` (never returns).
[[noreturn]] void proc_exit_current(int wstatus);
// exec, in three steps around its point of no return:
//   proc_exec_prepare      allocates what the swap may need (0 or -ENOMEM):
//                          the new program's arguments, and a copy of the
//                          descriptor table if other processes share it
//                          (exec unshares it, as Linux does);
//   proc_exec_single_thread ends every other LWP of the process and waits for
//                          them; false when this LWP has been told to exit
//                          instead (the process ends, or another LWP execs):
//                          the caller gives everything back and returns, and
//                          its LWP exits on the way out;
//   proc_exec_commit       gives the process `vm` (taking over the reference),
//                          signal actions of its own with handlers reset, a
//                          descriptor table of its own with the close-on-exec
//                          descriptors closed, the arguments and the name,
//                          and the credentials r->cred says
//                          (kernel/proc/exec_cred.h); cannot fail.
// proc_exec_abandon gives back what prepare allocated, when exec stops early.
struct VmRef;
struct Sigacts;
struct Filedesc;
struct Pargs;
struct ExecCred;
struct ExecReplace {
  VmRef* vmref;      // for a space this process shared (vfork, RFMEM)
  Sigacts* sigacts;  // for signal actions it shared (RFSIGSHARE)
  Filedesc* fd;      // a copy of a table it shares, or nullptr
  Pargs* args;       // the new program's arguments and path
  ExecCred* cred;    // the new program's credentials (the caller's; installed by the commit)
};
[[nodiscard]] int proc_exec_prepare(ExecReplace* r, const char* const* argv, const char* exe);
void proc_exec_abandon(ExecReplace* r);
[[nodiscard]] bool proc_exec_single_thread();
void proc_exec_commit(Vmspace* vm, const char* name, ExecReplace* r);

// Lets kernel code on this CPU reach `vm` through copyin/copyout as if it
// ran in it (nullptr ends that). For tests; keep preemption off meanwhile.
void proc_borrow_vmspace(Vmspace* vm);

// Whether the running thread acts as root (effective uid 0; kernel threads do).
bool user_is_root();

// Processes alive or zombie, for the leak checks.
uint64_t proc_live_count();

// Wait status words (Linux/BSD encoding).
inline constexpr int wstatus_exited(int code) { return (code & 0xff) << 8; }
inline constexpr int wstatus_signaled(int sig) { return sig & 0x7f; }
// A wait status as a shell shows it: the exit code, or 128 + the signal.
inline constexpr int wstatus_to_code(int w) {
  return (w & 0x7f) ? 128 + (w & 0x7f) : (w >> 8) & 0xff;
}
