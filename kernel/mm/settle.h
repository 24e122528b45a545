// Memory that caches hold for reuse, given back so that counts compare: the
// kernel stacks kept mapped, the debug kernel's quarantine of freed objects
// (each checked for writes after free as it leaves), the empty slabs of every
// malloc type, the per-CPU page caches. For tests and the kstat syscall's
// settle flag.
#pragma once

void mm_settle();
