// The name-space operations behind the path system calls: each takes
// g_namespace_lock (shared to look, exclusive to change), looks the paths up
// (kernel/fs/namei.h) and checks what POSIX and Linux require before asking
// the file system to act. Paths are kernel copies; `start` is the directory
// relative paths begin at (held by the caller). Results are 0 or -errno.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/fs/vnode.h"

inline constexpr uint32_t kLinkMax = 65000;  // links to one node (EMLINK)

// Looks path up; *out held.
[[nodiscard]] int vfs_lookup(Vnode* start, const char* path, bool follow, const FsCred& cr,
                             Vnode** out);
// open(2)'s half that concerns names: finds or makes (O_CREAT) the node and
// checks the access mode, O_DIRECTORY, O_NOFOLLOW, O_EXCL, and truncates
// (O_TRUNC). *out held. With `reopened`, a path through a magic link to a
// File with no vnode (/proc/self/fd/0 of a pipe) opens that pipe again: the
// new File is in *reopened and *out is nullptr.
[[nodiscard]] int vfs_open(Vnode* start, const char* path, uint32_t flags, uint32_t mode,
                           uint32_t umask, const FsCred& cr, Vnode** out,
                           File** reopened = nullptr);
[[nodiscard]] int vfs_mkdir(Vnode* start, const char* path, uint32_t mode, uint32_t umask,
                            const FsCred& cr);
// A regular file or (root only) a character device node; mode has the type.
[[nodiscard]] int vfs_mknod(Vnode* start, const char* path, uint32_t mode, uint32_t major,
                            uint32_t minor, uint32_t umask, const FsCred& cr);
// A socket node (bind's): mode 0777 & ~umask, *out held. -EEXIST when the
// name is there.
[[nodiscard]] int vfs_mksock(Vnode* start, const char* path, uint32_t umask, const FsCred& cr,
                             Vnode** out);
[[nodiscard]] int vfs_symlink(const char* target, Vnode* start, const char* path, const FsCred& cr);
[[nodiscard]] int vfs_link(Vnode* from_start, const char* from, Vnode* to_start, const char* to,
                           bool follow, const FsCred& cr);
// The same for the node v itself (linkat's AT_EMPTY_PATH: an open file's).
[[nodiscard]] int vfs_link_node(Vnode* v, Vnode* to_start, const char* to, const FsCred& cr);
// unlink (a non-directory) or rmdir.
[[nodiscard]] int vfs_unlink(Vnode* start, const char* path, bool dir, const FsCred& cr);
[[nodiscard]] int vfs_rename(Vnode* from_start, const char* from, Vnode* to_start, const char* to,
                             uint32_t flags, const FsCred& cr);
[[nodiscard]] int vfs_readlink(Vnode* start, const char* path, char* buf, size_t n,
                               const FsCred& cr);

// Attributes of a node already found.
[[nodiscard]] int vfs_chmod(Vnode* v, uint32_t mode, const FsCred& cr);
[[nodiscard]] int vfs_chown(Vnode* v, uint32_t uid, uint32_t gid, const FsCred& cr);
// times: {atime, mtime} with UTIME_NOW / UTIME_OMIT, or nullptr for now.
[[nodiscard]] int vfs_utimes(Vnode* v, const timespec64* times, const FsCred& cr);
// Sets the size of a regular file (the caller checked it may write).
// -EFBIG when the file would grow past size_limit (the caller's
// RLIMIT_FSIZE; a shrink past it is allowed, as Linux's inode_newsize_ok).
[[nodiscard]] int vfs_truncate(Vnode* v, uint64_t size, const FsCred& cr,
                               uint64_t size_limit = ~0ull);
// Before cr (not root) writes to or truncates the regular file v: S_ISUID
// goes, and S_ISGID when the group may execute it (Linux's file_remove_privs:
// no one but root can leave a set-id program altered). Takes the namespace
// lock, then v's: call it with neither held.
void vfs_drop_setid(Vnode* v, const FsCred& cr);
// Reads a directory from cookie on (namespace lock shared).
[[nodiscard]] int vfs_readdir(Vnode* dir, uint64_t cookie, DirEmit emit, void* ctx);
// The path of directory cwd from root (the process's: chroot) into buf: its
// length with the NUL, -ERANGE (buf too small) or -ENOENT (cwd was removed);
// outside root, "(unreachable)" and its path from the tree's root.
[[nodiscard]] int vfs_getcwd(Vnode* cwd, Vnode* root, char* buf, size_t n);
// The path of dir/name, for /proc/PID/exe: its length, or -errno.
[[nodiscard]] int vfs_path_of(Vnode* dir, const char* name, char* buf, size_t n);
// The absolute path of v into buf, with g_namespace_lock held (shared), for
// /proc/PID/fd and cwd: a directory's through its parents, as getcwd finds
// it; another node's through the first directory entry naming it that a
// search of its file system finds (depth first, each directory looked at
// before its subdirectories; at most 32 levels deep, 4,096 directories and
// about a million entries passed over, not entering other file systems). Its
// length without the NUL, -ENOENT (removed, no name found, or a synthetic
// file system's node), -ERANGE or -ENOMEM.
[[nodiscard]] int vfs_name_locked(Vnode* v, char* buf, size_t n);

inline constexpr int64_t kUtimeNow = (1 << 30) - 1, kUtimeOmit = (1 << 30) - 2;
