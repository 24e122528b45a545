// The signal return trampoline: one read-only, executable page the kernel
// fills at boot with `mov x8, #139 (rt_sigreturn); svc #0`, mapped into every
// program at kSigpageVa by exec. A handler installed without SA_RESTORER
// returns through it, as Linux's arm64 handlers return through the vDSO's
// __kernel_rt_sigreturn (glibc on arm64 passes no restorer).
//
// The mapping is private: a program that makes it writable and writes gets
// its own copy (copy-on-write), never the shared page.
#pragma once
#include <stdint.h>

#include "kernel/mm/page_alloc.h"
#include "kernel/vm/layout.h"

struct Vmspace;

// Just above the stack, where nothing else is placed.
inline constexpr uint64_t kSigpageVa = kStackTop;

// The page with one new reference for a page table, or nullptr with no memory.
[[nodiscard]] Page* sigpage_get();
// Maps it at kSigpageVa in a new space (exec): 0 or -errno.
[[nodiscard]] int vm_map_sigpage(Vmspace* vm);
