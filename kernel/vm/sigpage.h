// The signal return trampoline: one page the kernel fills at boot with
// `mov x8, #139 (rt_sigreturn); svc #0`, readable and executable by every
// program at kSigpageVa. A handler installed without SA_RESTORER returns
// through it, as Linux's arm64 handlers return through the vDSO's
// __kernel_rt_sigreturn (glibc on arm64 passes no restorer).
//
// It is no region of the program's: a fault on its address where nothing is
// mapped maps it (read and execute; a write is refused), so it costs a space
// nothing until a handler first returns, and fork nothing but what the page
// tables hold. A program may map something else there (MAP_FIXED) and lose it.
#pragma once
#include <stdint.h>

#include "kernel/vm/layout.h"
#include "kernel/vm/vmspace.h"

// Just below the stack guard, where nothing else is placed, sharing the
// stack's upper-level page tables.
inline constexpr uint64_t kSigpageVa = kStackBottom - kStackGuard - kPageSize;

// Makes the page (boot, once): false when there is no memory.
[[nodiscard]] bool sigpage_init();
// A fault at kSigpageVa with no region there (vm->lock held): maps the page.
[[nodiscard]] VmFault sigpage_fault_locked(Vmspace* vm, arch::UptAccess access);
