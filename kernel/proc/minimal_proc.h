// A minimal process, enough to run user programs and test the VM: a pid, a
// parent, an address space and one thread. Temporary: the process issue
// replaces it with proc/lwp and the BSD fork1/exit1/kern_wait path; what the
// rest of the kernel uses from here (curvmspace, user_fatal_signal,
// user_return_prepare, the syscalls) keeps its shape.
//
// A user thread is a kernel thread (kernel/thread) whose function is
// uthread_main: it loads the process's space and enters EL0 through
// arch_user_run; when the process exits (exit, exit_group, a fatal fault) the
// thread comes back out of arch_user_run, gives the space back, leaves a zombie
// for the parent's wait4 and ends. The thread is joinable: wait4 joins it, so
// when wait4 returns the child's thread and kernel stack are gone too (as
// DragonFly's kern_wait waits for the exiting lwp).
//
// Locking: g_minproc_lock (rank kRankMinimalProcTree) guards the tree (parent, children,
// sibling), zombie and wstatus of every process, and pid allocation. A
// process's vm changes only in its own thread (exec, exit).
#pragma once
#include <stdint.h>
#include <arch/trap_frame.h>
#include <arch/user_entry.h>

struct Vmspace;
struct Thread;

inline constexpr uint32_t kRankMinimalProcTree = 250;  // below the sleep queues (ssleep)

struct MinProc {
  int pid;
  MinProc* parent;        // nullptr once orphaned (it then frees itself at exit)
  Vmspace* vm;            // one reference; nullptr once exited
  char name[32];
  bool zombie;            // exited, waiting for its parent
  int wstatus;            // when zombie: the wait status (exit code << 8, or the signal)
  MinProc* children;      // list through sibling
  MinProc* sibling;
  Thread* thread;         // its thread, joinable: whoever frees the zombie joins it
};

// The thread running a process's user code.
struct Uthread {
  MinProc* proc;
  int tid;
  Thread* thread;
  TrapFrame start;        // the registers it enters EL0 with
  arch::UserRunCtx run;   // where arch_user_run returns when the thread is done
};

// The running thread's user side, or nullptr in a kernel-only thread.
Uthread* uthread_current();
MinProc* proc_current();

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

// fork: a child running a copy of this thread's registers `frame` (x0 = 0) in
// the space vm_fork gives for rfork flags `rfflags`. The child's pid, or -errno.
int64_t proc_fork(const TrapFrame* frame, int rfflags);
// wait4 without rusage: the pid of a reaped child (0 with WNOHANG and none
// ready), its status through copyout to ustatus (if non-zero), or -errno.
int64_t proc_wait(int pid, uint64_t ustatus, int options);

// Lets kernel code on this CPU reach `vm` through copyin/copyout as if it
// ran in it (nullptr ends that). For tests; keep preemption off meanwhile.
void proc_borrow_vmspace(Vmspace* vm);

// Processes alive or zombie, for the leak checks.
uint64_t proc_live_count();

// Wait status words (Linux/BSD encoding).
inline constexpr int wstatus_exited(int code) { return (code & 0xff) << 8; }
inline constexpr int wstatus_signaled(int sig) { return sig & 0x7f; }
// A wait status as a shell shows it: the exit code, or 128 + the signal.
inline constexpr int wstatus_to_code(int w) { return (w & 0x7f) ? 128 + (w & 0x7f) : (w >> 8) & 0xff; }
