// The process tree: its lock, process 0, parent and child links, and the
// system-wide process and LWP counts (pids, thread ids and the pid hash, which
// lists every process, are pidtab.cpp's; process groups and sessions,
// pgrp.cpp's).
#include "kernel/panic.h"
#include "kernel/proc/proc_internal.h"

// One lock class per CPU's part of the tree lock (a writer takes all four in
// order), each on its own cache line with its counters.
CpuLockClasses g_proctree_classes{"proc.tree0", "proc.tree1", "proc.tree2", "proc.tree3",
                                  kRankAllProc};
constinit RmLock g_proctree_lock{g_proctree_classes};
LockClass g_proc_class{"proc", kRankProc};
LockClass g_proc_children_class{"proc.children", kRankChildren};
LockClass g_pgrp_members_class{"pgrp.members", kRankPgrpMembers};

Proc g_proc0{g_proc_class};
Proc* g_initproc;  // g_proctree_lock written
struct proccount g_proccount;
struct proccount g_lwpcount;

namespace {
LockClass g_reaping_class{"proc.reaping", kRankReaping};
SpinLock g_reaping_lock{g_reaping_class};  // the list, for adders under the tree lock read
Proc* g_reaping;                           // proc_reaping_add_locked's list
}  // namespace

void proc_reaping_add_locked(Proc* p) {
  g_proctree_lock.assert_held();
  SpinGuard g(g_reaping_lock);
  p->reaping_next = g_reaping;
  g_reaping = p;
}

void proc_reaping_remove_locked(Proc* p) {
  g_proctree_lock.assert_held();
  SpinGuard g(g_reaping_lock);
  for (Proc** pp = &g_reaping; *pp; pp = &(*pp)->reaping_next)
    if (*pp == p) {
      *pp = p->reaping_next;
      p->reaping_next = nullptr;
      return;
    }
  panic("proc_reaping_remove_locked: pid %d is not being reaped", p->pid);
}

Proc* proc_reaping_first_locked() { return g_reaping; }

Proc* proc_all_first_locked() { return pidhash_first_locked(0); }

Proc* proc_all_next_locked(const Proc* p) { return pidhash_next_locked(p); }

void proc_link_locked(Proc* p, Proc* parent, Lwp* first) {
  g_proctree_lock.assert_held();
  if (first) first->gtid = p->pid;  // its first LWP's thread id is the pid
  idhash_insert_proc_locked(p, first);
  p->pptr = parent;
  {
    SpinGuard g(parent->kids);
    p->sibling = parent->children;
    parent->children = p;
  }
  live_add(LiveCount::kProcs, 1);
}

void proc_unlink_locked(Proc* p, Lwp* last) {
  g_proctree_lock.assert_held();
  if (last && !last->gtid) last = nullptr;  // off the hash already
  idhash_remove_proc_locked(p, last);
  if (last) lwp_release_id_locked(last);
  id_unuse_locked(p->pid);
  live_add(LiveCount::kProcs, -1);
}

uint64_t proc_live_count() { return live_read(LiveCount::kProcs); }
