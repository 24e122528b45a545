// Unpacking a newc cpio archive into the tree, as root: directories, regular
// files (hard links too: entries sharing an inode number, the data with the
// last of them), symbolic links, character device nodes and FIFOs, with
// their modes, owners and modification times. What is already there is
// replaced (a directory keeps its entries and takes the archive's
// attributes). Sockets and block devices are skipped.
#include "kernel/fs/initramfs.h"

#include "kernel/console/kprintf.h"
#include "kernel/fs/cpio.h"
#include "kernel/fs/linux_abi.h"
#include "kernel/fs/namei.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/vnode.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/uapi/error_numbers.h"

namespace {

constexpr FsCred kRoot{0, 0};

// Hard links seen so far: inode number -> the node.
struct Links {
  struct Item {
    uint32_t ino;
    Vnode* v;
  };
  Item* items = nullptr;
  size_t n = 0, cap = 0;
  Vnode* find(uint32_t ino) const {
    for (size_t i = 0; i < n; ++i)
      if (items[i].ino == ino) return items[i].v;
    return nullptr;
  }
  void add(uint32_t ino, Vnode* v) {
    if (n == cap) {
      size_t c = cap ? cap * 2 : 16;
      auto* m = static_cast<Item*>(kmalloc(c * sizeof(Item), M_TEMP, M_WAITOK));
      if (!m) return;  // the next link becomes a file of its own
      if (items) {
        tine_memcpy(m, items, n * sizeof(Item));
        kfree(items, M_TEMP);
      }
      items = m;
      cap = c;
    }
    items[n++] = {ino, vref(v)};
  }
  ~Links() {
    for (size_t i = 0; i < n; ++i) vrele(items[i].v);
    if (items) kfree(items, M_TEMP);
  }
};

// Makes every missing directory of path (a copy, changed in place meanwhile).
void make_parents(char* path) {
  for (char* p = path + 1; *p; ++p) {
    if (*p != '/') continue;
    *p = 0;
    (void)vfs_mkdir(vfs_root(), path, 0755, 0, kRoot);
    *p = '/';
  }
}

// Removes what is at path unless it is a directory (to put something else there).
void clear(const char* path) { (void)vfs_unlink(vfs_root(), path, false, kRoot); }

void set_attrs(const char* path, const CpioEntry& e) {
  Vnode* v;
  if (vfs_lookup(vfs_root(), path, false, kRoot, &v) != 0) return;
  if (v->type != VType::kLnk) (void)vfs_chmod(v, e.mode & kModePerm, kRoot);
  (void)vfs_chown(v, e.uid, e.gid, kRoot);
  if (v->type != VType::kLnk) {
    timespec64 t[2] = {{static_cast<int64_t>(e.mtime), 0}, {static_cast<int64_t>(e.mtime), 0}};
    (void)vfs_utimes(v, t, kRoot);
  }
  vrele(v);
}

int put_file(const char* path, const CpioEntry& e, Links* links) {
  Vnode* v = nullptr;
  Vnode* first = e.nlink > 1 ? links->find(e.ino) : nullptr;
  if (first) {
    // Another name for the node made by an earlier entry.
    clear(path);
    v = vref(first);
    lockmgr(&g_namespace_lock, LK_EXCLUSIVE);
    Lookup l = lookup_make(vfs_root(), path, kLookupParent, kRoot);
    int err = namei_locked(&l);
    if (!err && (l.vp || l.last_len == 0 || !l.dvp->ops->link)) err = -EEXIST;
    if (!err) err = l.dvp->ops->link(l.dvp, l.last, l.last_len, v, kRoot);
    lookup_done(&l);
    lockmgr(&g_namespace_lock, LK_RELEASE);
    if (err) {
      vrele(v);
      return err;
    }
  } else {
    clear(path);
    int err =
        vfs_open(vfs_root(), path, O_CREAT | O_EXCL | O_WRONLY, e.mode & kModePerm, 0, kRoot, &v);
    if (err) return err;
    if (e.nlink > 1) links->add(e.ino, v);
  }
  int err = 0;
  if (e.size) {
    int64_t n = vn_write_kernel(v, 0, e.data, e.size, kRoot);
    if (n != static_cast<int64_t>(e.size)) err = n < 0 ? static_cast<int>(n) : -ENOSPC;
  }
  vrele(v);
  return err;
}

int put(const char* path, const CpioEntry& e, Links* links) {
  switch (e.mode & kCpioTypeMask) {
    case kCpioDir: {
      int err = vfs_mkdir(vfs_root(), path, e.mode & kModePerm, 0, kRoot);
      return err == -EEXIST ? 0 : err;
    }
    case kCpioRegular: return put_file(path, e, links);
    case kCpioSymlink: {
      clear(path);
      if (e.size == 0 || e.size >= kPathMax) return -EINVAL;
      char* target = static_cast<char*>(kmalloc(e.size + 1, M_TEMP, M_WAITOK));
      if (!target) return -ENOMEM;
      tine_memcpy(target, e.data, e.size);
      target[e.size] = 0;
      int err = vfs_symlink(target, vfs_root(), path, kRoot);
      kfree(target, M_TEMP);
      return err;
    }
    case kCpioCharDev:
      clear(path);
      return vfs_mknod(vfs_root(), path, S_IFCHR | (e.mode & kModePerm), e.rdev_major, e.rdev_minor,
                       0, kRoot);
    case kCpioFifo:
      clear(path);
      return vfs_mknod(vfs_root(), path, S_IFIFO | (e.mode & kModePerm), 0, 0, 0, kRoot);
    default: return -EOPNOTSUPP;
  }
}

}  // namespace

int initramfs_unpack(const void* base, size_t size, const char* what) {
  CpioReader r(base, size);
  CpioEntry e;
  Links links;
  char* path = static_cast<char*>(kmalloc(kPathMax, M_TEMP, M_WAITOK));
  if (!path) return -ENOMEM;
  int files = 0, skipped = 0, failed = 0;
  while (r.next(&e)) {
    const char* n = e.name;
    while (n[0] == '/' || (n[0] == '.' && n[1] == '/')) n += n[0] == '/' ? 1 : 2;
    if (!*n || (n[0] == '.' && !n[1])) continue;  // the root itself
    if (tine_strlen(n) + 2 > kPathMax) {
      ++failed;
      continue;
    }
    path[0] = '/';
    tine_strlcpy(path + 1, n, kPathMax - 1);
    make_parents(path);
    int err = put(path, e, &links);
    if (err == -EOPNOTSUPP) {
      ++skipped;
      continue;
    }
    if (err) {
      if (failed++ < 4) kprintf("initramfs: %s: %s: error %d\n", what, path, -err);
      continue;
    }
    set_attrs(path, e);
    ++files;
  }
  kfree(path, M_TEMP);
  if (r.error()) kprintf("initramfs: %s: not a newc archive past entry %d\n", what, files);
  if (skipped) kprintf("initramfs: %s: %d sockets or block devices skipped\n", what, skipped);
  return r.error() ? -EINVAL : 0;
}
