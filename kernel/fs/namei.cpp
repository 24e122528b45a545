#include "kernel/fs/namei.h"

#include "kernel/fs/file.h"

#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/uapi/error_numbers.h"

namespace {

Mount* g_root_mount;  // set once at boot

bool is_fs_root(const Vnode* v) { return v->mount && v->mount->root == v; }

// One step from directory cur by name (".", ".." or an entry), crossing
// mount points both ways. The result is held.
// ".." at root (the lookup's) stays there.
int step(Vnode* cur, Vnode* root, const char* name, size_t len, Vnode** out) {
  if (len == 1 && name[0] == '.') {
    *out = vref(cur);
    return 0;
  }
  if (len == 2 && name[0] == '.' && name[1] == '.') {
    if (vnode_same(cur, root) || cur == vfs_root()) {
      *out = vref(cur);
      return 0;
    }
    // At the root of a mounted file system, ".." is that of the directory it covers.
    while (is_fs_root(cur) && cur->mount->covered) cur = cur->mount->covered;
    Vnode* up = cur->ops->parent ? cur->ops->parent(cur) : nullptr;
    *out = up ? up : vref(cur);
    return 0;
  }
  if (!cur->ops->lookup) return -ENOENT;
  Vnode* v;
  if (int err = cur->ops->lookup(cur, name, len, &v); err) return err;
  while (Mount* mp = v->mounted_here) {
    Vnode* r = vref(mp->root);
    vrele(v);
    v = r;
  }
  *out = v;
  return 0;
}

// Replaces the unread part of the path with link's target followed by rest
// (and "/" between them when rest is not empty or the link had a slash
// after it). l->scratch holds the result; *p points at it.
int expand(Lookup* l, Vnode* link, const char* rest, bool slash, const char** p) {
  if (!l->scratch) {
    l->scratch = static_cast<char*>(kmalloc(2 * kPathMax, M_TEMP, M_WAITOK));
    if (!l->scratch) return -ENOMEM;
  }
  char* target = l->scratch + kPathMax;
  if (!link->ops->readlink) return -EINVAL;
  int tlen = link->ops->readlink(link, target, kPathMax);
  if (tlen < 0) return tlen;
  if (tlen == 0) return -ENOENT;
  size_t rlen = tine_strlen(rest);
  bool sep = rlen > 0 || slash;
  size_t total = static_cast<size_t>(tlen) + (sep ? 1 : 0) + rlen;
  if (total >= kPathMax) return -ENAMETOOLONG;
  // rest may lie in the scratch already: move it first.
  tine_memmove(l->scratch + tlen + (sep ? 1 : 0), rest, rlen + 1);
  tine_memcpy(l->scratch, target, static_cast<size_t>(tlen));
  if (sep) l->scratch[tlen] = '/';
  *p = l->scratch;
  return 0;
}

// Counts link against the walk's limit and reads the rest of the path from
// its target (expand's rest and slash); an absolute target moves *cur back to
// root. link is released.
int follow(Lookup* l, Vnode* root, Vnode* link, const char* rest, bool slash, unsigned* links,
           Vnode** cur, const char** p) {
  if (++*links > kSymlinkMax) {
    vrele(link);
    return -ELOOP;
  }
  int err = expand(l, link, rest, slash, p);
  bool absolute = err == 0 && **p == '/';
  vrele(link);
  if (err) return err;
  if (absolute) {
    vrele(*cur);
    *cur = vref(root);
  }
  return 0;
}

// *next is a symbolic link the walk would follow. A magic one (vnode.h) is
// replaced by what it names: 1 with *next that vnode (held), 2 with *next
// nullptr and l->file the File (the last component of an open's lookup);
// 0 to follow its text as any link's; -errno (*next still held).
int magic(Lookup* l, bool is_last, Vnode** next) {
  if (!(*next)->ops->magic) return 0;
  Vnode* vp = nullptr;
  File* fp = nullptr;
  bool want_file = is_last && (l->flags & kLookupWantFile);
  if (int e = (*next)->ops->magic(*next, want_file, &vp, &fp); e) return e;
  if (!vp && !fp) return 0;
  vrele(*next);
  *next = vp;
  l->file = fp;
  return vp ? 1 : 2;
}

int walk(Lookup* l, Vnode* root);

}  // namespace

void vfs_set_root(Mount* mp) { g_root_mount = mp; }
Vnode* vfs_root() { return g_root_mount->root; }
Vnode* vfs_root_hold() { return vref(g_root_mount->root); }

Lookup lookup_make(Vnode* start, const char* path, unsigned flags, const FsCred& cr) {
  Lookup l;
  l.start = start;
  l.path = path;
  l.flags = flags;
  l.cred = cr;
  l.vp = l.dvp = nullptr;
  l.last[0] = 0;
  l.last_len = 0;
  l.last_is_dot = false;
  l.trailing_slash = false;
  l.file = nullptr;
  l.scratch = nullptr;
  return l;
}

void lookup_done(Lookup* l) {
  if (l->file) fdrop(l->file);
  l->file = nullptr;
  if (l->vp) vrele(l->vp);
  if (l->dvp) vrele(l->dvp);
  l->vp = l->dvp = nullptr;
  if (l->scratch) kfree(l->scratch, M_TEMP);
  l->scratch = nullptr;
}

int namei_locked(Lookup* l) {
  // A system call's lookup begins absolute paths at its process's root
  // (chroot), the kernel's at the tree's.
  Vnode* root = l->cred.caller_root ? caller_root_hold() : vfs_root_hold();
  int err = walk(l, root);
  vrele(root);
  return err;
}

namespace {

int walk(Lookup* l, Vnode* root) {
  l->vp = l->dvp = nullptr;
  const char* p = l->path;
  if (!*p) return -ENOENT;
  Vnode* cur = vref(*p == '/' ? root : l->start);
  unsigned links = 0;
  int err = 0;
  for (;;) {
    while (*p == '/') ++p;
    if (!*p) {
      // The path ends at a directory ("/", or "a/." and the like).
      if (l->flags & kLookupParent) {
        l->dvp = vref(cur);
        l->last_is_dot = true;
      }
      l->vp = cur;
      return 0;
    }
    const char* q = p;
    while (*q && *q != '/') ++q;
    size_t len = static_cast<size_t>(q - p);
    const char* r = q;
    while (*r == '/') ++r;
    bool is_last = *r == 0;
    bool slash = q != r;
    if (len > kNameMax) {
      err = -ENAMETOOLONG;
      break;
    }
    if (cur->type != VType::kDir) {
      err = -ENOTDIR;
      break;
    }
    if ((err = vn_access(cur, X_OK, l->cred)) != 0) break;
    bool dot = (len == 1 && p[0] == '.') || (len == 2 && p[0] == '.' && p[1] == '.');
    Vnode* next = nullptr;
    err = step(cur, root, p, len, &next);
    if (is_last && (l->flags & kLookupParent)) {
      if (err && err != -ENOENT) break;
      if (next && next->type == VType::kLnk && (l->flags & kLookupFollow)) {
        int m = magic(l, true, &next);
        if (m < 0) {
          vrele(next);
          err = m;
          break;
        }
        if (m == 0) {
          // Make (or remove) what the link points at.
          if ((err = follow(l, root, next, "", slash, &links, &cur, &p)) != 0) break;
          continue;
        }
      }
      tine_memcpy(l->last, p, len);
      l->last[len] = 0;
      l->last_len = len;
      l->last_is_dot = dot;
      l->trailing_slash = slash;
      l->dvp = cur;
      l->vp = next;
      return 0;
    }
    if (err) break;
    if (next->type == VType::kLnk && (!is_last || (l->flags & kLookupFollow) || slash)) {
      int m = magic(l, is_last, &next);
      if (m < 0) {
        vrele(next);
        err = m;
        break;
      }
      if (m == 2) {  // the File is the result: not a directory
        vrele(cur);
        if (slash) {
          fdrop(l->file);  // (the open's lookup: the pipe's other references stay)
          l->file = nullptr;
          if (l->scratch) kfree(l->scratch, M_TEMP);
          l->scratch = nullptr;
          return -ENOTDIR;
        }
        if (l->scratch) kfree(l->scratch, M_TEMP);
        l->scratch = nullptr;
        return 0;
      }
      if (m == 0) {
        if ((err = follow(l, root, next, r, is_last && slash, &links, &cur, &p)) != 0) break;
        continue;
      }
    }
    vrele(cur);
    cur = next;
    p = r;
    if (is_last) {
      if (slash && cur->type != VType::kDir) {
        vrele(cur);
        if (l->scratch) kfree(l->scratch, M_TEMP);
        l->scratch = nullptr;
        return -ENOTDIR;
      }
      l->vp = cur;
      return 0;
    }
  }
  vrele(cur);
  if (l->scratch) kfree(l->scratch, M_TEMP);
  l->scratch = nullptr;
  return err;
}

}  // namespace
