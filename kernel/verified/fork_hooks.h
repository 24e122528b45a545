/*
 * The steps of fork that C++ does, called by the verified fork1 skeleton.
 *
 * WP assumes these contracts. They are implemented by the process subsystem
 * (allocation, copying the page tables, the kernel thread of the new LWP, the
 * process-group lock). tests/host/verified/fork_world.cpp implements them for
 * the host tests, with fault injection, and checks each contract on every call
 * (fork_world_check_* in that file); the debug kernel checks its versions
 * where each returns (kernel/verified/contract_checks.h, ForkBooks), and the
 * freshness of new objects by a scan of every process (check_unheld,
 * kernel/proc/fork.cpp).
 *
 * "assigns \nothing" means: nothing the verified core can see. A step may
 * change its own C++ state (a lock word, an allocator, a new object's
 * contents), never a count or a pointer field of the structs in vc_types.h
 * other than those its contract names. Some steps also assign the ghost
 * state of spec/fork.h (vc_fork_made, vc_pgrp_held, vc_fork_alloc_failed),
 * which exists only in the proof: their contracts say what the step does
 * in its terms (a lock taken, an object made or discarded, an allocation
 * failed), and the test world keeps the same books in C++ and checks them.
 *
 * New objects come back with their count at 1 (the reference of the process
 * that will hold them), as allocations apart from the child storage, the
 * parent and everything it holds (FORK_APART), held by no process of the
 * table (procs, n: ghost arguments, the proof's table); a null result means
 * out of memory. A discard takes only such an object: made for this fork, not yet
 * discarded, its one reference its own; the fork in progress is passed to it
 * as a ghost argument, so that the proof can check that.
 */
#ifndef TINE_KERNEL_VERIFIED_FORK_HOOKS_H
#define TINE_KERNEL_VERIFIED_FORK_HOOKS_H

#include "kernel/verified/vc_types.h"
#include "spec/charge.h"
#include "spec/fork.h"

#ifdef __cplusplus
extern "C" {
#endif

/* RFPGLOCK: hold the process group's lock (shared) across the fork, so that
 * a signal sent to the group either reaches the parent before the check below
 * or finds the child in the group. */
/*@ requires \valid(pg);
    requires vc_pgrp_held == \null;
    assigns vc_pgrp_held;
    ensures vc_pgrp_held == pg;
 */
void fork_pgrp_lock(struct pgrp* pg);

/*@ requires \valid(pg);
    requires vc_pgrp_held == pg;
    assigns vc_pgrp_held;
    ensures vc_pgrp_held == \null;
 */
void fork_pgrp_unlock(struct pgrp* pg);

/* Is a signal pending for the forking LWP (without acting on it)? What it
 * says is the ghost fact ERESTART is tied to. */
/*@ requires \valid_read(fa);
    assigns vc_fork_signal_seen;
    ensures \result == 0 || \result == 1;
    ensures vc_fork_signal_seen == \result;
 */
int fork_signal_pending(const struct fork_args* fa);

/* A copy of the parent's signal actions (no RFSIGSHARE). */
/*@ requires \valid_read(fa);
    requires vc_fork_made < VC_INT_MAX;
    assigns vc_fork_made, vc_fork_alloc_failed;
    ensures \result == \null ==>
              vc_fork_made == \old(vc_fork_made) && vc_fork_alloc_failed == 1;
    ensures \result != \null ==> vc_fork_alloc_failed == \old(vc_fork_alloc_failed);
    ensures \result != \null ==>
              \valid(\result) && \result->ps_ref.rc_count == 1 &&
              \result != fa->fa_p1->p_sigacts && FORK_APART(fa, \result) &&
              vc_fork_made == \old(vc_fork_made) + 1;
    ensures \result != \null ==> holders(procs, n, VC_REF_SIGACTS, &\result->ps_ref) == 0;
 */
struct sigacts* fork_sigacts_copy(const struct fork_args* fa)
    /*@ ghost (struct proc_core** procs, int n) */;

/* An empty descriptor table (RFCFDG). */
/*@ requires \valid_read(fa);
    requires vc_fork_made < VC_INT_MAX;
    assigns vc_fork_made, vc_fork_alloc_failed;
    ensures \result == \null ==>
              vc_fork_made == \old(vc_fork_made) && vc_fork_alloc_failed == 1;
    ensures \result != \null ==> vc_fork_alloc_failed == \old(vc_fork_alloc_failed);
    ensures \result != \null ==>
              \valid(\result) && \result->fd_ref.rc_count == 1 &&
              \result != fa->fa_p1->p_fd && FORK_APART(fa, \result) &&
              vc_fork_made == \old(vc_fork_made) + 1;
    ensures \result != \null ==> holders(procs, n, VC_REF_FD, &\result->fd_ref) == 0;
 */
struct filedesc* fork_fd_init(const struct fork_args* fa)
    /*@ ghost (struct proc_core** procs, int n) */;

/* A copy of the parent's descriptor table (RFFDG). */
/*@ requires \valid_read(fa);
    requires vc_fork_made < VC_INT_MAX;
    assigns vc_fork_made, vc_fork_alloc_failed;
    ensures \result == \null ==>
              vc_fork_made == \old(vc_fork_made) && vc_fork_alloc_failed == 1;
    ensures \result != \null ==> vc_fork_alloc_failed == \old(vc_fork_alloc_failed);
    ensures \result != \null ==>
              \valid(\result) && \result->fd_ref.rc_count == 1 &&
              \result != fa->fa_p1->p_fd && FORK_APART(fa, \result) &&
              vc_fork_made == \old(vc_fork_made) + 1;
    ensures \result != \null ==> holders(procs, n, VC_REF_FD, &\result->fd_ref) == 0;
 */
struct filedesc* fork_fd_copy(const struct fork_args* fa)
    /*@ ghost (struct proc_core** procs, int n) */;

/* A leader record for a child that shares the parent's descriptor table but
 * not its leader (shared table, no RFTHREAD), linked with the parent's. */
/*@ requires \valid_read(fa);
    requires vc_fork_made < VC_INT_MAX;
    assigns vc_fork_made, vc_fork_alloc_failed;
    ensures \result == \null ==>
              vc_fork_made == \old(vc_fork_made) && vc_fork_alloc_failed == 1;
    ensures \result != \null ==> vc_fork_alloc_failed == \old(vc_fork_alloc_failed);
    ensures \result != \null ==>
              \valid(\result) && \result->fdl_ref.rc_count == 1 &&
              \result != fa->fa_p1->p_fdtol && FORK_APART(fa, \result) &&
              vc_fork_made == \old(vc_fork_made) + 1;
    ensures \result != \null ==> holders(procs, n, VC_REF_FDTOL, &\result->fdl_ref) == 0;
 */
struct fdtol* fork_fdtol_alloc(const struct fork_args* fa)
    /*@ ghost (struct proc_core** procs, int n) */;

/* A copy-on-write copy of the parent's address space: a new vmspace whose
 * page tables map the parent's pages read-only (no RFMEM). */
/*@ requires \valid_read(fa);
    requires vc_fork_made < VC_INT_MAX;
    assigns vc_fork_made, vc_fork_alloc_failed;
    ensures \result == \null ==>
              vc_fork_made == \old(vc_fork_made) && vc_fork_alloc_failed == 1;
    ensures \result != \null ==> vc_fork_alloc_failed == \old(vc_fork_alloc_failed);
    ensures \result != \null ==>
              \valid(\result) && \result->vm_ref.rc_count == 1 &&
              \result != fa->fa_p1->p_vmspace && FORK_APART(fa, \result) &&
              vc_fork_made == \old(vc_fork_made) + 1;
    ensures \result != \null ==> holders(procs, n, VC_REF_VMSPACE, &\result->vm_ref) == 0;
 */
struct vmspace* fork_vmspace_copy(const struct fork_args* fa)
    /*@ ghost (struct proc_core** procs, int n) */;

/* The child's first LWP with its kernel thread, registers copied from the
 * forking LWP; not in any TID set yet. */
/*@ requires \valid_read(fa);
    assigns vc_fork_alloc_failed;
    ensures \result == \null ==> vc_fork_alloc_failed == 1;
    ensures \result != \null ==> vc_fork_alloc_failed == \old(vc_fork_alloc_failed);
 */
struct tidnode* fork_lwp_alloc(const struct fork_args* fa);

/* The child, complete with its first LWP in its TID set, becomes visible:
 * in the process tree, its group and its parent's children, where signals
 * and wait4 find it (still SIDL: not runnable until start_forked_proc). */
/* The objects made for the child become its own (vc_fork_made: exactly those
 * the flags call for); with RFPGLOCK, the group lock is held, so that a
 * signal to the group either found the parent before the check or finds the
 * child in the group. */
/* No process of the table but the child holds one of them (procs, n: ghost
 * arguments). The allocations promised it of each when made, and nothing
 * hands another process one before the child is visible; fork1's proof takes
 * it from here, where the objects are the child's, rather than carry the
 * allocations' promise across its later steps. */
/*@ requires \valid_read(fa) && \valid_read(fa->fa_p1);
    requires vc_fork_made == fork_new_objects(fa->fa_flags);
    requires (fa->fa_flags & VC_RFPGLOCK) != 0 ==> vc_pgrp_held == fa->fa_p1->p_pgrp;
    assigns vc_fork_made;
    ensures vc_fork_made == 0;
    ensures fork_made_unheld(procs, n, fa);
 */
void fork_publish(const struct fork_args* fa) /*@ ghost (struct proc_core** procs, int n) */;

/* Undo a step above: free an object made for a fork that failed (fa, a
 * ghost argument: the fork it was made for). Its only reference is the one
 * it was created with. */
/*@ requires \valid(ps) && \valid_read(fa) && \valid_read(fa->fa_p1);
    requires ps->ps_ref.rc_count == 1;
    requires FORK_APART(fa, ps);
    requires vc_fork_made >= 1;
    assigns vc_fork_made;
    ensures vc_fork_made == \old(vc_fork_made) - 1;
 */
void fork_sigacts_discard(struct sigacts* ps) /*@ ghost (const struct fork_args* fa) */;

/*@ requires \valid(fdp) && \valid_read(fa) && \valid_read(fa->fa_p1);
    requires fdp->fd_ref.rc_count == 1;
    requires discard_apart: FORK_APART(fa, fdp);
    requires vc_fork_made >= 1;
    assigns vc_fork_made;
    ensures vc_fork_made == \old(vc_fork_made) - 1;
 */
void fork_fd_discard(struct filedesc* fdp) /*@ ghost (const struct fork_args* fa) */;

/*@ requires \valid(fdtol) && \valid_read(fa) && \valid_read(fa->fa_p1);
    requires fdtol->fdl_ref.rc_count == 1;
    requires FORK_APART(fa, fdtol);
    requires vc_fork_made >= 1;
    assigns vc_fork_made;
    ensures vc_fork_made == \old(vc_fork_made) - 1;
 */
void fork_fdtol_discard(struct fdtol* fdtol) /*@ ghost (const struct fork_args* fa) */;

/*@ requires \valid(vm) && \valid_read(fa) && \valid_read(fa->fa_p1);
    requires vm->vm_ref.rc_count == 1;
    requires FORK_APART(fa, vm);
    requires vc_fork_made >= 1;
    assigns vc_fork_made;
    ensures vc_fork_made == \old(vc_fork_made) - 1;
 */
void fork_vmspace_discard(struct vmspace* vm) /*@ ghost (const struct fork_args* fa) */;

/* Destroy an object whose last reference was just given back. */
/*@ requires \valid(fdp) && fdp->fd_ref.rc_count == 0;
    assigns \nothing;
 */
void filedesc_destroy(struct filedesc* fdp);

/*@ requires \valid(vm) && vm->vm_ref.rc_count == 0;
    assigns \nothing;
 */
void vmspace_destroy(struct vmspace* vm);

/* The process stops using vm's memory (rfork without RFPROC gave it another
 * space): the last process to stop gives the memory back. The counted
 * reference is a separate matter (vmspace_drop). */
/*@ requires \valid(vm);
    assigns \nothing;
 */
void vmspace_user_leave(struct vmspace* vm);

/* Take and release the lock that guards p's counted pointers (Proc::spin), so
 * a reader holding it (the invariant checker) never follows a pointer whose
 * object is being given back. */
/*@ requires \valid_read(p);
    assigns \nothing;
 */
void proc_core_lock(const struct proc_core* p);

/*@ requires \valid_read(p);
    assigns \nothing;
 */
void proc_core_unlock(const struct proc_core* p);

/* Switch the running CPU to p's (new) address space. */
/*@ requires \valid_read(p);
    assigns \nothing;
 */
void vmspace_activate(const struct proc_core* p);

#ifdef __cplusplus
}
#endif

#endif
