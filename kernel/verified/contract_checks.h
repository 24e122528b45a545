// The verified core's contracts checked at run time, in the debug kernel
// (TINE_DEBUG) only: at the C++ call sites of the proved C functions, the
// clauses of their `requires` that can be evaluated; where the assumed C++
// steps of fork (fork_hooks.h) return, their `ensures` (and the `requires` of
// the steps that have some); and, in the assumed C++ the proved code calls,
// the TID set's `ensures` and the count update's `requires`. One function per
// contract, named after the function (NAME_requires, NAME_ensures), quoting
// the clauses it checks. A clause that does not hold panics, naming the
// function, the clause, the value found and the call site. The release kernel
// compiles every one to nothing.
//
// Not evaluated: \valid, beyond a non-null pointer whose count carries the
// magic refcount_init sets (not freed memory, not another kind of memory),
// and distinct base addresses beyond comparing the objects' addresses (each
// counted C struct is the first member of its own C++ allocation, so its
// address is the allocation's). The ghost state of spec/fork.h
// (vc_fork_made, vc_pgrp_held), which only the proof has, is kept at run
// time for the fork in progress on a thread in a ForkBooks (below).
//
// Other CPUs may move a count meanwhile: each count is read once (a relaxed
// atomic load), and every clause checked is one the caller's own references
// keep true however the others move it (a holder's count stays >= 1).
#pragma once

#include "kernel/panic.h"
#include "kernel/verified/census.h"
#include "kernel/verified/charge.h"
#include "kernel/verified/fork.h"
#include "kernel/verified/refcount_magic.h"
#include "kernel/verified/refs.h"
#include "kernel/verified/tidset.h"

namespace vc_contract {

#ifdef TINE_DEBUG
inline constexpr bool kChecked = true;
#else
inline constexpr bool kChecked = false;
#endif

// Where a check was called from: the default arguments `file` and `line` of
// the functions below are evaluated at their call sites.
#define VC_SITE const char *file = __builtin_FILE(), int line = __builtin_LINE()

[[noreturn]] inline void failed(const char* fn, const char* clause, const void* at, long found,
                                const char* file, int line) {
  panic("contract: %s: %s does not hold (%p: %ld), %s:%d", fn, clause, at, found, file, line);
}

inline int count(const struct refcount* r) {
  return __atomic_load_n(&r->rc_count, __ATOMIC_RELAXED);
}

inline void nonnull(const char* fn, const char* clause, const void* p, const char* file, int line) {
  if (p == nullptr) failed(fn, clause, p, 0, file, line);
}

// Objects that must be distinct allocations: no two of the n addresses at
// `at` are the same (null ones, absent objects, aside). The closest run-time
// reading of distinct \base_addr: see above.
inline void all_distinct(const char* fn, const char* clause, const void* const* at, int n,
                         const char* file, int line) {
  for (int i = 0; i < n; ++i)
    for (int j = i + 1; j < n; ++j)
      if (at[i] != nullptr && at[i] == at[j]) failed(fn, clause, at[i], j, file, line);
}

// The count at r is within [lo, hi] (the clause). In the debug kernel the
// count must first be a counted object's: its magic set by refcount_init, not
// freed memory or something else (the closest run-time reading of \valid).
inline void count_in(const char* fn, const char* clause, const struct refcount* r, int lo, int hi,
                     const char* file, int line) {
#ifdef TINE_DEBUG
  RefcountMagic m = refcount_magic(r);
  if (m != RefcountMagic::kOk)
    panic("contract: %s: \\valid: %s at %p (count %d), %s:%d", fn, refcount_magic_name(m),
          static_cast<const void*>(r), count(r), file, line);
#endif
  int c = count(r);
  if (c < lo || c > hi) failed(fn, clause, r, c, file, line);
}

// The counted part of each object kind.
inline const struct refcount* ref_of(const struct ucred* o) { return &o->cr_ref; }
inline const struct refcount* ref_of(const struct uidinfo* o) { return &o->ui_ref; }
inline const struct refcount* ref_of(const struct sigacts* o) { return &o->ps_ref; }
inline const struct refcount* ref_of(const struct filedesc* o) { return &o->fd_ref; }
inline const struct refcount* ref_of(const struct fdtol* o) { return &o->fdl_ref; }
inline const struct refcount* ref_of(const struct vmspace* o) { return &o->vm_ref; }
inline const struct refcount* ref_of(const struct plimit* o) { return &o->pl_ref; }
inline const struct refcount* ref_of(const struct pgrp* o) { return &o->pg_ref; }
inline const struct refcount* ref_of(const struct pargs* o) { return &o->ar_ref; }

// "\valid(o) && REFCOUNT_HOLDABLE(&o->ref)": 1 <= count < REFCOUNT_MAX.
template <typename T>
inline void holdable(const char* fn, const T* o, const char* file, int line) {
  nonnull(fn, "\\valid", o, file, line);
  count_in(fn, "REFCOUNT_HOLDABLE: 1 <= rc_count < REFCOUNT_MAX", ref_of(o), 1, REFCOUNT_MAX - 1,
           file, line);
}

// "\valid(o) && REFCOUNT_LIVE(&o->ref)": 1 <= count <= REFCOUNT_MAX.
template <typename T>
inline void live(const char* fn, const T* o, const char* file, int line) {
  nonnull(fn, "\\valid", o, file, line);
  count_in(fn, "REFCOUNT_LIVE: 1 <= rc_count <= REFCOUNT_MAX", ref_of(o), 1, REFCOUNT_MAX, file,
           line);
}

// ---- objects.h: a hold needs a live object with room, a drop a holder -------

// clang-format off
inline void crhold_requires(const struct ucred* cr, VC_SITE) { if (kChecked) holdable("crhold", cr, file, line); }
inline void crfree_requires(const struct ucred* cr, VC_SITE) { if (kChecked) live("crfree", cr, file, line); }
inline void crfree_unless_last_requires(const struct ucred* cr, VC_SITE) { if (kChecked) live("crfree_unless_last", cr, file, line); }
inline void uihold_requires(const struct uidinfo* uip, VC_SITE) { if (kChecked) holdable("uihold", uip, file, line); }
inline void uidrop_requires(const struct uidinfo* uip, VC_SITE) { if (kChecked) live("uidrop", uip, file, line); }
inline void uidrop_unless_last_requires(const struct uidinfo* uip, VC_SITE) { if (kChecked) live("uidrop_unless_last", uip, file, line); }
inline void sigacts_drop_requires(const struct sigacts* ps, VC_SITE) { if (kChecked) live("sigacts_drop", ps, file, line); }
inline void fdshare_requires(const struct filedesc* fdp, VC_SITE) { if (kChecked) holdable("fdshare", fdp, file, line); }
inline void fddrop_requires(const struct filedesc* fdp, VC_SITE) { if (kChecked) live("fddrop", fdp, file, line); }
inline void fdtol_drop_requires(const struct fdtol* tl, VC_SITE) { if (kChecked) live("fdtol_drop", tl, file, line); }
inline void vmspace_drop_requires(const struct vmspace* vm, VC_SITE) { if (kChecked) live("vmspace_drop", vm, file, line); }
inline void plimit_drop_requires(const struct plimit* lim, VC_SITE) { if (kChecked) live("plimit_drop", lim, file, line); }
inline void pgref_requires(const struct pgrp* pg, VC_SITE) { if (kChecked) holdable("pgref", pg, file, line); }
inline void pgrel_requires(const struct pgrp* pg, VC_SITE) { if (kChecked) live("pgrel", pg, file, line); }
inline void pargs_hold_requires(const struct pargs* pa, VC_SITE) { if (kChecked) holdable("pargs_hold", pa, file, line); }
inline void pargs_drop_requires(const struct pargs* pa, VC_SITE) { if (kChecked) live("pargs_drop", pa, file, line); }
// clang-format on

// proc_hold: "\valid(p); 0 <= p->p_lock.rc_count < REFCOUNT_MAX" (PHOLD may start at 0).
inline void proc_hold_requires(const struct proc_core* p, VC_SITE) {
  if (!kChecked) return;
  nonnull("proc_hold", "\\valid(p)", p, file, line);
  count_in("proc_hold", "0 <= p->p_lock.rc_count < REFCOUNT_MAX", &p->p_lock, 0, REFCOUNT_MAX - 1,
           file, line);
}

// proc_rele: "\valid(p) && REFCOUNT_LIVE(&p->p_lock)".
inline void proc_rele_requires(const struct proc_core* p, VC_SITE) {
  if (!kChecked) return;
  nonnull("proc_rele", "\\valid(p)", p, file, line);
  count_in("proc_rele", "REFCOUNT_LIVE(&p->p_lock)", &p->p_lock, 1, REFCOUNT_MAX, file, line);
}

// ---- nprocs.h, uidinfo.h: the slot counts -----------------------------------

// "PROCCOUNT_OK(pc)": 0 <= maxproc, 0 <= nprocs <= maxproc.
inline void proccount_ok(const char* fn, const struct proccount* pc, const char* file, int line) {
  nonnull(fn, "PROCCOUNT_OK(pc): \\valid(pc)", pc, file, line);
  int max = __atomic_load_n(&pc->maxproc, __ATOMIC_RELAXED);
  int n = __atomic_load_n(&pc->nprocs, __ATOMIC_RELAXED);
  if (max < 0) failed(fn, "PROCCOUNT_OK(pc): 0 <= maxproc", pc, max, file, line);
  if (n < 0 || n > max) failed(fn, "PROCCOUNT_OK(pc): 0 <= nprocs <= maxproc", pc, n, file, line);
}

// nprocs_reserve: "requires PROCCOUNT_OK(pc)".
inline void nprocs_reserve_requires(const struct proccount* pc, VC_SITE) {
  if (kChecked) proccount_ok("nprocs_reserve", pc, file, line);
}

// nprocs_release: "requires PROCCOUNT_OK(pc); requires pc->nprocs >= 1".
inline void nprocs_release_requires(const struct proccount* pc, VC_SITE) {
  if (!kChecked) return;
  proccount_ok("nprocs_release", pc, file, line);
  int n = __atomic_load_n(&pc->nprocs, __ATOMIC_RELAXED);
  if (n < 1) failed("nprocs_release", "pc->nprocs >= 1", pc, n, file, line);
}

// chgproccnt: "requires UIDINFO_OK(uip)" (0 <= ui_proccnt, REFCOUNT_LIVE(&uip->ui_ref));
// "requires -VC_INT_MAX <= diff"; "requires diff < 0 ==> uip->ui_proccnt + diff >= 0".
inline void chgproccnt_requires(const struct uidinfo* uip, int diff, VC_SITE) {
  if (!kChecked) return;
  nonnull("chgproccnt", "UIDINFO_OK(uip): \\valid(uip)", uip, file, line);
  int cnt = __atomic_load_n(&uip->ui_proccnt, __ATOMIC_RELAXED);
  if (cnt < 0) failed("chgproccnt", "UIDINFO_OK(uip): 0 <= ui_proccnt", uip, cnt, file, line);
  count_in("chgproccnt", "UIDINFO_OK(uip): REFCOUNT_LIVE(&uip->ui_ref)", &uip->ui_ref, 1,
           REFCOUNT_MAX, file, line);
  if (diff < -VC_INT_MAX) failed("chgproccnt", "-VC_INT_MAX <= diff", uip, diff, file, line);
  if (diff < 0 && cnt + diff < 0)
    failed("chgproccnt", "diff < 0 ==> uip->ui_proccnt + diff >= 0", uip, cnt, file, line);
}

// ---- tid.h: a process's TIDs (its lock held) ----------------------------------

// "TIDS_OK(pt)": -1 <= p_lasttid <= LWP_TID_MAX, 0 <= p_nthreads, the set's
// members are valid TIDs (a valid tree: ordered, hence distinct, in range)
// and as many as p_nthreads.
inline void tids_ok(const char* fn, const struct lwp_tids* pt, const char* file, int line) {
  nonnull(fn, "TIDS_OK(pt): \\valid(pt)", pt, file, line);
  if (pt->p_lasttid < -1 || pt->p_lasttid > LWP_TID_MAX)
    failed(fn, "TIDS_OK(pt): -1 <= p_lasttid <= LWP_TID_MAX", pt, pt->p_lasttid, file, line);
  if (pt->p_nthreads < 0)
    failed(fn, "TIDS_OK(pt): 0 <= p_nthreads", pt, pt->p_nthreads, file, line);
  const char* why = nullptr;
  if (!tidtree::validate(pt->p_lwps, &why))
    failed(fn, "TIDS_OK(pt): every member a valid TID (the tree broken)", pt, 0, file, line);
  long members = static_cast<long>(tidtree::size(pt->p_lwps));
  if (members != pt->p_nthreads)
    failed(fn, "TIDS_OK(pt): tidset_card(&pt->p_lwps) == p_nthreads", pt, members, file, line);
}

// lwp_tid_alloc_locked: "requires TIDS_OK(pt); requires pt->p_nthreads < VC_INT_MAX;
// requires node != \null".
inline void lwp_tid_alloc_locked_requires(const struct lwp_tids* pt, const struct tidnode* node,
                                          VC_SITE) {
  if (!kChecked) return;
  tids_ok("lwp_tid_alloc_locked", pt, file, line);
  if (pt->p_nthreads >= VC_INT_MAX)
    failed("lwp_tid_alloc_locked", "pt->p_nthreads < VC_INT_MAX", pt, pt->p_nthreads, file, line);
  nonnull("lwp_tid_alloc_locked", "node != \\null", node, file, line);
}

// lwp_tid_remove_locked: "requires TIDS_OK(pt); requires tid_in_use(&pt->p_lwps, tid)".
inline void lwp_tid_remove_locked_requires(const struct lwp_tids* pt, int tid, VC_SITE) {
  if (!kChecked) return;
  tids_ok("lwp_tid_remove_locked", pt, file, line);
  if (tidtree::find(pt->p_lwps, tid) == nullptr)
    failed("lwp_tid_remove_locked", "tid_in_use(&pt->p_lwps, tid)", pt, tid, file, line);
}

// lwp_tid_lookup_locked: "requires TIDS_OK(pt)".
inline void lwp_tid_lookup_locked_requires(const struct lwp_tids* pt, VC_SITE) {
  if (kChecked) tids_ok("lwp_tid_lookup_locked", pt, file, line);
}

// ---- charge.h: the tasks charged to each uid (p's lock held) -------------------
// The ghost table and its apartness clauses are the proof's alone.

// "UIDINFO_OK(uip)": 0 <= ui_proccnt, REFCOUNT_LIVE(&uip->ui_ref). Returns the count.
inline int uidinfo_ok(const char* fn, const struct uidinfo* uip, const char* file, int line) {
  nonnull(fn, "UIDINFO_OK: \\valid", uip, file, line);
  int cnt = __atomic_load_n(&uip->ui_proccnt, __ATOMIC_RELAXED);
  if (cnt < 0) failed(fn, "UIDINFO_OK: 0 <= ui_proccnt", uip, cnt, file, line);
  count_in(fn, "UIDINFO_OK: REFCOUNT_LIVE(&ui_ref)", &uip->ui_ref, 1, REFCOUNT_MAX, file, line);
  return cnt;
}

// "\valid(p) && UIDINFO_OK(p->p_uidinfo)" and "TASKS_COVERED(p)": p's uid count
// is at least p's tasks (its LWPs, or one while it has none). Other CPUs move
// the count, but never below the tasks p itself is charged for.
inline void tasks_covered(const char* fn, const struct proc_core* p, const char* file, int line) {
  nonnull(fn, "\\valid(p)", p, file, line);
  int cnt = uidinfo_ok(fn, p->p_uidinfo, file, line);
  int tasks = p->p_tids.p_nthreads > 1 ? p->p_tids.p_nthreads : 1;
  if (cnt < tasks) failed(fn, "TASKS_COVERED(p)", p, cnt, file, line);
}

// proc_charge_new: "requires PROCCOUNT_OK(pc) && \valid(p) && UIDINFO_OK(ui);
// requires REFCOUNT_HOLDABLE(&ui->ui_ref) && ui->ui_proccnt < VC_INT_MAX;
// requires p->p_tids.p_nthreads == 0".
inline void proc_charge_new_requires(const struct proccount* pc, const struct proc_core* p,
                                     const struct uidinfo* ui, VC_SITE) {
  if (!kChecked) return;
  nprocs_reserve_requires(pc, file, line);
  nonnull("proc_charge_new", "\\valid(p)", p, file, line);
  int cnt = uidinfo_ok("proc_charge_new", ui, file, line);
  holdable("proc_charge_new", ui, file, line);
  if (cnt >= VC_INT_MAX)
    failed("proc_charge_new", "ui->ui_proccnt < VC_INT_MAX", ui, cnt, file, line);
  if (p->p_tids.p_nthreads != 0)
    failed("proc_charge_new", "p->p_tids.p_nthreads == 0", p, p->p_tids.p_nthreads, file, line);
}

// lwp_first_join_locked: "requires \valid(p) && TIDS_BLANK(&p->p_tids) && node != \null".
inline void lwp_first_join_locked_requires(const struct proc_core* p, const struct tidnode* node,
                                           VC_SITE) {
  if (!kChecked) return;
  nonnull("lwp_first_join_locked", "\\valid(p)", p, file, line);
  const struct lwp_tids* pt = &p->p_tids;
  if (pt->p_lasttid != -1 || pt->p_nthreads != 0 || tidtree::size(pt->p_lwps) != 0)
    failed("lwp_first_join_locked", "TIDS_BLANK(&p->p_tids)", p, pt->p_nthreads, file, line);
  nonnull("lwp_first_join_locked", "node != \\null", node, file, line);
}

// proc_uid_move: "requires \valid(p) && UIDINFO_OK(p->p_uidinfo) && UIDINFO_OK(to);
// requires \base_addr(to) != \base_addr(p->p_uidinfo); requires REFCOUNT_HOLDABLE(&to->ui_ref);
// requires 0 <= p->p_tids.p_nthreads; requires TASKS_COVERED(p);
// requires to->ui_proccnt + proc_tasks(p) <= VC_INT_MAX".
inline void proc_uid_move_requires(const struct proc_core* p, const struct uidinfo* to, VC_SITE) {
  if (!kChecked) return;
  tasks_covered("proc_uid_move", p, file, line);
  int cnt = uidinfo_ok("proc_uid_move", to, file, line);
  if (to == p->p_uidinfo)
    failed("proc_uid_move", "\\base_addr(to) != \\base_addr(p->p_uidinfo)", to, 0, file, line);
  holdable("proc_uid_move", to, file, line);
  int n = p->p_tids.p_nthreads;
  if (n < 0) failed("proc_uid_move", "0 <= p->p_tids.p_nthreads", p, n, file, line);
  if (static_cast<long>(cnt) + (n > 1 ? n : 1) > VC_INT_MAX)
    failed("proc_uid_move", "to->ui_proccnt + proc_tasks(p) <= VC_INT_MAX", to, cnt, file, line);
}

// lwp_join_locked: "requires \valid(p) && UIDINFO_OK(p->p_uidinfo) && TIDS_OK(&p->p_tids);
// requires \valid_read(p->p_ucred) && \valid_read(p->p_limit); requires PROCCOUNT_OK(lc);
// requires 1 <= p->p_tids.p_nthreads < VC_INT_MAX; requires node != \null".
inline void lwp_join_locked_requires(const struct proc_core* p, const struct tidnode* node,
                                     const struct proccount* lc, VC_SITE) {
  if (!kChecked) return;
  nonnull("lwp_join_locked", "\\valid(p)", p, file, line);
  nonnull("lwp_join_locked", "\\valid_read(p->p_ucred)", p->p_ucred, file, line);
  nonnull("lwp_join_locked", "\\valid_read(p->p_limit)", p->p_limit, file, line);
  proccount_ok("lwp_join_locked", lc, file, line);
  (void)uidinfo_ok("lwp_join_locked", p->p_uidinfo, file, line);
  tids_ok("lwp_join_locked", &p->p_tids, file, line);
  int n = p->p_tids.p_nthreads;
  if (n < 1 || n >= VC_INT_MAX)
    failed("lwp_join_locked", "1 <= p->p_tids.p_nthreads < VC_INT_MAX", p, n, file, line);
  nonnull("lwp_join_locked", "node != \\null", node, file, line);
}

// lwp_leave_locked: "requires \valid(p) && UIDINFO_OK(p->p_uidinfo) && TIDS_OK(&p->p_tids);
// requires PROCCOUNT_OK(lc) && LWPS_COVERED(lc, p); requires tid_in_use(&p->p_tids.p_lwps, tid);
// requires TASKS_COVERED(p)".
inline void lwp_leave_locked_requires(const struct proc_core* p, int tid,
                                      const struct proccount* lc, VC_SITE) {
  if (!kChecked) return;
  tasks_covered("lwp_leave_locked", p, file, line);
  proccount_ok("lwp_leave_locked", lc, file, line);
  int extra = p->p_tids.p_nthreads > 1 ? p->p_tids.p_nthreads - 1 : 0;
  int cnt = __atomic_load_n(&lc->nprocs, __ATOMIC_RELAXED);
  if (cnt < extra) failed("lwp_leave_locked", "LWPS_COVERED(lc, p)", lc, cnt, file, line);
  tids_ok("lwp_leave_locked", &p->p_tids, file, line);
  if (tidtree::find(p->p_tids.p_lwps, tid) == nullptr)
    failed("lwp_leave_locked", "tid_in_use(&p->p_tids.p_lwps, tid)", p, tid, file, line);
}

// proc_uncharge: "requires \valid(p) && UIDINFO_OK(p->p_uidinfo) && PROCCOUNT_OK(pc);
// requires p->p_tids.p_nthreads == 0; requires TASKS_COVERED(p); requires pc->nprocs >= 1".
inline void proc_uncharge_requires(const struct proccount* pc, const struct proc_core* p, VC_SITE) {
  if (!kChecked) return;
  tasks_covered("proc_uncharge", p, file, line);
  nprocs_release_requires(pc, file, line);
  if (p->p_tids.p_nthreads != 0)
    failed("proc_uncharge", "p->p_tids.p_nthreads == 0", p, p->p_tids.p_nthreads, file, line);
}

// ---- refs.h: a zombie's references given back, and a process's replaced ------

// proc_drop_refs: "requires \valid(p) && \valid(last) && PROC_SHARED_LIVE(p);
// requires PROC_SHARED_DISTINCT(p) && proc_shared_apart(p, \base_addr(last))".
inline void proc_drop_refs_requires(const struct proc_core* p, const struct proc_lastrefs* last,
                                    VC_SITE) {
  if (!kChecked) return;
  nonnull("proc_drop_refs", "\\valid(p)", p, file, line);
  nonnull("proc_drop_refs", "\\valid(last)", last, file, line);
  sigacts_drop_requires(p->p_sigacts, file, line);
  fddrop_requires(p->p_fd, file, line);
  if (p->p_fdtol) fdtol_drop_requires(p->p_fdtol, file, line);
  vmspace_drop_requires(p->p_vmspace, file, line);
  plimit_drop_requires(p->p_limit, file, line);
  if (p->p_pgrp) pgrel_requires(p->p_pgrp, file, line);
  if (p->p_args) pargs_drop_requires(p->p_args, file, line);
  const void* o[] = {p,          last,      p->p_sigacts, p->p_fd, p->p_fdtol, p->p_vmspace,
                     p->p_limit, p->p_pgrp, p->p_args};
  all_distinct("proc_drop_refs", "PROC_SHARED_DISTINCT(p) && proc_shared_apart(p, last)", o,
               static_cast<int>(sizeof o / sizeof o[0]), file, line);
}

// The replaces: "requires \valid(p) && \valid(p->p_X) && REFCOUNT_LIVE(...)
// (proc_args_replace_locked: or p->p_args == \null); requires \valid(nw) &&
// REFCOUNT_LIVE(...) && nw != p->p_X", for p's object `own` of that kind.
template <typename T>
inline void replace_requires(const char* fn, const T* own, const T* nw, bool own_may_be_null,
                             const char* file, int line) {
  if (own != nullptr || !own_may_be_null) live(fn, own, file, line);
  live(fn, nw, file, line);
  if (nw == own) failed(fn, "nw != p's own", nw, 0, file, line);
}

inline void proc_fd_replace_requires(const struct proc_core* p, const struct filedesc* nfd,
                                     VC_SITE) {
  if (!kChecked) return;
  nonnull("proc_fd_replace", "\\valid(p)", p, file, line);
  replace_requires("proc_fd_replace", p->p_fd, nfd, false, file, line);
}

inline void proc_vmspace_replace_requires(const struct proc_core* p, const struct vmspace* nvm,
                                          VC_SITE) {
  if (!kChecked) return;
  nonnull("proc_vmspace_replace", "\\valid(p)", p, file, line);
  replace_requires("proc_vmspace_replace", p->p_vmspace, nvm, false, file, line);
}

inline void proc_sigacts_replace_locked_requires(const struct proc_core* p,
                                                 const struct sigacts* nps, VC_SITE) {
  if (!kChecked) return;
  nonnull("proc_sigacts_replace_locked", "\\valid(p)", p, file, line);
  replace_requires("proc_sigacts_replace_locked", p->p_sigacts, nps, false, file, line);
}

// proc_ucred_replace_locked: "requires \valid(p) && \valid(p->p_ucred);
// requires \valid(ncr) && REFCOUNT_LIVE(&ncr->cr_ref) && ncr != p->p_ucred".
inline void proc_ucred_replace_locked_requires(const struct proc_core* p, const struct ucred* ncr,
                                               VC_SITE) {
  if (!kChecked) return;
  nonnull("proc_ucred_replace_locked", "\\valid(p)", p, file, line);
  nonnull("proc_ucred_replace_locked", "\\valid(p->p_ucred)", p->p_ucred, file, line);
  live("proc_ucred_replace_locked", ncr, file, line);
  if (ncr == p->p_ucred)
    failed("proc_ucred_replace_locked", "ncr != p->p_ucred", ncr, 0, file, line);
}

inline void proc_args_replace_locked_requires(const struct proc_core* p, const struct pargs* na,
                                              VC_SITE) {
  if (!kChecked) return;
  nonnull("proc_args_replace_locked", "\\valid(p)", p, file, line);
  replace_requires("proc_args_replace_locked", p->p_args, na, true, file, line);
}

// ---- census.h: the checker's holder count ---------------------------------------

// vc_proc_ref: "requires \valid_read(p); requires 0 <= kind < VC_REF_KINDS".
inline void vc_proc_ref_requires(const struct proc_core* p, int kind, VC_SITE) {
  if (!kChecked) return;
  nonnull("vc_proc_ref", "\\valid_read(p)", p, file, line);
  if (kind < 0 || kind >= VC_REF_KINDS)
    failed("vc_proc_ref", "0 <= kind < VC_REF_KINDS", p, kind, file, line);
}

// vc_count_holders: "requires proc_table_ok(procs, n)" (0 <= n, each entry
// readable); "requires 0 <= kind < VC_REF_KINDS; requires r != \null".
inline void vc_count_holders_requires(struct proc_core* const* procs, int n, int kind,
                                      const struct refcount* r, VC_SITE) {
  if (!kChecked) return;
  if (n < 0) failed("vc_count_holders", "proc_table_ok: 0 <= n", procs, n, file, line);
  for (int i = 0; i < n; ++i)
    nonnull("vc_count_holders", "proc_table_ok: \\valid_read(procs[i])", procs[i], file, line);
  if (kind < 0 || kind >= VC_REF_KINDS)
    failed("vc_count_holders", "0 <= kind < VC_REF_KINDS", r, kind, file, line);
  nonnull("vc_count_holders", "r != \\null", r, file, line);
}

// vc_count_tasks: "requires proc_table_ok(procs, n); requires \forall integer i;
// 0 <= i < n ==> 0 <= procs[i]->p_tids.p_nthreads".
inline void vc_count_tasks_requires(struct proc_core* const* procs, int n, VC_SITE) {
  if (!kChecked) return;
  if (n < 0) failed("vc_count_tasks", "proc_table_ok: 0 <= n", procs, n, file, line);
  for (int i = 0; i < n; ++i) {
    nonnull("vc_count_tasks", "proc_table_ok: \\valid_read(procs[i])", procs[i], file, line);
    if (procs[i]->p_tids.p_nthreads < 0)
      failed("vc_count_tasks", "0 <= procs[i]->p_tids.p_nthreads", procs[i],
             procs[i]->p_tids.p_nthreads, file, line);
  }
}

// ---- fork.h ----------------------------------------------------------------------

// The objects FORK_DISTINCT and FORK_APART name, as addresses: fa's objects
// (fa itself, the process count, the parent, the credentials and their
// uidinfo, the parent's signal actions, descriptor table, address space,
// limits, group; its leader record and arguments when it has them).
struct ForkObjects {
  const void* at[12];
  int n = 0;
  explicit ForkObjects(const struct fork_args* fa, bool with_fa_and_cred) {
    const struct proc_core* p1 = fa->fa_p1;
    if (with_fa_and_cred) {
      at[n++] = fa;
      at[n++] = fa->fa_pc;
      at[n++] = fa->fa_cred;
      at[n++] = fa->fa_cred->cr_ruidinfo;
    }
    at[n++] = p1;
    at[n++] = p1->p_sigacts;
    at[n++] = p1->p_fd;
    at[n++] = p1->p_vmspace;
    at[n++] = p1->p_limit;
    at[n++] = p1->p_pgrp;
    if (p1->p_fdtol != nullptr) at[n++] = p1->p_fdtol;
    if (p1->p_args != nullptr) at[n++] = p1->p_args;
  }
  bool has(const void* o) const {
    for (int i = 0; i < n; ++i)
      if (at[i] == o) return true;
    return false;
  }
};

// "FORK_APART(fa, o)": o is none of the child storage, the parent and what
// the parent holds.
inline void fork_apart(const char* fn, const struct fork_args* fa, const void* o, const char* file,
                       int line) {
  ForkObjects parents(fa, false);
  if (o == fa->fa_p2 || parents.has(o))
    failed(fn, "FORK_APART(fa, o): apart from the child storage, the parent and its objects", o, 0,
           file, line);
}

// "FORK_OBJS_OK(fa)": the process count, the parent, its objects and the
// credentials valid, each count with room for one more holder (p_fdtol and
// p_args may be null); the parent's hold count below REFCOUNT_MAX.
inline void fork_objs_ok(const char* fn, const struct fork_args* fa, const char* file, int line) {
  nonnull(fn, "FORK_OBJS_OK(fa): \\valid_read(fa)", fa, file, line);
  proccount_ok(fn, fa->fa_pc, file, line);
  const struct proc_core* p1 = fa->fa_p1;
  nonnull(fn, "FORK_OBJS_OK(fa): \\valid(fa->fa_p1)", p1, file, line);
  count_in(fn, "FORK_OBJS_OK(fa): 0 <= p1->p_lock.rc_count < REFCOUNT_MAX", &p1->p_lock, 0,
           REFCOUNT_MAX - 1, file, line);
  holdable(fn, fa->fa_cred, file, line);
  nonnull(fn, "FORK_OBJS_OK(fa): \\valid(fa->fa_cred->cr_ruidinfo)", fa->fa_cred->cr_ruidinfo, file,
          line);
  int cnt = __atomic_load_n(&fa->fa_cred->cr_ruidinfo->ui_proccnt, __ATOMIC_RELAXED);
  if (cnt < 0)
    failed(fn, "FORK_OBJS_OK(fa): UIDINFO_OK: 0 <= ui_proccnt", fa->fa_cred->cr_ruidinfo, cnt, file,
           line);
  holdable(fn, fa->fa_cred->cr_ruidinfo, file, line);
  holdable(fn, p1->p_sigacts, file, line);
  holdable(fn, p1->p_fd, file, line);
  if (p1->p_fdtol != nullptr) holdable(fn, p1->p_fdtol, file, line);
  holdable(fn, p1->p_vmspace, file, line);
  holdable(fn, p1->p_limit, file, line);
  holdable(fn, p1->p_pgrp, file, line);
  if (p1->p_args != nullptr) holdable(fn, p1->p_args, file, line);
}

// "FORK_DISTINCT(fa)": those objects are distinct allocations.
inline void fork_distinct(const char* fn, const struct fork_args* fa, const char* file, int line) {
  ForkObjects all(fa, true);
  all_distinct(fn, "FORK_DISTINCT(fa): distinct allocations", all.at, all.n, file, line);
}

// fork1: "requires FORK_OBJS_OK(fa); requires FORK_DISTINCT(fa);
// requires PROC_BLANK(fa->fa_p2); requires FORK_CHILD_DISTINCT(fa);
// requires fork_makes_proc(fa->fa_flags);
// requires fork_shares_fd(fa->fa_flags) == 1 ==> fa->fa_p1->p_fdtol != \null".
// (Its ghost requirement, no fork in progress on this thread, is ForkBooks's.)
inline void fork1_requires(const struct fork_args* fa, VC_SITE) {
  if (!kChecked) return;
  fork_objs_ok("fork1", fa, file, line);
  fork_distinct("fork1", fa, file, line);
  const struct proc_core* p2 = fa->fa_p2;
  nonnull("fork1", "PROC_BLANK(fa->fa_p2): \\valid", p2, file, line);
  if (count(&p2->p_lock) != 0 || p2->p_ucred || p2->p_uidinfo || p2->p_sigacts || p2->p_fd ||
      p2->p_fdtol || p2->p_vmspace || p2->p_limit || p2->p_pgrp || p2->p_args || p2->p_leader)
    failed("fork1", "PROC_BLANK(fa->fa_p2): no hold, no reference, no leader", p2, 0, file, line);
  if (p2->p_tids.p_lasttid != -1 || p2->p_tids.p_nthreads != 0 ||
      tidtree::root(p2->p_tids.p_lwps) != nullptr)
    failed("fork1", "PROC_BLANK(fa->fa_p2): TIDS_BLANK", p2, p2->p_tids.p_nthreads, file, line);
  if (ForkObjects(fa, true).has(p2)) failed("fork1", "FORK_CHILD_DISTINCT(fa)", p2, 0, file, line);
  unsigned f = fa->fa_flags;
  if ((f & VC_RFPROC) == 0) failed("fork1", "fork_makes_proc(fa->fa_flags)", fa, f, file, line);
  bool shares_fd = (f & VC_RFFDG) == 0 && (f & VC_RFCFDG) == 0;
  if (shares_fd && fa->fa_p1->p_fdtol == nullptr)
    failed("fork1", "fork_shares_fd(fa->fa_flags) == 1 ==> fa->fa_p1->p_fdtol != \\null", fa, f,
           file, line);
}

// rfork_unshare: "requires FORK_OBJS_OK(fa); requires FORK_DISTINCT(fa);
// requires !fork_makes_proc(fa->fa_flags)" (and the ghost one, as fork1's).
inline void rfork_unshare_requires(const struct fork_args* fa, VC_SITE) {
  if (!kChecked) return;
  fork_objs_ok("rfork_unshare", fa, file, line);
  fork_distinct("rfork_unshare", fa, file, line);
  if ((fa->fa_flags & VC_RFPROC) != 0)
    failed("rfork_unshare", "!fork_makes_proc(fa->fa_flags)", fa, fa->fa_flags, file, line);
}

}  // namespace vc_contract

// ---- fork_hooks.h: the C++ steps, and the ghost state at run time -----------

// The fork in progress on a thread (fork1 or rfork_unshare; the debug
// kernel's Thread::fork_books points to it while it runs): the objects the
// C++ steps made for it that are neither discarded nor handed over yet
// (spec/fork.h's vc_fork_made is how many), and the process group whose lock
// it holds (vc_pgrp_held). WP proves that fork1 and rfork_unshare leave both
// empty, given the steps' contracts, which say how each step changes them;
// those contracts are assumed, and checked against these books where each
// step returns.
struct ForkBooks {
  const struct fork_args* fa = nullptr;
  const void* made[3] = {};  // signal actions, a table or leader record, an address space
  int nmade = 0;
  const struct pgrp* held = nullptr;
  bool signal_seen = false;   // vc_fork_signal_seen
  bool alloc_failed = false;  // vc_fork_alloc_failed

  bool has(const void* o) const {
    for (int i = 0; i < nmade; ++i)
      if (made[i] == o) return true;
    return false;
  }
};

namespace vc_contract {

inline void books_of(const char* fn, const ForkBooks* b, const char* file, int line) {
  nonnull(fn, "a fork in progress on this thread (its ghost books)", b, file, line);
}

// fork1, rfork_unshare: "requires vc_fork_made == 0 && vc_pgrp_held == \null"
// (rfork_unshare: "vc_fork_made == 0") on entry: no fork in progress on this
// thread; and "ensures vc_fork_made == 0 && vc_pgrp_held == \null" on return:
// everything made is the child's (or the parent's) or discarded, no group
// lock held.
inline void fork_books_empty(const char* fn, const ForkBooks* b, VC_SITE) {
  if (!kChecked || b == nullptr) return;
  if (b->nmade != 0) failed(fn, "vc_fork_made == 0", b->made[0], b->nmade, file, line);
  if (b->held != nullptr) failed(fn, "vc_pgrp_held == \\null", b->held, 0, file, line);
}

// An allocating step that returned null: "ensures \result == \null ==>
// vc_fork_alloc_failed == 1".
inline void fork_alloc_failed(const char* fn, ForkBooks* b, const char* file, int line) {
  books_of(fn, b, file, line);
  b->alloc_failed = true;
}

// The allocating steps: "ensures \result != \null ==> \valid(\result) &&
// \result->X_ref.rc_count == 1 && \result != fa->fa_p1->p_X &&
// FORK_APART(fa, \result) && vc_fork_made == \old(vc_fork_made) + 1".
// The object joins the books: a new one, made for this fork. A null result
// is a failed allocation.
template <typename T>
inline void fork_made_ensures(const char* fn, ForkBooks* b, const struct fork_args* fa, const T* o,
                              const char* file, int line) {
  if (!kChecked) return;
  if (o == nullptr) return fork_alloc_failed(fn, b, file, line);
  books_of(fn, b, file, line);
  if (b->fa != fa) failed(fn, "made for the fork in progress", fa, 0, file, line);
  int c = count(ref_of(o));
  if (c != 1) failed(fn, "\\result->rc_count == 1", o, c, file, line);
  fork_apart(fn, fa, o, file, line);  // covers \result != fa->fa_p1->p_X
  if (b->has(o) || b->nmade == 3)
    failed(fn, "vc_fork_made == \\old(vc_fork_made) + 1: a new object", o, b->nmade, file, line);
  b->made[b->nmade++] = o;
}

// clang-format off
inline void fork_sigacts_copy_ensures(ForkBooks* b, const struct fork_args* fa, const struct sigacts* r, VC_SITE) { fork_made_ensures("fork_sigacts_copy", b, fa, r, file, line); }
inline void fork_fd_init_ensures(ForkBooks* b, const struct fork_args* fa, const struct filedesc* r, VC_SITE) { fork_made_ensures("fork_fd_init", b, fa, r, file, line); }
inline void fork_fd_copy_ensures(ForkBooks* b, const struct fork_args* fa, const struct filedesc* r, VC_SITE) { fork_made_ensures("fork_fd_copy", b, fa, r, file, line); }
inline void fork_fdtol_alloc_ensures(ForkBooks* b, const struct fork_args* fa, const struct fdtol* r, VC_SITE) { fork_made_ensures("fork_fdtol_alloc", b, fa, r, file, line); }
inline void fork_vmspace_copy_ensures(ForkBooks* b, const struct fork_args* fa, const struct vmspace* r, VC_SITE) { fork_made_ensures("fork_vmspace_copy", b, fa, r, file, line); }
// clang-format on

// The discarding steps: "requires X->X_ref.rc_count == 1; requires
// FORK_APART(fa, X); requires vc_fork_made >= 1" (fa: the fork in progress),
// and in the books: made for this fork and not discarded yet. Then "ensures
// vc_fork_made == \old(vc_fork_made) - 1": it leaves the books.
template <typename T>
inline void fork_discard_contract(const char* fn, ForkBooks* b, const T* o, const char* file,
                                  int line) {
  if (!kChecked) return;
  books_of(fn, b, file, line);
  nonnull(fn, "\\valid", o, file, line);
  int c = count(ref_of(o));
  if (c != 1) failed(fn, "rc_count == 1", o, c, file, line);
  fork_apart(fn, b->fa, o, file, line);
  if (!b->has(o))
    failed(fn, "vc_fork_made >= 1: made for this fork and not discarded", o, b->nmade, file, line);
  int i = 0;
  while (b->made[i] != o) ++i;
  b->made[i] = b->made[--b->nmade];
}

// clang-format off
inline void fork_sigacts_discard_contract(ForkBooks* b, const struct sigacts* ps, VC_SITE) { fork_discard_contract("fork_sigacts_discard", b, ps, file, line); }
inline void fork_fd_discard_contract(ForkBooks* b, const struct filedesc* fdp, VC_SITE) { fork_discard_contract("fork_fd_discard", b, fdp, file, line); }
inline void fork_fdtol_discard_contract(ForkBooks* b, const struct fdtol* tl, VC_SITE) { fork_discard_contract("fork_fdtol_discard", b, tl, file, line); }
inline void fork_vmspace_discard_contract(ForkBooks* b, const struct vmspace* vm, VC_SITE) { fork_discard_contract("fork_vmspace_discard", b, vm, file, line); }
// clang-format on

// fork_new_objects(flags), spec/fork.h: the signal actions unless shared; a
// descriptor table unless shared, or else a leader record unless the
// parent's is shared too; the address space unless shared.
inline int fork_new_objects(unsigned f) {
  bool shares_fd = (f & VC_RFFDG) == 0 && (f & VC_RFCFDG) == 0;
  bool shares_fdtol = shares_fd && (f & VC_RFTHREAD) != 0;
  return ((f & VC_RFSIGSHARE) != 0 ? 0 : 1) + (shares_fdtol ? 0 : 1) +
         ((f & VC_RFMEM) != 0 ? 0 : 1);
}

// fork_publish: "requires vc_fork_made == fork_new_objects(fa->fa_flags);
// requires (fa->fa_flags & VC_RFPGLOCK) != 0 ==> vc_pgrp_held == fa->fa_p1->p_pgrp".
inline void fork_publish_requires(const ForkBooks* b, const struct fork_args* fa, VC_SITE) {
  if (!kChecked) return;
  books_of("fork_publish", b, file, line);
  int want = fork_new_objects(fa->fa_flags);
  if (b->nmade != want)
    failed("fork_publish", "vc_fork_made == fork_new_objects(fa->fa_flags)", fa, b->nmade, file,
           line);
  if ((fa->fa_flags & VC_RFPGLOCK) != 0 && b->held != fa->fa_p1->p_pgrp)
    failed("fork_publish", "RFPGLOCK ==> vc_pgrp_held == fa->fa_p1->p_pgrp", b->held, 0, file,
           line);
}

// fork_publish: "ensures vc_fork_made == 0": what was made is the child's
// own now (its signal actions, table, leader record or address space).
inline void fork_publish_ensures(ForkBooks* b, const struct fork_args* fa, VC_SITE) {
  if (!kChecked) return;
  const struct proc_core* p2 = fa->fa_p2;
  for (int i = 0; i < b->nmade; ++i) {
    const void* o = b->made[i];
    if (o != p2->p_sigacts && o != p2->p_fd && o != p2->p_fdtol && o != p2->p_vmspace)
      failed("fork_publish", "vc_fork_made == 0: each object made is the child's", o, i, file,
             line);
  }
  b->nmade = 0;
}

// rfork_unshare on success: "ghost vc_fork_made = 0" after "assert
// vc_fork_made == new_vm + new_fd": what was made is the parent's own now.
inline void rfork_unshare_installed(ForkBooks* b, const struct proc_core* p1, VC_SITE) {
  if (!kChecked) return;
  for (int i = 0; i < b->nmade; ++i)
    if (b->made[i] != p1->p_fd && b->made[i] != p1->p_vmspace)
      failed("rfork_unshare", "vc_fork_made == new_vm + new_fd: each object made is p1's",
             b->made[i], i, file, line);
  b->nmade = 0;
}

// fork_pgrp_lock: "requires vc_pgrp_held == \null ... ensures vc_pgrp_held == pg",
// `locked`: the lock is held (shared) when it returns.
inline void fork_pgrp_lock_contract(ForkBooks* b, const struct pgrp* pg, bool locked, VC_SITE) {
  if (!kChecked) return;
  books_of("fork_pgrp_lock", b, file, line);
  nonnull("fork_pgrp_lock", "\\valid(pg)", pg, file, line);
  if (b->held != nullptr)
    failed("fork_pgrp_lock", "vc_pgrp_held == \\null", b->held, 0, file, line);
  if (!locked) failed("fork_pgrp_lock", "vc_pgrp_held == pg: the lock held", pg, 0, file, line);
  b->held = pg;
}

// fork_pgrp_unlock: "requires vc_pgrp_held == pg ... ensures vc_pgrp_held == \null".
inline void fork_pgrp_unlock_contract(ForkBooks* b, const struct pgrp* pg, VC_SITE) {
  if (!kChecked) return;
  books_of("fork_pgrp_unlock", b, file, line);
  if (b->held != pg) failed("fork_pgrp_unlock", "vc_pgrp_held == pg", b->held, 0, file, line);
  b->held = nullptr;
}

// fork_signal_pending: "ensures \result == 0 || \result == 1; ensures
// vc_fork_signal_seen == \result" (the books keep the ghost).
inline void fork_signal_pending_ensures(ForkBooks* b, int r, VC_SITE) {
  if (!kChecked) return;
  if (r != 0 && r != 1)
    failed("fork_signal_pending", "\\result == 0 || \\result == 1", nullptr, r, file, line);
  books_of("fork_signal_pending", b, file, line);
  b->signal_seen = r == 1;
}

// fork_lwp_alloc: "ensures \result == \null ==> vc_fork_alloc_failed == 1".
inline void fork_lwp_alloc_ensures(ForkBooks* b, const struct tidnode* r, VC_SITE) {
  if (kChecked && r == nullptr) fork_alloc_failed("fork_lwp_alloc", b, file, line);
}

// fork1, rfork_unshare: "ensures \result == VC_ENOMEM <==>
// vc_fork_alloc_failed == 1": out of memory exactly when a step was.
inline void fork_enomem_ensures(const char* fn, const ForkBooks* b, int r, VC_SITE) {
  if (!kChecked || b == nullptr) return;
  if ((r == VC_ENOMEM) != b->alloc_failed)
    failed(fn, "\\result == VC_ENOMEM <==> vc_fork_alloc_failed == 1", nullptr, r, file, line);
}

// fork1: "ensures \result == VC_ERESTART <==> vc_fork_signal_seen == 1".
inline void fork1_restart_ensures(const ForkBooks* b, int r, VC_SITE) {
  if (!kChecked || b == nullptr) return;
  if ((r == VC_ERESTART) != b->signal_seen)
    failed("fork1", "\\result == VC_ERESTART <==> vc_fork_signal_seen == 1", nullptr, r, file,
           line);
}

// filedesc_destroy, vmspace_destroy: "requires \valid(X) && X->X_ref.rc_count == 0".
template <typename T>
inline void destroy_requires(const char* fn, const T* o, const char* file, int line) {
  nonnull(fn, "\\valid", o, file, line);
  count_in(fn, "rc_count == 0", ref_of(o), 0, 0, file, line);
}
inline void filedesc_destroy_requires(const struct filedesc* fdp, VC_SITE) {
  if (kChecked) destroy_requires("filedesc_destroy", fdp, file, line);
}
inline void vmspace_destroy_requires(const struct vmspace* vm, VC_SITE) {
  if (kChecked) destroy_requires("vmspace_destroy", vm, file, line);
}

// ---- the assumed C++ under the proved code: the TID set, the count update --

// tidset_insert: behavior inserted, "\result == 1" and
// "tidset_member_added(s, tid)": tid is a member now, through node; behavior
// taken, "\result == 0" and "tidset_same_members(s)": tid was a member
// already, through another node, and node stayed out. That no other member
// came or went is not re-read (it would take a walk of the set).
inline void tidset_insert_ensures(const struct tidset* s, const struct tidnode* node, int tid,
                                  int r, VC_SITE) {
  if (!kChecked) return;
  const tidnode* found = tidtree::find(*s, tid);
  if (r == 1 && (found != node || !node->linked || node->tid != tid))
    failed("tidset_insert", "inserted: tidset_member_added(s, tid)", node, tid, file, line);
  if (r == 0 && (found == nullptr || found == node || node->linked))
    failed("tidset_insert", "taken: tidset_same_members(s), tid in use", node, tid, file, line);
  if (r != 0 && r != 1) failed("tidset_insert", "\\result == 0 || \\result == 1", s, r, file, line);
}

// tidset_remove: "\result != \null" and "tidset_member_removed(s, tid)": tid
// is no member now, and the node returned was its, out of the set now.
inline void tidset_remove_ensures(const struct tidset* s, int tid, const struct tidnode* r,
                                  VC_SITE) {
  if (!kChecked) return;
  nonnull("tidset_remove", "\\result != \\null", r, file, line);
  if (tidtree::find(*s, tid) != nullptr || r->linked || r->tid != tid)
    failed("tidset_remove", "tidset_member_removed(s, tid)", r, tid, file, line);
}

// vc_refcount_add: "requires -VC_INT_MAX - 1 <= r->rc_count + delta <=
// VC_INT_MAX", read from the count the atomic add found (`old`: exactly the
// count it changed, whatever other CPUs did before or after).
inline void vc_refcount_add_requires(const struct refcount* r, int old, int delta, VC_SITE) {
  if (!kChecked) return;
  long sum = static_cast<long>(old) + delta;
  if (sum < -static_cast<long>(VC_INT_MAX) - 1 || sum > VC_INT_MAX)
    failed("vc_refcount_add", "-VC_INT_MAX - 1 <= r->rc_count + delta <= VC_INT_MAX", r, old, file,
           line);
}

}  // namespace vc_contract

#undef VC_SITE
