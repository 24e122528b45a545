/* tine's tiny user library: system call wrappers (Linux arm64 numbers and
 * convention, docs/user-abi.md), string routines and formatted output.
 * Static, freestanding, no errno: calls return -errno as the kernel does. */
#ifndef TINE_USER_TINE_H
#define TINE_USER_TINE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "tine_kstat.h" /* tine_kstat's record, shared with the glibc programs */
#include "tine_proc.h"  /* tine_proc's ops and counters, shared with the kernel */

typedef int64_t ssize_t;

/* System call numbers. */
enum {
  SYS_getcwd = 17,
  SYS_dup = 23,
  SYS_dup3 = 24,
  SYS_fcntl = 25,
  SYS_flock = 32,
  SYS_ioctl = 29,
  SYS_mknodat = 33,
  SYS_mkdirat = 34,
  SYS_unlinkat = 35,
  SYS_symlinkat = 36,
  SYS_linkat = 37,
  SYS_renameat = 38,
  SYS_statfs = 43,
  SYS_fstatfs = 44,
  SYS_truncate = 45,
  SYS_ftruncate = 46,
  SYS_faccessat = 48,
  SYS_chdir = 49,
  SYS_fchdir = 50,
  SYS_fchmod = 52,
  SYS_fchmodat = 53,
  SYS_fchownat = 54,
  SYS_fchown = 55,
  SYS_openat = 56,
  SYS_close = 57,
  SYS_pipe2 = 59,
  SYS_getdents64 = 61,
  SYS_lseek = 62,
  SYS_readv = 65,
  SYS_writev = 66,
  SYS_pread64 = 67,
  SYS_pwrite64 = 68,
  SYS_preadv = 69,
  SYS_pwritev = 70,
  SYS_sendfile = 71,
  SYS_pselect6 = 72,
  SYS_ppoll = 73,
  SYS_readlinkat = 78,
  SYS_newfstatat = 79,
  SYS_fstat = 80,
  SYS_sync = 81,
  SYS_fsync = 82,
  SYS_fdatasync = 83,
  SYS_utimensat = 88,
  SYS_umask = 166,
  SYS_socket = 198,
  SYS_socketpair = 199,
  SYS_bind = 200,
  SYS_listen = 201,
  SYS_accept = 202,
  SYS_connect = 203,
  SYS_getsockname = 204,
  SYS_getpeername = 205,
  SYS_sendto = 206,
  SYS_recvfrom = 207,
  SYS_setsockopt = 208,
  SYS_getsockopt = 209,
  SYS_shutdown = 210,
  SYS_sendmsg = 211,
  SYS_recvmsg = 212,
  SYS_accept4 = 242,
  SYS_recvmmsg = 243,
  SYS_sendmmsg = 269,
  SYS_renameat2 = 276,
  SYS_statx = 291,
  SYS_close_range = 436,
  SYS_faccessat2 = 439,
  SYS_read = 63,
  SYS_write = 64,
  SYS_exit = 93,
  SYS_exit_group = 94,
  SYS_nanosleep = 101,
  SYS_clock_gettime = 113,
  SYS_sched_yield = 124,
  SYS_getpid = 172,
  SYS_getppid = 173,
  SYS_gettid = 178,
  SYS_brk = 214,
  SYS_munmap = 215,
  SYS_clone = 220,
  SYS_execve = 221,
  SYS_mmap = 222,
  SYS_mprotect = 226,
  SYS_wait4 = 260,
  /* The process layer's calls that the programs make raw. */
  SYS_kill = 129,
  SYS_rt_sigaction = 134,
  SYS_rt_sigprocmask = 135,
  SYS_rt_sigreturn = 139,
  SYS_setpriority = 140,
  SYS_getpriority = 141,
  SYS_ioprio_set = 30,
  SYS_ioprio_get = 31,
  SYS_rt_sigqueueinfo = 138,
  SYS_setuid = 146,
  SYS_setpgid = 154,
  SYS_getpgid = 155,
  SYS_getsid = 156,
  SYS_setsid = 157,
  SYS_setgroups = 159,
  SYS_getuid = 174,
  SYS_prlimit64 = 261,
  SYS_getrandom = 278,
  SYS_fork = 1002,
  SYS_vfork = 1066,
  SYS_rfork = 1251,
  SYS_lwp_create = 1495,
  SYS_lwp_gettid = 1496,
  SYS_tine_kstat = 2000,
  SYS_tine_vmctl = 2001,
  SYS_tine_proc = 2002,
};

/* Error numbers (Linux). */
enum {
  EPERM = 1,
  ENOENT = 2,
  ESRCH = 3,
  EINTR = 4,
  EIO = 5,
  E2BIG = 7,
  ENOEXEC = 8,
  EBADF = 9,
  ECHILD = 10,
  EAGAIN = 11,
  ENOMEM = 12,
  EACCES = 13,
  EFAULT = 14,
  EBUSY = 16,
  EEXIST = 17,
  EXDEV = 18,
  ENODEV = 19,
  ENOTDIR = 20,
  EISDIR = 21,
  EINVAL = 22,
  ENFILE = 23,
  EMFILE = 24,
  ENOTTY = 25,
  EFBIG = 27,
  ENOSPC = 28,
  ESPIPE = 29,
  EROFS = 30,
  EMLINK = 31,
  EPIPE = 32,
  ERANGE = 34,
  ENAMETOOLONG = 36,
  ENOLCK = 37,
  ENOSYS = 38,
  ENOTEMPTY = 39,
  ELOOP = 40,
  EOPNOTSUPP = 95,
  ENXIO = 6,
};

enum { PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4 };
enum {
  MAP_SHARED = 0x01,
  MAP_PRIVATE = 0x02,
  MAP_FIXED = 0x10,
  MAP_ANONYMOUS = 0x20,
  MAP_FIXED_NOREPLACE = 0x100000,
};
#define MAP_FAILED_P(p) ((uint64_t)(p) > (uint64_t)-4096)

enum { CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1 };
enum { SIGILL = 4, SIGTRAP = 5, SIGBUS = 7, SIGKILL = 9, SIGSEGV = 11, SIGCHLD = 17 };

struct timespec {
  int64_t tv_sec;
  int64_t tv_nsec;
};

/* Signals (Linux arm64 numbers). A handler gets the signal number; the bit of
 * signal n in a set is 1 << (n - 1). */
typedef void (*sighandler_t)(int);
#define SIG_DFL_H ((sighandler_t)0)
#define SIG_IGN_H ((sighandler_t)1)
enum { SIG_BLOCK = 0, SIG_UNBLOCK = 1, SIG_SETMASK = 2 };
enum { SA_NODEFER = 0x40000000, SA_RESETHAND = (int)0x80000000 };
/* rt_sigaction with the library's restorer; 0 or -errno. */
long signal_action(int sig, sighandler_t handler, unsigned long flags, uint64_t mask,
                   sighandler_t* old);
/* rt_sigprocmask on this LWP's blocked set; 0 or -errno. */
long signal_mask(int how, const uint64_t* set, uint64_t* old);

/* wait4 options. A child whose exit signal is not SIGCHLD (a "clone" child)
 * is waited for only with __WCLONE; __WALL waits for both. */
enum { WNOHANG = 1, WUNTRACED = 2, WCONTINUED = 8 };
#define __WALL 0x40000000
#define __WCLONE ((int)0x80000000)

/* Wait status words. */
#define WIFEXITED(s) (((s)&0x7f) == 0)
#define WEXITSTATUS(s) (((s) >> 8) & 0xff)
#define WIFSIGNALED(s) (((s)&0x7f) != 0 && ((s)&0x7f) != 0x7f)
#define WTERMSIG(s) ((s)&0x7f)

/* Raw calls. */
long syscall0(long nr);
long syscall1(long nr, long a);
long syscall2(long nr, long a, long b);
long syscall3(long nr, long a, long b, long c);
long syscall4(long nr, long a, long b, long c, long d);
long syscall6(long nr, long a, long b, long c, long d, long e, long f);

/* Raw calls made inline, with no call frame: what a vfork child, which runs
 * on its parent's stack, may call without spoiling a frame the parent will
 * return through. */
static inline __attribute__((always_inline)) long svc0(long nr) {
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0");
  __asm__ volatile("svc #0" : "=r"(x0) : "r"(x8) : "memory", "x1", "x2", "x3", "x4", "x5");
  return x0;
}
static inline __attribute__((always_inline)) long svc1(long nr, long a) {
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0") = a;
  __asm__ volatile("svc #0" : "+r"(x0) : "r"(x8) : "memory", "x1", "x2", "x3", "x4", "x5");
  return x0;
}

/* Wrappers. */
ssize_t read(int fd, void* buf, size_t n);
ssize_t write(int fd, const void* buf, size_t n);
_Noreturn void exit(int code);  /* flushes stdout, then exit_group */
_Noreturn void _exit(int code); /* exit_group at once */
_Noreturn void exit_thread(int code);
int getpid(void);
int getppid(void);
int gettid(void);
long sys_brk(void* addr); /* Linux brk: returns the break in force */
void* sbrk(long incr);    /* (void*)-1 on failure */
void* mmap(void* addr, size_t len, int prot, int flags, int fd, long off);
int munmap(void* addr, size_t len);
int mprotect(void* addr, size_t len, int prot);
int clock_gettime(int clk, struct timespec* ts);
int nanosleep(const struct timespec* req, struct timespec* rem);
int sched_yield(void);
int fork(void);       /* tine's fork (1002) */
int clone_fork(void); /* clone(SIGCHLD): Linux's fork */
int wait4(int pid, int* status, int options, void* rusage);
int waitpid(int pid, int* status, int options);
int execve(const char* path, char* const argv[], char* const envp[]);

/* rfork's flags (docs/process.md). RFPPWAIT and RFPGLOCK are the kernel's own
 * (vfork's and fork's): rfork refuses them. */
enum {
  RFFDG = 1 << 2,
  RFPROC = 1 << 4,
  RFMEM = 1 << 5,
  RFNOWAIT = 1 << 6,
  RFCFDG = 1 << 12,
  RFTHREAD = 1 << 13,
  RFSIGSHARE = 1 << 14,
  RFLINUXTHPN = 1 << 16,
  RFPGLOCK = 1 << 30,
};
#define RFPPWAIT (1u << 31)
/* rfork whose child calls fn(arg) on `stack` and ends (exit_group) with its
 * result: with RFMEM the child shares the caller's memory, so it must not
 * run on the caller's stack. */
long rfork_thread(long flags, void* stack, int (*fn)(void*), void* arg);
/* rfork whose child exits at once with `code` and touches no memory: an
 * RFMEM child that needs no stack of its own. */
long rfork_exit(long flags, long code);

/* lwp_create's argument: the new LWP runs func(arg) on stack (its top);
 * tid1 and tid2, where not 0, receive its thread id. */
struct lwp_params {
  void* func;
  void* arg;
  void* stack;
  int* tid1;
  int* tid2;
};

/* prlimit64's limits. */
enum { RLIMIT_NPROC = 6, RLIMIT_NOFILE = 7 };
struct rlim {
  uint64_t cur, max;
};

/* Files (Linux arm64's numbers and layouts). */
enum {
  O_RDONLY = 0,
  O_WRONLY = 1,
  O_RDWR = 2,
  O_ACCMODE = 3,
  O_CREAT = 0100,
  O_EXCL = 0200,
  O_NOCTTY = 0400,
  O_TRUNC = 01000,
  O_APPEND = 02000,
  O_NONBLOCK = 04000,
  O_DIRECTORY = 040000,
  O_NOFOLLOW = 0100000,
  O_DIRECT = 0200000,
  O_LARGEFILE = 0400000,
  O_CLOEXEC = 02000000,
  O_PATH = 010000000,
};
enum {
  AT_FDCWD = -100,
  AT_SYMLINK_NOFOLLOW = 0x100,
  AT_REMOVEDIR = 0x200,
  AT_EACCESS = 0x200,
  AT_SYMLINK_FOLLOW = 0x400,
  AT_EMPTY_PATH = 0x1000
};
enum { RENAME_NOREPLACE = 1, RENAME_EXCHANGE = 2, RENAME_WHITEOUT = 4 };
enum { F_OK = 0, X_OK = 1, W_OK = 2, R_OK = 4 };
enum { SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4 };
enum {
  F_DUPFD = 0,
  F_GETFD = 1,
  F_SETFD = 2,
  F_GETFL = 3,
  F_SETFL = 4,
  F_GETLK = 5,
  F_DUPFD_CLOEXEC = 1030,
  F_SETPIPE_SZ = 1031,
  F_GETPIPE_SZ = 1032,
  FD_CLOEXEC = 1
};
enum { POLLIN = 1, POLLPRI = 2, POLLOUT = 4, POLLERR = 8, POLLHUP = 16, POLLNVAL = 32 };
enum {
  S_IFMT = 0170000,
  S_IFSOCK = 0140000,
  S_IFLNK = 0120000,
  S_IFREG = 0100000,
  S_IFDIR = 0040000,
  S_IFCHR = 0020000,
  S_IFIFO = 0010000,
  S_ISVTX = 01000
};
#define FIONREAD 0x541b
#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451
#define TCGETS 0x5401
#define UTIME_NOW ((1l << 30) - 1l)
#define UTIME_OMIT ((1l << 30) - 2l)
enum { CLOSE_RANGE_UNSHARE = 2, CLOSE_RANGE_CLOEXEC = 4 };

struct stat {
  uint64_t st_dev, st_ino;
  uint32_t st_mode, st_nlink, st_uid, st_gid;
  uint64_t st_rdev, pad1;
  int64_t st_size;
  int32_t st_blksize, pad2;
  int64_t st_blocks;
  struct timespec st_atim, st_mtim, st_ctim;
  uint32_t unused[2];
};
struct statx_timestamp {
  int64_t tv_sec;
  uint32_t tv_nsec;
  int32_t reserved;
};
struct statx {
  uint32_t stx_mask, stx_blksize;
  uint64_t stx_attributes;
  uint32_t stx_nlink, stx_uid, stx_gid;
  uint16_t stx_mode, spare0;
  uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
  struct statx_timestamp stx_atime, stx_btime, stx_ctime, stx_mtime;
  uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
  uint64_t spare2[14];
};
struct statfs {
  int64_t f_type, f_bsize;
  uint64_t f_blocks, f_bfree, f_bavail, f_files, f_ffree;
  int32_t f_fsid[2];
  int64_t f_namelen, f_frsize, f_flags, f_spare[4];
};
struct linux_dirent64 {
  uint64_t d_ino;
  int64_t d_off;
  uint16_t d_reclen;
  uint8_t d_type;
  char d_name[];
};
struct iovec {
  void* iov_base;
  size_t iov_len;
};
struct pollfd {
  int fd;
  short events, revents;
};

int openat(int dirfd, const char* path, int flags, int mode);
int open(const char* path, int flags, int mode);
int close(int fd);
long lseek(int fd, long off, int whence);
ssize_t pread(int fd, void* buf, size_t n, long off);
ssize_t pwrite(int fd, const void* buf, size_t n, long off);
ssize_t readv(int fd, const struct iovec* iov, int n);
ssize_t writev(int fd, const struct iovec* iov, int n);
int dup(int fd);
int dup2(int from, int to);
int dup3(int from, int to, int flags);
long fcntl(int fd, int cmd, long arg);
long ioctl(int fd, unsigned long req, void* arg);
int pipe(int fds[2]);
int pipe2(int fds[2], int flags);
long getdents64(int fd, void* buf, size_t n);
int fstat(int fd, struct stat* st);
int stat(const char* path, struct stat* st);
int lstat(const char* path, struct stat* st);
int fstatat(int dirfd, const char* path, struct stat* st, int flags);
int statx(int dirfd, const char* path, int flags, unsigned mask, struct statx* sx);
long readlink(const char* path, char* buf, size_t n);
int access(const char* path, int mode);
int mkdir(const char* path, int mode);
int mknod(const char* path, int mode, unsigned long dev);
int unlink(const char* path);
int rmdir(const char* path);
int rename(const char* from, const char* to);
int renameat2(int fromfd, const char* from, int tofd, const char* to, unsigned flags);
int symlink(const char* target, const char* path);
int link(const char* from, const char* to);
int chmod(const char* path, int mode);
int fchmod(int fd, int mode);
int chown(const char* path, int uid, int gid);
int chdir(const char* path);
int fchdir(int fd);
long getcwd(char* buf, size_t n);
int umask(int mask);
int truncate(const char* path, long len);
int ftruncate(int fd, long len);
int fsync(int fd);
int close_range(unsigned first, unsigned last, unsigned flags);
int utimensat(int dirfd, const char* path, const struct timespec t[2], int flags);
int ppoll(struct pollfd* fds, size_t n, const struct timespec* ts, const uint64_t* mask);
ssize_t sendfile(int out, int in, long* off, size_t n);
int statfs(const char* path, struct statfs* s);
int fstatfs(int fd, struct statfs* s);

/* Time helpers. */
uint64_t now_ns(void); /* CLOCK_MONOTONIC */
void sleep_ns(uint64_t ns);

/* The auxiliary vector and environment the program started with. */
extern char** environ;
uint64_t getauxval(uint64_t type);
enum { AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_ENTRY = 9, AT_RANDOM = 25 };

/* Strings and memory. */
void* memcpy(void* dst, const void* src, size_t n);
void* memmove(void* dst, const void* src, size_t n);
void* memset(void* dst, int c, size_t n);
int memcmp(const void* a, const void* b, size_t n);
size_t strlen(const char* s);
int strcmp(const char* a, const char* b);
int strncmp(const char* a, const char* b, size_t n);
char* strchr(const char* s, int c);
char* strstr(const char* hay, const char* needle);
size_t strlcpy(char* dst, const char* src, size_t size);
long atol(const char* s);

/* Formatted output: %d %i %u %x %X %p %s %c %% with - 0 width, l/ll/z. stdout
 * is buffered by line (and flushed by exit). */
int vsnprintf(char* buf, size_t n, const char* fmt, va_list ap);
int snprintf(char* buf, size_t n, const char* fmt, ...) __attribute__((format(printf, 3, 4)));
int printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
int dprintf(int fd, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
int puts(const char* s);
void flush_stdout(void);

/* tine's debugging calls. */
long tine_kstat(struct tine_kstat* out, unsigned flags);
enum { VMCTL_GET_FORK_MODE = 1, VMCTL_SET_FORK_MODE = 2, VMCTL_DUMP = 3 };
long tine_vmctl(long op, long arg);
/* op is a TINE_PROC_* (tine_proc.h); TINE_PROC_STATS fills a struct tine_proc_stats at arg. */
long tine_proc(long op, long arg);

#endif
