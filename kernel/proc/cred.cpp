// User and group ids (docs/user-abi.md, "ids"): Linux's calls and permission
// rules, with root (effective uid 0) holding CAP_SETUID and CAP_SETGID.
//
// Credentials belong to the process (Proc::p_ucred) and are never changed in
// place: a change builds a new Ucred from the ids it reads, and installs it
// under the process's spinlock only if the credentials are still the ones it
// read (else it starts over). When the real uid changes, the process's tasks
// (its LWPs, at least the one counted for it) move from the old real uid's
// count to the new one's, as BSD's change_ruid and Linux's set_user move them.
#include "kernel/fs/filedesc.h"
#include "kernel/fs/namei.h"
#include "kernel/lib/string.h"
#include "kernel/proc/proc.h"
#include "kernel/syscall/syscall.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/verified/charge.h"
#include "kernel/verified/contract_checks.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/refs.h"
#include "kernel/verified/uidinfo.h"
#include "kernel/vm/copy.h"
#include "kernel/vm/vmspace.h"

bool caller_in_groups(uint32_t gid) {
  Proc* p = curproc();
  if (!p) return false;
  SpinGuard g(p->spin);
  const Ucred* cr = p->ucred();
  int lo = 0, hi = cr->ngroups;  // sorted: a binary search
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (cr->groups[mid] == gid) return true;
    if (cr->groups[mid] < gid)
      lo = mid + 1;
    else
      hi = mid;
  }
  return false;
}

Vnode* caller_root_hold() {
  Proc* p = curproc();
  return p ? fd_root_hold(p->fd()) : vfs_root_hold();
}

FsCred caller_real_fscred() {
  Proc* p = curproc();
  SpinGuard g(p->spin);
  const Ucred* cr = p->ucred();
  return FsCred{cr->c.cr_ruid, cr->rgid, true, true};
}

namespace {

constexpr vc_uid_t kUnchanged = 0xffffffffu;  // (uid_t)-1: "leave it"

struct Ids {
  vc_uid_t ruid, euid, suid, fsuid;
  vc_uid_t rgid, egid, sgid, fsgid;
};

Ids ids_of(const Ucred* cr) {
  return {cr->c.cr_ruid, cr->c.cr_uid, cr->suid, cr->fsuid,
          cr->rgid,      cr->egid,     cr->sgid, cr->fsgid};
}

bool same(const Ids& a, const Ids& b) {
  return a.ruid == b.ruid && a.euid == b.euid && a.suid == b.suid && a.fsuid == b.fsuid &&
         a.rgid == b.rgid && a.egid == b.egid && a.sgid == b.sgid && a.fsgid == b.fsgid;
}

// Installs ncr as p's credentials if p's are still `was` (held by the caller):
// true; false if another change came first. Moves the task count with the
// real uid, and clears the parent-death signal of p's LWPs when an effective
// or file-system id changed (Linux's commit_creds). The forklock is held
// exclusive across the swap, as kern_fork1 holds it shared while it takes
// the credentials and copies the memory: a fork of p runs wholly before a
// change or wholly after it (a child never has the old ids with memory
// written after the change returned).
bool install(Proc* p, Ucred* was, Ucred* ncr) {
  Uidinfo* oldui = nullptr;
  Ucred* given_back = nullptr;  // the process's reference to its old credentials
  bool current;
  bool ruid_moved = false;
  lockmgr(&p->forklock, LK_EXCLUSIVE);
  {
    SpinGuard g(p->spin);
    current = p->ucred() == was;
  }
  if (!current) {
    lockmgr(&p->forklock, LK_RELEASE);
    return false;
  }
  {
    SpinGuard g(p->spin);  // only this LWP changes them while it holds the forklock
    SpinGuard g2(g_uidinfo_lock);
    auto* cur = reinterpret_cast<Uidinfo*>(p->core.p_uidinfo);
    struct uidinfo* nui = ncr->c.cr_ruidinfo;
    if (nui != &cur->c) {
      vc_contract::proc_uid_move_requires(&p->core, nui);
      oldui = reinterpret_cast<Uidinfo*>(proc_uid_move(&p->core, nui));
      ruid_moved = true;
    }
    vc_contract::proc_ucred_replace_locked_requires(&p->core, &ncr->c);
    given_back = reinterpret_cast<Ucred*>(proc_ucred_replace_locked(&p->core, &ncr->c));
    p->flags |= P_SUGID;
    // An effective or file-system id changed: no parent-death signal, and
    // not dumpable (Linux's commit_creds, suid_dumpable 0).
    if (was->c.cr_uid != ncr->c.cr_uid || was->egid != ncr->egid || was->fsuid != ncr->fsuid ||
        was->fsgid != ncr->fsgid) {
      p->flags |= P_NODUMP;
      for (tidnode* n = tidtree::first(p->core.p_tids.p_lwps); n; n = tidtree::next(n))
        __atomic_store_n(&lwp_of(n)->pdeath_signal, 0, __ATOMIC_RELAXED);
    }
  }
  // What the process's space allocates from now on is the new real uid's
  // (exec cannot replace the space meanwhile: it waits for this LWP), unless
  // another process uses it too (a vfork or RFMEM child's is its parent's:
  // the child's exec gives it a space of its own, charged to its new uid).
  // Only a fork of this process could add a user, and the forklock keeps
  // those out.
  VmRef* vr = p->vmref();
  if (ruid_moved && vr && vr->vm && __atomic_load_n(&vr->users, __ATOMIC_ACQUIRE) == 1)
    vmspace_set_payer(vr->vm, ncr->mem);
  lockmgr(&p->forklock, LK_RELEASE);
  KASSERT(given_back == was, "install: credentials changed under the forklock");
  ucred_put(given_back);
  if (oldui) uidinfo_put(oldui);
  return true;
}

// Reads the caller's credentials, lets `change` compute new ids from them (0,
// or -errno to refuse), and installs them if they differ. groups (or null)
// replaces the supplementary groups.
template <typename Change>
int64_t change_ids(Change change, const vc_uid_t* groups = nullptr, int ngroups = 0) {
  Proc* p = curproc();
  for (;;) {
    Ucred* cur = proc_cred_hold(p);
    Ids ids = ids_of(cur);
    int err = change(ids, cur);
    if (err || (same(ids, ids_of(cur)) && !groups)) {
      ucred_put(cur);
      return err;
    }
    Ucred* ncr = ucred_copy(cur, ids.ruid);
    if (!ncr) {
      ucred_put(cur);
      return -ENOMEM;
    }
    ncr->c.cr_uid = ids.euid;
    ncr->suid = ids.suid;
    ncr->fsuid = ids.fsuid;
    ncr->rgid = ids.rgid;
    ncr->egid = ids.egid;
    ncr->sgid = ids.sgid;
    ncr->fsgid = ids.fsgid;
    if (groups) {
      ncr->ngroups = ngroups;
      tine_memcpy(ncr->groups, groups, sizeof(vc_uid_t) * static_cast<size_t>(ngroups));
    }
    bool done = install(p, cur, ncr);  // drops the process's reference to cur if done
    ucred_put(cur);                    // and this the hold
    if (done) return 0;
    ucred_put(ncr);
  }
}

bool is_root(const Ucred* cr) { return cr->c.cr_uid == 0; }
bool one_of(vc_uid_t v, vc_uid_t a, vc_uid_t b, vc_uid_t c) { return v == a || v == b || v == c; }

vc_uid_t arg_id(const SyscallArgs& a, int i) { return static_cast<vc_uid_t>(a.a[i]); }

// The uids or the gids of an Ids being changed: the set*uid and set*gid calls
// apply the same rules to each.
struct IdKind {
  vc_uid_t &real, &eff, &saved, &fs;
};
IdKind uids(Ids& n) { return {n.ruid, n.euid, n.suid, n.fsuid}; }
IdKind gids(Ids& n) { return {n.rgid, n.egid, n.sgid, n.fsgid}; }

// setuid, setgid.
int set_id(IdKind k, bool root, vc_uid_t id) {
  if (root) {
    k.real = k.saved = id;
  } else if (id != k.real && id != k.saved) {
    return -EPERM;
  }
  k.eff = k.fs = id;
  return 0;
}

// setreuid, setregid.
int set_re(IdKind k, bool root, vc_uid_t r, vc_uid_t e) {
  const vc_uid_t old_real = k.real, old_eff = k.eff, old_saved = k.saved;
  if (r != kUnchanged) {
    if (!root && r != old_real && r != old_eff) return -EPERM;
    k.real = r;
  }
  if (e != kUnchanged) {
    if (!root && !one_of(e, old_real, old_eff, old_saved)) return -EPERM;
    k.eff = e;
  }
  if (r != kUnchanged || (e != kUnchanged && e != old_real)) k.saved = k.eff;
  k.fs = k.eff;
  return 0;
}

// setresuid, setresgid.
int set_res(IdKind k, bool root, vc_uid_t r, vc_uid_t e, vc_uid_t s) {
  if (!root) {
    vc_uid_t o1 = k.real, o2 = k.eff, o3 = k.saved;
    if ((r != kUnchanged && !one_of(r, o1, o2, o3)) ||
        (e != kUnchanged && !one_of(e, o1, o2, o3)) || (s != kUnchanged && !one_of(s, o1, o2, o3)))
      return -EPERM;
  }
  if (r != kUnchanged) k.real = r;
  if (e != kUnchanged) k.eff = e;
  if (s != kUnchanged) k.saved = s;
  k.fs = k.eff;
  return 0;
}

int64_t put_three(const SyscallArgs& a, vc_uid_t x, vc_uid_t y, vc_uid_t z) {
  if (copyout_u(&x, a.a[0], sizeof x) != 0 || copyout_u(&y, a.a[1], sizeof y) != 0 ||
      copyout_u(&z, a.a[2], sizeof z) != 0)
    return -EFAULT;
  return 0;
}

}  // namespace

// ---- reading ----------------------------------------------------------------

namespace {
template <typename Field>
int64_t read_id(Field f) {
  Proc* p = curproc();
  SpinGuard g(p->spin);
  return f(p->ucred());
}
}  // namespace

int64_t sys_getuid(const SyscallArgs&) {
  return read_id([](const Ucred* c) { return c->c.cr_ruid; });
}
int64_t sys_geteuid(const SyscallArgs&) {
  return read_id([](const Ucred* c) { return c->c.cr_uid; });
}
int64_t sys_getgid(const SyscallArgs&) {
  return read_id([](const Ucred* c) { return c->rgid; });
}
int64_t sys_getegid(const SyscallArgs&) {
  return read_id([](const Ucred* c) { return c->egid; });
}

int64_t sys_getresuid(const SyscallArgs& a) {
  Ucred* cr = proc_cred_hold(curproc());
  int64_t r = put_three(a, cr->c.cr_ruid, cr->c.cr_uid, cr->suid);
  ucred_put(cr);
  return r;
}

int64_t sys_getresgid(const SyscallArgs& a) {
  Ucred* cr = proc_cred_hold(curproc());
  int64_t r = put_three(a, cr->rgid, cr->egid, cr->sgid);
  ucred_put(cr);
  return r;
}

// getgroups(size, list): the number of groups; with size > 0 they are copied
// out, and a size below their number is -EINVAL.
int64_t sys_getgroups(const SyscallArgs& a) {
  int size = static_cast<int>(a.a[0]);
  if (size < 0) return -EINVAL;
  Ucred* cr = proc_cred_hold(curproc());
  int64_t r = cr->ngroups;
  if (size > 0) {
    if (size < cr->ngroups) {
      r = -EINVAL;
    } else if (copyout_u(cr->groups, a.a[1], sizeof(vc_uid_t) * static_cast<size_t>(cr->ngroups)) !=
               0) {
      r = -EFAULT;
    }
  }
  ucred_put(cr);
  return r;
}

// ---- changing -----------------------------------------------------------------

// setuid(uid): root sets every uid; others may set the effective (and
// file-system) uid to their real or saved one.
int64_t sys_setuid(const SyscallArgs& a) {
  vc_uid_t uid = arg_id(a, 0);
  if (uid == kUnchanged) return -EINVAL;
  return change_ids([uid](Ids& n, const Ucred* old) { return set_id(uids(n), is_root(old), uid); });
}

int64_t sys_setgid(const SyscallArgs& a) {
  vc_uid_t gid = arg_id(a, 0);
  if (gid == kUnchanged) return -EINVAL;
  return change_ids([gid](Ids& n, const Ucred* old) { return set_id(gids(n), is_root(old), gid); });
}

// setreuid(ruid, euid): -1 leaves one alone. Unprivileged, the real uid may
// become the effective one and the effective uid any of the three. The saved
// uid follows the new effective uid when the real uid is set or the
// effective uid becomes other than the old real one.
int64_t sys_setreuid(const SyscallArgs& a) {
  vc_uid_t ruid = arg_id(a, 0), euid = arg_id(a, 1);
  return change_ids(
      [ruid, euid](Ids& n, const Ucred* old) { return set_re(uids(n), is_root(old), ruid, euid); });
}

int64_t sys_setregid(const SyscallArgs& a) {
  vc_uid_t rgid = arg_id(a, 0), egid = arg_id(a, 1);
  return change_ids(
      [rgid, egid](Ids& n, const Ucred* old) { return set_re(gids(n), is_root(old), rgid, egid); });
}

// setresuid(ruid, euid, suid): -1 leaves one alone; unprivileged, each new
// value must be one of the three old ones.
int64_t sys_setresuid(const SyscallArgs& a) {
  vc_uid_t r = arg_id(a, 0), e = arg_id(a, 1), s = arg_id(a, 2);
  return change_ids(
      [r, e, s](Ids& n, const Ucred* old) { return set_res(uids(n), is_root(old), r, e, s); });
}

int64_t sys_setresgid(const SyscallArgs& a) {
  vc_uid_t r = arg_id(a, 0), e = arg_id(a, 1), s = arg_id(a, 2);
  return change_ids(
      [r, e, s](Ids& n, const Ucred* old) { return set_res(gids(n), is_root(old), r, e, s); });
}

// setgroups(size, list): root only (-EPERM); at most kNgroupsMax groups
// (-EINVAL; Linux allows 65,536), kept sorted.
int64_t sys_setgroups(const SyscallArgs& a) {
  int size = static_cast<int>(a.a[0]);
  if (!proc_is_root(curproc())) return -EPERM;
  if (size < 0 || size > kNgroupsMax) return -EINVAL;
  vc_uid_t groups[kNgroupsMax];
  if (size > 0 && copyin_u(a.a[1], groups, sizeof(vc_uid_t) * static_cast<size_t>(size)) != 0)
    return -EFAULT;
  for (int i = 1; i < size; ++i)  // insertion sort: at most 64
    for (int j = i; j > 0 && groups[j - 1] > groups[j]; --j) {
      vc_uid_t t = groups[j];
      groups[j] = groups[j - 1];
      groups[j - 1] = t;
    }
  return change_ids([](Ids&, const Ucred*) { return 0; }, groups, size);
}
