// The generator's block function against RFC 8439's test vector, and the
// generator's output.
#include "kernel/ktest/ktest.h"
#include "kernel/lib/string.h"
#include "kernel/random/chacha20.h"
#include "kernel/random/random.h"

// RFC 8439 section 2.3.2: key 00..1f, counter 1, nonce 00:00:00:09:00:00:00:4a:00:00:00:00.
KTEST(random_chacha20_rfc8439) {
  uint32_t key[8];
  uint8_t kb[32];
  for (int i = 0; i < 32; ++i) kb[i] = static_cast<uint8_t>(i);
  tine_memcpy(key, kb, sizeof key);
  const uint32_t nonce[3] = {0x09000000, 0x4a000000, 0};
  uint8_t out[64];
  chacha20_block(key, 1, nonce, out);
  static const uint8_t kExpected[16] = {0x10, 0xf1, 0xe7, 0xe4, 0xd1, 0x3b, 0x59, 0x15,
                                        0x50, 0x0f, 0xdd, 0x1f, 0xa3, 0x20, 0x71, 0xc4};
  static const uint8_t kTail[4] = {0xa2, 0x50, 0x3c, 0x4e};
  KEXPECT(tine_memcmp(out, kExpected, sizeof kExpected) == 0);
  KEXPECT(tine_memcmp(out + 60, kTail, sizeof kTail) == 0);
}

// Two requests never repeat, and the bytes are not degenerate.
KTEST(random_bytes_differ) {
  uint8_t a[64], b[64];
  random_bytes(a, sizeof a);
  random_bytes(b, sizeof b);
  KEXPECT(tine_memcmp(a, b, sizeof a) != 0);
  int ones = 0;
  for (uint8_t x : a)
    for (int i = 0; i < 8; ++i) ones += (x >> i) & 1;
  KEXPECT(ones > 160 && ones < 352);  // 256 expected; far outside is broken
}
