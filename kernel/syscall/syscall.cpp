// The system call table and dispatch.
#include "kernel/syscall/syscall.h"

#include <arch/user_entry.h>

#include "kernel/console/klog.h"
#include "kernel/proc/proc.h"
#include "kernel/random/random.h"
#include "kernel/uapi/error_numbers.h"

namespace {

struct Entry {
  uint64_t nr;
  SyscallFn fn;
  const char* name;
};

constexpr Entry kCalls[] = {
    {kSysFork, sys_fork, "fork"},
    {kSysVfork, sys_vfork, "vfork"},
    {kSysRfork, sys_rfork, "rfork"},
    {kSysLwpCreate, sys_lwp_create, "lwp_create"},
    {kSysLwpGettid, sys_lwp_gettid, "lwp_gettid"},
    {kSysRead, sys_read, "read"},
    {kSysWrite, sys_write, "write"},
    {kSysGetcwd, sys_getcwd, "getcwd"},
    {kSysDup, sys_dup, "dup"},
    {kSysDup3, sys_dup3, "dup3"},
    {kSysFcntl, sys_fcntl, "fcntl"},
    {kSysFlock, sys_flock, "flock"},
    {kSysIoctl, sys_ioctl, "ioctl"},
    {kSysMknodat, sys_mknodat, "mknodat"},
    {kSysMkdirat, sys_mkdirat, "mkdirat"},
    {kSysUnlinkat, sys_unlinkat, "unlinkat"},
    {kSysSymlinkat, sys_symlinkat, "symlinkat"},
    {kSysLinkat, sys_linkat, "linkat"},
    {kSysRenameat, sys_renameat, "renameat"},
    {kSysStatfs, sys_statfs, "statfs"},
    {kSysFstatfs, sys_fstatfs, "fstatfs"},
    {kSysTruncate, sys_truncate, "truncate"},
    {kSysFtruncate, sys_ftruncate, "ftruncate"},
    {kSysFaccessat, sys_faccessat, "faccessat"},
    {kSysChdir, sys_chdir, "chdir"},
    {kSysFchdir, sys_fchdir, "fchdir"},
    {kSysFchmod, sys_fchmod, "fchmod"},
    {kSysFchmodat, sys_fchmodat, "fchmodat"},
    {kSysFchownat, sys_fchownat, "fchownat"},
    {kSysFchown, sys_fchown, "fchown"},
    {kSysOpenat, sys_openat, "openat"},
    {kSysClose, sys_close, "close"},
    {kSysPipe2, sys_pipe2, "pipe2"},
    {kSysSocket, sys_socket, "socket"},
    {kSysSocketpair, sys_socketpair, "socketpair"},
    {kSysBind, sys_bind, "bind"},
    {kSysListen, sys_listen, "listen"},
    {kSysAccept, sys_accept, "accept"},
    {kSysAccept4, sys_accept4, "accept4"},
    {kSysConnect, sys_connect, "connect"},
    {kSysGetsockname, sys_getsockname, "getsockname"},
    {kSysGetpeername, sys_getpeername, "getpeername"},
    {kSysSendto, sys_sendto, "sendto"},
    {kSysRecvfrom, sys_recvfrom, "recvfrom"},
    {kSysSetsockopt, sys_setsockopt, "setsockopt"},
    {kSysGetsockopt, sys_getsockopt, "getsockopt"},
    {kSysShutdown, sys_shutdown, "shutdown"},
    {kSysSendmsg, sys_sendmsg, "sendmsg"},
    {kSysRecvmsg, sys_recvmsg, "recvmsg"},
    {kSysSendmmsg, sys_sendmmsg, "sendmmsg"},
    {kSysRecvmmsg, sys_recvmmsg, "recvmmsg"},
    {kSysGetdents64, sys_getdents64, "getdents64"},
    {kSysLseek, sys_lseek, "lseek"},
    {kSysReadv, sys_readv, "readv"},
    {kSysWritev, sys_writev, "writev"},
    {kSysPread64, sys_pread64, "pread64"},
    {kSysPwrite64, sys_pwrite64, "pwrite64"},
    {kSysPreadv, sys_preadv, "preadv"},
    {kSysPwritev, sys_pwritev, "pwritev"},
    {kSysSendfile, sys_sendfile, "sendfile"},
    {kSysPselect6, sys_pselect6, "pselect6"},
    {kSysPpoll, sys_ppoll, "ppoll"},
    {kSysReadlinkat, sys_readlinkat, "readlinkat"},
    {kSysNewfstatat, sys_newfstatat, "newfstatat"},
    {kSysFstat, sys_fstat, "fstat"},
    {kSysSync, sys_sync, "sync"},
    {kSysFsync, sys_fsync, "fsync"},
    {kSysFdatasync, sys_fsync, "fdatasync"},
    {kSysUtimensat, sys_utimensat, "utimensat"},
    {kSysUmask, sys_umask, "umask"},
    {kSysRenameat2, sys_renameat2, "renameat2"},
    {kSysStatx, sys_statx, "statx"},
    {kSysCloseRange, sys_close_range, "close_range"},
    {kSysFaccessat2, sys_faccessat2, "faccessat2"},
    {kSysExit, sys_exit, "exit"},
    {kSysExitGroup, sys_exit_group, "exit_group"},
    {kSysNanosleep, sys_nanosleep, "nanosleep"},
    {kSysGetitimer, sys_getitimer, "getitimer"},
    {kSysSetitimer, sys_setitimer, "setitimer"},
    {kSysClockGettime, sys_clock_gettime, "clock_gettime"},
    {kSysClockGetres, sys_clock_getres, "clock_getres"},
    {kSysClockNanosleep, sys_clock_nanosleep, "clock_nanosleep"},
    {kSysClockSettime, sys_clock_settime, "clock_settime"},
    {kSysGettimeofday, sys_gettimeofday, "gettimeofday"},
    {kSysSettimeofday, sys_settimeofday, "settimeofday"},
    {kSysChroot, sys_chroot, "chroot"},
    {kSysTimes, sys_times, "times"},
    {kSysGetrusage, sys_getrusage, "getrusage"},
    {kSysSchedYield, sys_sched_yield, "sched_yield"},
    {kSysGetpid, sys_getpid, "getpid"},
    {kSysGetppid, sys_getppid, "getppid"},
    {kSysGettid, sys_gettid, "gettid"},
    {kSysBrk, sys_brk, "brk"},
    {kSysMunmap, sys_munmap, "munmap"},
    {kSysClone, sys_clone, "clone"},
    {kSysExecve, sys_execve, "execve"},
    {kSysMmap, sys_mmap, "mmap"},
    {kSysMprotect, sys_mprotect, "mprotect"},
    {kSysMremap, sys_mremap, "mremap"},
    {kSysMadvise, sys_madvise, "madvise"},
    {kSysMsync, sys_msync, "msync"},
    {kSysMincore, sys_mincore, "mincore"},
    {kSysWait4, sys_wait4, "wait4"},
    {kSysWaitid, sys_waitid, "waitid"},
    {kSysKill, sys_kill, "kill"},
    {kSysTkill, sys_tkill, "tkill"},
    {kSysTgkill, sys_tgkill, "tgkill"},
    {kSysRtSigaction, sys_rt_sigaction, "rt_sigaction"},
    {kSysRtSigprocmask, sys_rt_sigprocmask, "rt_sigprocmask"},
    {kSysRtSigpending, sys_rt_sigpending, "rt_sigpending"},
    {kSysSigaltstack, sys_sigaltstack, "sigaltstack"},
    {kSysRtSigreturn, sys_rt_sigreturn, "rt_sigreturn"},
    {kSysRtSigsuspend, sys_rt_sigsuspend, "rt_sigsuspend"},
    {kSysRtSigtimedwait, sys_rt_sigtimedwait, "rt_sigtimedwait"},
    {kSysRtSigqueueinfo, sys_rt_sigqueueinfo, "rt_sigqueueinfo"},
    {kSysRtTgsigqueueinfo, sys_rt_tgsigqueueinfo, "rt_tgsigqueueinfo"},
    {kSysSetuid, sys_setuid, "setuid"},
    {kSysSetpgid, sys_setpgid, "setpgid"},
    {kSysGetpgid, sys_getpgid, "getpgid"},
    {kSysGetsid, sys_getsid, "getsid"},
    {kSysSetsid, sys_setsid, "setsid"},
    {kSysGetuid, sys_getuid, "getuid"},
    {kSysGeteuid, sys_geteuid, "geteuid"},
    {kSysGetgid, sys_getgid, "getgid"},
    {kSysGetegid, sys_getegid, "getegid"},
    {kSysSetgid, sys_setgid, "setgid"},
    {kSysSetreuid, sys_setreuid, "setreuid"},
    {kSysSetregid, sys_setregid, "setregid"},
    {kSysSetresuid, sys_setresuid, "setresuid"},
    {kSysSetresgid, sys_setresgid, "setresgid"},
    {kSysGetresuid, sys_getresuid, "getresuid"},
    {kSysGetresgid, sys_getresgid, "getresgid"},
    {kSysGetgroups, sys_getgroups, "getgroups"},
    {kSysSetgroups, sys_setgroups, "setgroups"},
    {kSysPrlimit64, sys_prlimit64, "prlimit64"},
    {kSysClone3, sys_clone3, "clone3"},
    {kSysUname, sys_uname, "uname"},
    {kSysSethostname, sys_sethostname, "sethostname"},
    {kSysSetdomainname, sys_setdomainname, "setdomainname"},
    {kSysPersonality, sys_personality, "personality"},
    {kSysUnshare, sys_unshare, "unshare"},
    {kSysSyslog, sys_syslog, "syslog"},
    {kSysReboot, sys_reboot, "reboot"},
    {kSysFallocate, sys_fallocate, "fallocate"},
    {kSysPrctl, sys_prctl, "prctl"},
    {kSysSysinfo, sys_sysinfo, "sysinfo"},
    {kSysSchedSetaffinity, sys_sched_setaffinity, "sched_setaffinity"},
    {kSysSchedGetaffinity, sys_sched_getaffinity, "sched_getaffinity"},
    {kSysGetcpu, sys_getcpu, "getcpu"},
    {kSysSetpriority, sys_setpriority, "setpriority"},
    {kSysGetpriority, sys_getpriority, "getpriority"},
    {kSysIoprioSet, sys_ioprio_set, "ioprio_set"},
    {kSysIoprioGet, sys_ioprio_get, "ioprio_get"},
    {kSysGetrandom, sys_getrandom, "getrandom"},
    {kSysSetTidAddress, sys_set_tid_address, "set_tid_address"},
    {kSysFutex, sys_futex, "futex"},
    {kSysSetRobustList, sys_set_robust_list, "set_robust_list"},
    {kSysGetRobustList, sys_get_robust_list, "get_robust_list"},
    {kSysTineProc, sys_tine_proc, "tine_proc"},
    {kSysTineKstat, sys_tine_kstat, "tine_kstat"},
    {kSysTineVmctl, sys_tine_vmctl, "tine_vmctl"},
};

// Linux's numbers are dense below 512: a direct table for those. The BSD and
// tine calls above are few: a list of their own, searched in order (fork
// first, the most frequent).
constexpr uint64_t kDirect = 512;

constexpr size_t count_high() {
  size_t n = 0;
  for (const Entry& e : kCalls) n += e.nr >= kDirect;
  return n;
}

struct Table {
  SyscallFn fn[kDirect] = {};
  Entry high[count_high()] = {};
  constexpr Table() {
    size_t h = 0;
    for (const Entry& e : kCalls) {
      if (e.nr < kDirect)
        fn[e.nr] = e.fn;
      else
        high[h++] = e;
    }
  }
};
constexpr Table kTable;

uint64_t g_calls;
uint64_t g_unknown;

SyscallFn lookup(uint64_t nr) {
  if (nr < kDirect) return kTable.fn[nr];
  for (const Entry& e : kTable.high)
    if (e.nr == nr) return e.fn;
  return nullptr;
}

}  // namespace

void syscall_dispatch(TrapFrame* f) {
  __atomic_add_fetch(&g_calls, 1, __ATOMIC_RELAXED);
  uint64_t nr = arch::user_syscall_nr(f);
  SyscallFn fn = lookup(nr);
  if (fn == nullptr) {
    __atomic_add_fetch(&g_unknown, 1, __ATOMIC_RELAXED);
    arch::user_set_return(f, -ENOSYS);
    return;
  }
  SyscallArgs args;
  for (unsigned i = 0; i < 6; ++i) args.a[i] = arch::user_syscall_arg(f, i);
  args.frame = f;
  int64_t r = fn(args);
  // (rt_sigreturn's result is the x0 of the context it restores, whatever it is.)
  if ((r == -ERESTARTSYS || r == -ERESTARTNOINTR) && nr != kSysRtSigreturn) [[unlikely]] {
    if (r == -ERESTARTSYS) signal_note_restart(f, args.a[0]);  // -EINTR, or made again
    return;  // ERESTARTNOINTR: back on the svc already, x0 as it came
  }
  arch::user_set_return(f, r);
}

const char* syscall_name(uint64_t nr) {
  for (const Entry& e : kCalls)
    if (e.nr == nr) return e.name;
  return nullptr;
}

uint64_t syscall_count() { return __atomic_load_n(&g_calls, __ATOMIC_RELAXED); }
uint64_t syscall_unknown_count() { return __atomic_load_n(&g_unknown, __ATOMIC_RELAXED); }
