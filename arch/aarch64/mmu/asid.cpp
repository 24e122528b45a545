// ASID bitmap allocator (see asid.h).
#include "arch/aarch64/mmu/asid.h"

#include "kernel/cpu/percpu.h"
#include "kernel/lib/percpu_word_cache.h"
#include "kernel/panic.h"
#include "kernel/sync/spinlock.h"

namespace arch {
namespace {

constexpr uint32_t kMaxAsids = 1u << 16;
constexpr uint32_t kWords = kMaxAsids / 64;

// Taken by the VM with a vmspace lock held, and takes nothing itself.
LockClass g_asid_class{"asid", 820};

struct AsidState {
  uint64_t bitmap[kWords];  // bit set = in use; ASID 0 always set
  uint32_t capacity;
  uint32_t limit;  // highest usable ASID + 1
  uint32_t hint;   // where the next search starts
  unsigned bits;
  bool ready;
  uint32_t in_use;
  uint32_t peak;
  uint64_t allocs;
  uint64_t frees;
  uint64_t failures;
};

constinit SpinLock g_lock{g_asid_class};
AsidState g_state;  // guarded by g_lock

// Each CPU keeps a few freed ASIDs of its own, taken and given back without
// the lock (a fork and its exit make and free one space each), before the
// bitmap. A cached ASID is free (its TLB entries were flushed before
// asid_free) though its bit stays set.
PerCpuWordCache<uint32_t> g_cpu_cache;

// Empties every CPU's cache into the bitmap (g_lock held): the allocator
// starts over, or the bitmap is full and a cached ASID is wanted.
void caches_drain_locked() {
  AsidState& s = g_state;
  g_cpu_cache.drain([&s](uint32_t a) {
    s.bitmap[a / 64] &= ~(uint64_t{1} << (a % 64));
    --s.in_use;
  });
}

void init_locked(unsigned bits, uint32_t limit) {
  AsidState& s = g_state;
  for (uint32_t i = 0; i < kWords; ++i) s.bitmap[i] = 0;
  s.bitmap[0] = 1;  // ASID 0: the empty table's
  s.bits = bits;
  uint32_t all = 1u << bits;
  s.limit = limit != 0 && limit + 1 < all ? limit + 1 : all;
  s.capacity = s.limit - 1;
  s.hint = 1;
  s.in_use = s.peak = 0;
  s.allocs = s.frees = s.failures = 0;
  s.ready = true;
}

bool test_bit(uint32_t a) { return (g_state.bitmap[a / 64] >> (a % 64)) & 1; }

}  // namespace

unsigned asid_hw_bits() {
#ifdef TINE_KERNEL
  uint64_t mmfr0;
  asm volatile("mrs %0, id_aa64mmfr0_el1" : "=r"(mmfr0));
  return ((mmfr0 >> 4) & 0xf) == 2 ? 16 : 8;
#else
  return 16;
#endif
}

void asid_init(unsigned bits, uint32_t limit) {
  SpinGuard g(g_lock);
  g_cpu_cache.reset();
  init_locked(bits, limit);
}

bool asid_alloc(uint16_t* out) {
  if (uint32_t a = g_cpu_cache.take_mine()) {
    *out = static_cast<uint16_t>(a);
    return true;
  }
  SpinGuard g(g_lock);
  AsidState& s = g_state;
  if (!s.ready) init_locked(asid_hw_bits(), 0);
  if (s.in_use == s.capacity) caches_drain_locked();  // another CPU's may hold free ones
  if (s.in_use == s.capacity) {
    ++s.failures;
    return false;
  }
  // Word-at-a-time search from the hint, wrapping once.
  uint32_t a = s.hint;
  for (uint32_t scanned = 0; scanned < s.limit;) {
    if (a >= s.limit) a = 1;
    uint64_t w = s.bitmap[a / 64] | ((uint64_t{1} << (a % 64)) - 1);  // ignore bits below a
    if (~w != 0) {
      uint32_t found = (a & ~63u) + static_cast<uint32_t>(__builtin_ctzll(~w));
      if (found < s.limit) {
        s.bitmap[found / 64] |= uint64_t{1} << (found % 64);
        s.hint = found + 1;
        if (++s.in_use > s.peak) s.peak = s.in_use;
        ++s.allocs;
        *out = static_cast<uint16_t>(found);
        return true;
      }
    }
    uint32_t next = (a & ~63u) + 64;
    scanned += next - a;
    a = next;
  }
  ++s.failures;  // unreachable while in_use < capacity
  return false;
}

void asid_free(uint16_t asid) {
  // An ASID already in a CPU's cache is free (its bit stays set): giving it
  // back again is a bug, which would hand one ASID to two spaces.
  if (asid != 0 && g_cpu_cache.holds(asid))
    panic("asid_free: ASID %u is not allocated", static_cast<unsigned>(asid));
  if (asid != 0 && asid < __atomic_load_n(&g_state.limit, __ATOMIC_RELAXED) &&
      (__atomic_load_n(&g_state.bitmap[asid / 64], __ATOMIC_RELAXED) >> (asid % 64)) & 1 &&
      g_cpu_cache.put_mine(asid))
    return;
  SpinGuard g(g_lock);
  AsidState& s = g_state;
  if (asid == 0 || asid >= s.limit || !test_bit(asid))
    panic("asid_free: ASID %u is not allocated", static_cast<unsigned>(asid));
  s.bitmap[asid / 64] &= ~(uint64_t{1} << (asid % 64));
  --s.in_use;
  ++s.frees;
}

AsidStats asid_stats() {
  SpinGuard g(g_lock);
  const AsidState& s = g_state;
  if (!s.ready) return AsidStats{asid_hw_bits(), (1u << asid_hw_bits()) - 1, 0, 0, 0, 0, 0};
  AsidStats st{s.bits, s.capacity, s.in_use, s.peak, s.allocs, s.frees, s.failures};
  // The CPUs' caches: what went in was freed, what came out allocated, and
  // what sits in them is free though its bit is set.
  PerCpuWordCache<uint32_t>::Totals t = g_cpu_cache.totals();
  st.allocs += t.takes;
  st.frees += t.puts;
  st.in_use -= t.held;
  return st;
}

}  // namespace arch
