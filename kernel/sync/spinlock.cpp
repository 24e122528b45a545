#include "kernel/sync/spinlock.h"

#include <arch/cpu.h>

#include "kernel/cpu/percpu.h"
#include "kernel/panic.h"

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
  if (spins) {
    __atomic_fetch_add(&cls_->contended, 1, __ATOMIC_RELAXED);
    __atomic_fetch_add(&cls_->spins, spins, __ATOMIC_RELAXED);
  }
}

#ifdef TINE_DEBUG
void SpinLock::lock() {
  uint64_t irq = arch::irq_save();
  Cpu& cpu = this_cpu();
  if (owner_ == static_cast<int>(cpu.id) && is_locked())
    panic("spinlock %s: recursive acquisition on cpu %u", cls_->name, cpu.id);
  check_order(cpu, *cls_);
  uint32_t spins = arch::raw_spin_lock(&raw_);
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
  arch::raw_spin_unlock(&raw_);
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
