// Load balancing between the per-CPU run queues. Two run-queue locks are
// always taken in CPU order (their ranks rise with the CPU number). Only
// queued threads move, never a running one, and only to a CPU in their
// affinity mask.
#include <arch/cpu.h>

#include "kernel/cpu/percpu.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sched_internal.h"

namespace {

void lock_pair(RunQueue& a, RunQueue& b) {
  if (a.cpu < b.cpu) {
    a.lock.lock();
    b.lock.lock();
  } else {
    b.lock.lock();
    a.lock.lock();
  }
}

void unlock_pair(RunQueue& a, RunQueue& b) {
  a.lock.unlock();
  b.lock.unlock();
}

unsigned queued(const RunQueue& rq) { return __atomic_load_n(&rq.nr_queued, __ATOMIC_RELAXED); }
unsigned load(const RunQueue& rq) {
  return queued(rq) + (__atomic_load_n(&rq.cur_prio, __ATOMIC_RELAXED) != kPrioIdle ? 1 : 0);
}

}  // namespace

bool sched_steal(unsigned me) {
  RunQueue& mine = g_rq[me];
  cpumask_t online = sched_online_mask();
  // Victims: busy CPUs with waiting threads, most waiting first. An idle
  // CPU's waiting thread was just woken there, and that CPU runs it as soon
  // as its wake-up IPI lands: taking it would only move it (a pipe's two
  // ends on two CPUs would swap CPUs every round trip).
  unsigned order[arch::kMaxCpus];
  unsigned n = 0;
  for (unsigned c = 0; c < arch::kMaxCpus; ++c)
    if (c != me && cpumask_test(online, c) && queued(g_rq[c]) &&
        __atomic_load_n(&g_rq[c].cur_prio, __ATOMIC_RELAXED) != kPrioIdle)
      order[n++] = c;
  for (unsigned i = 1; i < n; ++i)
    for (unsigned j = i; j > 0 && queued(g_rq[order[j]]) > queued(g_rq[order[j - 1]]); --j) {
      unsigned x = order[j];
      order[j] = order[j - 1];
      order[j - 1] = x;
    }
  for (unsigned i = 0; i < n; ++i) {
    RunQueue& from = g_rq[order[i]];
    lock_pair(mine, from);
    // The most urgent waiting thread that may run here.
    Thread* t = from.q.find([me](Thread* x) { return cpumask_test(x->affinity, me); });
    if (t) {
      rq_dequeue_locked(from, t);
      rq_enqueue_locked(mine, t, false);
      ++mine.steals;
    }
    unlock_pair(mine, from);
    if (t) return true;
  }
  return false;
}

void sched_balance_push(unsigned me) {
  RunQueue& mine = g_rq[me];
  unsigned my_load = load(mine);
  if (my_load < 2 || queued(mine) == 0) return;
  cpumask_t online = sched_online_mask();
  // Candidate targets from the least loaded up.
  bool tried[arch::kMaxCpus] = {};
  for (unsigned round = 0; round + 1 < arch::kMaxCpus; ++round) {
    unsigned target = me;
    unsigned least = my_load;
    for (unsigned c = 0; c < arch::kMaxCpus; ++c) {
      if (c == me || tried[c] || !cpumask_test(online, c)) continue;
      unsigned l = load(g_rq[c]);
      if (l < least) least = l, target = c;
    }
    if (target == me || least + 2 > my_load) return;
    tried[target] = true;
    RunQueue& to = g_rq[target];
    lock_pair(mine, to);
    Thread* t = nullptr;
    bool kick = false;
    // Still worth it once locked?
    if (load(to) + 2 <= load(mine)) {
      t = mine.q.find_last([target](Thread* x) { return cpumask_test(x->affinity, target); });
      if (t) {
        rq_dequeue_locked(mine, t);
        rq_enqueue_locked(to, t, false);
        ++mine.pushes;
        kick = rq_should_preempt_locked(to, t->prio);
      }
    }
    unlock_pair(mine, to);
    if (t) {
      if (kick) rq_kick(target);
      return;
    }
  }
}
