// /proc (kernel/fs/procfs.cpp): a new instance, to mount at boot.
#pragma once
#include <stdint.h>

struct Mount;

Mount* procfs_new(uint32_t dev_minor);
