// The kernel's random numbers: a ChaCha20 generator with fast key erasure
// (each request takes a fresh key and moves the pool's key on, so what was
// handed out cannot be reconstructed from the state). Seeded at boot from the
// board's hardware generator (the Pi 4's RNG200) where there is one, the
// seeds the boot firmware passes in the device tree, and the counter's
// timing; later mixing adds to it. On QEMU's raspi4b only the timing is
// there: the numbers are unpredictable only as far as that is (and repeat
// under -icount, whose time is the instruction count).
#pragma once
#include <stddef.h>
#include <stdint.h>

struct BootInfo;

// Seeds the generator (boot CPU, once, after the board and the clock).
void random_init(const BootInfo* info);
// Mixes bytes into the generator's key.
void random_mix(const void* data, size_t len);
// len random bytes.
void random_bytes(void* out, size_t len);
// How many bytes of hardware entropy seeded it (0 on QEMU).
size_t random_hw_seed_bytes();

struct SyscallArgs;
int64_t sys_getrandom(const SyscallArgs& a);
