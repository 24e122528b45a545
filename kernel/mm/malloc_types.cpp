#include "kernel/mm/malloc_types.h"

#include "kernel/mm/lock_ranks.h"

LockClass g_malloc_type_class{"malloc_type", kRankMallocType};

MALLOC_DEFINE(M_TEMP, "temp", "short-lived buffers");
MALLOC_DEFINE(M_PROC, "proc", "process structures");
MALLOC_DEFINE(M_LWP, "lwp", "lwp structures");
MALLOC_DEFINE(M_SUBPROC, "subproc", "per-process substructures");
MALLOC_DEFINE(M_UCRED, "ucred", "credentials");
MALLOC_DEFINE(M_SIGACTS, "sigacts", "signal actions");
MALLOC_DEFINE(M_FILEDESC, "filedesc", "open file tables");
MALLOC_DEFINE(M_VMSPACE, "vmspace", "address spaces");
MALLOC_DEFINE(M_VMREF, "vmref", "processes' counted references to address spaces");
MALLOC_DEFINE(M_PGRP, "pgrp", "process groups");
MALLOC_DEFINE(M_SESSION, "session", "sessions");
MALLOC_DEFINE(M_ATFORK, "atfork", "at-fork callbacks");
MALLOC_DEFINE(M_THREAD, "thread", "kernel threads");
MALLOC_DEFINE_USE(M_KSTACK, "kstack", "kernel stacks", PageUse::KernelStack);
MALLOC_DEFINE_USE(M_PTABLE, "ptable", "page-table memory", PageUse::PageTable);

namespace {

// Registration is rare and never nests in another allocator lock: rank 0.
LockClass g_registry_class{"malloc_registry", 0};
constinit SpinLock g_registry_lock{g_registry_class};
MallocType* g_types = nullptr;  // pushed under g_registry_lock, read lock-free

bool same_name(const char* a, const char* b) {
  while (*a && *a == *b) ++a, ++b;
  return *a == *b;
}

}  // namespace

void malloc_type_register(MallocType* type) {
  if (__atomic_load_n(&type->registered, __ATOMIC_ACQUIRE)) return;
  SpinGuard g(g_registry_lock);
  if (type->registered) return;
  type->next = g_types;
  __atomic_store_n(&g_types, type, __ATOMIC_RELEASE);
  __atomic_store_n(&type->registered, true, __ATOMIC_RELEASE);
}

MallocType* malloc_type_find(const char* name) {
  for (MallocType* t = __atomic_load_n(&g_types, __ATOMIC_ACQUIRE); t; t = t->next)
    if (same_name(t->name, name)) return t;
  return nullptr;
}

void malloc_types_for_each(void (*fn)(MallocType& type, void* ctx), void* ctx) {
  for (MallocType* t = __atomic_load_n(&g_types, __ATOMIC_ACQUIRE); t; t = t->next) fn(*t, ctx);
}

MallocStats malloc_type_stats(MallocType* type) {
  SpinGuard g(type->lock);
  MallocStats s = type->stats;
  // Each CPU's magazine holds its share of the counts (kmalloc.cpp).
  for (const Magazine& m : type->mags) {
    s.inuse_objects += static_cast<uint64_t>(__atomic_load_n(&m.objects, __ATOMIC_RELAXED));
    s.inuse_bytes += static_cast<uint64_t>(__atomic_load_n(&m.bytes, __ATOMIC_RELAXED));
    s.total_allocs += __atomic_load_n(&m.allocs, __ATOMIC_RELAXED);
    s.total_frees += __atomic_load_n(&m.frees, __ATOMIC_RELAXED);
  }
  return s;
}

void malloc_type_reset_peak(MallocType* type) {
  MallocStats now = malloc_type_stats(type);
  SpinGuard g(type->lock);
  type->stats.peak_bytes = now.inuse_bytes;
  type->stats.peak_objects = now.inuse_objects;
}
