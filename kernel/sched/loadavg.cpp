#include "kernel/sched/loadavg.h"

#include "kernel/sched/sched.h"
#include "kernel/time/clock.h"

namespace {

constexpr uint64_t kPeriodNs = 5000000000ull;  // Linux's LOAD_FREQ
constexpr unsigned kShift = 11;                // Linux's FSHIFT
constexpr uint64_t kOne = 1u << kShift;
// e^(-5 s / 1, 5, 15 min) in fixed point (Linux's EXP_1, EXP_5, EXP_15).
constexpr uint64_t kDecay[3] = {1884, 2014, 2037};

uint64_t g_avg[3];        // fixed point, kShift (atomic words; one sampler at a time)
uint64_t g_next_sample;   // clock_ns() of the next sample (atomic)

void fold(uint64_t runnable) {
  uint64_t n = runnable * kOne;
  for (int i = 0; i < 3; ++i) {
    uint64_t a = __atomic_load_n(&g_avg[i], __ATOMIC_RELAXED);
    a = (a * kDecay[i] + n * (kOne - kDecay[i]) + kOne / 2) >> kShift;
    __atomic_store_n(&g_avg[i], a, __ATOMIC_RELAXED);
  }
}

// Claims every sample time up to now: the first gets `runnable`, the rest
// (periods nobody sampled) 0.
void catch_up(uint64_t now, unsigned runnable) {
  uint64_t next = __atomic_load_n(&g_next_sample, __ATOMIC_ACQUIRE);
  if (next == 0) {
    __atomic_compare_exchange_n(&g_next_sample, &next, now + kPeriodNs, false, __ATOMIC_ACQ_REL,
                                __ATOMIC_ACQUIRE);
    return;
  }
  if (now < next) return;
  uint64_t periods = (now - next) / kPeriodNs + 1;
  if (!__atomic_compare_exchange_n(&g_next_sample, &next, next + periods * kPeriodNs, false,
                                   __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
    return;  // another CPU samples
  if (periods > 1000) periods = 1000;  // long enough for every average to reach 0
  fold(runnable);
  for (uint64_t i = 1; i < periods; ++i) fold(0);
}

}  // namespace

void loadavg_tick(uint64_t now_ns) {
  if (now_ns < __atomic_load_n(&g_next_sample, __ATOMIC_RELAXED)) return;
  catch_up(now_ns, sched_runnable_count());
}

void loadavg_get(uint64_t out[3]) {
  catch_up(clock_ns(), sched_runnable_count());
  for (int i = 0; i < 3; ++i)
    out[i] = __atomic_load_n(&g_avg[i], __ATOMIC_RELAXED) << (16 - kShift);
}
