/*
 * ACSL logic for the tasks charged to each uid (kernel/verified/charge.h):
 * a global invariant over a table of processes.
 *
 * A process is charged to the uidinfo of its real uid (p_uidinfo) for one
 * task per LWP, and for one while it has none (a zombie until it is reaped):
 * RLIMIT_NPROC counts threads, as Linux does. The census is that each uid's
 * count is exactly the tasks of the processes charged to it. The table is the
 * proof's: the kernel keeps its processes on lists, and the proved functions
 * take the table as ghost arguments, so what they promise holds for every
 * table of processes in which the process they change appears once.
 *
 * The tables are arrays of pointers, and the functions write only ints and
 * the pointers of a process or the child storage, so the predicates below
 * keep the arrays apart only from those; that ints and pointers are apart is
 * WP's Typed memory model (the default, which tools/prove.py uses).
 */
#ifndef TINE_SPEC_CHARGE_H
#define TINE_SPEC_CHARGE_H

#include "kernel/verified/vc_types.h"
#include "spec/census.h"
#include "spec/fork.h"
#include "spec/proccount.h"
#include "spec/refs.h"
#include "spec/uidinfo.h"

/*@
  // The tasks p is charged for: its LWPs, and one while it has none.
  logic integer proc_tasks{L}(struct proc_core *p) =
    p->p_tids.p_nthreads > 1 ? p->p_tids.p_nthreads : 1;

  // The tasks procs[0 .. n-1] charge to u.
  logic integer tasks_charged{L}(struct proc_core **procs, integer n, struct uidinfo *u) =
    n <= 0 ? 0
           : tasks_charged(procs, n - 1, u) +
             (procs[n - 1]->p_uidinfo == u ? proc_tasks(procs[n - 1]) : 0);

  // u's count less what the table charges to it. The census is that this is
  // 0 for every uid; the functions in charge.h keep it as it was, whatever
  // it was, for every uid.
  logic integer tasks_surplus{L}(struct proc_core **procs, integer n, struct uidinfo *u) =
    u->ui_proccnt - tasks_charged(procs, n, u);

  // "Each uid's count is the tasks of the processes charged to it."
  predicate tasks_census{L}(struct proc_core **procs, integer n, struct uidinfo *u) =
    tasks_surplus(procs, n, u) == 0;

  // The LWPs p has beyond its first, each one slot of the system's LWP count
  // (g_lwpcount): a process's first LWP takes a process slot instead.
  logic integer proc_extra_lwps{L}(struct proc_core *p) =
    p->p_tids.p_nthreads > 1 ? p->p_tids.p_nthreads - 1 : 0;

  // The LWP slots procs[0 .. n-1] hold.
  logic integer lwps_counted{L}(struct proc_core **procs, integer n) =
    n <= 0 ? 0 : lwps_counted(procs, n - 1) + proc_extra_lwps(procs[n - 1]);

  // The LWP count less what the table holds. The census is that this is 0
  // (nprocs_census(lc, lwps_counted(procs, n))); the functions in charge.h
  // and refs.h, fork1_census and rfork_unshare keep it as it was.
  logic integer lwps_surplus{L}(struct proccount *lc, struct proc_core **procs, integer n) =
    lc->nprocs - lwps_counted(procs, n);

  // Distinct objects are separate allocations (docs/verification.md): u is
  // v itself or an allocation apart from it.
  predicate uid_apart(struct uidinfo *u, struct uidinfo *v) =
    u == v || \base_addr(u) != \base_addr(v);

  // p is procs[k] and no other entry; the table, its processes and the
  // uidinfo p is charged to are allocations apart from each other.
  predicate in_table{L}(struct proc_core **procs, integer n, integer k, struct proc_core *p) =
    proc_table_ok(procs, n) && 0 <= k < n && procs[k] == p &&
    \base_addr(procs) != \base_addr(p) &&
    (\forall integer i; 0 <= i < n ==> \base_addr(procs[i]) != \base_addr(procs)) &&
    (\forall integer i; 0 <= i < n && i != k ==> \base_addr(procs[i]) != \base_addr(p));

  // No process of the table shares an allocation with the uidinfo u.
  predicate table_apart{L}(struct proc_core **procs, integer n, struct uidinfo *u) =
    \base_addr(procs) != \base_addr(u) &&
    \forall integer i; 0 <= i < n ==> \base_addr(procs[i]) != \base_addr(u);

  // procs2[0 .. n-2] is procs[0 .. n-1] without procs[k]: the last entry
  // takes its place.
  predicate table_without{L}(struct proc_core **procs, integer n, integer k,
                             struct proc_core **procs2) =
    proc_table_ok(procs2, n - 1) &&
    (\forall integer i; 0 <= i < n - 1 && i != k ==> procs2[i] == procs[i]) &&
    (k < n - 1 ==> procs2[k] == procs[n - 1]);

  // procs[0 .. n-1] is a table apart from p, and procs2[0 .. n] is the same
  // table with p last: p joins it.
  predicate join_tables{L}(struct proc_core **procs, integer n, struct proc_core **procs2,
                           struct proc_core *p) =
    proc_table_ok(procs, n) && proc_table_ok(procs2, n + 1) &&
    \base_addr(procs) != \base_addr(p) && \base_addr(procs2) != \base_addr(p) &&
    (\forall integer i; 0 <= i < n ==>
       procs2[i] == procs[i] && \base_addr(procs[i]) != \base_addr(p)) &&
    procs2[n] == p;

  // The objects fork1 writes a count or a field of, other than the parent
  // (whose hold count it raises) and the uidinfo it charges: no entry of the
  // table, and no uidinfo the census clause speaks of, shares an allocation
  // with one of them (b is the allocation's base address; the leader record
  // and the arguments may be null, whose base no object has).
  predicate fork_writes_apart{L}(struct fork_args *fa, char *b) =
    b != \base_addr(fa->fa_p2) && b != \base_addr(fa->fa_pc) && b != \base_addr(fa->fa_cred) &&
    b != \base_addr(fa->fa_p1->p_sigacts) && b != \base_addr(fa->fa_p1->p_fd) &&
    b != \base_addr(fa->fa_p1->p_fdtol) && b != \base_addr(fa->fa_p1->p_vmspace) &&
    b != \base_addr(fa->fa_p1->p_limit) && b != \base_addr(fa->fa_p1->p_pgrp) &&
    b != \base_addr(fa->fa_p1->p_args);

  // procs[0 .. n-1] is a table apart from what fork1 writes (it may hold the
  // parent), and procs2[0 .. n] is the same table with the child last.
  predicate fork_tables{L}(struct proc_core **procs, integer n, struct proc_core **procs2,
                           struct fork_args *fa) =
    proc_table_ok(procs, n) && proc_table_ok(procs2, n + 1) &&
    \base_addr(procs) != \base_addr(fa->fa_p2) && \base_addr(procs2) != \base_addr(fa->fa_p2) &&
    (\forall integer i; 0 <= i < n ==>
       procs2[i] == procs[i] && fork_writes_apart(fa, \base_addr(procs[i])) &&
       (procs[i] == fa->fa_p1 || \base_addr(procs[i]) != \base_addr(fa->fa_p1)) &&
       \base_addr(procs[i]) != \base_addr(fa->fa_cred->cr_ruidinfo)) &&
    procs2[n] == fa->fa_p2;

  // A count apart from everything fork1 writes, the parent and the uidinfo
  // it charges.
  predicate fork_ref_apart{L}(struct fork_args *fa, struct refcount *r) =
    fork_writes_apart(fa, \base_addr(r)) && \base_addr(r) != \base_addr(fa->fa_p1) &&
    \base_addr(r) != \base_addr(fa->fa_cred->cr_ruidinfo);

  // A count of the given kind fork1 raises for the child when it shares it:
  // the parent's own of a kind processes share, the forking thread's
  // credentials, the uidinfo it charges.
  predicate fork_counted_ref{L}(struct fork_args *fa, integer kind, struct refcount *r) =
    (VC_REF_SHARED(kind) && r == proc_ref(fa->fa_p1, kind)) ||
    (kind == VC_REF_UCRED && r == &fa->fa_cred->cr_ref) ||
    (kind == VC_REF_UIDINFO && r == &fa->fa_cred->cr_ruidinfo->ui_ref);

  // r is the child's object of that kind, and new: made for it, not the
  // parent's (signal actions, descriptor table, leader record, space).
  predicate fork_made_ref{L}(struct fork_args *fa, integer kind, struct refcount *r) =
    (kind == VC_REF_SIGACTS || kind == VC_REF_FD || kind == VC_REF_FDTOL ||
     kind == VC_REF_VMSPACE) &&
    r == proc_ref(fa->fa_p2, kind) && r != proc_ref(fa->fa_p1, kind);

  // No process of the table but the child holds an object made for the
  // child: what fork_publish promises (fork_hooks.h) when the child becomes
  // visible, the allocations' freshness. The kernel checks it there. It
  // says nothing of a table, or of entries, in the child's storage.
  predicate fork_made_unheld{L}(struct proc_core **procs, integer n, struct fork_args *fa) =
    \base_addr(procs) != \base_addr(fa->fa_p2) ==>
    \forall integer i, kind;
      0 <= i < n && \base_addr(procs[i]) != \base_addr(fa->fa_p2) &&
      proc_ref(fa->fa_p2, kind) != \null &&
      fork_made_ref(fa, kind, proc_ref(fa->fa_p2, kind)) ==>
        proc_ref(procs[i], kind) != proc_ref(fa->fa_p2, kind);

  // A uidinfo the fork census clause speaks of: the one fork1 charges, or one
  // apart from it, from the parent and from everything fork1 writes.
  predicate fork_uid_apart{L}(struct fork_args *fa, struct uidinfo *u) =
    uid_apart(u, fa->fa_cred->cr_ruidinfo) && \base_addr(u) != \base_addr(fa->fa_p1) &&
    fork_writes_apart(fa, \base_addr(u));
*/

/* Macro forms, for contracts. */

/* p's uid count covers p's own tasks (the census implies it). */
#define TASKS_COVERED(p) ((p)->p_uidinfo->ui_proccnt >= proc_tasks(p))

/* The LWP count lc covers p's LWPs beyond its first (the census implies it). */
#define LWPS_COVERED(lc, p) ((lc)->nprocs >= proc_extra_lwps(p))

/* The LWP count lc and the table are allocations apart from p, from the
 * uidinfo p is charged to and from each other. */
#define LWPS_APART(lc, procs, n, p)                                                  \
  (\base_addr(lc) != \base_addr(p) && \base_addr(lc) != \base_addr((p)->p_uidinfo) && \
   \base_addr(lc) != \base_addr(procs) &&                                            \
   (\forall integer i; 0 <= i < n ==> \base_addr(procs[i]) != \base_addr(lc)))

/* o, an object whose count a function writes, is an allocation apart from
 * the LWP count lc and from every process of the table, whose LWPs the
 * LWP census reads; lc is valid, so apart from a null o too. */
#define LWPS_APART_FROM(lc, procs, n, o)                             \
  (\valid_read(lc) && \base_addr(lc) != \base_addr(o) &&             \
   (\forall integer i; 0 <= i < n ==> \base_addr(procs[i]) != \base_addr(o)))

/* The LWP census's two parts, kept by a function that writes neither: what
 * the table holds of the LWP count, and the count. */
#define LWPS_CENSUS_KEPT(lc, procs, n)                                          \
  ensures lwps_kept: lwps_counted(procs, n) == lwps_counted{Pre}(procs, n); \
  ensures lwp_count_kept: (lc)->nprocs == \old((lc)->nprocs);

/* fork1's holders clauses for one kind, each its own goal. On success every
 * count the clauses speak of keeps its surplus over the table, the child
 * joining it, but the child's new object, whose count is its holders: its
 * one reference, made with it, is the child's, and no process of the table
 * held it (fork_made_unheld, which fork_publish promises): the child's own,
 * then those fork1 counts that the child does not hold (the parent's it
 * does not share), then those apart from what fork1 writes. On failure
 * every one of the last two kinds keeps its surplus over the table as it
 * was (the child holds none). The second clause is empty for the
 * credentials, the uidinfo, the limits, the group and the arguments, which
 * the child always holds (the last three the parent's). They are
 * check clauses: proved of the function, and not hypotheses at its call,
 * where they would only lengthen the goals of the uid census. */
#define FORK_HOLDERS_JOINED(procs, n, procs2, fa, kind) \
  check ensures \forall struct refcount *r; \
    \result == VC_OK && r != \null && r == proc_ref((fa)->fa_p2, kind) ==> \
      (fork_made_ref(fa, kind, r) ? \
         holders_surplus(procs2, n + 1, kind, r) == 0 : \
         holders_surplus(procs2, n + 1, kind, r) == holders_surplus{Pre}(procs, n, kind, r)); \
  check ensures \forall struct refcount *r; \
    \result == VC_OK && r != \null && r != proc_ref((fa)->fa_p2, kind) && \
    fork_counted_ref(fa, kind, r) ==> \
      holders_surplus(procs2, n + 1, kind, r) == holders_surplus{Pre}(procs, n, kind, r); \
  check ensures \forall struct refcount *r; \
    \result == VC_OK && r != \null && r != proc_ref((fa)->fa_p2, kind) && \
    fork_ref_apart(fa, r) ==> \
      holders_surplus(procs2, n + 1, kind, r) == holders_surplus{Pre}(procs, n, kind, r);

#define FORK_HOLDERS_UNJOINED(procs, n, fa, kind) \
  check ensures \forall struct refcount *r; \
    \result != VC_OK && r != \null && fork_counted_ref(fa, kind, r) ==> \
      holders_surplus(procs, n, kind, r) == holders_surplus{Pre}(procs, n, kind, r); \
  check ensures \forall struct refcount *r; \
    \result != VC_OK && r != \null && fork_ref_apart(fa, r) ==> \
      holders_surplus(procs, n, kind, r) == holders_surplus{Pre}(procs, n, kind, r);

/* Every uid's surplus over the table at label A is the same at label B: the
 * census is kept where it held. Considered: every uidinfo apart from the
 * process p and from u1 and u2, the uidinfos the function writes. */
#define TASKS_KEPT(A, B, procs, n, p, u1, u2)                                         \
  (\forall struct uidinfo * u; \base_addr(u) != \base_addr(p) && uid_apart(u, u1) && \
                               uid_apart(u, u2) ==>                                    \
     tasks_surplus{B}(procs, n, u) == tasks_surplus{A}(procs, n, u))

#endif
