/* The fork path's counting skeleton (contracts in fork.h). Proved by WP. */
#include "kernel/verified/fork.h"

#include "kernel/verified/fork_hooks.h"
#include "kernel/verified/nprocs.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/refs.h"
#include "kernel/verified/tid.h"
#include "kernel/verified/uidinfo.h"

/* The ghost state of spec/fork.h: the proof's books of objects made for the
 * fork in progress and of the group lock it holds. Not compiled. */
/*@ ghost int vc_fork_made; */
/*@ ghost struct pgrp* vc_pgrp_held; */
/*@ ghost int vc_fork_signal_seen; */
/*@ ghost int vc_fork_alloc_failed; */

/* ---- Steps of fork1, each with the undo it needs ------------------------- */

/* Step 3: the references every child holds, whatever the flags. */
/*@ requires \valid(p2) && p2->p_ucred == \null && p2->p_uidinfo == \null &&
             p2->p_limit == \null && p2->p_pgrp == \null && p2->p_args == \null;
    requires \valid(cr) && REFCOUNT_HOLDABLE(&cr->cr_ref);
    requires \valid(uip) && REFCOUNT_HOLDABLE(&uip->ui_ref);
    requires \valid(lim) && REFCOUNT_HOLDABLE(&lim->pl_ref);
    requires \valid(pg) && REFCOUNT_HOLDABLE(&pg->pg_ref);
    requires args != \null ==> \valid(args) && REFCOUNT_HOLDABLE(&args->ar_ref);
    requires \base_addr(p2) != \base_addr(cr) && \base_addr(p2) != \base_addr(uip) &&
             \base_addr(p2) != \base_addr(lim) && \base_addr(p2) != \base_addr(pg) &&
             \base_addr(cr) != \base_addr(uip) && \base_addr(cr) != \base_addr(lim) &&
             \base_addr(cr) != \base_addr(pg) && \base_addr(uip) != \base_addr(lim) &&
             \base_addr(uip) != \base_addr(pg) && \base_addr(lim) != \base_addr(pg);
    requires args != \null ==>
             \base_addr(args) != \base_addr(p2) && \base_addr(args) != \base_addr(cr) &&
             \base_addr(args) != \base_addr(uip) && \base_addr(args) != \base_addr(lim) &&
             \base_addr(args) != \base_addr(pg);
    assigns cr->cr_ref.rc_count, uip->ui_ref.rc_count, lim->pl_ref.rc_count,
            pg->pg_ref.rc_count, args->ar_ref.rc_count,
            p2->p_ucred, p2->p_uidinfo, p2->p_limit, p2->p_pgrp, p2->p_args;
    ensures cr->cr_ref.rc_count == \old(cr->cr_ref.rc_count) + 1;
    ensures uip->ui_ref.rc_count == \old(uip->ui_ref.rc_count) + 1;
    ensures lim->pl_ref.rc_count == \old(lim->pl_ref.rc_count) + 1;
    ensures pg->pg_ref.rc_count == \old(pg->pg_ref.rc_count) + 1;
    ensures args != \null ==> args->ar_ref.rc_count == \old(args->ar_ref.rc_count) + 1;
    ensures p2->p_ucred == cr && p2->p_uidinfo == uip && p2->p_limit == lim &&
            p2->p_pgrp == pg && p2->p_args == args;
 */
static void fork_hold_common(struct proc_core* p2, struct ucred* cr, struct uidinfo* uip,
                             struct plimit* lim, struct pgrp* pg, struct pargs* args) {
  p2->p_ucred = crhold(cr);
  p2->p_uidinfo = uihold(uip);
  p2->p_limit = plimit_hold(lim);
  p2->p_pgrp = pgref(pg);
  if (args != VC_NULL) p2->p_args = pargs_hold(args);
}

/* Undo step 3. */
/*@ requires \valid(p2) && p2->p_ucred == cr && p2->p_uidinfo == uip &&
             p2->p_limit == lim && p2->p_pgrp == pg && p2->p_args == args;
    requires \valid(cr) && REFCOUNT_SHARED(&cr->cr_ref);
    requires \valid(uip) && REFCOUNT_SHARED(&uip->ui_ref);
    requires \valid(lim) && REFCOUNT_SHARED(&lim->pl_ref);
    requires \valid(pg) && REFCOUNT_SHARED(&pg->pg_ref);
    requires args != \null ==> \valid(args) && REFCOUNT_SHARED(&args->ar_ref);
    requires \base_addr(p2) != \base_addr(cr) && \base_addr(p2) != \base_addr(uip) &&
             \base_addr(p2) != \base_addr(lim) && \base_addr(p2) != \base_addr(pg) &&
             \base_addr(cr) != \base_addr(uip) && \base_addr(cr) != \base_addr(lim) &&
             \base_addr(cr) != \base_addr(pg) && \base_addr(uip) != \base_addr(lim) &&
             \base_addr(uip) != \base_addr(pg) && \base_addr(lim) != \base_addr(pg);
    requires args != \null ==>
             \base_addr(args) != \base_addr(p2) && \base_addr(args) != \base_addr(cr) &&
             \base_addr(args) != \base_addr(uip) && \base_addr(args) != \base_addr(lim) &&
             \base_addr(args) != \base_addr(pg);
    assigns cr->cr_ref.rc_count, uip->ui_ref.rc_count, lim->pl_ref.rc_count,
            pg->pg_ref.rc_count, args->ar_ref.rc_count,
            p2->p_ucred, p2->p_uidinfo, p2->p_limit, p2->p_pgrp, p2->p_args;
    ensures cr->cr_ref.rc_count == \old(cr->cr_ref.rc_count) - 1;
    ensures uip->ui_ref.rc_count == \old(uip->ui_ref.rc_count) - 1;
    ensures lim->pl_ref.rc_count == \old(lim->pl_ref.rc_count) - 1;
    ensures pg->pg_ref.rc_count == \old(pg->pg_ref.rc_count) - 1;
    ensures args != \null ==> args->ar_ref.rc_count == \old(args->ar_ref.rc_count) - 1;
    ensures p2->p_ucred == \null && p2->p_uidinfo == \null && p2->p_limit == \null &&
            p2->p_pgrp == \null && p2->p_args == \null;
 */
static void fork_drop_common(struct proc_core* p2, struct ucred* cr, struct uidinfo* uip,
                             struct plimit* lim, struct pgrp* pg, struct pargs* args) {
  if (args != VC_NULL) refcount_unhold(&args->ar_ref);
  p2->p_args = VC_NULL;
  refcount_unhold(&pg->pg_ref);
  p2->p_pgrp = VC_NULL;
  refcount_unhold(&lim->pl_ref);
  p2->p_limit = VC_NULL;
  refcount_unhold(&uip->ui_ref);
  p2->p_uidinfo = VC_NULL;
  refcount_unhold(&cr->cr_ref);
  p2->p_ucred = VC_NULL;
}

/* Step 4: signal actions, shared (RFSIGSHARE) or copied. */
/*@ requires \valid_read(fa) && \valid_read(fa->fa_p1) && fa->fa_p1->p_sigacts == ps1;
    requires \valid(p2) && p2->p_sigacts == \null;
    requires fa->fa_p2 == p2 && \base_addr(p2) != \base_addr(fa) &&
             \base_addr(p2) != \base_addr(fa->fa_p1);
    requires \valid(ps1) && REFCOUNT_HOLDABLE(&ps1->ps_ref);
    requires \base_addr(p2) != \base_addr(ps1);
    requires vc_fork_made < VC_INT_MAX;
    requires vc_fork_alloc_failed == 0;
    assigns ps1->ps_ref.rc_count, p2->p_sigacts, vc_fork_made, vc_fork_alloc_failed;
    ensures \result == VC_OK || \result == VC_ENOMEM;
    ensures vc_fork_alloc_failed == (\result == VC_ENOMEM ? 1 : 0);
    ensures vc_fork_made ==
              \old(vc_fork_made) + (\result == VC_OK ? fork_new_sig(flags) : 0);
    ensures \result == VC_OK && fork_shares_sig(flags) == 0 ==>
      p2->p_sigacts->ps_ref.rc_count == 1 && FORK_APART(fa, p2->p_sigacts);
    ensures \result == VC_OK ==>
      ps1->ps_ref.rc_count == \old(ps1->ps_ref.rc_count) + fork_shares_sig(flags) &&
      p2->p_sigacts != \null && \valid(p2->p_sigacts) &&
      (p2->p_sigacts == ps1 <==> fork_shares_sig(flags) == 1);
    ensures \result != VC_OK ==>
      ps1->ps_ref.rc_count == \old(ps1->ps_ref.rc_count) && p2->p_sigacts == \null;
    behavior share:
      assumes fork_shares_sig(flags) == 1;
      ensures \result == VC_OK;
    behavior copy:
      assumes fork_shares_sig(flags) == 0;
      assigns p2->p_sigacts, vc_fork_made, vc_fork_alloc_failed;
    complete behaviors;
    disjoint behaviors;
 */
static int fork_take_sigacts(const struct fork_args* fa, struct proc_core* p2, struct sigacts* ps1,
                             unsigned int flags) /*@ ghost (struct proc_core** procs, int n) */ {
  if ((flags & VC_RFSIGSHARE) != 0) {
    p2->p_sigacts = sigacts_hold(ps1);
    return VC_OK;
  }
  struct sigacts* ps = fork_sigacts_copy(fa) /*@ ghost (procs, n) */;
  if (ps == VC_NULL) return VC_ENOMEM;
  p2->p_sigacts = ps;
  return VC_OK;
}

/* Undo step 4. */
/*@ requires \valid_read(fa) && \valid_read(fa->fa_p1) && fa->fa_p1->p_sigacts == ps1;
    requires \valid(p2) && \valid(ps1) && \base_addr(p2) != \base_addr(ps1);
    requires fork_shares_sig(flags) == 1 ==>
               p2->p_sigacts == ps1 && REFCOUNT_SHARED(&ps1->ps_ref);
    requires fork_shares_sig(flags) == 0 ==>
               p2->p_sigacts != ps1 && \valid(p2->p_sigacts) &&
               p2->p_sigacts->ps_ref.rc_count == 1 && FORK_APART(fa, p2->p_sigacts);
    requires vc_fork_made >= fork_new_sig(flags);
    assigns ps1->ps_ref.rc_count, p2->p_sigacts, vc_fork_made;
    ensures ps1->ps_ref.rc_count == \old(ps1->ps_ref.rc_count) - fork_shares_sig(flags);
    ensures p2->p_sigacts == \null;
    ensures made_dropped: vc_fork_made == \old(vc_fork_made) - fork_new_sig(flags);
 */
static void fork_drop_sigacts(const struct fork_args* fa, struct proc_core* p2, struct sigacts* ps1,
                              unsigned int flags) {
  if ((flags & VC_RFSIGSHARE) != 0)
    refcount_unhold(&ps1->ps_ref);
  else
    fork_sigacts_discard(p2->p_sigacts) /*@ ghost (fa) */;
  p2->p_sigacts = VC_NULL;
}

/* Step 5: descriptor table, empty (RFCFDG), copied (RFFDG) or shared; a
 * shared table comes with a leader record, the parent's (RFTHREAD) or new. */
/*@ requires \valid_read(fa) && \valid_read(fa->fa_p1) &&
             fa->fa_p1->p_fd == fd1 && fa->fa_p1->p_fdtol == fdtol1;
    requires \valid(p2) && p2->p_fd == \null && p2->p_fdtol == \null;
    requires fa->fa_p2 == p2 && \base_addr(p2) != \base_addr(fa) &&
             \base_addr(p2) != \base_addr(fa->fa_p1);
    requires vc_fork_made < VC_INT_MAX;
    requires \valid(fd1) && REFCOUNT_HOLDABLE(&fd1->fd_ref);
    requires \base_addr(p2) != \base_addr(fd1);
    requires fork_shares_fd(flags) == 1 ==>
               \valid(fdtol1) && REFCOUNT_HOLDABLE(&fdtol1->fdl_ref) &&
               \base_addr(fdtol1) != \base_addr(p2) &&
               \base_addr(fdtol1) != \base_addr(fd1);
    requires vc_fork_alloc_failed == 0;
    assigns fd1->fd_ref.rc_count, fdtol1->fdl_ref.rc_count, p2->p_fd, p2->p_fdtol,
            vc_fork_made, vc_fork_alloc_failed;
    ensures \result == VC_OK || \result == VC_ENOMEM;
    ensures vc_fork_alloc_failed == (\result == VC_ENOMEM ? 1 : 0);
    ensures vc_fork_made ==
              \old(vc_fork_made) + (\result == VC_OK ? fork_new_fd(flags) : 0);
    ensures \result == VC_OK && fork_shares_fd(flags) == 0 ==>
      p2->p_fd->fd_ref.rc_count == 1 && FORK_APART(fa, p2->p_fd);
    ensures \result == VC_OK && fork_shares_fd(flags) == 1 && fork_shares_fdtol(flags) == 0 ==>
      p2->p_fdtol->fdl_ref.rc_count == 1 && FORK_APART(fa, p2->p_fdtol);
    ensures \result == VC_OK ==>
      fd1->fd_ref.rc_count == \old(fd1->fd_ref.rc_count) + fork_shares_fd(flags) &&
      p2->p_fd != \null && \valid(p2->p_fd) &&
      (p2->p_fd == fd1 <==> fork_shares_fd(flags) == 1);
    ensures \result == VC_OK && fdtol1 != \null ==>
      fdtol1->fdl_ref.rc_count ==
        \old(fdtol1->fdl_ref.rc_count) + fork_shares_fdtol(flags);
    ensures \result == VC_OK && fork_shares_fd(flags) == 1 ==>
      p2->p_fdtol != \null && \valid(p2->p_fdtol) &&
      (p2->p_fdtol == fdtol1 <==> fork_shares_fdtol(flags) == 1);
    ensures \result == VC_OK && fork_shares_fd(flags) == 0 ==> p2->p_fdtol == \null;
    ensures \result != VC_OK ==>
      fd1->fd_ref.rc_count == \old(fd1->fd_ref.rc_count) &&
      p2->p_fd == \null && p2->p_fdtol == \null;
    ensures \result != VC_OK && fdtol1 != \null ==>
      fdtol1->fdl_ref.rc_count == \old(fdtol1->fdl_ref.rc_count);
    behavior empty:
      assumes (flags & VC_RFCFDG) != 0;
      assigns p2->p_fd, vc_fork_made, vc_fork_alloc_failed;
    behavior copy:
      assumes (flags & VC_RFCFDG) == 0 && (flags & VC_RFFDG) != 0;
      assigns p2->p_fd, vc_fork_made, vc_fork_alloc_failed;
    behavior shared_leader:
      assumes fork_shares_fd(flags) == 1 && (flags & VC_RFTHREAD) != 0;
      ensures \result == VC_OK;
    behavior own_leader:
      assumes fork_shares_fd(flags) == 1 && (flags & VC_RFTHREAD) == 0;
    complete behaviors;
    disjoint behaviors;
 */
static int fork_take_fd(const struct fork_args* fa, struct proc_core* p2, struct filedesc* fd1,
                        struct fdtol* fdtol1,
                        unsigned int flags) /*@ ghost (struct proc_core** procs, int n) */ {
  if ((flags & VC_RFCFDG) != 0) {
    struct filedesc* fdp = fork_fd_init(fa) /*@ ghost (procs, n) */;
    if (fdp == VC_NULL) return VC_ENOMEM;
    p2->p_fd = fdp;
    return VC_OK;
  }
  if ((flags & VC_RFFDG) != 0) {
    struct filedesc* fdp = fork_fd_copy(fa) /*@ ghost (procs, n) */;
    if (fdp == VC_NULL) return VC_ENOMEM;
    p2->p_fd = fdp;
    return VC_OK;
  }
  if ((flags & VC_RFTHREAD) != 0) {
    p2->p_fdtol = fdtol_hold(fdtol1);
  } else {
    struct fdtol* fdtol = fork_fdtol_alloc(fa) /*@ ghost (procs, n) */;
    if (fdtol == VC_NULL) return VC_ENOMEM;
    p2->p_fdtol = fdtol;
  }
  p2->p_fd = fdshare(fd1);
  return VC_OK;
}

/* Undo step 5. */
/*@ requires \valid_read(fa) && \valid_read(fa->fa_p1) &&
             fa->fa_p1->p_fd == fd1 && fa->fa_p1->p_fdtol == fdtol1;
    requires \valid(p2) && \valid(fd1) && \base_addr(p2) != \base_addr(fd1);
    requires fork_shares_fd(flags) == 1 ==>
               p2->p_fd == fd1 && REFCOUNT_SHARED(&fd1->fd_ref) &&
               \valid(fdtol1) && \base_addr(fdtol1) != \base_addr(p2) &&
               \base_addr(fdtol1) != \base_addr(fd1);
    requires fork_shares_fd(flags) == 0 ==>
               p2->p_fd != fd1 && \valid(p2->p_fd) &&
               p2->p_fd->fd_ref.rc_count == 1 && FORK_APART(fa, p2->p_fd);
    requires fork_shares_fdtol(flags) == 1 ==>
               p2->p_fdtol == fdtol1 && REFCOUNT_SHARED(&fdtol1->fdl_ref);
    requires fork_shares_fd(flags) == 1 && fork_shares_fdtol(flags) == 0 ==>
               p2->p_fdtol != fdtol1 && \valid(p2->p_fdtol) &&
               p2->p_fdtol->fdl_ref.rc_count == 1 && FORK_APART(fa, p2->p_fdtol);
    requires vc_fork_made >= fork_new_fd(flags);
    assigns fd1->fd_ref.rc_count, fdtol1->fdl_ref.rc_count, p2->p_fd, p2->p_fdtol,
            vc_fork_made;
    ensures vc_fork_made == \old(vc_fork_made) - fork_new_fd(flags);
    ensures fd1->fd_ref.rc_count == \old(fd1->fd_ref.rc_count) - fork_shares_fd(flags);
    ensures fdtol1 != \null ==>
              fdtol1->fdl_ref.rc_count ==
                \old(fdtol1->fdl_ref.rc_count) - fork_shares_fdtol(flags);
    ensures p2->p_fd == \null && p2->p_fdtol == \null;
 */
static void fork_drop_fd(const struct fork_args* fa, struct proc_core* p2, struct filedesc* fd1,
                         struct fdtol* fdtol1, unsigned int flags) {
  if ((flags & VC_RFFDG) == 0 && (flags & VC_RFCFDG) == 0) {
    if ((flags & VC_RFTHREAD) != 0)
      refcount_unhold(&fdtol1->fdl_ref);
    else
      fork_fdtol_discard(p2->p_fdtol) /*@ ghost (fa) */;
    refcount_unhold(&fd1->fd_ref);
  } else {
    fork_fd_discard(p2->p_fd) /*@ ghost (fa) */;
  }
  p2->p_fdtol = VC_NULL;
  p2->p_fd = VC_NULL;
}

/* Step 6: address space, shared (RFMEM) or a copy-on-write copy. */
/*@ requires \valid_read(fa) && \valid_read(fa->fa_p1) && fa->fa_p1->p_vmspace == vm1;
    requires \valid(p2) && p2->p_vmspace == \null;
    requires fa->fa_p2 == p2 && \base_addr(p2) != \base_addr(fa) &&
             \base_addr(p2) != \base_addr(fa->fa_p1);
    requires \valid(vm1) && REFCOUNT_HOLDABLE(&vm1->vm_ref);
    requires \base_addr(p2) != \base_addr(vm1);
    requires vc_fork_made < VC_INT_MAX;
    requires vc_fork_alloc_failed == 0;
    assigns vm1->vm_ref.rc_count, p2->p_vmspace, vc_fork_made, vc_fork_alloc_failed;
    ensures \result == VC_OK || \result == VC_ENOMEM;
    ensures vc_fork_alloc_failed == (\result == VC_ENOMEM ? 1 : 0);
    ensures vc_fork_made ==
              \old(vc_fork_made) + (\result == VC_OK ? fork_new_vm(flags) : 0);
    ensures \result == VC_OK && fork_shares_vm(flags) == 0 ==>
      p2->p_vmspace->vm_ref.rc_count == 1 && FORK_APART(fa, p2->p_vmspace);
    ensures \result == VC_OK ==>
      vm1->vm_ref.rc_count == \old(vm1->vm_ref.rc_count) + fork_shares_vm(flags) &&
      p2->p_vmspace != \null && \valid(p2->p_vmspace) &&
      (p2->p_vmspace == vm1 <==> fork_shares_vm(flags) == 1);
    ensures \result != VC_OK ==>
      vm1->vm_ref.rc_count == \old(vm1->vm_ref.rc_count) && p2->p_vmspace == \null;
    behavior share:
      assumes fork_shares_vm(flags) == 1;
      ensures \result == VC_OK;
    behavior copy:
      assumes fork_shares_vm(flags) == 0;
      assigns p2->p_vmspace, vc_fork_made, vc_fork_alloc_failed;
    complete behaviors;
    disjoint behaviors;
 */
static int fork_take_vmspace(const struct fork_args* fa, struct proc_core* p2, struct vmspace* vm1,
                             unsigned int flags) /*@ ghost (struct proc_core** procs, int n) */ {
  if ((flags & VC_RFMEM) != 0) {
    p2->p_vmspace = vmspace_hold(vm1);
    return VC_OK;
  }
  struct vmspace* vm = fork_vmspace_copy(fa) /*@ ghost (procs, n) */;
  if (vm == VC_NULL) return VC_ENOMEM;
  p2->p_vmspace = vm;
  return VC_OK;
}

/* Undo step 6. */
/*@ requires \valid_read(fa) && \valid_read(fa->fa_p1) && fa->fa_p1->p_vmspace == vm1;
    requires \valid(p2) && \valid(vm1) && \base_addr(p2) != \base_addr(vm1);
    requires fork_shares_vm(flags) == 1 ==>
               p2->p_vmspace == vm1 && REFCOUNT_SHARED(&vm1->vm_ref);
    requires fork_shares_vm(flags) == 0 ==>
               p2->p_vmspace != vm1 && \valid(p2->p_vmspace) &&
               p2->p_vmspace->vm_ref.rc_count == 1 && FORK_APART(fa, p2->p_vmspace);
    requires vc_fork_made >= fork_new_vm(flags);
    assigns vm1->vm_ref.rc_count, p2->p_vmspace, vc_fork_made;
    ensures vm1->vm_ref.rc_count == \old(vm1->vm_ref.rc_count) - fork_shares_vm(flags);
    ensures p2->p_vmspace == \null;
    ensures vc_fork_made == \old(vc_fork_made) - fork_new_vm(flags);
 */
static void fork_drop_vmspace(const struct fork_args* fa, struct proc_core* p2, struct vmspace* vm1,
                              unsigned int flags) {
  if ((flags & VC_RFMEM) != 0)
    refcount_unhold(&vm1->vm_ref);
  else
    fork_vmspace_discard(p2->p_vmspace) /*@ ghost (fa) */;
  p2->p_vmspace = VC_NULL;
}

/* Step 6 and the end of fork: the address space, the child's first LWP
 * (the last step that can fail), the hold on the parent and TID 0. */
/*@ requires \valid_read(fa) && fa->fa_p1 == p1;
    requires \valid(p1) && 0 <= p1->p_lock.rc_count < REFCOUNT_MAX;
    requires p1->p_vmspace == vm1;
    requires \valid(p2) && TIDS_BLANK(&p2->p_tids);
    requires p2->p_vmspace == \null;
    requires \valid(vm1) && REFCOUNT_HOLDABLE(&vm1->vm_ref);
    requires \base_addr(fa) != \base_addr(p1) && \base_addr(fa) != \base_addr(p2) &&
             \base_addr(fa) != \base_addr(vm1) && \base_addr(p1) != \base_addr(p2) &&
             \base_addr(p1) != \base_addr(vm1) && \base_addr(p2) != \base_addr(vm1);
    requires fa->fa_p2 == p2 && fa->fa_flags == flags;
    requires vc_fork_made == fork_new_sig(flags) + fork_new_fd(flags);
    requires (flags & VC_RFPGLOCK) != 0 ==> vc_pgrp_held == p1->p_pgrp;
    requires vc_fork_alloc_failed == 0;
    assigns vm1->vm_ref.rc_count, p1->p_lock.rc_count, p2->p_vmspace,
            p2->p_tids.p_lasttid, p2->p_tids.p_nthreads, p2->p_tids.p_lwps.ts_tree,
            vc_fork_made, vc_fork_alloc_failed;
    ensures \result == VC_OK || \result == VC_ENOMEM;
    ensures enomem_iff_failed: vc_fork_alloc_failed == (\result == VC_ENOMEM ? 1 : 0);
    ensures vc_fork_made == (\result == VC_OK ? 0 : \old(vc_fork_made));
    ensures \result == VC_OK ==>
      vm1->vm_ref.rc_count == \old(vm1->vm_ref.rc_count) + fork_shares_vm(flags);
    ensures \result == VC_OK ==>
      p1->p_lock.rc_count == \old(p1->p_lock.rc_count) + 1;
    ensures \result == VC_OK ==>
      p2->p_vmspace != \null &&
      (p2->p_vmspace == vm1 <==> fork_shares_vm(flags) == 1);
    ensures \result == VC_OK ==> fork_first_lwp(&p2->p_tids);
    // A new space has one reference, the child's, and no other process has it.
    ensures \result == VC_OK && p2->p_vmspace != vm1 ==> p2->p_vmspace->vm_ref.rc_count == 1;
    ensures \result == VC_OK ==> fork_made_unheld(procs, n, fa);
    ensures \result != VC_OK ==>
      vm1->vm_ref.rc_count == \old(vm1->vm_ref.rc_count) &&
      p1->p_lock.rc_count == \old(p1->p_lock.rc_count) &&
      p2->p_vmspace == \null;
    ensures \result != VC_OK ==> TIDS_BLANK(&p2->p_tids);
    behavior share:
      assumes fork_shares_vm(flags) == 1;
    behavior copy:
      assumes fork_shares_vm(flags) == 0;
    complete behaviors;
    disjoint behaviors;
 */
static int fork_build_vm(const struct fork_args* fa, struct proc_core* p1, struct proc_core* p2,
                         struct vmspace* vm1, unsigned int flags)
/*@ ghost (struct proc_core** procs, int n) */ {
  int error = fork_take_vmspace(fa, p2, vm1, flags) /*@ ghost (procs, n) */;
  if (error != VC_OK) return error;
  struct tidnode* lwp = fork_lwp_alloc(fa);
  if (lwp == VC_NULL) {
    fork_drop_vmspace(fa, p2, vm1, flags);
    return VC_ENOMEM;
  }
  /* Nothing can fail from here on. Hold the parent until start_forked_proc
   * (the seed's PHOLD), and give the LWP the first TID, 0. */
  proc_hold(p1);
  /*@ assert !tid_in_use(&p2->p_tids.p_lwps, 0); */
  int tid = lwp_tid_alloc_locked(&p2->p_tids, lwp);
  /*@ assert tid != 0 ==> tid_skipped(-1, 0, tid); */
  /*@ assert tid == 0; */
  (void)tid;
  /* Only now, with its TID set complete, may signals and wait4 find it. */
  fork_publish(fa) /*@ ghost (procs, n) */;
  return VC_OK;
}

/* Step 5, then step 6 onwards; undoes step 5 if those fail. */
/*@ requires \valid_read(fa) && fa->fa_p1 == p1;
    requires \valid(p1) && 0 <= p1->p_lock.rc_count < REFCOUNT_MAX;
    requires p1->p_fd == fd1 && p1->p_fdtol == fdtol1 && p1->p_vmspace == vm1;
    requires \valid(p2) && TIDS_BLANK(&p2->p_tids);
    requires p2->p_fd == \null && p2->p_fdtol == \null && p2->p_vmspace == \null;
    requires \valid(fd1) && REFCOUNT_HOLDABLE(&fd1->fd_ref);
    requires fork_shares_fd(flags) == 1 ==>
               \valid(fdtol1) && REFCOUNT_HOLDABLE(&fdtol1->fdl_ref);
    requires \valid(vm1) && REFCOUNT_HOLDABLE(&vm1->vm_ref);
    requires \base_addr(fa) != \base_addr(p1) && \base_addr(fa) != \base_addr(p2) &&
             \base_addr(fa) != \base_addr(fd1) && \base_addr(fa) != \base_addr(vm1) &&
             \base_addr(p1) != \base_addr(p2) && \base_addr(p1) != \base_addr(fd1) &&
             \base_addr(p1) != \base_addr(vm1) && \base_addr(p2) != \base_addr(fd1) &&
             \base_addr(p2) != \base_addr(vm1) && \base_addr(fd1) != \base_addr(vm1);
    requires fdtol1 != \null ==>
             \base_addr(fdtol1) != \base_addr(fa) &&
             \base_addr(fdtol1) != \base_addr(p1) &&
             \base_addr(fdtol1) != \base_addr(p2) &&
             \base_addr(fdtol1) != \base_addr(fd1) &&
             \base_addr(fdtol1) != \base_addr(vm1);
    requires fa->fa_p2 == p2 && fa->fa_flags == flags;
    requires vc_fork_made == fork_new_sig(flags);
    requires (flags & VC_RFPGLOCK) != 0 ==> vc_pgrp_held == p1->p_pgrp;
    requires vc_fork_alloc_failed == 0;
    assigns fd1->fd_ref.rc_count, fdtol1->fdl_ref.rc_count, vm1->vm_ref.rc_count,
            p1->p_lock.rc_count, p2->p_fd, p2->p_fdtol, p2->p_vmspace,
            p2->p_tids.p_lasttid, p2->p_tids.p_nthreads, p2->p_tids.p_lwps.ts_tree,
            vc_fork_made, vc_fork_alloc_failed;
    ensures \result == VC_OK || \result == VC_ENOMEM;
    ensures vc_fork_alloc_failed == (\result == VC_ENOMEM ? 1 : 0);
    ensures vc_fork_made == (\result == VC_OK ? 0 : \old(vc_fork_made));
    ensures \result == VC_OK ==>
      fd1->fd_ref.rc_count == \old(fd1->fd_ref.rc_count) + fork_shares_fd(flags);
    ensures \result == VC_OK && fdtol1 != \null ==>
      fdtol1->fdl_ref.rc_count == \old(fdtol1->fdl_ref.rc_count) + fork_shares_fdtol(flags);
    ensures \result == VC_OK ==>
      vm1->vm_ref.rc_count == \old(vm1->vm_ref.rc_count) + fork_shares_vm(flags);
    ensures \result == VC_OK ==>
      p1->p_lock.rc_count == \old(p1->p_lock.rc_count) + 1;
    ensures \result == VC_OK ==>
      p2->p_fd != \null && (p2->p_fd == fd1 <==> fork_shares_fd(flags) == 1);
    ensures \result == VC_OK ==>
      (fork_shares_fd(flags) == 1 ==>
         p2->p_fdtol != \null &&
         (p2->p_fdtol == fdtol1 <==> fork_shares_fdtol(flags) == 1)) &&
      (fork_shares_fd(flags) == 0 ==> p2->p_fdtol == \null);
    ensures \result == VC_OK ==>
      p2->p_vmspace != \null &&
      (p2->p_vmspace == vm1 <==> fork_shares_vm(flags) == 1);
    ensures \result == VC_OK ==> fork_first_lwp(&p2->p_tids);
    // What is new has one reference, the child's, and no other process has it.
    ensures \result == VC_OK && p2->p_fd != fd1 ==> p2->p_fd->fd_ref.rc_count == 1;
    ensures \result == VC_OK && p2->p_fdtol != \null && p2->p_fdtol != fdtol1 ==>
      p2->p_fdtol->fdl_ref.rc_count == 1;
    ensures \result == VC_OK && p2->p_vmspace != vm1 ==> p2->p_vmspace->vm_ref.rc_count == 1;
    ensures \result == VC_OK ==> fork_made_unheld(procs, n, fa);
    ensures \result != VC_OK ==>
      fd1->fd_ref.rc_count == \old(fd1->fd_ref.rc_count) &&
      (fdtol1 != \null ==> fdtol1->fdl_ref.rc_count == \old(fdtol1->fdl_ref.rc_count)) &&
      vm1->vm_ref.rc_count == \old(vm1->vm_ref.rc_count) &&
      p1->p_lock.rc_count == \old(p1->p_lock.rc_count) &&
      p2->p_fd == \null &&
      p2->p_fdtol == \null &&
      p2->p_vmspace == \null;
    ensures \result != VC_OK ==> TIDS_BLANK(&p2->p_tids);
    behavior empty:
      assumes (flags & VC_RFCFDG) != 0;
    behavior copy:
      assumes (flags & VC_RFCFDG) == 0 && (flags & VC_RFFDG) != 0;
    behavior shared_leader:
      assumes fork_shares_fd(flags) == 1 && (flags & VC_RFTHREAD) != 0;
    behavior own_leader:
      assumes fork_shares_fd(flags) == 1 && (flags & VC_RFTHREAD) == 0;
    complete behaviors;
    disjoint behaviors;
 */
static int fork_build_fd(const struct fork_args* fa, struct proc_core* p1, struct proc_core* p2,
                         struct filedesc* fd1, struct fdtol* fdtol1, struct vmspace* vm1,
                         unsigned int flags) /*@ ghost (struct proc_core** procs, int n) */ {
  int error = fork_take_fd(fa, p2, fd1, fdtol1, flags) /*@ ghost (procs, n) */;
  if (error != VC_OK) return error;
  error = fork_build_vm(fa, p1, p2, vm1, flags) /*@ ghost (procs, n) */;
  if (error != VC_OK) fork_drop_fd(fa, p2, fd1, fdtol1, flags);
  return error;
}

/* Step 4, then step 5 onwards; undoes step 4 if those fail. */
/*@ requires \valid_read(fa) && fa->fa_p1 == p1;
    requires \valid(p1) && 0 <= p1->p_lock.rc_count < REFCOUNT_MAX;
    requires p1->p_sigacts == ps1 && p1->p_fd == fd1 && p1->p_fdtol == fdtol1 &&
             p1->p_vmspace == vm1;
    requires \valid(p2) && TIDS_BLANK(&p2->p_tids);
    requires p2->p_sigacts == \null && p2->p_fd == \null && p2->p_fdtol == \null &&
             p2->p_vmspace == \null;
    requires \valid(ps1) && REFCOUNT_HOLDABLE(&ps1->ps_ref);
    requires \valid(fd1) && REFCOUNT_HOLDABLE(&fd1->fd_ref);
    requires fork_shares_fd(flags) == 1 ==>
               \valid(fdtol1) && REFCOUNT_HOLDABLE(&fdtol1->fdl_ref);
    requires \valid(vm1) && REFCOUNT_HOLDABLE(&vm1->vm_ref);
    requires \base_addr(fa) != \base_addr(p1) && \base_addr(fa) != \base_addr(p2) &&
             \base_addr(fa) != \base_addr(ps1) && \base_addr(fa) != \base_addr(fd1) &&
             \base_addr(fa) != \base_addr(vm1) && \base_addr(p1) != \base_addr(p2) &&
             \base_addr(p1) != \base_addr(ps1) && \base_addr(p1) != \base_addr(fd1) &&
             \base_addr(p1) != \base_addr(vm1) && \base_addr(p2) != \base_addr(ps1) &&
             \base_addr(p2) != \base_addr(fd1) && \base_addr(p2) != \base_addr(vm1) &&
             \base_addr(ps1) != \base_addr(fd1) && \base_addr(ps1) != \base_addr(vm1) &&
             \base_addr(fd1) != \base_addr(vm1);
    requires fdtol1 != \null ==>
             \base_addr(fdtol1) != \base_addr(fa) &&
             \base_addr(fdtol1) != \base_addr(p1) &&
             \base_addr(fdtol1) != \base_addr(p2) &&
             \base_addr(fdtol1) != \base_addr(ps1) &&
             \base_addr(fdtol1) != \base_addr(fd1) &&
             \base_addr(fdtol1) != \base_addr(vm1);
    requires fa->fa_p2 == p2 && fa->fa_flags == flags;
    requires vc_fork_made == 0;
    requires (flags & VC_RFPGLOCK) != 0 ==> vc_pgrp_held == p1->p_pgrp;
    requires vc_fork_alloc_failed == 0;
    assigns ps1->ps_ref.rc_count, fd1->fd_ref.rc_count, fdtol1->fdl_ref.rc_count,
            vm1->vm_ref.rc_count, p1->p_lock.rc_count, p2->p_sigacts, p2->p_fd,
            p2->p_fdtol, p2->p_vmspace, p2->p_tids.p_lasttid, p2->p_tids.p_nthreads,
            p2->p_tids.p_lwps.ts_tree, vc_fork_made, vc_fork_alloc_failed;
    ensures \result == VC_OK || \result == VC_ENOMEM;
    ensures vc_fork_alloc_failed == (\result == VC_ENOMEM ? 1 : 0);
    ensures vc_fork_made == 0;
    ensures \result == VC_OK ==>
      ps1->ps_ref.rc_count == \old(ps1->ps_ref.rc_count) + fork_shares_sig(flags);
    ensures \result == VC_OK ==>
      fd1->fd_ref.rc_count == \old(fd1->fd_ref.rc_count) + fork_shares_fd(flags);
    ensures \result == VC_OK && fdtol1 != \null ==>
      fdtol1->fdl_ref.rc_count == \old(fdtol1->fdl_ref.rc_count) + fork_shares_fdtol(flags);
    ensures \result == VC_OK ==>
      vm1->vm_ref.rc_count == \old(vm1->vm_ref.rc_count) + fork_shares_vm(flags);
    ensures \result == VC_OK ==>
      p1->p_lock.rc_count == \old(p1->p_lock.rc_count) + 1;
    ensures \result == VC_OK ==>
      p2->p_sigacts != \null &&
      (p2->p_sigacts == ps1 <==> fork_shares_sig(flags) == 1);
    ensures \result == VC_OK ==>
      p2->p_fd != \null && (p2->p_fd == fd1 <==> fork_shares_fd(flags) == 1);
    ensures \result == VC_OK ==>
      (fork_shares_fd(flags) == 1 ==>
         p2->p_fdtol != \null &&
         (p2->p_fdtol == fdtol1 <==> fork_shares_fdtol(flags) == 1)) &&
      (fork_shares_fd(flags) == 0 ==> p2->p_fdtol == \null);
    ensures \result == VC_OK ==>
      p2->p_vmspace != \null &&
      (p2->p_vmspace == vm1 <==> fork_shares_vm(flags) == 1);
    ensures \result == VC_OK ==> fork_first_lwp(&p2->p_tids);
    ensures \result != VC_OK ==>
      ps1->ps_ref.rc_count == \old(ps1->ps_ref.rc_count) &&
      fd1->fd_ref.rc_count == \old(fd1->fd_ref.rc_count) &&
      (fdtol1 != \null ==> fdtol1->fdl_ref.rc_count == \old(fdtol1->fdl_ref.rc_count)) &&
      vm1->vm_ref.rc_count == \old(vm1->vm_ref.rc_count) &&
      p1->p_lock.rc_count == \old(p1->p_lock.rc_count) &&
      p2->p_sigacts == \null &&
      p2->p_fd == \null &&
      p2->p_fdtol == \null &&
      p2->p_vmspace == \null;
    ensures \result != VC_OK ==> TIDS_BLANK(&p2->p_tids);
    FORK_MADE_SINGLE(p2, ps1, fd1, fdtol1, vm1)
    ensures \result == VC_OK ==> fork_made_unheld(procs, n, fa);
    behavior share:
      assumes fork_shares_sig(flags) == 1;
    behavior copy:
      assumes fork_shares_sig(flags) == 0;
    complete behaviors;
    disjoint behaviors;
 */
static int fork_build_sigacts(const struct fork_args* fa, struct proc_core* p1,
                              struct proc_core* p2, struct sigacts* ps1, struct filedesc* fd1,
                              struct fdtol* fdtol1, struct vmspace* vm1, unsigned int flags)
/*@ ghost (struct proc_core** procs, int n) */ {
  int error = fork_take_sigacts(fa, p2, ps1, flags) /*@ ghost (procs, n) */;
  if (error != VC_OK) return error;
  error = fork_build_fd(fa, p1, p2, fd1, fdtol1, vm1, flags) /*@ ghost (procs, n) */;
  if (error != VC_OK) fork_drop_sigacts(fa, p2, ps1, flags);
  return error;
}

/* Step 3 (the references every child holds and its leader), then step 4
 * onwards; undoes step 3 if those fail. */
/*@ requires \valid_read(fa) && fa->fa_p1 == p1;
    requires \valid(p1) && 0 <= p1->p_lock.rc_count < REFCOUNT_MAX;
    requires p1->p_limit == lim && p1->p_pgrp == pg && p1->p_args == args &&
             p1->p_sigacts == ps1 && p1->p_fd == fd1 && p1->p_fdtol == fdtol1 &&
             p1->p_vmspace == vm1;
    requires \valid(p2) && TIDS_BLANK(&p2->p_tids);
    requires p2->p_ucred == \null && p2->p_uidinfo == \null && p2->p_limit == \null &&
             p2->p_pgrp == \null && p2->p_args == \null && p2->p_leader == \null &&
             p2->p_sigacts == \null && p2->p_fd == \null && p2->p_fdtol == \null &&
             p2->p_vmspace == \null;
    requires \valid(cr) && REFCOUNT_HOLDABLE(&cr->cr_ref);
    requires \valid(uip) && REFCOUNT_HOLDABLE(&uip->ui_ref);
    requires \valid(lim) && REFCOUNT_HOLDABLE(&lim->pl_ref);
    requires \valid(pg) && REFCOUNT_HOLDABLE(&pg->pg_ref);
    requires args != \null ==>
               \valid(args) && REFCOUNT_HOLDABLE(&args->ar_ref);
    requires \valid(ps1) && REFCOUNT_HOLDABLE(&ps1->ps_ref);
    requires \valid(fd1) && REFCOUNT_HOLDABLE(&fd1->fd_ref);
    requires fork_shares_fd(flags) == 1 ==>
               \valid(fdtol1) && REFCOUNT_HOLDABLE(&fdtol1->fdl_ref);
    requires \valid(vm1) && REFCOUNT_HOLDABLE(&vm1->vm_ref);
    requires \base_addr(fa) != \base_addr(p1) && \base_addr(fa) != \base_addr(p2) &&
             \base_addr(fa) != \base_addr(cr) && \base_addr(fa) != \base_addr(uip) &&
             \base_addr(fa) != \base_addr(lim) && \base_addr(fa) != \base_addr(pg) &&
             \base_addr(fa) != \base_addr(ps1) && \base_addr(fa) != \base_addr(fd1) &&
             \base_addr(fa) != \base_addr(vm1) && \base_addr(p1) != \base_addr(p2) &&
             \base_addr(p1) != \base_addr(cr) && \base_addr(p1) != \base_addr(uip) &&
             \base_addr(p1) != \base_addr(lim) && \base_addr(p1) != \base_addr(pg) &&
             \base_addr(p1) != \base_addr(ps1) && \base_addr(p1) != \base_addr(fd1) &&
             \base_addr(p1) != \base_addr(vm1) && \base_addr(p2) != \base_addr(cr) &&
             \base_addr(p2) != \base_addr(uip) && \base_addr(p2) != \base_addr(lim) &&
             \base_addr(p2) != \base_addr(pg) && \base_addr(p2) != \base_addr(ps1) &&
             \base_addr(p2) != \base_addr(fd1) && \base_addr(p2) != \base_addr(vm1) &&
             \base_addr(cr) != \base_addr(uip) && \base_addr(cr) != \base_addr(lim) &&
             \base_addr(cr) != \base_addr(pg) && \base_addr(cr) != \base_addr(ps1) &&
             \base_addr(cr) != \base_addr(fd1) && \base_addr(cr) != \base_addr(vm1) &&
             \base_addr(uip) != \base_addr(lim) && \base_addr(uip) != \base_addr(pg) &&
             \base_addr(uip) != \base_addr(ps1) && \base_addr(uip) != \base_addr(fd1) &&
             \base_addr(uip) != \base_addr(vm1) && \base_addr(lim) != \base_addr(pg) &&
             \base_addr(lim) != \base_addr(ps1) && \base_addr(lim) != \base_addr(fd1) &&
             \base_addr(lim) != \base_addr(vm1) && \base_addr(pg) != \base_addr(ps1) &&
             \base_addr(pg) != \base_addr(fd1) && \base_addr(pg) != \base_addr(vm1) &&
             \base_addr(ps1) != \base_addr(fd1) && \base_addr(ps1) != \base_addr(vm1) &&
             \base_addr(fd1) != \base_addr(vm1);
    requires args != \null ==>
             \base_addr(args) != \base_addr(fa) && \base_addr(args) != \base_addr(p1) &&
             \base_addr(args) != \base_addr(p2) && \base_addr(args) != \base_addr(cr) &&
             \base_addr(args) != \base_addr(uip) && \base_addr(args) != \base_addr(lim) &&
             \base_addr(args) != \base_addr(pg) && \base_addr(args) != \base_addr(ps1) &&
             \base_addr(args) != \base_addr(fd1) && \base_addr(args) != \base_addr(vm1);
    requires fdtol1 != \null ==>
             \base_addr(fdtol1) != \base_addr(fa) &&
             \base_addr(fdtol1) != \base_addr(p1) &&
             \base_addr(fdtol1) != \base_addr(p2) &&
             \base_addr(fdtol1) != \base_addr(cr) &&
             \base_addr(fdtol1) != \base_addr(uip) &&
             \base_addr(fdtol1) != \base_addr(lim) &&
             \base_addr(fdtol1) != \base_addr(pg) &&
             \base_addr(fdtol1) != \base_addr(ps1) &&
             \base_addr(fdtol1) != \base_addr(fd1) &&
             \base_addr(fdtol1) != \base_addr(vm1);
    requires args != \null && fdtol1 != \null ==> \base_addr(args) != \base_addr(fdtol1);
    requires fa->fa_p2 == p2 && fa->fa_flags == flags;
    requires vc_fork_made == 0;
    requires (flags & VC_RFPGLOCK) != 0 ==> vc_pgrp_held == pg;
    requires vc_fork_alloc_failed == 0;
    assigns cr->cr_ref.rc_count, uip->ui_ref.rc_count, lim->pl_ref.rc_count,
            pg->pg_ref.rc_count, args->ar_ref.rc_count, ps1->ps_ref.rc_count,
            fd1->fd_ref.rc_count, fdtol1->fdl_ref.rc_count, vm1->vm_ref.rc_count,
            p1->p_lock.rc_count, p2->p_ucred, p2->p_uidinfo, p2->p_limit, p2->p_pgrp,
            p2->p_args, p2->p_leader, p2->p_sigacts, p2->p_fd, p2->p_fdtol,
            p2->p_vmspace, p2->p_tids.p_lasttid, p2->p_tids.p_nthreads,
            p2->p_tids.p_lwps.ts_tree, vc_fork_made, vc_fork_alloc_failed;
    ensures \result == VC_OK || \result == VC_ENOMEM;
    ensures vc_fork_alloc_failed == (\result == VC_ENOMEM ? 1 : 0);
    ensures vc_fork_made == 0;
    ensures \result == VC_OK ==>
      cr->cr_ref.rc_count == \old(cr->cr_ref.rc_count) + 1;
    ensures \result == VC_OK ==>
      uip->ui_ref.rc_count == \old(uip->ui_ref.rc_count) + 1;
    ensures \result == VC_OK ==>
      lim->pl_ref.rc_count == \old(lim->pl_ref.rc_count) + 1;
    ensures \result == VC_OK ==>
      pg->pg_ref.rc_count == \old(pg->pg_ref.rc_count) + 1;
    ensures \result == VC_OK && args != \null ==>
      args->ar_ref.rc_count == \old(args->ar_ref.rc_count) + 1;
    ensures \result == VC_OK ==>
      ps1->ps_ref.rc_count == \old(ps1->ps_ref.rc_count) + fork_shares_sig(flags);
    ensures \result == VC_OK ==>
      fd1->fd_ref.rc_count == \old(fd1->fd_ref.rc_count) + fork_shares_fd(flags);
    ensures \result == VC_OK && fdtol1 != \null ==>
      fdtol1->fdl_ref.rc_count == \old(fdtol1->fdl_ref.rc_count) + fork_shares_fdtol(flags);
    ensures \result == VC_OK ==>
      vm1->vm_ref.rc_count == \old(vm1->vm_ref.rc_count) + fork_shares_vm(flags);
    ensures \result == VC_OK ==>
      p1->p_lock.rc_count == \old(p1->p_lock.rc_count) + 1;
    ensures \result == VC_OK ==>
      p2->p_ucred == cr && p2->p_uidinfo == uip && p2->p_limit == lim &&
      p2->p_pgrp == pg && p2->p_args == args;
    ensures \result == VC_OK ==>
      p2->p_leader ==
        ((flags & VC_RFTHREAD) != 0 ? \old(p1->p_leader) : p2);
    ensures \result == VC_OK ==>
      p2->p_sigacts != \null &&
      (p2->p_sigacts == ps1 <==> fork_shares_sig(flags) == 1);
    ensures \result == VC_OK ==>
      p2->p_fd != \null && (p2->p_fd == fd1 <==> fork_shares_fd(flags) == 1);
    ensures \result == VC_OK ==>
      (fork_shares_fd(flags) == 1 ==>
         p2->p_fdtol != \null &&
         (p2->p_fdtol == fdtol1 <==> fork_shares_fdtol(flags) == 1)) &&
      (fork_shares_fd(flags) == 0 ==> p2->p_fdtol == \null);
    ensures \result == VC_OK ==>
      p2->p_vmspace != \null &&
      (p2->p_vmspace == vm1 <==> fork_shares_vm(flags) == 1);
    ensures \result == VC_OK ==> fork_first_lwp(&p2->p_tids);
    ensures \result != VC_OK ==>
      cr->cr_ref.rc_count == \old(cr->cr_ref.rc_count) &&
      uip->ui_ref.rc_count == \old(uip->ui_ref.rc_count) &&
      lim->pl_ref.rc_count == \old(lim->pl_ref.rc_count) &&
      pg->pg_ref.rc_count == \old(pg->pg_ref.rc_count) &&
      (args != \null ==> args->ar_ref.rc_count == \old(args->ar_ref.rc_count)) &&
      ps1->ps_ref.rc_count == \old(ps1->ps_ref.rc_count) &&
      fd1->fd_ref.rc_count == \old(fd1->fd_ref.rc_count) &&
      (fdtol1 != \null ==> fdtol1->fdl_ref.rc_count == \old(fdtol1->fdl_ref.rc_count)) &&
      vm1->vm_ref.rc_count == \old(vm1->vm_ref.rc_count) &&
      p1->p_lock.rc_count == \old(p1->p_lock.rc_count) &&
      p2->p_ucred == \null &&
      p2->p_uidinfo == \null &&
      p2->p_limit == \null &&
      p2->p_pgrp == \null &&
      p2->p_args == \null &&
      p2->p_leader == \null &&
      p2->p_sigacts == \null &&
      p2->p_fd == \null &&
      p2->p_fdtol == \null &&
      p2->p_vmspace == \null;
    ensures \result != VC_OK ==> TIDS_BLANK(&p2->p_tids);
    FORK_MADE_SINGLE(p2, ps1, fd1, fdtol1, vm1)
    ensures \result == VC_OK ==> fork_made_unheld(procs, n, fa);
    behavior thread:
      assumes (flags & VC_RFTHREAD) != 0;
    behavior own_leader:
      assumes (flags & VC_RFTHREAD) == 0;
    complete behaviors;
    disjoint behaviors;
 */
static int fork_build_child(const struct fork_args* fa, struct proc_core* p1, struct proc_core* p2,
                            struct ucred* cr, struct uidinfo* uip, struct plimit* lim,
                            struct pgrp* pg, struct pargs* args, struct sigacts* ps1,
                            struct filedesc* fd1, struct fdtol* fdtol1, struct vmspace* vm1,
                            unsigned int flags) /*@ ghost (struct proc_core** procs, int n) */ {
  p2->p_leader = (flags & VC_RFTHREAD) != 0 ? p1->p_leader : p2;
  fork_hold_common(p2, cr, uip, lim, pg, args);
  int error = fork_build_sigacts(fa, p1, p2, ps1, fd1, fdtol1, vm1, flags) /*@ ghost (procs, n) */;
  if (error != VC_OK) {
    fork_drop_common(p2, cr, uip, lim, pg, args);
    p2->p_leader = VC_NULL;
  }
  return error;
}

/* Steps 1 and 2: a process slot (non-root users may not take the last ones)
 * and a slot in the real uid's count, against `limit` (VC_RLIM_INFINITY = none). */
/*@ requires PROCCOUNT_OK(pc) && UIDINFO_OK(uip);
    requires \base_addr(pc) != \base_addr(uip);
    assigns pc->nprocs, uip->ui_proccnt;
    ensures PROCCOUNT_OK(pc) && UIDINFO_OK(uip);
    behavior table_full:
      assumes !nprocs_room(pc, uid);
      ensures \result == VC_EAGAIN;
      ensures pc->nprocs == \old(pc->nprocs) && uip->ui_proccnt == \old(uip->ui_proccnt);
    behavior uid_limit:
      assumes nprocs_room(pc, uid) && !proccnt_fits(uip, 1, limit);
      ensures \result == VC_EAGAIN;
      ensures nothing_taken: pc->nprocs == \old(pc->nprocs) && uip->ui_proccnt == \old(uip->ui_proccnt);
    behavior granted:
      assumes nprocs_room(pc, uid) && proccnt_fits(uip, 1, limit);
      ensures \result == VC_OK;
      ensures pc->nprocs == \old(pc->nprocs) + 1;
      ensures uip->ui_proccnt == \old(uip->ui_proccnt) + 1;
    complete behaviors;
    disjoint behaviors;
 */
static int fork_take_slots(struct proccount* pc, struct uidinfo* uip, vc_uid_t uid,
                           unsigned long long limit) {
  int error = nprocs_reserve(pc, uid);
  if (error != VC_OK) return error;
  if (!chgproccnt(uip, 1, limit)) {
    nprocs_release(pc);
    return VC_EAGAIN;
  }
  return VC_OK;
}

/* Undo steps 1 and 2. */
/*@ requires PROCCOUNT_OK(pc) && pc->nprocs >= 1;
    requires UIDINFO_OK(uip) && uip->ui_proccnt >= 1;
    requires \base_addr(pc) != \base_addr(uip);
    assigns pc->nprocs, uip->ui_proccnt;
    ensures PROCCOUNT_OK(pc) && UIDINFO_OK(uip);
    ensures pc->nprocs == \old(pc->nprocs) - 1;
    ensures uip->ui_proccnt == \old(uip->ui_proccnt) - 1;
 */
static void fork_drop_slots(struct proccount* pc, struct uidinfo* uip) {
  /* Lowering a count cannot be refused (chgproccnt's "lower" behavior). */
  (void)chgproccnt(uip, -1, VC_RLIM_INFINITY);
  nprocs_release(pc);
}

/* fork1 on the objects its fork_args designates, named one by one. */
/*@ requires \valid_read(fa) && fa->fa_p1 == p1;
    requires fa->fa_p2 == p2 && fa->fa_flags == flags;
    requires vc_fork_made == 0 && vc_pgrp_held == \null;
    requires \valid(p1) && 0 <= p1->p_lock.rc_count < REFCOUNT_MAX;
    requires p1->p_limit == lim && p1->p_pgrp == pg && p1->p_args == args &&
             p1->p_sigacts == ps1 && p1->p_fd == fd1 && p1->p_fdtol == fdtol1 &&
             p1->p_vmspace == vm1;
    requires \valid(p2) && TIDS_BLANK(&p2->p_tids);
    requires p2->p_ucred == \null && p2->p_uidinfo == \null && p2->p_limit == \null &&
             p2->p_pgrp == \null && p2->p_args == \null && p2->p_leader == \null &&
             p2->p_sigacts == \null && p2->p_fd == \null && p2->p_fdtol == \null &&
             p2->p_vmspace == \null;
    requires \valid(cr) && REFCOUNT_HOLDABLE(&cr->cr_ref);
    requires \valid(uip) && REFCOUNT_HOLDABLE(&uip->ui_ref);
    requires \valid(lim) && REFCOUNT_HOLDABLE(&lim->pl_ref);
    requires \valid(pg) && REFCOUNT_HOLDABLE(&pg->pg_ref);
    requires args != \null ==>
               \valid(args) && REFCOUNT_HOLDABLE(&args->ar_ref);
    requires \valid(ps1) && REFCOUNT_HOLDABLE(&ps1->ps_ref);
    requires \valid(fd1) && REFCOUNT_HOLDABLE(&fd1->fd_ref);
    requires fork_shares_fd(flags) == 1 ==>
               \valid(fdtol1) && REFCOUNT_HOLDABLE(&fdtol1->fdl_ref);
    requires \valid(vm1) && REFCOUNT_HOLDABLE(&vm1->vm_ref);
    requires PROCCOUNT_OK(pc) && UIDINFO_OK(uip);
    requires p2->p_lock.rc_count == 0;
    requires \base_addr(pc) != \base_addr(fa) && \base_addr(pc) != \base_addr(p1) && \base_addr(pc) != \base_addr(p2) && \base_addr(pc) != \base_addr(cr) && \base_addr(pc) != \base_addr(uip) && \base_addr(pc) != \base_addr(lim) && \base_addr(pc) != \base_addr(pg) && \base_addr(pc) != \base_addr(ps1) && \base_addr(pc) != \base_addr(fd1) && \base_addr(pc) != \base_addr(vm1);
    requires args != \null ==> \base_addr(pc) != \base_addr(args);
    requires fdtol1 != \null ==> \base_addr(pc) != \base_addr(fdtol1);
    requires \base_addr(fa) != \base_addr(p1) && \base_addr(fa) != \base_addr(p2) &&
             \base_addr(fa) != \base_addr(cr) && \base_addr(fa) != \base_addr(uip) &&
             \base_addr(fa) != \base_addr(lim) && \base_addr(fa) != \base_addr(pg) &&
             \base_addr(fa) != \base_addr(ps1) && \base_addr(fa) != \base_addr(fd1) &&
             \base_addr(fa) != \base_addr(vm1) && \base_addr(p1) != \base_addr(p2) &&
             \base_addr(p1) != \base_addr(cr) && \base_addr(p1) != \base_addr(uip) &&
             \base_addr(p1) != \base_addr(lim) && \base_addr(p1) != \base_addr(pg) &&
             \base_addr(p1) != \base_addr(ps1) && \base_addr(p1) != \base_addr(fd1) &&
             \base_addr(p1) != \base_addr(vm1) && \base_addr(p2) != \base_addr(cr) &&
             \base_addr(p2) != \base_addr(uip) && \base_addr(p2) != \base_addr(lim) &&
             \base_addr(p2) != \base_addr(pg) && \base_addr(p2) != \base_addr(ps1) &&
             \base_addr(p2) != \base_addr(fd1) && \base_addr(p2) != \base_addr(vm1) &&
             \base_addr(cr) != \base_addr(uip) && \base_addr(cr) != \base_addr(lim) &&
             \base_addr(cr) != \base_addr(pg) && \base_addr(cr) != \base_addr(ps1) &&
             \base_addr(cr) != \base_addr(fd1) && \base_addr(cr) != \base_addr(vm1) &&
             \base_addr(uip) != \base_addr(lim) && \base_addr(uip) != \base_addr(pg) &&
             \base_addr(uip) != \base_addr(ps1) && \base_addr(uip) != \base_addr(fd1) &&
             \base_addr(uip) != \base_addr(vm1) && \base_addr(lim) != \base_addr(pg) &&
             \base_addr(lim) != \base_addr(ps1) && \base_addr(lim) != \base_addr(fd1) &&
             \base_addr(lim) != \base_addr(vm1) && \base_addr(pg) != \base_addr(ps1) &&
             \base_addr(pg) != \base_addr(fd1) && \base_addr(pg) != \base_addr(vm1) &&
             \base_addr(ps1) != \base_addr(fd1) && \base_addr(ps1) != \base_addr(vm1) &&
             \base_addr(fd1) != \base_addr(vm1);
    requires args != \null ==>
             \base_addr(args) != \base_addr(fa) && \base_addr(args) != \base_addr(p1) &&
             \base_addr(args) != \base_addr(p2) && \base_addr(args) != \base_addr(cr) &&
             \base_addr(args) != \base_addr(uip) && \base_addr(args) != \base_addr(lim) &&
             \base_addr(args) != \base_addr(pg) && \base_addr(args) != \base_addr(ps1) &&
             \base_addr(args) != \base_addr(fd1) && \base_addr(args) != \base_addr(vm1);
    requires fdtol1 != \null ==>
             \base_addr(fdtol1) != \base_addr(fa) &&
             \base_addr(fdtol1) != \base_addr(p1) &&
             \base_addr(fdtol1) != \base_addr(p2) &&
             \base_addr(fdtol1) != \base_addr(cr) &&
             \base_addr(fdtol1) != \base_addr(uip) &&
             \base_addr(fdtol1) != \base_addr(lim) &&
             \base_addr(fdtol1) != \base_addr(pg) &&
             \base_addr(fdtol1) != \base_addr(ps1) &&
             \base_addr(fdtol1) != \base_addr(fd1) &&
             \base_addr(fdtol1) != \base_addr(vm1);
    requires args != \null && fdtol1 != \null ==> \base_addr(args) != \base_addr(fdtol1);
    assigns pc->nprocs, uip->ui_proccnt, cr->cr_ref.rc_count, uip->ui_ref.rc_count, lim->pl_ref.rc_count,
            pg->pg_ref.rc_count, args->ar_ref.rc_count, ps1->ps_ref.rc_count,
            fd1->fd_ref.rc_count, fdtol1->fdl_ref.rc_count, vm1->vm_ref.rc_count,
            p1->p_lock.rc_count, p2->p_ucred, p2->p_uidinfo, p2->p_limit, p2->p_pgrp,
            p2->p_args, p2->p_leader, p2->p_sigacts, p2->p_fd, p2->p_fdtol,
            p2->p_vmspace, p2->p_tids.p_lasttid, p2->p_tids.p_nthreads,
            p2->p_tids.p_lwps.ts_tree, vc_fork_made, vc_pgrp_held, vc_fork_signal_seen,
            vc_fork_alloc_failed;
    ensures PROCCOUNT_OK(pc);
    ensures UIDINFO_OK(uip);
    ensures p2->p_lock.rc_count == 0;
    ensures vc_fork_made == 0;
    ensures group_unlocked: vc_pgrp_held == \null;
    ensures \result == VC_ERESTART ==> (flags & VC_RFPGLOCK) != 0;
    ensures restart_iff_signal: \result == VC_ERESTART <==> vc_fork_signal_seen == 1;
    // ENOMEM exactly when an allocating step failed.
    ensures \result == VC_ENOMEM <==> vc_fork_alloc_failed == 1;
    ensures \result == VC_OK ==> pc->nprocs == \old(pc->nprocs) + 1;
    ensures \result == VC_OK ==> uip->ui_proccnt == \old(uip->ui_proccnt) + 1;
    ensures \result == VC_OK ==>
      cr->cr_ref.rc_count == \old(cr->cr_ref.rc_count) + 1;
    ensures \result == VC_OK ==>
      uip->ui_ref.rc_count == \old(uip->ui_ref.rc_count) + 1;
    ensures \result == VC_OK ==>
      lim->pl_ref.rc_count == \old(lim->pl_ref.rc_count) + 1;
    ensures \result == VC_OK ==>
      pg->pg_ref.rc_count == \old(pg->pg_ref.rc_count) + 1;
    ensures \result == VC_OK && args != \null ==>
      args->ar_ref.rc_count == \old(args->ar_ref.rc_count) + 1;
    ensures \result == VC_OK ==>
      ps1->ps_ref.rc_count == \old(ps1->ps_ref.rc_count) + fork_shares_sig(flags);
    ensures \result == VC_OK ==>
      fd1->fd_ref.rc_count == \old(fd1->fd_ref.rc_count) + fork_shares_fd(flags);
    ensures \result == VC_OK && fdtol1 != \null ==>
      fdtol1->fdl_ref.rc_count == \old(fdtol1->fdl_ref.rc_count) + fork_shares_fdtol(flags);
    ensures \result == VC_OK ==>
      vm1->vm_ref.rc_count == \old(vm1->vm_ref.rc_count) + fork_shares_vm(flags);
    ensures \result == VC_OK ==>
      p1->p_lock.rc_count == \old(p1->p_lock.rc_count) + 1;
    ensures \result == VC_OK ==>
      p2->p_ucred == cr && p2->p_uidinfo == uip && p2->p_limit == lim &&
      p2->p_pgrp == pg && p2->p_args == args;
    ensures \result == VC_OK ==>
      p2->p_leader ==
        ((flags & VC_RFTHREAD) != 0 ? \old(p1->p_leader) : p2);
    ensures \result == VC_OK ==>
      p2->p_sigacts != \null &&
      (p2->p_sigacts == ps1 <==> fork_shares_sig(flags) == 1);
    ensures \result == VC_OK ==>
      p2->p_fd != \null && (p2->p_fd == fd1 <==> fork_shares_fd(flags) == 1);
    ensures \result == VC_OK ==>
      (fork_shares_fd(flags) == 1 ==>
         p2->p_fdtol != \null &&
         (p2->p_fdtol == fdtol1 <==> fork_shares_fdtol(flags) == 1)) &&
      (fork_shares_fd(flags) == 0 ==> p2->p_fdtol == \null);
    ensures \result == VC_OK ==>
      p2->p_vmspace != \null &&
      (p2->p_vmspace == vm1 <==> fork_shares_vm(flags) == 1);
    ensures \result == VC_OK ==> fork_first_lwp(&p2->p_tids);
    ensures \result != VC_OK ==>
      pc->nprocs == \old(pc->nprocs) &&
      uip->ui_proccnt == \old(uip->ui_proccnt) &&
      cr->cr_ref.rc_count == \old(cr->cr_ref.rc_count) &&
      uip->ui_ref.rc_count == \old(uip->ui_ref.rc_count) &&
      lim->pl_ref.rc_count == \old(lim->pl_ref.rc_count) &&
      pg->pg_ref.rc_count == \old(pg->pg_ref.rc_count) &&
      (args != \null ==> args->ar_ref.rc_count == \old(args->ar_ref.rc_count)) &&
      ps1->ps_ref.rc_count == \old(ps1->ps_ref.rc_count) &&
      fd1->fd_ref.rc_count == \old(fd1->fd_ref.rc_count) &&
      (fdtol1 != \null ==> fdtol1->fdl_ref.rc_count == \old(fdtol1->fdl_ref.rc_count)) &&
      vm1->vm_ref.rc_count == \old(vm1->vm_ref.rc_count) &&
      p1->p_lock.rc_count == \old(p1->p_lock.rc_count);
    ensures \result != VC_OK ==>
      p2->p_ucred == \null &&
      p2->p_uidinfo == \null &&
      p2->p_limit == \null &&
      p2->p_pgrp == \null &&
      p2->p_args == \null &&
      p2->p_leader == \null &&
      p2->p_sigacts == \null &&
      p2->p_fd == \null &&
      p2->p_fdtol == \null &&
      p2->p_vmspace == \null;
    ensures \result != VC_OK ==> TIDS_BLANK(&p2->p_tids);
    FORK_MADE_SINGLE(p2, ps1, fd1, fdtol1, vm1)
    ensures \result == VC_OK ==> fork_made_unheld(procs, n, fa);
    behavior bad_flags:
      assumes !fork_flags_ok(flags);
      assigns vc_fork_signal_seen, vc_fork_alloc_failed;
      ensures \result == VC_EINVAL;
    behavior table_full:
      assumes fork_flags_ok(flags) && !nprocs_room(pc, cr->cr_ruid);
      ensures \result == VC_EAGAIN || \result == VC_ERESTART;
    behavior uid_limit:
      assumes fork_flags_ok(flags) && nprocs_room(pc, cr->cr_ruid);
      assumes !proccnt_fits(uip, 1, fork_nproc_limit(lim, cr->cr_ruid));
      ensures \result == VC_EAGAIN || \result == VC_ERESTART;
    behavior may_fork:
      assumes fork_flags_ok(flags) && nprocs_room(pc, cr->cr_ruid);
      assumes proccnt_fits(uip, 1, fork_nproc_limit(lim, cr->cr_ruid));
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
static int fork1_core(const struct fork_args* fa, struct proccount* pc, struct proc_core* p1,
                      struct proc_core* p2, struct ucred* cr, struct uidinfo* uip,
                      struct plimit* lim, struct pgrp* pg, struct pargs* args, struct sigacts* ps1,
                      struct filedesc* fd1, struct fdtol* fdtol1, struct vmspace* vm1,
                      unsigned int flags) /*@ ghost (struct proc_core** procs, int n) */ {
  /*@ ghost vc_fork_signal_seen = 0; */
  /*@ ghost vc_fork_alloc_failed = 0; */
  if ((flags & VC_RFFDG) != 0 && (flags & VC_RFCFDG) != 0) return VC_EINVAL;

  int error;
  /* Interlock against process-group signal delivery: with the group lock
   * held, a pending signal restarts the fork, so that the child cannot miss a
   * signal sent to the group meanwhile. */
  int pglocked = (flags & VC_RFPGLOCK) != 0;
  if (pglocked) {
    fork_pgrp_lock(pg);
    if (fork_signal_pending(fa)) {
      error = VC_ERESTART;
      goto done;
    }
  }

  /* 1-2. The slots: nprocs, then the real uid's count (no limit for root). */
  unsigned long long limit = VC_RLIM_INFINITY;
  if (cr->cr_ruid != 0) limit = lim->pl_rlimit[VC_RLIMIT_NPROC].rlim_cur;
  error = fork_take_slots(pc, uip, cr->cr_ruid, limit);
  if (error != VC_OK) goto done;

  /* 3-9. Everything the child holds; on failure, the slots go back. */
  error = fork_build_child(fa, p1, p2, cr, uip, lim, pg, args, ps1, fd1, fdtol1, vm1,
                           flags) /*@ ghost (procs, n) */;
  if (error != VC_OK) fork_drop_slots(pc, uip);

done:
  /* The child's TIDs are blank on every failure, said before the unlock:
   * the clause at the end is then a short frame step (it took CVC4 7-11 s
   * without this, and once ran out its 20 s on a loaded machine). */
  /*@ assert error != VC_OK ==> TIDS_BLANK(&p2->p_tids); */
  if (pglocked) fork_pgrp_unlock(pg);
  return error;
}

/* ---- fork1 ------------------------------------------------------------------ */

int fork1(struct fork_args* fa) /*@ ghost (struct proc_core** procs, int n) */ {
  /*@ ghost vc_fork_signal_seen = 0; */
  /*@ ghost vc_fork_alloc_failed = 0; */
  unsigned int flags = fa->fa_flags;
  if ((flags & VC_RFFDG) != 0 && (flags & VC_RFCFDG) != 0) return VC_EINVAL;
  struct proc_core* p1 = fa->fa_p1;
  struct ucred* cr = fa->fa_cred;
  return fork1_core(fa, fa->fa_pc, p1, fa->fa_p2, cr, cr->cr_ruidinfo, p1->p_limit, p1->p_pgrp,
                    p1->p_args, p1->p_sigacts, p1->p_fd, p1->p_fdtol, p1->p_vmspace,
                    flags) /*@ ghost (procs, n) */;
}

int rfork_unshare(struct fork_args* fa)
/*@ ghost (struct proc_core** procs, int n, int k, struct proccount* lc) */ {
  unsigned int flags = fa->fa_flags;
  struct proc_core* p1 = fa->fa_p1;

  if ((flags & VC_RFFDG) != 0 && (flags & VC_RFCFDG) != 0) return VC_EINVAL;
  /* Does not work once the process has several LWPs (as in the seed). */
  if (p1->p_tids.p_nthreads != 1) return VC_EINVAL;
  /*@ ghost vc_fork_alloc_failed = 0; */

  int new_vm = (flags & VC_RFMEM) == 0 && refcount_read(&p1->p_vmspace->vm_ref) > 1;
  int new_fd =
      (flags & VC_RFCFDG) != 0 || ((flags & VC_RFFDG) != 0 && refcount_read(&p1->p_fd->fd_ref) > 1);

  /* Make everything first, so that a failure changes nothing. */
  struct vmspace* vm = VC_NULL;
  if (new_vm) {
    vm = fork_vmspace_copy(fa) /*@ ghost (procs, n) */;
    if (vm == VC_NULL) return VC_ENOMEM;
  }
  struct filedesc* fdp = VC_NULL;
  if (new_fd) {
    if ((flags & VC_RFCFDG) != 0)
      fdp = fork_fd_init(fa) /*@ ghost (procs, n) */;
    else
      fdp = fork_fd_copy(fa) /*@ ghost (procs, n) */;
    if (fdp == VC_NULL) {
      if (new_vm) fork_vmspace_discard(vm) /*@ ghost (fa) */;
      return VC_ENOMEM;
    }
  }

  if (new_vm) proc_vmspace_replace(p1, vm) /*@ ghost (procs, n, k, lc) */;
  /* The new table is still only its maker's, and after the replace only
   * p1's: said here, the census clause needs only its case split (without
   * these, it took CVC4 675,000 steps; with them, 262,000). */
  /*@ assert new_fd ==>
        fdp->fd_ref.rc_count == 1 && holders(procs, n, VC_REF_FD, &fdp->fd_ref) == 0; */
  if (new_fd) proc_fd_replace(p1, fdp) /*@ ghost (procs, n, k, lc) */;
  /*@ assert new_fd ==> holders_surplus(procs, n, VC_REF_FD, &fdp->fd_ref) == 0; */
  /* What was made is what p1 now holds: it is p1's from here on. */
  /*@ assert vc_fork_made == new_vm + new_fd; */
  /*@ ghost vc_fork_made = 0; */
  return VC_OK;
}

/* fork1, seen through what the censuses read: those counts, fork1's effects
 * on the objects, and what was made for the child: one reference, and no
 * process of the table held it before the call (fork_made_unheld, carried
 * back over the table: fork1 wrote no entry of it). fork1_holders's frame
 * argument then works on this contract, not on fork1's. The last is one
 * clause: as fork1's four count clauses and fork_made_unheld, it made
 * fork1_holders's longest goals twice as long (650,000 CVC4 steps). */
/*@ FORK1_REQUIRES(fa)
    requires fork_tables(procs, n, procs2, fa);
    FORK1_ASSIGNS(fa)
    FORK1_COUNTS_ENSURES(fa)
    FORK1_OBJECT_ENSURES(fa)
    ensures made_single_unheld: \result == VC_OK ==> \forall integer kind;
      proc_ref(fa->fa_p2, kind) != \null && fork_made_ref(fa, kind, proc_ref(fa->fa_p2, kind)) ==>
        proc_ref(fa->fa_p2, kind)->rc_count == 1 &&
        holders{Pre}(procs, n, kind, proc_ref(fa->fa_p2, kind)) == 0;
 */
static int fork1_counts(struct fork_args* fa)
/*@ ghost (struct proc_core** procs, int n, struct proc_core** procs2) */ {
  int error = fork1(fa) /*@ ghost (procs, n) */;
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant error == VC_OK ==> \forall integer kind;
         proc_ref(fa->fa_p2, kind) != \null && fork_made_ref(fa, kind, proc_ref(fa->fa_p2, kind)) ==>
           holders{Pre}(procs, i, kind, proc_ref(fa->fa_p2, kind)) == 0;
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {
      /@ assert \let j = i; procs[j] == \at(procs[j], Pre); @/
      /@ assert \let j = i; proc_refs_kept{Pre, Here}(procs[j]); @/
      /@ assert \let j = i; \base_addr(procs[j]) != \base_addr(fa->fa_p2); @/
      /@ assert \let j = i; error == VC_OK ==> \forall integer kind;
           proc_ref(fa->fa_p2, kind) != \null &&
           fork_made_ref(fa, kind, proc_ref(fa->fa_p2, kind)) ==>
             proc_ref(procs[j], kind) != proc_ref(fa->fa_p2, kind); @/
      /@ assert \let j = i; \forall integer kind;
           proc_ref{Pre}(procs[j], kind) == proc_ref(procs[j], kind); @/
    }
  */
  return error;
}

/* fork1 and its holders census (spec/charge.h): the step of fork1_census
 * (fork.h) that calls fork1, proved apart from the uid census. In one
 * function, each census's frame argument and clauses were hypotheses of the
 * other's goals and made them up to three times longer. The holders clauses
 * are check clauses, proved here and not assumed at the call; the call
 * passes on only the counts the uid census reads. */
/*@ FORK1_REQUIRES(fa)
    requires fork_tables(procs, n, procs2, fa);
    FORK1_ASSIGNS(fa)
    FORK1_COUNTS_ENSURES(fa)
    FORK_HOLDERS_JOINED(procs, n, procs2, fa, VC_REF_UCRED)
    FORK_HOLDERS_JOINED(procs, n, procs2, fa, VC_REF_UIDINFO)
    FORK_HOLDERS_JOINED(procs, n, procs2, fa, VC_REF_SIGACTS)
    FORK_HOLDERS_JOINED(procs, n, procs2, fa, VC_REF_FD)
    FORK_HOLDERS_JOINED(procs, n, procs2, fa, VC_REF_FDTOL)
    FORK_HOLDERS_JOINED(procs, n, procs2, fa, VC_REF_VMSPACE)
    FORK_HOLDERS_JOINED(procs, n, procs2, fa, VC_REF_LIMIT)
    FORK_HOLDERS_JOINED(procs, n, procs2, fa, VC_REF_PGRP)
    FORK_HOLDERS_JOINED(procs, n, procs2, fa, VC_REF_ARGS)
    FORK_HOLDERS_UNJOINED(procs, n, fa, VC_REF_UCRED)
    FORK_HOLDERS_UNJOINED(procs, n, fa, VC_REF_UIDINFO)
    FORK_HOLDERS_UNJOINED(procs, n, fa, VC_REF_SIGACTS)
    FORK_HOLDERS_UNJOINED(procs, n, fa, VC_REF_FD)
    FORK_HOLDERS_UNJOINED(procs, n, fa, VC_REF_FDTOL)
    FORK_HOLDERS_UNJOINED(procs, n, fa, VC_REF_VMSPACE)
    FORK_HOLDERS_UNJOINED(procs, n, fa, VC_REF_LIMIT)
    FORK_HOLDERS_UNJOINED(procs, n, fa, VC_REF_PGRP)
    FORK_HOLDERS_UNJOINED(procs, n, fa, VC_REF_ARGS)
 */
static int fork1_holders(struct fork_args* fa)
/*@ ghost (struct proc_core** procs, int n, struct proc_core** procs2) */ {
  int error = fork1_counts(fa) /*@ ghost (procs, n, procs2) */;
  /* fork1 wrote no entry of the table: each holds what it held, in procs
   * and in procs2, whose first n entries are procs's. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant \forall integer kind, struct refcount *r;
         holders(procs, i, kind, r) == holders{Pre}(procs, i, kind, r);
       loop invariant \forall integer kind, struct refcount *r;
         holders(procs2, i, kind, r) == holders{Pre}(procs, i, kind, r);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {
      /@ assert \let j = i; procs[j] == \at(procs[j], Pre); @/
      /@ assert \let j = i; proc_refs_kept{Pre, Here}(procs[j]); @/
    }
  */
  /* fork1 wrote no count apart from its objects, whatever its kind. */
  /*@ assert \forall struct refcount *r;
        r != \null && fork_ref_apart(fa, r) ==> r->rc_count == \at(r->rc_count, Pre); */
  /* The child, last in procs2, holds what it holds. */
  /*@ assert \forall integer kind, struct refcount *r;
        holders(procs2, n + 1, kind, r) ==
          holders{Pre}(procs, n, kind, r) + (proc_ref(fa->fa_p2, kind) == r ? 1 : 0); */
  /* So a count's surplus moved by what fork1 added to the count, less the
   * child's reference; on failure, by what it added alone. */
  /*@ assert error == VC_OK ==> \forall integer kind, struct refcount *r;
        holders_surplus(procs2, n + 1, kind, r) ==
          holders_surplus{Pre}(procs, n, kind, r) + (r->rc_count - \at(r->rc_count, Pre)) -
          (proc_ref(fa->fa_p2, kind) == r ? 1 : 0); */
  /*@ assert error != VC_OK ==> \forall integer kind, struct refcount *r;
        holders_surplus(procs, n, kind, r) ==
          holders_surplus{Pre}(procs, n, kind, r) + (r->rc_count - \at(r->rc_count, Pre)); */
  return error;
}

int fork1_census(struct fork_args* fa)
/*@ ghost (struct proc_core** procs, int n, struct proc_core** procs2,
           struct proccount* lc) */
{
  int error = fork1_holders(fa) /*@ ghost (procs, n, procs2) */;
  /* fork1 wrote no entry of the table: each charges what it did, in procs
   * and in procs2, whose first n entries are procs's. */
  /*@ ghost
    /@ loop invariant 0 <= i <= n;
       loop invariant \forall struct uidinfo *u;
         tasks_charged(procs, i, u) == tasks_charged{Pre}(procs, i, u);
       loop invariant \forall struct uidinfo *u;
         tasks_charged(procs2, i, u) == tasks_charged{Pre}(procs, i, u);
       loop invariant lwps_counted(procs, i) == lwps_counted{Pre}(procs, i);
       loop invariant lwps_counted(procs2, i) == lwps_counted{Pre}(procs, i);
       loop assigns i;
       loop variant n - i; @/
    for (int i = 0; i < n; i++) {
      /@ assert \let j = i; procs[j] == \at(procs[j], Pre); @/
      /@ assert \let j = i; procs[j]->p_uidinfo == \at(procs[j]->p_uidinfo, Pre); @/
      /@ assert \let j = i;
           procs[j]->p_tids.p_nthreads == \at(procs[j]->p_tids.p_nthreads, Pre); @/
    }
  */
  /* Of the uidinfos, fork1 wrote only the one it charges: one task more on
   * success, none on failure. (Each case its own goal: together they are one
   * long goal for the provers.) */
  /*@ assert \forall struct uidinfo *u; fork_uid_apart(fa, u) && u != fa->fa_cred->cr_ruidinfo ==>
        u->ui_proccnt == \at(u->ui_proccnt, Pre); */
  /*@ assert error != VC_OK ==> \forall struct uidinfo *u; fork_uid_apart(fa, u) ==>
        u->ui_proccnt == \at(u->ui_proccnt, Pre); */
  /*@ assert error != VC_OK ==> \forall struct uidinfo *u; fork_uid_apart(fa, u) ==>
        tasks_charged(procs, n, u) == \at(tasks_charged(procs, n, u), Pre); */
  return error;
}
