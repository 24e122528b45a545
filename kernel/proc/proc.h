// Processes and LWPs in the BSD shape (docs/process.md).
//
// Every object the fork path counts embeds the verified core's C struct
// (kernel/verified/vc_types.h) as its first member, so the proved fork1
// skeleton and the C++ around it see the same counts. The C++ side allocates,
// initialises and frees; the C side takes and gives back references.
//
// Locks (docs/locking.md has the order and the rules):
//   g_proctree_lock  "proc.tree0".."proc.tree3" (ranks 250-253), a read-mostly
//                    lock (kernel/sync/rmlock.h): the id space, the pid and
//                    thread-id hashes, parent/children/sibling links,
//                    process-group and session membership, p_stat, the exit
//                    status. Fork, exit, wait and reap take it to read (their
//                    CPU's lock only) and change what they share under the
//                    finer locks below; everything else takes it to write
//                    (and, in the debug kernel, a fork that publishes a
//                    child once, and rfork without RFPROC at each
//                    allocation, to check that no process holds what they
//                    made).
//   Proc::kids       "proc.children" (rank 256): with the tree lock either way,
//                    a process's children list and its children's p_stat.
//   Pgrp::members_lock "pgrp.members" (rank 257): with the tree lock either
//                    way, a group's member list.
//   id hash buckets  "id.hash" (rank 265, pidtab.cpp): with the tree lock
//                    either way, a bucket of the pid and thread-id hashes.
//   Proc::spin       "proc" (rank 260): the LWP tree (TID set), p_nthreads,
//                    p_flag, pending signals; the per-process pointers the
//                    verified core names (p_ucred, p_limit, p_fd, ...) are
//                    replaced under it once the process is visible, and read
//                    under it by other processes.
//   Proc::forklock   lockmgr: held shared by each fork of the process around
//                    fork1, which reads those pointers without Proc::spin;
//                    exclusive by whoever replaces one while other LWPs may
//                    fork (setpgid/setsid, prlimit64, the credential calls).
//   Pgrp::pg_lock    lockmgr (sleep lock, taken with no spinlock held): held
//                    shared across fork (RFPGLOCK), exclusive by group signals.
//   atomics          nprocs, ui_proccnt, every reference count.
#pragma once
#include <arch/trap_frame.h>
#include <arch/user_entry.h>
#include <stddef.h>
#include <stdint.h>

#include "kernel/fs/filedesc.h"
#include "kernel/fs/fscred.h"
#include "kernel/proc/jobctl.h"
#include "kernel/proc/pidtab.h"
#include "kernel/sched/lockmgr.h"
#include "kernel/sync/rmlock.h"
#include "kernel/sync/spinlock.h"
#include "kernel/thread/thread.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/refcount_magic.h"
#include "kernel/verified/refs.h"
#include "kernel/verified/tidset.h"
#include "kernel/verified/vc_types.h"

struct MemAccount;
struct Thread;
struct Vmspace;
struct Proc;
struct Itimer;

inline constexpr uint32_t kRankAllProc = 250;   // + CPU: the tree lock (below the sleep queues)
inline constexpr uint32_t kRankReaping = 254;   // the processes a reap has unlinked, not yet freed
inline constexpr uint32_t kRankChildren = 256;  // a process's children (wait's interlock)
inline constexpr uint32_t kRankPgrpMembers = 257;  // a group's members
inline constexpr uint32_t kRankProc = 260;         // one process (taken under the tree lock)
inline constexpr uint32_t kRankIdHash = 265;       // a bucket of the pid / thread-id hashes
inline constexpr uint32_t kRankUidinfo = 270;      // the uidinfo table
inline constexpr uint32_t kRankAtFork = 240;       // + CPU: the at_fork list

inline constexpr int kPidMax = 99999;  // pids cycle through 1..kPidMax
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
inline constexpr int kRlimitCpu = 0;
inline constexpr int kRlimitFsize = 1;
inline constexpr int kRlimitStack = 3, kRlimitCore = 4;
inline constexpr uint64_t kStackSoftDefault = 8ull << 20;  // Linux's _STK_LIM
inline constexpr int kRlimitNofile = 7;
inline constexpr int kRlimitNice = 13;
inline constexpr int kRlimitSigpending = 11;
// Queued real-time signals (kernel/proc/sigqueue.h): RLIMIT_SIGPENDING's
// default, which is also the most one uid other than root's holds.
inline constexpr uint64_t kSigpendingDefault = 8192;
inline constexpr int kNofileSoftDefault = 1024;
inline constexpr int kNofileHardDefault = 4096;
inline constexpr int kNrOpen = 65536;

// Signals the process layer acts on (Linux numbers).
namespace psig {
inline constexpr int kHup = 1, kInt = 2, kKill = 9, kUsr1 = 10, kUsr2 = 12, kTerm = 15, kChld = 17,
                     kCont = 18, kStop = 19, kUrg = 23, kWinch = 28;
// Signals whose default action is to do nothing (never posted under SIG_DFL).
inline constexpr bool default_ignored(int sig) {
  return sig == kChld || sig == kCont || sig == kUrg || sig == kWinch || sig == kStop;
}
// The mask bits of SIGKILL and SIGSTOP, which no mask or wait set may hold.
inline constexpr uint64_t kUnblockable = (1ull << (kKill - 1)) | (1ull << (kStop - 1));
}  // namespace psig

// p_flag bits (the seed's names).
enum : uint32_t {
  P_CONTROLT = 0x00002,    // has a controlling terminal
  P_PPWAIT = 0x00010,      // parent waits for this child to exec or exit (vfork)
  P_SUGID = 0x00100,       // credentials changed since the last exec
  P_WEXIT = 0x02000,       // exiting
  P_INEXEC = 0x04000,      // an LWP execs: the others are ending, none may be added
  P_KREAP = 0x10000,       // its parent is the kernel: reaped without wait4
  P_NODUMP = 0x20000,      // prctl(PR_SET_DUMPABLE, 0) (inherited; exec clears it)
  P_NONEWPRIVS = 0x40000,  // prctl(PR_SET_NO_NEW_PRIVS) (inherited, for good)
  P_STOPPED = 0x80000,     // stopped by a signal (job control, kernel/proc/jobctl.h)
  // The tick's CPU-time work (kernel/proc/itimer.cpp), looked at by the tick
  // with no lock and then under Proc::spin:
  P_CPULIMIT = 0x100000,   // RLIMIT_CPU's soft limit is finite (fork: from the child's limits)
  P_CPUITIMER = 0x200000,  // ITIMER_VIRTUAL or ITIMER_PROF is armed (not inherited)
};

// LWP flags.
enum : uint32_t {
  LWP_WEXIT = 0x0002,  // asked to exit (or exiting)
  LWP_OLDMASK =
      0x0004,  // ppoll/pselect6 changed the mask: saved_sigmask comes back after the next signal
  LWP_RESTART = 0x0008,  // its system call ended with ERESTARTSYS: restart_x0 is the call's x0
  // In rt_sigtimedwait: the signals waited for are unblocked for the wait and
  // saved_sigmask is the mask from before it, which still counts as blocked
  // when a signal whose action ignores it is posted (Linux's real_blocked).
  // Set and cleared by the LWP under Proc::spin.
  LWP_SIGWAIT = 0x0010,
};

// What a pending signal's siginfo_t says (the fields tine fills), kept with
// the pending bit under Proc::spin. Standard signals do not queue: a second
// one sent while the first is pending replaces its information.
struct SigQueued;
// A pending set's queued real-time signal instances, oldest first
// (kernel/proc/sigqueue.h; Proc::spin).
struct SigQueue {
  SigQueued* head;
  SigQueued* last;
};

struct SigInfo {
  int32_t code;  // SI_USER, SI_TKILL, SI_KERNEL, CLD_EXITED, CLD_KILLED, or
                 // the sender's own (rt_sigqueueinfo: SI_QUEUE, say)
  int32_t pid;   // the sender (SIGCHLD: the child)
  uint32_t uid;  // the sender's real uid (SIGCHLD: the child's)
  // Linux's siginfo_t bytes 24-31, a union: SIGCHLD's status (the exit code
  // or the signal), or rt_sigqueueinfo's si_value (its low half here, the
  // high half next). Two words, not one of 8 bytes: Proc and Lwp each hold an
  // array of these and must stay within kmalloc's slabs (2 KiB).
  int32_t status;
  uint32_t value_hi;
};
inline constexpr int32_t kSiUser = 0, kSiKernel = 0x80, kSiTkill = -6;
inline constexpr int32_t kCldExited = 1, kCldKilled = 2;

// CPU time and switches of threads, summed (getrusage, times, the CPU-time
// clocks; kernel/proc/rusage.cpp).
struct CpuUse {
  uint64_t run_ns, user_ticks, sys_ticks, nvcsw, nivcsw;
  void add(const CpuUse& o) {
    run_ns += o.run_ns;
    user_ticks += o.user_ticks;
    sys_ticks += o.sys_ticks;
    nvcsw += o.nvcsw;
    nivcsw += o.nivcsw;
  }
  // The same where another CPU may add meanwhile (Proc::children_use).
  void add_atomic(const CpuUse& o) {
    __atomic_add_fetch(&run_ns, o.run_ns, __ATOMIC_RELAXED);
    __atomic_add_fetch(&user_ticks, o.user_ticks, __ATOMIC_RELAXED);
    __atomic_add_fetch(&sys_ticks, o.sys_ticks, __ATOMIC_RELAXED);
    __atomic_add_fetch(&nvcsw, o.nvcsw, __ATOMIC_RELAXED);
    __atomic_add_fetch(&nivcsw, o.nivcsw, __ATOMIC_RELAXED);
  }
  void add_atomic_from(const CpuUse& o) {
    run_ns += __atomic_load_n(&o.run_ns, __ATOMIC_RELAXED);
    user_ticks += __atomic_load_n(&o.user_ticks, __ATOMIC_RELAXED);
    sys_ticks += __atomic_load_n(&o.sys_ticks, __ATOMIC_RELAXED);
    nvcsw += __atomic_load_n(&o.nvcsw, __ATOMIC_RELAXED);
    nivcsw += __atomic_load_n(&o.nivcsw, __ATOMIC_RELAXED);
  }
};

enum class ProcStat : uint8_t { kIdl, kActive, kZombie };
enum class LwpStat : uint8_t { kRun, kZomb };
const char* proc_stat_name(ProcStat s);

// ---- the counted objects -------------------------------------------------

struct Uidinfo {
  struct uidinfo c;
  Uidinfo* next;  // the uidinfo table (g_uidinfo_lock)
};

// Supplementary groups a process may have (Linux allows 65,536; this bounds
// what one setgroups may make the kernel hold).
inline constexpr int kNgroupsMax = 64;

// A process's credentials, as Linux has them (docs/user-abi.md, "ids"): the
// verified core's part (the effective and the real uid, and the real uid's
// uidinfo, whose task count RLIMIT_NPROC limits) and the rest. Never changed
// once published: a change makes a new Ucred (kernel/proc/cred.cpp).
struct Ucred {
  struct ucred c;  // cr_uid (effective), cr_ruid (real), cr_ruidinfo (held)
  vc_uid_t suid;   // saved set-user-id
  vc_uid_t fsuid;  // file-system uid (follows the effective uid)
  vc_uid_t rgid, egid, sgid, fsgid;
  int ngroups;
  vc_uid_t groups[kNgroupsMax];  // sorted
  MemAccount* mem;               // the real uid's memory account (held): pays for the
                                 // spaces this process makes (kernel/mm/mem_account.h)
};

struct Sigacts {
  struct sigacts c;
  // Bit sig - 1: the signal's action may be other than all zero (rt_sigaction
  // set it). Copies copy only these (Proc::spin, as the tables).
  uint64_t set;
  // 0 = SIG_DFL, 1 = SIG_IGN, else a handler's address. Written by
  // rt_sigaction under the owner's Proc::spin, read without it.
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
// A process stops using the space (exit, exec): the last user gives it back.
void vmref_user_leave(VmRef* vr);

extern LockClass g_proc_children_class;
extern LockClass g_pgrp_members_class;

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
  Proc* members;  // list through Proc::pg_next (members_lock and the tree lock)
  Pgrp* next;     // all groups (g_proctree_lock written)
  SpinLock members_lock{g_pgrp_members_class};
};

// ---- LWPs and processes --------------------------------------------------

// The part of an LWP copied from the forking LWP (the seed's lwp_startcopy).
struct LwpCopy {
  uint64_t sigmask;
  int8_t nice;
  uint16_t ioprio;       // Linux's I/O priority (ioprio_set), kept, not acted on (atomic)
  uint32_t personality;  // Linux's personality(2) word: only the LWP writes it
  char name[16];         // Linux's thread name (prctl PR_SET_NAME), NUL-terminated
  // The alternate signal stack (sigaltstack; size 0: none), the LWP's own:
  // only it reads or writes it. A new thread of the same memory starts
  // without one, and exec clears it (Linux).
  struct AltStack {
    uint64_t sp;
    uint64_t size;
    uint32_t flags;  // SS_AUTODISARM or 0
  } altstack;
};

struct Lwp {
  tidnode node;  // in its process's TID set (Proc::spin); node.tid is the TID
  Proc* proc;
  int gtid;        // its id system-wide (gettid): the pid for a process's first LWP
  bool owns_id;    // gtid is an id of its own (not the pid), given back when it is freed
  Lwp* hash_next;  // the thread-id hash (its bucket's lock and the tree lock)
  Thread* thread;  // joinable; joined when the LWP is reaped
  LwpStat stat;
  uint32_t flags;
  LwpCopy copy;
  TrapFrame start;         // registers it enters EL0 with
  arch::UserRunCtx run;    // where arch_user_run returns when it is done
  uint64_t saved_sigmask;  // the mask to restore (LWP_OLDMASK)
  uint64_t restart_x0;     // x0 to make the call again with (LWP_RESTART; the LWP's own)
  bool exit_process;       // it ends the process, not only itself
  Lwp* zombie_next;        // exited LWPs waiting to be joined (Proc::spin)
  // Linux's per-thread user words; each is written only by the LWP itself
  // (clone sets them before the LWP starts).
  uint64_t set_child_tid;    // gets gtid on its first way to EL0 (CLONE_CHILD_SETTID)
  uint64_t clear_child_tid;  // zeroed and futex-woken when it exits (set_tid_address)
  uint64_t robust_list;      // its robust futex list, walked when it exits (set_robust_list)
  int pdeath_signal;         // its process gets it when the parent LWP that made it exits
  uint64_t siglist;          // signals sent to this LWP alone (tgkill, tkill): atomic,
                             // set under Proc::spin; taken before the process's
  SigQueue sigq;             // its real-time instances (Proc::spin)
  // Those of siglist it claimed from its process's set for a wait
  // (signal_claim_for_wait): given back if it blocks them or leaves before
  // it takes them (Proc::spin).
  uint64_t claimed;
  // A clone(CLONE_THREAD | CLONE_VFORK) parent asleep until this LWP exits
  // or execs (Proc::spin; the waiter lives on the parent's stack).
  struct LwpVforkWait* vfork_wait;
  // Last, and not zeroed when the LWP is made (lwp_new): each entry is written
  // with its pending bit and read only while the bit is set.
  SigInfo siginfo[kNsig + 1];           // of each signal in siglist (Proc::spin)
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
  // The parent's kids lock and the tree lock (and Proc::spin to read with
  // them); but SIDL -> active, which only the forking thread makes, is an
  // atomic store under none.
  ProcStat stat;
  // It made its session (setsid, or init's from boot) and leads it until it
  // exits: set under g_proctree_lock by the process itself (or before it
  // runs), never cleared, so its last LWP reads it at exit with no lock.
  bool leads_session;
  // RLIMIT_CPU: the number, in its low 16 bits, of the whole seconds of CPU
  // time past the soft limit (plus one) when the tick last sent SIGXCPU; 0
  // when none was sent since the limit was set (Proc::spin). A word that
  // fills a hole, so that fork zeroes nothing more for it.
  uint16_t xcpu_mark;
  uint32_t flags;  // Proc::spin
  int sigparent;   // signal sent to the parent at exit (SIGCHLD, SIGUSR1 with
                   // RFLINUXTHPN, clone's exit signal; 0: none). Not SIGCHLD: a
                   // "clone" child, which wait4 sees only with __WCLONE or __WALL
  int xstat;       // wait status, once exiting
  // The code of the LWP with the pid's id when it called exit (not
  // exit_group) while others ran: 0x100 | code, 0 for none. The process's
  // code when the last LWP goes (Linux reports the group leader's). Proc::spin.
  int leader_exit;
  // Every signal any of its LWPs has blocked since it was made (sticky; an
  // atomic OR before the mask is stored): a signal whose action ignores it
  // and no LWP has ever blocked is dropped without a look at the LWPs.
  uint64_t masks_seen;
  uint64_t siglist;  // pending signals (atomic bit mask, bit n - 1 = signal n)
  SigQueue sigq;     // the real-time instances among them (Proc::spin)
  // The interval timers (kernel/proc/itimer.cpp): made by the process's
  // first setitimer that sets one, published under Proc::spin and never
  // replaced; stopped, taken off (under Proc::spin) and freed by its last LWP
  // at exit, when no LWP is left to arm it. Not inherited (fork's child
  // starts with none); exec keeps it.
  Itimer* itimer;
  // Held shared by each fork of this process around fork1, which reads the
  // process's counted pointers without its spinlock; exclusive by whoever
  // replaces one of them while other LWPs may fork: setpgid/setsid moving the
  // process to another group (the child joins the group fork1 counted and
  // locked, which cannot be freed under it) and prlimit64 giving it new
  // limits. The others are replaced only while the process has one LWP
  // (exec, rfork without RFPROC), when no fork of it can be running.
  struct lock forklock;
  Proc* pptr;       // parent (g_proctree_lock written)
  int parent_gtid;  // the thread id of its parent's LWP that made it, whose exit sends
                    // the pdeath signals (g_proctree_lock written)
  Proc* children;   // (kids and the tree lock)
  Proc* sibling;    // (its parent's kids and the tree lock)
  // On the pid hash, or once a reap has taken it off, perhaps on the list
  // of those being reaped: never both, so one word.
  union {
    Proc* hash_next;     // the pid hash (its bucket's lock and the tree lock)
    Proc* reaping_next;  // proc_reaping_add_locked's list (off the hash, its references held)
  };
  Proc* pg_next;       // members of pgrp (its members_lock and the tree lock)
  Pgrp* pgrp;          // == container of core.p_pgrp
  Lwp* zombie_lwps;    // Proc::spin
  Lwp* exit_lwp;       // the last LWP, joined and freed by the reaper
  Proc* vfork_parent;  // P_PPWAIT: the forker, asleep until exec or exit (Proc::spin)
  uint64_t start_ns;
  CpuUse exited_use;    // CPU use of its LWPs that have left its TID set (Proc::spin)
  CpuUse children_use;  // of its reaped children, theirs included (atomic adds)
  uint32_t acflag;      // AFORK
  ProcJob jc;           // job control: stopped, its reports (Proc::spin; kernel/proc/jobctl.h)
  SpinLock spin;
  SpinLock kids;  // children and their p_stat, with the tree lock either way
  ProcCopy copy;  // copied from the parent at fork
  // Last, and not zeroed when the process is made (proc_new): each entry is
  // written with its pending bit and read only while the bit is set.
  SigInfo siginfo[kNsig + 1];  // of each signal in siglist (Proc::spin)
  // PHOLD's count starts at zero in zeroed storage; the debug kernel also
  // gives it the magic that its holds and releases check.
  explicit Proc(LockClass& cls) : spin(cls), kids(g_proc_children_class) {
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

// A new Proc or Lwp, every field zero but the signal information (which is
// the larger part, and costs fork its zeroing): constructed, or nullptr.
Proc* proc_new();
Lwp* lwp_new();

// ---- globals --------------------------------------------------------------

extern RmLock g_proctree_lock;
extern LockClass g_proc_class;
extern SpinLock g_uidinfo_lock;  // the uidinfo table
extern Proc g_proc0;             // pid 0: the kernel; parent of init
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
// Frees an LWP that has left its process (or never joined one): off the
// thread-id hash, then its thread joined.
void lwp_free(Lwp* lp);
// Its parts, for proc_reap, which joins a zombie's last LWP's thread first
// and takes the LWP off the hash with the process: off the hash, its id
// given back (g_proctree_lock held) ...
void lwp_unhash_locked(Lwp* lp);
// ... and, its thread joined, the LWP freed.
void lwp_destroy(Lwp* lp);
// For an LWP already off the thread-id hash (proc_unlink_locked takes the last
// one off with its process): its id given back if its own, g_proctree_lock held.
void lwp_release_id_locked(Lwp* lp);
// lp leaves p's TID set; if others of p remain, it gives back its task slot
// (its real uid's count, RLIMIT_NPROC) and its system-wide LWP slot
// (p->spin held). Returns whether others remained.
bool lwp_leave_tids_locked(Proc* p, Lwp* lp);
inline constexpr uint32_t AFORK = 0x01;

// The running LWP / process, or nullptr in a kernel thread (inline below:
// every system call asks several times).
inline Lwp* curlwp();
inline Proc* curproc();

void proc_boot_init();  // process 0, the counts and the reaper thread; idempotent

// Objects.
Uidinfo* uifind(vc_uid_t uid);  // held once more, or created; nullptr on ENOMEM
// Credentials with every uid `uid` and every gid `gid`, no groups: count 1, or nullptr.
Ucred* ucred_alloc(vc_uid_t uid, vc_uid_t gid = 0);
// A copy of cr's ids with ruid as its real uid (the uidinfo it holds): count 1, or nullptr.
Ucred* ucred_copy(const Ucred* cr, vc_uid_t ruid);
void ucred_put(Ucred* cr);  // drop a reference (frees on the last)
// p's credentials, held: a permission check reads these, since setuid may
// replace (and free) p's own meanwhile. Give them back with ucred_put.
Ucred* proc_cred_hold(Proc* p);
// Whether p runs as root (effective uid 0).
bool proc_is_root(Proc* p);
// The credentials p's file operations act with: its file-system uid and gid
// (a system call's add its supplementary groups: fscred.h's caller_groups).
FsCred proc_fscred(Proc* p);
// p's RLIMIT_NOFILE soft limit: descriptors must be below it.
int proc_nofile_limit(Proc* p);
// p's RLIMIT_FSIZE soft limit: the largest size its writes may give a file
// (VC_RLIM_INFINITY: none).
uint64_t proc_fsize_limit(Proc* p);
void uidinfo_put(Uidinfo* ui);
Sigacts* sigacts_new();
Plimit* plimit_new();
// A process made outside fork (init, the tests' own), g_proctree_lock held,
// already charged to its credentials' uid (proc_charge_new): it takes over
// the one reference to each object given (a group pgrp_alloc made for it,
// with its session) and joins the group, which is linked here. Its
// arguments and descriptor-table leader record, if any, are the caller's.
void proc_objects_install_locked(Proc* p, Ucred* cr, Sigacts* ps, Filedesc* fd, Plimit* lim,
                                 VmRef* vr, Pgrp* pg);
// Exit (reaping): gives back one reference to each object the process holds
// and clears its pointers (proc_drop_refs), then its slot in nprocs and its
// task in its uid's count (proc_uncharge), then its credentials and uidinfo
// (crfree, uidrop). Credentials and a uidinfo that lose their last reference are
// destroyed here, under g_uidinfo_lock (taken only then: their other
// references go without it); *last says which other objects the caller must
// destroy.
void proc_release_refs(struct proccount* pc, struct proc_core* p, struct proc_lastrefs* last);
// Gives back a hold (PHOLD, proc_hold) on p, waking its reaper if that was
// the last one it waits for.
void proc_drop_hold(Proc* p);
// Frees what proc_release_refs said lost its last reference, in two halves:
// the group, found through the group list (g_proctree_lock written, so no
// lookup revives it) ...
void proc_objects_destroy_listed(const struct proc_lastrefs& last, Pgrp* pg);
// ... and the rest, which nothing can find once its last reference is gone
// (no lock needed: a reaped process's are freed with the tree lock dropped).
void proc_objects_destroy_unlisted(const struct proc_lastrefs& last, Sigacts* ps, Filedesc* fd,
                                   Fdtol* tl, VmRef* vm, Plimit* lim, Pargs* pa);

// The kernel thread of an LWP (thread fn).
int lwp_thread_main(void* arg);
// Makes the thread of lp (an embryo, not started).
int lwp_thread_create(Lwp* lp, Thread** out);

// The process tree (kernel/proc/proctree.cpp). Every process (zombies
// included), in the pid hash's order (by pid for the first 256), with the tree
// lock written: for (p = proc_all_first_locked(); p; p = proc_all_next_locked(p)).
// A new process (its pid claimed) into the pid hash with its first LWP, if
// given (its thread id the pid), and into its parent's children; a reaped one
// out of the hash with its last LWP, if given, their ids given back (its
// parent's list is its waiter's business): the tree lock held either way.
Proc* proc_all_first_locked();
Proc* proc_all_next_locked(const Proc* p);
void proc_link_locked(Proc* p, Proc* parent, Lwp* first);
void proc_unlink_locked(Proc* p, Lwp* last);
// A reaped process off the hash whose references are still held, while its
// reaper waits for the holds on it to go (proc_reap): listed here from its
// unlink to its release, so that what walks every process holding
// references (the invariant checker, the debug fork's freshness scan) sees
// it. Added with the tree lock held either way, removed with it written;
// walked with it written (proc_each_holding_locked).
void proc_reaping_add_locked(Proc* p);
void proc_reaping_remove_locked(Proc* p);
Proc* proc_reaping_first_locked();

// Calls f(p) for every process that holds references, until f returns
// false: process 0, every process on the hash, then those being reaped
// (above). The tree lock written, so none joins or leaves.
template <typename F>
void proc_each_holding_locked(F f) {
  if (!f(&g_proc0)) return;
  for (Proc* p = proc_all_first_locked(); p; p = proc_all_next_locked(p))
    if (!f(p)) return;
  for (Proc* p = proc_reaping_first_locked(); p; p = p->reaping_next)
    if (!f(p)) return;
}

// Calls f(p, lp) for the running LWP whose thread id is tid, under its
// process's spinlock (lp cannot leave meanwhile), with the tree lock
// written; false when there is none (the hash's entry may name an LWP that
// has exited: lp->proc is read once, its state under that lock).
template <typename F>
bool with_running_lwp_locked(int tid, F f) {
  Lwp* lp = tid > 0 ? tidfind_locked(tid) : nullptr;
  Proc* p = lp ? lp->proc : nullptr;
  if (!p) return false;
  SpinGuard g(p->spin);
  if (lp->stat != LwpStat::kRun) return false;
  f(p, lp);
  return true;
}

// Process groups and sessions (kernel/proc/pgrp.cpp). Looks a live group up
// (g_proctree_lock held); pfind_locked and the other lookups by id are in
// pidtab.h.
Pgrp* pgfind_locked(int pgid);
// A new group (and session if `s` is null) led by pgid: count 1, not linked.
Pgrp* pgrp_alloc(Session* s, int pgid);
// A group allocated by pgrp_alloc that was never linked (its session too if new).
void pgrp_free_unused(Pgrp* pg, bool new_session);
// Membership and the group list (g_proctree_lock held). pgrp_move_locked
// moves p into pg: the group reference moves with it, and the old group is
// freed with its last.
void pgrp_link_locked(Pgrp* pg);
void pgrp_enter_locked(Proc* p, Pgrp* pg);
void pgrp_leave_locked(Proc* p);
// p leaves its group unless it is the last member, whose leaving may free the
// group (that takes the tree lock written): whether it left.
bool pgrp_leave_unless_last_locked(Proc* p);
void pgrp_move_locked(Proc* p, Pgrp* pg);

// fork / lwp_create / exit / wait (kernel/proc/{fork,exit}.cpp).
using forklist_fn = void (*)(Proc* p1, Proc* p2, int flags);
int at_fork(forklist_fn fn);
int rm_at_fork(forklist_fn fn);

// How a child made by Linux's clone starts, beyond fork's copy of the caller
// (kernel/proc/clone.cpp fills it in).
struct ForkStart {
  int exit_signal;     // sent to the parent when the child ends (0: none)
  bool sibling;        // CLONE_PARENT: the caller's parent is the child's too
  bool clear_sighand;  // CLONE_CLEAR_SIGHAND: caught signals back to SIG_DFL
  uint64_t stack;      // the child's sp (0: the caller's)
  bool set_tls;        // CLONE_SETTLS: the child's TPIDR_EL0 is tls
  uint64_t tls;
  uint64_t set_child_tid;    // CLONE_CHILD_SETTID (0: none)
  uint64_t clear_child_tid;  // CLONE_CHILD_CLEARTID (0: none)
};

// fork1: on success *procp is the child in SIDL (nullptr without RFPROC).
// Returns 0 or a positive errno (ERESTART = kErestart). `start` (clone's) may
// be null: the child then starts as fork's does.
inline constexpr int kErestart = VC_ERESTART;
int kern_fork1(Lwp* lp1, int flags, Proc** procp, const TrapFrame* frame,
               const ForkStart* start = nullptr);
void start_forked_proc(Lwp* lp1, Proc* p2);

struct LwpParams {
  uint64_t func, arg, stack, tid1, tid2;
};
// lwp_create: 0 or -errno; the new TID through params.
int64_t kern_lwp_create(uint64_t uparams);

// The lwp path, shared by lwp_create and clone(CLONE_THREAD): a new LWP of
// lp1's process with its two slots (the system's LWP count, its real uid's
// task count against RLIMIT_NPROC), its kernel thread, a thread id and a TID,
// registered but not started; its registers are the caller's to set. 0,
// -EAGAIN (a limit, or the process is exiting or execing) or -ENOMEM.
int lwp_fork_thread(Lwp* lp1, Lwp** out);
// Lets a new LWP run.
void lwp_start(Lwp* lp);
// Undoes lwp_fork_thread for an LWP that never ran: it leaves the TID set and
// the thread-id hash together, dead (tree lock and Proc::spin), before it is
// freed.
void lwp_unfork(Lwp* lp);
// What Linux does with a thread's user words when it exits or execs, on the
// memory it leaves: its robust futexes are released, and its clear_child_tid
// word is zeroed and futex-woken if others still use that memory.
void lwp_release_user_words(Lwp* lp);
// Ends the wait of a clone(CLONE_THREAD | CLONE_VFORK) parent for lp, which
// exits or execs (lp's Proc::spin held).
void lwp_vfork_release_locked(Lwp* lp);
// cpu_fork: lp2 starts with a copy of the caller's registers (frame), FP/SIMD
// state and thread pointer, and returns 0 from the call.
void cpu_fork(Lwp* lp2, const TrapFrame* frame);

// Joins and frees p's LWPs that have exited (not its last).
void lwp_reap_zombies(Proc* p);
// Tells every LWP of p but self to exit (LWP_WEXIT, interruptible sleeps
// woken) and wakes whoever waits for p's LWPs to go (p->spin held).
void proc_end_other_lwps_locked(Proc* p, Lwp* self);
[[noreturn]] void exit1(int wstatus);       // end the process
[[noreturn]] void lwp_exit_self(int code);  // end this LWP (the process with the last one)
// wait4: the reaped child's pid (its CPU use, its children's included, in
// *use), 0 (WNOHANG) or -errno.
int64_t kern_wait(int pid, uint64_t ustatus, int options, CpuUse* use);
// The CPU use of the running LWP's thread (the time since it was last
// accounted included), of p's LWPs (its exited ones included), or of its
// reaped children.
CpuUse lwp_cpu_use_self();
CpuUse proc_cpu_use(Proc* p);
CpuUse proc_cpu_use_locked(Proc* p);  // p->spin held
// One of p's LWPs' (in its TID set; p->spin held).
CpuUse lwp_cpu_use_locked(Proc* p, const Lwp* lp);
CpuUse proc_cpu_use_children(Proc* p);
// User and system nanoseconds of a use (its run time split as its ticks were).
void cpu_use_split(const CpuUse& u, uint64_t* user_ns, uint64_t* sys_ns);
int kern_kill(int pid, int sig);
// prctl's parent-death signal (kernel/proc/prctl.cpp). The LWP lp is exiting
// while others of its process remain: the children it made become another
// LWP's, and get the parent-death signals they asked for.
void lwp_pass_children(Lwp* lp);
// c's parent (LWP) has died (g_proctree_lock held): the LWP with thread id
// heir_gtid is its parent now, and c gets the parent-death signals its LWPs
// asked for, from `parent`.
void proc_parent_died_locked(Proc* c, Proc* parent, int heir_gtid);
// Names LWP lp of p (prctl's PR_SET_NAME, /proc's comm): p's name too when
// lp's thread id is the pid, as Linux's leader's comm is the process's.
// g_proctree_lock written (ps and /proc read names under it).
void lwp_set_name_locked(Proc* p, Lwp* lp, const char* name);
// Whether a process with credentials `by` (held by the caller) may signal p:
// root, or a real or effective uid equal to p's real or saved uid (Linux's
// kill_ok_by_cred). p's credentials are read under its lock (setuid may be
// replacing them).
bool proc_may_signal(const Ucred* by, Proc* p);
// Whether the process `self`, with credentials `by`, may read p's state
// (another thread's robust list): Linux's ptrace read check with the real
// ids (PTRACE_MODE_READ_REALCREDS). Root, self, or a p whose real,
// effective and saved uids are by's real uid and whose gids are its real
// gid, while p is dumpable. Reads p's credentials under its lock.
bool proc_may_read_state(const Ucred* by, Proc* self, Proc* p);
// kill(-pgid, sig) with the credentials `by`: every member `by` may signal,
// under the group's lock held exclusive (it orders against forks, which hold
// it shared). 0, -ESRCH (no such group or no member), -EPERM.
int kill_pgrp(int pgid, int sig, const Ucred* by);
// Posts sig to p, from the kernel (SI_KERNEL) or with what the sender gives
// (g_proctree_lock not needed): 0, or -EAGAIN, a real-time signal with
// information other than kill's that cannot be queued
// (kernel/proc/sigqueue.h). by_current: a system call of the current LWP
// posts it (kill, rt_sigqueueinfo), which takes it itself if it is p's and
// does not block it.
void proc_signal(Proc* p, int sig);
int proc_signal_info(Proc* p, int sig, const SigInfo& info, bool by_current = false);
// SIGALRM was taken from p's pending set (p->spin held): a periodic
// ITIMER_REAL starts its next period (Linux restarts it then, not when it
// fires, so a blocked SIGALRM holds it).
void itimer_alarm_taken_locked(Proc* p);
// The last LWP of p, at exit: its interval timers are stopped and freed.
void itimer_exit(Proc* p);
// RLIMIT_CPU of p was set to `soft` (p->spin held): the tick's look at it
// starts again (the first SIGXCPU at the soft limit) or stops (infinite).
void cpu_limit_set_locked(Proc* p, uint64_t soft);
// Posts sig to lp alone (tgkill): p is lp's process, its Proc::spin held, lp
// in its TID set. 0 or -EAGAIN, as proc_signal_info.
int lwp_signal_locked(Proc* p, Lwp* lp, int sig, const SigInfo& info);
// Posts sig to the calling LWP alone, as its own process sending it
// (Linux's send_sig(sig, current, 0): SIGXFSZ for a write past RLIMIT_FSIZE,
// SIGPIPE for a write to a pipe with no reader).
void lwp_signal_self(int sig);
// tgkill(tgid, tid, sig) (tgid 0: tkill, any process): 0 or -errno. With
// `info`, rt_tgsigqueueinfo's: the sender's own siginfo instead of SI_TKILL's.
int kern_tgkill(int tgid, int tid, int sig, const SigInfo* info = nullptr);
// rt_sigqueueinfo's: sig with the sender's siginfo to process pid alone
// (Linux's kill_proc_info: -ESRCH, then -EINVAL, then -EPERM).
int kern_sigqueue(int pid, int sig, const SigInfo& info);
// On the way to EL0 (kernel/proc/signal.cpp): the lowest pending signal this
// LWP does not block ends the process or runs its handler on frame f (with
// f null, at an LWP's first entry, handlers wait for the next way out).
void signal_deliver(TrapFrame* f);
// A system call of this LWP's, made with x0 = arg0 and frame f, ended with
// ERESTARTSYS: it returns -EINTR, unless signal_deliver, on the same way out,
// makes it again (no handler runs, or the handler's action has SA_RESTART).
void signal_note_restart(TrapFrame* f, uint64_t arg0);
// Whether a pending signal lp does not block may be taken with an effect: a
// signal whose action ignores it now (kept because it was blocked when sent)
// is dropped when taken, and ends no sleep (Linux restarts the call).
bool signal_pending_unblocked(Lwp* lp);
// sig, pending and caught, is to end lp's wait: a process-directed one
// becomes lp's own, under p->spin, so that the other LWPs its post woke find
// it gone and wait on (Linux wakes one thread: complete_signal). False when
// another LWP took it first.
bool signal_claim_for_wait(Lwp* lp, int sig);
// lp's mask now blocks more than old_mask did: any of the newly blocked
// signals pending for its process wakes the other LWPs, one of which takes
// it (Linux's retarget_shared_pending). Called after the mask is stored.
void signal_mask_retarget(Lwp* lp, uint64_t old_mask);
// The signals of `bits` pending for p, or for any of its LWPs, are dropped,
// queued real-time instances included: their action now ignores them
// (rt_sigaction), or a stop and SIGCONT cancel each other (p->spin held).
void signal_drop_locked(Proc* p, uint64_t bits);
// lp will not take the signals of `bits` (it blocks them now, leaves, or is
// sent one it claimed): those it claimed and has not taken go back to p's
// set, and the other LWPs that do not block one of `bits` pending for p are
// woken (p->spin held).
void signal_retarget_locked(Proc* p, Lwp* lp, uint64_t bits);
// Whether a pending signal lp does not block, but for those of `waited`
// (rt_sigtimedwait's set), ends its wait: one of its own, one that ends or
// stops the process, or a caught one of its process's that it claims
// (signal_claim_for_wait); ignored ones end nothing.
bool signal_claim_any_for_wait(Lwp* lp, uint64_t waited);
// Takes one instance of sig from lp's own pending set, else from its
// process's (Proc::spin held): its information into *si; false if neither
// has it pending.
bool signal_take_locked(Lwp* lp, int sig, SigInfo* si);
// Notes, before lp's mask becomes `mask`, the signals it blocks (masks_seen).
inline void lwp_note_mask(Lwp* lp, uint64_t mask) {
  if (mask & ~__atomic_load_n(&lp->proc->masks_seen, __ATOMIC_RELAXED))
    __atomic_or_fetch(&lp->proc->masks_seen, mask, __ATOMIC_SEQ_CST);
}
// Whether sig's action ignores it now: SIG_IGN, or SIG_DFL with a default of
// doing nothing (never SIGKILL). ps may be null (nothing is then ignored).
inline bool signal_action_ignores(const Sigacts* ps, int sig) {
  if (sig == psig::kKill || !ps) return false;
  uint64_t h = __atomic_load_n(&ps->handler[sig], __ATOMIC_RELAXED);
  return h == 1 || (h == 0 && psig::default_ignored(sig));
}
// Whether sig's action is a handler (never for SIGKILL or SIGSTOP). ps may be null.
inline bool signal_action_catches(const Sigacts* ps, int sig) {
  if (sig == psig::kKill || sig == psig::kStop || !ps) return false;
  return __atomic_load_n(&ps->handler[sig], __ATOMIC_RELAXED) > 1;
}
// Whether a long loop in the kernel (a large read, copy or getrandom) is to
// stop early with what it has moved: lp is to die (exit, SIGKILL: see
// lwp_fatal_pending) or has a signal to take. False without an LWP.
bool lwp_should_stop(Lwp* lp);
// Whether anything is pending for lp, blocked or not (its own or its process's).
inline bool signal_pending_any(Lwp* lp) {
  return (__atomic_load_n(&lp->proc->siglist, __ATOMIC_ACQUIRE) |
          __atomic_load_n(&lp->siglist, __ATOMIC_ACQUIRE)) != 0;
}
// Caught signals back to SIG_DFL with no flags, mask or restorer; ignored ones
// stay ignored (Linux's flush_signal_handlers, BSD's execsigs: exec, and
// clone's CLONE_CLEAR_SIGHAND). The owner's Proc::spin held, or ps not yet
// visible.
void sigacts_reset_caught(Sigacts* ps);
// Gives `to`, all zero, the actions of `from` (whose owner's Proc::spin is held).
void sigacts_copy_actions(Sigacts* to, const Sigacts* from);
// Whether lp is to die on its way out: asked to exit, SIGKILL pending, or a
// pending signal it does not block whose action is to end the process. Sleeps
// that only such events may end (Linux's killable ones) look at this.
bool lwp_fatal_pending(Lwp* lp);
// What lwp_fatal_pending found: -1 for LWP_WEXIT, else the signal that ends
// the process (SIGKILL first), 0 for none.
int lwp_fatal_signal(Lwp* lp);

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

// The consistency check: the verified core's runtime checker (spec/'s
// census: counts, references, TIDs) over every process, and the kernel's own
// checks beyond it (kernel/proc/check.cpp). Returns 0 or the number of
// problems (printed on the console).
int proc_check_invariants(bool verbose);
// ps on the console.
void proc_print_all();

inline Lwp* curlwp() {
  Thread* t = curthread();
  return t && t->fn == lwp_thread_main ? static_cast<Lwp*>(t->arg) : nullptr;
}
inline Proc* curproc() {
  Lwp* lp = curlwp();
  return lp ? lp->proc : nullptr;
}
