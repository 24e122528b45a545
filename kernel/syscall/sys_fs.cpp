// The path calls: openat, the *at family that makes, removes, renames and
// looks at names, chdir and getcwd, umask, truncate, utimensat, statfs.
// Linux arm64's numbers and semantics (docs/user-abi.md, "Files").
#include "kernel/fs/charge.h"
#include "kernel/fs/linux_abi.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/syscall/file_args.h"
#include "kernel/syscall/syscall.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/vm/copy.h"

namespace {

uint32_t my_umask() { return __atomic_load_n(&my_fd()->cmask, __ATOMIC_RELAXED); }

// The vnode an *at call names: dirfd itself for an empty path with
// AT_EMPTY_PATH, else the path (following a final link unless nofollow),
// looked up with cr (null: the caller's credentials).
int at_vnode(int dirfd, const UserPath& path, uint32_t flags, bool nofollow, VnodeRef* out,
             const FsCred* cr = nullptr) {
  if (path.err) return path.err;
  if (path.empty()) {
    if (!(flags & AT_EMPTY_PATH)) return -ENOENT;
    return fd_vnode(dirfd, out);
  }
  VnodeRef start;
  if (int e = at_start(dirfd, path.s, &start); e) return e;
  return vfs_lookup(start.v, path.s, !nofollow, cr ? *cr : my_cred(), &out->v);
}

int stat_at(int dirfd, uint64_t upath, uint32_t flags, linux_stat* st) {
  UserPath path(upath);
  if (!path.err && path.empty() && (flags & AT_EMPTY_PATH)) {
    // Any descriptor, pipes included.
    if (dirfd == AT_FDCWD) {
      VnodeRef v;
      if (int e = fd_vnode(dirfd, &v); e) return e;
      vn_stat(v.v, st);
      return 0;
    }
    FileRef f(dirfd);
    if (!f) return -EBADF;
    return file_stat(f.fp, st);
  }
  VnodeRef v;
  if (int e = at_vnode(dirfd, path, flags, flags & AT_SYMLINK_NOFOLLOW, &v); e) return e;
  vn_stat(v.v, st);
  return 0;
}

// A path naming one entry to make, remove or read (empty: -ENOENT), and the
// directory its lookup starts from.
struct PathAt {
  UserPath path;
  VnodeRef start;
  int err;
  PathAt(int dirfd, uint64_t upath) : path(upath) {
    err = path.err ? path.err : path.empty() ? -ENOENT : at_start(dirfd, path.s, &start);
  }
};

// Two paths, each with its own directory (link, rename).
struct PathPair {
  UserPath from, to;
  VnodeRef from_start, to_start;
  int err = 0;
  PathPair(int fromfd, uint64_t ufrom, int tofd, uint64_t uto) : from(ufrom), to(uto) {
    if ((err = from.err ? from.err : to.err)) return;
    if (from.empty() || to.empty()) {
      err = -ENOENT;
      return;
    }
    if ((err = at_start(fromfd, from.s, &from_start))) return;
    err = at_start(tofd, to.s, &to_start);
  }
};

}  // namespace

int64_t sys_openat(const SyscallArgs& a) {
  int dirfd = static_cast<int>(a.a[0]);
  uint32_t flags = static_cast<uint32_t>(a.a[2]);
  uint32_t mode = static_cast<uint32_t>(a.a[3]);
  PathAt at(dirfd, a.a[1]);
  if (at.err) return at.err;
  FsCred cr = my_cred();
  VnodeRef v;
  File* fp = nullptr;
  if (int e = vfs_open(at.start.v, at.path.s, flags, mode, my_umask(), cr, &v.v, &fp); e) return e;
  if (!fp)
    if (int e = file_open_vnode(v.v, flags, cr, &fp); e) return e;
  int fd =
      fd_alloc(my_fd(), fp, 0, (flags & O_CLOEXEC) ? FD_CLOEXEC : 0, proc_nofile_limit(curproc()));
  if (fd < 0) fdrop(fp);
  return fd;
}

int64_t sys_mkdirat(const SyscallArgs& a) {
  PathAt at(static_cast<int>(a.a[0]), a.a[1]);
  if (at.err) return at.err;
  return vfs_mkdir(at.start.v, at.path.s, static_cast<uint32_t>(a.a[2]), my_umask(), my_cred());
}

int64_t sys_mknodat(const SyscallArgs& a) {
  PathAt at(static_cast<int>(a.a[0]), a.a[1]);
  if (at.err) return at.err;
  uint64_t dev = a.a[3];
  uint32_t major = static_cast<uint32_t>((dev & 0xfff00) >> 8);
  uint32_t minor = static_cast<uint32_t>((dev & 0xff) | ((dev >> 12) & 0xfff00));
  return vfs_mknod(at.start.v, at.path.s, static_cast<uint32_t>(a.a[2]), major, minor, my_umask(),
                   my_cred());
}

int64_t sys_unlinkat(const SyscallArgs& a) {
  uint64_t flags = a.a[2];
  if (flags & ~uint64_t{AT_REMOVEDIR}) return -EINVAL;
  PathAt at(static_cast<int>(a.a[0]), a.a[1]);
  if (at.err) return at.err;
  return vfs_unlink(at.start.v, at.path.s, (flags & AT_REMOVEDIR) != 0, my_cred());
}

int64_t sys_symlinkat(const SyscallArgs& a) {
  UserPath target(a.a[0]);
  UserPath path(a.a[2]);
  if (target.err) return target.err;
  if (path.err) return path.err;
  if (path.empty() || target.empty()) return -ENOENT;
  VnodeRef start;
  if (int e = at_start(static_cast<int>(a.a[1]), path.s, &start); e) return e;
  return vfs_symlink(target.s, start.v, path.s, my_cred());
}

// linkat, in Linux's order: a bad flag -EINVAL; AT_EMPTY_PATH needs
// CAP_DAC_READ_SEARCH (file-system uid 0), anyone else -ENOENT whatever
// the path; then the names. With it and an empty path, the node of olddfd
// itself gets the name (an O_PATH descriptor's too; a pipe or socket, on
// a file system of its own on Linux, -EXDEV).
int64_t sys_linkat(const SyscallArgs& a) {
  uint64_t flags = a.a[4];
  if (flags & ~uint64_t{AT_SYMLINK_FOLLOW | AT_EMPTY_PATH}) return -EINVAL;
  FsCred cr = my_cred();
  int oldfd = static_cast<int>(a.a[0]);
  if (flags & AT_EMPTY_PATH) {
    if (!cr.root()) return -ENOENT;
    UserPath from(a.a[1]);
    if (!from.err && from.empty()) {
      VnodeRef v;
      if (oldfd == AT_FDCWD) {
        v.v = fd_cwd_hold(my_fd());
      } else {
        FileRef f(oldfd);
        if (!f) return -EBADF;
        if (!f->vnode) return -EXDEV;
        v.v = vref(f->vnode);
      }
      PathAt to(static_cast<int>(a.a[2]), a.a[3]);
      if (to.err) return to.err;
      return vfs_link_node(v.v, to.start.v, to.path.s, cr);
    }
  }
  PathPair pp(oldfd, a.a[1], static_cast<int>(a.a[2]), a.a[3]);
  if (pp.err) return pp.err;  // an empty path: -ENOENT
  return vfs_link(pp.from_start.v, pp.from.s, pp.to_start.v, pp.to.s,
                  (flags & AT_SYMLINK_FOLLOW) != 0, cr);
}

int64_t sys_renameat2(const SyscallArgs& a) {
  PathPair pp(static_cast<int>(a.a[0]), a.a[1], static_cast<int>(a.a[2]), a.a[3]);
  if (pp.err) return pp.err;
  return vfs_rename(pp.from_start.v, pp.from.s, pp.to_start.v, pp.to.s,
                    static_cast<uint32_t>(a.a[4]), my_cred());
}

int64_t sys_renameat(const SyscallArgs& a) {
  SyscallArgs b = a;
  b.a[4] = 0;
  return sys_renameat2(b);
}

int64_t sys_readlinkat(const SyscallArgs& a) {
  int64_t size = static_cast<int64_t>(a.a[3]);
  if (size <= 0) return -EINVAL;
  PathAt at(static_cast<int>(a.a[0]), a.a[1]);
  if (at.err) return at.err;
  size_t n = size < static_cast<int64_t>(kPathMax) ? static_cast<size_t>(size) : kPathMax;
  char* buf = static_cast<char*>(kmalloc(kPathMax, M_TEMP, M_WAITOK));
  if (!buf) return -ENOMEM;
  int r = vfs_readlink(at.start.v, at.path.s, buf, n, my_cred());
  if (r > 0 && copyout_u(buf, a.a[2], static_cast<size_t>(r))) r = -EFAULT;
  kfree(buf, M_TEMP);
  return r;
}

int64_t sys_newfstatat(const SyscallArgs& a) {
  uint32_t flags = static_cast<uint32_t>(a.a[3]);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT)) return -EINVAL;
  linux_stat st;
  if (int e = stat_at(static_cast<int>(a.a[0]), a.a[1], flags, &st); e) return e;
  return copyout_u(&st, a.a[2], sizeof st) ? -EFAULT : 0;
}

int64_t sys_statx(const SyscallArgs& a) {
  uint32_t flags = static_cast<uint32_t>(a.a[2]);
  uint32_t mask = static_cast<uint32_t>(a.a[3]);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
    return -EINVAL;
  if ((flags & AT_STATX_SYNC_TYPE) == AT_STATX_SYNC_TYPE) return -EINVAL;
  if (mask & STATX__RESERVED) return -EINVAL;
  linux_stat st;
  if (int e = stat_at(static_cast<int>(a.a[0]), a.a[1], flags, &st); e) return e;
  linux_statx sx = {};
  sx.stx_mask = STATX_BASIC_STATS;
  sx.stx_blksize = static_cast<uint32_t>(st.st_blksize);
  sx.stx_nlink = st.st_nlink;
  sx.stx_uid = st.st_uid;
  sx.stx_gid = st.st_gid;
  sx.stx_mode = static_cast<uint16_t>(st.st_mode);
  sx.stx_ino = st.st_ino;
  sx.stx_size = static_cast<uint64_t>(st.st_size);
  sx.stx_blocks = static_cast<uint64_t>(st.st_blocks);
  sx.stx_atime = {st.st_atime_sec, static_cast<uint32_t>(st.st_atime_nsec), 0};
  sx.stx_mtime = {st.st_mtime_sec, static_cast<uint32_t>(st.st_mtime_nsec), 0};
  sx.stx_ctime = {st.st_ctime_sec, static_cast<uint32_t>(st.st_ctime_nsec), 0};
  // Linux's encoding back into numbers.
  sx.stx_rdev_major = static_cast<uint32_t>((st.st_rdev >> 8) & 0xfff);
  sx.stx_rdev_minor = static_cast<uint32_t>((st.st_rdev & 0xff) | ((st.st_rdev >> 12) & 0xfff00));
  sx.stx_dev_major = static_cast<uint32_t>((st.st_dev >> 8) & 0xfff);
  sx.stx_dev_minor = static_cast<uint32_t>((st.st_dev & 0xff) | ((st.st_dev >> 12) & 0xfff00));
  return copyout_u(&sx, a.a[4], sizeof sx) ? -EFAULT : 0;
}

namespace {

// Linux's access: the lookup and the check with the real uid and gid (root
// only for a real uid 0), or with AT_EACCESS the file-system ones, as other
// calls check.
int access_at(int dirfd, uint64_t upath, uint64_t mode, uint32_t flags) {
  if (mode & ~uint64_t{7}) return -EINVAL;
  UserPath path(upath);
  FsCred cr = (flags & AT_EACCESS) ? my_cred() : caller_real_fscred();
  VnodeRef v;
  if (int e = at_vnode(dirfd, path, flags, flags & AT_SYMLINK_NOFOLLOW, &v, &cr); e) return e;
  if (mode == F_OK) return 0;
  return vn_access(v.v, static_cast<int>(mode), cr);
}

}  // namespace

int64_t sys_faccessat(const SyscallArgs& a) {
  return access_at(static_cast<int>(a.a[0]), a.a[1], a.a[2], 0);
}

int64_t sys_faccessat2(const SyscallArgs& a) {
  uint32_t flags = static_cast<uint32_t>(a.a[3]);
  if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  return access_at(static_cast<int>(a.a[0]), a.a[1], a.a[2], flags);
}

int64_t sys_fchmodat(const SyscallArgs& a) {
  UserPath path(a.a[1]);
  VnodeRef v;
  if (int e = at_vnode(static_cast<int>(a.a[0]), path, 0, false, &v); e) return e;
  return vfs_chmod(v.v, static_cast<uint32_t>(a.a[2]), my_cred());
}

int64_t sys_fchownat(const SyscallArgs& a) {
  uint32_t flags = static_cast<uint32_t>(a.a[4]);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  UserPath path(a.a[1]);
  VnodeRef v;
  if (int e = at_vnode(static_cast<int>(a.a[0]), path, flags, flags & AT_SYMLINK_NOFOLLOW, &v); e)
    return e;
  return vfs_chown(v.v, static_cast<uint32_t>(a.a[2]), static_cast<uint32_t>(a.a[3]), my_cred());
}

int64_t sys_utimensat(const SyscallArgs& a) {
  uint32_t flags = static_cast<uint32_t>(a.a[3]);
  if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) return -EINVAL;
  timespec64 times[2];
  if (a.a[2] && copyin_u(a.a[2], times, sizeof times)) return -EFAULT;
  VnodeRef v;
  if (a.a[1] == 0) {
    // futimens: the descriptor itself.
    if (int e = fd_vnode(static_cast<int>(a.a[0]), &v); e) return e == -EINVAL ? -EBADF : e;
  } else {
    UserPath path(a.a[1]);
    if (int e = at_vnode(static_cast<int>(a.a[0]), path, flags, flags & AT_SYMLINK_NOFOLLOW, &v); e)
      return e;
  }
  return vfs_utimes(v.v, a.a[2] ? times : nullptr, my_cred());
}

namespace {

// chdir's and chroot's target: the path, followed, must be a directory the
// caller may search. On success *out holds it.
int searchable_dir_at(uint64_t upath, const FsCred& cr, VnodeRef* out) {
  PathAt at(AT_FDCWD, upath);
  if (at.err) return at.err;
  if (int e = vfs_lookup(at.start.v, at.path.s, true, cr, &out->v); e) return e;
  if (out->v->type != VType::kDir) return -ENOTDIR;
  return vn_access(out->v, X_OK, cr);
}

}  // namespace

int64_t sys_chdir(const SyscallArgs& a) {
  VnodeRef v;
  if (int e = searchable_dir_at(a.a[0], my_cred(), &v); e) return e;
  fd_set_cwd(my_fd(), v.v);
  v.v = nullptr;
  return 0;
}

// chroot(path): the caller's process (and any that share its table) looks
// up absolute paths from path on; Linux's order: the lookup's errors, not a
// directory -ENOTDIR, not searchable -EACCES, then anyone but root -EPERM.
// The working directory is left where it is (as on Linux: a chdir("/")
// after it is the caller's business).
int64_t sys_chroot(const SyscallArgs& a) {
  VnodeRef v;
  if (int e = searchable_dir_at(a.a[0], my_cred(), &v); e) return e;
  if (!user_is_root()) return -EPERM;
  fd_set_root(my_fd(), v.v);
  v.v = nullptr;
  return 0;
}

int64_t sys_getcwd(const SyscallArgs& a) {
  uint64_t size = a.a[1];
  if (size == 0) return -ERANGE;
  size_t n = size < kPathMax ? static_cast<size_t>(size) : kPathMax;
  char* buf = static_cast<char*>(kmalloc(kPathMax, M_TEMP, M_WAITOK));
  if (!buf) return -ENOMEM;
  Vnode* cwd = fd_cwd_hold(my_fd());
  Vnode* root = fd_root_hold(my_fd());
  int r = vfs_getcwd(cwd, root, buf, n);
  vrele(cwd);
  vrele(root);
  if (r == -ERANGE && n == kPathMax && size > kPathMax) r = -ENAMETOOLONG;
  if (r > 0 && copyout_u(buf, a.a[0], static_cast<size_t>(r))) r = -EFAULT;
  kfree(buf, M_TEMP);
  return r;
}

int64_t sys_umask(const SyscallArgs& a) {
  return __atomic_exchange_n(&my_fd()->cmask, static_cast<uint32_t>(a.a[0]) & 0777,
                             __ATOMIC_RELAXED);
}

int truncate_within_limit(Vnode* v, uint64_t size, const FsCred& cr) {
  uint64_t limit = proc_fsize_limit(curproc());
  int err = vfs_truncate(v, size, cr, limit);
  if (err == -EFBIG && size > limit) lwp_signal_self(kSigXfsz);
  return err;
}

// fallocate(fd, mode, offset, len): Linux's checks in its order (a bad fd
// -EBADF; offset < 0 or len <= 0 -EINVAL; unknown mode bits, PUNCH_HOLE with
// ZERO_RANGE or without KEEP_SIZE -EOPNOTSUPP; COLLAPSE_RANGE or
// INSERT_RANGE with anything, UNSHARE_RANGE with more than KEEP_SIZE
// -EINVAL; not open for writing -EBADF; a pipe or FIFO -ESPIPE, a
// directory -EISDIR, not a regular file -ENODEV; past the largest file
// (512 GiB in RAM) -EFBIG), then the file system's: the RAM file system does what tmpfs does
// (allocate, KEEP_SIZE, PUNCH_HOLE with KEEP_SIZE; the rest -EOPNOTSUPP),
// /proc nothing (-EOPNOTSUPP). Growing past RLIMIT_FSIZE: SIGXFSZ, -EFBIG.
int64_t sys_fallocate(const SyscallArgs& a) {
  int mode = static_cast<int>(a.a[1]);
  int64_t off = static_cast<int64_t>(a.a[2]), len = static_cast<int64_t>(a.a[3]);
  FileRef f(static_cast<int>(a.a[0]));
  if (!f) return -EBADF;
  if (off < 0 || len <= 0) return -EINVAL;
  constexpr int kKnown = kFallocKeepSize | kFallocPunchHole | kFallocNoHideStale |
                         kFallocCollapseRange | kFallocZeroRange | kFallocInsertRange |
                         kFallocUnshareRange;
  if (mode & ~kKnown) return -EOPNOTSUPP;
  if ((mode & kFallocPunchHole) && (mode & kFallocZeroRange)) return -EOPNOTSUPP;
  if ((mode & kFallocPunchHole) && !(mode & kFallocKeepSize)) return -EOPNOTSUPP;
  if ((mode & kFallocCollapseRange) && (mode & ~kFallocCollapseRange)) return -EINVAL;
  if ((mode & kFallocInsertRange) && (mode & ~kFallocInsertRange)) return -EINVAL;
  if ((mode & kFallocUnshareRange) && (mode & ~(kFallocUnshareRange | kFallocKeepSize)))
    return -EINVAL;
  if (!(f->mode & kFileWrite)) return -EBADF;
  Vnode* v = f->vnode;
  if (!v || v->type == VType::kFifo) return -ESPIPE;
  if (v->type == VType::kDir) return -EISDIR;
  if (v->type != VType::kReg) return -ENODEV;
  if (off > INT64_MAX - len) return -EFBIG;
  uint64_t end = static_cast<uint64_t>(off + len);
  if (v->mount && v->mount->max_bytes && end > v->mount->max_bytes) return -EFBIG;  // no signal
  if (!v->ops->allocate) return -EOPNOTSUPP;
  uint64_t limit = proc_fsize_limit(curproc());
  MutexGuard g(v->lock);
  if (!(mode & kFallocKeepSize) && end > v->size && end > limit) {
    lwp_signal_self(kSigXfsz);
    return -EFBIG;
  }
  return v->ops->allocate(v, mode, static_cast<uint64_t>(off), static_cast<uint64_t>(len),
                          my_cred());
}

int64_t sys_truncate(const SyscallArgs& a) {
  if (static_cast<int64_t>(a.a[1]) < 0) return -EINVAL;
  UserPath path(a.a[0]);
  VnodeRef v;
  if (int e = at_vnode(AT_FDCWD, path, 0, false, &v); e) return e;
  if (v.v->type == VType::kDir) return -EISDIR;
  if (v.v->type != VType::kReg) return -EINVAL;
  FsCred cr = my_cred();
  if (int e = vn_access(v.v, W_OK, cr); e) return e;
  return truncate_within_limit(v.v, a.a[1], cr);
}

namespace {

int statfs_of(Vnode* v, uint64_t ubuf) {
  linux_statfs s = {};
  Mount* mp = v->mount;
  s.f_type = mp->magic;
  s.f_bsize = 4096;
  s.f_frsize = 4096;
  s.f_namelen = kNameMax;
  s.f_fsid[1] = static_cast<int32_t>(mp->dev_minor);
  if (!mp->synthetic) {
    ChargeRule r = charge_rule(Charge::kFsUnits);
    uint64_t used = charge_total(Charge::kFsUnits);
    uint64_t free = r.max > used ? r.max - used : 0;
    s.f_blocks = r.max;
    s.f_bfree = free;
    s.f_bavail = free > r.root_reserve ? free - r.root_reserve : 0;
    // Nodes cost one unit each, as pages do.
    s.f_files = r.max;
    s.f_ffree = free;
  }
  return copyout_u(&s, ubuf, sizeof s) ? -EFAULT : 0;
}

}  // namespace

int64_t sys_statfs(const SyscallArgs& a) {
  UserPath path(a.a[0]);
  VnodeRef v;
  if (int e = at_vnode(AT_FDCWD, path, 0, false, &v); e) return e;
  return statfs_of(v.v, a.a[1]);
}

int64_t sys_fstatfs(const SyscallArgs& a) {
  FileRef f(static_cast<int>(a.a[0]));
  if (!f) return -EBADF;
  if (!f->vnode) return -EINVAL;  // a pipe (Linux answers for pipefs; tine has none)
  return statfs_of(f->vnode, a.a[1]);
}
