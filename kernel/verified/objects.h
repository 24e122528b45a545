/*
 * References to the objects the fork path shares or copies.
 *
 * One pair per object kind: NAME_hold takes a reference (the object must be
 * alive and its count below REFCOUNT_MAX) and returns the object; NAME_drop
 * gives one back and returns 1 when it was the last, in which case the caller
 * destroys the object (the C++ side owns the memory). The BSD names are kept
 * where the seed has them: crhold/crfree, fdshare, uihold/uidrop, pgref/pgrel,
 * PHOLD/PRELE (proc_hold/proc_rele).
 */
#ifndef TINE_KERNEL_VERIFIED_OBJECTS_H
#define TINE_KERNEL_VERIFIED_OBJECTS_H

#include "kernel/verified/refcount.h"
#include "kernel/verified/vc_types.h"
#include "spec/census.h"

#ifdef __cplusplus
extern "C" {
#endif

/* credentials */
/*@ requires \valid(cr) && REFCOUNT_HOLDABLE(&cr->cr_ref);
    assigns cr->cr_ref.rc_count;
    ensures \result == cr;
    ensures cr->cr_ref.rc_count == \old(cr->cr_ref.rc_count) + 1;
    OUTSIDE_HOLDERS_MOVED(&cr->cr_ref, 1)
 */
struct ucred* crhold(struct ucred* cr);

/*@ requires \valid(cr) && REFCOUNT_LIVE(&cr->cr_ref);
    assigns cr->cr_ref.rc_count;
    ensures cr->cr_ref.rc_count == \old(cr->cr_ref.rc_count) - 1;
    OUTSIDE_HOLDERS_MOVED(&cr->cr_ref, -1)
    behavior last:
      assumes cr->cr_ref.rc_count == 1;
      ensures \result == 1;
    behavior others_remain:
      assumes cr->cr_ref.rc_count > 1;
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
 */
int crfree(struct ucred* cr);
/* crfree unless that is the last reference (refcount_release_unless_last). */
/*@ requires \valid(cr) && REFCOUNT_LIVE(&cr->cr_ref);
    assigns cr->cr_ref.rc_count;
    OUTSIDE_HOLDERS_MOVED(&cr->cr_ref, -\result)
    behavior last:
      assumes cr->cr_ref.rc_count == 1;
      ensures cr->cr_ref.rc_count == 1;
      ensures \result == 0;
    behavior others_remain:
      assumes cr->cr_ref.rc_count > 1;
      ensures cr->cr_ref.rc_count == \old(cr->cr_ref.rc_count) - 1;
      ensures \result == 1;
    complete behaviors;
    disjoint behaviors;
 */
int crfree_unless_last(struct ucred* cr);

/* per-uid accounting record */
/*@ requires \valid(uip) && REFCOUNT_HOLDABLE(&uip->ui_ref);
    assigns uip->ui_ref.rc_count;
    ensures \result == uip;
    ensures uip->ui_ref.rc_count == \old(uip->ui_ref.rc_count) + 1;
    OUTSIDE_HOLDERS_MOVED(&uip->ui_ref, 1)
 */
struct uidinfo* uihold(struct uidinfo* uip);

/*@ requires \valid(uip) && REFCOUNT_LIVE(&uip->ui_ref);
    assigns uip->ui_ref.rc_count;
    ensures uip->ui_ref.rc_count == \old(uip->ui_ref.rc_count) - 1;
    OUTSIDE_HOLDERS_MOVED(&uip->ui_ref, -1)
    behavior last:
      assumes uip->ui_ref.rc_count == 1;
      ensures \result == 1;
    behavior others_remain:
      assumes uip->ui_ref.rc_count > 1;
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
 */
int uidrop(struct uidinfo* uip);
/* uidrop unless that is the last reference (refcount_release_unless_last). */
/*@ requires \valid(uip) && REFCOUNT_LIVE(&uip->ui_ref);
    assigns uip->ui_ref.rc_count;
    OUTSIDE_HOLDERS_MOVED(&uip->ui_ref, -\result)
    behavior last:
      assumes uip->ui_ref.rc_count == 1;
      ensures uip->ui_ref.rc_count == 1;
      ensures \result == 0;
    behavior others_remain:
      assumes uip->ui_ref.rc_count > 1;
      ensures uip->ui_ref.rc_count == \old(uip->ui_ref.rc_count) - 1;
      ensures \result == 1;
    complete behaviors;
    disjoint behaviors;
 */
int uidrop_unless_last(struct uidinfo* uip);

/* signal actions (RFSIGSHARE) */
/*@ requires \valid(ps) && REFCOUNT_HOLDABLE(&ps->ps_ref);
    assigns ps->ps_ref.rc_count;
    ensures \result == ps;
    ensures ps->ps_ref.rc_count == \old(ps->ps_ref.rc_count) + 1;
 */
struct sigacts* sigacts_hold(struct sigacts* ps);

/*@ requires \valid(ps) && REFCOUNT_LIVE(&ps->ps_ref);
    assigns ps->ps_ref.rc_count;
    ensures ps->ps_ref.rc_count == \old(ps->ps_ref.rc_count) - 1;
    behavior last:
      assumes ps->ps_ref.rc_count == 1;
      ensures \result == 1;
    behavior others_remain:
      assumes ps->ps_ref.rc_count > 1;
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
 */
int sigacts_drop(struct sigacts* ps);

/* descriptor table (shared unless RFFDG or RFCFDG) */
/*@ requires \valid(fdp) && REFCOUNT_HOLDABLE(&fdp->fd_ref);
    assigns fdp->fd_ref.rc_count;
    ensures \result == fdp;
    ensures fdp->fd_ref.rc_count == \old(fdp->fd_ref.rc_count) + 1;
 */
struct filedesc* fdshare(struct filedesc* fdp);

/*@ requires \valid(fdp) && REFCOUNT_LIVE(&fdp->fd_ref);
    assigns fdp->fd_ref.rc_count;
    ensures fdp->fd_ref.rc_count == \old(fdp->fd_ref.rc_count) - 1;
    behavior last:
      assumes fdp->fd_ref.rc_count == 1;
      ensures \result == 1;
    behavior others_remain:
      assumes fdp->fd_ref.rc_count > 1;
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
 */
int fddrop(struct filedesc* fdp);

/* filedesc-to-leader record (RFTHREAD) */
/*@ requires \valid(fdtol) && REFCOUNT_HOLDABLE(&fdtol->fdl_ref);
    assigns fdtol->fdl_ref.rc_count;
    ensures \result == fdtol;
    ensures fdtol->fdl_ref.rc_count == \old(fdtol->fdl_ref.rc_count) + 1;
 */
struct fdtol* fdtol_hold(struct fdtol* fdtol);

/*@ requires \valid(fdtol) && REFCOUNT_LIVE(&fdtol->fdl_ref);
    assigns fdtol->fdl_ref.rc_count;
    ensures fdtol->fdl_ref.rc_count == \old(fdtol->fdl_ref.rc_count) - 1;
    behavior last:
      assumes fdtol->fdl_ref.rc_count == 1;
      ensures \result == 1;
    behavior others_remain:
      assumes fdtol->fdl_ref.rc_count > 1;
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
 */
int fdtol_drop(struct fdtol* fdtol);

/* address space (RFMEM) */
/*@ requires \valid(vm) && REFCOUNT_HOLDABLE(&vm->vm_ref);
    assigns vm->vm_ref.rc_count;
    ensures \result == vm;
    ensures vm->vm_ref.rc_count == \old(vm->vm_ref.rc_count) + 1;
 */
struct vmspace* vmspace_hold(struct vmspace* vm);

/*@ requires \valid(vm) && REFCOUNT_LIVE(&vm->vm_ref);
    assigns vm->vm_ref.rc_count;
    ensures vm->vm_ref.rc_count == \old(vm->vm_ref.rc_count) - 1;
    behavior last:
      assumes vm->vm_ref.rc_count == 1;
      ensures \result == 1;
    behavior others_remain:
      assumes vm->vm_ref.rc_count > 1;
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
 */
int vmspace_drop(struct vmspace* vm);

/* resource limits (shared until written) */
/*@ requires \valid(lim) && REFCOUNT_HOLDABLE(&lim->pl_ref);
    assigns lim->pl_ref.rc_count;
    ensures \result == lim;
    ensures lim->pl_ref.rc_count == \old(lim->pl_ref.rc_count) + 1;
 */
struct plimit* plimit_hold(struct plimit* lim);

/*@ requires \valid(lim) && REFCOUNT_LIVE(&lim->pl_ref);
    assigns lim->pl_ref.rc_count;
    ensures lim->pl_ref.rc_count == \old(lim->pl_ref.rc_count) - 1;
    behavior last:
      assumes lim->pl_ref.rc_count == 1;
      ensures \result == 1;
    behavior others_remain:
      assumes lim->pl_ref.rc_count > 1;
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
 */
int plimit_drop(struct plimit* lim);

/* process group */
/*@ requires \valid(pg) && REFCOUNT_HOLDABLE(&pg->pg_ref);
    assigns pg->pg_ref.rc_count;
    ensures \result == pg;
    ensures pg->pg_ref.rc_count == \old(pg->pg_ref.rc_count) + 1;
 */
struct pgrp* pgref(struct pgrp* pg);

/*@ requires \valid(pg) && REFCOUNT_LIVE(&pg->pg_ref);
    assigns pg->pg_ref.rc_count;
    ensures pg->pg_ref.rc_count == \old(pg->pg_ref.rc_count) - 1;
    behavior last:
      assumes pg->pg_ref.rc_count == 1;
      ensures \result == 1;
    behavior others_remain:
      assumes pg->pg_ref.rc_count > 1;
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
 */
int pgrel(struct pgrp* pg);

/* process arguments */
/*@ requires \valid(pa) && REFCOUNT_HOLDABLE(&pa->ar_ref);
    assigns pa->ar_ref.rc_count;
    ensures \result == pa;
    ensures pa->ar_ref.rc_count == \old(pa->ar_ref.rc_count) + 1;
 */
struct pargs* pargs_hold(struct pargs* pa);

/*@ requires \valid(pa) && REFCOUNT_LIVE(&pa->ar_ref);
    assigns pa->ar_ref.rc_count;
    ensures pa->ar_ref.rc_count == \old(pa->ar_ref.rc_count) - 1;
    behavior last:
      assumes pa->ar_ref.rc_count == 1;
      ensures \result == 1;
    behavior others_remain:
      assumes pa->ar_ref.rc_count > 1;
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
 */
int pargs_drop(struct pargs* pa);

/* Holds on the process itself (PHOLD): a counter that starts at zero. */
/*@ requires \valid(p);
    requires 0 <= p->p_lock.rc_count < REFCOUNT_MAX;
    assigns p->p_lock.rc_count;
    ensures p->p_lock.rc_count == \old(p->p_lock.rc_count) + 1;
 */
void proc_hold(struct proc_core* p);

/* PRELE: returns 1 when no hold remains (a waiting exit may proceed). */
/*@ requires \valid(p) && REFCOUNT_LIVE(&p->p_lock);
    assigns p->p_lock.rc_count;
    ensures p->p_lock.rc_count == \old(p->p_lock.rc_count) - 1;
    behavior last:
      assumes p->p_lock.rc_count == 1;
      ensures \result == 1;
    behavior others_remain:
      assumes p->p_lock.rc_count > 1;
      ensures \result == 0;
    complete behaviors;
    disjoint behaviors;
 */
int proc_rele(struct proc_core* p);

#ifdef __cplusplus
}
#endif

#endif
