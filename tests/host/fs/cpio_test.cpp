// The newc reader against archives written here, and against broken ones.
#include <gtest/gtest.h>

#include <stdio.h>
#include <string.h>

#include <string>
#include <vector>

#include "kernel/fs/cpio.h"
#include "tests/host/fs/newc_writer.h"

namespace {

void entry(std::string& a, const char* name, const std::string& data, uint32_t mode = 0100755,
           const char* magic = "070701") {
  newc_append(a, name, data, {.mode = mode, .magic = magic});
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

TEST(Cpio, StopsAtTheTrailer) {
  std::string a = archive();
  entry(a, "after", "x");
  CpioReader r(a.data(), a.size());
  CpioEntry e;
  int n = 0;
  while (r.next(&e)) ++n;
  EXPECT_EQ(n, 4);
  EXPECT_FALSE(r.error());
}

TEST(Cpio, Fields) {
  std::string a = archive();
  CpioReader r(a.data(), a.size());
  CpioEntry e;
  ASSERT_TRUE(r.next(&e));
  EXPECT_EQ(e.mode, 040755u);
  ASSERT_TRUE(r.next(&e));
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(e.data), e.size), "INIT-BYTES");
  EXPECT_EQ(e.nlink, 1u);
  EXPECT_EQ(e.ino, 1u);
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
}

}  // namespace
