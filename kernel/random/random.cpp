#include "kernel/random/random.h"

#include <arch/timer.h>

#include "kernel/console/kprintf.h"
#include "kernel/dt/boot_info.h"
#include "kernel/init/board.h"
#include "kernel/lib/string.h"
#include "kernel/proc/proc.h"
#include "kernel/random/chacha20.h"
#include "kernel/sync/spinlock.h"
#include "kernel/syscall/syscall.h"
#include "kernel/time/clock.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

namespace {

LockClass g_random_class{"random", 0};  // a leaf
SpinLock g_lock{g_random_class};
uint32_t g_key[8];    // g_lock
uint64_t g_requests;  // g_lock: a nonce per request
size_t g_hw_bytes;

// A fresh key for one request, and the pool's next key, from one block.
void take_key(uint32_t key[8]) {
  uint8_t block[64];
  {
    SpinGuard g(g_lock);
    uint32_t nonce[3] = {static_cast<uint32_t>(g_requests), static_cast<uint32_t>(g_requests >> 32),
                         0x72616e64 /* "rand" */};
    ++g_requests;
    chacha20_block(g_key, 0, nonce, block);
    tine_memcpy(g_key, block, 32);  // the old key is gone
  }
  tine_memcpy(key, block + 32, 32);
  tine_memset(block, 0, sizeof block);
}

}  // namespace

void random_mix(const void* data, size_t len) {
  const uint8_t* p = static_cast<const uint8_t*>(data);
  SpinGuard g(g_lock);
  while (len > 0) {
    uint32_t chunk[8] = {};
    size_t n = len < sizeof chunk ? len : sizeof chunk;
    tine_memcpy(chunk, p, n);
    for (int i = 0; i < 8; ++i) g_key[i] ^= chunk[i];
    uint8_t block[64];
    uint32_t nonce[3] = {0, 0, 0x6d697820 /* "mix " */};
    chacha20_block(g_key, static_cast<uint32_t>(len), nonce, block);
    tine_memcpy(g_key, block, 32);
    p += n;
    len -= n;
  }
}

void random_init(const BootInfo* info) {
  uint8_t hw[64];
  size_t got = board_hw_random(hw, sizeof hw);
  if (got) {
    random_mix(hw, got);
    kprintf("random: seeded with %zu bytes from the hardware generator\n", got);
  }
  g_hw_bytes = got;
  if (info && info->seed_len) random_mix(info->seed, info->seed_len);
  // The counter around work whose length varies a little on real hardware.
  uint64_t samples[32];
  for (uint64_t& s : samples) {
    s = arch::timer_count();
    for (uint64_t i = 0; i < (s & 63); ++i) asm volatile("" ::: "memory");
  }
  random_mix(samples, sizeof samples);
}

size_t random_hw_seed_bytes() { return g_hw_bytes; }

void random_bytes(void* out, size_t len) {
  uint32_t key[8];
  take_key(key);
  uint32_t nonce[3] = {0, 0, 0};
  uint8_t block[64];
  uint8_t* o = static_cast<uint8_t*>(out);
  for (uint32_t ctr = 0; len > 0; ++ctr) {
    chacha20_block(key, ctr, nonce, block);
    size_t n = len < sizeof block ? len : sizeof block;
    tine_memcpy(o, block, n);
    o += n;
    len -= n;
  }
  tine_memset(block, 0, sizeof block);
  tine_memset(key, 0, sizeof key);
}

// getrandom(buf, len, flags): GRND_NONBLOCK, GRND_RANDOM and GRND_INSECURE
// are accepted (the generator is seeded from boot on, so nothing blocks);
// GRND_RANDOM with GRND_INSECURE, or another bit, is -EINVAL. At most
// INT_MAX bytes a call (Linux's MAX_RW_COUNT is a little less); a large
// request stops early, with what it has, when a signal is to be delivered or
// the caller is to die (exit, SIGKILL), every 4 KiB.
int64_t sys_getrandom(const SyscallArgs& a) {
  constexpr uint64_t kNonblock = 1, kRandom = 2, kInsecure = 4;
  uint64_t flags = a.a[2];
  if (flags & ~(kNonblock | kRandom | kInsecure)) return -EINVAL;
  if ((flags & (kRandom | kInsecure)) == (kRandom | kInsecure)) return -EINVAL;
  uint64_t len = a.a[1];
  if (len > 0x7fffffff) len = 0x7fffffff;
  uint64_t done = 0;
  uint8_t chunk[256];
  Lwp* lp = curlwp();
  while (done < len) {
    if (done > 0 && (done & 4095) == 0 && lwp_should_stop(lp)) break;
    size_t n = len - done < sizeof chunk ? len - done : sizeof chunk;
    random_bytes(chunk, n);
    if (size_t moved = copyout_upto(chunk, a.a[0] + done, n); moved < n) {
      tine_memset(chunk, 0, sizeof chunk);
      done += moved;  // the bytes before the bad page are written
      return done ? static_cast<int64_t>(done) : -EFAULT;
    }
    done += n;
  }
  tine_memset(chunk, 0, sizeof chunk);
  return static_cast<int64_t>(done);
}
