/* The references a process holds, given back at its reap or replaced
 * (contracts in refs.h). Proved by WP.
 *
 * That every other entry of the table holds what it did, so that each
 * count's surplus over its holders is kept, is an induction over the table,
 * written as a ghost loop as in charge.c. Ghost code is not compiled. */
#include "kernel/verified/refs.h"

#include "kernel/verified/fork_hooks.h"
#include "kernel/verified/objects.h"

/* The references that may be absent: 0 for none, else as the drop. */
/*@ requires fdtol == \null || (\valid(fdtol) && REFCOUNT_LIVE(&fdtol->fdl_ref));
    assigns fdtol->fdl_ref.rc_count;
    ensures fdtol != \null ==> fdtol->fdl_ref.rc_count == \old(fdtol->fdl_ref.rc_count) - 1;
    ensures \result == (fdtol != \null && \old(fdtol->fdl_ref.rc_count) == 1 ? 1 : 0);
 */
static int fdtol_drop_if_any(struct fdtol* fdtol) {
  return fdtol != VC_NULL ? fdtol_drop(fdtol) : 0;
}

/*@ requires pg == \null || (\valid(pg) && REFCOUNT_LIVE(&pg->pg_ref));
    assigns pg->pg_ref.rc_count;
    ensures pg != \null ==> pg->pg_ref.rc_count == \old(pg->pg_ref.rc_count) - 1;
    ensures \result == (pg != \null && \old(pg->pg_ref.rc_count) == 1 ? 1 : 0);
 */
static int pgrel_if_any(struct pgrp* pg) { return pg != VC_NULL ? pgrel(pg) : 0; }

/*@ requires pa == \null || (\valid(pa) && REFCOUNT_LIVE(&pa->ar_ref));
    assigns pa->ar_ref.rc_count;
    ensures pa != \null ==> pa->ar_ref.rc_count == \old(pa->ar_ref.rc_count) - 1;
    ensures \result == (pa != \null && \old(pa->ar_ref.rc_count) == 1 ? 1 : 0);
 */
static int pargs_drop_if_any(struct pargs* pa) { return pa != VC_NULL ? pargs_drop(pa) : 0; }

/* Every reference given back, every pointer cleared: proc_drop_refs's
 * effects without its census, which is argued below from this short
 * contract rather than through each step. */
/*@ PROC_DROP_REFS_REQUIRES(p, last)
    PROC_DROP_REFS_EFFECTS(p, last)
 */
static void drop_each(struct proc_core* p, struct proc_lastrefs* last) {
  last->sigacts = sigacts_drop(p->p_sigacts);
  p->p_sigacts = VC_NULL;
  last->fd = fddrop(p->p_fd);
  p->p_fd = VC_NULL;
  last->fdtol = fdtol_drop_if_any(p->p_fdtol);
  p->p_fdtol = VC_NULL;
  last->vmspace = vmspace_drop(p->p_vmspace);
  p->p_vmspace = VC_NULL;
  last->limit = plimit_drop(p->p_limit);
  p->p_limit = VC_NULL;
  last->pgrp = pgrel_if_any(p->p_pgrp);
  p->p_pgrp = VC_NULL;
  last->args = pargs_drop_if_any(p->p_args);
  p->p_args = VC_NULL;
}

void proc_drop_refs(struct proc_core* p, struct proc_lastrefs* last)
/*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */ {
  drop_each(p, last);
  /* Only procs[k] changed what it holds: none of the shared kinds now; and
   * no process's LWPs changed: the table holds what it held of the LWP count. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant \forall integer kind, struct refcount *r;
         VC_REF_SHARED(kind) && r != \null ==>
           holders(procs, i, kind, r) ==
             holders{Pre}(procs, i, kind, r) - (k < i && proc_ref{Pre}(p, kind) == r ? 1 : 0);
       loop invariant lwps_counted(procs, i) == lwps_counted{Pre}(procs, i);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {}
  */
}

void proc_fd_replace(struct proc_core* p, struct filedesc* nfd)
/*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */ {
  proc_core_lock(p);
  struct filedesc* old = p->p_fd;
  p->p_fd = nfd;
  proc_core_unlock(p);
  if (fddrop(old)) filedesc_destroy(old);
  /* Only procs[k] changed what it holds of this kind, and no process's
   * LWPs changed: the table holds what it held of the LWP count. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant HOLDERS_SWAPPED(procs, i, k, VC_REF_FD,
                                       proc_ref{Pre}(p, VC_REF_FD), &nfd->fd_ref);
       loop invariant lwps_counted(procs, i) == lwps_counted{Pre}(procs, i);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {}
  */
}

void proc_vmspace_replace(struct proc_core* p, struct vmspace* nvm)
/*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */ {
  proc_core_lock(p);
  struct vmspace* old = p->p_vmspace;
  p->p_vmspace = nvm;
  proc_core_unlock(p);
  vmspace_activate(p);
  vmspace_user_leave(old);
  if (vmspace_drop(old)) vmspace_destroy(old);
  /* Only procs[k] changed what it holds of this kind, and no process's
   * LWPs changed: the table holds what it held of the LWP count. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant HOLDERS_SWAPPED(procs, i, k, VC_REF_VMSPACE,
                                       proc_ref{Pre}(p, VC_REF_VMSPACE), &nvm->vm_ref);
       loop invariant lwps_counted(procs, i) == lwps_counted{Pre}(procs, i);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {}
  */
}

int proc_sigacts_replace_locked(struct proc_core* p, struct sigacts* nps)
/*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */ {
  struct sigacts* old = p->p_sigacts;
  p->p_sigacts = nps;
  int last = sigacts_drop(old);
  /* Only procs[k] changed what it holds of this kind, and no process's
   * LWPs changed: the table holds what it held of the LWP count. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant HOLDERS_SWAPPED(procs, i, k, VC_REF_SIGACTS,
                                       proc_ref{Pre}(p, VC_REF_SIGACTS), &nps->ps_ref);
       loop invariant lwps_counted(procs, i) == lwps_counted{Pre}(procs, i);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {}
  */
  return last;
}

struct ucred* proc_ucred_replace_locked(struct proc_core* p, struct ucred* ncr)
/*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */ {
  struct ucred* old = p->p_ucred;
  p->p_ucred = ncr;
  /* Only procs[k] changed what it holds of this kind, and no process's
   * LWPs changed: the table holds what it held of the LWP count. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant HOLDERS_SWAPPED(procs, i, k, VC_REF_UCRED, &old->cr_ref, &ncr->cr_ref);
       loop invariant lwps_counted(procs, i) == lwps_counted{Pre}(procs, i);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {}
  */
  return old;
}

int proc_args_replace_locked(struct proc_core* p, struct pargs* na)
/*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */ {
  struct pargs* old = p->p_args;
  p->p_args = na;
  int last = pargs_drop_if_any(old);
  /* Only procs[k] changed what it holds of this kind, and no process's
   * LWPs changed: the table holds what it held of the LWP count. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant HOLDERS_SWAPPED(procs, i, k, VC_REF_ARGS,
                                       proc_ref{Pre}(p, VC_REF_ARGS), &na->ar_ref);
       loop invariant lwps_counted(procs, i) == lwps_counted{Pre}(procs, i);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {}
  */
  return last;
}
