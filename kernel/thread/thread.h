// Kernel threads: each has its own kernel stack (with an unmapped guard below
// it), a saved context, a priority, a CPU affinity mask, a state and its
// accounting. The scheduler (kernel/sched/sched.h) runs them; the sleep queues
// (kernel/sched/sleepq.h) block and wake them.
//
// Lifetime: thread_create() returns an embryo (never run, invisible to the
// scheduler until thread_start() or usched setrunqueue). A joinable thread is
// freed by thread_join(), a detached one when it exits. Creation can fail
// (ENOMEM) and then leaves nothing behind.
#pragma once
#include <arch/context.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/sched/cpumask.h"
#include "kernel/time/callout.h"

struct SleepBucket;

enum class ThreadState : uint8_t {
  kEmbryo,    // created, never started
  kRunnable,  // on a run queue (or on its way to one)
  kRunning,   // some CPU's current thread
  kSleeping,  // on a sleep queue, off every run queue
  kDead,      // exited; freed once off its CPU and joined
};
const char* thread_state_name(ThreadState s);

enum ThreadFlags : uint32_t {
  kThreadIdle = 1u << 0,        // a CPU's idle thread (that CPU's boot context)
  kThreadBootStack = 1u << 1,   // runs on a boot stack, not one from kstack_alloc
  kThreadDetached = 1u << 2,    // freed when it exits; nobody joins it
  kThreadTimeshare = 1u << 3,   // priority follows CPU use (usched); else fixed
  kThreadVforkChild = 1u << 4,  // heuristic_forking keeps it on its parent's CPU
  kThreadForkChild = 1u << 5,   // the first thread of a new process (heuristic_forking)
};

// Priorities: 0 is the most urgent level, kPrioLevels - 1 the least.
inline constexpr unsigned kPrioLevels = 32;
inline constexpr uint8_t kPrioKernelHigh = 4;  // service threads (smp_run_on_all workers)
inline constexpr uint8_t kPrioKernel = 12;     // kernel threads by default
inline constexpr uint8_t kPrioUserMin = 16;    // timeshare range (usched resetpriority)
inline constexpr uint8_t kPrioUserMax = 29;
inline constexpr uint8_t kPrioLowest = 30;  // the least urgent a thread may ask for
inline constexpr uint8_t kPrioIdle = 31;    // idle threads only

struct ThreadAttr {
  uint8_t prio = kPrioKernel;
  cpumask_t affinity = kCpumaskAll;
  uint32_t flags = 0;  // kThreadDetached, kThreadTimeshare, kThreadVforkChild
  int8_t nice = 0;     // timeshare threads: -20..20
};

// Accounting, written by the CPU that runs or switches the thread.
struct ThreadStats {
  uint64_t run_ns = 0;       // CPU time, up to its last switch or tick
  uint64_t switches = 0;     // times it was switched to
  uint64_t voluntary = 0;    // switched out by blocking, yielding or exiting
  uint64_t involuntary = 0;  // switched out by preemption
  uint64_t migrations = 0;   // moved to another CPU's run queue
  uint64_t wakeups = 0;      // woken from a sleep
  // Ticks that found it running at EL0 or in the kernel: how run_ns splits
  // into user and system time (Linux's tick-based cputime, and BSD's calcru).
  uint64_t user_ticks = 0;
  uint64_t sys_ticks = 0;
};

using ThreadFn = int (*)(void* arg);

struct Thread {
  arch::ArchContext ctx;  // callee-saved registers while switched out

  // Identity, fixed at creation.
  uint64_t tid = 0;
  char name[24] = {};
  uint32_t flags = 0;
  ThreadFn fn = nullptr;
  void* arg = nullptr;

  // Scheduling. Guarded by the run-queue lock of `cpu` while the thread is
  // runnable or running; a sleeping thread's are its waker's once on_cpu is clear.
  ThreadState state = ThreadState::kEmbryo;
  uint8_t prio = kPrioKernel;       // level it runs at now
  uint8_t base_prio = kPrioKernel;  // fixed-priority threads: prio; timeshare: unused
  int8_t nice = 0;
  uint8_t rq_prio = 0;           // level it is queued at (PrioQueues)
  bool queued = false;           // on a run queue
  bool on_cpu = false;           // registers live on a CPU (atomic; cleared after the switch away)
  bool migrate_pending = false;  // switched out because its affinity left its CPU
  bool place_on_cpu = false;     // next placement: `cpu` as chosen by heuristic_forking
  bool waits_for_children = false;  // its last wait for a child could block (itself only)
  int16_t slice = 0;                // ticks left of its turn
  uint16_t estcpu = 0;              // timeshare: recent CPU use (usched)
  cpumask_t affinity = kCpumaskAll;
  unsigned cpu = 0;  // run queue holding it, or CPU it runs or last ran on
  Thread* rq_next = nullptr;
  Thread* rq_prev = nullptr;
  uint64_t ran_since = 0;  // clock_ns() of its last dispatch or accounting
  uint64_t slept_at = 0;

  // Sleeping. Guarded by the lock of sleep_bucket.
  const volatile void* wchan = nullptr;
  const char* wmesg = nullptr;
  SleepBucket* sleep_bucket = nullptr;  // bucket it is queued on (atomic read by thread_interrupt)
  Thread* sq_next = nullptr;
  Thread* sq_prev = nullptr;
  uint32_t sleep_flags = 0;
  int sleep_result = 0;
  bool sleep_queued = false;
  bool interrupt_pending = false;  // atomic: thread_interrupt() was called
  Callout sleep_timeout;

  int crit_saved = 0;  // crit_enter() depth while switched out

  // FP/SIMD: state saved while the registers do not hold it (see sched_fp_*).
  bool fp_used = false;  // has touched FP/SIMD since it was created
  int8_t fp_cpu = -1;    // CPU whose registers held it when last saved
  arch::FpState fp = {};

  // Kernel stack: [kstack_base, kstack_base + kstack_size).
  uint64_t kstack_base = 0;
  size_t kstack_size = 0;

  ThreadStats stats;

  // Lifetime.
  int refs = 0;  // atomic: 1 while alive + 1 for a joinable thread's handle
  int exit_code = 0;
  bool exited = false;         // atomic: dead and off its CPU
  Thread* all_next = nullptr;  // the thread lists (its list's lock)
  Thread* all_prev = nullptr;
  uint8_t list = 0;  // which of the lists it is on (the CPU that made it)

#ifdef TINE_DEBUG
  // The ghost books of the fork in progress on this thread, while fork1 or
  // rfork_unshare runs (kernel/verified/contract_checks.h); the thread's own.
  struct ForkBooks* fork_books = nullptr;
#endif
};

// The running thread (SP_EL0 holds it: one instruction, safe against migration).
inline Thread* curthread() { return static_cast<Thread*>(arch::current_thread_reg()); }

// Creates an embryo: stack mapped, context ready to run fn(arg) on the first
// switch to it. Returns 0, ENOMEM (memory) or EINVAL (bad priority or an
// affinity with no online CPU). *out is set only on success.
[[nodiscard]] int thread_create(const char* name, ThreadFn fn, void* arg, const ThreadAttr& attr,
                                Thread** out);
// Makes an embryo runnable (the scheduler picks its CPU).
void thread_start(Thread* t);
// thread_create + thread_start.
[[nodiscard]] int thread_spawn(const char* name, ThreadFn fn, void* arg, const ThreadAttr& attr,
                               Thread** out);
// Waits for a joinable thread to exit, frees it and returns its exit code
// (what fn returned or thread_exit got), and its final accounting in *stats
// if given. Once per thread; not on itself.
int thread_join(Thread* t, ThreadStats* stats = nullptr);
// Gives up the handle: the thread is freed when it exits (or now, if it has).
void thread_detach(Thread* t);
[[noreturn]] void thread_exit(int code);

// Lets other threads of the same or a more urgent level run first.
void thread_yield();
// Sleeps for at least ns (uninterruptible).
void thread_sleep_ns(uint64_t ns);
// Changes where t may run; moves it now if it is queued or running elsewhere.
// EINVAL if mask holds no online CPU.
int thread_set_affinity(Thread* t, cpumask_t mask);
// The same for a thread not started yet, which nobody but its creator
// schedules: a plain store, thread_start places it by the mask. EINVAL as above.
int thread_set_affinity_unstarted(Thread* t, cpumask_t mask);
// Sets a fixed priority (0..kPrioLowest); takes effect at once (requeue, preemption).
int thread_set_priority(Thread* t, uint8_t prio);
// Sets a timeshare thread's nice value (-20..19); its priority follows at once.
void thread_set_nice(Thread* t, int nice);

// Interruptible sleeps (PCATCH): wakes t from one with EINTR, and makes its
// next PCATCH sleep return EINTR at once until thread_clear_interrupt().
void thread_interrupt(Thread* t);
void thread_clear_interrupt();

// Counters of every thread ever created (idle threads included).
struct ThreadCounters {
  uint64_t created;
  uint64_t destroyed;
  uint64_t live;
  uint64_t create_failures;
};
ThreadCounters thread_counters();

// Calls fn for every thread, under the thread list lock (fn must not block or
// take the thread list lock).
void threads_for_each(void (*fn)(const Thread& t, void* ctx), void* ctx);
// Name of the thread whose stack starts at base ("?" if none): for fault reports.
const char* thread_name_by_kstack(uint64_t base);

// For the scheduler.
// Makes the running boot context of this CPU a thread (its idle thread).
Thread* thread_adopt_boot_context(unsigned cpu, uint64_t stack_base, size_t stack_size);
// A dead thread is off its CPU: wake its joiner, drop the running reference.
void thread_reap(Thread* t);
