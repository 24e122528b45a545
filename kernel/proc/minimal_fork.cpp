// fork, clone(SIGCHLD) and wait4 for the minimal process layer: enough for
// the VM's tests. The process issue replaces them with fork1/lwp_fork and
// kern_wait.
#include <arch/user_entry.h>

#include "kernel/mm/kmalloc.h"
#include "kernel/proc/minimal_internal.h"
#include "kernel/sync/sleepq.h"
#include "kernel/syscall/errno.h"
#include "kernel/syscall/signo.h"
#include "kernel/syscall/syscall.h"
#include "kernel/thread/thread.h"
#include "kernel/vm/copy.h"
#include "kernel/vm/vmspace.h"

namespace {

constexpr int kWnohang = 1;
constexpr int kWaitKnown = 1 | 2 | 8 | 0x20000000 | 0x40000000 | static_cast<int>(0x80000000u);
constexpr size_t kRusageSize = 144;  // struct rusage on arm64

}  // namespace

int64_t proc_fork(const TrapFrame* frame, int rfflags) {
  MinProc* parent = proc_current();
  VmForkResult r = vm_fork(parent->vm, rfflags);
  if (r.error) return r.error;
  MinProc* child = minproc_alloc(parent->name);
  auto* u = static_cast<Uthread*>(kmalloc(sizeof(Uthread), M_LWP, M_WAITOK | M_ZERO));
  Thread* t = nullptr;
  int err = child && u ? 0 : ENOMEM;
  if (err == 0) {
    child->vm = r.vm;
    u->proc = child;
    u->start = *frame;
    u->start.x[0] = 0;  // fork returns 0 in the child
    err = uthread_create(u, &t);
  }
  if (err) {
    vmspace_release(r.vm);
    if (u) kfree(u, M_LWP);
    if (child) minproc_free(child);
    return -err;
  }
  // The child's thread starts with the parent's FP/SIMD registers and TLS.
  Thread* me = curthread();
  arch::user_fp_snapshot(&t->fp, &me->fp);
  t->fp_used = me->fp_used;
  t->fp_cpu = -1;
  t->ctx.tpidr_el0 = arch::user_tls();
  u->thread = t;
  child->thread = t;
  int pid;
  {
    SpinGuard g(g_minproc_lock);
    pid = minproc_link_child_locked(parent, child);
    u->tid = pid;
  }
  thread_start(t);
  return pid;
}

int64_t proc_wait(int pid, uint64_t ustatus, int options) {
  MinProc* me = proc_current();
  for (;;) {
    MinProc* found = nullptr;
    bool any = false;
    {
      SpinGuard g(g_minproc_lock);
      for (MinProc* c = me->children; c; c = c->sibling) {
        if (pid > 0 && c->pid != pid) continue;
        any = true;
        if (c->zombie) {
          found = c;
          break;
        }
      }
      if (!any) return -ECHILD;
      if (found) {
        // Claimed: off the list while its status is copied out.
        for (MinProc** pp = &me->children; *pp; pp = &(*pp)->sibling)
          if (*pp == found) {
            *pp = found->sibling;
            break;
          }
      } else if (options & kWnohang) {
        return 0;
      } else {
        int r = ssleep(me, g_minproc_lock, PCATCH, "wait4", 0);
        if (r == EINTR) return -EINTR;
        continue;
      }
    }
    int wstatus = found->wstatus;
    if (ustatus && copyout_u(&wstatus, ustatus, sizeof wstatus) != 0) {
      SpinGuard g(g_minproc_lock);  // put it back: it can still be waited for
      found->sibling = me->children;
      me->children = found;
      return -EFAULT;
    }
    int reaped = found->pid;
    minproc_reap(found);
    return reaped;
  }
}

int64_t sys_fork(const SyscallArgs& a) { return proc_fork(a.frame, 0); }

// clone(flags, newsp, parent_tid, tls, child_tid): only the fork shape,
// flags = SIGCHLD with no new stack, until threads come with the process issue.
int64_t sys_clone(const SyscallArgs& a) {
  if (a.a[0] != static_cast<uint64_t>(kSigChld) || a.a[1] != 0) return -EINVAL;
  return proc_fork(a.frame, 0);
}

int64_t sys_wait4(const SyscallArgs& a) {
  int options = static_cast<int>(a.a[2]);
  if (options & ~kWaitKnown) return -EINVAL;
  if (a.a[3]) {
    // No accounting yet: the usage comes back zero.
    static const uint8_t kZero[kRusageSize] = {};
    if (copyout_u(kZero, a.a[3], kRusageSize) != 0) return -EFAULT;
  }
  return proc_wait(static_cast<int>(a.a[0]), a.a[1], options);
}

uint64_t kstat_thread_count() { return thread_counters().live; }
