#include "kernel/fs/cpio.h"

namespace {

constexpr size_t kHeaderSize = 110;

bool hex8(const uint8_t* p, uint32_t* out) {
  uint32_t v = 0;
  for (int i = 0; i < 8; ++i) {
    uint8_t c = p[i];
    uint32_t d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else if (c >= 'A' && c <= 'F')
      d = c - 'A' + 10;
    else
      return false;
    v = (v << 4) | d;
  }
  *out = v;
  return true;
}

size_t align4(size_t x) { return (x + 3) & ~size_t{3}; }

bool same(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

}  // namespace

bool CpioReader::next(CpioEntry* e) {
  if (done_ || error_) return false;
  if (pos_ == size_) {  // ended without a trailer: accept (some tools omit padding)
    done_ = true;
    return false;
  }
  if (size_ - pos_ < kHeaderSize) {
    error_ = true;
    return false;
  }
  const uint8_t* h = base_ + pos_;
  static const char kMagic[] = "07070";
  for (int i = 0; i < 5; ++i)
    if (h[i] != static_cast<uint8_t>(kMagic[i])) {
      error_ = true;
      return false;
    }
  if (h[5] != '1' && h[5] != '2') {
    error_ = true;
    return false;
  }
  uint32_t field[13];
  for (int i = 0; i < 13; ++i)
    if (!hex8(h + 6 + 8 * i, &field[i])) {
      error_ = true;
      return false;
    }
  uint32_t mode = field[1], filesize = field[6], namesize = field[11];
  size_t name_at = pos_ + kHeaderSize;
  if (namesize == 0 || size_ - name_at < namesize || base_[name_at + namesize - 1] != 0) {
    error_ = true;
    return false;
  }
  size_t data_at = align4(name_at + namesize);
  if (data_at > size_ || size_ - data_at < filesize) {
    error_ = true;
    return false;
  }
  const char* name = reinterpret_cast<const char*>(base_ + name_at);
  if (namesize == 11 && same(name, "TRAILER!!!")) {
    done_ = true;
    return false;
  }
  e->name = name;
  e->name_len = namesize - 1;
  e->data = base_ + data_at;
  e->size = filesize;
  e->mode = mode;
  e->ino = field[0];
  e->uid = field[2];
  e->gid = field[3];
  e->nlink = field[4];
  e->mtime = field[5];
  e->rdev_major = field[9];
  e->rdev_minor = field[10];
  size_t next = align4(data_at + filesize);
  pos_ = next < size_ ? next : size_;
  return true;
}
