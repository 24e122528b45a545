// Open files: what a descriptor refers to. A File is made by open (on a
// vnode: a regular file, a directory, a symbolic link with O_PATH, or a
// device node) or by pipe2 (one for each end), and shared by every
// descriptor dup, fork (RFFDG) or a shared table gives it.
//
// Lifetime (docs/locking.md, "Lifetimes"): counted (`refs`). Each descriptor
// slot holding it has one reference, and so does each system call using it
// (fget ... fdrop), so a close or dup2 by another LWP never frees a File
// under a call in progress. The last fdrop closes it, with no spinlock held:
// the device's or pipe end's close, the vnode released, its charge given back.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/fs/fscred.h"

struct File;
struct Uio;
struct Vnode;
struct linux_stat;

// What each kind of file does. `pos` is where a positional call (pread,
// pwrite) reads or writes, or nullptr for the file's offset. A write acts
// with the calling process's credentials (what it makes is charged to them).
struct FileOps {
  int64_t (*read)(File* fp, Uio* uio, const uint64_t* pos);
  int64_t (*write)(File* fp, Uio* uio, const uint64_t* pos);
  // Revents among events (POLLIN, POLLOUT, ...) ready now.
  int (*poll)(File* fp, int events);
  int (*ioctl)(File* fp, uint64_t cmd, uint64_t arg);
  void (*close)(File* fp);                // the last reference went (may be null)
  int (*stat)(File* fp, linux_stat* st);  // null: the vnode's
  bool seekable;
};

// The ops of a File that has no object yet (being made) or has given it
// back: closing it closes nothing.
inline constexpr FileOps kUnattachedFileOps = {};

// File::mode bits (from the access mode at open).
inline constexpr uint8_t kFileRead = 1, kFileWrite = 2;

struct File {
  int refs;  // atomic
  uint32_t
      flags;     // O_ACCMODE and the status flags; F_SETFL changes O_APPEND and O_NONBLOCK (atomic)
  uint8_t mode;  // kFileRead | kFileWrite; neither for O_PATH
  uint32_t charged_uid;  // its kFiles charge
  const FileOps* ops;
  Vnode* vnode;     // held: files and devices; nullptr for pipes
  void* data;       // the kind's own (a pipe end)
  uint64_t offset;  // vnode->lock
  // Its flock(2) lock (kernel/fs/flock.h; the flock mutex): 0 none,
  // LOCK_SH or LOCK_EX, and the next File with a lock in its bucket.
  uint8_t flock;
  File* flock_next;
};

// A new File (one reference), charged to uid, or nullptr with *err = -ENFILE
// (the system-wide bound, or uid's share) or -ENOMEM.
File* file_alloc(const FileOps* ops, uint32_t flags, uint32_t uid, bool acting_root, int* err);
inline File* fhold(File* fp) {
  __atomic_fetch_add(&fp->refs, 1, __ATOMIC_RELAXED);
  return fp;
}
// Closes fp (its last reference went).
void file_close_last(File* fp);
inline void fdrop(File* fp) {
  if (__atomic_sub_fetch(&fp->refs, 1, __ATOMIC_ACQ_REL) == 0) file_close_last(fp);
}

// A File for an open vnode (it takes a reference of its own): a regular
// file, directory or symbolic link, or the device a node names (-ENXIO when
// no driver has its number).
int file_open_vnode(Vnode* v, uint32_t flags, const FsCred& cr, File** out);

// The calls every kind answers, with the checks they share (-EBADF for a
// file not open for it).
int64_t file_read(File* fp, Uio* uio, const uint64_t* pos);
int64_t file_write(File* fp, Uio* uio, const uint64_t* pos);
int64_t file_lseek(File* fp, int64_t off, int whence);
int file_stat(File* fp, linux_stat* st);
int file_ioctl(File* fp, uint64_t cmd, uint64_t arg);
int file_poll(File* fp, int events);
// The next directory entries into a linux_dirent64 buffer (getdents64).
int64_t file_getdents(File* fp, uint64_t ubuf, size_t n);

inline bool file_nonblock(const File* fp) {
  return (__atomic_load_n(&fp->flags, __ATOMIC_RELAXED) & 04000) != 0;  // O_NONBLOCK
}

// Open files now (against the bound of kFiles).
uint64_t file_count();
