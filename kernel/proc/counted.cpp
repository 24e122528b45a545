// The counted objects a process holds (docs/process.md): Proc and Lwp
// themselves, uidinfo (with its table), ucred, sigacts, plimit, pargs and the
// VmRef's users; how each is made, held and read under the process's lock,
// and how a process gives back its references and frees what lost its last.
// The counts themselves are the verified core's (kernel/verified/objects.h).
#include <new>

#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/mem_account.h"
#include "kernel/mm/size_classes.h"
#include "kernel/panic.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/proc_internal.h"
#include "kernel/sched/sleepq.h"
#include "kernel/verified/charge.h"
#include "kernel/verified/contract_checks.h"
#include "kernel/verified/fork.h"
#include "kernel/verified/fork_hooks.h"
#include "kernel/verified/nprocs.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/uidinfo.h"
#include "kernel/vm/vmspace.h"

static LockClass g_uidinfo_class{"uidinfo", kRankUidinfo};
SpinLock g_uidinfo_lock{g_uidinfo_class};

namespace {
Uidinfo* g_uidinfos;  // g_uidinfo_lock
}  // namespace

// Every fork allocates one of each: from a slab, not a page block of its own.
static_assert(sizeof(Proc) <= kSlabMaxSize && sizeof(Lwp) <= kSlabMaxSize);

Proc* proc_new() {
  auto* p = static_cast<Proc*>(kmalloc(sizeof(Proc), M_PROC, M_WAITOK));
  if (!p) return nullptr;
  tine_memset(p, 0, reinterpret_cast<char*>(p->siginfo) - reinterpret_cast<char*>(p));
  new (p) Proc(g_proc_class);  // initialises what has an initialiser, zeroes nothing more
  return p;
}

Lwp* lwp_new() {
  auto* lp = static_cast<Lwp*>(kmalloc(sizeof(Lwp), M_LWP, M_WAITOK));
  if (!lp) return nullptr;
  tine_memset(lp, 0, reinterpret_cast<char*>(lp->siginfo) - reinterpret_cast<char*>(lp));
  new (lp) Lwp;  // default-initialised: the zeroes stay
  return lp;
}

void proc_count_lwp(int delta) { live_add(LiveCount::kLwps, delta); }

// ---- uidinfo ----------------------------------------------------------------

Uidinfo* uidinfo_first_locked() { return g_uidinfos; }

Uidinfo* uifind(vc_uid_t uid) {
  {
    SpinGuard g(g_uidinfo_lock);
    for (Uidinfo* u = g_uidinfos; u; u = u->next)
      if (u->c.ui_uid == uid && refcount_read(&u->c.ui_ref) > 0) {
        vc_contract::uihold_requires(&u->c);
        return static_cast<Uidinfo*>(static_cast<void*>(uihold(&u->c)));
      }
  }
  auto* n = static_cast<Uidinfo*>(kmalloc(sizeof(Uidinfo), M_PROC, M_WAITOK | M_ZERO));
  if (!n) return nullptr;
  refcount_init(&n->c.ui_ref, 1);
  n->c.ui_uid = uid;
  SpinGuard g(g_uidinfo_lock);
  for (Uidinfo* u = g_uidinfos; u; u = u->next) {
    if (u->c.ui_uid == uid && refcount_read(&u->c.ui_ref) > 0) {
      kfree(n, M_PROC);
      vc_contract::uihold_requires(&u->c);
      return reinterpret_cast<Uidinfo*>(uihold(&u->c));
    }
  }
  n->next = g_uidinfos;
  g_uidinfos = n;
  live_add(LiveCount::kUidinfos, 1);
  return n;
}

// The last reference is gone (g_uidinfo_lock held): off the table, freed.
static void uidinfo_destroy_locked(Uidinfo* ui) {
  for (Uidinfo** pp = &g_uidinfos; *pp; pp = &(*pp)->next)
    if (*pp == ui) {
      *pp = ui->next;
      break;
    }
  KASSERT(ui->c.ui_proccnt == 0);
  kfree(ui, M_PROC);
  live_add(LiveCount::kUidinfos, -1);
}

void uidinfo_put(Uidinfo* ui) {
  // Usually another holder remains, and the reference goes without the
  // table's lock; the last goes under it with the removal from the table, so
  // uifind never meets a uidinfo being freed.
  vc_contract::uidrop_unless_last_requires(&ui->c);
  if (uidrop_unless_last(&ui->c)) return;
  SpinGuard g(g_uidinfo_lock);
  vc_contract::uidrop_requires(&ui->c);
  if (uidrop(&ui->c)) uidinfo_destroy_locked(ui);
}

// ---- ucred ------------------------------------------------------------------

namespace {

// A blank ucred with count 1 holding ruid's uidinfo, or nullptr.
Ucred* ucred_blank(vc_uid_t ruid) {
  auto* cr = static_cast<Ucred*>(kmalloc(sizeof(Ucred), M_UCRED, M_WAITOK | M_ZERO));
  if (!cr) return nullptr;
  Uidinfo* ui = uifind(ruid);
  cr->mem = mem_account_get(ruid);
  if (!ui || !cr->mem) {
    if (ui) uidinfo_put(ui);
    if (cr->mem) mem_account_release(cr->mem);
    kfree(cr, M_UCRED);
    return nullptr;
  }
  refcount_init(&cr->c.cr_ref, 1);
  cr->c.cr_ruid = ruid;
  cr->c.cr_ruidinfo = &ui->c;
  live_add(LiveCount::kUcreds, 1);
  return cr;
}

}  // namespace

Ucred* ucred_alloc(vc_uid_t uid, vc_uid_t gid) {
  Ucred* cr = ucred_blank(uid);
  if (!cr) return nullptr;
  cr->c.cr_uid = cr->suid = cr->fsuid = uid;
  cr->rgid = cr->egid = cr->sgid = cr->fsgid = gid;
  return cr;
}

Ucred* ucred_copy(const Ucred* from, vc_uid_t ruid) {
  Ucred* cr = ucred_blank(ruid);
  if (!cr) return nullptr;
  cr->c.cr_uid = from->c.cr_uid;
  cr->suid = from->suid;
  cr->fsuid = from->fsuid;
  cr->rgid = from->rgid;
  cr->egid = from->egid;
  cr->sgid = from->sgid;
  cr->fsgid = from->fsgid;
  cr->ngroups = from->ngroups;
  tine_memcpy(cr->groups, from->groups, sizeof cr->groups);
  return cr;
}

// g_uidinfo_lock held.
static void ucred_destroy_locked(Ucred* cr) {
  auto* ui = reinterpret_cast<Uidinfo*>(cr->c.cr_ruidinfo);
  vc_contract::uidrop_requires(&ui->c);
  if (uidrop(&ui->c)) uidinfo_destroy_locked(ui);
  mem_account_release(cr->mem);  // (its lock ranks above the uidinfo table's)
  kfree(cr, M_UCRED);
  live_add(LiveCount::kUcreds, -1);
}

void ucred_put(Ucred* cr) {
  // As uidinfo_put: the last reference goes under the table's lock, with the
  // destruction (which drops the credentials' uidinfo).
  vc_contract::crfree_unless_last_requires(&cr->c);
  if (crfree_unless_last(&cr->c)) return;
  SpinGuard g(g_uidinfo_lock);
  vc_contract::crfree_requires(&cr->c);
  if (crfree(&cr->c)) ucred_destroy_locked(cr);
}

bool proc_is_root(Proc* p) {
  SpinGuard g(p->spin);
  return p->ucred()->c.cr_uid == 0;
}

bool user_is_root() {
  Proc* p = curproc();
  return !p || proc_is_root(p);
}

Ucred* proc_cred_hold(Proc* p) {
  SpinGuard g(p->spin);
  Ucred* cr = p->ucred();
  vc_contract::crhold_requires(&cr->c);
  crhold(&cr->c);
  return cr;
}

FsCred proc_fscred(Proc* p) {
  SpinGuard g(p->spin);
  const Ucred* cr = p->ucred();
  return FsCred{cr->fsuid, cr->fsgid};
}

// ---- sigacts, pargs, plimit, the VmRef's users ------------------------------

Sigacts* sigacts_new() {
  auto* ps = static_cast<Sigacts*>(kmalloc(sizeof(Sigacts), M_SIGACTS, M_WAITOK | M_ZERO));
  if (ps) refcount_init(&ps->c.ps_ref, 1);
  return ps;
}

Pargs* pargs_new(const char* const* argv, const char* exe) {
  size_t args = 0;
  for (size_t i = 0; argv && argv[i]; ++i) args += tine_strlen(argv[i]) + 1;
  size_t exe_len = tine_strlen(exe);
  auto* pa = static_cast<Pargs*>(kmalloc(sizeof(Pargs) + args + exe_len + 1, M_SUBPROC, M_WAITOK));
  if (!pa) return nullptr;
  refcount_init(&pa->c.ar_ref, 1);
  pa->args_len = static_cast<uint32_t>(args);
  pa->exe_len = static_cast<uint32_t>(exe_len);
  char* d = pa->data;
  for (size_t i = 0; argv && argv[i]; ++i) {
    size_t n = tine_strlen(argv[i]) + 1;
    tine_memcpy(d, argv[i], n);
    d += n;
  }
  tine_memcpy(d, exe, exe_len + 1);
  return pa;
}

Plimit* plimit_new() {
  auto* lim = static_cast<Plimit*>(kmalloc(sizeof(Plimit), M_SUBPROC, M_WAITOK | M_ZERO));
  if (!lim) return nullptr;
  refcount_init(&lim->c.pl_ref, 1);
  for (auto& r : lim->c.pl_rlimit) r.rlim_cur = r.rlim_max = VC_RLIM_INFINITY;
  lim->c.pl_rlimit[VC_RLIMIT_NPROC].rlim_cur = kNprocLimitDefault;
  lim->c.pl_rlimit[VC_RLIMIT_NPROC].rlim_max = kNprocLimitDefault;
  lim->c.pl_rlimit[kRlimitNofile].rlim_cur = kNofileSoftDefault;
  lim->c.pl_rlimit[kRlimitNofile].rlim_max = kNofileHardDefault;
  // RLIMIT_STACK and RLIMIT_CORE as Linux's first process has them: 8 MiB
  // (glibc sizes its threads' stacks by it) and 0, raisable to unlimited.
  lim->c.pl_rlimit[kRlimitStack].rlim_cur = kStackSoftDefault;
  lim->c.pl_rlimit[kRlimitCore].rlim_cur = 0;
  // RLIMIT_NICE: Linux's 0, so only root lowers a nice value (setpriority).
  lim->c.pl_rlimit[kRlimitNice].rlim_cur = lim->c.pl_rlimit[kRlimitNice].rlim_max = 0;
  // RLIMIT_SIGPENDING: the queued real-time signals (kernel/proc/sigqueue.h).
  lim->c.pl_rlimit[kRlimitSigpending].rlim_cur = kSigpendingDefault;
  lim->c.pl_rlimit[kRlimitSigpending].rlim_max = kSigpendingDefault;
  return lim;
}

int proc_nofile_limit(Proc* p) {
  SpinGuard g(p->spin);
  uint64_t cur = p->limit()->c.pl_rlimit[kRlimitNofile].rlim_cur;
  return cur > static_cast<uint64_t>(kNrOpen) ? kNrOpen : static_cast<int>(cur);
}

uint64_t proc_fsize_limit(Proc* p) {
  SpinGuard g(p->spin);
  return p->limit()->c.pl_rlimit[kRlimitFsize].rlim_cur;
}

void vmref_user_leave(VmRef* vr) {
  if (__atomic_sub_fetch(&vr->users, 1, __ATOMIC_ACQ_REL) == 0) {
    Vmspace* v = __atomic_exchange_n(&vr->vm, nullptr, __ATOMIC_ACQ_REL);
    if (v) vmspace_release(v);
  }
}

// ---- a process takes hold, and lets go --------------------------------------

void proc_objects_install_locked(Proc* p, Ucred* cr, Sigacts* ps, Filedesc* fd, Plimit* lim,
                                 VmRef* vr, Pgrp* pg) {
  g_proctree_lock.assert_write_held();
  p->core.p_ucred = &cr->c;
  p->core.p_sigacts = &ps->c;
  p->core.p_fd = &fd->c;
  p->core.p_limit = &lim->c;
  p->core.p_vmspace = &vr->c;
  p->core.p_leader = &p->core;
  p->core.p_pgrp = &pg->c;
  pgrp_link_locked(pg);
  pg->session->leader = p;
  p->leads_session = true;
  pgrp_enter_locked(p, pg);
}

void proc_drop_hold(Proc* p) {
  vc_contract::proc_rele_requires(&p->core);
  if (proc_rele(&p->core)) wakeup(&p->core.p_lock);
}

void proc_release_refs(struct proccount* pc, struct proc_core* p, struct proc_lastrefs* last) {
  // The shared objects first, so that p holds none of them when it leaves
  // the table (each count's census is kept: refs.h).
  vc_contract::proc_drop_refs_requires(p, last);
  proc_drop_refs(p, last);
  vc_contract::proc_uncharge_requires(pc, p);
  proc_uncharge(pc, p);
  // The credentials and the uidinfo, as ucred_put and uidinfo_put: without
  // the uidinfo table's lock while another holder remains; a last reference
  // goes under it, destroyed in the same hold.
  auto* cr = reinterpret_cast<Ucred*>(p->p_ucred);
  auto* ui = reinterpret_cast<Uidinfo*>(p->p_uidinfo);
  vc_contract::crfree_unless_last_requires(p->p_ucred);
  vc_contract::uidrop_unless_last_requires(p->p_uidinfo);
  bool cr_left = !crfree_unless_last(p->p_ucred);
  bool ui_left = !uidrop_unless_last(p->p_uidinfo);
  if (cr_left || ui_left) {
    SpinGuard g(g_uidinfo_lock);
    if (cr_left) {
      vc_contract::crfree_requires(p->p_ucred);
      if (crfree(p->p_ucred)) ucred_destroy_locked(cr);
    }
    if (ui_left) {
      vc_contract::uidrop_requires(p->p_uidinfo);
      if (uidrop(p->p_uidinfo)) uidinfo_destroy_locked(ui);
    }
  }
  p->p_ucred = nullptr;
  p->p_uidinfo = nullptr;
}

void proc_objects_destroy_listed(const struct proc_lastrefs& last, Pgrp* pg) {
  if (last.pgrp) pgrp_destroy_locked(pg);
}

void proc_objects_destroy_unlisted(const struct proc_lastrefs& last, Sigacts* ps, Filedesc* fd,
                                   Fdtol* tl, VmRef* vm, Plimit* lim, Pargs* pa) {
  if (last.sigacts) kfree(ps, M_SIGACTS);
  if (last.fd) filedesc_destroy(&fd->c);
  if (last.fdtol) fdtol_destroy(tl);
  if (last.vmspace) vmspace_destroy(&vm->c);
  if (last.limit) kfree(lim, M_SUBPROC);
  if (last.args) kfree(pa, M_SUBPROC);
}
