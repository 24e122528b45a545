/*
 * Reference counts with the last release freeing: a process's credentials
 * replaced by setuid while other threads hold and release them.
 *
 * Models:
 *   kernel/verified/refcount.c: refcount_hold / refcount_acquire
 *     (vc_refcount_add +1), refcount_release (vc_refcount_add -1, last iff
 *     the old value was 1); kernel/verified/refcount_magic.cpp:
 *     vc_refcount_add (one atomic fetch-and-add)
 *     refcount_release_unless_last (a compare-and-swap loop from a count
 *     above 1; at 1 it gives nothing back)
 *   kernel/verified/objects.c: crhold, crfree, crfree_unless_last
 *   kernel/proc/counted.cpp: proc_cred_hold (p_ucred read and held under
 *     Proc::spin), ucred_put (crfree_unless_last with no lock; else crfree
 *     under g_uidinfo_lock, the last one destroys), proc_release_refs
 *     (reaping: the same for p_ucred)
 *   kernel/syscall/sys_proc.cpp: sys_setuid (a new ucred with count 1;
 *     under Proc::spin, p_ucred replaced; ucred_put(old) afterwards)
 *   kernel/proc/exit.cpp: kill_with_cred / may_signal (another process's
 *     credentials read field by field under its Proc::spin, no reference)
 *
 * Threads (CPUs): 0 calls setuid twice (three ucreds in all); 1 and 2 each
 * take the process's credentials with proc_cred_hold, use them, and put
 * them (fork1's and kill's pattern); 3 reads them under Proc::spin without a
 * reference (kill's permission check on another process). When all are
 * done, the process is reaped: its reference goes.
 *
 * Properties: a hold finds the object live with count >= 1; a use finds it
 * live; a release finds count >= 1; an object is destroyed once, with count
 * 0; at the end every ucred has been destroyed (assertions); no deadlock.
 *
 * Seeded bugs:
 *   BUG_HOLD_UNLOCKED: proc_cred_hold reads p_ucred under Proc::spin but
 *     takes the reference after dropping it;
 *   BUG_UNLESS_LAST_CHECK: the lock-free release checks the count, then
 *     stores one less (no compare-and-swap);
 *   BUG_TAKES_LAST: the lock-free release gives back the last reference
 *     too (and nobody destroys the object).
 * (The release under the lock is reached only with the last reference,
 * which nobody else can take or give back meanwhile: it is there for the
 * destruction, which uifind must not meet; no lookup is modelled.)
 */
#define NCRED 3

bit p_spin;               /* Proc::spin */
bit uidinfo_lock;         /* g_uidinfo_lock */
byte p_ucred;             /* index of the ucred p_ucred points to */
byte cr_ref[NCRED];       /* ucred.cr_ref */
bit allocated[NCRED];
bit destroyed[NCRED];
byte done;

inline spin_lock(l) { atomic { l == 0 -> l = 1 } }
inline spin_unlock(l) { l = 0 }

/* crhold: refcount_hold */
inline crhold(c) {
  atomic { assert(allocated[c] && !destroyed[c] && cr_ref[c] >= 1); cr_ref[c]++ }
}

/* ucred_put(c): crfree_unless_last with no lock; when that finds the last
 * reference, crfree under g_uidinfo_lock, and the last release destroys */
inline ucred_put(c) {
  gone = 0;
  cur = cr_ref[c];
  do
#ifndef BUG_TAKES_LAST
  :: cur == 1 -> break
#endif
  :: else ->
#ifndef BUG_UNLESS_LAST_CHECK
     atomic {
       if
       :: cr_ref[c] == cur -> assert(!destroyed[c] && cur >= 2); cr_ref[c] = cur - 1; gone = 1
       :: else -> cur = cr_ref[c]
       fi
     };
#else
     cr_ref[c] = cur - 1;
     gone = 1;
#endif
     if
     :: gone -> break
     :: else -> skip
     fi
  od;
  if
  :: gone -> skip
  :: else ->
     spin_lock(uidinfo_lock);
     atomic { assert(!destroyed[c] && cr_ref[c] >= 1); old = cr_ref[c]; cr_ref[c]-- };
     if
     :: old == 1 -> atomic { assert(!destroyed[c] && cr_ref[c] == 0); destroyed[c] = 1 }
     :: else -> skip
     fi;
     spin_unlock(uidinfo_lock)
  fi
}

proctype Setuid() {
  byte old, cur, next = 1, oldcr;
  bit gone;
  do
  :: next < NCRED ->
     /* ucred_alloc: a new ucred, count 1 */
     atomic { allocated[next] = 1; cr_ref[next] = 1 };
     spin_lock(p_spin);
     oldcr = p_ucred;
     p_ucred = next;
     spin_unlock(p_spin);
     ucred_put(oldcr);
     next++
  :: else -> break
  od;
  done++
}

proctype Holder() {
  byte cr, old, cur;
  bit gone;
  /* proc_cred_hold */
  spin_lock(p_spin);
  cr = p_ucred;
#ifndef BUG_HOLD_UNLOCKED
  crhold(cr);
  spin_unlock(p_spin);
#else
  spin_unlock(p_spin);
  crhold(cr);
#endif
  assert(!destroyed[cr]);           /* cr->c.cr_ruid, cr_uid ... */
  ucred_put(cr);
  done++
}

proctype Reader() {
  /* may_signal: p's credentials field by field under its Proc::spin */
  spin_lock(p_spin);
  assert(!destroyed[p_ucred] && cr_ref[p_ucred] >= 1);
  spin_unlock(p_spin);
  done++
}

init {
  byte old, cur;
  bit gone;
  atomic {
    allocated[0] = 1; cr_ref[0] = 1; p_ucred = 0;
    run Setuid();
    run Holder();
    run Holder();
    run Reader()
  };
  (done == 4);
  /* proc_reap: proc_release_refs drops the process's reference */
  ucred_put(p_ucred);
  assert(destroyed[0] && destroyed[1] && destroyed[2])
}
