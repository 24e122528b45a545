// The id space that pids, LWP thread ids (Linux's gettid), process group ids
// and session ids share, 1..kPidMax, and the lookups by id. An id is free
// while nothing uses it: no process (zombies included), no LWP, no group and
// no session, so a number a program holds never names something else while the
// thing it named lives. Everything here is under g_proctree_lock: the changes
// with it held either way (to read, they take a bucket's lock, and the counts
// of uses are atomic), the lookups with it written, or to read with the
// bucket's lock for those that hold what they find.
#pragma once

struct Proc;
struct Lwp;

// Marks id used once more / once less (a process, an LWP, a group or a session).
void id_use_locked(int id);
void id_unuse_locked(int id);
// An unused id after the last one handed out (wrapping to 2), claimed: used
// once, by what the caller will make it name. -1 when every id is in use.
// Lock-free: readers of the tree lock on every CPU claim ids side by side.
int id_claim_locked();
// The id claimed last (Linux's last pid in /proc/loadavg).
int id_last_claimed();

// Processes by pid (zombies included) and LWPs by thread id. A process goes
// in with its first LWP (if given: its thread id is the pid) and out with its
// last (if given and still hashed), under one bucket lock when they share it.
void idhash_insert_proc_locked(Proc* p, Lwp* first);
void idhash_remove_proc_locked(Proc* p, Lwp* last);
Proc* pfind_locked(int pid);
// The processes in bucket order: the first from bucket `from` on, the next.
Proc* pidhash_first_locked(unsigned from);
Proc* pidhash_next_locked(const Proc* p);
void tidhash_insert_locked(Lwp* lp);
void tidhash_remove_locked(Lwp* lp);
Lwp* tidfind_locked(int tid);
// The invariant checker's look at the thread-id hash: every LWP in it names
// its process and holds its id (a half-made or exited LWP leaves the hash
// before it lets go of either). The number of entries that do not.
int tidhash_check_locked();
// The process an id names: a pid, or the thread id of one of its live LWPs
// (as Linux's kill and prlimit take either).
Proc* proc_by_id_locked(int id);

// Lookups that hold what they find (PHOLD), for a caller that signals it
// without the tree lock written: each takes the tree lock to read and the
// id's bucket lock, and holds the process before it lets go of them, so a
// reaper (which unlinks the process from the hash first, then waits for
// its holds) cannot free it meanwhile. Give the hold back with
// proc_drop_hold.
//
// The process id names, as proc_by_id_locked; null if none.
Proc* proc_by_id_hold(int id);
// The LWP with thread id tid, as found under its bucket's lock: its process
// (held; null if no LWP has that id), its TID within the process, whether
// it had exited, and whether it was its zombie process's last LWP. The LWP
// itself is not held: look it up again in its process's TID set under
// Proc::spin before touching it.
struct TidOwner {
  Proc* proc = nullptr;
  int local_tid = -1;
  bool exited = false;
  bool zombie_leader = false;
};
TidOwner tid_owner_hold(int tid);
