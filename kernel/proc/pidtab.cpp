// The shared id space and the pid / thread-id hashes (pidtab.h).
#include "kernel/proc/pidtab.h"

#include "kernel/console/kprintf.h"
#include "kernel/lib/atomic.h"
#include "kernel/panic.h"
#include "kernel/proc/proc.h"

namespace {

constexpr unsigned kHashSize = 256;  // a power of two

uint8_t g_uses[kPidMax + 1];  // users of each id: a process, an LWP, a group, a session
int g_lastid;
Proc* g_pidhash[kHashSize];
Lwp* g_tidhash[kHashSize];

unsigned bucket(int id) { return static_cast<unsigned>(id) & (kHashSize - 1); }

bool in_range(int id) { return id > 0 && id <= kPidMax; }

}  // namespace

void id_use_locked(int id) {
  g_proctree_lock.assert_held();
  KASSERT(in_range(id) && g_uses[id] < 255);
  ++g_uses[id];
}

void id_unuse_locked(int id) {
  g_proctree_lock.assert_held();
  KASSERT(in_range(id) && g_uses[id] > 0);
  --g_uses[id];
}

int id_alloc_locked() {
  g_proctree_lock.assert_held();
  for (int tries = 0; tries < kPidMax; ++tries) {
    if (++g_lastid > kPidMax) g_lastid = 2;  // 1 is init's, once
    if (g_uses[g_lastid] == 0) return g_lastid;
  }
  return -1;
}

void pidhash_insert_locked(Proc* p) {
  g_proctree_lock.assert_held();
  Proc*& head = g_pidhash[bucket(p->pid)];
  p->hash_next = head;
  head = p;
}

void pidhash_remove_locked(Proc* p) {
  g_proctree_lock.assert_held();
  for (Proc** pp = &g_pidhash[bucket(p->pid)]; *pp; pp = &(*pp)->hash_next)
    if (*pp == p) {
      *pp = p->hash_next;
      return;
    }
  panic("pidhash: pid %d not there", p->pid);
}

Proc* pfind_locked(int pid) {
  g_proctree_lock.assert_held();
  if (!in_range(pid)) return nullptr;
  for (Proc* p = g_pidhash[bucket(pid)]; p; p = p->hash_next)
    if (p->pid == pid) return p;
  return nullptr;
}

void tidhash_insert_locked(Lwp* lp) {
  g_proctree_lock.assert_held();
  Lwp*& head = g_tidhash[bucket(lp->gtid)];
  lp->hash_next = head;
  head = lp;
}

void tidhash_remove_locked(Lwp* lp) {
  g_proctree_lock.assert_held();
  for (Lwp** pp = &g_tidhash[bucket(lp->gtid)]; *pp; pp = &(*pp)->hash_next)
    if (*pp == lp) {
      *pp = lp->hash_next;
      return;
    }
  panic("tidhash: thread id %d not there", lp->gtid);
}

Lwp* tidfind_locked(int tid) {
  g_proctree_lock.assert_held();
  if (!in_range(tid)) return nullptr;
  for (Lwp* lp = g_tidhash[bucket(tid)]; lp; lp = lp->hash_next)
    if (lp->gtid == tid) return lp;
  return nullptr;
}

int tidhash_check_locked() {
  g_proctree_lock.assert_held();
  int bad = 0;
  for (Lwp* head : g_tidhash)
    for (Lwp* lp = head; lp; lp = lp->hash_next) {
      if (!in_range(lp->gtid) || g_uses[lp->gtid] == 0) {
        kprintf("invariant: thread id %d in the hash but not in use\n", lp->gtid);
        ++bad;
      }
      if (!__atomic_load_n(&lp->proc, __ATOMIC_RELAXED)) {
        kprintf("invariant: thread id %d in the hash with no process\n", lp->gtid);
        ++bad;
      }
    }
  return bad;
}

Proc* proc_by_id_locked(int id) {
  if (Proc* p = pfind_locked(id)) return p;
  Lwp* lp = tidfind_locked(id);
  // An LWP that has exited names nothing any more (Linux's thread is gone),
  // though its id stays taken until it is joined.
  if (!lp || atomic_load_value(&lp->stat, __ATOMIC_ACQUIRE) == LwpStat::kZomb) return nullptr;
  return lp->proc;
}
