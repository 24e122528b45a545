// BSD file locks (flock(2)): whole-file advisory locks, shared or exclusive,
// held by an open file (a File: every descriptor dup'ed or inherited from the
// one that took it shares it), on the file it is open on (its node; a pipe's
// or socket's own object when it has no node), as Linux's.
//
// Lifetime: a lock lives in its File (File::flock) and in one bucket list of
// g_flocks, both under the one flock mutex; it goes with flock(LOCK_UN), with
// a change of its type, or when the File's last reference goes
// (file_close_last calls flock_release). So a lock never outlives its File,
// and the object it names (which the File holds) never goes before it.
#pragma once
#include <stdint.h>

struct File;

// flock(2)'s operations (Linux's values).
inline constexpr int LOCK_SH = 1, LOCK_EX = 2, LOCK_NB = 4, LOCK_UN = 8, LOCK_MAND = 32;

// Takes, changes or gives back fp's lock: op LOCK_SH, LOCK_EX (each with
// LOCK_NB or not) or LOCK_UN. A change gives the old lock back first, as
// Linux's (not atomic). 0; -EWOULDBLOCK (LOCK_NB) when another File's lock is
// in the way; -ERESTARTSYS when a signal ends the wait.
[[nodiscard]] int flock_file(File* fp, int op);
// fp's last reference went: its lock, if any, goes and its waiters wake.
void flock_release(File* fp);
