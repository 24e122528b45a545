// Processes: the tree, pids, process groups and sessions, the counted objects,
// the LWP thread, and what the rest of the kernel asks of the process layer
// (curvmspace, user_return_prepare, user_fatal_signal, exec's address-space
// switch, init).
#include "kernel/proc/proc.h"

#include <arch/cpu.h>
#include <new>

#include "kernel/console/kprintf.h"
#include "kernel/cpu/percpu.h"
#include "kernel/exec/exec.h"
#include "kernel/fs/namei.h"
#include "kernel/fs/vnode.h"
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/power/power.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/pidtab.h"
#include "kernel/sched/usched.h"
#include "kernel/sync/sleepq.h"
#include "kernel/syscall/errno.h"
#include "kernel/syscall/signo.h"
#include "kernel/syscall/user_hooks.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"
#include "kernel/verified/fork.h"
#include "kernel/verified/fork_hooks.h"
#include "kernel/verified/nprocs.h"
#include "kernel/verified/objects.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/tid.h"
#include "kernel/verified/uidinfo.h"
#include "kernel/vm/copy.h"
#include "kernel/vm/sigpage.h"
#include "kernel/vm/vmspace.h"

LockClass g_proctree_class{"proc.tree", kRankAllProc};
SpinLock g_proctree_lock{g_proctree_class};
LockClass g_proc_class{"proc", kRankProc};
static LockClass g_uidinfo_class{"uidinfo", kRankUidinfo};
SpinLock g_uidinfo_lock{g_uidinfo_class};
Proc g_proc0{g_proc_class};
Proc* g_initproc;  // g_proctree_lock
struct proccount g_proccount;
struct proccount g_lwpcount;

namespace {

Proc* g_allproc;                      // g_proctree_lock
Pgrp* g_pgrps;                        // g_proctree_lock
Uidinfo* g_uidinfos;                  // g_uidinfo_lock
Vmspace* g_borrowed[arch::kMaxCpus];  // proc_borrow_vmspace, per CPU

uint64_t g_live_procs, g_live_lwps, g_live_pgrps, g_live_sessions, g_live_uidinfos,
    g_live_ucreds;  // atomics

void count(uint64_t* c, int d) { __atomic_add_fetch(c, static_cast<uint64_t>(static_cast<int64_t>(d)), __ATOMIC_RELAXED); }
uint64_t rd(const uint64_t* c) { return __atomic_load_n(c, __ATOMIC_RELAXED); }

const char* base_name(const char* path) {
  const char* b = path;
  for (const char* p = path; *p; ++p)
    if (*p == '/' && p[1]) b = p + 1;
  return b;
}

}  // namespace

const char* proc_stat_name(ProcStat s) {
  switch (s) {
    case ProcStat::kIdl: return "SIDL";
    case ProcStat::kActive: return "SACTIVE";
    case ProcStat::kZombie: return "SZOMB";
  }
  return "?";
}

void proc_count_lwp(int delta) { count(&g_live_lwps, delta); }
void proc_count_proc(int delta) { count(&g_live_procs, delta); }

// ---- objects ---------------------------------------------------------------

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

Uidinfo* uifind(vc_uid_t uid) {
  {
    SpinGuard g(g_uidinfo_lock);
    for (Uidinfo* u = g_uidinfos; u; u = u->next)
      if (u->c.ui_uid == uid && refcount_read(&u->c.ui_ref) > 0) return static_cast<Uidinfo*>(static_cast<void*>(uihold(&u->c)));
  }
  auto* n = static_cast<Uidinfo*>(kmalloc(sizeof(Uidinfo), M_PROC, M_WAITOK | M_ZERO));
  if (!n) return nullptr;
  refcount_init(&n->c.ui_ref, 1);
  n->c.ui_uid = uid;
  SpinGuard g(g_uidinfo_lock);
  for (Uidinfo* u = g_uidinfos; u; u = u->next) {
    if (u->c.ui_uid == uid && refcount_read(&u->c.ui_ref) > 0) {
      kfree(n, M_PROC);
      return reinterpret_cast<Uidinfo*>(uihold(&u->c));
    }
  }
  n->next = g_uidinfos;
  g_uidinfos = n;
  count(&g_live_uidinfos, 1);
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
  count(&g_live_uidinfos, -1);
}

void uidinfo_put(Uidinfo* ui) {
  SpinGuard g(g_uidinfo_lock);
  if (uidrop(&ui->c)) uidinfo_destroy_locked(ui);
}

namespace {

// A blank ucred with count 1 holding ruid's uidinfo, or nullptr.
Ucred* ucred_blank(vc_uid_t ruid) {
  auto* cr = static_cast<Ucred*>(kmalloc(sizeof(Ucred), M_UCRED, M_WAITOK | M_ZERO));
  if (!cr) return nullptr;
  Uidinfo* ui = uifind(ruid);
  if (!ui) {
    kfree(cr, M_UCRED);
    return nullptr;
  }
  refcount_init(&cr->c.cr_ref, 1);
  cr->c.cr_ruid = ruid;
  cr->c.cr_ruidinfo = &ui->c;
  count(&g_live_ucreds, 1);
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
  if (uidrop(&ui->c)) uidinfo_destroy_locked(ui);
  kfree(cr, M_UCRED);
  count(&g_live_ucreds, -1);
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
  crhold(&cr->c);
  return cr;
}

void ucred_put(Ucred* cr) {
  SpinGuard g(g_uidinfo_lock);
  if (crfree(&cr->c)) ucred_destroy_locked(cr);
}

Sigacts* sigacts_new() {
  auto* ps = static_cast<Sigacts*>(kmalloc(sizeof(Sigacts), M_SIGACTS, M_WAITOK | M_ZERO));
  if (ps) refcount_init(&ps->c.ps_ref, 1);
  return ps;
}

Pargs* pargs_new(const char* const* argv, const char* exe) {
  size_t args = 0;
  for (size_t i = 0; argv && argv[i]; ++i) args += tine_strlen(argv[i]) + 1;
  size_t exe_len = tine_strlen(exe);
  auto* pa = static_cast<Pargs*>(
      kmalloc(sizeof(Pargs) + args + exe_len + 1, M_SUBPROC, M_WAITOK));
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

int proc_nofile_limit(Proc* p) {
  SpinGuard g(p->spin);
  uint64_t cur = p->limit()->c.pl_rlimit[kRlimitNofile].rlim_cur;
  return cur > static_cast<uint64_t>(kNrOpen) ? kNrOpen : static_cast<int>(cur);
}

FsCred proc_fscred(Proc* p) {
  SpinGuard g(p->spin);
  const Ucred* cr = p->ucred();
  return FsCred{cr->fsuid, cr->fsgid};
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
  return lim;
}

void proc_release_refs(struct proccount* pc, struct proc_core* p, struct proc_lastrefs* last) {
  nprocs_release(pc);
  chgproccnt(p->p_uidinfo, -1, VC_RLIM_INFINITY);
  last->ucred = crfree(p->p_ucred);
  last->uidinfo = uidrop(p->p_uidinfo);
  last->sigacts = sigacts_drop(p->p_sigacts);
  last->fd = fddrop(p->p_fd);
  last->fdtol = p->p_fdtol ? fdtol_drop(p->p_fdtol) : 0;
  last->vmspace = vmspace_drop(p->p_vmspace);
  last->limit = plimit_drop(p->p_limit);
  last->pgrp = p->p_pgrp ? pgrel(p->p_pgrp) : 0;
  last->args = p->p_args ? pargs_drop(p->p_args) : 0;
  p->p_ucred = nullptr;
  p->p_uidinfo = nullptr;
  p->p_sigacts = nullptr;
  p->p_fd = nullptr;
  p->p_fdtol = nullptr;
  p->p_vmspace = nullptr;
  p->p_limit = nullptr;
  p->p_pgrp = nullptr;
  p->p_args = nullptr;
}

// Frees whatever proc_release_refs said lost its last reference. Called with
// g_proctree_lock and g_uidinfo_lock held (pgrp and uidinfo tables).
void proc_objects_destroy(Proc*, const struct proc_lastrefs& last, Ucred* cr, Uidinfo* ui,
                          Sigacts* ps, Filedesc* fd, Fdtol* tl, VmRef* vm, Plimit* lim,
                          Pgrp* pg, Pargs* pa) {
  if (last.ucred) ucred_destroy_locked(cr);
  if (last.uidinfo) uidinfo_destroy_locked(ui);
  if (last.sigacts) kfree(ps, M_SIGACTS);
  if (last.fd) filedesc_destroy(&fd->c);
  if (last.fdtol) fdtol_destroy(tl);
  if (last.vmspace) vmspace_destroy(&vm->c);
  if (last.limit) kfree(lim, M_SUBPROC);
  if (last.args) kfree(pa, M_SUBPROC);
  if (last.pgrp) {
    for (Pgrp** pp = &g_pgrps; *pp; pp = &(*pp)->next)
      if (*pp == pg) {
        *pp = pg->next;
        break;
      }
    id_unuse_locked(pg->pgid);
    if (--pg->session->refs == 0) {
      id_unuse_locked(pg->session->sid);
      kfree(pg->session, M_SESSION);
      count(&g_live_sessions, -1);
    }
    kfree(pg, M_PGRP);
    count(&g_live_pgrps, -1);
  }
}

// ---- the tree ---------------------------------------------------------------

Proc* proc_all_first_locked() { return g_allproc; }

Pgrp* pgfind_locked(int pgid) {
  for (Pgrp* pg = g_pgrps; pg; pg = pg->next)
    if (pg->pgid == pgid && refcount_read(&pg->c.pg_ref) > 0) return pg;
  return nullptr;
}

void proc_link_locked(Proc* p, Proc* parent) {
  g_proctree_lock.assert_held();
  p->all_next = g_allproc;
  p->all_prev = nullptr;
  if (g_allproc) g_allproc->all_prev = p;
  g_allproc = p;
  id_use_locked(p->pid);
  pidhash_insert_locked(p);
  p->pptr = parent;
  p->sibling = parent->children;
  parent->children = p;
  count(&g_live_procs, 1);
}

void proc_unlink_locked(Proc* p) {
  g_proctree_lock.assert_held();
  if (p->all_prev) p->all_prev->all_next = p->all_next;
  else g_allproc = p->all_next;
  if (p->all_next) p->all_next->all_prev = p->all_prev;
  pidhash_remove_locked(p);
  id_unuse_locked(p->pid);
  count(&g_live_procs, -1);
}

void pgrp_enter_locked(Proc* p, Pgrp* pg) {
  p->pgrp = pg;
  p->pg_next = pg->members;
  pg->members = p;
}

void pgrp_leave_locked(Proc* p) {
  Pgrp* pg = p->pgrp;
  if (!pg) return;
  for (Proc** pp = &pg->members; *pp; pp = &(*pp)->pg_next)
    if (*pp == p) {
      *pp = p->pg_next;
      break;
    }
  p->pg_next = nullptr;
  p->pgrp = nullptr;
}

// A new group (and session if `s` is null) led by pid: count 1, not linked.
Pgrp* pgrp_alloc(Session* s, int pgid) {
  auto* pg = static_cast<Pgrp*>(kmalloc(sizeof(Pgrp), M_PGRP, M_WAITOK | M_ZERO));
  if (!pg) return nullptr;
  new (pg) Pgrp();
  refcount_init(&pg->c.pg_ref, 1);
  lockinit(&pg->pg_lock, "pgrp", 0, 0);
  pg->pgid = pgid;
  if (!s) {
    s = static_cast<Session*>(kmalloc(sizeof(Session), M_SESSION, M_WAITOK | M_ZERO));
    if (!s) {
      kfree(pg, M_PGRP);
      return nullptr;
    }
    s->sid = pgid;
    count(&g_live_sessions, 1);
  }
  pg->session = s;
  count(&g_live_pgrps, 1);
  return pg;
}

void pgrp_link_locked(Pgrp* pg) {
  if (pg->session->refs++ == 0) id_use_locked(pg->session->sid);
  id_use_locked(pg->pgid);
  pg->next = g_pgrps;
  g_pgrps = pg;
}

// A group allocated by pgrp_alloc that was never used (its session too if new).
void pgrp_free_unused(Pgrp* pg, bool new_session) {
  if (new_session) {
    kfree(pg->session, M_SESSION);
    count(&g_live_sessions, -1);
  }
  kfree(pg, M_PGRP);
  count(&g_live_pgrps, -1);
}

// Moves p into pg (g_proctree_lock held): the group reference moves with it.
void pgrp_move_locked(Proc* p, Pgrp* pg) {
  Pgrp* old = p->pgrp;
  pgrp_leave_locked(p);
  pgref(&pg->c);
  {
    SpinGuard g(p->spin);
    p->core.p_pgrp = &pg->c;
  }
  pgrp_enter_locked(p, pg);
  if (old && pgrel(&old->c)) {
    struct proc_lastrefs last = {};
    last.pgrp = 1;
    proc_objects_destroy(p, last, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                         old, nullptr);
  }
}

// ---- the running LWP --------------------------------------------------------

Lwp* curlwp() {
  Thread* t = curthread();
  return t && t->fn == lwp_thread_main ? static_cast<Lwp*>(t->arg) : nullptr;
}

Proc* curproc() {
  Lwp* lp = curlwp();
  return lp ? lp->proc : nullptr;
}

int lwp_thread_main(void* arg) {
  Lwp* lp = static_cast<Lwp*>(arg);
  void lwp_exit_finish(Lwp * lp);
  if (!(__atomic_load_n(&lp->flags, __ATOMIC_ACQUIRE) & LWP_WEXIT)) {
    vmspace_activate(lp->proc->vmref()->vm);
    if (uint64_t word = lp->set_child_tid) {
      // CLONE_CHILD_SETTID, written by the child in its own memory (Linux's
      // schedule_tail); a failure is not reported (the word was checked).
      lp->set_child_tid = 0;
      int tid = lp->gtid;
      (void)copyout_u(&tid, word, sizeof tid);
    }
    (void)arch_user_run(&lp->start, &lp->run);
    arch::irq_enable();
  }
  lwp_exit_finish(lp);
  return 0;
}

int lwp_thread_create(Lwp* lp, Thread** out) {
  ThreadAttr attr;
  attr.prio = kPrioUserMin;
  attr.flags = kThreadTimeshare;
  attr.affinity = usched_mastermask;
  attr.nice = lp->copy.nice;
  return thread_create(lp->proc->copy.comm, lwp_thread_main, lp, attr, out);
}

Vmspace* curvmspace() {
  Proc* p = curproc();
  if (p && p->vmref()) return p->vmref()->vm;
  return g_borrowed[cpu_index()];
}

void proc_borrow_vmspace(Vmspace* vm) { g_borrowed[cpu_index()] = vm; }

uint64_t proc_live_count() { return rd(&g_live_procs); }

bool proc_signal_fatal(Proc* p, int sig);

void user_return_prepare() {
  Lwp* lp = curlwp();
  if (lp) {
    if (__atomic_load_n(&lp->flags, __ATOMIC_ACQUIRE) & LWP_WEXIT)
      arch_user_run_exit(&lp->run, 0);
    // What ends the process (handlers were run by the caller, with a frame).
    if (signal_pending_any(lp)) signal_deliver(nullptr);
  }
  Vmspace* vm = curvmspace();
  if (vm) vmspace_activate(vm);
}

void user_fatal_signal(int sig, const char* why, uint64_t addr, uint64_t pc) {
  Proc* p = curproc();
  kprintf("pid %d (%s): %s %#lx at pc %#lx: killed by %s\n", p ? p->pid : -1,
          p ? p->copy.comm : "?", why, addr, pc, signal_name(sig));
  exit1(wstatus_signaled(sig));
}

void proc_exit_current(int wstatus) { exit1(wstatus); }

void vmref_user_leave(VmRef* vr) {
  if (__atomic_sub_fetch(&vr->users, 1, __ATOMIC_ACQ_REL) == 0) {
    Vmspace* v = __atomic_exchange_n(&vr->vm, nullptr, __ATOMIC_ACQ_REL);
    if (v) vmspace_release(v);
  }
}

// ---- process 0, init and the reaper -------------------------------------------

void proc_reap(Proc* p);

static int reaper_main(void*) {
  for (;;) {
    Proc* found = nullptr;
    {
      SpinGuard g(g_proctree_lock);
      for (;;) {
        for (Proc** pp = &g_proc0.children; *pp; pp = &(*pp)->sibling) {
          Proc* c = *pp;
          if (c->stat == ProcStat::kZombie && (c->flags & P_KREAP)) {
            *pp = c->sibling;
            found = c;
            break;
          }
        }
        if (found) break;
        ssleep(&g_proc0, g_proctree_lock, 0, "reaper", 0);
      }
    }
    proc_reap(found);
  }
}

void proc_init() {
  if (!sigpage_init()) panic("proc: no page for the signal trampoline");
  nprocs_init(&g_proccount, kMaxprocDefault, 1);  // process 0
  nprocs_init(&g_lwpcount, kMaxlwpsDefault, 0);
  g_proc0.pid = 0;
  g_proc0.stat = ProcStat::kActive;
  tine_strlcpy(g_proc0.copy.comm, "kernel", sizeof g_proc0.copy.comm);
  lwp_tids_init(&g_proc0.core.p_tids);
  Thread* t;
  ThreadAttr attr;
  attr.flags = kThreadDetached;
  if (thread_spawn("reaper", reaper_main, nullptr, attr, &t) != 0) panic("proc: no reaper thread");
}

void proc_set_maxproc(int maxproc) {
  nprocs_init(&g_proccount, maxproc, nprocs_read(&g_proccount));
}

static bool g_proc_inited;

void proc_boot_init() {
  if (!__atomic_exchange_n(&g_proc_inited, true, __ATOMIC_ACQ_REL)) proc_init();
}

int proc_run_init(const char* path, const char* const* argv, const char* const* envp) {
  proc_boot_init();
  // A bare name is one of /bin's (the built-in programs are unpacked there).
  ExecArgs* ea = exec_args_new();
  if (!ea) return -ENOMEM;
  int err = exec_args_from(ea, argv, envp);
  if (!err) {
    char full[kNameMax + 8];
    bool bare = tine_strchr(path, '/') == nullptr;
    if (bare) tine_snprintf(full, sizeof full, "/bin/%s", path);
    ea->filename = exec_args_store(ea, bare ? full : path, tine_strlen(bare ? full : path));
    if (!ea->filename) err = -E2BIG;
  }
  FsCred root{0, 0};
  Vnode* file = nullptr;
  if (!err) err = exec_resolve(ea, vfs_root(), root, &file);
  if (err) {
    exec_args_free(ea);
    return err;
  }
  if (nprocs_reserve(&g_proccount, 0) != VC_OK) {
    vrele(file);
    exec_args_free(ea);
    return -EAGAIN;
  }
  Proc* p = proc_new();
  Lwp* lp = lwp_new();
  Ucred* cr = ucred_alloc(0, 0);
  Sigacts* ps = sigacts_new();
  Filedesc* fd = fd_init(nullptr);
  Plimit* lim = plimit_new();
  Pargs* args = pargs_new(ea->argv, ea->exe);
  auto* vr = static_cast<VmRef*>(kmalloc(sizeof(VmRef), M_VMSPACE, M_WAITOK | M_ZERO));
  Vmspace* vm = vmspace_create();
  ExecEntry entry;
  err = p && lp && cr && ps && fd && lim && args && vr && vm ? 0 : -ENOMEM;
  // Descriptors 0-2 on the console; without /dev/console the program runs with none.
  if (!err && fd_console(fd) != 0) kprintf("init: no /dev/console: no descriptors 0-2\n");
  if (!err) err = exec_load(vm, file, *ea, ExecIds{0, 0, 0, 0}, &entry);
  vrele(file);
  Pgrp* pg = nullptr;
  Thread* t = nullptr;
  if (!err) {
    lockinit(&p->forklock, "forklock", 0, 0);
    lwp_tids_init(&p->core.p_tids);
    tine_strlcpy(p->copy.comm, base_name(ea->filename), sizeof p->copy.comm);
    lp->proc = p;
    tine_strlcpy(lp->copy.name, p->copy.comm, sizeof lp->copy.name);
    arch::user_frame_init(&lp->start, entry.pc, entry.sp);
    err = -lwp_thread_create(lp, &t);
  }
  if (!err) {
    SpinGuard g(g_proctree_lock);
    int pid = id_alloc_locked();
    pg = pid > 0 ? pgrp_alloc(nullptr, pid) : nullptr;  // allocates under a low-rank lock: allowed
    if (!pg) {
      err = -EAGAIN;
    } else {
      p->pid = pid;
      p->sigparent = kSigChld;
      p->start_ns = clock_ns();
      refcount_init(&vr->c.vm_ref, 1);
      vr->vm = vm;
      vr->users = 1;
      p->core.p_ucred = &cr->c;
      p->core.p_uidinfo = uihold(cr->c.cr_ruidinfo);
      (void)chgproccnt(cr->c.cr_ruidinfo, 1, VC_RLIM_INFINITY);
      p->core.p_sigacts = &ps->c;
      p->core.p_fd = &fd->c;
      p->core.p_args = &args->c;
      p->core.p_limit = &lim->c;
      p->core.p_vmspace = &vr->c;
      p->core.p_leader = &p->core;
      p->core.p_pgrp = &pg->c;
      pgrp_link_locked(pg);
      pg->session->leader = p;
      pgrp_enter_locked(p, pg);
      (void)lwp_tid_alloc_locked(&p->core.p_tids, &lp->node);
      lp->thread = t;
      proc_link_locked(p, &g_proc0);
      lp->gtid = pid;
      tidhash_insert_locked(lp);
      if (!g_initproc) g_initproc = p;  // heir of orphans until it exits
      p->stat = ProcStat::kActive;
      proc_count_lwp(1);
    }
  }
  if (err) {
    // Nothing was published.
    if (t) {
      __atomic_or_fetch(&lp->flags, LWP_WEXIT, __ATOMIC_RELEASE);
      lp->proc = nullptr;
      thread_detach(t);  // never started: freed with the detach
    }
    if (vm) vmspace_release(vm);
    if (vr) kfree(vr, M_VMSPACE);
    if (lim) kfree(lim, M_SUBPROC);
    if (fd) fd_destroy(fd);
    if (args) kfree(args, M_SUBPROC);
    if (ps) kfree(ps, M_SIGACTS);
    if (cr) ucred_put(cr);
    if (lp) kfree(lp, M_LWP);
    if (p) kfree(p, M_PROC);
    nprocs_release(&g_proccount);
    exec_args_free(ea);
    return err;
  }
  exec_args_free(ea);
  thread_start(t);
  // Wait for it as its parent would.
  int wstatus;
  {
    SpinGuard g(g_proctree_lock);
    while (p->stat != ProcStat::kZombie) ssleep(&g_proc0, g_proctree_lock, 0, "init", 0);
    wstatus = p->xstat;
    for (Proc** pp = &g_proc0.children; *pp; pp = &(*pp)->sibling)
      if (*pp == p) {
        *pp = p->sibling;
        break;
      }
  }
  proc_reap(p);
  return wstatus;
}

void init_start(const char* path, const char* bootargs) {
  // Process 1 is the built-in init, which runs the program asked for and
  // reaps orphans. argv: "init", the program, then the words after a lone
  // "--" (copied: split in place).
  constexpr size_t kMaxArgs = 16;
  static char words[256];
  const char* argv[kMaxArgs + 3] = {"init", path};
  size_t argc = 2;
  if (tine_strcmp(path, "init") == 0) argc = 1;  // init=init: nothing to run under it
  const char* rest = nullptr;
  for (const char* p = bootargs; *p; ++p) {
    if ((p == bootargs || p[-1] == ' ') && p[0] == '-' && p[1] == '-' && (p[2] == ' ' || !p[2])) {
      rest = p + 2;
      break;
    }
  }
  if (rest) {
    tine_strlcpy(words, rest, sizeof words);
    char* w = words;
    while (*w && argc < kMaxArgs + 2) {
      while (*w == ' ') *w++ = 0;
      if (!*w) break;
      argv[argc++] = w;
      while (*w && *w != ' ') ++w;
    }
  }
  argv[argc] = nullptr;
  const char* envp[] = {"HOME=/", "PATH=/bin", "TERM=vt100", nullptr};
  int ws = proc_run_init("init", argv, envp);
  if (ws < 0) {
    kprintf("init: cannot run init (error %d)\n", -ws);
    kernel_exit(127);
  }
  int code = wstatus_to_code(ws);
  kprintf("init exited: status=%d\n", code);
  kernel_exit(code);
}

// ---- statistics, ps and the invariant checker ------------------------------------

extern ForkStats g_fork_stats;

ForkStats fork_stats() {
  ForkStats s;
  s = g_fork_stats;
  s.procs_live = rd(&g_live_procs);
  s.lwps_live = rd(&g_live_lwps);
  s.pgrps_live = rd(&g_live_pgrps);
  s.sessions_live = rd(&g_live_sessions);
  s.uidinfos_live = rd(&g_live_uidinfos);
  s.ucreds_live = rd(&g_live_ucreds);
  return s;
}

void proc_print_all() {
  SpinGuard g(g_proctree_lock);
  kprintf("  PID  PPID  PGID   SID  UID STAT    NLWP CPU  TIDS          COMM\n");
  for (Proc* p = g_allproc; p; p = p->all_next) {
    SpinGuard g2(p->spin);
    char tids[64];
    size_t n = 0;
    tids[0] = 0;
    int cpu = -1;
    for (tidnode* t = tidtree::first(p->core.p_tids.p_lwps); t && n + 8 < sizeof tids; t = tidtree::next(t)) {
      n += static_cast<size_t>(tine_snprintf(tids + n, sizeof tids - n, "%s%d", n ? "," : "", t->tid));
      if (Thread* th = lwp_of(t)->thread) cpu = static_cast<int>(th->cpu);
    }
    Ucred* cr = p->ucred();
    kprintf("%5d %5d %5d %5d %4u %-7s %4d %3d  %-13s %s\n", p->pid, p->pptr ? p->pptr->pid : -1,
            p->pgrp ? p->pgrp->pgid : -1, p->pgrp ? p->pgrp->session->sid : -1,
            cr ? cr->c.cr_ruid : 0, proc_stat_name(p->stat), p->nthreads(), cpu, tids,
            p->copy.comm);
  }
  // The seed's vmstat -f: forks by kind, with the pages of the address spaces
  // they copied or shared (heap and stack sizes).
  const ForkStats& s = g_fork_stats;
  kprintf("forks %lu (%lu pages), vforks %lu (%lu pages), rforks %lu (%lu pages), "
          "exit heuristics %lu\n",
          rd(&s.forks), rd(&s.forkpages), rd(&s.vforks), rd(&s.vforkpages), rd(&s.rforks),
          rd(&s.rforkpages), rd(&s.exit_heuristics));
}

// The spec/ predicates, at run time: counts within bounds, every reference
// count equal to the number of holders found by walking the processes, TIDs
// distinct, p_nthreads equal to the live LWPs.
namespace {

struct Holder {
  const void* obj;
  int count;
  int holders;
  const char* what;
};

constexpr int kMaxHolders = 1024;
Holder g_holders[kMaxHolders];
int g_nholders;

void note(const void* obj, int count, const char* what) {
  if (!obj) return;
  for (int i = 0; i < g_nholders; ++i)
    if (g_holders[i].obj == obj) {
      g_holders[i].holders++;
      return;
    }
  if (g_nholders < kMaxHolders) g_holders[g_nholders++] = {obj, count, 1, what};
}

}  // namespace

int proc_check_invariants(bool verbose) {
  int bad = 0;
  SpinGuard g(g_proctree_lock);
  g_nholders = 0;
  int nprocs = 1;  // process 0
  int lwps_beyond_first = 0;
  // The table zombies hold has one holder more: the kernel's own reference.
  note(&g_exited_fd.c, g_exited_fd.c.fd_ref.rc_count, "filedesc");
  for (Proc* p = g_allproc; p; p = p->all_next) {
    ++nprocs;
    SpinGuard g2(p->spin);
    struct proc_core* c = &p->core;
    if (!c->p_ucred || !c->p_uidinfo || !c->p_sigacts || !c->p_fd || !c->p_vmspace || !c->p_limit) {
      kprintf("invariant: pid %d lacks a reference\n", p->pid);
      ++bad;
      continue;
    }
    note(c->p_ucred, c->p_ucred->cr_ref.rc_count, "ucred");
    note(c->p_sigacts, c->p_sigacts->ps_ref.rc_count, "sigacts");
    note(c->p_fd, c->p_fd->fd_ref.rc_count, "filedesc");
    note(c->p_vmspace, c->p_vmspace->vm_ref.rc_count, "vmspace");
    note(c->p_limit, c->p_limit->pl_ref.rc_count, "plimit");
    if (c->p_pgrp) note(c->p_pgrp, c->p_pgrp->pg_ref.rc_count, "pgrp");
    if (c->p_args) note(c->p_args, c->p_args->ar_ref.rc_count, "pargs");
    // TIDs: distinct and counted (tidtree::validate checks order and colours).
    const char* why = nullptr;
    if (!tidtree::validate(c->p_tids.p_lwps, &why)) {
      kprintf("invariant: pid %d TID tree: %s\n", p->pid, why);
      ++bad;
    }
    size_t n = tidtree::size(c->p_tids.p_lwps);
    if (static_cast<int>(n) != c->p_tids.p_nthreads) {
      kprintf("invariant: pid %d p_nthreads %d, %zu LWPs\n", p->pid, c->p_tids.p_nthreads, n);
      ++bad;
    }
    if (p->stat == ProcStat::kZombie && n != 0) {
      kprintf("invariant: zombie %d has LWPs\n", p->pid);
      ++bad;
    }
    // TIDs are handed out in increasing order from p_lasttid + 1 (the seed's
    // rule), so none is above the last one handed out until the counter wraps
    // at LWP_TID_MAX (INT_MAX: 2^31 lwp_creates in one process).
    tidnode* last = tidtree::last(c->p_tids.p_lwps);
    if (last && last->tid > c->p_tids.p_lasttid) {
      kprintf("invariant: pid %d TID %d above the last handed out, %d\n", p->pid, last->tid,
              c->p_tids.p_lasttid);
      ++bad;
    }
    // The LWPs beyond the first are what the system-wide LWP count counts.
    lwps_beyond_first += n > 1 ? static_cast<int>(n) - 1 : 0;
  }
  // uidinfo: the tasks charged (each process's LWPs, one for a process that
  // has none left), and the references (one per ucred, one per process).
  SpinGuard gu(g_uidinfo_lock);
  for (Uidinfo* u = g_uidinfos; u; u = u->next) {
    int procs = 0, tasks = 0, refs = 0;
    for (Proc* p = g_allproc; p; p = p->all_next)
      if (p->core.p_uidinfo == &u->c) {
        ++procs;
        tasks += p->nthreads() > 1 ? p->nthreads() : 1;
      }
    for (int i = 0; i < g_nholders; ++i)
      if (g_holders[i].what[0] == 'u' && g_holders[i].what[1] == 'c' &&
          reinterpret_cast<const struct ucred*>(g_holders[i].obj)->cr_ruidinfo == &u->c)
        ++refs;
    if (u->c.ui_proccnt != tasks) {
      kprintf("invariant: uid %u proccnt %d, %d tasks\n", u->c.ui_uid, u->c.ui_proccnt, tasks);
      ++bad;
    }
    if (u->c.ui_ref.rc_count != procs + refs) {
      kprintf("invariant: uid %u refs %d, %d holders\n", u->c.ui_uid, u->c.ui_ref.rc_count, procs + refs);
      ++bad;
    }
  }
  for (int i = 0; i < g_nholders; ++i) {
    if (g_holders[i].count != g_holders[i].holders) {
      kprintf("invariant: %s %p count %d, %d holders\n", g_holders[i].what, g_holders[i].obj,
              g_holders[i].count, g_holders[i].holders);
      ++bad;
    }
  }
  int np = nprocs_read(&g_proccount);
  if (np != nprocs || np < 0 || np > g_proccount.maxproc) {
    kprintf("invariant: nprocs %d, %d processes, maxproc %d\n", np, nprocs, g_proccount.maxproc);
    ++bad;
  }
  int nl = nprocs_read(&g_lwpcount);
  if (nl != lwps_beyond_first || nl > g_lwpcount.maxproc) {
    kprintf("invariant: LWP count %d, %d LWPs beyond each process's first, maximum %d\n", nl,
            lwps_beyond_first, g_lwpcount.maxproc);
    ++bad;
  }
  bad += tidhash_check_locked();
  if (verbose) kprintf("invariants: %d processes, %d objects, %d problems\n", nprocs, g_nholders, bad);
  return bad;
}
