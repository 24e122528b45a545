/* The tasks charged to each uid (contracts in charge.h). Proved by WP.
 *
 * Each function changes one process of the table and one or two uid counts.
 * That every other entry of the table charges what it did before, so that
 * each uid's surplus is kept, is an induction over the table, which SMT
 * provers do not do by themselves: the ghost loops below are that induction,
 * one entry a step (as in tid.c). Ghost code is not compiled. */
#include "kernel/verified/charge.h"

#include "kernel/verified/fork.h"
#include "kernel/verified/nprocs.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/tid.h"
#include "kernel/verified/uidinfo.h"

struct uidinfo* proc_uid_move(struct proc_core* p, struct uidinfo* to)
/*@ ghost (struct proc_core** procs, int n, int k) */ {
  struct uidinfo* from = p->p_uidinfo;
  int tasks = p->p_tids.p_nthreads > 1 ? p->p_tids.p_nthreads : 1;
  (void)chgproccnt(to, tasks, VC_RLIM_INFINITY);
  p->p_uidinfo = uihold(to);
  (void)chgproccnt(from, -tasks, VC_RLIM_INFINITY);
  /* Only procs[k] changed what it charges: tasks, from `from` to `to`. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant \forall struct uidinfo *u;
         tasks_charged(procs, i, u) == tasks_charged{Pre}(procs, i, u) +
           (k < i ? (u == to ? tasks : 0) - (u == from ? tasks : 0) : 0);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {}
  */
  return from;
}

int lwp_join_locked(struct proc_core* p, struct tidnode* node, unsigned long long limit)
/*@ ghost (struct proc_core** procs, int n, int k) */ {
  if (!chgproccnt(p->p_uidinfo, 1, limit)) return -1;
  int tid = lwp_tid_alloc_locked(&p->p_tids, node);
  if (tid < 0) (void)chgproccnt(p->p_uidinfo, -1, VC_RLIM_INFINITY);
  /* Only procs[k] changed what it charges: one task more if it joined (it
   * had at least one LWP, so it was charged for exactly its LWPs). */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant \forall struct uidinfo *u;
         tasks_charged(procs, i, u) == tasks_charged{Pre}(procs, i, u) +
           (k < i && u == p->p_uidinfo && tid >= 0 ? 1 : 0);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {}
  */
  return tid;
}

int lwp_leave_locked(struct proc_core* p,
                     int tid) /*@ ghost (struct proc_core** procs, int n, int k) */ {
  int others = p->p_tids.p_nthreads > 1;
  (void)lwp_tid_remove_locked(&p->p_tids, tid);
  if (others) (void)chgproccnt(p->p_uidinfo, -1, VC_RLIM_INFINITY);
  /* Only procs[k] changed what it charges: one task fewer if others remain;
   * the last LWP leaving leaves it charged for one. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant \forall struct uidinfo *u;
         tasks_charged(procs, i, u) == tasks_charged{Pre}(procs, i, u) -
           (k < i && u == p->p_uidinfo && others ? 1 : 0);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {}
  */
  return others;
}

void proc_uncharge(struct proccount* pc, struct proc_core* p)
/*@ ghost (struct proc_core** procs, int n, int k, struct proc_core** procs2) */ {
  nprocs_release(pc);
  (void)chgproccnt(p->p_uidinfo, -1, VC_RLIM_INFINITY);
  /* procs2 charges what procs did, less procs[k]'s one task: the entries
   * before n-1 but k are the same, k holds procs[n-1] (if k is not last),
   * and procs[n-1] is in procs2 no more. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n - 1;
       loop invariant \forall struct uidinfo *u;
         tasks_charged(procs2, i, u) == tasks_charged{Pre}(procs, i, u) +
           (k < i ? (procs[n - 1]->p_uidinfo == u ? proc_tasks(procs[n - 1]) : 0) -
                    (u == p->p_uidinfo ? 1 : 0)
                  : 0);
       loop assigns i;
       loop variant n - 1 - i; @/
    for (int i = 0; i < n - 1; i++) {}
  */
}

/* fork1, seen through what a census reads: the counts of the process table
 * and of the uid it charges, the child's uidinfo and LWPs. The census's frame
 * argument below then works on this short contract, not on fork1's. */
/*@ requires FORK_OBJS_OK(fa);
    requires FORK_DISTINCT(fa);
    requires PROC_BLANK(fa->fa_p2);
    requires FORK_CHILD_DISTINCT(fa);
    requires fork_makes_proc(fa->fa_flags);
    requires fork_shares_fd(fa->fa_flags) == 1 ==> fa->fa_p1->p_fdtol != \null;
    requires vc_fork_made == 0 && vc_pgrp_held == \null;
    assigns vc_fork_made, vc_pgrp_held, vc_fork_signal_seen, vc_fork_alloc_failed,
            fa->fa_pc->nprocs,
            fa->fa_cred->cr_ruidinfo->ui_proccnt,
            fa->fa_cred->cr_ruidinfo->ui_ref.rc_count,
            fa->fa_cred->cr_ref.rc_count,
            fa->fa_p1->p_lock.rc_count,
            fa->fa_p1->p_sigacts->ps_ref.rc_count,
            fa->fa_p1->p_fd->fd_ref.rc_count,
            fa->fa_p1->p_fdtol->fdl_ref.rc_count,
            fa->fa_p1->p_vmspace->vm_ref.rc_count,
            fa->fa_p1->p_limit->pl_ref.rc_count,
            fa->fa_p1->p_pgrp->pg_ref.rc_count,
            fa->fa_p1->p_args->ar_ref.rc_count,
            *fa->fa_p2;
    ensures vc_fork_made == 0 && vc_pgrp_held == \null;
    ensures PROCCOUNT_OK(fa->fa_pc);
    ensures \result == VC_OK ==> fa->fa_pc->nprocs == \old(fa->fa_pc->nprocs) + 1;
    ensures \result == VC_OK ==>
      fa->fa_cred->cr_ruidinfo->ui_proccnt == \old(fa->fa_cred->cr_ruidinfo->ui_proccnt) + 1;
    ensures \result == VC_OK ==>
      fa->fa_p2->p_uidinfo == fa->fa_cred->cr_ruidinfo && fa->fa_p2->p_tids.p_nthreads == 1;
    ensures \result != VC_OK ==> fa->fa_pc->nprocs == \old(fa->fa_pc->nprocs);
    ensures \result != VC_OK ==>
      fa->fa_cred->cr_ruidinfo->ui_proccnt == \old(fa->fa_cred->cr_ruidinfo->ui_proccnt);
 */
static int fork1_counts(struct fork_args* fa) { return fork1(fa); }

int fork1_census(struct fork_args* fa)
/*@ ghost (struct proc_core** procs, int n, struct proc_core** procs2) */ {
  int error = fork1_counts(fa);
  /* fork1 wrote no entry of the table: each charges what it did, in procs
   * and in procs2, whose first n entries are procs's. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant \forall struct uidinfo *u;
         tasks_charged(procs, i, u) == tasks_charged{Pre}(procs, i, u);
       loop invariant \forall struct uidinfo *u;
         tasks_charged(procs2, i, u) == tasks_charged{Pre}(procs, i, u);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {
      /@ assert \let j = i; procs[j] == \at(procs[j], Pre); @/
      /@ assert \let j = i; procs[j]->p_uidinfo == \at(procs[j]->p_uidinfo, Pre); @/
      /@ assert \let j = i;
           procs[j]->p_tids.p_nthreads == \at(procs[j]->p_tids.p_nthreads, Pre); @/
    }
  */
  /* Of the uidinfos, fork1 wrote only the one it charges. */
  /*@ assert \forall struct uidinfo *u; fork_uid_apart(fa, u) && u != fa->fa_cred->cr_ruidinfo ==>
        u->ui_proccnt == \at(u->ui_proccnt, Pre); */
  return error;
}
