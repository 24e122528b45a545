/*
 * ACSL logic for the fork path (kernel/verified/fork.h).
 *
 * fork1 works on a struct fork_args: the process count, the parent p1, the
 * forking thread's credentials cr (and through them the uidinfo charged), and
 * storage for the child p2. FORK_OBJS_OK, FORK_DISTINCT, FORK_CHILD_DISTINCT
 * and PROC_BLANK say what fork1 may assume about them; the predicate
 * fork_world_ok is their conjunction.
 *
 * The big conjunctions are macros (ACSL annotations are preprocessed) so that
 * contracts can use them inline: WP's simplifier then sees each conjunct as a
 * separate fact, where a predicate would be an opaque symbol that every prover
 * call has to unfold. This halves proof times and turns several timeouts into
 * proofs. Each macro also has a predicate of the same meaning, for reading and
 * for the runtime checker (kernel/verified/check.h).
 *
 * Distinct objects are stated as distinct base addresses: each object is an
 * allocation of its own (which is how the C++ side allocates them). That
 * implies \separated, and provers handle such plain disequalities much faster.
 */
#ifndef TINE_SPEC_FORK_H
#define TINE_SPEC_FORK_H

#include "kernel/verified/vc_types.h"
#include "spec/proccount.h"
#include "spec/refcount.h"
#include "spec/tids.h"
#include "spec/uidinfo.h"

/*@
  // Flags are tested one bit at a time: provers relate single-bit tests
  // easily, masks of several bits hardly at all.
  predicate fork_flags_ok(integer flags) =
    !((flags & VC_RFFDG) != 0 && (flags & VC_RFCFDG) != 0);

  predicate fork_makes_proc(integer flags) = (flags & VC_RFPROC) != 0;

  // References the child takes on the parent's objects, by flag: 1 when the
  // object is shared with the child, 0 when the child gets its own.
  logic integer fork_shares_sig(integer flags) =
    (flags & VC_RFSIGSHARE) != 0 ? 1 : 0;
  logic integer fork_shares_fd(integer flags) =
    ((flags & VC_RFFDG) == 0 && (flags & VC_RFCFDG) == 0) ? 1 : 0;
  logic integer fork_shares_fdtol(integer flags) =
    (fork_shares_fd(flags) == 1 && (flags & VC_RFTHREAD) != 0) ? 1 : 0;
  logic integer fork_shares_vm(integer flags) =
    (flags & VC_RFMEM) != 0 ? 1 : 0;

  // Objects the C++ steps make for the child, by flag: the signal actions
  // unless shared; a descriptor table unless shared, or else a leader record
  // unless the parent's is shared too; the address space unless shared.
  logic integer fork_new_sig(integer flags) = 1 - fork_shares_sig(flags);
  logic integer fork_new_fd(integer flags) =
    fork_shares_fd(flags) == 1 ? 1 - fork_shares_fdtol(flags) : 1;
  logic integer fork_new_vm(integer flags) = 1 - fork_shares_vm(flags);
  logic integer fork_new_objects(integer flags) =
    fork_new_sig(flags) + fork_new_fd(flags) + fork_new_vm(flags);
*/

/* Ghost state: it exists only for the proof (ghost code is not compiled), and
 * the assumed contracts of the C++ steps (fork_hooks.h) say how each step
 * changes it. Defined in fork.c.
 *
 * vc_fork_made: objects the C++ steps made for the fork in progress that are
 * neither discarded nor handed over yet (to the child when fork_publish makes
 * it visible; to the parent when rfork without RFPROC installs them). 0
 * between forks: a fork that returns with it above 0 has leaked an object.
 *
 * vc_pgrp_held: the process group whose lock fork1 holds (RFPGLOCK), or
 * null. */
/*@ ghost extern int vc_fork_made; */
/*@ ghost extern struct pgrp* vc_pgrp_held; */

/* vc_fork_signal_seen: whether the fork in progress found a signal pending
 * with the group lock held (fork_signal_pending said 1): 0 or 1, set to 0 as
 * fork1 starts. fork1 returns ERESTART exactly when it is 1. */
/*@ ghost extern int vc_fork_signal_seen; */

/* vc_fork_alloc_failed: whether an allocating step of the fork in progress
 * (fork_hooks.h: a copy, a new table or leader record, the first LWP)
 * returned null: 0 or 1, set to 0 as fork1 and rfork_unshare start. They
 * return ENOMEM exactly when it is 1; with it 0, no signal seen and room in
 * both counts, fork1 returns OK (its progress clause). */
/*@ ghost extern int vc_fork_alloc_failed; */

/* o is an allocation apart from the child storage, the parent and everything
 * the parent holds: an object made for the fork, not one of the parent's (nor
 * inside the child's storage). What an allocating step promises, and what a
 * discard requires. */
#define FORK_APART(fa, o) \
  (\base_addr(o) != \base_addr((fa)->fa_p2) && \
   \base_addr(o) != \base_addr((fa)->fa_p1) && \
   \base_addr(o) != \base_addr((fa)->fa_p1->p_sigacts) && \
   \base_addr(o) != \base_addr((fa)->fa_p1->p_fd) && \
   \base_addr(o) != \base_addr((fa)->fa_p1->p_vmspace) && \
   \base_addr(o) != \base_addr((fa)->fa_p1->p_limit) && \
   \base_addr(o) != \base_addr((fa)->fa_p1->p_pgrp) && \
   ((fa)->fa_p1->p_fdtol != \null ==> \base_addr(o) != \base_addr((fa)->fa_p1->p_fdtol)) && \
   ((fa)->fa_p1->p_args != \null ==> \base_addr(o) != \base_addr((fa)->fa_p1->p_args)))

/* The parent and the objects fork1 counts: valid, alive, with room for one
 * more holder. p_fdtol and p_args may be null; a process always has a
 * process group. */
#define FORK_OBJS_OK(fa) \
  (\valid_read(fa) && PROCCOUNT_OK((fa)->fa_pc) && \
   \valid((fa)->fa_p1) && \
   0 <= (fa)->fa_p1->p_lock.rc_count < REFCOUNT_MAX && \
   \valid((fa)->fa_cred) && REFCOUNT_HOLDABLE(&(fa)->fa_cred->cr_ref) && \
   \valid((fa)->fa_cred->cr_ruidinfo) && \
   UIDINFO_OK((fa)->fa_cred->cr_ruidinfo) && \
   REFCOUNT_HOLDABLE(&(fa)->fa_cred->cr_ruidinfo->ui_ref) && \
   \valid((fa)->fa_p1->p_sigacts) && \
   REFCOUNT_HOLDABLE(&(fa)->fa_p1->p_sigacts->ps_ref) && \
   \valid((fa)->fa_p1->p_fd) && REFCOUNT_HOLDABLE(&(fa)->fa_p1->p_fd->fd_ref) && \
   ((fa)->fa_p1->p_fdtol != \null ==> \
      \valid((fa)->fa_p1->p_fdtol) && \
      REFCOUNT_HOLDABLE(&(fa)->fa_p1->p_fdtol->fdl_ref)) && \
   \valid((fa)->fa_p1->p_vmspace) && \
   REFCOUNT_HOLDABLE(&(fa)->fa_p1->p_vmspace->vm_ref) && \
   \valid((fa)->fa_p1->p_limit) && \
   REFCOUNT_HOLDABLE(&(fa)->fa_p1->p_limit->pl_ref) && \
   \valid((fa)->fa_p1->p_pgrp) && \
   REFCOUNT_HOLDABLE(&(fa)->fa_p1->p_pgrp->pg_ref) && \
   ((fa)->fa_p1->p_args != \null ==> \
      \valid((fa)->fa_p1->p_args) && \
      REFCOUNT_HOLDABLE(&(fa)->fa_p1->p_args->ar_ref)))

/* fork1's preconditions and what it writes, as contract clauses: fork1's own
 * contract (fork.h) and the three that restate it for the censuses say them
 * through these, so the four cannot drift apart. */
#define FORK1_REQUIRES(fa) \
  requires FORK_OBJS_OK(fa); \
  requires FORK_DISTINCT(fa); \
  requires PROC_BLANK((fa)->fa_p2); \
  requires FORK_CHILD_DISTINCT(fa); \
  requires fork_makes_proc((fa)->fa_flags); \
  requires fork_shares_fd((fa)->fa_flags) == 1 ==> (fa)->fa_p1->p_fdtol != \null; \
  requires vc_fork_made == 0 && vc_pgrp_held == \null;

#define FORK1_ASSIGNS(fa) \
  assigns vc_fork_made, vc_pgrp_held, vc_fork_signal_seen, vc_fork_alloc_failed, \
          (fa)->fa_pc->nprocs, \
          (fa)->fa_cred->cr_ruidinfo->ui_proccnt, \
          (fa)->fa_cred->cr_ruidinfo->ui_ref.rc_count, \
          (fa)->fa_cred->cr_ref.rc_count, \
          (fa)->fa_p1->p_lock.rc_count, \
          (fa)->fa_p1->p_sigacts->ps_ref.rc_count, \
          (fa)->fa_p1->p_fd->fd_ref.rc_count, \
          (fa)->fa_p1->p_fdtol->fdl_ref.rc_count, \
          (fa)->fa_p1->p_vmspace->vm_ref.rc_count, \
          (fa)->fa_p1->p_limit->pl_ref.rc_count, \
          (fa)->fa_p1->p_pgrp->pg_ref.rc_count, \
          (fa)->fa_p1->p_args->ar_ref.rc_count, \
          *(fa)->fa_p2;

/* fork1's effects on what the uid census reads: the counts of the process
 * table and of the uid it charges, the child's uidinfo and LWPs. fork1_counts
 * and fork1_holders (fork.c) state them. */
#define FORK1_COUNTS_ENSURES(fa) \
    ensures vc_fork_made == 0 && vc_pgrp_held == \null; \
    ensures PROCCOUNT_OK((fa)->fa_pc); \
    ensures \result == VC_OK ==> (fa)->fa_pc->nprocs == \old((fa)->fa_pc->nprocs) + 1; \
    ensures \result == VC_OK ==> \
      (fa)->fa_cred->cr_ruidinfo->ui_proccnt == \old((fa)->fa_cred->cr_ruidinfo->ui_proccnt) + 1; \
    ensures \result == VC_OK ==> \
      (fa)->fa_p2->p_uidinfo == (fa)->fa_cred->cr_ruidinfo && (fa)->fa_p2->p_tids.p_nthreads == 1; \
    ensures \result != VC_OK ==> (fa)->fa_pc->nprocs == \old((fa)->fa_pc->nprocs); \
    ensures \result != VC_OK ==> \
      (fa)->fa_cred->cr_ruidinfo->ui_proccnt == \old((fa)->fa_cred->cr_ruidinfo->ui_proccnt);

/* On success each object made for the child p2 (its own where the parent's
 * is ps1, fd1, fdtol1 or vm1) has one reference, the child's. */
#define FORK_MADE_SINGLE(p2, ps1, fd1, fdtol1, vm1) \
    ensures \result == VC_OK && (p2)->p_sigacts != (ps1) ==> \
      (p2)->p_sigacts->ps_ref.rc_count == 1; \
    ensures \result == VC_OK && (p2)->p_fd != (fd1) ==> (p2)->p_fd->fd_ref.rc_count == 1; \
    ensures \result == VC_OK && (p2)->p_fdtol != \null && (p2)->p_fdtol != (fdtol1) ==> \
      (p2)->p_fdtol->fdl_ref.rc_count == 1; \
    ensures \result == VC_OK && (p2)->p_vmspace != (vm1) ==> \
      (p2)->p_vmspace->vm_ref.rc_count == 1;

/* fork1's effects on the objects: on failure every count as it was and the
 * child blank; on success the counts rose by what the flags call for, and
 * the child holds exactly those references. fork1 states them, and
 * fork1_counts restates them for fork1_holders. */
#define FORK1_OBJECT_ENSURES(fa) \
    ensures \result != VC_OK ==> \
      \old((fa)->fa_pc)->nprocs == \old((fa)->fa_pc->nprocs); \
    ensures \result != VC_OK ==> \
      \old((fa)->fa_cred->cr_ruidinfo)->ui_proccnt == \old((fa)->fa_cred->cr_ruidinfo->ui_proccnt); \
    ensures \result != VC_OK ==> \
      \old((fa)->fa_cred->cr_ruidinfo)->ui_ref.rc_count == \old((fa)->fa_cred->cr_ruidinfo->ui_ref.rc_count); \
    ensures \result != VC_OK ==> \
      \old((fa)->fa_cred)->cr_ref.rc_count == \old((fa)->fa_cred->cr_ref.rc_count); \
    ensures \result != VC_OK ==> \
      \old((fa)->fa_p1->p_limit)->pl_ref.rc_count == \old((fa)->fa_p1->p_limit->pl_ref.rc_count); \
    ensures \result != VC_OK ==> \
      \old((fa)->fa_p1->p_pgrp)->pg_ref.rc_count == \old((fa)->fa_p1->p_pgrp->pg_ref.rc_count); \
    ensures \result != VC_OK ==> \
      \old((fa)->fa_p1)->p_lock.rc_count == \old((fa)->fa_p1->p_lock.rc_count); \
    ensures \result != VC_OK ==> \
      \old((fa)->fa_p1->p_sigacts)->ps_ref.rc_count == \old((fa)->fa_p1->p_sigacts->ps_ref.rc_count); \
    ensures \result != VC_OK ==> \
      \old((fa)->fa_p1->p_fd)->fd_ref.rc_count == \old((fa)->fa_p1->p_fd->fd_ref.rc_count); \
    ensures \result != VC_OK ==> \
      \old((fa)->fa_p1->p_vmspace)->vm_ref.rc_count == \old((fa)->fa_p1->p_vmspace->vm_ref.rc_count); \
    ensures \result != VC_OK && \old((fa)->fa_p1->p_fdtol) != \null ==> \
      \old((fa)->fa_p1->p_fdtol)->fdl_ref.rc_count == \old((fa)->fa_p1->p_fdtol->fdl_ref.rc_count); \
    ensures \result != VC_OK && \old((fa)->fa_p1->p_args) != \null ==> \
      \old((fa)->fa_p1->p_args)->ar_ref.rc_count == \old((fa)->fa_p1->p_args->ar_ref.rc_count); \
    ensures \result != VC_OK ==> \
      \old((fa)->fa_p2)->p_ucred == \null && \old((fa)->fa_p2)->p_uidinfo == \null && \
      \old((fa)->fa_p2)->p_sigacts == \null && \old((fa)->fa_p2)->p_fd == \null && \
      \old((fa)->fa_p2)->p_fdtol == \null && \old((fa)->fa_p2)->p_vmspace == \null && \
      \old((fa)->fa_p2)->p_limit == \null && \old((fa)->fa_p2)->p_pgrp == \null && \
      \old((fa)->fa_p2)->p_args == \null && \old((fa)->fa_p2)->p_leader == \null; \
    ensures \result != VC_OK ==> \
      \old((fa)->fa_p2)->p_lock.rc_count == 0 && TIDS_BLANK(&\old((fa)->fa_p2)->p_tids); \
    ensures \result == VC_OK ==> \
      \old((fa)->fa_pc)->nprocs == \old((fa)->fa_pc->nprocs) + 1; \
    ensures \result == VC_OK ==> \
      \old((fa)->fa_cred->cr_ruidinfo)->ui_proccnt == \old((fa)->fa_cred->cr_ruidinfo->ui_proccnt) + 1; \
    ensures \result == VC_OK ==> \
      \old((fa)->fa_cred->cr_ruidinfo)->ui_ref.rc_count == \old((fa)->fa_cred->cr_ruidinfo->ui_ref.rc_count) + 1; \
    ensures \result == VC_OK ==> \
      \old((fa)->fa_cred)->cr_ref.rc_count == \old((fa)->fa_cred->cr_ref.rc_count) + 1; \
    ensures \result == VC_OK ==> \
      \old((fa)->fa_p1->p_limit)->pl_ref.rc_count == \old((fa)->fa_p1->p_limit->pl_ref.rc_count) + 1; \
    ensures \result == VC_OK ==> \
      \old((fa)->fa_p1->p_pgrp)->pg_ref.rc_count == \old((fa)->fa_p1->p_pgrp->pg_ref.rc_count) + 1; \
    ensures \result == VC_OK ==> \
      \old((fa)->fa_p1)->p_lock.rc_count == \old((fa)->fa_p1->p_lock.rc_count) + 1; \
    ensures \result == VC_OK ==> \
      \old((fa)->fa_p1->p_sigacts)->ps_ref.rc_count == \old((fa)->fa_p1->p_sigacts->ps_ref.rc_count) + fork_shares_sig((fa)->fa_flags); \
    ensures \result == VC_OK ==> \
      \old((fa)->fa_p1->p_fd)->fd_ref.rc_count == \old((fa)->fa_p1->p_fd->fd_ref.rc_count) + fork_shares_fd((fa)->fa_flags); \
    ensures \result == VC_OK ==> \
      \old((fa)->fa_p1->p_vmspace)->vm_ref.rc_count == \old((fa)->fa_p1->p_vmspace->vm_ref.rc_count) + fork_shares_vm((fa)->fa_flags); \
    ensures \result == VC_OK && \old((fa)->fa_p1->p_fdtol) != \null ==> \
      \old((fa)->fa_p1->p_fdtol)->fdl_ref.rc_count == \old((fa)->fa_p1->p_fdtol->fdl_ref.rc_count) + fork_shares_fdtol((fa)->fa_flags); \
    ensures \result == VC_OK && \old((fa)->fa_p1->p_args) != \null ==> \
      \old((fa)->fa_p1->p_args)->ar_ref.rc_count == \old((fa)->fa_p1->p_args->ar_ref.rc_count) + 1; \
    ensures \result == VC_OK ==> \
      (fa)->fa_p2->p_ucred == (fa)->fa_cred && \
      (fa)->fa_p2->p_uidinfo == (fa)->fa_cred->cr_ruidinfo && \
      (fa)->fa_p2->p_limit == (fa)->fa_p1->p_limit && \
      (fa)->fa_p2->p_pgrp == (fa)->fa_p1->p_pgrp && \
      (fa)->fa_p2->p_args == (fa)->fa_p1->p_args && \
      (fa)->fa_p2->p_lock.rc_count == 0; \
    ensures \result == VC_OK ==> \
      (fa)->fa_p2->p_leader == \
        (((fa)->fa_flags & VC_RFTHREAD) != 0 ? (fa)->fa_p1->p_leader : (fa)->fa_p2); \
    ensures \result == VC_OK ==> \
      (fa)->fa_p2->p_sigacts != \null && \
      ((fa)->fa_p2->p_sigacts == (fa)->fa_p1->p_sigacts <==> \
         fork_shares_sig((fa)->fa_flags) == 1); \
    ensures \result == VC_OK ==> \
      (fa)->fa_p2->p_fd != \null && \
      ((fa)->fa_p2->p_fd == (fa)->fa_p1->p_fd <==> fork_shares_fd((fa)->fa_flags) == 1); \
    ensures \result == VC_OK ==> \
      (fork_shares_fd((fa)->fa_flags) == 0 ==> (fa)->fa_p2->p_fdtol == \null) && \
      (fork_shares_fd((fa)->fa_flags) == 1 ==> \
         (fa)->fa_p2->p_fdtol != \null && \
         ((fa)->fa_p2->p_fdtol == (fa)->fa_p1->p_fdtol <==> \
            fork_shares_fdtol((fa)->fa_flags) == 1)); \
    ensures \result == VC_OK ==> \
      (fa)->fa_p2->p_vmspace != \null && \
      ((fa)->fa_p2->p_vmspace == (fa)->fa_p1->p_vmspace <==> \
         fork_shares_vm((fa)->fa_flags) == 1);

/* The objects of FORK_OBJS_OK are distinct allocations. */
#define FORK_DISTINCT(fa) \
   (\base_addr((fa)) != \base_addr((fa)->fa_pc) && \
    \base_addr((fa)) != \base_addr((fa)->fa_p1) && \
    \base_addr((fa)) != \base_addr((fa)->fa_cred) && \
    \base_addr((fa)) != \base_addr((fa)->fa_cred->cr_ruidinfo) && \
    \base_addr((fa)) != \base_addr((fa)->fa_p1->p_sigacts) && \
    \base_addr((fa)) != \base_addr((fa)->fa_p1->p_fd) && \
    \base_addr((fa)) != \base_addr((fa)->fa_p1->p_vmspace) && \
    \base_addr((fa)) != \base_addr((fa)->fa_p1->p_limit) && \
    \base_addr((fa)) != \base_addr((fa)->fa_p1->p_pgrp) && \
    \base_addr((fa)->fa_pc) != \base_addr((fa)->fa_p1) && \
    \base_addr((fa)->fa_pc) != \base_addr((fa)->fa_cred) && \
    \base_addr((fa)->fa_pc) != \base_addr((fa)->fa_cred->cr_ruidinfo) && \
    \base_addr((fa)->fa_pc) != \base_addr((fa)->fa_p1->p_sigacts) && \
    \base_addr((fa)->fa_pc) != \base_addr((fa)->fa_p1->p_fd) && \
    \base_addr((fa)->fa_pc) != \base_addr((fa)->fa_p1->p_vmspace) && \
    \base_addr((fa)->fa_pc) != \base_addr((fa)->fa_p1->p_limit) && \
    \base_addr((fa)->fa_pc) != \base_addr((fa)->fa_p1->p_pgrp) && \
    \base_addr((fa)->fa_p1) != \base_addr((fa)->fa_cred) && \
    \base_addr((fa)->fa_p1) != \base_addr((fa)->fa_cred->cr_ruidinfo) && \
    \base_addr((fa)->fa_p1) != \base_addr((fa)->fa_p1->p_sigacts) && \
    \base_addr((fa)->fa_p1) != \base_addr((fa)->fa_p1->p_fd) && \
    \base_addr((fa)->fa_p1) != \base_addr((fa)->fa_p1->p_vmspace) && \
    \base_addr((fa)->fa_p1) != \base_addr((fa)->fa_p1->p_limit) && \
    \base_addr((fa)->fa_p1) != \base_addr((fa)->fa_p1->p_pgrp) && \
    \base_addr((fa)->fa_cred) != \base_addr((fa)->fa_cred->cr_ruidinfo) && \
    \base_addr((fa)->fa_cred) != \base_addr((fa)->fa_p1->p_sigacts) && \
    \base_addr((fa)->fa_cred) != \base_addr((fa)->fa_p1->p_fd) && \
    \base_addr((fa)->fa_cred) != \base_addr((fa)->fa_p1->p_vmspace) && \
    \base_addr((fa)->fa_cred) != \base_addr((fa)->fa_p1->p_limit) && \
    \base_addr((fa)->fa_cred) != \base_addr((fa)->fa_p1->p_pgrp) && \
    \base_addr((fa)->fa_cred->cr_ruidinfo) != \base_addr((fa)->fa_p1->p_sigacts) && \
    \base_addr((fa)->fa_cred->cr_ruidinfo) != \base_addr((fa)->fa_p1->p_fd) && \
    \base_addr((fa)->fa_cred->cr_ruidinfo) != \base_addr((fa)->fa_p1->p_vmspace) && \
    \base_addr((fa)->fa_cred->cr_ruidinfo) != \base_addr((fa)->fa_p1->p_limit) && \
    \base_addr((fa)->fa_cred->cr_ruidinfo) != \base_addr((fa)->fa_p1->p_pgrp) && \
    \base_addr((fa)->fa_p1->p_sigacts) != \base_addr((fa)->fa_p1->p_fd) && \
    \base_addr((fa)->fa_p1->p_sigacts) != \base_addr((fa)->fa_p1->p_vmspace) && \
    \base_addr((fa)->fa_p1->p_sigacts) != \base_addr((fa)->fa_p1->p_limit) && \
    \base_addr((fa)->fa_p1->p_sigacts) != \base_addr((fa)->fa_p1->p_pgrp) && \
    \base_addr((fa)->fa_p1->p_fd) != \base_addr((fa)->fa_p1->p_vmspace) && \
    \base_addr((fa)->fa_p1->p_fd) != \base_addr((fa)->fa_p1->p_limit) && \
    \base_addr((fa)->fa_p1->p_fd) != \base_addr((fa)->fa_p1->p_pgrp) && \
    \base_addr((fa)->fa_p1->p_vmspace) != \base_addr((fa)->fa_p1->p_limit) && \
    \base_addr((fa)->fa_p1->p_vmspace) != \base_addr((fa)->fa_p1->p_pgrp) && \
    \base_addr((fa)->fa_p1->p_limit) != \base_addr((fa)->fa_p1->p_pgrp) && \
    ((fa)->fa_p1->p_fdtol != \null ==> \base_addr((fa)->fa_p1->p_fdtol) != \base_addr((fa))) && \
    ((fa)->fa_p1->p_fdtol != \null ==> \base_addr((fa)->fa_p1->p_fdtol) != \base_addr((fa)->fa_pc)) && \
    ((fa)->fa_p1->p_fdtol != \null ==> \base_addr((fa)->fa_p1->p_fdtol) != \base_addr((fa)->fa_p1)) && \
    ((fa)->fa_p1->p_fdtol != \null ==> \base_addr((fa)->fa_p1->p_fdtol) != \base_addr((fa)->fa_cred)) && \
    ((fa)->fa_p1->p_fdtol != \null ==> \base_addr((fa)->fa_p1->p_fdtol) != \base_addr((fa)->fa_cred->cr_ruidinfo)) && \
    ((fa)->fa_p1->p_fdtol != \null ==> \base_addr((fa)->fa_p1->p_fdtol) != \base_addr((fa)->fa_p1->p_sigacts)) && \
    ((fa)->fa_p1->p_fdtol != \null ==> \base_addr((fa)->fa_p1->p_fdtol) != \base_addr((fa)->fa_p1->p_fd)) && \
    ((fa)->fa_p1->p_fdtol != \null ==> \base_addr((fa)->fa_p1->p_fdtol) != \base_addr((fa)->fa_p1->p_vmspace)) && \
    ((fa)->fa_p1->p_fdtol != \null ==> \base_addr((fa)->fa_p1->p_fdtol) != \base_addr((fa)->fa_p1->p_limit)) && \
    ((fa)->fa_p1->p_fdtol != \null ==> \base_addr((fa)->fa_p1->p_fdtol) != \base_addr((fa)->fa_p1->p_pgrp)) && \
    ((fa)->fa_p1->p_args != \null ==> \base_addr((fa)->fa_p1->p_args) != \base_addr((fa))) && \
    ((fa)->fa_p1->p_args != \null ==> \base_addr((fa)->fa_p1->p_args) != \base_addr((fa)->fa_pc)) && \
    ((fa)->fa_p1->p_args != \null ==> \base_addr((fa)->fa_p1->p_args) != \base_addr((fa)->fa_p1)) && \
    ((fa)->fa_p1->p_args != \null ==> \base_addr((fa)->fa_p1->p_args) != \base_addr((fa)->fa_cred)) && \
    ((fa)->fa_p1->p_args != \null ==> \base_addr((fa)->fa_p1->p_args) != \base_addr((fa)->fa_cred->cr_ruidinfo)) && \
    ((fa)->fa_p1->p_args != \null ==> \base_addr((fa)->fa_p1->p_args) != \base_addr((fa)->fa_p1->p_sigacts)) && \
    ((fa)->fa_p1->p_args != \null ==> \base_addr((fa)->fa_p1->p_args) != \base_addr((fa)->fa_p1->p_fd)) && \
    ((fa)->fa_p1->p_args != \null ==> \base_addr((fa)->fa_p1->p_args) != \base_addr((fa)->fa_p1->p_vmspace)) && \
    ((fa)->fa_p1->p_args != \null ==> \base_addr((fa)->fa_p1->p_args) != \base_addr((fa)->fa_p1->p_limit)) && \
    ((fa)->fa_p1->p_args != \null ==> \base_addr((fa)->fa_p1->p_args) != \base_addr((fa)->fa_p1->p_pgrp)) && \
    ((fa)->fa_p1->p_fdtol != \null && (fa)->fa_p1->p_args != \null ==> \base_addr((fa)->fa_p1->p_fdtol) != \base_addr((fa)->fa_p1->p_args)))
/* The child storage is an allocation apart from all of them. */
#define FORK_CHILD_DISTINCT(fa) \
   (\base_addr((fa)->fa_p2) != \base_addr((fa)) && \
    \base_addr((fa)->fa_p2) != \base_addr((fa)->fa_pc) && \
    \base_addr((fa)->fa_p2) != \base_addr((fa)->fa_p1) && \
    \base_addr((fa)->fa_p2) != \base_addr((fa)->fa_cred) && \
    \base_addr((fa)->fa_p2) != \base_addr((fa)->fa_cred->cr_ruidinfo) && \
    \base_addr((fa)->fa_p2) != \base_addr((fa)->fa_p1->p_sigacts) && \
    \base_addr((fa)->fa_p2) != \base_addr((fa)->fa_p1->p_fd) && \
    \base_addr((fa)->fa_p2) != \base_addr((fa)->fa_p1->p_vmspace) && \
    \base_addr((fa)->fa_p2) != \base_addr((fa)->fa_p1->p_limit) && \
    \base_addr((fa)->fa_p2) != \base_addr((fa)->fa_p1->p_pgrp) && \
    ((fa)->fa_p1->p_fdtol != \null ==> \base_addr((fa)->fa_p2) != \base_addr((fa)->fa_p1->p_fdtol)) && \
    ((fa)->fa_p1->p_args != \null ==> \base_addr((fa)->fa_p2) != \base_addr((fa)->fa_p1->p_args)))

/* Child storage as the caller passes it: no references, no LWP, first TID 0. */
#define PROC_BLANK(p) \
  (\valid(p) && (p)->p_lock.rc_count == 0 && \
   (p)->p_ucred == \null && (p)->p_uidinfo == \null && \
   (p)->p_sigacts == \null && (p)->p_fd == \null && (p)->p_fdtol == \null && \
   (p)->p_vmspace == \null && (p)->p_limit == \null && (p)->p_pgrp == \null && \
   (p)->p_args == \null && (p)->p_leader == \null && \
   TIDS_BLANK(&(p)->p_tids))

/*@
  predicate proc_blank{L}(struct proc_core *p) = PROC_BLANK(p);

  // A new process's TIDs after its first LWP: TID 0, alone.
  predicate fork_first_lwp{L}(struct lwp_tids *pt) =
    pt->p_lasttid == 0 && pt->p_nthreads == 1 &&
    tid_in_use(&pt->p_lwps, 0) && tidset_card(&pt->p_lwps) == 1 &&
    TIDS_OK(pt);

  // Everything fork1 may assume on entry. A shared descriptor table needs the
  // parent's leader record (the caller creates it first, as the seed does).
  predicate fork_world_ok{L}(struct fork_args *fa) =
    FORK_OBJS_OK(fa) && FORK_DISTINCT(fa) &&
    PROC_BLANK(fa->fa_p2) && FORK_CHILD_DISTINCT(fa) &&
    (fork_shares_fd(fa->fa_flags) == 1 ==> fa->fa_p1->p_fdtol != \null);

  // Whether rfork without RFPROC gives the parent a new descriptor table /
  // address space: always for RFCFDG, for RFFDG when the table is shared;
  // without RFMEM when the address space is shared (the seed's vm_fork(p1, 0)
  // and vmspace_unshare).
  logic integer unshare_fd{L}(struct proc_core *p1, integer flags) =
    ((flags & VC_RFCFDG) != 0 ||
     ((flags & VC_RFFDG) != 0 && p1->p_fd->fd_ref.rc_count > 1)) ? 1 : 0;
  logic integer unshare_vm{L}(struct proc_core *p1, integer flags) =
    ((flags & VC_RFMEM) == 0 && p1->p_vmspace->vm_ref.rc_count > 1) ? 1 : 0;
*/

#endif
