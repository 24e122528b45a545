// The boot of the file layer: the bounds users are held to, the root RAM
// file system filled from the built-in programs and the initramfs, /dev,
// /tmp and /proc, and the character devices.
#include "kernel/console/kprintf.h"
#include "kernel/dev/chardev.h"
#include "kernel/exec/exec.h"
#include "kernel/fs/charge.h"
#include "kernel/fs/initramfs.h"
#include "kernel/fs/linux_abi.h"
#include "kernel/fs/namei.h"
#include "kernel/fs/procfs.h"
#include "kernel/fs/ramfs.h"
#include "kernel/fs/vfs.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/uapi/error_numbers.h"

// The built-in programs: a newc archive of user/'s executables under bin/,
// placed in the image by kernel/exec/builtin_progs.S.
extern "C" const uint8_t builtin_cpio_start[], builtin_cpio_end[];
void filedesc_boot_init();

namespace {

constexpr FsCred kRoot{0, 0};

struct Node {
  const char* path;
  uint32_t major, minor, mode;
};
// The device nodes /dev has unless the initramfs brought its own.
constexpr Node kDevices[] = {
    {"/dev/console", 5, 1, 0600}, {"/dev/tty", 5, 0, 0666},  {"/dev/null", 1, 3, 0666},
    {"/dev/zero", 1, 5, 0666},    {"/dev/full", 1, 7, 0666}, {"/dev/random", 1, 8, 0666},
    {"/dev/urandom", 1, 9, 0666},
};

void set_bounds() {
  PageStats ps = page_stats();
  // The RAM file system: half of RAM, as Linux's tmpfs; root keeps the last
  // sixteenth; one other user holds at most half.
  uint64_t units = ps.managed_pages / 2;
  charge_set_rule(Charge::kFsUnits, {units, units / 16, units / 2});
  // Open files: 8,192 in all, the last 256 for root, 4,096 for one other user.
  charge_set_rule(Charge::kFiles, {8192, 256, 4096});
  // Pipe buffers: past 16 MiB of them a user's new pipes get one page.
  charge_set_rule(Charge::kPipePages, {~0ull, 0, 4096});
}

void mount_proc() {
  Mount* mp = procfs_new(3);
  Vnode* dir;
  if (!mp || vfs_lookup(vfs_root(), "/proc", true, kRoot, &dir) != 0) {
    kprintf("fs: no /proc\n");
    return;
  }
  if (dir->type != VType::kDir) {  // the initramfs put something else there
    kprintf("fs: /proc is not a directory: /proc not mounted\n");
    vrele(dir);
    return;
  }
  lockmgr(&g_namespace_lock, LK_EXCLUSIVE);
  mp->covered = dir;  // the mount's reference
  dir->mounted_here = mp;
  lockmgr(&g_namespace_lock, LK_RELEASE);
}

}  // namespace

void fs_init() {
  lockinit(&g_namespace_lock, "namespace", 0, 0);
  filedesc_boot_init();
  set_bounds();
  Mount* root = ramfs_new(1);
  if (!root) panic("fs: no memory for the root file system");
  vfs_set_root(root);
  initramfs_unpack(builtin_cpio_start, static_cast<size_t>(builtin_cpio_end - builtin_cpio_start),
                   "built-in programs");
  size_t size;
  if (const void* initrd = exec_initrd(&size)) initramfs_unpack(initrd, size, "initramfs");
  (void)vfs_mkdir(vfs_root(), "/dev", 0755, 0, kRoot);
  (void)vfs_mkdir(vfs_root(), "/proc", 0555, 0, kRoot);
  if (vfs_mkdir(vfs_root(), "/tmp", 0, 0, kRoot) == 0) {
    Vnode* tmp;
    if (vfs_lookup(vfs_root(), "/tmp", true, kRoot, &tmp) == 0) {
      (void)vfs_chmod(tmp, 01777, kRoot);
      vrele(tmp);
    }
  }
  for (const Node& n : kDevices)
    (void)vfs_mknod(vfs_root(), n.path, S_IFCHR | n.mode, n.major, n.minor, 0, kRoot);
  mount_proc();
  // What udev makes on Linux: the descriptors as names, through /proc's
  // links (opening one opens what the descriptor has open again).
  (void)vfs_symlink("/proc/self/fd", vfs_root(), "/dev/fd", kRoot);
  (void)vfs_symlink("/proc/self/fd/0", vfs_root(), "/dev/stdin", kRoot);
  (void)vfs_symlink("/proc/self/fd/1", vfs_root(), "/dev/stdout", kRoot);
  (void)vfs_symlink("/proc/self/fd/2", vfs_root(), "/dev/stderr", kRoot);
  mem_devices_init();
  console_device_init();
}
