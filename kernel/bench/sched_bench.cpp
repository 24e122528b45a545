// Scheduler benchmarks (kbench=sched_*). Meant for QEMU with -icount shift=0,sleep=off (see
// tools/bench.py), where kbench_now() counts guest instructions on all CPUs
// together; idle CPUs sit in WFI and count nothing.
#include <arch/cpu.h>

#include "kernel/bench/kbench.h"
#include "kernel/sched/mutex.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sleepq.h"
#include "kernel/thread/thread.h"
#include "kernel/time/callout.h"

extern "C" void arch_fp_fill(uint64_t seed);
extern "C" uint64_t arch_fp_check(uint64_t seed);
extern "C" uint64_t arch_fp_touch();

namespace {

constexpr uint8_t kBenchPrio = 6;  // above everything but the service threads

ThreadAttr on_cpu(unsigned cpu) {
  ThreadAttr a;
  a.prio = kBenchPrio;
  a.affinity = cpumask_of(cpu);
  return a;
}

// The measured threads wait here until told to go, and note when they start
// and finish (under icount the CPUs take turns, so only the threads' own
// readings bound the measured work).
struct Start {
  int arrived;
  int go;
  uint64_t first_start = ~0ull;
  uint64_t last_end = 0;
  void wait(int) {
    __atomic_fetch_add(&arrived, 1, __ATOMIC_ACQ_REL);
    while (!__atomic_load_n(&go, __ATOMIC_ACQUIRE)) tsleep(&go, 0, "bstart", 1);
    uint64_t now = kbench_now();
    uint64_t cur = __atomic_load_n(&first_start, __ATOMIC_RELAXED);
    while (now < cur && !__atomic_compare_exchange_n(&first_start, &cur, now, false,
                                                     __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
    }
  }
  void done() {
    uint64_t now = kbench_now();
    uint64_t cur = __atomic_load_n(&last_end, __ATOMIC_RELAXED);
    while (now > cur && !__atomic_compare_exchange_n(&last_end, &cur, now, false, __ATOMIC_RELAXED,
                                                     __ATOMIC_RELAXED)) {
    }
  }
  uint64_t elapsed() const { return last_end - first_start; }
};

void start_all(Start& s, int n) {
  while (__atomic_load_n(&s.arrived, __ATOMIC_ACQUIRE) < n) thread_sleep_ns(100000);
  // The waiters poll with one-tick sleeps: let them all get back to sleep, so
  // the measurement starts with both on their run queue together.
  __atomic_store_n(&s.go, 1, __ATOMIC_RELEASE);
  wakeup(&s.go);
}

// --- Context switch by yield: two threads on one CPU taking turns ---

struct YieldArg {
  Start* start;
  int rounds;
  bool fp;
  uint64_t seed;
  uint64_t fp_errors;
};

int yielder(void* arg) {
  auto* a = static_cast<YieldArg*>(arg);
  if (a->fp) arch_fp_fill(a->seed);
  a->start->wait(2);
  if (a->fp) {
    for (int i = 0; i < a->rounds; ++i) {
      arch_fp_touch();  // FP in use in every time slice
      thread_yield();
    }
  } else {
    for (int i = 0; i < a->rounds; ++i) thread_yield();
  }
  a->start->done();
  if (a->fp) a->fp_errors = arch_fp_check(a->seed);
  return 0;
}

// Two threads of one CPU yield to each other; returns instructions per switch.
uint64_t measure_yield_pair(KbenchContext& b, bool fp_a, bool fp_b, int rounds) {
  Start st = {};
  YieldArg a = {&st, rounds, fp_a, 0x1111, 0}, c = {&st, rounds, fp_b, 0x2222, 0};
  Thread *ta, *tc;
  if (thread_spawn("bench.yield", yielder, &a, on_cpu(1), &ta) ||
      thread_spawn("bench.yield", yielder, &c, on_cpu(1), &tc)) {
    b.fail("spawn");
    return 0;
  }
  start_all(st, 2);
  thread_join(ta);
  thread_join(tc);
  if (a.fp_errors || c.fp_errors) b.fail("FP state corrupted");
  // 2 * rounds yields, each a switch once both are running (the first and
  // last few are not: they are a rounding error at these counts).
  return st.elapsed() / (2 * static_cast<uint64_t>(rounds));
}

}  // namespace

// The cost of one thread switch on a CPU (yield to an equal-priority thread).
KBENCH(sched_ctxsw_yield) {
  b.report("", measure_yield_pair(b, false, false, 4000), "insns/switch");
}

// The same between two threads with live FP/SIMD state, eager and lazy
// restore, and between an FP thread and an integer-only one.
KBENCH(sched_ctxsw_fp) {
  FpPolicy old = sched_fp_policy();
  sched_set_fp_policy(FpPolicy::kEager);
  b.report("_both_eager", measure_yield_pair(b, true, true, 4000), "insns/switch");
  b.report("_mixed_eager", measure_yield_pair(b, true, false, 4000), "insns/switch");
  sched_set_fp_policy(FpPolicy::kLazy);
  b.report("_both_lazy", measure_yield_pair(b, true, true, 4000), "insns/switch");
  b.report("_mixed_lazy", measure_yield_pair(b, true, false, 4000), "insns/switch");
  sched_set_fp_policy(old);
}

// A yield with nobody else to run (cf. Linux sched_yield, a system call).
KBENCH(sched_yield_alone) {
  struct Arg {
    uint64_t ns;
  } arg = {};
  Thread* th;
  if (thread_spawn(
          "bench.yield1",
          [](void* p) {
            auto* a = static_cast<Arg*>(p);
            for (int i = 0; i < 100; ++i) thread_yield();
            uint64_t t0 = kbench_now();
            for (int i = 0; i < 10000; ++i) thread_yield();
            a->ns = kbench_now() - t0;
            return 0;
          },
          &arg, on_cpu(1), &th)) {
    b.fail("spawn");
    return;
  }
  thread_join(th);
  b.report("", arg.ns / 10000, "insns/yield");
}

namespace {
// --- Sleep/wakeup ping-pong ---
struct Pong {
  int turn;
  int rounds;
  int chan[2];
  Start start;
};
struct PongSide {
  Pong* p;
  int me;
};
int pong_side(void* arg) {
  auto* s = static_cast<PongSide*>(arg);
  Pong* p = s->p;
  p->start.wait(2);
  for (int i = 0; i < p->rounds; ++i) {
    while (__atomic_load_n(&p->turn, __ATOMIC_ACQUIRE) != s->me) {
      tsleep_interlock(&p->chan[s->me], 0);
      if (__atomic_load_n(&p->turn, __ATOMIC_ACQUIRE) == s->me) {
        tsleep_abort();
        break;
      }
      tsleep(&p->chan[s->me], PINTERLOCKED, "pong", 0);
    }
    __atomic_store_n(&p->turn, 1 - s->me, __ATOMIC_RELEASE);
    wakeup(&p->chan[1 - s->me]);
  }
  p->start.done();
  return 0;
}
// Instructions per round trip (two sleeps, two wakeups, two switches per side).
uint64_t measure_pong(KbenchContext& b, unsigned cpu_a, unsigned cpu_b, int rounds) {
  Pong p = {};
  p.rounds = rounds;
  PongSide a = {&p, 0}, c = {&p, 1};
  Thread *ta, *tc;
  if (thread_spawn("bench.pong", pong_side, &a, on_cpu(cpu_a), &ta) ||
      thread_spawn("bench.pong", pong_side, &c, on_cpu(cpu_b), &tc)) {
    b.fail("spawn");
    return 0;
  }
  start_all(p.start, 2);
  thread_join(ta);
  thread_join(tc);
  return p.start.elapsed() / static_cast<uint64_t>(rounds);
}
}  // namespace

// Sleep/wakeup round trips between two CPUs (cross-CPU wakeup latency is half
// a round trip: sleep, IPI, the idle CPU leaves WFI and switches to the thread).
KBENCH(sched_wakeup_xcpu) {
  uint64_t rt = measure_pong(b, 1, 2, 2000);
  b.report("_roundtrip", rt, "insns/roundtrip");
  b.report("", rt / 2, "insns/wakeup");
}

// The same on one CPU (each wakeup is a plain switch, no IPI).
KBENCH(sched_wakeup_local) {
  uint64_t rt = measure_pong(b, 1, 1, 4000);
  b.report("_roundtrip", rt, "insns/roundtrip");
  b.report("", rt / 2, "insns/wakeup");
}

// Kernel thread create + start + exit + join (stack mapping and unmapping
// included; cf. Linux pthread_create + pthread_join).
KBENCH(sched_thread_create_join) {
  constexpr int kN = 200;
  uint64_t t0 = 0;
  for (int i = 0; i < kN + 10; ++i) {
    if (i == 10) t0 = kbench_now();  // warm: the stack area's page table exists
    Thread* th;
    if (thread_spawn(
            "bench.tcj", [](void*) { return 0; }, nullptr, on_cpu(1), &th)) {
      b.fail("spawn");
      return;
    }
    thread_join(th);
  }
  b.report("", (kbench_now() - t0) / kN, "insns/create+join");
}

KBENCH(sched_mutex_uncontended) {
  static Mutex m("bench.mutex");
  constexpr int kN = 10000;
  uint64_t t0 = kbench_now();
  for (int i = 0; i < kN; ++i) {
    m.lock();
    m.unlock();
  }
  b.report("", (kbench_now() - t0) / kN, "insns/lock+unlock");
}

KBENCH(sched_callout_reset_stop) {
  Callout c;
  constexpr int kN = 10000;
  uint64_t t0 = kbench_now();
  for (int i = 0; i < kN; ++i) {
    callout_reset(
        &c, kbench_now() + 1000000000, [](void*) {}, nullptr);
    callout_stop(&c);
  }
  b.report("", (kbench_now() - t0) / kN, "insns/reset+stop");
}
