// Spinlocks under contention from all four CPUs.
#include <arch/cpu.h>

#include "kernel/cpu/percpu.h"
#include "kernel/cpu/smp.h"
#include "kernel/ktest/ktest.h"
#include "kernel/sync/crit.h"
#include "kernel/sync/spinlock.h"

namespace {
constexpr unsigned kIncrements = 50000;
LockClass g_test_class("ktest.counter", 0);
struct Shared {
  SpinLock lock{g_test_class};
  uint64_t counter = 0;         // guarded by lock; plain (non-atomic) on purpose
  bool irqs_off_inside = true;  // every holder saw IRQs masked
};

void hammer(void* arg) {
  auto* s = static_cast<Shared*>(arg);
  for (unsigned i = 0; i < kIncrements; ++i) {
    SpinGuard g(s->lock);
    uint64_t v = s->counter;
    arch::compiler_barrier();
    s->counter = v + 1;
    if (arch::irqs_enabled()) s->irqs_off_inside = false;
  }
}
}  // namespace

KTEST(spinlock_counter_all_cpus) {
  static Shared s;
  s.counter = 0;
  uint64_t acq_before = g_test_class.acquisitions;
  smp_run_on_all(hammer, &s);
  KEXPECT_EQ(s.counter, uint64_t{kIncrements} * arch::kMaxCpus);
  KEXPECT_EQ(g_test_class.acquisitions - acq_before, uint64_t{kIncrements} * arch::kMaxCpus);
  KEXPECT(s.irqs_off_inside);
  KEXPECT(!s.lock.is_locked());
  KEXPECT(lock_class_find("ktest.counter") == &g_test_class);
}

KTEST(spinlock_restores_irq_state) {
  static LockClass cls("ktest.irq", 0);  // registered globally on first use: must outlive the test
  SpinLock l(cls);
  KEXPECT(arch::irqs_enabled());
  l.lock();
  KEXPECT(!arch::irqs_enabled());
  KEXPECT(l.held_by_me());
  l.unlock();
  KEXPECT(arch::irqs_enabled());
  uint64_t saved = arch::irq_save();
  l.lock();
  l.unlock();
  KEXPECT(!arch::irqs_enabled());  // was masked before: stays masked
  arch::irq_restore(saved);
  KEXPECT(l.try_lock());
  KEXPECT(!l.try_lock());
  l.unlock();
}

KTEST(crit_section_nests) {
  KEXPECT(!in_crit());
  crit_enter();
  crit_enter();
  KEXPECT_EQ(this_cpu().crit_depth, 2);
  crit_exit();
  KEXPECT(in_crit());
  crit_exit();
  KEXPECT(!in_crit());
}
