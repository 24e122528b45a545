// The kernel's log keeps each CPU's lines apart: a piece of a line with no
// '\n' yet (a long line flushed in parts, or a line printed in pieces) is
// ended before another CPU's piece goes in, so no line of the log mixes two
// CPUs' text.
#include "kernel/console/klog.h"

#include <arch/cpu.h>

#include "kernel/cpu/percpu.h"
#include "kernel/cpu/smp.h"
#include "kernel/ktest/ktest.h"
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/sched/sched.h"

namespace {

constexpr int kRounds = 40;
unsigned g_arrived;

void append_in_pieces(void*) {
  unsigned me = this_cpu().id;
  // All start together, so that their pieces meet in the ring.
  unsigned cpus = static_cast<unsigned>(__builtin_popcount(sched_online_mask()));
  __atomic_add_fetch(&g_arrived, 1, __ATOMIC_ACQ_REL);
  while (__atomic_load_n(&g_arrived, __ATOMIC_ACQUIRE) < cpus) arch::cpu_relax();
  char piece[32];
  for (int i = 0; i < kRounds; ++i) {
    int n = tine_snprintf(piece, sizeof piece, "KLOGMIX cpu%u part ", me);
    klog_append(piece, static_cast<size_t>(n), 0, false);
    for (int k = 0; k < 200; ++k) arch::cpu_relax();  // the line stays open a while
    n = tine_snprintf(piece, sizeof piece, "KLOGEND cpu%u\n", me);
    klog_append(piece, static_cast<size_t>(n), 0, false);
  }
}

// The CPU digit of every "cpuN" in [s, e), or -1 if they differ (or none).
int one_cpu(const char* s, const char* e) {
  int cpu = -2;
  for (const char* p = s; p + 4 <= e; ++p) {
    if (tine_memcmp(p, "cpu", 3) != 0 || p[3] < '0' || p[3] > '9') continue;
    int c = p[3] - '0';
    if (cpu != -2 && cpu != c) return -1;
    cpu = c;
  }
  return cpu;
}

}  // namespace

KTEST(klog_lines_from_cpus_never_mix) {
  __atomic_store_n(&g_arrived, 0, __ATOMIC_RELEASE);
  smp_run_on_all(append_in_pieces, nullptr);
  constexpr size_t kWant = 16 * 1024;
  auto* buf = static_cast<char*>(kmalloc(kWant, M_TEMP, M_WAITOK));
  KASSERT_T(buf != nullptr);
  size_t n = klog_tail(buf, kWant);
  int lines = 0, mixed = 0, stamps_inside = 0;
  const char* end = buf + n;
  for (const char* s = buf; s < end;) {
    const char* e = s;
    while (e < end && *e != '\n') ++e;
    bool ours = false;
    for (const char* p = s; p + 7 <= e; ++p)
      if (tine_memcmp(p, "KLOGMIX", 7) == 0 || tine_memcmp(p, "KLOGEND", 7) == 0) ours = true;
    if (ours && s != buf) {  // the first may be a cut line
      ++lines;
      if (one_cpu(s, e) < 0) ++mixed;
      for (const char* p = s + 1; p + 2 <= e; ++p)
        if (p[0] == '<' && p[1] == '6') ++stamps_inside;
    }
    s = e + 1;
  }
  kfree(buf, M_TEMP);
  KEXPECT(lines >= kRounds);
  KEXPECT_EQ(mixed, 0);
  KEXPECT_EQ(stamps_inside, 0);
}
