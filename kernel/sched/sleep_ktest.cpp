// Sleep queues, timeouts, interruption, callouts, Mutex and lockmgr, across
// CPUs (no icount: the CPUs really race).
#include <arch/cpu.h>

#include "kernel/console/kprintf.h"
#include "kernel/cpu/percpu.h"
#include "kernel/ktest/ktest.h"
#include "kernel/sched/ktest_util.h"
#include "kernel/sched/lockmgr.h"
#include "kernel/sched/mutex.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sleepq.h"
#include "kernel/thread/thread.h"
#include "kernel/time/callout.h"
#include "kernel/time/clock.h"

namespace {

constexpr uint64_t kTickNs = 1000000000ull / kHz;

// Ping-pong between two threads on different CPUs: each round trip is two
// sleeps and two cross-CPU wakeups.
//
// A lost wakeup is told apart from a late one without timing: each side counts
// the wakeup calls it has started and finished. A sleeper that wakes by its
// (1 s) watchdog checks whether a wakeup call of its partner started after it
// was queued and has finished: that call had to find it, so it was lost.
// Otherwise the partner has simply not got there yet; under an overloaded
// host QEMU can leave a vCPU unrun for a long while, which delays wakeups
// without losing them.
struct PingPong {
  int turn;  // 0: side 0's turn, 1: side 1's
  int rounds;
  int done[2];           // wait channels
  uint64_t started[2];   // wakeup calls each side has begun (atomic)
  uint64_t finished[2];  // ... and returned from (atomic)
  int lost;              // wakeups that found nobody although a sleeper was queued
  int late;              // watchdog expiries that were not losses
  uint64_t max_wait_ns;
};
struct Side {
  PingPong* pp;
  int me;
};

int ping_pong(void* arg) {
  auto* s = static_cast<Side*>(arg);
  PingPong* pp = s->pp;
  int other = 1 - s->me;
  for (int i = 0; i < pp->rounds; ++i) {
    uint64_t t0 = clock_ns();
    while (__atomic_load_n(&pp->turn, __ATOMIC_ACQUIRE) != s->me) {
      tsleep_interlock(&pp->done[s->me], 0);
      uint64_t begun = __atomic_load_n(&pp->started[other], __ATOMIC_ACQUIRE);
      if (__atomic_load_n(&pp->turn, __ATOMIC_ACQUIRE) == s->me) {
        tsleep_abort();
        break;
      }
      if (tsleep(&pp->done[s->me], PINTERLOCKED, "pingpong", kHz) == EWOULDBLOCK) {
        if (__atomic_load_n(&pp->finished[other], __ATOMIC_ACQUIRE) > begun)
          __atomic_fetch_add(&pp->lost, 1, __ATOMIC_RELAXED);
        else
          __atomic_fetch_add(&pp->late, 1, __ATOMIC_RELAXED);
      }
    }
    uint64_t waited = clock_ns() - t0;
    if (waited > pp->max_wait_ns) pp->max_wait_ns = waited;  // read once both are joined
    __atomic_store_n(&pp->turn, other, __ATOMIC_RELEASE);
    __atomic_fetch_add(&pp->started[s->me], 1, __ATOMIC_ACQ_REL);
    wakeup(&pp->done[other]);
    __atomic_fetch_add(&pp->finished[s->me], 1, __ATOMIC_ACQ_REL);
  }
  return 0;
}

// Runs `pairs` ping-pongs at once, pair p between CPUs cpus[p][0] and cpus[p][1].
void run_pingpong(KtestContext& t, const unsigned (*cpus)[2], int pairs, int rounds, PingPong* pp) {
  Side sides[8];
  Thread* th[8];
  for (int p = 0; p < pairs; ++p) {
    pp[p] = {};
    pp[p].rounds = rounds;
    for (int k = 0; k < 2; ++k) {
      sides[p * 2 + k] = {&pp[p], k};
      KASSERT_T(thread_spawn("ktest.pingpong", ping_pong, &sides[p * 2 + k],
                             ktest_attr(kPrioKernel, cpumask_of(cpus[p][k])), &th[p * 2 + k]) == 0);
    }
  }
  for (int i = 0; i < 2 * pairs; ++i) thread_join(th[i]);
}

}  // namespace

// 10,000 cross-CPU sleep/wakeup round trips: 2,000 on each neighbouring pair
// of CPUs in turn (0-1, 1-2, 2-3, 3-0), then 2,000 with all four CPUs at once
// (0-2 and 1-3). No wakeup is lost and nothing deadlocks.
KTEST(sleep_wakeup_10000_cross_cpu_round_trips) {
  SchedBaseline before = SchedBaseline::take();
  SleepqStats s0 = sleepq_stats();
  static const unsigned kRing[4][2] = {{0, 1}, {1, 2}, {2, 3}, {3, 0}};
  static const unsigned kCross[2][2] = {{0, 2}, {1, 3}};
  PingPong pp[2];
  int lost = 0, late = 0, total = 0;
  uint64_t max_wait = 0;
  uint64_t t0 = clock_ns();
  auto tally = [&](int n) {
    for (int p = 0; p < n; ++p) {
      lost += pp[p].lost;
      late += pp[p].late;
      total += pp[p].rounds;
      if (pp[p].max_wait_ns > max_wait) max_wait = pp[p].max_wait_ns;
    }
  };
  for (int p = 0; p < 4; ++p) {
    run_pingpong(t, &kRing[p], 1, 2000, pp);
    tally(1);
  }
  run_pingpong(t, kCross, 2, 1000, pp);
  tally(2);
  uint64_t ns = clock_ns() - t0;
  SleepqStats s1 = sleepq_stats();
  kprintf(
      "pingpong: %d round trips in %lu ms (%lu us each); longest wait for a turn %lu us, %d "
      "watchdog expiries (late, not lost); %lu sleeps, %lu wakeups\n",
      total, ns / 1000000, ns / static_cast<uint64_t>(total) / 1000, max_wait / 1000, late,
      s1.sleeps - s0.sleeps, s1.wakeups - s0.wakeups);
  KEXPECT_EQ(total, 10000);
  KEXPECT_EQ(lost, 0);
  KEXPECT_BASELINE(before);
}

namespace {
struct TimeoutProbe {
  int rounds;
  uint64_t max_late;
  uint64_t sum_late;
  int early;
  int wrong_result;
};
int timeout_probe(void* arg) {
  auto* p = static_cast<TimeoutProbe*>(arg);
  int chan;
  for (int i = 0; i < p->rounds; ++i) {
    uint64_t deadline;
    int r;
    if (i % 2 == 0) {
      // In ticks, as the seed's tsleep(..., hz / 2).
      int timo = 1 + i % 3;
      uint64_t start = clock_ns();
      deadline = start + uint64_t(timo) * kTickNs;
      r = tsleep(&chan, 0, "probe", timo);
    } else {
      // An absolute deadline that falls between ticks.
      deadline = clock_ns() + 3100000 + 700000 * (i % 5);
      r = tsleep_until(&chan, 0, "probe", deadline);
    }
    uint64_t now = clock_ns();
    if (r != EWOULDBLOCK) ++p->wrong_result;
    if (now < deadline) {
      ++p->early;
    } else {
      uint64_t late = now - deadline;
      p->sum_late += late;
      if (late > p->max_late) p->max_late = late;
    }
  }
  return 0;
}
}  // namespace

// A sleep with a timeout ends no earlier than its deadline and within one
// tick after it, on every CPU (idle CPUs included: their tick is stopped, the
// callout alone wakes them). Lateness is guest time, so a host that
// deschedules a vCPU adds to it; the measurement is repeated (at most three
// times) before the test gives up.
KTEST(sleep_timeouts_fire_within_one_tick) {
  SchedBaseline before = SchedBaseline::take();
  bool ok = false;
  for (int attempt = 1; attempt <= 3 && !ok; ++attempt) {
    TimeoutProbe p[arch::kMaxCpus] = {};
    Thread* th[arch::kMaxCpus];
    for (unsigned c = 0; c < arch::kMaxCpus; ++c) {
      p[c].rounds = 20;
      KASSERT_T(thread_spawn("ktest.timeout", timeout_probe, &p[c],
                             ktest_attr(kPrioKernel, cpumask_of(c)), &th[c]) == 0);
    }
    for (Thread* x : th) thread_join(x);
    ok = true;
    uint64_t max = 0, sum = 0;
    for (unsigned c = 0; c < arch::kMaxCpus; ++c) {
      KEXPECT_EQ(p[c].early, 0);
      KEXPECT_EQ(p[c].wrong_result, 0);
      if (p[c].max_late >= kTickNs) ok = false;
      if (p[c].max_late > max) max = p[c].max_late;
      sum += p[c].sum_late;
    }
    kprintf(
        "timeouts: attempt %d: 80 sleeps, lateness avg %lu us, max %lu us (one tick = %lu us)\n",
        attempt, sum / 80 / 1000, max / 1000, kTickNs / 1000);
  }
  KEXPECT(ok);
  KEXPECT_BASELINE(before);
}

namespace {
struct OneWaiter {
  int* chan;
  int* order;
  int* n;
  int id;
};
int wait_once(void* arg) {
  auto* w = static_cast<OneWaiter*>(arg);
  tsleep(w->chan, 0, "one", 0);
  int k = __atomic_fetch_add(w->n, 1, __ATOMIC_ACQ_REL);
  w->order[k] = w->id;
  return 0;
}
}  // namespace

// wakeup_one wakes one sleeper at a time, the longest asleep first; wakeup
// wakes all.
KTEST(sleep_wakeup_one_is_fifo) {
  SchedBaseline before = SchedBaseline::take();
  int chan = 0, order[4] = {-1, -1, -1, -1}, n = 0;
  OneWaiter w[4];
  Thread* th[4];
  for (int i = 0; i < 4; ++i) {
    w[i] = {&chan, order, &n, i};
    KASSERT_T(thread_spawn("ktest.one", wait_once, &w[i], ThreadAttr{}, &th[i]) == 0);
    // Asleep before the next one starts.
    while (th[i]->state != ThreadState::kSleeping) thread_sleep_ns(100000);
  }
  for (int i = 0; i < 2; ++i) {
    wakeup_one(&chan);
    while (__atomic_load_n(&n, __ATOMIC_ACQUIRE) != i + 1) thread_sleep_ns(100000);
    KEXPECT_EQ(order[i], i);
  }
  wakeup(&chan);
  for (Thread* x : th) thread_join(x);
  KEXPECT_EQ(n, 4);
  KEXPECT_BASELINE(before);
}

namespace {
struct IntrArg {
  unsigned flags;
  int result;
  int ready;
};
int intr_sleeper(void* arg) {
  auto* a = static_cast<IntrArg*>(arg);
  __atomic_store_n(&a->ready, 1, __ATOMIC_RELEASE);
  a->result = tsleep(a, a->flags, "intr", kHz / 5);
  return 0;
}
}  // namespace

// PCATCH sleeps end with EINTR on thread_interrupt; other sleeps do not.
KTEST(sleep_interruptible_by_thread_interrupt) {
  SchedBaseline before = SchedBaseline::take();
  IntrArg a = {PCATCH, -1, 0}, b = {0, -1, 0};
  Thread *ta, *tb;
  KASSERT_T(thread_spawn("ktest.intr", intr_sleeper, &a, ThreadAttr{}, &ta) == 0);
  KASSERT_T(thread_spawn("ktest.nointr", intr_sleeper, &b, ThreadAttr{}, &tb) == 0);
  while (ta->state != ThreadState::kSleeping || tb->state != ThreadState::kSleeping)
    thread_sleep_ns(100000);
  thread_interrupt(ta);
  thread_interrupt(tb);
  thread_join(ta);
  thread_join(tb);
  KEXPECT_EQ(a.result, EINTR);
  KEXPECT_EQ(b.result, EWOULDBLOCK);  // slept its full 200 ms
  // A pending interrupt makes the next PCATCH sleep return at once.
  thread_interrupt(curthread());
  int chan;
  KEXPECT_EQ(tsleep(&chan, PCATCH, "intr", kHz), EINTR);
  thread_clear_interrupt();
  KEXPECT_EQ(tsleep(&chan, PCATCH, "intr", 1), EWOULDBLOCK);
  KEXPECT_BASELINE(before);
}

namespace {
// Producer/consumer through ssleep with a spinlock interlock.
LockClass g_pc_class("ktest.pc", 0);
struct ProdCons {
  SpinLock lock{g_pc_class};
  int items = 0;     // guarded by lock
  int consumed = 0;  // guarded by lock
  int target = 0;
  int timeouts = 0;
};
int producer(void* arg) {
  auto* pc = static_cast<ProdCons*>(arg);
  for (int i = 0; i < pc->target / 2; ++i) {
    {
      SpinGuard g(pc->lock);
      ++pc->items;
    }
    wakeup_one(&pc->items);
    if (i % 64 == 0) thread_yield();
  }
  return 0;
}
int consumer(void* arg) {
  auto* pc = static_cast<ProdCons*>(arg);
  SpinGuard g(pc->lock);
  while (pc->consumed < pc->target) {
    if (pc->items == 0) {
      if (ssleep(&pc->items, pc->lock, 0, "consume", kHz) == EWOULDBLOCK) {
        if (pc->consumed < pc->target && pc->items == 0) {
          // Only legitimate at the very end (the other consumer took the rest).
          ++pc->timeouts;
        }
      }
      continue;
    }
    --pc->items;
    ++pc->consumed;
  }
  wakeup(&pc->items);  // the other consumer may be waiting for the last one
  return 0;
}
}  // namespace

KTEST(sleep_ssleep_producer_consumer_across_cpus) {
  SchedBaseline before = SchedBaseline::take();
  ProdCons pc;
  pc.target = 20000;
  Thread* th[4];
  KASSERT_T(thread_spawn("ktest.prod", producer, &pc, ktest_attr(kPrioKernel, cpumask_of(0)),
                         &th[0]) == 0);
  KASSERT_T(thread_spawn("ktest.prod", producer, &pc, ktest_attr(kPrioKernel, cpumask_of(1)),
                         &th[1]) == 0);
  KASSERT_T(thread_spawn("ktest.cons", consumer, &pc, ktest_attr(kPrioKernel, cpumask_of(2)),
                         &th[2]) == 0);
  KASSERT_T(thread_spawn("ktest.cons", consumer, &pc, ktest_attr(kPrioKernel, cpumask_of(3)),
                         &th[3]) == 0);
  for (Thread* x : th) thread_join(x);
  KEXPECT_EQ(pc.consumed, pc.target);
  KEXPECT_EQ(pc.items, 0);
  KEXPECT_EQ(pc.timeouts, 0);
  KEXPECT_BASELINE(before);
}

namespace {
struct CalloutProbe {
  int fired_cpu;
  uint64_t fired_at;
  int running;
  int seen;  // the test has seen the handler running
};
void probe_fire(void* arg) {
  auto* p = static_cast<CalloutProbe*>(arg);
  p->fired_cpu = static_cast<int>(this_cpu().id);
  p->fired_at = clock_ns();
}
void slow_handler(void* arg) {
  auto* p = static_cast<CalloutProbe*>(arg);
  __atomic_store_n(&p->running, 1, __ATOMIC_RELEASE);
  // Run until the test has seen us running (at most 2 s), then 3 ms more.
  uint64_t give_up = clock_ns() + 2000000000;
  while (!__atomic_load_n(&p->seen, __ATOMIC_ACQUIRE) && clock_ns() < give_up) arch::cpu_relax();
  uint64_t until = clock_ns() + 3000000;
  while (clock_ns() < until) arch::cpu_relax();
  __atomic_store_n(&p->running, 0, __ATOMIC_RELEASE);
}
struct ArmArg {
  Callout* c;
  CalloutProbe* p;
  uint64_t deadline;
  CalloutFn fn;
};
int arm_here(void* arg) {
  auto* a = static_cast<ArmArg*>(arg);
  callout_reset(a->c, a->deadline, a->fn, a->p);
  return 0;
}
}  // namespace

// Callouts fire on the CPU that armed them, not before their deadline; a
// stopped one does not fire; callout_stop waits for a handler running on
// another CPU.
KTEST(callout_fire_stop_and_wait) {
  Callout c;
  CalloutProbe p = {-1, 0, 0, 0};
  ArmArg a = {&c, &p, clock_ns() + 5000000, probe_fire};
  Thread* th;
  KASSERT_T(thread_spawn("ktest.arm", arm_here, &a, ktest_attr(kPrioKernel, cpumask_of(3)), &th) ==
            0);
  thread_join(th);
  KEXPECT(callout_pending(&c));
  thread_sleep_ns(20000000);
  KEXPECT(!callout_pending(&c));
  KEXPECT_EQ(p.fired_cpu, 3);
  KEXPECT(p.fired_at >= a.deadline);

  // Stopped before its deadline: never fires.
  p = {-1, 0, 0, 0};
  a.deadline = clock_ns() + 10000000;
  KASSERT_T(thread_spawn("ktest.arm", arm_here, &a, ktest_attr(kPrioKernel, cpumask_of(2)), &th) ==
            0);
  thread_join(th);
  KEXPECT(callout_stop(&c));
  thread_sleep_ns(20000000);
  KEXPECT_EQ(p.fired_cpu, -1);

  // A slow handler on CPU 1; stop it from here while it runs.
  Thread* self = curthread();
  cpumask_t mine = self->affinity;
  thread_set_affinity(self, cpumask_of(0));
  p = {-1, 0, 0, 0};
  a = {&c, &p, clock_ns() + 2000000, slow_handler};
  KASSERT_T(thread_spawn("ktest.arm", arm_here, &a, ktest_attr(kPrioKernel, cpumask_of(1)), &th) ==
            0);
  thread_join(th);
  while (!__atomic_load_n(&p.running, __ATOMIC_ACQUIRE) && clock_ns() < a.deadline + 2000000000)
    thread_sleep_ns(100000);
  KEXPECT(__atomic_load_n(&p.running, __ATOMIC_ACQUIRE));
  __atomic_store_n(&p.seen, 1, __ATOMIC_RELEASE);
  KEXPECT(!callout_stop(&c));  // not pending any more: it is running
  KEXPECT_EQ(__atomic_load_n(&p.running, __ATOMIC_ACQUIRE), 0);  // and stop waited for it
  thread_set_affinity(self, mine);
}

namespace {
struct MutexRun {
  Mutex m{"ktest.mutex"};
  uint64_t counter = 0;  // guarded by m; plain on purpose
  int per_thread = 0;
  int owner_violations = 0;
};
int mutex_worker(void* arg) {
  auto* r = static_cast<MutexRun*>(arg);
  for (int i = 0; i < r->per_thread; ++i) {
    MutexGuard g(r->m);
    if (!r->m.held_by_me()) ++r->owner_violations;
    uint64_t v = r->counter;
    if (i % 50 == 0)
      thread_sleep_ns(50000);  // sleep while holding it
    else if (i % 7 == 0)
      thread_yield();
    r->counter = v + 1;
  }
  return 0;
}
}  // namespace

KTEST(mutex_counter_8_threads_4_cpus) {
  SchedBaseline before = SchedBaseline::take();
  MutexRun r;
  r.per_thread = 250;
  Thread* th[8];
  for (int i = 0; i < 8; ++i)
    KASSERT_T(thread_spawn("ktest.mutex", mutex_worker, &r, ThreadAttr{}, &th[i]) == 0);
  for (Thread* x : th) thread_join(x);
  KEXPECT_EQ(r.counter, 8u * r.per_thread);
  KEXPECT_EQ(r.owner_violations, 0);
  KEXPECT(r.m.contended() > 0);
  KEXPECT(r.m.owner() == nullptr);
  KEXPECT(r.m.try_lock());
  KEXPECT(!r.m.try_lock());
  r.m.unlock();
  KEXPECT_BASELINE(before);
}

namespace {
// unlock() against a lock() that is about to sleep, timed to meet: in each
// round the holder takes the Mutex, lets the waiter go (a flag it spins on),
// holds on for a while that changes from round to round (0 to 255 spins, in a
// scattered order, so that the two meet at every point of the waiter's path
// into its sleep, whatever the speeds of the two CPUs) and unlocks. The waiter
// locks (finding the lock taken, mostly), unlocks and reports the round done.
// Once the holder's unlock() has returned, the waiter is never still queued
// on the Mutex: it was counted as a waiter before it tried the lock, and
// queued before the Mutex's interlock let unlock() look, so a correct
// unlock() either let its try succeed or took it off the queue. One still
// queued was lost (a pipe's reader and writer then sleep for ever, each
// waiting for the other): the holder counts it and wakes it the only way a
// caller can, by taking and giving back the Mutex (it is still counted as a
// waiter, so that unlock() wakes it).
struct MutexMeet {
  Mutex m{"ktest.mutexmeet"};
  int rounds = 0;
  Thread* waiter = nullptr;  // atomic: set once spawned
  int go = 0;                // atomic: the round the waiter may start
  int done = 0;              // atomic: the last round the waiter finished
  int lost = 0;
};
bool queued_on(const Thread* t, const Mutex* m) {
  return __atomic_load_n(&t->sleep_queued, __ATOMIC_ACQUIRE) &&
         __atomic_load_n(&t->wchan, __ATOMIC_ACQUIRE) == m;
}
int mutex_meet_holder(void* arg) {
  auto* mm = static_cast<MutexMeet*>(arg);
  while (!__atomic_load_n(&mm->waiter, __ATOMIC_ACQUIRE)) arch::cpu_relax();
  Thread* w = mm->waiter;
  for (int i = 1; i <= mm->rounds; ++i) {
    mm->m.lock();
    __atomic_store_n(&mm->go, i, __ATOMIC_RELEASE);
    for (int k = (i * 37) % 256; k > 0; --k) arch::cpu_relax();
    mm->m.unlock();
    while (__atomic_load_n(&mm->done, __ATOMIC_ACQUIRE) != i) {
      if (queued_on(w, &mm->m) && mm->m.owner() == nullptr) {
        ++mm->lost;
        mm->m.lock();
        mm->m.unlock();
      }
      arch::cpu_relax();
    }
  }
  return 0;
}
int mutex_meet_waiter(void* arg) {
  auto* mm = static_cast<MutexMeet*>(arg);
  for (int i = 1; i <= mm->rounds; ++i) {
    while (__atomic_load_n(&mm->go, __ATOMIC_ACQUIRE) != i) arch::cpu_relax();
    mm->m.lock();
    mm->m.unlock();
    __atomic_store_n(&mm->done, i, __ATOMIC_RELEASE);
  }
  return 0;
}
}  // namespace

// 1,000 such rounds on each of the CPU pairs 0-1, 2-3, 0-2 and 1-3 in turn:
// no unlock() leaves the waiter asleep.
KTEST(mutex_unlock_wakes_its_waiter) {
  SchedBaseline before = SchedBaseline::take();
  static const unsigned kPairs[4][2] = {{0, 1}, {2, 3}, {0, 2}, {1, 3}};
  int lost = 0;
  uint64_t contended = 0;
  uint64_t t0 = clock_ns();
  for (const auto& cpus : kPairs) {
    MutexMeet mm;
    mm.rounds = 1000;
    Thread* holder;
    Thread* waiter;
    KASSERT_T(thread_spawn("ktest.meet.h", mutex_meet_holder, &mm,
                           ktest_attr(kPrioKernel, cpumask_of(cpus[0])), &holder) == 0);
    KASSERT_T(thread_spawn("ktest.meet.w", mutex_meet_waiter, &mm,
                           ktest_attr(kPrioKernel, cpumask_of(cpus[1])), &waiter) == 0);
    __atomic_store_n(&mm.waiter, waiter, __ATOMIC_RELEASE);
    thread_join(holder);
    thread_join(waiter);
    lost += mm.lost;
    contended += mm.m.contended();
  }
  kprintf("mutexmeet: 4000 rounds in %lu ms, %lu contended; %d waiters lost\n",
          (clock_ns() - t0) / 1000000, contended, lost);
  KEXPECT_EQ(lost, 0);
  KEXPECT_BASELINE(before);
}

namespace {
struct RwRun {
  struct lock l;
  int readers = 0;  // atomic: shared holders inside
  int writers = 0;  // atomic: exclusive holders inside
  int max_readers = 0;
  int violations = 0;
  int writes = 0;
  int reads = 0;
  int stop = 0;
};
int rw_reader(void* arg) {
  auto* r = static_cast<RwRun*>(arg);
  while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
    lockmgr(&r->l, LK_SHARED);
    int n = __atomic_add_fetch(&r->readers, 1, __ATOMIC_ACQ_REL);
    if (__atomic_load_n(&r->writers, __ATOMIC_ACQUIRE))
      __atomic_fetch_add(&r->violations, 1, __ATOMIC_RELAXED);
    int m = __atomic_load_n(&r->max_readers, __ATOMIC_RELAXED);
    while (n > m && !__atomic_compare_exchange_n(&r->max_readers, &m, n, false, __ATOMIC_RELAXED,
                                                 __ATOMIC_RELAXED)) {
    }
    thread_sleep_ns(200000);
    __atomic_fetch_sub(&r->readers, 1, __ATOMIC_ACQ_REL);
    __atomic_fetch_add(&r->reads, 1, __ATOMIC_RELAXED);
    lockmgr(&r->l, LK_RELEASE);
  }
  return 0;
}
int rw_writer(void* arg) {
  auto* r = static_cast<RwRun*>(arg);
  for (int i = 0; i < 30; ++i) {
    lockmgr(&r->l, LK_EXCLUSIVE);
    if (__atomic_add_fetch(&r->writers, 1, __ATOMIC_ACQ_REL) != 1 ||
        __atomic_load_n(&r->readers, __ATOMIC_ACQUIRE))
      __atomic_fetch_add(&r->violations, 1, __ATOMIC_RELAXED);
    thread_sleep_ns(100000);
    __atomic_fetch_sub(&r->writers, 1, __ATOMIC_ACQ_REL);
    ++r->writes;
    lockmgr(&r->l, LK_RELEASE);
    thread_sleep_ns(300000);
  }
  return 0;
}
}  // namespace

// lockmgr: many shared holders at once, one exclusive holder alone, writers
// get through a stream of readers; NOWAIT, recursion and downgrade.
KTEST(lockmgr_shared_and_exclusive) {
  SchedBaseline before = SchedBaseline::take();
  RwRun r;
  lockinit(&r.l, "ktest.rw", 0, 0);
  Thread* th[6];
  for (int i = 0; i < 4; ++i)
    KASSERT_T(thread_spawn("ktest.reader", rw_reader, &r, ThreadAttr{}, &th[i]) == 0);
  for (int i = 4; i < 6; ++i)
    KASSERT_T(thread_spawn("ktest.writer", rw_writer, &r, ThreadAttr{}, &th[i]) == 0);
  thread_join(th[4]);
  thread_join(th[5]);
  __atomic_store_n(&r.stop, 1, __ATOMIC_RELEASE);
  for (int i = 0; i < 4; ++i) thread_join(th[i]);
  kprintf("lockmgr: %d reads, %d writes, up to %d readers at once\n", r.reads, r.writes,
          r.max_readers);
  KEXPECT_EQ(r.violations, 0);
  KEXPECT_EQ(r.writes, 60);
  KEXPECT(r.max_readers >= 2);
  KEXPECT(r.reads > 0);

  // Single-thread semantics.
  Thread* me = curthread();
  KEXPECT_EQ(lockmgr(&r.l, LK_SHARED), 0);
  KEXPECT_EQ(lockstatus(&r.l, me), LK_SHARED);
  KEXPECT_EQ(lockmgr(&r.l, LK_EXCLUSIVE | LK_NOWAIT), EBUSY);
  KEXPECT_EQ(lockmgr(&r.l, LK_UPGRADE), 0);
  KEXPECT_EQ(lockstatus(&r.l, me), LK_EXCLUSIVE);
  KEXPECT_EQ(lockmgr(&r.l, LK_EXCLUSIVE | LK_CANRECURSE), 0);
  KEXPECT_EQ(lockmgr(&r.l, LK_RELEASE), 0);
  KEXPECT_EQ(lockmgr(&r.l, LK_DOWNGRADE), 0);
  KEXPECT_EQ(lockstatus(&r.l, me), LK_SHARED);
  KEXPECT_EQ(lockmgr(&r.l, LK_SHARED | LK_NOWAIT), 0);
  KEXPECT_EQ(lockmgr(&r.l, LK_RELEASE), 0);
  KEXPECT_EQ(lockmgr(&r.l, LK_RELEASE), 0);
  KEXPECT_EQ(lockstatus(&r.l, me), 0u);
  KEXPECT_BASELINE(before);
}

namespace {
struct WriterStream {
  struct lock l;
  int stop = 0;   // atomic
  int reads = 0;  // atomic: shared acquisitions the reader made
};
int stream_writer(void* arg) {
  auto* w = static_cast<WriterStream*>(arg);
  while (!__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
    lockmgr(&w->l, LK_EXCLUSIVE);
    thread_sleep_ns(100000);
    lockmgr(&w->l, LK_RELEASE);
  }
  return 0;
}
int stream_reader(void* arg) {
  auto* w = static_cast<WriterStream*>(arg);
  for (int i = 0; i < 20; ++i) {
    lockmgr(&w->l, LK_SHARED);
    __atomic_fetch_add(&w->reads, 1, __ATOMIC_RELAXED);
    lockmgr(&w->l, LK_RELEASE);
  }
  return 0;
}
}  // namespace

// lockmgr: a reader waiting behind writers gets in when the writer holding
// the lock lets go, before the next writer, so a stream of writers (three
// threads taking it exclusive back to back: one always waits) cannot starve
// readers either. Each writer holds it 100 us; the reader's 20 shared holds
// come through in about 20 writers' turns, well within the 2 s allowed.
KTEST(lockmgr_readers_get_through_a_stream_of_writers) {
  SchedBaseline before = SchedBaseline::take();
  WriterStream w;
  lockinit(&w.l, "ktest.stream", 0, 0);
  Thread* writers[3];
  for (auto& th : writers)
    KASSERT_T(thread_spawn("ktest.writer", stream_writer, &w, ThreadAttr{}, &th) == 0);
  thread_sleep_ns(5000000);  // the stream going
  Thread* reader;
  KASSERT_T(thread_spawn("ktest.reader", stream_reader, &w, ThreadAttr{}, &reader) == 0);
  uint64_t t0 = clock_ns();
  while (__atomic_load_n(&w.reads, __ATOMIC_RELAXED) < 20 && clock_ns() - t0 < 2000000000ull)
    thread_sleep_ns(1000000);
  int reads = __atomic_load_n(&w.reads, __ATOMIC_RELAXED);
  uint64_t ms = (clock_ns() - t0) / 1000000;
  __atomic_store_n(&w.stop, 1, __ATOMIC_RELEASE);
  for (Thread* th : writers) thread_join(th);
  thread_join(reader);
  kprintf("lockmgr: 20 reads past a stream of writers took %lu ms (%d in time)\n", ms, reads);
  KEXPECT_EQ(reads, 20);
  KEXPECT_BASELINE(before);
}
