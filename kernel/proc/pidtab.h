// The id space that pids, LWP thread ids (Linux's gettid), process group ids
// and session ids share, 1..kPidMax, and the lookups by id. An id is free
// while nothing uses it: no process (zombies included), no LWP, no group and
// no session, so a number a program holds never names something else while the
// thing it named lives. Everything here is under g_proctree_lock.
#pragma once

struct Proc;
struct Lwp;

// Marks id used once more / once less (a process, an LWP, a group or a session).
void id_use_locked(int id);
void id_unuse_locked(int id);
// An unused id after the last one handed out (wrapping to 2), not marked: the
// caller marks it (by linking what it names) before it lets the tree lock go.
// -1 when every id is in use.
int id_alloc_locked();

// Processes by pid (zombies included) and LWPs by thread id.
void pidhash_insert_locked(Proc* p);
void pidhash_remove_locked(Proc* p);
Proc* pfind_locked(int pid);
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
