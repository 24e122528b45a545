#include "board/rpi4/mailbox.h"

#include <arch/mmio.h>

#include "board/rpi4/devices.h"
#include "kernel/mm/phys.h"
#include "kernel/sync/spinlock.h"

namespace rpi4 {
namespace {

// Mailbox 0 carries the VideoCore's answers to the ARM, mailbox 1 the ARM's
// requests to the VideoCore; each has its own status register, and a write
// waits for room in the mailbox it writes (Linux bcm2835-mailbox.c: MAIL1_WRT,
// MAIL1_STA; Circle bcmmailbox.cpp).
constexpr uintptr_t kMail0Read = 0x00, kMail0Status = 0x18, kMail1Write = 0x20, kMail1Status = 0x38;
constexpr uint32_t kFull = 1u << 31, kEmpty = 1u << 30;
// The VideoCore reaches ARM memory below 1 GiB through its bus alias at
// 0xC0000000 (the /soc dma-ranges of the Pi 4 device tree); the property
// buffer's address is given in that view, as Linux's firmware driver (a DMA
// address) and Circle (BUS_ADDRESS) give it.
constexpr uint32_t kVcBusAlias = 0xC0000000;
constexpr uint64_t kVcAliasSize = 1ull << 30;
constexpr uint32_t kChannelProperty = 8;
constexpr uint32_t kRequest = 0, kResponseOk = 0x80000000;

LockClass g_mailbox_class("mailbox", 0);
SpinLock g_mailbox_lock(g_mailbox_class);
alignas(64) volatile uint32_t g_buf[16];

uintptr_t reg(uintptr_t off) {
  return reinterpret_cast<uintptr_t>(phys_to_virt(devices().mailbox + off));
}

void clean_invalidate_buf() {
  for (uintptr_t a = reinterpret_cast<uintptr_t>(g_buf);
       a < reinterpret_cast<uintptr_t>(g_buf + 16); a += 64)
    asm volatile("dc civac, %0" ::"r"(a) : "memory");
  asm volatile("dsb sy" ::: "memory");
}

// One tag with `words` value words; the answer is left in g_buf[5..].
bool property_call(uint32_t tag, uint32_t words, const uint32_t* in) {
  SpinGuard guard(g_mailbox_lock);
  g_buf[0] = 4 * (6 + words);
  g_buf[1] = kRequest;
  g_buf[2] = tag;
  g_buf[3] = 4 * words;
  g_buf[4] = 0;
  for (uint32_t i = 0; i < words; ++i) g_buf[5 + i] = in ? in[i] : 0;
  g_buf[5 + words] = 0;  // end tag
  clean_invalidate_buf();
  paddr_t buf = virt_to_phys(const_cast<uint32_t*>(g_buf));
  if (buf + sizeof g_buf > kVcAliasSize) return false;  // the image is loaded far below
  uint32_t msg = (kVcBusAlias | static_cast<uint32_t>(buf)) | kChannelProperty;
  while (arch::mmio_read32(reg(kMail1Status)) & kFull) {
  }
  arch::mmio_write32(reg(kMail1Write), msg);
  for (int tries = 0; tries < 1000000; ++tries) {
    if (arch::mmio_read32(reg(kMail0Status)) & kEmpty) continue;
    if (arch::mmio_read32(reg(kMail0Read)) != msg) continue;
    clean_invalidate_buf();
    return g_buf[1] == kResponseOk && (g_buf[4] & 0x80000000u);
  }
  return false;
}

}  // namespace

bool mailbox_clock_rate(uint32_t clock_id, uint32_t* hz) {
  uint32_t in[2] = {clock_id, 0};
  if (!property_call(0x00030002, 2, in)) return false;
  *hz = g_buf[6];
  return *hz != 0;
}

bool mailbox_arm_memory(uint32_t* base, uint32_t* size) {
  if (!property_call(0x00010005, 2, nullptr)) return false;
  *base = g_buf[5];
  *size = g_buf[6];
  return true;
}

bool mailbox_board_revision(uint32_t* rev) {
  if (!property_call(0x00010002, 1, nullptr)) return false;
  *rev = g_buf[5];
  return true;
}

}  // namespace rpi4
