// Futexes (kernel/proc/futex.h).
//
// Waiting: the waiter queues itself on its bucket, then reads the word (a
// fault may sleep, so never under a bucket lock) and returns -EAGAIN if it no
// longer holds the value; else it sleeps on its own address. A waker that
// finds it takes it off the queue, marks it and wakes it, all under the
// bucket lock; the waiter takes that lock once more before it returns, so its
// stack outlives every waker's use of it. A wake that comes between the
// queueing and the read is not lost: the waiter finds itself marked.
#include "kernel/proc/futex.h"

#include <arch/uaccess.h>

#include "kernel/lib/dlist.h"
#include "kernel/proc/jobctl.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sleepq.h"
#include "kernel/sync/spinlock.h"
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/user_time.h"
#include "kernel/thread/thread.h"
#include "kernel/time/clock.h"
#include "kernel/time/realtime.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"
#include "kernel/vm/vmspace.h"

namespace {

// Operations and flags (Linux's include/uapi/linux/futex.h).
enum : int {
  kWait = 0,
  kWake = 1,
  kRequeue = 3,
  kCmpRequeue = 4,
  kWakeOp = 5,
  kLockPi = 6,
  kUnlockPi = 7,
  kTrylockPi = 8,
  kWaitBitset = 9,
  kWakeBitset = 10,
  kWaitRequeuePi = 11,
  kCmpRequeuePi = 12,
  kLockPi2 = 13,
};
constexpr int kPrivateFlag = 128;
constexpr int kClockRealtimeFlag = 256;
constexpr uint32_t kBitsetMatchAny = 0xffffffff;

// Robust futex words (Linux's FUTEX_WAITERS, FUTEX_OWNER_DIED, FUTEX_TID_MASK).
constexpr uint32_t kWaitersBit = 0x80000000u;
constexpr uint32_t kOwnerDiedBit = 0x40000000u;
constexpr uint32_t kTidMask = 0x3fffffffu;
constexpr unsigned kRobustListLimit = 2048;  // Linux's ROBUST_LIST_LIMIT

struct FutexKey {
  uint64_t space;   // a Vmspace's address (even), or a shared object's id * 2 + 1
  uint64_t offset;  // the word's address (with kKeyNotPrivate for a shared
                    // operation), or its byte offset in the object
  bool operator==(const FutexKey&) const = default;
};

struct FutexBucket;

// When a wait ends: ns 0 for never; else a clock_ns() moment, or with
// realtime a CLOCK_REALTIME one (1 for one already passed at the epoch).
struct FutexDeadline {
  uint64_t ns = 0;
  bool realtime = false;
};

// A sleeping futex caller, on its kernel stack. Fields but `bucket` are
// guarded by the lock of the bucket it is queued on.
struct FutexWaiter {
  FutexKey key;
  uint32_t bitset;
  bool queued;
  // Its deadline is a CLOCK_REALTIME moment (FUTEX_CLOCK_REALTIME); gen is
  // the realtime generation its sleep's deadline was reckoned by. A clock set
  // wakes it (still queued) to sleep again to where the moment falls now.
  bool realtime;
  uint32_t gen;
  FutexBucket* bucket;  // atomic: requeue moves it holding both buckets' locks
  FutexWaiter* next;
  FutexWaiter* prev;
};

struct FutexBucket {
  SpinLock lock;
  FutexWaiter* head = nullptr;
  FutexWaiter* tail = nullptr;
  constexpr explicit FutexBucket(LockClass& cls) : lock(cls) {}
};

// 64 buckets. Requeue holds two at once, the lower index first: each has a
// class of its own ranked kRankFutexBucket + index (docs/locking.md), above
// the process locks and below the sleep queues a wakeup takes.
constexpr unsigned kBuckets = 64;
constexpr uint32_t kRankFutexBucket = 320;

template <unsigned... I>
struct Seq {};
template <unsigned N, unsigned... I>
struct MakeSeq : MakeSeq<N - 1, N - 1, I...> {};
template <unsigned... I>
struct MakeSeq<0, I...> {
  using type = Seq<I...>;
};

struct FutexTable {
  LockClass cls[kBuckets];
  FutexBucket bucket[kBuckets];
  template <unsigned... I>
  constexpr explicit FutexTable(Seq<I...>)
      : cls{LockClass("futex.bucket", kRankFutexBucket + I)...}, bucket{FutexBucket(cls[I])...} {}
};
constinit FutexTable g_table{MakeSeq<kBuckets>::type{}};

uint64_t g_waiting;  // atomic: waiters queued now

unsigned bucket_index(const FutexKey& k) {
  uint64_t h = k.space ^ (k.offset * 0x9e3779b97f4a7c15ull);
  h ^= h >> 29;
  return static_cast<unsigned>((h * 0xbf58476d1ce4e5b9ull) >> 58) % kBuckets;
}

FutexBucket& bucket_of(const FutexKey& k) { return g_table.bucket[bucket_index(k)]; }

using WaiterLinks = DList<&FutexWaiter::next, &FutexWaiter::prev>;

void link_locked(FutexBucket& b, FutexWaiter* w) {
  WaiterLinks::push_back(b, w);
  w->queued = true;
  __atomic_store_n(&w->bucket, &b, __ATOMIC_RELEASE);
}

void unlink_locked(FutexBucket& b, FutexWaiter* w) {
  WaiterLinks::unlink(b, w);
  w->queued = false;
}

// Takes w off its bucket and wakes it (its bucket's lock held). The wakeup is
// made under the lock: the waiter cannot leave, and its stack cannot go, before
// the lock is free again.
void wake_locked(FutexBucket& b, FutexWaiter* w) {
  unlink_locked(b, w);
  __atomic_sub_fetch(&g_waiting, 1, __ATOMIC_RELAXED);
  wakeup_one(w);
}

// The bucket w is queued on now, locked (requeue may move it meanwhile).
FutexBucket& lock_current_bucket(FutexWaiter* w) {
  for (;;) {
    FutexBucket* b = __atomic_load_n(&w->bucket, __ATOMIC_ACQUIRE);
    b->lock.lock();
    if (__atomic_load_n(&w->bucket, __ATOMIC_RELAXED) == b) return *b;
    b->lock.unlock();
  }
}

// Takes w off its queue if no waker has; true if a waker had (it was woken).
bool leave_queue(FutexWaiter* w) {
  FutexBucket& b = lock_current_bucket(w);
  bool woken = !w->queued;
  if (!woken) {
    unlink_locked(b, w);
    __atomic_sub_fetch(&g_waiting, 1, __ATOMIC_RELAXED);
  }
  b.lock.unlock();
  return woken;
}

// The key of the word at uaddr in the running process's space: private
// futexes by space and address; the others by the shared mapping's object and
// offset when the word is in one (-EFAULT when nothing is mapped there), else
// by space and address too, as Linux keys private anonymous memory.
constexpr uint64_t kKeyNotPrivate = 1ull << 63;  // above every user address

int key_of(uint64_t uaddr, bool priv, FutexKey* k) {
  if (uaddr & 3) return -EINVAL;
  if (!arch::user_range_ok(uaddr, 4)) return -EFAULT;
  Vmspace* vm = curvmspace();
  if (vm == nullptr) return -EFAULT;
  k->space = reinterpret_cast<uint64_t>(vm);
  k->offset = uaddr;
  if (priv) return 0;
  uint64_t id, off;
  bool shared;
  if (int err = vm_shared_word(vm, uaddr, &id, &off, &shared); err) return err;
  if (shared) {
    k->space = id * 2 + 1;
    k->offset = off;
  } else {
    // A shared operation on private memory: the space and address, marked,
    // so it never meets a private one on the same word (Linux's
    // FUT_OFF_MMSHARED).
    k->offset = uaddr | kKeyNotPrivate;
  }
  return 0;
}

namespace {

// One wait of futex_wait's: EINTR when a signal or an exit interrupted it.
int64_t wait_once(uint64_t uaddr, bool priv, uint32_t val, const FutexDeadline& dl,
                  uint32_t bitset) {
  FutexWaiter w{};
  if (int err = key_of(uaddr, priv, &w.key); err) return err;
  w.bitset = bitset;
  w.realtime = dl.realtime;
  FutexBucket& b = bucket_of(w.key);
  {
    SpinGuard g(b.lock);
    link_locked(b, &w);
    __atomic_add_fetch(&g_waiting, 1, __ATOMIC_RELAXED);
  }
  uint32_t cur;
  if (copyin_u(uaddr, &cur, sizeof cur) != 0) {
    (void)leave_queue(&w);
    return -EFAULT;
  }
  if (cur != val) {
    return leave_queue(&w) ? 0 : -EAGAIN;  // a wake that came meanwhile counts
  }
  int r = 0;
  for (;;) {
    uint64_t deadline = dl.ns;
    if (dl.realtime) {
      uint32_t gen = realtime_generation();
      __atomic_store_n(&w.gen, gen, __ATOMIC_RELAXED);
      deadline = realtime_to_clock(dl.ns);
    }
    tsleep_interlock(&w, PCATCH);
    bool woken_already;
    {
      FutexBucket& cb = lock_current_bucket(&w);
      woken_already = !w.queued;
      cb.lock.unlock();
    }
    if (woken_already) {
      tsleep_abort();
      break;
    }
    bool clock_set = dl.realtime && w.gen != realtime_generation();
    if (clock_set) {
      tsleep_abort();
      continue;
    }
    if (deadline != 0 && deadline <= clock_ns()) {
      tsleep_abort();
      r = EWOULDBLOCK;
      break;
    }
    r = tsleep_until(&w, PINTERLOCKED | PCATCH, "futex", deadline);
    // A clock set: sleep again to where the moment falls now (a wake that
    // came meanwhile is seen above).
    if (r != EINTR && dl.realtime && w.gen != realtime_generation()) continue;
    break;
  }
  if (leave_queue(&w)) return 0;
  if (r == EWOULDBLOCK) return -ETIMEDOUT;
  if (r == EINTR) return EINTR;
  return 0;  // nobody woke it: a spurious wakeup, which futex callers allow
}

}  // namespace

// FUTEX_WAIT(_BITSET): sleeps while the word holds val, until woken (0), the
// deadline passes (-ETIMEDOUT), or a signal is to be delivered or the LWP is
// to exit (-ERESTARTSYS untimed, else -EINTR). deadline: clock_ns(), 0 for none.
int64_t futex_wait(uint64_t uaddr, bool priv, uint32_t val, const FutexDeadline& dl,
                   uint32_t bitset) {
  if (bitset == 0) return -EINVAL;
  for (;;) {
    int64_t r = wait_once(uaddr, priv, val, dl, bitset);
    if (r != EINTR) return r;
    // Untimed, made again after a handler with SA_RESTART. Timed, -EINTR when
    // a handler is due; else (a stop and continue, a signal another LWP
    // took) the wait is made again to the same deadline, word read anew, as
    // Linux's restart block does.
    if (dl.ns == 0) return -ERESTARTSYS;
    if (!jobctl_stop_in_wait()) return -EINTR;
  }
}

// Wakes up to n waiters on key whose bitset meets `bitset`; at least one, as
// Linux's futex_wake (its count is checked after each wake).
int wake_key(const FutexKey& k, int n, uint32_t bitset) {
  FutexBucket& b = bucket_of(k);
  int woken = 0;
  SpinGuard g(b.lock);
  for (FutexWaiter* w = b.head; w;) {
    FutexWaiter* next = w->next;
    if (w->key == k && (w->bitset & bitset)) {
      wake_locked(b, w);
      if (++woken >= n) break;
    }
    w = next;
  }
  return woken;
}

int64_t futex_wake(uint64_t uaddr, bool priv, int n, uint32_t bitset) {
  if (bitset == 0) return -EINVAL;
  FutexKey k;
  if (int err = key_of(uaddr, priv, &k); err) return err;
  return wake_key(k, n, bitset);
}

// FUTEX_REQUEUE / FUTEX_CMP_REQUEUE: wakes up to nr_wake waiters on uaddr and
// moves up to nr_requeue more to uaddr2; with `cmp`, only if the word at uaddr
// holds *cmp (-EAGAIN otherwise). Returns how many were woken or moved.
int64_t futex_requeue(uint64_t uaddr, bool priv, uint64_t uaddr2, int nr_wake, int nr_requeue,
                      const uint32_t* cmp) {
  if (nr_wake < 0 || nr_requeue < 0) return -EINVAL;
  FutexKey k1, k2;
  if (int err = key_of(uaddr, priv, &k1); err) return err;
  if (int err = key_of(uaddr2, priv, &k2); err) return err;
  if (cmp) {
    // Read before the buckets are locked (a fault may sleep): a waiter queues
    // itself before it reads the word, so one that this requeue misses reads
    // a value at least as new as this one.
    uint32_t cur;
    if (copyin_u(uaddr, &cur, sizeof cur) != 0) return -EFAULT;
    if (cur != *cmp) return -EAGAIN;
  }
  unsigned i1 = bucket_index(k1), i2 = bucket_index(k2);
  FutexBucket& b1 = g_table.bucket[i1];
  FutexBucket& b2 = g_table.bucket[i2];
  FutexBucket& first = i1 <= i2 ? b1 : b2;
  FutexBucket& second = i1 <= i2 ? b2 : b1;
  first.lock.lock();
  if (&second != &first) second.lock.lock();
  int count = 0;
  for (FutexWaiter* w = b1.head; w;) {
    FutexWaiter* next = w->next;
    if (count - nr_wake >= nr_requeue) break;
    if (w->key == k1) {
      if (++count <= nr_wake) {
        wake_locked(b1, w);
      } else if (&b1 == &b2) {
        w->key = k2;  // same bucket: it keeps its place (and is not met again)
      } else {
        unlink_locked(b1, w);
        w->key = k2;
        link_locked(b2, w);
        // futex_realtime_changed may have walked b2 already.
        if (w->realtime && w->gen != realtime_generation()) wakeup(w);
      }
    }
    w = next;
  }
  if (&second != &first) second.lock.unlock();
  first.lock.unlock();
  return count;
}

// The deadline of a futex wait: FUTEX_WAIT's timeout is relative; the
// others' absolute, on CLOCK_MONOTONIC or, with FUTEX_CLOCK_REALTIME,
// CLOCK_REALTIME (then kept as a realtime moment).
FutexDeadline deadline_of(int cmd, bool realtime, const UserTimespec& ts) {
  uint64_t ns = timespec_to_ns(ts);
  if (ns == UINT64_MAX) return {};
  if (cmd == kWait) {
    uint64_t now = clock_ns();
    return {ns > UINT64_MAX - now ? 0 : now + ns, false};
  }
  return {ns == 0 ? 1 : ns, realtime};
}

}  // namespace

int64_t sys_futex(const SyscallArgs& a) {
  uint64_t uaddr = a.a[0];
  int op = static_cast<int>(a.a[1]);
  uint32_t val = static_cast<uint32_t>(a.a[2]);
  uint64_t utime = a.a[3];
  uint64_t uaddr2 = a.a[4];
  uint32_t val3 = static_cast<uint32_t>(a.a[5]);
  int cmd = op & ~(kPrivateFlag | kClockRealtimeFlag);
  bool priv = (op & kPrivateFlag) != 0;
  bool realtime = (op & kClockRealtimeFlag) != 0;

  FutexDeadline deadline;
  bool has_timeout = cmd == kWait || cmd == kWaitBitset || cmd == kLockPi || cmd == kLockPi2 ||
                     cmd == kWaitRequeuePi;
  if (utime && has_timeout) {
    UserTimespec ts;
    if (copyin_u(utime, &ts, sizeof ts) != 0) return -EFAULT;
    if (!timespec_valid(ts)) return -EINVAL;
    deadline = deadline_of(cmd, realtime, ts);
  }
  // FUTEX_CLOCK_REALTIME only where an absolute time is taken (Linux's do_futex).
  if (realtime && cmd != kWaitBitset && cmd != kWaitRequeuePi && cmd != kLockPi2) return -ENOSYS;

  switch (cmd) {
    case kWait: return futex_wait(uaddr, priv, val, deadline, kBitsetMatchAny);
    case kWaitBitset: return futex_wait(uaddr, priv, val, deadline, val3);
    case kWake: return futex_wake(uaddr, priv, static_cast<int>(val), kBitsetMatchAny);
    case kWakeBitset: return futex_wake(uaddr, priv, static_cast<int>(val), val3);
    case kRequeue:
      return futex_requeue(uaddr, priv, uaddr2, static_cast<int>(val), static_cast<int>(utime),
                           nullptr);
    case kCmpRequeue:
      return futex_requeue(uaddr, priv, uaddr2, static_cast<int>(val), static_cast<int>(utime),
                           &val3);
    // Not provided (docs/user-abi.md): the combined wake, and priority
    // inheritance, which glibc uses only for PTHREAD_PRIO_INHERIT mutexes.
    case kWakeOp:
    case kLockPi:
    case kLockPi2:
    case kUnlockPi:
    case kTrylockPi:
    case kWaitRequeuePi:
    case kCmpRequeuePi:
    default: return -ENOSYS;
  }
}

int futex_wake_shared(uint64_t uaddr, int n) {
  FutexKey k;
  if (int err = key_of(uaddr, false, &k); err) return err;
  return wake_key(k, n, kBitsetMatchAny);
}

uint64_t futex_waiters() { return __atomic_load_n(&g_waiting, __ATOMIC_RELAXED); }

namespace {

// One futex of a dying thread's robust list (Linux's handle_futex_death).
// false: stop walking (a word that cannot be read or written).
bool robust_futex_release(uint64_t uaddr, uint32_t tid, bool pending) {
  if (uaddr & 3) return false;
  for (;;) {
    uint32_t val;
    if (copyin_u(uaddr, &val, sizeof val) != 0) return false;
    uint32_t owner = val & kTidMask;
    // The lock being taken or given up when the thread died, with no owner
    // now: a waiter may have been left asleep; wake one, change nothing.
    if (pending && owner == 0) {
      (void)futex_wake_shared(uaddr, 1);
      return true;
    }
    if (owner != tid) return true;  // not this thread's
    uint32_t nval = (val & kWaitersBit) | kOwnerDiedBit;
    uint32_t seen;
    if (user_cmpxchg32(uaddr, val, nval, &seen) != 0) return false;
    if (seen != val) continue;  // changed meanwhile: look again
    if (val & kWaitersBit) (void)futex_wake_shared(uaddr, 1);
    return true;
  }
}

// A list pointer: the entry, and bit 0 (a PI futex, which tine does not have).
bool fetch_entry(uint64_t uptr, uint64_t* entry) {
  uint64_t v;
  if (copyin_u(uptr, &v, sizeof v) != 0) return false;
  *entry = v & ~uint64_t{1};
  return true;
}

}  // namespace

void futex_robust_list_release(Lwp* lp) {
  // struct robust_list_head { next; long futex_offset; list_op_pending; }
  uint64_t head = lp->robust_list;
  lp->robust_list = 0;
  if (head == 0) return;
  uint32_t tid = static_cast<uint32_t>(lp->gtid);
  uint64_t entry, pending;
  int64_t offset;
  if (!fetch_entry(head, &entry)) return;
  if (copyin_u(head + 8, &offset, sizeof offset) != 0) return;
  if (!fetch_entry(head + 16, &pending)) return;
  for (unsigned n = 0; entry != head && n < kRobustListLimit; ++n) {
    uint64_t next = 0;
    bool have_next = fetch_entry(entry, &next);  // before the entry's owner may free it
    if (entry != pending &&
        !robust_futex_release(entry + static_cast<uint64_t>(offset), tid, false))
      return;
    if (!have_next) return;
    entry = next;
  }
  if (pending) (void)robust_futex_release(pending + static_cast<uint64_t>(offset), tid, true);
}

// A clock set (kernel/time/realtime.h): every waiter with a realtime
// deadline reckoned by an older generation is woken, still queued, to sleep
// again to where its moment falls now. Bucket by bucket; a requeue that
// moves such a waiter into a bucket already walked wakes it itself.
void futex_realtime_changed() {
  uint32_t gen = realtime_generation();
  for (FutexBucket& b : g_table.bucket) {
    SpinGuard g(b.lock);
    for (FutexWaiter* w = b.head; w; w = w->next)
      if (w->realtime && __atomic_load_n(&w->gen, __ATOMIC_RELAXED) != gen) wakeup(w);
  }
}
