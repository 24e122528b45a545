/*
 * The fork path's counting skeleton.
 *
 * fork1 takes, in the seed's order, a process slot (nprocs), a slot in the
 * real uid's process count, and the references the child needs for the flags
 * given; on every failure it gives back exactly what it took, in reverse
 * order, along a single unwind path. The steps that are not counting (copying
 * page tables, making the LWP's kernel thread, the process-group lock) are C++
 * and called through the contracts in fork_hooks.h.
 *
 * Around it, in C++: rfork without RFPROC goes to rfork_unshare instead. For a
 * new process the caller allocates the child storage (blank, see PROC_BLANK in
 * spec/fork.h) and, for a shared descriptor table, makes sure the parent has
 * its leader record; after success it links the child into the process tree
 * and its process group and starts it (start_forked_proc), which gives back the
 * hold fork1 took on the parent with proc_rele. On VC_EAGAIN the caller prints
 * the seed's rate-limited message and sleeps briefly; on any failure it frees
 * the child storage, which then holds no reference.
 */
#ifndef TINE_KERNEL_VERIFIED_FORK_H
#define TINE_KERNEL_VERIFIED_FORK_H

#include "kernel/verified/vc_types.h"
#include "spec/charge.h"
#include "spec/fork.h"
#include "spec/refs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Create a child (flags include RFPROC). Returns VC_OK, VC_EINVAL (RFFDG with
 * RFCFDG), VC_ERESTART (a signal is pending under RFPGLOCK), VC_EAGAIN
 * (process table full for this user, or the user's RLIMIT_NPROC reached) or
 * VC_ENOMEM (a C++ step failed to allocate: exactly then).
 *
 * On failure every count is as it was and the child storage is blank again;
 * on success nprocs and the uid's count rose by one, and each object gained
 * exactly the references the flags call for: one for the credentials, the
 * uidinfo, the limits, the process group, the arguments and the hold on the
 * parent; one for the signal actions with RFSIGSHARE, for the descriptor table
 * without RFFDG/RFCFDG, for the parent's leader record with a shared table and
 * RFTHREAD, for the address space with RFMEM; objects not shared are new,
 * with one reference, the child's. */
/*@ FORK1_REQUIRES(fa)
    FORK1_ASSIGNS(fa)
    ensures PROCCOUNT_OK(fa->fa_pc);
    ensures UIDINFO_OK(fa->fa_cred->cr_ruidinfo);
    ensures \result == VC_ERESTART ==> (fa->fa_flags & VC_RFPGLOCK) != 0;
    // ERESTART exactly when a signal was found pending under the group lock.
    ensures \result == VC_ERESTART <==> vc_fork_signal_seen == 1;
    // ENOMEM exactly when an allocating step failed.
    ensures \result == VC_ENOMEM <==> vc_fork_alloc_failed == 1;
    // Whatever the outcome, every object made for the child is its own or
    // discarded, and the group lock is not held.
    ensures vc_fork_made == 0 && vc_pgrp_held == \null;

    // The objects: on failure every count as it was and the child blank; on
    // success the counts rose by what the flags call for, and the child holds
    // exactly those references.
    FORK1_OBJECT_ENSURES(fa)
    // What is new has one reference, the child's, and is held by no process
    // of the table but the child (procs, n: ghost arguments; fork_publish's
    // promise, fork_hooks.h).
    FORK_MADE_SINGLE(fa->fa_p2, fa->fa_p1->p_sigacts, fa->fa_p1->p_fd, fa->fa_p1->p_fdtol,
                     fa->fa_p1->p_vmspace)
    ensures \result == VC_OK ==> fork_made_unheld(procs, n, fa);
    // On success the child has one LWP, with TID 0.
    ensures \result == VC_OK ==> fork_first_lwp(&fa->fa_p2->p_tids);

    behavior bad_flags:
      assumes !fork_flags_ok(fa->fa_flags);
      assigns vc_fork_signal_seen, vc_fork_alloc_failed;
      ensures \result == VC_EINVAL;
    behavior table_full:
      assumes fork_flags_ok(fa->fa_flags);
      assumes !nprocs_room(fa->fa_pc, fa->fa_cred->cr_ruid);
      ensures \result == VC_EAGAIN || \result == VC_ERESTART;
    behavior uid_limit:
      assumes fork_flags_ok(fa->fa_flags);
      assumes nprocs_room(fa->fa_pc, fa->fa_cred->cr_ruid);
      assumes !proccnt_fits(fa->fa_cred->cr_ruidinfo, 1,
                            fork_nproc_limit(fa->fa_p1->p_limit, fa->fa_cred->cr_ruid));
      ensures \result == VC_EAGAIN || \result == VC_ERESTART;
    behavior may_fork:
      assumes fork_flags_ok(fa->fa_flags);
      assumes nprocs_room(fa->fa_pc, fa->fa_cred->cr_ruid);
      assumes proccnt_fits(fa->fa_cred->cr_ruidinfo, 1,
                           fork_nproc_limit(fa->fa_p1->p_limit, fa->fa_cred->cr_ruid));
      ensures \result == VC_OK || \result == VC_ENOMEM || \result == VC_ERESTART;
      // Progress: with room in both counts and no signal seen, only a
      // failed allocation stops the fork.
      ensures vc_fork_signal_seen == 0 ==> \result == VC_OK || \result == VC_ENOMEM;
      // Progress: with room, no signal seen and every step succeeding, the
      // fork is done.
      ensures vc_fork_signal_seen == 0 && vc_fork_alloc_failed == 0 ==> \result == VC_OK;
    complete behaviors;
    disjoint behaviors;
 */
int fork1(struct fork_args* fa) /*@ ghost (struct proc_core** procs, int n) */;

/* rfork without RFPROC, for a process with a single LWP: RFCFDG gives it a
 * new empty descriptor table, RFFDG a private copy of a shared one, and
 * without RFMEM a shared address space is replaced by a private copy. Either
 * all of that is done (VC_OK) or nothing (VC_ENOMEM, only when making a copy
 * failed). VC_EINVAL for RFFDG with
 * RFCFDG, or if the process has several LWPs. It keeps the census of the two
 * kinds it may replace, and the LWP census (LWPS_CENSUS_KEPT). */
/*@ requires FORK_OBJS_OK(fa);
    requires FORK_DISTINCT(fa);
    requires !fork_makes_proc(fa->fa_flags);
    requires vc_fork_made == 0;
    requires in_table(procs, n, k, fa->fa_p1);
    requires LWPS_APART_FROM(lc, procs, n, fa->fa_p1->p_fd) &&
             LWPS_APART_FROM(lc, procs, n, fa->fa_p1->p_vmspace);
    assigns fa->fa_p1->p_fd, fa->fa_p1->p_fd->fd_ref.rc_count,
            fa->fa_p1->p_vmspace, fa->fa_p1->p_vmspace->vm_ref.rc_count, vc_fork_made,
            vc_fork_alloc_failed;
    ensures fa->fa_p1->p_sigacts == \old(fa->fa_p1->p_sigacts);
    ensures vc_fork_made == 0;
    LWPS_CENSUS_KEPT(lc, procs, n)
    // The census of the two kinds it may replace (spec/refs.h).
    ensures HOLDERS_KEPT_OR_NEW(procs, n, fa->fa_p1, VC_REF_FD,
                                \base_addr(\old(fa->fa_p1->p_vmspace)));
    ensures HOLDERS_KEPT_OR_NEW(procs, n, fa->fa_p1, VC_REF_VMSPACE,
                                \base_addr(\old(fa->fa_p1->p_fd)));
    behavior bad_flags:
      assumes !fork_flags_ok(fa->fa_flags);
      assigns \nothing;
      ensures \result == VC_EINVAL;
    behavior threaded:
      assumes fork_flags_ok(fa->fa_flags);
      assumes fa->fa_p1->p_tids.p_nthreads != 1;
      assigns \nothing;
      ensures \result == VC_EINVAL;
    behavior single:
      assumes fork_flags_ok(fa->fa_flags);
      assumes fa->fa_p1->p_tids.p_nthreads == 1;
      ensures \result == VC_OK || \result == VC_ENOMEM;
      // ENOMEM exactly when an allocating step failed.
      ensures \result == VC_ENOMEM <==> vc_fork_alloc_failed == 1;
      ensures \result == VC_ENOMEM ==>
        fa->fa_p1->p_fd == \old(fa->fa_p1->p_fd) &&
        fa->fa_p1->p_vmspace == \old(fa->fa_p1->p_vmspace) &&
        \old(fa->fa_p1->p_fd)->fd_ref.rc_count == \old(fa->fa_p1->p_fd->fd_ref.rc_count) &&
        \old(fa->fa_p1->p_vmspace)->vm_ref.rc_count ==
          \old(fa->fa_p1->p_vmspace->vm_ref.rc_count);
      ensures \result == VC_OK && \old(unshare_fd(fa->fa_p1, fa->fa_flags)) == 1 ==>
        fa->fa_p1->p_fd != \old(fa->fa_p1->p_fd) &&
        \old(fa->fa_p1->p_fd)->fd_ref.rc_count ==
          \old(fa->fa_p1->p_fd->fd_ref.rc_count) - 1;
      ensures \result == VC_OK && \old(unshare_fd(fa->fa_p1, fa->fa_flags)) == 0 ==>
        fa->fa_p1->p_fd == \old(fa->fa_p1->p_fd) &&
        \old(fa->fa_p1->p_fd)->fd_ref.rc_count == \old(fa->fa_p1->p_fd->fd_ref.rc_count);
      ensures \result == VC_OK && \old(unshare_vm(fa->fa_p1, fa->fa_flags)) == 1 ==>
        fa->fa_p1->p_vmspace != \old(fa->fa_p1->p_vmspace) &&
        \old(fa->fa_p1->p_vmspace)->vm_ref.rc_count ==
          \old(fa->fa_p1->p_vmspace->vm_ref.rc_count) - 1;
      ensures \result == VC_OK && \old(unshare_vm(fa->fa_p1, fa->fa_flags)) == 0 ==>
        fa->fa_p1->p_vmspace == \old(fa->fa_p1->p_vmspace) &&
        \old(fa->fa_p1->p_vmspace)->vm_ref.rc_count ==
          \old(fa->fa_p1->p_vmspace->vm_ref.rc_count);
    complete behaviors;
    disjoint behaviors;
 */
int rfork_unshare(struct fork_args* fa)
    /*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */;

/* fork1, and the censuses it keeps (spec/charge.h): on success the child joins the
 * table, procs2 being procs with the child last, and every uid's surplus over
 * procs2 is what it was over procs; on failure it is as it was over procs.
 * The same for every counted object's surplus over its holders, and that
 * each of the child's new objects has a surplus of 0 (its count is its
 * holders, the child alone), is proved of its step fork1_holders (fork.c),
 * as check clauses: hypotheses of no later goal, so not restated here.
 * The kernel forks through this; it runs fork1 and nothing else. */
/*@ FORK1_REQUIRES(fa)
    requires fork_tables(procs, n, procs2, fa);
    requires \valid_read(lc) && FORK_APART(fa, lc);
    requires \base_addr(lc) != \base_addr(fa->fa_pc) && \base_addr(lc) != \base_addr(fa->fa_cred) &&
             \base_addr(lc) != \base_addr(fa->fa_cred->cr_ruidinfo);
    FORK1_ASSIGNS(fa)
    ensures vc_fork_made == 0 && vc_pgrp_held == \null;
    ensures \result == VC_OK ==> nprocs_census{Pre}(fa->fa_pc, n) ==> nprocs_census(fa->fa_pc, n + 1);
    ensures \result != VC_OK ==> nprocs_census{Pre}(fa->fa_pc, n) ==> nprocs_census(fa->fa_pc, n);
    ensures \result == VC_OK ==>
      \forall struct uidinfo *u; fork_uid_apart(fa, u) ==>
        tasks_surplus(procs2, n + 1, u) == tasks_surplus{Pre}(procs, n, u);
    ensures \result != VC_OK ==>
      \forall struct uidinfo *u; fork_uid_apart(fa, u) ==>
        tasks_surplus(procs, n, u) == tasks_surplus{Pre}(procs, n, u);
    // The child, with one LWP, holds no LWP slot.
    ensures lwps_joined: \result == VC_OK ==> lwps_counted(procs2, n + 1) == lwps_counted{Pre}(procs, n);
    ensures lwps_unjoined: \result != VC_OK ==> lwps_counted(procs, n) == lwps_counted{Pre}(procs, n);
    // It writes no LWP count: lc, required apart from what fork1 writes, keeps its value.
    ensures lwp_count_kept: lc->nprocs == \old(lc->nprocs);
 */
int fork1_census(struct fork_args* fa)
    /*@ ghost (struct proc_core** procs, int n, struct proc_core** procs2,
               struct proccount* lc) */
    ;

#ifdef __cplusplus
}
#endif

#endif
