// The system call interface (docs/user-abi.md). Linux arm64 convention: `svc #0`
// with the number in x8 and arguments in x0-x5; the result (or -errno) comes
// back in x0. Calls Linux has keep Linux's arm64 numbers; BSD calls Linux lacks
// are 1000 + DragonFly's number; tine's own debugging calls are 2000 and up.
#pragma once
#include <arch/trap_frame.h>
#include <stdint.h>

enum SyscallNr : uint64_t {
  kSysGetcwd = 17,
  kSysDup = 23,
  kSysDup3 = 24,
  kSysFcntl = 25,
  kSysFlock = 32,
  kSysIoctl = 29,
  kSysMknodat = 33,
  kSysMkdirat = 34,
  kSysUnlinkat = 35,
  kSysSymlinkat = 36,
  kSysLinkat = 37,
  kSysRenameat = 38,
  kSysStatfs = 43,
  kSysFstatfs = 44,
  kSysTruncate = 45,
  kSysFtruncate = 46,
  kSysFaccessat = 48,
  kSysChdir = 49,
  kSysFchdir = 50,
  kSysFchmod = 52,
  kSysFchmodat = 53,
  kSysFchownat = 54,
  kSysFchown = 55,
  kSysOpenat = 56,
  kSysClose = 57,
  kSysPipe2 = 59,
  kSysGetdents64 = 61,
  kSysLseek = 62,
  kSysReadv = 65,
  kSysWritev = 66,
  kSysPread64 = 67,
  kSysPwrite64 = 68,
  kSysPreadv = 69,
  kSysPwritev = 70,
  kSysSendfile = 71,
  kSysPselect6 = 72,
  kSysPpoll = 73,
  kSysReadlinkat = 78,
  kSysNewfstatat = 79,
  kSysFstat = 80,
  kSysSync = 81,
  kSysFsync = 82,
  kSysFdatasync = 83,
  kSysUtimensat = 88,
  kSysUmask = 166,
  kSysSocket = 198,
  kSysSocketpair = 199,
  kSysBind = 200,
  kSysListen = 201,
  kSysAccept = 202,
  kSysConnect = 203,
  kSysGetsockname = 204,
  kSysGetpeername = 205,
  kSysSendto = 206,
  kSysRecvfrom = 207,
  kSysSetsockopt = 208,
  kSysGetsockopt = 209,
  kSysShutdown = 210,
  kSysSendmsg = 211,
  kSysRecvmsg = 212,
  kSysAccept4 = 242,
  kSysRecvmmsg = 243,
  kSysSendmmsg = 269,
  kSysRenameat2 = 276,
  kSysStatx = 291,
  kSysCloseRange = 436,
  kSysFaccessat2 = 439,
  kSysRead = 63,
  kSysWrite = 64,
  kSysExit = 93,
  kSysExitGroup = 94,
  kSysNanosleep = 101,
  kSysGetitimer = 102,
  kSysSetitimer = 103,
  kSysClockGettime = 113,
  kSysClockGetres = 114,
  kSysClockNanosleep = 115,
  kSysTimes = 153,
  kSysGetrusage = 165,
  kSysSchedYield = 124,
  kSysGetpid = 172,
  kSysGetppid = 173,
  kSysGettid = 178,
  kSysBrk = 214,
  kSysMunmap = 215,
  kSysClone = 220,
  kSysExecve = 221,
  kSysMmap = 222,
  kSysMprotect = 226,
  kSysMremap = 216,
  kSysMadvise = 233,
  kSysMsync = 227,
  kSysMincore = 232,
  kSysWaitid = 95,
  kSysWait4 = 260,
  kSysFork = 1002,       // DragonFly fork (2)
  kSysVfork = 1066,      // DragonFly vfork (66)
  kSysRfork = 1251,      // DragonFly rfork (251)
  kSysLwpCreate = 1495,  // DragonFly lwp_create (495)
  kSysLwpGettid = 1496,  // DragonFly lwp_gettid (496)
  kSysKill = 129,
  kSysTkill = 130,
  kSysTgkill = 131,
  kSysRtSigaction = 134,
  kSysRtSigsuspend = 133,
  kSysRtSigprocmask = 135,
  kSysRtSigpending = 136,
  kSysRtSigtimedwait = 137,
  kSysRtSigqueueinfo = 138,
  kSysRtTgsigqueueinfo = 240,
  kSysSigaltstack = 132,
  kSysRtSigreturn = 139,
  kSysSetregid = 143,
  kSysSetgid = 144,
  kSysSetreuid = 145,
  kSysSetuid = 146,
  kSysSetresuid = 147,
  kSysGetresuid = 148,
  kSysSetresgid = 149,
  kSysGetresgid = 150,
  kSysGetgroups = 158,
  kSysSetgroups = 159,
  kSysSetpgid = 154,
  kSysGetpgid = 155,
  kSysGetsid = 156,
  kSysSetsid = 157,
  kSysGetuid = 174,
  kSysGeteuid = 175,
  kSysGetgid = 176,
  kSysGetegid = 177,
  kSysPrlimit64 = 261,
  kSysSetTidAddress = 96,
  kSysFutex = 98,
  kSysSetRobustList = 99,
  kSysGetRobustList = 100,
  kSysClone3 = 435,
  kSysUname = 160,
  kSysSethostname = 161,
  kSysSetdomainname = 162,
  kSysPersonality = 92,
  kSysUnshare = 97,
  kSysSyslog = 116,
  kSysReboot = 142,
  kSysFallocate = 47,
  kSysClockSettime = 112,
  kSysGettimeofday = 169,
  kSysSettimeofday = 170,
  kSysChroot = 51,
  kSysPrctl = 167,
  kSysSysinfo = 179,
  kSysSchedSetaffinity = 122,
  kSysSchedGetaffinity = 123,
  kSysGetcpu = 168,
  kSysSetpriority = 140,
  kSysGetpriority = 141,
  kSysIoprioSet = 30,
  kSysIoprioGet = 31,
  kSysGetrandom = 278,
  kSysTineProc = 2002,  // process-layer counters and checks
  // tine debugging calls (docs/user-abi.md)
  kSysTineKstat = 2000,  // kernel resource counters for leak checks
  kSysTineVmctl = 2001,  // VM knobs for tests and benchmarks
};

// One call's arguments and the frame it came in with (fork copies the frame).
struct SyscallArgs {
  uint64_t a[6];
  TrapFrame* frame;
};
using SyscallFn = int64_t (*)(const SyscallArgs& args);

// Runs the call the frame asks for and writes its result into the frame.
void syscall_dispatch(TrapFrame* f);

struct Lwp;
// fork, vfork, rfork and clone for LWP lp (theirs is curlwp(); the process
// layer's ktests pass one of their own) with the kernel's fork flags: the
// child's pid, or -errno. When fork1 returns ERESTART (a signal pending under
// the group lock) the frame goes back onto the svc and the result is
// -ERESTARTNOINTR (the dispatcher leaves x0 as it came), so the call is made
// again once the signal has been dealt with.
int64_t fork_syscall(Lwp* lp, const SyscallArgs& a, int flags);
// Name of a call, or nullptr if tine does not have it.
const char* syscall_name(uint64_t nr);
// Number of calls made since boot, and calls with numbers tine does not have.
uint64_t syscall_count();
uint64_t syscall_unknown_count();

// The handlers, one group per file (sys_*.cpp) or process file (kernel/proc).
int64_t sys_read(const SyscallArgs& a);
int64_t sys_getcwd(const SyscallArgs& a);
int64_t sys_dup(const SyscallArgs& a);
int64_t sys_dup3(const SyscallArgs& a);
int64_t sys_fcntl(const SyscallArgs& a);
int64_t sys_flock(const SyscallArgs& a);
int64_t sys_ioctl(const SyscallArgs& a);
int64_t sys_mknodat(const SyscallArgs& a);
int64_t sys_mkdirat(const SyscallArgs& a);
int64_t sys_unlinkat(const SyscallArgs& a);
int64_t sys_symlinkat(const SyscallArgs& a);
int64_t sys_linkat(const SyscallArgs& a);
int64_t sys_renameat(const SyscallArgs& a);
int64_t sys_statfs(const SyscallArgs& a);
int64_t sys_fstatfs(const SyscallArgs& a);
int64_t sys_truncate(const SyscallArgs& a);
int64_t sys_ftruncate(const SyscallArgs& a);
int64_t sys_fallocate(const SyscallArgs& a);
int64_t sys_faccessat(const SyscallArgs& a);
int64_t sys_chdir(const SyscallArgs& a);
int64_t sys_fchdir(const SyscallArgs& a);
int64_t sys_fchmod(const SyscallArgs& a);
int64_t sys_fchmodat(const SyscallArgs& a);
int64_t sys_fchownat(const SyscallArgs& a);
int64_t sys_fchown(const SyscallArgs& a);
int64_t sys_openat(const SyscallArgs& a);
int64_t sys_close(const SyscallArgs& a);
int64_t sys_pipe2(const SyscallArgs& a);
int64_t sys_socket(const SyscallArgs& a);
int64_t sys_socketpair(const SyscallArgs& a);
int64_t sys_bind(const SyscallArgs& a);
int64_t sys_listen(const SyscallArgs& a);
int64_t sys_accept(const SyscallArgs& a);
int64_t sys_accept4(const SyscallArgs& a);
int64_t sys_connect(const SyscallArgs& a);
int64_t sys_getsockname(const SyscallArgs& a);
int64_t sys_getpeername(const SyscallArgs& a);
int64_t sys_sendto(const SyscallArgs& a);
int64_t sys_recvfrom(const SyscallArgs& a);
int64_t sys_setsockopt(const SyscallArgs& a);
int64_t sys_getsockopt(const SyscallArgs& a);
int64_t sys_shutdown(const SyscallArgs& a);
int64_t sys_sendmsg(const SyscallArgs& a);
int64_t sys_recvmsg(const SyscallArgs& a);
int64_t sys_sendmmsg(const SyscallArgs& a);
int64_t sys_recvmmsg(const SyscallArgs& a);
int64_t sys_getdents64(const SyscallArgs& a);
int64_t sys_lseek(const SyscallArgs& a);
int64_t sys_readv(const SyscallArgs& a);
int64_t sys_writev(const SyscallArgs& a);
int64_t sys_pread64(const SyscallArgs& a);
int64_t sys_pwrite64(const SyscallArgs& a);
int64_t sys_preadv(const SyscallArgs& a);
int64_t sys_pwritev(const SyscallArgs& a);
int64_t sys_sendfile(const SyscallArgs& a);
int64_t sys_pselect6(const SyscallArgs& a);
int64_t sys_ppoll(const SyscallArgs& a);
int64_t sys_readlinkat(const SyscallArgs& a);
int64_t sys_newfstatat(const SyscallArgs& a);
int64_t sys_fstat(const SyscallArgs& a);
int64_t sys_sync(const SyscallArgs& a);
int64_t sys_fsync(const SyscallArgs& a);
int64_t sys_utimensat(const SyscallArgs& a);
int64_t sys_umask(const SyscallArgs& a);
int64_t sys_renameat2(const SyscallArgs& a);
int64_t sys_statx(const SyscallArgs& a);
int64_t sys_close_range(const SyscallArgs& a);
int64_t sys_faccessat2(const SyscallArgs& a);
int64_t sys_write(const SyscallArgs& a);
int64_t sys_exit(const SyscallArgs& a);
int64_t sys_exit_group(const SyscallArgs& a);
int64_t sys_nanosleep(const SyscallArgs& a);
int64_t sys_clock_gettime(const SyscallArgs& a);
int64_t sys_clock_getres(const SyscallArgs& a);
int64_t sys_clock_nanosleep(const SyscallArgs& a);
int64_t sys_clock_settime(const SyscallArgs& a);
int64_t sys_gettimeofday(const SyscallArgs& a);
int64_t sys_settimeofday(const SyscallArgs& a);
int64_t sys_chroot(const SyscallArgs& a);
int64_t sys_times(const SyscallArgs& a);
int64_t sys_getrusage(const SyscallArgs& a);
int64_t sys_sched_yield(const SyscallArgs& a);
int64_t sys_getpid(const SyscallArgs& a);
int64_t sys_getppid(const SyscallArgs& a);
int64_t sys_gettid(const SyscallArgs& a);
int64_t sys_brk(const SyscallArgs& a);
int64_t sys_munmap(const SyscallArgs& a);
int64_t sys_clone(const SyscallArgs& a);
int64_t sys_execve(const SyscallArgs& a);
int64_t sys_mmap(const SyscallArgs& a);
int64_t sys_mprotect(const SyscallArgs& a);
int64_t sys_mremap(const SyscallArgs& a);
int64_t sys_madvise(const SyscallArgs& a);
int64_t sys_msync(const SyscallArgs& a);
int64_t sys_mincore(const SyscallArgs& a);
int64_t sys_wait4(const SyscallArgs& a);
int64_t sys_waitid(const SyscallArgs& a);
int64_t sys_fork(const SyscallArgs& a);
int64_t sys_vfork(const SyscallArgs& a);
int64_t sys_rfork(const SyscallArgs& a);
int64_t sys_lwp_create(const SyscallArgs& a);
int64_t sys_lwp_gettid(const SyscallArgs& a);
int64_t sys_kill(const SyscallArgs& a);
int64_t sys_tkill(const SyscallArgs& a);
int64_t sys_tgkill(const SyscallArgs& a);
int64_t sys_rt_sigaction(const SyscallArgs& a);
int64_t sys_rt_sigprocmask(const SyscallArgs& a);
int64_t sys_rt_sigpending(const SyscallArgs& a);
int64_t sys_sigaltstack(const SyscallArgs& a);
int64_t sys_rt_sigsuspend(const SyscallArgs& a);
int64_t sys_rt_sigtimedwait(const SyscallArgs& a);
int64_t sys_getitimer(const SyscallArgs& a);
int64_t sys_setitimer(const SyscallArgs& a);
int64_t sys_rt_sigreturn(const SyscallArgs& a);
int64_t sys_setuid(const SyscallArgs& a);
int64_t sys_setpgid(const SyscallArgs& a);
int64_t sys_getpgid(const SyscallArgs& a);
int64_t sys_getsid(const SyscallArgs& a);
int64_t sys_setsid(const SyscallArgs& a);
int64_t sys_getuid(const SyscallArgs& a);
int64_t sys_geteuid(const SyscallArgs& a);
int64_t sys_getgid(const SyscallArgs& a);
int64_t sys_getegid(const SyscallArgs& a);
int64_t sys_setgid(const SyscallArgs& a);
int64_t sys_setreuid(const SyscallArgs& a);
int64_t sys_setregid(const SyscallArgs& a);
int64_t sys_setresuid(const SyscallArgs& a);
int64_t sys_setresgid(const SyscallArgs& a);
int64_t sys_getresuid(const SyscallArgs& a);
int64_t sys_getresgid(const SyscallArgs& a);
int64_t sys_getgroups(const SyscallArgs& a);
int64_t sys_setgroups(const SyscallArgs& a);
int64_t sys_prlimit64(const SyscallArgs& a);
int64_t sys_clone3(const SyscallArgs& a);
int64_t sys_uname(const SyscallArgs& a);
int64_t sys_sethostname(const SyscallArgs& a);
int64_t sys_setdomainname(const SyscallArgs& a);
int64_t sys_personality(const SyscallArgs& a);
int64_t sys_unshare(const SyscallArgs& a);
int64_t sys_reboot(const SyscallArgs& a);
int64_t sys_prctl(const SyscallArgs& a);
int64_t sys_sysinfo(const SyscallArgs& a);
int64_t sys_sched_setaffinity(const SyscallArgs& a);
int64_t sys_sched_getaffinity(const SyscallArgs& a);
int64_t sys_getcpu(const SyscallArgs& a);
int64_t sys_setpriority(const SyscallArgs& a);
int64_t sys_getpriority(const SyscallArgs& a);
int64_t sys_ioprio_set(const SyscallArgs& a);
int64_t sys_ioprio_get(const SyscallArgs& a);
int64_t sys_rt_sigqueueinfo(const SyscallArgs& a);
int64_t sys_rt_tgsigqueueinfo(const SyscallArgs& a);
int64_t sys_set_tid_address(const SyscallArgs& a);
// Also in kernel/proc/futex.h, beside the futexes.  NOLINTNEXTLINE(readability-redundant-declaration)
int64_t sys_futex(const SyscallArgs& a);
int64_t sys_set_robust_list(const SyscallArgs& a);
int64_t sys_get_robust_list(const SyscallArgs& a);
int64_t sys_tine_proc(const SyscallArgs& a);
int64_t sys_tine_kstat(const SyscallArgs& a);
int64_t sys_tine_vmctl(const SyscallArgs& a);
