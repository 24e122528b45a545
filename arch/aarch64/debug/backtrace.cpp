#include <arch/backtrace.h>

namespace arch {

void backtrace_walk(uint64_t fp, void (*fn)(uint64_t pc, void* ctx), void* ctx, int max_depth) {
  // Only follow aligned pointers into the kernel half, so a corrupt chain ends the walk.
  for (int depth = 0; depth < max_depth; ++depth) {
    if (fp == 0 || (fp & 0xf) || fp < 0xffff000000000000ull) return;
    const uint64_t* rec = reinterpret_cast<const uint64_t*>(fp);
    uint64_t next = rec[0], lr = rec[1];
    if (lr == 0) return;
    fn(lr, ctx);
    if (next <= fp) return;  // the stack grows down: records go up
    fp = next;
  }
}

}  // namespace arch
