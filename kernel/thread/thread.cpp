// Kernel threads: creation, the list of all threads, joining and freeing.
#include "kernel/thread/thread.h"

#include <new>

#include <arch/cpu.h>
#include <arch/kernel_map.h>

#include "kernel/cpu/percpu.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/sched/lock_ranks.h"
#include "kernel/sched/sched.h"
#include "kernel/sched/sleepq.h"
#include "kernel/sched/usched.h"
#include "kernel/sync/cpu_lock_classes.h"
#include "kernel/time/clock.h"
#include "kernel/uapi/error_numbers.h"

namespace {

// Every thread, on one of four lists: the list of the CPU that made it, so
// threads made and freed on different CPUs do not meet on one lock. A walk of
// all takes the four locks in order (their ranks rise), and sees one moment.
static_assert(arch::kMaxCpus == 4, "one list per CPU below");
CpuLockClasses g_list_class{"thread.list0", "thread.list1", "thread.list2", "thread.list3",
                            kRankThreadList};
struct alignas(64) ThreadList {
  SpinLock lock;
  Thread* head;  // guarded by lock
};
constinit ThreadList g_lists[arch::kMaxCpus] = {{SpinLock{g_list_class[0]}, nullptr},
                                                {SpinLock{g_list_class[1]}, nullptr},
                                                {SpinLock{g_list_class[2]}, nullptr},
                                                {SpinLock{g_list_class[3]}, nullptr}};

// A new thread's name (its array zeroed by its constructor), cut to fit:
// one pass, with no strlen first and no memcpy call, since every fork and
// pthread_create names a thread.
void set_name(Thread* t, const char* name) {
  for (size_t i = 0; i + 1 < sizeof t->name && name[i] != '\0'; ++i) t->name[i] = name[i];
}

void lists_lock_all() {
  for (ThreadList& l : g_lists) l.lock.lock();
}
void lists_unlock_all() {
  for (unsigned i = arch::kMaxCpus; i-- > 0;) g_lists[i].lock.unlock();
}

uint64_t g_next_tid = 1;  // atomic
struct {
  uint64_t created, destroyed, live, create_failures;
} g_ctr;  // atomics

Thread g_boot_threads[arch::kMaxCpus];

void bump(uint64_t& c, int64_t d) {
  __atomic_fetch_add(&c, static_cast<uint64_t>(d), __ATOMIC_RELAXED);
}

void list_add(Thread* t) {
  t->list = static_cast<uint8_t>(this_cpu().id);  // a move meanwhile does not matter
  ThreadList& l = g_lists[t->list];
  SpinGuard g(l.lock);
  t->all_prev = nullptr;
  t->all_next = l.head;
  if (l.head) l.head->all_prev = t;
  l.head = t;
}

void list_remove(Thread* t) {
  ThreadList& l = g_lists[t->list];
  SpinGuard g(l.lock);
  if (t->all_prev)
    t->all_prev->all_next = t->all_next;
  else
    l.head = t->all_next;
  if (t->all_next) t->all_next->all_prev = t->all_prev;
}

void thread_free(Thread* t) {
#ifdef TINE_DEBUG
  // Or its bucket's list would keep freed memory (the debug kernel's check).
  KASSERT(!__atomic_load_n(&t->sleep_queued, __ATOMIC_RELAXED));
#endif
  list_remove(t);
  if (!(t->flags & kThreadBootStack)) arch::kstack_free(t->kstack_base);
  t->~Thread();
  kfree(t, M_THREAD);
  bump(g_ctr.destroyed, 1);
  bump(g_ctr.live, -1);
}

void thread_put(Thread* t) {
  if (__atomic_sub_fetch(&t->refs, 1, __ATOMIC_ACQ_REL) == 0) thread_free(t);
}

}  // namespace

const char* thread_state_name(ThreadState s) {
  switch (s) {
    case ThreadState::kEmbryo: return "embryo";
    case ThreadState::kRunnable: return "runnable";
    case ThreadState::kRunning: return "running";
    case ThreadState::kSleeping: return "sleeping";
    case ThreadState::kDead: return "dead";
  }
  return "?";
}

int thread_create(const char* name, ThreadFn fn, void* arg, const ThreadAttr& attr, Thread** out) {
  cpumask_t mask = attr.affinity & kCpumaskAll;
  if (attr.prio > kPrioLowest || !(mask & sched_online_mask()) || !fn) return EINVAL;
  void* mem = kmalloc(sizeof(Thread), M_THREAD, M_WAITOK);
  if (!mem) {
    bump(g_ctr.create_failures, 1);
    return ENOMEM;
  }
  uint64_t stack = arch::kstack_alloc();
  if (!stack) {
    kfree(mem, M_THREAD);
    bump(g_ctr.create_failures, 1);
    return ENOMEM;
  }
  Thread* t = new (mem) Thread();
  t->tid = __atomic_fetch_add(&g_next_tid, 1, __ATOMIC_RELAXED);
  set_name(t, name ? name : "thread");
  t->flags =
      attr.flags & (kThreadDetached | kThreadTimeshare | kThreadVforkChild | kThreadForkChild);
  t->fn = fn;
  t->arg = arg;
  t->nice = attr.nice;
  t->base_prio = attr.prio;
  t->prio = (t->flags & kThreadTimeshare) ? usched_timeshare_prio(attr.nice, 0) : attr.prio;
  t->affinity = mask;
  {
    uint64_t irq = arch::irq_save();
    t->cpu = this_cpu().id;  // the creator's CPU: where placement starts looking
    arch::irq_restore(irq);
  }
  t->kstack_base = stack;
  t->kstack_size = arch::kKstackSize;
  arch::context_init(&t->ctx, stack + arch::kKstackSize, sched_thread_start, t);
  t->refs = (t->flags & kThreadDetached) ? 1 : 2;
  t->state = ThreadState::kEmbryo;
  list_add(t);
  bump(g_ctr.created, 1);
  bump(g_ctr.live, 1);
  *out = t;
  return 0;
}

void thread_start(Thread* t) {
  KASSERT(t->state == ThreadState::kEmbryo);
  sched_make_runnable(t);
  sched_preempt_point();
}

int thread_spawn(const char* name, ThreadFn fn, void* arg, const ThreadAttr& attr, Thread** out) {
  Thread* t = nullptr;
  int err = thread_create(name, fn, arg, attr, &t);
  if (err) return err;
  if (out) *out = t;
  thread_start(t);
  return 0;
}

int thread_join(Thread* t, ThreadStats* stats) {
  KASSERT(t != curthread() && !(t->flags & kThreadDetached));
  while (!__atomic_load_n(&t->exited, __ATOMIC_ACQUIRE)) {
    tsleep_interlock(t, 0);
    if (__atomic_load_n(&t->exited, __ATOMIC_ACQUIRE)) {
      tsleep_abort();
      break;
    }
    tsleep(t, PINTERLOCKED, "join", 0);
  }
  // The reaper drops the running reference right after waking us (IRQs
  // masked, a few instructions): wait for it, so t is freed here and every
  // counter is settled when join returns. (Sleep a little if its CPU is slow
  // to get there, as a vCPU the host has descheduled can be.)
  for (unsigned spins = 0; __atomic_load_n(&t->refs, __ATOMIC_ACQUIRE) > 1; ++spins) {
    if (spins < 1000)
      arch::cpu_relax();
    else
      thread_sleep_ns(20000);
  }
  int code = t->exit_code;
  if (stats) *stats = t->stats;
  thread_put(t);
  return code;
}

void thread_detach(Thread* t) {
  __atomic_fetch_or(&t->flags, static_cast<uint32_t>(kThreadDetached), __ATOMIC_RELAXED);
  thread_put(t);
}

void thread_exit(int code) {
  Thread* t = curthread();
  KASSERT(!(t->flags & kThreadIdle));
  t->exit_code = code;
  sched_exit_current();
}

void thread_reap(Thread* t) {
  __atomic_store_n(&t->exited, true, __ATOMIC_RELEASE);
  wakeup(t);
  thread_put(t);  // the running reference; the last access to t here
}

void thread_yield() { sched_yield(); }

void thread_sleep_ns(uint64_t ns) {
  int chan;  // nobody wakes it: only the deadline ends the sleep
  tsleep_until(&chan, 0, "sleep", clock_ns() + ns);
}

int thread_set_affinity(Thread* t, cpumask_t mask) { return sched_set_affinity(t, mask); }

int thread_set_affinity_unstarted(Thread* t, cpumask_t mask) {
  KASSERT(t->state == ThreadState::kEmbryo);
  mask &= kCpumaskAll;
  if (!(mask & sched_online_mask())) return EINVAL;
  __atomic_store_n(&t->affinity, mask, __ATOMIC_RELAXED);
  return 0;
}

int thread_set_priority(Thread* t, uint8_t prio) {
  if (prio > kPrioLowest) return EINVAL;
  t->base_prio = prio;
  sched_set_prio(t, prio);
  return 0;
}

void thread_set_nice(Thread* t, int nice) { sched_set_nice(t, nice); }

// Each side of an interrupt stores, then loads what the other side stores
// (interrupt_pending against a sleeper's queueing; the cleared flag against a
// sender's siglist). Seq_cst orders that pair on AArch64, but QEMU's TCG on an
// x86 host lets the load pass the store (see Mutex::unlock): the barriers keep
// the order there too.
void thread_interrupt(Thread* t) {
  __atomic_store_n(&t->interrupt_pending, true, __ATOMIC_SEQ_CST);
  arch::smp_mb();
  sleepq_interrupt(t);
}

void thread_clear_interrupt() {
  __atomic_store_n(&curthread()->interrupt_pending, false, __ATOMIC_SEQ_CST);
  arch::smp_mb();
}

ThreadCounters thread_counters() {
  return {__atomic_load_n(&g_ctr.created, __ATOMIC_RELAXED),
          __atomic_load_n(&g_ctr.destroyed, __ATOMIC_RELAXED),
          __atomic_load_n(&g_ctr.live, __ATOMIC_RELAXED),
          __atomic_load_n(&g_ctr.create_failures, __ATOMIC_RELAXED)};
}

void threads_for_each(void (*fn)(const Thread& t, void* ctx), void* ctx) {
  lists_lock_all();
  for (ThreadList& l : g_lists)
    for (Thread* t = l.head; t; t = t->all_next) fn(*t, ctx);
  lists_unlock_all();
}

const char* thread_name_by_kstack(uint64_t base) {
  // Used while panicking: the lock may be held by a stopped CPU, so walk
  // without it if it cannot be had.
  const char* name = nullptr;
  for (ThreadList& l : g_lists) {
    bool locked = l.lock.try_lock();
    for (Thread* t = l.head; t && !name; t = t->all_next)
      if (t->kstack_base == base) name = t->name;
    if (locked) l.lock.unlock();
    if (name) break;
  }
  return name ? name : "?";
}

Thread* thread_adopt_boot_context(unsigned cpu, uint64_t stack_base, size_t stack_size) {
  Thread* t = &g_boot_threads[cpu];
  t->tid = __atomic_fetch_add(&g_next_tid, 1, __ATOMIC_RELAXED);
  char name[] = "idle/0";
  name[5] = static_cast<char>('0' + cpu);
  strlcpy(t->name, name, sizeof t->name);
  t->flags = kThreadIdle | kThreadBootStack | kThreadDetached;
  t->prio = t->base_prio = kPrioIdle;
  t->affinity = cpumask_of(cpu);
  t->cpu = cpu;
  t->state = ThreadState::kRunning;
  t->on_cpu = true;
  t->kstack_base = stack_base;
  t->kstack_size = stack_size;
  t->refs = 1;
  list_add(t);
  bump(g_ctr.created, 1);
  bump(g_ctr.live, 1);
  return t;
}
