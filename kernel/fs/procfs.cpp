// /proc: what `ps` and friends read, made up as it is read. The root lists
// `self` (a symbolic link to the reader's own directory), `mounts`, `meminfo`,
// `uptime` and a directory per process (zombies included), which holds
// `stat`, `status`, `cmdline`, `comm` and `exe` (a symbolic link to the
// program's path) in Linux's formats.
//
// Nodes other than the root are made by each lookup and freed with their
// last reference; each names its process by pid and start time, so a node
// of a process that is gone (or whose pid now names another) reads -ESRCH.
#include "kernel/fs/procfs.h"

#include <new>

#include "kernel/fs/charge.h"
#include "kernel/fs/uio.h"
#include "kernel/fs/vnode.h"
#include "kernel/lib/format.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/page_alloc.h"
#include "kernel/proc/pidtab.h"
#include "kernel/proc/proc.h"
#include "kernel/syscall/errno.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"
#include "kernel/verified/objects.h"

MALLOC_DEFINE(M_PROCFS, "procfs", "/proc nodes");

namespace {

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
  kExe
};

struct Entry {
  const char* name;
  Kind kind;
  VType type;
};
// The root's fixed entries, then a process directory's.
constexpr Entry kRootEntries[] = {{"self", Kind::kSelf, VType::kLnk},
                                  {"mounts", Kind::kMounts, VType::kReg},
                                  {"meminfo", Kind::kMeminfo, VType::kReg},
                                  {"uptime", Kind::kUptime, VType::kReg}};
constexpr Entry kPidEntries[] = {{"stat", Kind::kStat, VType::kReg},
                                 {"status", Kind::kStatus, VType::kReg},
                                 {"cmdline", Kind::kCmdline, VType::kReg},
                                 {"comm", Kind::kComm, VType::kReg},
                                 {"exe", Kind::kExe, VType::kLnk}};
constexpr uint64_t kFirstCookie = 3;  // 1 and 2 are "." and ".."
constexpr uint64_t kPidCookie = 100;  // a process directory's cookie: 100 + pid

struct ProcNode : Vnode {
  Kind kind;
  int pid;
  uint64_t start_ns;  // the process's, to tell a reused pid
};

ProcNode* pn(Vnode* v) {
  return static_cast<ProcNode*>(v);
}

Mount* g_mount;
extern const VnodeOps kProcOps;

// What a node shows of its process, copied out under the process's locks.
struct Snapshot {
  int pid, ppid, pgid, sid, nthreads;
  char state;
  char comm[32];
  uint32_t uid[4], gid[4];  // real, effective, saved, file-system
  int ngroups;
  uint32_t groups[kNgroupsMax];
  int8_t nice;
  uint64_t start_ns;
  uint64_t utime_ns, stime_ns, cutime_ns, cstime_ns;  // its CPU use and its reaped children's
  uint32_t umask;
  int fds;
  Pargs* args;  // held, or nullptr
};

Proc* find_locked(int pid, uint64_t start_ns) {
  Proc* p = pfind_locked(pid);
  if (!p || p->stat == ProcStat::kIdl) return nullptr;
  if (start_ns && p->start_ns != start_ns) return nullptr;
  return p;
}

// 0, or -ESRCH when the process is gone.
int snapshot(int pid, uint64_t start_ns, Snapshot* s) {
  Filedesc* fdp = nullptr;
  {
    SpinGuard g(g_proctree_lock);
    Proc* p = find_locked(pid, start_ns);
    if (!p) return -ESRCH;
    s->pid = p->pid;
    s->ppid = p->pptr ? p->pptr->pid : 0;
    s->pgid = p->pgrp ? p->pgrp->pgid : 0;
    s->sid = p->pgrp ? p->pgrp->session->sid : 0;
    s->start_ns = p->start_ns;
    tine_memcpy(s->comm, p->copy.comm, sizeof s->comm);
    s->comm[sizeof s->comm - 1] = 0;
    s->nice = p->copy.nice;
    SpinGuard g2(p->spin);
    bool zombie = p->stat == ProcStat::kZombie;
    s->state = zombie ? 'Z' : (p == curproc() ? 'R' : 'S');
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
    cpu_use_split(proc_cpu_use_locked(p), &s->utime_ns, &s->stime_ns);
    CpuUse children{};
    children.add_atomic_from(p->children_use);
    cpu_use_split(children, &s->cutime_ns, &s->cstime_ns);
    s->args =
        (!zombie && p->args()) ? reinterpret_cast<Pargs*>(pargs_hold(&p->args()->c)) : nullptr;
    fdp = zombie ? nullptr : p->fd();
    if (fdp) fdshare(&fdp->c);
  }
  s->umask = fdp ? __atomic_load_n(&fdp->cmask, __ATOMIC_RELAXED) : 0;
  s->fds = 0;
  if (fdp) {
    s->fds = fd_count_open(fdp);
    if (fddrop(&fdp->c)) fd_destroy(fdp);
  }
  return 0;
}

void release(Snapshot* s) {
  if (s->args && pargs_drop(&s->args->c)) kfree(s->args, M_SUBPROC);
  s->args = nullptr;
}

ProcNode* node_new(Kind kind, VType type, uint32_t mode, int pid, uint64_t start_ns, uint32_t uid) {
  auto* n = static_cast<ProcNode*>(kmalloc(sizeof(ProcNode), M_PROCFS, M_WAITOK | M_ZERO));
  if (!n) return nullptr;
  new (n) ProcNode();
  vnode_init(n, g_mount, type, mode, &kProcOps);
  n->kind = kind;
  n->pid = pid;
  n->start_ns = start_ns;
  n->uid = uid;
  // Stable numbers: the same file has the same inode each time it is looked up.
  n->ino = pid ? (static_cast<uint64_t>(pid) << 8) | static_cast<uint64_t>(kind)
               : static_cast<uint64_t>(kind) + 1;
  if (type == VType::kDir) n->nlink = 2;
  return n;
}

uint32_t mode_of(VType t) {
  return t == VType::kDir ? 0555 : t == VType::kLnk ? 0777 : 0444;
}

bool parse_pid(const char* name, size_t len, int* pid) {
  if (len == 0 || len > 6 || name[0] == '0') return false;
  int v = 0;
  for (size_t i = 0; i < len; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    v = v * 10 + (name[i] - '0');
  }
  *pid = v;
  return true;
}

int proc_lookup(Vnode* dir, const char* name, size_t len, Vnode** out) {
  ProcNode* d = pn(dir);
  const Entry* table = d->kind == Kind::kRoot ? kRootEntries : kPidEntries;
  size_t n = d->kind == Kind::kRoot ? sizeof kRootEntries / sizeof kRootEntries[0]
                                    : sizeof kPidEntries / sizeof kPidEntries[0];
  for (size_t i = 0; i < n; ++i) {
    if (tine_strlen(table[i].name) != len || tine_memcmp(table[i].name, name, len) != 0) continue;
    uint32_t uid = 0;
    if (d->kind == Kind::kPidDir) {
      Snapshot s;
      if (snapshot(d->pid, d->start_ns, &s) != 0) return -ENOENT;
      uid = s.uid[1];
      release(&s);
    }
    ProcNode* v =
        node_new(table[i].kind, table[i].type, mode_of(table[i].type), d->pid, d->start_ns, uid);
    if (!v) return -ENOMEM;
    *out = v;
    return 0;
  }
  int pid;
  if (d->kind != Kind::kRoot || !parse_pid(name, len, &pid)) return -ENOENT;
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
  SpinGuard g(g_proctree_lock);
  int best = 0;
  for (Proc* p = proc_all_first_locked(); p; p = p->all_next)
    if (p->pid > after && p->stat != ProcStat::kIdl && (best == 0 || p->pid < best)) best = p->pid;
  return best;
}

int proc_readdir(Vnode* dir, uint64_t cookie, DirEmit emit, void* ctx) {
  ProcNode* d = pn(dir);
  if (cookie < 1 && !emit(ctx, d->ino, 1, DT_DIR, ".", 1)) return 0;
  if (cookie < 2 && !emit(ctx, g_mount->root->ino, 2, DT_DIR, "..", 2)) return 0;
  const Entry* table = d->kind == Kind::kRoot ? kRootEntries : kPidEntries;
  size_t n = d->kind == Kind::kRoot ? sizeof kRootEntries / sizeof kRootEntries[0]
                                    : sizeof kPidEntries / sizeof kPidEntries[0];
  for (size_t i = 0; i < n; ++i) {
    uint64_t c = kFirstCookie + i;
    if (c <= cookie) continue;
    uint64_t ino = d->pid
                       ? (static_cast<uint64_t>(d->pid) << 8) | static_cast<uint64_t>(table[i].kind)
                       : static_cast<uint64_t>(table[i].kind) + 1;
    if (!emit(ctx, ino, c, vtype_dtype(table[i].type), table[i].name, tine_strlen(table[i].name)))
      return 0;
  }
  if (d->kind != Kind::kRoot) return 0;
  int pid = cookie > kPidCookie ? static_cast<int>(cookie - kPidCookie) : 0;
  char name[16];
  while ((pid = next_pid(pid)) != 0) {
    int len = tine_snprintf(name, sizeof name, "%d", pid);
    uint64_t ino = (static_cast<uint64_t>(pid) << 8) | static_cast<uint64_t>(Kind::kPidDir);
    if (!emit(ctx, ino, kPidCookie + static_cast<uint64_t>(pid), DT_DIR, name,
              static_cast<size_t>(len)))
      break;
  }
  return 0;
}

Vnode* proc_parent(Vnode* dir) {
  return pn(dir)->kind == Kind::kRoot ? nullptr : vref(g_mount->root);
}

int proc_name_in(Vnode* dir, Vnode* child, char* buf, size_t n) {
  if (pn(dir)->kind != Kind::kRoot || pn(child)->kind != Kind::kPidDir) return -ENOENT;
  int len = tine_snprintf(buf, n, "%d", pn(child)->pid);
  return static_cast<size_t>(len) < n ? len : -ERANGE;
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

// Text made into a kernel buffer.
struct Text {
  char* buf;
  size_t cap;
  size_t len;
  void add(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
    va_list ap;
    va_start(ap, fmt);
    if (len < cap) len += static_cast<size_t>(tine_vsnprintf(buf + len, cap - len, fmt, ap));
    va_end(ap);
    if (len > cap) len = cap;
  }
};

int make_text(ProcNode* p, Text* t) {
  switch (p->kind) {
    case Kind::kMounts:
      t->add("tmpfs / tmpfs rw 0 0\nproc /proc proc rw,nosuid,nodev,noexec 0 0\n");
      return 0;
    case Kind::kUptime: {
      uint64_t ns = clock_ns();
      t->add("%lu.%02lu 0.00\n", ns / 1000000000u, ns / 10000000u % 100);
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
          "SwapTotal:             0 kB\nSwapFree:              0 kB\n",
          ps.managed_pages * kb, free * kb, free * kb, files * kb, files * kb);
      return 0;
    }
    default:
      break;
  }
  Snapshot s;
  if (int e = snapshot(p->pid, p->start_ns, &s); e) return e;
  uint64_t tick_ns = 1000000000u / kHz;
  switch (p->kind) {
    case Kind::kStat:
      // Linux's 52 fields; what tine does not keep is 0.
      t->add(
          "%d (%s) %c %d %d %d 0 -1 0 0 0 0 0 %lu %lu %lu %lu %d %d %d 0 %lu 0 0 "
          "18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n",
          s.pid, s.comm, s.state, s.ppid, s.pgid, s.sid, s.utime_ns / tick_ns, s.stime_ns / tick_ns,
          s.cutime_ns / tick_ns, s.cstime_ns / tick_ns, 20 + s.nice, s.nice, s.nthreads,
          s.start_ns / tick_ns);
      break;
    case Kind::kStatus:
      t->add(
          "Name:\t%s\nUmask:\t%04o\nState:\t%c (%s)\nTgid:\t%d\nNgid:\t0\nPid:\t%d\n"
          "PPid:\t%d\nTracerPid:\t0\nUid:\t%u\t%u\t%u\t%u\nGid:\t%u\t%u\t%u\t%u\nFDSize:\t%d\n"
          "Groups:\t",
          s.comm, s.umask, s.state,
          s.state == 'Z'   ? "zombie"
          : s.state == 'R' ? "running"
                           : "sleeping",
          s.pid, s.pid, s.ppid, s.uid[0], s.uid[1], s.uid[2], s.uid[3], s.gid[0], s.gid[1],
          s.gid[2], s.gid[3], s.fds);
      // Linux's: the groups separated by blanks, then a blank.
      for (int i = 0; i < s.ngroups; ++i) t->add(i ? " %u" : "%u", s.groups[i]);
      t->add(" \nThreads:\t%d\n", s.nthreads);
      break;
    case Kind::kCmdline:
      if (s.args) {
        t->len = s.args->args_len < t->cap ? s.args->args_len : t->cap;
        tine_memcpy(t->buf, s.args->data, t->len);
      }
      break;
    case Kind::kComm:
      t->add("%s\n", s.comm);
      break;
    default:
      break;
  }
  release(&s);
  return 0;
}

int64_t proc_read(Vnode* v, uint64_t off, Uio* uio) {
  ProcNode* p = pn(v);
  constexpr size_t kCap = kPathMax + 32768;  // the arguments (kExecMaxStrings) and then some
  Text t{static_cast<char*>(kmalloc(kCap, M_TEMP, M_WAITOK)), kCap, 0};
  if (!t.buf) return -ENOMEM;
  int err = make_text(p, &t);
  if (!err && off < t.len) {
    size_t n = t.len - static_cast<size_t>(off);
    err = uiomove(t.buf + off, n, uio);
  }
  kfree(t.buf, M_TEMP);
  return err;
}

Vnode* proc_destroy(Vnode* v) {
  ProcNode* p = pn(v);
  p->~ProcNode();
  kfree(p, M_PROCFS);
  return nullptr;
}

const VnodeOps kProcOps = {
    proc_lookup, proc_readdir, nullptr,       nullptr,   nullptr, nullptr, nullptr,
    proc_parent, proc_name_in, proc_readlink, proc_read, nullptr, nullptr, proc_destroy,
};

}  // namespace

Mount* procfs_new(uint32_t dev_minor) {
  auto* mp = static_cast<Mount*>(kmalloc(sizeof(Mount), M_PROCFS, M_WAITOK | M_ZERO));
  if (!mp) return nullptr;
  mp->dev_minor = dev_minor;
  mp->magic = kProcSuperMagic;
  mp->type = "proc";
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
