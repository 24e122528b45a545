/*
 * The vfork wait: the parent sleeps until the child execs or exits, or until
 * the parent is to die (SIGKILL). No lost wakeup; SIGKILL ends the wait; a
 * caught signal does not.
 *
 * Models (with sleepq.pml):
 *   kernel/proc/fork.cpp: start_forked_proc (the P_PPWAIT loop:
 *     tsleep_interlock(p1, PCATCH); look at P_PPWAIT and lwp_fatal_pending;
 *     tsleep(p1, PINTERLOCKED | PCATCH); on EINTR without a fatal signal,
 *     thread_clear_interrupt), wake_vfork_parent (P_PPWAIT cleared under
 *     the child's Proc::spin, then wakeup(parent))
 *   kernel/proc/exec_proc.cpp: the exec path's wake_vfork_parent
 *   kernel/proc/exit.cpp: proc_exit_finish (wake_vfork_parent, then
 *     wakeup(parent) under the tree lock), proc_signal (siglist, then
 *     thread_interrupt of each LWP that may take it)
 *   kernel/proc/signal.cpp: lwp_fatal_pending (SIGKILL pending)
 *   kernel/thread/thread.cpp: thread_interrupt, thread_clear_interrupt
 *
 * Threads: 0 the vforking parent; 1 the child, which execs, exits, or never
 * does either (it loops in user mode); 2 a process that signals the parent:
 * nothing, a caught signal, SIGKILL, or a caught signal then SIGKILL. When
 * the child never execs nor exits, the signaller sends SIGKILL (otherwise
 * the parent's eternal sleep would be right). One channel (p1) for both
 * wakeups, as in the code.
 *
 * Properties: the parent leaves the wait only once P_PPWAIT is clear or
 * SIGKILL is pending (assertion); it does not sleep for good (invalid end
 * states); with weak fairness it leaves the wait (LTL `ends`).
 *
 * Seeded bugs:
 *   BUG_CHECK_FIRST: the parent reads P_PPWAIT before tsleep_interlock;
 *   BUG_NO_PCATCH: the wait sleeps without PCATCH, so SIGKILL cannot end it.
 */
#define NTHREADS 3
#include "sleepq.pml"

#define CH_P1 1

bit p2_ppwait = 1;     /* P_PPWAIT in the child's Proc::flags */
bit p2_spin;           /* the child's Proc::spin */
bit p1_spin;           /* the parent's Proc::spin */
bit tree_lock;         /* g_proctree_lock */
bit sig_kill, sig_caught;   /* the parent's siglist */
bit child_stuck;       /* the child neither execs nor exits */
bit parent_out;

#ifndef BUG_NO_PCATCH
#define CATCH 1
#else
#define CATCH 0
#endif

proctype Parent() {
  byte r;
  bit b, ppw, fatal;
  do
  ::
#ifndef BUG_CHECK_FIRST
     tsleep_interlock(0, CH_P1, CATCH);
     ppw = p2_ppwait;                          /* __atomic_load_n(&p2->flags) */
#else
     ppw = p2_ppwait;
     tsleep_interlock(0, CH_P1, CATCH);
#endif
     fatal = sig_kill;                         /* lwp_fatal_pending(lp1) */
     if
     :: !ppw || fatal -> tsleep_abort(0); break
     :: else ->
        tsleep_interlocked(0, CATCH, r);
        if
        :: r == EINTR ->
           fatal = sig_kill;
           if :: !fatal -> intr_pending[0] = 0 :: else -> skip fi   /* thread_clear_interrupt */
        :: else -> skip
        fi
     fi
  od;
  assert(!p2_ppwait || sig_kill);
  parent_out = 1
}

/* wake_vfork_parent(p2) */
inline wake_vfork_parent(i) {
  spin_lock(p2_spin);
  if
  :: p2_ppwait ->
     p2_ppwait = 0;
     spin_unlock(p2_spin);
     wakeup(CH_P1, i)
  :: else -> spin_unlock(p2_spin)
  fi
}

proctype Child() {
  byte i;
  if
  :: child_stuck -> skip                       /* runs in user mode for ever */
  :: !child_stuck ->
     if
     :: wake_vfork_parent(i)                   /* exec */
     :: wake_vfork_parent(i);                  /* exit: proc_exit_finish */
        spin_lock(tree_lock);
        wakeup(CH_P1, i);                      /* wakeup(parent) */
        spin_unlock(tree_lock)
     fi
  fi
}

/* proc_signal(p1, sig): the bit, then thread_interrupt of the parent's LWP
 * (SIGKILL, or a caught signal it does not block). */
inline proc_signal(kill) {
  spin_lock(p1_spin);
  if :: kill -> sig_kill = 1 :: else -> sig_caught = 1 fi;
  thread_interrupt(0);
  spin_unlock(p1_spin)
}

proctype Signaller() {
  if
  :: !child_stuck -> skip
  :: !child_stuck -> proc_signal(0)
  :: proc_signal(1)
  :: proc_signal(0); proc_signal(1)
  fi
}

ltl ends { <> parent_out }

init {
  atomic {
    sleepq_init();
    if :: child_stuck = 0 :: child_stuck = 1 fi;
    run Parent();
    run Child();
    run Signaller()
  }
}
