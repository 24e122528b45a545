// Linux's futexes (docs/user-abi.md, "futex"): a thread sleeps on a 32-bit
// word of user memory while it holds an expected value, and is woken by
// FUTEX_WAKE on the same word; pthreads build mutexes, condition variables,
// barriers and pthread_join on them.
//
// A word is named by a key: the address space and the address (private
// futexes, and any futex on memory that is not a shared mapping), or the
// shared mapping's object and the word's offset in it, so processes that map
// the same MAP_SHARED memory at different addresses meet on it. A waiter lives
// on its own kernel stack, queued on one of 64 hash buckets, each with its own
// lock (ranks 320 + bucket, so requeue can hold two in index order): nothing
// a program does allocates kernel memory here.
#pragma once
#include <stdint.h>

struct SyscallArgs;
struct Lwp;

// futex(uaddr, op, val, timeout or val2, uaddr2, val3).
int64_t sys_futex(const SyscallArgs& a);

// FUTEX_WAKE of up to n waiters on the word at uaddr in the running process's
// space, as a shared (not FUTEX_PRIVATE_FLAG) wake: a thread's clear_child_tid
// and robust futexes at its exit. The number woken, or -errno.
int futex_wake_shared(uint64_t uaddr, int n);

// At an LWP's exit or exec, Linux's exit_robust_list: every futex on its
// robust list (set_robust_list) that it still owns gets FUTEX_OWNER_DIED and
// one waiter is woken. Walks at most 2,048 entries; stops at a bad pointer.
void futex_robust_list_release(Lwp* lp);

// CLOCK_REALTIME was set: waits for a realtime moment sleep again to where it
// falls now.
void futex_realtime_changed();

// Waiters asleep now, for the tests' leak checks.
uint64_t futex_waiters();
