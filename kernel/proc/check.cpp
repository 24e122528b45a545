// The kernel's consistency check (proc_check_invariants): the verified core's
// runtime checker (kernel/verified/check.h), which evaluates spec/'s census
// with the proved holder count, over the live process table, and the checks
// of the kernel's own that it does not cover (marked "beyond the checker").
//
// Locking. g_proctree_lock is held throughout: no process joins or leaves the
// table. A process's own objects are read only under its lock (Proc::spin,
// which every swap of a counted pointer takes), so none is given back and
// freed meanwhile; the other processes' pointers are only compared, and the
// ucreds they designate read under g_uidinfo_lock, which every ucred's
// destruction takes. Ranks: the tree (250), a process (260), the uidinfo
// table (270). It expects a quiet system: a fork or an exit under way is seen
// half done.
#include "kernel/verified/check.h"
#include "kernel/console/kprintf.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/proc/proc_internal.h"
#include "kernel/verified/census.h"
#include "kernel/verified/contract_checks.h"

namespace {

// n objects of type T (two of the arrays are of pointers: sizeof(T*) is meant).
template <typename T>
T* array_of(int n) {
  // NOLINTNEXTLINE(bugprone-sizeof-expression)
  return static_cast<T*>(kmalloc(sizeof(T) * static_cast<size_t>(n), M_TEMP, M_WAITOK));
}

// The table the checker reads: process 0 and every process on the list,
// allocated for each check (maxproc does not change once processes run, so
// maxproc + 1 entries hold every process there can be; a longer list is
// itself a problem, reported).
struct Table {
  int max = 0;
  struct proc_core** core = nullptr;  // what the checker reads
  Proc** proc = nullptr;              // the Proc of each entry

  explicit Table(int n) : max(n), core(array_of<struct proc_core*>(n)), proc(array_of<Proc*>(n)) {}
  ~Table() {
    kfree(core, M_TEMP);
    kfree(proc, M_TEMP);
  }
  Table(const Table&) = delete;
  Table& operator=(const Table&) = delete;
  bool ok() const { return core && proc; }
};

template <typename T>
T* peek(T* const& field) {
  return __atomic_load_n(&field, __ATOMIC_RELAXED);
}

// Beyond the checker: a process holds every object a process must (a group,
// arguments and a leader record it may lack).
bool complete(const struct proc_core* c) {
  return peek(c->p_ucred) && peek(c->p_uidinfo) && peek(c->p_sigacts) && peek(c->p_fd) &&
         peek(c->p_vmspace) && peek(c->p_limit);
}

// Prints what the checker found about `what` (and `id`, when one is given):
// the first violation and how many more. Returns found.
int report(int found, const vc_report& r, const char* what, long id = -1) {
  if (found == 0) return 0;
  if (id >= 0)
    kprintf("invariant: %s %ld: ", what, id);
  else
    kprintf("invariant: %s: ", what);
  kprintf("%s (%p: expected %ld, found %ld)", r.first, r.object, r.expected, r.actual);
  if (found > 1) kprintf(", and %d more", found - 1);
  kprintf("\n");
  return found;
}

// Beyond the checker, for p (p->spin held): the problems found; the LWPs
// beyond its first added to *beyond_first.
int check_proc_extra(Proc* p, int* beyond_first) {
  int bad = 0;
  struct proc_core* c = &p->core;
  if (p != &g_proc0 && !complete(c)) {
    kprintf("invariant: pid %d lacks a reference\n", p->pid);
    ++bad;
  }
  int n = c->p_tids.p_nthreads;
  if (p->stat == ProcStat::kZombie && n != 0) {
    kprintf("invariant: zombie %d has LWPs\n", p->pid);
    ++bad;
  }
  // TIDs are handed out in increasing order from p_lasttid + 1 (the seed's
  // rule), so none is above the last one handed out until the counter wraps
  // at LWP_TID_MAX (INT_MAX: 2^31 lwp_creates in one process). The checker
  // knows only that no TID is live before the first is handed out.
  const char* why = nullptr;
  if (tidtree::validate(c->p_tids.p_lwps, &why)) {
    tidnode* last = tidtree::last(c->p_tids.p_lwps);
    if (last && last->tid > c->p_tids.p_lasttid) {
      kprintf("invariant: pid %d TID %d above the last handed out, %d\n", p->pid, last->tid,
              c->p_tids.p_lasttid);
      ++bad;
    }
  }
  *beyond_first += n > 1 ? n - 1 : 0;
  return bad;
}

// Beyond the checker, which sees only the uidinfos the table refers to: one
// that no process and no process's credentials refer to has no holder left
// and should have been freed (g_uidinfo_lock held).
int check_unreached_uidinfos(const Table& t, int n) {
  int bad = 0;
  for (Uidinfo* u = uidinfo_first_locked(); u; u = u->next) {
    bool reached = false;
    for (int i = 0; i < n && !reached; ++i) {
      const struct ucred* cr = peek(t.core[i]->p_ucred);
      reached = peek(t.core[i]->p_uidinfo) == &u->c || (cr && cr->cr_ruidinfo == &u->c);
    }
    if (reached) continue;
    vc_report r;
    vc_report_init(&r);
    bad += report(vc_check_refcount(&u->c.ui_ref, 0, &r), r, "uidinfo of no process, uid",
                  u->c.ui_uid);
    if (u->c.ui_proccnt != 0) {
      kprintf("invariant: uidinfo of no process, uid %u: ui_proccnt %d\n", u->c.ui_uid,
              u->c.ui_proccnt);
      ++bad;
    }
  }
  return bad;
}

}  // namespace

int proc_check_invariants(bool verbose) {
  Table t(__atomic_load_n(&g_proccount.maxproc, __ATOMIC_RELAXED) + 1);
  if (!t.ok()) {
    kprintf("invariants: no memory for the process table\n");
    return 1;
  }
  int bad = 0;
  RmWriteGuard g(g_proctree_lock);
  // The table, and the checks beyond the checker
  // that need only the process's own lock.
  int n = 0;
  int lwps_beyond_first = 0;
  auto add = [&](Proc* p) {
    if (n == t.max) {
      kprintf("invariant: more than %d processes on the list\n", t.max - 1);
      ++bad;
      return false;
    }
    SpinGuard g2(p->spin);
    bad += check_proc_extra(p, &lwps_beyond_first);
    t.core[n] = &p->core;
    t.proc[n] = p;
    ++n;
    return true;
  };
  // Those a reap has taken off the list whose references are still held
  // are among them (nprocs counts them too).
  proc_each_holding_locked(add);
  vc_outside_ref exited_fd{&g_exited_fd.c.fd_ref, 1};  // the kernel's own reference
  vc_outside outside{&exited_fd, 1};

  // The checker: nprocs is the number of processes...
  vc_report r;
  vc_report_init(&r);
  bad += report(vc_check_proccount(&g_proccount, n, &r), r, "nprocs");
  // ...and every process's objects, each at its first holder, and its TIDs.
  for (int i = 0; i < n; ++i) {
    Proc* p = t.proc[i];
    SpinGuard g2(p->spin);
    SpinGuard gu(g_uidinfo_lock);
    vc_report_init(&r);
    bad += report(vc_check_proc(t.core, n, i, &outside, &r), r, "pid", p->pid);
  }
  // The kernel's table of exited processes when no zombie holds it (the
  // checker sees it only through its holders).
  vc_contract::vc_count_holders_requires(t.core, n, VC_REF_FD, &g_exited_fd.c.fd_ref);
  if (vc_count_holders(t.core, n, VC_REF_FD, &g_exited_fd.c.fd_ref) == 0) {
    vc_report_init(&r);
    bad += report(vc_check_refcount(&g_exited_fd.c.fd_ref, 1, &r), r, "g_exited_fd");
  }
  // The LWP count: the LWPs beyond each process's first, within its maximum.
  vc_report_init(&r);
  bad += report(vc_check_proccount(&g_lwpcount, lwps_beyond_first, &r), r,
                "LWP count (the LWPs beyond each process's first)");
  {
    SpinGuard gu(g_uidinfo_lock);
    bad += check_unreached_uidinfos(t, n);
  }
  bad += tidhash_check_locked();
  if (verbose) kprintf("invariants: %d processes, %d problems\n", n, bad);
  return bad;
}
