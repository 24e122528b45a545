// The kernel's headers first: they name Linux's constants (S_IFMT, O_CREAT, ...),
// which the host's headers define as macros.
#include "tests/host/fs/fs_host_env.h"
#include "kernel/cpu/percpu.h"
#include "kernel/fs/file.h"
#include "kernel/fs/namei.h"
#include "kernel/fs/pipe.h"
#include "kernel/fs/ramfs.h"
#include "kernel/fs/vfs.h"
#include "kernel/panic.h"
#include "kernel/sched/lockmgr.h"
#include "kernel/sched/mutex.h"
#include "kernel/time/clock.h"
#include "kernel/time/realtime.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

#include <chrono>
#include <cstring>
#include <thread>
#include <vector>

void sched_preempt_point();  // kernel/sched/sched.h, whose sched_yield the host's <sched.h> has too

MALLOC_DECLARE(M_RAMFS);

namespace {
thread_local int t_token;  // its address tells host threads apart
Thread* self() { return reinterpret_cast<Thread*>(&t_token); }
Mount* g_mount;
}  // namespace

// ---- the kernel services the file layer uses, as the host gives them --------

LockClass g_mutex_class("sync.mutex", 350);
LockClass g_lockmgr_class("sync.lockmgr", 350);

void Mutex::lock() {
  for (;;) {
    {
      SpinGuard g(spin_);
      if (!owner_) {
        owner_ = self();
        return;
      }
    }
    std::this_thread::yield();
  }
}
bool Mutex::try_lock() {
  SpinGuard g(spin_);
  if (owner_) return false;
  owner_ = self();
  return true;
}
void Mutex::unlock() {
  SpinGuard g(spin_);
  if (owner_ != self()) panic("mutex %s: unlocked by a thread that does not hold it", name_);
  owner_ = nullptr;
}
bool Mutex::held_by_me() const { return owner() == self(); }

void lockinit(struct lock* l, const char* wmesg, int timo, unsigned flags) {
  l->wmesg = wmesg;
  l->timo = timo;
  l->flags = flags;
  l->shared = 0;
  l->owner = nullptr;
}

int lockmgr(struct lock* l, unsigned flags) {
  for (;;) {
    {
      SpinGuard g(l->interlock);
      switch (flags & LK_TYPE_MASK) {
        case LK_SHARED:
          if (!l->owner) {
            ++l->shared;
            return 0;
          }
          break;
        case LK_EXCLUSIVE:
          if (l->owner == self()) panic("lockmgr %s: recursive", l->wmesg);
          if (!l->owner && !l->shared) {
            l->owner = self();
            return 0;
          }
          break;
        case LK_RELEASE:
          if (l->owner == self())
            l->owner = nullptr;
          else if (l->shared)
            --l->shared;
          else
            panic("lockmgr %s: released while not held", l->wmesg);
          return 0;
        default: panic("lockmgr: request %#x", flags);
      }
    }
    std::this_thread::yield();
  }
}

uint64_t clock_ns() {
  return static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                   std::chrono::steady_clock::now().time_since_epoch())
                                   .count());
}

uint64_t realtime_ns() { return clock_ns(); }

Vnode* caller_root_hold() { return vfs_root_hold(); }

// The file layer's objects past the names (open files, pipes) are not in the
// host tests: the RAM file system has no magic links that would reach them.
void file_close_last(File*) { std::abort(); }
bool file_is_pipe(const File*) { return false; }
int pipe_reopen(File*, uint32_t, const FsCred&, File**) { return -ENXIO; }

void sched_preempt_point() {}

// The host tests move data with kernel transfers only: "user" copies are plain ones.
int copyin(const void* uaddr, void* kaddr, size_t len) {
  memcpy(kaddr, uaddr, len);
  return 0;
}
int copyout(const void* kaddr, void* uaddr, size_t len) {
  memcpy(uaddr, kaddr, len);
  return 0;
}
size_t copyin_upto(uint64_t uaddr, void* kaddr, size_t len) {
  memcpy(kaddr, reinterpret_cast<const void*>(uaddr), len);
  return len;
}
size_t copyout_upto(const void* kaddr, uint64_t uaddr, size_t len) {
  memcpy(reinterpret_cast<void*>(uaddr), kaddr, len);
  return len;
}

namespace {
std::vector<uint32_t> g_groups;
}  // namespace

bool caller_in_groups(uint32_t gid) {
  for (uint32_t g : g_groups)
    if (g == gid) return true;
  return false;
}

void host_set_groups(std::initializer_list<uint32_t> groups) { g_groups.assign(groups); }

// ---- the fixture -----------------------------------------------------------------

void host_bind_cpu(unsigned n) { cpu_bind(n); }

void FsArena::SetUp() {
  MmArena::SetUp();
  g_groups.clear();
  lockinit(&g_namespace_lock, "namespace", 0, 0);
  // Roomy bounds; tests that want ENOSPC set their own.
  charge_set_rule(Charge::kFsUnits, {1u << 20, 0, 1u << 20});
  charge_set_rule(Charge::kFiles, {1u << 20, 0, 1u << 20});
  g_mount = ramfs_new(1);
  ASSERT_NE(g_mount, nullptr);
  vfs_set_root(g_mount);
}

void FsArena::TearDown() {
  // The root goes with its mount (what tests made under it must be gone).
  EXPECT_EQ(g_mount->root->refs, 1);
  vrele(g_mount->root);
  kfree(g_mount, M_RAMFS);
  EXPECT_EQ(charge_total(Charge::kFsUnits), 0u);
  MmArena::TearDown();
}

int host_put(const char* path, const std::string& data, const FsCred& cr) {
  Vnode* v;
  int e = vfs_open(vfs_root(), path, O_CREAT | O_WRONLY | O_TRUNC, 0644, 0, cr, &v);
  if (e) return e;
  int64_t n = vn_write_kernel(v, 0, data.data(), data.size(), cr);
  vrele(v);
  return n == static_cast<int64_t>(data.size()) ? 0 : (n < 0 ? static_cast<int>(n) : -EIO);
}

std::string host_get(const char* path, const FsCred& cr) {
  Vnode* v;
  int e = vfs_open(vfs_root(), path, O_RDONLY, 0, 0, cr, &v);
  if (e) return "<error " + std::to_string(-e) + ">";
  std::string out(static_cast<size_t>(v->size), '\0');
  int64_t n = out.empty() ? 0 : vn_read_kernel(v, 0, out.data(), out.size());
  vrele(v);
  if (n < 0) return "<error " + std::to_string(-n) + ">";
  out.resize(static_cast<size_t>(n));
  return out;
}
