// What the file system calls share: the caller's descriptor table and
// credentials, paths copied in, and the directory an *at call starts from.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/fs/file.h"
#include "kernel/fs/filedesc.h"
#include "kernel/fs/uio.h"
#include "kernel/fs/vnode.h"
#include "kernel/proc/proc.h"

// A path copied in (kPathMax bytes, NUL included: longer is -ENAMETOOLONG),
// freed when it goes out of scope.
struct UserPath {
  char* s = nullptr;
  int err = 0;
  explicit UserPath(uint64_t uaddr);
  ~UserPath();
  UserPath(const UserPath&) = delete;
  UserPath& operator=(const UserPath&) = delete;
  bool empty() const { return s && s[0] == 0; }
};

// The File at the caller's descriptor fd, held, or nullptr.
File* fget_mine(int fd);

// The pieces of readv/writev/preadv/pwritev and sendmsg/recvmsg, copied in
// (at most kIovMax; their total is cut to kMaxRwCount as Linux does).
struct IovArray {
  IoVec small[8];
  IoVec* v = small;
  int n = 0;
  IovArray() = default;
  ~IovArray();
  IovArray(const IovArray&) = delete;
  IovArray& operator=(const IovArray&) = delete;
  // -EINVAL (a count or length out of range), -EFAULT, -ENOMEM.
  [[nodiscard]] int load(uint64_t uiov, int64_t cnt);
};

// Puts a and b (a reference of each given) in the two lowest free
// descriptors and writes their numbers to the program's int[2] at ufds
// (pipe2, socketpair). On a failure neither stays: -EMFILE, or -EFAULT with
// both descriptors closed again (what another LWP put at those numbers
// meanwhile stays).
[[nodiscard]] int fd_install_pair(File* a, File* b, uint32_t fdflags, uint64_t ufds);

// A File held for the length of a call.
struct FileRef {
  File* fp;
  explicit FileRef(int fd);
  ~FileRef() {
    if (fp) fdrop(fp);
  }
  FileRef(const FileRef&) = delete;
  FileRef& operator=(const FileRef&) = delete;
  File* operator->() const { return fp; }
  explicit operator bool() const { return fp != nullptr; }
};

// A vnode held for the length of a call.
struct VnodeRef {
  Vnode* v = nullptr;
  VnodeRef() = default;
  ~VnodeRef() {
    if (v) vrele(v);
  }
  VnodeRef(const VnodeRef&) = delete;
  VnodeRef& operator=(const VnodeRef&) = delete;
};

inline Filedesc* my_fd() { return curproc()->fd(); }
// The caller's credentials, its supplementary groups included.
inline FsCred my_cred() {
  FsCred cr = proc_fscred(curproc());
  cr.caller_groups = true;
  cr.caller_root = true;
  return cr;
}

// truncate and ftruncate's last step: vfs_truncate within the caller's
// RLIMIT_FSIZE; growing a file past it gets SIGXFSZ and -EFBIG (Linux).
[[nodiscard]] int truncate_within_limit(Vnode* v, uint64_t size, const FsCred& cr);

// Where an *at call's relative path begins: the working directory for
// AT_FDCWD, else dirfd's directory (-EBADF, -ENOTDIR). An absolute path
// ignores dirfd, as Linux does.
[[nodiscard]] int at_start(int dirfd, const char* path, VnodeRef* out);
// The vnode an fd refers to, for AT_EMPTY_PATH and the f* calls (-EBADF;
// pipes have none: -EINVAL... the caller says what it wants instead).
[[nodiscard]] int fd_vnode(int fd, VnodeRef* out);
