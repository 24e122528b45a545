/* The system call fuzzer (docs/process.md, "The system call fuzzer").
 *
 * Runs as init's program (pid 2, root): init=fuzz -- secs=N seed=S. In
 * rounds of a few seconds it keeps NWORKERS worker processes busy, most of
 * them setuid to random non-root uids, issuing random system calls from the
 * whole table (and numbers that are not in it) with arguments from hostile
 * pools; workers fork, vfork, rfork, make LWPs and exec, and their children
 * and LWPs fuzz too. At the end of a round the harness SIGKILLs everything,
 * reaps it (init reaps the orphans) and checks that the kernel's invariant
 * checker passes and that every resource counter is back at its baseline.
 * The last line is "fuzz: N calls, seed S, ok" (exit 0) or "fuzz: N calls,
 * seed S, FAILED ..." (exit 1).
 *
 * Reproducible from the seed: round r's workers draw from seed and r, each
 * from its slot and generation, children and LWPs from their parent's draw.
 * The calls a worker makes depend on the results it gets, so a rerun makes
 * the same calls as long as the kernel answers the same way.
 *
 * Arguments: secs=N (60), seed=S (1), round=R (start at round R, to rerun a
 * failing round), round_secs=N (5), calls=a,b,c (only these operations, see
 * kOps), quiet (no line per round). Run as another pid, "fuzz exit N" exits with
 * N (what the workers exec) and anything else exits 0 at once. */
#include "known_syscalls.h"
#include "utest.h"

enum { SYS_waitid = 95 };
enum { SA_RESTORER = 0x04000000, NSIG = 64, RLIM_NLIMITS = 16 };
enum { HARNESS_PID = 2 };

/* ---- shared state (one MAP_SHARED page set, inherited by every fork) ---- */

#define NWORKERS 6
#define RING 48
#define NOPS_MAX 48

struct call_rec {
  int32_t pid, tid;
  int64_t nr;
  int64_t a[6];
  int64_t ret;
};
#define RET_PENDING ((int64_t)0x7eadbeef7eadbeefll)

struct slot_log {
  uint64_t next; /* atomic: where the next record goes */
  struct call_rec rec[RING];
  uint64_t calls;
  uint64_t op_calls[NOPS_MAX], op_ok[NOPS_MAX];
  int pid, uid, root, generation;
  uint64_t seed;
};

/* The last call of every thread, by pid and LWP: what a process that
 * survives SIGKILL was doing. */
#define LAST_CALLS 4096
static unsigned last_call_index(int pid, int lwp) {
  return ((unsigned)pid * 8u + (unsigned)lwp) % LAST_CALLS;
}

struct shared {
  volatile int go, stop;
  struct call_rec last[LAST_CALLS];
  struct ut_failures oracle;
  int oracle_slot;
  int dead_pids[8];
  uint64_t dead_next;
  struct slot_log slot[NWORKERS];
};
static struct shared* g_sh;

/* ---- random numbers ---- */

static uint64_t splitmix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

/* One thread of fuzzing: a process's main LWP, another LWP, or an RFMEM child. */
enum { K_MAIN, K_LWP, K_RFMEM };
struct ctx {
  uint64_t rng;
  int slot;
  int kind;
  int depth;   /* fork generations below the worker */
  long budget; /* calls left (-1: until the round ends) */
  int lwp_slot;
  int origin_pid, origin_kind; /* who made this context (for reports) */
  int pid;                     /* the process it runs in */
  const char* pid_from;        /* where pid was read (for reports) */
  /* The uid of the process it runs in (0: root), as far as the fuzzer knows:
   * g_p.uid for a process's own LWPs, own_uid for an RFMEM child, whose
   * credentials are its own but whose g_p is its parent's. Atomic: another
   * LWP's setuid stores it. See my_uid. */
  int* uid;
  int own_uid;
  uint64_t scratch[160] __attribute__((aligned(16))); /* a valid buffer of its own */
  uint64_t scratch_guard; /* a call writing past scratch would show here */
};

#define SCRATCH_GUARD 0x5c5c5c5c5c5c5c5cull

static uint64_t r64(struct ctx* c) {
  c->rng ^= c->rng << 13;
  c->rng ^= c->rng >> 7;
  c->rng ^= c->rng << 17;
  return c->rng * 0x2545f4914f6cdd1dull;
}
static uint64_t below(struct ctx* c, uint64_t n) { return n ? r64(c) % n : 0; }
static int one_in(struct ctx* c, int n) { return below(c, (uint64_t)n) == 0; }

/* ---- the process's own state (reset in every forked child) ---- */

#define NLWPSLOT 6
#define NRFMEMSLOT 4
#define MAXKIDS 12
#define LWP_STACK 16384

struct lwp_slot {
  int state; /* 0 free, 1 running (atomic) */
  uint64_t seed;
  uint64_t sigmask; /* an RFMEM child's, once it runs on its own stack */
  int depth, slot;
  int origin_pid, origin_kind;
  int uid; /* an RFMEM child's: its parent's as read before the rfork */
};
static struct lwp_slot g_lwps[NLWPSLOT];
static char g_lwp_stacks[NLWPSLOT][LWP_STACK] __attribute__((aligned(16)));
static struct lwp_slot g_rfmems[NRFMEMSLOT];
static char g_rfmem_stacks[NRFMEMSLOT][LWP_STACK] __attribute__((aligned(16)));

struct proc_state {
  int pid;
  int storm_lwps; /* storm LWPs not yet gone (atomic, they decrement it) */
  int uid;        /* the process's uid, 0 for root (atomic; see struct ctx) */
  int nkids, kids[MAXKIDS];
  int ndead, dead[8];
};
static struct proc_state g_p;

/* The uid of c's process as recorded (0: root). Recorded only after a
 * setuid succeeded, so a non-root value is the process's for good (it can
 * only setuid to itself), and a root value may be a setuid late: an oracle
 * reads it before its call and checks only a non-root answer. */
static int my_uid(const struct ctx* c) { return __atomic_load_n(c->uid, __ATOMIC_ACQUIRE); }

/* Takes a free slot (the first LWP and the others pick at the same time). */
static int slot_take(struct lwp_slot* s) {
  int free = 0;
  return __atomic_compare_exchange_n(&s->state, &free, 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

static int g_socks[6]; /* op_sockets' kept sockets (the main context's) */

static void proc_state_reset(void) {
  for (int i = 0; i < 6; ++i) g_socks[i] = 0;
  g_p.pid = getpid();
  g_p.storm_lwps = 0;
  g_p.nkids = g_p.ndead = 0;
  for (int i = 0; i < NLWPSLOT; ++i) g_lwps[i].state = 0;
  for (int i = 0; i < NRFMEMSLOT; ++i) g_rfmems[i].state = 0;
}

static void kid_add(int pid) {
  if (g_p.nkids < MAXKIDS) g_p.kids[g_p.nkids++] = pid;
}
static void kid_gone(int pid) {
  for (int i = 0; i < g_p.nkids; ++i)
    if (g_p.kids[i] == pid) {
      g_p.kids[i] = g_p.kids[--g_p.nkids];
      g_p.dead[g_p.ndead++ % 8] = pid;
      return;
    }
}

/* ---- memory the pools point into ---- */

/* Each worker maps, at fixed addresses: an arena where mmap, munmap and
 * mprotect make chaos, and two single pages with nothing mapped after them
 * (a read-only page of zeros and a writable one), for arguments that run off
 * the end of a mapping. write() only ever reads the zero page, which prints
 * nothing. */
#define ARENA 0x20000000ul
#define ARENA_PAGES 32
#define EDGE_R 0x30000000ul
#define EDGE_W 0x30010000ul
#define STACK_TOP 0x8000000000ul
#define STACK_BOTTOM (STACK_TOP - (8ul << 20))

static char g_long[5000];       /* a long string, for paths and arguments too long */
static char* g_many_args[2100]; /* more arguments than execve takes (2,048) */
static char* g_big_args[30];    /* more bytes of them than it takes (128 KiB) */

static void map_worker_memory(void) {
  /* A mapping that fails shows as the faults and errors it causes. */
  (void)mmap((void*)ARENA, ARENA_PAGES * 4096, PROT_READ | PROT_WRITE,
             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  (void)mmap((void*)EDGE_R, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  (void)mmap((void*)EDGE_W, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
             -1, 0);
  memset(g_long, 'a', sizeof g_long - 1);
  for (int i = 0; i < 2099; ++i) g_many_args[i] = "a";
  for (int i = 0; i < 29; ++i) g_big_args[i] = g_long;
  memset((void*)(EDGE_W + 4096 - 16), 'b', 16); /* a string with no NUL before the end */
}

/* ---- logging and oracles ---- */

/* Records a call in the worker's ring before it is made (so a call that
 * never returns is there too); log_end adds its result. */
static struct call_rec* log_begin(struct ctx* c, long nr, long a0, long a1, long a2, long a3,
                                  long a4, long a5) {
  struct slot_log* L = &g_sh->slot[c->slot];
  uint64_t i = __atomic_fetch_add(&L->next, 1, __ATOMIC_RELAXED) % RING;
  struct call_rec* r = &L->rec[i];
  r->pid = c->pid;
  r->tid = c->kind == K_LWP ? c->lwp_slot + 1 : 0;
  r->nr = nr;
  r->a[0] = a0, r->a[1] = a1, r->a[2] = a2, r->a[3] = a3, r->a[4] = a4, r->a[5] = a5;
  r->ret = RET_PENDING;
  g_sh->last[last_call_index(r->pid, r->tid)] = *r;
  return r;
}
static void log_end(struct ctx* c, struct call_rec* r, long nr, long ret) {
  struct call_rec* last =
      &g_sh->last[last_call_index(c->pid, c->kind == K_LWP ? c->lwp_slot + 1 : 0)];
  if (last->nr == nr && last->pid == c->pid) last->ret = ret;
  if (r->nr == nr && r->pid == c->pid) r->ret = ret;
  __atomic_add_fetch(&g_sh->slot[c->slot].calls, 1, __ATOMIC_RELAXED);
}

static long sc(struct ctx* c, long nr, long a0, long a1, long a2, long a3, long a4, long a5) {
  struct call_rec* r = log_begin(c, nr, a0, a1, a2, a3, a4, a5);
  long ret = syscall6(nr, a0, a1, a2, a3, a4, a5);
  log_end(c, r, nr, ret);
  return ret;
}
#define SC0(c, nr) sc(c, nr, 0, 0, 0, 0, 0, 0)
#define SC1(c, nr, a) sc(c, nr, (long)(a), 0, 0, 0, 0, 0)
#define SC2(c, nr, a, b) sc(c, nr, (long)(a), (long)(b), 0, 0, 0, 0)
#define SC3(c, nr, a, b, d) sc(c, nr, (long)(a), (long)(b), (long)(d), 0, 0, 0)
#define SC4(c, nr, a, b, d, e) sc(c, nr, (long)(a), (long)(b), (long)(d), (long)(e), 0, 0)

/* A call gave what it must not: the first one is kept for the report. */
/* Our text and read-only data: [0x400000, __data_start). The first
 * TEXT_POINTED bytes are what ptr_any hands the kernel as "our text,
 * read-only"; nothing of ours ever makes them writable (op_text_cow and
 * op_mprotect keep away), or a call writing there would change our code. */
#define TEXT_START 0x400000ull
#define TEXT_POINTED 0x4000ull
#define TEXT_PAGES_MAX 64
#define TEXT_UNCHECKED 1ull
extern char __data_start[];
static uint64_t g_text_sum[TEXT_PAGES_MAX]; /* each page's, at the start */

static uint64_t text_pages(void) {
  uint64_t n = ((uint64_t)__data_start - TEXT_START) / 4096;
  return n < TEXT_PAGES_MAX ? n : TEXT_PAGES_MAX;
}
static uint64_t words_sum(const uint64_t* w) {
  uint64_t h = 0;
  for (int k = 0; k < 512; ++k) h = (h ^ w[k]) * 0x100000001b3ull;
  return h;
}
static void text_sums_take(void) {
  for (uint64_t i = 0; i < text_pages(); ++i)
    g_text_sum[i] = words_sum((const uint64_t*)(TEXT_START + i * 4096));
}
/* The first page of our text not as it was at the start, 0 if none, or
 * TEXT_UNCHECKED (no pipe to be had: descriptors are fuzzed too): an oracle's
 * failure in a process whose code was written is the fuzzer's own doing.
 * Each page is read through a pipe, so a page a call made unreadable or
 * unmapped gives -EFAULT rather than a fault, and no protection changes
 * under an LWP or RFMEM child running there. */
static uint64_t text_changed(void) {
  int fds[2];
  if (syscall2(SYS_pipe2, (long)fds, 0) != 0) return TEXT_UNCHECKED;
  uint64_t changed = 0, page[512];
  for (uint64_t i = 0; i < text_pages() && !changed; ++i) {
    uint64_t a = TEXT_START + i * 4096;
    if (syscall3(SYS_write, fds[1], (long)a, 4096) != 4096) continue; /* unreadable: unknown */
    if (syscall3(SYS_read, fds[0], (long)page, 4096) == 4096 && words_sum(page) != g_text_sum[i])
      changed = a;
  }
  syscall1(SYS_close, fds[0]);
  syscall1(SYS_close, fds[1]);
  return changed;
}

static void oracle_fail(struct ctx* c, const char* fmt, ...) __attribute__((format(printf, 2, 3)));
static void oracle_fail(struct ctx* c, const char* fmt, ...) {
  char who[112];
  uint64_t changed = text_changed();
  if (changed == TEXT_UNCHECKED)
    snprintf(who, sizeof who, "pid %d (worker %d, uid %d; its text not checked): ", getpid(),
             c->slot, my_uid(c));
  else if (changed)
    snprintf(who, sizeof who,
             "pid %d (worker %d, uid %d; its text page %#lx was written): ", getpid(), c->slot,
             my_uid(c), (unsigned long)changed);
  else
    snprintf(who, sizeof who, "pid %d (worker %d, uid %d): ", getpid(), c->slot, my_uid(c));
  va_list ap;
  va_start(ap, fmt);
  if (ut_fail_shared(&g_sh->oracle, who, fmt, ap)) g_sh->oracle_slot = c->slot;
  va_end(ap);
}

/* c runs in process pid, read where `from` says: a pid that is not one is
 * reported at once, not later as a fork call's wrong caller. */
static void context_pid(struct ctx* c, int pid, const char* from) {
  c->pid = pid;
  c->pid_from = from;
  if (pid <= 0)
    oracle_fail(c, "getpid() = %d %s (kind %d, depth %d, made by pid %d in kind %d)", pid, from,
                c->kind, c->depth, c->origin_pid, c->origin_kind);
}

/* ---- argument pools ---- */

static const uint64_t kKernelAddrs[] = {
    0xffff000000000000ull, 0xffff000000080000ull, 0xffff800000000000ull,
    0xffffffffffff0000ull, 0xfffffffffffff000ull, 0xffff0000400a0000ull,
};

/* The kinds of pointer ptr_foreign (below) draws from; ptr_any has them and more. */
enum { FOREIGN_KINDS = 10 };
static uint64_t foreign_of_kind(struct ctx* c, uint64_t size, uint64_t k) {
  switch (k) {
    case 0: return 0;
    case 1: return 1 + below(c, 4095);
    case 2: return ~0ull;
    case 3: return kKernelAddrs[below(c, sizeof kKernelAddrs / 8)];
    case 4: return 0x1000 + below(c, 0xf000);                  /* below kUserMin */
    case 5: return 0x0001000000000000ull + below(c, 4096) * 8; /* past the user half */
    case 6: return 0x8000000000000000ull >> below(c, 4);
    case 7: return STACK_BOTTOM - 8 - below(c, 64) * 8; /* the stack guard */
    case 8: return EDGE_W + 4096 - below(c, size + 16); /* runs off the end */
    default: return EDGE_R + 4096 - below(c, size + 16);
  }
}

/* A pointer for an argument of `size` bytes: valid, or anything but. */
static uint64_t ptr_any(struct ctx* c, uint64_t size) {
  uint64_t k = below(c, 18);
  if (k < FOREIGN_KINDS) return foreign_of_kind(c, size, k);
  switch (k) {
    case 10:
    case 11: return ARENA + below(c, ARENA_PAGES) * 4096 + below(c, 4096);
    case 12: return r64(c);
    case 13: /* our text: read-only (all of it within the pages never made writable) */
      return TEXT_START + below(c, TEXT_POINTED - (size < TEXT_POINTED ? size : 0));
    default: { /* valid: somewhere in scratch that has room for size bytes */
      uint64_t room = sizeof c->scratch - (size < sizeof c->scratch ? size : sizeof c->scratch);
      return (uint64_t)c->scratch + below(c, room / 8 + 1) * 8;
    }
  }
}

/* A length the kernel may write at buf: n, cut to the room left in the
 * scratch buffer when buf is in it (op_read's rule). */
static uint64_t room_at(struct ctx* c, uint64_t buf, uint64_t n) {
  uint64_t start = (uint64_t)c->scratch, end = start + sizeof c->scratch;
  if (buf >= start && buf < end && n > end - buf) n = end - buf;
  return n;
}

/* A pointer for an argument of `size` bytes that is never into the fuzzer's
 * own text, stack, globals or arena: unmapped, the kernel's, past the user
 * half, the stack guard, or running off the end of an edge page. For what
 * the kernel will jump to (a handler, a restorer) or read such pointers from
 * (a sigaction): our own code there runs as the handler, and a handler that
 * reaches a fork call (into clone_fork, say) makes a child that returns
 * through the signal frame into the interrupted code, a copy of its parent's
 * context, as POSIX has it. */
static uint64_t ptr_foreign(struct ctx* c, uint64_t size) {
  return foreign_of_kind(c, size, below(c, FOREIGN_KINDS));
}

/* A pointer that can never be read or written from EL0. */
static uint64_t ptr_bad(struct ctx* c) {
  switch (below(c, 5)) {
    case 0: return 0;
    case 1: return kKernelAddrs[below(c, sizeof kKernelAddrs / 8)];
    case 2: return 0x0001000000000000ull;
    case 3: return ~0ull - below(c, 64);
    default: return 8;
  }
}

static uint64_t len_any(struct ctx* c) {
  // Value tables stay packed (clang-format would put one value a line).
  // clang-format off
  static const uint64_t k[] = {0, 1, 7, 8, 16, 100, 4095, 4096, 4097, 65536, 1ull << 20,
                               1ull << 30, 1ull << 47, 1ull << 48, 0x7fffffffffffffffull,
                               ~0ull, 0x8000000000000000ull, 0xfffffffffffff000ull};
  // clang-format on
  if (one_in(c, 6)) return r64(c) >> below(c, 64);
  return k[below(c, sizeof k / 8)];
}

static int64_t int_any(struct ctx* c) {
  // clang-format off
  static const int64_t k[] = {0, 1, -1, 2, 3, 0x7fffffff, -0x7fffffff - 1, 0x80000000ll,
                              0xffffffffll, 0x7fffffffffffffffll, (int64_t)0x8000000000000000ull,
                              100, 1000, 65535, 65536};
  // clang-format on
  if (one_in(c, 3)) return (int64_t)(r64(c) >> below(c, 64));
  return k[below(c, sizeof k / 8)];
}

static int sig_any(struct ctx* c) {
  static const int k[] = {0, 1, 9, 10, 12, 15, 17, 19, 32, 63, 64, 65, -1, -0x7fffffff - 1};
  if (one_in(c, 2)) return 1 + (int)below(c, NSIG);
  return k[below(c, sizeof k / sizeof k[0])];
}

/* A pid: ours, a child's, a dead one, another worker's, init, the harness, odd values. */
static int pid_any(struct ctx* c) {
  switch (below(c, 16)) {
    case 0: return 0;
    case 1: return -1;
    case 2: return g_p.pid;
    case 3: return getppid();
    case 4:
    case 5: return g_p.nkids ? g_p.kids[below(c, g_p.nkids)] : g_p.pid;
    case 6: return g_p.ndead ? g_p.dead[below(c, g_p.ndead < 8 ? g_p.ndead : 8)] : 99999;
    case 7: return g_sh->dead_pids[below(c, 8)];
    case 8:
    case 9: return g_sh->slot[below(c, NWORKERS)].pid;
    case 10: return 1;
    case 11: return HARNESS_PID;
    case 12: return -0x7fffffff - 1;
    case 13: return 0x7fffffff;
    case 14: return -(int)g_sh->slot[below(c, NWORKERS)].pid;
    default: return (int)below(c, 100001);
  }
}

/* Root may not hit the harness or init (they keep the run going). */
static int root_spares(int pid) {
  return pid == 1 || pid == HARNESS_PID || pid == -1 || pid == -HARNESS_PID;
}

static uint64_t uid_any(struct ctx* c) {
  static const uint64_t k[] = {
      0, 1, 1000, 1001, 1002, 65534, 65535, 0xffffffffull, 0x7fffffff, 0x100000000ull, ~0ull};
  if (one_in(c, 3)) return 1 + below(c, 100000);
  return k[below(c, sizeof k / 8)];
}

/* ---- the operations ---- */

struct op {
  const char* name;
  int weight;
  void (*fn)(struct ctx* c, int op);
};
static int g_op_enabled[NOPS_MAX];

static void ok_if(struct ctx* c, int op, long ret) {
  if (ret >= 0) __atomic_add_fetch(&g_sh->slot[c->slot].op_ok[op], 1, __ATOMIC_RELAXED);
}

static volatile int g_caught;
static void on_signal(int sig) { g_caught += sig; }

void signal_restorer(void);

/* Ends the calling context without touching its stack once the slot is free. */
void lwp_finish(int* state) __attribute__((noreturn));
__asm__(
    ".global lwp_finish\n"
    "lwp_finish:\n"
    "  stlr wzr, [x0]\n"
    "  mov x0, #0\n  mov x8, #93\n  svc #0\n"
    "  b .\n");
void rfmem_finish(int* state, long code) __attribute__((noreturn));
__asm__(
    ".global rfmem_finish\n"
    "rfmem_finish:\n"
    "  stlr wzr, [x0]\n"
    "  mov x0, x1\n  mov x8, #94\n  svc #0\n"
    "  b .\n");
/* An LWP of a storm: counts itself gone and exits, with no stack at all. */
void lwp_storm_entry(int* count);
__asm__(
    ".global lwp_storm_entry\n"
    "lwp_storm_entry:\n"
    "1: ldaxr w1, [x0]\n  sub w1, w1, #1\n  stlxr w2, w1, [x0]\n  cbnz w2, 1b\n"
    "  mov x0, #0\n  mov x8, #93\n  svc #0\n"
    "  b .\n");
/* vfork; the child execs path (unless 0) and then, or at once, exit_groups
 * with code, all without touching memory (it runs on the parent's). */
long vfork_then(uint64_t path, uint64_t argv, uint64_t envp, long code);
__asm__(
    ".global vfork_then\n"
    "vfork_then:\n"
    "  mov x9, x0\n  mov x10, x1\n  mov x11, x2\n  mov x12, x3\n"
    "  mov x8, #1066\n  svc #0\n"
    "  cbnz x0, 1f\n"
    "  cbz x9, 2f\n"
    "  mov x0, x9\n  mov x1, x10\n  mov x2, x11\n  mov x8, #221\n  svc #0\n"
    "2: mov x0, x12\n  mov x8, #94\n  svc #0\n"
    "1: ret\n");
/* rt_sigreturn with sp at `frame`. */
void sigreturn_at(uint64_t frame) __attribute__((noreturn));
__asm__(
    ".global sigreturn_at\n"
    "sigreturn_at:\n"
    "  mov sp, x0\n  mov x8, #139\n  svc #0\n"
    "  brk #0\n");
/* Where a forged signal frame returns to: exit_group(90). */
void sigreturn_landing(void);
__asm__(
    ".global sigreturn_landing\n"
    "sigreturn_landing:\n"
    "  mov x0, #90\n  mov x8, #94\n  svc #0\n"
    "  b .\n");

static void run_calls(struct ctx* c);
static _Noreturn void end_context(struct ctx* c, int code);

static void op_read(struct ctx* c, int op) {
  static const int64_t fds[] = {0, 1, 2, -1, 3, 1000, 0x7fffffff, -0x7fffffff - 1};
  int64_t fd = fds[below(c, 8)];
  uint64_t buf = ptr_any(c, 64), n = len_any(c);
  /* Not more than the buffer holds (a length that is negative as a signed
   * number is refused before anything is read). */
  uint64_t end = (uint64_t)(c->scratch + 160);
  if ((int64_t)n > 0 && buf >= (uint64_t)c->scratch && buf < end && n > end - buf) n = end - buf;
  long r = SC3(c, SYS_read, fd, buf, n);
  ok_if(c, op, r);
}

static void op_write(struct ctx* c, int op) {
  static const int64_t fds[] = {1, 2, 0, -1, 3, 1000, 0x7fffffff, -0x7fffffff - 1};
  uint64_t buf;
  switch (below(c, 4)) {
    case 0: buf = EDGE_R + below(c, 4096); break; /* zeros: print nothing */
    case 1: buf = EDGE_R + 4096 - below(c, 300); break;
    default: buf = ptr_bad(c); break;
  }
  long r = SC3(c, SYS_write, fds[below(c, 8)], buf, one_in(c, 2) ? below(c, 5000) : len_any(c));
  ok_if(c, op, r);
}

/* exit ends this LWP (the process with its last one). */
static void op_exit(struct ctx* c, int op) {
  if (c->kind == K_MAIN && c->depth == 0 && !one_in(c, 8)) return; /* workers live long */
  if (c->kind == K_MAIN) SC1(c, SYS_exit, int_any(c));
  end_context(c, (int)below(c, 256));
}

static void op_exit_group(struct ctx* c, int op) {
  if (c->depth == 0 && !one_in(c, 8)) return;
  SC1(c, SYS_exit_group, int_any(c));
}

static void op_nanosleep(struct ctx* c, int op) {
  // clang-format off
  static const int64_t secs[] = {0, 0, 0, 1, -1, 0x7fffffffffffffffll, 18446744074ll /* wraps */,
                                 9223372037ll, -0x7fffffff - 1};
  // clang-format on
  static const int64_t nsecs[] = {
      0, 1, 1000, 1000000, 5000000, 999999999, 1000000000, -1, 0x7fffffffffffffffll};
  int64_t s = secs[below(c, sizeof secs / 8)], ns = nsecs[below(c, sizeof nsecs / 8)];
  if (one_in(c, 4)) s = 0, ns = (int64_t)below(c, 3000000);
  uint64_t req;
  switch (below(c, 6)) {
    case 0: req = ptr_bad(c); break;
    case 1: req = EDGE_W + 4096 - 8; break;  /* half of it mapped */
    case 2: req = EDGE_R + 4096 - 16; break; /* zeros */
    default: {
      int64_t* t = (int64_t*)&c->scratch[100];
      t[0] = s, t[1] = ns;
      req = (uint64_t)t;
    }
  }
  uint64_t rem = one_in(c, 2) ? 0 : ptr_any(c, 16);
  long r = SC2(c, SYS_nanosleep, req, rem);
  ok_if(c, op, r);
  if (req == 0 || req >= 0xffff000000000000ull) {
    if (r != -EFAULT) oracle_fail(c, "nanosleep(0x%lx, 0x%lx) = %ld, want -EFAULT", req, rem, r);
  }
}

static void op_clock_gettime(struct ctx* c, int op) {
  static const int64_t clks[] = {0, 1, 2, 3, 4, 5, 6, 7, 8, 11, -1, -0x7fffffff - 1, 0x7fffffff};
  int64_t clk = clks[below(c, sizeof clks / 8)];
  if (one_in(c, 3)) { /* a CPU clock by id: any process's or thread's, read or set */
    long who = one_in(c, 2) ? c->pid : (long)below(c, 200);
    clk = (int32_t)((~(uint32_t)who << 3) | (uint32_t)below(c, 8));
    uint64_t* t = &c->scratch[150];
    t[0] = t[1] = 0;
    long r = one_in(c, 4) ? SC2(c, 112 /* clock_settime */, clk, t)
                          : SC2(c, SYS_clock_gettime, clk, ptr_any(c, 16));
    ok_if(c, op, r);
    if (r != 0 && r != -EINVAL && r != -EFAULT && r != -EPERM)
      oracle_fail(c, "a CPU clock %#lx gave %ld", (long)clk, r);
    return;
  }
  int bad = one_in(c, 4);
  uint64_t ts = bad ? ptr_bad(c) : ptr_any(c, 16);
  long r = SC2(c, SYS_clock_gettime, clk, ts);
  ok_if(c, op, r);
  int valid_clk = clk == 0 || clk == 1 || (clk >= 4 && clk <= 7);
  if (bad && valid_clk && r != -EFAULT)
    oracle_fail(c, "clock_gettime(%ld, 0x%lx) = %ld, want -EFAULT", clk, ts, r);
}

static void op_ids(struct ctx* c, int op) {
  static const long nrs[] = {SYS_sched_yield, SYS_getpid,     SYS_getppid,
                             SYS_gettid,      SYS_lwp_gettid, SYS_getuid};
  long nr = nrs[below(c, 6)];
  int uid = my_uid(c);
  long r = sc(c, nr, int_any(c), int_any(c), 0, 0, 0, 0);
  ok_if(c, op, r);
  if (nr == SYS_getpid && r != g_p.pid && c->kind != K_RFMEM)
    oracle_fail(c,
                "getpid() = %ld, want %d (kind %d, depth %d, ppid %d, made by pid %d in kind %d)",
                r, g_p.pid, c->kind, c->depth, getppid(), c->origin_pid, c->origin_kind);
  if (nr == SYS_getuid && uid != 0 && (uint32_t)r != (uint32_t)uid)
    oracle_fail(
        c, "getuid() = %ld in a process of uid %d (kind %d, depth %d, made by pid %d in kind %d)",
        r, uid, c->kind, c->depth, c->origin_pid, c->origin_kind);
}

static void op_brk(struct ctx* c, int op) {
  long cur = SC1(c, SYS_brk, 0);
  uint64_t a;
  switch (below(c, 5)) {
    case 0: a = (uint64_t)cur + below(c, 64) * 4096; break;
    case 1: a = (uint64_t)cur - below(c, 16) * 4096; break;
    case 2: a = (uint64_t)cur + (1ull << below(c, 40)); break;
    case 3: a = ptr_any(c, 8); break;
    default: a = (uint64_t)cur + below(c, 100000); break;
  }
  long r = SC1(c, SYS_brk, a);
  ok_if(c, op, r);
}

/* An address for mmap, munmap and mprotect: mostly in the arena, now and
 * then anywhere (including our own text, data and stack: the process may die). */
static uint64_t vm_addr(struct ctx* c) {
  if (one_in(c, 200)) {
    static const uint64_t own[] = {0x400000,         0x410000, 0x420000,
                                   STACK_TOP - 4096, EDGE_R,   EDGE_W + 4096};
    return own[below(c, 6)];
  }
  switch (below(c, 8)) {
    case 0: return ptr_any(c, 8);
    case 1: return ARENA + below(c, ARENA_PAGES * 4096);
    case 2: return 0x10000 * below(c, 16);
    case 3: /* around the stack top and the end of the user half (2^39), and 2^47, 2^48 */
      return (1ull << (below(c, 3) == 0 ? 39 : 47 + below(c, 2))) + 4096 * (below(c, 5) - 2);
    default: return ARENA + below(c, ARENA_PAGES) * 4096;
  }
}
/* A length for addr: mostly a few pages; a huge one from inside the arena
 * would take our stack with it, so it mostly stops at the arena's end. */
static uint64_t vm_len(struct ctx* c, uint64_t addr) {
  uint64_t len = one_in(c, 5) ? len_any(c) : (1 + below(c, 8)) * 4096 - (one_in(c, 8) ? 1 : 0);
  uint64_t arena_end = ARENA + ARENA_PAGES * 4096;
  if (addr >= ARENA && addr < arena_end && len > arena_end - addr && !one_in(c, 50))
    len = arena_end - addr;
  return len;
}
extern char _end[];

/* Whether [addr, addr + len) misses what the process needs to go on: its
 * image (text, data, the LWP stacks), the shared page, the edge pages and
 * the stack. */
static int spares_us(uint64_t addr, uint64_t len) {
  uint64_t end = addr + len < addr ? ~0ull : addr + len;
  uint64_t shared = (uint64_t)g_sh;
  const uint64_t ranges[][2] = {
      {0x400000, ((uint64_t)_end + 4095) & ~4095ull},
      {shared, shared + ((sizeof(struct shared) + 4095) & ~4095ull)},
      {EDGE_R, EDGE_R + 4096},
      {EDGE_W, EDGE_W + 4096},
      {STACK_BOTTOM, STACK_TOP},
  };
  for (unsigned i = 0; i < sizeof ranges / sizeof ranges[0]; ++i)
    if (addr < ranges[i][1] && end > ranges[i][0]) return 0;
  return 1;
}

/* munmap and mprotect over our own memory kill the process (and make no
 * more calls): now and then only (never, with never set). mmap over it never:
 * a MAP_SHARED page there would be shared with our children after a fork,
 * and two processes would run on one stack or one set of globals. */
static void spare_ourselves(struct ctx* c, uint64_t* addr, uint64_t* len, int never) {
  if (spares_us(*addr, *len) || (!never && one_in(c, 100))) return;
  *addr = ARENA + below(c, ARENA_PAGES) * 4096;
  *len = 4096 * (1 + below(c, 4));
}

static uint64_t prot_any(struct ctx* c) {
  if (one_in(c, 8)) return r64(c) >> below(c, 64);
  return below(c, 8);
}

static void op_mmap(struct ctx* c, int op) {
  uint64_t addr = vm_addr(c), len = vm_len(c, addr), prot = prot_any(c);
  spare_ourselves(c, &addr, &len, 1);
  uint64_t flags = MAP_ANONYMOUS | (one_in(c, 3) ? MAP_SHARED : MAP_PRIVATE);
  switch (below(c, 6)) {
    case 0: flags |= MAP_FIXED; break;
    case 1: flags |= MAP_FIXED_NOREPLACE; break;
    case 2: flags = r64(c) >> below(c, 64); break;
    case 3: flags |= 0x8000 | 0x4000; break; /* populate, noreserve */
    default: break;
  }
  if (!(flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) && one_in(c, 2)) addr = 0;
  int64_t fd = one_in(c, 4) ? int_any(c) : -1;
  uint64_t off = one_in(c, 4) ? (uint64_t)int_any(c) : 0;
  long r = sc(c, SYS_mmap, (long)addr, (long)len, (long)prot, (long)flags, fd, (long)off);
  ok_if(c, op, r);
  /* Keep what landed outside the arena from piling up. */
  if (!MAP_FAILED_P(r) && ((uint64_t)r < ARENA || (uint64_t)r >= ARENA + ARENA_PAGES * 4096) &&
      !one_in(c, 4))
    SC2(c, SYS_munmap, r, len);
}

static void op_munmap(struct ctx* c, int op) {
  uint64_t addr = vm_addr(c), len = vm_len(c, addr);
  spare_ourselves(c, &addr, &len, 0);
  long r = SC2(c, SYS_munmap, addr, len);
  ok_if(c, op, r);
}

static void op_mprotect(struct ctx* c, int op) {
  uint64_t addr = vm_addr(c), len = vm_len(c, addr);
  spare_ourselves(c, &addr, &len, 0);
  uint64_t prot = prot_any(c);
  /* Over our own memory never writable: our text writable, a call given a
   * pointer into it (ptr_any) would write our code. */
  if (!spares_us(addr, len)) prot &= ~(uint64_t)PROT_WRITE;
  long r = SC3(c, SYS_mprotect, addr, len, prot);
  ok_if(c, op, r);
}

/* A page of our own text made writable and written with what it holds, by
 * us or by the kernel (a read from a pipe): the copy of a pinned image page
 * (docs/vm.md) while LWPs and processes sharing the page may be running it.
 * The text is the same afterwards, so everything goes on. Not a page that
 * ptr_any points calls at: the page may stay writable. */
static void op_text_cow(struct ctx* c, int op) {
  uint64_t first = TEXT_START + TEXT_POINTED;
  uint64_t pages = ((uint64_t)__data_start - first) / 4096;
  uint64_t page = first + below(c, pages) * 4096;
  long r = SC3(c, SYS_mprotect, page, 4096, 7);
  ok_if(c, op, r);
  if (r != 0) return;
  volatile uint64_t* word = (volatile uint64_t*)(page + below(c, 512) * 8);
  uint64_t v = *word;
  int fds[2];
  /* (An LWP sharing our space may have made the page read-only again: the
   * read then fails, and our own store ends us with SIGSEGV.) */
  if (one_in(c, 3) && SC2(c, SYS_pipe2, fds, 0) == 0) {
    if (SC3(c, SYS_write, fds[1], &v, 8) == 8 && SC3(c, SYS_read, fds[0], (uint64_t)word, 8) == 8 &&
        *word != v)
      oracle_fail(c, "a read into our text at %#lx changed it", (unsigned long)(uint64_t)word);
    SC1(c, SYS_close, fds[0]);
    SC1(c, SYS_close, fds[1]);
  } else {
    *word = v;
    if (*word != v) oracle_fail(c, "our text at %#lx changed", (unsigned long)(uint64_t)word);
  }
  if (!one_in(c, 4)) SC3(c, SYS_mprotect, page, 4096, 5);
}

/* What execve gets: a program that ends at once (or a bad path), argv and envp. */
struct exec_args {
  uint64_t path, argv, envp;
  char* vec[8];
  char num[8];
};
static void exec_pick(struct ctx* c, struct exec_args* e) {
  /* The first three print a line or two: seldom. */
  static char* const kPaths[] = {"/bin/crash", "/bin/hello",    "/bin/init", "/bin/fuzz", "fuzz",
                                 "bin/fuzz",   "/bin/proctest", "",          "/",         "/bin/",
                                 "/bin/nope",  "/bin/fuzzz",    "bin//fuzz", "/bin/fuzz/"};
  int i =
      one_in(c, 40) ? (int)below(c, 3) : 3 + (int)below(c, sizeof kPaths / sizeof kPaths[0] - 3);
  e->path = (uint64_t)kPaths[i];
  snprintf(e->num, sizeof e->num, "%d", (int)below(c, 200));
  e->vec[0] = kPaths[i][0] ? kPaths[i] : "x";
  e->vec[1] = "exit";
  e->vec[2] = e->num;
  e->vec[3] = 0;
  if (i == 0 && one_in(c, 2)) e->vec[1] = one_in(c, 2) ? "segv" : "ill";
  if (i == 1) e->vec[1] = 0;                              /* hello: one short line */
  if (i == 2) e->vec[1] = one_in(c, 2) ? 0 : "/bin/fuzz"; /* init: no program, or fuzz */
  e->argv = (uint64_t)e->vec;
  e->envp = (uint64_t)environ;
  if (i == 6) return; /* proctest runs its whole suite unless told "exit N" */
  switch (below(c, 12)) {
    case 0: e->path = ptr_any(c, 16); break;
    case 1: e->path = (uint64_t)g_long; break;  /* longer than a path may be */
    case 2: e->path = EDGE_W + 4096 - 4; break; /* no NUL before the end */
    case 3: e->argv = ptr_any(c, 64); break;
    case 4: e->envp = ptr_any(c, 64); break;
    case 5: e->argv = 0; break;
    case 6: /* an argument that is not a string, or too long for all of them */
      e->vec[1] = one_in(c, 2) ? (char*)ptr_bad(c) : g_long;
      e->vec[2] = 0;
      break;
    case 7: e->argv = (uint64_t)(one_in(c, 2) ? g_many_args : g_big_args); break; /* E2BIG */
    default: break;
  }
}

static void op_execve(struct ctx* c, int op) {
  if (c->depth == 0 && !one_in(c, 8)) return; /* workers live long */
  struct exec_args e;
  exec_pick(c, &e);
  flush_stdout();
  long r = SC3(c, SYS_execve, e.path, e.argv, e.envp);
  ok_if(c, op, r); /* on success we are gone */
}

/* After a fork, in the child: a process of its own (copy-on-write). */
static void became_child(struct ctx* c) {
  c->origin_pid = g_p.pid; /* the parent's */
  c->origin_kind = 10 + c->kind;
  /* The uid is the forking context's (an RFMEM child's own, not that of the
   * g_p it shared): the kernel gives the child the credentials and the
   * memory of one moment. */
  g_p.uid = my_uid(c);
  c->uid = &g_p.uid;
  proc_state_reset();
  /* Forked from an LWP or an RFMEM child, we run on a copy of its stack:
   * that slot is not free here. */
  for (int i = 0; i < NLWPSLOT; ++i)
    if ((char*)c > g_lwp_stacks[i] && (char*)c < g_lwp_stacks[i] + LWP_STACK) g_lwps[i].state = 1;
  for (int i = 0; i < NRFMEMSLOT; ++i)
    if ((char*)c > g_rfmem_stacks[i] && (char*)c < g_rfmem_stacks[i] + LWP_STACK)
      g_rfmems[i].state = 1;
  c->kind = K_MAIN;
  c->depth++;
  context_pid(c, g_p.pid, "in a forked child");
  c->rng = splitmix(c->rng ^ 0xc41d);
  c->budget = (long)below(c, 64);
}

#define MAXDEPTH 3

/* A fork call gave pid (> 0): we must still be the process that made it. */
static void forked(struct ctx* c, const char* call, long pid, int ours) {
  if (pid <= 0) return;
  long me = syscall0(SYS_getpid);
  if (me != c->pid)
    oracle_fail(c, "%s returned %ld in pid %ld, which is not the caller %d (read %s)", call, pid,
                me, c->pid, c->pid_from);
  if (ours) kid_add((int)pid);
}

static void op_fork(struct ctx* c, int op) {
  int how = (int)below(c, 3);
  long r;
  if (how == 0)
    r = SC0(c, SYS_fork);
  else if (how == 1)
    r = SC2(c, SYS_clone, 17 /* SIGCHLD */, 0);
  else {
    /* clone with other shapes: refused, or a process of its own. CLONE_VM
     * and CLONE_SETTLS stay off: a child running on the worker's memory and
     * stack, or with a random thread pointer, would break the worker, not
     * the kernel (glibctest has clone's Linux shapes); without CLONE_VM,
     * CLONE_SIGHAND and CLONE_THREAD are refused. */
    long fl = one_in(c, 2) ? 17 : (long)r64(c) >> below(c, 64);
    fl &= ~(long)(0x100 /* CLONE_VM */ | 0x80000 /* CLONE_SETTLS */);
    r = sc(c, SYS_clone, fl, one_in(c, 2) ? 0 : (long)ptr_any(c, 16), (long)ptr_any(c, 8),
           (long)ptr_any(c, 8), (long)ptr_any(c, 8), 0);
  }
  ok_if(c, op, r);
  if (c->scratch_guard != SCRATCH_GUARD)
    oracle_fail(c, "after fork, in the %s (pid %d): the word after scratch is 0x%lx",
                r ? "parent" : "child", getpid(), (unsigned long)c->scratch_guard);
  if (r == 0) {
    became_child(c);
    if (c->depth > MAXDEPTH) _exit((int)below(c, 256));
    return;
  }
  forked(c, "fork", r, 1);
}

static void op_vfork(struct ctx* c, int op) {
  struct exec_args e;
  exec_pick(c, &e);
  int exec = one_in(c, 2);
  long code = (long)below(c, 256);
  struct call_rec* rec =
      log_begin(c, SYS_vfork, exec ? (long)e.path : 0, (long)e.argv, (long)e.envp, code, 0, 0);
  long r = vfork_then(exec ? e.path : 0, e.argv, e.envp, code);
  log_end(c, rec, SYS_vfork, r);
  ok_if(c, op, r);
  forked(c, "vfork", r, 1);
}

/* The context of an RFMEM child or an LWP that slot s describes: its random
 * stream from the slot's seed, its worker, and who made it. */
static void slot_context(struct ctx* c, const struct lwp_slot* s, int kind) {
  memset(c, 0, sizeof *c);
  c->rng = s->seed | 1;
  c->slot = s->slot;
  c->kind = kind;
  c->origin_pid = s->origin_pid;
  c->origin_kind = s->origin_kind;
}

static int rfmem_main(void* arg) {
  struct lwp_slot* s = arg;
  struct ctx c;
  slot_context(&c, s, K_RFMEM);
  c.depth = s->depth + 1;
  context_pid(&c, getpid(), "in an RFMEM child, signals blocked");
  c.own_uid = s->uid;
  c.uid = &c.own_uid;
  c.budget = (long)below(&c, 32);
  signal_mask(SIG_SETMASK, &s->sigmask, 0);
  run_calls(&c);
  end_context(&c, (int)below(&c, 256));
}

static long rfork_flags(struct ctx* c) {
  long fl = 0;
  static const long bits[] = {RFFDG,  RFPROC,   RFMEM,      RFNOWAIT,
                              RFCFDG, RFTHREAD, RFSIGSHARE, RFLINUXTHPN};
  for (unsigned i = 0; i < sizeof bits / sizeof bits[0]; ++i)
    if (one_in(c, 3)) fl |= bits[i];
  if (!one_in(c, 4)) fl |= RFPROC;
  if (one_in(c, 10)) fl |= (long)(r64(c) & 0x7fffffffffffffffull) >> below(c, 64);
  if (one_in(c, 20)) fl |= one_in(c, 2) ? RFPGLOCK : (long)RFPPWAIT;
  return fl;
}

static void op_rfork(struct ctx* c, int op) {
  long fl = rfork_flags(c);
  long r;
  if ((fl & RFPROC) && (fl & RFMEM)) {
    /* The child shares our memory: it runs on a stack of its own. Until it
     * is there it is on ours, where we go on: a signal then would put its
     * handler's frame where we write. So it starts with every signal
     * blocked, and unblocks them on its own stack. */
    uint64_t all = ~0ull, old = 0;
    signal_mask(SIG_SETMASK, &all, &old);
    int i = (int)below(c, NRFMEMSLOT);
    struct lwp_slot* s = &g_rfmems[i];
    struct call_rec* rec = log_begin(c, SYS_rfork, fl, 0, 0, 0, 0, 0);
    if (c->depth >= MAXDEPTH || one_in(c, 3) || !slot_take(s)) {
      r = rfork_exit(fl, (long)below(c, 256));
    } else {
      s->seed = r64(c);
      s->depth = c->depth;
      s->slot = c->slot;
      s->origin_pid = g_p.pid;
      s->origin_kind = c->kind;
      s->uid = my_uid(c);
      s->sigmask = old;
      r = rfork_thread(fl, g_rfmem_stacks[i] + LWP_STACK, rfmem_main, s);
      if (r <= 0) __atomic_store_n(&s->state, 0, __ATOMIC_RELEASE);
    }
    signal_mask(SIG_SETMASK, &old, 0);
    log_end(c, rec, SYS_rfork, r);
  } else {
    r = SC1(c, SYS_rfork, fl);
    if (r == 0 && (fl & RFPROC)) {
      became_child(c);
      if (c->depth > MAXDEPTH) _exit((int)below(c, 256));
      return;
    }
  }
  ok_if(c, op, r);
  forked(c, "rfork", r, !(fl & RFNOWAIT));
}

static void op_wait4(struct ctx* c, int op) {
  int pid = one_in(c, 3) ? -1 : pid_any(c);
  static const int64_t opts[] = {0, WNOHANG, WNOHANG, 2, 8, 0x40000000, 0x80000000ll, -1, 0x1000};
  int64_t o = opts[below(c, sizeof opts / 8)];
  uint64_t st = one_in(c, 4) ? 0 : ptr_any(c, 4);
  uint64_t ru = one_in(c, 2) ? 0 : ptr_any(c, 144);
  /* Children end within their budgets, so a blocking wait ends too. */
  long r = SC4(c, SYS_wait4, pid, st, o, ru);
  ok_if(c, op, r);
  if (r > 0) kid_gone((int)r);
}

/* waitid: id types good and bad, options with and without a kind, WNOWAIT;
 * the report goes to a buffer of ours or anywhere. */
static void op_waitid(struct ctx* c, int op) {
  static const int types[] = {0, 0, 1, 1, 2, 3, -1, 7};
  // clang-format off
  static const int64_t opts[] = {4, 4 | WNOHANG, 4 | 0x01000000, 2 | WNOHANG, 8 | WNOHANG,
                                 2 | 8 | 4 | 0x01000000 | WNOHANG, 4 | 0x40000000,
                                 4 | 0x80000000ll | WNOHANG, 0, WNOHANG, -1, 0x10};
  // clang-format on
  int type = types[below(c, sizeof types / sizeof types[0])];
  int id = one_in(c, 4) ? 0 : pid_any(c);
  int64_t o = opts[below(c, sizeof opts / 8)];
  int32_t info[32];
  memset(info, 0, sizeof info);
  uint64_t ip = one_in(c, 3) ? ptr_any(c, 128) : (uint64_t)info;
  uint64_t ru = one_in(c, 2) ? 0 : ptr_any(c, 144);
  long r = sc(c, SYS_waitid, type, id, (long)ip, (long)o, (long)ru, 0);
  ok_if(c, op, r);
  /* info: si_signo, si_errno, si_code, pad, si_pid. An exit reported without
   * WNOWAIT reaped the child. */
  if (r == 0 && ip == (uint64_t)info && info[0] == 17 && info[2] >= 1 && info[2] <= 3 &&
      !(o & 0x01000000))
    kid_gone(info[4]);
}

static void lwp_main(void* arg) {
  struct lwp_slot* s = arg;
  struct ctx c;
  slot_context(&c, s, K_LWP);
  context_pid(&c, g_p.pid, "by the process, for a new LWP");
  c.uid = &g_p.uid;
  c.depth = s->depth;
  c.lwp_slot = (int)(s - g_lwps);
  c.budget = (long)below(&c, 300);
  run_calls(&c);
  end_context(&c, 0);
}

/* lwp_create's argument (tine.h's struct lwp_params) as plain words: the
 * fuzzer puts hostile addresses in it. */
struct lwp_words {
  uint64_t func, arg, stack, tid1, tid2;
};

static void op_lwp_create(struct ctx* c, int op) {
  if (c->kind == K_RFMEM) return; /* its LWP slots are its parent's */
  int i = (int)below(c, NLWPSLOT);
  struct lwp_slot* s = &g_lwps[i];
  struct lwp_words* lp = (struct lwp_words*)&c->scratch[120];
  int hostile = one_in(c, 6);
  int real = !hostile && slot_take(s);
  if (real) {
    s->seed = r64(c);
    s->depth = c->depth;
    s->slot = c->slot;
    s->origin_pid = g_p.pid;
    s->origin_kind = c->kind;
    lp->func = (uint64_t)lwp_main;
    lp->arg = (uint64_t)s;
    lp->stack = (uint64_t)(g_lwp_stacks[i] + LWP_STACK);
  } else {
    lp->func = (uint64_t)lwp_storm_entry;
    lp->arg = (uint64_t)&g_p.storm_lwps;
    lp->stack = 0;
    __atomic_add_fetch(&g_p.storm_lwps, 1, __ATOMIC_ACQ_REL);
  }
  lp->tid1 = one_in(c, 3) ? ptr_any(c, 4) : 0;
  lp->tid2 = one_in(c, 3) ? ptr_any(c, 4) : 0;
  uint64_t params = (uint64_t)lp;
  if (hostile) {
    switch (below(c, 6)) {
      /* Not a pointer into memory of ours: a stale signal frame or saved
       * sigaction there makes an LWP that starts as a copy of another
       * thread (on its stack), which is what it asks for but ends the run. */
      case 0: params = ptr_bad(c); break;
      case 1: params = EDGE_W + 4096 - 16; break;
      case 2: /* a bad entry or stack kills the process on its first instruction */
        if (one_in(c, 4)) lp->func = one_in(c, 2) ? ptr_bad(c) : (uint64_t)lwp_main + 2;
        break;
      default: break;
    }
  }
  long r = SC1(c, SYS_lwp_create, params);
  ok_if(c, op, r);
  if (r != 0) {
    if (real)
      __atomic_store_n(&s->state, 0, __ATOMIC_RELEASE);
    else if (params == (uint64_t)lp && lp->func == (uint64_t)lwp_storm_entry)
      __atomic_sub_fetch(&g_p.storm_lwps, 1, __ATOMIC_ACQ_REL);
  }
}

static void op_lwp_storm(struct ctx* c, int op) {
  if (c->kind == K_RFMEM) return;
  int n = 1 + (int)below(c, 200);
  struct lwp_words* lp = (struct lwp_words*)&c->scratch[120];
  for (int i = 0; i < n; ++i) {
    lp->func = (uint64_t)lwp_storm_entry;
    lp->arg = (uint64_t)&g_p.storm_lwps;
    lp->stack = 0;
    lp->tid1 = lp->tid2 = 0;
    __atomic_add_fetch(&g_p.storm_lwps, 1, __ATOMIC_ACQ_REL);
    long r = SC1(c, SYS_lwp_create, lp);
    ok_if(c, op, r);
    if (r != 0) {
      __atomic_sub_fetch(&g_p.storm_lwps, 1, __ATOMIC_ACQ_REL);
      break;
    }
  }
}

static void op_fork_storm(struct ctx* c, int op) {
  int n = 1 + (int)below(c, 16);
  for (int i = 0; i < n; ++i) {
    long r = SC0(c, SYS_fork);
    ok_if(c, op, r);
    if (r == 0) {
      if (c->depth >= MAXDEPTH || !one_in(c, 4)) _exit(i & 0xff);
      became_child(c);
      c->budget = (long)below(c, 8);
      return;
    }
    if (r < 0) break;
    forked(c, "fork_storm", r, 1);
  }
  /* Reap some of them, leave the rest to later waits or to init. */
  int reap = (int)below(c, (uint64_t)n + 1);
  for (int i = 0; i < reap && g_p.nkids > 0; ++i) {
    long w = SC4(c, SYS_wait4, -1, 0, one_in(c, 2) ? WNOHANG : 0, 0);
    if (w > 0)
      kid_gone((int)w);
    else
      break;
  }
}

static void op_kill(struct ctx* c, int op) {
  int pid = pid_any(c), sig = sig_any(c), uid = my_uid(c);
  if (uid == 0 && root_spares(pid)) return;
  /* Mostly harmless signals to our family; SIGKILL and friends now and then. */
  if ((pid == g_p.pid || pid == 0 || pid == -g_p.pid) && (sig == 9 || sig == 15) && !one_in(c, 8))
    sig = 10;
  long r;
  if (one_in(c, 4) && pid > 0) {
    /* sigqueue: the sender's own siginfo, a code of any kind. */
    uint64_t* info = &c->scratch[104];
    for (int i = 0; i < 6; ++i) info[i] = r64(c);
    if (one_in(c, 2)) info[1] = (uint64_t)(uint32_t)-1 << 32; /* si_code SI_QUEUE */
    r = SC3(c, SYS_rt_sigqueueinfo, pid, sig, one_in(c, 8) ? ptr_foreign(c, 4) : (uint64_t)info);
  } else {
    r = SC2(c, SYS_kill, pid, sig);
  }
  ok_if(c, op, r);
  if (uid != 0 && (pid == 1 || pid == HARNESS_PID) && sig >= 0 && sig <= NSIG && r != -EPERM &&
      r != -EFAULT)
    oracle_fail(c, "kill(%d, %d) = %ld, want -EPERM", pid, sig, r);
}

static void op_rt_sigaction(struct ctx* c, int op) {
  uint64_t* act = &c->scratch[80];
  static const uint64_t kHandlers[] = {0, 1, (uint64_t)on_signal, (uint64_t)on_signal};
  act[0] = kHandlers[below(c, 4)];
  act[1] = SA_RESTORER | (one_in(c, 3) ? (r64(c) & 0xc0000000ull) : 0);
  act[2] = (uint64_t)signal_restorer;
  act[3] = one_in(c, 2) ? 0 : r64(c);
  int root = my_uid(c) == 0;
  if (!root && one_in(c, 4)) {
    /* A handler or restorer that is not code, or no restorer: the process
     * dies when the signal comes (or the call is refused). */
    switch (below(c, 4)) {
      case 0: act[0] = ptr_foreign(c, 4); break;
      case 1: act[2] = ptr_foreign(c, 4); break;
      case 2: act[1] = r64(c); break;
      default: act[1] &= ~(uint64_t)SA_RESTORER; break;
    }
  }
  uint64_t a = (uint64_t)act;
  if (one_in(c, 8)) a = root ? ptr_bad(c) : ptr_foreign(c, 32);
  if (one_in(c, 4)) a = 0;
  uint64_t size = one_in(c, 10) ? len_any(c) : 8;
  long r = SC4(c, SYS_rt_sigaction, sig_any(c), a, one_in(c, 2) ? 0 : ptr_any(c, 32), size);
  ok_if(c, op, r);
}

static void op_rt_sigprocmask(struct ctx* c, int op) {
  uint64_t* set = &c->scratch[90];
  *set = r64(c);
  long how = one_in(c, 6) ? int_any(c) : (long)below(c, 3);
  uint64_t s = one_in(c, 6) ? ptr_any(c, 8) : (uint64_t)set;
  long r = SC4(c, SYS_rt_sigprocmask, how, s, one_in(c, 2) ? 0 : ptr_any(c, 8),
               one_in(c, 10) ? len_any(c) : 8);
  ok_if(c, op, r);
}

/* rt_sigreturn with no frame, a page of noise, or a forged frame whose pc
 * ends the process (with random pstate bits, which EL0 must not get). */
static void op_rt_sigreturn(struct ctx* c, int op) {
  if (c->kind != K_MAIN || c->depth == 0) return; /* costs the process */
  uint64_t page = ARENA + 4096 * below(c, ARENA_PAGES);
  long m = sc(c, SYS_mmap, (long)page, 8192, PROT_READ | PROT_WRITE,
              MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  if (m != (long)page) return;
  uint64_t* f = (uint64_t*)page;
  int kind = one_in(c, 4) ? (int)below(c, 2) : 2; /* the first two print a line */
  for (int i = 0; i < 1024 && kind > 0; ++i) f[i] = r64(c);
  if (kind == 2) { /* x0-x30, then sp, pc, pstate, mask, magic (kernel/proc/signal.cpp) */
    f[31] = page + 8192;
    f[32] = (uint64_t)sigreturn_landing;
    f[33] = r64(c); /* pstate: only the condition flags may come back */
    f[35] = 0x74696e657369676full;
  }
  sc(c, SYS_getpid, 0, 0, 0, 0, 0, 0); /* logged as the last call before it */
  sigreturn_at(page);
}

/* In any context: an RFMEM child's setuid changes its own credentials and
 * its own record (c->uid), not its parent's. */
static void op_setuid(struct ctx* c, int op) {
  int was = my_uid(c);
  uint64_t uid = one_in(c, 2) ? (uint64_t)(uint32_t)was : uid_any(c);
  long r = SC1(c, SYS_setuid, uid);
  ok_if(c, op, r);
  if (was != 0 && r == 0 && (uint32_t)uid != (uint32_t)was) /* a uid is 32 bits */
    oracle_fail(c, "setuid(%lu) = 0 for uid %d", (unsigned long)uid, was);
  /* Root gave itself up (two LWPs can only both succeed with the same uid). */
  if (r == 0 && (uint32_t)uid != 0) __atomic_store_n(c->uid, (int)(uint32_t)uid, __ATOMIC_RELEASE);
}

static void op_setpgid(struct ctx* c, int op) {
  int pid = one_in(c, 2) ? 0 : pid_any(c);
  int pgid = one_in(c, 3) ? 0 : pid_any(c);
  long r = SC2(c, SYS_setpgid, pid, pgid);
  ok_if(c, op, r);
}

static void op_getpgid_setsid(struct ctx* c, int op) {
  long r = one_in(c, 3) ? SC0(c, SYS_setsid) : SC1(c, SYS_getpgid, pid_any(c));
  ok_if(c, op, r);
}

/* getpriority/setpriority on threads, groups and users, racing their exits.
 * Root renices only its own kind of target (not the harness or init). */
static void op_priority(struct ctx* c, int op) {
  int which = one_in(c, 6) ? (int)int_any(c) : (int)below(c, 3);
  int uid = my_uid(c);
  int who = which == 2 ? (int)uid_any(c) : pid_any(c);
  if (uid == 0 && (which != 0 || root_spares(who))) return;
  long r;
  switch (below(c, 4)) {
    case 0: r = SC2(c, SYS_getpriority, which, who); break;
    case 1: {
      int nice = (int)below(c, 51) - 25;
      r = SC3(c, SYS_setpriority, which, who, nice);
      if (uid != 0 && which == 0 && (who == 1 || who == HARNESS_PID) && r == 0)
        oracle_fail(c, "setpriority(0, %d, %d) = 0 on a root process", who, nice);
      break;
    }
    /* The I/O priorities: `which` 1..3 where setpriority's is 0..2. */
    case 2: r = SC2(c, SYS_ioprio_get, which + 1, who); break;
    default: {
      int ioprio = one_in(c, 4) ? (int)int_any(c) : (int)(below(c, 4) << 13 | below(c, 9));
      r = SC3(c, SYS_ioprio_set, which + 1, who, ioprio);
      if (uid != 0 && which == 0 && (who == 1 || who == HARNESS_PID) && r == 0)
        oracle_fail(c, "ioprio_set(1, %d, %#x) = 0 on a root process", who, ioprio);
      break;
    }
  }
  ok_if(c, op, r);
}

/* Interval timers (SIGALRM ends a worker that has no handler: counted like
 * any signal) and rt_sigtimedwait, racing exits and forks. */
static void op_timers(struct ctx* c, int op) {
  uint64_t* v = &c->scratch[136];
  long r;
  switch (below(c, 3)) {
    case 0:
      v[0] = below(c, 2);                             /* interval seconds */
      v[1] = below(c, 3) * 1000;                      /* interval microseconds */
      v[2] = 0;                                       /* value seconds */
      v[3] = one_in(c, 4) ? r64(c) : below(c, 20000); /* value microseconds */
      r = SC3(c, 103 /* setitimer */, one_in(c, 5) ? (long)int_any(c) : 0,
              one_in(c, 6) ? (long)ptr_any(c, 32) : (long)v, one_in(c, 2) ? 0 : (long)&v[4]);
      break;
    case 1:
      r = SC2(c, 102 /* getitimer */, one_in(c, 5) ? (long)int_any(c) : 0,
              one_in(c, 6) ? (long)ptr_any(c, 32) : (long)v);
      break;
    default: {
      v[0] = one_in(c, 2) ? r64(c) : (1ull << 13); /* the set (SIGALRM); never a null timeout */
      v[2] = 0;
      v[3] = below(c, 2000000);
      r = SC4(c, 137 /* rt_sigtimedwait */, one_in(c, 6) ? (long)ptr_any(c, 8) : (long)v,
              one_in(c, 2) ? 0 : (long)&v[4], (long)&v[2], one_in(c, 8) ? (long)below(c, 16) : 8);
      break;
    }
  }
  ok_if(c, op, r);
}

static void op_prlimit(struct ctx* c, int op) {
  int pid = one_in(c, 2) ? 0 : pid_any(c), uid = my_uid(c);
  if (uid == 0 && root_spares(pid)) return;
  int64_t res = one_in(c, 5) ? int_any(c) : (int64_t)below(c, RLIM_NLIMITS);
  uint64_t* nl = &c->scratch[110];
  static const uint64_t vals[] = {0, 1, 2, 5, 50, 1000, ~0ull, ~0ull - 1, 0x7fffffffffffffffull};
  nl[0] = one_in(c, 4) ? r64(c) : vals[below(c, 9)];
  nl[1] = one_in(c, 3) ? nl[0] : vals[below(c, 9)];
  uint64_t n = one_in(c, 2) ? 0 : one_in(c, 6) ? ptr_any(c, 16) : (uint64_t)nl;
  uint64_t o = one_in(c, 2) ? 0 : ptr_any(c, 16);
  long r = SC4(c, SYS_prlimit64, pid, res, n, o);
  ok_if(c, op, r);
  if (uid != 0 && (pid == 1 || pid == HARNESS_PID) && r == 0)
    oracle_fail(c, "prlimit64(%d, %ld, 0x%lx, 0x%lx) = 0 on a root process", pid, res, n, o);
  /* RLIMIT_NPROC 0 must refuse a non-root fork. */
  if (uid != 0 && r == 0 && res == 6 && n == (uint64_t)nl && nl[0] == 0 &&
      (pid == 0 || pid == g_p.pid) && c->kind == K_MAIN) {
    long f = SC0(c, SYS_fork);
    if (f == 0) _exit(0);
    if (f > 0) {
      oracle_fail(c, "fork = %ld with RLIMIT_NPROC 0, want -EAGAIN", f);
      SC4(c, SYS_wait4, f, 0, 0, 0);
    }
  }
}

static void op_debug(struct ctx* c, int op) {
  long r;
  int uid = my_uid(c);
  switch (below(c, 4)) {
    case 0: {
      uint64_t out = ptr_any(c, 1000); /* sizeof(struct tine_kstat) is below 1000 */
      uint64_t size = one_in(c, 2) ? 1000 : len_any(c);
      r = SC3(c, 2000 /* tine_kstat */, out, size, one_in(c, 4) ? 1 : r64(c) & 2);
      break;
    }
    case 1: {
      long vop = (long)below(c, 5);
      r = SC2(c, 2001 /* tine_vmctl */, vop, one_in(c, 2) ? (long)below(c, 2) : int_any(c));
      break;
    }
    default: {
      long pop = (long)below(c, 7);
      /* The invariant checker sees forks half done as broken counts (and
       * prints them): it is only meaningful between rounds. */
      if (pop == TINE_PROC_CHECK) pop = TINE_PROC_FAIL_PENDING;
      /* TINE_PROC_FAIL_NTH with 0 clears fault injection: what matters is who may. */
      r = SC2(c, SYS_tine_proc, pop,
              pop == TINE_PROC_STATS ? (long)ptr_any(c, sizeof(struct tine_proc_stats)) : 0);
      if (uid != 0 && (pop == TINE_PROC_PS || pop == TINE_PROC_FAIL_NTH) && r == 0)
        oracle_fail(c, "tine_proc(%ld) = 0 for a non-root process", pop);
      break;
    }
  }
  ok_if(c, op, r);
}

/* The system-wide calls: the names (sethostname, setdomainname), the kernel
 * log (syslog, whose READ sleeps until new lines or the round's SIGKILL),
 * reboot, chroot and the realtime clock's setters (only from a process known
 * to be of another uid: they must be refused), and the thread's own personality
 * and unshare. Only root may name the system or read the log. */
static void op_system(struct ctx* c, int op) {
  int uid = my_uid(c);
  long r;
  switch (below(c, 5)) {
    case 0: {
      long nr = one_in(c, 2) ? 161 /* sethostname */ : 162 /* setdomainname */;
      long len = one_in(c, 4) ? (long)int_any(c) : (long)below(c, 70);
      r = SC2(c, nr, ptr_any(c, 80), len);
      if (uid != 0 && r != -EPERM)
        oracle_fail(c, "set*name(len %ld) = %ld for uid %d", len, r, uid);
      break;
    }
    case 1: {
      long type = one_in(c, 5) ? (long)int_any(c) : (long)below(c, 12);
      uint64_t len = one_in(c, 4) ? len_any(c) : below(c, 512);
      uint64_t buf = one_in(c, 8) ? 0 : ptr_any(c, len < 512 ? len : 512);
      if ((int)len > 0) len = room_at(c, buf, len); /* root reads the log: it outgrows any buffer */
      r = SC3(c, 116 /* syslog */, type, buf, len);
      if (uid != 0 && r != -EPERM) oracle_fail(c, "syslog(%ld) = %ld for uid %d", type, r, uid);
      break;
    }
    case 2: {
      if (uid == 0) return; /* root's reboot would end the run, its clock set confuse it */
      if (one_in(c, 4)) {
        r = SC1(c, 51 /* chroot */, one_in(c, 2) ? (long)"/" : (long)ptr_any(c, 8));
        if (r == 0) oracle_fail(c, "chroot = 0 for uid %d", uid);
        break;
      }
      if (one_in(c, 2)) {
        uint64_t* t = &c->scratch[150];
        t[0] = below(c, 1ull << 33); /* seconds, within Linux's limit */
        t[1] = below(c, 1000000);    /* valid as nanoseconds and as microseconds */
        long nr = one_in(c, 2) ? 112 /* clock_settime */ : 170 /* settimeofday */;
        r = nr == 112 ? SC2(c, nr, 0 /* CLOCK_REALTIME */, t) : SC2(c, nr, t, 0);
        if (r == 0)
          oracle_fail(c, "%s = 0 for uid %d", nr == 112 ? "clock_settime" : "settimeofday", uid);
        break;
      }
      long cmd = one_in(c, 2) ? 0x4321fedc /* power off */ : (long)int_any(c);
      r = SC4(c, 142 /* reboot */, one_in(c, 2) ? 0xfee1dead : (long)int_any(c), 672274793, cmd,
              ptr_any(c, 16));
      if (r != -EPERM) oracle_fail(c, "reboot(%#lx) = %ld for uid %d", cmd, r, uid);
      break;
    }
    case 3: r = SC1(c, 92 /* personality */, one_in(c, 2) ? 0xffffffffl : (long)int_any(c)); break;
    default: {
      long flags = one_in(c, 2) ? (long)(below(c, 16) << 8 | below(c, 2) << 17) : (long)int_any(c);
      r = SC1(c, 97 /* unshare */, flags);
      if (r != 0 && r != -EINVAL && r != -EPERM && r != -ENOMEM)
        oracle_fail(c, "unshare(%#lx) = %ld", flags, r);
      break;
    }
  }
  ok_if(c, op, r);
}

/* /proc's per-thread files and comm, of any process: read, listed or
 * written (a write names a thread; to another process's comm it must fail). */
static void op_proc_files(struct ctx* c, int op) {
  static const char* const kFiles[] = {"stat", "status", "comm"};
  int pid = one_in(c, 2) ? c->pid : (int)below(c, 150) + 1;
  int tid = one_in(c, 2) ? pid : (int)below(c, 300) + 1;
  const char* file = kFiles[below(c, 3)];
  char path[64];
  int dir = 0;
  switch (below(c, 3)) {
    case 0: snprintf(path, sizeof path, "/proc/%d/task/%d/%s", pid, tid, file); break;
    case 1: snprintf(path, sizeof path, "/proc/%d/%s", pid, file); break;
    default:
      snprintf(path, sizeof path, "/proc/%d/task", pid);
      dir = 1;
      break;
  }
  int writing = !dir && one_in(c, 2);
  long flags = dir ? O_RDONLY | O_DIRECTORY : writing ? O_WRONLY : O_RDONLY;
  long fd = SC4(c, SYS_openat, AT_FDCWD, path, flags, 0);
  if (fd < 0) {
    ok_if(c, op, fd);
    return;
  }
  long r;
  if (dir) {
    r = SC3(c, SYS_getdents64, fd, ptr_any(c, 512), below(c, 512));
  } else if (writing) {
    r = SC3(c, SYS_write, fd, ptr_any(c, 32), below(c, 40));
    if (r > 0 && pid != c->pid && file[0] == 'c')
      oracle_fail(c, "a write to %s = %ld from pid %d", path, r, c->pid);
  } else {
    uint64_t buf = ptr_any(c, 256); /* a count past the scratch is cut: a status is 300 bytes */
    r = SC3(c, SYS_read, fd, buf, room_at(c, buf, below(c, 300)));
  }
  SC1(c, SYS_close, fd);
  ok_if(c, op, r);
}

/* Unix-domain sockets: pairs and named sockets of every type, bound to a
 * few abstract names and paths every worker shares, so workers of different
 * uids listen, connect, accept and send datagrams to one another; data calls
 * with random flags, buffers and message headers; options, shutdown, poll
 * of them; and descriptors kept across calls, closed at any point. Every
 * socket is non-blocking, or bounded by a receive timeout, so no worker
 * waits for good. */
#define NSOCKS 6 /* g_socks' slots (0: none) */

static uint64_t sock_name(struct ctx* c, char* a) {
  memset(a, 0, 110);
  a[0] = 1; /* AF_UNIX */
  switch (below(c, 4)) {
    case 0: /* a path that is there and no socket, or under no directory (so no round
             * leaves a node behind) */
      return 2 + (uint64_t)snprintf(a + 2, 100, "%s", one_in(c, 2) ? "/bin/init" : "/none/s") + 1;
    case 1: /* the family alone: autobind */ return 2;
    case 2: { /* odd: bad family, short, long, no NUL; a path under no directory, or abstract */
      a[0] = (char)below(c, 3);
      for (int i = 2; i < 110; ++i) a[i] = 'x';
      if (!one_in(c, 2)) {
        a[2] = 0;
        return below(c, 130);
      }
      memcpy(a + 2, "/none/", 6); /* never cut before the directory that is not there */
      return 2 + 6 + 1 + below(c, 121);
    }
    default: /* abstract */ return 2 + (uint64_t)snprintf(a + 3, 100, "fz%d", (int)below(c, 4)) + 1;
  }
}

static int sock_kept(struct ctx* c) {
  int fd = g_socks[below(c, NSOCKS)];
  return fd > 0 ? fd : (int)below(c, 12);
}

/* Keeps fd in a slot (closing what was there), or closes it: only a
 * process's main context keeps sockets, so no other context of the process
 * closes a number that may since name something of its own. */
static void sock_keep(struct ctx* c, long fd) {
  if (fd <= 0) return;
  if (c->kind != K_MAIN) {
    SC1(c, SYS_close, fd);
    return;
  }
  int* slot = &g_socks[below(c, NSOCKS)];
  if (*slot > 0) SC1(c, SYS_close, *slot);
  *slot = (int)fd;
}

static void op_sockets(struct ctx* c, int op) {
  static const int kTypes[] = {1, 2, 5, 3, 4, 0, 10, 1 | 04000, 2 | 02000000};
  long type = kTypes[below(c, sizeof kTypes / sizeof kTypes[0])] | 04000; /* SOCK_NONBLOCK */
  char a[128];
  long r;
  switch (below(c, 12)) {
    case 0: { /* a pair, some traffic, closed or kept */
      int sv[2] = {-1, -1};
      int good = !one_in(c, 8);
      r = SC4(c, SYS_socketpair, 1, type, 0, good ? (uint64_t)sv : ptr_any(c, 8));
      /* A type of the three, and somewhere to put the pair: nothing but the limits refuses it. */
      int t = (int)(type & 0xf);
      if (good && (t == 1 || t == 2 || t == 3 || t == 5) && !(type & ~0xf & ~04000 & ~02000000) &&
          r != 0 && r != -EMFILE && r != -ENFILE && r != -ENOMEM)
        oracle_fail(c, "socketpair(AF_UNIX, %#lx) = %ld", type, r);
      if (r == 0 && sv[0] > 0) {
        for (int i = (int)below(c, 6); i > 0; --i) {
          uint64_t buf = ptr_any(c, 64);
          if (one_in(c, 2))
            sc(c, SYS_sendto, sv[below(c, 2)], (long)buf, (long)below(c, 70000),
               (long)(r64(c) & 0x41e7), 0, 0);
          else
            sc(c, SYS_recvfrom, sv[below(c, 2)], (long)buf, (long)room_at(c, buf, below(c, 70000)),
               (long)(r64(c) & 0x41e7), 0, 0);
        }
        if (one_in(c, 3)) SC2(c, SYS_shutdown, sv[below(c, 2)], below(c, 4));
        if (one_in(c, 2)) {
          sock_keep(c, sv[0]);
          sv[0] = -1;
        }
        if (sv[0] > 0) SC1(c, SYS_close, sv[0]);
        SC1(c, SYS_close, sv[1]);
      }
      break;
    }
    case 1: { /* bind and listen, kept */
      r = SC3(c, SYS_socket, 1, type, 0);
      if (r > 0) {
        uint64_t n = sock_name(c, a);
        SC3(c, SYS_bind, r, one_in(c, 8) ? ptr_any(c, n) : (uint64_t)a, n);
        SC2(c, SYS_listen, r, int_any(c));
        sock_keep(c, r);
      }
      break;
    }
    case 2: { /* connect, send, kept */
      r = SC3(c, SYS_socket, 1, type, 0);
      if (r > 0) {
        uint64_t n = sock_name(c, a);
        SC3(c, SYS_connect, r, one_in(c, 8) ? ptr_any(c, n) : (uint64_t)a, n);
        SC4(c, SYS_sendto, r, ptr_any(c, 32), below(c, 100), below(c, 2) ? 0x4000 : 0);
        sock_keep(c, r);
      }
      break;
    }
    case 3: { /* a datagram to a name */
      int fd = sock_kept(c);
      uint64_t n = sock_name(c, a);
      r = sc(c, SYS_sendto, fd, (long)ptr_any(c, 64), (long)below(c, 5000), 0x40,
             one_in(c, 8) ? (long)ptr_any(c, n) : (long)a, (long)n);
      break;
    }
    case 4: { /* accept */
      uint32_t len = (uint32_t)below(c, 130);
      r = SC4(c, SYS_accept4, sock_kept(c), one_in(c, 2) ? ptr_any(c, 112) : 0,
              one_in(c, 4) ? ptr_any(c, 4) : (uint64_t)&len, one_in(c, 4) ? r64(c) : 04000);
      if (r > 0) {
        SC3(c, SYS_fcntl, r, 4 /* F_SETFL */, 04000); /* kept ones never block */
        if (one_in(c, 2))
          sock_keep(c, r);
        else
          SC1(c, SYS_close, r);
      }
      break;
    }
    case 5: { /* sendmsg or recvmsg with a header made of noise and good parts */
      uint64_t* m = (uint64_t*)(c->scratch + 64);
      uint64_t* iov = (uint64_t*)(c->scratch + 128);
      iov[0] = ptr_any(c, 16);
      iov[1] = room_at(c, iov[0], below(c, 300));
      iov[2] = ptr_bad(c); /* never ours: any length */
      iov[3] = len_any(c);
      m[0] = one_in(c, 2) ? 0 : (uint64_t)a; /* name */
      m[1] = sock_name(c, a);
      /* Pointers to pieces or headers are never into our memory: garbage
       * read there as a piece could name the scratch with any length. */
      m[2] = one_in(c, 4) ? ptr_foreign(c, 32) : (uint64_t)iov;
      m[3] = one_in(c, 4) ? len_any(c) : below(c, 3);
      m[4] = one_in(c, 2) ? 0 : ptr_any(c, 16); /* control */
      m[5] = one_in(c, 2) ? 0 : len_any(c);
      m[6] = r64(c);
      if (one_in(c, 3)) { /* two of them as an mmsghdr vector (64 bytes each) */
        for (int i = 0; i < 8; i++) m[8 + i] = m[i];
        /* The first message must not land on the second's header or pieces. */
        uint64_t low = (uint64_t)c->scratch, high = (uint64_t)(c->scratch + 64);
        if (iov[0] >= low && iov[0] < (uint64_t)(c->scratch + 160)) {
          iov[0] = low + below(c, 64) * 8;
          if (iov[1] > high - iov[0]) iov[1] = high - iov[0];
        }
        if (one_in(c, 2)) m[10] = ptr_foreign(c, 32);
        uint64_t* t = (uint64_t*)(c->scratch + 140);
        t[0] = below(c, 2);
        t[1] = one_in(c, 4) ? r64(c) : below(c, 2000000);
        /* Entries are written back (msg_len, a received header's fields):
         * at most the two that fit, or any number where nothing is ours. */
        uint64_t vec = one_in(c, 6) ? ptr_foreign(c, 128) : (uint64_t)m;
        long vlen = (long)below(c, 3);
        if (one_in(c, 8)) {
          vec = ptr_foreign(c, 64);
          vlen = int_any(c);
        }
        long flags = (long)(r64(c) & 0xc0014162);
        r = one_in(c, 2) ? sc(c, SYS_sendmmsg, sock_kept(c), (long)vec, vlen, flags, 0, 0)
                         : sc(c, SYS_recvmmsg, sock_kept(c), (long)vec, vlen, flags,
                              one_in(c, 2)   ? 0
                              : one_in(c, 4) ? (long)ptr_any(c, 16)
                                             : (long)t,
                              0);
        break;
      }
      r = SC3(c, one_in(c, 2) ? SYS_sendmsg : SYS_recvmsg, sock_kept(c),
              one_in(c, 6) ? ptr_foreign(c, 56) : (uint64_t)m, r64(c) & 0xc0004162);
      break;
    }
    case 6: { /* options */
      uint32_t len = (uint32_t)below(c, 24);
      if (one_in(c, 2))
        r = sc(c, SYS_getsockopt, sock_kept(c), one_in(c, 6) ? int_any(c) : 1, (long)below(c, 70),
               (long)ptr_any(c, 16), one_in(c, 4) ? (long)ptr_any(c, 4) : (long)&len, 0);
      else
        r = sc(c, SYS_setsockopt, sock_kept(c), one_in(c, 6) ? int_any(c) : 1, (long)below(c, 70),
               (long)ptr_any(c, 16), one_in(c, 4) ? int_any(c) : (long)below(c, 24), 0);
      break;
    }
    case 7: { /* names */
      uint32_t len = (uint32_t)below(c, 130);
      r = SC3(c, one_in(c, 2) ? SYS_getsockname : SYS_getpeername, sock_kept(c), ptr_any(c, 112),
              one_in(c, 4) ? ptr_any(c, 4) : (uint64_t)&len);
      break;
    }
    case 8: /* read, write, ioctl, fstat, poll-free checks */
      switch (below(c, 4)) {
        case 0: {
          uint64_t buf = ptr_any(c, 64);
          r = SC3(c, SYS_read, sock_kept(c), buf, room_at(c, buf, below(c, 5000)));
          break;
        }
        case 1: r = SC3(c, SYS_write, sock_kept(c), ptr_any(c, 64), below(c, 70000)); break;
        case 2:
          r = SC3(c, SYS_ioctl, sock_kept(c), one_in(c, 2) ? 0x541b : 0x5411, ptr_any(c, 4));
          break;
        default: r = SC2(c, SYS_fstat, sock_kept(c), ptr_any(c, 128)); break;
      }
      break;
    case 9: { /* a blocking receive and send on a kept socket, bounded by timeouts of 1-20 ms */
      int fd = c->kind == K_MAIN ? g_socks[below(c, NSOCKS)] : 0;
      int64_t tv[2] = {0, 1000 + (int64_t)below(c, 19000)};
      r = -1;
      if (fd > 0 && sc(c, SYS_setsockopt, fd, 1, 20, (long)tv, 16, 0) == 0 &&
          sc(c, SYS_setsockopt, fd, 1, 21, (long)tv, 16, 0) == 0) {
        SC3(c, SYS_fcntl, fd, 4 /* F_SETFL */, 0);
        uint64_t buf = ptr_any(c, 64);
        r = one_in(c, 2) ? SC4(c, SYS_recvfrom, fd, buf, room_at(c, buf, below(c, 100)), 0)
                         : SC4(c, SYS_sendto, fd, ptr_any(c, 64), below(c, 100000), 0x4000);
        SC3(c, SYS_fcntl, fd, 4, 04000);
      }
      break;
    }
    case 10: /* shutdown, or close a kept one */
      if (one_in(c, 2)) {
        r = SC2(c, SYS_shutdown, sock_kept(c), int_any(c));
      } else if (c->kind == K_MAIN) {
        int* slot = &g_socks[below(c, NSOCKS)];
        r = *slot > 0 ? SC1(c, SYS_close, *slot) : 0;
        *slot = 0;
      } else {
        r = 0;
      }
      break;
    default: /* socket with any family, type and protocol */
      r = SC3(c, SYS_socket, one_in(c, 2) ? 1 : int_any(c), one_in(c, 2) ? type : int_any(c),
              one_in(c, 2) ? 0 : int_any(c));
      if (r > 0) sock_keep(c, r);
      break;
  }
  ok_if(c, op, r);
}

/* flock on what every worker can open ("/", "/tmp", a /proc file,
 * /dev/null, the console's descriptors 0-2, the kept sockets), so workers
 * of different uids hold and meet each other's locks; never waiting
 * (LOCK_NB is always added): a lock another worker keeps could hold a
 * waiter for the whole round. On a File of its own, LOCK_UN is always 0 and
 * a lock 0 or -EWOULDBLOCK. */
static void op_flock(struct ctx* c, int op) {
  static const char* const kPaths[] = {"/", "/tmp", "/proc/self/stat", "/dev/null"};
  long fd;
  int opened = 0, own = 0;
  switch (below(c, 3)) {
    case 0: fd = (long)below(c, 3); break;
    case 1: fd = sock_kept(c); break;
    default: {
      int path = one_in(c, 5);
      fd = SC4(c, SYS_openat, AT_FDCWD, kPaths[below(c, 4)], path ? O_PATH : O_RDONLY, 0);
      opened = fd >= 0;
      own = opened && !path;
      break;
    }
  }
  long how = (one_in(c, 6) ? int_any(c) : (long)(1L << below(c, 4))) | 4 /* LOCK_NB */;
  long r = SC2(c, SYS_flock, fd, how);
  if (own && (how & ~4L) == 8 && r != 0) oracle_fail(c, "flock(LOCK_UN) = %ld", r);
  if (own && ((how & ~4L) == 1 || (how & ~4L) == 2) && r != 0 && r != -EAGAIN)
    oracle_fail(c, "flock(%#lx) = %ld on a File of its own", how, r);
  if (opened) SC1(c, SYS_close, fd);
  ok_if(c, op, r);
}

/* Every number in the kernel's table (kernel/syscall/syscall.h's SyscallNr,
 * generated into known_syscalls.h): those are not "unknown". */
static int known_nr(long nr) {
  for (unsigned i = 0; i < sizeof kKnownSyscalls / sizeof kKnownSyscalls[0]; ++i)
    if (kKnownSyscalls[i] == nr) return 1;
  return 0;
}

static void op_unknown(struct ctx* c, int op) {
  long nr;
  switch (below(c, 4)) {
    case 0: nr = (long)below(c, 300); break;
    case 1: nr = 1000 + (long)below(c, 1100); break;
    case 2: nr = (long)r64(c); break;
    default: nr = int_any(c); break;
  }
  if (known_nr(nr)) return;
  long r = sc(c, nr, (long)r64(c), (long)ptr_any(c, 64), int_any(c), (long)len_any(c), (long)r64(c),
              (long)r64(c));
  ok_if(c, op, r);
  if (r != -ENOSYS) oracle_fail(c, "unknown call %ld = %ld, want -ENOSYS", nr, r);
}

static const struct op kOps[] = {
    {"read", 2, op_read},
    {"write", 3, op_write},
    {"exit", 1, op_exit},
    {"exit_group", 1, op_exit_group},
    {"nanosleep", 4, op_nanosleep},
    {"clock_gettime", 4, op_clock_gettime},
    {"ids", 6, op_ids},
    {"brk", 4, op_brk},
    {"mmap", 8, op_mmap},
    {"munmap", 6, op_munmap},
    {"mprotect", 6, op_mprotect},
    {"text_cow", 2, op_text_cow},
    {"execve", 3, op_execve},
    {"fork", 5, op_fork},
    {"vfork", 3, op_vfork},
    {"rfork", 6, op_rfork},
    {"wait4", 8, op_wait4},
    {"waitid", 4, op_waitid},
    {"lwp_create", 6, op_lwp_create},
    {"lwp_storm", 2, op_lwp_storm},
    {"fork_storm", 2, op_fork_storm},
    {"kill", 8, op_kill},
    {"rt_sigaction", 5, op_rt_sigaction},
    {"rt_sigprocmask", 4, op_rt_sigprocmask},
    {"rt_sigreturn", 1, op_rt_sigreturn},
    {"setuid", 3, op_setuid},
    {"setpgid", 3, op_setpgid},
    {"getpgid_setsid", 3, op_getpgid_setsid},
    {"prlimit64", 6, op_prlimit},
    {"priority", 3, op_priority},
    {"timers", 3, op_timers},
    {"debug", 3, op_debug},
    {"system", 2, op_system},
    {"proc_files", 2, op_proc_files},
    {"flock", 2, op_flock},
    {"sockets", 3, op_sockets},
    {"unknown", 3, op_unknown},
};
#define NOPS ((int)(sizeof kOps / sizeof kOps[0]))
_Static_assert(sizeof kOps / sizeof kOps[0] <= NOPS_MAX, "op counters");
static int g_total_weight;

static void run_calls(struct ctx* c) {
  c->scratch_guard = SCRATCH_GUARD;
  while (!g_sh->stop && c->budget != 0) {
    if (c->budget > 0) c->budget--;
    int w = (int)below(c, (uint64_t)g_total_weight);
    int i = 0;
    for (; i < NOPS; ++i) {
      if (!g_op_enabled[i]) continue;
      if (w < kOps[i].weight) break;
      w -= kOps[i].weight;
    }
    if (i == NOPS) continue;
    __atomic_add_fetch(&g_sh->slot[c->slot].op_calls[i], 1, __ATOMIC_RELAXED);
    kOps[i].fn(c, i);
    if (c->scratch_guard != SCRATCH_GUARD)
      oracle_fail(c, "%s wrote past the buffer it was given", kOps[i].name);
  }
}

static _Noreturn void end_context(struct ctx* c, int code) {
  if (c->kind == K_LWP) lwp_finish(&g_lwps[c->lwp_slot].state);
  if (c->kind == K_RFMEM) {
    /* Its slot is the parent's: free it, then exit without the stack. */
    for (int i = 0; i < NRFMEMSLOT; ++i)
      if ((char*)c > g_rfmem_stacks[i] && (char*)c < g_rfmem_stacks[i] + LWP_STACK)
        rfmem_finish(&g_rfmems[i].state, code);
  }
  _exit(code);
}

/* ---- a worker ---- */

static _Noreturn void worker(int slot, uint64_t seed, int root, int uid) {
  struct ctx c;
  memset(&c, 0, sizeof c);
  c.rng = splitmix(seed) | 1;
  c.slot = slot;
  c.kind = K_MAIN;
  c.budget = -1;
  syscall0(SYS_setsid); /* out of the harness's group: kill(0) cannot reach it */
  map_worker_memory();
  proc_state_reset();
  context_pid(&c, g_p.pid, "at the worker's start");
  g_p.uid = root ? 0 : uid;
  c.uid = &g_p.uid;
  if (!root) {
    long r = syscall1(SYS_setuid, uid);
    if (r != 0 || syscall0(SYS_getuid) != uid) {
      oracle_fail(&c, "setuid(%d) at the start = %ld", uid, r);
      _exit(1);
    }
  }
  /* Most signals are caught, so that kill and exit signals do not end the
   * worker at once (rt_sigaction puts some back to SIG_DFL later). */
  for (int sig = 1; sig <= NSIG; ++sig)
    if (sig != 9 && sig != 19 && !one_in(&c, 8)) signal_action(sig, on_signal, 0, 0, 0);
  /* Known to the others only now (kill and prlimit pick pids from here). */
  g_sh->slot[slot].pid = g_p.pid;
  while (!g_sh->go && !g_sh->stop) sleep_ns(1000000);
  run_calls(&c);
  end_context(&c, 0);
}

/* ---- the harness ---- */

static const char* call_name(int64_t nr) {
  switch (nr) {
    case 63: return "read";
    case 64: return "write";
    case 93: return "exit";
    case 94: return "exit_group";
    case 101: return "nanosleep";
    case 113: return "clock_gettime";
    case 124: return "sched_yield";
    case 129: return "kill";
    case 134: return "rt_sigaction";
    case 135: return "rt_sigprocmask";
    case 139: return "rt_sigreturn";
    case 146: return "setuid";
    case 154: return "setpgid";
    case 155: return "getpgid";
    case 157: return "setsid";
    case 172: return "getpid";
    case 173: return "getppid";
    case 174: return "getuid";
    case 178: return "gettid";
    case 214: return "brk";
    case 215: return "munmap";
    case 220: return "clone";
    case 221: return "execve";
    case 222: return "mmap";
    case 226: return "mprotect";
    case 95: return "waitid";
    case 260: return "wait4";
    case 261: return "prlimit64";
    case 140: return "setpriority";
    case 141: return "getpriority";
    case 102: return "getitimer";
    case 103: return "setitimer";
    case 137: return "rt_sigtimedwait";
    case 1002: return "fork";
    case 1066: return "vfork";
    case 1251: return "rfork";
    case 1495: return "lwp_create";
    case 1496: return "lwp_gettid";
    case 2000: return "tine_kstat";
    case 2001: return "tine_vmctl";
    case 2002: return "tine_proc";
    default: return "unknown";
  }
}

static void print_recent_calls(int slot) {
  struct slot_log* L = &g_sh->slot[slot];
  uint64_t end = L->next, start = end > RING ? end - RING : 0;
  printf("fuzz: worker %d (pid %d, uid %d%s, seed %lu, generation %d): last calls, oldest first:\n",
         slot, L->pid, L->uid, L->root ? ", root" : "", (unsigned long)L->seed, L->generation);
  for (uint64_t i = start; i < end; ++i) {
    struct call_rec* r = &L->rec[i % RING];
    char ret[24];
    if (r->ret == RET_PENDING)
      snprintf(ret, sizeof ret, "(no return)");
    else
      snprintf(ret, sizeof ret, "%ld", (long)r->ret);
    printf("fuzz:   pid %d lwp %d: %s(%ld) (0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx) = %s\n",
           r->pid, r->tid, call_name(r->nr), (long)r->nr, (unsigned long)r->a[0],
           (unsigned long)r->a[1], (unsigned long)r->a[2], (unsigned long)r->a[3],
           (unsigned long)r->a[4], (unsigned long)r->a[5], ret);
  }
}

/* The calls that did not return in processes still there. */
static void print_survivors(void) {
  printf("fuzz: the last calls of the threads still there:\n");
  for (int i = 0; i < LAST_CALLS; ++i) {
    struct call_rec* r = &g_sh->last[i];
    if (r->pid <= HARNESS_PID || r->ret != RET_PENDING || syscall2(SYS_kill, r->pid, 0) == -ESRCH)
      continue;
    printf("fuzz:   pid %d lwp %d: %s(%ld) (0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx, 0x%lx)\n", r->pid,
           r->tid, call_name(r->nr), (long)r->nr, (unsigned long)r->a[0], (unsigned long)r->a[1],
           (unsigned long)r->a[2], (unsigned long)r->a[3], (unsigned long)r->a[4],
           (unsigned long)r->a[5]);
  }
}

static uint64_t total_calls(void) {
  uint64_t n = 0;
  for (int i = 0; i < NWORKERS; ++i) n += g_sh->slot[i].calls;
  return n;
}

static uint64_t g_seed = 1, g_secs = 60, g_round_secs = 5, g_first_round = 1;
static int g_quiet;
static uint64_t g_calls_before; /* from the rounds before this one */

static void sleep_ms(int ms) { sleep_ns((uint64_t)ms * 1000000u); }

static _Noreturn void fail(int round, uint64_t rseed, const char* why, int slot) {
  uint64_t calls = g_calls_before + total_calls();
  if (slot >= 0 && slot < NWORKERS)
    print_recent_calls(slot);
  else
    for (int i = 0; i < NWORKERS; ++i) print_recent_calls(i);
  printf(
      "fuzz: %lu calls, seed %lu, FAILED in round %d (round seed %lu; rerun with seed=%lu "
      "round=%d): %s\n",
      (unsigned long)calls, (unsigned long)g_seed, round, (unsigned long)rseed,
      (unsigned long)g_seed, round, why);
  exit(1);
}

static uint64_t round_seed(uint64_t r) { return splitmix(g_seed * 0x100000001b3ull + r); }

/* Starts worker `slot` (its generation-th incarnation this round). */
static int start_worker(uint64_t rseed, int slot, int generation, int root) {
  struct ctx c = {.rng = splitmix(rseed ^ (uint64_t)(slot + 1) << 32 ^ (uint64_t)generation) | 1};
  uint64_t wseed = r64(&c);
  int uid = (int)(1000 + below(&c, 4));
  if (one_in(&c, 4)) uid = (int)(1 + below(&c, 0x7ffffffe));
  struct slot_log* L = &g_sh->slot[slot];
  int pid = fork();
  if (pid == 0) worker(slot, wseed, root, uid);
  if (pid > 0) {
    L->uid = root ? 0 : uid;
    L->root = root;
    L->seed = wseed;
    L->generation = generation;
  }
  return pid;
}

static uint64_t g_worker_exits, g_worker_kills, g_worker_sigs[NSIG + 1];

/* A worker (or what it execed) ended with status st. */
static void note_dead(int pid, int st) {
  g_sh->dead_pids[g_sh->dead_next++ % 8] = pid;
  if (WIFSIGNALED(st)) {
    ++g_worker_kills;
    if (WTERMSIG(st) <= NSIG) ++g_worker_sigs[WTERMSIG(st)];
  } else {
    ++g_worker_exits;
  }
}

/* Ends every process but init and us, and waits until they are all reaped. */
static int kill_everything(uint64_t base_nprocs, uint64_t give_up_ns) {
  uint64_t give_up = now_ns() + give_up_ns;
  /* __WALL: clone children whose exit signal is not SIGCHLD too (a worker's
   * clone with CLONE_PARENT makes them the harness's). */
  for (;;) {
    syscall2(SYS_kill, -1, 9);
    int st, w;
    while ((w = waitpid(-1, &st, WNOHANG | __WALL)) > 0) note_dead(w, st);
    if (ut_proc_stats().nprocs == base_nprocs) return 1;
    if (now_ns() > give_up) return 0;
    sleep_ms(10);
  }
}

/* Touches the stack below the caller, where the harness's deeper calls will
 * run, so that its pages are in the baseline. */
static void __attribute__((noinline)) warm_stack(void) {
  volatile char warm[65536];
  for (size_t i = 0; i < sizeof warm; i += 512) warm[i] = 0;
}

static int run(void) {
  g_sh = mmap(0, (sizeof(struct shared) + 4095) & ~4095ul, PROT_READ | PROT_WRITE,
              MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (MAP_FAILED_P(g_sh)) {
    printf("fuzz: no shared memory\n");
    return 1;
  }
  memset(g_sh, 0, sizeof *g_sh);
  /* Settle the harness itself first: one fork and exit, so that what a fork
   * does to our own pages and tables is in the baseline. */
  int w0 = fork();
  if (w0 == 0) _exit(0);
  waitpid(w0, 0, 0);
  warm_stack();

  uint64_t base_nprocs = ut_proc_stats().nprocs;
  long fork_mode = tine_vmctl(VMCTL_GET_FORK_MODE, 0);
  struct tine_proc_stats live0;
  static struct tine_kstat k0, k1; /* k1: the later readings */
  /* Twice: the first reading faults in the pages it is written to. */
  for (int i = 0; i < 2; ++i) {
    tine_kstat(&k1, TINE_KSTAT_SETTLE);
    live0 = ut_proc_stats();
    tine_kstat(&k0, TINE_KSTAT_SETTLE);
  }

  uint64_t rounds = (g_secs + g_round_secs - 1) / g_round_secs;
  if (rounds == 0) rounds = 1;
  uint64_t t0 = now_ns();
  uint64_t started_total = 0;
  for (uint64_t r = g_first_round; r < g_first_round + rounds; ++r) {
    uint64_t rseed = round_seed(r);
    uint64_t len = g_round_secs;
    if (r == g_first_round + rounds - 1 && g_secs % g_round_secs) len = g_secs % g_round_secs;
    g_sh->go = g_sh->stop = 0;
    uint64_t calls0 = total_calls();
    struct ctx rc = {.rng = splitmix(rseed) | 1};
    int nroot = (int)below(&rc, 3); /* 0 to 2 of the workers stay root */
    int pids[NWORKERS], gens[NWORKERS], started = 0;
    for (int i = 0; i < NWORKERS; ++i) {
      gens[i] = 0;
      pids[i] = start_worker(rseed, i, 0, i < nroot);
      if (pids[i] > 0) ++started;
    }
    g_sh->go = 1;
    uint64_t end = now_ns() + len * 1000000000ull;
    while (now_ns() < end && !g_sh->oracle.count) {
      /* A worker that ended (it exited, execed, or was killed) is replaced. */
      int st, w;
      while ((w = waitpid(-1, &st, WNOHANG | __WALL)) > 0) {
        note_dead(w, st);
        for (int i = 0; i < NWORKERS; ++i)
          if (pids[i] == w) pids[i] = 0;
      }
      for (int i = 0; i < NWORKERS; ++i)
        if (pids[i] <= 0) {
          pids[i] = start_worker(rseed, i, ++gens[i], i < nroot);
          if (pids[i] > 0) ++started;
        }
      sleep_ms(5);
    }
    g_sh->stop = 1;
    sleep_ms(20);
    char why[300];
    if (!kill_everything(base_nprocs, 30000000000ull)) {
      tine_proc(TINE_PROC_PS, 0);
      print_survivors();
      snprintf(why, sizeof why, "%lu processes still there 30 s after SIGKILL",
               (unsigned long)(ut_proc_stats().nprocs - base_nprocs));
      fail((int)r, rseed, why, -1);
    }
    started_total += (uint64_t)started;
    if (g_sh->oracle.count) fail((int)r, rseed, g_sh->oracle.first, g_sh->oracle_slot);
    tine_vmctl(VMCTL_SET_FORK_MODE, fork_mode);
    if (tine_proc(TINE_PROC_CHECK, 0) != 0) {
      tine_proc(TINE_PROC_CHECK, 1);
      fail((int)r, rseed, "the invariant checker failed (TINE_PROC_CHECK)", -1);
    }
    /* Freed pages and objects can come back late (deferred frees, stacks
     * kept for reuse): look a few times. */
    if (!ut_back_to_baseline(&k0, &live0, &k1, why, sizeof why)) {
      char msg[340];
      snprintf(msg, sizeof msg, "not back at the baseline: %s", why);
      fail((int)r, rseed, msg, -1);
    }
    if (!g_quiet)
      printf("fuzz: round %lu: seed %lu, %lu s, %lu calls, %d workers, %d root, clean\n",
             (unsigned long)r, (unsigned long)rseed, (unsigned long)len,
             (unsigned long)(total_calls() - calls0), started, nroot);
  }
  uint64_t ms = (now_ns() - t0) / 1000000;
  uint64_t calls = total_calls();
  printf(
      "fuzz: %lu rounds, %lu ms, %lu calls/s, %lu workers (%lu exited, %lu killed by a signal)\n",
      (unsigned long)rounds, (unsigned long)ms, (unsigned long)(ms ? calls * 1000 / ms : 0),
      (unsigned long)started_total, (unsigned long)g_worker_exits, (unsigned long)g_worker_kills);
  /* By operation: how often picked, and how many of its calls succeeded. */
  char line[400];
  int n = 0;
  for (int i = 0; i < NOPS; ++i) {
    uint64_t a = 0, b = 0;
    for (int s = 0; s < NWORKERS; ++s) a += g_sh->slot[s].op_calls[i], b += g_sh->slot[s].op_ok[i];
    n += snprintf(line + n, sizeof line - n, " %s %lu/%lu", kOps[i].name, (unsigned long)a,
                  (unsigned long)b);
    if (n > 200 || i == NOPS - 1) {
      printf("fuzz: picked/succeeded:%s\n", line);
      n = 0;
    }
  }
  printf("fuzz: workers killed by signal:");
  for (int sig = 1; sig <= NSIG; ++sig)
    if (g_worker_sigs[sig]) printf(" %d: %lu", sig, (unsigned long)g_worker_sigs[sig]);
  printf("\n");
  printf("fuzz: %lu calls, seed %lu, ok\n", (unsigned long)calls, (unsigned long)g_seed);
  return 0;
}

static int in_list(const char* list, const char* name) {
  size_t n = strlen(name);
  for (const char* p = list; *p;) {
    const char* e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == n && strncmp(p, name, n) == 0) return 1;
    if (!e) break;
    p = e + 1;
  }
  return 0;
}

int main(int argc, char** argv) {
  if (argc == 3 && strcmp(argv[1], "exit") == 0) return (int)atol(argv[2]);
  if (getpid() != HARNESS_PID) return 0; /* only ever init's program */
  text_sums_take();
  const char* only = 0;
  for (int a = 1; a < argc; ++a) {
    if (strncmp(argv[a], "secs=", 5) == 0)
      g_secs = (uint64_t)atol(argv[a] + 5);
    else if (strncmp(argv[a], "seed=", 5) == 0)
      g_seed = (uint64_t)atol(argv[a] + 5);
    else if (strncmp(argv[a], "round=", 6) == 0)
      g_first_round = (uint64_t)atol(argv[a] + 6);
    else if (strncmp(argv[a], "round_secs=", 11) == 0)
      g_round_secs = (uint64_t)atol(argv[a] + 11);
    else if (strncmp(argv[a], "calls=", 6) == 0)
      only = argv[a] + 6;
    else if (strcmp(argv[a], "quiet") == 0)
      g_quiet = 1;
    else {
      printf("fuzz: unknown argument %s\n", argv[a]);
      return 2;
    }
  }
  if (g_round_secs == 0) g_round_secs = 1;
  if (g_first_round == 0) g_first_round = 1;
  for (int i = 0; i < NOPS; ++i) {
    g_op_enabled[i] = !only || in_list(only, kOps[i].name);
    if (g_op_enabled[i]) g_total_weight += kOps[i].weight;
  }
  if (g_total_weight == 0) {
    printf("fuzz: no operation left (calls=%s)\n", only);
    return 2;
  }
  printf("fuzz: seed %lu, %lu s in rounds of %lu s from round %lu, %d workers\n",
         (unsigned long)g_seed, (unsigned long)g_secs, (unsigned long)g_round_secs,
         (unsigned long)g_first_round, NWORKERS);
  return run();
}
