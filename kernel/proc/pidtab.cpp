// The shared id space and the pid / thread-id hashes (pidtab.h).
#include "kernel/proc/pidtab.h"

#include "kernel/console/kprintf.h"
#include "kernel/lib/atomic.h"
#include "kernel/panic.h"
#include "kernel/proc/proc.h"
#include "kernel/verified/contract_checks.h"
#include "kernel/verified/objects.h"

namespace {

constexpr unsigned kHashSize = 256;  // a power of two
constexpr unsigned kHashLocks = 64;  // bucket b's lock: b % kHashLocks

// Users of each id: a process, an LWP, a group, a session. Atomic: readers of
// the tree lock claim and give back ids side by side; a writer sees them still.
uint8_t g_uses[kPidMax + 1];
uint64_t g_idcursor;  // ids handed out so far: the next candidate follows
int g_lastid;         // the last id handed out (/proc/loadavg)
Proc* g_pidhash[kHashSize];
Lwp* g_tidhash[kHashSize];

LockClass g_idhash_class{"id.hash", kRankIdHash};
struct alignas(64) HashLock {
  SpinLock lock{g_idhash_class};
};
HashLock g_hashlocks[kHashLocks];

unsigned bucket(int id) { return static_cast<unsigned>(id) & (kHashSize - 1); }

bool in_range(int id) { return id > 0 && id <= kPidMax; }

// The lock of id's buckets (of both hashes: pids and thread ids share the
// id space, so one bucket index serves both).
SpinLock& bucket_lock(int id) { return g_hashlocks[bucket(id) % kHashLocks].lock; }

// The n-th candidate: 1 first (init's), then 2..kPidMax round and round.
int candidate(uint64_t n) {
  if (n < static_cast<uint64_t>(kPidMax)) return static_cast<int>(n) + 1;
  return 2 + static_cast<int>((n - kPidMax) % (kPidMax - 1));
}

Proc* pid_chain_find(int pid) {
  for (Proc* p = g_pidhash[bucket(pid)]; p; p = p->hash_next)
    if (p->pid == pid) return p;
  return nullptr;
}

Lwp* tid_chain_find(int tid) {
  for (Lwp* lp = g_tidhash[bucket(tid)]; lp; lp = lp->hash_next)
    if (lp->gtid == tid) return lp;
  return nullptr;
}

// The process id names: a pid, or a live LWP's thread id. An LWP that has
// exited names nothing any more (Linux's thread is gone), though its id
// stays taken until it is joined. The tree lock written, or id's bucket
// lock held.
Proc* id_chain_find(int id) {
  if (Proc* p = pid_chain_find(id)) return p;
  Lwp* lp = tid_chain_find(id);
  if (!lp || atomic_load_value(&lp->stat, __ATOMIC_ACQUIRE) == LwpStat::kZomb) return nullptr;
  return lp->proc;
}

// A hold on p, found in the hash under its bucket's lock.
void hold(Proc* p) {
  vc_contract::proc_hold_requires(&p->core);
  proc_hold(&p->core);
}

}  // namespace

void id_use_locked(int id) {
  g_proctree_lock.assert_held();
  KASSERT(in_range(id));
  uint8_t was = __atomic_fetch_add(&g_uses[id], 1, __ATOMIC_RELAXED);
  KASSERT(was < 255);
}

void id_unuse_locked(int id) {
  g_proctree_lock.assert_held();
  KASSERT(in_range(id));
  uint8_t was = __atomic_fetch_sub(&g_uses[id], 1, __ATOMIC_RELEASE);
  KASSERT(was > 0);
}

int id_claim_locked() {
  g_proctree_lock.assert_held();
  for (int tries = 0; tries < kPidMax; ++tries) {
    int id = candidate(__atomic_fetch_add(&g_idcursor, 1, __ATOMIC_RELAXED));
    uint8_t unused = 0;
    if (__atomic_load_n(&g_uses[id], __ATOMIC_RELAXED) == 0 &&
        __atomic_compare_exchange_n(&g_uses[id], &unused, 1, false, __ATOMIC_ACQUIRE,
                                    __ATOMIC_RELAXED)) {
      __atomic_store_n(&g_lastid, id, __ATOMIC_RELAXED);
      return id;
    }
  }
  return -1;
}

int id_last_claimed() { return __atomic_load_n(&g_lastid, __ATOMIC_RELAXED); }

namespace {

// The hashes' lists, their bucket's lock held.
void pid_insert(Proc* p) {
  Proc*& head = g_pidhash[bucket(p->pid)];
  p->hash_next = head;
  head = p;
}

void pid_remove(Proc* p) {
  for (Proc** pp = &g_pidhash[bucket(p->pid)]; *pp; pp = &(*pp)->hash_next)
    if (*pp == p) {
      *pp = p->hash_next;
      return;
    }
  panic("pidhash: pid %d not there", p->pid);
}

void tid_insert(Lwp* lp) {
  Lwp*& head = g_tidhash[bucket(lp->gtid)];
  lp->hash_next = head;
  head = lp;
}

void tid_remove(Lwp* lp) {
  for (Lwp** pp = &g_tidhash[bucket(lp->gtid)]; *pp; pp = &(*pp)->hash_next)
    if (*pp == lp) {
      *pp = lp->hash_next;
      return;
    }
  panic("tidhash: thread id %d not there", lp->gtid);
}

}  // namespace

void idhash_insert_proc_locked(Proc* p, Lwp* first) {
  g_proctree_lock.assert_held();
  SpinGuard g(bucket_lock(p->pid));
  pid_insert(p);
  if (first) {
    KASSERT(first->gtid == p->pid);
    tid_insert(first);
  }
}

void idhash_remove_proc_locked(Proc* p, Lwp* last) {
  g_proctree_lock.assert_held();
  SpinLock& lock = bucket_lock(p->pid);
  {
    SpinGuard g(lock);
    pid_remove(p);
    if (last && &bucket_lock(last->gtid) == &lock) {
      tid_remove(last);
      last = nullptr;
    }
  }
  if (last) tidhash_remove_locked(last);
}

Proc* pfind_locked(int pid) {
  g_proctree_lock.assert_write_held();
  return in_range(pid) ? pid_chain_find(pid) : nullptr;
}

Proc* pidhash_first_locked(unsigned from) {
  g_proctree_lock.assert_write_held();
  for (unsigned b = from; b < kHashSize; ++b)
    if (g_pidhash[b]) return g_pidhash[b];
  return nullptr;
}

Proc* pidhash_next_locked(const Proc* p) {
  if (p->hash_next) return p->hash_next;
  return pidhash_first_locked(bucket(p->pid) + 1);
}

void tidhash_insert_locked(Lwp* lp) {
  g_proctree_lock.assert_held();
  SpinGuard g(bucket_lock(lp->gtid));
  tid_insert(lp);
}

void tidhash_remove_locked(Lwp* lp) {
  g_proctree_lock.assert_held();
  SpinGuard g(bucket_lock(lp->gtid));
  tid_remove(lp);
}

Lwp* tidfind_locked(int tid) {
  g_proctree_lock.assert_write_held();
  return in_range(tid) ? tid_chain_find(tid) : nullptr;
}

int tidhash_check_locked() {
  g_proctree_lock.assert_write_held();
  int bad = 0;
  for (Lwp* head : g_tidhash)
    for (Lwp* lp = head; lp; lp = lp->hash_next) {
      if (!in_range(lp->gtid) || __atomic_load_n(&g_uses[lp->gtid], __ATOMIC_RELAXED) == 0) {
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
  g_proctree_lock.assert_write_held();
  return in_range(id) ? id_chain_find(id) : nullptr;
}

Proc* proc_by_id_hold(int id) {
  if (!in_range(id)) return nullptr;
  RmReadGuard t(g_proctree_lock);
  SpinGuard g(bucket_lock(id));
  Proc* p = id_chain_find(id);
  if (p) hold(p);
  return p;
}

TidOwner tid_owner_hold(int tid) {
  TidOwner o;
  if (!in_range(tid)) return o;
  RmReadGuard t(g_proctree_lock);
  SpinGuard g(bucket_lock(tid));
  Lwp* lp = tid_chain_find(tid);
  if (!lp) return o;
  // In the hash, the LWP names its process. The process's state is changed
  // under its parent's kids lock (the LWP stored before the state, with
  // release) and is read once here: an exit racing with the lookup is on one
  // side of it or the other. The TID may go stale at once (the LWP exiting,
  // exec renaming it); tgkill checks the thread id of what it finds again.
  Proc* p = lp->proc;
  o.proc = p;
  o.local_tid = lp->tid();
  o.exited = atomic_load_value(&lp->stat, __ATOMIC_ACQUIRE) == LwpStat::kZomb;
  o.zombie_leader = atomic_load_value(&p->stat, __ATOMIC_ACQUIRE) == ProcStat::kZombie &&
                    atomic_load_value(&p->exit_lwp, __ATOMIC_ACQUIRE) == lp;
  hold(p);
  return o;
}
