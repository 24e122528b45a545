// Process groups and sessions: the list of groups, membership, and a group's
// life from pgrp_alloc to pgrp_destroy_locked (setpgid and setsid are
// kernel/syscall/sys_proc.cpp's; job control is jobctl.cpp's).
#include <new>

#include "kernel/mm/kmalloc.h"
#include "kernel/proc/proc_internal.h"
#include "kernel/verified/contract_checks.h"
#include "kernel/verified/objects.h"

namespace {
Pgrp* g_pgrps;  // g_proctree_lock written

// p off pg's member list (its members_lock held).
void unlink_member(Pgrp* pg, Proc* p) {
  for (Proc** pp = &pg->members; *pp; pp = &(*pp)->pg_next)
    if (*pp == p) {
      *pp = p->pg_next;
      break;
    }
  p->pg_next = nullptr;
  p->pgrp = nullptr;
}

}  // namespace

// The group list changes only with the tree lock written, so a reader may
// walk it; a group found with a reference left keeps it while the lock is
// read (a reaper that reads the lock never gives back a group's last).
Pgrp* pgfind_locked(int pgid) {
  g_proctree_lock.assert_held();
  for (Pgrp* pg = g_pgrps; pg; pg = pg->next)
    if (pg->pgid == pgid && refcount_read(&pg->c.pg_ref) > 0) return pg;
  return nullptr;
}

void pgrp_enter_locked(Proc* p, Pgrp* pg) {
  g_proctree_lock.assert_held();
  SpinGuard g(pg->members_lock);
  p->pgrp = pg;
  p->pg_next = pg->members;
  pg->members = p;
}

void pgrp_leave_locked(Proc* p) {
  g_proctree_lock.assert_held();
  Pgrp* pg = p->pgrp;
  if (!pg) return;
  SpinGuard g(pg->members_lock);
  unlink_member(pg, p);
}

bool pgrp_leave_unless_last_locked(Proc* p) {
  g_proctree_lock.assert_held();
  Pgrp* pg = p->pgrp;
  if (!pg) return true;
  SpinGuard g(pg->members_lock);
  if (pg->members == p && !p->pg_next) return false;
  unlink_member(pg, p);
  return true;
}

Pgrp* pgrp_alloc(Session* s, int pgid) {
  auto* pg = static_cast<Pgrp*>(kmalloc(sizeof(Pgrp), M_PGRP, M_WAITOK | M_ZERO));
  if (!pg) return nullptr;
  new (pg) Pgrp();
  refcount_init(&pg->c.pg_ref, 1);
  lockinit(&pg->pg_lock, "pgrp", 0, 0);
  pg->pgid = pgid;
  if (!s) {
    s = static_cast<Session*>(kmalloc(sizeof(Session), M_SESSION, M_WAITOK | M_ZERO));
    if (!s) {
      kfree(pg, M_PGRP);
      return nullptr;
    }
    s->sid = pgid;
    live_add(LiveCount::kSessions, 1);
  }
  pg->session = s;
  live_add(LiveCount::kPgrps, 1);
  return pg;
}

void pgrp_link_locked(Pgrp* pg) {
  g_proctree_lock.assert_write_held();
  if (pg->session->refs++ == 0) id_use_locked(pg->session->sid);
  id_use_locked(pg->pgid);
  pg->next = g_pgrps;
  g_pgrps = pg;
}

void pgrp_free_unused(Pgrp* pg, bool new_session) {
  if (new_session) {
    kfree(pg->session, M_SESSION);
    live_add(LiveCount::kSessions, -1);
  }
  kfree(pg, M_PGRP);
  live_add(LiveCount::kPgrps, -1);
}

void pgrp_move_locked(Proc* p, Pgrp* pg) {
  Pgrp* old = p->pgrp;
  pgrp_leave_locked(p);
  vc_contract::pgref_requires(&pg->c);
  pgref(&pg->c);
  {
    SpinGuard g(p->spin);
    p->core.p_pgrp = &pg->c;
  }
  pgrp_enter_locked(p, pg);
  if (old) vc_contract::pgrel_requires(&old->c);
  if (old && pgrel(&old->c)) pgrp_destroy_locked(old);
}

void pgrp_destroy_locked(Pgrp* pg) {
  g_proctree_lock.assert_write_held();
  for (Pgrp** pp = &g_pgrps; *pp; pp = &(*pp)->next)
    if (*pp == pg) {
      *pp = pg->next;
      break;
    }
  id_unuse_locked(pg->pgid);
  bool last_of_session = --pg->session->refs == 0;
  if (last_of_session) id_unuse_locked(pg->session->sid);
  pgrp_free_unused(pg, last_of_session);  // unlinked, it is freed as an unused one is
}
