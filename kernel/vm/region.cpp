#include "kernel/vm/region.h"

#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/vm/layout.h"

namespace {
uint64_t g_live = 0;

bool continues(const VmRegion* a, const VmRegion* b) {
  if (a->end != b->start || a->prot != b->prot || a->kind != b->kind || a->shared != b->shared ||
      a->wipe_on_fork != b->wipe_on_fork)
    return false;
  if (!a->shared) return true;
  return a->obj == b->obj && a->obj_pgoff + (a->end - a->start) / kPageSize == b->obj_pgoff;
}
}  // namespace

const char* region_kind_name(RegionKind k) {
  switch (k) {
    case RegionKind::kImage: return "image";
    case RegionKind::kHeap: return "heap";
    case RegionKind::kStack: return "stack";
    case RegionKind::kGuard: return "guard";
    case RegionKind::kMmap: return "mmap";
  }
  return "?";
}

VmRegion* RegionMap::alloc() {
  VmRegion* r = nullptr;
  uint32_t used = __atomic_load_n(&inline_used_, __ATOMIC_RELAXED);
  while (used != (1u << kInlineRegions) - 1) {
    unsigned i = static_cast<unsigned>(__builtin_ctz(~used));
    if (__atomic_compare_exchange_n(&inline_used_, &used, used | 1u << i, true, __ATOMIC_ACQUIRE,
                                    __ATOMIC_RELAXED)) {
      r = &inline_[i];
      *r = VmRegion{};
      break;
    }
  }
  if (r == nullptr)
    r = static_cast<VmRegion*>(kmalloc(sizeof(VmRegion), M_VMSPACE, M_WAITOK | M_ZERO));
  if (r) __atomic_add_fetch(&g_live, 1, __ATOMIC_RELAXED);
  return r;
}

void RegionMap::free(VmRegion* r) {
  if (r == nullptr) return;
  if (r->obj) anon_release(r->obj);
  if (r >= inline_ && r < inline_ + kInlineRegions)
    __atomic_and_fetch(&inline_used_, ~(1u << (r - inline_)), __ATOMIC_RELEASE);
  else
    kfree(r, M_VMSPACE);
  __atomic_sub_fetch(&g_live, 1, __ATOMIC_RELAXED);
}

void RegionMap::free_chain(VmRegion* chain) {
  while (chain) {
    VmRegion* next = chain->next;
    free(chain);
    chain = next;
  }
}

uint64_t region_live_count() { return __atomic_load_n(&g_live, __ATOMIC_RELAXED); }

RegionSpares::~RegionSpares() {
  for (VmRegion*& r : n_) {
    map_.free(r);
    r = nullptr;
  }
}

bool RegionSpares::reserve(unsigned n) {
  KASSERT(n <= kMax);
  for (unsigned i = 0; i < n; ++i) {
    if (n_[i] == nullptr) n_[i] = map_.alloc();
    if (n_[i] == nullptr) return false;
  }
  return true;
}

VmRegion* RegionSpares::take() {
  for (VmRegion*& r : n_) {
    if (r) {
      VmRegion* t = r;
      r = nullptr;
      return t;
    }
  }
  return nullptr;
}

VmRegion* RegionMap::find(uint64_t va) {
  if (hint_ && va >= hint_->start && va < hint_->end) return hint_;
  for (VmRegion* r = head_; r && r->start <= va; r = r->next) {
    if (va < r->end) {
      hint_ = r;
      return r;
    }
  }
  return nullptr;
}

bool RegionMap::is_free(uint64_t start, uint64_t end) const {
  if (end < start) return false;  // a backwards (wrapped) range is no free room
  for (const VmRegion* r = head_; r && r->start < end; r = r->next)
    if (r->end > start) return false;
  return true;
}

void RegionMap::insert(VmRegion* r) {
  KASSERT(r->start < r->end && page_aligned(r->start) && page_aligned(r->end));
  VmRegion* after = nullptr;  // last entry below r
  for (VmRegion* c = head_; c && c->start < r->start; c = c->next) after = c;
  r->prev = after;
  r->next = after ? after->next : head_;
  if (r->next)
    r->next->prev = r;
  else
    tail_ = r;
  if (after)
    after->next = r;
  else
    head_ = r;
  ++count_;
}

bool RegionMap::split_at(uint64_t va, RegionSpares& spares) {
  VmRegion* r = find(va);
  if (r == nullptr || r->start == va) return true;
  if (count_ >= kMaxRegions) return false;
  VmRegion* hi = spares.take();
  if (hi == nullptr) return false;
  *hi = *r;
  hi->start = va;
  if (r->shared) {
    hi->obj_pgoff = r->obj_pgoff + (va - r->start) / kPageSize;
    anon_hold(r->obj);
  }
  r->end = va;
  hi->prev = r;
  hi->next = r->next;
  if (hi->next)
    hi->next->prev = hi;
  else
    tail_ = hi;
  r->next = hi;
  ++count_;
  return true;
}

VmRegion* RegionMap::unlink_range(uint64_t start, uint64_t end) {
  VmRegion* chain = nullptr;
  VmRegion** tailp = &chain;
  VmRegion* r = head_;
  while (r && r->start < end) {
    VmRegion* next = r->next;
    if (r->start >= start && r->end <= end) {
      if (r->prev)
        r->prev->next = r->next;
      else
        head_ = r->next;
      if (r->next)
        r->next->prev = r->prev;
      else
        tail_ = r->prev;
      if (hint_ == r) hint_ = nullptr;
      --count_;
      r->prev = r->next = nullptr;
      *tailp = r;
      tailp = &r->next;
    }
    r = next;
  }
  return chain;
}

VmRegion* RegionMap::unlink_all() {
  VmRegion* chain = head_;
  head_ = tail_ = hint_ = nullptr;
  count_ = 0;
  return chain;
}

uint64_t RegionMap::find_gap_top_down(uint64_t len, uint64_t lo, uint64_t hi) const {
  if (len == 0 || hi < lo || hi - lo < len) return 0;
  // The gaps from the top down: each lies between an entry (or lo) and the
  // lowest start seen above it (or hi).
  uint64_t ceiling = hi;
  for (const VmRegion* r = tail_;; r = r->prev) {
    uint64_t floor = r && r->end > lo ? r->end : lo;
    if (ceiling > floor && ceiling - floor >= len) return ceiling - len;
    if (r == nullptr) return 0;
    if (r->start < ceiling) ceiling = r->start;
    if (ceiling <= lo) return 0;
  }
}

bool RegionMap::copy_from(const RegionMap& from) {
  KASSERT(head_ == nullptr);
  for (const VmRegion* s = from.head_; s; s = s->next) {
    VmRegion* r = alloc();
    if (r == nullptr) return false;
    *r = *s;
    r->prev = r->next = nullptr;
    if (r->obj) anon_hold(r->obj);
    r->prev = tail_;
    if (tail_)
      tail_->next = r;
    else
      head_ = r;
    tail_ = r;
    ++count_;
  }
  return true;
}

void RegionMap::absorb_next(VmRegion* r) {
  VmRegion* n = r->next;
  r->end = n->end;
  r->next = n->next;
  if (n->next)
    n->next->prev = r;
  else
    tail_ = r;
  if (hint_ == n) hint_ = r;
  --count_;
  free(n);
}

void RegionMap::merge_around(VmRegion* r) {
  if (r->next && continues(r, r->next)) absorb_next(r);
  if (r->prev && continues(r->prev, r)) absorb_next(r->prev);  // r goes
}

void RegionMap::coalesce() {
  for (VmRegion* r = head_; r && r->next;) {
    if (continues(r, r->next))
      merge_around(r);  // r absorbs its successor and stays
    else
      r = r->next;
  }
}

bool RegionMap::verify() const {
  unsigned n = 0;
  const VmRegion* prev = nullptr;
  for (const VmRegion* r = head_; r; r = r->next) {
    if (r->prev != prev) return false;
    if (!(r->start < r->end) || !page_aligned(r->start) || !page_aligned(r->end)) return false;
    if (prev && prev->end > r->start) return false;
    if (r->shared != (r->obj != nullptr)) return false;
    if (r->shared && r->obj_pgoff + (r->end - r->start) / kPageSize > r->obj->npages) return false;
    prev = r;
    ++n;
  }
  return prev == tail_ && n == count_;
}
