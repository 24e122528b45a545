// Writes newc cpio entries (the format tools/mkcpio.py writes and
// kernel/fs/cpio.cpp reads), for the tests that build archives.
#pragma once
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <string>

// The header fields a test chooses; the others are 0.
struct NewcFields {
  uint32_t ino = 1;
  uint32_t mode = 0100755;
  uint32_t uid = 0, gid = 0;
  uint32_t nlink = 1;
  uint32_t mtime = 0;
  uint32_t rdev_major = 0, rdev_minor = 0;  // a device node's
  const char* magic = "070701";             // "070702": the same with a checksum field
};

// Appends name's header, name and data to archive a, each padded to 4 bytes.
inline void newc_append(std::string& a, const char* name, const std::string& data,
                        const NewcFields& f) {
  auto pad4 = [&a] {
    while (a.size() % 4) a.push_back('\0');
  };
  char h[111];
  snprintf(h, sizeof h, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", f.magic, f.ino,
           f.mode, f.uid, f.gid, f.nlink, f.mtime, static_cast<unsigned>(data.size()), 0u, 0u,
           f.rdev_major, f.rdev_minor, static_cast<unsigned>(strlen(name) + 1), 0u);
  a += std::string(h, 110);
  a += name;
  a.push_back('\0');
  pad4();
  a += data;
  pad4();
}
