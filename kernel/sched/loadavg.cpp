#include "kernel/sched/loadavg.h"

#include "kernel/lib/string.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sleepq.h"
#include "kernel/thread/thread.h"
#include "kernel/time/callout.h"
#include "kernel/time/clock.h"

namespace {

constexpr uint64_t kPeriodNs = 5000000000ull;  // Linux's LOAD_FREQ
constexpr unsigned kShift = 11;                // Linux's FSHIFT
constexpr uint64_t kOne = 1u << kShift;
// e^(-5 s / 1, 5, 15 min) in fixed point (Linux's EXP_1, EXP_5, EXP_15).
constexpr uint64_t kDecay[3] = {1884, 2014, 2037};

uint64_t g_avg[3];  // fixed point, kShift (atomic words, written by the sampler only)

void fold(uint64_t active) {
  uint64_t n = active * kOne;
  for (int i = 0; i < 3; ++i) {
    uint64_t a = __atomic_load_n(&g_avg[i], __ATOMIC_RELAXED);
    a = (a * kDecay[i] + n * (kOne - kDecay[i]) + kOne / 2) >> kShift;
    __atomic_store_n(&g_avg[i], a, __ATOMIC_RELAXED);
  }
}

// Programs' threads asleep where no signal ends the sleep (Linux's
// uninterruptible tasks), but for those of a stopped process (Linux's
// stopped tasks count apart). Kernel threads wait for work that way and do
// not count, as Linux's idle kernel threads do not.
// (A sleeping thread's fields change under its sleep queue's lock: each is
// read once, for a moment's picture.)
void count_uninterruptible(const Thread& t, void* ctx) {
  if (!(t.flags & kThreadTimeshare) || t.state != ThreadState::kSleeping) return;
  if (__atomic_load_n(&t.sleep_flags, __ATOMIC_RELAXED) & PCATCH) return;
  const char* wmesg = __atomic_load_n(&t.wmesg, __ATOMIC_RELAXED);
  if (wmesg && tine_strcmp(wmesg, "stopped") == 0) return;
  ++*static_cast<unsigned*>(ctx);
}

unsigned active_count() {
  unsigned n = sched_runnable_count();
  threads_for_each(count_uninterruptible, &n);
  return n;
}

// The sampler: a callout every kPeriodNs on the CPU that started it, which
// wakes that CPU even when every CPU is idle with its tick stopped, so the
// sample sees the system as it is then (a sample taken by the next tick
// instead would always find the CPU that ticks busy). A callout that comes
// late (the machine's host held the CPU back) folds what it sees once for
// each period it missed, as Linux folds missed periods.
Callout g_sampler;
uint64_t g_next_sample;  // clock_ns() of the next sample (the sampler's CPU only)

void sample(void*) {
  uint64_t now = clock_ns();
  uint64_t periods = now >= g_next_sample ? (now - g_next_sample) / kPeriodNs + 1 : 1;
  g_next_sample += periods * kPeriodNs;
  if (periods > 1000) periods = 1000;  // long enough for every average to reach its end
  unsigned active = active_count();
  for (uint64_t i = 0; i < periods; ++i) fold(active);
  callout_reset(&g_sampler, g_next_sample, sample, nullptr);
}

}  // namespace

void loadavg_start() {
  g_next_sample = clock_ns() + kPeriodNs;
  callout_reset(&g_sampler, g_next_sample, sample, nullptr);
}

void loadavg_get(uint64_t out[3]) {
  for (int i = 0; i < 3; ++i)
    out[i] = __atomic_load_n(&g_avg[i], __ATOMIC_RELAXED) << (16 - kShift);
}
