// Arm semihosting (only under QEMU with -semihosting-config enable=on).
#pragma once

namespace arch {
[[noreturn]] void semihost_exit(int status);
}
