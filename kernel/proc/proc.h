// Processes and LWPs in the BSD shape (docs/process.md).
//
// Every object the fork path counts embeds the verified core's C struct
// (kernel/verified/vc_types.h) as its first member, so the proved fork1
// skeleton and the C++ around it see the same counts. The C++ side allocates,
// initialises and frees; the C side takes and gives back references.
//
// Locks (docs/locking.md has the order):
//   g_proctree_lock  "proc.tree" (rank 250): pid allocation, the all-process
//                    list, parent/children/sibling links, process-group and
//                    session membership, p_stat, the zombie/exit status.
//   Proc::spin       "proc" (rank 260): the LWP tree (TID set), p_nthreads,
//                    p_flag, pending signals, the per-process pointers the
//                    verified core names (p_ucred, p_limit, p_fd, ...) once the
//                    process is visible.
//   Pgrp::pg_lock    lockmgr (sleep lock, taken with no spinlock held): held
//                    shared across fork (RFPGLOCK), exclusive by group signals.
//   atomics          nprocs, ui_proccnt, every reference count.
#pragma once
#include <stddef.h>
#include <stdint.h>
#include <arch/trap_frame.h>
#include <arch/user_entry.h>

#include "kernel/fs/filedesc.h"
#include "kernel/fs/fscred.h"
#include "kernel/proc/jobctl.h"
#include "kernel/proc/pidtab.h"
#include "kernel/sync/lockmgr.h"
#include "kernel/sync/spinlock.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/refcount_magic.h"
#include "kernel/verified/tidset.h"
#include "kernel/verified/vc_types.h"

struct Thread;
struct Vmspace;
struct Proc;

inline constexpr uint32_t kRankAllProc = 250;  // below the sleep queues (ssleep)
inline constexpr uint32_t kRankProc = 260;      // one process (taken under the tree lock)
inline constexpr uint32_t kRankUidinfo = 270;   // the uidinfo table
inline constexpr uint32_t kRankAtFork = 240;    // the at_fork list

inline constexpr int kPidMax = 99999;    // pids cycle through 1..kPidMax
inline constexpr int kMaxprocDefault = 200;
inline constexpr int kMaxlwpsDefault = 1000;  // LWPs beyond each process's first
// The default RLIMIT_NPROC (soft and hard): a user's processes and LWPs
// together, half the process table as Linux gives half its threads, so one
// user cannot take what the others need.
inline constexpr int kNprocLimitDefault = kMaxprocDefault / 2;
inline constexpr int kNsig = 64;
// RLIMIT_NOFILE (Linux's number and defaults): descriptors below the soft
// limit; the hard limit at most kNrOpen (Linux's fs.nr_open is far larger,
// but a table of that many slots would pin memory a user should not have).
inline constexpr int kRlimitNofile = 7;
inline constexpr int kNofileSoftDefault = 1024;
inline constexpr int kNofileHardDefault = 4096;
inline constexpr int kNrOpen = 65536;

// Signals the process layer acts on (Linux numbers).
namespace psig {
inline constexpr int kHup = 1, kInt = 2, kKill = 9, kUsr1 = 10, kUsr2 = 12, kTerm = 15, kChld = 17,
                     kCont = 18, kStop = 19, kWinch = 28;
// Signals whose default action is to do nothing (never posted under SIG_DFL).
inline constexpr bool default_ignored(int sig) {
  return sig == kChld || sig == kCont || sig == kWinch || sig == kStop;
}
}

// p_flag bits (the seed's names).
enum : uint32_t {
  P_CONTROLT = 0x00002,  // has a controlling terminal
  P_PPWAIT = 0x00010,    // parent waits for this child to exec or exit (vfork)
  P_SUGID = 0x00100,     // credentials changed since the last exec
  P_WEXIT = 0x02000,     // exiting
  P_INEXEC = 0x04000,    // an LWP execs: the others are ending, none may be added
  P_KREAP = 0x10000,     // its parent is the kernel: reaped without wait4
};

// LWP flags.
enum : uint32_t {
  LWP_ALTSTACK = 0x0001,  // on its alternate signal stack (inherited by fork)
  LWP_WEXIT = 0x0002,     // asked to exit (or exiting)
  LWP_OLDMASK = 0x0004,   // ppoll/pselect6 changed the mask: saved_sigmask comes back after the next signal
};

enum class ProcStat : uint8_t { kIdl, kActive, kZombie };
enum class LwpStat : uint8_t { kRun, kZomb };
const char* proc_stat_name(ProcStat s);

// ---- the counted objects -------------------------------------------------

struct Uidinfo {
  struct uidinfo c;
  Uidinfo* next;  // the uidinfo table (g_uidinfo_lock)
};

struct Ucred {
  struct ucred c;  // cr_uid, cr_ruid, cr_ruidinfo (held)
};

struct Sigacts {
  struct sigacts c;
  // 0 = SIG_DFL, 1 = SIG_IGN, else a handler's address. Written by
  // rt_sigaction under the owner's Proc::spin, read without it. The four
  // tables are the rest of the struct (fork copies them in one piece).
  uint64_t handler[kNsig + 1];
  uint32_t flags[kNsig + 1];     // SA_RESTORER, SA_NODEFER, SA_RESETHAND (Linux defines
                                 // no flag above bit 31; 32 bits keep the whole
                                 // struct within kmalloc's slabs)
  uint64_t restorer[kNsig + 1];  // where a handler returns: it calls rt_sigreturn
  uint64_t mask[kNsig + 1];      // blocked while the handler runs
};

// Descriptor tables and leader records: kernel/fs/filedesc.h.

struct Plimit {
  struct plimit c;
};

// What exec started the process with, for /proc/PID/cmdline and exe:
// shared by parent and child until one of them execs (the seed's p_args).
// Counted; immutable once made.
struct Pargs {
  struct pargs c;
  uint32_t args_len;  // argv's strings, each with its NUL
  uint32_t exe_len;   // the program's path, without the NUL
  char data[];        // the arguments, then the path and a NUL
  const char* exe() const { return data + args_len; }
};
// A Pargs for argv (count 1), or nullptr when out of memory.
Pargs* pargs_new(const char* const* argv, const char* exe);

// The address space as the verified core counts it: vm_ref counts processes
// (zombies included, released when reaped); `users` counts processes that
// have not exited yet, and the last of those gives the Vmspace back, so a
// zombie holds no memory.
struct VmRef {
  struct vmspace c;
  Vmspace* vm;
  int users;  // atomic
};

struct Tty;
struct Session {
  int refs;  // pgrps of the session (g_proctree_lock)
  int sid;
  Proc* leader;  // until it exits (g_proctree_lock)
  Tty* tty;      // its controlling terminal (g_proctree_lock; kernel/tty/ctty.cpp)
};

struct Pgrp {
  struct pgrp c;
  int pgid;
  Session* session;
  struct lock pg_lock;
  Proc* members;  // list through Proc::pg_next (g_proctree_lock)
  Pgrp* next;     // all groups (g_proctree_lock)
};

// ---- LWPs and processes --------------------------------------------------

// The part of an LWP copied from the forking LWP (the seed's lwp_startcopy).
struct LwpCopy {
  uint64_t sigmask;
  int8_t nice;
};

struct Lwp {
  tidnode node;  // in its process's TID set (Proc::spin); node.tid is the TID
  Proc* proc;
  int gtid;        // its id system-wide (gettid): the pid for a process's first LWP
  bool owns_id;    // gtid is an id of its own (not the pid), given back when it is freed
  Lwp* hash_next;  // the thread-id hash (g_proctree_lock)
  Thread* thread;  // joinable; joined when the LWP is reaped
  LwpStat stat;
  uint32_t flags;
  LwpCopy copy;
  TrapFrame start;        // registers it enters EL0 with
  arch::UserRunCtx run;   // where arch_user_run returns when it is done
  uint64_t saved_sigmask; // the mask to restore (LWP_OLDMASK)
  bool exit_process;      // it ends the process, not only itself
  Lwp* zombie_next;       // exited LWPs waiting to be joined (Proc::spin)
  int tid() const { return node.tid; }  // within its process (lwp_gettid)
};

// The part of a process copied from the parent (the seed's p_startcopy).
struct ProcCopy {
  char comm[32];
  int8_t nice;
};

struct Proc {
  struct proc_core core;  // counted pointers, PHOLD, TIDs (verified core)
  // Zeroed at fork.
  int pid;
  ProcStat stat;          // g_proctree_lock (and Proc::spin to read with it)
  uint32_t flags;         // Proc::spin
  int sigparent;          // signal sent to the parent at exit (SIGCHLD, or SIGUSR1 with RFLINUXTHPN)
  int xstat;              // wait status, once exiting
  uint64_t siglist;       // pending signals (atomic bit mask, bit n = signal n)
  // Held shared by each fork of this process around fork1, which reads the
  // process's counted pointers without its spinlock; exclusive by whoever
  // replaces one of them while other LWPs may fork: setpgid/setsid moving the
  // process to another group (the child joins the group fork1 counted and
  // locked, which cannot be freed under it) and prlimit64 giving it new
  // limits. The others are replaced only while the process has one LWP
  // (exec, rfork without RFPROC), when no fork of it can be running.
  struct lock forklock;
  Proc* pptr;             // parent (g_proctree_lock)
  Proc* children;         // (g_proctree_lock)
  Proc* sibling;
  Proc* peers;            // RFTHREAD peers (g_proctree_lock)
  Proc* all_next;         // all processes (g_proctree_lock)
  Proc* all_prev;
  Proc* hash_next;        // the pid hash (g_proctree_lock)
  Proc* pg_next;          // members of pgrp (g_proctree_lock)
  Pgrp* pgrp;             // == container of core.p_pgrp
  Lwp* zombie_lwps;       // Proc::spin
  Lwp* exit_lwp;          // the last LWP, joined and freed by the reaper
  Proc* vfork_parent;     // P_PPWAIT: the forker, asleep until exec or exit (Proc::spin)
  uint64_t start_ns;
  uint32_t acflag;        // AFORK
  int forks;              // children forked (for ps)
  ProcJob jc;             // job control: stopped, its reports (Proc::spin; kernel/proc/jobctl.h)
  SpinLock spin;
  ProcCopy copy;          // copied from the parent at fork
  // PHOLD's count starts at zero in zeroed storage; the debug kernel also
  // gives it the magic that its holds and releases check.
  explicit Proc(LockClass& cls) : spin(cls) {
    if (kRefcountMagicChecked) refcount_init(&core.p_lock, 0);
  }
  Ucred* ucred() const { return reinterpret_cast<Ucred*>(core.p_ucred); }
  VmRef* vmref() const { return reinterpret_cast<VmRef*>(core.p_vmspace); }
  Sigacts* sigacts() const { return reinterpret_cast<Sigacts*>(core.p_sigacts); }
  // The descriptor table. A process's own LWPs read it without a lock: it is
  // replaced only while the process has one LWP (exec, rfork) or by the
  // last LWP at exit.
  Filedesc* fd() const { return reinterpret_cast<Filedesc*>(core.p_fd); }
  Pargs* args() const { return reinterpret_cast<Pargs*>(core.p_args); }
  Plimit* limit() const { return reinterpret_cast<Plimit*>(core.p_limit); }
  int nthreads() const { return core.p_tids.p_nthreads; }
};

inline Lwp* lwp_of(tidnode* n) { return reinterpret_cast<Lwp*>(n); }

// ---- globals --------------------------------------------------------------

extern SpinLock g_proctree_lock;
extern LockClass g_proc_class;
extern Proc g_proc0;               // pid 0: the kernel; parent of init
// Process 1 while it lives (g_proctree_lock): orphans and RFNOWAIT children
// become its children; once it has exited they go to process 0, which reaps
// them itself.
extern Proc* g_initproc;
// The parent an orphan gets now (g_proctree_lock held).
inline Proc* orphan_heir_locked() { return g_initproc ? g_initproc : &g_proc0; }
extern struct proccount g_proccount;
// The LWPs beyond the first of each process, system-wide, with the same root
// reserve as nprocs (the verified nprocs_reserve on a second count).
extern struct proccount g_lwpcount;
// Frees an LWP that has left its process (or never joined one): joins its thread.
void lwp_free(Lwp* lp);
// An LWP that leaves while others of its process remain gives back its task
// slot (its real uid's count, RLIMIT_NPROC) and its system-wide LWP slot
// (p->spin held).
void lwp_slots_release_locked(Proc* p);
inline constexpr uint32_t AFORK = 0x01;

// The running LWP / process, or nullptr in a kernel thread.
Lwp* curlwp();
Proc* curproc();

void proc_init();       // boot, once (proc_boot_init calls it)
void proc_boot_init();  // process 0, the counts and the reaper thread; idempotent
// Looks a live process group up (g_proctree_lock held); pfind_locked and the
// other lookups by id are in pidtab.h.
Pgrp* pgfind_locked(int pgid);

// Objects.
Uidinfo* uifind(vc_uid_t uid);  // held once more, or created; nullptr on ENOMEM
Ucred* ucred_alloc(vc_uid_t uid, vc_uid_t ruid);  // count 1, or nullptr
void ucred_put(Ucred* cr);   // drop a reference (frees on the last)
// p's credentials, held: a permission check reads these, since setuid may
// replace (and free) p's own meanwhile. Give them back with ucred_put.
Ucred* proc_cred_hold(Proc* p);
// Whether p runs as root (effective uid 0).
bool proc_is_root(Proc* p);
// The credentials p's file operations act with.
FsCred proc_fscred(Proc* p);
// p's RLIMIT_NOFILE soft limit: descriptors must be below it.
int proc_nofile_limit(Proc* p);
void uidinfo_put(Uidinfo* ui);
Sigacts* sigacts_new();
Plimit* plimit_new();
// Which of a process's objects lost their last reference when it let go of them.
struct proc_lastrefs {
  int ucred, uidinfo, sigacts, fd, fdtol, vmspace, limit, pgrp, args;
};
// Exit (reaping): gives back the process's slot in nprocs and in its uid's
// count, and one reference to each object it holds, through the verified
// primitives (nprocs_release, chgproccnt, crfree, uidrop, ...); clears its
// pointers and says in *last which objects the caller must destroy.
void proc_release_refs(struct proccount* pc, struct proc_core* p, struct proc_lastrefs* last);
void proc_objects_destroy(Proc* p, const struct proc_lastrefs& last, Ucred* cr, Uidinfo* ui,
                          Sigacts* ps, Filedesc* fd, Fdtol* tl, VmRef* vm, Plimit* lim,
                          Pgrp* pg, Pargs* pa);

// The kernel thread of an LWP (thread fn).
int lwp_thread_main(void* arg);
// Makes the thread of lp (an embryo, not started).
int lwp_thread_create(Lwp* lp, Thread** out);

// The first of every process (zombies included), linked by all_next
// (g_proctree_lock held).
Proc* proc_all_first_locked();
// Process tree helpers (g_proctree_lock held).
void proc_link_locked(Proc* p, Proc* parent);
void pgrp_enter_locked(Proc* p, Pgrp* pg);
void pgrp_leave_locked(Proc* p);

// fork / lwp_create / exit / wait (kernel/proc/{fork,exit}.cpp).
using forklist_fn = void (*)(Proc* p1, Proc* p2, int flags);
int at_fork(forklist_fn fn);
int rm_at_fork(forklist_fn fn);

// fork1: on success *procp is the child in SIDL (nullptr without RFPROC).
// Returns 0 or a positive errno (ERESTART = kErestart).
inline constexpr int kErestart = VC_ERESTART;
int kern_fork1(Lwp* lp1, int flags, Proc** procp, const TrapFrame* frame);
void start_forked_proc(Lwp* lp1, Proc* p2);

struct LwpParams {
  uint64_t func, arg, stack, tid1, tid2;
};
// lwp_create: 0 or -errno; the new TID through params.
int64_t kern_lwp_create(uint64_t uparams);

// Joins and frees p's LWPs that have exited (not its last).
void lwp_reap_zombies(Proc* p);
// Tells every LWP of p but self to exit (LWP_WEXIT, interruptible sleeps
// woken) and wakes whoever waits for p's LWPs to go (p->spin held).
void proc_end_other_lwps_locked(Proc* p, Lwp* self);
[[noreturn]] void exit1(int wstatus);       // end the process
[[noreturn]] void lwp_exit_self(int code);  // end this LWP (the process with the last one)
int64_t kern_wait(int pid, uint64_t ustatus, int options);
int kern_kill(int pid, int sig);
// kill(-pgid, sig) with the credentials `by`: every member `by` may signal,
// under the group's lock held exclusive (it orders against forks, which hold
// it shared). 0, -ESRCH (no such group or no member), -EPERM.
int kill_pgrp(int pgid, int sig, const Ucred* by);
void proc_signal(Proc* p, int sig);  // post sig to p (g_proctree_lock not needed)
// On the way to EL0 (kernel/proc/signal.cpp): the lowest pending signal this
// LWP does not block ends the process or runs its handler on frame f (with
// f null, at an LWP's first entry, handlers wait for the next way out).
void signal_deliver(TrapFrame* f);
bool signal_pending_unblocked(Lwp* lp);
// Whether lp is to die on its way out: asked to exit, SIGKILL pending, or a
// pending signal it does not block whose action is to end the process. Sleeps
// that only such events may end (Linux's killable ones) look at this.
bool lwp_fatal_pending(Lwp* lp);

// Counters (fork statistics, the seed's v_forks and friends).
struct ForkStats {
  uint64_t forks, vforks, rforks, kthreads;
  uint64_t forkpages, vforkpages, rforkpages, kthreadpages;
  uint64_t lwps_created;
  uint64_t failures;
  uint64_t eagain;
  uint64_t restarts;  // forks that saw a pending signal under the group lock (ERESTART)
  uint64_t procs_live, lwps_live;
  uint64_t pgrps_live, sessions_live, uidinfos_live, ucreds_live;
  uint64_t exit_heuristics;  // children reaped by wait4 whose CPU use the parent was charged
};
ForkStats fork_stats();
void proc_count_lwp(int delta);

// The runtime invariant checker: walks every process with the spec/
// predicates (counts, references, TIDs). Returns 0 or the number of problems
// (printed on the console).
int proc_check_invariants(bool verbose);
// ps on the console.
void proc_print_all();
