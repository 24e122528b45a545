#include "kernel/fs/uio.h"

#include "kernel/lib/string.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

// kernel/sched/sched.h's, declared here: that header's sched_yield would clash
// with the host C library's in the host tests, which compile this file.
void sched_preempt_point();

int uiomove(void* k, size_t n, Uio* uio) {
  auto* kp = static_cast<uint8_t*>(k);
  while (n > 0 && uio->resid > 0 && uio->iovcnt > 0) {
    uint64_t left = uio->iov->len - uio->at;
    size_t step = n < left ? n : static_cast<size_t>(left);
    uint64_t addr = uio->iov->base + uio->at;
    if (uio->user) {
      int err = uio->dir == UioDir::kRead ? copyout_u(kp, addr, step) : copyin_u(addr, kp, step);
      if (err) return -EFAULT;
      // A long transfer lets other threads run now and then.
      if (((uio->done + step) ^ uio->done) >> 16) sched_preempt_point();
    } else if (uio->dir == UioDir::kRead) {
      tine_memcpy(reinterpret_cast<void*>(addr), kp, step);
    } else {
      tine_memcpy(kp, reinterpret_cast<const void*>(addr), step);
    }
    kp += step;
    n -= step;
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
  return 0;
}

void uio_skip(Uio* uio, size_t n) {
  while (n > 0 && uio->resid > 0 && uio->iovcnt > 0) {
    uint64_t left = uio->iov->len - uio->at;
    size_t step = n < left ? n : static_cast<size_t>(left);
    n -= step;
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
}
