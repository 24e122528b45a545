// The bytes of one read or write: a list of (address, length) pieces in the
// calling program's memory (or in the kernel's, for the kernel's own reads),
// and how far the transfer has got. File systems and devices move data with
// uiomove and never look at the addresses themselves.
#pragma once
#include <stddef.h>
#include <stdint.h>

struct IoVec {
  uint64_t base;
  uint64_t len;
};

enum class UioDir : uint8_t {
  kRead,   // data goes from the kernel into the pieces
  kWrite,  // data comes from the pieces into the kernel
};

struct Uio {
  const IoVec* iov;
  int iovcnt;
  uint64_t resid;  // bytes still to move (may be cut short: nothing moves past it)
  uint64_t done;   // bytes moved so far
  uint64_t at;     // offset inside iov[0]
  bool user;       // user addresses (copyin/copyout) or kernel pointers
  UioDir dir;
};

// A transfer over `n` pieces (their lengths summed, at most kMaxRwCount: the
// caller checks).
inline Uio uio_make(const IoVec* iov, int n, bool user, UioDir dir) {
  Uio u{iov, n, 0, 0, 0, user, dir};
  for (int i = 0; i < n; ++i) u.resid += iov[i].len;
  while (u.iovcnt > 0 && u.iov->len == 0) ++u.iov, --u.iovcnt;
  return u;
}
// Moves min(n, resid) bytes between the kernel buffer k and the uio. 0, or
// -EFAULT when a user address does not work (bytes moved before it count).
[[nodiscard]] int uiomove(void* k, size_t n, Uio* uio);
// Counts n bytes as moved without touching them (/dev/null's writes).
void uio_skip(Uio* uio, size_t n);
