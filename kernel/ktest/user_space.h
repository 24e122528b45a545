// What the VM's tests and benchmarks need to reach user space, without the
// process layer's headers: a user address space reached from kernel code, and
// a program run at EL0 to its end. The process layer provides both
// (kernel/proc/minimal_proc.h); a test that includes this knows only the VM.
#pragma once

struct Vmspace;

// While it lives, kernel code on this CPU reaches vm through copyin/copyout
// as if it ran in it (the unprivileged accesses fault as EL0's would), with
// preemption off; when it ends no space is loaded, unless it was told to
// leave vm loaded (as a CPU does between user threads: TTBR0 is switched
// lazily), for a test of what that CPU's TLB keeps.
class VmBorrow {
 public:
  explicit VmBorrow(Vmspace* vm, bool stay_loaded = false);
  ~VmBorrow();
  VmBorrow(const VmBorrow&) = delete;
  VmBorrow& operator=(const VmBorrow&) = delete;

 private:
  bool stay_loaded_;
};

// Runs `path` (a bare name is one of /bin's built-in programs) as a process
// and waits for its end: its exit code (128 + the signal that killed it), or
// -errno when it could not be started.
int ktest_run_program(const char* path, const char* const* argv, const char* const* envp);
