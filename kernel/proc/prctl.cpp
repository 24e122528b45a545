// prctl, and the parent-death signal it sets (docs/user-abi.md, "prctl").
//
// PR_SET_PDEATHSIG is Linux's: a thread asks for a signal when "its parent"
// dies, and the parent is the thread that made its process, not that
// thread's process: the signal comes when that LWP exits, even while its
// process goes on (the LWP's children then belong to another of its LWPs).
// Each child process records the thread id of the LWP that made it
// (Proc::parent_gtid).
#include "kernel/lib/string.h"
#include "kernel/proc/proc.h"
#include "kernel/syscall/syscall.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

namespace {

enum : int {
  kSetPdeathsig = 1,
  kGetPdeathsig = 2,
  kGetDumpable = 3,
  kSetDumpable = 4,
  kSetName = 15,
  kGetName = 16,
  kSetNoNewPrivs = 38,
  kGetNoNewPrivs = 39,
};

// The parent-death signals c's LWPs asked for, as a set (c's spin taken).
uint64_t pdeath_signals(Proc* c) {
  uint64_t set = 0;
  SpinGuard g(c->spin);
  for (tidnode* n = tidtree::first(c->core.p_tids.p_lwps); n; n = tidtree::next(n)) {
    int sig = __atomic_load_n(&lwp_of(n)->pdeath_signal, __ATOMIC_RELAXED);
    if (sig > 0 && sig <= kNsig) set |= 1ull << (sig - 1);
  }
  return set;
}

}  // namespace

void lwp_set_name_locked(Proc* p, Lwp* lp, const char* name) {
  g_proctree_lock.assert_write_held();
  tine_strlcpy(lp->copy.name, name, sizeof lp->copy.name);
  if (lp->gtid == p->pid) tine_strlcpy(p->copy.comm, name, sizeof p->copy.comm);
}

void proc_parent_died_locked(Proc* c, Proc* parent, int heir_gtid) {
  g_proctree_lock.assert_write_held();
  c->parent_gtid = heir_gtid;
  uint64_t set = pdeath_signals(c);
  if (!set) return;
  // Another LWP of the parent may swap its credentials (setresuid) and free
  // the old ones meanwhile: they are read under its lock (tree, then proc).
  vc_uid_t uid = 0;
  {
    SpinGuard g(parent->spin);
    if (const Ucred* cr = parent->ucred()) uid = cr->c.cr_ruid;
  }
  for (; set; set &= set - 1) {
    int sig = __builtin_ctzll(set) + 1;
    proc_signal_info(c, sig, SigInfo{kSiUser, parent->pid, uid, 0});
  }
}

void lwp_pass_children(Lwp* lp) {
  Proc* p = lp->proc;
  if (!__atomic_load_n(&p->children, __ATOMIC_ACQUIRE)) return;
  RmWriteGuard g(g_proctree_lock);
  int heir = p->pid;  // the first LWP's id, should no other be left
  {
    SpinGuard g2(p->spin);
    for (tidnode* n = tidtree::first(p->core.p_tids.p_lwps); n; n = tidtree::next(n))
      if (lwp_of(n) != lp) {
        heir = lwp_of(n)->gtid;
        break;
      }
  }
  for (Proc* c = p->children; c; c = c->sibling)
    if (c->parent_gtid == lp->gtid) proc_parent_died_locked(c, p, heir);
}

// prctl(option, arg2, arg3, arg4, arg5): the options below; any other is
// -EINVAL (Linux's answer to an option it does not know).
int64_t sys_prctl(const SyscallArgs& a) {
  int option = static_cast<int>(a.a[0]);
  uint64_t arg2 = a.a[1];
  Lwp* lp = curlwp();
  Proc* p = lp->proc;
  switch (option) {
    case kSetPdeathsig:
      if (arg2 > static_cast<uint64_t>(kNsig)) return -EINVAL;
      __atomic_store_n(&lp->pdeath_signal, static_cast<int>(arg2), __ATOMIC_RELAXED);
      return 0;
    case kGetPdeathsig: {
      int sig = lp->pdeath_signal;
      return copyout_u(&sig, arg2, sizeof sig) == 0 ? 0 : -EFAULT;
    }
    case kGetDumpable: {
      SpinGuard g(p->spin);
      return (p->flags & P_NODUMP) ? 0 : 1;
    }
    case kSetDumpable: {
      if (arg2 > 1) return -EINVAL;  // SUID_DUMP_DISABLE or SUID_DUMP_USER
      SpinGuard g(p->spin);
      if (arg2)
        p->flags &= ~P_NODUMP;
      else
        p->flags |= P_NODUMP;
      return 0;
    }
    case kSetName: {
      // At most 15 bytes are read (Linux's strncpy_from_user of 15): a
      // longer name is cut, and the byte after the 15th is never touched.
      char name[16] = {};
      size_t n = copyin_upto(arg2, name, sizeof name - 1);
      if (n < sizeof name - 1 && tine_strnlen(name, n) == n) return -EFAULT;  // no NUL read
      RmWriteGuard g(g_proctree_lock);
      lwp_set_name_locked(p, lp, name);
      return 0;
    }
    case kGetName: {
      char name[16];
      {
        RmReadGuard g(g_proctree_lock);  // another thread may name it (/proc's comm)
        tine_memcpy(name, lp->copy.name, sizeof name);
      }
      return copyout_u(name, arg2, sizeof name) == 0 ? 0 : -EFAULT;
    }
    case kSetNoNewPrivs: {
      if (arg2 != 1 || a.a[2] || a.a[3] || a.a[4]) return -EINVAL;
      SpinGuard g(p->spin);
      p->flags |= P_NONEWPRIVS;  // for good: inherited, kept across exec
      return 0;
    }
    case kGetNoNewPrivs: {
      if (arg2 || a.a[2] || a.a[3] || a.a[4]) return -EINVAL;
      SpinGuard g(p->spin);
      return (p->flags & P_NONEWPRIVS) ? 1 : 0;
    }
    default: return -EINVAL;
  }
}
