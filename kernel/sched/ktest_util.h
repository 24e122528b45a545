// Helpers shared by the scheduler's ktests: resource baselines and small
// thread utilities.
#pragma once
#include <arch/cpu.h>
#include <arch/kernel_map.h>
#include <stdint.h>

#include "kernel/cpu/percpu.h"
#include "kernel/ktest/ktest.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/mm/settle.h"
#include "kernel/sched/sleepq.h"
#include "kernel/thread/thread.h"
#include "kernel/time/callout.h"

// Everything a test that creates and destroys threads must give back.
struct SchedBaseline {
  ThreadCounters threads;
  arch::KstackStats kstacks;
  uint64_t stack_pages;
  uint64_t table_pages;
  uint64_t thread_objects;
  uint64_t sleeping;
  uint64_t callouts_pending;

  // Caches are emptied first, so the pages compare.
  static SchedBaseline take() {
    mm_settle();
    SchedBaseline b;
    b.threads = thread_counters();
    b.kstacks = arch::kstack_stats();
    PageStats ps = page_stats();
    b.stack_pages = page_stats_used(ps, PageUse::KernelStack);
    b.table_pages = page_stats_used(ps, PageUse::PageTable);
    b.thread_objects = malloc_type_stats(M_THREAD).inuse_objects;
    b.sleeping = sleepq_stats().sleeping;
    b.callouts_pending = 0;
    for (unsigned c = 0; c < arch::kMaxCpus; ++c) b.callouts_pending += callout_stats(c).pending;
    return b;
  }
};

// KEXPECTs that the resources in `before` are back (live threads, stacks,
// stack and table pages, Thread objects, sleepers, pending callouts).
#define KEXPECT_BASELINE(before)                                              \
  do {                                                                        \
    SchedBaseline ktest_now_ = SchedBaseline::take();                         \
    KEXPECT_EQ(ktest_now_.threads.live, (before).threads.live);               \
    KEXPECT_EQ(ktest_now_.threads.created - (before).threads.created,         \
               ktest_now_.threads.destroyed - (before).threads.destroyed);    \
    KEXPECT_EQ(ktest_now_.kstacks.live, (before).kstacks.live);               \
    KEXPECT_EQ(ktest_now_.kstacks.table_pages, (before).kstacks.table_pages); \
    KEXPECT_EQ(ktest_now_.stack_pages, (before).stack_pages);                 \
    KEXPECT_EQ(ktest_now_.table_pages, (before).table_pages);                 \
    KEXPECT_EQ(ktest_now_.thread_objects, (before).thread_objects);           \
    KEXPECT_EQ(ktest_now_.sleeping, (before).sleeping);                       \
    KEXPECT_EQ(ktest_now_.callouts_pending, (before).callouts_pending);       \
  } while (0)

// The CPU this thread runs on at the moment of the call.
inline unsigned ktest_cpu_now() {
  uint64_t irq = arch::irq_save();
  unsigned c = this_cpu().id;
  arch::irq_restore(irq);
  return c;
}

inline ThreadAttr ktest_attr(uint8_t prio, cpumask_t affinity = kCpumaskAll) {
  ThreadAttr a;
  a.prio = prio;
  a.affinity = affinity;
  return a;
}

// A flag other threads wait for (tsleep/wakeup with the interlock).
struct KtestGate {
  int open = 0;
  void wait() {
    while (!__atomic_load_n(&open, __ATOMIC_ACQUIRE)) {
      tsleep_interlock(this, 0);
      if (__atomic_load_n(&open, __ATOMIC_ACQUIRE)) {
        tsleep_abort();
        break;
      }
      tsleep(this, PINTERLOCKED, "gate", 0);
    }
  }
  void release() {
    __atomic_store_n(&open, 1, __ATOMIC_RELEASE);
    wakeup(this);
  }
};
