/*
 * Exit, wait and reaping with holds (PHOLD): the reaper never frees a
 * process someone holds, nobody touches it once freed, it is freed exactly
 * once, nobody sleeps for good.
 *
 * Models (with sleepq.pml):
 *   kernel/proc/exit.cpp: proc_exit_finish (the zombie under the tree lock,
 *     wakeup(parent)); kernel/proc/wait.cpp: kern_wait (look for a zombie
 *     child under the tree lock, claim it, else ssleep(me, tree lock,
 *     PCATCH)); kernel/proc/exit.cpp: proc_reap (unlink
 *     from the tree and the hash under the tree lock; then
 *     tsleep_interlock(&p_lock); refcount_read(p_lock) == 0 ? tsleep_abort :
 *     tsleep(PINTERLOCKED); then free)
 *   kernel/syscall/sys_proc.cpp: sys_setpgid (pfind_locked under the tree
 *     lock, target the caller's child, proc_hold; the work; proc_rele and
 *     wakeup(&p_lock) when it was the last), sys_prlimit64 (the same, with
 *     the target found only while kActive)
 *   kernel/verified/objects.c, refcount.c: proc_hold (refcount_acquire:
 *     fetch_add +1), proc_rele (refcount_release: fetch_add -1, last iff the
 *     old value was 1), refcount_read
 *
 * Threads (CPUs): 0 the parent in kern_wait, then proc_reap; 1 the child,
 * which exits; 2 another LWP of the parent calling setpgid on the child;
 * 3 another process calling prlimit64 on the child; 4 another LWP of the
 * parent that vforked the child, holding it from the start (fork.cpp:
 * start_forked_proc) and letting go at any point. The child's Proc is
 * the object: `freed` once proc_reap gives it back.
 *
 * Properties: every access to the child's Proc by a holder (hold, its work,
 * release) finds it not freed; the reaper frees it once, with p_lock 0;
 * after everyone has finished it has been freed (assertions); no thread
 * sleeps for good (invalid end states); with weak fairness everyone
 * finishes (LTL `done`).
 *
 * Seeded bugs:
 *   BUG_UNLINK_LATE: proc_reap waits for the holds before unlinking the
 *     process (a hold can start after the wait);
 *   BUG_RELE_NOWAKE: proc_rele's last release does not wake the reaper.
 */
#define NTHREADS 1   /* only the parent (thread 0) sleeps */
#include "sleepq.pml"

#define CH_PARENT 1
#define CH_PLOCK 2

bit tree_lock;             /* g_proctree_lock */
bit c_zombie;              /* child's stat == kZombie (else kActive) */
bit c_child_of_p = 1;      /* on the parent's children list */
bit c_in_hash = 1;         /* in the pid hash (pfind_locked finds it) */
byte p_lock = 1;           /* the child's p_lock (PHOLD count): the vfork parent's */
bit freed;                 /* the child's Proc has been freed */
byte done;                 /* threads finished */

proctype Parent() {
  byte r;
  bit b;
  /* kern_wait(pid of the child) */
  spin_lock(tree_lock);
  do
  :: c_child_of_p && c_zombie -> c_child_of_p = 0; break   /* claimed */
  :: else -> ssleep(0, CH_PARENT, tree_lock, 1, r)
  od;
  spin_unlock(tree_lock);
  /* proc_reap(child) */
#ifndef BUG_UNLINK_LATE
  spin_lock(tree_lock);
  c_in_hash = 0;                                /* proc_unlink_locked */
  spin_unlock(tree_lock);
#endif
  do
  :: tsleep_interlock(0, CH_PLOCK, 0);
     if
     :: p_lock == 0 -> tsleep_abort(0); break  /* refcount_read */
     :: else -> tsleep_interlocked(0, 0, r)
     fi
  od;
#ifdef BUG_UNLINK_LATE
  spin_lock(tree_lock);
  c_in_hash = 0;
  spin_unlock(tree_lock);
#endif
  atomic { assert(!freed && p_lock == 0); freed = 1 };
  done++
}

proctype Child() {
  byte i;
  /* proc_exit_finish: the zombie and the parent's wakeup, under the tree lock */
  spin_lock(tree_lock);
  c_zombie = 1;
  wakeup(CH_PARENT, i);
  spin_unlock(tree_lock);
  done++
}

/* A holder: finds the child under the tree lock, holds it, works, lets go. */
inline holder(need_active) {
  spin_lock(tree_lock);
  if
  :: c_in_hash && (!need_active || !c_zombie) ->
     atomic { assert(!freed); p_lock++ };       /* proc_hold */
     found = 1
  :: else -> found = 0
  fi;
  spin_unlock(tree_lock);
  if
  :: found ->
     assert(!freed);                            /* forklock / limits of p */
     atomic { assert(!freed); old = p_lock; p_lock-- };   /* proc_rele */
#ifndef BUG_RELE_NOWAKE
     if :: old == 1 -> wakeup(CH_PLOCK, i) :: else -> skip fi
#endif
  :: else -> skip
  fi
}

proctype Setpgid() {
  byte i, old;
  bit found;
  holder(0);
  done++
}

proctype Prlimit() {
  byte i, old;
  bit found;
  holder(1);
  done++
}

/* The vfork parent (another LWP of the parent): start_forked_proc held the
 * child before it first ran; after the wait, proc_rele and the wakeup. */
proctype VforkParent() {
  byte i, old;
  atomic { assert(!freed); old = p_lock; p_lock-- };
#ifndef BUG_RELE_NOWAKE
  if :: old == 1 -> wakeup(CH_PLOCK, i) :: else -> skip fi;
#endif
  done++
}

ltl finish { <> (done == 5) }

init {
  atomic {
    sleepq_init();
    run Parent();
    run Child();
    run Setpgid();
    run Prlimit();
    run VforkParent()
  };
  (_nr_pr == 1) -> assert(freed && done == 5)
}
