// The runtime invariant checker (proc_check_invariants): the spec/ predicates
// at run time, walking every process under the tree lock. Counts within
// bounds, every reference count equal to the number of holders found by
// walking the processes, TIDs distinct, p_nthreads equal to the live LWPs.
// It expects a quiet system: a fork or an exit under way is seen half done.
#include "kernel/console/kprintf.h"
#include "kernel/proc/proc_internal.h"
#include "kernel/verified/nprocs.h"

namespace {

// The counted objects a process holds, one in each of these slots of its proc_core.
enum Slot : int { kUcred, kSigacts, kFd, kVmspace, kLimit, kPgrp, kArgs, kSlots };
constexpr const char* kSlotName[kSlots] = {"ucred",  "sigacts", "filedesc", "vmspace",
                                           "plimit", "pgrp",    "pargs"};

template <typename T>
const void* peek(T* const& field) {
  return __atomic_load_n(&field, __ATOMIC_RELAXED);
}

// What c holds in slot s (nullptr: nothing). Read without the holder's lock:
// only compared, never followed, unless the holder's lock is held.
const void* held(const struct proc_core* c, int s) {
  switch (s) {
    case kUcred: return peek(c->p_ucred);
    case kSigacts: return peek(c->p_sigacts);
    case kFd: return peek(c->p_fd);
    case kVmspace: return peek(c->p_vmspace);
    case kLimit: return peek(c->p_limit);
    case kPgrp: return peek(c->p_pgrp);
    default: return peek(c->p_args);
  }
}

// The reference count of obj, held in slot s.
int count_of(const void* obj, int s) {
  switch (s) {
    case kUcred: return static_cast<const struct ucred*>(obj)->cr_ref.rc_count;
    case kSigacts: return static_cast<const struct sigacts*>(obj)->ps_ref.rc_count;
    case kFd: return static_cast<const struct filedesc*>(obj)->fd_ref.rc_count;
    case kVmspace: return static_cast<const struct vmspace*>(obj)->vm_ref.rc_count;
    case kLimit: return static_cast<const struct plimit*>(obj)->pl_ref.rc_count;
    case kPgrp: return static_cast<const struct pgrp*>(obj)->pg_ref.rc_count;
    default: return static_cast<const struct pargs*>(obj)->ar_ref.rc_count;
  }
}

// Whether c holds every object a process must (a group and arguments it may
// lack); the holders of objects are looked for among such processes only.
bool complete(const struct proc_core* c) {
  return peek(c->p_ucred) && peek(c->p_uidinfo) && peek(c->p_sigacts) && peek(c->p_fd) &&
         peek(c->p_vmspace) && peek(c->p_limit);
}

// The processes from `from` on in the list that hold obj in slot s.
int holders_from(Proc* from, int s, const void* obj) {
  int n = 0;
  for (Proc* p = from; p; p = p->all_next)
    if (complete(&p->core) && held(&p->core, s) == obj) ++n;
  return n;
}

// Whether a process before p in the list holds obj in slot s: obj's count
// was checked there.
bool seen_before(Proc* p, int s, const void* obj) {
  for (Proc* q = proc_all_first_locked(); q != p; q = q->all_next)
    if (complete(&q->core) && held(&q->core, s) == obj) return true;
  return false;
}

int check_count(const char* what, const void* obj, int count, int holders) {
  if (count == holders) return 0;
  kprintf("invariant: %s %p count %d, %d holders\n", what, obj, count, holders);
  return 1;
}

// The TID set of p (p->spin held): the number of problems; the LWPs beyond
// the first added to *beyond_first.
int check_tids(Proc* p, int* beyond_first) {
  int bad = 0;
  struct proc_core* c = &p->core;
  // TIDs: distinct and counted (tidtree::validate checks order and colours).
  const char* why = nullptr;
  if (!tidtree::validate(c->p_tids.p_lwps, &why)) {
    kprintf("invariant: pid %d TID tree: %s\n", p->pid, why);
    ++bad;
  }
  size_t n = tidtree::size(c->p_tids.p_lwps);
  if (static_cast<int>(n) != c->p_tids.p_nthreads) {
    kprintf("invariant: pid %d p_nthreads %d, %zu LWPs\n", p->pid, c->p_tids.p_nthreads, n);
    ++bad;
  }
  if (p->stat == ProcStat::kZombie && n != 0) {
    kprintf("invariant: zombie %d has LWPs\n", p->pid);
    ++bad;
  }
  // TIDs are handed out in increasing order from p_lasttid + 1 (the seed's
  // rule), so none is above the last one handed out until the counter wraps
  // at LWP_TID_MAX (INT_MAX: 2^31 lwp_creates in one process).
  tidnode* last = tidtree::last(c->p_tids.p_lwps);
  if (last && last->tid > c->p_tids.p_lasttid) {
    kprintf("invariant: pid %d TID %d above the last handed out, %d\n", p->pid, last->tid,
            c->p_tids.p_lasttid);
    ++bad;
  }
  // The LWPs beyond the first are what the system-wide LWP count counts.
  *beyond_first += n > 1 ? static_cast<int>(n) - 1 : 0;
  return bad;
}

// uidinfo: the tasks charged (each process's LWPs, one for a process that
// has none left), and the references (one per ucred, one per process).
int check_uidinfos() {
  int bad = 0;
  SpinGuard gu(g_uidinfo_lock);
  for (Uidinfo* u = uidinfo_first_locked(); u; u = u->next) {
    int procs = 0, tasks = 0, refs = 0;
    for (Proc* p = proc_all_first_locked(); p; p = p->all_next) {
      if (p->core.p_uidinfo == &u->c) {
        ++procs;
        tasks += p->nthreads() > 1 ? p->nthreads() : 1;
      }
      const struct ucred* cr = p->core.p_ucred;
      if (complete(&p->core) && cr->cr_ruidinfo == &u->c && !seen_before(p, kUcred, cr)) ++refs;
    }
    if (u->c.ui_proccnt != tasks) {
      kprintf("invariant: uid %u proccnt %d, %d tasks\n", u->c.ui_uid, u->c.ui_proccnt, tasks);
      ++bad;
    }
    if (u->c.ui_ref.rc_count != procs + refs) {
      kprintf("invariant: uid %u refs %d, %d holders\n", u->c.ui_uid, u->c.ui_ref.rc_count,
              procs + refs);
      ++bad;
    }
  }
  return bad;
}

}  // namespace

int proc_check_invariants(bool verbose) {
  int bad = 0;
  SpinGuard g(g_proctree_lock);
  Proc* all = proc_all_first_locked();
  int nprocs = 1;   // process 0
  int objects = 1;  // g_exited_fd
  int lwps_beyond_first = 0;
  // The table zombies hold has one holder more: the kernel's own reference.
  bad += check_count("filedesc", &g_exited_fd.c, g_exited_fd.c.fd_ref.rc_count,
                     1 + holders_from(all, kFd, &g_exited_fd.c));
  for (Proc* p = all; p; p = p->all_next) {
    ++nprocs;
    SpinGuard g2(p->spin);
    if (!complete(&p->core)) {
      kprintf("invariant: pid %d lacks a reference\n", p->pid);
      ++bad;
      continue;
    }
    // Each object once, at its first holder in the list.
    for (int s = 0; s < kSlots; ++s) {
      const void* obj = held(&p->core, s);
      if (!obj || obj == &g_exited_fd.c || seen_before(p, s, obj)) continue;
      ++objects;
      bad += check_count(kSlotName[s], obj, count_of(obj, s), holders_from(p, s, obj));
    }
    bad += check_tids(p, &lwps_beyond_first);
  }
  bad += check_uidinfos();
  int np = nprocs_read(&g_proccount);
  if (np != nprocs || np < 0 || np > g_proccount.maxproc) {
    kprintf("invariant: nprocs %d, %d processes, maxproc %d\n", np, nprocs, g_proccount.maxproc);
    ++bad;
  }
  int nl = nprocs_read(&g_lwpcount);
  if (nl != lwps_beyond_first || nl > g_lwpcount.maxproc) {
    kprintf("invariant: LWP count %d, %d LWPs beyond each process's first, maximum %d\n", nl,
            lwps_beyond_first, g_lwpcount.maxproc);
    ++bad;
  }
  bad += tidhash_check_locked();
  if (verbose) kprintf("invariants: %d processes, %d objects, %d problems\n", nprocs, objects, bad);
  return bad;
}
