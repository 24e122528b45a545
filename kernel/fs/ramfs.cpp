#include "kernel/fs/ramfs.h"

#include <new>

#include "kernel/fs/charge.h"
#include "kernel/fs/filepages.h"
#include "kernel/fs/uio.h"
#include "kernel/fs/vnode.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/uapi/error_numbers.h"

MALLOC_DEFINE(M_RAMFS, "ramfs", "RAM file system nodes and entries");

namespace {

constexpr uint64_t kPage = 4096;
constexpr uint64_t kMaxSize = FilePages::kMaxPages * kPage;
constexpr uint64_t kFirstCookie = 3;  // 1 and 2 are "." and ".."
// tmpfs's measures, which programs see in stat: a directory's size is 20
// bytes an entry, "." and ".." included (BOGO_DIRENT_SIZE); a symbolic link
// of up to this many bytes, NUL included, takes no page (SHORT_SYMLINK_LEN).
constexpr uint64_t kDirentSize = 20;
constexpr uint64_t kShortSymlink = 128;
const uint8_t kZeroPage[kPage] = {};

// One name in a directory. It holds a reference to the node it names.
struct RamDirent {
  RamDirent* next;
  Vnode* node;
  uint64_t cookie;  // increasing in the directory: where readdir resumes
  uint32_t charged_uid;
  uint16_t len;
  char name[];
};

struct RamNode : Vnode {
  uint32_t charged_uid;  // its own unit and its data's
  // Directories (namespace lock).
  RamDirent* first;
  RamDirent* last;
  uint64_t next_cookie;
  Vnode* parent;  // held; nullptr for the root
  bool dead;      // removed: nothing may be made in it
  // Regular files (lock).
  FilePages pages;
  // Symbolic links (immutable).
  char* target;
};

RamNode* ram(Vnode* v) { return static_cast<RamNode*>(v); }

extern const VnodeOps kRamOps;

bool same(const RamDirent* e, const char* name, size_t len) {
  return e->len == len && tine_memcmp(e->name, name, len) == 0;
}

RamDirent* find(RamNode* d, const char* name, size_t len, RamDirent** prev = nullptr) {
  RamDirent* p = nullptr;
  for (RamDirent* e = d->first; e; p = e, e = e->next)
    if (same(e, name, len)) {
      if (prev) *prev = p;
      return e;
    }
  return nullptr;
}

// A new entry naming node (taking over a reference the caller holds),
// charged to uid; not yet in any directory.
RamDirent* dirent_new(const char* name, size_t len, Vnode* node, const FsCred& cr) {
  if (!charge_take(Charge::kFsUnits, cr.uid, 1, cr.root())) return nullptr;
  auto* e = static_cast<RamDirent*>(kmalloc(sizeof(RamDirent) + len + 1, M_RAMFS, M_WAITOK));
  if (!e) {
    charge_give(Charge::kFsUnits, cr.uid, 1);
    return nullptr;
  }
  e->next = nullptr;
  e->node = node;
  e->cookie = 0;
  e->charged_uid = cr.uid;
  e->len = static_cast<uint16_t>(len);
  tine_memcpy(e->name, name, len);
  e->name[len] = 0;
  return e;
}

void dirent_free(RamDirent* e) {
  charge_give(Charge::kFsUnits, e->charged_uid, 1);
  kfree(e, M_RAMFS);
}

void dir_size_add(RamNode* d, int64_t entries) {
  MutexGuard g(d->lock);
  d->size = static_cast<uint64_t>(static_cast<int64_t>(d->size) +
                                  entries * static_cast<int64_t>(kDirentSize));
}

void append(RamNode* d, RamDirent* e) {
  dir_size_add(d, 1);
  e->cookie = d->next_cookie++;
  e->next = nullptr;
  if (d->last)
    d->last->next = e;
  else
    d->first = e;
  d->last = e;
}

void unlink_entry(RamNode* d, RamDirent* e, RamDirent* prev) {
  dir_size_add(d, -1);
  if (prev)
    prev->next = e->next;
  else
    d->first = e->next;
  if (d->last == e) d->last = prev;
}

void touch(Vnode* v, bool modified) {
  MutexGuard g(v->lock);
  timespec64 now = fs_now();
  if (modified) v->mtime = now;
  v->ctime = now;
}

void add_links(Vnode* v, int delta) {
  MutexGuard g(v->lock);
  v->nlink = static_cast<uint32_t>(static_cast<int>(v->nlink) + delta);
  v->ctime = fs_now();
}

// A node nobody names yet: one reference (the caller's), charged one unit.
RamNode* node_new(Mount* mp, VType type, uint32_t mode, const FsCred& cr) {
  if (!charge_take(Charge::kFsUnits, cr.uid, 1, cr.root())) return nullptr;
  auto* n = static_cast<RamNode*>(kmalloc(sizeof(RamNode), M_RAMFS, M_WAITOK | M_ZERO));
  if (!n) {
    charge_give(Charge::kFsUnits, cr.uid, 1);
    return nullptr;
  }
  new (n) RamNode();
  vnode_init(n, mp, type, mode, &kRamOps);
  n->charged_uid = cr.uid;
  n->next_cookie = kFirstCookie;
  if (type == VType::kDir) n->size = 2 * kDirentSize;  // "." and ".."
  return n;
}

// ---- namespace -------------------------------------------------------------

int ram_lookup(Vnode* dir, const char* name, size_t len, Vnode** out) {
  RamDirent* e = find(ram(dir), name, len);
  if (!e) return -ENOENT;
  *out = vref(e->node);
  return 0;
}

int ram_readdir(Vnode* dir, uint64_t cookie, DirEmit emit, void* ctx) {
  RamNode* d = ram(dir);
  if (cookie < 1 && !emit(ctx, d->ino, 1, DT_DIR, ".", 1)) return 0;
  if (cookie < 2 && !emit(ctx, d->parent ? d->parent->ino : d->ino, 2, DT_DIR, "..", 2)) return 0;
  for (RamDirent* e = d->first; e; e = e->next) {
    if (e->cookie <= cookie) continue;
    if (!emit(ctx, e->node->ino, e->cookie, vtype_dtype(e->node->type), e->name, e->len)) break;
  }
  return 0;
}

int ram_create(Vnode* dir, const char* name, size_t len, const NewNode& nn, const FsCred& cr,
               Vnode** out) {
  RamNode* d = ram(dir);
  if (d->dead) return -ENOENT;
  RamNode* n = node_new(dir->mount, nn.type, nn.mode, cr);
  if (!n) return -ENOSPC;
  n->uid = nn.uid;
  n->gid = nn.gid;
  n->rdev_major = nn.rdev_major;
  n->rdev_minor = nn.rdev_minor;
  if (nn.type == VType::kLnk) {
    bool ok = charge_take(Charge::kFsUnits, cr.uid, 1, cr.root());
    n->target = ok ? static_cast<char*>(kmalloc(nn.target_len + 1, M_RAMFS, M_WAITOK)) : nullptr;
    if (!n->target) {
      if (ok) charge_give(Charge::kFsUnits, cr.uid, 1);
      n->type = VType::kNone;  // nothing to free but the node
      vrele(n);
      return ok ? -ENOMEM : -ENOSPC;
    }
    tine_memcpy(n->target, nn.target, nn.target_len);
    n->target[nn.target_len] = 0;
    n->size = nn.target_len;
  }
  RamDirent* e = dirent_new(name, len, n, cr);
  if (!e) {
    vrele(n);
    return -ENOSPC;
  }
  if (nn.type == VType::kDir) {
    n->nlink = 2;
    n->parent = vref(dir);
    add_links(dir, 1);
  }
  append(d, e);
  touch(dir, true);
  *out = vref(n);
  return 0;
}

int ram_link(Vnode* dir, const char* name, size_t len, Vnode* target, const FsCred& cr) {
  RamNode* d = ram(dir);
  if (d->dead) return -ENOENT;
  RamDirent* e = dirent_new(name, len, target, cr);
  if (!e) return -ENOSPC;
  vref(target);
  add_links(target, 1);
  append(d, e);
  touch(dir, true);
  return 0;
}

// The entry of victim is gone from dir: links, times, and the entry's reference.
void forget(RamNode* d, Vnode* victim) {
  if (victim->type == VType::kDir) {
    {
      MutexGuard g(victim->lock);
      victim->nlink = 0;
      victim->ctime = fs_now();
    }
    ram(victim)->dead = true;
    add_links(d, -1);
  } else {
    add_links(victim, -1);
  }
  touch(d, true);
  vrele(victim);
}

int ram_remove(Vnode* dir, const char* name, size_t len, Vnode* victim) {
  RamNode* d = ram(dir);
  RamDirent* prev;
  RamDirent* e = find(d, name, len, &prev);
  if (!e || e->node != victim) return -ENOENT;
  unlink_entry(d, e, prev);
  dirent_free(e);
  forget(d, victim);
  return 0;
}

// A directory moved from one parent to another: its `..` and both link counts.
void reparent(Vnode* child, RamNode* from, RamNode* to) {
  if (child->type != VType::kDir || from == to) return;
  ram(child)->parent = vref(to);
  add_links(to, 1);
  add_links(from, -1);
  vrele(from);  // held by the parent of another directory too: never the last here
}

int ram_rename(Vnode* fdir, const char* fname, size_t flen, Vnode* tdir, const char* tname,
               size_t tlen, bool exchange, const FsCred& cr) {
  RamNode* fd = ram(fdir);
  RamNode* td = ram(tdir);
  RamDirent* fprev;
  RamDirent* fe = find(fd, fname, flen, &fprev);
  if (!fe) return -ENOENT;
  RamDirent* tprev;
  RamDirent* te = find(td, tname, tlen, &tprev);
  if (exchange) {
    if (!te) return -ENOENT;
    Vnode* a = fe->node;
    Vnode* b = te->node;
    fe->node = b;
    te->node = a;
    reparent(a, fd, td);
    reparent(b, td, fd);
    touch(a, false);
    touch(b, false);
    touch(fdir, true);
    if (tdir != fdir) touch(tdir, true);
    return 0;
  }
  if (td->dead) return -ENOENT;
  Vnode* node = fe->node;
  // The new name first: a failure changes nothing.
  RamDirent* ne = dirent_new(tname, tlen, node, cr);
  if (!ne) return -ENOSPC;
  unlink_entry(fd, fe, fprev);
  if (te) {
    find(td, tname, tlen, &tprev);  // fe may have been just before it
    unlink_entry(td, te, tprev);
    Vnode* victim = te->node;
    dirent_free(te);
    forget(td, victim);
  }
  dirent_free(fe);  // its reference to node moves to ne
  append(td, ne);
  reparent(node, fd, td);
  touch(node, false);
  touch(fdir, true);
  if (tdir != fdir) touch(tdir, true);
  return 0;
}

bool ram_empty(Vnode* dir) { return ram(dir)->first == nullptr; }

Vnode* ram_parent(Vnode* dir) {
  Vnode* p = ram(dir)->parent;
  return p ? vref(p) : nullptr;
}

int ram_name_in(Vnode* dir, Vnode* child, char* buf, size_t n) {
  for (RamDirent* e = ram(dir)->first; e; e = e->next)
    if (e->node == child) {
      if (e->len >= n) return -ERANGE;
      tine_memcpy(buf, e->name, e->len);
      buf[e->len] = 0;
      return e->len;
    }
  return -ENOENT;
}

int ram_readlink(Vnode* v, char* buf, size_t n) {
  RamNode* r = ram(v);
  size_t len = static_cast<size_t>(v->size);
  if (len > n) len = n;
  tine_memcpy(buf, r->target, len);
  return static_cast<int>(len);
}

// ---- contents ----------------------------------------------------------------

int64_t ram_read(Vnode* v, uint64_t off, Uio* uio) {
  RamNode* r = ram(v);
  if (off >= v->size) return 0;
  uint64_t end = v->size;
  while (uio->resid > 0 && off < end) {
    uint64_t in = off % kPage;
    uint64_t n = kPage - in;
    if (n > end - off) n = end - off;
    const uint8_t* page = r->pages.find(off / kPage);
    void* src = const_cast<uint8_t*>(page ? page + in : kZeroPage);
    uint64_t before = uio->done;
    // On a fault the caller turns this into a count if bytes moved.
    if (uiomove(src, n, uio) != 0) return -EFAULT;
    off += uio->done - before;
  }
  return 0;
}

int64_t ram_write(Vnode* v, uint64_t off, Uio* uio, const FsCred& cr) {
  RamNode* r = ram(v);
  if (off >= kMaxSize) return -EFBIG;
  int64_t err = 0;
  uint64_t start_done = uio->done;
  while (uio->resid > 0 && off < kMaxSize) {
    uint64_t index = off / kPage;
    uint64_t in = off % kPage;
    uint64_t n = kPage - in;
    uint8_t* page = r->pages.find(index);
    if (!page) {
      // Charge exactly the pages the write makes, before making them.
      unsigned want = r->pages.units_needed(index);
      if (!charge_take(Charge::kFsUnits, r->charged_uid, want, cr.root())) {
        err = -ENOSPC;
        break;
      }
      unsigned got = 0;
      page = r->pages.get(index, &got);
      KASSERT(got <= want);
      charge_give(Charge::kFsUnits, r->charged_uid, want - got);
      if (!page) {
        err = -ENOMEM;
        break;
      }
    }
    uint64_t before = uio->done;
    int e = uiomove(page + in, n, uio);
    off += uio->done - before;
    if (off > v->size) v->size = off;
    if (e) {
      // The fault may come after bytes it did not count were copied: past
      // the end of the file they must stay zeroes (a hole if it grows).
      uint64_t page_at = index * kPage;
      uint64_t zero_from = v->size > page_at + in ? v->size - page_at : in;
      if (zero_from < in + n) tine_memset(page + zero_from, 0, in + n - zero_from);
      err = e;
      break;
    }
  }
  if (uio->done > start_done) {
    v->mtime = v->ctime = fs_now();
    return 0;
  }
  if (!err && uio->resid > 0) err = -EFBIG;
  return err;
}

int ram_truncate(Vnode* v, uint64_t size, const FsCred&) {
  RamNode* r = ram(v);
  if (size > kMaxSize) return -EFBIG;
  if (size < v->size) {
    uint64_t keep = (size + kPage - 1) / kPage;
    charge_give(Charge::kFsUnits, r->charged_uid, r->pages.truncate(keep));
    // The rest of the last page reads as zeroes if the file grows again.
    if (size % kPage)
      if (uint8_t* page = r->pages.find(size / kPage))
        tine_memset(page + size % kPage, 0, kPage - size % kPage);
  }
  v->size = size;
  v->mtime = v->ctime = fs_now();
  return 0;
}

// fallocate, as tmpfs has it: allocate (mode 0 or FALLOC_FL_KEEP_SIZE)
// makes the missing pages of [off, off + len) (zeroed, charged as a write's)
// and, without KEEP_SIZE, moves the end out to off + len; on -ENOSPC or
// -ENOMEM the pages made so far stay with the file and the size stays. A
// punch (PUNCH_HOLE | KEEP_SIZE) zeroes the range: its whole pages become
// holes and give their units back.
int ram_allocate(Vnode* v, int mode, uint64_t off, uint64_t len, const FsCred& cr) {
  RamNode* r = ram(v);
  uint64_t end = off + len;  // no wrap: the caller's check
  if (end > kMaxSize) return -EFBIG;
  if (mode & ~(kFallocKeepSize | kFallocPunchHole)) return -EOPNOTSUPP;
  if (mode & kFallocPunchHole) {
    uint64_t first = (off + kPage - 1) / kPage, last = end / kPage;  // the whole pages
    if (off % kPage)
      if (uint8_t* page = r->pages.find(off / kPage)) {
        uint64_t to = end < first * kPage ? end : first * kPage;
        tine_memset(page + off % kPage, 0, to - off);
      }
    if (end % kPage && end / kPage >= first)
      if (uint8_t* page = r->pages.find(end / kPage)) tine_memset(page, 0, end % kPage);
    charge_give(Charge::kFsUnits, r->charged_uid, r->pages.free_pages(first, last));
    v->mtime = v->ctime = fs_now();
    return 0;
  }
  int err = 0;
  for (uint64_t index = off / kPage; index < (end + kPage - 1) / kPage; ++index) {
    unsigned want = r->pages.units_needed(index);
    if (want == 0) continue;
    if (!charge_take(Charge::kFsUnits, r->charged_uid, want, cr.root())) {
      err = -ENOSPC;
      break;
    }
    unsigned got = 0;
    uint8_t* page = r->pages.get(index, &got);
    KASSERT(got <= want);
    charge_give(Charge::kFsUnits, r->charged_uid, want - got);
    if (!page) {
      err = -ENOMEM;
      break;
    }
  }
  if (err) return err;
  if (!(mode & kFallocKeepSize) && end > v->size) v->size = end;
  v->ctime = fs_now();
  return 0;
}

// What tmpfs counts: a file's data pages (holes none; its page index is not
// counted); a symbolic link's page when its target is too long to keep in
// the node (128 bytes with the NUL); nothing for the rest.
uint64_t ram_blocks(Vnode* v) {
  constexpr uint64_t kPerPage = kPage / 512;
  if (v->type == VType::kReg) return ram(v)->pages.data_pages() * kPerPage;
  if (v->type == VType::kLnk && v->size + 1 > kShortSymlink) return kPerPage;
  return 0;
}

Vnode* ram_destroy(Vnode* v) {
  RamNode* r = ram(v);
  KASSERT(r->first == nullptr);  // a directory goes only once it is empty and removed
  uint64_t units = 1 + r->pages.truncate(0);
  if (r->target) {
    kfree(r->target, M_RAMFS);
    ++units;
  }
  charge_give(Charge::kFsUnits, r->charged_uid, units);
  Vnode* parent = r->parent;
  r->~RamNode();
  kfree(r, M_RAMFS);
  return parent;
}

const VnodeOps kRamOps = {
    ram_lookup,   ram_readdir, ram_create,   ram_link,     ram_remove, ram_rename,
    ram_empty,    ram_parent,  ram_name_in,  ram_readlink, ram_read,   ram_write,
    ram_truncate, ram_destroy, ram_allocate, nullptr,      ram_blocks,
};

}  // namespace

Mount* ramfs_new(uint32_t dev_minor) {
  Mount* mp = mount_new(M_RAMFS, dev_minor, kTmpfsMagic, "ramfs");
  if (!mp) return nullptr;
  mp->max_bytes = kMaxSize;
  RamNode* root = node_new(mp, VType::kDir, 0755, FsCred{0, 0});
  if (!root) {
    kfree(mp, M_RAMFS);
    return nullptr;
  }
  root->nlink = 2;
  mp->root = root;
  return mp;
}
