/*
 * ACSL logic for "each count equals its holders" (kernel/verified/census.h).
 *
 * The holders of a counted object, among a table of processes, are the
 * processes whose pointer of the given kind designates it. A count is right
 * when it equals those holders plus the holders outside the table (threads'
 * credentials, a ucred's reference to its uidinfo, and so on), which the
 * caller of the checker supplies.
 */
#ifndef TINE_SPEC_CENSUS_H
#define TINE_SPEC_CENSUS_H

#include "kernel/verified/vc_types.h"

/* Kinds of reference a process holds (struct proc_core's pointers). */
#define VC_REF_UCRED 0
#define VC_REF_UIDINFO 1
#define VC_REF_SIGACTS 2
#define VC_REF_FD 3
#define VC_REF_FDTOL 4
#define VC_REF_VMSPACE 5
#define VC_REF_LIMIT 6
#define VC_REF_PGRP 7
#define VC_REF_ARGS 8
#define VC_REF_KINDS 9

/*@
  // The count that p's reference of the given kind designates, or null when
  // p holds no such reference.
  logic struct refcount *proc_ref{L}(struct proc_core *p, integer kind) =
    kind == VC_REF_UCRED ?
      (p->p_ucred == \null ? (struct refcount *)\null : &p->p_ucred->cr_ref) :
    kind == VC_REF_UIDINFO ?
      (p->p_uidinfo == \null ? (struct refcount *)\null : &p->p_uidinfo->ui_ref) :
    kind == VC_REF_SIGACTS ?
      (p->p_sigacts == \null ? (struct refcount *)\null : &p->p_sigacts->ps_ref) :
    kind == VC_REF_FD ?
      (p->p_fd == \null ? (struct refcount *)\null : &p->p_fd->fd_ref) :
    kind == VC_REF_FDTOL ?
      (p->p_fdtol == \null ? (struct refcount *)\null : &p->p_fdtol->fdl_ref) :
    kind == VC_REF_VMSPACE ?
      (p->p_vmspace == \null ? (struct refcount *)\null : &p->p_vmspace->vm_ref) :
    kind == VC_REF_LIMIT ?
      (p->p_limit == \null ? (struct refcount *)\null : &p->p_limit->pl_ref) :
    kind == VC_REF_PGRP ?
      (p->p_pgrp == \null ? (struct refcount *)\null : &p->p_pgrp->pg_ref) :
    kind == VC_REF_ARGS ?
      (p->p_args == \null ? (struct refcount *)\null : &p->p_args->ar_ref) :
    (struct refcount *)\null;

  // p's references at label B are those it had at label A: the pointer
  // fields proc_ref reads are as they were.
  predicate proc_refs_kept{A, B}(struct proc_core *p) =
    \at(p->p_ucred, B) == \at(p->p_ucred, A) &&
    \at(p->p_uidinfo, B) == \at(p->p_uidinfo, A) &&
    \at(p->p_sigacts, B) == \at(p->p_sigacts, A) &&
    \at(p->p_fd, B) == \at(p->p_fd, A) &&
    \at(p->p_fdtol, B) == \at(p->p_fdtol, A) &&
    \at(p->p_vmspace, B) == \at(p->p_vmspace, A) &&
    \at(p->p_limit, B) == \at(p->p_limit, A) &&
    \at(p->p_pgrp, B) == \at(p->p_pgrp, A) &&
    \at(p->p_args, B) == \at(p->p_args, A);

  // How many of procs[0 .. n-1] hold r by a reference of the given kind.
  logic integer holders{L}(struct proc_core **procs, integer n, integer kind,
                           struct refcount *r) =
    n <= 0 ? 0
           : holders(procs, n - 1, kind, r) +
             (proc_ref(procs[n - 1], kind) == r ? 1 : 0);

  // A table of n processes, each readable.
  predicate proc_table_ok{L}(struct proc_core **procs, integer n) =
    0 <= n && \valid_read(procs + (0 .. n - 1)) &&
    \forall integer i; 0 <= i < n ==> \valid_read(procs[i]);

  // "Each count equals its holders": r's count is its holders in the table
  // plus `outside` holders elsewhere.
  predicate count_matches{L}(struct proc_core **procs, integer n, integer kind,
                             struct refcount *r, integer outside) =
    r->rc_count == holders(procs, n, kind, r) + outside;

  // r's count less its holders in the table: the holders outside it.
  // count_matches is that this is `outside`.
  logic integer holders_surplus{L}(struct proc_core **procs, integer n, integer kind,
                                   struct refcount *r) =
    r->rc_count - holders(procs, n, kind, r);

  // b is the base of no shared object of p (a null object has none).
  predicate proc_shared_apart_from{L}(struct proc_core *p, char *b) =
    b != \base_addr(p->p_sigacts) && b != \base_addr(p->p_fd) &&
    b != \base_addr(p->p_fdtol) && b != \base_addr(p->p_vmspace) &&
    b != \base_addr(p->p_limit) && b != \base_addr(p->p_pgrp) && b != \base_addr(p->p_args);

  // The allocation whose base is b is neither p nor one of p's shared
  // objects.
  predicate proc_shared_apart{L}(struct proc_core *p, char *b) =
    b != \base_addr(p) && proc_shared_apart_from(p, b);
*/

/* A reference outside every table is taken (d = 1) or given back (d = -1,
 * or 0 when nothing was given back): the C++ holds credentials for a thread
 * and a uidinfo for a ucred, and gives back what a process handed over or a
 * reaped process held, which is no longer in the table. For every table, r0's
 * count has d holders outside it more, and every other count of every kind
 * keeps its surplus. Check clauses: proved of the function, and not
 * hypotheses at a verified caller's call, whose goals need only the counts. */
#define OUTSIDE_HOLDERS_MOVED(r0, d) \
  check ensures \forall struct proc_core **procs, integer n, integer kind; \
    holders_surplus(procs, n, kind, r0) == holders_surplus{Pre}(procs, n, kind, r0) + (d); \
  check ensures \forall struct proc_core **procs, integer n, integer kind, struct refcount *r; \
    r != (r0) ==> holders_surplus(procs, n, kind, r) == holders_surplus{Pre}(procs, n, kind, r);

#endif
