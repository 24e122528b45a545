#include "kernel/mm/kmalloc.h"

#include <arch/cpu.h>

#include "kernel/cpu/percpu.h"
#include "kernel/lib/dlist.h"
#include "kernel/mm/poison.h"
#include "kernel/mm/quarantine.h"
#include "kernel/panic.h"

namespace {

bool g_ready = false;
constinit FaultPlan g_any_fault;

// A free object holds the next free object of its slab and a tag marking it
// free, so a second kfree is caught without walking the list in the common case.
struct FreeObject {
  FreeObject* next;
  uintptr_t tag;
};
static_assert(sizeof(FreeObject) <= kSizeClasses[0]);

uintptr_t free_tag(const void* obj) {
  return static_cast<uintptr_t>(0x6b667265656f626aull) ^ reinterpret_cast<uintptr_t>(obj);
}

// A quarantined object holds kPoisonFree throughout but for its second word,
// a tag like the free one, by which kfree recognises a second free cheaply.
// The first word stays poison: a counted object's reference count lives there.
struct QuarantinedHeader {
  uint64_t poison;
  uintptr_t tag;
};
static_assert(sizeof(QuarantinedHeader) <= kSizeClasses[0]);
constexpr size_t kTagOffset = offsetof(QuarantinedHeader, tag);

uintptr_t quarantine_tag(const void* obj) {
  return static_cast<uintptr_t>(0x71756172616e7469ull) ^ reinterpret_cast<uintptr_t>(obj);
}

// An object in a CPU's magazine holds this tag in its second word (cleared
// when it is handed out), so kfree catches a second free of it on any CPU:
// its own address inverted (one instruction; a user-space-looking value no
// kernel object keeps next to its first word by chance).
uintptr_t magazine_tag(const void* obj) { return ~reinterpret_cast<uintptr_t>(obj); }

// Free objects are poisoned for the host sanitizer; reading a link unpoisons it briefly.
FreeObject* next_free(FreeObject* o) {
  mm_unpoison(o, sizeof(FreeObject));
  FreeObject* n = o->next;
  mm_poison(o, sizeof(FreeObject));
  return n;
}

char* slab_base(const Page* slab) { return static_cast<char*>(page_to_virt(slab)); }
size_t slab_bytes(const Page* slab) { return kPageSize << slab->order; }
size_t slab_capacity(const Page* slab) { return slab_bytes(slab) / kSizeClasses[slab->size_class]; }

bool in_slab(const Page* slab, const void* p) {
  const char* c = static_cast<const char*>(p);
  return c >= slab_base(slab) && c < slab_base(slab) + slab_bytes(slab);
}

// A size class's list of slabs that have a free object (type lock held).
using SlabLinks = DList<&Page::next, &Page::prev>;

void account_alloc_locked(MallocType* t, size_t bytes) {
  MallocStats& s = t->stats;
  s.inuse_bytes += bytes;
  ++s.inuse_objects;
  ++s.total_allocs;
  // The peak counts what callers hold: less the objects in magazines.
  int64_t in_mags_bytes = 0, in_mags_objects = 0;
  for (const Magazine& m : t->mags) {
    in_mags_bytes += __atomic_load_n(&m.bytes, __ATOMIC_RELAXED);
    in_mags_objects += __atomic_load_n(&m.objects, __ATOMIC_RELAXED);
  }
  uint64_t held_bytes = s.inuse_bytes + static_cast<uint64_t>(in_mags_bytes);
  uint64_t held_objects = s.inuse_objects + static_cast<uint64_t>(in_mags_objects);
  if (held_bytes > s.peak_bytes) s.peak_bytes = held_bytes;
  if (held_objects > s.peak_objects) s.peak_objects = held_objects;
}

void account_free_locked(MallocType* t, size_t bytes) {
  MallocStats& s = t->stats;
  s.inuse_bytes -= bytes;
  --s.inuse_objects;
  ++s.total_frees;
}

void note_failure(MallocType* t, bool injected) {
  SpinGuard g(t->lock);
  ++t->stats.failures;
  if (injected) ++t->stats.injected_failures;
}

Page* new_slab_locked(MallocType* t, unsigned cls) {
  t->lock.assert_held();
  Page* s = page_alloc(kSlabOrder[cls], t->page_use);
  if (s == nullptr) return nullptr;
  s->kind = PageKind::Slab;
  s->owner = t;
  s->size_class = static_cast<uint8_t>(cls);
  s->inuse = 0;
  uint32_t size = kSizeClasses[cls];
  char* base = slab_base(s);
  FreeObject* head = nullptr;
  for (size_t i = slab_capacity(s); i-- > 0;) {
    FreeObject* o = reinterpret_cast<FreeObject*>(base + i * size);
    o->next = head;
    o->tag = free_tag(o);
    head = o;
  }
  mm_poison(base, slab_bytes(s));
  s->freelist = head;
  SlabList& l = t->slabs[cls];
  SlabLinks::push_front(l, s);
  ++l.slabs;
  ++l.empty;
  t->stats.pages += 1ull << s->order;
  ++t->stats.slabs;
  return s;
}

// Gives an empty slab, already off its list, back to the page allocator.
void release_slab_locked(MallocType* t, Page* s) {
  t->lock.assert_held();
  SlabList& l = t->slabs[s->size_class];
  --l.slabs;
  --l.empty;
  t->stats.pages -= 1ull << s->order;
  --t->stats.slabs;
  s->kind = PageKind::None;
  s->owner = nullptr;
  s->freelist = nullptr;
  page_free(s);
}

void* slab_alloc(MallocType* t, unsigned cls) {
  uint32_t size = kSizeClasses[cls];
  SpinGuard g(t->lock);
  SlabList& l = t->slabs[cls];
  Page* s = l.head;
  if (s == nullptr && (s = new_slab_locked(t, cls)) == nullptr) return nullptr;
  FreeObject* o = static_cast<FreeObject*>(s->freelist);
  KASSERT(o != nullptr);  // a slab on the list has a free object
  mm_unpoison(o, size);
  if (o->next != nullptr && !in_slab(s, o->next))
    panic("kmalloc: %s slab at %p has a corrupt free list", t->name,
          static_cast<void*>(slab_base(s)));
  s->freelist = o->next;
  o->next = nullptr;
  o->tag = 0;
  if (s->inuse++ == 0) --l.empty;
  if (s->freelist == nullptr) SlabLinks::unlink(l, s);  // full: off the list
  account_alloc_locked(t, size);
  return o;
}

bool on_free_list(const Page* s, FreeObject* target) {
  size_t limit = slab_capacity(s);
  for (FreeObject* o = static_cast<FreeObject*>(s->freelist); o && limit-- > 0; o = next_free(o))
    if (o == target) return true;
  return false;
}

void check_object_start(const MallocType* t, const Page* s, const void* ptr, uint32_t size) {
  size_t offset = static_cast<size_t>(static_cast<const char*>(ptr) - slab_base(s));
  if (offset % size != 0 || offset / size >= slab_capacity(s))
    panic("kfree: %p is not the start of a %s object", ptr, t->name);
}

// Panics if the object at ptr is free already: on its slab's free list, or in
// the quarantine (type lock held).
void check_not_free_locked(const MallocType* t, const Page* s, void* ptr) {
  FreeObject* o = static_cast<FreeObject*>(ptr);
  mm_unpoison(o, sizeof(FreeObject));
  if (o->tag == free_tag(o) && on_free_list(s, o))
    panic("kfree: double free of %p (%s)", ptr, t->name);
  if (kMmPoisonBuilt && o->tag == quarantine_tag(o) && quarantine_find(o, nullptr))
    panic("kfree: double free of %p (%s): freed before, still in quarantine", ptr, t->name);
}

// Puts the object at ptr on its slab's free list (type lock held).
void push_free_locked(MallocType* t, Page* s, void* ptr, uint32_t size) {
  FreeObject* o = static_cast<FreeObject*>(ptr);
  mm_unpoison(o, sizeof(FreeObject));
  o->next = static_cast<FreeObject*>(s->freelist);
  o->tag = free_tag(o);
  mm_poison(o, size);
  bool was_full = s->freelist == nullptr;
  s->freelist = o;
  if (was_full) SlabLinks::push_front(t->slabs[s->size_class], s);
}

// One object fewer in use in slab s (type lock held). Once it is empty: keep
// one per class at the back of the list to absorb churn, free the rest.
void drop_use_locked(MallocType* t, Page* s) {
  SlabList& l = t->slabs[s->size_class];
  if (--s->inuse > 0) return;
  SlabLinks::unlink(l, s);
  ++l.empty;
  if (l.empty > 1)
    release_slab_locked(t, s);
  else
    SlabLinks::push_back(l, s);
}

// (kfree checked that ptr starts an object of s.)
void slab_free(MallocType* t, Page* s, void* ptr) {
  uint32_t size = kSizeClasses[s->size_class];
  SpinGuard g(t->lock);
  check_not_free_locked(t, s, ptr);
  push_free_locked(t, s, ptr, size);
  account_free_locked(t, size);
  drop_use_locked(t, s);
}

// --- Per-CPU magazines ---
//
// A freed slab object goes to its CPU's magazine of the type when that holds
// fewer than kMagazineSize objects of its class, and the next kmalloc of the
// class on that CPU takes it back, neither touching the type's lock, slabs or
// shared counters (a fork makes and frees half a dozen objects). The debug
// kernel's frees go to the quarantine instead while poisoning is on.
// Objects in magazines stay in use as far as their slabs know;
// kmalloc_drain_local gives them back.

bool magazines_on() { return !(kMmPoisonBuilt && mm_poison_enabled()); }

void add_relaxed(int64_t& v, int64_t d) {
  __atomic_store_n(&v, __atomic_load_n(&v, __ATOMIC_RELAXED) + d, __ATOMIC_RELAXED);
}
void add_relaxed(uint64_t& v, uint64_t d) {
  __atomic_store_n(&v, __atomic_load_n(&v, __ATOMIC_RELAXED) + d, __ATOMIC_RELAXED);
}

// An object of class cls from this CPU's magazine of t, or nullptr.
void* magazine_take(MallocType* t, unsigned cls) {
  uint64_t irq = arch::irq_save();
  Magazine& m = t->mags[cpu_index()];
  void* p = nullptr;
  if (m.n != 0 && m.cls == cls) {
    p = m.obj[--m.n];
    uint32_t size = kSizeClasses[cls];
    mm_unpoison(p, size);
    static_cast<FreeObject*>(p)->tag = 0;
    add_relaxed(m.objects, 1);
    add_relaxed(m.bytes, size);
    add_relaxed(m.allocs, 1);
  }
  arch::irq_restore(irq);
  return p;
}

// Whether ptr waits in a CPU's magazine of t. Another CPU's may change
// meanwhile: this only confirms what the tag says, for the panic (a live
// object may hold the tag's value by chance, or by a program's choice: ~its
// address looks like a user address).
bool in_a_magazine(MallocType* t, const void* ptr) {
  for (Magazine& m : t->mags) {
    unsigned n = __atomic_load_n(&m.n, __ATOMIC_RELAXED);
    for (unsigned i = 0; i < n && i < kMagazineSize; ++i)
      if (__atomic_load_n(&m.obj[i], __ATOMIC_RELAXED) == ptr) return true;
  }
  return false;
}

// Keeps ptr, an object of slab s, in this CPU's magazine of t; false when it is
// full or holds another class.
bool magazine_put(MallocType* t, Page* s, void* ptr) {
  unsigned cls = s->size_class;
  uint32_t size = kSizeClasses[cls];
  uint64_t irq = arch::irq_save();
  Magazine& m = t->mags[cpu_index()];
  auto* o = static_cast<FreeObject*>(ptr);
  mm_unpoison(o, sizeof(FreeObject));  // (a double free's object is poisoned)
  if (o->tag == magazine_tag(o) && in_a_magazine(t, ptr)) [[unlikely]]
    panic("kfree: double free of %p (%s): in a magazine", ptr, t->name);
  if (m.n == 0) m.cls = static_cast<uint8_t>(cls);
  // An object with the free tag is most likely on its slab's free list
  // already: slab_free looks, and reports the double free.
  bool kept = m.cls == cls && m.n < kMagazineSize && o->tag != free_tag(o);
  if (kept) {
    o->tag = magazine_tag(o);
    mm_poison(ptr, size);
    m.obj[m.n++] = ptr;
    add_relaxed(m.objects, -1);
    add_relaxed(m.bytes, -static_cast<int64_t>(size));
    add_relaxed(m.frees, 1);
  }
  arch::irq_restore(irq);
  return kept;
}

// Gives this CPU's magazine of t back to t's slabs (IRQs masked by the
// caller). Its objects were counted freed when they came in: now the slabs'
// count of them moves to the magazine's share.
void magazine_drain(MallocType& t, Magazine& m) {
  if (m.n == 0) return;
  SpinGuard g(t.lock);
  while (m.n != 0) {
    void* p = m.obj[--m.n];
    Page* s = page_head(virt_to_page(p));
    uint32_t size = kSizeClasses[s->size_class];
    push_free_locked(&t, s, p, size);
    t.stats.inuse_bytes -= size;
    --t.stats.inuse_objects;
    add_relaxed(m.objects, 1);
    add_relaxed(m.bytes, size);
    drop_use_locked(&t, s);
  }
}

// --- The quarantine (debug kernel) ---

// Compares a quarantined object with what kfree left in it: the poison and the tag.
QuarantineCheck check_quarantined(const QuarantinedObject& q) {
  QuarantineCheck c = {true, false, q.type->name, q.bytes, 0, 0};
  const uint8_t* b = static_cast<const uint8_t*>(q.ptr);
  uintptr_t tag = quarantine_tag(q.ptr);
  uint8_t want_tag[sizeof tag];
  __builtin_memcpy(want_tag, &tag, sizeof tag);
  mm_unpoison(b, q.bytes);
  size_t at = poison_find_damage(b, kTagOffset);
  while (at >= kTagOffset && at < kTagOffset + sizeof tag && b[at] == want_tag[at - kTagOffset])
    ++at;
  if (at == kTagOffset + sizeof tag) at += poison_find_damage(b + at, q.bytes - at);
  if (at < q.bytes) {
    c.damaged = true;
    c.offset = at;
    c.value = b[at];
  }
  mm_poison(b, q.bytes);
  return c;
}

// An object leaves the quarantine: checked, then back on its slab's free list.
void release_quarantined(const QuarantinedObject& q) {
  QuarantineCheck c = check_quarantined(q);
  if (c.damaged)
    panic("kmalloc: %s object %p was written after kfree: byte %zu of %u is %#x", c.type, q.ptr,
          c.offset, c.bytes, c.value);
  Page* s = page_head(virt_to_page(q.ptr));
  SpinGuard g(q.type->lock);
  --q.type->stats.quarantined_objects;
  q.type->stats.quarantined_bytes -= q.bytes;
  push_free_locked(q.type, s, q.ptr, q.bytes);
  drop_use_locked(q.type, s);
}

// kfree of a slab object in the debug kernel: poisoned and quarantined. (Two
// CPUs freeing the same object at once may both get past the double-free
// check; the second copy then fails the poison check when it leaves.)
void slab_quarantine(MallocType* t, Page* s, void* ptr) {
  uint32_t size = kSizeClasses[s->size_class];
  check_object_start(t, s, ptr, size);
  {
    SpinGuard g(t->lock);
    check_not_free_locked(t, s, ptr);
    account_free_locked(t, size);
    ++t->stats.quarantined_objects;
    t->stats.quarantined_bytes += size;
  }
  poison_fill(ptr, size);
  static_cast<QuarantinedHeader*>(ptr)->tag = quarantine_tag(ptr);
  mm_poison(ptr, size);
  quarantine_add({ptr, t, size}, release_quarantined);
}

unsigned order_for_bytes(size_t size) {
  size_t pages = (size + kPageSize - 1) / kPageSize;
  unsigned order = 0;
  while ((1ull << order) < pages) ++order;
  return order;
}

void* large_alloc(MallocType* t, size_t size, unsigned flags) {
  if (size > kKmallocMaxSize) return nullptr;
  Page* p =
      page_alloc(order_for_bytes(size), t->page_use, (flags & M_ZERO) ? unsigned{kPageZero} : 0u);
  if (p == nullptr) return nullptr;
  p->kind = PageKind::Large;
  p->owner = t;
  SpinGuard g(t->lock);
  t->stats.pages += 1ull << p->order;
  account_alloc_locked(t, page_block_bytes(p));
  return page_to_virt(p);
}

void large_free(MallocType* t, Page* p, void* ptr) {
  if (ptr != page_to_virt(p)) panic("kfree: %p is inside a %s block, not its start", ptr, t->name);
  {
    SpinGuard g(t->lock);
    t->stats.pages -= 1ull << p->order;
    account_free_locked(t, page_block_bytes(p));
  }
  p->kind = PageKind::None;
  p->owner = nullptr;
  page_free(p);
}

void* try_alloc(MallocType* t, size_t size, unsigned flags) {
  if (size > kSlabMaxSize) return large_alloc(t, size, flags);
  unsigned cls = size_class_of(size);
  void* p = slab_alloc(t, cls);
  if (p && (flags & M_ZERO)) __builtin_memset(p, 0, kSizeClasses[cls]);
  return p;
}

size_t reclaim_type(MallocType& t) {
  SpinGuard g(t.lock);
  size_t freed = 0;
  for (SlabList& l : t.slabs) {
    for (Page* s = l.head; s;) {
      Page* next = s->next;
      if (s->inuse == 0) {
        freed += 1ull << s->order;
        SlabLinks::unlink(l, s);
        release_slab_locked(&t, s);
      }
      s = next;
    }
  }
  return freed;
}

void reset_type(MallocType& t, void*) {
  SpinGuard g(t.lock);
  t.stats = MallocStats{};
  for (SlabList& l : t.slabs) l = SlabList{};
  for (Magazine& m : t.mags) m = Magazine{};
  t.fault.clear();
}

// The head page of the kmalloc block holding ptr; panics on anything else.
Page* block_of(const void* ptr, const char* who) {
  Page* p = virt_to_page(ptr);
  if (p == nullptr) panic("%s: %p is not kernel heap memory", who, ptr);
  p = page_head(p);
  // (A charged user block passes this check, but its payer never matches
  // the type that kfree checks next.)
  if (page_state(p) != PageState::Allocated || p->kind == PageKind::None)
    panic("%s: %p was not returned by kmalloc", who, ptr);
  return p;
}

}  // namespace

void kmalloc_init() {
  KASSERT(page_alloc_ready());
  MallocType* builtin[] = {M_TEMP,    M_PROC,     M_LWP,     M_SUBPROC, M_UCRED,
                           M_SIGACTS, M_FILEDESC, M_VMSPACE, M_VMREF,   M_PGRP,
                           M_SESSION, M_ATFORK,   M_THREAD,  M_KSTACK,  M_PTABLE};
  for (MallocType* t : builtin) malloc_type_register(t);
  malloc_types_for_each(reset_type, nullptr);
  if (kMmPoisonBuilt) quarantine_reset();
  g_any_fault.clear();
  g_ready = true;
}

void* kmalloc(size_t size, MallocType* type, unsigned flags) {
  // Misuse of the interface is the debug kernel's to catch (a fork makes
  // half a dozen calls; the release kernel keeps the fast path short).
#ifdef TINE_DEBUG
  KASSERT(g_ready);
  KASSERT(type != nullptr);
  KASSERT((flags & ~(M_NOWAIT | M_WAITOK | M_ZERO)) == 0);
  KASSERT(((flags & M_WAITOK) != 0) != ((flags & M_NOWAIT) != 0));
#endif
  if (!__atomic_load_n(&type->registered, __ATOMIC_ACQUIRE)) [[unlikely]]
    malloc_type_register(type);
  if (fault_plans_armed()) [[unlikely]] {
    // Both plans count this attempt, whichever fires.
    bool inject = type->fault.should_fail();
    if (g_any_fault.should_fail()) inject = true;
    if (inject) {
      note_failure(type, true);
      return nullptr;
    }
  }
  if (size == 0) size = 1;
  if (size <= kSlabMaxSize && magazines_on()) {
    unsigned cls = size_class_of(size);
    if (void* p = magazine_take(type, cls)) {
      if (flags & M_ZERO) __builtin_memset(p, 0, kSizeClasses[cls]);
      return p;
    }
  }
  void* p = try_alloc(type, size, flags);
  if (p == nullptr && (flags & M_WAITOK) && size <= kKmallocMaxSize) {
    // The page allocator already emptied the per-CPU caches; add the
    // quarantine and the empty slabs.
    size_t released = kmalloc_quarantine_drain();
    if (kmalloc_reclaim() > 0 || released > 0) p = try_alloc(type, size, flags);
  }
  if (p == nullptr) note_failure(type, false);
  return p;
}

void kfree(void* ptr, MallocType* type) {
  if (ptr == nullptr) return;
  KASSERT(type != nullptr);
  Page* p = block_of(ptr, "kfree");
  if (p->owner != type)
    panic("kfree: %p belongs to %s, freed as %s", ptr,
          p->kind != PageKind::Charged && p->owner ? p->owner->name : "no type", type->name);
  if (p->kind == PageKind::Slab) {
    if (kMmPoisonBuilt && mm_poison_enabled()) {
      slab_quarantine(type, p, ptr);
    } else {
      check_object_start(type, p, ptr, kSizeClasses[p->size_class]);
      if (!magazine_put(type, p, ptr)) slab_free(type, p, ptr);
    }
  } else {
    large_free(type, p, ptr);
  }
}

size_t kmalloc_usable_size(const void* ptr) {
  Page* p = block_of(ptr, "kmalloc_usable_size");
  return p->kind == PageKind::Slab ? kSizeClasses[p->size_class] : page_block_bytes(p);
}

QuarantineCheck kmalloc_quarantine_check(const void* ptr) {
  QuarantinedObject q;
  if (!kMmPoisonBuilt || !quarantine_find(ptr, &q)) return {};
  return check_quarantined(q);
}

size_t kmalloc_quarantine_drain() {
  if (!kMmPoisonBuilt) return 0;
  return quarantine_drain(release_quarantined);
}

void kmalloc_drain_local() {
  uint64_t irq = arch::irq_save();
  unsigned cpu = cpu_index();
  malloc_types_for_each(
      [](MallocType& t, void* c) { magazine_drain(t, t.mags[*static_cast<unsigned*>(c)]); }, &cpu);
  arch::irq_restore(irq);
}

size_t kmalloc_reclaim() {
  kmalloc_drain_local();  // (other CPUs' magazines: mm_settle)
  size_t freed = 0;
  malloc_types_for_each(
      [](MallocType& t, void* ctx) { *static_cast<size_t*>(ctx) += reclaim_type(t); }, &freed);
  return freed;
}

void kmalloc_fail_nth(MallocType* type, uint64_t n) { type->fault.arm(n, 1); }
void kmalloc_fail_range(MallocType* type, uint64_t first, uint64_t count) {
  type->fault.arm(first, count);
}
void kmalloc_fail_all(MallocType* type) { type->fault.arm(1, kFailForever); }
void kmalloc_fail_clear(MallocType* type) { type->fault.clear(); }
bool kmalloc_fail_pending(MallocType* type) { return type->fault.pending(); }

void kmalloc_fail_any_nth(uint64_t n) { g_any_fault.arm(n, 1); }
void kmalloc_fail_any_range(uint64_t first, uint64_t count) { g_any_fault.arm(first, count); }
void kmalloc_fail_any_clear() { g_any_fault.clear(); }
bool kmalloc_fail_any_pending() { return g_any_fault.pending(); }
