// Registers saved on every exception entry (layout shared with vectors.S).
#pragma once
#include <stdint.h>

struct TrapFrame {
  uint64_t x[31];
  uint64_t sp;  // SP_EL0 for traps from EL0, the interrupted SP for traps from EL1
  uint64_t elr;
  uint64_t spsr;
  uint64_t esr;
  uint64_t far;
  uint64_t fp_record[2];  // {x29, elr}: lets backtraces walk through the exception
};
static_assert(sizeof(TrapFrame) == 304, "vectors.S assumes this layout");

// Vector table slots: (origin << 2) | type.
enum class TrapOrigin : unsigned { kEl1Sp0 = 0, kEl1 = 1, kEl0A64 = 2, kEl0A32 = 3 };
enum class TrapType : unsigned { kSync = 0, kIrq = 1, kFiq = 2, kSError = 3 };
