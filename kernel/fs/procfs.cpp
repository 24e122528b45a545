// /proc: what `ps`, `top` and friends read, made up as it is read. The root
// lists `self` (a symbolic link to the reader's own directory), `mounts`,
// `meminfo`, `uptime`, `stat`, `loadavg`, `cpuinfo`, `version` and a
// directory per process (zombies included), which holds `stat`, `status`,
// `cmdline`, `comm`, `exe` (a symbolic link to the program's path), `maps`,
// `fd` (a directory of symbolic links named by descriptor number) and `cwd`
// (a symbolic link to the working directory), in Linux's formats, and
// `task`: a directory per thread, named by its thread id, with the thread's
// own `stat`, `status` and `comm`.
//
// Nodes other than the root are made by each lookup and freed with their
// last reference; each names its process by pid and start time (an `fd`
// entry its descriptor by number, a thread's node its thread id), so a node
// of a process that is gone (or whose pid now names another) reads -ESRCH,
// and what it names is looked up again at each read: a node never holds the
// process or its objects.
//
// A read makes the text again from the start and keeps the part at its
// offset, at most 64 KiB a call, so a long file (a map of thousands of
// regions) is read in pieces and any offset is safe.
//
// Memory maps, descriptors and the working directory are the process's own
// business: only the process's owner (the reader's file-system uid is its
// real, effective and saved uid) or root may read them (-EACCES), Linux's
// ptrace read check simplified.
#include "kernel/fs/procfs.h"

#include <arch/user_pt.h>

#include <new>

#include "kernel/cpu/percpu.h"
#include "kernel/dt/bootargs.h"
#include "kernel/fs/charge.h"
#include "kernel/fs/file.h"
#include "kernel/fs/filedesc.h"
#include "kernel/fs/lock_ranks.h"
#include "kernel/fs/namei.h"
#include "kernel/fs/uio.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/vnode.h"
#include "kernel/irq/irq.h"
#include "kernel/lib/atomic.h"
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/proc/pidtab.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/loadavg.h"
#include "kernel/sched/sched.h"
#include "kernel/syscall/uts.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"
#include "kernel/time/realtime.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/verified/contract_checks.h"
#include "kernel/verified/objects.h"
#include "kernel/vm/sigpage.h"
#include "kernel/vm/vm_regions.h"
#include "kernel/vm/vmspace.h"

MALLOC_DEFINE(M_PROCFS, "procfs", "/proc nodes");

namespace {

// New kinds go last: a kind's number is part of its inode numbers.
enum class Kind : uint8_t {
  kRoot,
  kSelf,
  kMounts,
  kMeminfo,
  kUptime,
  kPidDir,
  kStat,
  kStatus,
  kCmdline,
  kComm,
  kExe,
  kSysStat,  // /proc/stat
  kLoadavg,
  kCpuinfo,
  kVersion,
  kMaps,
  kFdDir,
  kFd,
  kCwd,
  kLimits,
  kStatm,
  kProcRoot,  // /proc/PID/root
  kPidMounts,
  kOomScoreAdj,
  kLoginuid,
  kBootCmdline,  // /proc/cmdline
  kFilesystems,
  kSwaps,
  // /proc/sys: the sysctl files tine has.
  kSysDir,
  kSysKernelDir,
  kSysFsDir,
  kSysHostname,
  kSysDomainname,
  kSysOstype,
  kSysOsrelease,
  kSysKernelVersion,
  kSysPidMax,
  kSysFileMax,
  kSysNrOpen,
  kTaskDir,  // /proc/PID/task
  kTidDir,   // /proc/PID/task/TID
  kMountinfo,
};

struct Entry {
  const char* name;
  Kind kind;
  VType type;
  uint32_t mode;
};
// The root's fixed entries, then a process directory's.
constexpr Entry kRootEntries[] = {{"self", Kind::kSelf, VType::kLnk, 0777},
                                  {"mounts", Kind::kMounts, VType::kReg, 0444},
                                  {"meminfo", Kind::kMeminfo, VType::kReg, 0444},
                                  {"uptime", Kind::kUptime, VType::kReg, 0444},
                                  {"stat", Kind::kSysStat, VType::kReg, 0444},
                                  {"loadavg", Kind::kLoadavg, VType::kReg, 0444},
                                  {"cpuinfo", Kind::kCpuinfo, VType::kReg, 0444},
                                  {"version", Kind::kVersion, VType::kReg, 0444},
                                  {"cmdline", Kind::kBootCmdline, VType::kReg, 0444},
                                  {"filesystems", Kind::kFilesystems, VType::kReg, 0444},
                                  {"swaps", Kind::kSwaps, VType::kReg, 0444},
                                  {"sys", Kind::kSysDir, VType::kDir, 0555}};
constexpr Entry kPidEntries[] = {{"stat", Kind::kStat, VType::kReg, 0444},
                                 {"status", Kind::kStatus, VType::kReg, 0444},
                                 {"cmdline", Kind::kCmdline, VType::kReg, 0444},
                                 {"comm", Kind::kComm, VType::kReg, 0644},
                                 {"exe", Kind::kExe, VType::kLnk, 0777},
                                 {"maps", Kind::kMaps, VType::kReg, 0444},
                                 {"fd", Kind::kFdDir, VType::kDir, 0500},
                                 {"cwd", Kind::kCwd, VType::kLnk, 0777},
                                 {"limits", Kind::kLimits, VType::kReg, 0444},
                                 {"statm", Kind::kStatm, VType::kReg, 0444},
                                 {"root", Kind::kProcRoot, VType::kLnk, 0777},
                                 {"mounts", Kind::kPidMounts, VType::kReg, 0444},
                                 {"oom_score_adj", Kind::kOomScoreAdj, VType::kReg, 0444},
                                 {"loginuid", Kind::kLoginuid, VType::kReg, 0444},
                                 {"task", Kind::kTaskDir, VType::kDir, 0555},
                                 {"mountinfo", Kind::kMountinfo, VType::kReg, 0444}};
// A thread's directory: the files whose text is the thread's own.
constexpr Entry kTidEntries[] = {{"stat", Kind::kStat, VType::kReg, 0444},
                                 {"status", Kind::kStatus, VType::kReg, 0444},
                                 {"comm", Kind::kComm, VType::kReg, 0644}};
// /proc/sys's directories and what each holds; hostname and domainname are
// root's to write (sethostname's), the rest read-only.
constexpr Entry kSysEntries[] = {{"fs", Kind::kSysFsDir, VType::kDir, 0555},
                                 {"kernel", Kind::kSysKernelDir, VType::kDir, 0555}};
constexpr Entry kSysKernelEntries[] = {{"domainname", Kind::kSysDomainname, VType::kReg, 0644},
                                       {"hostname", Kind::kSysHostname, VType::kReg, 0644},
                                       {"osrelease", Kind::kSysOsrelease, VType::kReg, 0444},
                                       {"ostype", Kind::kSysOstype, VType::kReg, 0444},
                                       {"pid_max", Kind::kSysPidMax, VType::kReg, 0444},
                                       {"version", Kind::kSysKernelVersion, VType::kReg, 0444}};
constexpr Entry kSysFsEntries[] = {{"file-max", Kind::kSysFileMax, VType::kReg, 0444},
                                   {"nr_open", Kind::kSysNrOpen, VType::kReg, 0444}};
// Every directory with fixed entries, its parent and what it holds (a
// process's fd and task directories list descriptors and threads instead;
// the root also lists the processes).
struct Dir {
  Kind dir, parent;
  const Entry* entries;
  size_t n;
};
template <size_t N>
constexpr Dir dir_of(Kind dir, Kind parent, const Entry (&entries)[N]) {
  return {dir, parent, entries, N};
}
constexpr Dir kDirs[] = {dir_of(Kind::kRoot, Kind::kRoot, kRootEntries),
                         dir_of(Kind::kPidDir, Kind::kRoot, kPidEntries),
                         dir_of(Kind::kTidDir, Kind::kTaskDir, kTidEntries),
                         dir_of(Kind::kSysDir, Kind::kRoot, kSysEntries),
                         dir_of(Kind::kSysKernelDir, Kind::kSysDir, kSysKernelEntries),
                         dir_of(Kind::kSysFsDir, Kind::kSysDir, kSysFsEntries)};
constexpr size_t kNumRoot = sizeof kRootEntries / sizeof kRootEntries[0];
constexpr uint64_t kFirstCookie = 3;  // 1 and 2 are "." and ".."
constexpr uint64_t kPidCookie = 100;  // a process directory's cookie: 100 + pid
constexpr int kIntMax = 0x7fffffff;
static_assert(kFirstCookie + kNumRoot <= kPidCookie);

struct ProcNode : Vnode {
  Kind kind;
  int pid;
  int tid;            // a thread's directory and files: its thread id (else 0)
  int fd;             // kFd: the descriptor
  uint64_t start_ns;  // the process's, to tell a reused pid
};

ProcNode* pn(Vnode* v) { return static_cast<ProcNode*>(v); }

Mount* g_mount;
extern const VnodeOps kProcOps;

// The directory k's table, or nullptr (not a directory of fixed entries).
const Dir* dir_table(Kind k) {
  for (const Dir& d : kDirs)
    if (d.dir == k) return &d;
  return nullptr;
}

// Directory d's entry of kind k, or nullptr.
const Entry* entry_in(const Dir* d, Kind k) {
  for (size_t i = 0; i < d->n; ++i)
    if (d->entries[i].kind == k) return &d->entries[i];
  return nullptr;
}

// The directory that holds node kind k (a thread's file: its thread's
// directory), or nullptr.
const Dir* holder_of(Kind k, bool thread) {
  if (thread && k != Kind::kTidDir) return dir_table(Kind::kTidDir);
  for (const Dir& d : kDirs)
    if (entry_in(&d, k)) return &d;
  return nullptr;
}

// Stable numbers: the same file has the same inode each time it is looked up.
uint64_t ino_of(Kind k, int pid, int fd, int tid = 0) {
  if (!pid) return static_cast<uint64_t>(k) + 1;
  uint64_t ino = (static_cast<uint64_t>(pid) << 8) | static_cast<uint64_t>(k);
  if (k == Kind::kFd) ino |= static_cast<uint64_t>(fd + 1) << 32;
  if (tid) ino |= static_cast<uint64_t>(tid) << 40;  // no fd node has one
  return ino;
}

// What a node shows of its process, copied out under the process's locks.
struct Snapshot {
  int pid, tgid, ppid, pgid, sid, nthreads;  // pid: the thread's id for a thread's file
  char state;
  char comm[16];            // Linux's TASK_COMM_LEN
  uint32_t uid[4], gid[4];  // real, effective, saved, file-system
  int ngroups;
  uint32_t groups[kNgroupsMax];
  int8_t nice;
  uint64_t start_ns;
  uint64_t utime_ns, stime_ns, cutime_ns, cstime_ns;  // its CPU use and its reaped children's
  uint32_t umask;
  int fds;
  Pargs* args;                // held, or nullptr
  uint64_t vsize, rss_pages;  // its address space's (with Mem::kWant; else 0)
  // Its first thread's (the one with its pid, as Linux shows its leader's)
  // blocked and pending signals and CPUs; the process's pending ones and
  // the actions that ignore or catch (bit n - 1: signal n).
  uint64_t sig_blocked, sig_pending, sig_shared, sig_ignored, sig_caught;
  uint32_t cpus;
  bool no_new_privs;
  struct vc_rlimit limits[VC_RLIM_NLIMITS];
};

// Whether a snapshot looks at the process's address space (a hold on it).
enum class Mem : bool { kSkip, kWant };

// Whether LWP lp runs or waits for a CPU (its process's spin held).
bool lwp_on_cpu_locked(const Lwp* lp) {
  if (lp->stat != LwpStat::kRun) return false;
  ThreadState st = atomic_load_value(&lp->thread->state, __ATOMIC_RELAXED);
  return st == ThreadState::kRunning || st == ThreadState::kRunnable;
}

// The one-letter state /proc shows (Linux's): Z a zombie, T stopped by a
// signal, R when one of its LWPs (or the one asked about) runs or waits for
// a CPU, else S (p->spin).
char state_letter_locked(const Proc* p, const Lwp* only) {
  if (p->stat == ProcStat::kZombie) return 'Z';
  if (p->flags & P_STOPPED) return 'T';
  if (only) return lwp_on_cpu_locked(only) ? 'R' : 'S';
  for (tidnode* n = tidtree::first(p->core.p_tids.p_lwps); n; n = tidtree::next(n))
    if (lwp_on_cpu_locked(lwp_of(n))) return 'R';
  return 'S';
}

Proc* find_locked(int pid, uint64_t start_ns) {
  Proc* p = pfind_locked(pid);
  if (!p || atomic_load_value(&p->stat, __ATOMIC_ACQUIRE) == ProcStat::kIdl) return nullptr;
  if (start_ns && p->start_ns != start_ns) return nullptr;
  return p;
}

// Whether p's exit has begun (P_WEXIT, set under p->spin, which is held) or
// ended (a zombie). Its last LWP, once the only holder of its descriptor
// table, empties it without the table's lock (proc_exit_finish): from
// P_WEXIT on, /proc takes no hold on the table, so as not to be a second
// holder that exit never saw.
bool exit_started_locked(const Proc* p) {
  return p->stat == ProcStat::kZombie || (p->flags & P_WEXIT);
}

// One of p's live LWPs by thread id, or nullptr (the tree lock written and
// p->spin held: the LWP stays while either is).
const Lwp* thread_of_locked(const Proc* p, int tid) {
  const Lwp* lp = tidfind_locked(tid);
  return lp && lp->proc == p && lp->stat == LwpStat::kRun ? lp : nullptr;
}

// 0, or -ESRCH when the process is gone (with tid not 0: the process's
// thread tid is gone; what is the thread's then is that thread's).
int snapshot(int pid, uint64_t start_ns, Snapshot* s, Mem mem = Mem::kSkip, int tid = 0) {
  Filedesc* fdp = nullptr;
  Vmspace* vm = nullptr;
  {
    RmWriteGuard g(g_proctree_lock);
    Proc* p = find_locked(pid, start_ns);
    if (!p) return -ESRCH;
    s->pid = s->tgid = p->pid;
    s->ppid = p->pptr ? p->pptr->pid : 0;
    s->pgid = p->pgrp ? p->pgrp->pgid : 0;
    s->sid = p->pgrp ? p->pgrp->session->sid : 0;
    s->start_ns = p->start_ns;
    s->nice = p->copy.nice;
    SpinGuard g2(p->spin);
    const Lwp* only = nullptr;
    if (tid) {
      only = thread_of_locked(p, tid);
      if (!only) return -ESRCH;
      s->pid = tid;
      s->nice = only->copy.nice;
    }
    bool zombie = p->stat == ProcStat::kZombie;
    s->state = state_letter_locked(p, only);
    s->nthreads = zombie ? 1 : p->nthreads();
    const Ucred* cr = p->ucred();
    s->ngroups = 0;
    for (int i = 0; i < 4; ++i) s->uid[i] = s->gid[i] = 0;
    if (cr) {
      s->uid[0] = cr->c.cr_ruid;
      s->uid[1] = cr->c.cr_uid;
      s->uid[2] = cr->suid;
      s->uid[3] = cr->fsuid;
      s->gid[0] = cr->rgid;
      s->gid[1] = cr->egid;
      s->gid[2] = cr->sgid;
      s->gid[3] = cr->fsgid;
      s->ngroups = cr->ngroups;
      for (int i = 0; i < cr->ngroups; ++i) s->groups[i] = cr->groups[i];
    }
    s->sig_blocked = s->sig_pending = s->sig_ignored = s->sig_caught = 0;
    s->cpus = 0;
    s->sig_shared = __atomic_load_n(&p->siglist, __ATOMIC_RELAXED);
    // The thread asked about, else the first (the one with the pid, as
    // Linux shows its leader's).
    const Lwp* first = only;
    for (tidnode* n = tidtree::first(p->core.p_tids.p_lwps); !only && n; n = tidtree::next(n)) {
      const Lwp* lp = lwp_of(n);
      if (!first || lp->gtid == p->pid) first = lp;
      if (lp->gtid == p->pid) break;
    }
    // The thread's name; a process's is its first thread's (Linux's
    // leader's comm: a child forked by a named thread has that thread's
    // name), a zombie's its program's.
    const Lwp* named = only ? only : first && first->gtid == p->pid ? first : nullptr;
    tine_strlcpy(s->comm, named ? named->copy.name : p->copy.comm, sizeof s->comm);
    if (first) {
      s->sig_blocked = __atomic_load_n(&first->copy.sigmask, __ATOMIC_RELAXED);
      s->sig_pending = __atomic_load_n(&first->siglist, __ATOMIC_RELAXED);
      s->cpus = first->thread ? __atomic_load_n(&first->thread->affinity, __ATOMIC_RELAXED) &
                                    sched_online_mask()
                              : 0;
    }
    if (const Sigacts* ps = zombie ? nullptr : p->sigacts())
      for (int sig = 1; sig <= kNsig; ++sig) {
        uint64_t h = __atomic_load_n(&ps->handler[sig], __ATOMIC_RELAXED);
        if (h == 1) s->sig_ignored |= uint64_t{1} << (sig - 1);
        if (h > 1) s->sig_caught |= uint64_t{1} << (sig - 1);
      }
    s->no_new_privs = (p->flags & P_NONEWPRIVS) != 0;
    tine_memset(s->limits, 0, sizeof s->limits);
    if (const Plimit* lim = p->limit()) tine_memcpy(s->limits, lim->c.pl_rlimit, sizeof s->limits);
    cpu_use_split(only ? lwp_cpu_use_locked(p, only) : proc_cpu_use_locked(p), &s->utime_ns,
                  &s->stime_ns);
    CpuUse children{};
    children.add_atomic_from(p->children_use);
    cpu_use_split(children, &s->cutime_ns, &s->cstime_ns);
    if (!zombie && p->args()) vc_contract::pargs_hold_requires(&p->args()->c);
    s->args =
        (!zombie && p->args()) ? reinterpret_cast<Pargs*>(pargs_hold(&p->args()->c)) : nullptr;
    fdp = exit_started_locked(p) ? nullptr : p->fd();
    if (fdp) vc_contract::fdshare_requires(&fdp->c);
    if (fdp) fdshare(&fdp->c);
    // As hold_space, without waiting for an exec (its space shows as 0).
    if (mem == Mem::kWant && !exit_started_locked(p) && !(p->flags & P_INEXEC) && p->vmref()) {
      vm = p->vmref()->vm;
      if (vm) vmspace_hold(vm);
    }
  }
  s->vsize = s->rss_pages = 0;
  if (vm) {
    VmUsage u = vm_usage(vm);
    s->vsize = u.mapped_bytes + kPageSize;  // and the signal page
    s->rss_pages = u.resident_pages;
    vmspace_release(vm);
  }
  s->umask = fdp ? __atomic_load_n(&fdp->cmask, __ATOMIC_RELAXED) : 0;
  s->fds = 0;
  if (fdp) {
    s->fds = fd_count_open(fdp);
    vc_contract::fddrop_requires(&fdp->c);
    if (fddrop(&fdp->c)) fd_destroy(fdp);
  }
  return 0;
}

void release(Snapshot* s) {
  if (s->args) vc_contract::pargs_drop_requires(&s->args->c);
  if (s->args && pargs_drop(&s->args->c)) kfree(s->args, M_SUBPROC);
  s->args = nullptr;
}

// Whether a reader (me, with file credentials cr) may look inside p (its
// memory map, its descriptors, its working and root directories): root
// (file-system uid 0), the process itself, or a reader whose file-system uid
// is p's real, effective and saved uid and whose file-system gid its real,
// effective and saved gid, while p is dumpable and not in the middle of an
// exec (Linux's ptrace read check with the file-system ids). p->spin held.
bool may_inspect_locked(const Proc* p, const Proc* me, const FsCred& cr) {
  if (cr.root() || p == me) return true;
  if (p->flags & (P_NODUMP | P_INEXEC)) return false;
  const Ucred* pc = p->ucred();
  return pc && pc->c.cr_ruid == cr.uid && pc->c.cr_uid == cr.uid && pc->suid == cr.uid &&
         pc->rgid == cr.gid && pc->egid == cr.gid && pc->sgid == cr.gid;
}

// The calling reader's file credentials (a kernel thread is root), taken
// before any process's lock (the reader may be the process looked at).
FsCred reader_cred() {
  Proc* me = curproc();
  return me ? proc_fscred(me) : FsCred{0, 0};
}

// may_inspect_locked for process pid: 0, -EACCES, or -ESRCH when it is gone.
int may_inspect(int pid, uint64_t start_ns) {
  FsCred cr = reader_cred();
  RmWriteGuard g(g_proctree_lock);
  Proc* p = find_locked(pid, start_ns);
  if (!p) return -ESRCH;
  SpinGuard g2(p->spin);
  return may_inspect_locked(p, curproc(), cr) ? 0 : -EACCES;
}

// The process's descriptor table, held (release with drop_table), in *out:
// nullptr once it is exiting or a zombie (exit_started_locked). The reader's
// right to it is checked again under the same locks (an exec may have made
// the process another's since a may_inspect). 0, -EACCES or -ESRCH.
int hold_table(int pid, uint64_t start_ns, Filedesc** out) {
  *out = nullptr;
  FsCred cr = reader_cred();
  RmWriteGuard g(g_proctree_lock);
  Proc* p = find_locked(pid, start_ns);
  if (!p) return -ESRCH;
  SpinGuard g2(p->spin);
  if (!may_inspect_locked(p, curproc(), cr)) return -EACCES;
  Filedesc* fdp = exit_started_locked(p) ? nullptr : p->fd();
  if (fdp) vc_contract::fdshare_requires(&fdp->c);
  if (fdp) fdshare(&fdp->c);
  *out = fdp;
  return 0;
}

void drop_table(Filedesc* fdp) {
  if (fdp) vc_contract::fddrop_requires(&fdp->c);
  if (fdp && fddrop(&fdp->c)) fd_destroy(fdp);
}

// The process's address space, held (vmspace_release it with no spinlock
// held), in *out: nullptr once it is exiting or a zombie. 0, or -ESRCH.
//
// While neither P_WEXIT nor P_INEXEC is set the process is one of its
// space's users, so the space cannot go under Proc::spin: it goes when its
// last user exits (exit sets P_WEXIT under Proc::spin first) and is
// replaced in place by exec (which sets P_INEXEC under Proc::spin first and
// clears it once the new space is in); rfork's unsharing swaps p_vmspace
// under Proc::spin itself. The reference taken here keeps the space once the
// lock is dropped. An exec in progress is waited for, a millisecond at a
// time (200 at most: then there is nothing to show). -EACCES: the reader may
// not look inside it (may_inspect_locked).
int hold_space(int pid, uint64_t start_ns, Vmspace** out) {
  *out = nullptr;
  FsCred cr = reader_cred();
  for (int tries = 0;; ++tries) {
    {
      RmWriteGuard g(g_proctree_lock);
      Proc* p = find_locked(pid, start_ns);
      if (!p) return -ESRCH;
      SpinGuard g2(p->spin);
      if (exit_started_locked(p)) return 0;
      if (!(p->flags & P_INEXEC)) {
        // Checked again with the space (an exec may have made it another's).
        if (!may_inspect_locked(p, curproc(), cr)) return -EACCES;
        VmRef* vr = p->vmref();
        Vmspace* vm = vr ? vr->vm : nullptr;
        if (vm) vmspace_hold(vm);
        *out = vm;
        return 0;
      }
    }
    Lwp* me = curlwp();
    if (tries >= 200 || (me && lwp_should_stop(me))) return 0;  // nothing to show now
    thread_sleep_ns(1000000);
  }
}

ProcNode* node_new(Kind kind, VType type, uint32_t mode, int pid, uint64_t start_ns, uint32_t uid,
                   int fd = -1, int tid = 0) {
  auto* n = static_cast<ProcNode*>(kmalloc(sizeof(ProcNode), M_PROCFS, M_WAITOK | M_ZERO));
  if (!n) return nullptr;
  new (n) ProcNode();
  vnode_init(n, g_mount, type, mode, &kProcOps);
  n->kind = kind;
  n->pid = pid;
  n->fd = fd;
  n->tid = tid;
  n->start_ns = start_ns;
  n->uid = uid;
  n->ino = ino_of(kind, pid, fd, tid);
  if (type == VType::kDir) n->nlink = 2;
  return n;
}

bool parse_num(const char* name, size_t len, int max_digits, int* out) {
  if (len == 0 || len > static_cast<size_t>(max_digits) || (name[0] == '0' && len > 1))
    return false;
  int v = 0;
  for (size_t i = 0; i < len; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    v = v * 10 + (name[i] - '0');
  }
  *out = v;
  return true;
}

// An fd entry's mode, as Linux gives it: read and search for the owner if the
// file is open for reading, write and search if for writing.
uint32_t fd_mode(const File* fp) {
  uint32_t m = 0;
  if (fp->mode & kFileRead) m |= 0500;
  if (fp->mode & kFileWrite) m |= 0300;
  return m;
}

int lookup_fd(ProcNode* d, const char* name, size_t len, Vnode** out) {
  int fd;
  if (!parse_num(name, len, 5, &fd)) return -ENOENT;
  int e = may_inspect(d->pid, d->start_ns);
  if (e) return e == -ESRCH ? -ENOENT : e;
  Filedesc* fdp;
  if (hold_table(d->pid, d->start_ns, &fdp) != 0 || !fdp) return -ENOENT;
  File* fp = fget(fdp, fd);
  drop_table(fdp);
  if (!fp) return -ENOENT;
  uint32_t mode = fd_mode(fp);
  fdrop(fp);
  ProcNode* v = node_new(Kind::kFd, VType::kLnk, mode, d->pid, d->start_ns, d->uid, fd);
  if (!v) return -ENOMEM;
  *out = v;
  return 0;
}

// A thread's directory in a process's task directory, named by its thread id.
int lookup_tid(ProcNode* d, const char* name, size_t len, Vnode** out) {
  int tid;
  if (!parse_num(name, len, 6, &tid) || tid == 0) return -ENOENT;
  Snapshot s;
  if (snapshot(d->pid, d->start_ns, &s, Mem::kSkip, tid) != 0) return -ENOENT;
  release(&s);
  ProcNode* v = node_new(Kind::kTidDir, VType::kDir, 0555, d->pid, d->start_ns, s.uid[1], -1, tid);
  if (!v) return -ENOMEM;
  *out = v;
  return 0;
}

int proc_lookup(Vnode* dir, const char* name, size_t len, Vnode** out) {
  ProcNode* d = pn(dir);
  if (d->kind == Kind::kFdDir) return lookup_fd(d, name, len, out);
  if (d->kind == Kind::kTaskDir) return lookup_tid(d, name, len, out);
  const Dir* dt = dir_table(d->kind);
  if (!dt) return -ENOENT;
  for (size_t i = 0; i < dt->n; ++i) {
    const Entry& e = dt->entries[i];
    if (tine_strlen(e.name) != len || tine_memcmp(e.name, name, len) != 0) continue;
    uint32_t uid = 0;
    if (d->pid) {  // a process's or a thread's: its effective uid's, there while it is
      Snapshot s;
      if (snapshot(d->pid, d->start_ns, &s, Mem::kSkip, d->tid) != 0) return -ENOENT;
      uid = s.uid[1];
      release(&s);
    }
    ProcNode* v = node_new(e.kind, e.type, e.mode, d->pid, d->start_ns, uid, -1, d->tid);
    if (!v) return -ENOMEM;
    *out = v;
    return 0;
  }
  int pid;
  if (d->kind != Kind::kRoot || !parse_num(name, len, 6, &pid) || pid == 0) return -ENOENT;
  Snapshot s;
  if (snapshot(pid, 0, &s) != 0) return -ENOENT;
  release(&s);
  ProcNode* v = node_new(Kind::kPidDir, VType::kDir, 0555, pid, s.start_ns, s.uid[1]);
  if (!v) return -ENOMEM;
  *out = v;
  return 0;
}

// The smallest pid above `after` (0 if none).
int next_pid(int after) {
  RmWriteGuard g(g_proctree_lock);
  int best = 0;
  for (Proc* p = proc_all_first_locked(); p; p = proc_all_next_locked(p))
    if (p->pid > after && atomic_load_value(&p->stat, __ATOMIC_ACQUIRE) != ProcStat::kIdl &&
        (best == 0 || p->pid < best))
      best = p->pid;
  return best;
}

// The open descriptors of a process, listed a batch at a time (the table's
// lock is a spinlock; emit may fault on the reader's buffer).
int readdir_fds(ProcNode* d, uint64_t cookie, DirEmit emit, void* ctx) {
  Filedesc* fdp;
  if (hold_table(d->pid, d->start_ns, &fdp) != 0) return -ENOENT;
  if (!fdp) return 0;
  // The offset is the user's to set (lseek): one past a descriptor, or past them all.
  int from = 0;
  if (cookie >= kFirstCookie)
    from = cookie - kFirstCookie < uint64_t(kIntMax) ? static_cast<int>(cookie - kFirstCookie) + 1
                                                     : kIntMax;
  constexpr int kBatch = 32;
  int fds[kBatch];
  bool more = true;
  while (more) {
    int n = 0;
    {
      SpinGuard g(fdp->lock);
      int i = from;
      for (; i < fdp->used && n < kBatch; ++i)
        if (fdp->slots[i].fp) fds[n++] = i;
      more = i < fdp->used;
      from = i;
    }
    for (int k = 0; k < n; ++k) {
      char name[16];
      int len = tine_snprintf(name, sizeof name, "%d", fds[k]);
      if (!emit(ctx, ino_of(Kind::kFd, d->pid, fds[k]),
                kFirstCookie + static_cast<uint64_t>(fds[k]), DT_LNK, name,
                static_cast<size_t>(len))) {
        more = false;
        break;
      }
    }
  }
  drop_table(fdp);
  return 0;
}

// Process pid of start time start_ns, held (proc_drop_hold), or nullptr:
// found with the tree lock only read, as kill finds its target.
Proc* hold_process(int pid, uint64_t start_ns) {
  Proc* p = proc_by_id_hold(pid);
  if (p && (p->pid != pid || p->start_ns != start_ns ||
            atomic_load_value(&p->stat, __ATOMIC_ACQUIRE) == ProcStat::kIdl)) {
    proc_drop_hold(p);
    p = nullptr;
  }
  return p;
}

// A process's threads, a batch at a time (its spin is a spinlock; emit may
// fault on the reader's buffer), in the order of their ids within it, which
// give the offsets; each named by its thread id. Each batch resumes where
// the last ended (the tree's search, not a walk from the start).
int readdir_tids(ProcNode* d, uint64_t cookie, DirEmit emit, void* ctx) {
  constexpr int kBatch = 16;
  struct {
    int local, gtid;
  } batch[kBatch];
  for (;;) {
    // Threads whose offset kFirstCookie + local id is past the cookie.
    int after = cookie < kFirstCookie ? -1
                : cookie - kFirstCookie >= static_cast<uint64_t>(LWP_TID_MAX)
                    ? LWP_TID_MAX
                    : static_cast<int>(cookie - kFirstCookie);
    int n = 0;
    bool more = false;
    Proc* p = hold_process(d->pid, d->start_ns);
    if (!p) return 0;
    {
      SpinGuard g(p->spin);
      for (tidnode* t = tidtree::first_above(p->core.p_tids.p_lwps, after); t;
           t = tidtree::next(t)) {
        const Lwp* lp = lwp_of(t);
        if (lp->stat != LwpStat::kRun) continue;
        if (n == kBatch) {
          more = true;
          break;
        }
        batch[n++] = {lp->tid(), lp->gtid};
      }
    }
    proc_drop_hold(p);
    for (int k = 0; k < n; ++k) {
      char name[16];
      int len = tine_snprintf(name, sizeof name, "%d", batch[k].gtid);
      cookie = kFirstCookie + static_cast<uint64_t>(batch[k].local);
      if (!emit(ctx, ino_of(Kind::kTidDir, d->pid, -1, batch[k].gtid), cookie, DT_DIR, name,
                static_cast<size_t>(len)))
        return 0;
    }
    if (!more) return 0;
  }
}

// The kind of directory d's ".." is (the root's own is the root).
Kind parent_kind(const ProcNode* d) {
  if (d->kind == Kind::kFdDir || d->kind == Kind::kTaskDir) return Kind::kPidDir;
  const Dir* dt = dir_table(d->kind);
  return dt ? dt->parent : Kind::kRoot;
}

int proc_readdir(Vnode* dir, uint64_t cookie, DirEmit emit, void* ctx) {
  ProcNode* d = pn(dir);
  if (d->kind == Kind::kFdDir) {
    if (int e = may_inspect(d->pid, d->start_ns); e) return e == -ESRCH ? -ENOENT : e;
  }
  if (d->kind == Kind::kTaskDir) {  // a process that has gone has no threads to list
    Proc* p = hold_process(d->pid, d->start_ns);
    if (!p) return -ENOENT;
    proc_drop_hold(p);
  }
  Kind upk = parent_kind(d);
  uint64_t up = upk == Kind::kRoot ? g_mount->root->ino
                                   : ino_of(upk, d->pid, -1, upk == Kind::kTidDir ? d->tid : 0);
  if (cookie < 1 && !emit(ctx, d->ino, 1, DT_DIR, ".", 1)) return 0;
  if (cookie < 2 && !emit(ctx, up, 2, DT_DIR, "..", 2)) return 0;
  if (d->kind == Kind::kFdDir) return readdir_fds(d, cookie, emit, ctx);
  if (d->kind == Kind::kTaskDir) return readdir_tids(d, cookie, emit, ctx);
  const Dir* dt = dir_table(d->kind);
  if (!dt) return 0;
  for (size_t i = 0; i < dt->n; ++i) {
    uint64_t c = kFirstCookie + i;
    if (c <= cookie) continue;
    const Entry& e = dt->entries[i];
    if (!emit(ctx, ino_of(e.kind, d->pid, -1, d->tid), c, vtype_dtype(e.type), e.name,
              tine_strlen(e.name)))
      return 0;
  }
  if (d->kind != Kind::kRoot) return 0;
  if (cookie >= kPidCookie + kPidMax) return 0;  // past every pid (lseek)
  int pid = cookie > kPidCookie ? static_cast<int>(cookie - kPidCookie) : 0;
  char name[16];
  while ((pid = next_pid(pid)) != 0) {
    int len = tine_snprintf(name, sizeof name, "%d", pid);
    if (!emit(ctx, ino_of(Kind::kPidDir, pid, -1), kPidCookie + static_cast<uint64_t>(pid), DT_DIR,
              name, static_cast<size_t>(len)))
      break;
  }
  return 0;
}

Vnode* proc_parent(Vnode* dir) {
  ProcNode* d = pn(dir);
  if (d->kind == Kind::kRoot) return nullptr;
  Kind up = parent_kind(d);
  if (up == Kind::kRoot) return vref(g_mount->root);
  // A node of its own (nullptr when there is no memory: the walk up then
  // stops here).
  return node_new(up, VType::kDir, 0555, d->pid, d->start_ns, d->uid, -1,
                  up == Kind::kTidDir ? d->tid : 0);
}

int proc_name_in(Vnode* dir, Vnode* child, char* buf, size_t n) {
  ProcNode* d = pn(dir);
  ProcNode* c = pn(child);
  int len = -ENOENT;
  const Dir* dt = dir_table(d->kind);
  const Entry* e = dt && c->pid == d->pid && c->tid == d->tid ? entry_in(dt, c->kind) : nullptr;
  if (d->kind == Kind::kRoot && c->kind == Kind::kPidDir)
    len = tine_snprintf(buf, n, "%d", c->pid);
  else if (d->kind == Kind::kFdDir && c->pid == d->pid && c->kind == Kind::kFd)
    len = tine_snprintf(buf, n, "%d", c->fd);
  else if (d->kind == Kind::kTaskDir && c->pid == d->pid && c->kind == Kind::kTidDir)
    len = tine_snprintf(buf, n, "%d", c->tid);
  else if (e)
    len = tine_snprintf(buf, n, "%s", e->name);
  if (len < 0) return len;
  return static_cast<size_t>(len) < n ? len : -ERANGE;
}

// The path of a node of kind k (procfs is mounted on /proc): the length it
// would have, as snprintf's.
int kind_path(Kind k, int pid, int tid, char* buf, size_t n) {
  if (k == Kind::kRoot) return tine_snprintf(buf, n, "/proc");
  if (k == Kind::kPidDir) return tine_snprintf(buf, n, "/proc/%d", pid);
  if (k == Kind::kTidDir) return tine_snprintf(buf, n, "/proc/%d/task/%d", pid, tid);
  const Dir* holder = holder_of(k, tid != 0);
  const Entry* e = holder ? entry_in(holder, k) : nullptr;
  if (!e) return -ENOENT;
  int len = kind_path(holder->dir, pid, tid, buf, n);
  if (len < 0 || static_cast<size_t>(len) >= n) return len;
  int more = tine_snprintf(buf + len, n - static_cast<size_t>(len), "/%s", e->name);
  return more < 0 ? more : len + more;
}

int proc_node_path(ProcNode* p, char* buf, size_t n) {
  if (p->kind == Kind::kFd) return tine_snprintf(buf, n, "/proc/%d/fd/%d", p->pid, p->fd);
  return kind_path(p->kind, p->pid, p->tid, buf, n);
}

// What an open file's link reads as (the namespace lock held shared): its
// path, pipe:[N] for a pipe, socket:[N] for a socket, or for a node no name was found for (removed,
// or past the search's bounds) its file system and inode number, as Linux
// names files of no path. Its length, cut to n - 1 (buf gets a NUL).
int vnode_link_text(Vnode* v, char* buf, size_t n) {
  int len;
  if (v->mount == g_mount)
    len = proc_node_path(pn(v), buf, n);
  else if ((len = vfs_name_locked(v, buf, n)) < 0)
    len = tine_snprintf(buf, n, "%s:[%lu]%s", v->mount ? v->mount->type : "anon_inode", v->ino,
                        v->nlink == 0 ? " (deleted)" : "");
  return static_cast<size_t>(len) < n ? len : static_cast<int>(n - 1);
}

int file_link_text(File* fp, char* buf, size_t n) {
  if (fp->vnode) return vnode_link_text(fp->vnode, buf, n);
  linux_stat st;
  int len;
  uint32_t type = file_stat(fp, &st) == 0 ? st.st_mode & S_IFMT : 0;
  if (type == S_IFIFO)
    len = tine_snprintf(buf, n, "pipe:[%lu]", st.st_ino);
  else if (type == S_IFSOCK)
    len = tine_snprintf(buf, n, "socket:[%lu]", st.st_ino);
  else
    len = tine_snprintf(buf, n, "anon_inode:[unknown]");
  return static_cast<size_t>(len) < n ? len : static_cast<int>(n - 1);
}

// The target of an fd, cwd or root link into buf (kPathMax bytes): its
// length, or -errno (-ENOENT once the process or the descriptor is gone).
int link_target(ProcNode* p, char* buf, size_t n) {
  if (int e = may_inspect(p->pid, p->start_ns); e) return e == -ESRCH ? -ENOENT : e;
  Filedesc* fdp;
  if (hold_table(p->pid, p->start_ns, &fdp) != 0 || !fdp) return -ENOENT;
  int r = -ENOENT;
  if (p->kind == Kind::kFd) {
    if (File* fp = fget(fdp, p->fd)) {
      r = file_link_text(fp, buf, n);
      fdrop(fp);
    }
  } else {
    Vnode* dir = p->kind == Kind::kCwd ? fd_cwd_hold(fdp) : fd_root_hold(fdp);
    r = vnode_link_text(dir, buf, n);
    vrele(dir);
  }
  drop_table(fdp);
  return r;
}

// Whether a /proc link is one of the process's open objects (fd/N, cwd, root).
bool names_open_object(Kind k) { return k == Kind::kFd || k == Kind::kCwd || k == Kind::kProcRoot; }

// fd/N, cwd and root as Linux's magic links: a lookup through one reaches
// what it names, not its text (a file removed since, a pipe): the same
// checks as a readlink of it (may_inspect), then the open File's vnode, or
// the File itself when it has none and the lookup wants it, or the working
// or root directory. Other links (self, exe) are followed by their text.
int proc_magic(Vnode* v, bool want_file, Vnode** vp, File** fp) {
  ProcNode* p = pn(v);
  if (!names_open_object(p->kind)) return 0;
  if (int e = may_inspect(p->pid, p->start_ns); e) return e == -ESRCH ? -ENOENT : e;
  Filedesc* fdp;
  if (hold_table(p->pid, p->start_ns, &fdp) != 0 || !fdp) return -ENOENT;
  int r = 0;
  if (p->kind == Kind::kCwd) {
    *vp = fd_cwd_hold(fdp);
  } else if (p->kind == Kind::kProcRoot) {
    *vp = fd_root_hold(fdp);
  } else if (File* f = fget(fdp, p->fd)) {
    if (f->vnode) {
      *vp = vref(f->vnode);
      fdrop(f);
    } else if (want_file) {
      *fp = f;
    } else {
      fdrop(f);
    }
  } else {
    r = -ENOENT;
  }
  drop_table(fdp);
  return r;
}

int proc_readlink(Vnode* v, char* buf, size_t n) {
  ProcNode* p = pn(v);
  if (p->kind == Kind::kSelf) {
    Proc* me = curproc();
    if (!me) return -ENOENT;
    char tmp[16];
    int len = tine_snprintf(tmp, sizeof tmp, "%d", me->pid);
    size_t m = static_cast<size_t>(len) < n ? static_cast<size_t>(len) : n;
    tine_memcpy(buf, tmp, m);
    return static_cast<int>(m);
  }
  if (names_open_object(p->kind)) {
    char* tmp = static_cast<char*>(kmalloc(kPathMax, M_TEMP, M_WAITOK));
    if (!tmp) return -ENOMEM;
    int len = link_target(p, tmp, kPathMax);
    if (len >= 0) {
      if (static_cast<size_t>(len) > n) len = static_cast<int>(n);
      tine_memcpy(buf, tmp, static_cast<size_t>(len));
    }
    kfree(tmp, M_TEMP);
    return len;
  }
  Snapshot s;
  if (snapshot(p->pid, p->start_ns, &s) != 0) return -ENOENT;
  int r = -ENOENT;
  if (s.args) {
    size_t m = s.args->exe_len < n ? s.args->exe_len : n;
    tine_memcpy(buf, s.args->exe(), m);
    r = static_cast<int>(m);
  }
  release(&s);
  return r;
}

// The part of a file's text that one read returns: the text is made from the
// start, the bytes before the read's offset are dropped as they come, and
// the rest kept up to the read's length (cap). Each formatted piece goes
// through a line buffer of its own, so it comes out the same at any offset.
constexpr size_t kLineMax = kPathMax + 256;
struct Text {
  char* buf;
  size_t cap;
  size_t len;
  uint64_t skip;  // bytes still to drop before the offset
  char* line;     // kLineMax bytes
  bool full() const { return len >= cap; }
  void put(const char* s, size_t n) {
    if (skip) {
      size_t d = skip < n ? static_cast<size_t>(skip) : n;
      s += d;
      n -= d;
      skip -= d;
    }
    size_t room = cap - len;
    if (n > room) n = room;
    tine_memcpy(buf + len, s, n);
    len += n;
  }
  void add(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
    if (full()) return;
    va_list ap;
    va_start(ap, fmt);
    int n = tine_vsnprintf(line, kLineMax, fmt, ap);
    va_end(ap);
    if (n > 0) put(line, static_cast<size_t>(n) < kLineMax ? static_cast<size_t>(n) : kLineMax - 1);
  }
};

// What /proc/version names as the compiler, as Linux does.
#if defined(__clang__)
constexpr char kCompiler[] = __VERSION__;
#else
constexpr char kCompiler[] = "gcc version " __VERSION__;
#endif

constexpr uint64_t kUserHz = 100;  // the unit of Linux's tick counts (AT_CLKTCK)
constexpr uint64_t kNsPerUserTick = 1000000000u / kUserHz;

// A CPU's time as /proc/stat shows it, in nanoseconds: its idle thread's run
// time is idle; the rest (busy) is split between user, nice and system in
// the ratio of the ticks that found it at EL0 (niced above 0, or not) or in
// the kernel, as the CPU time of a process is split (cpu_use_split). Linux's
// counters only grow, and readers (top, mpstat) take differences: so each
// part is kept from going below what was last shown for it (Linux's
// cputime_adjust does the same for a task's times), and the three still add
// up to the busy time.
struct CpuTimes {
  uint64_t user, nice, sys, idle;
};
LockClass g_cpu_shown_class{"procfs.cpu", kRankProcfsCpu};
SpinLock g_cpu_shown_lock{g_cpu_shown_class};
CpuTimes g_cpu_shown[arch::kMaxCpus];  // what was last shown (g_cpu_shown_lock)

uint64_t scale(uint64_t total, uint64_t part, uint64_t whole) {
  if (whole == 0) return 0;
  return (total / whole) * part + (total % whole) * part / whole;  // no overflow
}

// Splits `total` into a (ticks ta) and b (ticks tb), neither below what was
// shown (*pa, *pb, which sum to at most total), and records the split there.
void split_monotonic(uint64_t total, uint64_t ta, uint64_t tb, uint64_t* pa, uint64_t* pb) {
  uint64_t a = ta + tb ? scale(total, ta, ta + tb) : 0;
  if (a < *pa) a = *pa;
  uint64_t b = total - a;
  if (b < *pb) {
    b = *pb;
    a = total - b;
  }
  *pa = a;
  *pb = b;
}

// The CPU's times now, false if it is not online. Readers take turns, so
// each sees the CPU's figures later than the last one did.
bool cpu_times(unsigned cpu, CpuTimes* out) {
  SpinGuard g(g_cpu_shown_lock);
  SchedCpuStats s = sched_cpu_stats(cpu);  // its run queue's lock, under this one
  if (!s.online) return false;
  CpuTimes& shown = g_cpu_shown[cpu];
  uint64_t el0 = shown.user + shown.nice;
  if (s.busy_ns >= shown.sys + el0) {
    // Kernel against EL0 (all kernel until a tick has seen EL0), then EL0's two parts.
    split_monotonic(s.busy_ns, s.sys_ticks, s.user_ticks + s.nice_ticks, &shown.sys, &el0);
    split_monotonic(el0, s.user_ticks, s.nice_ticks, &shown.user, &shown.nice);
  }
  if (s.idle_ns > shown.idle) shown.idle = s.idle_ns;
  *out = shown;
  return true;
}

// The realtime second the counter started at, as set clocks make it
// (Linux's btime); 0 when the time set is earlier than the time since boot.
uint64_t boot_time_s() {
  int64_t off = realtime_offset_ns();
  return off > 0 ? static_cast<uint64_t>(off) / 1000000000u : 0;
}

// /proc/stat: CPU time per CPU in USER_HZ ticks (user, nice, system, idle;
// iowait, irq, softirq, steal and guest time tine does not tell apart or
// have: 0), then the interrupts, switches, boot time, tasks made and tasks
// runnable.
void text_sys_stat(Text* t) {
  CpuTimes rows[arch::kMaxCpus] = {};
  bool online[arch::kMaxCpus] = {};
  CpuTimes all = {};
  uint64_t irqs = 0;
  for (unsigned c = 0; c < arch::kMaxCpus; ++c) {
    CpuTimes ns;
    if (!cpu_times(c, &ns)) continue;
    online[c] = true;
    rows[c] = {ns.user / kNsPerUserTick, ns.nice / kNsPerUserTick, ns.sys / kNsPerUserTick,
               ns.idle / kNsPerUserTick};
    all.user += rows[c].user;
    all.nice += rows[c].nice;
    all.sys += rows[c].sys;
    all.idle += rows[c].idle;
    irqs += __atomic_load_n(&g_cpus[c].irqs, __ATOMIC_RELAXED);
  }
  t->add("cpu  %lu %lu %lu %lu 0 0 0 0 0 0\n", all.user, all.nice, all.sys, all.idle);
  for (unsigned c = 0; c < arch::kMaxCpus; ++c)
    if (online[c])
      t->add("cpu%u %lu %lu %lu %lu 0 0 0 0 0 0\n", c, rows[c].user, rows[c].nice, rows[c].sys,
             rows[c].idle);
  // The total, then each interrupt number's count (the GIC's INTIDs).
  constexpr unsigned kIntids = 256;
  t->add("intr %lu", irqs);
  for (unsigned i = 0; i < kIntids; ++i) t->add(" %lu", irq_count(i));
  t->add("\n");
  ForkStats fs = fork_stats();
  t->add("ctxt %lu\nbtime %lu\nprocesses %lu\nprocs_running %u\nprocs_blocked 0\n",
         sched_counters().switches, boot_time_s(), fs.lwps_created, sched_runnable_count());
  t->add("softirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

// /proc/loadavg: the three averages (kernel/sched/loadavg.h), the runnable
// and all threads, and the newest process's pid.
void text_loadavg(Text* t) {
  uint64_t l[3];
  loadavg_get(l);
  char avg[3][24];
  for (int i = 0; i < 3; ++i) {
    uint64_t a = l[i] + 65536 / 200;  // Linux rounds to the hundredth
    tine_snprintf(avg[i], sizeof avg[i], "%lu.%02lu", a >> 16, ((a & 0xffff) * 100) >> 16);
  }
  uint64_t threads = thread_counters().live;
  unsigned idle = cpus_online();  // the idle threads, which Linux does not count
  threads = threads > idle ? threads - idle : 0;
  int last = id_last_claimed();  // Linux's last pid, thread ids included
  t->add("%s %s %s %u/%lu %d\n", avg[0], avg[1], avg[2], sched_runnable_count(), threads, last);
}

// /proc/cpuinfo: arm64 Linux's, one block per online CPU from its MIDR_EL1.
// BogoMIPS is Linux's figure from the timer's frequency; Features are the
// capabilities programs are told of (AT_HWCAP: fp, asimd).
void text_cpuinfo(Text* t) {
  uint64_t hz = clock_frequency_hz();
  for (unsigned c = 0; c < arch::kMaxCpus; ++c) {
    if (!__atomic_load_n(&g_cpus[c].online, __ATOMIC_ACQUIRE)) continue;
    uint64_t midr = g_cpus[c].midr;
    t->add(
        "processor\t: %u\nBogoMIPS\t: %lu.%02lu\nFeatures\t: fp asimd\n"
        "CPU implementer\t: 0x%02lx\nCPU architecture: 8\nCPU variant\t: 0x%lx\n"
        "CPU part\t: 0x%03lx\nCPU revision\t: %lu\n\n",
        c, hz / 500000, hz / 5000 % 100, (midr >> 24) & 0xff, (midr >> 20) & 0xf,
        (midr >> 4) & 0xfff, midr & 0xf);
  }
}

// /proc/PID/maps: Linux's lines, one per region in address order: range,
// permissions (p or s), offset (a shared mapping's page in its object, else
// 0), device 00:00 and inode 0, then a name in column 74: the program's path
// for its image, [heap], [stack], /dev/zero (deleted) for shared anonymous
// memory (as Linux names it), and [sigpage] for the signal return page where
// no region covers it. The gap below the stack is no mapping and not shown.
void add_map_line(Text* t, uint64_t start, uint64_t end, unsigned prot, bool shared, uint64_t off,
                  const char* name, size_t name_len) {
  char head[96];
  int n =
      tine_snprintf(head, sizeof head, "%08lx-%08lx %c%c%c%c %08lx 00:00 0 ", start, end,
                    (prot & arch::kUProtRead) ? 'r' : '-', (prot & arch::kUProtWrite) ? 'w' : '-',
                    (prot & arch::kUProtExec) ? 'x' : '-', shared ? 's' : 'p', off);
  if (!name_len) {
    t->add("%s\n", head);
    return;
  }
  int pad = 73 - n;
  t->add("%s%*s%.*s\n", head, pad > 0 ? pad : 0, "", static_cast<int>(name_len), name);
}

int text_maps(ProcNode* p, Text* t) {
  if (int e = may_inspect(p->pid, p->start_ns); e) return e;
  Snapshot s;
  if (int e = snapshot(p->pid, p->start_ns, &s); e) return e;
  Vmspace* vm;
  int err = hold_space(p->pid, p->start_ns, &vm);
  if (err || !vm) {
    release(&s);
    return err;
  }
  constexpr unsigned kBatch = 64;
  auto* batch =
      static_cast<VmRegionView*>(kmalloc(kBatch * sizeof(VmRegionView), M_TEMP, M_WAITOK));
  if (!batch) {
    vmspace_release(vm);
    release(&s);
    return -ENOMEM;
  }
  const char* exe = s.args ? s.args->exe() : "";
  size_t exe_len = s.args ? s.args->exe_len : 0;
  bool sigpage_done = false;
  uint64_t from = 0;
  for (;;) {
    unsigned n = vm_regions_view(vm, from, batch, kBatch);
    for (unsigned i = 0; i < n && !t->full(); ++i) {
      const VmRegionView& r = batch[i];
      from = r.end;
      if (!sigpage_done && r.start > kSigpageVa) {
        add_map_line(t, kSigpageVa, kSigpageVa + kPageSize, arch::kUProtRead | arch::kUProtExec,
                     false, 0, "[sigpage]", 9);
        sigpage_done = true;
      }
      if (r.start <= kSigpageVa && kSigpageVa < r.end) sigpage_done = true;
      const char* name = nullptr;
      size_t len = 0;
      switch (r.kind) {
        case RegionKind::kGuard: continue;
        case RegionKind::kImage: name = exe, len = exe_len; break;
        case RegionKind::kHeap: name = "[heap]", len = 6; break;
        case RegionKind::kStack: name = "[stack]", len = 7; break;
        case RegionKind::kMmap:
          if (r.shared) name = "/dev/zero (deleted)", len = 19;
          break;
      }
      add_map_line(t, r.start, r.end, r.prot, r.shared, r.shared ? r.obj_pgoff * kPageSize : 0,
                   name, len);
    }
    if (n < kBatch || t->full()) break;
  }
  if (!sigpage_done && !t->full())
    add_map_line(t, kSigpageVa, kSigpageVa + kPageSize, arch::kUProtRead | arch::kUProtExec, false,
                 0, "[sigpage]", 9);
  kfree(batch, M_TEMP);
  vmspace_release(vm);
  release(&s);
  return 0;
}

// status's signal and capability lines, then the CPUs its first thread may
// run on (Linux's order and formats: masks in 16 hex digits, the CPUs as a
// hex mask and as a list of ranges).
void text_status_signals(Text* t, const Snapshot& s) {
  t->add("SigQ:\t%lu/%llu\n", charge_used(Charge::kSignals, s.uid[0]),
         s.limits[kRlimitSigpending].rlim_cur);
  t->add("SigPnd:\t%016lx\nShdPnd:\t%016lx\nSigBlk:\t%016lx\nSigIgn:\t%016lx\nSigCgt:\t%016lx\n",
         s.sig_pending, s.sig_shared, s.sig_blocked, s.sig_ignored, s.sig_caught);
  // Root's (any uid 0 permits, an effective 0 makes them effective) are
  // Linux 6.1's 41 capabilities; other uids have none.
  constexpr uint64_t kAllCaps = (uint64_t{1} << 41) - 1;
  bool permitted = s.uid[0] == 0 || s.uid[1] == 0 || s.uid[2] == 0;
  t->add(
      "CapInh:\t%016lx\nCapPrm:\t%016lx\nCapEff:\t%016lx\nCapBnd:\t%016lx\n"
      "CapAmb:\t%016lx\nNoNewPrivs:\t%d\nSeccomp:\t0\n",
      uint64_t{0}, permitted ? kAllCaps : 0, s.uid[1] == 0 ? kAllCaps : 0, kAllCaps, uint64_t{0},
      s.no_new_privs ? 1 : 0);
  t->add("Cpus_allowed:\t%x\nCpus_allowed_list:\t", s.cpus);
  bool first = true;
  for (unsigned c = 0; c < 32; ++c) {
    if (!(s.cpus & (1u << c))) continue;
    unsigned end = c;
    while (end + 1 < 32 && (s.cpus & (1u << (end + 1)))) ++end;
    t->add(first ? "%u" : ",%u", c);
    if (end > c) t->add("-%u", end);
    first = false;
    c = end;
  }
  t->add("\n");
}

// /proc/PID/limits: Linux's table of the sixteen limits.
void text_limits(Text* t, const Snapshot& s) {
  static const char* const kNames[VC_RLIM_NLIMITS][2] = {
      {"Max cpu time", "seconds"},        {"Max file size", "bytes"},
      {"Max data size", "bytes"},         {"Max stack size", "bytes"},
      {"Max core file size", "bytes"},    {"Max resident set", "bytes"},
      {"Max processes", "processes"},     {"Max open files", "files"},
      {"Max locked memory", "bytes"},     {"Max address space", "bytes"},
      {"Max file locks", "locks"},        {"Max pending signals", "signals"},
      {"Max msgqueue size", "bytes"},     {"Max nice priority", nullptr},
      {"Max realtime priority", nullptr}, {"Max realtime timeout", "us"}};
  t->add("%-25s %-20s %-20s %-10s\n", "Limit", "Soft Limit", "Hard Limit", "Units");
  for (int i = 0; i < VC_RLIM_NLIMITS; ++i) {
    const vc_rlimit& l = s.limits[i];
    if (l.rlim_cur == ~0ull)
      t->add("%-25s %-20s ", kNames[i][0], "unlimited");
    else
      t->add("%-25s %-20llu ", kNames[i][0], l.rlim_cur);
    if (l.rlim_max == ~0ull)
      t->add("%-20s ", "unlimited");
    else
      t->add("%-20llu ", l.rlim_max);
    if (kNames[i][1])
      t->add("%-10s\n", kNames[i][1]);
    else
      t->add("\n");
  }
}

int make_text(ProcNode* p, Text* t) {
  switch (p->kind) {
    case Kind::kMounts:
    case Kind::kPidMounts:
      t->add("tmpfs / tmpfs rw 0 0\nproc /proc proc rw,nosuid,nodev,noexec 0 0\n");
      return 0;
    case Kind::kMountinfo:
      // Linux's: mount id, parent's (the root's own), major:minor (st_dev),
      // root within the file system, mount point, options, "-", type,
      // source, the file system's options.
      t->add(
          "1 1 0:%u / / rw - tmpfs tmpfs rw\n2 1 0:%u / /proc rw,nosuid,nodev,noexec - proc proc "
          "rw\n",
          vfs_root()->mount->dev_minor, g_mount->dev_minor);
      return 0;
    case Kind::kBootCmdline: t->add("%s\n", kernel_bootargs()); return 0;
    case Kind::kFilesystems: t->add("nodev\ttmpfs\nnodev\tproc\n"); return 0;
    case Kind::kSwaps: t->add("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n"); return 0;
    case Kind::kOomScoreAdj: t->add("0\n"); return 0;
    case Kind::kLoginuid: t->add("4294967295"); return 0;  // unset; no newline (Linux's)
    case Kind::kSysHostname:
    case Kind::kSysDomainname: {
      char name[65];
      uts_name_get(p->kind == Kind::kSysHostname ? UtsName::kHost : UtsName::kDomain, name);
      name[64] = 0;
      t->add("%s\n", name);
      return 0;
    }
    case Kind::kSysOstype: t->add("%s\n", kUtsSysname); return 0;
    case Kind::kSysOsrelease: t->add("%s\n", kUtsRelease); return 0;
    case Kind::kSysKernelVersion: t->add("%s\n", kUtsVersion); return 0;
    case Kind::kSysPidMax: t->add("%d\n", kPidMax + 1); return 0;  // Linux's: one past the last pid
    case Kind::kSysFileMax: t->add("%lu\n", charge_rule(Charge::kFiles).max); return 0;
    case Kind::kSysNrOpen: t->add("%d\n", kNrOpen); return 0;
    case Kind::kUptime: {
      // Seconds since boot, and the seconds every CPU's idle thread ran, summed.
      uint64_t ns = clock_ns(), idle = 0;
      for (unsigned c = 0; c < arch::kMaxCpus; ++c) {
        SchedCpuStats s = sched_cpu_stats(c);
        if (s.online) idle += s.idle_ns;
      }
      t->add("%lu.%02lu %lu.%02lu\n", ns / 1000000000u, ns / 10000000u % 100, idle / 1000000000u,
             idle / 10000000u % 100);
      return 0;
    }
    case Kind::kMeminfo: {
      PageStats ps = page_stats();
      uint64_t kb = 4;
      uint64_t free = ps.free_pages + ps.pcp_pages;
      uint64_t files = charge_total(Charge::kFsUnits);
      t->add(
          "MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n"
          "Buffers:               0 kB\nCached:         %8lu kB\nShmem:          %8lu kB\n"
          "SReclaimable:          0 kB\nSwapTotal:             0 kB\nSwapFree:              0 kB\n",
          ps.managed_pages * kb, free * kb, free * kb, files * kb, files * kb);
      return 0;
    }
    case Kind::kSysStat: text_sys_stat(t); return 0;
    case Kind::kLoadavg: text_loadavg(t); return 0;
    case Kind::kCpuinfo: text_cpuinfo(t); return 0;
    case Kind::kVersion:
      t->add("%s version %s (tine@tine) (%s) %s\n", kUtsSysname, kUtsRelease, kCompiler,
             kUtsVersion);
      return 0;
    case Kind::kMaps: return text_maps(p, t);
    default: break;
  }
  Snapshot s;
  Mem mem = p->kind == Kind::kStat || p->kind == Kind::kStatus || p->kind == Kind::kStatm
                ? Mem::kWant
                : Mem::kSkip;
  if (int e = snapshot(p->pid, p->start_ns, &s, mem, p->tid); e) return e;
  uint64_t tick_ns = 1000000000u / kHz;
  switch (p->kind) {
    case Kind::kStat:
      // Linux's 52 fields; what tine does not keep is 0.
      t->add(
          "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %lu %lu %lu %lu %d %d %d 0 %lu %lu %lu "
          "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
          s.pid, s.comm, s.state, s.ppid, s.pgid, s.sid, s.utime_ns / tick_ns, s.stime_ns / tick_ns,
          s.cutime_ns / tick_ns, s.cstime_ns / tick_ns, 20 + s.nice, s.nice, s.nthreads,
          s.start_ns / tick_ns, s.vsize, s.rss_pages);
      break;
    case Kind::kStatus:
      t->add(
          "Name:\t%s\nUmask:\t%04o\nState:\t%c (%s)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
          "PPid:\t%d\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\n"
          "Groups:\t",
          s.comm, s.umask, s.state,
          s.state == 'Z'   ? "zombie"
          : s.state == 'R' ? "running"
          : s.state == 'T' ? "stopped"
                           : "sleeping",
          s.tgid, s.pid, s.ppid, s.uid[0], s.uid[1], s.uid[2], s.uid[3], s.gid[0], s.gid[1],
          s.gid[2], s.gid[3], s.fds);
      // Linux's: the groups separated by blanks, then a blank.
      for (int i = 0; i < s.ngroups; ++i) t->add(i ? " %u" : "%u", s.groups[i]);
      t->add(" \n");
      if (s.vsize)  // a zombie's or an exec's in progress are not shown (Linux: no space)
        t->add("VmSize:\t%8lu kB\nVmRSS:\t%8lu kB\n", s.vsize / 1024,
               s.rss_pages * kPageSize / 1024);
      t->add("Threads:\t%d\n", s.nthreads);
      text_status_signals(t, s);
      break;
    case Kind::kStatm: {
      // Linux's seven counts in pages: size, resident, shared, text, lib,
      // data, dt. tine keeps no split of the space: shared, text, lib and dt
      // are 0, data is the whole.
      uint64_t pages = s.vsize / kPageSize;
      t->add("%lu %lu 0 0 0 %lu 0\n", pages, s.rss_pages, pages);
      break;
    }
    case Kind::kLimits: text_limits(t, s); break;
    case Kind::kCmdline:
      if (s.args) t->put(s.args->data, s.args->args_len);
      break;
    case Kind::kComm: t->add("%s\n", s.comm); break;
    default: break;
  }
  release(&s);
  return 0;
}

constexpr size_t kReadMax = 64 * 1024;  // the most one read returns

int64_t proc_read(Vnode* v, uint64_t off, Uio* uio) {
  ProcNode* p = pn(v);
  size_t cap = uio->resid < kReadMax ? static_cast<size_t>(uio->resid) : kReadMax;
  if (cap == 0) return 0;
  auto* buf = static_cast<char*>(kmalloc(cap, M_TEMP, M_WAITOK));
  auto* line = buf ? static_cast<char*>(kmalloc(kLineMax, M_TEMP, M_WAITOK)) : nullptr;
  int err = -ENOMEM;
  if (line) {
    Text t{buf, cap, 0, off, line};
    err = make_text(p, &t);
    if (!err && t.len) err = uiomove(t.buf, t.len, uio);
  }
  if (line) kfree(line, M_TEMP);
  if (buf) kfree(buf, M_TEMP);
  return err;
}

// A write to a comm names the thread (PID/comm: the one whose id is the
// pid) with its first 15 bytes, a newline and all, as Linux's comm_write
// (the rest is taken and dropped): the thread's own process only (-EINVAL);
// the thread gone -ESRCH. The node's mode lets only the owner and root open
// it for writing.
int64_t comm_write(ProcNode* p, Uio* uio) {
  char name[16] = {};
  size_t n = uio->resid < sizeof name - 1 ? static_cast<size_t>(uio->resid) : sizeof name - 1;
  Uio peek = *uio;  // the write counts only once it is made (bytes moved are a write's)
  if (uiomove(name, n, &peek) != 0) return -EFAULT;
  Proc* me = curproc();
  RmWriteGuard g(g_proctree_lock);
  Proc* target = find_locked(p->pid, p->start_ns);
  if (!target) return -ESRCH;
  if (target != me) return -EINVAL;
  SpinGuard g2(target->spin);
  Lwp* lp = const_cast<Lwp*>(thread_of_locked(target, p->tid ? p->tid : p->pid));
  if (!lp) return -ESRCH;
  lwp_set_name_locked(target, lp, name);
  uio_skip(uio, uio->resid);
  return 0;
}

// Writes: a comm names a thread (comm_write); /proc/sys/kernel/hostname and
// domainname set the name (root: the node's mode lets no one else open them
// for writing), a write at offset 0 up to its first newline, 64 bytes at
// most, as Linux's proc_dostring (the rest of the write is taken and
// dropped); the rest of /proc takes no writes (-EINVAL).
int64_t proc_write(Vnode* v, uint64_t off, Uio* uio, const FsCred& cr) {
  ProcNode* p = pn(v);
  if (p->kind == Kind::kComm) return comm_write(p, uio);
  if (p->kind != Kind::kSysHostname && p->kind != Kind::kSysDomainname) return -EINVAL;
  if (!cr.root()) return -EPERM;
  if (off != 0) return -EINVAL;
  char name[64];
  size_t n = uio->resid < sizeof name ? static_cast<size_t>(uio->resid) : sizeof name;
  if (uiomove(name, n, uio) != 0) return -EFAULT;
  size_t len = 0;
  while (len < n && name[len] != '\n' && name[len] != 0) ++len;
  uts_name_set(p->kind == Kind::kSysHostname ? UtsName::kHost : UtsName::kDomain, name, len);
  uio_skip(uio, uio->resid);  // the rest of a longer write is taken, not kept (Linux cuts it)
  return 0;
}

// Truncating a /proc file (O_TRUNC, truncate) changes nothing and is no
// error, as Linux's proc_setattr: `echo x > /proc/self/comm` opens with it.
int proc_truncate(Vnode*, uint64_t, const FsCred&) { return 0; }

Vnode* proc_destroy(Vnode* v) {
  ProcNode* p = pn(v);
  p->~ProcNode();
  kfree(p, M_PROCFS);
  return nullptr;
}

const VnodeOps kProcOps = {
    proc_lookup,   proc_readdir, nullptr,      nullptr,       nullptr,   nullptr,
    nullptr,       proc_parent,  proc_name_in, proc_readlink, proc_read, proc_write,
    proc_truncate, proc_destroy, nullptr,      proc_magic,    nullptr,
};

}  // namespace

Mount* procfs_new(uint32_t dev_minor) {
  Mount* mp = mount_new(M_PROCFS, dev_minor, kProcSuperMagic, "proc");
  if (!mp) return nullptr;
  mp->synthetic = true;
  g_mount = mp;
  ProcNode* root = node_new(Kind::kRoot, VType::kDir, 0555, 0, 0, 0);
  if (!root) {
    kfree(mp, M_PROCFS);
    g_mount = nullptr;
    return nullptr;
  }
  mp->root = root;
  return mp;
}
