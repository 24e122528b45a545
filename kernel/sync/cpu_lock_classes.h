// The lock classes of a lock made of one spinlock per CPU (RmLock, the thread
// lists): ranks rank..rank+3, so whoever takes them all takes them in CPU
// order, and each class on its own cache line with its counters, so CPUs
// taking their own locks do not meet on them.
#pragma once
#include <arch/cpu.h>
#include <stdint.h>

#include "kernel/sync/spinlock.h"

class CpuLockClasses {
 public:
  static_assert(arch::kMaxCpus == 4, "one name per CPU below");
  constexpr CpuLockClasses(const char* n0, const char* n1, const char* n2, const char* n3,
                           uint32_t rank)
      : lines_{Line{LockClass{n0, rank}}, Line{LockClass{n1, rank + 1}},
               Line{LockClass{n2, rank + 2}}, Line{LockClass{n3, rank + 3}}} {}
  CpuLockClasses(const CpuLockClasses&) = delete;
  CpuLockClasses& operator=(const CpuLockClasses&) = delete;

  constexpr LockClass& operator[](unsigned cpu) { return lines_[cpu].c; }

 private:
  struct alignas(64) Line {
    LockClass c;
  };
  Line lines_[arch::kMaxCpus];
};
