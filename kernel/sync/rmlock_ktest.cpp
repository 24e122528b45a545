// The read-mostly lock: readers on different CPUs pass each other, a writer
// excludes every reader and every other writer.
#include <arch/cpu.h>

#include "kernel/cpu/percpu.h"
#include "kernel/cpu/smp.h"
#include "kernel/ktest/ktest.h"
#include "kernel/sched/cpumask.h"
#include "kernel/sync/rmlock.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"

namespace {

LockClass g_rm0("ktest.rm0", 0), g_rm1("ktest.rm1", 0), g_rm2("ktest.rm2", 0),
    g_rm3("ktest.rm3", 0);
RmLock g_rm{g_rm0, g_rm1, g_rm2, g_rm3};

struct Probe {
  bool write;    // take it to write, else to read
  bool started;  // set once it runs (atomic)
  bool go;       // set by the test, holding the lock to read (atomic)
  bool got;      // set once it has the lock (atomic)
};

int probe(void* arg) {
  auto* pr = static_cast<Probe*>(arg);
  __atomic_store_n(&pr->started, true, __ATOMIC_RELEASE);
  while (!__atomic_load_n(&pr->go, __ATOMIC_ACQUIRE)) arch::cpu_relax();
  if (pr->write)
    g_rm.write_lock();
  else {
    unsigned cpu = g_rm.read_lock();
    g_rm.read_unlock(cpu);
  }
  __atomic_store_n(&pr->got, true, __ATOMIC_RELEASE);
  if (pr->write) g_rm.write_unlock();
  return 0;
}

// Waits up to ms for *flag; whether it was set.
bool wait_flag(const bool* flag, uint64_t ms) {
  uint64_t end = clock_ns() + ms * 1000000;
  while (clock_ns() < end)
    if (__atomic_load_n(flag, __ATOMIC_ACQUIRE)) return true;
  return false;
}

// A probe on another CPU than the caller's, running (the caller is about to
// hold a spinlock, and a probe queued on its CPU could not run).
Thread* spawn_elsewhere(Probe* pr) {
  unsigned me = this_cpu().id;
  unsigned other = (me + 1) % arch::kMaxCpus;
  while (!(cpus_online_bits() & (1u << other))) other = (other + 1) % arch::kMaxCpus;
  ThreadAttr attr;
  attr.affinity = cpumask_of(other);
  Thread* t = nullptr;
  if (thread_spawn("ktest.rmprobe", probe, pr, attr, &t) != 0) return nullptr;
  (void)wait_flag(&pr->started, 2000);  // the test checks it
  return t;
}

constexpr unsigned kRounds = 20000;
struct Shared {
  uint64_t written;        // under the lock written; plain on purpose
  uint64_t readers;        // readers inside (atomic)
  bool writer_inside;      // (atomic)
  bool reader_saw_writer;  // a reader found a writer inside
  bool writer_saw_reader;  // a writer found a reader inside
};

void hammer(void* arg) {
  auto* s = static_cast<Shared*>(arg);
  for (unsigned i = 0; i < kRounds; ++i) {
    if (i % 16 == 0) {
      RmWriteGuard g(g_rm);
      if (__atomic_load_n(&s->readers, __ATOMIC_ACQUIRE) != 0) s->writer_saw_reader = true;
      __atomic_store_n(&s->writer_inside, true, __ATOMIC_RELEASE);
      uint64_t v = s->written;
      arch::compiler_barrier();
      s->written = v + 1;
      __atomic_store_n(&s->writer_inside, false, __ATOMIC_RELEASE);
    } else {
      RmReadGuard g(g_rm);
      __atomic_add_fetch(&s->readers, 1, __ATOMIC_ACQ_REL);
      if (__atomic_load_n(&s->writer_inside, __ATOMIC_ACQUIRE)) s->reader_saw_writer = true;
      __atomic_sub_fetch(&s->readers, 1, __ATOMIC_ACQ_REL);
    }
  }
}

}  // namespace

// A reader does not keep a reader on another CPU out; it keeps a writer out
// until it lets go.
KTEST(rmlock_readers_share_writer_waits) {
  if (cpus_online() < 2) return;
  Probe reader{false, false, false, false};
  Thread* th = spawn_elsewhere(&reader);
  KASSERT_T(th);
  KEXPECT(__atomic_load_n(&reader.started, __ATOMIC_ACQUIRE));
  unsigned cpu = g_rm.read_lock();
  __atomic_store_n(&reader.go, true, __ATOMIC_RELEASE);
  KEXPECT(wait_flag(&reader.got, 2000));  // got its own CPU's lock meanwhile
  g_rm.read_unlock(cpu);
  KEXPECT_EQ(thread_join(th), 0);

  Probe writer{true, false, false, false};
  th = spawn_elsewhere(&writer);
  KASSERT_T(th);
  KEXPECT(__atomic_load_n(&writer.started, __ATOMIC_ACQUIRE));
  cpu = g_rm.read_lock();
  __atomic_store_n(&writer.go, true, __ATOMIC_RELEASE);
  KEXPECT(!wait_flag(&writer.got, 50));  // held off by this CPU's reader
  g_rm.read_unlock(cpu);
  KEXPECT(wait_flag(&writer.got, 2000));
  KEXPECT_EQ(thread_join(th), 0);
}

// Every CPU reads and writes at once: writers never overlap each other (their
// plain count adds up) or a reader.
KTEST(rmlock_writer_excludes_all_cpus) {
  static Shared s;
  s = Shared{};
  smp_run_on_all(hammer, &s);
  KEXPECT_EQ(s.written, uint64_t{kRounds / 16} * cpus_online());
  KEXPECT(!s.reader_saw_writer);
  KEXPECT(!s.writer_saw_reader);
}
