// Unpacking newc archives into the tree: every kind of entry, attributes,
// hard links, and what replaces what.
// The kernel's headers first: they name Linux's constants (S_IFMT, O_CREAT, ...),
// which the host's headers define as macros.
#include "kernel/fs/initramfs.h"
#include "kernel/fs/namei.h"
#include "kernel/fs/vfs.h"
#include "tests/host/fs/fs_host_env.h"
#include "tests/host/fs/newc_writer.h"

#include <gtest/gtest.h>
#include <stdio.h>
#include <string.h>
#include <string>

namespace {

using Initramfs = FsArena;

// uid is the entry's gid too.
void entry(std::string& a, const char* name, const std::string& data, uint32_t mode,
           uint32_t ino = 1, uint32_t nlink = 1, uint32_t uid = 0, uint32_t mtime = 0,
           uint32_t rmaj = 0, uint32_t rmin = 0) {
  newc_append(a, name, data,
              {.ino = ino,
               .mode = mode,
               .uid = uid,
               .gid = uid,
               .nlink = nlink,
               .mtime = mtime,
               .rdev_major = rmaj,
               .rdev_minor = rmin});
}

linux_stat stat_of(const char* path, bool follow = false) {
  linux_stat st{};
  Vnode* v;
  if (vfs_lookup(vfs_root(), path, follow, kRootCred, &v) == 0) {
    vn_stat(v, &st);
    vrele(v);
  }
  return st;
}

TEST_F(Initramfs, EveryKind) {
  std::string a;
  entry(a, ".", "", 040755);
  entry(a, "bin", "", 040755, 2);
  entry(a, "bin/prog", "PROGRAM", 0100755, 3, 1, 1000, 12345);
  entry(a, "./etc/motd", "hi\n", 0100600, 4);  // its directory is made for it
  entry(a, "bin/sh", "prog", 0120777, 5);
  entry(a, "dev", "", 040755, 6);
  entry(a, "dev/null", "", 020666, 7, 1, 0, 0, 1, 3);
  entry(a, "fifo", "", 010640, 8, 1, 1000, 0);  // a FIFO node
  entry(a, "sock", "", 0140644, 10);            // skipped
  entry(a, "bin/a", "", 0100755, 9, 2);         // a hard link: the data comes with the last
  entry(a, "bin/b", "LINKED", 0100755, 9, 2);
  entry(a, "TRAILER!!!", "", 0);
  ASSERT_EQ(initramfs_unpack(a.data(), a.size(), "test"), 0);
  EXPECT_EQ(host_get("/bin/prog"), "PROGRAM");
  linux_stat st = stat_of("/bin/prog");
  EXPECT_EQ(st.st_mode, S_IFREG | 0755u);
  EXPECT_EQ(st.st_uid, 1000u);
  EXPECT_EQ(st.st_mtime_sec, 12345);
  EXPECT_EQ(host_get("/etc/motd"), "hi\n");
  EXPECT_EQ(stat_of("/etc/motd").st_mode, S_IFREG | 0600u);
  EXPECT_EQ(stat_of("/bin/sh").st_mode & S_IFMT, S_IFLNK);
  EXPECT_EQ(host_get("/bin/sh"), "PROGRAM");
  st = stat_of("/dev/null");
  EXPECT_EQ(st.st_mode, S_IFCHR | 0666u);
  EXPECT_EQ(st.st_rdev, linux_encode_dev(1, 3));
  st = stat_of("/fifo");
  EXPECT_EQ(st.st_mode, S_IFIFO | 0640u);
  EXPECT_EQ(st.st_uid, 1000u);
  EXPECT_EQ(st.st_rdev, 0u);
  EXPECT_EQ(stat_of("/sock").st_mode, 0u);
  EXPECT_EQ(host_get("/bin/a"), "LINKED");
  EXPECT_EQ(stat_of("/bin/a").st_ino, stat_of("/bin/b").st_ino);
  EXPECT_EQ(stat_of("/bin/a").st_nlink, 2u);
  // A second archive replaces files and keeps directories.
  std::string b;
  entry(b, "bin/prog", "NEW", 0100700, 1);
  entry(b, "TRAILER!!!", "", 0);
  ASSERT_EQ(initramfs_unpack(b.data(), b.size(), "second"), 0);
  EXPECT_EQ(host_get("/bin/prog"), "NEW");
  EXPECT_EQ(host_get("/bin/a"), "LINKED");
  // Malformed: what came before stays.
  std::string bad = b.substr(0, 50);
  EXPECT_EQ(initramfs_unpack(bad.data(), bad.size(), "broken"), -EINVAL);
  for (const char* p :
       {"/bin/prog", "/etc/motd", "/bin/sh", "/dev/null", "/fifo", "/bin/a", "/bin/b"})
    EXPECT_EQ(vfs_unlink(vfs_root(), p, false, kRootCred), 0) << p;
  for (const char* p : {"/bin", "/etc", "/dev"})
    EXPECT_EQ(vfs_unlink(vfs_root(), p, true, kRootCred), 0);
}

}  // namespace
