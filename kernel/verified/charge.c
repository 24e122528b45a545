/* The tasks charged to each uid (contracts in charge.h). Proved by WP.
 *
 * Each function changes one process of the table and one or two uid counts.
 * That every other entry of the table charges what it did before, so that
 * each uid's surplus is kept, is an induction over the table, which SMT
 * provers do not do by themselves: the ghost loops below are that induction,
 * one entry a step (as in tid.c). Ghost code is not compiled. */
#include "kernel/verified/charge.h"

#include "kernel/verified/nprocs.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/tid.h"
#include "kernel/verified/uidinfo.h"

int proc_charge_new(struct proccount* pc, struct proc_core* p, struct uidinfo* ui, vc_uid_t uid)
/*@ ghost (struct proc_core** procs, int n, struct proc_core** procs2, struct proccount* lc) */ {
  if (nprocs_reserve(pc, uid) != VC_OK) return VC_EAGAIN;
  p->p_uidinfo = uihold(ui);
  (void)chgproccnt(ui, 1, VC_RLIM_INFINITY);
  /* procs2 charges what procs did, and p its one task to ui. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant \forall struct uidinfo *u;
         tasks_charged(procs2, i, u) == tasks_charged{Pre}(procs, i, u);
       loop invariant \forall integer kind, struct refcount *r;
         holders(procs2, i, kind, r) == holders{Pre}(procs, i, kind, r);
       loop invariant lwps_counted(procs2, i) == lwps_counted{Pre}(procs, i);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {}
  */
  /*@ assert procs2[n] == p && proc_extra_lwps(p) == 0; */
  return VC_OK;
}

int lwp_first_join_locked(struct proc_core* p, struct tidnode* node)
/*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */ {
  /*@ assert tid_candidate(-1, 0) && !tid_in_use(&p->p_tids.p_lwps, 0); */
  int tid = lwp_tid_alloc_locked(&p->p_tids, node);
  /* A later candidate would have skipped 0, which is free. */
  /*@ assert tid_candidate(-1, tid) && (tid > 0 ==> tid_skipped(-1, 0, tid)); */
  /*@ assert tid == 0; */
  /* p charges one task before and after: every entry charges what it did. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant \forall struct uidinfo *u;
         tasks_charged(procs, i, u) == tasks_charged{Pre}(procs, i, u);
       loop invariant lwps_counted(procs, i) == lwps_counted{Pre}(procs, i);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {}
  */
  return tid;
}

struct uidinfo* proc_uid_move(struct proc_core* p, struct uidinfo* to)
/*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */ {
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
       loop invariant HOLDERS_SWAPPED(procs, i, k, VC_REF_UIDINFO, &from->ui_ref, &to->ui_ref);
       loop invariant lwps_counted(procs, i) == lwps_counted{Pre}(procs, i);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {}
  */
  return from;
}

int lwp_join_locked(struct proc_core* p, struct tidnode* node, struct proccount* lc)
/*@ ghost (struct proc_core** procs, int n, int k) */ {
  vc_uid_t uid = p->p_ucred->cr_ruid;
  unsigned long long limit = VC_RLIM_INFINITY; /* none for root */
  if (uid != 0) limit = p->p_limit->pl_rlimit[VC_RLIMIT_NPROC].rlim_cur;
  int tid = -1;
  if (nprocs_reserve(lc, uid) == VC_OK) {
    if (chgproccnt(p->p_uidinfo, 1, limit)) {
      tid = lwp_tid_alloc_locked(&p->p_tids, node);
      if (tid < 0) (void)chgproccnt(p->p_uidinfo, -1, VC_RLIM_INFINITY);
    }
    if (tid < 0) nprocs_release(lc);
  }
  /* Only procs[k] changed what it charges and holds: one task and one LWP
   * slot more if it joined (it had at least one LWP, so it was charged for
   * exactly its LWPs and held a slot for each but the first). */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant \forall struct uidinfo *u;
         tasks_charged(procs, i, u) == tasks_charged{Pre}(procs, i, u) +
           (k < i && u == p->p_uidinfo && tid >= 0 ? 1 : 0);
       loop invariant lwps_counted(procs, i) == lwps_counted{Pre}(procs, i) +
           (k < i && tid >= 0 ? 1 : 0);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {}
  */
  return tid;
}

int lwp_leave_locked(struct proc_core* p, int tid, struct proccount* lc)
/*@ ghost (struct proc_core** procs, int n, int k) */ {
  int others = p->p_tids.p_nthreads > 1;
  (void)lwp_tid_remove_locked(&p->p_tids, tid);
  if (others) {
    (void)chgproccnt(p->p_uidinfo, -1, VC_RLIM_INFINITY);
    nprocs_release(lc);
  }
  /* Only procs[k] changed what it charges and holds: one task and one LWP
   * slot fewer if others remain; the last LWP leaving leaves it charged for
   * one, and it held no slot for that one. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant \forall struct uidinfo *u;
         tasks_charged(procs, i, u) == tasks_charged{Pre}(procs, i, u) -
           (k < i && u == p->p_uidinfo && others ? 1 : 0);
       loop invariant lwps_counted(procs, i) == lwps_counted{Pre}(procs, i) -
           (k < i && others ? 1 : 0);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {}
  */
  return others;
}

void proc_uncharge(struct proccount* pc, struct proc_core* p)
/*@ ghost (struct proc_core** procs, int n, int k, struct proc_core** procs2,
           struct proccount* lc) */
{
  nprocs_release(pc);
  (void)chgproccnt(p->p_uidinfo, -1, VC_RLIM_INFINITY);
  /* procs2 charges and holds what procs did, less procs[k]'s one task and
   * its references: the entries before n-1 but k are the same, k holds
   * procs[n-1] (if k is not last), and procs[n-1] is in procs2 no more. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n - 1;
       loop invariant \forall struct uidinfo *u;
         tasks_charged(procs2, i, u) == tasks_charged{Pre}(procs, i, u) +
           (k < i ? (procs[n - 1]->p_uidinfo == u ? proc_tasks(procs[n - 1]) : 0) -
                    (u == p->p_uidinfo ? 1 : 0)
                  : 0);
       loop invariant \forall integer kind, struct refcount *r;
         holders(procs2, i, kind, r) == holders{Pre}(procs, i, kind, r) +
           (k < i ? (proc_ref(procs[n - 1], kind) == r ? 1 : 0) -
                    (proc_ref(p, kind) == r ? 1 : 0)
                  : 0);
       loop invariant lwps_counted(procs2, i) == lwps_counted{Pre}(procs, i) +
           (k < i ? proc_extra_lwps(procs[n - 1]) : 0);
       loop assigns i;
       loop variant n - 1 - i; @/
    for (int i = 0; i < n - 1; i++) {}
  */
}
