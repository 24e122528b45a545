#include "kernel/fs/vnode.h"

#include "kernel/fs/uio.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/time/realtime.h"
#include "kernel/uapi/error_numbers.h"

struct lock g_namespace_lock;

timespec64 fs_now() {
  uint64_t ns = realtime_ns();
  return {static_cast<int64_t>(ns / 1000000000u), static_cast<int64_t>(ns % 1000000000u)};
}

Mount* mount_new(MallocType* mt, uint32_t dev_minor, int64_t magic, const char* type) {
  auto* mp = static_cast<Mount*>(kmalloc(sizeof(Mount), mt, M_WAITOK | M_ZERO));
  if (!mp) return nullptr;
  mp->dev_minor = dev_minor;
  mp->magic = magic;
  mp->type = type;
  return mp;
}

void vnode_init(Vnode* v, Mount* mp, VType type, uint32_t mode, const VnodeOps* ops) {
  v->refs = 1;
  v->type = type;
  v->mode = vtype_mode(type) | (mode & kModePerm);
  v->nlink = 1;
  v->mount = mp;
  v->ops = ops;
  v->ino = mp ? __atomic_add_fetch(&mp->next_ino, 1, __ATOMIC_RELAXED) : 0;
  v->atime = v->mtime = v->ctime = fs_now();
}

void vnode_last_release(Vnode* v) {
  // Iterative: a directory's destruction drops its parent, which may go too.
  for (;;) {
    Vnode* up = v->ops->destroy(v);
    if (!up || __atomic_sub_fetch(&up->refs, 1, __ATOMIC_ACQ_REL) != 0) return;
    v = up;
  }
}

uint8_t vtype_dtype(VType t) {
  switch (t) {
    case VType::kReg: return DT_REG;
    case VType::kDir: return DT_DIR;
    case VType::kLnk: return DT_LNK;
    case VType::kChr: return DT_CHR;
    case VType::kFifo: return DT_FIFO;
    case VType::kSock: return DT_SOCK;
    default: return DT_UNKNOWN;
  }
}

uint32_t vtype_mode(VType t) {
  switch (t) {
    case VType::kReg: return S_IFREG;
    case VType::kDir: return S_IFDIR;
    case VType::kLnk: return S_IFLNK;
    case VType::kChr: return S_IFCHR;
    case VType::kFifo: return S_IFIFO;
    case VType::kSock: return S_IFSOCK;
    default: return 0;
  }
}

int vn_access(const Vnode* v, int want, const FsCred& cr) {
  uint32_t mode = __atomic_load_n(&v->mode, __ATOMIC_RELAXED);
  if (cr.root()) {
    // Root reads and writes anything; it executes what some execute bit
    // allows, and searches any directory.
    if ((want & X_OK) && v->type != VType::kDir && !(mode & 0111)) return -EACCES;
    return 0;
  }
  uint32_t bits;
  if (cr.uid == __atomic_load_n(&v->uid, __ATOMIC_RELAXED))
    bits = mode >> 6;
  else if (fscred_in_group(cr, __atomic_load_n(&v->gid, __ATOMIC_RELAXED)))
    bits = mode >> 3;
  else
    bits = mode;
  bits &= 7;
  return (static_cast<uint32_t>(want) & ~bits) ? -EACCES : 0;
}

void vn_stat(Vnode* v, linux_stat* st) {
  *st = {};
  MutexGuard g(v->lock);
  st->st_dev = linux_encode_dev(0, v->mount ? v->mount->dev_minor : 0);
  st->st_ino = v->ino;
  st->st_mode = v->mode;
  st->st_nlink = v->nlink;
  st->st_uid = v->uid;
  st->st_gid = v->gid;
  if (v->type == VType::kChr) st->st_rdev = linux_encode_dev(v->rdev_major, v->rdev_minor);
  st->st_size = static_cast<int64_t>(v->size);
  st->st_blksize = 4096;
  st->st_blocks = v->ops->blocks ? static_cast<int64_t>(v->ops->blocks(v)) : 0;
  st->st_atime_sec = v->atime.tv_sec;
  st->st_atime_nsec = static_cast<uint64_t>(v->atime.tv_nsec);
  st->st_mtime_sec = v->mtime.tv_sec;
  st->st_mtime_nsec = static_cast<uint64_t>(v->mtime.tv_nsec);
  st->st_ctime_sec = v->ctime.tv_sec;
  st->st_ctime_nsec = static_cast<uint64_t>(v->ctime.tv_nsec);
}

void vn_statx(Vnode* v, linux_statx* sx) {
  linux_stat st;
  vn_stat(v, &st);
  *sx = {};
  sx->stx_mask = STATX_BASIC_STATS;
  sx->stx_blksize = static_cast<uint32_t>(st.st_blksize);
  sx->stx_nlink = st.st_nlink;
  sx->stx_uid = st.st_uid;
  sx->stx_gid = st.st_gid;
  sx->stx_mode = static_cast<uint16_t>(st.st_mode);
  sx->stx_ino = st.st_ino;
  sx->stx_size = static_cast<uint64_t>(st.st_size);
  sx->stx_blocks = static_cast<uint64_t>(st.st_blocks);
  sx->stx_atime = {st.st_atime_sec, static_cast<uint32_t>(st.st_atime_nsec), 0};
  sx->stx_mtime = {st.st_mtime_sec, static_cast<uint32_t>(st.st_mtime_nsec), 0};
  sx->stx_ctime = {st.st_ctime_sec, static_cast<uint32_t>(st.st_ctime_nsec), 0};
  if (v->type == VType::kChr) {
    sx->stx_rdev_major = v->rdev_major;
    sx->stx_rdev_minor = v->rdev_minor;
  }
  sx->stx_dev_major = 0;
  sx->stx_dev_minor = v->mount ? v->mount->dev_minor : 0;
}

int64_t vn_read_kernel(Vnode* v, uint64_t off, void* buf, size_t n) {
  if (!v->ops->read) return -EINVAL;
  IoVec iov{reinterpret_cast<uint64_t>(buf), n};
  Uio uio = uio_make(&iov, 1, false, UioDir::kRead);
  MutexGuard g(v->lock);
  int64_t err = v->ops->read(v, off, &uio);
  return uio.done ? static_cast<int64_t>(uio.done) : err;
}

int64_t vn_write_kernel(Vnode* v, uint64_t off, const void* buf, size_t n, const FsCred& cr) {
  if (!v->ops->write) return -EINVAL;
  IoVec iov{reinterpret_cast<uint64_t>(buf), n};
  Uio uio = uio_make(&iov, 1, false, UioDir::kWrite);
  MutexGuard g(v->lock);
  int64_t err = v->ops->write(v, off, &uio, cr);
  return uio.done ? static_cast<int64_t>(uio.done) : err;
}
