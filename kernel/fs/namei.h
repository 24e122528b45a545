// Path lookup: from the root ("/...") or a starting directory (the working
// directory, or a descriptor's for the *at calls), one component at a time,
// with "." and "..", mount points (both ways), and symbolic links (at most
// kSymlinkMax a lookup: -ELOOP). Each directory passed through must be
// searchable (-EACCES); a component longer than kNameMax gives -ENAMETOOLONG,
// a non-directory in the middle -ENOTDIR, a missing name -ENOENT.
//
// Runs with g_namespace_lock held (shared to find, exclusive to find and
// then change), so what it finds is still there when the caller acts on it.
#pragma once
#include <stddef.h>

#include "kernel/fs/vnode.h"

// Lookup flags.
inline constexpr unsigned kLookupFollow = 1;  // follow a symbolic link in the last component
// Stop at the last component's directory (to make or remove it); a symbolic
// link there is followed only with kLookupFollow, trailing slash or not (the
// caller judges the slash: unlink("link/") is -ENOTDIR, as on Linux).
inline constexpr unsigned kLookupParent = 2;
// The last component may be a magic link (vnode.h) to a File with no vnode:
// then the lookup gives that File (open's: it opens the same object again).
inline constexpr unsigned kLookupWantFile = 4;

struct Lookup {
  // In.
  Vnode* start;      // where a relative path begins (held by the caller)
  const char* path;  // a kernel copy, NUL-terminated, shorter than kPathMax
  unsigned flags;
  FsCred cred;
  // Out (each held; the caller drops them with lookup_done).
  Vnode* vp;                // what the path names; with kLookupParent nullptr if absent
  Vnode* dvp;               // kLookupParent: the last component's directory
  char last[kNameMax + 1];  // kLookupParent: the last component ("" for "/")
  size_t last_len;
  bool last_is_dot;     // the last component is "." or ".."
  bool trailing_slash;  // the path ended with "/" after its last component
  File* file;           // kLookupWantFile: the File a magic link named (vp nullptr), held
  char* scratch;        // private: where symbolic links are expanded
};

Lookup lookup_make(Vnode* start, const char* path, unsigned flags, const FsCred& cr);
// 0 or -errno; on error nothing is held.
[[nodiscard]] int namei_locked(Lookup* l);
// Drops what namei_locked left held.
void lookup_done(Lookup* l);

// The root of the tree (the root file system's root), held.
Vnode* vfs_root_hold();
Vnode* vfs_root();
void vfs_set_root(Mount* mp);
