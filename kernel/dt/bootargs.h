// Looking up options in the kernel command line (/chosen/bootargs).
#pragma once
#include <stddef.h>

// Finds `key` in a space-separated command line such as
// "console=serial0,115200 quiet root=\"/dev/mmc blk\"".
// - "key=value": value is copied to out (NUL-terminated, truncated to n - 1
//   bytes like strlcpy); double quotes group spaces and are dropped.
// - bare "key": out becomes "".
// A key given more than once: the last wins, as later options override earlier.
// Arguments after a lone "--" belong to init and are not searched.
// Returns whether the key is present. out may be nullptr (or n 0) to test presence.
bool bootarg(const char* args, const char* key, char* out, size_t n);

// The kernel's command line as the loader gave it (kernel/init/main.cpp keeps
// it; /proc/cmdline shows it).
const char* kernel_bootargs();
