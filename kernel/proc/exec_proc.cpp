// The process side of execve (kernel/exec/sys_execve.cpp loads the program):
// the process first becomes single-threaded, then takes the new address space
// and signal actions of its own, reset for the new program.
//
// Single-threading is BSD's (thread_single) and Linux's (de_thread): the
// execing LWP marks the process P_INEXEC, tells every other LWP to exit and
// waits until they have left its TID set. No LWP can be added meanwhile
// (lwp_create refuses under P_INEXEC), and an exit1 or another exec that gets
// there first wins: the loser is told to exit itself and gives up.
#include <new>

#include "kernel/exec/exec.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/proc/exec_cred.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/personality.h"
#include "kernel/proc/proc_internal.h"
#include "kernel/sched/sleepq.h"
#include "kernel/thread/thread.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/verified/contract_checks.h"
#include "kernel/verified/fork.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/refs.h"
#include "kernel/vm/vmspace.h"

namespace {

const char* base_name(const char* path) {
  const char* b = path;
  for (const char* p = path; *p; ++p)
    if (*p == '/' && p[1]) b = p + 1;
  return b;
}

// Whether the new program takes a table of its own whoever shares the old
// one: an exec that changes the ids (and leaves the process undumpable). A
// reader of /proc may hold the table from before the exec, its right to look
// checked against the old ids; what the new program opens must not reach
// it, so the program's descriptors go into a copy the reader never held.
bool table_goes_private(const ExecReplace* r) { return r->cred && r->cred->nodump; }

}  // namespace

int proc_exec_prepare(ExecReplace* r, const char* const* argv, const char* exe) {
  Proc* p = curproc();
  r->vmref = static_cast<VmRef*>(kmalloc(sizeof(VmRef), M_VMREF, M_WAITOK | M_ZERO));
  r->sigacts = static_cast<Sigacts*>(kmalloc(sizeof(Sigacts), M_SIGACTS, M_WAITOK | M_ZERO));
  r->args = pargs_new(argv, exe);
  // A table other processes share is theirs too: the new program gets a copy
  // (taken now, before the point of no return, so a failure changes nothing).
  // With other LWPs still running, one of them may yet fork a process that
  // shares the table: the copy is made then too, and commit decides.
  bool ok = r->vmref && r->sigacts && r->args;
  r->fd = nullptr;
  if (ok && (table_goes_private(r) || p->nthreads() > 1 || refcount_read(&p->fd()->c.fd_ref) > 1)) {
    r->fd = fd_copy(p->fd());
    ok = r->fd != nullptr;
  }
  if (ok) return 0;
  proc_exec_abandon(r);
  return -ENOMEM;
}

void proc_exec_abandon(ExecReplace* r) {
  if (r->vmref) kfree(r->vmref, M_VMREF);
  if (r->sigacts) kfree(r->sigacts, M_SIGACTS);
  if (r->fd) fd_destroy(r->fd);
  if (r->args) kfree(r->args, M_SUBPROC);
  r->vmref = nullptr;
  r->sigacts = nullptr;
  r->fd = nullptr;
  r->args = nullptr;
}

bool proc_exec_single_thread() {
  Lwp* lp = curlwp();
  Proc* p = lp->proc;
  SpinGuard g(p->spin);
  if ((p->flags & (P_WEXIT | P_INEXEC)) ||
      (__atomic_load_n(&lp->flags, __ATOMIC_ACQUIRE) & LWP_WEXIT))
    return false;  // this LWP has been told to exit
  p->flags |= P_INEXEC;
  if (p->nthreads() == 1) return true;
  proc_end_other_lwps_locked(p, lp);
  // Their sleeps are interruptible, so they leave promptly; each wakes this
  // channel as it goes, and so does an exit1 that tells this LWP to go too.
  while (p->nthreads() > 1) {
    if (__atomic_load_n(&lp->flags, __ATOMIC_ACQUIRE) & LWP_WEXIT) {
      p->flags &= ~P_INEXEC;
      return false;
    }
    ssleep(&p->core.p_tids, p->spin, 0, "exec", 0);
  }
  return true;
}

void proc_exec_commit(Vmspace* vm, const char* name, ExecReplace* r) {
  Lwp* lp = curlwp();
  Proc* p = lp->proc;
  // Linux's exec_mm_release, on the old memory, while it is still there.
  lwp_release_user_words(lp);
  // The new program has not waited for anything yet (heuristic_forking).
  lp->thread->waits_for_children = false;
  {
    SpinGuard g(p->spin);
    lwp_vfork_release_locked(lp);
  }
  // The other LWPs have left the TID set; their threads are gone once joined,
  // and with them any use of the old space.
  lwp_reap_zombies(p);
  // The LWP that execs takes the pid as its thread id (Linux), and is the
  // one whose exit code the process's will be. The new program has no
  // alternate signal stack.
  {
    SpinGuard g(p->spin);
    p->leader_exit = 0;
  }
  lp->copy.altstack = {};
  personality_on_exec(lp, r->cred && r->cred->nodump);
  if (lp->gtid != p->pid) {
    RmWriteGuard g(g_proctree_lock);
    tidhash_remove_locked(lp);
    if (lp->owns_id) id_unuse_locked(lp->gtid);
    lp->gtid = p->pid;
    lp->owns_id = false;
    tidhash_insert_locked(lp);
  }

  // The address space. Only a fork of this process could add a holder, and
  // it has one LWP now: a count of 1 stays 1.
  VmRef* vr = p->vmref();
  if (refcount_read(&vr->c.vm_ref) == 1) {
    Vmspace* old = vr->vm;
    vr->vm = vm;
    vmspace_activate(vm);
    vmspace_release(old);
    kfree(r->vmref, M_VMREF);
  } else {
    // Shared (a vfork child, RFMEM): leave it for a space of its own.
    VmRef* nvr = r->vmref;
    refcount_init(&nvr->c.vm_ref, 1);
    nvr->vm = vm;
    nvr->users = 1;
    vc_contract::proc_vmspace_replace_requires(&p->core, &nvr->c);
    proc_vmspace_replace(&p->core, &nvr->c);
  }
  r->vmref = nullptr;

  // Signal actions shared with other processes (RFSIGSHARE) are theirs too:
  // this process takes a copy before resetting the handlers.
  Sigacts* ps = p->sigacts();
  Sigacts* drop = nullptr;
  {
    SpinGuard g(p->spin);
    if (refcount_read(&ps->c.ps_ref) > 1) {
      Sigacts* mine = r->sigacts;
      refcount_init(&mine->c.ps_ref, 1);
      sigacts_copy_actions(mine, ps);  // (allocated zeroed)
      vc_contract::proc_sigacts_replace_locked_requires(&p->core, &mine->c);
      if (proc_sigacts_replace_locked(&p->core, &mine->c))
        drop = ps;  // the others let go meanwhile
      ps = mine;
      r->sigacts = nullptr;
    }
    sigacts_reset_caught(ps);
  }
  if (drop) kfree(drop, M_SIGACTS);
  if (r->sigacts) kfree(r->sigacts, M_SIGACTS);
  r->sigacts = nullptr;

  // The descriptor table: a private copy if it was shared, then the
  // close-on-exec descriptors go.
  // (One LWP now: only other processes sharing the table could add a sharer,
  // and then it is shared already.)
  if (r->fd && (table_goes_private(r) || refcount_read(&p->fd()->c.fd_ref) > 1)) {
    // The copy was made before the other LWPs ended: a fresh one has what
    // they (and the processes sharing the table) did since. With no memory
    // for it the program cannot have its table: the process is killed, as
    // Linux kills an exec that fails past its point of no return.
    if (Filedesc* fresh = fd_copy(p->fd())) {
      fd_destroy(r->fd);
      r->fd = fresh;
    } else {
      proc_signal(p, kSigKill);
    }
    vc_contract::proc_fd_replace_requires(&p->core, &r->fd->c);
    proc_fd_replace(&p->core, &r->fd->c);
  } else if (r->fd) {
    fd_destroy(r->fd);
  }
  r->fd = nullptr;
  fd_close_on_exec(p->fd());

  // The arguments /proc shows.
  Pargs* last_args = nullptr;
  {
    SpinGuard g(p->spin);
    Pargs* was = p->args();
    vc_contract::proc_args_replace_locked_requires(&p->core, &r->args->c);
    if (proc_args_replace_locked(&p->core, &r->args->c)) last_args = was;
    r->args = nullptr;
  }
  if (last_args) kfree(last_args, M_SUBPROC);

  // The name, and the credentials with the end of P_INEXEC (kernel/proc/exec_cred.h).
  Ucred* old_cred = nullptr;
  Uidinfo* old_ui = nullptr;
  {
    RmWriteGuard g(g_proctree_lock);
    tine_strlcpy(p->copy.comm, base_name(name), sizeof p->copy.comm);
    tine_strlcpy(lp->copy.name, base_name(name), sizeof lp->copy.name);
    SpinGuard g2(p->spin);
    p->flags &= ~(P_SUGID | P_INEXEC | P_NODUMP);
    if (r->cred) old_cred = exec_cred_commit_locked(p, lp, r->cred, &old_ui);
  }
  if (old_cred) ucred_put(old_cred);
  if (old_ui) uidinfo_put(old_ui);
  wake_vfork_parent(p);  // exec ends vfork's wait
}
