/*
 * Copy-on-write faults against a concurrent fork and exit: no lost write,
 * no write seen by another space, no writable shared page, no page or table
 * used after it is freed.
 *
 * Models:
 *   kernel/vm/vm_fault.cpp: vm_fault (vm->lock, then upt_fault)
 *   kernel/vm/vmspace.cpp: vm_fork (parent->lock around upt_fork),
 *     vmspace_release (the last reference: upt_destroy, no lock)
 *   arch/aarch64/mmu/user_pt.cpp: upt_fault (write path: unshare with
 *     l3_exclusive or claim a shared L3 table; reuse a page with one
 *     reference; else copy it, break before make, drop the old reference),
 *     l3_exclusive, l3_copy_entries, l3_release, fork_level (level 2, both
 *     UptForkMode::kShareTables and kCopyPtes), tree_free (l3_release of
 *     each L3 table)
 *   kernel/mm/page_alloc.cpp: page_put (fetch-sub, free at 0)
 *
 * One user page (a private writable mapping, kUptSwWrite) and the L3 table
 * holding its entry; an L3 table is modelled by that one entry. Spaces: P,
 * its child C (forked before the model starts: one L3 table shared, APTable
 * read-only in both, the page with one reference), and G, which P forks
 * during the run. Threads (CPUs): P writes, forks G (share or copy mode,
 * chosen at random) and writes again, in either order; C writes, then exits
 * or writes again; G, once forked, writes. Each write is the hardware's:
 * allowed when the space's L2 entry is valid without APTable and the page
 * entry is valid without AP[2]; otherwise a write fault (vm_fault) and a
 * retry. A step is one load, store or atomic read-modify-write of the code.
 *
 * Abstractions: the TLB is not modelled (every access walks the tables):
 * the code's break-before-make and the flush at the end of upt_fork are what
 * make that sound, and they are not checked here. One thread per space (a
 * space's faults and forks are serialised by vm->lock). Allocation does not
 * fail.
 *
 * Properties: every write lands in a page only its own space maps, and each
 * space later reads its own last write (G: P's value at the fork, until it
 * writes); no page mapped by two live spaces is writable through either
 * (checked after every step that grants write permission or maps a page or
 * table into a second space, and at every write); pages and tables are live when used and freed
 * once; at the end every reference count equals its holders (assertions);
 * no deadlock.
 *
 * Seeded bugs:
 *   BUG_COPY_NO_WP: l3_copy_entries does not write-protect the shared
 *     original's entry (the sharer that claims the table later writes a page
 *     the copy maps too);
 *   BUG_CLAIM_ALWAYS: the fault claims a read-only-table without looking at
 *     the table's count (no unshare).
 */
#define NSP 3          /* spaces: 0 P, 1 C, 2 G */
#define NTAB 5
#define NPAGE 5
#define NONE 255

/* pages (allocated or free, and the count, which may touch 0 just before
 * the page is freed) */
bit pg_alloc[NPAGE];
byte pg_ref[NPAGE];
byte pg_data[NPAGE];
/* L3 tables: one entry each */
bit tb_alloc[NTAB];
byte tb_ref[NTAB];
bit tb_valid[NTAB];
byte tb_page[NTAB];
bit tb_ro[NTAB];          /* AP[2]: write-protected */
/* spaces: their L2 entry for the page's 2 MiB */
bit l2_valid[NSP];
byte l2_tab[NSP];
bit l2_apro[NSP];         /* APTable[1]: read-only below */
bit vm_lock[NSP];
bit alive[NSP];
byte mine[NSP];           /* what the space must read: its last write */
byte done;

/* No page is writable through one live space while another maps it. */
#define MAPS(s) (alive[s] && l2_valid[s] && tb_valid[l2_tab[s]])
#define WR(s) (MAPS(s) && !l2_apro[s] && !tb_ro[l2_tab[s]])
#define CLASH(a, b) (MAPS(a) && MAPS(b) && tb_page[l2_tab[a]] == tb_page[l2_tab[b]] && (WR(a) || WR(b)))
#define NO_CLASH assert(!CLASH(0, 1) && !CLASH(0, 2) && !CLASH(1, 2))

inline spin_lock(l) { atomic { l == 0 -> l = 1 } }
inline spin_unlock(l) { l = 0 }

/* page_alloc / table_alloc: the first free one (allocation cannot fail here) */
inline page_alloc(p) {
  atomic {
    p = 0;
    do
    :: p < NPAGE && !pg_alloc[p] -> pg_alloc[p] = 1; pg_ref[p] = 1; break
    :: p < NPAGE && pg_alloc[p] -> p++
    :: p == NPAGE -> assert(false)
    od
  }
}
inline table_alloc(t) {
  atomic {
    t = 0;
    do
    :: t < NTAB && !tb_alloc[t] -> tb_alloc[t] = 1; tb_ref[t] = 1; tb_valid[t] = 0; tb_ro[t] = 0; break
    :: t < NTAB && tb_alloc[t] -> t++
    :: t == NTAB -> assert(false)
    od
  }
}

/* page_put: the last reference frees the page (free_block) */
inline page_put(p) {
  atomic { assert(pg_alloc[p] && pg_ref[p] >= 1); pg_ref[p]--; if :: pg_ref[p] == 0 -> pg_alloc[p] = 0 :: else -> skip fi }
}

/* l3_release(t): the releaser that takes the count to 0 puts the pages and
 * frees the table */
inline l3_release(t) {
  atomic { assert(tb_alloc[t] && tb_ref[t] >= 1); tb_ref[t]--; last = (tb_ref[t] == 0) };
  if
  :: last ->
     tb_ref[t] = 1;                           /* ours alone, as page_free expects */
     if :: tb_valid[t] -> page_put(tb_page[t]) :: else -> skip fi;
     atomic { tb_valid[t] = 0; tb_ref[t] = 0; tb_alloc[t] = 0 }  /* table_free */
  :: else -> skip
  fi;
  last = 0
}

/* l3_copy_entries(dst, src), in two parts: the load of src's entry, then
 * the new reference on its page, src write-protected (a store into a table
 * other spaces may share) and dst filled (dst is the caller's own). */
inline l3_copy_load(src) {
  assert(tb_alloc[src] && tb_ref[src] >= 1); ev = tb_valid[src]; ep = tb_page[src]; ero = tb_ro[src]
}
inline l3_copy_rest(dst, src) {
  if
  :: ev ->
     atomic { assert(pg_alloc[ep] && pg_ref[ep] >= 1); pg_ref[ep]++ };
#ifndef BUG_COPY_NO_WP
     atomic { if :: !ero -> ero = 1; tb_ro[src] = 1 :: else -> skip fi;
              tb_valid[dst] = 1; tb_page[dst] = ep; tb_ro[dst] = ero; NO_CLASH }
#else
     atomic { ero = 1; tb_valid[dst] = 1; tb_page[dst] = ep; tb_ro[dst] = ero; NO_CLASH }
#endif
  :: else -> skip
  fi
}

/* upt_fault(pt of s, va, kWrite), s's vm->lock held. Steps that touch only
 * what is this space's alone at that point (its L2 entry, which only it and,
 * for P, its fork change, both under vm->lock; a table or page it has just
 * allocated; an L3 table once it is exclusive) are merged with the next
 * step that touches shared state: a reduction that loses no interleaving. */
inline upt_fault(s) {
  atomic {
    assert(l2_valid[s]); d_tab = l2_tab[s]; d_apro = l2_apro[s];  /* load(l2e) */
    t = d_tab;
    assert(tb_alloc[t] && tb_ref[t] >= 1); ev = tb_valid[t]; ep = tb_page[t]; ero = tb_ro[t]
  };
  assert(ev);
  if
  :: d_apro ->
#ifndef BUG_CLAIM_ALWAYS
     if
     :: tb_ref[t] > 1 ->                       /* refs(table_page(t)) > 1 */
        /* l3_exclusive */
        if
        :: atomic { !l2_apro[s] || tb_ref[l2_tab[s]] == 1 } -> t = l2_tab[s]
        :: else ->
           d_tab = l2_tab[s];
           atomic { table_alloc(copy); l3_copy_load(d_tab) };
           l3_copy_rest(copy, d_tab);
           /* break before make (invalid, TLBI, the copy), then the entry again */
           atomic { l2_valid[s] = 0; l2_valid[s] = 1; l2_tab[s] = copy; l2_apro[s] = 0; NO_CLASH };
           l3_release(d_tab);
           t = copy; copy = NONE
        fi;
        atomic { ev = tb_valid[t]; ep = tb_page[t]; ero = tb_ro[t] }
     :: else ->
#endif
        /* claim, then e = load(&t[idx]) */
        atomic { l2_apro[s] = 0; NO_CLASH; assert(tb_alloc[t]); ev = tb_valid[t]; ep = tb_page[t]; ero = tb_ro[t] }
#ifndef BUG_CLAIM_ALWAYS
     fi
#endif
  :: else -> skip
  fi;
  if
  :: !ero -> skip                              /* a stale TLB entry: resolved */
  :: else ->
     old = ep;
     if
     :: pg_ref[old] == 1 ->                    /* sole owner: write permission back */
        atomic { tb_ro[t] = 0; NO_CLASH }
     :: else ->
        atomic {
          page_alloc(np);
          assert(pg_alloc[old]); pg_data[np] = pg_data[old];   /* arch_page_copy */
          tb_valid[t] = 0;                     /* break before make */
          tb_valid[t] = 1; tb_page[t] = np; tb_ro[t] = 0; NO_CLASH
        };
        page_put(old);                         /* sub_fetch; page_free at 0 */
        np = NONE
     fi;
     old = NONE
  fi;
  d_tab = 0; d_apro = 0; t = 0; ev = 0; ep = 0; ero = 0
}

/* A user write of v by space s: the hardware's check and write in one step;
 * on a permission fault, vm_fault and retry. */
inline user_write(s, v) {
  do
  :: atomic {
       if
       :: l2_valid[s] && !l2_apro[s] && tb_valid[l2_tab[s]] && !tb_ro[l2_tab[s]] ->
          assert(tb_alloc[l2_tab[s]] && pg_alloc[tb_page[l2_tab[s]]]);
          NO_CLASH; pg_data[tb_page[l2_tab[s]]] = v; mine[s] = v; ok = 1
       :: else -> ok = 0
       fi
     };
     if
     :: ok -> break
     :: else -> spin_lock(vm_lock[s]); upt_fault(s); spin_unlock(vm_lock[s])
     fi
  od;
  ok = 0;
  /* read it back */
  atomic { assert(tb_alloc[l2_tab[s]] && pg_alloc[tb_page[l2_tab[s]]] &&
                  pg_data[tb_page[l2_tab[s]]] == mine[s]) }
}

/* vm_fork(P) into G: parent->lock around upt_fork's fork_level (level 2) */
inline vm_fork_g() {
  spin_lock(vm_lock[0]);
  d_tab = l2_tab[0];
  if
  :: /* kShareTables */
     atomic { assert(tb_alloc[d_tab] && tb_ref[d_tab] >= 1); tb_ref[d_tab]++ };
     atomic { l2_apro[0] = 1; mine[2] = mine[0] };   /* store(&pt_tab[i], d | APTable) */
     atomic { l2_valid[2] = 1; l2_tab[2] = d_tab; l2_apro[2] = 1; alive[2] = 1; NO_CLASH }
  :: /* kCopyPtes */
     atomic { table_alloc(copy); l3_copy_load(d_tab) };
     l3_copy_rest(copy, d_tab);
     atomic { l2_valid[2] = 1; l2_tab[2] = copy; l2_apro[2] = 0; alive[2] = 1;
              mine[2] = mine[0]; NO_CLASH };
     copy = NONE
  fi;
  d_tab = 0; d_apro = 0;
  spin_unlock(vm_lock[0])
}

/* vmspace_release's teardown of s: upt_destroy -> tree_free -> l3_release */
inline space_exit(s) {
  atomic { alive[s] = 0; d_tab = l2_tab[s]; l2_valid[s] = 0 };
  l3_release(d_tab);
  d_tab = 0
}

proctype P() {
  byte d_tab, t, ep, old, np = NONE, copy = NONE;
  bit d_apro, ev, ero, ok, last;
  if
  :: user_write(0, 1); vm_fork_g(); user_write(0, 2)
  :: vm_fork_g(); user_write(0, 1)
  fi;
  done++
}

proctype C() {
  byte d_tab, t, ep, old, np = NONE, copy = NONE;
  bit d_apro, ev, ero, ok, last;
  user_write(1, 3);
  if
  :: space_exit(1)
  :: user_write(1, 4)
  fi;
  done++
}

proctype G() {
  byte d_tab, t, ep, old, np = NONE, copy = NONE;
  bit d_apro, ev, ero, ok, last;
  alive[2];
  atomic { assert(pg_alloc[tb_page[l2_tab[2]]] && pg_data[tb_page[l2_tab[2]]] == mine[2]) };   /* P's data at the fork */
  user_write(2, 5);
  done++
}

init {
  byte s, n, p, t;
  atomic {
    /* P forked C: the table shared (count 2, APTable in both); the page has
     * one reference, from the table; P wrote 0 before the fork. */
    pg_alloc[0] = 1; pg_ref[0] = 1; pg_data[0] = 0;
    tb_alloc[0] = 1; tb_ref[0] = 2; tb_valid[0] = 1; tb_page[0] = 0; tb_ro[0] = 0;
    l2_valid[0] = 1; l2_tab[0] = 0; l2_apro[0] = 1; alive[0] = 1;
    l2_valid[1] = 1; l2_tab[1] = 0; l2_apro[1] = 1; alive[1] = 1;
    run P(); run C(); run G()
  };
  (done == 3) ->
  atomic {
    /* each live space reads its own last write */
    s = 0;
    do
    :: s < NSP -> if :: alive[s] -> assert(pg_data[tb_page[l2_tab[s]]] == mine[s]) :: else -> skip fi; s++
    :: else -> break
    od;
    /* each table's count is the live spaces pointing at it */
    t = 0;
    do
    :: t < NTAB ->
       n = 0; s = 0;
       do :: s < NSP -> if :: alive[s] && l2_tab[s] == t -> n++ :: else -> skip fi; s++ :: else -> break od;
       assert(tb_ref[t] == n && tb_alloc[t] == (n > 0));
       t++
    :: else -> break
    od;
    /* each page's count is the live tables mapping it */
    p = 0;
    do
    :: p < NPAGE ->
       n = 0; t = 0;
       do :: t < NTAB -> if :: tb_alloc[t] && tb_valid[t] && tb_page[t] == p -> n++ :: else -> skip fi; t++ :: else -> break od;
       assert(pg_ref[p] == n && pg_alloc[p] == (n > 0));
       p++
    :: else -> break
    od
  }
}
