// Set-user-ID and set-group-ID at exec (kernel/proc/exec_cred.h).
#include "kernel/proc/exec_cred.h"

#include "kernel/fs/vnode.h"
#include "kernel/proc/proc.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/verified/charge.h"
#include "kernel/verified/contract_checks.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/refs.h"
#include "kernel/verified/uidinfo.h"

namespace {
constexpr uint32_t kSIxgrp = 010;

bool ids_differ(const Ucred* a, const Ucred* b) {
  return a->c.cr_uid != b->c.cr_uid || a->egid != b->egid || a->fsuid != b->fsuid ||
         a->fsgid != b->fsgid;
}
}  // namespace

void exec_cred_begin(Proc* p, ExecCred* out) {
  *out = {};
  out->was = proc_cred_hold(p);
}

FsCred exec_cred_files(const ExecCred* ec) {
  return FsCred{ec->was->fsuid, ec->was->fsgid, true, true};
}

int exec_cred_prepare(ExecCred* ec, Proc* p, Vnode* file) {
  const Ucred* was = ec->was;
  bool nnp = (__atomic_load_n(&p->flags, __ATOMIC_ACQUIRE) & P_NONEWPRIVS) != 0;
  // The mode, owner and group as one (they change under the node's lock).
  uint32_t mode, fuid, fgid;
  {
    MutexGuard g(file->lock);
    mode = file->mode;
    fuid = file->uid;
    fgid = file->gid;
  }
  uint32_t ruid = was->c.cr_ruid, euid = was->c.cr_uid;
  uint32_t rgid = was->rgid, egid = was->egid;
  if (!nnp) {
    if (mode & S_ISUID) euid = fuid;
    if ((mode & (S_ISGID | kSIxgrp)) == (S_ISGID | kSIxgrp)) egid = fgid;
  }
  bool setid = euid != ruid || egid != rgid;
  if (setid && nnp) {
    euid = ruid;  // no new privileges: it runs as its real ids
    egid = rgid;
  }
  ec->ids = {ruid, euid, rgid, egid, setid};
  // Linux: not dumpable when the old ids were a set-id program's, or when
  // the effective or file-system ids change.
  ec->nodump = was->c.cr_uid != ruid || was->egid != rgid || euid != was->c.cr_uid ||
               egid != was->egid || euid != was->fsuid || egid != was->fsgid;
  if (euid == was->c.cr_uid && euid == was->suid && euid == was->fsuid && egid == was->egid &&
      egid == was->sgid && egid == was->fsgid)
    return 0;  // `was` as it is
  Ucred* ncr = ucred_copy(was, ruid);
  if (!ncr) return -ENOMEM;
  ncr->c.cr_uid = ncr->suid = ncr->fsuid = euid;
  ncr->egid = ncr->sgid = ncr->fsgid = egid;
  ec->ncr = ncr;
  return 0;
}

void exec_cred_release(ExecCred* ec) {
  if (ec->ncr) ucred_put(ec->ncr);
  if (ec->was) ucred_put(ec->was);
  ec->ncr = ec->was = nullptr;
}

Ucred* exec_cred_commit_locked(Proc* p, Lwp* lp, ExecCred* ec, Uidinfo** oldui) {
  p->spin.assert_held();
  *oldui = nullptr;
  if (ec->nodump) p->flags |= P_NODUMP;
  if (ec->ids.secure) {
    p->flags |= P_SUGID;
    __atomic_store_n(&lp->pdeath_signal, 0, __ATOMIC_RELAXED);  // its parent may not signal it
  }
  Ucred* cur = p->ucred();
  Ucred* target = ec->ncr ? ec->ncr : ec->was;
  if (target == cur) return nullptr;  // the usual case: nothing changes
  if (ids_differ(ec->was, target) || ids_differ(cur, target))
    __atomic_store_n(&lp->pdeath_signal, 0, __ATOMIC_RELAXED);
  if (target == ec->ncr) {
    ec->ncr = nullptr;  // the process's now
  } else {
    vc_contract::crhold_requires(&target->c);
    crhold(&target->c);  // `was`, put back over another LWP's change
  }
  // The real uid is the one exec began with: another LWP may have moved the
  // process's count to another user meanwhile.
  struct uidinfo* nui = target->c.cr_ruidinfo;
  if (nui != p->core.p_uidinfo) {
    SpinGuard g(g_uidinfo_lock);
    vc_contract::proc_uid_move_requires(&p->core, nui);
    *oldui = reinterpret_cast<Uidinfo*>(proc_uid_move(&p->core, nui));
  }
  vc_contract::proc_ucred_replace_locked_requires(&p->core, &target->c);
  // cur, with the process's reference to it, which the caller gives back.
  return reinterpret_cast<Ucred*>(proc_ucred_replace_locked(&p->core, &target->c));
}
