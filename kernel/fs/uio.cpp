#include "kernel/fs/uio.h"

#include "kernel/lib/string.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

// kernel/sched/sched.h's, declared here: that header's sched_yield would clash
// with the host C library's in the host tests, which compile this file.
void sched_preempt_point();

// The bytes of one step are done: move past them, and past any empty iovecs.
static void uio_advance(Uio* uio, size_t step) {
  uio->at += step;
  uio->resid -= step;
  uio->done += step;
  if (uio->at == uio->iov->len) {
    ++uio->iov;
    --uio->iovcnt;
    uio->at = 0;
    while (uio->iovcnt > 0 && uio->iov->len == 0) ++uio->iov, --uio->iovcnt;
  }
}

// Bytes of the current iovec to move in one step, at most n and at most
// resid (a caller may cut resid short: a write stopped at RLIMIT_FSIZE).
static size_t uio_step(const Uio* uio, size_t n) {
  uint64_t left = uio->iov->len - uio->at;
  if (left > uio->resid) left = uio->resid;
  return n < left ? n : static_cast<size_t>(left);
}

int uiomove(void* k, size_t n, Uio* uio) {
  auto* kp = static_cast<uint8_t*>(k);
  while (n > 0 && uio->resid > 0 && uio->iovcnt > 0) {
    size_t step = uio_step(uio, n);
    uint64_t addr = uio->iov->base + uio->at;
    if (uio->user) {
      int err = uio->dir == UioDir::kRead ? copyout_u(kp, addr, step) : copyin_u(addr, kp, step);
      if (err) {
        // What moves before the bad page counts (the caller returns it).
        size_t moved =
            uio->dir == UioDir::kRead ? copyout_upto(kp, addr, step) : copyin_upto(addr, kp, step);
        if (moved < step) {
          uio_advance(uio, moved);
          return -EFAULT;
        }
      }
      // A long transfer lets other threads run now and then.
      if (((uio->done + step) ^ uio->done) >> 16) sched_preempt_point();
    } else if (uio->dir == UioDir::kRead) {
      tine_memcpy(reinterpret_cast<void*>(addr), kp, step);
    } else {
      tine_memcpy(kp, reinterpret_cast<const void*>(addr), step);
    }
    kp += step;
    n -= step;
    uio_advance(uio, step);
  }
  return 0;
}

void uio_skip(Uio* uio, size_t n) {
  while (n > 0 && uio->resid > 0 && uio->iovcnt > 0) {
    size_t step = uio_step(uio, n);
    n -= step;
    uio_advance(uio, step);
  }
}
