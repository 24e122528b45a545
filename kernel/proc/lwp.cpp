// An LWP's kernel thread and what the rest of the kernel asks of the running
// one: curlwp, curproc and curvmspace, the thread's main (to EL0 and back),
// and the hooks on the way to EL0 (user_return_prepare, user_fatal_signal,
// proc_exit_current; kernel/syscall/user_hooks.h).
#include <arch/cpu.h>

#include "kernel/console/user_notice.h"
#include "kernel/cpu/percpu.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/proc/proc_internal.h"
#include "kernel/sched/usched.h"
#include "kernel/syscall/user_hooks.h"
#include "kernel/thread/thread.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/vm/copy.h"
#include "kernel/vm/vmspace.h"

namespace {
Vmspace* g_borrowed[arch::kMaxCpus];  // proc_borrow_vmspace, per CPU
}  // namespace

Vmspace* curvmspace() {
  Proc* p = curproc();
  if (p && p->vmref()) return p->vmref()->vm;
  return g_borrowed[cpu_index()];
}

void proc_borrow_vmspace(Vmspace* vm) { g_borrowed[cpu_index()] = vm; }

int lwp_thread_main(void* arg) {
  Lwp* lp = static_cast<Lwp*>(arg);
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

void user_return_prepare() {
  Lwp* lp = curlwp();
  if (lp) {
    if (__atomic_load_n(&lp->flags, __ATOMIC_ACQUIRE) & LWP_WEXIT) arch_user_run_exit(&lp->run, 0);
    // What ends the process (handlers were run by the caller, with a frame).
    if (signal_pending_any(lp)) signal_deliver(nullptr);
  }
  Vmspace* vm = curvmspace();
  if (vm) vmspace_activate(vm);
}

void user_fatal_signal(int sig, const char* why, uint64_t addr, uint64_t pc) {
  Proc* p = curproc();
  user_notice("pid %d (%s): %s %#lx at pc %#lx: killed by %s\n", p ? p->pid : -1,
              p ? p->copy.comm : "?", why, addr, pc, signal_name(sig));
  exit1(wstatus_signaled(sig));
}

void proc_exit_current(int wstatus) { exit1(wstatus); }
