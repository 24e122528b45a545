// System register access by name: read_sysreg(cntfrq_el0), write_sysreg(cntp_ctl_el0, 1).
#pragma once
#include <stdint.h>

#define read_sysreg(reg)                             \
  ({                                                 \
    uint64_t sysreg_v_;                              \
    asm volatile("mrs %0, " #reg : "=r"(sysreg_v_)); \
    sysreg_v_;                                       \
  })

#define write_sysreg(reg, v)                                      \
  do {                                                            \
    uint64_t sysreg_w_ = (v);                                     \
    asm volatile("msr " #reg ", %0" ::"r"(sysreg_w_) : "memory"); \
  } while (0)

#define isb() asm volatile("isb" ::: "memory")
