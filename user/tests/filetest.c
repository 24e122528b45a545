/* The file suite: every file system call with its errors, descriptor tables
 * across rfork, fork and exec, pipes, poll, /dev and /proc, permissions as
 * another user, the RAM file system's bounds, and races between LWPs on one
 * table. Run as init's program (init=filetest); every test runs in a child
 * of its own and is followed by the resource baseline; exits with the
 * number of failed checks.
 *
 * "filetest exec-check ..." and "filetest script-check ..." are what the
 * exec tests run (see there). */
#include "echo_child.h"
#include "utest.h"

enum { SYS_setgid = 144, SYS_getgroups = 158 };
enum { SIGUSR1 = 10, SIGPIPE = 13 };

#define KERNEL_ADDR ((void*)0xffff000000080000ull)
#define TMP "/tmp/ft"

static char g_self[64] = "/bin/filetest";
static const char* g_argv0 = "";

/* ---- helpers ---- */

static void invariants(void) { UT_EQ("invariants", tine_proc(TINE_PROC_CHECK, 0), 0); }
static long rfork_(long flags) {
  flush_stdout();
  return syscall1(SYS_rfork, flags);
}
static int setuid_(int uid) { return (int)syscall1(SYS_setuid, uid); }
static int kill_(int pid, int sig) { return (int)syscall2(SYS_kill, pid, sig); }
static long prlimit_(int res, const struct rlim* nl, struct rlim* ol) {
  return syscall4(SYS_prlimit64, 0, res, (long)nl, (long)ol);
}
static void sleep_ms(int ms) { sleep_ns((uint64_t)ms * 1000000u); }

static volatile uint64_t* shared_page(void) {
  volatile uint64_t* sh = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  memset((void*)sh, 0, 4096);
  return sh;
}

/* Writes data to path (created with mode, truncated); 0 or -errno. */
static int put_file(const char* path, const char* data, int mode) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  if (fd < 0) return fd;
  long n = write(fd, data, strlen(data));
  close(fd);
  return n == (long)strlen(data) ? 0 : -EIO;
}

/* Reads up to n - 1 bytes of path into buf by reads of at most `chunk`
 * bytes, NUL-terminated: the count or -errno. */
static long get_file_by(const char* path, char* buf, size_t n, size_t chunk) {
  int fd = open(path, O_RDONLY, 0);
  if (fd < 0) return fd;
  long total = 0;
  for (;;) {
    size_t want = n - 1 - (size_t)total;
    if (want > chunk) want = chunk;
    long r = read(fd, buf + total, want);
    if (r <= 0) break;
    total += r;
    if ((size_t)total == n - 1) break;
  }
  buf[total] = 0;
  close(fd);
  return total;
}

/* The same in reads as large as they come. */
static long get_file(const char* path, char* buf, size_t n) { return get_file_by(path, buf, n, n); }

static int is_open(int fd) { return fcntl(fd, F_GETFD, 0) >= 0; }

/* Runs fn in a child that first becomes uid; its exit status. */
static int as_user(int uid, void (*fn)(void*), void* arg) {
  flush_stdout();
  int pid = fork();
  if (pid == 0) {
    if (setuid_(uid) != 0) _exit(99);
    fn(arg);
    _exit(0);
  }
  int st = -1;
  waitpid(pid, &st, 0);
  return st;
}

static void pattern(unsigned char* b, size_t n, uint64_t at) {
  for (size_t i = 0; i < n; ++i) b[i] = (unsigned char)((at + i) * 7 + 3);
}

/* ---- open, read, write, lseek and their errors ---- */

static void t_open_rw(void) {
  int fd = open(TMP "a", O_RDWR | O_CREAT | O_EXCL, 0644);
  UT_CHECK("create", fd >= 3);
  UT_EQ("excl_exists", open(TMP "a", O_RDWR | O_CREAT | O_EXCL, 0644), -EEXIST);
  UT_EQ("write", write(fd, "hello world", 11), 11);
  UT_EQ("lseek_cur", lseek(fd, 0, SEEK_CUR), 11);
  UT_EQ("lseek_set", lseek(fd, 6, SEEK_SET), 6);
  char buf[32] = {0};
  UT_EQ("read", read(fd, buf, sizeof buf), 5);
  UT_CHECK("read_data", memcmp(buf, "world", 5) == 0);
  UT_EQ("read_eof", read(fd, buf, sizeof buf), 0);
  UT_EQ("lseek_end", lseek(fd, -5, SEEK_END), 6);
  UT_EQ("lseek_data", lseek(fd, 3, SEEK_DATA), 3);
  UT_EQ("lseek_hole", lseek(fd, 3, SEEK_HOLE), 11);
  UT_EQ("lseek_data_past_end", lseek(fd, 11, SEEK_DATA), -ENXIO);
  UT_EQ("lseek_negative", lseek(fd, -100, SEEK_SET), -EINVAL);
  UT_EQ("lseek_whence", lseek(fd, 0, 9), -EINVAL);
  UT_EQ("pread", pread(fd, buf, 5, 0), 5);
  UT_CHECK("pread_data", memcmp(buf, "hello", 5) == 0);
  UT_EQ("pread_keeps_offset", lseek(fd, 0, SEEK_CUR), 11); /* where SEEK_HOLE put it */
  UT_EQ("pwrite", pwrite(fd, "HELLO", 5, 0), 5);
  UT_EQ("pread_negative", pread(fd, buf, 1, -1), -EINVAL);
  UT_EQ("pwrite_negative", pwrite(fd, buf, 1, -1), -EINVAL);
  /* Writing past the end leaves a hole that reads as zeroes. */
  UT_EQ("pwrite_far", pwrite(fd, "Z", 1, 8192), 1);
  memset(buf, 1, sizeof buf);
  UT_EQ("pread_hole", pread(fd, buf, 4, 4096), 4);
  UT_CHECK("hole_zero", buf[0] == 0 && buf[1] == 0 && buf[2] == 0 && buf[3] == 0);
  struct stat st;
  UT_EQ("fstat", fstat(fd, &st), 0);
  UT_EQ("size", st.st_size, 8193);
  UT_EQ("mode", st.st_mode, S_IFREG | 0644);
  UT_EQ("close", close(fd), 0);
  UT_EQ("close_again", close(fd), -EBADF);
  UT_EQ("read_closed", read(fd, buf, 1), -EBADF);
  UT_EQ("write_closed", write(fd, buf, 1), -EBADF);
  UT_EQ("read_neg_fd", read(-1, buf, 1), -EBADF);
  UT_EQ("read_huge_fd", read(1 << 20, buf, 1), -EBADF);
  /* Access modes. */
  fd = open(TMP "a", O_RDONLY, 0);
  UT_EQ("write_rdonly", write(fd, "x", 1), -EBADF);
  close(fd);
  fd = open(TMP "a", O_WRONLY, 0);
  UT_EQ("read_wronly", read(fd, buf, 1), -EBADF);
  close(fd);
  UT_EQ("accmode_3", open(TMP "a", 3, 0), -EINVAL);
  /* Refused before anything is made. */
  UT_EQ("accmode_3_creat", open(TMP "acc3", O_CREAT | 3, 0600), -EINVAL);
  UT_EQ("accmode_3_made_nothing", access(TMP "acc3", F_OK), -ENOENT);
  /* O_TRUNC and O_APPEND. */
  fd = open(TMP "a", O_WRONLY | O_TRUNC, 0);
  UT_EQ("trunc_size", lseek(fd, 0, SEEK_END), 0);
  close(fd);
  fd = open(TMP "a", O_WRONLY | O_APPEND, 0);
  UT_EQ("append1", write(fd, "ab", 2), 2);
  lseek(fd, 0, SEEK_SET);
  UT_EQ("append2", write(fd, "cd", 2), 2);
  UT_EQ("append_pwrite", pwrite(fd, "ef", 2, 0), 2); /* Linux appends anyway */
  close(fd);
  UT_EQ("append_result", get_file(TMP "a", buf, sizeof buf), 6);
  UT_CHECK("append_data", strcmp(buf, "abcdef") == 0);
  /* Vectors. */
  fd = open(TMP "a", O_RDWR | O_TRUNC, 0);
  struct iovec iov[3] = {{"one", 3}, {"", 0}, {"two", 3}};
  UT_EQ("writev", writev(fd, iov, 3), 6);
  char x[4] = {0}, y[4] = {0};
  struct iovec rv[2] = {{x, 2}, {y, 4}};
  lseek(fd, 0, SEEK_SET);
  UT_EQ("readv", readv(fd, rv, 2), 6);
  UT_CHECK("readv_data", memcmp(x, "on", 2) == 0 && memcmp(y, "etwo", 4) == 0);
  UT_EQ("readv_too_many", readv(fd, rv, 1025), -EINVAL);
  UT_EQ("readv_negative", readv(fd, rv, -1), -EINVAL);
  struct iovec bad[1] = {{x, (size_t)-1}};
  UT_EQ("readv_bad_len", readv(fd, bad, 1), -EINVAL);
  UT_EQ("readv_bad_iov", readv(fd, KERNEL_ADDR, 1), -EFAULT);
  UT_EQ("preadv", syscall4(SYS_preadv, fd, (long)rv, 2, 1), 5);
  UT_EQ("fsync", fsync(fd), 0);
  UT_EQ("fdatasync", syscall1(SYS_fdatasync, fd), 0);
  UT_EQ("sync", syscall0(SYS_sync), 0);
  close(fd);
  UT_EQ("unlink", unlink(TMP "a"), 0);
  UT_EQ("open_gone", open(TMP "a", O_RDONLY, 0), -ENOENT);
}

static void t_open_errors(void) {
  char buf[8];
  UT_EQ("empty_path", open("", O_RDONLY, 0), -ENOENT);
  UT_EQ("missing", open("/no/such/file", O_RDONLY, 0), -ENOENT);
  UT_EQ("kernel_path", open(KERNEL_ADDR, O_RDONLY, 0), -EFAULT);
  UT_EQ("null_path", open(0, O_RDONLY, 0), -EFAULT);
  UT_EQ("through_file", open("/bin/init/x", O_RDONLY, 0), -ENOTDIR);
  UT_EQ("file_slash", open("/bin/init/", O_RDONLY, 0), -ENOTDIR);
  UT_EQ("directory_flag", open("/bin/init", O_RDONLY | O_DIRECTORY, 0), -ENOTDIR);
  UT_EQ("write_dir", open("/tmp", O_WRONLY, 0), -EISDIR);
  UT_EQ("creat_dir", open("/tmp", O_RDONLY | O_CREAT, 0644), -EISDIR);
  UT_EQ("creat_root", open("/", O_RDWR | O_CREAT, 0644), -EISDIR);
  UT_EQ("creat_slash", open(TMP "new/", O_RDWR | O_CREAT, 0644), -EISDIR);
  UT_EQ("creat_missing_dir", open("/no/such", O_RDWR | O_CREAT, 0644), -ENOENT);
  UT_EQ("tmpfile", open("/tmp", O_RDWR | 020000000 | O_DIRECTORY, 0600), -EOPNOTSUPP);
  char name[300];
  memset(name, 'n', sizeof name);
  name[0] = '/';
  name[257] = 0;
  UT_EQ("name_too_long", open(name, O_RDONLY, 0), -ENAMETOOLONG);
  static char path[5000];
  for (int i = 0; i < 4999; ++i) path[i] = (i % 2) ? '/' : 'a';
  path[4999] = 0;
  UT_EQ("path_too_long", open(path, O_RDONLY, 0), -ENAMETOOLONG);
  int fd = open("/tmp", O_RDONLY | O_DIRECTORY, 0);
  UT_CHECK("open_dir", fd >= 0);
  UT_EQ("read_dir", read(fd, buf, sizeof buf), -EISDIR);
  close(fd);
  fd = open("/bin/init", O_RDONLY, 0);
  UT_EQ("read_kernel_buf", read(fd, KERNEL_ADDR, 8), -EFAULT);
  UT_EQ("read_null_buf", read(fd, 0, 8), -EFAULT);
  UT_EQ("read_zero", read(fd, 0, 0), 0);
  close(fd);
  fd = open(TMP "e", O_RDWR | O_CREAT, 0600);
  UT_EQ("write_kernel_buf", write(fd, KERNEL_ADDR, 8), -EFAULT);
  close(fd);
  unlink(TMP "e");
  /* O_PATH: a handle without reads or writes. */
  fd = open("/bin/init", O_PATH, 0);
  UT_CHECK("opath", fd >= 0);
  UT_EQ("opath_read", read(fd, buf, 1), -EBADF);
  UT_EQ("opath_lseek", lseek(fd, 0, SEEK_SET), -EBADF);
  UT_EQ("opath_fioclex", ioctl(fd, FIOCLEX, 0), -EBADF);
  UT_EQ("opath_fionclex", ioctl(fd, FIONCLEX, 0), -EBADF);
  struct stat st;
  UT_EQ("opath_fstat", fstat(fd, &st), 0);
  close(fd);
}

/* ---- stat, statx, access ---- */

static void t_stat(void) {
  UT_EQ("put", put_file(TMP "s", "12345", 0640), 0);
  struct stat st;
  UT_EQ("stat", stat(TMP "s", &st), 0);
  UT_EQ("size", st.st_size, 5);
  UT_EQ("mode", st.st_mode, S_IFREG | 0640);
  UT_EQ("nlink", st.st_nlink, 1);
  UT_EQ("uid", st.st_uid, 0);
  UT_EQ("blksize", st.st_blksize, 4096);
  UT_EQ("symlink", symlink(TMP "s", TMP "sl"), 0);
  struct stat ls;
  UT_EQ("lstat", lstat(TMP "sl", &ls), 0);
  UT_EQ("lstat_mode", ls.st_mode & S_IFMT, S_IFLNK);
  UT_EQ("lstat_size", ls.st_size, (long)strlen(TMP "s"));
  struct stat fs2;
  UT_EQ("stat_follows", stat(TMP "sl", &fs2), 0);
  UT_EQ("same_ino", fs2.st_ino, st.st_ino);
  int fd = open(TMP "s", O_RDONLY, 0);
  UT_EQ("empty_path", fstatat(fd, "", &fs2, AT_EMPTY_PATH), 0);
  UT_EQ("empty_path_ino", fs2.st_ino, st.st_ino);
  UT_EQ("empty_path_noflag", fstatat(fd, "", &fs2, 0), -ENOENT);
  UT_EQ("bad_flags", fstatat(AT_FDCWD, TMP "s", &fs2, 0x4), -EINVAL);
  UT_EQ("bad_buf", fstat(fd, KERNEL_ADDR), -EFAULT);
  struct statx sx;
  UT_EQ("statx", statx(AT_FDCWD, TMP "s", 0, 0x7ff, &sx), 0);
  UT_EQ("statx_size", sx.stx_size, 5);
  UT_EQ("statx_mode", sx.stx_mode, S_IFREG | 0640);
  UT_EQ("statx_ino", sx.stx_ino, st.st_ino);
  UT_CHECK("statx_mask", (sx.stx_mask & 0x7ff) == 0x7ff);
  UT_EQ("statx_reserved", statx(AT_FDCWD, TMP "s", 0, 0x80000000u, &sx), -EINVAL);
  UT_EQ("statx_sync_both", statx(AT_FDCWD, TMP "s", 0x6000, 0x7ff, &sx), -EINVAL);
  UT_EQ("statx_nofollow", statx(AT_FDCWD, TMP "sl", AT_SYMLINK_NOFOLLOW, 0x7ff, &sx), 0);
  UT_EQ("statx_nofollow_mode", sx.stx_mode & S_IFMT, S_IFLNK);
  close(fd);
  UT_EQ("null_dev", stat("/dev/null", &st), 0);
  UT_EQ("null_rdev", st.st_rdev, 0x103);
  UT_EQ("null_type", st.st_mode & S_IFMT, S_IFCHR);
  UT_EQ("statx_null", statx(AT_FDCWD, "/dev/null", 0, 0x7ff, &sx), 0);
  UT_CHECK("statx_rdev", sx.stx_rdev_major == 1 && sx.stx_rdev_minor == 3);
  UT_EQ("access_ok", access(TMP "s", R_OK | W_OK), 0);
  UT_EQ("access_x", access(TMP "s", X_OK), -EACCES); /* root: no execute bit anywhere */
  UT_EQ("access_bad_mode", access(TMP "s", 8), -EINVAL);
  UT_EQ("access_missing", access(TMP "nope", F_OK), -ENOENT);
  UT_EQ("faccessat2", syscall4(SYS_faccessat2, AT_FDCWD, (long)TMP "sl", R_OK, AT_SYMLINK_NOFOLLOW),
        0);
  UT_EQ("faccessat2_flags", syscall4(SYS_faccessat2, AT_FDCWD, (long)TMP "s", R_OK, 0x8), -EINVAL);
  unlink(TMP "sl");
  unlink(TMP "s");
}

/* ---- directories ---- */

struct dirlist {
  char names[64][32];
  int n;
};

static int list_dir(int fd, size_t bufsize, struct dirlist* out) {
  static char buf[8192];
  out->n = 0;
  for (;;) {
    long r = getdents64(fd, buf, bufsize);
    if (r < 0) return (int)r;
    if (r == 0) return 0;
    for (long at = 0; at < r;) {
      struct linux_dirent64* d = (struct linux_dirent64*)(buf + at);
      if (out->n < 64) strlcpy(out->names[out->n++], d->d_name, 32);
      at += d->d_reclen;
    }
  }
}

static int has(const struct dirlist* l, const char* name) {
  for (int i = 0; i < l->n; ++i)
    if (strcmp(l->names[i], name) == 0) return 1;
  return 0;
}

static void t_dirs(void) {
  UT_EQ("mkdir", mkdir(TMP "d", 0755), 0);
  UT_EQ("mkdir_exists", mkdir(TMP "d", 0755), -EEXIST);
  UT_EQ("mkdir_root", mkdir("/", 0755), -EEXIST);
  UT_EQ("mkdir_missing_parent", mkdir(TMP "nope/x", 0755), -ENOENT);
  UT_EQ("mkdir_slash", mkdir(TMP "d2/", 0755), 0);
  UT_EQ("rmdir_slash", rmdir(TMP "d2/"), 0);
  struct stat st;
  stat(TMP "d", &st);
  UT_EQ("dir_mode", st.st_mode, S_IFDIR | 0755);
  UT_EQ("dir_nlink", st.st_nlink, 2);
  UT_EQ("sub", mkdir(TMP "d/sub", 0700), 0);
  stat(TMP "d", &st);
  UT_EQ("parent_nlink", st.st_nlink, 3);
  UT_EQ("put", put_file(TMP "d/f1", "x", 0644), 0);
  UT_EQ("put2", put_file(TMP "d/f2", "y", 0644), 0);
  UT_EQ("rmdir_notempty", rmdir(TMP "d"), -ENOTEMPTY);
  UT_EQ("rmdir_file", rmdir(TMP "d/f1"), -ENOTDIR);
  UT_EQ("unlink_dir", unlink(TMP "d/sub"), -EISDIR);
  UT_EQ("rmdir_dot", rmdir(TMP "d/."), -EINVAL);
  UT_EQ("rmdir_dotdot", rmdir(TMP "d/sub/.."), -ENOTEMPTY);
  UT_EQ("rmdir_root", rmdir("/"), -EBUSY);
  UT_EQ("rmdir_mount", rmdir("/proc"), -EBUSY);
  UT_EQ("unlink_flags", syscall3(SYS_unlinkat, AT_FDCWD, (long)TMP "d/f1", 0x1), -EINVAL);
  int fd = open(TMP "d", O_RDONLY | O_DIRECTORY, 0);
  struct dirlist l;
  UT_EQ("getdents", list_dir(fd, 8192, &l), 0);
  UT_CHECK("getdents_all", l.n == 5 && has(&l, ".") && has(&l, "..") && has(&l, "f1") &&
                               has(&l, "f2") && has(&l, "sub"));
  UT_EQ("getdents_eof", getdents64(fd, KERNEL_ADDR, 100), 0);
  UT_EQ("rewind", lseek(fd, 0, SEEK_SET), 0);
  UT_EQ("getdents_small", list_dir(fd, 24, &l), 0); /* one entry a call */
  UT_EQ("getdents_small_all", l.n, 5);
  lseek(fd, 0, SEEK_SET);
  char tiny[8];
  UT_EQ("getdents_too_small", getdents64(fd, tiny, sizeof tiny), -EINVAL);
  UT_EQ("getdents_fault", getdents64(fd, KERNEL_ADDR, 4096), -EFAULT);
  /* Entries removed and added while listing: the rest still comes, once each. */
  lseek(fd, 0, SEEK_SET);
  static char buf[64];
  long r = getdents64(fd, buf, 48);
  UT_CHECK("partial", r > 0);
  UT_EQ("remove_mid", unlink(TMP "d/f2"), 0);
  UT_EQ("add_mid", put_file(TMP "d/f3", "z", 0644), 0);
  r = getdents64(fd, buf, sizeof buf);
  UT_CHECK("continues", r > 0);
  close(fd);
  fd = open(TMP "d/f1", O_RDONLY, 0);
  UT_EQ("getdents_file", getdents64(fd, buf, sizeof buf), -ENOTDIR);
  close(fd);
  UT_EQ("getdents_badfd", getdents64(99, buf, sizeof buf), -EBADF);
  unlink(TMP "d/f1");
  unlink(TMP "d/f3");
  UT_EQ("rmdir_sub", rmdir(TMP "d/sub"), 0);
  UT_EQ("rmdir", rmdir(TMP "d"), 0);
  UT_EQ("gone", stat(TMP "d", &st), -ENOENT);
}

/* ---- rename ---- */

static void t_rename(void) {
  char buf[16];
  put_file(TMP "r1", "one", 0644);
  put_file(TMP "r2", "two", 0644);
  UT_EQ("rename", rename(TMP "r1", TMP "r3"), 0);
  UT_EQ("old_gone", access(TMP "r1", F_OK), -ENOENT);
  UT_EQ("replace", rename(TMP "r3", TMP "r2"), 0);
  get_file(TMP "r2", buf, sizeof buf);
  UT_CHECK("replaced_data", strcmp(buf, "one") == 0);
  UT_EQ("missing", rename(TMP "r1", TMP "r4"), -ENOENT);
  mkdir(TMP "rd", 0755);
  mkdir(TMP "re", 0755);
  UT_EQ("file_over_dir", rename(TMP "r2", TMP "rd"), -EISDIR);
  UT_EQ("dir_over_file", rename(TMP "rd", TMP "r2"), -ENOTDIR);
  UT_EQ("dir_over_empty_dir", rename(TMP "rd", TMP "re"), 0);
  mkdir(TMP "rd", 0755);
  put_file(TMP "re/x", "x", 0644);
  UT_EQ("dir_over_full_dir", rename(TMP "rd", TMP "re"), -ENOTEMPTY);
  mkdir(TMP "rd/in", 0755);
  UT_EQ("into_itself", rename(TMP "rd", TMP "rd/in/rd"), -EINVAL);
  UT_EQ("move_dir", rename(TMP "rd/in", TMP "re/in"), 0);
  struct stat st;
  stat(TMP "rd", &st);
  UT_EQ("from_nlink", st.st_nlink, 2);
  stat(TMP "re", &st);
  UT_EQ("to_nlink", st.st_nlink, 3);
  UT_EQ("dotdot_follows", access(TMP "re/in/../x", F_OK), 0);
  UT_EQ("noreplace", renameat2(AT_FDCWD, TMP "r2", AT_FDCWD, TMP "re/x", RENAME_NOREPLACE),
        -EEXIST);
  UT_EQ("exchange", renameat2(AT_FDCWD, TMP "r2", AT_FDCWD, TMP "re/x", RENAME_EXCHANGE), 0);
  get_file(TMP "r2", buf, sizeof buf);
  UT_CHECK("exchanged", strcmp(buf, "x") == 0);
  UT_EQ("exchange_dir_file", renameat2(AT_FDCWD, TMP "r2", AT_FDCWD, TMP "rd", RENAME_EXCHANGE), 0);
  UT_EQ("exchanged_dir", stat(TMP "r2", &st), 0);
  UT_CHECK("exchanged_dir_type", (st.st_mode & S_IFMT) == S_IFDIR);
  renameat2(AT_FDCWD, TMP "r2", AT_FDCWD, TMP "rd", RENAME_EXCHANGE);
  UT_EQ("exchange_missing", renameat2(AT_FDCWD, TMP "r2", AT_FDCWD, TMP "zz", RENAME_EXCHANGE),
        -ENOENT);
  UT_EQ("both_flags", renameat2(AT_FDCWD, TMP "r2", AT_FDCWD, TMP "zz", 3), -EINVAL);
  UT_EQ("whiteout", renameat2(AT_FDCWD, TMP "r2", AT_FDCWD, TMP "zz", RENAME_WHITEOUT), -EINVAL);
  UT_EQ("dot", rename(TMP "rd/.", TMP "zz"), -EBUSY);
  UT_EQ("cross_mount", rename(TMP "r2", "/proc/x"), -EXDEV);
  link(TMP "r2", TMP "r2b");
  UT_EQ("same_node", rename(TMP "r2", TMP "r2b"), 0);
  UT_EQ("same_node_both_stay", access(TMP "r2", F_OK) == 0 && access(TMP "r2b", F_OK) == 0, 1);
  UT_EQ("trailing_slash_file", rename(TMP "r2/", TMP "r5"), -ENOTDIR);
  unlink(TMP "r2");
  unlink(TMP "r2b");
  unlink(TMP "re/x");
  rmdir(TMP "re/in");
  rmdir(TMP "re");
  rmdir(TMP "rd");
}

/* ---- links and symbolic links ---- */

static void t_links(void) {
  char buf[64];
  put_file(TMP "l1", "data", 0644);
  UT_EQ("link", link(TMP "l1", TMP "l2"), 0);
  struct stat st;
  stat(TMP "l1", &st);
  UT_EQ("nlink2", st.st_nlink, 2);
  UT_EQ("link_exists", link(TMP "l1", TMP "l2"), -EEXIST);
  UT_EQ("link_dir", link("/tmp", TMP "l3"), -EPERM);
  /* Into /proc: link's lookup of the new name fails first, as Linux's; a
   * rename is refused across file systems before any name is looked up. */
  UT_EQ("link_into_proc", link(TMP "l1", "/proc/l"), -ENOENT);
  UT_EQ("rename_cross", rename(TMP "l1", "/proc/l"), -EXDEV);
  UT_EQ("link_missing", link(TMP "none", TMP "l3"), -ENOENT);
  UT_EQ("linkat_flags",
        syscall6(SYS_linkat, AT_FDCWD, (long)TMP "l1", AT_FDCWD, (long)TMP "l3", 1, 0), -EINVAL);
  unlink(TMP "l1");
  stat(TMP "l2", &st);
  UT_EQ("nlink1", st.st_nlink, 1);
  get_file(TMP "l2", buf, sizeof buf);
  UT_CHECK("data_kept", strcmp(buf, "data") == 0);
  UT_EQ("symlink", symlink("ftl2", TMP "s1"), 0); /* relative to its directory */
  UT_EQ("symlink_exists", symlink("x", TMP "s1"), -EEXIST);
  UT_EQ("symlink_empty", symlink("", TMP "s9"), -ENOENT);
  get_file(TMP "s1", buf, sizeof buf);
  UT_CHECK("through_link", strcmp(buf, "data") == 0);
  UT_EQ("readlink", readlink(TMP "s1", buf, sizeof buf), 4);
  UT_CHECK("readlink_data", memcmp(buf, "ftl2", 4) == 0);
  UT_EQ("readlink_short", readlink(TMP "s1", buf, 1), 1);
  UT_EQ("readlink_zero", readlink(TMP "s1", buf, 0), -EINVAL);
  UT_EQ("readlink_file", readlink(TMP "l2", buf, sizeof buf), -EINVAL);
  UT_EQ("readlink_fault", readlink(TMP "s1", KERNEL_ADDR, 8), -EFAULT);
  UT_EQ("nofollow", open(TMP "s1", O_RDONLY | O_NOFOLLOW, 0), -ELOOP);
  int fd = open(TMP "s1", O_PATH | O_NOFOLLOW, 0);
  UT_CHECK("opath_nofollow", fd >= 0);
  close(fd);
  /* Loops and chains. */
  symlink("ftlb", TMP "la");
  symlink("ftla", TMP "lb");
  UT_EQ("loop", open(TMP "la", O_RDONLY, 0), -ELOOP);
  char name[32], target[32];
  for (int i = 0; i < 41; ++i) {
    snprintf(name, sizeof name, TMP "c%d", i);
    snprintf(target, sizeof target, "ftc%d", i + 1);
    symlink(i == 40 ? "ftl2" : target, name);
  }
  UT_EQ("chain_40", access(TMP "c1", F_OK), 0); /* 40 links */
  UT_EQ("chain_41", access(TMP "c0", F_OK), -ELOOP);
  for (int i = 0; i < 41; ++i) {
    snprintf(name, sizeof name, TMP "c%d", i);
    unlink(name);
  }
  /* A dangling link: open fails, O_CREAT makes its target. */
  symlink("ftnew", TMP "dang");
  UT_EQ("dangling", open(TMP "dang", O_RDONLY, 0), -ENOENT);
  fd = open(TMP "dang", O_WRONLY | O_CREAT, 0600);
  UT_CHECK("creat_through", fd >= 0);
  close(fd);
  UT_EQ("target_made", access(TMP "new", F_OK), 0);
  UT_EQ("excl_on_link", open(TMP "dang", O_WRONLY | O_CREAT | O_EXCL, 0600), -EEXIST);
  /* A link to a directory, with and without a trailing slash. */
  mkdir(TMP "dir", 0755);
  symlink("ftdir", TMP "dl");
  UT_EQ("dir_link_slash", stat(TMP "dl/", &st), 0);
  UT_CHECK("dir_link_slash_type", (st.st_mode & S_IFMT) == S_IFDIR);
  UT_EQ("unlink_link_slash", unlink(TMP "dl/"), -ENOTDIR); /* the link itself, not followed */
  UT_EQ("rmdir_link_slash", rmdir(TMP "dl/"), -ENOTDIR);
  UT_EQ("unlink_link", unlink(TMP "dl"), 0);
  UT_EQ("dir_kept", access(TMP "dir", F_OK), 0);
  rmdir(TMP "dir");
  unlink(TMP "new");
  unlink(TMP "dang");
  unlink(TMP "la");
  unlink(TMP "lb");
  unlink(TMP "s1");
  unlink(TMP "l2");
}

/* ---- working directory, *at, umask ---- */

static void t_cwd(void) {
  char buf[256];
  UT_EQ("getcwd_root", getcwd(buf, sizeof buf), 2);
  UT_CHECK("root", strcmp(buf, "/") == 0);
  mkdir(TMP "w", 0755);
  mkdir(TMP "w/in", 0755);
  UT_EQ("chdir", chdir(TMP "w/in"), 0);
  UT_EQ("getcwd", getcwd(buf, sizeof buf), (long)strlen(TMP "w/in") + 1);
  UT_CHECK("getcwd_data", strcmp(buf, TMP "w/in") == 0);
  UT_EQ("getcwd_small", getcwd(buf, 4), -ERANGE);
  UT_EQ("getcwd_zero", getcwd(buf, 0), -ERANGE);
  UT_EQ("getcwd_fault", getcwd(KERNEL_ADDR, 256), -EFAULT);
  UT_EQ("relative_create", put_file("rel", "r", 0644), 0);
  UT_EQ("relative_seen", access(TMP "w/in/rel", F_OK), 0);
  UT_EQ("dotdot", access("../in/rel", F_OK), 0);
  UT_EQ("chdir_dotdot", chdir("../.."), 0);
  getcwd(buf, sizeof buf);
  UT_CHECK("up_twice", strcmp(buf, "/tmp") == 0);
  UT_EQ("chdir_up_past_root", chdir("../../../.."), 0);
  getcwd(buf, sizeof buf);
  UT_CHECK("root_stays", strcmp(buf, "/") == 0);
  UT_EQ("chdir_file", chdir("/bin/init"), -ENOTDIR);
  UT_EQ("chdir_missing", chdir("/nope"), -ENOENT);
  UT_EQ("chdir_fault", chdir(KERNEL_ADDR), -EFAULT);
  int dfd = open(TMP "w", O_RDONLY | O_DIRECTORY, 0);
  UT_EQ("openat", close(openat(dfd, "in/rel", O_RDONLY, 0)), 0);
  UT_EQ("fchdir", fchdir(dfd), 0);
  getcwd(buf, sizeof buf);
  UT_CHECK("fchdir_path", strcmp(buf, TMP "w") == 0);
  int ffd = open(TMP "w/in/rel", O_RDONLY, 0);
  UT_EQ("fchdir_file", fchdir(ffd), -ENOTDIR);
  UT_EQ("openat_notdir", openat(ffd, "x", O_RDONLY, 0), -ENOTDIR);
  UT_EQ("openat_badfd", openat(77, "x", O_RDONLY, 0), -EBADF);
  UT_CHECK("openat_abs_ignores_fd", close(openat(77, "/bin/init", O_RDONLY, 0)) == 0);
  close(ffd);
  UT_EQ("mkdirat", syscall3(SYS_mkdirat, dfd, (long)"m", 0755), 0);
  UT_EQ("unlinkat_dir", syscall3(SYS_unlinkat, dfd, (long)"m", AT_REMOVEDIR), 0);
  /* A removed working directory. */
  mkdir(TMP "w/gone", 0755);
  chdir(TMP "w/gone");
  rmdir(TMP "w/gone");
  UT_EQ("getcwd_removed", getcwd(buf, sizeof buf), -ENOENT);
  UT_EQ("create_in_removed", open("x", O_RDWR | O_CREAT, 0644), -ENOENT);
  chdir("/");
  close(dfd);
  unlink(TMP "w/in/rel");
  rmdir(TMP "w/in");
  rmdir(TMP "w");
  /* umask */
  UT_EQ("umask_default", umask(077), 022);
  UT_EQ("umask_old", umask(022), 077);
  umask(027);
  int fd = open(TMP "um", O_RDWR | O_CREAT, 0777);
  struct stat st;
  fstat(fd, &st);
  UT_EQ("umask_applied", st.st_mode & 0777, 0750);
  close(fd);
  mkdir(TMP "umd", 0777);
  stat(TMP "umd", &st);
  UT_EQ("umask_dir", st.st_mode & 0777, 0750);
  rmdir(TMP "umd");
  unlink(TMP "um");
  umask(022);
}

/* ---- attributes: chmod, chown, utimensat, truncate ---- */

static void t_attrs(void) {
  put_file(TMP "t", "abcdefgh", 0644);
  UT_EQ("chmod", chmod(TMP "t", 0600), 0);
  struct stat st;
  stat(TMP "t", &st);
  UT_EQ("chmod_mode", st.st_mode, S_IFREG | 0600);
  int fd = open(TMP "t", O_RDWR, 0);
  UT_EQ("fchmod", fchmod(fd, 04711), 0);
  fstat(fd, &st);
  UT_EQ("fchmod_mode", st.st_mode, S_IFREG | 04711);
  UT_EQ("chmod_proc", chmod("/proc/self/stat", 0777), -EPERM);
  UT_EQ("chown", chown(TMP "t", 1000, 1000), 0);
  stat(TMP "t", &st);
  UT_CHECK("chown_ids", st.st_uid == 1000 && st.st_gid == 1000);
  UT_EQ("chown_drops_suid", st.st_mode & 04000, 0);
  UT_EQ("fchown", syscall3(SYS_fchown, fd, 0, 0), 0);
  struct timespec t[2] = {{1000, 5}, {2000, 6}};
  UT_EQ("utimensat", utimensat(AT_FDCWD, TMP "t", t, 0), 0);
  stat(TMP "t", &st);
  UT_CHECK("times",
           st.st_atim.tv_sec == 1000 && st.st_mtim.tv_sec == 2000 && st.st_mtim.tv_nsec == 6);
  struct timespec omit[2] = {{0, UTIME_OMIT}, {3000, 0}};
  UT_EQ("utime_omit", utimensat(AT_FDCWD, TMP "t", omit, 0), 0);
  stat(TMP "t", &st);
  UT_CHECK("omit_kept", st.st_atim.tv_sec == 1000 && st.st_mtim.tv_sec == 3000);
  UT_EQ("futimens", utimensat(fd, 0, 0, 0), 0);
  struct timespec bad[2] = {{0, 2000000000}, {0, 0}};
  UT_EQ("utime_bad_nsec", utimensat(AT_FDCWD, TMP "t", bad, 0), -EINVAL);
  UT_EQ("utime_bad_flags", utimensat(AT_FDCWD, TMP "t", 0, 0x1), -EINVAL);
  /* Truncation. */
  UT_EQ("ftruncate_shrink", ftruncate(fd, 3), 0);
  UT_EQ("size3", lseek(fd, 0, SEEK_END), 3);
  UT_EQ("ftruncate_grow", ftruncate(fd, 6000), 0);
  char buf[8];
  UT_EQ("grown_read", pread(fd, buf, 4, 2), 4);
  UT_CHECK("grown_zeroes", buf[0] == 'c' && buf[1] == 0 && buf[2] == 0 && buf[3] == 0);
  UT_EQ("truncate", truncate(TMP "t", 1), 0);
  UT_EQ("size1", lseek(fd, 0, SEEK_END), 1);
  UT_EQ("truncate_negative", truncate(TMP "t", -1), -EINVAL);
  UT_EQ("ftruncate_negative", ftruncate(fd, -1), -EINVAL);
  UT_EQ("truncate_dir", truncate("/tmp", 0), -EISDIR);
  UT_EQ("truncate_huge", ftruncate(fd, 1l << 50), -EFBIG);
  close(fd);
  fd = open(TMP "t", O_RDONLY, 0);
  UT_EQ("ftruncate_rdonly", ftruncate(fd, 0), -EINVAL);
  close(fd);
  int p[2];
  pipe(p);
  UT_EQ("ftruncate_pipe", ftruncate(p[1], 0), -EINVAL);
  close(p[0]);
  close(p[1]);
  unlink(TMP "t");
}

/* A write whose buffer runs into an unmapped page moves what it counts and
 * nothing else: bytes the kernel copied before the fault but did not count
 * must not show in the file when it grows over them (a hole reads zeroes). */
static void t_write_fault_hole(void) {
  unsigned char* two = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  memset(two, 'A', 8192);
  munmap(two + 4096, 4096);
  int fd = open(TMP "hole", O_RDWR | O_CREAT | O_TRUNC, 0600);
  long n = write(fd, two + 4096 - 100, 200);
  UT_CHECK("counted", n == -EFAULT || (n >= 0 && n <= 100));
  long moved = n > 0 ? n : 0;
  UT_EQ("size", lseek(fd, 0, SEEK_END), moved);
  UT_EQ("grow", ftruncate(fd, 4096), 0);
  static unsigned char back[4096];
  UT_EQ("read", pread(fd, back, 4096, 0), 4096);
  long stray = 0;
  for (long i = moved; i < 4096; ++i) stray += back[i] != 0;
  ut_check("hole_zeroes", stray == 0, "%ld of the bytes past %ld are not zero", stray, moved);
  close(fd);
  unlink(TMP "hole");
  munmap(two, 4096);
}

/* A buffer whose first 4 bytes are usable and the rest an unmapped page:
 * reads and writes move those 4 and return 4 (Linux's short count), and
 * nothing beyond them is taken from a pipe. */
static void t_partial_buffers(void) {
  char* two = mmap(0, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  munmap(two + 4096, 4096);
  char* buf = two + 4096 - 4;
  UT_EQ("put", put_file(TMP "ten", "0123456789", 0644), 0);
  int fd = open(TMP "ten", O_RDWR, 0);
  UT_EQ("file_read", read(fd, buf, 10), 4);
  UT_CHECK("file_bytes", memcmp(buf, "0123", 4) == 0);
  UT_EQ("file_offset", lseek(fd, 0, SEEK_CUR), 4);
  memcpy(buf, "abcd", 4);
  UT_EQ("file_write", write(fd, buf, 10), 4);
  char back[16] = {0};
  UT_EQ("file_back", pread(fd, back, sizeof back, 0), 10);
  UT_CHECK("file_written", memcmp(back, "0123abcd89", 10) == 0);
  close(fd);
  int p[2];
  pipe(p);
  write(p[1], "0123456789", 10);
  UT_EQ("pipe_read", read(p[0], buf, 10), 4);
  UT_EQ("pipe_rest", read(p[0], back, sizeof back), 6);
  UT_CHECK("pipe_rest_bytes", memcmp(back, "456789", 6) == 0);
  /* A write of at most PIPE_BUF goes in whole or not at all. */
  memcpy(buf, "wxyz", 4);
  UT_EQ("pipe_write_whole_or_nothing", write(p[1], buf, 10), -EFAULT);
  int queued = -1;
  UT_EQ("pipe_fionread", ioctl(p[0], FIONREAD, &queued), 0);
  UT_EQ("pipe_nothing_in", queued, 0);
  close(p[0]);
  close(p[1]);
  int zero = open("/dev/zero", O_RDONLY, 0);
  UT_EQ("zero_read", read(zero, buf, 10), 4);
  UT_EQ("nothing_usable", read(zero, two + 4096, 10), -EFAULT);
  close(zero);
  UT_EQ("getrandom", syscall3(SYS_getrandom, (long)buf, 10, 0), 4);
  unlink(TMP "ten");
  munmap(two, 4096);
}

/* ---- dup, fcntl, close_range, RLIMIT_NOFILE ---- */

static void t_dup_fcntl(void) {
  int fd = open(TMP "f", O_RDWR | O_CREAT, 0644);
  write(fd, "0123456789", 10);
  int d = dup(fd);
  UT_CHECK("dup", d > fd);
  UT_EQ("shared_offset", lseek(d, 0, SEEK_CUR), 10);
  lseek(fd, 2, SEEK_SET);
  UT_EQ("shared_offset_moves", lseek(d, 0, SEEK_CUR), 2);
  UT_EQ("dup3", dup3(fd, 20, O_CLOEXEC), 20);
  UT_EQ("dup3_cloexec", fcntl(20, F_GETFD, 0), FD_CLOEXEC);
  UT_EQ("dup3_same", dup3(fd, fd, 0), -EINVAL);
  UT_EQ("dup3_flags", dup3(fd, 21, O_NONBLOCK), -EINVAL);
  UT_EQ("dup3_badfd", dup3(77, 21, 0), -EBADF);
  UT_EQ("dup2_same", dup2(fd, fd), fd);
  UT_EQ("dup2_same_bad", dup2(77, 77), -EBADF);
  int p[2];
  pipe(p);
  UT_EQ("dup3_over", dup3(p[0], 20, 0), 20); /* closes the file at 20 */
  UT_EQ("dup3_over_pipe", fcntl(20, F_GETFL, 0) & O_ACCMODE, O_RDONLY);
  UT_EQ("dupfd", fcntl(fd, F_DUPFD, 30), 30);
  UT_EQ("dupfd_cloexec", fcntl(fd, F_DUPFD_CLOEXEC, 30), 31);
  UT_EQ("getfd_cloexec", fcntl(31, F_GETFD, 0), FD_CLOEXEC);
  UT_EQ("setfd", fcntl(31, F_SETFD, 0), 0);
  UT_EQ("getfd_cleared", fcntl(31, F_GETFD, 0), 0);
  UT_EQ("getfl", fcntl(fd, F_GETFL, 0), O_RDWR | O_LARGEFILE);
  UT_EQ("setfl", fcntl(fd, F_SETFL, O_APPEND | O_NONBLOCK | O_RDONLY), 0);
  UT_EQ("getfl_set", fcntl(d, F_GETFL, 0), O_RDWR | O_LARGEFILE | O_APPEND | O_NONBLOCK);
  UT_EQ("getfl_pipe", fcntl(p[1], F_GETFL, 0), O_WRONLY);
  UT_EQ("bad_cmd", fcntl(fd, 9999, 0), -EINVAL);
  UT_EQ("getlk", fcntl(fd, F_GETLK, 0), -ENOLCK);
  UT_EQ("fcntl_badfd", fcntl(99, F_GETFD, 0), -EBADF);
  UT_EQ("fioclex", ioctl(d, FIOCLEX, 0), 0);
  UT_EQ("fioclex_set", fcntl(d, F_GETFD, 0), FD_CLOEXEC);
  UT_EQ("fionclex", ioctl(d, FIONCLEX, 0), 0);
  UT_EQ("fionclex_set", fcntl(d, F_GETFD, 0), 0);
  UT_EQ("tcgets_file", ioctl(fd, TCGETS, KERNEL_ADDR), -ENOTTY);
  UT_EQ("tcgets_pipe", ioctl(p[0], TCGETS, KERNEL_ADDR), -ENOTTY);
  int n = -1;
  UT_EQ("fionread_file", ioctl(fd, FIONREAD, &n), 0);
  UT_EQ("fionread_value", n, 8);
  /* close_range */
  UT_EQ("close_range_cloexec", close_range(30, 31, CLOSE_RANGE_CLOEXEC), 0);
  UT_EQ("close_range_cloexec_set", fcntl(30, F_GETFD, 0), FD_CLOEXEC);
  UT_EQ("close_range", close_range(20, ~0u, 0), 0);
  UT_CHECK("closed_range", !is_open(20) && !is_open(30) && !is_open(31) && is_open(fd));
  UT_EQ("close_range_inverted", close_range(5, 4, 0), -EINVAL);
  UT_EQ("close_range_flags", close_range(5, 6, 1), -EINVAL);
  close(p[0]);
  close(p[1]);
  close(d);
  close(fd);
  unlink(TMP "f");
  /* RLIMIT_NOFILE: 16 descriptors. */
  struct rlim lim = {16, 4096}, old;
  UT_EQ("setlimit", prlimit_(RLIMIT_NOFILE, &lim, &old), 0);
  UT_CHECK("default_limits", old.cur == 1024 && old.max == 4096);
  /* Linux's first process's: an 8 MiB stack, no core files, both raisable. */
  struct rlim other;
  UT_EQ("default_stack", prlimit_(3, 0, &other), 0);
  UT_CHECK("stack_8m", other.cur == 8u << 20 && other.max == ~0ul);
  UT_EQ("default_core", prlimit_(4, 0, &other), 0);
  UT_CHECK("core_0", other.cur == 0 && other.max == ~0ul);
  int last = -1, r;
  while ((r = dup(0)) >= 0) last = r;
  UT_EQ("emfile", r, -EMFILE);
  UT_EQ("highest", last, 15);
  UT_EQ("dup3_past_limit", dup3(0, 16, 0), -EBADF);
  UT_EQ("dupfd_past_limit", fcntl(0, F_DUPFD, 16), -EINVAL);
  UT_EQ("open_past_limit", open("/dev/null", O_RDONLY, 0), -EMFILE);
  int pp[2];
  UT_EQ("pipe_past_limit", pipe(pp), -EMFILE);
  close_range(3, ~0u, 0);
  struct rlim high = {4096, 70000};
  UT_EQ("nr_open", prlimit_(RLIMIT_NOFILE, &high, 0), -EPERM);
  UT_EQ("restore", prlimit_(RLIMIT_NOFILE, &old, 0), 0);
}

/* ---- pipes ---- */

static void t_pipe_basic(void) {
  int p[2];
  UT_EQ("pipe", pipe(p), 0);
  UT_EQ("write", write(p[1], "abc", 3), 3);
  int n = -1;
  UT_EQ("fionread", ioctl(p[0], FIONREAD, &n), 0);
  UT_EQ("fionread_value", n, 3);
  char buf[8];
  UT_EQ("read", read(p[0], buf, sizeof buf), 3);
  UT_EQ("lseek", lseek(p[0], 0, SEEK_CUR), -ESPIPE);
  UT_EQ("pread", pread(p[0], buf, 1, 0), -ESPIPE);
  UT_EQ("read_wrong_end", read(p[1], buf, 1), -EBADF);
  UT_EQ("write_wrong_end", write(p[0], "x", 1), -EBADF);
  struct stat st;
  UT_EQ("fstat", fstat(p[0], &st), 0);
  UT_EQ("fifo", st.st_mode & S_IFMT, S_IFIFO);
  struct stat st2;
  fstat(p[1], &st2);
  UT_EQ("same_pipe", st.st_ino, st2.st_ino);
  UT_EQ("getpipe_sz", fcntl(p[0], F_GETPIPE_SZ, 0), 65536);
  UT_EQ("getpipe_sz_file", fcntl(0, F_GETPIPE_SZ, 0), -EBADF);
  UT_EQ("write_before_resize", write(p[1], "0123456789", 10), 10);
  char c2[2];
  UT_EQ("read_before_resize", read(p[0], c2, 2), 2);
  UT_EQ("setpipe_sz", fcntl(p[0], F_SETPIPE_SZ, 100), 4096);
  UT_EQ("setpipe_sz_kept_data", read(p[0], buf, 3) == 3 && memcmp(buf, "234", 3) == 0, 1);
  UT_EQ("setpipe_sz_grow", fcntl(p[1], F_SETPIPE_SZ, 20000), 32768);
  UT_EQ("setpipe_sz_data_after_grow", read(p[0], buf, 8) == 5 && memcmp(buf, "56789", 5) == 0, 1);
  UT_EQ("setpipe_sz_too_big", fcntl(p[1], F_SETPIPE_SZ, 1 << 20), -EPERM);
  UT_EQ("setpipe_sz_file", fcntl(0, F_SETPIPE_SZ, 4096), -EBADF);
  /* Linux's rules: arg is an unsigned int (the high half ignored), 0 is one
   * page, past 2^31 no size rounds (-EINVAL), 2^31 itself is too big (-EPERM). */
  UT_EQ("setpipe_sz_2g", fcntl(p[1], F_SETPIPE_SZ, 1L << 31), -EPERM);
  UT_EQ("setpipe_sz_past_2g", fcntl(p[1], F_SETPIPE_SZ, (1L << 31) + 1), -EINVAL);
  UT_EQ("setpipe_sz_all_ones", fcntl(p[1], F_SETPIPE_SZ, 0xffffffffL), -EINVAL);
  UT_EQ("setpipe_sz_high_half", fcntl(p[1], F_SETPIPE_SZ, (1L << 32) + 8192), 8192);
  UT_EQ("setpipe_sz_zero", fcntl(p[1], F_SETPIPE_SZ, 0), 4096);
  UT_EQ("fstatfs_pipe", fstatfs(p[0], (struct statfs*)buf), -EINVAL);
  close(p[1]);
  UT_EQ("eof", read(p[0], buf, sizeof buf), 0);
  close(p[0]);
  UT_EQ("bad_flags", pipe2(p, O_APPEND), -EINVAL);
  int before = dup(0);
  close(before);
  UT_EQ("bad_pointer", pipe2(KERNEL_ADDR, 0), -EFAULT);
  int after = dup(0);
  close(after);
  UT_EQ("no_leak_on_fault", after, before);
  /* Non-blocking: empty, and full at 64 KiB. */
  UT_EQ("pipe2", pipe2(p, O_NONBLOCK | O_CLOEXEC), 0);
  UT_EQ("cloexec", fcntl(p[0], F_GETFD, 0), FD_CLOEXEC);
  UT_EQ("empty", read(p[0], buf, 1), -EAGAIN);
  static char big[4096];
  long total = 0, r;
  while ((r = write(p[1], big, sizeof big)) > 0) total += r;
  UT_EQ("full", r, -EAGAIN);
  UT_EQ("capacity", total, 65536);
  UT_EQ("full_one_byte", write(p[1], "x", 1), -EAGAIN);
  UT_EQ("drain_some", read(p[0], big, 100), 100);
  UT_EQ("atomic_refused", write(p[1], big, 4096), -EAGAIN); /* only 100 bytes free */
  UT_EQ("partial_ok", write(p[1], big, 100), 100);
  close(p[0]);
  close(p[1]);
}

static void pipe_writer(void* arg) {
  int* p = arg;
  close(p[0]);
  static unsigned char buf[65536];
  uint64_t at = 0;
  for (int i = 0; at < (1u << 20); ++i) {
    size_t n = 1000 + (size_t)(i * 7919) % 60000;
    if (n > (1u << 20) - at) n = (1u << 20) - at;
    pattern(buf, n, at);
    long w = write(p[1], buf, n);
    if (w != (long)n) _exit(2);
    at += n;
  }
  _exit(0);
}

static void t_pipe_1mib(void) {
  int p[2];
  pipe(p);
  uint64_t t0 = now_ns();
  flush_stdout();
  int pid = fork();
  if (pid == 0) pipe_writer(p);
  close(p[1]);
  static unsigned char buf[65536], want[65536];
  uint64_t at = 0;
  int good = 1;
  for (;;) {
    long r = read(p[0], buf, sizeof buf);
    if (r <= 0) break;
    pattern(want, (size_t)r, at);
    if (memcmp(buf, want, (size_t)r) != 0) good = 0;
    at += (uint64_t)r;
  }
  uint64_t ns = now_ns() - t0;
  int st = -1;
  waitpid(pid, &st, 0);
  UT_EQ("all_bytes", at, 1u << 20);
  UT_CHECK("bytes_right", good);
  UT_CHECK("writer_ok", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  printf("UTEST-INFO pipe_1mib: 1 MiB through a pipe in %lu ms\n", (unsigned long)(ns / 1000000));
  close(p[0]);
}

static void t_pipe_atomic(void) {
  /* Four writers of 4,096-byte records: each record arrives whole. */
  int p[2];
  pipe(p);
  int pids[4];
  flush_stdout();
  for (int w = 0; w < 4; ++w) {
    pids[w] = fork();
    if (pids[w] == 0) {
      close(p[0]);
      static char rec[4096];
      memset(rec, 'A' + w, sizeof rec);
      for (int i = 0; i < 64; ++i)
        if (write(p[1], rec, sizeof rec) != (long)sizeof rec) _exit(1);
      _exit(0);
    }
  }
  close(p[1]);
  static char rec[4096];
  size_t have = 0;
  int records = 0, whole = 1;
  for (;;) {
    long r = read(p[0], rec + have, sizeof rec - have);
    if (r <= 0) break;
    have += (size_t)r;
    if (have == sizeof rec) {
      for (size_t i = 1; i < sizeof rec; ++i)
        if (rec[i] != rec[0]) whole = 0;
      ++records;
      have = 0;
    }
  }
  for (int w = 0; w < 4; ++w) waitpid(pids[w], 0, 0);
  UT_EQ("records", records, 256);
  UT_CHECK("records_whole", whole && have == 0);
  close(p[0]);
}

static void t_pipe_pingpong(void) {
  /* One byte there and back, 2,000 times: each side sleeps for the other. */
  int there[2], back[2];
  pipe(there);
  pipe(back);
  flush_stdout();
  int pid = fork_echo_child(there, back);
  char c = 'p';
  int rounds = 0;
  for (int i = 0; i < 2000; ++i) {
    if (write(there[1], &c, 1) != 1 || read(back[0], &c, 1) != 1) break;
    ++rounds;
  }
  UT_EQ("rounds", rounds, 2000);
  close(there[1]);
  int st = -1;
  waitpid(pid, &st, 0);
  UT_CHECK("child_saw_eof", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  close(back[0]);
}

static void epipe_child(void* arg) {
  int p[2];
  pipe(p);
  close(p[0]);
  write(p[1], "x", 1); /* SIGPIPE ends the process */
  _exit(0);
}

static void epipe_ignored(void* arg) {
  signal_action(SIGPIPE, SIG_IGN_H, 0, 0, 0);
  int p[2];
  pipe(p);
  close(p[0]);
  _exit(write(p[1], "x", 1) == -EPIPE ? 0 : 1);
}

static void t_pipe_epipe(void) {
  int st = ut_child_status(epipe_child, 0);
  UT_CHECK("sigpipe", WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
  st = ut_child_status(epipe_ignored, 0);
  UT_CHECK("epipe", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static volatile int g_caught;
static void on_usr1(int sig) { g_caught = sig; }

static void blocked_read(void* arg) {
  signal_action(SIGUSR1, on_usr1, 0, 0, 0);
  int* p = arg;
  char c;
  long r = read(p[0], &c, 1);
  _exit(r == -EINTR && g_caught == SIGUSR1 ? 0 : 1);
}

static void blocked_write(void* arg) {
  signal_action(SIGUSR1, on_usr1, 0, 0, 0);
  int* p = arg;
  static char big[65536 + 8192];
  long r = write(p[1], big, sizeof big); /* 64 KiB go in, then it waits */
  _exit(r == 65536 && g_caught == SIGUSR1 ? 0 : 1);
}

static void blocked_poll(void* arg) {
  signal_action(SIGUSR1, on_usr1, 0, 0, 0);
  int* p = arg;
  struct pollfd f = {p[0], POLLIN, 0};
  long r = ppoll(&f, 1, 0, 0);
  _exit(r == -EINTR && g_caught == SIGUSR1 ? 0 : 1);
}

/* A child sleeping in fn is ended by sig: a caught signal ends the sleep
 * (checked by the child), SIGKILL the process. */
static int sleep_then(void (*fn)(void*), int sig) {
  int p[2];
  pipe(p);
  flush_stdout();
  int pid = fork();
  if (pid == 0) fn(p);
  sleep_ms(100);
  kill_(pid, sig);
  int st = -1;
  if (!ut_wait_within(pid, 0, 5000, &st)) {
    kill_(pid, 9);
    waitpid(pid, &st, 0);
    st = -1;
  }
  close(p[0]);
  close(p[1]);
  return st;
}

static void t_pipe_signals(void) {
  int st = sleep_then(blocked_read, SIGUSR1);
  UT_CHECK("read_eintr", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  st = sleep_then(blocked_write, SIGUSR1);
  UT_CHECK("write_partial", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  st = sleep_then(blocked_poll, SIGUSR1);
  UT_CHECK("poll_eintr", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  st = sleep_then(blocked_read, 9);
  UT_CHECK("read_killed", WIFSIGNALED(st) && WTERMSIG(st) == 9);
  st = sleep_then(blocked_write, 9);
  UT_CHECK("write_killed", WIFSIGNALED(st) && WTERMSIG(st) == 9);
  st = sleep_then(blocked_poll, 9);
  UT_CHECK("poll_killed", WIFSIGNALED(st) && WTERMSIG(st) == 9);
}

/* ---- named pipes (FIFOs) ---- */

#define FIFO TMP "fifo"
enum { SIGSTOP = 19, SIGCONT = 18, S_IFBLK = 0060000 };
#define WIFSTOPPED(s) (((s)&0xff) == 0x7f)

static int revents(int fd) {
  struct pollfd f = {fd, POLLIN | POLLOUT, 0};
  struct timespec zero = {0, 0};
  return ppoll(&f, 1, &zero, 0) < 0 ? -1 : f.revents;
}

/* A child that, after ms, opens FIFO with flags, writes or reads msg, and
 * exits 0 if all went as it should. */
static int fifo_partner(int flags, const char* msg, int ms) {
  flush_stdout();
  int pid = fork();
  if (pid == 0) {
    sleep_ms(ms);
    int fd = open(FIFO, flags, 0);
    if (fd < 0) _exit(10);
    if ((flags & O_ACCMODE) == O_WRONLY) {
      _exit(write(fd, msg, strlen(msg)) == (long)strlen(msg) ? 0 : 11);
    }
    char buf[32] = {0};
    long n = read(fd, buf, sizeof buf - 1);
    _exit(n == (long)strlen(msg) && strcmp(buf, msg) == 0 ? 0 : 12);
  }
  return pid;
}

static int reaped_ok(int pid) {
  int st = -1;
  if (!ut_wait_within(pid, 0, 5000, &st)) {
    kill_(pid, SIGKILL);
    waitpid(pid, &st, 0);
    return 0;
  }
  return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void t_fifo_node(void) {
  UT_EQ("mknod", mknod(FIFO, S_IFIFO | 0666, 0), 0);
  struct stat st;
  UT_EQ("stat", stat(FIFO, &st), 0);
  UT_EQ("mode", st.st_mode, S_IFIFO | 0644); /* umask 022 */
  UT_CHECK("empty", st.st_size == 0 && st.st_rdev == 0 && st.st_nlink == 1);
  UT_EQ("exists", mknod(FIFO, S_IFIFO | 0644, 0), -EEXIST);
  UT_EQ("dev_ignored", mknod(TMP "fifo2", S_IFIFO | 0600, 0x1234), 0);
  UT_CHECK("dev_ignored_rdev",
           stat(TMP "fifo2", &st) == 0 && st.st_rdev == 0 && (st.st_mode & S_IFMT) == S_IFIFO);
  /* A socket node: anyone may make one (nothing listens on it); its open ENXIO. */
  UT_EQ("socket", mknod(TMP "sock", S_IFSOCK | 0600, 0x1234), 0);
  UT_CHECK("socket_node",
           stat(TMP "sock", &st) == 0 && st.st_mode == (S_IFSOCK | 0600) && st.st_rdev == 0);
  UT_EQ("socket_open", open(TMP "sock", O_RDWR, 0), -ENXIO);
  UT_EQ("socket_unlink", unlink(TMP "sock"), 0);
  UT_EQ("block", mknod(TMP "blk", S_IFBLK | 0600, 0x801), -EPERM);
  /* Its type in a listing. */
  int d = open("/tmp", O_RDONLY | O_DIRECTORY, 0);
  static char dents[4096];
  int found = 0;
  long got;
  while ((got = getdents64(d, dents, sizeof dents)) > 0)
    for (long at = 0; at < got;) {
      struct linux_dirent64* e = (struct linux_dirent64*)(dents + at);
      if (strcmp(e->d_name, "ftfifo") == 0) found = e->d_type;
      at += e->d_reclen;
    }
  close(d);
  UT_EQ("dtype", found, 1); /* DT_FIFO */
  /* Not a program, not truncatable. */
  char* argv[] = {"fifo", 0};
  UT_EQ("exec", execve(FIFO, argv, environ), -EACCES);
  UT_EQ("truncate", truncate(FIFO, 0), -EINVAL);
  /* O_PATH: no open of the pipe, no wait. */
  int fd = open(FIFO, O_PATH, 0);
  UT_CHECK("o_path", fd >= 0);
  UT_CHECK("o_path_stat", fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO);
  close(fd);
  /* Not root: a FIFO may be made; permissions as for files. */
  chmod(TMP "fifo2", 0600);
  flush_stdout();
  int pid = fork();
  if (pid == 0) {
    setuid_(1000);
    int bad = mknod(TMP "fifo3", S_IFIFO | 0600, 0) != 0;
    bad |= (open(TMP "fifo2", O_RDWR, 0) != -EACCES) << 1;
    bad |= (mknod(TMP "sock", S_IFSOCK | 0600, 0) != 0 || unlink(TMP "sock") != 0) << 2;
    bad |= (unlink(TMP "fifo3") != 0) << 3;
    _exit(bad);
  }
  int ws = -1;
  waitpid(pid, &ws, 0);
  ut_check("unprivileged", WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "status %#x", ws);
  UT_EQ("unlink", unlink(FIFO), 0);
  UT_EQ("unlink2", unlink(TMP "fifo2"), 0);
}

static void t_fifo_open(void) {
  mknod(FIFO, S_IFIFO | 0600, 0);
  /* O_NONBLOCK: a reader at once (reads end of file, no POLLHUP before a
   * writer has come); a writer with no reader ENXIO, with one at once. */
  UT_EQ("nb_write_no_reader", open(FIFO, O_WRONLY | O_NONBLOCK, 0), -ENXIO);
  int r = open(FIFO, O_RDONLY | O_NONBLOCK, 0);
  UT_CHECK("nb_reader", r >= 0);
  char buf[64];
  UT_EQ("nb_read_eof", read(r, buf, sizeof buf), 0);
  UT_EQ("nb_no_hup", revents(r), 0);
  int w = open(FIFO, O_WRONLY | O_NONBLOCK, 0);
  UT_CHECK("nb_writer", w >= 0);
  UT_EQ("nb_read_eagain", read(r, buf, sizeof buf), -EAGAIN);
  UT_EQ("write", write(w, "abc", 3), 3);
  UT_EQ("pollin", revents(r), POLLIN);
  UT_EQ("pollout", revents(w), POLLOUT);
  int n = -1;
  UT_CHECK("fionread", ioctl(r, FIONREAD, &n) == 0 && n == 3);
  memset(buf, 0, sizeof buf);
  UT_EQ("read", read(r, buf, sizeof buf), 3);
  UT_CHECK("data", strcmp(buf, "abc") == 0);
  /* A pipe's calls: no seeking, no syncing, its capacity. */
  UT_EQ("lseek", lseek(r, 0, SEEK_SET), -ESPIPE);
  UT_EQ("pread", pread(r, buf, 1, 0), -ESPIPE);
  UT_EQ("fsync", fsync(w), -EINVAL);
  UT_EQ("ftruncate", ftruncate(w, 0), -EINVAL);
  UT_EQ("pipe_sz", fcntl(w, F_GETPIPE_SZ, 0), 65536);
  /* fstat is the node's. */
  struct stat a, b;
  UT_CHECK("fstat", fstat(r, &a) == 0 && stat(FIFO, &b) == 0 && a.st_ino == b.st_ino &&
                        a.st_mode == (S_IFIFO | 0600));
  close(w);
  UT_EQ("hup", revents(r), POLLHUP);
  UT_EQ("eof", read(r, buf, sizeof buf), 0);
  /* The reader gone: a writer's write is EPIPE (SIGPIPE ignored). */
  w = open(FIFO, O_WRONLY | O_NONBLOCK, 0);
  close(r);
  signal_action(SIGPIPE, SIG_IGN_H, 0, 0, 0);
  UT_EQ("epipe", write(w, "x", 1), -EPIPE);
  UT_EQ("pollerr", revents(w), POLLOUT | POLLERR);
  close(w);
  /* O_RDWR at once, with or without O_NONBLOCK; one File is both ends
   * (O_TRUNC truncates nothing). */
  int rw = open(FIFO, O_RDWR | O_TRUNC, 0);
  UT_CHECK("rdwr", rw >= 0);
  UT_EQ("rdwr_write", write(rw, "self", 4), 4);
  memset(buf, 0, sizeof buf);
  UT_CHECK("rdwr_read", read(rw, buf, sizeof buf) == 4 && strcmp(buf, "self") == 0);
  UT_EQ("rdwr_poll", revents(rw), POLLOUT);
  /* Another writer meets the same buffer. */
  w = open(FIFO, O_WRONLY, 0);
  UT_CHECK("writer_with_rdwr", w >= 0);
  UT_EQ("shared_write", write(w, "xy", 2), 2);
  UT_CHECK("shared_read", read(rw, buf, sizeof buf) == 2 && buf[0] == 'x' && buf[1] == 'y');
  /* Written, then every end closed: the bytes go with the pipe. */
  UT_EQ("left", write(w, "lost", 4), 4);
  close(w);
  close(rw);
  rw = open(FIFO, O_RDWR | O_NONBLOCK, 0);
  UT_EQ("gone_with_pipe", read(rw, buf, sizeof buf), -EAGAIN);
  close(rw);
  /* Unlinked while open: the open ends still work. */
  rw = open(FIFO, O_RDWR, 0);
  unlink(FIFO);
  UT_EQ("unlinked_write", write(rw, "u", 1), 1);
  UT_EQ("unlinked_read", read(rw, buf, 1), 1);
  close(rw);
  UT_EQ("node_gone", stat(FIFO, &a), -ENOENT);
}

static void t_fifo_wait(void) {
  mknod(FIFO, S_IFIFO | 0666, 0);
  /* A reader waits for a writer. */
  uint64_t t0 = now_ns();
  int pid = fifo_partner(O_WRONLY, "hello", 60);
  int r = open(FIFO, O_RDONLY, 0);
  uint64_t waited = now_ns() - t0;
  UT_CHECK("reader_opened", r >= 0);
  UT_CHECK("reader_waited", waited >= 40000000u);
  char buf[32] = {0};
  long n = 0, k;
  while ((k = read(r, buf + n, sizeof buf - 1 - n)) > 0) n += k;
  UT_CHECK("reader_got", n == 5 && strcmp(buf, "hello") == 0);
  close(r);
  UT_CHECK("writer_ok", reaped_ok(pid));
  /* A writer waits for a reader. */
  t0 = now_ns();
  pid = fifo_partner(O_RDONLY, "world", 60);
  int w = open(FIFO, O_WRONLY, 0);
  waited = now_ns() - t0;
  UT_CHECK("writer_opened", w >= 0);
  UT_CHECK("writer_waited", waited >= 40000000u);
  UT_EQ("writer_wrote", write(w, "world", 5), 5);
  close(w);
  UT_CHECK("reader_ok", reaped_ok(pid));
  /* A nonblocking reader is already there: a writer opens at once. */
  r = open(FIFO, O_RDONLY | O_NONBLOCK, 0);
  t0 = now_ns();
  w = open(FIFO, O_WRONLY, 0);
  UT_CHECK("no_wait", w >= 0 && now_ns() - t0 < 40000000u);
  close(w);
  close(r);
  unlink(FIFO);
}

static void fifo_open_eintr(void* arg) {
  (void)arg;
  signal_action(SIGUSR1, on_usr1, 0, 0, 0);
  int r = open(FIFO, O_RDONLY, 0);
  /* Nobody is counted in after the interrupted open. */
  int w = open(FIFO, O_WRONLY | O_NONBLOCK, 0);
  _exit(r == -EINTR && g_caught == SIGUSR1 && w == -ENXIO ? 0 : 1);
}

static void fifo_open_blocked(void* arg) {
  (void)arg;
  int w = open(FIFO, O_WRONLY, 0);
  _exit(w >= 0 && write(w, "z", 1) == 1 ? 0 : 1);
}

static void t_fifo_signals(void) {
  mknod(FIFO, S_IFIFO | 0600, 0);
  /* A caught signal ends the wait with EINTR. */
  flush_stdout();
  int pid = fork();
  if (pid == 0) fifo_open_eintr(0);
  sleep_ms(60);
  kill_(pid, SIGUSR1);
  UT_CHECK("eintr", reaped_ok(pid));
  /* SIGKILL ends a process waiting in an open. */
  flush_stdout();
  pid = fork();
  if (pid == 0) fifo_open_blocked(0);
  sleep_ms(60);
  kill_(pid, SIGKILL);
  int st = -1;
  UT_CHECK("killed_reaped", ut_wait_within(pid, 0, 5000, &st));
  UT_CHECK("killed", WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  /* A stop signal stops it there; continued, it waits on and opens once a
   * reader comes. */
  flush_stdout();
  pid = fork();
  if (pid == 0) fifo_open_blocked(0);
  sleep_ms(60);
  kill_(pid, SIGSTOP);
  st = -1;
  UT_CHECK("stopped", ut_wait_within(pid, WUNTRACED, 5000, &st) && WIFSTOPPED(st));
  kill_(pid, SIGCONT);
  sleep_ms(30);
  int r = open(FIFO, O_RDONLY, 0);
  char c = 0;
  UT_CHECK("continued_opened", r >= 0 && read(r, &c, 1) == 1 && c == 'z');
  close(r);
  UT_CHECK("continued_ok", reaped_ok(pid));
  unlink(FIFO);
}

/* Processes opening and closing one FIFO every way at once, while it is
 * unlinked and made again: the node's pipe is made and freed many times
 * (the baseline checks every one went). */
static void t_fifo_race(void) {
  mknod(FIFO, S_IFIFO | 0666, 0);
  int pids[4];
  for (int i = 0; i < 4; ++i) {
    flush_stdout();
    pids[i] = fork();
    if (pids[i] == 0) {
      signal_action(SIGPIPE, SIG_IGN_H, 0, 0, 0);
      uint64_t end = now_ns() + 1500000000u;
      int bad = 0;
      for (int k = 0; now_ns() < end; ++k) {
        static const int how[] = {O_RDONLY | O_NONBLOCK, O_WRONLY | O_NONBLOCK, O_RDWR,
                                  O_RDWR | O_NONBLOCK};
        int fd = open(FIFO, how[(k + i) % 4], 0);
        if (fd == -ENOENT || fd == -ENXIO) {
          if (i == 3 && k % 50 == 0) mknod(FIFO, S_IFIFO | 0666, 0);
          continue;
        }
        if (fd < 0) {
          bad = 1;
          break;
        }
        char c = 'q';
        (void)write(fd, &c, 1);
        /* A blocking read could wait for ever: another process may have
         * taken the byte, and the others may be gone. */
        if (how[(k + i) % 4] & O_NONBLOCK) (void)read(fd, &c, 1);
        close(fd);
        if (i == 3 && k % 100 == 0) unlink(FIFO);
      }
      _exit(bad);
    }
  }
  int ok = 1;
  for (int i = 0; i < 4; ++i) ok &= reaped_ok(pids[i]);
  UT_CHECK("no_errors", ok);
  unlink(FIFO);
}

static void poll_with_mask(void* arg) {
  /* SIGUSR1 blocked; ppoll's mask lets it in for the wait only. */
  signal_action(SIGUSR1, on_usr1, 0, 0, 0);
  uint64_t usr1 = 1ull << (SIGUSR1 - 1), none = 0, now = 0;
  signal_mask(SIG_BLOCK, &usr1, 0);
  int* p = arg;
  struct pollfd f = {p[0], POLLIN, 0};
  long r = ppoll(&f, 1, 0, &none);
  signal_mask(SIG_BLOCK, 0, &now);
  int first = r == -EINTR && g_caught == SIGUSR1 && (now & usr1);
  /* Pending and blocked, let in by the mask: the wait ends at once. */
  g_caught = 0;
  kill_(getpid(), SIGUSR1);
  r = ppoll(&f, 1, 0, &none);
  int second = r == -EINTR && g_caught == SIGUSR1;
  /* A wait that ends by its timeout gives the old mask back before any
   * signal is delivered: the pending one stays pending. */
  g_caught = 0;
  kill_(getpid(), SIGUSR1);
  struct timespec zero = {0, 0};
  r = ppoll(&f, 1, &zero, &none);
  int third = r == 0 && g_caught == 0;
  _exit(first && second && third ? 0 : 1 + first + 2 * second + 4 * third);
}

static void t_poll(void) {
  int p[2];
  pipe(p);
  struct pollfd f[4] = {{p[0], POLLIN, 0}, {p[1], POLLOUT, 0}, {-1, POLLIN, 0}, {77, POLLIN, 0}};
  struct timespec zero = {0, 0};
  UT_EQ("ready", ppoll(f, 4, &zero, 0), 2);
  UT_CHECK("revents", f[0].revents == 0 && f[1].revents == POLLOUT && f[2].revents == 0 &&
                          f[3].revents == POLLNVAL);
  struct timespec t50 = {0, 50000000};
  uint64_t t0 = now_ns();
  UT_EQ("timeout", ppoll(f, 1, &t50, 0), 0);
  UT_CHECK("waited", now_ns() - t0 >= 50000000u);
  UT_CHECK("time_left_written", t50.tv_sec == 0 && t50.tv_nsec == 0);
  write(p[1], "x", 1);
  UT_EQ("readable", ppoll(f, 1, 0, 0), 1);
  UT_EQ("pollin", f[0].revents, POLLIN);
  close(p[1]);
  UT_EQ("hup", ppoll(f, 1, 0, 0), 1);
  UT_EQ("pollin_hup", f[0].revents, POLLIN | POLLHUP);
  char c;
  read(p[0], &c, 1);
  ppoll(f, 1, 0, 0);
  UT_EQ("hup_only", f[0].revents, POLLHUP);
  pipe(p);
  close(p[0]);
  struct pollfd w = {p[1], POLLOUT, 0};
  ppoll(&w, 1, 0, 0);
  UT_EQ("pollerr", w.revents, POLLOUT | POLLERR);
  close(p[1]);
  UT_EQ("too_many", ppoll(f, 5000, 0, 0), -EINVAL);
  UT_EQ("fault", ppoll(KERNEL_ADDR, 1, &zero, 0), -EFAULT);
  struct timespec badts = {0, 2000000000};
  UT_EQ("bad_timeout", ppoll(f, 1, &badts, 0), -EINVAL);
  UT_EQ("bad_sigsetsize", syscall6(SYS_ppoll, (long)f, 1, (long)&zero, (long)&zero, 4, 0), -EINVAL);
  int st = sleep_then(poll_with_mask, SIGUSR1);
  ut_check("sigmask", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
  /* Another process's write wakes the poller. */
  pipe(p);
  flush_stdout();
  int pid = fork();
  if (pid == 0) {
    sleep_ms(50);
    write(p[1], "y", 1);
    _exit(0);
  }
  struct pollfd r = {p[0], POLLIN, 0};
  UT_EQ("woken", ppoll(&r, 1, 0, 0), 1);
  waitpid(pid, 0, 0);
  /* pselect6 */
  uint64_t rd = 1ull << p[0], wr = 1ull << p[1], ex = 0;
  UT_EQ("pselect", syscall6(SYS_pselect6, 64, (long)&rd, (long)&wr, (long)&ex, (long)&zero, 0), 2);
  UT_CHECK("pselect_sets", rd == (1ull << p[0]) && wr == (1ull << p[1]));
  rd = 1ull << 60;
  UT_EQ("pselect_badfd", syscall6(SYS_pselect6, 64, (long)&rd, 0, 0, (long)&zero, 0), -EBADF);
  UT_EQ("pselect_negative", syscall6(SYS_pselect6, -1, 0, 0, 0, (long)&zero, 0), -EINVAL);
  /* nfds is an int (Linux): its upper 32 bits are not looked at, so 2^32 +
   * 64 asks about fds 0-63 only, and the bit of fd 100 (closed) is not read.
   * It once meant up to the descriptor limit: -EBADF. */
  uint64_t big[16] = {0};
  big[100 / 64] = 1ull << (100 % 64);
  UT_EQ("pselect_nfds_int",
        syscall6(SYS_pselect6, (long)((1ull << 32) + 64), (long)big, 0, 0, (long)&zero, 0), 0);
  UT_EQ("pselect_timeout", syscall6(SYS_pselect6, 0, 0, 0, 0, (long)&t50, 0), 0);
  close(p[0]);
  close(p[1]);
}

/* ---- descriptor tables across rfork ---- */

static void t_rfork_tables(void) {
  int fd = open(TMP "rt", O_RDWR | O_CREAT, 0644);
  write(fd, "0123456789", 10);
  lseek(fd, 0, SEEK_SET);
  /* RFFDG: the child's table is a copy of the same open files. */
  long pid = rfork_(RFPROC | RFFDG);
  if (pid == 0) {
    char b[4];
    read(fd, b, 4); /* the shared File's offset moves for both */
    int g = open("/dev/null", O_RDONLY, 0);
    close(fd); /* the parent's descriptor stays */
    _exit(g);
  }
  int st = -1;
  waitpid((int)pid, &st, 0);
  int g = WEXITSTATUS(st);
  UT_CHECK("fdg_kept", is_open(fd));
  UT_CHECK("fdg_new_not_seen", !is_open(g));
  UT_EQ("fdg_offset_shared", lseek(fd, 0, SEEK_CUR), 4);
  /* Shared (no RFFDG): closes and opens are the parent's too. */
  int victim = dup(fd);
  pid = rfork_(RFPROC);
  if (pid == 0) {
    int g = open("/dev/null", O_RDONLY, 0);
    close(victim);
    _exit(g);
  }
  waitpid((int)pid, &st, 0);
  g = WEXITSTATUS(st);
  UT_CHECK("shared_close_seen", !is_open(victim));
  UT_CHECK("shared_open_seen", is_open(g));
  close(g);
  invariants();
  /* RFCFDG: nothing open, same working directory and umask. */
  chdir("/tmp");
  umask(037);
  pid = rfork_(RFPROC | RFCFDG);
  if (pid == 0) {
    char cwd[32];
    int ok = write(1, "x", 1) == -EBADF && !is_open(0) && !is_open(fd) &&
             getcwd(cwd, sizeof cwd) > 0 && strcmp(cwd, "/tmp") == 0 && umask(0) == 037;
    _exit(ok ? 0 : 1);
  }
  waitpid((int)pid, &st, 0);
  UT_CHECK("cfdg_empty", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  chdir("/");
  umask(022);
  UT_EQ("cfdg_and_fdg", rfork_(RFPROC | RFCFDG | RFFDG), -EINVAL);
  /* Sharing with RFTHREAD (the leader's record) and without (a record of
   * its own); the sharer outlives the maker. */
  volatile uint64_t* sh = shared_page();
  pid = fork();
  if (pid == 0) {
    long c1 = rfork_(RFPROC | RFTHREAD);
    if (c1 == 0) {
      sh[5] = (uint64_t)getpid();
      while (!sh[0]) sleep_ms(1);
      int h = open("/dev/null", O_RDONLY, 0); /* in a table whose other users left */
      sh[1] = (uint64_t)h;
      _exit(h >= 0 && write(fd, "!", 1) == 1 ? 0 : 1);
    }
    long c2 = rfork_(RFPROC);
    if (c2 == 0) _exit(is_open(fd) ? 0 : 1);
    int s2 = -1;
    waitpid((int)c2, &s2, 0);
    sh[2] = (uint64_t)s2;
    sh[3] = (uint64_t)tine_proc(TINE_PROC_CHECK, 0);
    _exit(0); /* c1 is orphaned and keeps the table */
  }
  waitpid((int)pid, &st, 0);
  sh[0] = 1;
  for (int i = 0; i < 400 && !sh[1]; ++i) sleep_ms(5);
  /* The orphan is init's to reap: wait until its pid is gone. */
  for (int i = 0; i < 400 && sh[5] && kill_((int)sh[5], 0) != -ESRCH; ++i) sleep_ms(5);
  UT_CHECK("thread_sharer_ran", sh[1] > 0);
  UT_EQ("own_record_sharer", sh[2], 0);
  UT_EQ("invariants_while_shared", sh[3], 0);
  munmap((void*)sh, 4096);
  /* rfork without RFPROC: RFFDG makes a shared table private. */
  pid = fork();
  if (pid == 0) {
    long c = rfork_(RFPROC); /* shares this table */
    if (c == 0) {
      sleep_ms(50);
      _exit(is_open(fd) ? 0 : 1);
    }
    if (rfork_(RFFDG) != 0) _exit(2);
    close(fd); /* only this one's descriptor */
    int s = -1;
    waitpid((int)c, &s, 0);
    _exit(WIFEXITED(s) && WEXITSTATUS(s) == 0 ? 0 : 3);
  }
  waitpid((int)pid, &st, 0);
  UT_CHECK("unshare_private", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  /* close_range(CLOSE_RANGE_UNSHARE) does the same. */
  pid = fork();
  if (pid == 0) {
    long c = rfork_(RFPROC);
    if (c == 0) {
      sleep_ms(50);
      _exit(is_open(fd) ? 0 : 1);
    }
    if (close_range(fd, fd, CLOSE_RANGE_UNSHARE) != 0) _exit(2);
    int s = -1;
    waitpid((int)c, &s, 0);
    _exit(WIFEXITED(s) && WEXITSTATUS(s) == 0 && !is_open(fd) ? 0 : 3);
  }
  waitpid((int)pid, &st, 0);
  UT_CHECK("close_range_unshare", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  close(victim);
  close(fd);
  unlink(TMP "rt");
  invariants();
}

/* ---- exec ---- */

/* Runs path with argv in a child: its exit status, or 128 + the signal that ended it. */
static int run_program(const char* path, char* const argv[]) {
  flush_stdout();
  int pid = fork();
  if (pid == 0) {
    execve(path, argv, environ);
    _exit(120);
  }
  int st = -1;
  waitpid(pid, &st, 0);
  return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void t_exec(void) {
  /* Close-on-exec: 10 marked, 11 not, 12 marked then cleared. */
  int fd = open("/dev/null", O_RDONLY, 0);
  dup3(fd, 10, O_CLOEXEC);
  dup3(fd, 11, 0);
  dup3(fd, 12, O_CLOEXEC);
  fcntl(12, F_SETFD, 0);
  close(fd);
  char* check[] = {"filetest", "exec-check", 0};
  UT_EQ("cloexec", run_program(g_self, check), 0);
  close_range(10, 12, 0);
  /* A process sharing its table execs: the parent's close-on-exec
   * descriptor stays open (exec copied the table first). */
  int keep = open("/dev/null", O_RDONLY | O_CLOEXEC, 0);
  flush_stdout();
  long pid = rfork_(RFPROC);
  if (pid == 0) {
    char* argv[] = {"filetest", "exec-exit", 0};
    execve(g_self, argv, environ);
    _exit(120);
  }
  int st = -1;
  waitpid((int)pid, &st, 0);
  UT_CHECK("shared_exec_ran", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  UT_CHECK("shared_exec_kept_parents", is_open(keep));
  close(keep);
  /* #! scripts. */
  UT_EQ("script", put_file(TMP "sh", "#!/bin/filetest script-check  one arg \n", 0755), 0);
  char* sargv[] = {"ignored", "extra", 0};
  UT_EQ("script_ran", run_program(TMP "sh", sargv), 0);
  put_file(TMP "noint", "#!\n", 0755);
  UT_EQ("no_interpreter", execve(TMP "noint", sargv, environ), -ENOEXEC);
  put_file(TMP "junk", "not a program\n", 0755);
  UT_EQ("enoexec", execve(TMP "junk", sargv, environ), -ENOEXEC);
  put_file(TMP "loop", "#!" TMP "loop\n", 0755);
  UT_EQ("script_loop", execve(TMP "loop", sargv, environ), -ELOOP);
  put_file(TMP "noexec", "#!/bin/filetest\n", 0644);
  UT_EQ("not_executable", execve(TMP "noexec", sargv, environ), -EACCES);
  UT_EQ("directory", execve("/tmp", sargv, environ), -EACCES);
  UT_EQ("trailing_slash", execve("/bin/filetest/", sargv, environ), -ENOTDIR);
  /* Scripts run by scripts: 5 deep, as on Linux; a 6th is -ELOOP. */
  put_file(TMP "s5", "#!/bin/filetest exec-exit\n", 0755);
  for (int i = 4; i >= 0; --i) {
    char name[32], text[48];
    snprintf(name, sizeof name, TMP "s%d", i);
    snprintf(text, sizeof text, "#!" TMP "s%d\n", i + 1);
    put_file(name, text, 0755);
  }
  UT_EQ("scripts_5_deep", run_program(TMP "s1", sargv), 0);
  UT_EQ("scripts_6_deep", execve(TMP "s0", sargv, environ), -ELOOP);
  for (int i = 0; i <= 5; ++i) {
    char name[32];
    snprintf(name, sizeof name, TMP "s%d", i);
    unlink(name);
  }
  UT_EQ("missing", execve(TMP "missing", sargv, environ), -ENOENT);
  UT_EQ("kernel_path", execve(KERNEL_ADDR, sargv, environ), -EFAULT);
  symlink("/bin/filetest", TMP "link");
  char* largv[] = {"ftlink", "exec-exit", 0};
  UT_EQ("through_symlink", run_program(TMP "link", largv), 0);
  unlink(TMP "link");
  unlink(TMP "sh");
  unlink(TMP "noint");
  unlink(TMP "junk");
  unlink(TMP "loop");
  unlink(TMP "noexec");
}

/* ---- permissions as another user ---- */

static void as_1000(void* arg) {
  int bad = 0;
#define EXPECT(cond) \
  if (!(cond)) bad |= 1 << __LINE__ % 30
  EXPECT(open("/bin/init", O_WRONLY, 0) == -EACCES);
  EXPECT(open("/bin/init", O_RDONLY | O_TRUNC, 0) == -EACCES);
  EXPECT(open("/newfile", O_WRONLY | O_CREAT, 0644) == -EACCES);
  EXPECT(mkdir("/newdir", 0755) == -EACCES);
  EXPECT(unlink("/bin/init") == -EACCES);
  EXPECT(open(TMP "priv/f", O_RDONLY, 0) == -EACCES);
  EXPECT(chdir(TMP "priv") == -EACCES);
  struct stat st;
  EXPECT(stat(TMP "priv/f", &st) == -EACCES);
  EXPECT(open(TMP "rootf", O_WRONLY, 0) == -EACCES);
  EXPECT(open(TMP "rootf", O_RDONLY, 0) >= 0);
  EXPECT(unlink(TMP "rootf") == -EPERM); /* /tmp is sticky */
  EXPECT(rename(TMP "rootf", TMP "mine") == -EPERM);
  EXPECT(truncate(TMP "rootf", 0) == -EACCES);
  EXPECT(chmod(TMP "rootf", 0666) == -EPERM);
  EXPECT(chown(TMP "rootf", 1000, -1) == -EPERM);
  EXPECT(utimensat(AT_FDCWD, TMP "rootf", 0, 0) == -EACCES);
  EXPECT(access(TMP "rootf", W_OK) == -EACCES);
  EXPECT(access(TMP "rootf", R_OK) == 0);
  EXPECT(execve(TMP "rootf", 0, 0) == -EACCES);
  /* Its own files: made, changed, removed. */
  EXPECT(put_file(TMP "mine", "m", 0600) == 0);
  EXPECT(stat(TMP "mine", &st) == 0 && st.st_uid == 1000);
  EXPECT(chmod(TMP "mine", 0644) == 0);
  EXPECT(chown(TMP "mine", 0, -1) == -EPERM);
  EXPECT(unlink(TMP "mine") == 0);
  EXPECT(open("/proc/1/stat", O_WRONLY, 0) == -EACCES);
  _exit(bad);
#undef EXPECT
}

static void t_permissions(void) {
  mkdir(TMP "priv", 0700);
  put_file(TMP "priv/f", "secret", 0644);
  put_file(TMP "rootf", "root's", 0644);
  int st = as_user(1000, as_1000, 0);
  ut_check("uid_1000", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
  /* Root: reads and writes anything, enters anything, executes only what
   * has an execute bit. */
  chmod(TMP "rootf", 0);
  int fd = open(TMP "rootf", O_RDWR, 0);
  UT_CHECK("root_bypass", fd >= 0);
  close(fd);
  UT_EQ("root_no_x", execve(TMP "rootf", 0, 0), -EACCES);
  UT_EQ("root_enters", access(TMP "priv/f", R_OK), 0);
  unlink(TMP "rootf");
  unlink(TMP "priv/f");
  rmdir(TMP "priv");
}

/* ---- the RAM file system's bounds ---- */

static long fill(const char* path) {
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
  if (fd < 0) return fd;
  static char chunk[65536];
  memset(chunk, 0x5a, sizeof chunk);
  long total = 0, r;
  while ((r = write(fd, chunk, sizeof chunk)) > 0) total += r;
  close(fd);
  return r == -ENOSPC ? total : r;
}

static void fill_user(void* arg) {
  volatile uint64_t* sh = arg;
  long r = fill(sh[8] == 1000 ? TMP "fill1000" : TMP "fill1001");
  sh[sh[8] == 1000 ? 0 : 1] = (uint64_t)r;
  _exit(r > 0 ? 0 : 1);
}

static void t_enospc(void) {
  struct statfs fs0, fs1;
  UT_EQ("statfs", statfs("/", &fs0), 0);
  UT_EQ("statfs_type", fs0.f_type, 0x01021994);
  uint64_t pages = fs0.f_blocks;
  volatile uint64_t* sh = shared_page();
  sh[8] = 1000;
  int st = as_user(1000, fill_user, (void*)sh);
  UT_CHECK("user_filled", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  uint64_t got1 = sh[0] / 4096;
  /* One user holds at most half. */
  ut_check("user_share", got1 <= pages / 2 && got1 + pages / 512 + 64 >= pages / 2,
           "%lu pages of %lu", (unsigned long)got1, (unsigned long)pages);
  sh[8] = 1001;
  st = as_user(1001, fill_user, (void*)sh);
  UT_CHECK("second_user_filled", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  statfs("/", &fs1);
  /* Users together leave root its sixteenth. */
  ut_check("root_reserve", fs1.f_bfree >= pages / 16 && fs1.f_bavail <= 64,
           "%lu free of %lu, %lu for users", (unsigned long)fs1.f_bfree, (unsigned long)pages,
           (unsigned long)fs1.f_bavail);
  int fd = open(TMP "rootfill", O_WRONLY | O_CREAT, 0600);
  static char chunk[65536];
  UT_EQ("root_still_writes", write(fd, chunk, sizeof chunk), (long)sizeof chunk);
  close(fd);
  printf("UTEST-INFO enospc: %lu pages in all; uid 1000 got %lu, uid 1001 %lu\n",
         (unsigned long)pages, (unsigned long)got1, (unsigned long)(sh[1] / 4096));
  unlink(TMP "fill1000");
  unlink(TMP "fill1001");
  unlink(TMP "rootfill");
  statfs("/", &fs1);
  UT_EQ("space_back", fs1.f_bfree, fs0.f_bfree);
  munmap((void*)sh, 4096);
}

static void open_many(void* arg) {
  volatile uint64_t* sh = arg;
  struct rlim lim = {4096, 4096};
  prlimit_(RLIMIT_NOFILE, &lim, 0);
  int idx = sh[8] == 0 ? 0 : 1;
  long want = idx == 0 ? 3000 : 4096, n = 0, r = 0;
  while (n < want && (r = open("/dev/null", O_RDONLY, 0)) >= 0) ++n;
  sh[idx] = (uint64_t)n;
  sh[2 + idx] = (uint64_t)-r;
  __atomic_store_n(&sh[4 + idx], 1, __ATOMIC_RELEASE);
  while (!__atomic_load_n(&sh[6], __ATOMIC_ACQUIRE)) sleep_ms(5);
  _exit(0);
}

/* Starts open_many as uid 1000 in a child, opener `idx` (sh[8]); its pid
 * once it has opened what it could. */
static int start_opener(volatile uint64_t* sh, int idx) {
  sh[8] = (uint64_t)idx;
  int pid = fork();
  if (pid == 0) {
    setuid_(1000);
    open_many((void*)sh);
  }
  while (!__atomic_load_n(&sh[4 + idx], __ATOMIC_ACQUIRE)) sleep_ms(5);
  return pid;
}

static void many_pipes(void* arg) {
  /* 16 MiB of pipe buffers is one user's share: 256 pipes of 64 KiB. */
  int p[2], caps[260], n = 0;
  for (; n < 260; ++n) {
    if (pipe(p) != 0) break;
    caps[n] = (int)fcntl(p[0], F_GETPIPE_SZ, 0);
  }
  int ok = n == 260;
  for (int i = 0; i < 256 && ok; ++i) ok = caps[i] == 65536;
  for (int i = 256; i < 260 && ok; ++i) ok = caps[i] == 4096;
  /* A pipe past the share cannot be made larger either. */
  ok = ok && fcntl(p[0], F_SETPIPE_SZ, 65536) == -EPERM;
  _exit(ok ? 0 : 1);
}

static void t_pipe_share(void) {
  int st = as_user(1000, many_pipes, 0);
  ut_check("pipe_share", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
  int p[2];
  pipe(p);
  UT_EQ("root_unbounded", fcntl(p[0], F_GETPIPE_SZ, 0), 65536);
  close(p[0]);
  close(p[1]);
}

static void t_enfile(void) {
  /* One user's open files: half of the system's 8,192. */
  volatile uint64_t* sh = shared_page();
  flush_stdout();
  int a = start_opener(sh, 0);
  int b = start_opener(sh, 1);
  UT_EQ("first_opened", sh[0], 3000);
  UT_EQ("second_enfile", sh[3], ENFILE);
  ut_check("share", sh[0] + sh[1] <= 4096 && sh[0] + sh[1] >= 4090, "%lu + %lu files",
           (unsigned long)sh[0], (unsigned long)sh[1]);
  int fd = open("/dev/null", O_RDONLY, 0);
  UT_CHECK("root_opens", fd >= 0);
  close(fd);
  __atomic_store_n(&sh[6], 1, __ATOMIC_RELEASE);
  waitpid(a, 0, 0);
  waitpid(b, 0, 0);
  munmap((void*)sh, 4096);
}

/* ---- unlink while open, big sparse files, sendfile ---- */

/* ---- supplementary groups ---- */

/* uid 1000, gid 1000, supplementary groups 50 and 70 (or none, arg != 0). */
static void groups_user(void* arg) {
  int bad = 0;
#define EXPECT(cond) \
  if (!(cond)) bad |= 1 << __LINE__ % 30
  int none = arg != 0;
  /* The file's group is one of the caller's: the group bits apply. */
  if (!none) {
    int fd = open(TMP "g/f50", O_RDONLY, 0);
    EXPECT(fd >= 0);
    close(fd);
    EXPECT(open(TMP "g/f50", O_WRONLY, 0) == -EACCES); /* the group may not write */
    EXPECT(access(TMP "g/f50", R_OK) == 0);
    EXPECT(access(TMP "g/f50", W_OK) == -EACCES);
    EXPECT(chdir(TMP "g/d50") == 0 && chdir("/") == 0);
    struct stat st;
    EXPECT(stat(TMP "g/d50/inner", &st) == 0);
    /* A script whose execute bit is its group's. */
    int pid = fork();
    if (pid == 0) {
      char* argv[] = {"x50", 0};
      execve(TMP "g/x50", argv, environ);
      _exit(120);
    }
    int st2 = -1;
    waitpid(pid, &st2, 0);
    EXPECT(WIFEXITED(st2) && WEXITSTATUS(st2) == 0);
    /* chown by the owner: to one of its groups, not to another. */
    EXPECT(chown(TMP "g/own", -1, 70) == 0);
    EXPECT(stat(TMP "g/own", &st) == 0 && st.st_gid == 70);
    EXPECT(chown(TMP "g/own", -1, 60) == -EPERM);
    EXPECT(chown(TMP "g/own", -1, 1000) == 0);
    /* chmod keeps set-group-ID for a file of one of its groups. */
    EXPECT(chown(TMP "g/own", -1, 50) == 0);
    EXPECT(chmod(TMP "g/own", 02750) == 0);
    EXPECT(stat(TMP "g/own", &st) == 0 && (st.st_mode & 07777) == 02750);
    /* A set-group-ID file in a set-group-ID directory: kept in one of its
     * groups, dropped in another. */
    int fd2 = open(TMP "g/sg50/x", O_CREAT | O_WRONLY, 02755);
    EXPECT(fd2 >= 0);
    close(fd2);
    EXPECT(stat(TMP "g/sg50/x", &st) == 0 && (st.st_mode & 07777) == 02755 && st.st_gid == 50);
    fd2 = open(TMP "g/sg60/x", O_CREAT | O_WRONLY, 02755);
    EXPECT(fd2 >= 0);
    close(fd2);
    EXPECT(stat(TMP "g/sg60/x", &st) == 0 && (st.st_mode & 07777) == 0755 && st.st_gid == 60);
  }
  /* Never: a group it is not in, or with no supplementary groups at all. */
  EXPECT(open(TMP "g/f60", O_RDONLY, 0) == -EACCES);
  if (none) {
    EXPECT(open(TMP "g/f50", O_RDONLY, 0) == -EACCES);
    EXPECT(chdir(TMP "g/d50") == -EACCES);
    EXPECT(execve(TMP "g/x50", 0, 0) == -EACCES);
    EXPECT(chown(TMP "g/own", -1, 70) == -EPERM);
    EXPECT(chmod(TMP "g/own", 02750) == 0);
    struct stat st;
    EXPECT(stat(TMP "g/own", &st) == 0 && (st.st_mode & 07777) == 0750);
  }
  _exit(bad);
#undef EXPECT
}

static int groups_child(int ngroups, void* arg) {
  flush_stdout();
  int pid = fork();
  if (pid == 0) {
    int groups[2] = {70, 50};
    if (syscall2(SYS_setgroups, ngroups, (long)groups) != 0) _exit(97);
    if (syscall2(SYS_getgroups, 0, 0) != ngroups) _exit(96);
    if (syscall1(SYS_setgid, 1000) != 0) _exit(98);
    if (setuid_(1000) != 0) _exit(99);
    groups_user(arg);
  }
  int st = -1;
  waitpid(pid, &st, 0);
  return st;
}

static void t_groups(void) {
  mkdir(TMP "g", 0755);
  put_file(TMP "g/f50", "fifty", 0640);
  chown(TMP "g/f50", 0, 50);
  put_file(TMP "g/f60", "sixty", 0640);
  chown(TMP "g/f60", 0, 60);
  mkdir(TMP "g/d50", 0750);
  chown(TMP "g/d50", 0, 50);
  put_file(TMP "g/d50/inner", "in", 0644);
  put_file(TMP "g/x50", "#!/bin/filetest exec-exit\n", 0750);
  chown(TMP "g/x50", 0, 50);
  put_file(TMP "g/own", "mine", 0644);
  chown(TMP "g/own", 1000, 1000);
  for (int g = 50; g <= 60; g += 10) {
    char path[32];
    snprintf(path, sizeof path, TMP "g/sg%d", g);
    mkdir(path, 0777);
    chown(path, 0, g);
    chmod(path, 02777);
  }
  int st = groups_child(2, 0);
  ut_check("in_groups", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
  chown(TMP "g/own", 1000, 50);
  st = groups_child(0, (void*)1);
  ut_check("no_groups", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
  const char* files[] = {"f50", "f60", "d50/inner", "x50", "own", "sg50/x", "sg60/x"};
  for (unsigned i = 0; i < sizeof files / sizeof files[0]; ++i) {
    char path[32];
    snprintf(path, sizeof path, TMP "g/%s", files[i]);
    unlink(path);
  }
  rmdir(TMP "g/d50");
  rmdir(TMP "g/sg50");
  rmdir(TMP "g/sg60");
  UT_EQ("cleaned", rmdir(TMP "g"), 0);
}

static void t_unlink_open(void) {
  struct statfs fs0, fs1;
  statfs("/", &fs0);
  int fd = open(TMP "u", O_RDWR | O_CREAT, 0644);
  static char buf[16384];
  memset(buf, 'u', sizeof buf);
  write(fd, buf, sizeof buf);
  UT_EQ("unlink", unlink(TMP "u"), 0);
  struct stat st;
  UT_EQ("fstat", fstat(fd, &st), 0);
  UT_EQ("nlink0", st.st_nlink, 0);
  UT_EQ("still_reads", pread(fd, buf, 4, 100), 4);
  UT_EQ("still_writes", pwrite(fd, "x", 1, 0), 1);
  UT_EQ("link_to_unlinked",
        syscall6(SYS_linkat, fd, (long)"", AT_FDCWD, (long)TMP "u2", AT_EMPTY_PATH, 0), -ENOENT);
  close(fd);
  statfs("/", &fs1);
  UT_EQ("space_back", fs1.f_bfree, fs0.f_bfree);
}

static void t_sparse(void) {
  struct statfs fs0, fs1;
  statfs("/", &fs0);
  int fd = open(TMP "sp", O_RDWR | O_CREAT, 0644);
  long far = 5l << 30; /* 5 GiB in */
  UT_EQ("far_write", pwrite(fd, "end", 3, far), 3);
  struct stat st;
  fstat(fd, &st);
  UT_EQ("size", st.st_size, far + 3);
  statfs("/", &fs1);
  ut_check("few_pages", fs0.f_bfree - fs1.f_bfree <= 8, "%lu pages",
           (unsigned long)(fs0.f_bfree - fs1.f_bfree));
  char b[4] = {1, 1, 1, 1};
  UT_EQ("hole_read", pread(fd, b, 4, 3l << 30), 4);
  UT_CHECK("hole_zero", b[0] == 0 && b[3] == 0);
  UT_EQ("efbig", pwrite(fd, "x", 1, 1l << 40), -EFBIG);
  close(fd);
  unlink(TMP "sp");
  statfs("/", &fs1);
  UT_EQ("space_back", fs1.f_bfree, fs0.f_bfree);
}

static void t_sendfile(void) {
  put_file(TMP "sf", "0123456789abcdef", 0644);
  int in = open(TMP "sf", O_RDONLY, 0);
  int p[2];
  pipe(p);
  long off = 4;
  UT_EQ("to_pipe_offset", sendfile(p[1], in, &off, 6), 6);
  UT_EQ("offset_moved", off, 10);
  UT_EQ("file_offset_kept", lseek(in, 0, SEEK_CUR), 0);
  char buf[32] = {0};
  read(p[0], buf, sizeof buf);
  UT_CHECK("to_pipe_data", strcmp(buf, "456789") == 0);
  UT_EQ("to_pipe", sendfile(p[1], in, 0, 100), 16);
  UT_EQ("file_offset_moved", lseek(in, 0, SEEK_CUR), 16);
  int out = open(TMP "sf2", O_WRONLY | O_CREAT, 0644);
  UT_EQ("from_pipe", sendfile(out, p[0], 0, 16), 16);
  close(out);
  memset(buf, 0, sizeof buf);
  get_file(TMP "sf2", buf, sizeof buf);
  UT_CHECK("from_pipe_data", strcmp(buf, "0123456789abcdef") == 0);
  /* From a pipe with less in it than asked, its writer still there: what
   * there is, as a read gives it (it once waited for all n). */
  write(p[1], "xy", 2);
  flush_stdout();
  int kid = fork();
  if (kid == 0) {
    int o = open(TMP "sf3", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    _exit(sendfile(o, p[0], 0, 10) == 2 ? 0 : 1);
  }
  int kst = -1;
  int ended = ut_wait_within(kid, 0, 3000, &kst);
  ut_check("from_pipe_short", ended && WIFEXITED(kst) && WEXITSTATUS(kst) == 0,
           "ended %d status %#x", ended, kst);
  if (!ended) {
    kill_(kid, SIGKILL);
    waitpid(kid, &kst, 0);
  }
  unlink(TMP "sf3");
  UT_EQ("bad_in", sendfile(p[1], 77, 0, 1), -EBADF);
  UT_EQ("wronly_in", sendfile(p[1], p[1], 0, 1), -EBADF);
  long neg = -1;
  UT_EQ("negative_offset", sendfile(p[1], in, &neg, 1), -EINVAL);
  UT_EQ("offset_fault", sendfile(p[1], in, KERNEL_ADDR, 1), -EFAULT);
  close(in);
  close(p[0]);
  close(p[1]);
  unlink(TMP "sf");
  unlink(TMP "sf2");
}

/* ---- /dev and /proc ---- */

static void t_dev(void) {
  char buf[64];
  int fd = open("/dev/null", O_RDWR, 0);
  UT_EQ("null_read", read(fd, buf, sizeof buf), 0);
  UT_EQ("null_write", write(fd, buf, sizeof buf), (long)sizeof buf);
  UT_EQ("null_lseek", lseek(fd, 100, SEEK_SET), 0);
  UT_EQ("null_tcgets", ioctl(fd, TCGETS, buf), -ENOTTY);
  close(fd);
  fd = open("/dev/zero", O_RDONLY, 0);
  memset(buf, 1, sizeof buf);
  UT_EQ("zero_read", read(fd, buf, sizeof buf), (long)sizeof buf);
  int zero = 1;
  for (size_t i = 0; i < sizeof buf; ++i) zero &= buf[i] == 0;
  UT_CHECK("zeroes", zero);
  close(fd);
  fd = open("/dev/urandom", O_RDWR, 0);
  char a[32], b[32];
  UT_EQ("urandom", read(fd, a, sizeof a), (long)sizeof a);
  read(fd, b, sizeof b);
  UT_CHECK("urandom_differs", memcmp(a, b, sizeof a) != 0);
  UT_EQ("urandom_write", write(fd, a, sizeof a), (long)sizeof a);
  close(fd);
  struct stat st;
  UT_EQ("console", stat("/dev/console", &st), 0);
  UT_EQ("console_rdev", st.st_rdev, 0x501);
  UT_EQ("tty", stat("/dev/tty", &st), 0);
  UT_EQ("stdout_is_console", fstat(1, &st), 0);
  UT_EQ("stdout_rdev", st.st_rdev, 0x501);
  UT_EQ("console_tcgets", ioctl(1, TCGETS, buf), 0); /* a terminal (ttytest has the rest) */
  UT_EQ("mknod_socket", mknod(TMP "nd", S_IFSOCK | 0644, 0), 0);
  unlink(TMP "nd");
  UT_EQ("mknod_reg", mknod(TMP "nd", S_IFREG | 0644, 0), 0);
  unlink(TMP "nd");
  UT_EQ("mknod_chr", mknod(TMP "nd", S_IFCHR | 0666, 0x103), 0);
  fd = open(TMP "nd", O_RDONLY, 0);
  UT_EQ("mknod_chr_null", read(fd, buf, 1), 0);
  close(fd);
  unlink(TMP "nd");
  mknod(TMP "nd", S_IFCHR | 0666, 0x4242);
  UT_EQ("no_driver", open(TMP "nd", O_RDONLY, 0), -ENXIO);
  unlink(TMP "nd");
}

static void t_proc(void) {
  char buf[512], want[64];
  int me = getpid();
  snprintf(want, sizeof want, "%d", me);
  long n = readlink("/proc/self", buf, sizeof buf);
  UT_EQ("self_len", n, (long)strlen(want));
  UT_CHECK("self", n > 0 && memcmp(buf, want, (size_t)n) == 0);
  n = readlink("/proc/self/exe", buf, sizeof buf);
  UT_CHECK("exe", n == (long)strlen(g_self) && memcmp(buf, g_self, (size_t)n) == 0);
  get_file("/proc/self/stat", buf, sizeof buf);
  snprintf(want, sizeof want, "%d (filetest) R %d ", me, getppid());
  ut_check("stat", strncmp(buf, want, strlen(want)) == 0, "%.60s", buf);
  int fields = 1;
  for (char* p = buf; *p; ++p) fields += *p == ' ';
  UT_EQ("stat_fields", fields, 52);
  get_file("/proc/self/comm", buf, sizeof buf);
  UT_CHECK("comm", strcmp(buf, "filetest\n") == 0);
  n = get_file("/proc/self/cmdline", buf, sizeof buf);
  UT_CHECK("cmdline", n > 0 && strcmp(buf, g_argv0) == 0 && buf[n - 1] == 0);
  get_file("/proc/self/status", buf, sizeof buf);
  snprintf(want, sizeof want, "\nPid:\t%d\n", me);
  UT_CHECK("status_pid", strstr(buf, want) != 0);
  UT_CHECK("status_name", strncmp(buf, "Name:\tfiletest\n", 15) == 0);
  struct stat st;
  snprintf(want, sizeof want, "/proc/%d/", me);
  UT_EQ("pid_dir", stat(want, &st), 0);
  UT_CHECK("pid_dir_type", (st.st_mode & S_IFMT) == S_IFDIR && st.st_uid == 0);
  int fd = open("/proc", O_RDONLY | O_DIRECTORY, 0);
  struct dirlist l;
  list_dir(fd, 4096, &l);
  snprintf(want, sizeof want, "%d", me);
  UT_CHECK("listed", has(&l, want) && has(&l, "self") && has(&l, "1"));
  close(fd);
  UT_EQ("no_such_pid", stat("/proc/99998", &st), -ENOENT);
  UT_EQ("not_a_pid", stat("/proc/12x", &st), -ENOENT);
  UT_EQ("create_in_proc", mkdir("/proc/x", 0755), -ENOENT);
  /* A process that went: its open stat file reads -ESRCH. */
  flush_stdout();
  int pid = fork();
  if (pid == 0) {
    sleep_ms(50);
    _exit(0);
  }
  snprintf(want, sizeof want, "/proc/%d/stat", pid);
  fd = open(want, O_RDONLY, 0);
  UT_CHECK("other_stat", fd >= 0 && read(fd, buf, sizeof buf) > 0);
  waitpid(pid, 0, 0);
  UT_EQ("gone_esrch", pread(fd, buf, sizeof buf, 0), -ESRCH);
  close(fd);
  UT_EQ("meminfo",
        get_file("/proc/meminfo", buf, sizeof buf) > 0 && strncmp(buf, "MemTotal:", 9) == 0, 1);
  UT_EQ("mounts", get_file("/proc/mounts", buf, sizeof buf) > 0 && strstr(buf, "/proc") != 0, 1);
  UT_EQ("uptime", get_file("/proc/uptime", buf, sizeof buf) > 0, 1);
  struct statfs fs;
  UT_EQ("statfs_proc", statfs("/proc", &fs), 0);
  UT_EQ("statfs_proc_type", fs.f_type, 0x9fa0);
}

/* ---- /proc's system files, maps and descriptors ---- */

static char g_text[65536];
static char g_text2[65536];

/* The unsigned decimal at *p (blanks before it skipped); *p moves past it. */
static uint64_t parse_u(const char** p) {
  while (**p == ' ' || **p == '\t') ++*p;
  uint64_t v = 0;
  while (**p >= '0' && **p <= '9') v = v * 10 + (uint64_t)(*(*p)++ - '0');
  return v;
}

static uint64_t parse_x(const char** p) {
  uint64_t v = 0;
  for (;; ++*p) {
    char c = **p;
    if (c >= '0' && c <= '9')
      v = v * 16 + (uint64_t)(c - '0');
    else if (c >= 'a' && c <= 'f')
      v = v * 16 + (uint64_t)(c - 'a' + 10);
    else
      return v;
  }
}

/* A number with two decimals ("12.34") in hundredths. */
static uint64_t parse_centi(const char** p) {
  uint64_t v = parse_u(p) * 100;
  if (**p == '.') {
    ++*p;
    const char* q = *p;
    v += parse_u(p);
    if (*p - q != 2) return (uint64_t)-1;
  }
  return v;
}

/* The line (up to its newline) of text that begins with prefix, or 0. */
static const char* line_starting(const char* text, const char* prefix) {
  size_t n = strlen(prefix);
  for (const char* l = text; *l;) {
    if (strncmp(l, prefix, n) == 0) return l;
    const char* nl = strchr(l, '\n');
    if (!nl) break;
    l = nl + 1;
  }
  return 0;
}

static int count_lines_starting(const char* text, const char* prefix) {
  int n = 0;
  size_t len = strlen(prefix);
  for (const char* l = text; *l;) {
    n += strncmp(l, prefix, len) == 0;
    const char* nl = strchr(l, '\n');
    if (!nl) break;
    l = nl + 1;
  }
  return n;
}

struct cpu_line {
  uint64_t f[10];
};

/* /proc/stat's "cpu" line and the sum of its cpuN lines: the number of those. */
static int read_proc_stat(struct cpu_line* all, struct cpu_line* sum) {
  memset(all, 0, sizeof *all);
  memset(sum, 0, sizeof *sum);
  if (get_file("/proc/stat", g_text, sizeof g_text) <= 0) return -1;
  int n = 0;
  for (const char* l = g_text; *l;) {
    if (strncmp(l, "cpu", 3) == 0) {
      const char* p = l + 3;
      struct cpu_line* into = all;
      if (*p >= '0' && *p <= '9') {
        parse_u(&p);
        into = sum;
        ++n;
      }
      for (int i = 0; i < 10; ++i) into->f[i] += parse_u(&p);
    }
    const char* nl = strchr(l, '\n');
    if (!nl) break;
    l = nl + 1;
  }
  return n;
}

static uint64_t stat_value(const char* name) {
  char prefix[32];
  snprintf(prefix, sizeof prefix, "%s ", name);
  const char* l = line_starting(g_text, prefix);
  if (!l) return (uint64_t)-1;
  l += strlen(prefix);
  return parse_u(&l);
}

static void t_proc_sys(void) {
  struct cpu_line all, sum;
  int ncpu = read_proc_stat(&all, &sum);
  UT_CHECK("stat_cpu_first", strncmp(g_text, "cpu  ", 5) == 0);
  UT_CHECK("stat_ncpu", ncpu >= 1 && ncpu <= 4);
  /* One picture: the cpu line is the sum of the others; what tine does not have is 0. */
  int same = 1, zero = 1;
  for (int i = 0; i < 10; ++i) same &= all.f[i] == sum.f[i];
  for (int i = 4; i < 10; ++i) zero &= all.f[i] == 0;
  UT_CHECK("stat_cpu_is_sum", same);
  UT_CHECK("stat_unkept_zero", zero);
  UT_CHECK("stat_running", stat_value("procs_running") >= 1);
  UT_EQ("stat_blocked", stat_value("procs_blocked"), 0);
  UT_CHECK("stat_ctxt", stat_value("ctxt") > 0 && stat_value("ctxt") != (uint64_t)-1);
  UT_CHECK("stat_intr", stat_value("intr") > 0 && stat_value("intr") != (uint64_t)-1);
  UT_EQ("stat_btime", stat_value("btime"), 0); /* realtime starts at the epoch at boot */
  UT_CHECK("stat_softirq", line_starting(g_text, "softirq ") != 0);
  uint64_t forks = stat_value("processes");
  /* CPU time against the time since boot: every CPU's four kinds of time
   * add up to the time since it started, so never to more than the uptime,
   * and over an interval to the interval on each CPU. */
  char buf[128];
  get_file("/proc/uptime", buf, sizeof buf);
  const char* p = buf;
  uint64_t up = parse_centi(&p), idle = parse_centi(&p);
  UT_CHECK("uptime_format", up != (uint64_t)-1 && idle != (uint64_t)-1 && *p == '\n');
  uint64_t total = all.f[0] + all.f[1] + all.f[2] + all.f[3];
  ut_check("stat_total_bounded", total <= (uint64_t)ncpu * (up + 10),
           "total %lu, %d CPUs, uptime %lu", (unsigned long)total, ncpu, (unsigned long)up);
  UT_CHECK("uptime_idle_bounded", idle <= (uint64_t)ncpu * (up + 1));
  UT_CHECK("uptime_idle_is_stat_idle", idle + 10 >= all.f[3] && idle <= all.f[3] + 10 * ncpu + 10);
  uint64_t t0 = now_ns();
  read_proc_stat(&all, &sum);
  uint64_t t1 = now_ns();
  uint64_t total0 = all.f[0] + all.f[1] + all.f[2] + all.f[3];
  sleep_ms(300);
  uint64_t t2 = now_ns();
  read_proc_stat(&all, &sum);
  uint64_t t3 = now_ns();
  uint64_t d = all.f[0] + all.f[1] + all.f[2] + all.f[3] - total0;
  /* (each of a CPU's four figures is rounded down on its own) */
  uint64_t lo = (uint64_t)ncpu * ((t2 - t1) / 10000000 - 4);
  uint64_t hi = (uint64_t)ncpu * ((t3 - t0) / 10000000 + 5);
  ut_check("stat_total_interval", d >= lo && d <= hi, "%lu ticks over %d CPUs, expected %lu..%lu",
           (unsigned long)d, ncpu, (unsigned long)lo, (unsigned long)hi);
  /* Work at EL0 shows as user time. */
  uint64_t user0 = all.f[0] + all.f[1];
  uint64_t deadline = now_ns() + 10000000000ull;
  volatile uint64_t spin = 0;
  while (now_ns() < deadline) {
    for (int i = 0; i < 1000000; ++i) spin += (uint64_t)i;
    read_proc_stat(&all, &sum);
    if (all.f[0] + all.f[1] >= user0 + 3) break;
  }
  ut_check("stat_user_grows", all.f[0] + all.f[1] >= user0 + 3, "user %lu -> %lu",
           (unsigned long)user0, (unsigned long)(all.f[0] + all.f[1]));
  /* A fork counts; loadavg names the newest process. */
  flush_stdout();
  int pid = fork();
  if (pid == 0) {
    sleep_ms(2000);
    _exit(0);
  }
  get_file("/proc/loadavg", buf, sizeof buf);
  p = buf;
  uint64_t l1 = parse_centi(&p), l5 = parse_centi(&p), l15 = parse_centi(&p);
  uint64_t running = parse_u(&p);
  int slash = *p == '/';
  ++p;
  uint64_t threads = parse_u(&p);
  uint64_t last = parse_u(&p);
  ut_check("loadavg_format",
           l1 != (uint64_t)-1 && l5 != (uint64_t)-1 && l15 != (uint64_t)-1 && slash && *p == '\n',
           "%s", buf);
  UT_CHECK("loadavg_counts", running >= 1 && threads >= running + 1);
  UT_EQ("loadavg_last_pid", last, pid);
  read_proc_stat(&all, &sum);
  UT_CHECK("stat_processes", stat_value("processes") >= forks + 1);
  kill_(pid, 9);
  waitpid(pid, 0, 0);
  /* Busy for a sample or two (every 5 s): the 1-minute average is above 0. */
  deadline = now_ns() + 12000000000ull;
  do {
    for (int i = 0; i < 1000000; ++i) spin += (uint64_t)i;
    get_file("/proc/loadavg", buf, sizeof buf);
    p = buf;
    l1 = parse_centi(&p);
  } while (l1 == 0 && now_ns() < deadline);
  ut_check("loadavg_busy", l1 > 0 && l1 != (uint64_t)-1, "%s", buf);
  /* cpuinfo: a block per CPU, arm64 Linux's lines. */
  long n = get_file("/proc/cpuinfo", g_text, sizeof g_text);
  UT_CHECK("cpuinfo", n > 0 && strncmp(g_text, "processor\t: 0\nBogoMIPS\t: ", 25) == 0);
  UT_EQ("cpuinfo_blocks", count_lines_starting(g_text, "processor\t: "), ncpu);
  UT_EQ("cpuinfo_features", count_lines_starting(g_text, "Features\t: fp asimd\n"), ncpu);
  UT_EQ("cpuinfo_arch", count_lines_starting(g_text, "CPU architecture: 8\n"), ncpu);
  UT_EQ("cpuinfo_implementer", count_lines_starting(g_text, "CPU implementer\t: 0x"), ncpu);
  UT_EQ("cpuinfo_part", count_lines_starting(g_text, "CPU part\t: 0x"), ncpu);
  /* The same bytes however it is read. */
  UT_EQ("cpuinfo_by_7", get_file_by("/proc/cpuinfo", g_text2, sizeof g_text2, 7), n);
  UT_CHECK("cpuinfo_same", strcmp(g_text, g_text2) == 0);
  get_file("/proc/version", buf, sizeof buf);
  UT_CHECK("version", strncmp(buf, "Linux version 6.1.0-tine (", 26) == 0);
  int fd = open("/proc/version", O_RDONLY, 0);
  char part[16] = {0};
  UT_EQ("pread_offset", pread(fd, part, 7, 6), 7);
  UT_CHECK("pread_offset_text", memcmp(part, "version", 7) == 0);
  UT_EQ("pread_past_end", pread(fd, part, sizeof part, 1l << 40), 0);
  UT_EQ("pread_at_end", pread(fd, part, sizeof part, (long)strlen(buf)), 0);
  UT_EQ("read_nothing", read(fd, part, 0), 0);
  UT_EQ("read_fault", read(fd, KERNEL_ADDR, 16), -EFAULT);
  UT_EQ("pread_negative", pread(fd, part, 1, -1), -EINVAL);
  close(fd);
}

/* The map line holding address a, or 0; *len gets its length. */
static const char* map_line(const char* maps, uint64_t a, size_t* len) {
  for (const char* l = maps; *l;) {
    const char* p = l;
    uint64_t start = parse_x(&p);
    ++p;
    uint64_t end = parse_x(&p);
    const char* nl = strchr(l, '\n');
    if (start <= a && a < end) {
      *len = nl ? (size_t)(nl - l) : strlen(l);
      return l;
    }
    if (!nl) break;
    l = nl + 1;
  }
  return 0;
}

/* Whether the line holding a has permissions perms and name (column 74; ""
 * for none: the line ends after the inode and its blank). */
static int map_has(const char* maps, uint64_t a, const char* perms, const char* name) {
  size_t len;
  const char* l = map_line(maps, a, &len);
  if (!l) return 0;
  const char* sp = strchr(l, ' ');
  if (!sp || strncmp(sp + 1, perms, 4) != 0) return 0;
  if (!*name)
    return l[len - 1] == ' ' && strncmp(sp + 6, "00000000 00:00 0 ", 17) == 0 &&
           (size_t)(sp + 23 - l) == len;
  size_t nl = strlen(name);
  return len == 73 + nl && memcmp(l + 73, name, nl) == 0;
}

/* Lines in address order, none overlapping: the count, or -1. */
static int map_lines_ordered(const char* maps) {
  uint64_t prev_end = 0;
  int n = 0;
  for (const char* l = maps; *l;) {
    const char* p = l;
    uint64_t start = parse_x(&p);
    if (*p++ != '-') return -1;
    uint64_t end = parse_x(&p);
    if (start >= end || start < prev_end) return -1;
    prev_end = end;
    ++n;
    const char* nl = strchr(l, '\n');
    if (!nl) return -1;
    l = nl + 1;
  }
  return n;
}

static volatile uint64_t* g_mapsh;

static void maps_as_1000(void* arg) {
  int bad = 0;
  char buf[64];
  int fd = open("/proc/1/maps", O_RDONLY, 0);
  if (fd < 0 || read(fd, buf, sizeof buf) != -EACCES) bad |= 1;
  close(fd);
  if (get_file("/proc/self/maps", g_text, sizeof g_text) <= 0) bad |= 2;
  _exit(bad);
}

static void t_proc_maps(void) {
  int local = 1;
  char* heap = sbrk(3 * 4096);
  UT_CHECK("sbrk", heap != (char*)-1);
  heap[0] = 1;
  char* priv = mmap(0, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  UT_EQ("mprotect", mprotect(priv + 4096, 4096, PROT_READ), 0);
  char* shr = mmap(0, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  long n = get_file("/proc/self/maps", g_text, sizeof g_text);
  UT_CHECK("maps_read", n > 0 && g_text[n - 1] == '\n');
  UT_CHECK("maps_ordered", map_lines_ordered(g_text) > 5);
  UT_CHECK("maps_stack", map_has(g_text, (uint64_t)&local, "rw-p", "[stack]"));
  UT_CHECK("maps_heap", map_has(g_text, (uint64_t)heap, "rw-p", "[heap]"));
  UT_CHECK("maps_image", map_has(g_text, (uint64_t)&t_proc_maps, "r-xp", g_self));
  UT_CHECK("maps_private", map_has(g_text, (uint64_t)priv, "rw-p", ""));
  UT_CHECK("maps_split", map_has(g_text, (uint64_t)priv + 4096, "r--p", ""));
  UT_CHECK("maps_split_end", map_has(g_text, (uint64_t)priv + 8192, "rw-p", ""));
  UT_CHECK("maps_shared", map_has(g_text, (uint64_t)shr, "rw-s", "/dev/zero (deleted)"));
  char want[96];
  snprintf(want, sizeof want, "%08lx-%08lx r--p 00000000 00:00 0 \n", (unsigned long)priv + 4096,
           (unsigned long)priv + 8192);
  UT_CHECK("maps_line_exact", strstr(g_text, want) != 0);
  UT_CHECK("maps_sigpage",
           strstr(g_text, "r-xp 00000000 00:00 0") && strstr(g_text, "[sigpage]\n"));
  /* By small reads, the same. */
  UT_EQ("maps_by_100", get_file_by("/proc/self/maps", g_text2, sizeof g_text2, 100), n);
  UT_CHECK("maps_same", strcmp(g_text, g_text2) == 0);
  munmap(priv, 3 * 4096);
  munmap(shr, 4096);
  get_file("/proc/self/maps", g_text, sizeof g_text);
  size_t len;
  UT_CHECK("maps_unmapped", map_line(g_text, (uint64_t)priv + 4096, &len) == 0);
  /* Many regions: the file is longer than a page and comes in pieces. */
  char* many = mmap(0, 600 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  for (int i = 0; i < 600; i += 2) mprotect(many + i * 4096, 4096, PROT_READ);
  n = get_file("/proc/self/maps", g_text, sizeof g_text);
  UT_CHECK("maps_many", n > 20000 && map_lines_ordered(g_text) >= 600);
  UT_EQ("maps_many_by_4096", get_file_by("/proc/self/maps", g_text2, sizeof g_text2, 4096), n);
  UT_CHECK("maps_many_same", strcmp(g_text, g_text2) == 0);
  int fd = open("/proc/self/maps", O_RDONLY, 0);
  UT_EQ("maps_read_capped", read(fd, g_text2, 4096), 4096);
  UT_EQ("maps_pread_far", pread(fd, g_text2, 100, 1l << 40), 0);
  close(fd);
  munmap(many, 600 * 4096);
  /* Another process's, while it lives; then -ESRCH. */
  g_mapsh = shared_page();
  flush_stdout();
  int pid = fork();
  if (pid == 0) {
    char* m = mmap(0, 5 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    g_mapsh[1] = (uint64_t)m;
    __atomic_store_n(&g_mapsh[0], 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&g_mapsh[2], __ATOMIC_ACQUIRE)) sleep_ms(5);
    _exit(0);
  }
  while (!__atomic_load_n(&g_mapsh[0], __ATOMIC_ACQUIRE)) sleep_ms(5);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/maps", pid);
  get_file(path, g_text, sizeof g_text);
  snprintf(want, sizeof want, "%08lx-%08lx r--p ", (unsigned long)g_mapsh[1],
           (unsigned long)g_mapsh[1] + 5 * 4096);
  UT_CHECK("maps_other", strstr(g_text, want) != 0);
  fd = open(path, O_RDONLY, 0);
  __atomic_store_n(&g_mapsh[2], 1, __ATOMIC_RELEASE);
  /* A zombie has no memory: nothing to show. */
  char st_path[64], buf[256];
  snprintf(st_path, sizeof st_path, "/proc/%d/stat", pid);
  int zombie = 0;
  for (int i = 0; i < 400 && !zombie; ++i) {
    get_file(st_path, buf, sizeof buf);
    const char* r = strchr(buf, ')');
    zombie = r && r[2] == 'Z';
    if (!zombie) sleep_ms(5);
  }
  UT_CHECK("maps_zombie_seen", zombie);
  UT_EQ("maps_zombie_empty", pread(fd, g_text, 100, 0), 0);
  waitpid(pid, 0, 0);
  UT_EQ("maps_gone", pread(fd, g_text, 100, 0), -ESRCH);
  close(fd);
  munmap((void*)g_mapsh, 4096);
  /* Only the owner or root. */
  int st = as_user(1000, maps_as_1000, 0);
  ut_check("maps_as_1000", WIFEXITED(st) && WEXITSTATUS(st) == 0, "status %#x", st);
}

/* The link at /proc/self/fd/N. */
static long fd_link(int fd, char* buf, size_t n) {
  char path[48];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  long r = readlink(path, buf, n - 1);
  buf[r > 0 ? r : 0] = 0;
  return r;
}

static int fd_mode_is(int fd, unsigned mode) {
  char path[48];
  struct stat st;
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  return lstat(path, &st) == 0 && st.st_mode == (S_IFLNK | mode);
}

static void fd_as_1000(void* arg) {
  int bad = 0;
  char buf[64];
  if (readlink("/proc/1/fd/0", buf, sizeof buf) != -EACCES) bad |= 1;
  if (open("/proc/1/fd", O_RDONLY | O_DIRECTORY, 0) != -EACCES) bad |= 2;
  if (readlink("/proc/1/cwd", buf, sizeof buf) != -EACCES) bad |= 4;
  if (readlink("/proc/self/fd/0", buf, sizeof buf) <= 0) bad |= 8;
  if (readlink("/proc/self/cwd", buf, sizeof buf) <= 0) bad |= 16;
  /* One of its own that is not dumpable (prctl) is closed to it too
   * (Linux's ptrace check); the process itself still sees its own. */
  volatile uint64_t* sh = shared_page();
  flush_stdout();
  int kid = fork();
  if (kid == 0) {
    syscall2(167 /* prctl */, 4 /* PR_SET_DUMPABLE */, 0);
    int own = readlink("/proc/self/cwd", buf, sizeof buf) > 0;
    __atomic_store_n(&sh[0], own ? 1 : 2, __ATOMIC_RELEASE);
    for (;;) sleep_ms(10);
  }
  while (__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE) == 0) sleep_ms(1);
  if (sh[0] != 1) bad |= 32;
  char path[48];
  snprintf(path, sizeof path, "/proc/%d/cwd", kid);
  if (readlink(path, buf, sizeof buf) != -EACCES) bad |= 64;
  snprintf(path, sizeof path, "/proc/%d/stat", kid);
  if (get_file(path, buf, sizeof buf) <= 0) bad |= 128; /* stat stays open to all */
  kill_(kid, SIGKILL);
  waitpid(kid, 0, 0);
  _exit(bad);
}

static void t_proc_fd(void) {
  char buf[256], want[64];
  int me = getpid();
  int f = open(TMP "pfd", O_RDWR | O_CREAT, 0644);
  fd_link(f, buf, sizeof buf);
  UT_CHECK("fd_file", strcmp(buf, TMP "pfd") == 0);
  UT_CHECK("fd_mode_rw", fd_mode_is(f, 0700));
  int p[2];
  pipe(p);
  struct stat st;
  fstat(p[0], &st);
  snprintf(want, sizeof want, "pipe:[%lu]", (unsigned long)st.st_ino);
  fd_link(p[0], buf, sizeof buf);
  UT_CHECK("fd_pipe_read", strcmp(buf, want) == 0);
  fd_link(p[1], buf, sizeof buf);
  UT_CHECK("fd_pipe_write", strcmp(buf, want) == 0);
  UT_CHECK("fd_mode_r", fd_mode_is(p[0], 0500));
  UT_CHECK("fd_mode_w", fd_mode_is(p[1], 0300));
  int dn = open("/dev/null", O_WRONLY, 0);
  fd_link(dn, buf, sizeof buf);
  UT_CHECK("fd_dev", strcmp(buf, "/dev/null") == 0);
  int dir = open("/tmp", O_RDONLY | O_DIRECTORY, 0);
  fd_link(dir, buf, sizeof buf);
  UT_CHECK("fd_dir", strcmp(buf, "/tmp") == 0);
  int ps = open("/proc/self/stat", O_RDONLY, 0);
  fd_link(ps, buf, sizeof buf);
  snprintf(want, sizeof want, "/proc/%d/stat", me);
  UT_CHECK("fd_proc", strcmp(buf, want) == 0);
  /* The listing: exactly the open descriptors (and the one listing them). */
  int ld = open("/proc/self/fd", O_RDONLY | O_DIRECTORY, 0);
  fd_link(ld, buf, sizeof buf);
  snprintf(want, sizeof want, "/proc/%d/fd", me);
  UT_CHECK("fd_fd_dir", strcmp(buf, want) == 0);
  struct dirlist l;
  UT_EQ("fd_list", list_dir(ld, 4096, &l), 0);
  int all = has(&l, ".") && has(&l, "..") && has(&l, "0") && has(&l, "1") && has(&l, "2");
  int fds[] = {f, p[0], p[1], dn, dir, ps, ld};
  for (unsigned i = 0; i < sizeof fds / sizeof fds[0]; ++i) {
    snprintf(want, sizeof want, "%d", fds[i]);
    all &= has(&l, want);
  }
  UT_CHECK("fd_listed", all);
  int open_count = 0;
  for (int i = 0; i < 64; ++i) open_count += is_open(i);
  UT_EQ("fd_list_count", l.n, open_count + 2);
  /* Closed: gone from the listing, no link. */
  close(dn);
  UT_EQ("fd_closed", fd_link(dn, buf, sizeof buf), -ENOENT);
  lseek(ld, 0, SEEK_SET);
  list_dir(ld, 4096, &l);
  snprintf(want, sizeof want, "%d", dn);
  UT_CHECK("fd_closed_unlisted", !has(&l, want));
  UT_EQ("fd_no_such", readlink("/proc/self/fd/99999", buf, sizeof buf), -ENOENT);
  UT_EQ("fd_not_number", readlink("/proc/self/fd/x", buf, sizeof buf), -ENOENT);
  UT_EQ("fd_leading_zero", readlink("/proc/self/fd/01", buf, sizeof buf), -ENOENT);
  UT_EQ("fd_create", open("/proc/self/fd/77", O_WRONLY | O_CREAT, 0644), -ENOENT);
  /* A link is followed by its path. */
  write(f, "abc", 3);
  snprintf(want, sizeof want, "/proc/self/fd/%d", f);
  int again = open(want, O_RDONLY, 0);
  memset(buf, 0, sizeof buf);
  UT_CHECK("fd_follow", again >= 0 && read(again, buf, 3) == 3 && strcmp(buf, "abc") == 0);
  close(again);
  /* Many descriptors, listed one entry a call. */
  for (int i = 0; i < 100; ++i) dup(f);
  lseek(ld, 0, SEEK_SET);
  UT_EQ("fd_list_small", list_dir(ld, 24, &l), 0);
  UT_EQ("fd_list_many", l.n, 64); /* dirlist keeps 64 */
  int count = 0;
  static char dbuf[4096];
  lseek(ld, 0, SEEK_SET);
  for (long r; (r = getdents64(ld, dbuf, 40)) > 0;)
    for (long at = 0; at < r; at += ((struct linux_dirent64*)(dbuf + at))->d_reclen) ++count;
  open_count = 0;
  for (int i = 0; i < 256; ++i) open_count += is_open(i);
  UT_EQ("fd_list_many_count", count, open_count + 2);
  close_range(ld + 1, 1000, 0);
  /* Removed while open: no path, its inode. */
  unlink(TMP "pfd");
  fd_link(f, buf, sizeof buf);
  ut_check("fd_deleted",
           strncmp(buf, "ramfs:[", 7) == 0 && strlen(buf) > 17 &&
               strcmp(buf + strlen(buf) - 11, "] (deleted)") == 0,
           "%s", buf);
  /* The working directory. */
  mkdir(TMP "cwd", 0755);
  chdir(TMP "cwd");
  long n = readlink("/proc/self/cwd", buf, sizeof buf);
  UT_CHECK("cwd", n == (long)strlen(TMP "cwd") && memcmp(buf, TMP "cwd", (size_t)n) == 0);
  UT_EQ("cwd_short", readlink("/proc/self/cwd", buf, 4), 4);
  chdir("/");
  n = readlink("/proc/self/cwd", buf, sizeof buf);
  UT_CHECK("cwd_root", n == 1 && buf[0] == '/');
  rmdir(TMP "cwd");
  /* Another process's; then, once it has gone, nothing. */
  volatile uint64_t* sh = shared_page();
  int held = open(TMP "pfd2", O_WRONLY | O_CREAT, 0644);
  flush_stdout();
  int pid = fork();
  if (pid == 0) {
    chdir("/tmp");
    __atomic_store_n(&sh[0], 1, __ATOMIC_RELEASE);
    while (!__atomic_load_n(&sh[1], __ATOMIC_ACQUIRE)) sleep_ms(5);
    _exit(0);
  }
  close(held);
  while (!__atomic_load_n(&sh[0], __ATOMIC_ACQUIRE)) sleep_ms(5);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/fd/%d", pid, held);
  n = readlink(path, buf, sizeof buf);
  UT_CHECK("fd_other", n == (long)strlen(TMP "pfd2") && memcmp(buf, TMP "pfd2", (size_t)n) == 0);
  snprintf(path, sizeof path, "/proc/%d/cwd", pid);
  n = readlink(path, buf, sizeof buf);
  UT_CHECK("cwd_other", n == 4 && memcmp(buf, "/tmp", 4) == 0);
  snprintf(path, sizeof path, "/proc/%d/fd", pid);
  int od = open(path, O_RDONLY | O_DIRECTORY, 0);
  __atomic_store_n(&sh[1], 1, __ATOMIC_RELEASE);
  waitpid(pid, 0, 0);
  UT_EQ("fd_gone_list", getdents64(od, dbuf, sizeof dbuf), -ENOENT);
  close(od);
  snprintf(path, sizeof path, "/proc/%d/cwd", pid);
  UT_EQ("cwd_gone", readlink(path, buf, sizeof buf), -ENOENT);
  munmap((void*)sh, 4096);
  unlink(TMP "pfd2");
  /* Only the owner or root. */
  int status = as_user(1000, fd_as_1000, 0);
  ut_check("fd_as_1000", WIFEXITED(status) && WEXITSTATUS(status) == 0, "status %#x", status);
  close(f);
  close(p[0]);
  close(p[1]);
  close(dir);
  close(ps);
  close(ld);
}

/* ---- races between LWPs on one table ---- */

static volatile uint64_t* g_race;

static void race_reader(void* arg) {
  int fd = (int)(long)arg;
  char buf[16];
  uint64_t ok = 0, bad = 0;
  while (!__atomic_load_n(&g_race[0], __ATOMIC_ACQUIRE)) {
    long r = pread(fd, buf, sizeof buf, 0);
    if (r == 16 || r == -EBADF || r == 0)
      ++ok;
    else
      ++bad;
    struct stat st;
    fstat(fd, &st);
  }
  g_race[1] = ok;
  g_race[2] = bad;
  __atomic_store_n(&g_race[3], 1, __ATOMIC_RELEASE);
  exit_thread(0);
}

static void t_race_close_read(void) {
  g_race = shared_page();
  put_file(TMP "race", "0123456789abcdef", 0644);
  int fd = open(TMP "race", O_RDONLY, 0);
  int other = open("/dev/zero", O_RDONLY, 0);
  UT_EQ("lwp", ut_lwp_start(race_reader, (void*)(long)fd, 32768), 0);
  uint64_t end = now_ns() + 1000000000u;
  long rounds = 0;
  while (now_ns() < end) {
    close(fd);
    int r = open(TMP "race", O_RDONLY, 0); /* the same number comes back */
    if (r != fd) break;
    dup2(other, fd); /* a different file under the reader */
    dup2(r, fd);
    ++rounds;
  }
  __atomic_store_n(&g_race[0], 1, __ATOMIC_RELEASE);
  while (!__atomic_load_n(&g_race[3], __ATOMIC_ACQUIRE)) sched_yield();
  UT_CHECK("reads", g_race[1] > 0);
  UT_EQ("no_wrong_results", g_race[2], 0);
  printf("UTEST-INFO race_close_read: %ld close/open/dup2 rounds, %lu reads\n", rounds,
         (unsigned long)g_race[1]);
  close(fd);
  close(other);
  unlink(TMP "race");
  munmap((void*)g_race, 4096);
  invariants();
}

/* pipe2 with an unwritable array: its descriptors once went in first and were
 * closed by number after the copy failed, so a descriptor another LWP had put
 * at that number meanwhile (dup2) was closed under it. */
static void pipe2_efault_loop(void* arg) {
  while (!__atomic_load_n(&g_race[0], __ATOMIC_ACQUIRE)) {
    if (pipe2(KERNEL_ADDR, 0) == -EFAULT) ++g_race[1];
  }
  __atomic_store_n(&g_race[3], 1, __ATOMIC_RELEASE);
  exit_thread(0);
}

static void t_race_pipe2_efault(void) {
  g_race = shared_page();
  int zero = open("/dev/zero", O_RDONLY, 0);
  UT_EQ("lwp", ut_lwp_start(pipe2_efault_loop, 0, 32768), 0);
  uint64_t end = now_ns() + 1000000000u;
  long rounds = 0, lost = 0;
  while (now_ns() < end) {
    int fd = dup(zero); /* the lowest free number, which pipe2 takes next */
    close(fd);
    if (dup2(zero, fd) != fd) continue;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_rdev != 0x105) ++lost;
    close(fd);
    ++rounds;
  }
  __atomic_store_n(&g_race[0], 1, __ATOMIC_RELEASE);
  while (!__atomic_load_n(&g_race[3], __ATOMIC_ACQUIRE)) sched_yield();
  UT_CHECK("pipe2_failed", g_race[1] > 0);
  UT_EQ("dup2_kept", lost, 0);
  printf("UTEST-INFO race_pipe2_efault: %ld dup2 rounds, %lu failed pipe2s\n", rounds,
         (unsigned long)g_race[1]);
  UT_EQ("fds_left", is_open(zero + 1) || is_open(zero + 2) || is_open(zero + 3), 0);
  close(zero);
  munmap((void*)g_race, 4096);
  invariants();
}

static int g_blocked_pipe[2];

static void blocked_reader(void* arg) {
  char c = 0;
  long r = read(g_blocked_pipe[0], &c, 1);
  g_race[1] = (uint64_t)r;
  g_race[2] = (uint64_t)c;
  __atomic_store_n(&g_race[3], 1, __ATOMIC_RELEASE);
  exit_thread(0);
}

static void t_race_close_blocked(void) {
  /* A read in progress keeps its File: closing the descriptor under it does
   * not end it; a write to the pipe then does. */
  g_race = shared_page();
  pipe(g_blocked_pipe);
  UT_EQ("lwp", ut_lwp_start(blocked_reader, 0, 32768), 0);
  sleep_ms(50);
  UT_EQ("close_under_read", close(g_blocked_pipe[0]), 0);
  sleep_ms(20);
  UT_EQ("still_blocked", g_race[3], 0);
  write(g_blocked_pipe[1], "q", 1);
  for (int i = 0; i < 200 && !__atomic_load_n(&g_race[3], __ATOMIC_ACQUIRE); ++i) sleep_ms(5);
  UT_CHECK("read_finished", g_race[1] == 1 && g_race[2] == 'q');
  close(g_blocked_pipe[1]);
  munmap((void*)g_race, 4096);
}

static void renamer(void* arg) {
  while (!__atomic_load_n(&g_race[0], __ATOMIC_ACQUIRE)) {
    renameat2(AT_FDCWD, TMP "ra", AT_FDCWD, TMP "rb", RENAME_EXCHANGE);
    rename(TMP "ra", TMP "rc");
    rename(TMP "rc", TMP "ra");
    __atomic_add_fetch(&g_race[4], 1, __ATOMIC_RELAXED);
  }
  __atomic_add_fetch(&g_race[3], 1, __ATOMIC_RELEASE);
  exit_thread(0);
}

static void churner(void* arg) {
  char name[32];
  int id = (int)(long)arg;
  for (int i = 0; !__atomic_load_n(&g_race[0], __ATOMIC_ACQUIRE); ++i) {
    snprintf(name, sizeof name, TMP "cd/%d-%d", id, i % 8);
    if (i % 2 == 0) {
      int fd = open(name, O_WRONLY | O_CREAT, 0644);
      if (fd >= 0) close(fd);
    } else {
      unlink(name);
    }
  }
  __atomic_add_fetch(&g_race[3], 1, __ATOMIC_RELEASE);
  exit_thread(0);
}

static void t_race_names(void) {
  /* rename against lookups; creates and unlinks against a listing. */
  g_race = shared_page();
  put_file(TMP "ra", "a", 0644);
  put_file(TMP "rb", "b", 0644);
  mkdir(TMP "cd", 0755);
  ut_lwp_start(renamer, 0, 32768);
  ut_lwp_start(churner, (void*)1, 32768);
  ut_lwp_start(churner, (void*)2, 32768);
  uint64_t end = now_ns() + 1000000000u;
  long opens = 0, wrong = 0, listings = 0;
  char c;
  while (now_ns() < end) {
    int fd = open(TMP "ra", O_RDONLY, 0);
    if (fd >= 0) {
      if (read(fd, &c, 1) != 1 || (c != 'a' && c != 'b')) ++wrong;
      close(fd);
      ++opens;
    } else if (fd != -ENOENT) {
      ++wrong;
    }
    int d = open(TMP "cd", O_RDONLY | O_DIRECTORY, 0);
    struct dirlist l;
    if (list_dir(d, 256, &l) != 0 || l.n > 18) ++wrong;
    close(d);
    ++listings;
  }
  __atomic_store_n(&g_race[0], 1, __ATOMIC_RELEASE);
  while (__atomic_load_n(&g_race[3], __ATOMIC_ACQUIRE) < 3) sched_yield();
  UT_EQ("no_wrong_results", wrong, 0);
  UT_CHECK("progress", opens > 0 && g_race[4] > 0 && listings > 0);
  printf("UTEST-INFO race_names: %ld opens and %ld listings against %lu renames\n", opens, listings,
         (unsigned long)g_race[4]);
  char name[32];
  for (int id = 1; id <= 2; ++id)
    for (int i = 0; i < 8; ++i) {
      snprintf(name, sizeof name, TMP "cd/%d-%d", id, i);
      unlink(name);
    }
  rmdir(TMP "cd");
  unlink(TMP "ra");
  unlink(TMP "rb");
  unlink(TMP "rc");
  munmap((void*)g_race, 4096);
  invariants();
}

/* ---- what exec runs ---- */

static int exec_check(int argc, char** argv) {
  /* Descriptors 10 (close-on-exec) and 12 (cleared) of t_exec. */
  if (is_open(10)) return 1;
  if (!is_open(11)) return 2;
  if (!is_open(12)) return 3;
  return 0;
}

static int script_check(int argc, char** argv) {
  /* #!/bin/filetest script-check  one arg  ->  argv: the interpreter, the
   * argument ("script-check  one arg": the rest of the line, one word),
   * the script, then the caller's argv[1..]. */
  if (argc != 4) return 10 + argc;
  if (strcmp(argv[0], "/bin/filetest") != 0) return 2;
  if (strcmp(argv[1], "script-check  one arg") != 0) return 3;
  if (strcmp(argv[2], TMP "sh") != 0) return 4;
  if (strcmp(argv[3], "extra") != 0) return 5;
  return 0;
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "exec-check") == 0) return exec_check(argc, argv);
  if (argc > 1 && strcmp(argv[1], "exec-exit") == 0) return 0;
  if (argc > 1 && strncmp(argv[1], "script-check", 12) == 0) return script_check(argc, argv);
  g_argv0 = argv[0];
  ut_init();
  static const struct ut_test tests[] = {
      {"open_rw", t_open_rw},
      {"open_errors", t_open_errors},
      {"stat", t_stat},
      {"dirs", t_dirs},
      {"rename", t_rename},
      {"links", t_links},
      {"cwd", t_cwd},
      {"attrs", t_attrs},
      {"write_fault_hole", t_write_fault_hole},
      {"partial_buffers", t_partial_buffers},
      {"dup_fcntl", t_dup_fcntl},
      {"pipe_basic", t_pipe_basic},
      {"pipe_1mib", t_pipe_1mib},
      {"pipe_atomic", t_pipe_atomic},
      {"pipe_pingpong", t_pipe_pingpong},
      {"pipe_epipe", t_pipe_epipe},
      {"pipe_signals", t_pipe_signals},
      {"fifo_node", t_fifo_node},
      {"fifo_open", t_fifo_open},
      {"fifo_wait", t_fifo_wait},
      {"fifo_signals", t_fifo_signals},
      {"fifo_race", t_fifo_race},
      {"poll", t_poll},
      {"rfork_tables", t_rfork_tables},
      {"exec", t_exec},
      {"permissions", t_permissions},
      {"groups", t_groups},
      {"unlink_open", t_unlink_open},
      {"sparse", t_sparse},
      {"sendfile", t_sendfile},
      {"dev", t_dev},
      {"proc", t_proc},
      {"proc_sys", t_proc_sys},
      {"proc_maps", t_proc_maps},
      {"proc_fd", t_proc_fd},
      {"race_close_read", t_race_close_read},
      {"race_close_blocked", t_race_close_blocked},
      {"race_names", t_race_names},
      {"race_pipe2_efault", t_race_pipe2_efault},
      {"pipe_share", t_pipe_share},
      {"enfile", t_enfile},
      {"enospc", t_enospc},
  };
  ut_run_selected(tests, sizeof tests / sizeof tests[0], argc <= 1, argc, argv);
  return ut_finish();
}
