// Walking the AArch64 frame-record chain (x29 -> {previous x29, x30}).
#pragma once
#include <stdint.h>

namespace arch {
inline uint64_t frame_pointer() { return reinterpret_cast<uint64_t>(__builtin_frame_address(0)); }

// Calls fn(pc, ctx) for each return address, innermost first, at most max_depth times.
void backtrace_walk(uint64_t fp, void (*fn)(uint64_t pc, void* ctx), void* ctx, int max_depth);
}  // namespace arch
