// The ChaCha20 block function (RFC 8439, section 2.3): 64 bytes of keystream
// from a 256-bit key, a 32-bit block counter and a 96-bit nonce.
#pragma once
#include <stdint.h>

void chacha20_block(const uint32_t key[8], uint32_t counter, const uint32_t nonce[3],
                    uint8_t out[64]);
