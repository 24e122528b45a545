// BSD file locks: kernel/fs/flock.h.
#include "kernel/fs/flock.h"

#include "kernel/fs/file.h"
#include "kernel/panic.h"
#include "kernel/sched/mutex.h"
#include "kernel/sched/sleepq.h"
#include "kernel/uapi/error_numbers.h"

namespace {

constexpr unsigned kBuckets = 256;

Mutex g_flock_lock{"flock"};
File* g_flocks[kBuckets];  // g_flock_lock: the Files holding a lock, by what they lock

// What fp's lock is on: its node, or, with none, its pipe or socket (the
// object both ends of a pipe share, as they share Linux's inode). The File
// holds it, so it is not another object's address while the lock exists.
const void* key_of(const File* fp) {
  return fp->vnode ? static_cast<const void*>(fp->vnode) : fp->data;
}

File** bucket_of(const void* key) {
  auto k = reinterpret_cast<uintptr_t>(key);
  return &g_flocks[(k >> 6 ^ k >> 14) % kBuckets];
}

// Where the waiters for a lock on key sleep: an odd address inside the
// object, which no other sleeper uses (every other channel is an object's
// own, aligned address; the key itself may be a Mutex's, whose wakeup_one
// must not go to a flock waiter), so only a change on this object wakes them.
const void* chan_of(const void* key) { return static_cast<const char*>(key) + 1; }

// Whether another File's lock on the same object is in the way of a lock of
// `type` (locked).
bool conflicts_locked(const File* fp, uint8_t type) {
  const void* key = key_of(fp);
  for (File* f = *bucket_of(key); f; f = f->flock_next)
    if (f != fp && key_of(f) == key && (type == LOCK_EX || f->flock == LOCK_EX)) return true;
  return false;
}

// Takes fp's lock out (locked), waking whoever waits for a lock on its object.
void remove_locked(File* fp) {
  const void* key = key_of(fp);
  for (File** at = bucket_of(key); *at; at = &(*at)->flock_next) {
    if (*at == fp) {
      *at = fp->flock_next;
      break;
    }
  }
  fp->flock = 0;
  fp->flock_next = nullptr;
  wakeup(chan_of(key));
}

}  // namespace

int flock_file(File* fp, int op) {
  uint8_t type = (op & ~LOCK_NB) == LOCK_SH ? LOCK_SH : (op & ~LOCK_NB) == LOCK_EX ? LOCK_EX : 0;
  const void* key = key_of(fp);
  MutexGuard g(g_flock_lock);
  // The whole request again after every sleep (Linux's flock_lock_inode_wait):
  // another thread using this File may have taken or changed its lock meanwhile.
  for (;;) {
    if (fp->flock == type && type != 0) return 0;  // held already
    if (fp->flock) remove_locked(fp);              // a change: the old one goes first
    if (type == 0) return 0;
    if (!conflicts_locked(fp, type)) break;
    if (op & LOCK_NB) return -EWOULDBLOCK;
    // The flock mutex is let go only once we are on the sleep queue, so no
    // lock that goes meanwhile is missed.
    tsleep_interlock(chan_of(key), PCATCH);
    g_flock_lock.unlock();
    int r = tsleep(chan_of(key), PCATCH | PINTERLOCKED, "flock", 0);
    g_flock_lock.lock();
    if (r == EINTR) return -ERESTARTSYS;
  }
  KASSERT(fp->flock == 0 && fp->flock_next == nullptr);
  File** bucket = bucket_of(key);
  fp->flock = type;
  fp->flock_next = *bucket;
  *bucket = fp;
  return 0;
}

void flock_release(File* fp) {
  MutexGuard g(g_flock_lock);
  if (fp->flock) remove_locked(fp);
}
