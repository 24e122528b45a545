// Process 0 and what it starts: the counts and the reaper thread at boot, and
// init, the first program, run as a child of process 0 whose end the kernel
// waits for (proc_run_init, init_start).
#include "kernel/console/kprintf.h"
#include "kernel/dt/boot_info.h"
#include "kernel/exec/exec.h"
#include "kernel/fs/charge.h"
#include "kernel/fs/namei.h"
#include "kernel/fs/vnode.h"
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/panic.h"
#include "kernel/power/power.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/proc_internal.h"
#include "kernel/proc/wait.h"
#include "kernel/sched/sleepq.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/verified/charge.h"
#include "kernel/verified/contract_checks.h"
#include "kernel/verified/nprocs.h"
#include "kernel/verified/tid.h"
#include "kernel/vm/sigpage.h"
#include "kernel/vm/vmspace.h"

namespace {

// Reaps the zombies whose parent is the kernel (P_KREAP), as a parent's
// wait4 would.
int reaper_main(void*) {
  for (;;) {
    Proc* found = nullptr;
    {
      RmReadGuard g(g_proctree_lock);
      SpinGuard k(g_proc0.kids);
      for (Proc** pp = &g_proc0.children; *pp; pp = &(*pp)->sibling) {
        Proc* c = *pp;
        if (c->stat == ProcStat::kZombie && (c->flags & P_KREAP)) {
          *pp = c->sibling;
          found = c;
          break;
        }
      }
      // A zombie made after the look above is made under the kids lock,
      // and its wakeup comes after.
      if (!found) tsleep_interlock(&g_proc0, 0);
    }
    if (found)
      proc_reap(found);
    else
      tsleep(&g_proc0, PINTERLOCKED, "reaper", 0);
  }
}

void proc_init() {
  if (!sigpage_init()) panic("proc: no page for the signal trampoline");
  nprocs_init(&g_proccount, kMaxprocDefault, 1);  // process 0
  nprocs_init(&g_lwpcount, kMaxlwpsDefault, 0);
  // Queued real-time signals (48 bytes each): as many as RAM has pages in
  // all, so that no handful of uids holds what every other needs; the last
  // sixty-fourth for root's.
  uint64_t sigq_max = page_stats().managed_pages;
  charge_set_rule(Charge::kSignals, {sigq_max, sigq_max / 64, kSigpendingDefault});
  g_proc0.pid = 0;
  g_proc0.stat = ProcStat::kActive;
  tine_strlcpy(g_proc0.copy.comm, "kernel", sizeof g_proc0.copy.comm);
  lwp_tids_init(&g_proc0.core.p_tids);
  Thread* t;
  ThreadAttr attr;
  attr.flags = kThreadDetached;
  if (thread_spawn("reaper", reaper_main, nullptr, attr, &t) != 0) panic("proc: no reaper thread");
}

bool g_proc_inited;

const char* base_name(const char* path) {
  const char* b = path;
  for (const char* p = path; *p; ++p)
    if (*p == '/' && p[1]) b = p + 1;
  return b;
}

// ea with argv, envp and the program's path (a bare name is one of /bin's:
// the built-in programs are unpacked there), and the program's file.
int resolve_program(ExecArgs* ea, const char* path, const char* const* argv,
                    const char* const* envp, Vnode** file) {
  int err = exec_args_from(ea, argv, envp);
  if (err) return err;
  char full[kNameMax + 8];
  bool bare = tine_strchr(path, '/') == nullptr;
  if (bare) tine_snprintf(full, sizeof full, "/bin/%s", path);
  ea->filename = exec_args_store(ea, bare ? full : path, tine_strlen(bare ? full : path));
  if (!ea->filename) return -E2BIG;
  FsCred root{0, 0};
  return exec_resolve(ea, vfs_root(), root, file);
}

// What the new process is made of until it is published: every piece is
// allocated first, and freed together if the process never appears.
struct NewProc {
  Proc* p = nullptr;
  Lwp* lp = nullptr;
  Ucred* cr = nullptr;
  Sigacts* ps = nullptr;
  Filedesc* fd = nullptr;
  Plimit* lim = nullptr;
  Pargs* args = nullptr;
  VmRef* vr = nullptr;
  Vmspace* vm = nullptr;
  Thread* t = nullptr;

  // Every piece, or false (release gives back those there are).
  bool alloc(const ExecArgs& ea) {
    p = proc_new();
    lp = lwp_new();
    cr = ucred_alloc(0, 0);
    ps = sigacts_new();
    fd = fd_init(nullptr);
    lim = plimit_new();
    args = pargs_new(ea.argv, ea.exe);
    vr = static_cast<VmRef*>(kmalloc(sizeof(VmRef), M_VMREF, M_WAITOK | M_ZERO));
    vm = cr ? vmspace_create(cr->mem) : nullptr;
    return p && lp && cr && ps && fd && lim && args && vr && vm;
  }

  // The LWP's thread, to enter the program at `entry` (not started).
  int make_thread(const char* filename, const ExecEntry& entry) {
    lockinit(&p->forklock, "forklock", 0, 0);
    lwp_tids_init(&p->core.p_tids);
    tine_strlcpy(p->copy.comm, base_name(filename), sizeof p->copy.comm);
    lp->proc = p;
    tine_strlcpy(lp->copy.name, p->copy.comm, sizeof lp->copy.name);
    arch::user_frame_init(&lp->start, entry.pc, entry.sp);
    return -lwp_thread_create(lp, &t);
  }

  // A pid, a group and a session of its own, a process slot charged to its
  // uid, and its place under process 0: 0, or -EAGAIN with nothing published.
  int publish() {
    RmWriteGuard g(g_proctree_lock);
    int pid = id_claim_locked();
    // pgrp_alloc allocates under a low-rank lock: allowed.
    Pgrp* pg = pid > 0 ? pgrp_alloc(nullptr, pid) : nullptr;
    if (pg) {
      vc_contract::proc_charge_new_requires(&g_proccount, &p->core, cr->c.cr_ruidinfo);
      if (proc_charge_new(&g_proccount, &p->core, cr->c.cr_ruidinfo, 0) != VC_OK) {
        pgrp_free_unused(pg, true);
        pg = nullptr;
      }
    }
    if (!pg) {
      if (pid > 0) id_unuse_locked(pid);
      return -EAGAIN;
    }
    p->pid = pid;
    p->sigparent = kSigChld;
    p->start_ns = clock_ns();
    refcount_init(&vr->c.vm_ref, 1);
    vr->vm = vm;
    vr->users = 1;
    proc_objects_install_locked(p, cr, ps, fd, lim, vr, pg);
    p->core.p_args = &args->c;
    vc_contract::lwp_first_join_locked_requires(&p->core, &lp->node);
    (void)lwp_first_join_locked(&p->core, &lp->node);
    lp->thread = t;
    proc_link_locked(p, &g_proc0, lp);
    if (!g_initproc) g_initproc = p;  // heir of orphans until it exits
    p->stat = ProcStat::kActive;
    proc_count_lwp(1);
    return 0;
  }

  // Gives back what was allocated (nothing was published).
  void release() {
    if (t) {
      // Never started: it runs out at once (LWP_WEXIT, no process), and the
      // join frees it. (A detach alone would leave its running reference.)
      __atomic_or_fetch(&lp->flags, LWP_WEXIT, __ATOMIC_RELEASE);
      lp->proc = nullptr;
      thread_start(t);
      thread_join(t);
    }
    if (vm) vmspace_release(vm);
    kfree(vr, M_VMREF);
    kfree(lim, M_SUBPROC);
    if (fd) fd_destroy(fd);
    kfree(args, M_SUBPROC);
    kfree(ps, M_SIGACTS);
    if (cr) ucred_put(cr);
    kfree(lp, M_LWP);
    kfree(p, M_PROC);
  }
};

// Makes the process that runs ea's program (`file`, whose reference it takes
// over), published under process 0 with its thread not started: 0, *p and
// *t; or -errno with nothing left behind.
int spawn(const ExecArgs& ea, Vnode* file, Proc** p, Thread** t) {
  NewProc n;
  int err = n.alloc(ea) ? 0 : -ENOMEM;
  // Descriptors 0-2 on the console; without /dev/console the program runs with none.
  if (!err && fd_console(n.fd) != 0) kprintf("init: no /dev/console: no descriptors 0-2\n");
  ExecEntry entry;
  if (!err) err = exec_load(n.vm, file, ea, ExecIds{0, 0, 0, 0}, &entry);
  vrele(file);
  if (!err) err = n.make_thread(ea.filename, entry);
  if (!err) err = n.publish();
  if (err) {
    n.release();
    return err;
  }
  *p = n.p;
  *t = n.t;
  return 0;
}

}  // namespace

void proc_boot_init() {
  if (!__atomic_exchange_n(&g_proc_inited, true, __ATOMIC_ACQ_REL)) proc_init();
}

int proc_run_init(const char* path, const char* const* argv, const char* const* envp) {
  proc_boot_init();
  ExecArgs* ea = exec_args_new();
  if (!ea) return -ENOMEM;
  Vnode* file = nullptr;
  int err = resolve_program(ea, path, argv, envp, &file);
  Proc* p = nullptr;
  Thread* t = nullptr;
  if (!err) err = spawn(*ea, file, &p, &t);
  exec_args_free(ea);
  if (err) return err;
  thread_start(t);
  // Wait for it as its parent would.
  int wstatus = 0;
  for (bool zombie = false; !zombie;) {
    {
      RmReadGuard g(g_proctree_lock);
      SpinGuard k(g_proc0.kids);
      zombie = p->stat == ProcStat::kZombie;
      if (zombie) {
        wstatus = p->xstat;
        for (Proc** pp = &g_proc0.children; *pp; pp = &(*pp)->sibling)
          if (*pp == p) {
            *pp = p->sibling;
            break;
          }
      } else {
        tsleep_interlock(&g_proc0, 0);  // its zombie is made under the kids lock
      }
    }
    if (!zombie) tsleep(&g_proc0, PINTERLOCKED, "init", 0);
  }
  proc_reap(p);
  return wstatus;
}

void init_start(const char* path, const char* bootargs) {
  // Process 1 is the built-in init, which runs the program asked for and
  // reaps orphans. argv: "init", the program, then the words after a lone
  // "--" (copied: split in place), at most kMaxArgs of them.
  constexpr size_t kMaxArgs = 128;
  static char words[BootInfo::kMaxBootargs];
  static const char* argv[kMaxArgs + 3];
  argv[0] = "init";
  argv[1] = path;
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
    for (;;) {
      while (*w == ' ') *w++ = 0;
      if (!*w) break;
      if (argc == kMaxArgs + 2) {
        kprintf("init: more than %zu words after --: the rest (\"%s\") is dropped\n", kMaxArgs, w);
        break;
      }
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
