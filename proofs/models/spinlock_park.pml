/*
 * The spinlock whose waiters park in WFI, and unlock's kick: mutual
 * exclusion, and no parked waiter is left asleep while the lock is free
 * (no lost kick).
 *
 * Models:
 *   kernel/sync/spinlock.h: SpinLock::lock (the fast try, then wait_turn),
 *     SpinLock::unlock, SpinLock::release (the releasing store, dmb ish,
 *     the load of g_spin_parked, kick_parked)
 *   kernel/sync/spinlock.cpp: SpinLock::wait_turn (spin, then park:
 *     parked_on, g_spin_parked++, dmb ish, WFI if the lock is still taken,
 *     g_spin_parked--, parked_on cleared, one try), SpinLock::kick_parked
 *     (an IPI to each CPU parked on this lock), the TINE_KERNEL build
 *   arch/aarch64/include/arch/spinlock.h: raw_spin_try_take (LDAXR/STXR
 *     from 0 to 1, one step), raw_spin_is_free, raw_spin_unlock (STLR 0)
 *   arch/aarch64/include/arch/cpu.h: WFI, which returns when an interrupt
 *     is pending, masked or not (the lock is taken with IRQs masked, so the
 *     kick stays pending until unlock restores IRQs and takes it)
 *
 * Three CPUs, each taking the lock ROUNDS (2) times. The 1000 spins before
 * parking are any number (nondeterministic), so every point at which a
 * waiter parks is explored. Memory is sequentially consistent: the two dmb
 * ish make the waiter's stores (parked_on, g_spin_parked) and its look at
 * the lock, and the releaser's store and its look at g_spin_parked, a
 * store-buffering pair with a full barrier on each side, which rules out the
 * one outcome (both loads old) that SC also rules out. WFI returns only for
 * a pending interrupt (no timer, no spurious wake-up: a lost kick would be
 * hidden by either). A CPU in an interrupt handler or not yet online never
 * parks (it spins); not modelled.
 *
 * Properties: at most one CPU in the critical section (assertion); no CPU
 * left in WFI or spinning for good once the others are done (invalid end
 * states); with weak fairness every CPU finishes (LTL `done`).
 *
 * Seeded bugs (each undoes one barrier, as its reordering would):
 *   BUG_PARK_NO_BARRIER: the waiter looks at the lock before its parked_on
 *     and g_spin_parked stores are visible;
 *   BUG_RELEASE_NO_BARRIER: the releaser loads g_spin_parked before its
 *     releasing store is visible.
 */
#define NCPU 3
#define ROUNDS 2

bit word;                  /* RawSpin::word */
byte spin_parked;          /* g_spin_parked */
bit parked_on[NCPU];       /* Cpu::parked_on == &raw_ */
bit ipi_pending[NCPU];     /* the kick IPI, pending at the CPU interface */
byte in_cs;
byte done;

/* raw_spin_try_take */
inline try_take(got) {
  atomic { if :: word == 0 -> word = 1; got = 1 :: else -> got = 0 fi }
}

proctype Cpu(byte c) {
  byte round, k;
  bit got, busy, n;
  do
  :: round < ROUNDS ->
     round++;
     /* SpinLock::lock: IRQs masked, then the fast try */
     try_take(got);
     do
     :: got -> break
     :: else ->
        /* wait_turn: spin ... */
        if
        :: word == 0 -> try_take(got)                /* raw_spin_is_free && try_take */
        :: true ->                                   /* ... then park */
#ifndef BUG_PARK_NO_BARRIER
           parked_on[c] = 1;
           spin_parked++;
           /* dmb ish */
           busy = (word != 0);
#else
           busy = (word != 0);
           parked_on[c] = 1;
           spin_parked++;
#endif
           if
           :: busy -> ipi_pending[c]                 /* wfi: until an interrupt is pending */
           :: else -> skip
           fi;
           spin_parked--;
           parked_on[c] = 0;
           try_take(got)
        fi
     od;
     got = 0;
     /* the critical section */
     in_cs++;
     assert(in_cs == 1);
     in_cs--;
     /* SpinLock::unlock -> release */
#ifndef BUG_RELEASE_NO_BARRIER
     word = 0;                                       /* stlr */
     /* dmb ish */
     n = (spin_parked != 0);
#else
     n = (spin_parked != 0);
     word = 0;
#endif
     if
     :: n ->                                         /* kick_parked */
        k = 0;
        do
        :: k < NCPU -> if :: parked_on[k] -> ipi_pending[k] = 1 :: else -> skip fi; k++
        :: else -> break
        od;
        k = 0
     :: else -> skip
     fi;
     n = 0;
     /* irq_restore: a pending kick is taken (a no-op IPI) */
     ipi_pending[c] = 0
  :: else -> break
  od;
  done++
}

ltl done_all { <> (done == NCPU) }

init {
  atomic {
    byte i = 0;
    do
    :: i < NCPU -> run Cpu(i); i++
    :: else -> break
    od
  }
}
