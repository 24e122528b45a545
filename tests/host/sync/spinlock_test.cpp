// SpinLock on the host: mutual exclusion across threads (each plays a CPU),
// statistics, the IRQ-state and lock-order checks.
#include "kernel/sync/spinlock.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "kernel/cpu/percpu.h"

namespace {

TEST(SpinLock, CountsUnderContention) {
  static LockClass cls("test.counter", 0);
  static SpinLock lock(cls);
  static uint64_t counter = 0;
  constexpr int kPerThread = 20000;
  uint64_t before = cls.acquisitions;
  std::vector<std::thread> threads;
  for (unsigned cpu = 0; cpu < 4; ++cpu) {
    threads.emplace_back([cpu] {
      cpu_bind(cpu);
      for (int i = 0; i < kPerThread; ++i) {
        SpinGuard g(lock);
        counter = counter + 1;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(counter, 4u * kPerThread);
  EXPECT_EQ(cls.acquisitions - before, 4u * kPerThread);
  EXPECT_EQ(lock_class_find("test.counter"), &cls);
}

TEST(SpinLock, MasksIrqsWhileHeldAndRestores) {
  cpu_bind(0);
  static LockClass cls("test.irq", 0);
  SpinLock l(cls);
  arch::irq_enable();
  l.lock();
  EXPECT_FALSE(arch::irqs_enabled());
  EXPECT_TRUE(l.held_by_me());
  l.unlock();
  EXPECT_TRUE(arch::irqs_enabled());
  EXPECT_FALSE(l.held_by_me());
}

TEST(SpinLock, TryLockFailsWhenHeld) {
  cpu_bind(0);
  static LockClass cls("test.try", 0);
  SpinLock l(cls);
  ASSERT_TRUE(l.try_lock());
  EXPECT_FALSE(l.try_lock());
  l.unlock();
  EXPECT_TRUE(l.try_lock());
  l.unlock();
}

TEST(SpinLock, ProtectedDataOnlyThroughTheLock) {
  cpu_bind(0);
  static LockClass cls("test.protected", 0);
  SpinProtected<int> value(cls, 41);
  int seen = value.with([](int& v) {
    ++v;
    return v;
  });
  EXPECT_EQ(seen, 42);
  EXPECT_FALSE(value.lock().is_locked());
}

TEST(SpinLockDeathTest, RecursionPanics) {
  EXPECT_DEATH(
      {
        cpu_bind(0);
        LockClass cls("test.recursive", 0);
        SpinLock l(cls);
        l.lock();
        l.lock();
      },
      "recursive acquisition");
}

TEST(SpinLockDeathTest, ReleaseByNonOwnerPanics) {
  EXPECT_DEATH(
      {
        cpu_bind(0);
        LockClass cls("test.owner", 0);
        SpinLock l(cls);
        l.unlock();
      },
      "released by cpu");
}

TEST(SpinLockDeathTest, LockOrderViolationPanics) {
  EXPECT_DEATH(
      {
        cpu_bind(0);
        LockClass outer("test.outer", 20);
        LockClass inner("test.inner", 10);
        SpinLock a(outer);
        SpinLock b(inner);
        a.lock();
        b.lock();  // rank 10 after rank 20: out of order
      },
      "lock order");
}

TEST(SpinLock, RankedLocksInOrderAreFine) {
  cpu_bind(0);
  static LockClass outer("test.ord1", 10);
  static LockClass inner("test.ord2", 20);
  SpinLock a(outer), b(inner);
  a.lock();
  b.lock();
  b.unlock();
  a.unlock();
  EXPECT_EQ(this_cpu().held_count, 0);
}

}  // namespace
