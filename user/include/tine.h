/* tine's tiny user library: system call wrappers (Linux arm64 numbers and
 * convention, docs/user-abi.md), string routines and formatted output.
 * Static, freestanding, no errno: calls return -errno as the kernel does. */
#ifndef TINE_USER_TINE_H
#define TINE_USER_TINE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef int64_t ssize_t;

/* System call numbers. */
enum {
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
  SYS_fork = 1002,
  SYS_tine_kstat = 2000,
  SYS_tine_vmctl = 2001,
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
  EEXIST = 17,
  ENODEV = 19,
  EINVAL = 22,
  ENAMETOOLONG = 36,
  ENOSYS = 38,
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

/* wait4 options beyond WNOHANG: a child whose exit signal is not SIGCHLD (a
 * "clone" child) is waited for only with __WCLONE; __WALL waits for both. */
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
#define TINE_KSTAT_SETTLE 1u
#define TINE_KSTAT_MAX_ZONES 24
struct tine_kstat_zone {
  char name[16];
  uint64_t inuse_objects;
  uint64_t inuse_bytes;
};
struct tine_kstat {
  uint64_t managed_pages, free_pages, user_pages, pt_pages, heap_pages, kstack_pages;
  uint64_t user_pt_pages, asids_in_use, asid_capacity, vmspaces, regions, anon_objects, procs,
      threads;
  uint64_t faults, zero_fills, cow_copies, cow_reuses, tables_shared, tables_copied, table_unshares,
      table_claims, spurious_faults, forks, syscalls;
  uint64_t nzones;
  struct tine_kstat_zone zones[TINE_KSTAT_MAX_ZONES];
};
long tine_kstat(struct tine_kstat* out, unsigned flags);
enum { VMCTL_GET_FORK_MODE = 1, VMCTL_SET_FORK_MODE = 2, VMCTL_DUMP = 3 };
long tine_vmctl(long op, long arg);

#endif
