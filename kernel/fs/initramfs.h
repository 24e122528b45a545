// Filling the tree at boot from newc cpio archives (kernel/fs/initramfs.cpp),
// and the boot of the file layer as a whole (kernel/fs/fs_init.cpp).
#pragma once
#include <stddef.h>

// Unpacks the archive into the root as root; `what` names it in messages.
// 0, or -EINVAL when the archive is malformed (what came before is kept).
int initramfs_unpack(const void* base, size_t size, const char* what);

// The root file system, filled from the built-in programs (under /bin) and
// then the initramfs; /dev with the device nodes, /proc, /tmp; the bounds of
// what users may hold. Once, before the first program runs.
void fs_init();
