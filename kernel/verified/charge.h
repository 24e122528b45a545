/*
 * The tasks charged to each uid, kept exact as processes change: a process
 * moving to another real uid (setuid, exec of a set-id file), an LWP joining
 * or leaving a process, a zombie reaped, a process the kernel makes itself
 * (init) joining. Each function does the counting of
 * that step and is proved to keep every uid's census (spec/charge.h) over any
 * table of processes in which the process appears once; the table is a ghost
 * argument, which the compiled code does not have. fork1's part is
 * fork1_census (fork.h).
 *
 * The same functions keep the system's LWP count (g_lwpcount, lc below): one
 * slot for each LWP of a process beyond its first (the first's slot is the
 * process's own, in the process count). Only lwp_join_locked and
 * lwp_leave_locked write it; the others keep what the table holds of it
 * and, passed the count as a ghost argument apart from what they write, the
 * count itself (lwp_count_kept).
 */
#ifndef TINE_KERNEL_VERIFIED_CHARGE_H
#define TINE_KERNEL_VERIFIED_CHARGE_H

#include "kernel/verified/vc_types.h"
#include "spec/charge.h"
#include "spec/refs.h"
#include "spec/tids.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A process the kernel makes itself (init, or a test's), with no LWP yet,
 * joins the table: a process slot in pc for real uid `uid` (refused as
 * fork's is: VC_EAGAIN with nothing changed), and p is charged to ui, holding
 * a reference to it, for its one task. procs2 is procs with p last. Callers
 * hold the process tree's lock written; nothing else can see p yet. */
/*@ requires PROCCOUNT_OK(pc) && \valid(p) && UIDINFO_OK(ui);
    requires REFCOUNT_HOLDABLE(&ui->ui_ref) && ui->ui_proccnt < VC_INT_MAX;
    requires p->p_tids.p_nthreads == 0;
    requires \base_addr(p) != \base_addr(ui);
    requires \base_addr(pc) != \base_addr(p) && \base_addr(pc) != \base_addr(ui);
    requires join_tables(procs, n, procs2, p) && table_apart(procs, n, ui);
    requires \forall integer i; 0 <= i < n ==> \base_addr(procs[i]) != \base_addr(pc);
    requires \base_addr(lc) != \base_addr(pc) && \base_addr(lc) != \base_addr(p) &&
             \base_addr(lc) != \base_addr(ui);
    assigns pc->nprocs, p->p_uidinfo, ui->ui_proccnt, ui->ui_ref.rc_count;
    ensures PROCCOUNT_OK(pc) && UIDINFO_OK(ui);
    ensures lwp_count_kept: lc->nprocs == \old(lc->nprocs);
    behavior joined:
      assumes nprocs_room(pc, uid);
      ensures \result == VC_OK;
      ensures p->p_uidinfo == ui && TASKS_COVERED(p);
      ensures pc->nprocs == \old(pc->nprocs) + 1;
      ensures charged: ui->ui_proccnt == \old(ui->ui_proccnt) + 1;
      ensures ui->ui_ref.rc_count == \old(ui->ui_ref.rc_count) + 1;
      ensures nprocs_census{Pre}(pc, n) ==> nprocs_census(pc, n + 1);
      ensures \forall struct uidinfo *u; \base_addr(u) != \base_addr(p) &&
                \base_addr(u) != \base_addr(pc) && uid_apart(u, ui) ==>
                tasks_surplus(procs2, n + 1, u) == tasks_surplus{Pre}(procs, n, u);
      // p, with no LWP, holds no LWP slot.
      ensures lwps_kept: lwps_counted(procs2, n + 1) == lwps_counted{Pre}(procs, n);
      // The references p came with, its maker's, outside the table until
      // now, are in it; its uidinfo reference is taken here.
      ensures \forall integer kind, struct refcount *r;
                r != \null && kind != VC_REF_UIDINFO && \base_addr(r) != \base_addr(p) &&
                \base_addr(r) != \base_addr(pc) && \base_addr(r) != \base_addr(ui) ==>
                holders_surplus(procs2, n + 1, kind, r) ==
                  holders_surplus{Pre}(procs, n, kind, r) - (proc_ref(p, kind) == r ? 1 : 0);
      ensures \forall struct uidinfo *u;
                u != \null && \base_addr(u) != \base_addr(p) && \base_addr(u) != \base_addr(pc) &&
                uid_apart(u, ui) ==>
                holders_surplus(procs2, n + 1, VC_REF_UIDINFO, &u->ui_ref) ==
                  holders_surplus{Pre}(procs, n, VC_REF_UIDINFO, &u->ui_ref);
    behavior refused:
      assumes !nprocs_room(pc, uid);
      ensures \result == VC_EAGAIN;
      ensures pc->nprocs == \old(pc->nprocs) && p->p_uidinfo == \old(p->p_uidinfo);
      ensures ui->ui_proccnt == \old(ui->ui_proccnt);
      ensures ui->ui_ref.rc_count == \old(ui->ui_ref.rc_count);
    complete behaviors;
    disjoint behaviors;
 */
int proc_charge_new(struct proccount* pc, struct proc_core* p, struct uidinfo* ui, vc_uid_t uid)
    /*@ ghost (struct proc_core** procs, int n, struct proc_core** procs2, struct proccount* lc) */;

/* p's first LWP: node gets TID 0. p was charged for one task while it had
 * none, and one LWP is one task, so no count moves. Callers hold p's lock
 * (or own p, which nothing else can see yet). */
/*@ requires \valid(p) && TIDS_BLANK(&p->p_tids) && node != \null;
    requires in_table(procs, n, k, p);
    requires \base_addr(lc) != \base_addr(p);
    assigns p->p_tids.p_lasttid, p->p_tids.p_nthreads, p->p_tids.p_lwps.ts_tree;
    ensures \result == 0;
    ensures TIDS_OK(&p->p_tids) && p->p_tids.p_nthreads == 1;
    ensures tidset_added{Old, Here}(&p->p_tids.p_lwps, 0);
    ensures TASKS_KEPT(Pre, Post, procs, n, p, p->p_uidinfo, p->p_uidinfo);
    // The first LWP takes no LWP slot: p holds none before or after.
    ensures lwps_kept: lwps_counted(procs, n) == lwps_counted{Pre}(procs, n);
    ensures lwp_count_kept: lc->nprocs == \old(lc->nprocs);
 */
int lwp_first_join_locked(struct proc_core* p, struct tidnode* node)
    /*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */;

/* p's tasks move from the uid p is charged to over to `to`, and so does p's
 * reference: `to` gains one, which p now holds; the old uidinfo is returned
 * with the reference p held, which the caller gives back once it may free
 * it. Callers hold p's lock and the uidinfo table's. */
/*@ requires \valid(p) && UIDINFO_OK(p->p_uidinfo) && UIDINFO_OK(to);
    requires \base_addr(to) != \base_addr(p->p_uidinfo);
    requires \base_addr(p) != \base_addr(to) && \base_addr(p) != \base_addr(p->p_uidinfo);
    requires REFCOUNT_HOLDABLE(&to->ui_ref);
    requires 0 <= p->p_tids.p_nthreads;
    requires TASKS_COVERED(p);
    requires to->ui_proccnt + proc_tasks(p) <= VC_INT_MAX;
    requires in_table(procs, n, k, p);
    requires table_apart(procs, n, p->p_uidinfo) && table_apart(procs, n, to);
    requires \base_addr(lc) != \base_addr(p) && \base_addr(lc) != \base_addr(p->p_uidinfo) &&
             \base_addr(lc) != \base_addr(to);
    assigns p->p_uidinfo, to->ui_proccnt, to->ui_ref.rc_count, p->p_uidinfo->ui_proccnt;
    ensures \result == \old(p->p_uidinfo);
    ensures p->p_uidinfo == to;
    ensures to->ui_proccnt == \old(to->ui_proccnt) + proc_tasks(p);
    ensures old_uncharged: \result->ui_proccnt == \old(p->p_uidinfo->ui_proccnt) - proc_tasks(p);
    ensures to->ui_ref.rc_count == \old(to->ui_ref.rc_count) + 1;
    ensures UIDINFO_OK(to) && UIDINFO_OK(\result) && TASKS_COVERED(p);
    ensures TASKS_KEPT(Pre, Post, procs, n, p, \result, to);
    // Its reference to `to` is taken here; the one to its old uidinfo is
    // the caller's now, to give back: every uidinfo's count keeps its
    // surplus over its holders, but the old one's, one more.
    ensures \forall struct uidinfo *u; u != \null && uid_apart(u, to) && uid_apart(u, \result) ==>
              holders_surplus(procs, n, VC_REF_UIDINFO, &u->ui_ref) ==
                holders_surplus{Pre}(procs, n, VC_REF_UIDINFO, &u->ui_ref) + (u == \result ? 1 : 0);
    ensures HOLDERS_OTHER_KINDS_KEPT(procs, n, VC_REF_UIDINFO);
    ensures lwps_kept: lwps_counted(procs, n) == lwps_counted{Pre}(procs, n);
    ensures lwp_count_kept: lc->nprocs == \old(lc->nprocs);
 */
struct uidinfo* proc_uid_move(struct proc_core* p, struct uidinfo* to)
    /*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */;

/* A new LWP joins p, which has at least one: a slot in the LWP count lc for
 * p's real uid (refused as fork's process slot is), one more task charged to
 * p's uid, refused past the RLIMIT_NPROC of p's limits unless the real uid
 * is root (as fork1's), then the next TID by the seed's rule. Returns the
 * TID, or -1 with nothing changed when the LWP count or the uid is at its
 * limit or every TID is in use. Callers hold p's lock. */
/*@ requires \valid(p) && UIDINFO_OK(p->p_uidinfo) && TIDS_OK(&p->p_tids);
    requires \valid_read(p->p_ucred) && \valid_read(p->p_limit);
    requires PROCCOUNT_OK(lc);
    requires \base_addr(p) != \base_addr(p->p_uidinfo);
    requires 1 <= p->p_tids.p_nthreads < VC_INT_MAX;
    requires node != \null;
    requires in_table(procs, n, k, p) && table_apart(procs, n, p->p_uidinfo);
    requires LWPS_APART(lc, procs, n, p);
    assigns lc->nprocs, p->p_uidinfo->ui_proccnt, p->p_tids.p_lasttid, p->p_tids.p_nthreads,
            p->p_tids.p_lwps.ts_tree;
    ensures TIDS_OK(&p->p_tids) && UIDINFO_OK(p->p_uidinfo) && PROCCOUNT_OK(lc);
    ensures \forall struct uidinfo *u; \base_addr(u) != \base_addr(p) &&
              \base_addr(u) != \base_addr(lc) && uid_apart(u, p->p_uidinfo) ==>
              tasks_surplus(procs, n, u) == tasks_surplus{Pre}(procs, n, u);
    ensures lwps_kept: lwps_surplus(lc, procs, n) == lwps_surplus{Pre}(lc, procs, n);
    behavior joined:
      assumes nprocs_room(lc, p->p_ucred->cr_ruid) &&
              proccnt_fits(p->p_uidinfo, 1, fork_nproc_limit(p->p_limit, p->p_ucred->cr_ruid)) &&
              tid_free_exists(&p->p_tids.p_lwps, p->p_tids.p_lasttid);
      ensures \result >= 0;
      ensures tidset_added{Old, Here}(&p->p_tids.p_lwps, \result);
      ensures p->p_tids.p_nthreads == \old(p->p_tids.p_nthreads) + 1;
      ensures p->p_uidinfo->ui_proccnt == \old(p->p_uidinfo->ui_proccnt) + 1;
      ensures lc->nprocs == \old(lc->nprocs) + 1;
    behavior refused:
      assumes !nprocs_room(lc, p->p_ucred->cr_ruid) ||
              !proccnt_fits(p->p_uidinfo, 1, fork_nproc_limit(p->p_limit, p->p_ucred->cr_ruid)) ||
              !tid_free_exists(&p->p_tids.p_lwps, p->p_tids.p_lasttid);
      ensures \result == -1;
      ensures tidset_same{Old, Here}(&p->p_tids.p_lwps);
      ensures p->p_tids.p_nthreads == \old(p->p_tids.p_nthreads);
      ensures p->p_tids.p_lasttid == \old(p->p_tids.p_lasttid);
      ensures refused_uncharged: p->p_uidinfo->ui_proccnt == \old(p->p_uidinfo->ui_proccnt);
      ensures refused_unreserved: lc->nprocs == \old(lc->nprocs);
    complete behaviors;
    disjoint behaviors;
 */
int lwp_join_locked(struct proc_core* p, struct tidnode* node, struct proccount* lc)
    /*@ ghost (struct proc_core** procs, int n, int k) */;

/* The LWP with TID tid leaves p. If others remain, its task and its slot in
 * the LWP count lc are given back and 1 returned; the last LWP's task stays
 * charged (0 returned) until the process is reaped, and it held no LWP slot.
 * Callers hold p's lock. */
/*@ requires \valid(p) && UIDINFO_OK(p->p_uidinfo) && TIDS_OK(&p->p_tids);
    requires PROCCOUNT_OK(lc) && LWPS_COVERED(lc, p);
    requires \base_addr(p) != \base_addr(p->p_uidinfo);
    requires tid_in_use(&p->p_tids.p_lwps, tid);
    requires TASKS_COVERED(p);
    requires in_table(procs, n, k, p) && table_apart(procs, n, p->p_uidinfo);
    requires LWPS_APART(lc, procs, n, p);
    assigns lc->nprocs, p->p_uidinfo->ui_proccnt, p->p_tids.p_nthreads, p->p_tids.p_lwps.ts_tree;
    ensures TIDS_OK(&p->p_tids) && UIDINFO_OK(p->p_uidinfo) && TASKS_COVERED(p);
    ensures PROCCOUNT_OK(lc) && LWPS_COVERED(lc, p);
    ensures tidset_removed{Old, Here}(&p->p_tids.p_lwps, tid);
    ensures p->p_tids.p_nthreads == \old(p->p_tids.p_nthreads) - 1;
    ensures \forall struct uidinfo *u; \base_addr(u) != \base_addr(p) &&
              \base_addr(u) != \base_addr(lc) && uid_apart(u, p->p_uidinfo) ==>
              tasks_surplus(procs, n, u) == tasks_surplus{Pre}(procs, n, u);
    ensures lwps_kept: lwps_surplus(lc, procs, n) == lwps_surplus{Pre}(lc, procs, n);
    behavior others_remain:
      assumes p->p_tids.p_nthreads > 1;
      ensures \result == 1;
      ensures p->p_uidinfo->ui_proccnt == \old(p->p_uidinfo->ui_proccnt) - 1;
      ensures lc->nprocs == \old(lc->nprocs) - 1;
    behavior last:
      assumes p->p_tids.p_nthreads <= 1;
      ensures \result == 0;
      ensures last_charge_kept: p->p_uidinfo->ui_proccnt == \old(p->p_uidinfo->ui_proccnt);
      ensures last_slot_kept: lc->nprocs == \old(lc->nprocs);
    complete behaviors;
    disjoint behaviors;
 */
int lwp_leave_locked(struct proc_core* p, int tid, struct proccount* lc)
    /*@ ghost (struct proc_core** procs, int n, int k) */;

/* A zombie (no LWPs left) is reaped: its slot goes back to pc and its one
 * task to its uid; it leaves the table. procs2 is the table without it.
 * The kernel calls it after proc_drop_refs (refs.h). */
/*@ requires \valid(p) && UIDINFO_OK(p->p_uidinfo) && PROCCOUNT_OK(pc);
    requires \base_addr(p) != \base_addr(p->p_uidinfo);
    requires \base_addr(pc) != \base_addr(p->p_uidinfo) && \base_addr(pc) != \base_addr(p);
    requires p->p_tids.p_nthreads == 0;
    requires TASKS_COVERED(p);
    requires pc->nprocs >= 1;
    requires in_table(procs, n, k, p) && table_apart(procs, n, p->p_uidinfo);
    requires table_without(procs, n, k, procs2);
    requires \forall integer i; 0 <= i < n ==> \base_addr(procs[i]) != \base_addr(pc);
    requires \base_addr(lc) != \base_addr(pc) && \base_addr(lc) != \base_addr(p->p_uidinfo);
    assigns p->p_uidinfo->ui_proccnt, pc->nprocs;
    ensures PROCCOUNT_OK(pc) && UIDINFO_OK(p->p_uidinfo);
    ensures pc->nprocs == \old(pc->nprocs) - 1;
    ensures p->p_uidinfo->ui_proccnt == \old(p->p_uidinfo->ui_proccnt) - 1;
    ensures nprocs_census{Pre}(pc, n) ==> nprocs_census(pc, n - 1);
    ensures \forall struct uidinfo *u; \base_addr(u) != \base_addr(p) &&
              \base_addr(u) != \base_addr(pc) && uid_apart(u, p->p_uidinfo) ==>
              tasks_surplus(procs2, n - 1, u) == tasks_surplus{Pre}(procs, n, u);
    // p, with no LWP, held no LWP slot.
    ensures lwps_kept: lwps_counted(procs2, n - 1) == lwps_counted{Pre}(procs, n);
    ensures lwp_count_kept: lc->nprocs == \old(lc->nprocs);
    // Every object's holders are those of procs less p's own reference: none
    // of the shared kinds once proc_drop_refs has run.
    ensures \forall integer kind, struct refcount *r;
              holders(procs2, n - 1, kind, r) ==
                holders{Pre}(procs, n, kind, r) - (proc_ref{Pre}(p, kind) == r ? 1 : 0);
 */
void proc_uncharge(struct proccount* pc, struct proc_core* p)
    /*@ ghost (struct proc_core** procs, int n, int k, struct proc_core** procs2,
               struct proccount* lc) */
    ;

#ifdef __cplusplus
}
#endif

#endif
