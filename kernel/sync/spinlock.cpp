#include "kernel/sync/spinlock.h"

#include <arch/cpu.h>

#include "kernel/cpu/percpu.h"
#include "kernel/panic.h"
#ifdef TINE_KERNEL
#include "kernel/cpu/ipi.h"
#endif

uint32_t g_spin_parked;
#ifdef TINE_DEBUG
bool g_lock_counting = true;
#else
bool g_lock_counting = false;
#endif

namespace {
arch::RawSpin g_registry_lock;
LockClass* g_classes = nullptr;

void register_class(LockClass* c) {
  uint64_t irq = arch::irq_save();
  arch::raw_spin_lock(&g_registry_lock);
  if (!c->registered) {
    c->next = g_classes;
    g_classes = c;
    __atomic_store_n(&c->registered, true, __ATOMIC_RELEASE);
  }
  arch::raw_spin_unlock(&g_registry_lock);
  arch::irq_restore(irq);
}

#ifdef TINE_DEBUG
void check_order(const Cpu& cpu, const LockClass& cls) {
  if (cls.rank == 0) return;
  for (int i = 0; i < cpu.held_count; ++i) {
    if (cpu.held_ranks[i] != 0 && cpu.held_ranks[i] >= cls.rank)
      panic("lock order: taking %s (rank %u) while holding rank %u", cls.name, cls.rank,
            cpu.held_ranks[i]);
  }
}
#endif

}  // namespace

void lock_classes_for_each(void (*fn)(const LockClass&, void*), void* ctx) {
  for (LockClass* c = __atomic_load_n(&g_classes, __ATOMIC_ACQUIRE); c; c = c->next) fn(*c, ctx);
}

LockClass* lock_class_find(const char* name) {
  for (LockClass* c = __atomic_load_n(&g_classes, __ATOMIC_ACQUIRE); c; c = c->next) {
    const char* a = c->name;
    const char* b = name;
    while (*a && *a == *b) ++a, ++b;
    if (*a == *b) return c;
  }
  return nullptr;
}

void SpinLock::note_rare(uint32_t spins) {
  if (!__atomic_load_n(&cls_->registered, __ATOMIC_ACQUIRE)) register_class(cls_);
  if (g_lock_counting) __atomic_fetch_add(&cls_->acquisitions, 1, __ATOMIC_RELAXED);
  if (spins) {
    __atomic_fetch_add(&cls_->contended, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&cls_->spins, spins, __ATOMIC_RELAXED);
  }
}

#ifdef TINE_KERNEL
// Spins first: a lock is normally handed over within a few hundred cycles.
// Then parks in WFI, which on QEMU puts the vCPU's host thread to sleep: with
// more vCPUs than host cores, a waiter that keeps spinning can hold off the
// very thread that would release the lock. WFI
// wakes for any pending interrupt, masked or not, so unlock's kick (or a
// timer) ends it; the kick is then taken as a no-op IPI once IRQs are back.
uint32_t SpinLock::wait_turn() {
  constexpr uint32_t kSpinsBeforePark = 1000;
  uint32_t spins = 0;
  Cpu& cpu = this_cpu();
  for (;;) {
    for (uint32_t i = 0; i < kSpinsBeforePark; ++i) {
      ++spins;
      if (arch::raw_spin_is_free(&raw_) && arch::raw_spin_try_take(&raw_)) return spins;
      arch::cpu_relax();
    }
    // Only a CPU whose interrupt controller is set up can be kicked, and not
    // from inside a handler: the active interrupt's priority holds the IPI
    // back from the CPU interface, so it would not end the WFI.
    if (!__atomic_load_n(&cpu.online, __ATOMIC_ACQUIRE) || cpu.irq_nesting) continue;
    __atomic_store_n(&cpu.parked_on, static_cast<const void*>(&raw_), __ATOMIC_RELAXED);
    __atomic_fetch_add(&g_spin_parked, 1, __ATOMIC_RELAXED);
    asm volatile("dmb ish" ::: "memory");  // pairs with release()
    if (!arch::raw_spin_is_free(&raw_)) asm volatile("wfi" ::: "memory");
    __atomic_fetch_sub(&g_spin_parked, 1, __ATOMIC_RELAXED);
    __atomic_store_n(&cpu.parked_on, static_cast<const void*>(nullptr), __ATOMIC_RELAXED);
    if (arch::raw_spin_try_take(&raw_)) return spins;
  }
}

void SpinLock::kick_parked() {
  for (unsigned c = 0; c < arch::kMaxCpus; ++c)
    if (__atomic_load_n(&g_cpus[c].parked_on, __ATOMIC_RELAXED) == &raw_) ipi_send(c, Ipi::kKick);
}
#else
uint32_t SpinLock::wait_turn() { return arch::raw_spin_lock(&raw_); }
void SpinLock::kick_parked() {}
#endif

#ifdef TINE_DEBUG
void SpinLock::lock() {
  uint64_t irq = arch::irq_save();
  Cpu& cpu = this_cpu();
  if (owner_ == static_cast<int>(cpu.id) && is_locked())
    panic("spinlock %s: recursive acquisition on cpu %u", cls_->name, cpu.id);
  check_order(cpu, *cls_);
#ifdef TINE_KERNEL
  uint32_t spins = arch::raw_spin_try_take(&raw_) ? 0 : wait_turn();
#else
  uint32_t spins = arch::raw_spin_lock(&raw_);
#endif
  note_acquired(cpu, irq, spins);
}
#endif

bool SpinLock::try_lock() {
  uint64_t irq = arch::irq_save();
  if (!arch::raw_spin_trylock(&raw_)) {
    arch::irq_restore(irq);
    return false;
  }
  note_acquired(this_cpu(), irq, 0);
  return true;
}

#ifdef TINE_DEBUG
void SpinLock::unlock() {
  Cpu& cpu = this_cpu();
  if (owner_ != static_cast<int>(cpu.id) || !is_locked())
    panic("spinlock %s: released by cpu %u, owner %d", cls_->name, cpu.id, owner_);
  if (arch::irqs_enabled()) panic("spinlock %s: IRQs enabled while held", cls_->name);
  // Locks may be released out of order; drop this lock's rank from the held list.
  int n = cpu.held_count < Cpu::kMaxHeldLocks ? cpu.held_count : Cpu::kMaxHeldLocks;
  for (int i = n - 1; i >= 0; --i) {
    if (cpu.held_ranks[i] == cls_->rank) {
      for (int j = i; j + 1 < n; ++j) cpu.held_ranks[j] = cpu.held_ranks[j + 1];
      break;
    }
  }
  --cpu.held_count;
  uint64_t irq = saved_irq_;
  owner_ = -1;
  release();
  arch::irq_restore(irq);
}
#endif

bool SpinLock::held_by_me() const {
  return is_locked() && owner_ == static_cast<int>(this_cpu().id);
}

void SpinLock::assert_held() const {
#ifdef TINE_DEBUG
  if (!held_by_me()) panic("spinlock %s: not held by cpu %u", cls_->name, this_cpu().id);
#endif
}
