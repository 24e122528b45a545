/*
 * ACSL for the references a zombie gives back at its reap
 * (kernel/verified/refs.h), in macro form for its contracts.
 */
#ifndef TINE_SPEC_REFS_H
#define TINE_SPEC_REFS_H

#include "spec/census.h"
#include "spec/refcount.h"

/* The objects processes share whose references proc_drop_refs gives back
 * (kernel/verified/refs.h): the kinds from VC_REF_SIGACTS to VC_REF_ARGS. */
#define VC_REF_SHARED(kind) (VC_REF_SIGACTS <= (kind) && (kind) <= VC_REF_ARGS)

/* p's shared objects are valid and alive; the descriptor table's leader
 * record, the group and the arguments may be null. */
#define PROC_SHARED_LIVE(p) \
  (\valid((p)->p_sigacts) && REFCOUNT_LIVE(&(p)->p_sigacts->ps_ref) && \
   \valid((p)->p_fd) && REFCOUNT_LIVE(&(p)->p_fd->fd_ref) && \
   ((p)->p_fdtol != \null ==> \valid((p)->p_fdtol) && REFCOUNT_LIVE(&(p)->p_fdtol->fdl_ref)) && \
   \valid((p)->p_vmspace) && REFCOUNT_LIVE(&(p)->p_vmspace->vm_ref) && \
   \valid((p)->p_limit) && REFCOUNT_LIVE(&(p)->p_limit->pl_ref) && \
   ((p)->p_pgrp != \null ==> \valid((p)->p_pgrp) && REFCOUNT_LIVE(&(p)->p_pgrp->pg_ref)) && \
   ((p)->p_args != \null ==> \valid((p)->p_args) && REFCOUNT_LIVE(&(p)->p_args->ar_ref)))

/* p and its shared objects are allocations apart from each other (a null
 * one has no allocation). */
#define PROC_SHARED_DISTINCT(p) \
  (proc_shared_apart_from(p, \base_addr(p)) && \
   \base_addr((p)->p_sigacts) != \base_addr((p)->p_fd) && \
   \base_addr((p)->p_sigacts) != \base_addr((p)->p_fdtol) && \
   \base_addr((p)->p_sigacts) != \base_addr((p)->p_vmspace) && \
   \base_addr((p)->p_sigacts) != \base_addr((p)->p_limit) && \
   \base_addr((p)->p_sigacts) != \base_addr((p)->p_pgrp) && \
   \base_addr((p)->p_sigacts) != \base_addr((p)->p_args) && \
   \base_addr((p)->p_fd) != \base_addr((p)->p_fdtol) && \
   \base_addr((p)->p_fd) != \base_addr((p)->p_vmspace) && \
   \base_addr((p)->p_fd) != \base_addr((p)->p_limit) && \
   \base_addr((p)->p_fd) != \base_addr((p)->p_pgrp) && \
   \base_addr((p)->p_fd) != \base_addr((p)->p_args) && \
   ((p)->p_fdtol != \null ==> \
      \base_addr((p)->p_fdtol) != \base_addr((p)->p_vmspace) && \
      \base_addr((p)->p_fdtol) != \base_addr((p)->p_limit) && \
      \base_addr((p)->p_fdtol) != \base_addr((p)->p_pgrp) && \
      \base_addr((p)->p_fdtol) != \base_addr((p)->p_args)) && \
   \base_addr((p)->p_vmspace) != \base_addr((p)->p_limit) && \
   \base_addr((p)->p_vmspace) != \base_addr((p)->p_pgrp) && \
   \base_addr((p)->p_vmspace) != \base_addr((p)->p_args) && \
   \base_addr((p)->p_limit) != \base_addr((p)->p_pgrp) && \
   \base_addr((p)->p_limit) != \base_addr((p)->p_args) && \
   ((p)->p_pgrp != \null ==> \base_addr((p)->p_pgrp) != \base_addr((p)->p_args)))

/* What proc_drop_refs needs and does, apart from the table: its contract
 * and that of its one step (refs.c) say it through these. */
#define PROC_DROP_REFS_REQUIRES(p, last) \
  requires \valid(p) && \valid(last) && PROC_SHARED_LIVE(p); \
  requires PROC_SHARED_DISTINCT(p) && proc_shared_apart(p, \base_addr(last));

#define PROC_DROP_REFS_EFFECTS(p, last) \
  assigns p->p_sigacts, p->p_fd, p->p_fdtol, p->p_vmspace, p->p_limit, p->p_pgrp, p->p_args, \
          p->p_sigacts->ps_ref.rc_count, p->p_fd->fd_ref.rc_count, \
          p->p_fdtol->fdl_ref.rc_count, p->p_vmspace->vm_ref.rc_count, \
          p->p_limit->pl_ref.rc_count, p->p_pgrp->pg_ref.rc_count, p->p_args->ar_ref.rc_count, \
          *last; \
  ensures p->p_sigacts == \null && p->p_fd == \null && p->p_fdtol == \null && \
          p->p_vmspace == \null && p->p_limit == \null && p->p_pgrp == \null && \
          p->p_args == \null; \
  ensures \old(p->p_sigacts)->ps_ref.rc_count == \old(p->p_sigacts->ps_ref.rc_count) - 1; \
  ensures last->sigacts == (\old(p->p_sigacts->ps_ref.rc_count) == 1 ? 1 : 0); \
  ensures \old(p->p_fd)->fd_ref.rc_count == \old(p->p_fd->fd_ref.rc_count) - 1; \
  ensures last->fd == (\old(p->p_fd->fd_ref.rc_count) == 1 ? 1 : 0); \
  ensures \old(p->p_fdtol) != \null ==> \
            \old(p->p_fdtol)->fdl_ref.rc_count == \old(p->p_fdtol->fdl_ref.rc_count) - 1; \
  ensures last->fdtol == \
            (\old(p->p_fdtol) != \null && \old(p->p_fdtol->fdl_ref.rc_count) == 1 ? 1 : 0); \
  ensures \old(p->p_vmspace)->vm_ref.rc_count == \old(p->p_vmspace->vm_ref.rc_count) - 1; \
  ensures last->vmspace == (\old(p->p_vmspace->vm_ref.rc_count) == 1 ? 1 : 0); \
  ensures limit_dropped: \old(p->p_limit)->pl_ref.rc_count == \old(p->p_limit->pl_ref.rc_count) - 1; \
  ensures last->limit == (\old(p->p_limit->pl_ref.rc_count) == 1 ? 1 : 0); \
  ensures \old(p->p_pgrp) != \null ==> \
            \old(p->p_pgrp)->pg_ref.rc_count == \old(p->p_pgrp->pg_ref.rc_count) - 1; \
  ensures last->pgrp == \
            (\old(p->p_pgrp) != \null && \old(p->p_pgrp->pg_ref.rc_count) == 1 ? 1 : 0); \
  ensures \old(p->p_args) != \null ==> \
            \old(p->p_args)->ar_ref.rc_count == \old(p->p_args->ar_ref.rc_count) - 1; \
  ensures last->args == \
            (\old(p->p_args) != \null && \old(p->p_args->ar_ref.rc_count) == 1 ? 1 : 0);

/* The census clause for one kind: every count of that kind that is p's
 * own, or apart from p's objects and from *last, is as far from its holders
 * in the table after as before. */
#define HOLDERS_KEPT(procs, n, p, last, kind) \
  (\forall struct refcount *r; \
     r != \null && \base_addr(r) != \base_addr(last) && \
     (r == proc_ref{Pre}(p, kind) || proc_shared_apart{Pre}(p, \base_addr(r))) ==> \
       holders_surplus(procs, n, kind, r) == holders_surplus{Pre}(procs, n, kind, r))

/* The census clause of a replace (exec, rfork without RFPROC), for the kind
 * it replaces: every count of that kind keeps its surplus over its holders
 * in the table, but nw's, whose one reference from outside the table (the
 * one it came with) is now p's, in it: one less. The count p gave back goes
 * down with its holders. */
#define HOLDERS_MOVED(procs, n, kind, nw) \
  (\forall struct refcount *r; r != \null ==> \
     holders_surplus(procs, n, kind, r) == \
       holders_surplus{Pre}(procs, n, kind, r) - (r == (nw) ? 1 : 0))

/* The census clause of a hand-over, for one kind: the reference `in` had
 * outside the table is p's now, in it, and p's reference to `out` is the
 * caller's now, outside it (the caller gives it back); every other count of
 * the kind keeps its surplus over its holders. `in` may be null: no
 * reference came in from outside. */
#define HOLDERS_HANDED(procs, n, kind, in, out) \
  (\forall struct refcount *r; r != \null ==> \
     holders_surplus(procs, n, kind, r) == holders_surplus{Pre}(procs, n, kind, r) - \
       (r == (in) ? 1 : 0) + (r == (out) ? 1 : 0))

/* What a replace leaves alone: the holders of every count by references of
 * the other kinds. */
#define HOLDERS_OTHER_KINDS_KEPT(procs, n, kind) \
  (\forall integer other, struct refcount *r; r != \null && other != (kind) ==> \
     holders(procs, n, other, r) == holders{Pre}(procs, n, other, r))

/* The invariant of the ghost loop that proves both: over procs[0 .. i-1],
 * only procs[k] changed what it holds, by its reference of that kind, from
 * `from` to `to`. */
#define HOLDERS_SWAPPED(procs, i, k, kind, from, to) \
  (\forall integer any, struct refcount *r; r != \null ==> \
     holders(procs, i, any, r) == holders{Pre}(procs, i, any, r) - \
       (any == (kind) && (k) < (i) && r == (from) ? 1 : 0) + \
       (any == (kind) && (k) < (i) && r == (to) ? 1 : 0))

/* rfork without RFPROC's census clause, for a kind it may replace: every
 * count of that kind keeps its surplus over its holders in the table, but
 * the new one p holds, if it has one, whose count is its holders: its one
 * reference, made with it, is p's now, and no process of the table held it
 * (the allocation's promise, fork_hooks.h). Counts in the allocation at b,
 * the other kind's replaced object, are the other clause's. */
#define HOLDERS_KEPT_OR_NEW(procs, n, p, kind, b) \
  (\forall struct refcount *r; r != \null && \base_addr(r) != (b) ==> \
     (r == proc_ref(p, kind) && r != proc_ref{Pre}(p, kind) ? \
        holders_surplus(procs, n, kind, r) == 0 : \
        holders_surplus(procs, n, kind, r) == holders_surplus{Pre}(procs, n, kind, r)))

#endif
