/* References to the shared objects of the fork path (contracts in objects.h).
 * Proved by WP. */
#include "kernel/verified/objects.h"

#include "kernel/verified/refcount.h"

struct ucred* crhold(struct ucred* cr) {
  refcount_hold(&cr->cr_ref);
  return cr;
}

int crfree(struct ucred* cr) { return refcount_release(&cr->cr_ref); }

int crfree_unless_last(struct ucred* cr) { return refcount_release_unless_last(&cr->cr_ref); }

struct uidinfo* uihold(struct uidinfo* uip) {
  refcount_hold(&uip->ui_ref);
  return uip;
}

int uidrop(struct uidinfo* uip) { return refcount_release(&uip->ui_ref); }

int uidrop_unless_last(struct uidinfo* uip) { return refcount_release_unless_last(&uip->ui_ref); }

struct sigacts* sigacts_hold(struct sigacts* ps) {
  refcount_hold(&ps->ps_ref);
  return ps;
}

int sigacts_drop(struct sigacts* ps) { return refcount_release(&ps->ps_ref); }

struct filedesc* fdshare(struct filedesc* fdp) {
  refcount_hold(&fdp->fd_ref);
  return fdp;
}

int fddrop(struct filedesc* fdp) { return refcount_release(&fdp->fd_ref); }

struct fdtol* fdtol_hold(struct fdtol* fdtol) {
  refcount_hold(&fdtol->fdl_ref);
  return fdtol;
}

int fdtol_drop(struct fdtol* fdtol) { return refcount_release(&fdtol->fdl_ref); }

struct vmspace* vmspace_hold(struct vmspace* vm) {
  refcount_hold(&vm->vm_ref);
  return vm;
}

int vmspace_drop(struct vmspace* vm) { return refcount_release(&vm->vm_ref); }

struct plimit* plimit_hold(struct plimit* lim) {
  refcount_hold(&lim->pl_ref);
  return lim;
}

int plimit_drop(struct plimit* lim) { return refcount_release(&lim->pl_ref); }

struct pgrp* pgref(struct pgrp* pg) {
  refcount_hold(&pg->pg_ref);
  return pg;
}

int pgrel(struct pgrp* pg) { return refcount_release(&pg->pg_ref); }

struct pargs* pargs_hold(struct pargs* pa) {
  refcount_hold(&pa->ar_ref);
  return pa;
}

int pargs_drop(struct pargs* pa) { return refcount_release(&pa->ar_ref); }

void proc_hold(struct proc_core* p) { refcount_acquire(&p->p_lock); }

int proc_rele(struct proc_core* p) { return refcount_release(&p->p_lock); }
