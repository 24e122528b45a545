// Sets of CPUs, one bit per CPU (DragonFly's cpumask_t, sized for this machine).
#pragma once
#include <arch/cpu.h>
#include <stdint.h>

using cpumask_t = uint32_t;

inline constexpr cpumask_t cpumask_of(unsigned cpu) { return cpumask_t{1} << cpu; }
inline constexpr cpumask_t kCpumaskAll = (cpumask_t{1} << arch::kMaxCpus) - 1;
inline constexpr bool cpumask_test(cpumask_t m, unsigned cpu) { return (m >> cpu) & 1; }
inline constexpr unsigned cpumask_count(cpumask_t m) {
  return static_cast<unsigned>(__builtin_popcount(m));
}
// Lowest CPU in m; m must not be empty.
inline constexpr unsigned cpumask_first(cpumask_t m) {
  return static_cast<unsigned>(__builtin_ctz(m));
}
