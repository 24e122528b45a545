// What the process layer's own files share and the rest of the kernel does
// not see: the live-object counts, the uidinfo table's head, and the calls
// between its files (proc.h is the layer's face to the kernel).
#pragma once
#include <stdint.h>

#include "kernel/proc/proc.h"

// Objects alive, for fork_stats and the leak checks (atomic adds).
enum class LiveCount : uint8_t { kProcs, kLwps, kPgrps, kSessions, kUidinfos, kUcreds, kCount };
extern uint64_t g_live[static_cast<int>(LiveCount::kCount)];
inline void live_add(LiveCount what, int delta) {
  __atomic_add_fetch(&g_live[static_cast<int>(what)],
                     static_cast<uint64_t>(static_cast<int64_t>(delta)), __ATOMIC_RELAXED);
}
inline uint64_t live_read(LiveCount what) {
  return __atomic_load_n(&g_live[static_cast<int>(what)], __ATOMIC_RELAXED);
}

extern ForkStats g_fork_stats;  // kernel/proc/fork.cpp

// The first of the uidinfo table, linked by next (g_uidinfo_lock held).
Uidinfo* uidinfo_first_locked();
// Takes a group whose last reference is gone off the group list and frees it,
// with its session when that was the session's last group (g_proctree_lock held).
void pgrp_destroy_locked(Pgrp* pg);

// The LWP's thread has left EL0 for good (lwp_thread_main; kernel/proc/exit.cpp).
void lwp_exit_finish(Lwp* lp);
// Wakes p's vfork parent: p has exec'd or exited (kernel/proc/fork.cpp).
void wake_vfork_parent(Proc* p);
