// SMP: every CPU up, IPIs between every ordered pair, all CPUs running at once.
#include <arch/cpu.h>

#include "kernel/cpu/ipi.h"
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/smp.h"
#include "kernel/ktest/ktest.h"
#include "kernel/time/clock.h"

KTEST(smp_all_cpus_online) {
  KEXPECT_EQ(cpus_online(), arch::kMaxCpus);
  for (unsigned c = 0; c < arch::kMaxCpus; ++c) {
    KEXPECT(g_cpus[c].online);
    KEXPECT_EQ(g_cpus[c].mpidr & 0xff, c);
  }
}

namespace {
struct PairRecord {
  unsigned ran_on[arch::kMaxCpus][arch::kMaxCpus];  // [from][to] = CPU that ran the call + 1
};
struct PairCall {
  PairRecord* rec;
  unsigned from, to;
};
void record_pair(void* arg) {
  auto* c = static_cast<PairCall*>(arg);
  c->rec->ran_on[c->from][c->to] = this_cpu().id + 1;
}
// Each CPU calls every other CPU and waits: all CPUs at once, so calls cross.
void call_every_other(void* arg) {
  auto* rec = static_cast<PairRecord*>(arg);
  unsigned me = this_cpu().id;
  for (unsigned to = 0; to < arch::kMaxCpus; ++to) {
    if (to == me) continue;
    PairCall call{rec, me, to};
    smp_call_on(to, record_pair, &call, true);
  }
}
}  // namespace

KTEST(ipi_every_ordered_pair) {
  unsigned long before[arch::kMaxCpus][arch::kMaxCpus];
  for (unsigned f = 0; f < arch::kMaxCpus; ++f)
    for (unsigned to = 0; to < arch::kMaxCpus; ++to) before[f][to] = ipi_pair_count(f, to);
  PairRecord rec = {};
  smp_run_on_all(call_every_other, &rec);
  // A CPU waiting on its own call serves its queue by polling, so it may run
  // a call before the IPI that announced it arrives: give every IPI sent up
  // to a second to be taken.
  auto all_taken = [&] {
    for (unsigned f = 0; f < arch::kMaxCpus; ++f)
      for (unsigned to = 0; to < arch::kMaxCpus; ++to)
        if (f != to && ipi_pair_count(f, to) <= before[f][to]) return false;
    return true;
  };
  for (uint64_t t0 = clock_ns(); !all_taken() && clock_ns() - t0 < 1'000'000'000;)
    arch::cpu_relax();
  for (unsigned f = 0; f < arch::kMaxCpus; ++f) {
    for (unsigned to = 0; to < arch::kMaxCpus; ++to) {
      if (f == to) continue;
      KEXPECT_EQ(rec.ran_on[f][to], to + 1);
      KEXPECT(ipi_pair_count(f, to) > before[f][to]);
    }
  }
}

namespace {
struct Flags {
  int ran[arch::kMaxCpus];
};
void mark_cpu(void* arg) { static_cast<Flags*>(arg)->ran[this_cpu().id] += 1; }
}  // namespace

KTEST(smp_run_on_all_runs_once_per_cpu) {
  Flags flags = {};
  smp_run_on_all(mark_cpu, &flags);
  for (unsigned c = 0; c < arch::kMaxCpus; ++c) KEXPECT_EQ(flags.ran[c], 1);
}

KTEST(smp_call_without_wait_completes) {
  static Flags flags;
  flags = {};
  for (unsigned c = 1; c < arch::kMaxCpus; ++c) smp_call_on(c, mark_cpu, &flags, false);
  // Wait a bounded while for the asynchronous calls.
  for (int i = 0; i < 10000000; ++i) {
    bool all = true;
    for (unsigned c = 1; c < arch::kMaxCpus; ++c)
      all = all && __atomic_load_n(&flags.ran[c], __ATOMIC_ACQUIRE) == 1;
    if (all) break;
    arch::cpu_relax();
  }
  for (unsigned c = 1; c < arch::kMaxCpus; ++c)
    KEXPECT_EQ(__atomic_load_n(&flags.ran[c], __ATOMIC_ACQUIRE), 1);
}
