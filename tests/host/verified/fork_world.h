// A small world of processes for the verified core's host tests.
//
// It plays the part of the (future) process subsystem: it allocates and frees
// the counted objects, implements the C++ steps of fork (fork_hooks.h) with
// fault injection, checks each step's contract as it is called, and runs exit.
// One World is current at a time; the hooks find it through World::current().
#pragma once

#include <stdint.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "kernel/verified/check.h"
#include "kernel/verified/tidset.h"
#include "kernel/verified/vc_types.h"

namespace vctest {

enum Hook {
  kSigactsCopy,
  kFdInit,
  kFdCopy,
  kFdtolAlloc,
  kVmspaceCopy,
  kLwpAlloc,
  kHookCount,
};

const char* hook_name(Hook h);

struct TestLwp {
  tidnode node;  // first member: the node's address is the LWP's
  proc_core* proc = nullptr;
};

class World {
 public:
  explicit World(int maxproc = 64);
  ~World();
  World(const World&) = delete;
  World& operator=(const World&) = delete;

  static World* current();

  // Objects, each with one reference for the caller (which gives it to a
  // process or drops it with the matching put_*).
  uidinfo* get_uidinfo(vc_uid_t uid);  // the uid's record, held once more
  ucred* new_ucred(vc_uid_t uid);
  plimit* new_plimit(unsigned long long nproc_limit);
  pgrp* new_pgrp();
  pargs* new_pargs();

  // Process 1 of a user: fresh objects, one LWP, slot counted.
  proc_core* spawn(vc_uid_t uid, unsigned long long nproc_limit = VC_RLIM_INFINITY,
                   bool with_args = true);

  // fork1 as the process subsystem will call it: blank child storage, the
  // parent's leader record if the descriptor table will be shared, then
  // start_forked_proc's proc_rele; the storage is freed on failure.
  int fork(proc_core* parent, unsigned int flags, proc_core** child = nullptr);
  // rfork without RFPROC.
  int unshare(proc_core* p, unsigned int flags);
  // exec's replacements, as kernel/proc/exec_proc.cpp makes them: a space,
  // signal actions and a descriptor table of p's own where they were shared,
  // and new arguments.
  void exec(proc_core* p);
  // A new LWP in p (lwp_create) and its exit.
  int lwp_create(proc_core* p, int* tid);
  void lwp_exit(proc_core* p, int tid);
  // Exit and reap: every count p holds is given back, objects freed at zero.
  void exit(proc_core* p);
  // setuid: new credentials for uid; p's tasks and reference move to uid's
  // record (proc_uid_move) if that is another, as the kernel's install does.
  void setuid(proc_core* p, vc_uid_t uid);

  // The runtime checker over every live process.
  int check(vc_report* r);
  // No process of the table but `except` holds o: what the allocation hooks
  // promise of a new object ("holders(procs, n, kind, \result) == 0") and
  // fork_publish of the child's (fork_made_unheld); a test failure if not.
  void expect_unheld(const void* o, const proc_core* except) const;
  std::string check_message();

  // Fault injection: the nth call (1 = next) of hook h from now fails.
  void fail_nth(Hook h, int nth) { fail_at_[h] = calls_[h] + nth; }
  void clear_faults();
  int calls(Hook h) const { return calls_[h]; }
  std::vector<Hook> hook_log;  // hooks called, in order

  // The other C++ steps.
  bool signal_pending = false;
  int pgrp_locked = 0;  // fork_pgrp_lock minus fork_pgrp_unlock
  int pgrp_lock_calls = 0;
  int activations = 0;  // vmspace_activate calls
  int publishes = 0;    // fork_publish calls, each with the child's TID 0 in place
  int user_leaves = 0;  // vmspace_user_leave calls
  int core_locked = 0;  // proc_core_lock minus proc_core_unlock
  int discards = 0;     // fork_*_discard calls
  int destroys = 0;     // filedesc_destroy / vmspace_destroy calls
  // The books the proof keeps as ghost state (spec/fork.h), kept here in C++:
  // the group whose lock fork1 holds (vc_pgrp_held), and the objects the
  // steps made for the fork in progress that are neither discarded nor
  // handed over yet (vc_fork_made is their number).
  const pgrp* pgrp_held = nullptr;
  std::set<const void*> made;
  // vc_fork_signal_seen: fork_signal_pending said 1 in the fork in progress.
  bool signal_seen = false;
  // vc_fork_alloc_failed: an allocating step returned null in the fork in
  // progress (a fault injected).
  bool alloc_failed = false;

  // Live objects made by the world (leak check).
  size_t live_objects() const { return objects_.size(); }
  bool is_live(const void* o) const { return objects_.count(o) != 0; }

  proccount pc{};
  proccount lc{};  // the LWP count: each process's LWPs beyond its first
  std::vector<proc_core*> procs;
  std::map<proc_core*, std::vector<TestLwp*>> lwps;

  // Used by the hooks.
  bool take_fault(Hook h);
  template <typename T>
  T* make() {
    T* o = new T{};
    objects_.insert(o);
    return o;
  }
  template <typename T>
  void destroy(T* o) {
    objects_.erase(o);
    delete o;
  }
  void put_ucred(ucred* cr);  // drop a reference, freeing at zero

 private:
  void put_uidinfo(uidinfo* uip);
  std::set<const void*> objects_;
  std::map<vc_uid_t, uidinfo*> uidinfos_;
  int calls_[kHookCount] = {};
  int fail_at_[kHookCount] = {};
};

}  // namespace vctest
