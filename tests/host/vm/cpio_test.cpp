// The newc reader against archives written here, and against broken ones.
#include <gtest/gtest.h>

#include <stdio.h>
#include <string.h>

#include <string>
#include <vector>

#include "kernel/fs/cpio.h"

namespace {

void pad4(std::string& s) {
  while (s.size() % 4) s.push_back('\0');
}

void entry(std::string& a, const char* name, const std::string& data, uint32_t mode = 0100755,
           const char* magic = "070701") {
  char h[111];
  snprintf(h, sizeof h, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", magic, 1u, mode,
           0u, 0u, 1u, 0u, static_cast<unsigned>(data.size()), 0u, 0u, 0u, 0u,
           static_cast<unsigned>(strlen(name) + 1), 0u);
  a += std::string(h, 110);
  a += name;
  a.push_back('\0');
  pad4(a);
  a += data;
  pad4(a);
}

std::string archive() {
  std::string a;
  entry(a, "bin", "", 040755);
  entry(a, "bin/init", "INIT-BYTES");
  entry(a, "./etc/motd", "hello\n", 0100644, "070702");
  entry(a, "empty", "");
  entry(a, "TRAILER!!!", "", 0);
  return a;
}

TEST(Cpio, WalksEveryEntry) {
  std::string a = archive();
  CpioReader r(a.data(), a.size());
  CpioEntry e;
  std::vector<std::string> names;
  while (r.next(&e)) names.push_back(std::string(e.name, e.name_len));
  EXPECT_FALSE(r.error());
  EXPECT_EQ(names, (std::vector<std::string>{"bin", "bin/init", "./etc/motd", "empty"}));
}

TEST(Cpio, FindsFilesByAnySpelling) {
  std::string a = archive();
  CpioEntry e;
  for (const char* p : {"bin/init", "/bin/init", "./bin/init", "//bin/init"}) {
    ASSERT_TRUE(cpio_find(a.data(), a.size(), p, &e)) << p;
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(e.data), e.size), "INIT-BYTES");
  }
  ASSERT_TRUE(cpio_find(a.data(), a.size(), "/etc/motd", &e));
  EXPECT_EQ(e.size, 6u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(e.data) % 4, reinterpret_cast<uintptr_t>(a.data()) % 4);
  ASSERT_TRUE(cpio_find(a.data(), a.size(), "empty", &e));
  EXPECT_EQ(e.size, 0u);
  EXPECT_FALSE(cpio_find(a.data(), a.size(), "bin", &e));  // a directory
  EXPECT_FALSE(cpio_find(a.data(), a.size(), "bin/ini", &e));
  EXPECT_FALSE(cpio_find(a.data(), a.size(), "TRAILER!!!", &e));
}

TEST(Cpio, StopsAtTheTrailer) {
  std::string a = archive();
  entry(a, "after", "x");
  CpioEntry e;
  EXPECT_FALSE(cpio_find(a.data(), a.size(), "after", &e));
}

TEST(Cpio, RejectsDamage) {
  const std::string good = archive();
  auto walk_fails = [](const std::string& a) {
    CpioReader r(a.data(), a.size());
    CpioEntry e;
    while (r.next(&e)) {
    }
    return r.error();
  };
  std::string a = good;
  a[3] = '8';
  EXPECT_TRUE(walk_fails(a));  // magic
  a = good;
  a[5] = '7';
  EXPECT_TRUE(walk_fails(a));  // neither 070701 nor 070702
  a = good;
  a[20] = 'g';
  EXPECT_TRUE(walk_fails(a));  // not hex
  // Truncated anywhere inside an entry.
  for (size_t cut : {size_t{50}, size_t{112}, size_t{130}, good.size() - 20}) {
    EXPECT_TRUE(walk_fails(good.substr(0, cut))) << cut;
  }
  // A name whose last byte is not NUL.
  std::string b;
  entry(b, "x", "");
  b[110 + 1] = 'y';
  EXPECT_TRUE(walk_fails(b));
  // A file size beyond the archive.
  std::string c;
  entry(c, "big", "abc");
  c[6 + 8 * 6 + 7] = 'F';
  EXPECT_TRUE(walk_fails(c));
  // No trailer at all is accepted: the data just ends.
  std::string d;
  entry(d, "only", "1");
  EXPECT_FALSE(walk_fails(d));
  CpioEntry e;
  EXPECT_TRUE(cpio_find(d.data(), d.size(), "only", &e));
}

}  // namespace
