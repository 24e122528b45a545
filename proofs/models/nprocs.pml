/*
 * The process and LWP slots, and a uid's task count: compare-and-swap
 * reservation against a limit, release by fetch-and-add.
 *
 * Models:
 *   kernel/verified/nprocs.c: nprocs_reserve (the CAS loop, the root
 *     reserve), nprocs_release
 *   kernel/verified/uidinfo.c: chgproccnt (rise against max, lower)
 *   kernel/verified/atomics.c: vc_atomic_load_int, vc_atomic_cas_int,
 *     vc_atomic_fetch_add_int (each one step)
 *   kernel/verified/fork.c: fork_take_slots, fork_drop_slots, fork1_core's
 *     limit (none for root, else RLIMIT_NPROC)
 *   kernel/verified/charge.c: proc_uncharge (the reap's nprocs_release and
 *     chgproccnt(-1), from proc_release_refs), lwp_join_locked (a slot of
 *     g_lwpcount, then the uid's count for a new LWP, the slot given back
 *     if the uid's count refuses), lwp_leave_locked (both given back)
 *   kernel/proc/fork.cpp: kern_lwp_create (through lwp_fork_thread's call
 *     of lwp_join_locked), lwp_leave_tids_locked (lwp_leave_locked's caller)
 *
 * Three CPUs; each makes ROUNDS (1) attempt, by root (uid 0) or a
 * user (uid 1), a fork or an lwp_create, chosen at random; a fork may fail
 * after taking its slots (fork_build_child out of memory) and give them back;
 * what was granted is given back later (exit, or the LWP leaving). The
 * limits are scaled down: maxproc 12 with the real reserve of 10 for root
 * (so a user gets 2 slots), RLIMIT_NPROC 2 for uid 1. Ghost counters, changed
 * in the same atomic step as the count, say how many slots each CPU holds.
 * At the start, either nothing is held, or root's other processes hold 10
 * process slots (so only root's reserve is left, and root meets maxproc).
 *
 * Invariants (checked in every state by the monitor): 0 <= each count <=
 * maxproc; each count equals the slots held (the census); uid 1's count
 * <= RLIMIT_NPROC; uid counts >= 0. At each grant to a user: the new value is
 * <= maxproc - 10. No deadlock (invalid end states). Liveness is not
 * claimed: the CAS loops are lock-free, not wait-free.
 *
 * Seeded bugs:
 *   BUG_CHECK_THEN_ADD: nprocs_reserve compares with the limit, then adds
 *     with fetch-and-add (no compare-and-swap);
 *   BUG_NO_RESERVE: nprocs_reserve gives users the root reserve too.
 */
#define NCPU 3
#define ROUNDS 1
#define MAXPROC 12
#define RESERVE 10
#define RLIM 2
#define INF 255

byte nprocs;       /* g_proccount.nprocs */
byte nlwps;          /* g_lwpcount.nprocs */
byte proccnt[2];   /* uidinfo.ui_proccnt of uid 0 and uid 1 */
/* ghosts: slots held */
byte g_procs, g_lwps, g_uid[2];

/* nprocs_reserve(pc, uid) -> ok; cnt is the count, gh its ghost */
inline nprocs_reserve(cnt, gh, uid, ok) {
  limit = MAXPROC;
#ifndef BUG_NO_RESERVE
  if :: uid != 0 -> limit = limit - RESERVE :: else -> skip fi;
#endif
  cur = cnt;                                   /* vc_atomic_load_int */
  do
  :: cur >= limit -> ok = 0; break             /* VC_EAGAIN */
  :: else ->
     assert(0 <= cur + 1 && cur + 1 <= MAXPROC);
#ifndef BUG_CHECK_THEN_ADD
     atomic {                                  /* vc_atomic_cas_int */
       if
       :: cnt == cur -> cnt = cur + 1; gh++; ok = 1;
          assert(uid == 0 || cnt <= MAXPROC - RESERVE)
       :: else -> cur = cnt; ok = 0
       fi
     };
#else
     atomic {                                  /* fetch_add after the check */
       cnt = cnt + 1; gh++; ok = 1;
       assert(uid == 0 || cnt <= MAXPROC - RESERVE)
     };
#endif
     if :: ok -> break :: else -> skip fi
  od;
  cur = 0; limit = 0
}

/* nprocs_release: fetch_add(-1) */
inline nprocs_release(cnt, gh) {
  atomic { assert(cnt >= 1); cnt = cnt - 1; gh-- }
}

/* chgproccnt(uip, diff, max) -> ok (no overflow at these sizes) */
inline chgproccnt(u, diff, max, ok) {
  cur = proccnt[u];
  do
  :: diff > 0 && cur + diff > max -> ok = 0; break
  :: else ->
     assert(0 <= cur + diff);
     atomic {
       if
       :: proccnt[u] == cur -> proccnt[u] = cur + diff; g_uid[u] = g_uid[u] + diff; ok = 1
       :: else -> cur = proccnt[u]; ok = 0
       fi
     };
     if :: ok -> break :: else -> skip fi
  od;
  cur = 0
}

proctype Cpu() {
  short cur, limit, max;
  bit ok, uid;
  byte round;
  do
  :: round < ROUNDS ->
     round++;
     if :: uid = 0 :: uid = 1 fi;
     if :: uid == 0 -> max = INF :: else -> max = RLIM fi;  /* fork1_core's limit */
     if
     :: /* fork1: fork_take_slots */
        nprocs_reserve(nprocs, g_procs, uid, ok);
        if
        :: ok ->
           chgproccnt(uid, 1, max, ok);
           if
           :: ok ->
              /* the child runs and exits (proc_release_refs), or fork_build_child
               * failed (fork_drop_slots): the same two steps, in this order */
              chgproccnt(uid, -1, INF, ok);
              nprocs_release(nprocs, g_procs)
           :: else -> nprocs_release(nprocs, g_procs)
           fi
        :: else -> skip
        fi
     :: /* kern_lwp_create */
        nprocs_reserve(nlwps, g_lwps, uid, ok);
        if
        :: ok ->
           chgproccnt(uid, 1, max, ok);
           if
           :: ok ->                            /* the LWP runs, then leaves */
              chgproccnt(uid, -1, INF, ok);    /* lwp_leave_locked */
              nprocs_release(nlwps, g_lwps)
           :: else -> nprocs_release(nlwps, g_lwps)
           fi
        :: else -> skip
        fi
     fi;
     max = 0
  :: else -> break
  od
}

/* Checks the invariants in every reachable state. */
active proctype Monitor() {
  atomic {
    assert(0 <= nprocs && nprocs <= MAXPROC && nprocs == g_procs);
    assert(0 <= nlwps && nlwps <= MAXPROC && nlwps == g_lwps);
    assert(proccnt[0] >= 0 && proccnt[1] >= 0 && proccnt[1] <= RLIM);
    assert(proccnt[0] == g_uid[0] && proccnt[1] == g_uid[1])
  }
}

init {
  atomic {
    byte i = 0;
    /* Other processes (and LWPs) may exist already: with 10, the table has
     * only root's last two slots left; with 0, users meet their limits. */
    if
    :: skip
    :: nprocs = 10; g_procs = 10; proccnt[0] = 10; g_uid[0] = 10
    fi;
    do
    :: i < NCPU -> run Cpu(); i++
    :: else -> break
    od
  }
}
