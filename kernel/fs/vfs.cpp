#include "kernel/fs/vfs.h"

#include "kernel/fs/file.h"
#include "kernel/fs/namei.h"
#include "kernel/fs/pipe.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/uapi/error_numbers.h"

namespace {

struct NsShared {
  NsShared() { lockmgr(&g_namespace_lock, LK_SHARED); }
  ~NsShared() { lockmgr(&g_namespace_lock, LK_RELEASE); }
};
struct NsExclusive {
  NsExclusive() { lockmgr(&g_namespace_lock, LK_EXCLUSIVE); }
  ~NsExclusive() { lockmgr(&g_namespace_lock, LK_RELEASE); }
};

// Drops what a lookup holds when it goes out of scope.
struct LookupGuard {
  Lookup& l;
  ~LookupGuard() { lookup_done(&l); }
};

bool is_fs_root(const Vnode* v) { return v->mount && v->mount->root == v; }

// May cr change dir (make or remove entries in it)?
int may_change(Vnode* dir, const FsCred& cr) {
  if (dir->type != VType::kDir) return -ENOTDIR;
  return vn_access(dir, W_OK | X_OK, cr);
}

// The sticky bit: in such a directory only the owner of an entry, the owner
// of the directory or root may remove or rename it.
int sticky_ok(Vnode* dir, Vnode* victim, const FsCred& cr) {
  if (!(dir->mode & S_ISVTX) || cr.root()) return 0;
  if (victim->uid == cr.uid || dir->uid == cr.uid) return 0;
  return -EPERM;
}

// The group a new node gets: its directory's when that has S_ISGID.
uint32_t new_gid(Vnode* dir, const FsCred& cr) { return (dir->mode & S_ISGID) ? dir->gid : cr.gid; }

// The permission bits of a new file (not a directory) asked for with `mode`
// (umask applied): Linux's mode_strip_sgid. A group-executable set-group-ID
// file that would take the group of a set-group-ID directory the maker is
// not in (and is not root) loses S_ISGID.
uint32_t new_file_mode(Vnode* dir, uint32_t mode, const FsCred& cr) {
  if ((mode & (S_ISGID | 010)) != (S_ISGID | 010) || !(dir->mode & S_ISGID) || cr.root())
    return mode;
  return fscred_in_group(cr, dir->gid) ? mode : mode & ~S_ISGID;
}

// A name that a synthetic file system (/proc) does not have cannot be made
// there: as Linux's, its lookup of the name already fails.
bool makes_no_names(const Vnode* dir) { return dir->mount && dir->mount->synthetic; }

int make(Lookup& l, const NewNode& nn, const FsCred& cr, Vnode** out) {
  if (makes_no_names(l.dvp)) return -ENOENT;
  if (int e = may_change(l.dvp, cr); e) return e;
  if (!l.dvp->ops->create) return -EPERM;
  if (nn.type == VType::kDir && l.dvp->nlink >= kLinkMax) return -EMLINK;
  return l.dvp->ops->create(l.dvp, l.last, l.last_len, nn, cr, out);
}

// make() for callers that do not keep the new node.
int make_unheld(Lookup& l, const NewNode& nn, const FsCred& cr) {
  Vnode* v;
  if (int e = make(l, nn, cr, &v); e) return e;
  vrele(v);
  return 0;
}

// namei_locked for a name about to be made: it must not exist yet, and only a
// directory may be named with a trailing slash.
int lookup_new(Lookup& l, bool dir) {
  if (int e = namei_locked(&l); e) return e;
  if (l.vp || l.last_len == 0) return -EEXIST;
  if (l.trailing_slash && !dir) return -ENOENT;
  return 0;
}

// Is v a (or the) ancestor of d, within one file system?
bool is_ancestor(Vnode* v, Vnode* d) {
  Vnode* cur = vref(d);
  for (;;) {
    if (cur == v) {
      vrele(cur);
      return true;
    }
    Vnode* up = cur->ops->parent ? cur->ops->parent(cur) : nullptr;
    vrele(cur);
    if (!up) return false;
    cur = up;
  }
}

}  // namespace

int vfs_lookup(Vnode* start, const char* path, bool follow, const FsCred& cr, Vnode** out) {
  NsShared ns;
  Lookup l = lookup_make(start, path, follow ? kLookupFollow : 0, cr);
  LookupGuard g{l};
  if (int e = namei_locked(&l); e) return e;
  *out = l.vp;
  l.vp = nullptr;
  return 0;
}

int vfs_open(Vnode* start, const char* path, uint32_t flags, uint32_t mode, uint32_t umask,
             const FsCred& cr, Vnode** out, File** reopened) {
  *out = nullptr;
  uint32_t acc = flags & O_ACCMODE;
  if ((flags & O_TMPFILE) == O_TMPFILE) return -EOPNOTSUPP;
  bool opath = (flags & O_PATH) != 0;
  if (opath) flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
  bool creat = (flags & O_CREAT) != 0;
  bool excl = creat && (flags & O_EXCL);
  bool follow = !(flags & O_NOFOLLOW) && !excl;
  Vnode* vp = nullptr;
  File* named = nullptr;  // a vnode-less File a magic link named (reopened)
  unsigned want_file = reopened && !opath ? kLookupWantFile : 0;
  bool created = false;
  if (creat) {
    NsExclusive ns;
    Lookup l =
        lookup_make(start, path, kLookupParent | (follow ? kLookupFollow : 0) | want_file, cr);
    LookupGuard g{l};
    if (int e = namei_locked(&l); e) return e;
    named = l.file;
    l.file = nullptr;
    if (named) {
      // Opened again below, with the namespace lock let go.
    } else if (l.last_len == 0 || l.last_is_dot) {
      return -EISDIR;  // "/", "." and ".." are there
    } else if (!l.vp) {
      if (l.trailing_slash) return -EISDIR;
      if (acc == O_ACCMODE) return -EINVAL;  // before anything is made
      NewNode nn{VType::kReg, new_file_mode(l.dvp, mode & ~umask & 07777, cr),
                 cr.uid,      new_gid(l.dvp, cr),
                 0,           0,
                 nullptr,     0};
      if (int e = make(l, nn, cr, &vp); e) return e;
      created = true;
    } else {
      if (excl) return -EEXIST;
      vp = l.vp;
      l.vp = nullptr;
      if (vp->type == VType::kDir) {
        vrele(vp);
        return -EISDIR;
      }
    }
  } else {
    NsShared ns;
    Lookup l = lookup_make(start, path, (follow ? kLookupFollow : 0) | want_file, cr);
    LookupGuard g{l};
    if (int e = namei_locked(&l); e) return e;
    named = l.file;
    l.file = nullptr;
    vp = l.vp;
    l.vp = nullptr;
  }
  if (named) {
    int err = (flags & O_DIRECTORY) ? -ENOTDIR
              : file_is_pipe(named) ? pipe_reopen(named, flags, cr, reopened)
                                    : -ENXIO;
    fdrop(named);
    return err;
  }
  int err = 0;
  if (vp->type == VType::kLnk && !opath) {
    err = -ELOOP;  // O_NOFOLLOW on a symbolic link
  } else if ((flags & O_DIRECTORY) && vp->type != VType::kDir) {
    err = -ENOTDIR;
  } else if (opath) {
    err = 0;
  } else if (vp->type == VType::kDir && (acc != O_RDONLY || (flags & O_TRUNC))) {
    err = -EISDIR;
  } else if (vp->type == VType::kSock) {
    err = -ENXIO;
  } else if (acc == O_ACCMODE) {
    err = -EINVAL;
  } else if (!created) {
    int want = acc == O_RDONLY ? R_OK : acc == O_WRONLY ? W_OK : R_OK | W_OK;
    if (flags & O_TRUNC) want |= W_OK;
    err = vn_access(vp, want, cr);
  }
  if (!err && !opath && (flags & O_TRUNC) && vp->type == VType::kReg && !created)
    err = vfs_truncate(vp, 0, cr);
  if (err) {
    vrele(vp);
    return err;
  }
  *out = vp;
  return 0;
}

int vfs_mkdir(Vnode* start, const char* path, uint32_t mode, uint32_t umask, const FsCred& cr) {
  NsExclusive ns;
  Lookup l = lookup_make(start, path, kLookupParent, cr);
  LookupGuard g{l};
  if (int e = lookup_new(l, true); e) return e;
  uint32_t perm = mode & ~umask & (0777 | S_ISVTX);
  uint32_t gid = new_gid(l.dvp, cr);
  if (l.dvp->mode & S_ISGID) perm |= S_ISGID;
  NewNode nn{VType::kDir, perm, cr.uid, gid, 0, 0, nullptr, 0};
  return make_unheld(l, nn, cr);
}

int vfs_mknod(Vnode* start, const char* path, uint32_t mode, uint32_t major, uint32_t minor,
              uint32_t umask, const FsCred& cr) {
  VType type;
  switch (mode & S_IFMT) {
    case 0:
    case S_IFREG: type = VType::kReg; break;
    case S_IFCHR: type = VType::kChr; break;
    case S_IFIFO:
      type = VType::kFifo;  // anyone may make one; dev is not used
      major = minor = 0;
      break;
    case S_IFSOCK:
      type = VType::kSock;  // anyone may make one; nothing listens on it
      major = minor = 0;
      break;
    case S_IFBLK: return -EPERM;  // no block devices
    default: return -EINVAL;
  }
  if (type == VType::kChr && !cr.root()) return -EPERM;
  NsExclusive ns;
  Lookup l = lookup_make(start, path, kLookupParent, cr);
  LookupGuard g{l};
  if (int e = lookup_new(l, false); e) return e;
  NewNode nn{type,    new_file_mode(l.dvp, mode & ~umask & 07777, cr),
             cr.uid,  new_gid(l.dvp, cr),
             major,   minor,
             nullptr, 0};
  return make_unheld(l, nn, cr);
}

int vfs_mksock(Vnode* start, const char* path, uint32_t umask, const FsCred& cr, Vnode** out) {
  NsExclusive ns;
  Lookup l = lookup_make(start, path, kLookupParent, cr);
  LookupGuard g{l};
  if (int e = lookup_new(l, false); e) return e;
  NewNode nn{VType::kSock,
             new_file_mode(l.dvp, 0777 & ~umask, cr),
             cr.uid,
             new_gid(l.dvp, cr),
             0,
             0,
             nullptr,
             0};
  return make(l, nn, cr, out);
}

int vfs_symlink(const char* target, Vnode* start, const char* path, const FsCred& cr) {
  size_t tlen = tine_strlen(target);
  if (tlen == 0) return -ENOENT;
  NsExclusive ns;
  Lookup l = lookup_make(start, path, kLookupParent, cr);
  LookupGuard g{l};
  if (int e = lookup_new(l, false); e) return e;
  NewNode nn{VType::kLnk, 0777, cr.uid, new_gid(l.dvp, cr), 0, 0, target, tlen};
  return make_unheld(l, nn, cr);
}

namespace {

// A new name `to` for v (the namespace lock held exclusive).
int link_locked(Vnode* v, Vnode* to_start, const char* to, const FsCred& cr) {
  if (v->type == VType::kDir) return -EPERM;
  Lookup b = lookup_make(to_start, to, kLookupParent, cr);
  LookupGuard gb{b};
  if (int e = namei_locked(&b); e) return e;
  if (b.vp || b.last_len == 0) return -EEXIST;
  if (b.trailing_slash || makes_no_names(b.dvp)) return -ENOENT;
  if (b.dvp->mount != v->mount) return -EXDEV;
  if (int e = may_change(b.dvp, cr); e) return e;
  if (!b.dvp->ops->link) return -EPERM;
  if (v->nlink >= kLinkMax) return -EMLINK;
  if (v->nlink == 0) return -ENOENT;  // removed (an open file's node)
  return b.dvp->ops->link(b.dvp, b.last, b.last_len, v, cr);
}

}  // namespace

int vfs_link(Vnode* from_start, const char* from, Vnode* to_start, const char* to, bool follow,
             const FsCred& cr) {
  NsExclusive ns;
  Lookup a = lookup_make(from_start, from, follow ? kLookupFollow : 0, cr);
  LookupGuard ga{a};
  if (int e = namei_locked(&a); e) return e;
  return link_locked(a.vp, to_start, to, cr);
}

int vfs_link_node(Vnode* v, Vnode* to_start, const char* to, const FsCred& cr) {
  NsExclusive ns;
  return link_locked(v, to_start, to, cr);
}

int vfs_unlink(Vnode* start, const char* path, bool dir, const FsCred& cr) {
  NsExclusive ns;
  Lookup l = lookup_make(start, path, kLookupParent, cr);
  LookupGuard g{l};
  if (int e = namei_locked(&l); e) return e;
  if (l.last_len == 0) return dir ? -EBUSY : -EISDIR;
  if (l.last_is_dot) {
    if (!dir) return -EISDIR;
    return l.last_len == 1 ? -EINVAL : -ENOTEMPTY;
  }
  if (!l.vp) return -ENOENT;
  Vnode* v = l.vp;
  if (int e = may_change(l.dvp, cr); e) return e;
  if (dir && v->type != VType::kDir) return -ENOTDIR;
  if (!dir && v->type == VType::kDir) return -EISDIR;
  if (!dir && l.trailing_slash) return -ENOTDIR;  // "name/" names a directory or nothing
  if (int e = sticky_ok(l.dvp, v, cr); e) return e;
  if (is_fs_root(v)) return -EBUSY;  // a mount point
  if (dir && v->ops->empty && !v->ops->empty(v)) return -ENOTEMPTY;
  if (!l.dvp->ops->remove) return -EPERM;
  return l.dvp->ops->remove(l.dvp, l.last, l.last_len, v);
}

int vfs_rename(Vnode* from_start, const char* from, Vnode* to_start, const char* to, uint32_t flags,
               const FsCred& cr) {
  if (flags & ~(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT)) return -EINVAL;
  if (flags & RENAME_WHITEOUT) return -EINVAL;
  if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE)) return -EINVAL;
  bool exchange = (flags & RENAME_EXCHANGE) != 0;
  NsExclusive ns;
  Lookup a = lookup_make(from_start, from, kLookupParent, cr);
  LookupGuard ga{a};
  if (int e = namei_locked(&a); e) return e;
  Lookup b = lookup_make(to_start, to, kLookupParent, cr);
  LookupGuard gb{b};
  if (int e = namei_locked(&b); e) return e;
  if (a.last_len == 0 || a.last_is_dot || b.last_len == 0 || b.last_is_dot) return -EBUSY;
  if (!a.vp) return -ENOENT;
  Vnode* fv = a.vp;
  Vnode* tv = b.vp;
  if (a.dvp->mount != b.dvp->mount) return -EXDEV;
  if (is_fs_root(fv) || (tv && is_fs_root(tv))) return -EBUSY;
  if ((a.trailing_slash || b.trailing_slash) && fv->type != VType::kDir) return -ENOTDIR;
  if (exchange && !tv) return -ENOENT;
  if ((flags & RENAME_NOREPLACE) && tv) return -EEXIST;
  if (int e = may_change(a.dvp, cr); e) return e;
  if (int e = may_change(b.dvp, cr); e) return e;
  if (tv == fv) return 0;  // two names of one node: nothing to do
  if (int e = sticky_ok(a.dvp, fv, cr); e) return e;
  if (tv)
    if (int e = sticky_ok(b.dvp, tv, cr); e) return e;
  if (tv && !exchange) {
    if (fv->type == VType::kDir && tv->type != VType::kDir) return -ENOTDIR;
    if (fv->type != VType::kDir && tv->type == VType::kDir) return -EISDIR;
    if (tv->type == VType::kDir && tv->ops->empty && !tv->ops->empty(tv)) return -ENOTEMPTY;
  }
  // A directory cannot move below itself, and moving one to another parent
  // rewrites its "..": that needs write access to it.
  if (a.dvp != b.dvp) {
    if (fv->type == VType::kDir) {
      if (is_ancestor(fv, b.dvp)) return -EINVAL;
      if (int e = vn_access(fv, W_OK, cr); e) return e;
    }
    if (exchange && tv->type == VType::kDir) {
      if (is_ancestor(tv, a.dvp)) return -EINVAL;
      if (int e = vn_access(tv, W_OK, cr); e) return e;
    }
  }
  if (fv->type == VType::kDir && (!tv || exchange) && a.dvp != b.dvp && b.dvp->nlink >= kLinkMax)
    return -EMLINK;
  if (!a.dvp->ops->rename) return -EPERM;
  return a.dvp->ops->rename(a.dvp, a.last, a.last_len, b.dvp, b.last, b.last_len, exchange, cr);
}

int vfs_readlink(Vnode* start, const char* path, char* buf, size_t n, const FsCred& cr) {
  NsShared ns;
  Lookup l = lookup_make(start, path, 0, cr);
  LookupGuard g{l};
  if (int e = namei_locked(&l); e) return e;
  if (l.vp->type != VType::kLnk || !l.vp->ops->readlink) return -EINVAL;
  return l.vp->ops->readlink(l.vp, buf, n);
}

int vfs_chmod(Vnode* v, uint32_t mode, const FsCred& cr) {
  NsExclusive ns;
  if (!cr.root() && cr.uid != v->uid) return -EPERM;
  if (v->mount && v->mount->synthetic) return -EPERM;
  MutexGuard g(v->lock);
  uint32_t perm = mode & kModePerm;
  if (!cr.root() && !fscred_in_group(cr, v->gid)) perm &= ~S_ISGID;
  __atomic_store_n(&v->mode, (v->mode & S_IFMT) | perm, __ATOMIC_RELAXED);
  v->ctime = fs_now();
  return 0;
}

int vfs_chown(Vnode* v, uint32_t uid, uint32_t gid, const FsCred& cr) {
  NsExclusive ns;
  if (v->mount && v->mount->synthetic) return -EPERM;
  bool new_uid = uid != ~0u && uid != v->uid;
  bool new_gid = gid != ~0u && gid != v->gid;
  if (!cr.root()) {
    if (new_uid || cr.uid != v->uid) return -EPERM;
    if (new_gid && !fscred_in_group(cr, gid)) return -EPERM;
  }
  MutexGuard g(v->lock);
  if (uid != ~0u) __atomic_store_n(&v->uid, uid, __ATOMIC_RELAXED);
  if (gid != ~0u) __atomic_store_n(&v->gid, gid, __ATOMIC_RELAXED);
  if (v->type != VType::kDir && (uid != ~0u || gid != ~0u)) {
    // As Linux: a change of owner drops set-user-ID, and set-group-ID where it means that.
    uint32_t m = v->mode & ~S_ISUID;
    if (m & 010) m &= ~S_ISGID;
    __atomic_store_n(&v->mode, m, __ATOMIC_RELAXED);
  }
  v->ctime = fs_now();
  return 0;
}

int vfs_utimes(Vnode* v, const timespec64* times, const FsCred& cr) {
  bool both_now = !times || (times[0].tv_nsec == kUtimeNow && times[1].tv_nsec == kUtimeNow);
  if (times)
    for (int i = 0; i < 2; ++i) {
      int64_t ns = times[i].tv_nsec;
      if (ns != kUtimeNow && ns != kUtimeOmit && (ns < 0 || ns >= 1000000000)) return -EINVAL;
    }
  if (times && times[0].tv_nsec == kUtimeOmit && times[1].tv_nsec == kUtimeOmit) return 0;
  NsShared ns;
  if (v->mount && v->mount->synthetic) return -EPERM;
  if (!cr.root() && cr.uid != v->uid) {
    if (!both_now) return -EPERM;
    if (vn_access(v, W_OK, cr) != 0) return -EACCES;
  }
  MutexGuard g(v->lock);
  timespec64 now = fs_now();
  for (int i = 0; i < 2; ++i) {
    timespec64 t = now;
    if (times && times[i].tv_nsec == kUtimeOmit) continue;
    if (times && times[i].tv_nsec != kUtimeNow) t = times[i];
    (i == 0 ? v->atime : v->mtime) = t;
  }
  v->ctime = now;
  return 0;
}

namespace {
// The set-id bits a write by cr takes away from v (Linux's should_remove_suid).
uint32_t setid_to_drop(const Vnode* v, const FsCred& cr) {
  uint32_t mode = __atomic_load_n(&v->mode, __ATOMIC_RELAXED);
  if (cr.root() || v->type != VType::kReg) return 0;
  uint32_t drop = mode & S_ISUID;
  if ((mode & (S_ISGID | 010)) == (S_ISGID | 010)) drop |= S_ISGID;
  return drop;
}
}  // namespace

void vfs_drop_setid(Vnode* v, const FsCred& cr) {
  if (!setid_to_drop(v, cr)) return;  // the usual case: no lock
  NsExclusive ns;
  MutexGuard g(v->lock);
  uint32_t drop = setid_to_drop(v, cr);
  if (!drop) return;
  __atomic_store_n(&v->mode, v->mode & ~drop, __ATOMIC_RELAXED);
  v->ctime = fs_now();
}

int vfs_truncate(Vnode* v, uint64_t size, const FsCred& cr, uint64_t size_limit) {
  if (v->type == VType::kDir) return -EISDIR;
  if (v->type != VType::kReg) return -EINVAL;
  if (!v->ops->truncate) return -EPERM;
  if (size > static_cast<uint64_t>(INT64_MAX)) return -EINVAL;
  // Refused before the set-id bits go (Linux's order), and again under the
  // lock, where the size cannot change.
  if (size > size_limit && size > __atomic_load_n(&v->size, __ATOMIC_RELAXED)) return -EFBIG;
  vfs_drop_setid(v, cr);
  MutexGuard g(v->lock);
  if (size > size_limit && size > v->size) return -EFBIG;
  return v->ops->truncate(v, size, cr);
}

int vfs_readdir(Vnode* dir, uint64_t cookie, DirEmit emit, void* ctx) {
  if (dir->type != VType::kDir) return -ENOTDIR;
  NsShared ns;
  if (dir->nlink == 0) return -ENOENT;  // removed
  if (!dir->ops->readdir) return -ENOTDIR;
  return dir->ops->readdir(dir, cookie, emit, ctx);
}

namespace {

// Builds the path of v (a directory) backwards from buf[*pos], up to root
// (a process's, chroot's) or the tree's root; *outside (if given) says
// whether root was not met on the way. The namespace lock is held.
int path_up(Vnode* v, Vnode* root, char* buf, size_t* pos, bool* outside = nullptr) {
  Vnode* top = vfs_root();
  Vnode* cur = vref(v);
  char name[kNameMax + 1];
  int err = 0;
  for (;;) {
    while (!vnode_same(cur, root) && cur != top && is_fs_root(cur) && cur->mount->covered) {
      Vnode* c = vref(cur->mount->covered);
      vrele(cur);
      cur = c;
    }
    if (vnode_same(cur, root) || cur == top) break;
    Vnode* up = cur->ops->parent ? cur->ops->parent(cur) : nullptr;
    if (!up) break;
    int len = up->ops->name_in ? up->ops->name_in(up, cur, name, sizeof name) : -ENOENT;
    vrele(cur);
    cur = up;
    if (len < 0) {
      err = len;
      break;
    }
    if (*pos < static_cast<size_t>(len) + 1) {
      err = -ERANGE;
      break;
    }
    *pos -= static_cast<size_t>(len);
    tine_memcpy(buf + *pos, name, static_cast<size_t>(len));
    buf[--*pos] = '/';
  }
  if (outside) *outside = !vnode_same(cur, root);
  vrele(cur);
  return err;
}

// The path of directory dir from root into buf, the namespace lock held: its
// length without the NUL, -ERANGE or -ENOENT (dir was removed). A directory
// root cannot reach (outside a chroot) is "(unreachable)" and its path from
// the tree's root, as Linux gives it.
int dir_path_locked(Vnode* dir, Vnode* root, char* buf, size_t n) {
  if (n == 0) return -ERANGE;
  if (dir->type == VType::kDir && dir->nlink == 0) return -ENOENT;
  size_t pos = n;
  buf[--pos] = 0;
  bool outside = false;
  if (int e = path_up(dir, root, buf, &pos, &outside); e) return e;
  if (pos == n - 1) {
    if (pos == 0) return -ERANGE;
    buf[--pos] = '/';
  }
  if (outside) {
    static constexpr char kUnreachable[] = "(unreachable)";
    constexpr size_t kLen = sizeof kUnreachable - 1;
    if (pos < kLen) return -ERANGE;
    pos -= kLen;
    tine_memcpy(buf + pos, kUnreachable, kLen);
  }
  size_t len = n - pos;
  tine_memmove(buf, buf + pos, len);
  return static_cast<int>(len - 1);
}

// The path of dir/name, the namespace lock held: its length without the NUL.
int path_of_locked(Vnode* dir, const char* name, size_t nlen, char* buf, size_t n) {
  if (n < nlen + 2) return -ERANGE;
  size_t pos = n;
  buf[--pos] = 0;
  pos -= nlen;
  tine_memcpy(buf + pos, name, nlen);
  buf[--pos] = '/';
  if (int e = path_up(dir, vfs_root(), buf, &pos); e) return e;
  size_t len = n - pos;
  tine_memmove(buf, buf + pos, len);
  return static_cast<int>(len - 1);
}

// The search for a name of a node that is not a directory (nothing points
// from such a node to the directories naming it): depth first from its file
// system's root, each directory read whole for an entry with the node's
// inode number (unique in a file system) before its subdirectories are
// visited; file systems mounted on the way are not entered. Bounded so that
// a reader cannot make it walk without end, nor hold the namespace lock for
// long: at most kSearchDepth levels, kSearchDirs directories, and
// kSearchWork entries passed over, where resuming a directory's listing or
// looking a name up in it counts as passing over all its entries (what a
// RAM file system's list costs).
constexpr int kSearchDepth = 32;
constexpr unsigned kSearchDirs = 4096;
constexpr uint64_t kSearchWork = 1000000;

struct Scan {
  uint64_t ino;     // the node's
  bool first_pass;  // read the whole directory, looking for ino; else stop at the next subdirectory
  uint64_t seen;    // entries the pass was given
  bool found;       // first pass: ino's entry; else: a subdirectory
  uint64_t cookie;  // the subdirectory's
  size_t len;
  char name[kNameMax + 1];
};

bool scan_emit(void* ctx, uint64_t ino, uint64_t cookie, uint8_t dtype, const char* name,
               size_t len) {
  auto* s = static_cast<Scan*>(ctx);
  ++s->seen;
  if (len > kNameMax || (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.')))) return true;
  if (s->first_pass ? (dtype == DT_DIR || ino != s->ino) : dtype != DT_DIR) return true;
  tine_memcpy(s->name, name, len);
  s->name[len] = 0;
  s->len = len;
  s->cookie = cookie;
  s->found = true;
  return false;
}

// A directory naming v (held) and the name, or -ENOENT.
int find_entry_locked(Vnode* v, Vnode** dir_out, char* name, size_t* len) {
  struct Frame {
    Vnode* dir;
    uint64_t cookie;   // readdir's: the subdirectories after it are still to visit
    uint64_t entries;  // how many it has (counted by the first pass)
  };
  Frame st[kSearchDepth];
  int depth = 0;
  unsigned dirs = 0;
  uint64_t work = 0;
  int err = -ENOENT;
  auto* s = static_cast<Scan*>(kmalloc(sizeof(Scan), M_TEMP, M_WAITOK));
  if (!s) return -ENOMEM;
  s->ino = v->ino;
  Vnode* next = vref(v->mount->root);
  for (;;) {
    if (next) {
      // A directory not yet seen: read it whole.
      Frame f{next, 2, 0};  // cookies 1 and 2 are "." and ".."
      next = nullptr;
      ++dirs;
      s->first_pass = true;
      s->seen = 0;
      s->found = false;
      if (f.dir->ops->readdir) (void)f.dir->ops->readdir(f.dir, 2, scan_emit, s);
      f.entries = s->seen;
      work += f.entries;
      if (s->found) {
        *dir_out = f.dir;
        *len = s->len;
        tine_memcpy(name, s->name, s->len + 1);
        err = 0;
        break;
      }
      st[depth++] = f;
    }
    if (depth == 0) break;
    Frame& f = st[depth - 1];
    s->first_pass = false;
    s->seen = 0;
    s->found = false;
    if (depth < kSearchDepth && dirs < kSearchDirs && work + 2 * f.entries <= kSearchWork &&
        f.dir->ops->readdir && f.dir->ops->lookup) {
      work += f.entries;
      (void)f.dir->ops->readdir(f.dir, f.cookie, scan_emit, s);
    }
    if (!s->found) {
      vrele(f.dir);
      --depth;
      continue;
    }
    f.cookie = s->cookie;
    work += f.entries;
    Vnode* child = nullptr;
    if (f.dir->ops->lookup(f.dir, s->name, s->len, &child) != 0) continue;
    if (child->type != VType::kDir || child->mounted_here || child->mount != v->mount) {
      vrele(child);
      continue;
    }
    next = child;
  }
  while (depth > 0) vrele(st[--depth].dir);
  kfree(s, M_TEMP);
  return err;
}

}  // namespace

int vfs_getcwd(Vnode* cwd, Vnode* root, char* buf, size_t n) {
  NsShared ns;
  int len = dir_path_locked(cwd, root, buf, n);
  return len < 0 ? len : len + 1;
}

int vfs_path_of(Vnode* dir, const char* name, char* buf, size_t n) {
  NsShared ns;
  return path_of_locked(dir, name, tine_strlen(name), buf, n);
}

int vfs_name_locked(Vnode* v, char* buf, size_t n) {
  if (v->type == VType::kDir) return dir_path_locked(v, vfs_root(), buf, n);
  if (v->nlink == 0 || !v->mount || v->mount->synthetic) return -ENOENT;
  Vnode* dir;
  char name[kNameMax + 1];
  size_t len;
  if (int e = find_entry_locked(v, &dir, name, &len); e) return e;
  int r = path_of_locked(dir, name, len, buf, n);
  vrele(dir);
  return r;
}
