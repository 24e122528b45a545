/* The file system calls (Linux arm64 numbers; -errno on failure). */
#include "tine.h"

int openat(int dirfd, const char* path, int flags, int mode) {
  return (int)syscall4(SYS_openat, dirfd, (long)path, flags, mode);
}
int open(const char* path, int flags, int mode) { return openat(AT_FDCWD, path, flags, mode); }
int close(int fd) { return (int)syscall1(SYS_close, fd); }
long lseek(int fd, long off, int whence) { return syscall3(SYS_lseek, fd, off, whence); }
ssize_t pread(int fd, void* buf, size_t n, long off) {
  return syscall4(SYS_pread64, fd, (long)buf, (long)n, off);
}
ssize_t pwrite(int fd, const void* buf, size_t n, long off) {
  return syscall4(SYS_pwrite64, fd, (long)buf, (long)n, off);
}
ssize_t readv(int fd, const struct iovec* iov, int n) {
  return syscall3(SYS_readv, fd, (long)iov, n);
}
ssize_t writev(int fd, const struct iovec* iov, int n) {
  return syscall3(SYS_writev, fd, (long)iov, n);
}
int dup(int fd) { return (int)syscall1(SYS_dup, fd); }
int dup2(int from, int to) {
  if (from == to) { /* dup3 refuses it; dup2 checks the descriptor */
    long r = syscall3(SYS_fcntl, from, F_GETFD, 0);
    return r < 0 ? (int)r : to;
  }
  return (int)syscall3(SYS_dup3, from, to, 0);
}
int dup3(int from, int to, int flags) { return (int)syscall3(SYS_dup3, from, to, flags); }
long fcntl(int fd, int cmd, long arg) { return syscall3(SYS_fcntl, fd, cmd, arg); }
long ioctl(int fd, unsigned long req, void* arg) {
  return syscall3(SYS_ioctl, fd, (long)req, (long)arg);
}
int pipe2(int fds[2], int flags) { return (int)syscall2(SYS_pipe2, (long)fds, flags); }
int pipe(int fds[2]) { return pipe2(fds, 0); }
long getdents64(int fd, void* buf, size_t n) {
  return syscall3(SYS_getdents64, fd, (long)buf, (long)n);
}
int fstat(int fd, struct stat* st) { return (int)syscall2(SYS_fstat, fd, (long)st); }
int fstatat(int dirfd, const char* path, struct stat* st, int flags) {
  return (int)syscall4(SYS_newfstatat, dirfd, (long)path, (long)st, flags);
}
int stat(const char* path, struct stat* st) { return fstatat(AT_FDCWD, path, st, 0); }
int lstat(const char* path, struct stat* st) {
  return fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}
int statx(int dirfd, const char* path, int flags, unsigned mask, struct statx* sx) {
  return (int)syscall6(SYS_statx, dirfd, (long)path, flags, mask, (long)sx, 0);
}
long readlink(const char* path, char* buf, size_t n) {
  return syscall4(SYS_readlinkat, AT_FDCWD, (long)path, (long)buf, (long)n);
}
int access(const char* path, int mode) {
  return (int)syscall3(SYS_faccessat, AT_FDCWD, (long)path, mode);
}
int mkdir(const char* path, int mode) {
  return (int)syscall3(SYS_mkdirat, AT_FDCWD, (long)path, mode);
}
int mknod(const char* path, int mode, unsigned long dev) {
  return (int)syscall4(SYS_mknodat, AT_FDCWD, (long)path, mode, (long)dev);
}
int unlink(const char* path) { return (int)syscall3(SYS_unlinkat, AT_FDCWD, (long)path, 0); }
int rmdir(const char* path) {
  return (int)syscall3(SYS_unlinkat, AT_FDCWD, (long)path, AT_REMOVEDIR);
}
int rename(const char* from, const char* to) {
  return (int)syscall4(SYS_renameat, AT_FDCWD, (long)from, AT_FDCWD, (long)to);
}
int renameat2(int fromfd, const char* from, int tofd, const char* to, unsigned flags) {
  return (int)syscall6(SYS_renameat2, fromfd, (long)from, tofd, (long)to, flags, 0);
}
int symlink(const char* target, const char* path) {
  return (int)syscall3(SYS_symlinkat, (long)target, AT_FDCWD, (long)path);
}
int link(const char* from, const char* to) {
  return (int)syscall6(SYS_linkat, AT_FDCWD, (long)from, AT_FDCWD, (long)to, 0, 0);
}
int chmod(const char* path, int mode) {
  return (int)syscall3(SYS_fchmodat, AT_FDCWD, (long)path, mode);
}
int fchmod(int fd, int mode) { return (int)syscall2(SYS_fchmod, fd, mode); }
int chown(const char* path, int uid, int gid) {
  return (int)syscall6(SYS_fchownat, AT_FDCWD, (long)path, uid, gid, 0, 0);
}
int chdir(const char* path) { return (int)syscall1(SYS_chdir, (long)path); }
int fchdir(int fd) { return (int)syscall1(SYS_fchdir, fd); }
long getcwd(char* buf, size_t n) { return syscall2(SYS_getcwd, (long)buf, (long)n); }
int umask(int mask) { return (int)syscall1(SYS_umask, mask); }
int truncate(const char* path, long len) { return (int)syscall2(SYS_truncate, (long)path, len); }
int ftruncate(int fd, long len) { return (int)syscall2(SYS_ftruncate, fd, len); }
int fsync(int fd) { return (int)syscall1(SYS_fsync, fd); }
int close_range(unsigned first, unsigned last, unsigned flags) {
  return (int)syscall3(SYS_close_range, first, last, flags);
}
int utimensat(int dirfd, const char* path, const struct timespec t[2], int flags) {
  return (int)syscall4(SYS_utimensat, dirfd, (long)path, (long)t, flags);
}
int ppoll(struct pollfd* fds, size_t n, const struct timespec* ts, const uint64_t* mask) {
  return (int)syscall6(SYS_ppoll, (long)fds, (long)n, (long)ts, (long)mask, mask ? 8 : 0, 0);
}
ssize_t sendfile(int out, int in, long* off, size_t n) {
  return syscall4(SYS_sendfile, out, in, (long)off, (long)n);
}
int statfs(const char* path, struct statfs* s) {
  return (int)syscall2(SYS_statfs, (long)path, (long)s);
}
int fstatfs(int fd, struct statfs* s) { return (int)syscall2(SYS_fstatfs, fd, (long)s); }
