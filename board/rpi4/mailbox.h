// VideoCore mailbox, property channel (8): asks the firmware (or QEMU) for facts.
#pragma once
#include <stdint.h>

namespace rpi4 {
// Each returns false when the firmware does not answer the tag.
bool mailbox_clock_rate(uint32_t clock_id, uint32_t* hz);
bool mailbox_arm_memory(uint32_t* base, uint32_t* size);
bool mailbox_board_revision(uint32_t* rev);

inline constexpr uint32_t kClockUart = 2;
}  // namespace rpi4
