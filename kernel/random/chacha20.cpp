#include "kernel/random/chacha20.h"

#include "kernel/lib/string.h"

namespace {

constexpr uint32_t rotl(uint32_t v, int n) { return (v << n) | (v >> (32 - n)); }

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

}  // namespace

void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3],
                    uint8_t out[64]) {
  // "expand 32-byte k", the key, the counter, the nonce.
  uint32_t init[16] = {0x61707865, 0x3320646e, 0x79622d32, 0x6b206574};
  for (int i = 0; i < 8; ++i) init[4 + i] = key[i];
  init[12] = counter;
  for (int i = 0; i < 3; ++i) init[13 + i] = nonce[i];
  uint32_t s[16];
  for (int i = 0; i < 16; ++i) s[i] = init[i];
  for (int round = 0; round < 10; ++round) {  // 20 rounds: a column and a diagonal round each
    quarter(s, 0, 4, 8, 12);
    quarter(s, 1, 5, 9, 13);
    quarter(s, 2, 6, 10, 14);
    quarter(s, 3, 7, 11, 15);
    quarter(s, 0, 5, 10, 15);
    quarter(s, 1, 6, 11, 12);
    quarter(s, 2, 7, 8, 13);
    quarter(s, 3, 4, 9, 14);
  }
  for (int i = 0; i < 16; ++i) {
    uint32_t w = s[i] + init[i];  // little-endian words, as the RFC serialises them
    tine_memcpy(out + 4 * i, &w, 4);
  }
}
