// Reading cpio archives in the "newc" format (cpio -H newc; what Linux's
// initramfs uses): each entry is a 110-byte ASCII header ("070701" or
// "070702", then 13 eight-digit hex fields), the name (NUL-terminated, padded
// so header + name is a multiple of 4), then the data (padded to 4). The entry
// named "TRAILER!!!" ends the archive. Portable, allocation-free, and strict:
// a malformed or truncated archive stops the walk with an error.
#pragma once
#include <stddef.h>
#include <stdint.h>

struct CpioEntry {
  const char* name;  // NUL-terminated, inside the archive
  size_t name_len;   // without the NUL
  const uint8_t* data;
  size_t size;
  uint32_t mode;  // st_mode: type and permission bits
  uint32_t ino;
  uint32_t uid, gid;
  uint32_t nlink;
  uint32_t mtime;
  uint32_t rdev_major, rdev_minor;  // device nodes
};

inline constexpr uint32_t kCpioTypeMask = 0170000;
inline constexpr uint32_t kCpioRegular = 0100000;
inline constexpr uint32_t kCpioDir = 0040000;
inline constexpr uint32_t kCpioSymlink = 0120000;
inline constexpr uint32_t kCpioCharDev = 0020000;
inline constexpr uint32_t kCpioFifo = 0010000;

class CpioReader {
 public:
  CpioReader(const void* base, size_t size)
      : base_(static_cast<const uint8_t*>(base)), size_(size) {}
  // The next entry; false at the trailer, at the end of the data, or on an error.
  bool next(CpioEntry* e);
  // The walk stopped at something that is not a valid archive.
  bool error() const { return error_; }

 private:
  const uint8_t* base_;
  size_t size_;
  size_t pos_ = 0;
  bool done_ = false;
  bool error_ = false;
};
