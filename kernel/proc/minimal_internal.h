// Shared by the minimal process files (minimal_proc.cpp, minimal_fork.cpp).
#pragma once
#include "kernel/proc/minimal_proc.h"
#include "kernel/sync/spinlock.h"

extern SpinLock g_minproc_lock;
extern MinProc g_minproc_kernel;

MinProc* minproc_alloc(const char* name);
void minproc_free(MinProc* p);
// Frees a zombie for good: joins its thread, then frees it.
void minproc_reap(MinProc* p);
// Gives child a pid and puts it on parent's list (g_minproc_lock held); returns the pid.
int minproc_link_child_locked(MinProc* parent, MinProc* child);
// The kernel thread that will run u (an embryo: thread_start it); 0 or an errno.
int uthread_create(Uthread* u, Thread** out);
int uthread_main(void* arg);
