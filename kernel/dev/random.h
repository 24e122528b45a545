// The kernel's random numbers: a ChaCha20 generator whose key is replaced
// after every request (so what was handed out cannot be worked back to), fed
// by random_add_entropy. Until a hardware source feeds it (the RNG200 on a
// Pi 4), its only input is the counter's timing at boot and at each request:
// distinct values, unpredictable to a program only as far as that timing is.
#pragma once
#include <stddef.h>

void random_bytes(void* buf, size_t n);
// Mixes n bytes into the key (any source, any time; IRQ-safe).
void random_add_entropy(const void* data, size_t n);
