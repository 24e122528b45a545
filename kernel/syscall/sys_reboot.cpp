// reboot(2): Linux's, for root: the machine powers off, halts or restarts at
// once (as Linux's call, it neither syncs nor ends processes: that is the
// caller's business first). Ctrl-Alt-Del's setting is kept, not acted on
// (the console has no such key).
#include "kernel/console/kprintf.h"
#include "kernel/power/power.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/syscall/syscall.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

namespace {

constexpr uint32_t kMagic1 = 0xfee1dead;
constexpr uint32_t kMagic2[] = {0x28121969, 0x05121996, 0x16041998, 0x20112000};

enum : uint32_t {
  kRestart = 0x01234567,
  kHalt = 0xcdef0123,
  kCadOn = 0x89abcdef,
  kCadOff = 0x00000000,
  kPowerOff = 0x4321fedc,
  kRestart2 = 0xa1b2c3d4,
};

bool g_cad_enabled = true;  // Linux's C_A_D, on at boot

}  // namespace

// reboot(magic1, magic2, cmd, arg): -EPERM for anyone but root, then
// -EINVAL for a wrong magic pair or a command tine does not have (software
// suspend, kexec). LINUX_REBOOT_CMD_RESTART2's arg (a command string) must
// be readable (-EFAULT) and is otherwise ignored.
int64_t sys_reboot(const SyscallArgs& a) {
  if (!user_is_root()) return -EPERM;
  uint32_t magic1 = static_cast<uint32_t>(a.a[0]), magic2 = static_cast<uint32_t>(a.a[1]);
  bool magic2_ok = false;
  for (uint32_t m : kMagic2) magic2_ok = magic2_ok || magic2 == m;
  if (magic1 != kMagic1 || !magic2_ok) return -EINVAL;
  switch (static_cast<uint32_t>(a.a[2])) {
    case kCadOn: __atomic_store_n(&g_cad_enabled, true, __ATOMIC_RELAXED); return 0;
    case kCadOff: __atomic_store_n(&g_cad_enabled, false, __ATOMIC_RELAXED); return 0;
    case kRestart2: {
      char cmd[256];
      // Linux takes up to 255 bytes of a longer string.
      if (copyinstr(reinterpret_cast<const void*>(a.a[3]), cmd, sizeof cmd, nullptr) == -EFAULT)
        return -EFAULT;
      cmd[sizeof cmd - 1] = 0;
      kprintf("reboot: Restarting system with command '%s'\n", cmd);
      kernel_restart();
    }
    case kRestart: kprintf("reboot: Restarting system\n"); kernel_restart();
    case kHalt: kprintf("reboot: System halted\n"); kernel_halt();
    case kPowerOff: kprintf("reboot: Power down\n"); kernel_exit(0);
    default: return -EINVAL;
  }
}
