// Path lookup, the RAM file system and the name-space rules, on the host.
// The kernel's headers first: they name Linux's constants (S_IFMT, O_CREAT, ...),
// which the host's headers define as macros.
#include "kernel/fs/vfs.h"
#include "kernel/fs/charge.h"
#include "kernel/fs/namei.h"
#include "kernel/uapi/error_numbers.h"
#include "tests/host/fs/fs_host_env.h"

#include <gtest/gtest.h>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace {

using Vfs = FsArena;

Vnode* root() { return vfs_root(); }

int look(const char* path, bool follow = true, const FsCred& cr = kRootCred) {
  Vnode* v;
  int e = vfs_lookup(root(), path, follow, cr, &v);
  if (e) return e;
  vrele(v);
  return 0;
}

VType type_of(const char* path, bool follow = true) {
  Vnode* v;
  if (vfs_lookup(root(), path, follow, kRootCred, &v)) return VType::kNone;
  VType t = v->type;
  vrele(v);
  return t;
}

std::vector<std::string> list(const char* path) {
  std::vector<std::string> names;
  Vnode* v;
  if (vfs_lookup(root(), path, true, kRootCred, &v)) return names;
  (void)vfs_readdir(
      v, 0,
      [](void* ctx, uint64_t, uint64_t, uint8_t, const char* name, size_t len) {
        static_cast<std::vector<std::string>*>(ctx)->emplace_back(name, len);
        return true;
      },
      &names);
  vrele(v);
  return names;
}

TEST_F(Vfs, MakeReadRemove) {
  ASSERT_EQ(vfs_mkdir(root(), "/a", 0755, 0, kRootCred), 0);
  ASSERT_EQ(vfs_mkdir(root(), "/a/b", 0755, 0, kRootCred), 0);
  EXPECT_EQ(vfs_mkdir(root(), "/a/b", 0755, 0, kRootCred), -EEXIST);
  EXPECT_EQ(host_put("/a/b/f", "hello"), 0);
  EXPECT_EQ(host_get("/a/b/f"), "hello");
  EXPECT_EQ(host_get("/a/./b/../b/f"), "hello");
  EXPECT_EQ(host_get("//a///b/f"), "hello");
  EXPECT_EQ(host_get("/../../a/b/f"), "hello");  // ".." at the root stays there
  EXPECT_EQ(look("/a/b/f/"), -ENOTDIR);
  EXPECT_EQ(look("/a/b/f/x"), -ENOTDIR);
  EXPECT_EQ(look("/a/nope"), -ENOENT);
  EXPECT_EQ(look(""), -ENOENT);
  std::string longname(256, 'x');
  EXPECT_EQ(look(("/a/" + longname).c_str()), -ENAMETOOLONG);
  EXPECT_EQ(vfs_unlink(root(), "/a/b", true, kRootCred), -ENOTEMPTY);
  EXPECT_EQ(vfs_unlink(root(), "/a/b", false, kRootCred), -EISDIR);
  EXPECT_EQ(vfs_unlink(root(), "/a/b/f", true, kRootCred), -ENOTDIR);
  EXPECT_EQ(vfs_unlink(root(), "/a/b/.", true, kRootCred), -EINVAL);
  EXPECT_EQ(vfs_unlink(root(), "/a/b/..", true, kRootCred), -ENOTEMPTY);
  EXPECT_EQ(vfs_unlink(root(), "/", true, kRootCred), -EBUSY);
  EXPECT_EQ(vfs_unlink(root(), "/a/b/f", false, kRootCred), 0);
  EXPECT_EQ(vfs_unlink(root(), "/a/b", true, kRootCred), 0);
  EXPECT_EQ(vfs_unlink(root(), "/a", true, kRootCred), 0);
  EXPECT_EQ(list("/"), (std::vector<std::string>{".", ".."}));
}

TEST_F(Vfs, SymbolicLinks) {
  ASSERT_EQ(vfs_mkdir(root(), "/d", 0755, 0, kRootCred), 0);
  ASSERT_EQ(host_put("/d/f", "data"), 0);
  EXPECT_EQ(vfs_symlink("f", root(), "/d/rel", kRootCred), 0);
  EXPECT_EQ(vfs_symlink("/d", root(), "/abs", kRootCred), 0);
  EXPECT_EQ(host_get("/d/rel"), "data");
  EXPECT_EQ(host_get("/abs/rel"), "data");
  EXPECT_EQ(type_of("/abs", false), VType::kLnk);
  EXPECT_EQ(type_of("/abs/"), VType::kDir);
  char buf[16];
  EXPECT_EQ(vfs_readlink(root(), "/abs", buf, sizeof buf, kRootCred), 2);
  EXPECT_EQ(vfs_readlink(root(), "/d/f", buf, sizeof buf, kRootCred), -EINVAL);
  // A loop, and chains of 40 (followed) and 41 (-ELOOP).
  EXPECT_EQ(vfs_symlink("/loop2", root(), "/loop1", kRootCred), 0);
  EXPECT_EQ(vfs_symlink("/loop1", root(), "/loop2", kRootCred), 0);
  EXPECT_EQ(look("/loop1"), -ELOOP);
  for (int i = 0; i <= 40; ++i) {
    std::string name = "/c" + std::to_string(i);
    std::string target = i == 40 ? "/d/f" : "c" + std::to_string(i + 1);
    ASSERT_EQ(vfs_symlink(target.c_str(), root(), name.c_str(), kRootCred), 0);
  }
  EXPECT_EQ(look("/c1"), 0);
  EXPECT_EQ(look("/c0"), -ELOOP);
  // Removing names: the links go, their targets stay.
  for (int i = 0; i <= 40; ++i)
    EXPECT_EQ(vfs_unlink(root(), ("/c" + std::to_string(i)).c_str(), false, kRootCred), 0);
  EXPECT_EQ(vfs_unlink(root(), "/abs/", false, kRootCred), -ENOTDIR);  // the link, not followed
  EXPECT_EQ(vfs_unlink(root(), "/abs", false, kRootCred), 0);
  for (const char* p : {"/loop1", "/loop2", "/d/rel", "/d/f"})
    EXPECT_EQ(vfs_unlink(root(), p, false, kRootCred), 0) << p;
  EXPECT_EQ(vfs_unlink(root(), "/d", true, kRootCred), 0);
}

TEST_F(Vfs, RenameRules) {
  ASSERT_EQ(vfs_mkdir(root(), "/x", 0755, 0, kRootCred), 0);
  ASSERT_EQ(vfs_mkdir(root(), "/x/y", 0755, 0, kRootCred), 0);
  ASSERT_EQ(vfs_mkdir(root(), "/z", 0755, 0, kRootCred), 0);
  ASSERT_EQ(host_put("/f", "F"), 0);
  ASSERT_EQ(host_put("/g", "G"), 0);
  EXPECT_EQ(vfs_rename(root(), "/x", root(), "/x/y/x", 0, kRootCred), -EINVAL);
  EXPECT_EQ(vfs_rename(root(), "/f", root(), "/z", 0, kRootCred), -EISDIR);
  EXPECT_EQ(vfs_rename(root(), "/z", root(), "/f", 0, kRootCred), -ENOTDIR);
  EXPECT_EQ(vfs_rename(root(), "/z", root(), "/x", 0, kRootCred), -ENOTEMPTY);
  EXPECT_EQ(vfs_rename(root(), "/f", root(), "/g", RENAME_NOREPLACE, kRootCred), -EEXIST);
  EXPECT_EQ(vfs_rename(root(), "/f", root(), "/g", RENAME_EXCHANGE, kRootCred), 0);
  EXPECT_EQ(host_get("/f"), "G");
  EXPECT_EQ(vfs_rename(root(), "/f", root(), "/g", 0, kRootCred), 0);
  EXPECT_EQ(host_get("/g"), "G");
  EXPECT_EQ(look("/f"), -ENOENT);
  // A directory moves: its ".." follows.
  EXPECT_EQ(vfs_rename(root(), "/x/y", root(), "/z/y", 0, kRootCred), 0);
  EXPECT_EQ(host_put("/z/y/../inz", "in z"), 0);
  EXPECT_EQ(host_get("/z/inz"), "in z");
  char cwd[64];
  Vnode* y;
  ASSERT_EQ(vfs_lookup(root(), "/z/y", true, kRootCred, &y), 0);
  EXPECT_EQ(vfs_getcwd(y, vfs_root(), cwd, sizeof cwd), 5);
  EXPECT_STREQ(cwd, "/z/y");
  EXPECT_EQ(vfs_getcwd(y, vfs_root(), cwd, 4), -ERANGE);
  // From a root of a process's own (chroot): the path from there; a
  // directory outside it is "(unreachable)" and its path from the tree's root.
  Vnode *z, *x;
  ASSERT_EQ(vfs_lookup(root(), "/z", true, kRootCred, &z), 0);
  ASSERT_EQ(vfs_lookup(root(), "/x", true, kRootCred, &x), 0);
  EXPECT_EQ(vfs_getcwd(y, z, cwd, sizeof cwd), 3);
  EXPECT_STREQ(cwd, "/y");
  EXPECT_EQ(vfs_getcwd(z, z, cwd, sizeof cwd), 2);
  EXPECT_STREQ(cwd, "/");
  EXPECT_EQ(vfs_getcwd(x, z, cwd, sizeof cwd), 16);
  EXPECT_STREQ(cwd, "(unreachable)/x");
  EXPECT_EQ(vfs_getcwd(x, z, cwd, 10), -ERANGE);
  vrele(x);
  vrele(z);
  // Removed while held: getcwd says so, and nothing can be made in it.
  EXPECT_EQ(vfs_unlink(root(), "/z/y", true, kRootCred), 0);
  EXPECT_EQ(vfs_getcwd(y, vfs_root(), cwd, sizeof cwd), -ENOENT);
  EXPECT_EQ(vfs_mkdir(y, "new", 0755, 0, kRootCred), -ENOENT);
  vrele(y);
  for (const char* p : {"/g", "/z/inz"}) EXPECT_EQ(vfs_unlink(root(), p, false, kRootCred), 0);
  for (const char* p : {"/z", "/x"}) EXPECT_EQ(vfs_unlink(root(), p, true, kRootCred), 0);
}

// The names /proc/PID/fd shows: directories by their parents, other nodes by
// a search for an entry naming them.
std::string name_of(const char* path, int* err = nullptr) {
  Vnode* v;
  if (int e = vfs_lookup(root(), path, false, kRootCred, &v); e)
    return "lookup " + std::to_string(e);
  char buf[kPathMax];
  lockmgr(&g_namespace_lock, LK_SHARED);
  int n = vfs_name_locked(v, buf, sizeof buf);
  lockmgr(&g_namespace_lock, LK_RELEASE);
  vrele(v);
  if (err) *err = n < 0 ? n : 0;
  if (n < 0) return "";
  EXPECT_EQ(static_cast<size_t>(n), std::string(buf).size());
  return std::string(buf, static_cast<size_t>(n));
}

TEST_F(Vfs, NameOfNodes) {
  ASSERT_EQ(vfs_mkdir(root(), "/n", 0755, 0, kRootCred), 0);
  ASSERT_EQ(vfs_mkdir(root(), "/n/sub", 0755, 0, kRootCred), 0);
  ASSERT_EQ(vfs_mkdir(root(), "/n/sub/deeper", 0755, 0, kRootCred), 0);
  ASSERT_EQ(host_put("/n/sub/deeper/f", "f"), 0);
  ASSERT_EQ(host_put("/top", "t"), 0);
  EXPECT_EQ(name_of("/"), "/");
  EXPECT_EQ(name_of("/n/sub"), "/n/sub");
  EXPECT_EQ(name_of("/n/sub/deeper/f"), "/n/sub/deeper/f");
  EXPECT_EQ(name_of("/top"), "/top");
  ASSERT_EQ(vfs_symlink("top", root(), "/n/ln", kRootCred), 0);
  EXPECT_EQ(name_of("/n/ln"), "/n/ln");
  // Another name nearer the root is found first; once it goes, the first again.
  ASSERT_EQ(vfs_link(root(), "/n/sub/deeper/f", root(), "/n/hard", false, kRootCred), 0);
  EXPECT_EQ(name_of("/n/sub/deeper/f"), "/n/hard");
  EXPECT_EQ(vfs_unlink(root(), "/n/hard", false, kRootCred), 0);
  // Renamed: the new name.
  EXPECT_EQ(vfs_rename(root(), "/n/sub/deeper/f", root(), "/n/sub/g", 0, kRootCred), 0);
  EXPECT_EQ(name_of("/n/sub/g"), "/n/sub/g");
  // Removed while held: no name.
  Vnode* v;
  ASSERT_EQ(vfs_lookup(root(), "/n/sub/g", true, kRootCred, &v), 0);
  EXPECT_EQ(vfs_unlink(root(), "/n/sub/g", false, kRootCred), 0);
  char buf[64];
  lockmgr(&g_namespace_lock, LK_SHARED);
  EXPECT_EQ(vfs_name_locked(v, buf, sizeof buf), -ENOENT);
  lockmgr(&g_namespace_lock, LK_RELEASE);
  vrele(v);
  // Too small a buffer.
  ASSERT_EQ(vfs_lookup(root(), "/n/sub/deeper", true, kRootCred, &v), 0);
  lockmgr(&g_namespace_lock, LK_SHARED);
  EXPECT_EQ(vfs_name_locked(v, buf, 5), -ERANGE);
  lockmgr(&g_namespace_lock, LK_RELEASE);
  vrele(v);
  // Deeper than the search goes: not found (a directory still is, by its parents).
  std::string deep = "/n";
  for (int i = 0; i < 40; ++i) {
    deep += "/d";
    ASSERT_EQ(vfs_mkdir(root(), deep.c_str(), 0755, 0, kRootCred), 0);
  }
  EXPECT_EQ(name_of(deep.c_str()), deep);
  ASSERT_EQ(host_put((deep + "/f").c_str(), "x"), 0);
  int err = 0;
  EXPECT_EQ(name_of((deep + "/f").c_str(), &err), "");
  EXPECT_EQ(err, -ENOENT);
  EXPECT_EQ(vfs_unlink(root(), (deep + "/f").c_str(), false, kRootCred), 0);
  for (int i = 0; i < 40; ++i) {
    EXPECT_EQ(vfs_unlink(root(), deep.c_str(), true, kRootCred), 0);
    deep.resize(deep.size() - 2);
  }
  // A directory with many subdirectories costs the search its budget: a file
  // deep in it goes unnamed rather than the search going on and on; the
  // search still looks where it is cheap.
  ASSERT_EQ(vfs_mkdir(root(), "/wide", 0755, 0, kRootCred), 0);
  for (int i = 0; i < 2000; ++i)
    ASSERT_EQ(vfs_mkdir(root(), ("/wide/" + std::to_string(i)).c_str(), 0755, 0, kRootCred), 0);
  ASSERT_EQ(host_put("/wide/1999/f", "w"), 0);
  ASSERT_EQ(vfs_mkdir(root(), "/z", 0755, 0, kRootCred), 0);
  ASSERT_EQ(host_put("/z/f", "z"), 0);
  EXPECT_EQ(name_of("/wide/1999/f", &err), "");
  EXPECT_EQ(err, -ENOENT);
  EXPECT_EQ(name_of("/z/f"), "/z/f");
  EXPECT_EQ(name_of("/wide/1999"), "/wide/1999");  // directories: by their parents
  EXPECT_EQ(vfs_unlink(root(), "/wide/1999/f", false, kRootCred), 0);
  for (int i = 0; i < 2000; ++i)
    ASSERT_EQ(vfs_unlink(root(), ("/wide/" + std::to_string(i)).c_str(), true, kRootCred), 0);
  EXPECT_EQ(vfs_unlink(root(), "/z/f", false, kRootCred), 0);
  for (const char* p : {"/z", "/wide"}) EXPECT_EQ(vfs_unlink(root(), p, true, kRootCred), 0);
  for (const char* p : {"/top", "/n/ln"}) EXPECT_EQ(vfs_unlink(root(), p, false, kRootCred), 0);
  for (const char* p : {"/n/sub/deeper", "/n/sub", "/n"})
    EXPECT_EQ(vfs_unlink(root(), p, true, kRootCred), 0);
}

TEST_F(Vfs, UnlinkedNodeLivesWhileHeld) {
  ASSERT_EQ(host_put("/keep", std::string(10000, 'k')), 0);
  Vnode* v;
  ASSERT_EQ(vfs_lookup(root(), "/keep", true, kRootCred, &v), 0);
  uint64_t used = charge_total(Charge::kFsUnits);
  EXPECT_EQ(vfs_unlink(root(), "/keep", false, kRootCred), 0);
  EXPECT_EQ(v->nlink, 0u);
  char c = 0;
  EXPECT_EQ(vn_read_kernel(v, 9999, &c, 1), 1);
  EXPECT_EQ(c, 'k');
  EXPECT_EQ(charge_total(Charge::kFsUnits), used - 1);  // only the entry went
  vrele(v);
  EXPECT_LT(charge_total(Charge::kFsUnits), used - 3);  // the node and its pages too
}

TEST_F(Vfs, Permissions) {
  ASSERT_EQ(vfs_mkdir(root(), "/priv", 0700, 0, kRootCred), 0);
  ASSERT_EQ(host_put("/priv/f", "s"), 0);
  ASSERT_EQ(host_put("/open", "o"), 0);
  Vnode* v;
  EXPECT_EQ(vfs_lookup(root(), "/priv/f", true, kUserCred, &v), -EACCES);
  EXPECT_EQ(vfs_open(root(), "/open", O_WRONLY, 0, 0, kUserCred, &v), -EACCES);
  EXPECT_EQ(host_get("/open", kUserCred), "o");
  EXPECT_EQ(vfs_mkdir(root(), "/mine", 0755, 0, kUserCred), -EACCES);
  Vnode* open;
  ASSERT_EQ(vfs_lookup(root(), "/open", true, kRootCred, &open), 0);
  EXPECT_EQ(vfs_chmod(open, 0666, kUserCred), -EPERM);
  EXPECT_EQ(vfs_chown(open, 1000, ~0u, kUserCred), -EPERM);
  EXPECT_EQ(vfs_chmod(open, 0666, kRootCred), 0);
  EXPECT_EQ(host_put("/open", "by user", kUserCred), 0);
  vrele(open);
  // A sticky directory: only owners remove.
  ASSERT_EQ(vfs_mkdir(root(), "/tmp", 0777, 0, kRootCred), 0);
  Vnode* tmp;
  ASSERT_EQ(vfs_lookup(root(), "/tmp", true, kRootCred, &tmp), 0);
  ASSERT_EQ(vfs_chmod(tmp, 01777, kRootCred), 0);
  vrele(tmp);
  ASSERT_EQ(host_put("/tmp/root", "r"), 0);
  ASSERT_EQ(host_put("/tmp/user", "u", kUserCred), 0);
  EXPECT_EQ(vfs_unlink(root(), "/tmp/root", false, kUserCred), -EPERM);
  EXPECT_EQ(vfs_rename(root(), "/tmp/root", root(), "/tmp/r2", 0, kUserCred), -EPERM);
  EXPECT_EQ(vfs_unlink(root(), "/tmp/user", false, kUserCred), 0);
  EXPECT_EQ(vfs_unlink(root(), "/tmp/root", false, kRootCred), 0);
  for (const char* p : {"/priv/f", "/open"}) EXPECT_EQ(vfs_unlink(root(), p, false, kRootCred), 0);
  for (const char* p : {"/priv", "/tmp"}) EXPECT_EQ(vfs_unlink(root(), p, true, kRootCred), 0);
}

// Supplementary groups: a file of one of the caller's groups gets the group
// bits; its owner may give it such a group; chmod keeps S_ISGID for one; a
// set-group-ID file made in a set-group-ID directory of another group loses it.
TEST_F(Vfs, SupplementaryGroups) {
  host_set_groups({50, 70});
  FsCred user{1000, 1000, true};
  FsCred plain{1000, 1000};  // the same ids, no supplementary groups
  ASSERT_EQ(host_put("/g", "grp"), 0);
  Vnode* g;
  ASSERT_EQ(vfs_lookup(root(), "/g", true, kRootCred, &g), 0);
  ASSERT_EQ(vfs_chown(g, 0, 50, kRootCred), 0);
  ASSERT_EQ(vfs_chmod(g, 0460, kRootCred), 0);  // owner r, group rw, other nothing
  Vnode* v;
  EXPECT_EQ(vfs_open(root(), "/g", O_RDWR, 0, 0, user, &v), 0);
  vrele(v);
  EXPECT_EQ(vfs_open(root(), "/g", O_RDONLY, 0, 0, plain, &v), -EACCES);
  EXPECT_EQ(vn_access(g, R_OK | W_OK, user), 0);
  EXPECT_EQ(vn_access(g, X_OK, user), -EACCES);
  // The owner's bits win over the group's, as Linux has them.
  ASSERT_EQ(vfs_chown(g, 1000, ~0u, kRootCred), 0);
  EXPECT_EQ(vn_access(g, W_OK, user), -EACCES);
  // chown by its owner: to one of its groups, not to another.
  EXPECT_EQ(vfs_chown(g, ~0u, 70, user), 0);
  EXPECT_EQ(g->gid, 70u);
  EXPECT_EQ(vfs_chown(g, ~0u, 71, user), -EPERM);
  EXPECT_EQ(vfs_chown(g, ~0u, 50, plain), -EPERM);
  EXPECT_EQ(vfs_chown(g, ~0u, 1000, plain), 0);
  // chmod keeps S_ISGID on a file of one of its groups.
  ASSERT_EQ(vfs_chown(g, ~0u, 50, kRootCred), 0);
  EXPECT_EQ(vfs_chmod(g, 02750, user), 0);
  EXPECT_EQ(g->mode & 07777, 02750u);
  EXPECT_EQ(vfs_chmod(g, 02750, plain), 0);
  EXPECT_EQ(g->mode & 07777, 0750u);
  vrele(g);
  // A set-group-ID directory of group 60 (not the caller's) and of 50.
  for (auto [path, gid] : {std::pair{"/sg60", 60u}, std::pair{"/sg50", 50u}}) {
    ASSERT_EQ(vfs_mkdir(root(), path, 0777, 0, kRootCred), 0);
    Vnode* d;
    ASSERT_EQ(vfs_lookup(root(), path, true, kRootCred, &d), 0);
    ASSERT_EQ(vfs_chown(d, 0, gid, kRootCred), 0);
    ASSERT_EQ(vfs_chmod(d, 02777, kRootCred), 0);
    vrele(d);
  }
  auto made = [&](const char* path, uint32_t mode, const FsCred& cr) -> uint32_t {
    Vnode* f;
    if (vfs_open(root(), path, O_CREAT | O_WRONLY, mode, 0, cr, &f) != 0) return ~0u;
    uint32_t m = f->mode & 07777;
    vrele(f);
    return m;
  };
  EXPECT_EQ(made("/sg60/x", 02755, user), 0755u);    // not its group: the bit goes
  EXPECT_EQ(made("/sg60/nx", 02644, user), 02644u);  // not group-executable: kept
  EXPECT_EQ(made("/sg50/x", 02755, user), 02755u);   // a supplementary group: kept
  EXPECT_EQ(made("/sg60/r", 02755, kRootCred), 02755u);
  EXPECT_EQ(vfs_mknod(root(), "/sg60/n", S_IFREG | 02770, 0, 0, 0, user), 0);
  Vnode* n;
  ASSERT_EQ(vfs_lookup(root(), "/sg60/n", true, kRootCred, &n), 0);
  EXPECT_EQ(n->mode & 07777, 0770u);
  EXPECT_EQ(n->gid, 60u);
  vrele(n);
  for (const char* p : {"/sg60/x", "/sg60/nx", "/sg50/x", "/sg60/r", "/sg60/n", "/g"})
    EXPECT_EQ(vfs_unlink(root(), p, false, kRootCred), 0);
  for (const char* p : {"/sg60", "/sg50"}) EXPECT_EQ(vfs_unlink(root(), p, true, kRootCred), 0);
}

// FIFO and socket nodes: anyone makes them, the device number is not kept;
// block devices are not made.
TEST_F(Vfs, MknodFifo) {
  ASSERT_EQ(vfs_mkdir(root(), "/u", 0777, 0, kRootCred), 0);
  EXPECT_EQ(vfs_mknod(root(), "/u/f", S_IFIFO | 0666, 1, 2, 022, kUserCred), 0);
  Vnode* v;
  ASSERT_EQ(vfs_lookup(root(), "/u/f", true, kRootCred, &v), 0);
  linux_stat st;
  vn_stat(v, &st);
  EXPECT_EQ(st.st_mode, S_IFIFO | 0644u);
  EXPECT_EQ(st.st_rdev, 0u);
  EXPECT_EQ(st.st_uid, 1000u);
  EXPECT_EQ(vfs_truncate(v, 0, kRootCred), -EINVAL);
  vrele(v);
  EXPECT_EQ(vfs_mknod(root(), "/u/f", S_IFIFO | 0666, 0, 0, 0, kUserCred), -EEXIST);
  EXPECT_EQ(vfs_mknod(root(), "/u/s", S_IFSOCK | 0666, 3, 4, 022, kUserCred), 0);
  ASSERT_EQ(vfs_lookup(root(), "/u/s", true, kRootCred, &v), 0);
  vn_stat(v, &st);
  EXPECT_EQ(st.st_mode, S_IFSOCK | 0644u);
  EXPECT_EQ(st.st_rdev, 0u);
  vrele(v);
  EXPECT_EQ(vfs_mknod(root(), "/u/b", 0060000 | 0666, 8, 1, 0, kRootCred), -EPERM);
  EXPECT_EQ(vfs_unlink(root(), "/u/f", false, kUserCred), 0);
  EXPECT_EQ(vfs_unlink(root(), "/u/s", false, kUserCred), 0);
  EXPECT_EQ(vfs_unlink(root(), "/u", true, kRootCred), 0);
}

// bind's socket node: mode 0777 less the umask, the maker's, held for the
// caller; a name that is there (a dangling symbolic link too) -EEXIST.
TEST_F(Vfs, MksockMakesAHeldNode) {
  ASSERT_EQ(vfs_mkdir(root(), "/m", 0777, 0, kRootCred), 0);
  Vnode* v = nullptr;
  ASSERT_EQ(vfs_mksock(root(), "/m/sock", 027, kUserCred, &v), 0);
  ASSERT_NE(v, nullptr);
  linux_stat st;
  vn_stat(v, &st);
  EXPECT_EQ(st.st_mode, S_IFSOCK | 0750u);
  EXPECT_EQ(st.st_uid, 1000u);
  Vnode* again = nullptr;
  EXPECT_EQ(vfs_mksock(root(), "/m/sock", 0, kUserCred, &again), -EEXIST);
  EXPECT_EQ(again, nullptr);
  ASSERT_EQ(vfs_symlink("/nowhere", root(), "/m/dangling", kUserCred), 0);
  EXPECT_EQ(vfs_mksock(root(), "/m/dangling", 0, kUserCred, &again), -EEXIST);
  EXPECT_EQ(vfs_unlink(root(), "/m/sock", false, kUserCred), 0);
  EXPECT_EQ(vfs_unlink(root(), "/m/dangling", false, kUserCred), 0);
  EXPECT_EQ(vfs_unlink(root(), "/m", true, kRootCred), 0);
  vrele(v);  // the node outlives its name while the socket holds it
}

// A write or truncation by anyone but root takes a regular file's set-id
// bits (set-group-ID only with the group execute bit).
TEST_F(Vfs, SetidDropped) {
  struct Case {
    const char* path;
    uint32_t mode, after;
    FsCred cr;
  } cases[] = {
      {"/s1", 04777, 0777, kUserCred},  {"/s2", 02777, 0777, kUserCred},
      {"/s3", 02767, 02767, kUserCred}, {"/s4", 06755, 0755, kUserCred},
      {"/s5", 04777, 04777, kRootCred},
  };
  for (const Case& c : cases) {
    ASSERT_EQ(host_put(c.path, "x"), 0);
    Vnode* v;
    ASSERT_EQ(vfs_lookup(root(), c.path, true, kRootCred, &v), 0);
    ASSERT_EQ(vfs_chmod(v, c.mode, kRootCred), 0);
    vfs_drop_setid(v, c.cr);
    EXPECT_EQ(v->mode & 07777, c.after) << c.path;
    ASSERT_EQ(vfs_chmod(v, c.mode, kRootCred), 0);
    EXPECT_EQ(vfs_truncate(v, 0, c.cr), 0);
    EXPECT_EQ(v->mode & 07777, c.after) << c.path;
    vrele(v);
    EXPECT_EQ(vfs_unlink(root(), c.path, false, kRootCred), 0);
  }
}

TEST_F(Vfs, ChargesAndEnospc) {
  // 1,000 units: root keeps 100, one user takes at most 600.
  charge_set_rule(Charge::kFsUnits, {1000, 100, 600});
  ASSERT_EQ(vfs_mkdir(root(), "/u", 0777, 0, kRootCred), 0);
  Vnode* f;
  ASSERT_EQ(vfs_open(root(), "/u/big", O_CREAT | O_WRONLY, 0644, 0, kUserCred, &f), 0);
  std::string page(4096, 'p');
  uint64_t off = 0;
  int64_t n;
  while ((n = vn_write_kernel(f, off, page.data(), page.size(), kUserCred)) > 0) off += n;
  EXPECT_EQ(n, -ENOSPC);
  EXPECT_EQ(charge_used(Charge::kFsUnits, 1000), 600u);
  // Another user, up to the root reserve; root past it.
  Vnode* g;
  ASSERT_EQ(vfs_open(root(), "/u/big2", O_CREAT | O_WRONLY, 0644, 0, FsCred{1001, 0}, &g), 0);
  off = 0;
  while ((n = vn_write_kernel(g, off, page.data(), page.size(), FsCred{1001, 0})) > 0) off += n;
  EXPECT_EQ(n, -ENOSPC);
  EXPECT_EQ(charge_total(Charge::kFsUnits), 900u);
  EXPECT_EQ(host_put("/u/rootfile", page), 0);
  vrele(f);
  vrele(g);
  for (const char* p : {"/u/big", "/u/big2", "/u/rootfile"})
    EXPECT_EQ(vfs_unlink(root(), p, false, kRootCred), 0);
  EXPECT_EQ(vfs_unlink(root(), "/u", true, kRootCred), 0);
  EXPECT_EQ(charge_used(Charge::kFsUnits, 1000), 0u);
  charge_set_rule(Charge::kFsUnits, {1u << 20, 0, 1u << 20});
}

TEST_F(Vfs, ListingWhileChanging) {
  ASSERT_EQ(vfs_mkdir(root(), "/l", 0755, 0, kRootCred), 0);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(host_put(("/l/" + std::to_string(i)).c_str(), "x"), 0);
  Vnode* d;
  ASSERT_EQ(vfs_lookup(root(), "/l", true, kRootCred, &d), 0);
  // Read five, remove one already read and one not, add one: the rest come once.
  struct Seen {
    std::vector<std::string> names;
    uint64_t last = 0;
    size_t stop_after;
  } s{{}, 0, 5};
  auto emit = [](void* ctx, uint64_t, uint64_t cookie, uint8_t, const char* name, size_t len) {
    auto* s = static_cast<Seen*>(ctx);
    if (s->names.size() == s->stop_after) return false;
    s->names.emplace_back(name, len);
    s->last = cookie;
    return true;
  };
  ASSERT_EQ(vfs_readdir(d, 0, emit, &s), 0);
  ASSERT_EQ(s.names.size(), 5u);  // ".", "..", "0", "1", "2"
  EXPECT_EQ(vfs_unlink(root(), "/l/1", false, kRootCred), 0);
  EXPECT_EQ(vfs_unlink(root(), "/l/7", false, kRootCred), 0);
  EXPECT_EQ(host_put("/l/new", "n"), 0);
  s.stop_after = 100;
  ASSERT_EQ(vfs_readdir(d, s.last, emit, &s), 0);
  std::vector<std::string> rest(s.names.begin() + 5, s.names.end());
  EXPECT_EQ(rest, (std::vector<std::string>{"3", "4", "5", "6", "8", "9", "new"}));
  vrele(d);
  for (const char* n : {"0", "2", "3", "4", "5", "6", "8", "9", "new"})
    EXPECT_EQ(vfs_unlink(root(), (std::string("/l/") + n).c_str(), false, kRootCred), 0);
  EXPECT_EQ(vfs_unlink(root(), "/l", true, kRootCred), 0);
}

TEST_F(Vfs, RenameAgainstLookupOnFourThreads) {
  ASSERT_EQ(host_put("/a", "A"), 0);
  ASSERT_EQ(host_put("/b", "B"), 0);
  std::atomic<bool> stop{false};
  std::atomic<int> wrong{0};
  std::vector<std::thread> ts;
  ts.emplace_back([&] {
    host_bind_cpu(1);
    for (int i = 0; i < 3000; ++i) {
      (void)vfs_rename(root(), "/a", root(), "/b", RENAME_EXCHANGE, kRootCred);
      (void)vfs_rename(root(), "/a", root(), "/c", 0, kRootCred);
      (void)vfs_rename(root(), "/c", root(), "/a", 0, kRootCred);
    }
    stop = true;
  });
  for (unsigned c = 2; c < 4; ++c)
    ts.emplace_back([&, c] {
      host_bind_cpu(c);
      while (!stop) {
        std::string got = host_get("/a");
        if (got != "A" && got != "B" && got != "<error 2>") ++wrong;
      }
    });
  for (auto& t : ts) t.join();
  EXPECT_EQ(wrong.load(), 0);
  for (const char* p : {"/a", "/b", "/c"}) (void)vfs_unlink(root(), p, false, kRootCred);
}

}  // namespace
