// In-kernel benchmarks. KBENCH(name) { ... } registers a case in the .kbench
// linker section; the boot argument kbench=NAME (or all, a prefix ending in
// '*', or a comma-separated list) runs cases instead of init. Each reports
// one or more figures with b.report(), printed as one line each:
//   KBENCH <name> <value> <unit>
// Under QEMU's -icount shift=0,sleep=off, clock_ns() counts guest instructions,
// so a nanosecond figure from kbench_now() is an instruction count, repeatable
// to the digit (tools/bench.py boots that way and tabulates the lines).
#pragma once
#include <stdint.h>

class KbenchContext {
 public:
  explicit KbenchContext(const char* name) : name_(name) {}
  // Prints "KBENCH <name><suffix> <value> <unit>"; suffix may be "" .
  void report(const char* suffix, uint64_t value, const char* unit);
  void fail(const char* why);
  bool failed() const { return failed_; }
  const char* name() const { return name_; }

 private:
  const char* name_;
  bool failed_ = false;
};

struct KbenchCase {
  const char* name;
  void (*fn)(KbenchContext&);
};

#define KBENCH(name)                                                                           \
  static void kbench_fn_##name(KbenchContext& b);                                              \
  __attribute__((used, section(".kbench"),                                                     \
                 aligned(8))) static const KbenchCase kbench_case_##name = {#name,             \
                                                                            kbench_fn_##name}; \
  static void kbench_fn_##name([[maybe_unused]] KbenchContext& b)

// Nanoseconds now (= instructions under icount).
uint64_t kbench_now();
// Runs the selected cases; returns how many failed (0 when all ran).
unsigned kbench_run(const char* selector);
