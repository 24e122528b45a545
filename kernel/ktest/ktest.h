// In-kernel tests. KTEST(name) { ... } registers a case in the .ktest linker
// section; the boot argument ktest=NAME (or ktest=all, or a prefix ending in '*')
// runs cases instead of init. Each case prints one line:
//   KTEST <name> PASS|FAIL <ms>ms [first failure]
// and a final line "KTEST-SUMMARY passed=N failed=M"; with semihost_exit=1 QEMU
// exits with the number of failures.
#pragma once
#include <stdint.h>

class KtestContext {
 public:
  explicit KtestContext(const char* name) : name_(name) {}
  // Records a failure (the first message is kept for the result line) and keeps going.
  void fail(const char* file, int line, const char* fmt, ...) __attribute__((format(printf, 4, 5)));
  bool failed() const { return failures_ != 0; }
  unsigned failures() const { return failures_; }
  const char* name() const { return name_; }
  const char* first_message() const { return message_; }

 private:
  const char* name_;
  unsigned failures_ = 0;
  char message_[160] = {};
};

struct KtestCase {
  const char* name;
  void (*fn)(KtestContext&);
};

#define KTEST(name)                                                                                \
  static void ktest_fn_##name(KtestContext& t);                                                    \
  __attribute__((used, section(".ktest"),                                                          \
                 aligned(8))) static const KtestCase ktest_case_##name = {#name, ktest_fn_##name}; \
  static void ktest_fn_##name([[maybe_unused]] KtestContext& t)

#define KEXPECT(cond)                                              \
  do {                                                             \
    if (!(cond)) t.fail(__FILE__, __LINE__, "expected %s", #cond); \
  } while (0)

#define KEXPECT_EQ(a, b)                                                                \
  do {                                                                                  \
    auto ktest_a_ = (a);                                                                \
    auto ktest_b_ = (b);                                                                \
    if (!(ktest_a_ == ktest_b_))                                                        \
      t.fail(__FILE__, __LINE__, "%s == %s: %lld vs %lld", #a, #b, (long long)ktest_a_, \
             (long long)ktest_b_);                                                      \
  } while (0)

// Stops the case here when cond fails.
#define KASSERT_T(cond)                                 \
  do {                                                  \
    if (!(cond)) {                                      \
      t.fail(__FILE__, __LINE__, "required %s", #cond); \
      return;                                           \
    }                                                   \
  } while (0)

// Runs the selected cases; returns the number that failed.
unsigned ktest_run(const char* selector);
