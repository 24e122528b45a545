// The memory devices (Linux's numbers): /dev/null (1:3) reads nothing and
// takes everything, /dev/zero (1:5) reads zeroes, /dev/full (1:7) reads
// zeroes and takes nothing (-ENOSPC), /dev/random (1:8) and
// /dev/urandom (1:9) read the kernel's random numbers (kernel/random/random.h)
// and mix what is written to them into its key. A large read stops early,
// with what it has moved, when the reader is to die or has a signal to take
// (Linux's read_iter_zero and get_random_bytes_user check between chunks).
#include "kernel/dev/chardev.h"
#include "kernel/fs/uio.h"
#include "kernel/proc/proc.h"
#include "kernel/random/random.h"
#include "kernel/uapi/error_numbers.h"

namespace {

constexpr size_t kChunk = 4096;
const uint8_t kZero[kChunk] = {};

int64_t null_read(File*, Uio*) { return 0; }

int64_t take_all(File*, Uio* uio) {
  uio_skip(uio, uio->resid);
  return 0;
}

int64_t refuse_all(File*, Uio*) { return -ENOSPC; }

int64_t zero_read(File*, Uio* uio) {
  Lwp* lp = curlwp();
  while (uio->resid > 0) {
    if (uio->done > 0 && lwp_should_stop(lp)) break;
    size_t n = uio->resid < kChunk ? static_cast<size_t>(uio->resid) : kChunk;
    if (int e = uiomove(const_cast<uint8_t*>(kZero), n, uio); e) return e;
  }
  return 0;
}

int64_t random_read(File*, Uio* uio) {
  uint8_t buf[256];
  Lwp* lp = curlwp();
  while (uio->resid > 0) {
    if (uio->done > 0 && (uio->done & (kChunk - 1)) == 0 && lwp_should_stop(lp)) break;
    size_t n = uio->resid < sizeof buf ? static_cast<size_t>(uio->resid) : sizeof buf;
    random_bytes(buf, n);
    if (int e = uiomove(buf, n, uio); e) return e;
  }
  return 0;
}

int64_t random_write(File*, Uio* uio) {
  uint8_t buf[256];
  Lwp* lp = curlwp();
  while (uio->resid > 0) {
    if (uio->done > 0 && (uio->done & (kChunk - 1)) == 0 && lwp_should_stop(lp)) break;
    size_t n = uio->resid < sizeof buf ? static_cast<size_t>(uio->resid) : sizeof buf;
    uint64_t before = uio->done;
    int e = uiomove(buf, n, uio);
    random_mix(buf, static_cast<size_t>(uio->done - before));  // what was counted is mixed
    if (e) return e;
  }
  return 0;
}

const CharDevOps kNull = {nullptr, null_read, take_all, nullptr, nullptr, nullptr, true};
const CharDevOps kZeroDev = {nullptr, zero_read, take_all, nullptr, nullptr, nullptr, true};
const CharDevOps kFull = {nullptr, zero_read, refuse_all, nullptr, nullptr, nullptr, true};
const CharDevOps kRandom = {nullptr, random_read, random_write, nullptr, nullptr, nullptr, true};

}  // namespace

void mem_devices_init() {
  chardev_register(1, 3, &kNull);
  chardev_register(1, 5, &kZeroDev);
  chardev_register(1, 7, &kFull);
  chardev_register(1, 8, &kRandom);
  chardev_register(1, 9, &kRandom);
}
