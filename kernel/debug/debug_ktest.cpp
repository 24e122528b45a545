// Symbols for backtraces, and the deliberate crashes the boot tests look at.
#include <arch/backtrace.h>
#include <arch/cpu.h>

#include "kernel/debug/ksyms.h"
#include "kernel/ktest/ktest.h"
#include "kernel/panic.h"

KTEST(ksyms_names_this_function) {
  KEXPECT(ksym_count() > 100);
  uint64_t off = ~0ull;
  const char* name =
      ksym_lookup(reinterpret_cast<uint64_t>(&ktest_fn_ksyms_names_this_function) + 4, &off);
  KASSERT_T(name != nullptr);
  // The name is demangled (e.g. "ktest_fn_ksyms_names_this_function"): look for our part.
  const char* want = "ksyms_names_this_function";
  bool found = false;
  for (const char* p = name; *p && !found; ++p) {
    const char* a = p;
    const char* b = want;
    while (*b && *a == *b) ++a, ++b;
    found = *b == 0;
  }
  KEXPECT(found);
  KEXPECT_EQ(off, 4u);
}

namespace {
uint64_t g_walked;
void count_frame(uint64_t, void*) { ++g_walked; }
__attribute__((noinline)) void nested(int depth) {
  if (depth) {
    nested(depth - 1);
    arch::compiler_barrier();
  } else {
    arch::backtrace_walk(arch::frame_pointer(), count_frame, nullptr, 64);
  }
}
}  // namespace

KTEST(backtrace_walks_nested_frames) {
  g_walked = 0;
  nested(5);
  KEXPECT(g_walked >= 6);
}

// Run only when named (ktest=crash_*): the boot tests check what a crash prints.
KTEST(crash_data_abort) {
  volatile uint64_t* bad =
      reinterpret_cast<volatile uint64_t*>(0xffff7f0000000000ull);  // nothing mapped
  *bad = 1;
}

KTEST(crash_panic) { panic("deliberate panic from ktest %s", t.name()); }
