/* Counting holders (contracts in census.h). Proved by WP. */
#include "kernel/verified/census.h"

const struct refcount* vc_proc_ref(const struct proc_core* p, int kind) {
  const struct refcount* r = (void*)0;
  switch (kind) {
    case VC_REF_UCRED:
      if (p->p_ucred != (void*)0) r = &p->p_ucred->cr_ref;
      break;
    case VC_REF_UIDINFO:
      if (p->p_uidinfo != (void*)0) r = &p->p_uidinfo->ui_ref;
      break;
    case VC_REF_SIGACTS:
      if (p->p_sigacts != (void*)0) r = &p->p_sigacts->ps_ref;
      break;
    case VC_REF_FD:
      if (p->p_fd != (void*)0) r = &p->p_fd->fd_ref;
      break;
    case VC_REF_FDTOL:
      if (p->p_fdtol != (void*)0) r = &p->p_fdtol->fdl_ref;
      break;
    case VC_REF_VMSPACE:
      if (p->p_vmspace != (void*)0) r = &p->p_vmspace->vm_ref;
      break;
    case VC_REF_LIMIT:
      if (p->p_limit != (void*)0) r = &p->p_limit->pl_ref;
      break;
    case VC_REF_PGRP:
      if (p->p_pgrp != (void*)0) r = &p->p_pgrp->pg_ref;
      break;
    default:
      if (p->p_args != (void*)0) r = &p->p_args->ar_ref;
      break;
  }
  return r;
}

long long vc_count_tasks(struct proc_core* const* procs, int n, const struct uidinfo* u) {
  long long tasks = 0;
  /*@ loop invariant 0 <= i <= n;
      loop invariant tasks == tasks_charged(procs, i, u);
      loop invariant 0 <= tasks <= i * (long long)VC_INT_MAX;
      loop assigns i, tasks;
      loop variant n - i;
   */
  for (int i = 0; i < n; i++) {
    const struct proc_core* p = procs[i];
    const struct uidinfo* charged_to = p->p_uidinfo; /* of u's type: no cast to compare */
    if (charged_to == u) tasks += p->p_tids.p_nthreads > 1 ? p->p_tids.p_nthreads : 1;
  }
  return tasks;
}

int vc_count_holders(struct proc_core* const* procs, int n, int kind, const struct refcount* r) {
  int count = 0;
  /*@ loop invariant 0 <= i <= n;
      loop invariant count == holders(procs, i, kind, r);
      loop invariant 0 <= count <= i;
      loop assigns i, count;
      loop variant n - i;
   */
  for (int i = 0; i < n; i++) {
    if (vc_proc_ref(procs[i], kind) == r) count++;
  }
  return count;
}
