// The scheduler core: per-CPU run queues, the switch, preemption, the tick,
// the idle loop and FP/SIMD state. Balancing is in balance.cpp, the
// seed-shaped policy hooks in usched.cpp.
//
// Locking (docs/locking.md): a run queue's lock guards its queues and the
// scheduling fields of the threads on it or running on its CPU. The lock is
// taken with IRQs masked, held across the context switch and released by the
// thread switched to (finish_switch), so a thread's context is completely
// saved before any other CPU can take it off that queue. A thread's on_cpu
// flag covers the one path that does not go through the run queue: a waker
// making a sleeping thread runnable waits for on_cpu to clear.
#include "kernel/sched/sched.h"
#include "kernel/sched/loadavg.h"

#include <arch/context.h>
#include <arch/cpu.h>
#include <arch/kernel_map.h>

#include "arch/aarch64/boot/boot_defs.h"
#include "kernel/console/kprintf.h"
#include "kernel/cpu/ipi.h"
#include "kernel/cpu/percpu.h"
#include "kernel/panic.h"
#include "kernel/sched/lock_ranks.h"
#include "kernel/sched/sched_internal.h"
#include "kernel/sched/usched.h"
#include "kernel/sync/crit.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"

extern "C" char boot_stacks[];

LockClass g_rq_class[arch::kMaxCpus] = {
    {"sched.rq0", kRankRunQueue + 0},
    {"sched.rq1", kRankRunQueue + 1},
    {"sched.rq2", kRankRunQueue + 2},
    {"sched.rq3", kRankRunQueue + 3},
};
static_assert(arch::kMaxCpus == 4, "one run-queue lock class per CPU");

RunQueue g_rq[arch::kMaxCpus] = {RunQueue(g_rq_class[0], 0), RunQueue(g_rq_class[1], 1),
                                 RunQueue(g_rq_class[2], 2), RunQueue(g_rq_class[3], 3)};

namespace {

// Which thread's FP/SIMD state a CPU's registers hold, and whether FP is on.
// Touched only by that CPU with IRQs masked.
struct CpuFp {
  uint64_t owner_tid = 0;  // 0: nobody's
  bool enabled = false;
};
CpuFp g_fp[arch::kMaxCpus];
FpPolicy g_fp_policy = FpPolicy::kEager;

bool g_ready;  // sched_init_cpu ran on the boot CPU

struct Counters {
  uint64_t switches;
  uint64_t migrations;
  uint64_t fp_saves;
  uint64_t fp_restores;
  uint64_t fp_traps;
};
Counters g_counters;  // atomics

void count(uint64_t& c) { __atomic_fetch_add(&c, 1, __ATOMIC_RELAXED); }

void fp_switch(unsigned me, Thread* prev, Thread* next) {
  CpuFp& f = g_fp[me];
  if (f.enabled) {
    // prev had FP on: whatever it did is in the registers.
    arch_fp_save(&prev->fp);
    prev->fp_cpu = static_cast<int8_t>(me);
    f.owner_tid = prev->tid;
    count(g_counters.fp_saves);
  }
  if (next->fp_used) {
    bool loaded = f.owner_tid == next->tid && next->fp_cpu == static_cast<int8_t>(me);
    if (loaded || g_fp_policy == FpPolicy::kEager) {
      if (!f.enabled) arch::fp_enable();
      f.enabled = true;
      if (!loaded) {
        arch_fp_restore(&next->fp);
        f.owner_tid = next->tid;
        count(g_counters.fp_restores);
      }
      return;
    }
  }
  if (f.enabled) {
    arch::fp_disable();
    f.enabled = false;
  }
}

// After the switch, in the thread switched to (or in a new thread's first
// code): the previous thread's context is saved, so let go of it.
void finish_switch(Thread* last) {
  RunQueue& rq = g_rq[this_cpu().id];
  bool dead = last->state == ThreadState::kDead;
  bool migrate = last->migrate_pending;
  if (migrate) last->migrate_pending = false;
  Thread* evicted = rq.evicted;
  rq.evicted = nullptr;
  __atomic_store_n(&last->on_cpu, false, __ATOMIC_RELEASE);
  rq.lock.unlock();
  // Leaving idle (from its loop or preempted in an interrupt): the tick runs
  // again for this thread's time slices. The idle loop stops it.
  if (last == rq.idle) clock_tick_start();
  if (migrate) sched_make_runnable(last);
  while (evicted) {
    Thread* t = evicted;
    evicted = t->rq_next;
    t->rq_next = nullptr;
    sched_make_runnable(t);
  }
  if (dead) thread_reap(last);
}

// Reschedules `target`: this CPU at its next preemption point, another by IPI.
void resched_cpu(unsigned target) {
  Cpu& cpu = this_cpu();
  if (target == cpu.id) {
    cpu.resched_pending = true;
  } else {
    __atomic_fetch_add(&g_rq[target].resched_ipis, 1, __ATOMIC_RELAXED);
    ipi_send(target, Ipi::kResched);
  }
}

void preempt_now() {
  RunQueue& rq = g_rq[this_cpu().id];
  rq.lock.lock();
  switch_locked(rq, curthread(), SwitchReason::kPreempt);
}

unsigned load_of(const RunQueue& rq) {
  unsigned q = __atomic_load_n(&rq.nr_queued, __ATOMIC_RELAXED);
  return q + (__atomic_load_n(&rq.cur_prio, __ATOMIC_RELAXED) != kPrioIdle ? 1 : 0);
}

bool idle_now(const RunQueue& rq) {
  return __atomic_load_n(&rq.cur_prio, __ATOMIC_RELAXED) == kPrioIdle &&
         __atomic_load_n(&rq.nr_queued, __ATOMIC_RELAXED) == 0;
}

// Where a thread that becomes runnable should go (racy reads; re-checked by
// the caller under the chosen run queue's lock).
unsigned select_cpu(const Thread* t) {
  cpumask_t allowed = __atomic_load_n(&t->affinity, __ATOMIC_RELAXED) & sched_online_mask();
  if (!allowed) allowed = sched_online_mask();
  unsigned last = t->cpu;
  if (cpumask_test(allowed, last) && idle_now(g_rq[last])) return last;
  for (unsigned i = 1; i <= arch::kMaxCpus; ++i) {
    unsigned c = (last + i) % arch::kMaxCpus;
    if (cpumask_test(allowed, c) && idle_now(g_rq[c])) return c;
  }
  unsigned best = cpumask_test(allowed, last) ? last : cpumask_first(allowed);
  unsigned best_load = load_of(g_rq[best]);
  for (unsigned c = 0; c < arch::kMaxCpus; ++c) {
    if (!cpumask_test(allowed, c)) continue;
    unsigned l = load_of(g_rq[c]);
    if (l < best_load) best = c, best_load = l;
  }
  return best;
}

void sched_tick();

}  // namespace

// --- Run-queue primitives (run-queue lock held) ---

void rq_enqueue_locked(RunQueue& rq, Thread* t, bool front) {
  rq.lock.assert_held();
  if (t->cpu != rq.cpu) {
    t->cpu = rq.cpu;
    ++t->stats.migrations;
    count(g_counters.migrations);
  }
  t->state = ThreadState::kRunnable;
  t->queued = true;
  if (front)
    rq.q.push_front(t, t->prio);
  else
    rq.q.push_back(t, t->prio);
  __atomic_store_n(&rq.nr_queued, rq.q.size(), __ATOMIC_RELAXED);
}

void rq_dequeue_locked(RunQueue& rq, Thread* t) {
  rq.lock.assert_held();
  rq.q.remove(t);
  t->queued = false;
  __atomic_store_n(&rq.nr_queued, rq.q.size(), __ATOMIC_RELAXED);
}

bool rq_should_preempt_locked(const RunQueue& rq, uint8_t prio) { return prio < rq.cur_prio; }

void rq_kick(unsigned cpu) { resched_cpu(cpu); }

// The switch. rq is this CPU's run queue, locked with IRQs masked; prev is
// the running thread with its state already set for `why` (kRunning to stay
// runnable, kSleeping, kDead). Returns in prev once it runs again, with the
// lock released and IRQs still masked.
void switch_locked(RunQueue& rq, Thread* prev, SwitchReason why) {
  Cpu& cpu = this_cpu();
  cpu.resched_pending = false;
  if (prev->state == ThreadState::kRunning && prev != rq.idle) {
    if (!cpumask_test(prev->affinity, rq.cpu)) {
      prev->state = ThreadState::kRunnable;
      prev->migrate_pending = true;  // placed on an allowed CPU once off this one
    } else if (why == SwitchReason::kPreempt && prev->slice > 0) {
      rq_enqueue_locked(rq, prev, true);
    } else {
      prev->slice = kSliceTicks;
      rq_enqueue_locked(rq, prev, false);
    }
  }
  Thread* next;
  for (;;) {
    next = rq.q.pop_best();
    if (!next) {
      next = rq.idle;
      break;
    }
    next->queued = false;
    // Placed here while its affinity was being changed: hand it back.
    if (!cpumask_test(__atomic_load_n(&next->affinity, __ATOMIC_RELAXED), rq.cpu) && next != prev) {
      next->rq_next = rq.evicted;
      rq.evicted = next;
      continue;
    }
    break;
  }
  __atomic_store_n(&rq.nr_queued, rq.q.size(), __ATOMIC_RELAXED);
  if (next == prev) {
    prev->state = ThreadState::kRunning;
    __atomic_store_n(&rq.cur_prio, prev->prio, __ATOMIC_RELAXED);
    Thread* evicted = rq.evicted;
    rq.evicted = nullptr;
    rq.lock.unlock();
    while (evicted) {
      Thread* t = evicted;
      evicted = t->rq_next;
      t->rq_next = nullptr;
      sched_make_runnable(t);
    }
    return;
  }
  uint64_t now = clock_ns();
  prev->stats.run_ns += now - prev->ran_since;
  if (prev == rq.idle) prev->state = ThreadState::kRunnable;  // (never queued)
  if (why == SwitchReason::kPreempt) {
    ++prev->stats.involuntary;
    ++rq.preemptions;
  } else {
    ++prev->stats.voluntary;
  }
  next->ran_since = now;
  ++next->stats.switches;
  next->state = ThreadState::kRunning;
  __atomic_store_n(&next->on_cpu, true, __ATOMIC_RELAXED);
  cpu.current = next;
  __atomic_store_n(&rq.cur_prio, next == rq.idle ? kPrioIdle : next->prio, __ATOMIC_RELAXED);
  ++rq.switches;
  count(g_counters.switches);
  prev->crit_saved = cpu.crit_depth;
  cpu.crit_depth = next->crit_saved;
  fp_switch(cpu.id, prev, next);
  auto* last = static_cast<Thread*>(arch_context_switch(&prev->ctx, &next->ctx, next, prev));
  // Running as prev again, maybe on another CPU: rq and cpu are stale here.
  finish_switch(last);
}

// --- Set-up ---

void sched_init() {
  arch::kernel_map_init();
  clock_set_tick_hook(sched_tick);
}

void sched_init_cpu(unsigned cpu) {
  uint64_t base = reinterpret_cast<uint64_t>(boot_stacks) + uint64_t{cpu} * BOOT_STACK_SIZE;
  Thread* idle = thread_adopt_boot_context(cpu, base, BOOT_STACK_SIZE);
  RunQueue& rq = g_rq[cpu];
  rq.idle = idle;
  idle->ran_since = clock_ns();
  rq.started_ns = idle->ran_since;
  __atomic_store_n(&rq.cur_prio, kPrioIdle, __ATOMIC_RELAXED);
  this_cpu().current = idle;
  arch::set_current_thread_reg(idle);
  // FP/SIMD traps until a thread uses it.
  arch::fp_disable();
  g_fp[cpu] = {};
  if (cpu == 0) g_ready = true;
}

void sched_start_services() {
  smp_start_workers();
  loadavg_start();
}

cpumask_t sched_online_mask() { return cpus_online_bits(); }

// --- Making threads runnable ---

void sched_make_runnable(Thread* t) {
  uint64_t irq = arch::irq_save();
  for (;;) {
    unsigned target = t->cpu;
    if (t->place_on_cpu)
      t->place_on_cpu = false;  // heuristic_forking chose it
    else
      target = select_cpu(t);
    RunQueue& rq = g_rq[target];
    rq.lock.lock();
    if (!cpumask_test(__atomic_load_n(&t->affinity, __ATOMIC_RELAXED), target) ||
        !__atomic_load_n(&g_cpus[target].online, __ATOMIC_ACQUIRE)) {
      rq.lock.unlock();  // its affinity changed under us: choose again
      continue;
    }
    t->slice = kSliceTicks;
    rq_enqueue_locked(rq, t, false);
    bool kick = rq_should_preempt_locked(rq, t->prio);
    rq.lock.unlock();
    if (kick) resched_cpu(target);
    break;
  }
  arch::irq_restore(irq);
}

void sched_wait_off_cpu(Thread* t) {
  while (__atomic_load_n(&t->on_cpu, __ATOMIC_ACQUIRE)) arch::cpu_relax();
}

void sched_lock_self() { g_rq[this_cpu().id].lock.lock(); }

void sched_switch_away() { switch_locked(g_rq[this_cpu().id], curthread(), SwitchReason::kBlock); }

// --- Preemption ---

void sched_irq_exit() {
  Cpu& cpu = this_cpu();
  if (cpu.resched_pending && cpu.crit_depth == 0 && g_ready) preempt_now();
}

void sched_preempt_point() {
  if (!arch::irqs_enabled()) return;
  // Nothing pending (the common case, after every system call): no need to
  // mask IRQs to look closer. Should this thread move meanwhile, the look
  // was at the CPU it left, and a switch is what it would have asked for.
  if (!__atomic_load_n(&this_cpu().resched_pending, __ATOMIC_RELAXED)) return;
  uint64_t irq = arch::irq_save();
  Cpu& cpu = this_cpu();
  if (cpu.resched_pending && cpu.crit_depth == 0 && cpu.held_count == 0 && g_ready) preempt_now();
  arch::irq_restore(irq);
}

// crit_exit() left the outermost critical section with a reschedule pending:
// switch now if nothing else forbids it (sched_preempt_point re-checks on the
// CPU the thread is on now). kernel/sync declares it: its one call up here.
void crit_exit_slow(Cpu&) { sched_preempt_point(); }

void sched_yield() {
  uint64_t irq = arch::irq_save();
  RunQueue& rq = g_rq[this_cpu().id];
  rq.lock.lock();
  Thread* self = curthread();
  int best = rq.q.best_prio();
  if (best < 0 || best > self->prio) {
    rq.lock.unlock();  // nothing as urgent waits: keep running
  } else {
    switch_locked(rq, self, SwitchReason::kYield);
  }
  arch::irq_restore(irq);
}

void sched_exit_current() {
  arch::irq_disable();
  Thread* self = curthread();
#ifdef TINE_DEBUG
  // Still queued (a tsleep_interlock without its tsleep or tsleep_abort),
  // the bucket's list would keep the thread after it is freed. (The debug
  // kernel's: in the release kernel, with thread_free's, it cost a thread
  // about 30 instructions.)
  if (__atomic_load_n(&self->sleep_queued, __ATOMIC_RELAXED))
    panic("sched: thread %s exits on a sleep queue (channel %p)", self->name,
          const_cast<const void*>(self->wchan));
#endif
  RunQueue& rq = g_rq[this_cpu().id];
  rq.lock.lock();
  self->state = ThreadState::kDead;
  switch_locked(rq, self, SwitchReason::kExit);
  panic("sched: dead thread %s ran again", self->name);
}

void sched_thread_start(void* prev, void* self) {
  finish_switch(static_cast<Thread*>(prev));
  arch::irq_enable();
  auto* t = static_cast<Thread*>(self);
  thread_exit(t->fn(t->arg));
}

// --- Affinity and priority ---

namespace {
// Locks the run queue that t->cpu names (it can change until locked).
RunQueue& lock_rq_of(Thread* t) {
  for (;;) {
    unsigned c = __atomic_load_n(&t->cpu, __ATOMIC_ACQUIRE);
    RunQueue& rq = g_rq[c];
    rq.lock.lock();
    if (t->cpu == c) return rq;
    rq.lock.unlock();
  }
}
}  // namespace

int sched_set_affinity(Thread* t, cpumask_t mask) {
  mask &= kCpumaskAll;
  if (!(mask & sched_online_mask())) return 22;  // EINVAL
  uint64_t irq = arch::irq_save();
  RunQueue& rq = lock_rq_of(t);
  __atomic_store_n(&t->affinity, mask, __ATOMIC_RELAXED);
  bool replace = false;
  if (!cpumask_test(mask, rq.cpu)) {
    if (t->queued) {
      rq_dequeue_locked(rq, t);
      replace = true;
    } else if (t->state == ThreadState::kRunning) {
      resched_cpu(rq.cpu);  // switch_locked sends it elsewhere
    }
  }
  rq.lock.unlock();
  if (replace) sched_make_runnable(t);
  arch::irq_restore(irq);
  sched_preempt_point();
  return 0;
}

namespace {

// t's priority is now prio (t's run queue locked): requeued, and its CPU
// told when it should give way.
void set_prio_locked(RunQueue& rq, Thread* t, uint8_t prio) {
  t->prio = prio;
  if (t->queued) {
    rq_dequeue_locked(rq, t);
    rq_enqueue_locked(rq, t, false);
    if (rq_should_preempt_locked(rq, prio)) resched_cpu(rq.cpu);
  } else if (g_cpus[rq.cpu].current == t) {
    __atomic_store_n(&rq.cur_prio, prio, __ATOMIC_RELAXED);
    int best = rq.q.best_prio();
    if (best >= 0 && best < prio) resched_cpu(rq.cpu);
  }
}

}  // namespace

void sched_set_prio(Thread* t, uint8_t prio) {
  uint64_t irq = arch::irq_save();
  RunQueue& rq = lock_rq_of(t);
  set_prio_locked(rq, t, prio);
  rq.lock.unlock();
  arch::irq_restore(irq);
  sched_preempt_point();
}

void sched_set_nice(Thread* t, int nice) {
  uint64_t irq = arch::irq_save();
  RunQueue& rq = lock_rq_of(t);
  __atomic_store_n(&t->nice, static_cast<int8_t>(nice), __ATOMIC_RELAXED);
  if (t->flags & kThreadTimeshare) set_prio_locked(rq, t, usched_timeshare_prio(nice, t->estcpu));
  rq.lock.unlock();
  arch::irq_restore(irq);
  sched_preempt_point();
}

// --- The tick ---

namespace {

void sched_tick() {
  Cpu& cpu = this_cpu();
  RunQueue& rq = g_rq[cpu.id];
  Thread* cur = cpu.current;
  uint64_t now = clock_ns();
  bool balance = false;
  bool charged = cur != rq.idle, user = cpu.irq_from_user;
  {
    SpinGuard g(rq.lock);
    cur->stats.run_ns += now - cur->ran_since;
    cur->ran_since = now;
    if (cur != rq.idle) {
      if (cpu.irq_from_user) {
        ++cur->stats.user_ticks;
        ++(cur->nice > 0 ? rq.nice_ticks : rq.user_ticks);
      } else {
        ++cur->stats.sys_ticks;
        ++rq.sys_ticks;
      }
      usched_tine.schedulerclock(cur, 1000000000ull / kHz, now);
      __atomic_store_n(&rq.cur_prio, cur->prio, __ATOMIC_RELAXED);
      if (--cur->slice <= 0) {
        int best = rq.q.best_prio();
        if (best >= 0 && best <= cur->prio)
          cpu.resched_pending = true;  // its turn is over: to the back of its level
        else
          cur->slice = kSliceTicks;  // nobody else at its level: another turn
      } else {
        int best = rq.q.best_prio();
        if (best >= 0 && best < cur->prio) cpu.resched_pending = true;
      }
    }
    if (++rq.balance_ticks >= kBalanceTicks) {
      rq.balance_ticks = 0;
      balance = true;
    }
  }
  if (charged) proc_cpu_tick(cur, user);
  if (balance) sched_balance_push(cpu.id);
}

}  // namespace

// --- Idle ---

void sched_idle_loop() {
  for (;;) {
    arch::irq_disable();
    Cpu& cpu = this_cpu();
    RunQueue& rq = g_rq[cpu.id];
    if (__atomic_load_n(&rq.nr_queued, __ATOMIC_RELAXED) || cpu.resched_pending) {
      rq.lock.lock();
      switch_locked(rq, rq.idle, SwitchReason::kYield);
      arch::irq_enable();
      continue;
    }
    if (sched_steal(cpu.id)) {
      arch::irq_enable();
      continue;
    }
    // Nothing to run: stop the tick and wait for an IPI or the next callout
    // (the switch to a thread starts the tick again). IRQs stay masked from
    // the check to the WFI, so a wake-up IPI sent after the check is pending
    // and ends the WFI at once.
    clock_tick_stop();
    if (!__atomic_load_n(&rq.nr_queued, __ATOMIC_RELAXED) && !cpu.resched_pending) {
      ++rq.wfi_entries;
      arch::wait_for_interrupt();
    }
    arch::irq_enable();  // the interrupt that ended the WFI is taken here
  }
}

// --- FP/SIMD ---

void sched_fp_trap() {
  Thread* t = curthread();
  unsigned me = this_cpu().id;
  CpuFp& f = g_fp[me];
  count(g_counters.fp_traps);
  if (!t->fp_used) {
    t->fp_used = true;
    t->fp = {};
    t->fp_cpu = -1;
  }
  arch::fp_enable();
  f.enabled = true;
  if (!(f.owner_tid == t->tid && t->fp_cpu == static_cast<int8_t>(me))) {
    arch_fp_restore(&t->fp);
    f.owner_tid = t->tid;
    count(g_counters.fp_restores);
  }
}

void sched_set_fp_policy(FpPolicy p) { g_fp_policy = p; }
FpPolicy sched_fp_policy() { return g_fp_policy; }

// --- Views ---

unsigned sched_runnable_count() {
  unsigned n = 0;
  for (unsigned c = 0; c < arch::kMaxCpus; ++c) {
    RunQueue& rq = g_rq[c];
    if (!rq.idle || !__atomic_load_n(&g_cpus[c].online, __ATOMIC_ACQUIRE)) continue;
    Thread* cur = __atomic_load_n(&g_cpus[c].current, __ATOMIC_RELAXED);
    n += __atomic_load_n(&rq.q.size_ref(), __ATOMIC_RELAXED) + (cur && cur != rq.idle ? 1 : 0);
  }
  return n;
}

uint64_t sched_thread_run_ns(const Thread* t) {
  for (;;) {
    unsigned c = __atomic_load_n(&t->cpu, __ATOMIC_RELAXED);
    RunQueue& rq = g_rq[c];
    SpinGuard g(rq.lock);
    if (t->cpu != c) continue;  // moved meanwhile: its new queue's lock
    uint64_t ns = t->stats.run_ns;
    if (g_cpus[c].current == t) ns += clock_ns() - t->ran_since;  // the slice it runs
    return ns;
  }
}

SchedCpuStats sched_cpu_stats(unsigned cpu) {
  SchedCpuStats s = {};
  s.cpu = cpu;
  s.online = __atomic_load_n(&g_cpus[cpu].online, __ATOMIC_ACQUIRE);
  RunQueue& rq = g_rq[cpu];
  if (!rq.idle) return s;
  SpinGuard g(rq.lock);
  uint64_t now = clock_ns();  // after the lock: not before the idle thread's last dispatch
  Thread* cur = g_cpus[cpu].current;
  if (cur) {
    s.current_tid = cur->tid;
    for (unsigned i = 0; i < sizeof s.current_name - 1 && cur->name[i]; ++i)
      s.current_name[i] = cur->name[i];
  }
  s.queued = rq.q.size();
  s.nr_running = s.queued + (cur && cur != rq.idle ? 1 : 0);
  s.switches = rq.switches;
  s.idle_ns = rq.idle->stats.run_ns + (cur == rq.idle ? now - rq.idle->ran_since : 0);
  s.busy_ns = now - rq.started_ns - s.idle_ns;
  s.wfi_entries = rq.wfi_entries;
  s.user_ticks = rq.user_ticks;
  s.nice_ticks = rq.nice_ticks;
  s.sys_ticks = rq.sys_ticks;
  s.ticks = clock_ticks(cpu);
  s.preemptions = rq.preemptions;
  s.steals = rq.steals;
  s.pushes = rq.pushes;
  s.resched_ipis = __atomic_load_n(&rq.resched_ipis, __ATOMIC_RELAXED);
  return s;
}

void sched_print_cpus() {
  uint64_t now = clock_ns();
  kprintf(
      "cpu current              queue switches   idle%%  idle_ms     wfi  ticks  preempt steal "
      "push ipis\n");
  for (unsigned c = 0; c < arch::kMaxCpus; ++c) {
    SchedCpuStats s = sched_cpu_stats(c);
    if (!s.online) continue;
    char cur[32];
    unsigned n = 0;
    for (const char* p = s.current_name; *p && n < 20; ++p) cur[n++] = *p;
    cur[n] = 0;
    uint64_t pct = now ? s.idle_ns * 100 / now : 0;
    kprintf("%-3u %-20s %5u %9lu %5lu%% %8lu %7lu %6lu %8lu %5lu %4lu %4lu\n", c, cur, s.queued,
            s.switches, pct, s.idle_ns / 1000000, s.wfi_entries, s.ticks, s.preemptions, s.steals,
            s.pushes, s.resched_ipis);
  }
}

namespace {
void print_thread(const Thread& t, void*) {
  kprintf("%-6lu %-20s %-8s %3u %4u %4x %8lu %8lu %8lu %6lu %5lu %s\n", t.tid, t.name,
          thread_state_name(t.state), t.cpu, t.prio, t.affinity, t.stats.run_ns / 1000000,
          t.stats.switches, t.stats.voluntary, t.stats.involuntary, t.stats.migrations,
          t.wmesg && t.state == ThreadState::kSleeping ? t.wmesg : "");
}
}  // namespace

void sched_print_threads() {
  kprintf(
      "tid    name                 state    cpu prio  aff   run_ms switches      vol  invol   mig "
      "wchan\n");
  threads_for_each(print_thread, nullptr);
}

SchedCounters sched_counters() {
  SchedCounters c;
  c.switches = __atomic_load_n(&g_counters.switches, __ATOMIC_RELAXED);
  c.migrations = __atomic_load_n(&g_counters.migrations, __ATOMIC_RELAXED);
  c.fp_saves = __atomic_load_n(&g_counters.fp_saves, __ATOMIC_RELAXED);
  c.fp_restores = __atomic_load_n(&g_counters.fp_restores, __ATOMIC_RELAXED);
  c.fp_traps = __atomic_load_n(&g_counters.fp_traps, __ATOMIC_RELAXED);
  return c;
}
