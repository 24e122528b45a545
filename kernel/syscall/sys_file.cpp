// The descriptor calls: read and write in their forms, lseek, dup, fcntl,
// close, pipes, directory listing, fstat, ioctl, sendfile, truncation and
// the f* attribute calls. Linux arm64's numbers and semantics
// (docs/user-abi.md, "Files").
#include "kernel/fs/charge.h"
#include "kernel/fs/flock.h"
#include "kernel/fs/linux_abi.h"
#include "kernel/fs/pipe.h"
#include "kernel/fs/uio.h"
#include "kernel/fs/vfs.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/net/unix_socket.h"
#include "kernel/proc/proc.h"
#include "kernel/syscall/file_args.h"
#include "kernel/syscall/syscall.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/verified/refcount.h"
#include "kernel/vm/copy.h"

UserPath::UserPath(uint64_t uaddr) {
  s = static_cast<char*>(kmalloc(kPathMax, M_TEMP, M_WAITOK));
  if (!s) {
    err = -ENOMEM;
    return;
  }
  err = copyinstr(reinterpret_cast<const void*>(uaddr), s, kPathMax, nullptr);
}

UserPath::~UserPath() {
  if (s) kfree(s, M_TEMP);
}

IovArray::~IovArray() {
  if (v != small) kfree(v, M_TEMP);
}

int IovArray::load(uint64_t uiov, int64_t cnt) {
  if (cnt < 0 || cnt > kIovMax) return -EINVAL;
  n = static_cast<int>(cnt);
  if (n > 8) {
    v = static_cast<IoVec*>(kmalloc(sizeof(IoVec) * static_cast<size_t>(n), M_TEMP, M_WAITOK));
    if (!v) {
      v = small;
      return -ENOMEM;
    }
  }
  if (n && copyin_u(uiov, v, sizeof(IoVec) * static_cast<size_t>(n))) return -EFAULT;
  uint64_t total = 0;
  for (int i = 0; i < n; ++i) {
    if (static_cast<int64_t>(v[i].len) < 0) return -EINVAL;
    if (total + v[i].len > static_cast<uint64_t>(INT64_MAX)) return -EINVAL;
    uint64_t room = kMaxRwCount - (total < kMaxRwCount ? total : kMaxRwCount);
    if (v[i].len > room) v[i].len = room;
    total += v[i].len;
  }
  return 0;
}

FileRef::FileRef(int fd) : fp(fget_mine(fd)) {}

File* fget_mine(int fd) {
  Proc* p = curproc();
  Filedesc* fdp = p->fd();
  // A table only this process holds, with this LWP its only one: nothing
  // can change it meanwhile (its other holders would be processes sharing
  // it, or this process's other LWPs), so the lock can be skipped.
  if (p->nthreads() == 1 && refcount_read(&fdp->c.fd_ref) == 1) {
    if (fd < 0 || fd >= fdp->used) return nullptr;
    File* fp = fdp->slots[fd].fp;
    return fp ? fhold(fp) : nullptr;
  }
  return fget(fdp, fd);
}

int at_start(int dirfd, const char* path, VnodeRef* out) {
  if (path[0] == '/' || dirfd == AT_FDCWD) {
    out->v = fd_cwd_hold(my_fd());
    return 0;
  }
  FileRef f(dirfd);
  if (!f || !f->vnode) return f ? -ENOTDIR : -EBADF;
  if (f->vnode->type != VType::kDir) return -ENOTDIR;
  out->v = vref(f->vnode);
  return 0;
}

int fd_vnode(int fd, VnodeRef* out) {
  if (fd == AT_FDCWD) {
    out->v = fd_cwd_hold(my_fd());
    return 0;
  }
  FileRef f(fd);
  if (!f) return -EBADF;
  if (!f->vnode) return -EINVAL;
  out->v = vref(f->vnode);
  return 0;
}

namespace {

uint64_t clamp_count(uint64_t n) { return n > kMaxRwCount ? kMaxRwCount : n; }

int64_t do_read(int fd, Uio* uio, const uint64_t* pos) {
  FileRef f(fd);
  if (!f) return -EBADF;
  if (pos && (f->mode & kFileRead) && !f->ops->seekable) return -ESPIPE;  // a count of 0 too
  if (uio->resid == 0) return (f->mode & kFileRead) ? 0 : -EBADF;
  return file_read(f.fp, uio, pos);
}

// plain: write(2) itself, whose 0 bytes still reach a socket (Linux's
// vfs_write has no shortcut for them, its vectored writes have one).
int64_t do_write(int fd, Uio* uio, const uint64_t* pos, bool plain = false) {
  FileRef f(fd);
  if (!f) return -EBADF;
  if (pos && (f->mode & kFileWrite) && !f->ops->seekable) return -ESPIPE;  // a count of 0 too
  if (uio->resid == 0 && !(plain && file_is_socket(f.fp)))
    return (f->mode & kFileWrite) ? 0 : -EBADF;
  return file_write(f.fp, uio, pos);
}

int64_t rw_one(const SyscallArgs& a, bool write, const uint64_t* pos) {
  IoVec iov{a.a[1], clamp_count(a.a[2])};
  Uio uio = uio_make(&iov, 1, true, write ? UioDir::kWrite : UioDir::kRead);
  int fd = static_cast<int>(a.a[0]);
  return write ? do_write(fd, &uio, pos, !pos) : do_read(fd, &uio, pos);
}

int64_t rw_vec(const SyscallArgs& a, bool write, const uint64_t* pos) {
  IovArray iv;
  if (int e = iv.load(a.a[1], static_cast<int64_t>(a.a[2])); e) return e;
  Uio uio = uio_make(iv.v, iv.n, true, write ? UioDir::kWrite : UioDir::kRead);
  int fd = static_cast<int>(a.a[0]);
  return write ? do_write(fd, &uio, pos) : do_read(fd, &uio, pos);
}

// pread64 and its kin: at the offset in the fourth argument, which may not be
// negative.
int64_t rw_at(int64_t (*rw)(const SyscallArgs&, bool, const uint64_t*), const SyscallArgs& a,
              bool write) {
  if (static_cast<int64_t>(a.a[3]) < 0) return -EINVAL;
  uint64_t pos = a.a[3];
  return rw(a, write, &pos);
}

int limit() { return proc_nofile_limit(curproc()); }

}  // namespace

int64_t sys_read(const SyscallArgs& a) { return rw_one(a, false, nullptr); }
int64_t sys_write(const SyscallArgs& a) { return rw_one(a, true, nullptr); }
int64_t sys_readv(const SyscallArgs& a) { return rw_vec(a, false, nullptr); }
int64_t sys_writev(const SyscallArgs& a) { return rw_vec(a, true, nullptr); }

int64_t sys_pread64(const SyscallArgs& a) { return rw_at(rw_one, a, false); }
int64_t sys_pwrite64(const SyscallArgs& a) { return rw_at(rw_one, a, true); }
int64_t sys_preadv(const SyscallArgs& a) { return rw_at(rw_vec, a, false); }
int64_t sys_pwritev(const SyscallArgs& a) { return rw_at(rw_vec, a, true); }

int64_t sys_lseek(const SyscallArgs& a) {
  FileRef f(static_cast<int>(a.a[0]));
  if (!f) return -EBADF;
  if (!(f->mode & (kFileRead | kFileWrite)) && !f->vnode) return -EBADF;
  return file_lseek(f.fp, static_cast<int64_t>(a.a[1]), static_cast<int>(a.a[2]));
}

int64_t sys_close(const SyscallArgs& a) { return fd_close(my_fd(), static_cast<int>(a.a[0])); }

// close_range(first, last, flags): CLOSE_RANGE_UNSHARE (2) first gives the
// process a table of its own (as rfork(RFFDG) without RFPROC: one LWP only,
// else -EINVAL); CLOSE_RANGE_CLOEXEC (4) marks instead of closing.
int64_t sys_close_range(const SyscallArgs& a) {
  constexpr uint64_t kUnshare = 2, kCloexec = 4;
  unsigned first = static_cast<unsigned>(a.a[0]), last = static_cast<unsigned>(a.a[1]);
  if (a.a[2] & ~(kUnshare | kCloexec)) return -EINVAL;
  if (first > last) return -EINVAL;
  if (a.a[2] & kUnshare) {
    // rfork(RFFDG) without RFPROC; RFMEM keeps the address space as it is.
    Proc* none = nullptr;
    int r = kern_fork1(curlwp(), static_cast<int>(VC_RFFDG | VC_RFMEM), &none, a.frame);
    if (r) return -r;
  }
  fd_close_range(my_fd(), first, last, (a.a[2] & kCloexec) != 0);
  return 0;
}

int64_t sys_dup(const SyscallArgs& a) {
  File* fp = fget(my_fd(), static_cast<int>(a.a[0]));
  if (!fp) return -EBADF;
  int r = fd_alloc(my_fd(), fp, 0, 0, limit());
  if (r < 0) fdrop(fp);
  return r;
}

int64_t sys_dup3(const SyscallArgs& a) {
  int from = static_cast<int>(a.a[0]), to = static_cast<int>(a.a[1]);
  uint64_t flags = a.a[2];
  if (flags & ~uint64_t{O_CLOEXEC}) return -EINVAL;
  if (from == to) return -EINVAL;
  File* fp = fget(my_fd(), from);
  if (!fp) return -EBADF;
  int r = fd_put_at(my_fd(), fp, to, (flags & O_CLOEXEC) ? FD_CLOEXEC : 0, limit());
  if (r < 0) fdrop(fp);
  return r;
}

int64_t sys_fcntl(const SyscallArgs& a) {
  int fd = static_cast<int>(a.a[0]);
  int cmd = static_cast<int>(a.a[1]);
  uint64_t arg = a.a[2];
  Filedesc* fdp = my_fd();
  FileRef f(fd);
  if (!f) return -EBADF;
  switch (cmd) {
    case F_DUPFD:
    case F_DUPFD_CLOEXEC: {
      int lim = limit();
      if (arg >= static_cast<uint64_t>(lim)) return -EINVAL;
      int r = fd_alloc(fdp, fhold(f.fp), static_cast<int>(arg),
                       cmd == F_DUPFD_CLOEXEC ? FD_CLOEXEC : 0, lim);
      if (r < 0) fdrop(f.fp);
      return r;
    }
    case F_GETFD: return fd_get_flags(fdp, fd);
    case F_SETFD: return fd_set_flags(fdp, fd, static_cast<uint32_t>(arg));
    case F_GETFL: return __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
    case F_SETFL: {
      if (!(f->mode & (kFileRead | kFileWrite))) return -EBADF;  // O_PATH
      constexpr uint32_t kSettable = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;
      uint32_t old = __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
      uint32_t want;
      do {
        want = (old & ~kSettable) | (static_cast<uint32_t>(arg) & kSettable);
      } while (!__atomic_compare_exchange_n(&f->flags, &old, want, false, __ATOMIC_RELAXED,
                                            __ATOMIC_RELAXED));
      return 0;
    }
    case F_GETOWN:
    case F_GETSIG: return 0;
    case F_SETOWN:
    case F_SETSIG: return 0;  // no SIGIO is ever sent
    case F_GETLK:
    case F_SETLK:
    case F_SETLKW:
    case F_OFD_GETLK:
    case F_OFD_SETLK:
    case F_OFD_SETLKW: return -ENOLCK;  // no record locks
    case F_GETPIPE_SZ: return pipe_capacity(f.fp);
    case F_SETPIPE_SZ:  // an unsigned int, as Linux's pipe_fcntl takes it
      return pipe_set_capacity(f.fp, static_cast<uint32_t>(arg), my_cred());
    default: return -EINVAL;
  }
}

// flock(fd, op), in Linux's order: LOCK_MAND (no longer supported) is
// ignored, then a bad operation -EINVAL, then the descriptor (-EBADF, an
// O_PATH one too).
int64_t sys_flock(const SyscallArgs& a) {
  uint32_t op = static_cast<uint32_t>(a.a[1]);
  if (op & LOCK_MAND) return 0;
  uint32_t cmd = op & ~static_cast<uint32_t>(LOCK_NB);
  if (cmd != LOCK_SH && cmd != LOCK_EX && cmd != LOCK_UN) return -EINVAL;
  FileRef f(static_cast<int>(a.a[0]));
  if (!f || !(f->mode & (kFileRead | kFileWrite))) return -EBADF;
  return flock_file(f.fp, static_cast<int>(op));
}

int fd_install_pair(File* a, File* b, uint32_t fdflags, uint64_t ufds) {
  Filedesc* fdp = my_fd();
  int lim = proc_nofile_limit(curproc());
  // Our own references, kept until the end: once in the table, another LWP may
  // close or replace the descriptors (dup2), and undoing them after a failure
  // must take back only ours (fd_close_if), never what was put there.
  fhold(a);
  fhold(b);
  int err = 0;
  int fds[2];
  fds[0] = fd_alloc(fdp, a, 0, fdflags, lim);
  if (fds[0] < 0) {
    err = fds[0];
    fdrop(a);  // the table's reference, never given
    fdrop(b);
  } else if ((fds[1] = fd_alloc(fdp, b, 0, fdflags, lim)) < 0) {
    err = fds[1];
    fd_close_if(fdp, fds[0], a);
    fdrop(b);
  } else if (copyout_u(fds, ufds, sizeof fds)) {
    err = -EFAULT;
    fd_close_if(fdp, fds[0], a);
    fd_close_if(fdp, fds[1], b);
  }
  fdrop(a);
  fdrop(b);
  return err;
}

int64_t sys_pipe2(const SyscallArgs& a) {
  uint64_t flags = a.a[1];
  if (flags & ~uint64_t{O_CLOEXEC | O_NONBLOCK}) return -EINVAL;
  File* r;
  File* w;
  if (int e = pipe_create(static_cast<uint32_t>(flags), my_cred(), &r, &w); e) return e;
  return fd_install_pair(r, w, (flags & O_CLOEXEC) ? FD_CLOEXEC : 0, a.a[0]);
}

int64_t sys_getdents64(const SyscallArgs& a) {
  FileRef f(static_cast<int>(a.a[0]));
  if (!f) return -EBADF;
  return file_getdents(f.fp, a.a[1], static_cast<size_t>(clamp_count(a.a[2])));
}

int64_t sys_fstat(const SyscallArgs& a) {
  FileRef f(static_cast<int>(a.a[0]));
  if (!f) return -EBADF;
  linux_stat st;
  if (int e = file_stat(f.fp, &st); e) return e;
  return copyout_u(&st, a.a[1], sizeof st) ? -EFAULT : 0;
}

int64_t sys_ioctl(const SyscallArgs& a) {
  int fd = static_cast<int>(a.a[0]);
  FileRef f(fd);
  if (!f) return -EBADF;
  if (!(f->mode & (kFileRead | kFileWrite))) return -EBADF;  // O_PATH: no ioctl at all
  switch (a.a[1]) {
    case FIOCLEX: return fd_set_flags(my_fd(), fd, FD_CLOEXEC);
    case FIONCLEX: return fd_set_flags(my_fd(), fd, 0);
    default: return file_ioctl(f.fp, a.a[1], a.a[2]);
  }
}

// sendfile(out, in, offset, count): in's bytes (from *offset, which moves,
// leaving in's own offset alone; else from in's offset) written to out, up to
// count or until a read of in comes back short, as one read would. A
// large copy stops between chunks, with what it has moved, when the caller is
// to die or has a signal to take (Linux's splice loop).
int64_t sys_sendfile(const SyscallArgs& a) {
  FileRef out(static_cast<int>(a.a[0]));
  FileRef in(static_cast<int>(a.a[1]));
  if (!out || !in) return -EBADF;
  if (!(in->mode & kFileRead) || !(out->mode & kFileWrite)) return -EBADF;
  if (__atomic_load_n(&out->flags, __ATOMIC_RELAXED) & O_APPEND) return -EINVAL;
  uint64_t pos = 0;
  bool have_pos = a.a[2] != 0;
  if (have_pos) {
    int64_t off;
    if (copyin_u(a.a[2], &off, sizeof off)) return -EFAULT;
    if (off < 0) return -EINVAL;
    if (!in->ops->seekable) return -ESPIPE;
    pos = static_cast<uint64_t>(off);
  }
  uint64_t count = clamp_count(a.a[3]);
  constexpr size_t kBuf = 16384;
  auto* buf = static_cast<uint8_t*>(kmalloc(kBuf, M_TEMP, M_WAITOK));
  if (!buf) return -ENOMEM;
  uint64_t total = 0;
  int64_t err = 0;
  Lwp* lp = curlwp();
  while (total < count) {
    if (total > 0 && lwp_should_stop(lp)) break;
    size_t n = count - total < kBuf ? static_cast<size_t>(count - total) : kBuf;
    IoVec riov{reinterpret_cast<uint64_t>(buf), n};
    Uio ru = uio_make(&riov, 1, false, UioDir::kRead);
    int64_t got = file_read(in.fp, &ru, have_pos ? &pos : nullptr);
    if (got <= 0) {
      err = got;
      break;
    }
    IoVec wiov{reinterpret_cast<uint64_t>(buf), static_cast<uint64_t>(got)};
    Uio wu = uio_make(&wiov, 1, false, UioDir::kWrite);
    int64_t put = file_write(out.fp, &wu, nullptr);
    if (put <= 0) {
      // What was read is consumed: a signal now ends the call, never remakes it.
      err = put == -ERESTARTSYS ? -EINTR : put;
      break;
    }
    if (have_pos) pos += static_cast<uint64_t>(put);
    total += static_cast<uint64_t>(put);
    if (put < got) {
      // out took less: what it did not take is not consumed (only a position says so).
      break;
    }
    // A short read is all there is for now (a pipe with less in it, the end
    // of a file): another read could wait, where a read would not.
    if (static_cast<uint64_t>(got) < n) break;
  }
  kfree(buf, M_TEMP);
  if (have_pos) {
    int64_t off = static_cast<int64_t>(pos);
    if (copyout_u(&off, a.a[2], sizeof off)) return -EFAULT;
  }
  return total ? static_cast<int64_t>(total) : err;
}

int64_t sys_ftruncate(const SyscallArgs& a) {
  if (static_cast<int64_t>(a.a[1]) < 0) return -EINVAL;
  FileRef f(static_cast<int>(a.a[0]));
  if (!f) return -EBADF;
  if (!f->vnode || f->vnode->type != VType::kReg || !(f->mode & kFileWrite)) return -EINVAL;
  return truncate_within_limit(f->vnode, a.a[1], my_cred());
}

int64_t sys_fsync(const SyscallArgs& a) {
  FileRef f(static_cast<int>(a.a[0]));
  if (!f) return -EBADF;
  if (!f->vnode || file_is_pipe(f.fp)) return -EINVAL;  // a pipe or a FIFO
  return 0;  // memory is the storage: nothing to write back
}

int64_t sys_sync(const SyscallArgs&) { return 0; }

int64_t sys_fchmod(const SyscallArgs& a) {
  FileRef f(static_cast<int>(a.a[0]));
  if (!f) return -EBADF;
  if (!(f->mode & (kFileRead | kFileWrite))) return -EBADF;  // O_PATH
  if (!f->vnode) return -EPERM;                              // a pipe: nothing to change
  return vfs_chmod(f->vnode, static_cast<uint32_t>(a.a[1]), my_cred());
}

int64_t sys_fchown(const SyscallArgs& a) {
  FileRef f(static_cast<int>(a.a[0]));
  if (!f) return -EBADF;
  if (!(f->mode & (kFileRead | kFileWrite))) return -EBADF;
  if (!f->vnode) return -EPERM;
  return vfs_chown(f->vnode, static_cast<uint32_t>(a.a[1]), static_cast<uint32_t>(a.a[2]),
                   my_cred());
}

int64_t sys_fchdir(const SyscallArgs& a) {
  FileRef f(static_cast<int>(a.a[0]));
  if (!f) return -EBADF;
  Vnode* v = f->vnode;
  if (!v || v->type != VType::kDir) return -ENOTDIR;
  if (int e = vn_access(v, X_OK, my_cred()); e) return e;
  fd_set_cwd(my_fd(), vref(v));
  return 0;
}
