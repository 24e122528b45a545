// Character devices by number, as device nodes name them (Linux's numbers:
// 1:3 null, 1:5 zero, 1:8 random, 1:9 urandom, 5:0 tty, 5:1 console). A
// driver registers its operations for a number; opening a node with that
// number gives a File whose reads, writes, polls and ioctls go to them. A
// later registration for the same number replaces the earlier one (the
// terminal's line discipline takes over the console this way).
#pragma once
#include <stdint.h>

#include "kernel/fs/fscred.h"

struct File;
struct Uio;

struct CharDevOps {
  int (*open)(File* fp);  // may be null
  int64_t (*read)(File* fp, Uio* uio);
  int64_t (*write)(File* fp, Uio* uio);
  int (*poll)(File* fp, int events);                   // null: always ready
  int (*ioctl)(File* fp, uint64_t cmd, uint64_t arg);  // null: -ENOTTY
  void (*close)(File* fp);                             // may be null
  bool seekable;  // lseek answers 0 (the memory devices); else -ESPIPE
};

void chardev_register(uint32_t major, uint32_t minor, const CharDevOps* ops);
const CharDevOps* chardev_lookup(uint32_t major, uint32_t minor);

// The devices tine has: /dev/null, zero, random, urandom (kernel/dev/mem.cpp)
// and the console and tty (kernel/tty/tty.cpp: the terminal).
void mem_devices_init();
void console_device_init();
