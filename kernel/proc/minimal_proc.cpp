// The minimal process layer (see minimal_proc.h): processes and their user
// threads, exit and the zombies it leaves, init.
#include "kernel/proc/minimal_proc.h"

#include <arch/cpu.h>

#include "kernel/console/kprintf.h"
#include "kernel/cpu/percpu.h"
#include "kernel/exec/exec.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/power/power.h"
#include "kernel/proc/minimal_internal.h"
#include "kernel/sync/sleepq.h"
#include "kernel/syscall/errno.h"
#include "kernel/syscall/signo.h"
#include "kernel/syscall/user_hooks.h"
#include "kernel/thread/thread.h"
#include "kernel/vm/vmspace.h"

LockClass g_minproc_class{"minimal_proc.tree", kRankMinimalProcTree};
SpinLock g_minproc_lock{g_minproc_class};
MinProc g_minproc_kernel;  // pid 0: the parent of what the kernel starts (init)

namespace {

int g_next_pid = 1;                    // guarded by g_minproc_lock
uint64_t g_live;                       // atomic
Vmspace* g_borrowed[arch::kMaxCpus];   // proc_borrow_vmspace, per CPU

const char* base_name(const char* path) {
  const char* b = path;
  for (const char* p = path; *p; ++p)
    if (*p == '/' && p[1]) b = p + 1;
  return b;
}

// Takes the process off its parent's list (lock held).
void minproc_unlink_child_locked(MinProc* c) {
  MinProc* parent = c->parent;
  for (MinProc** pp = &parent->children; *pp; pp = &(*pp)->sibling) {
    if (*pp == c) {
      *pp = c->sibling;
      break;
    }
  }
  c->sibling = nullptr;
}

// The end of a user thread, and with it of its (single-threaded) process.
void minproc_exit_finish(Uthread* u, int wstatus) {
  MinProc* p = u->proc;
  Vmspace* vm = p->vm;
  p->vm = nullptr;
  vmspace_activate(nullptr);
  vmspace_release(vm);
  MinProc* orphan_zombies = nullptr;
  bool self_reap;
  {
    SpinGuard g(g_minproc_lock);
    // Children outlive us without a parent: zombies go now, the living free
    // themselves when they exit (there is no reparenting to init yet).
    while (MinProc* c = p->children) {
      p->children = c->sibling;
      c->parent = nullptr;
      if (c->zombie) {
        c->sibling = orphan_zombies;
        orphan_zombies = c;
      } else {
        c->sibling = nullptr;
      }
    }
    p->zombie = true;
    p->wstatus = wstatus;
    self_reap = p->parent == nullptr;
    if (self_reap) {
      // Nobody will wait for it.
    } else {
      wakeup(p->parent);
    }
  }
  while (orphan_zombies) {
    MinProc* next = orphan_zombies->sibling;
    minproc_reap(orphan_zombies);
    orphan_zombies = next;
  }
  kfree(u, M_LWP);
  if (self_reap) {
    thread_detach(p->thread);  // nobody will join it: freed once it has exited
    minproc_free(p);
  }
}

}  // namespace

MinProc* minproc_alloc(const char* name) {
  auto* p = static_cast<MinProc*>(kmalloc(sizeof(MinProc), M_PROC, M_WAITOK | M_ZERO));
  if (p == nullptr) return nullptr;
  tine_strlcpy(p->name, base_name(name), sizeof p->name);
  __atomic_add_fetch(&g_live, 1, __ATOMIC_RELAXED);
  return p;
}

void minproc_free(MinProc* p) {
  kfree(p, M_PROC);
  __atomic_sub_fetch(&g_live, 1, __ATOMIC_RELAXED);
}

void minproc_reap(MinProc* p) {
  if (p->thread) thread_join(p->thread);
  minproc_free(p);
}

int minproc_link_child_locked(MinProc* parent, MinProc* child) {
  child->pid = g_next_pid++;
  child->parent = parent;
  child->sibling = parent->children;
  parent->children = child;
  return child->pid;
}

int uthread_main(void* arg) {
  Uthread* u = static_cast<Uthread*>(arg);
  vmspace_activate(u->proc->vm);
  int wstatus = static_cast<int>(arch_user_run(&u->start, &u->run));
  arch::irq_enable();
  minproc_exit_finish(u, wstatus);
  return 0;
}

int uthread_create(Uthread* u, Thread** out) {
  ThreadAttr attr;
  attr.prio = kPrioUserMin;
  attr.flags = kThreadTimeshare;
  return thread_create(u->proc->name, uthread_main, u, attr, out);
}

Uthread* uthread_current() {
  Thread* t = curthread();
  return t && t->fn == uthread_main ? static_cast<Uthread*>(t->arg) : nullptr;
}

MinProc* proc_current() {
  Uthread* u = uthread_current();
  return u ? u->proc : nullptr;
}

Vmspace* curvmspace() {
  MinProc* p = proc_current();
  if (p) return p->vm;
  return g_borrowed[cpu_index()];
}

void proc_borrow_vmspace(Vmspace* vm) { g_borrowed[cpu_index()] = vm; }

uint64_t proc_live_count() { return __atomic_load_n(&g_live, __ATOMIC_RELAXED); }

void user_return_prepare() {
  Vmspace* vm = curvmspace();
  if (vm && vmspace_loaded() != vm) vmspace_activate(vm);
}

void user_fatal_signal(int sig, const char* why, uint64_t addr, uint64_t pc) {
  MinProc* p = proc_current();
  kprintf("pid %d (%s): %s %#lx at pc %#lx: killed by %s\n", p ? p->pid : -1,
          p ? p->name : "?", why, addr, pc, signal_name(sig));
  proc_exit_current(wstatus_signaled(sig));
}

void proc_exit_current(int wstatus) {
  Uthread* u = uthread_current();
  arch_user_run_exit(&u->run, wstatus);
}

void proc_replace_vmspace(Vmspace* vm, const char* name) {
  MinProc* p = proc_current();
  Vmspace* old = p->vm;
  p->vm = vm;
  vmspace_activate(vm);
  vmspace_release(old);
  SpinGuard g(g_minproc_lock);
  tine_strlcpy(p->name, base_name(name), sizeof p->name);
}

int proc_run_init(const char* path, const char* const* argv, const char* const* envp) {
  ExecFile file;
  if (int err = exec_lookup(path, &file); err) return err;
  MinProc* p = minproc_alloc(path);
  auto* u = static_cast<Uthread*>(kmalloc(sizeof(Uthread), M_LWP, M_WAITOK | M_ZERO));
  Vmspace* vm = p && u ? vmspace_create() : nullptr;
  ExecEntry entry;
  int err = vm ? exec_load(vm, file, argv, envp, &entry) : -ENOMEM;
  Thread* t = nullptr;
  if (err == 0) {
    p->vm = vm;
    u->proc = p;
    arch::user_frame_init(&u->start, entry.pc, entry.sp);
    err = -uthread_create(u, &t);
  }
  if (err) {
    if (vm) vmspace_release(vm);
    if (u) kfree(u, M_LWP);
    if (p) minproc_free(p);
    return err;
  }
  {
    SpinGuard g(g_minproc_lock);
    u->tid = minproc_link_child_locked(&g_minproc_kernel, p);
  }
  u->thread = t;
  p->thread = t;
  thread_start(t);
  // Wait for it as its parent would.
  int wstatus;
  {
    SpinGuard g(g_minproc_lock);
    while (!p->zombie) ssleep(&g_minproc_kernel, g_minproc_lock, 0, "init", 0);
    wstatus = p->wstatus;
    minproc_unlink_child_locked(p);
  }
  minproc_reap(p);
  return wstatus;
}

void init_start(const char* path, const char* bootargs) {
  // argv: the path, then the words after a lone "--" (copied: split in place).
  constexpr size_t kMaxArgs = 16;
  static char words[256];
  const char* argv[kMaxArgs + 2] = {path};
  size_t argc = 1;
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
    while (*w && argc < kMaxArgs + 1) {
      while (*w == ' ') *w++ = 0;
      if (!*w) break;
      argv[argc++] = w;
      while (*w && *w != ' ') ++w;
    }
  }
  argv[argc] = nullptr;
  const char* envp[] = {"HOME=/", "PATH=/bin", "TERM=vt100", nullptr};
  int ws = proc_run_init(path, argv, envp);
  if (ws < 0) {
    kprintf("init: cannot run %s (error %d)\n", path, -ws);
    kernel_exit(127);
  }
  int code = wstatus_to_code(ws);
  kprintf("init exited: status=%d\n", code);
  kernel_exit(code);
}
