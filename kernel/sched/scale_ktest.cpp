// Scale: a thousand threads created, sleeping and waking each other at
// random on every CPU, all exiting; then every counter and allocator is back
// where it started.
#include <arch/cpu.h>
#include <arch/kernel_map.h>

#include "kernel/console/kprintf.h"
#include "kernel/ktest/ktest.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/sched/ktest_util.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sleepq.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"

namespace {

constexpr int kThreads = 1000;
constexpr int kChannels = 32;
constexpr int kSteps = 10;

struct Scale {
  int chan[kChannels];
  int started;
  int finished;
  int woken;      // sleeps ended by a wakeup
  int timed_out;  // sleeps ended by their timeout
  int wrong_cpu;  // pinned threads seen elsewhere
  KtestGate go;
};

struct Worker {
  Scale* s;
  uint64_t seed;
  int pinned;  // CPU or -1
};

uint64_t next(uint64_t& x) {
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  return x;
}

int scale_worker(void* arg) {
  auto* w = static_cast<Worker*>(arg);
  Scale* s = w->s;
  __atomic_fetch_add(&s->started, 1, __ATOMIC_RELAXED);
  s->go.wait();
  uint64_t r = w->seed;
  for (int i = 0; i < kSteps; ++i) {
    uint64_t x = next(r);
    int* chan = &s->chan[x % kChannels];
    switch ((x >> 8) % 8) {
      case 0:
      case 1:
      case 2:
        // Sleep on a random channel; the timeout bounds it if nobody wakes it.
        if (tsleep(chan, 0, "scale", 1 + static_cast<int>((x >> 16) % 3)) == EWOULDBLOCK)
          __atomic_fetch_add(&s->timed_out, 1, __ATOMIC_RELAXED);
        else
          __atomic_fetch_add(&s->woken, 1, __ATOMIC_RELAXED);
        break;
      case 3:
      case 4: wakeup(chan); break;
      case 5: wakeup_one(chan); break;
      case 6: thread_yield(); break;
      default: thread_sleep_ns((x >> 20) % 500000); break;
    }
    if (w->pinned >= 0 && ktest_cpu_now() != static_cast<unsigned>(w->pinned))
      __atomic_fetch_add(&s->wrong_cpu, 1, __ATOMIC_RELAXED);
  }
  __atomic_fetch_add(&s->finished, 1, __ATOMIC_RELAXED);
  return 0;
}

}  // namespace

KTEST(sched_scale_1000_threads) {
  SchedBaseline before = SchedBaseline::take();
  PageStats ps0 = page_stats();
  MallocStats ms0 = malloc_type_stats(M_THREAD);
  SchedCounters sc0 = sched_counters();
  auto* s = static_cast<Scale*>(kmalloc(sizeof(Scale), M_TEMP, M_WAITOK | M_ZERO));
  auto* workers =
      static_cast<Worker*>(kmalloc(sizeof(Worker) * kThreads, M_TEMP, M_WAITOK | M_ZERO));
  // An array of pointers: sizeof(T*) is meant.  NOLINTBEGIN(bugprone-sizeof-expression)
  auto* threads =
      static_cast<Thread**>(kmalloc(sizeof(Thread*) * kThreads, M_TEMP, M_WAITOK | M_ZERO));
  // NOLINTEND(bugprone-sizeof-expression)
  KASSERT_T(s && workers && threads);
  uint64_t t0 = clock_ns();
  uint64_t seed = 0x2545f4914f6cdd1dull;
  int created = 0;
  for (int i = 0; i < kThreads; ++i) {
    workers[i].s = s;
    workers[i].seed = next(seed) | 1;
    // One in eight pinned to a random CPU; priorities vary a little.
    workers[i].pinned =
        (seed >> 20) % 8 == 0 ? static_cast<int>((seed >> 24) % arch::kMaxCpus) : -1;
    cpumask_t mask = workers[i].pinned >= 0 ? cpumask_of(workers[i].pinned) : kCpumaskAll;
    uint8_t prio = static_cast<uint8_t>(12 + (seed >> 28) % 4);
    if (thread_spawn("ktest.scale", scale_worker, &workers[i], ktest_attr(prio, mask),
                     &threads[i]) != 0)
      break;
    ++created;
  }
  KEXPECT_EQ(created, kThreads);
  uint64_t t_created = clock_ns();
  // All started and waiting at the gate: 1000 threads alive at once.
  while (__atomic_load_n(&s->started, __ATOMIC_ACQUIRE) < created) thread_sleep_ns(1000000);
  ThreadCounters mid = thread_counters();
  KEXPECT_EQ(mid.live, before.threads.live + static_cast<uint64_t>(created));
  s->go.release();
  uint64_t t_go = clock_ns();
  while (__atomic_load_n(&s->finished, __ATOMIC_ACQUIRE) < created) thread_sleep_ns(1000000);
  uint64_t t_fin = clock_ns();
  for (int i = 0; i < created; ++i) thread_join(threads[i]);
  uint64_t t_done = clock_ns();
  (void)t_go;
  (void)t_fin;
  SchedCounters sc1 = sched_counters();
  kprintf(
      "scale: %d threads created in %lu ms, ran and joined in %lu ms; %d sleeps woken, %d timed "
      "out; %lu switches, %lu migrations\n",
      created, (t_created - t0) / 1000000, (t_done - t_created) / 1000000, s->woken, s->timed_out,
      sc1.switches - sc0.switches, sc1.migrations - sc0.migrations);
  KEXPECT_EQ(s->finished, created);
  KEXPECT_EQ(s->wrong_cpu, 0);
  KEXPECT(s->woken > 0);
  kfree(threads, M_TEMP);
  kfree(workers, M_TEMP);
  kfree(s, M_TEMP);
  // Back to the baseline: threads, stacks and their page tables, Thread
  // objects, sleepers, callouts, and every page-allocator use.
  KEXPECT_BASELINE(before);
  PageStats ps1 = page_stats();
  for (unsigned u = 0; u < kPageUseCount; ++u) {
    if (static_cast<PageUse>(u) == PageUse::KernelHeap) continue;  // slabs may stay cached
    KEXPECT_EQ(ps1.used_pages[u], ps0.used_pages[u]);
  }
  MallocStats ms1 = malloc_type_stats(M_THREAD);
  KEXPECT_EQ(ms1.inuse_bytes, ms0.inuse_bytes);
  KEXPECT_EQ(ms1.total_allocs - ms0.total_allocs, ms1.total_frees - ms0.total_frees);
  for (unsigned c = 0; c < arch::kMaxCpus; ++c) KEXPECT(sched_cpu_stats(c).queued <= 1);
  KEXPECT(page_alloc_verify());
}
