#include "kernel/fs/file.h"

#include <new>

#include "kernel/dev/chardev.h"
#include "kernel/fs/charge.h"
#include "kernel/fs/flock.h"
#include "kernel/fs/linux_abi.h"
#include "kernel/fs/pipe.h"
#include "kernel/fs/uio.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/vnode.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/proc/proc.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/vm/copy.h"

MALLOC_DEFINE(M_FILE, "file", "open files");

namespace {

uint64_t g_files;  // atomic

// A directory File's position is its readdir cookie; getdents and lseek on
// one File take turns with this lock (Linux's f_pos_lock), which comes
// before the namespace lock.
struct DirFile {
  Mutex pos_lock{"dirpos"};
};

// ---- regular files, directories, symbolic links (O_PATH) -----------------------

int64_t vn_file_read(File* fp, Uio* uio, const uint64_t* pos) {
  Vnode* v = fp->vnode;
  if (v->type == VType::kDir) return -EISDIR;
  if (!v->ops->read) return -EINVAL;
  MutexGuard g(v->lock);
  uint64_t off = pos ? *pos : fp->offset;
  int64_t err = v->ops->read(v, off, uio);
  if (!pos) fp->offset = off + uio->done;
  return err;
}

int64_t vn_file_write(File* fp, Uio* uio, const uint64_t* pos) {
  Vnode* v = fp->vnode;
  if (!v->ops->write) return -EINVAL;
  Proc* p = curproc();
  FsCred cr = proc_fscred(p);
  // /proc's files are no file's size (Linux checks the limit in the file
  // systems' generic write path, which proc's writes do not take).
  bool sized = v->type == VType::kReg && !(v->mount && v->mount->synthetic);
  uint64_t limit = sized ? proc_fsize_limit(p) : VC_RLIM_INFINITY;
  if (uio->resid > 0) vfs_drop_setid(v, cr);
  MutexGuard g(v->lock);
  // O_APPEND writes at the end, pwrite too (as Linux does).
  bool append = (__atomic_load_n(&fp->flags, __ATOMIC_RELAXED) & O_APPEND) != 0;
  uint64_t off = append ? v->size : pos ? *pos : fp->offset;
  // RLIMIT_FSIZE (Linux's generic_write_check_limits): a write that would
  // start at or past it gets SIGXFSZ and -EFBIG, one that would cross it
  // is cut short there.
  if (limit != VC_RLIM_INFINITY && uio->resid > 0) {
    if (off >= limit) {
      lwp_signal_self(kSigXfsz);
      return -EFBIG;
    }
    if (uio->resid > limit - off) uio->resid = limit - off;
  }
  int64_t err = v->ops->write(v, off, uio, cr);
  if (!pos) fp->offset = off + uio->done;
  return err;
}

int vn_file_poll(File*, int) { return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM; }

int vn_file_ioctl(File* fp, uint64_t cmd, uint64_t arg) {
  Vnode* v = fp->vnode;
  if (cmd == FIONREAD && v->type == VType::kReg) {
    int n;
    {
      MutexGuard g(v->lock);
      uint64_t left = v->size > fp->offset ? v->size - fp->offset : 0;
      n = left > 0x7fffffff ? 0x7fffffff : static_cast<int>(left);
    }
    return copyout_u(&n, arg, sizeof n) ? -EFAULT : 0;
  }
  return -ENOTTY;
}

void vn_file_close(File* fp) {
  if (fp->data) {
    auto* d = static_cast<DirFile*>(fp->data);
    d->~DirFile();
    kfree(d, M_FILE);
  }
}

const FileOps kVnodeFileOps = {vn_file_read,  vn_file_write, vn_file_poll, vn_file_ioctl,
                               vn_file_close, nullptr,       true};

// ---- device nodes ----------------------------------------------------------------

const CharDevOps* dev_of(File* fp) { return static_cast<const CharDevOps*>(fp->data); }

int64_t dev_read(File* fp, Uio* uio, const uint64_t*) { return dev_of(fp)->read(fp, uio); }
int64_t dev_write(File* fp, Uio* uio, const uint64_t*) { return dev_of(fp)->write(fp, uio); }
int dev_poll(File* fp, int events) {
  const CharDevOps* d = dev_of(fp);
  return d->poll ? d->poll(fp, events) : (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
}
int dev_ioctl(File* fp, uint64_t cmd, uint64_t arg) {
  const CharDevOps* d = dev_of(fp);
  return d->ioctl ? d->ioctl(fp, cmd, arg) : -ENOTTY;
}
void dev_close(File* fp) {
  const CharDevOps* d = dev_of(fp);
  if (d->close) d->close(fp);
}

const FileOps kDeviceFileOps = {dev_read,  dev_write, dev_poll, dev_ioctl,
                                dev_close, nullptr,   false};
// Devices that answer pread and lseek (the memory devices: positions mean nothing).
const FileOps kSeekableDeviceFileOps = {dev_read,  dev_write, dev_poll, dev_ioctl,
                                        dev_close, nullptr,   true};
bool is_device(const File* fp) {
  return fp->ops == &kDeviceFileOps || fp->ops == &kSeekableDeviceFileOps;
}

// ---- getdents64 ------------------------------------------------------------------

struct DirentBuf {
  uint8_t* buf;
  size_t cap;
  size_t used;
  uint64_t last_cookie;
  bool full;
};

bool emit_dirent(void* ctx, uint64_t ino, uint64_t cookie, uint8_t dtype, const char* name,
                 size_t len) {
  auto* b = static_cast<DirentBuf*>(ctx);
  size_t reclen = (19 + len + 1 + 7) & ~size_t{7};
  if (b->used + reclen > b->cap) {
    b->full = true;
    return false;
  }
  uint8_t* r = b->buf + b->used;
  tine_memset(r, 0, reclen);
  int64_t off = static_cast<int64_t>(cookie);
  uint16_t rl = static_cast<uint16_t>(reclen);
  tine_memcpy(r, &ino, 8);
  tine_memcpy(r + 8, &off, 8);
  tine_memcpy(r + 16, &rl, 2);
  r[18] = dtype;
  tine_memcpy(r + 19, name, len);
  b->used += reclen;
  b->last_cookie = cookie;
  return true;
}

// A read or a write (`op`) of a file opened for it (`need`): what it moved,
// if anything, else its error.
int64_t file_io(File* fp, Uio* uio, const uint64_t* pos, uint8_t need,
                decltype(&FileOps::read) op) {
  if (!(fp->mode & need)) return -EBADF;
  if (pos && !fp->ops->seekable) return -ESPIPE;
  if (!(fp->ops->*op)) return -EINVAL;
  int64_t err = (fp->ops->*op)(fp, uio, pos);
  if (uio->done > 0) return static_cast<int64_t>(uio->done);
  return err;
}

}  // namespace

File* file_alloc(const FileOps* ops, uint32_t flags, uint32_t uid, bool acting_root, int* err) {
  if (!charge_take(Charge::kFiles, uid, 1, acting_root)) {
    *err = -ENFILE;
    return nullptr;
  }
  auto* fp = static_cast<File*>(kmalloc(sizeof(File), M_FILE, M_WAITOK | M_ZERO));
  if (!fp) {
    charge_give(Charge::kFiles, uid, 1);
    *err = -ENOMEM;
    return nullptr;
  }
  fp->refs = 1;
  fp->flags = flags;
  fp->charged_uid = uid;
  fp->ops = ops;
  uint32_t acc = flags & O_ACCMODE;
  if (!(flags & O_PATH)) {
    if (acc == O_RDONLY || acc == O_RDWR) fp->mode |= kFileRead;
    if (acc == O_WRONLY || acc == O_RDWR) fp->mode |= kFileWrite;
  }
  __atomic_add_fetch(&g_files, 1, __ATOMIC_RELAXED);
  return fp;
}

void file_close_last(File* fp) {
  if (fp->flock) flock_release(fp);  // before what it locks can go
  if (fp->ops->close) fp->ops->close(fp);
  if (fp->vnode) vrele(fp->vnode);
  charge_give(Charge::kFiles, fp->charged_uid, 1);
  kfree(fp, M_FILE);
  __atomic_sub_fetch(&g_files, 1, __ATOMIC_RELAXED);
}

uint64_t file_count() { return __atomic_load_n(&g_files, __ATOMIC_RELAXED); }

int file_open_vnode(Vnode* v, uint32_t flags, const FsCred& cr, File** out) {
  if (v->type == VType::kFifo && !(flags & O_PATH)) return fifo_open(v, flags, cr, out);
  const CharDevOps* dev = nullptr;
  const FileOps* ops = &kVnodeFileOps;
  if (v->type == VType::kChr && !(flags & O_PATH)) {
    dev = chardev_lookup(v->rdev_major, v->rdev_minor);
    if (!dev) return -ENXIO;
    ops = dev->seekable ? &kSeekableDeviceFileOps : &kDeviceFileOps;
  }
  int err;
  File* fp = file_alloc(ops, (flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC)) | O_LARGEFILE,
                        cr.uid, cr.root(), &err);
  if (!fp) return err;
  if (dev) {
    fp->data = const_cast<CharDevOps*>(dev);
  } else if (v->type == VType::kDir) {
    auto* d = static_cast<DirFile*>(kmalloc(sizeof(DirFile), M_FILE, M_WAITOK | M_ZERO));
    if (!d) {
      fdrop(fp);
      return -ENOMEM;
    }
    new (d) DirFile();
    fp->data = d;
  }
  fp->vnode = vref(v);
  if (dev && dev->open)
    if (int e = dev->open(fp); e) {
      fp->data = nullptr;  // not opened: no close
      fp->ops = &kVnodeFileOps;
      fdrop(fp);
      return e;
    }
  // O_NOCTTY was for the device's open (a terminal); it is not kept.
  __atomic_and_fetch(&fp->flags, ~static_cast<uint32_t>(O_NOCTTY), __ATOMIC_RELAXED);
  *out = fp;
  return 0;
}

int64_t file_read(File* fp, Uio* uio, const uint64_t* pos) {
  return file_io(fp, uio, pos, kFileRead, &FileOps::read);
}

int64_t file_write(File* fp, Uio* uio, const uint64_t* pos) {
  return file_io(fp, uio, pos, kFileWrite, &FileOps::write);
}

int64_t file_lseek(File* fp, int64_t off, int whence) {
  if (!(fp->mode & (kFileRead | kFileWrite))) return -EBADF;  // O_PATH
  Vnode* v = fp->vnode;
  if (!v || file_is_pipe(fp)) return -ESPIPE;                 // a pipe or a FIFO
  if (is_device(fp)) return fp->ops->seekable ? 0 : -ESPIPE;  // the memory devices stay at 0
  if (whence < SEEK_SET || whence > SEEK_HOLE) return -EINVAL;
  if (v->type == VType::kDir) {
    // Only the cookies getdents gave (or 0, the start) make sense here.
    auto* d = static_cast<DirFile*>(fp->data);
    if (!d) return -EINVAL;
    MutexGuard g(d->pos_lock);
    int64_t base = whence == SEEK_SET   ? 0
                   : whence == SEEK_CUR ? static_cast<int64_t>(fp->offset)
                                        : -1;
    if (base < 0) return -EINVAL;
    if (off > INT64_MAX - base || base + off < 0) return -EINVAL;
    fp->offset = static_cast<uint64_t>(base + off);
    return base + off;
  }
  MutexGuard g(v->lock);
  int64_t size = static_cast<int64_t>(v->size);
  int64_t base;
  switch (whence) {
    case SEEK_SET: base = 0; break;
    case SEEK_CUR: base = static_cast<int64_t>(fp->offset); break;
    case SEEK_END: base = size; break;
    case SEEK_DATA:
      if (off < 0) return -EINVAL;
      if (off >= size) return -ENXIO;
      fp->offset = static_cast<uint64_t>(off);
      return off;
    default:  // SEEK_HOLE: the only hole tine reports is the end
      if (off < 0) return -EINVAL;
      if (off >= size) return -ENXIO;
      fp->offset = static_cast<uint64_t>(size);
      return size;
  }
  if ((off > 0 && base > INT64_MAX - off) || base + off < 0) return -EINVAL;
  fp->offset = static_cast<uint64_t>(base + off);
  return base + off;
}

int file_stat(File* fp, linux_stat* st) {
  if (fp->ops->stat) return fp->ops->stat(fp, st);
  vn_stat(fp->vnode, st);
  return 0;
}

int file_ioctl(File* fp, uint64_t cmd, uint64_t arg) {
  if (!(fp->mode & (kFileRead | kFileWrite))) return -EBADF;  // O_PATH
  switch (cmd) {
    case FIONBIO: {
      int on;
      if (copyin_u(arg, &on, sizeof on)) return -EFAULT;
      if (on)
        __atomic_or_fetch(&fp->flags, O_NONBLOCK, __ATOMIC_RELAXED);
      else
        __atomic_and_fetch(&fp->flags, ~O_NONBLOCK, __ATOMIC_RELAXED);
      return 0;
    }
    case FIOASYNC: {
      int on;
      if (copyin_u(arg, &on, sizeof on)) return -EFAULT;
      return 0;  // no SIGIO: accepted, nothing is sent
    }
    default: return fp->ops->ioctl ? fp->ops->ioctl(fp, cmd, arg) : -ENOTTY;
  }
}

int file_poll(File* fp, int events) {
  if (!fp->ops->poll) return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
  return fp->ops->poll(fp, events);
}

int64_t file_getdents(File* fp, uint64_t ubuf, size_t n) {
  Vnode* v = fp->vnode;
  if (!(fp->mode & kFileRead)) return -EBADF;
  if (!v || v->type != VType::kDir || !fp->data || fp->ops != &kVnodeFileOps) return -ENOTDIR;
  constexpr size_t kChunk = 16384;
  size_t cap = n < kChunk ? n : kChunk;
  auto* buf = static_cast<uint8_t*>(kmalloc(cap ? cap : 1, M_TEMP, M_WAITOK));
  if (!buf) return -ENOMEM;
  auto* d = static_cast<DirFile*>(fp->data);
  MutexGuard g(d->pos_lock);
  DirentBuf b{buf, cap, 0, fp->offset, false};
  int err = vfs_readdir(v, fp->offset, emit_dirent, &b);
  int64_t r;
  if (err) {
    r = err;
  } else if (b.used == 0 && b.full) {
    r = -EINVAL;  // not even one entry fits
  } else if (b.used && copyout_u(buf, ubuf, b.used)) {
    r = -EFAULT;
  } else {
    fp->offset = b.last_cookie;
    r = static_cast<int64_t>(b.used);
  }
  kfree(buf, M_TEMP);
  return r;
}
