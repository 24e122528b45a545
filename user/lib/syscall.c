/* System calls: svc #0 with the number in x8, arguments in x0-x5, result in x0. */
#include "tine.h"

long syscall6(long nr, long a, long b, long c, long d, long e, long f) {
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc #0"
                   : "+r"(x0)
                   : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5)
                   : "memory");
  return x0;
}
long syscall0(long nr) { return syscall6(nr, 0, 0, 0, 0, 0, 0); }
long syscall1(long nr, long a) { return syscall6(nr, a, 0, 0, 0, 0, 0); }
long syscall2(long nr, long a, long b) { return syscall6(nr, a, b, 0, 0, 0, 0); }
long syscall3(long nr, long a, long b, long c) { return syscall6(nr, a, b, c, 0, 0, 0); }
long syscall4(long nr, long a, long b, long c, long d) { return syscall6(nr, a, b, c, d, 0, 0); }

ssize_t read(int fd, void* buf, size_t n) { return syscall3(SYS_read, fd, (long)buf, (long)n); }
ssize_t write(int fd, const void* buf, size_t n) {
  return syscall3(SYS_write, fd, (long)buf, (long)n);
}
_Noreturn void _exit(int code) {
  syscall1(SYS_exit_group, code);
  for (;;) {
  }
}
_Noreturn void exit_thread(int code) {
  syscall1(SYS_exit, code);
  for (;;) {
  }
}
_Noreturn void exit(int code) {
  flush_stdout();
  _exit(code);
}
int getpid(void) { return (int)syscall0(SYS_getpid); }
int getppid(void) { return (int)syscall0(SYS_getppid); }
int gettid(void) { return (int)syscall0(SYS_gettid); }
long sys_brk(void* addr) { return syscall1(SYS_brk, (long)addr); }
void* sbrk(long incr) {
  long cur = sys_brk(0);
  if (incr == 0) return (void*)cur;
  long want = cur + incr;
  if (sys_brk((void*)want) != want) return (void*)-1;
  return (void*)cur;
}
void* mmap(void* addr, size_t len, int prot, int flags, int fd, long off) {
  return (void*)syscall6(SYS_mmap, (long)addr, (long)len, prot, flags, fd, off);
}
int munmap(void* addr, size_t len) { return (int)syscall2(SYS_munmap, (long)addr, (long)len); }
int mprotect(void* addr, size_t len, int prot) {
  return (int)syscall3(SYS_mprotect, (long)addr, (long)len, prot);
}
int clock_gettime(int clk, struct timespec* ts) {
  return (int)syscall2(SYS_clock_gettime, clk, (long)ts);
}
int nanosleep(const struct timespec* req, struct timespec* rem) {
  return (int)syscall2(SYS_nanosleep, (long)req, (long)rem);
}
int sched_yield(void) { return (int)syscall0(SYS_sched_yield); }
int fork(void) {
  flush_stdout();
  return (int)syscall0(SYS_fork);
}
int clone_fork(void) {
  flush_stdout();
  /* clone(flags = SIGCHLD, stack = 0, ptid, tls, ctid): arm64 argument order */
  return (int)syscall6(SYS_clone, SIGCHLD, 0, 0, 0, 0, 0);
}
int wait4(int pid, int* status, int options, void* rusage) {
  return (int)syscall4(SYS_wait4, pid, (long)status, options, (long)rusage);
}
int waitpid(int pid, int* status, int options) { return wait4(pid, status, options, 0); }
int execve(const char* path, char* const argv[], char* const envp[]) {
  flush_stdout();
  return (int)syscall3(SYS_execve, (long)path, (long)argv, (long)envp);
}
long tine_kstat(struct tine_kstat* out, unsigned flags) {
  return syscall3(SYS_tine_kstat, (long)out, (long)sizeof *out, flags);
}
long tine_vmctl(long op, long arg) { return syscall2(SYS_tine_vmctl, op, arg); }
long tine_proc(long op, long arg) { return syscall2(SYS_tine_proc, op, arg); }

uint64_t now_ns(void) {
  struct timespec ts = {0, 0};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
void sleep_ns(uint64_t ns) {
  struct timespec ts = {(int64_t)(ns / 1000000000u), (int64_t)(ns % 1000000000u)};
  nanosleep(&ts, 0);
}
