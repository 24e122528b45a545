// The Arm generic timer: the system counter and this CPU's EL1 physical timer
// (CNTP, PPI INTID 30). The frequency is read from CNTFRQ_EL0, never assumed.
#pragma once
#include <arch/sysreg.h>
#include <stdint.h>

namespace arch {
inline constexpr unsigned kTimerIntid = 30;

inline uint64_t timer_frequency() { return read_sysreg(cntfrq_el0); }
inline uint64_t timer_count() {
  isb();
  return read_sysreg(cntpct_el0);
}
// Fires the timer interrupt when the counter reaches `deadline`.
inline void timer_arm_at(uint64_t deadline) {
  write_sysreg(cntp_cval_el0, deadline);
  write_sysreg(cntp_ctl_el0, 1);  // ENABLE, not masked
  isb();
}
inline void timer_disarm() {
  write_sysreg(cntp_ctl_el0, 2);  // IMASK
  isb();
}
}  // namespace arch
