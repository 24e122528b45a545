#include <arch/semihost.h>
#include <stdint.h>

namespace arch {

// SYS_EXIT (0x18) with ADP_Stopped_ApplicationExit and the status (AArch64 form).
void semihost_exit(int status) {
  static volatile uint64_t block[2];
  block[0] = 0x20026;
  block[1] = static_cast<uint64_t>(status);
  register uint64_t x0 asm("x0") = 0x18;
  register volatile uint64_t* x1 asm("x1") = block;
  asm volatile("hlt #0xf000" ::"r"(x0), "r"(x1) : "memory");
  for (;;) asm volatile("wfi");
}

}  // namespace arch
