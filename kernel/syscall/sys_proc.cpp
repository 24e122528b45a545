// Process identity and exit.
#include "kernel/proc/minimal_proc.h"
#include "kernel/syscall/errno.h"
#include "kernel/syscall/signo.h"
#include "kernel/syscall/syscall.h"

const char* signal_name(int sig) {
  switch (sig) {
    case kSigIll: return "SIGILL";
    case kSigTrap: return "SIGTRAP";
    case kSigBus: return "SIGBUS";
    case kSigKill: return "SIGKILL";
    case kSigSegv: return "SIGSEGV";
    case kSigChld: return "SIGCHLD";
    default: return "a signal";
  }
}

// One thread per process for now: ending the thread ends the process.
int64_t sys_exit(const SyscallArgs& a) { proc_exit_current(wstatus_exited(static_cast<int>(a.a[0]))); }

int64_t sys_exit_group(const SyscallArgs& a) {
  proc_exit_current(wstatus_exited(static_cast<int>(a.a[0])));
}

int64_t sys_getpid(const SyscallArgs&) { return proc_current()->pid; }

int64_t sys_getppid(const SyscallArgs&) {
  MinProc* p = proc_current();
  return p->parent ? p->parent->pid : 0;
}

int64_t sys_gettid(const SyscallArgs&) { return uthread_current()->tid; }
