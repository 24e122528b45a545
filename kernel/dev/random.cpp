#include "kernel/dev/random.h"

#include <stdint.h>

#include "kernel/lib/string.h"
#include "kernel/sync/spinlock.h"
#include "kernel/time/clock.h"

namespace {

LockClass g_random_class{"random", 0};
SpinLock g_random_lock{g_random_class};
uint32_t g_key[8];   // g_random_lock
uint64_t g_counter;  // g_random_lock
bool g_seeded;       // g_random_lock

uint32_t rotl(uint32_t x, int n) {
  return (x << n) | (x >> (32 - n));
}

void quarter(uint32_t* s, int a, int b, int c, int d) {
  s[a] += s[b];
  s[d] = rotl(s[d] ^ s[a], 16);
  s[c] += s[d];
  s[b] = rotl(s[b] ^ s[c], 12);
  s[a] += s[b];
  s[d] = rotl(s[d] ^ s[a], 8);
  s[c] += s[d];
  s[b] = rotl(s[b] ^ s[c], 7);
}

// One 64-byte ChaCha20 block (RFC 8439) of key, block counter and nonce.
void chacha_block(const uint32_t key[8], uint64_t counter, uint64_t nonce, uint32_t out[16]) {
  uint32_t s[16] = {0x61707865,
                    0x3320646e,
                    0x79622d32,
                    0x6b206574,
                    key[0],
                    key[1],
                    key[2],
                    key[3],
                    key[4],
                    key[5],
                    key[6],
                    key[7],
                    static_cast<uint32_t>(counter),
                    static_cast<uint32_t>(counter >> 32),
                    static_cast<uint32_t>(nonce),
                    static_cast<uint32_t>(nonce >> 32)};
  uint32_t x[16];
  for (int i = 0; i < 16; ++i) x[i] = s[i];
  for (int r = 0; r < 10; ++r) {
    quarter(x, 0, 4, 8, 12);
    quarter(x, 1, 5, 9, 13);
    quarter(x, 2, 6, 10, 14);
    quarter(x, 3, 7, 11, 15);
    quarter(x, 0, 5, 10, 15);
    quarter(x, 1, 6, 11, 12);
    quarter(x, 2, 7, 8, 13);
    quarter(x, 3, 4, 9, 14);
  }
  for (int i = 0; i < 16; ++i) out[i] = x[i] + s[i];
}

// A new key from the generator itself (lock held).
void rekey_locked(uint64_t nonce) {
  uint32_t block[16];
  chacha_block(g_key, g_counter++, nonce, block);
  for (int i = 0; i < 8; ++i) g_key[i] = block[i];
  tine_memset(block, 0, sizeof block);
}

void seed_locked() {
  if (g_seeded) return;
  // The counter's low bits, sampled with work between the samples.
  for (int i = 0; i < 8; ++i) {
    g_key[i] ^= static_cast<uint32_t>(clock_ns() * 0x9e3779b97f4a7c15ull >> 17);
    rekey_locked(clock_ns());
  }
  g_seeded = true;
}

}  // namespace

void random_add_entropy(const void* data, size_t n) {
  auto* b = static_cast<const uint8_t*>(data);
  SpinGuard g(g_random_lock);
  for (size_t i = 0; i < n; ++i) g_key[(i / 4) % 8] ^= uint32_t{b[i]} << (8 * (i % 4));
  rekey_locked(clock_ns());
}

void random_bytes(void* buf, size_t n) {
  auto* out = static_cast<uint8_t*>(buf);
  while (n > 0) {
    // A few blocks at a time under the lock, a new key after each request.
    uint32_t block[16];
    size_t chunk = n < 256 ? n : 256;
    {
      SpinGuard g(g_random_lock);
      seed_locked();
      uint64_t nonce = clock_ns();
      for (size_t done = 0; done < chunk; done += 64) {
        chacha_block(g_key, g_counter++, nonce, block);
        size_t m = chunk - done < 64 ? chunk - done : 64;
        tine_memcpy(out + done, block, m);
      }
      rekey_locked(nonce);
    }
    tine_memset(block, 0, sizeof block);
    out += chunk;
    n -= chunk;
  }
}
