// Kernel threads: creation, joining, failure paths, stacks, FP/SIMD state.
#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/kernel_map.h>

#include "kernel/ktest/ktest.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/sched/ktest_util.h"
#include "kernel/sched/sched.h"
#include "kernel/thread/thread.h"
#include "kernel/uapi/error_numbers.h"

extern "C" void arch_fp_fill(uint64_t seed);
extern "C" uint64_t arch_fp_check(uint64_t seed);

namespace {
int return_arg(void* arg) { return static_cast<int>(reinterpret_cast<uintptr_t>(arg)); }
}  // namespace

KTEST(thread_create_join_returns_exit_code) {
  SchedBaseline before = SchedBaseline::take();
  Thread* th = nullptr;
  KASSERT_T(thread_spawn("ktest.ret", return_arg, reinterpret_cast<void*>(42), ThreadAttr{}, &th) ==
            0);
  KEXPECT(th->tid != 0);
  KEXPECT(th->kstack_base >= arch::kKstackAreaBase);
  KEXPECT_EQ(thread_join(th), 42);
  KEXPECT_BASELINE(before);
}

KTEST(thread_many_create_join_baseline) {
  SchedBaseline before = SchedBaseline::take();
  constexpr int kN = 100;
  Thread* ts[kN] = {};
  for (int i = 0; i < kN; ++i)
    KASSERT_T(thread_spawn("ktest.many", return_arg, reinterpret_cast<void*>(uintptr_t(i)),
                           ThreadAttr{}, &ts[i]) == 0);
  int sum = 0;
  for (int i = 0; i < kN; ++i) sum += thread_join(ts[i]);
  KEXPECT_EQ(sum, kN * (kN - 1) / 2);
  KEXPECT_BASELINE(before);
}

KTEST(thread_create_failures_leave_nothing) {
  SchedBaseline before = SchedBaseline::take();
  Thread* th = nullptr;
  uint64_t failures = thread_counters().create_failures;
  kmalloc_fail_nth(M_THREAD, 1);
  KEXPECT_EQ(thread_create("ktest.fail", return_arg, nullptr, ThreadAttr{}, &th), ENOMEM);
  kmalloc_fail_clear(M_THREAD);
  // The stack (one page block; none from the cache).
  arch::kstack_cache_drain();
  page_alloc_fail_nth(PageUse::KernelStack, 1);
  KEXPECT_EQ(thread_create("ktest.fail", return_arg, nullptr, ThreadAttr{}, &th), ENOMEM);
  page_alloc_fail_clear(PageUse::KernelStack);
  KEXPECT(th == nullptr);
  KEXPECT_EQ(thread_counters().create_failures - failures, 2u);
  // Bad arguments.
  KEXPECT_EQ(thread_create("ktest.bad", return_arg, nullptr, ktest_attr(kPrioIdle), &th), EINVAL);
  KEXPECT_EQ(thread_create("ktest.bad", return_arg, nullptr, ktest_attr(kPrioKernel, 0), &th),
             EINVAL);
  KEXPECT_BASELINE(before);
  // And it still works afterwards.
  KASSERT_T(
      thread_spawn("ktest.after", return_arg, reinterpret_cast<void*>(7), ThreadAttr{}, &th) == 0);
  KEXPECT_EQ(thread_join(th), 7);
}

namespace {
struct DetachedRun {
  int ran;
};
int mark_and_exit(void* arg) {
  __atomic_store_n(&static_cast<DetachedRun*>(arg)->ran, 1, __ATOMIC_RELEASE);
  wakeup(arg);
  return 0;
}
}  // namespace

KTEST(thread_detached_is_freed_on_exit) {
  SchedBaseline before = SchedBaseline::take();
  DetachedRun run = {};
  ThreadAttr attr;
  attr.flags = kThreadDetached;
  Thread* th = nullptr;
  KASSERT_T(thread_spawn("ktest.detached", mark_and_exit, &run, attr, &th) == 0);
  while (!__atomic_load_n(&run.ran, __ATOMIC_ACQUIRE)) tsleep(&run, 0, "wait", 1);
  // It frees itself once off its CPU: give it a moment.
  for (int i = 0; i < 100 && thread_counters().live != before.threads.live; ++i)
    thread_sleep_ns(1000000);
  KEXPECT_BASELINE(before);
}

namespace {
struct YieldPair {
  unsigned cpu;
  int ready;
  int order[64];
  int n;
  KtestGate go;
};
struct YieldArg {
  YieldPair* p;
  int id;
};
int yield_loop(void* arg) {
  auto* a = static_cast<YieldArg*>(arg);
  a->p->go.wait();
  // Both on the run queue before counting turns.
  __atomic_fetch_add(&a->p->ready, 1, __ATOMIC_ACQ_REL);
  while (__atomic_load_n(&a->p->ready, __ATOMIC_ACQUIRE) < 2) thread_yield();
  for (int i = 0; i < 32; ++i) {
    int k = __atomic_fetch_add(&a->p->n, 1, __ATOMIC_RELAXED);
    if (k < 64) a->p->order[k] = a->id;
    thread_yield();
  }
  return ktest_cpu_now() == a->p->cpu ? 0 : 1;
}
}  // namespace

KTEST(thread_yield_alternates_on_one_cpu) {
  YieldPair p = {};
  p.cpu = 2;
  YieldArg a[2] = {{&p, 0}, {&p, 1}};
  Thread* th[2];
  for (int i = 0; i < 2; ++i)
    KASSERT_T(thread_spawn("ktest.yield", yield_loop, &a[i],
                           ktest_attr(kPrioKernel, cpumask_of(p.cpu)), &th[i]) == 0);
  thread_sleep_ns(2000000);  // both asleep at the gate
  p.go.release();
  KEXPECT_EQ(thread_join(th[0]) + thread_join(th[1]), 0);
  // Turns alternate (one thread may finish its last yield first).
  int alternations = 0;
  for (int i = 1; i < 64; ++i) alternations += p.order[i] != p.order[i - 1];
  KEXPECT(alternations >= 61);
}

namespace {
struct FpArg {
  uint64_t seed;
  int rounds;
  int bad;
};
int fp_worker(void* arg) {
  auto* a = static_cast<FpArg*>(arg);
  arch_fp_fill(a->seed);
  for (int i = 0; i < a->rounds; ++i) {
    if (i % 3 == 2)
      thread_sleep_ns(100000);
    else
      thread_yield();
    if (arch_fp_check(a->seed)) ++a->bad;
    if (i % 16 == 0) arch_fp_fill(a->seed);
  }
  return 0;
}
int busy_int(void* arg) {
  // A thread that never touches FP, sharing the CPUs.
  auto* rounds = static_cast<int*>(arg);
  for (int i = 0; i < *rounds; ++i) thread_yield();
  return 0;
}

void run_fp_mix(KtestContext& t, FpPolicy policy) {
  sched_set_fp_policy(policy);
  constexpr int kFp = 6, kInt = 2;
  FpArg args[kFp];
  int rounds = 150;
  Thread* th[kFp + kInt];
  for (int i = 0; i < kFp; ++i) {
    args[i] = {0x1000000ull * (i + 1), rounds, 0};
    // Two pinned to CPU 1 (same-CPU switches), the rest free to migrate.
    cpumask_t m = i < 2 ? cpumask_of(1) : kCpumaskAll;
    KASSERT_T(thread_spawn("ktest.fp", fp_worker, &args[i], ktest_attr(kPrioKernel, m), &th[i]) ==
              0);
  }
  for (int i = 0; i < kInt; ++i)
    KASSERT_T(thread_spawn("ktest.int", busy_int, &rounds, ktest_attr(kPrioKernel, cpumask_of(1)),
                           &th[kFp + i]) == 0);
  for (Thread* x : th) thread_join(x);
  for (int i = 0; i < kFp; ++i) KEXPECT_EQ(args[i].bad, 0);
  sched_set_fp_policy(FpPolicy::kEager);
}
}  // namespace

KTEST(thread_fp_state_survives_switches_eager) {
  SchedCounters c0 = sched_counters();
  run_fp_mix(t, FpPolicy::kEager);
  SchedCounters c1 = sched_counters();
  KEXPECT(c1.fp_saves > c0.fp_saves);
  KEXPECT(c1.fp_traps > c0.fp_traps);  // first use of each thread
}

KTEST(thread_fp_state_survives_switches_lazy) {
  SchedCounters c0 = sched_counters();
  run_fp_mix(t, FpPolicy::kLazy);
  SchedCounters c1 = sched_counters();
  KEXPECT(c1.fp_traps - c0.fp_traps > 6);  // lazy: restored on the trap
}

KTEST(thread_stack_is_in_the_guarded_area) {
  Thread* self = curthread();
  KEXPECT(self->kstack_size == arch::kKstackSize);
  uint64_t base = 0;
  bool guard = true;
  KEXPECT(arch::kstack_area_lookup(self->kstack_base + 100, &base, &guard));
  KEXPECT_EQ(base, self->kstack_base);
  KEXPECT(!guard);
  KEXPECT(arch::kstack_area_lookup(self->kstack_base - 100, &base, &guard));
  KEXPECT(guard);
  uint64_t sp = reinterpret_cast<uint64_t>(__builtin_frame_address(0));
  KEXPECT(sp > self->kstack_base && sp < self->kstack_base + self->kstack_size);
}

namespace {
volatile uint64_t g_recursion_limit = ~0ull;
__attribute__((noinline)) uint64_t recurse_forever(uint64_t n) {
  volatile char pad[256];
  pad[0] = static_cast<char>(n);
  if (n >= g_recursion_limit) return pad[0];
  return recurse_forever(n + 1) + pad[0];
}
int overflow_thread(void*) { return static_cast<int>(recurse_forever(0)); }
}  // namespace

// Run only when named: must end with "kernel stack overflow of thread ktest.overflow".
KTEST(crash_kstack_overflow) {
  Thread* th = nullptr;
  KASSERT_T(thread_spawn("ktest.overflow", overflow_thread, nullptr, ThreadAttr{}, &th) == 0);
  thread_join(th);
}

namespace {
// On its CPU: a stack allocated and freed, which stays in that CPU's cache.
int cache_one_stack(void* out) {
  uint64_t base = arch::kstack_alloc();
  if (base) arch::kstack_free(base);
  *static_cast<uint64_t*>(out) = base;
  return 0;
}
}  // namespace

// A stack another CPU keeps in its cache is still there to give when the
// area has no page left: kstack_alloc takes it rather than failing.
KTEST(kstack_alloc_takes_another_cpus_cached_stack) {
  if (cpus_online() < 2) return;
  unsigned other = (this_cpu().id + 1) % arch::kMaxCpus;
  while (!(cpus_online_bits() & (1u << other))) other = (other + 1) % arch::kMaxCpus;
  arch::kstack_cache_drain();
  uint64_t cached = 0;
  Thread* th = nullptr;
  KASSERT_T(thread_spawn("ktest.kstack", cache_one_stack, &cached,
                         ktest_attr(kPrioKernel, cpumask_of(other)), &th) == 0);
  KEXPECT_EQ(thread_join(th), 0);
  KEXPECT(cached != 0);
  // With every kernel-stack page allocation failing, this CPU's own cache
  // (the joined thread's stack) and the shared one give out first; then the
  // other CPUs' caches, which hold `cached` at least: the allocations end
  // only when those are empty too.
  uint64_t got[16] = {};
  unsigned n = 0;
  bool found = false;
  page_alloc_fail_range(PageUse::KernelStack, 1, kFailForever);
  while (n < 16 && (got[n] = arch::kstack_alloc()) != 0) found |= got[n++] == cached;
  page_alloc_fail_clear(PageUse::KernelStack);
  KEXPECT(found);
  for (unsigned i = 0; i < n; ++i) arch::kstack_free(got[i]);
  arch::kstack_cache_drain();
}
