// The RAM file system: directories, regular files, symbolic links and device
// nodes kept in kernel memory. tine's root is one (filled at boot from the
// initramfs and the built-in programs, kernel/fs/initramfs.cpp).
//
// What it holds is charged to users as kFsUnits (kernel/fs/charge.h): each
// node and each directory entry one unit to the user who made it, each data
// or index page one unit to the user who made the file (writing into another
// user's file charges its owner, within the writer's limits). Out of units:
// -ENOSPC.
#pragma once
#include <stdint.h>

struct Mount;

// A new, empty ramfs: its root directory (mode 0755, owned by root).
Mount* ramfs_new(uint32_t dev_minor);
