// The process tree: process 0, the list of every process, parent and child
// links, and the system-wide process and LWP counts (pids and thread ids are
// pidtab.cpp's; process groups and sessions, pgrp.cpp's).
#include "kernel/proc/proc_internal.h"

LockClass g_proctree_class{"proc.tree", kRankAllProc};
SpinLock g_proctree_lock{g_proctree_class};
LockClass g_proc_class{"proc", kRankProc};
Proc g_proc0{g_proc_class};
Proc* g_initproc;  // g_proctree_lock
struct proccount g_proccount;
struct proccount g_lwpcount;

namespace {
Proc* g_allproc;  // g_proctree_lock
}  // namespace

Proc* proc_all_first_locked() { return g_allproc; }

void proc_link_locked(Proc* p, Proc* parent) {
  g_proctree_lock.assert_held();
  p->all_next = g_allproc;
  p->all_prev = nullptr;
  if (g_allproc) g_allproc->all_prev = p;
  g_allproc = p;
  id_use_locked(p->pid);
  pidhash_insert_locked(p);
  p->pptr = parent;
  p->sibling = parent->children;
  parent->children = p;
  live_add(LiveCount::kProcs, 1);
}

void proc_unlink_locked(Proc* p) {
  g_proctree_lock.assert_held();
  if (p->all_prev)
    p->all_prev->all_next = p->all_next;
  else
    g_allproc = p->all_next;
  if (p->all_next) p->all_next->all_prev = p->all_prev;
  pidhash_remove_locked(p);
  id_unuse_locked(p->pid);
  live_add(LiveCount::kProcs, -1);
}

uint64_t proc_live_count() { return live_read(LiveCount::kProcs); }
