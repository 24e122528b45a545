// What the process layer reports: the objects alive, the fork statistics
// (fork_stats, for tine_proc) and ps on the console.
#include "kernel/console/kprintf.h"
#include "kernel/lib/format.h"
#include "kernel/proc/proc_internal.h"
#include "kernel/thread/thread.h"

uint64_t g_live[static_cast<int>(LiveCount::kCount)];

const char* proc_stat_name(ProcStat s) {
  switch (s) {
    case ProcStat::kIdl: return "SIDL";
    case ProcStat::kActive: return "SACTIVE";
    case ProcStat::kZombie: return "SZOMB";
  }
  return "?";
}

ForkStats fork_stats() {
  ForkStats s;
  s = g_fork_stats;
  s.procs_live = live_read(LiveCount::kProcs);
  s.lwps_live = live_read(LiveCount::kLwps);
  s.pgrps_live = live_read(LiveCount::kPgrps);
  s.sessions_live = live_read(LiveCount::kSessions);
  s.uidinfos_live = live_read(LiveCount::kUidinfos);
  s.ucreds_live = live_read(LiveCount::kUcreds);
  return s;
}

void proc_print_all() {
  RmWriteGuard g(g_proctree_lock);
  kprintf("  PID  PPID  PGID   SID  UID STAT    NLWP CPU  TIDS          COMM\n");
  for (Proc* p = proc_all_first_locked(); p; p = proc_all_next_locked(p)) {
    SpinGuard g2(p->spin);
    char tids[64];
    size_t n = 0;
    tids[0] = 0;
    int cpu = -1;
    for (tidnode* t = tidtree::first(p->core.p_tids.p_lwps); t && n + 8 < sizeof tids;
         t = tidtree::next(t)) {
      n += static_cast<size_t>(
          tine_snprintf(tids + n, sizeof tids - n, "%s%d", n ? "," : "", t->tid));
      if (Thread* th = lwp_of(t)->thread) cpu = static_cast<int>(th->cpu);
    }
    Ucred* cr = p->ucred();
    kprintf("%5d %5d %5d %5d %4u %-7s %4d %3d  %-13s %s\n", p->pid, p->pptr ? p->pptr->pid : -1,
            p->pgrp ? p->pgrp->pgid : -1, p->pgrp ? p->pgrp->session->sid : -1,
            cr ? cr->c.cr_ruid : 0, proc_stat_name(p->stat), p->nthreads(), cpu, tids,
            p->copy.comm);
  }
  // The seed's vmstat -f: forks by kind, with the pages of the address spaces
  // they copied or shared (heap and stack sizes).
  const ForkStats& s = g_fork_stats;
  auto rd = [](const uint64_t& c) { return __atomic_load_n(&c, __ATOMIC_RELAXED); };
  kprintf(
      "forks %lu (%lu pages), vforks %lu (%lu pages), rforks %lu (%lu pages), "
      "exit heuristics %lu\n",
      rd(s.forks), rd(s.forkpages), rd(s.vforks), rd(s.vforkpages), rd(s.rforks), rd(s.rforkpages),
      rd(s.exit_heuristics));
}
