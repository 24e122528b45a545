// Vnodes: one object per file, directory, symbolic link or device node, as
// a file system presents it to the rest of the kernel, with the operations
// of its file system (VnodeOps) in the BSD manner.
//
// Lifetime (docs/locking.md, "Lifetimes"): a vnode is counted (`refs`). Each
// directory entry naming it holds one reference, so does each open File, each
// descriptor table's working directory, a child directory's `..`, a mount,
// and each lookup in progress. vrele of the last reference destroys it with
// no spinlock held: an unlinked file lives until its last close.
//
// Locks:
//   g_namespace_lock (lockmgr): every directory's entries, a directory's
//     parent, which directories are mount points; shared to look names up,
//     exclusive from the lookup to the end of any change of the name space.
//   Vnode::lock (Mutex): the contents (data, size, times) and the offsets of
//     the Files open on it. mode, uid, gid and nlink change with both the
//     namespace lock exclusive and this lock held, so either keeps them still.
//   Order: namespace lock, then a vnode lock; never two vnode locks.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/fs/fscred.h"
#include "kernel/fs/linux_abi.h"
#include "kernel/sched/lockmgr.h"
#include "kernel/sched/mutex.h"

struct File;
struct Mount;
struct Uio;
struct Vnode;

enum class VType : uint8_t { kNone, kReg, kDir, kLnk, kChr, kFifo, kSock };

// One directory entry for readdir: false stops the listing (no room).
using DirEmit = bool (*)(void* ctx, uint64_t ino, uint64_t cookie, uint8_t dtype, const char* name,
                         size_t len);

// What to make in a directory.
struct NewNode {
  VType type;
  uint32_t mode;  // permission bits
  uint32_t uid, gid;
  uint32_t rdev_major, rdev_minor;  // kChr
  const char* target;               // kLnk
  size_t target_len;
};

// A file system's operations. Null: not supported (the caller answers for it).
struct VnodeOps {
  // Namespace: g_namespace_lock held (shared for lookup, readdir, readlink,
  // parent, name_in and empty; exclusive for the rest). Names are neither
  // "." nor "..".
  int (*lookup)(Vnode* dir, const char* name, size_t len, Vnode** out);  // held
  // Entries after `cookie` (0: from the start; "." and ".." first).
  int (*readdir)(Vnode* dir, uint64_t cookie, DirEmit emit, void* ctx);
  int (*create)(Vnode* dir, const char* name, size_t len, const NewNode& nn, const FsCred& cr,
                Vnode** out);  // out held
  int (*link)(Vnode* dir, const char* name, size_t len, Vnode* target, const FsCred& cr);
  // Removes the entry `name` (naming victim) from dir.
  int (*remove)(Vnode* dir, const char* name, size_t len, Vnode* victim);
  // Moves fdir/fname to tdir/tname, replacing what tname names (checked by
  // the caller), or swaps the two (exchange).
  int (*rename)(Vnode* fdir, const char* fname, size_t flen, Vnode* tdir, const char* tname,
                size_t tlen, bool exchange, const FsCred& cr);
  bool (*empty)(Vnode* dir);
  Vnode* (*parent)(Vnode* dir);  // held; nullptr at its file system's root
  // The name under which dir holds child (for getcwd): its length, or -ENOENT.
  int (*name_in)(Vnode* dir, Vnode* child, char* buf, size_t n);
  int (*readlink)(Vnode* v, char* buf, size_t n);  // length (no NUL), truncated to n
  // Contents: the vnode's lock held.
  int64_t (*read)(Vnode* v, uint64_t off, Uio* uio);
  int64_t (*write)(Vnode* v, uint64_t off, Uio* uio, const FsCred& cr);
  int (*truncate)(Vnode* v, uint64_t size, const FsCred& cr);
  // The last reference went: frees v. Returns a vnode whose reference v
  // held and the caller must now drop (its `..`), or nullptr.
  Vnode* (*destroy)(Vnode* v);
  // fallocate of a regular file (the lock held; mode's flags below, off +
  // len checked against the file system's size): nullptr, -EOPNOTSUPP.
  int (*allocate)(Vnode* v, int mode, uint64_t off, uint64_t len, const FsCred& cr);
  // A symbolic link that names an open object rather than a path (/proc's
  // fd/N and cwd: Linux's magic links), called as a lookup would follow it
  // (the namespace lock held): 0 with *vp what it names (held), or with
  // want_file *fp the File when it has no vnode (a pipe's end, held);
  // neither: the link's text is followed. -errno: it may not be followed.
  int (*magic)(Vnode* link, bool want_file, Vnode** vp, File** fp);
  // The 512-byte blocks its contents hold (stat's st_blocks; the lock
  // held); nullptr: none.
  uint64_t (*blocks)(Vnode* v);
};

// fallocate's modes (Linux's FALLOC_FL_*).
inline constexpr int kFallocKeepSize = 0x01;
inline constexpr int kFallocPunchHole = 0x02;
inline constexpr int kFallocNoHideStale = 0x04;
inline constexpr int kFallocCollapseRange = 0x08;
inline constexpr int kFallocZeroRange = 0x10;
inline constexpr int kFallocInsertRange = 0x20;
inline constexpr int kFallocUnshareRange = 0x40;

struct Vnode {
  int refs;  // atomic
  VType type;
  uint32_t mode;  // S_IFMT and permission bits (see the lock rules above)
  uint32_t uid, gid;
  uint32_t nlink;
  uint32_t rdev_major, rdev_minor;
  uint64_t ino;
  uint64_t size;                   // lock
  timespec64 atime, mtime, ctime;  // lock
  Mount* mount;                    // the file system it belongs to
  Mount* mounted_here;             // a file system mounted on this directory (namespace lock)
  const VnodeOps* ops;
  void* fifo = nullptr;  // a FIFO's pipe while a File is open on it (lock; kernel/fs/pipe.h)
  void* sock = nullptr;  // a socket node's bound socket while it is open (lock; kernel/net)
  Mutex lock{"vnode"};
};

// A file system in the tree. tine's are set up at boot and never unmounted:
// a Mount lives as long as the kernel.
struct Mount {
  Vnode* root;         // held
  Vnode* covered;      // the directory it is mounted on (held), or nullptr for /
  uint32_t dev_minor;  // st_dev = (0, dev_minor), like Linux's anonymous devices
  int64_t magic;       // statfs f_type
  const char* type;
  bool synthetic;      // made up by the kernel (/proc): attributes cannot change
  uint64_t next_ino;   // atomic
  uint64_t max_bytes;  // the largest file it holds (Linux's s_maxbytes); 0: no files
};

// The same node: itself, or (a synthetic file system makes a node at each
// lookup) one of the same number on the same file system.
inline bool vnode_same(const Vnode* a, const Vnode* b);

extern struct lock g_namespace_lock;

struct MallocType;

// A zeroed Mount from `mt`, its root still to be set; nullptr when memory is short.
Mount* mount_new(MallocType* mt, uint32_t dev_minor, int64_t magic, const char* type);

// Fills in the parts every vnode has (one reference, lock, times now).
void vnode_init(Vnode* v, Mount* mp, VType type, uint32_t mode, const VnodeOps* ops);
inline Vnode* vref(Vnode* v) {
  __atomic_fetch_add(&v->refs, 1, __ATOMIC_RELAXED);
  return v;
}
// The last reference went: destroys v (and what that lets go of).
void vnode_last_release(Vnode* v);
inline void vrele(Vnode* v) {
  if (__atomic_sub_fetch(&v->refs, 1, __ATOMIC_ACQ_REL) == 0) vnode_last_release(v);
}
timespec64 fs_now();
uint8_t vtype_dtype(VType t);
uint32_t vtype_mode(VType t);
inline bool vnode_is_dir(const Vnode* v) { return v->type == VType::kDir; }

// Whether cr may access v in every way `want` asks (R_OK | W_OK | X_OK):
// owner, group or other bits; root may read and write anything and execute
// what has an execute bit (or is a directory). 0 or -EACCES.
int vn_access(const Vnode* v, int want, const FsCred& cr);
void vn_stat(Vnode* v, linux_stat* st);
// Reads up to n bytes at off into a kernel buffer (the vnode's lock taken):
// the count, or -errno.
int64_t vn_read_kernel(Vnode* v, uint64_t off, void* buf, size_t n);
int64_t vn_write_kernel(Vnode* v, uint64_t off, const void* buf, size_t n, const FsCred& cr);
void vn_statx(Vnode* v, linux_statx* sx);

inline bool vnode_same(const Vnode* a, const Vnode* b) {
  return a == b || (a->mount && a->mount == b->mount && a->mount->synthetic && a->ino == b->ino);
}
