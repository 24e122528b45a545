// The runtime invariant checker (proc_check_invariants).
#include "kernel/console/kprintf.h"
#include "kernel/proc/proc_internal.h"
#include "kernel/verified/nprocs.h"

// The spec/ predicates, at run time: counts within bounds, every reference
// count equal to the number of holders found by walking the processes, TIDs
// distinct, p_nthreads equal to the live LWPs.
namespace {

struct Holder {
  const void* obj;
  int count;
  int holders;
  const char* what;
};

constexpr int kMaxHolders = 1024;
Holder g_holders[kMaxHolders];
int g_nholders;

void note(const void* obj, int count, const char* what) {
  if (!obj) return;
  for (int i = 0; i < g_nholders; ++i)
    if (g_holders[i].obj == obj) {
      g_holders[i].holders++;
      return;
    }
  if (g_nholders < kMaxHolders) g_holders[g_nholders++] = {obj, count, 1, what};
}

}  // namespace

int proc_check_invariants(bool verbose) {
  int bad = 0;
  SpinGuard g(g_proctree_lock);
  g_nholders = 0;
  int nprocs = 1;  // process 0
  int lwps_beyond_first = 0;
  // The table zombies hold has one holder more: the kernel's own reference.
  note(&g_exited_fd.c, g_exited_fd.c.fd_ref.rc_count, "filedesc");
  for (Proc* p = proc_all_first_locked(); p; p = p->all_next) {
    ++nprocs;
    SpinGuard g2(p->spin);
    struct proc_core* c = &p->core;
    if (!c->p_ucred || !c->p_uidinfo || !c->p_sigacts || !c->p_fd || !c->p_vmspace || !c->p_limit) {
      kprintf("invariant: pid %d lacks a reference\n", p->pid);
      ++bad;
      continue;
    }
    note(c->p_ucred, c->p_ucred->cr_ref.rc_count, "ucred");
    note(c->p_sigacts, c->p_sigacts->ps_ref.rc_count, "sigacts");
    note(c->p_fd, c->p_fd->fd_ref.rc_count, "filedesc");
    note(c->p_vmspace, c->p_vmspace->vm_ref.rc_count, "vmspace");
    note(c->p_limit, c->p_limit->pl_ref.rc_count, "plimit");
    if (c->p_pgrp) note(c->p_pgrp, c->p_pgrp->pg_ref.rc_count, "pgrp");
    if (c->p_args) note(c->p_args, c->p_args->ar_ref.rc_count, "pargs");
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
    lwps_beyond_first += n > 1 ? static_cast<int>(n) - 1 : 0;
  }
  // uidinfo: the tasks charged (each process's LWPs, one for a process that
  // has none left), and the references (one per ucred, one per process).
  SpinGuard gu(g_uidinfo_lock);
  for (Uidinfo* u = uidinfo_first_locked(); u; u = u->next) {
    int procs = 0, tasks = 0, refs = 0;
    for (Proc* p = proc_all_first_locked(); p; p = p->all_next)
      if (p->core.p_uidinfo == &u->c) {
        ++procs;
        tasks += p->nthreads() > 1 ? p->nthreads() : 1;
      }
    for (int i = 0; i < g_nholders; ++i)
      if (g_holders[i].what[0] == 'u' && g_holders[i].what[1] == 'c' &&
          reinterpret_cast<const struct ucred*>(g_holders[i].obj)->cr_ruidinfo == &u->c)
        ++refs;
    if (u->c.ui_proccnt != tasks) {
      kprintf("invariant: uid %u proccnt %d, %d tasks\n", u->c.ui_uid, u->c.ui_proccnt, tasks);
      ++bad;
    }
    if (u->c.ui_ref.rc_count != procs + refs) {
      kprintf("invariant: uid %u refs %d, %d holders\n", u->c.ui_uid, u->c.ui_ref.rc_count, procs + refs);
      ++bad;
    }
  }
  for (int i = 0; i < g_nholders; ++i) {
    if (g_holders[i].count != g_holders[i].holders) {
      kprintf("invariant: %s %p count %d, %d holders\n", g_holders[i].what, g_holders[i].obj,
              g_holders[i].count, g_holders[i].holders);
      ++bad;
    }
  }
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
  if (verbose) kprintf("invariants: %d processes, %d objects, %d problems\n", nprocs, g_nholders, bad);
  return bad;
}
