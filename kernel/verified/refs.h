/*
 * The references a process holds to the objects processes share, given back
 * at its reap with every count kept as far from its holders as it was: the
 * census of those objects (spec/census.h's count_matches) over any table of
 * processes in which the process appears once. Each also keeps the LWP
 * census (LWPS_CENSUS_KEPT), passed the LWP count lc. The table and lc are
 * ghost arguments, which the compiled code does not have.
 */
#ifndef TINE_KERNEL_VERIFIED_REFS_H
#define TINE_KERNEL_VERIFIED_REFS_H

#include "kernel/verified/vc_types.h"
#include "spec/charge.h"
#include "spec/refs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which of the references proc_drop_refs gave back were the last (1): the
 * caller destroys those objects. */
struct proc_lastrefs {
  int sigacts, fd, fdtol, vmspace, limit, pgrp, args;
};

/* A zombie gives back its references to its signal actions, descriptor
 * table and its leader record, address space, limits, group and arguments:
 * each count goes down by one, p's pointer is cleared, and *last says which
 * were the last. Every count of those kinds is then as far from its holders
 * in the table as it was, so a census that held still holds with p holding
 * none of them; proc_uncharge then takes p out of the table.
 * Its credentials and uidinfo are the caller's to give back (their last
 * reference goes under the uidinfo table's lock). Callers hold the process
 * tree's lock, read or written: only p's reaper reaches p, but other CPUs
 * move the shared counts meanwhile, atomically; the proof reads the steps
 * of one CPU, as for every function of the core. */
/*@ PROC_DROP_REFS_REQUIRES(p, last)
    requires in_table(procs, n, k, p) && \base_addr(procs) != \base_addr(last);
    requires \forall integer i; 0 <= i < n ==>
               proc_shared_apart_from(p, \base_addr(procs[i])) &&
               \base_addr(procs[i]) != \base_addr(last);
    requires \valid_read(lc) && proc_shared_apart_from(p, \base_addr(lc)) &&
             \base_addr(lc) != \base_addr(last);
    PROC_DROP_REFS_EFFECTS(p, last)
    LWPS_CENSUS_KEPT(lc, procs, n)
    // Every count of a shared kind, p's own or one apart from p's objects
    // (and from *last), is as far from its holders in the table as it was.
    ensures HOLDERS_KEPT(procs, n, p, last, VC_REF_SIGACTS);
    ensures HOLDERS_KEPT(procs, n, p, last, VC_REF_FD);
    ensures HOLDERS_KEPT(procs, n, p, last, VC_REF_FDTOL);
    ensures HOLDERS_KEPT(procs, n, p, last, VC_REF_VMSPACE);
    ensures HOLDERS_KEPT(procs, n, p, last, VC_REF_LIMIT);
    ensures HOLDERS_KEPT(procs, n, p, last, VC_REF_PGRP);
    ensures HOLDERS_KEPT(procs, n, p, last, VC_REF_ARGS);
 */
void proc_drop_refs(struct proc_core* p, struct proc_lastrefs* last)
    /*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */;

/* Exec and rfork without RFPROC give a process a new object of one kind in
 * place of its own: p gives back its reference to the old one and takes over
 * the one reference the new one came with. Each replace keeps the census of
 * its kind over any table in which p appears once (HOLDERS_MOVED): the new
 * object's reference has moved into the table, the old one's left it with
 * p's hold. Only a process with one LWP, or its last LWP at exit, replaces
 * its space, signal actions, descriptor table or arguments (its
 * credentials: below); p's pointer changes under its core lock
 * (Proc::spin). */

/* The descriptor table: nfd (its reference p's from here on) in place of
 * p's, which is destroyed if that was its last reference. */
/*@ requires \valid(p) && \valid(p->p_fd) && REFCOUNT_LIVE(&p->p_fd->fd_ref);
    requires \valid(nfd) && REFCOUNT_LIVE(&nfd->fd_ref) && nfd != p->p_fd;
    requires in_table(procs, n, k, p) && LWPS_APART_FROM(lc, procs, n, p->p_fd);
    assigns p->p_fd, p->p_fd->fd_ref.rc_count;
    LWPS_CENSUS_KEPT(lc, procs, n)
    ensures p->p_fd == nfd;
    ensures \old(p->p_fd)->fd_ref.rc_count == \old(p->p_fd->fd_ref.rc_count) - 1;
    ensures HOLDERS_MOVED(procs, n, VC_REF_FD, &nfd->fd_ref);
    ensures HOLDERS_OTHER_KINDS_KEPT(procs, n, VC_REF_FD);
 */
void proc_fd_replace(struct proc_core* p, struct filedesc* nfd)
    /*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */;

/* The same for the address space; the CPU switches to the new one before the
 * old one is given back. */
/*@ requires \valid(p) && \valid(p->p_vmspace) && REFCOUNT_LIVE(&p->p_vmspace->vm_ref);
    requires \valid(nvm) && REFCOUNT_LIVE(&nvm->vm_ref) && nvm != p->p_vmspace;
    requires in_table(procs, n, k, p) && LWPS_APART_FROM(lc, procs, n, p->p_vmspace);
    assigns p->p_vmspace, p->p_vmspace->vm_ref.rc_count;
    LWPS_CENSUS_KEPT(lc, procs, n)
    ensures p->p_vmspace == nvm;
    ensures \old(p->p_vmspace)->vm_ref.rc_count ==
              \old(p->p_vmspace->vm_ref.rc_count) - 1;
    ensures HOLDERS_MOVED(procs, n, VC_REF_VMSPACE, &nvm->vm_ref);
    ensures HOLDERS_OTHER_KINDS_KEPT(procs, n, VC_REF_VMSPACE);
 */
void proc_vmspace_replace(struct proc_core* p, struct vmspace* nvm)
    /*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */;

/* The signal actions (exec, when they were shared): 1 if p's old ones had
 * their last reference given back (the caller frees them), else 0. The
 * caller holds p's core lock. */
/*@ requires \valid(p) && \valid(p->p_sigacts) && REFCOUNT_LIVE(&p->p_sigacts->ps_ref);
    requires \valid(nps) && REFCOUNT_LIVE(&nps->ps_ref) && nps != p->p_sigacts;
    requires in_table(procs, n, k, p) && LWPS_APART_FROM(lc, procs, n, p->p_sigacts);
    assigns p->p_sigacts, p->p_sigacts->ps_ref.rc_count;
    LWPS_CENSUS_KEPT(lc, procs, n)
    ensures p->p_sigacts == nps;
    ensures old_dropped: \old(p->p_sigacts)->ps_ref.rc_count == \old(p->p_sigacts->ps_ref.rc_count) - 1;
    ensures \result == (\old(p->p_sigacts->ps_ref.rc_count) == 1 ? 1 : 0);
    ensures HOLDERS_MOVED(procs, n, VC_REF_SIGACTS, &nps->ps_ref);
    ensures HOLDERS_OTHER_KINDS_KEPT(procs, n, VC_REF_SIGACTS);
 */
int proc_sigacts_replace_locked(struct proc_core* p, struct sigacts* nps)
    /*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */;

/* The arguments /proc shows (exec); p may have had none. 1 if the old ones
 * had their last reference given back (the caller frees them), else 0. The
 * caller holds p's core lock. */
/*@ requires \valid(p);
    requires p->p_args == \null || (\valid(p->p_args) && REFCOUNT_LIVE(&p->p_args->ar_ref));
    requires \valid(na) && REFCOUNT_LIVE(&na->ar_ref) && na != p->p_args;
    requires in_table(procs, n, k, p) && LWPS_APART_FROM(lc, procs, n, p->p_args);
    assigns p->p_args, p->p_args->ar_ref.rc_count;
    LWPS_CENSUS_KEPT(lc, procs, n)
    ensures p->p_args == na;
    ensures \old(p->p_args) != \null ==>
              \old(p->p_args)->ar_ref.rc_count == \old(p->p_args->ar_ref.rc_count) - 1;
    ensures \result == (\old(p->p_args) != \null && \old(p->p_args->ar_ref.rc_count) == 1 ? 1 : 0);
    ensures HOLDERS_MOVED(procs, n, VC_REF_ARGS, &na->ar_ref);
    ensures HOLDERS_OTHER_KINDS_KEPT(procs, n, VC_REF_ARGS);
 */
int proc_args_replace_locked(struct proc_core* p, struct pargs* na)
    /*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */;

/* The credentials (setuid and its kin, exec's set-ID): ncr, with the
 * caller's reference, in place of p's, whose reference is returned to the
 * caller, who gives it back once it holds no spin lock (the last reference
 * of a ucred is freed under the uidinfo table's lock). A change of real uid
 * moves the process's charge first (proc_uid_move). The caller holds p's
 * core lock. */
/*@ requires \valid(p) && \valid(p->p_ucred);
    requires \valid(ncr) && REFCOUNT_LIVE(&ncr->cr_ref) && ncr != p->p_ucred;
    requires in_table(procs, n, k, p) && \valid_read(lc);
    assigns p->p_ucred;
    LWPS_CENSUS_KEPT(lc, procs, n)
    ensures p->p_ucred == ncr && \result == \old(p->p_ucred);
    ensures HOLDERS_HANDED(procs, n, VC_REF_UCRED, &ncr->cr_ref, &\result->cr_ref);
    ensures HOLDERS_OTHER_KINDS_KEPT(procs, n, VC_REF_UCRED);
 */
struct ucred* proc_ucred_replace_locked(struct proc_core* p, struct ucred* ncr)
    /*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */;

#ifdef __cplusplus
}
#endif

#endif
