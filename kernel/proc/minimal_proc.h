// What the VM, exec, init and the VM's tests need from the process layer. The
// minimal process layer of the VM's stage declared these first; the BSD
// process layer (kernel/proc/proc.cpp, exit.cpp) implements them now, with
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
// Replaces the running process's space by `vm` (exec), taking over the reference.
void proc_replace_vmspace(Vmspace* vm, const char* name);

// Lets kernel code on this CPU reach `vm` through copyin/copyout as if it
// ran in it (nullptr ends that). For tests; keep preemption off meanwhile.
void proc_borrow_vmspace(Vmspace* vm);

// Processes alive or zombie, for the leak checks.
uint64_t proc_live_count();

// Wait status words (Linux/BSD encoding).
inline constexpr int wstatus_exited(int code) {
  return (code & 0xff) << 8;
}
inline constexpr int wstatus_signaled(int sig) {
  return sig & 0x7f;
}
// A wait status as a shell shows it: the exit code, or 128 + the signal.
inline constexpr int wstatus_to_code(int w) {
  return (w & 0x7f) ? 128 + (w & 0x7f) : (w >> 8) & 0xff;
}
