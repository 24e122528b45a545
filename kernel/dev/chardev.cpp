#include "kernel/dev/chardev.h"

namespace {

struct Entry {
  uint32_t major, minor;
  const CharDevOps* ops;  // atomic: a registration may replace it while files are open
};
constexpr int kMaxDevices = 16;
Entry g_devices[kMaxDevices];
int g_ndevices;  // registrations happen at boot, one CPU

}  // namespace

void chardev_register(uint32_t major, uint32_t minor, const CharDevOps* ops) {
  for (int i = 0; i < g_ndevices; ++i)
    if (g_devices[i].major == major && g_devices[i].minor == minor) {
      __atomic_store_n(&g_devices[i].ops, ops, __ATOMIC_RELEASE);
      return;
    }
  if (g_ndevices == kMaxDevices) return;
  g_devices[g_ndevices] = {major, minor, ops};
  __atomic_store_n(&g_ndevices, g_ndevices + 1, __ATOMIC_RELEASE);
}

const CharDevOps* chardev_lookup(uint32_t major, uint32_t minor) {
  int n = __atomic_load_n(&g_ndevices, __ATOMIC_ACQUIRE);
  for (int i = 0; i < n; ++i)
    if (g_devices[i].major == major && g_devices[i].minor == minor)
      return __atomic_load_n(&g_devices[i].ops, __ATOMIC_ACQUIRE);
  return nullptr;
}
