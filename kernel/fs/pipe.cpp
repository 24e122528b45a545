#include "kernel/fs/pipe.h"

#include <new>

#include "kernel/fs/charge.h"
#include "kernel/fs/file.h"
#include "kernel/fs/linux_abi.h"
#include "kernel/fs/page_ring.h"
#include "kernel/fs/poll.h"
#include "kernel/fs/uio.h"
#include "kernel/fs/vnode.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/mutex.h"
#include "kernel/sched/sleepq.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/vm/copy.h"

MALLOC_DEFINE(M_PIPE, "pipe", "pipes and their buffers");

namespace {

constexpr uint32_t kPage = kRingPage;
static_assert(kPipePages == kRingPages);

struct Pipe {
  Mutex lock{"pipe"};
  PageRing buf;          // its npages are what is charged
  int readers, writers;  // open ends (an O_RDWR FIFO File is both)
  int rwait, wwait;      // threads asleep for data, for room
  int refs;              // the Files (atomic; a FIFO's change under its vnode's lock)
  uint32_t charged_uid;
  uint64_t ino;
  timespec64 made;
  // A FIFO's: its node (which holds it in Vnode::fifo while a File is open
  // on it), how many times a read or write end was opened (an open waits
  // for the other side's count to move, as Linux's wait_for_partner), and
  // the threads asleep in such an open.
  Vnode* fifo;
  uint32_t r_counter, w_counter;
  int owait;
  uint32_t cap() const { return buf.cap(); }
  // Channels: readers wait on `readers` for data, writers on `writers` for
  // room, FIFO opens on `r_counter` for the other side.
  void* rchan() { return &readers; }
  void* wchan() { return &writers; }
  void* ochan() { return &r_counter; }
};

uint64_t g_pipes;     // atomic
uint64_t g_next_ino;  // atomic

Pipe* pipe_of(File* fp) { return static_cast<Pipe*>(fp->data); }

// Waits on chan with p->lock held (released while asleep, held again after).
// 0, or -ERESTARTSYS when a signal ends the wait.
int wait_locked(Pipe* p, void* chan, int* waiting, const char* wmesg) {
  tsleep_interlock(chan, PCATCH);
  ++*waiting;
  p->lock.unlock();
  int r = tsleep(chan, PCATCH | PINTERLOCKED, wmesg, 0);
  p->lock.lock();
  --*waiting;
  return r == EINTR ? -ERESTARTSYS : 0;
}

// Wakes who waits on this side (p->lock held).
void wake_readers_locked(Pipe* p) {
  if (p->rwait) wakeup(p->rchan());
}
void wake_writers_locked(Pipe* p) {
  if (p->wwait) wakeup(p->wchan());
}

int64_t pipe_read(File* fp, Uio* uio, const uint64_t*) {
  Pipe* p = pipe_of(fp);
  MutexGuard g(p->lock);
  while (p->buf.len == 0) {
    if (p->writers == 0) return 0;  // end of file
    if (file_nonblock(fp)) return -EAGAIN;
    if (int e = wait_locked(p, p->rchan(), &p->rwait, "piperd"); e) return e;
  }
  uint32_t moved;
  int err = p->buf.peek(0, p->buf.len, uio, &moved);
  p->buf.consume(moved);
  wake_writers_locked(p);
  poll_wakeup();
  return err;
}

int64_t pipe_write(File* fp, Uio* uio, const uint64_t*) {
  Pipe* p = pipe_of(fp);
  MutexGuard g(p->lock);
  bool whole = uio->resid <= kPipeBuf;  // goes in at once or not at all
  int err = 0;
  while (uio->resid > 0) {
    if (p->readers == 0) {
      lwp_signal_self(kSigPipe);  // the writing thread's, as Linux's send_sig
      err = -EPIPE;
      break;
    }
    uint32_t room = p->buf.room();
    if (room > 0 && (!whole || room >= uio->resid)) {
      uint32_t n = room < uio->resid ? room : static_cast<uint32_t>(uio->resid);
      uint32_t len_before = p->buf.len;
      Uio uio_before = *uio;
      err = p->buf.fill(uio, n);
      if (err && whole) {
        // All or nothing: a buffer that faults part way puts nothing in (no
        // reader saw the part: the lock is held throughout), as on Linux.
        p->buf.len = len_before;
        *uio = uio_before;
      }
      wake_readers_locked(p);
      poll_wakeup();
      if (err) break;
      continue;
    }
    if (file_nonblock(fp)) {
      err = -EAGAIN;
      break;
    }
    if ((err = wait_locked(p, p->wchan(), &p->wwait, "pipewr")) != 0) break;
  }
  return err;
}

// A FIFO read end opened (O_NONBLOCK) while there was no writer keeps, in
// its File's offset (a pipe has no other use for it), the writer count it
// saw: no POLLHUP until a writer has come (Linux's f_version).
int pipe_poll(File* fp, int) {
  Pipe* p = pipe_of(fp);
  MutexGuard g(p->lock);
  int r = 0;
  if (fp->mode & kFileRead) {
    if (p->buf.len > 0) r |= POLLIN | POLLRDNORM;
    if (p->writers == 0 && fp->offset != p->w_counter) r |= POLLHUP;
  }
  if (fp->mode & kFileWrite) {
    if (p->buf.room() >= kPipeBuf) r |= POLLOUT | POLLWRNORM;
    if (p->readers == 0) r |= POLLERR;
  }
  return r;
}

int pipe_ioctl(File* fp, uint64_t cmd, uint64_t arg) {
  if (cmd != FIONREAD) return -ENOTTY;
  Pipe* p = pipe_of(fp);
  int n;
  {
    MutexGuard g(p->lock);
    n = static_cast<int>(p->buf.len);
  }
  return copyout_u(&n, arg, sizeof n) ? -EFAULT : 0;
}

int pipe_stat(File* fp, linux_stat* st) {
  Pipe* p = pipe_of(fp);
  *st = {};
  st->st_dev = linux_encode_dev(0, 0x0c);  // the anonymous device pipes live on
  st->st_ino = p->ino;
  st->st_mode = S_IFIFO | 0600;
  st->st_nlink = 1;
  st->st_uid = p->charged_uid;
  st->st_blksize = kPage;
  st->st_atime_sec = st->st_mtime_sec = st->st_ctime_sec = p->made.tv_sec;
  st->st_atime_nsec = st->st_mtime_nsec = st->st_ctime_nsec =
      static_cast<uint64_t>(p->made.tv_nsec);
  return 0;
}

void pipe_free(Pipe* p) {
  charge_give(Charge::kPipePages, p->charged_uid, p->buf.npages);
  p->buf.release();
  p->~Pipe();
  kfree(p, M_PIPE);
  __atomic_sub_fetch(&g_pipes, 1, __ATOMIC_RELAXED);
}

// A File of the pipe is let go of: a FIFO's last one frees it, and its node
// no longer holds it (under the node's lock, which its opens take).
void pipe_release(Pipe* p) {
  if (Vnode* v = p->fifo) {
    bool last;
    {
      MutexGuard g(v->lock);
      last = __atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) == 0;
      if (last) v->fifo = nullptr;
    }
    if (last) pipe_free(p);
    return;
  }
  if (__atomic_sub_fetch(&p->refs, 1, __ATOMIC_ACQ_REL) == 0) pipe_free(p);
}

void pipe_close(File* fp) {
  Pipe* p = pipe_of(fp);
  {
    MutexGuard g(p->lock);
    if (fp->mode & kFileRead) --p->readers;
    if (fp->mode & kFileWrite) --p->writers;
    wake_readers_locked(p);
    wake_writers_locked(p);
  }
  poll_wakeup();
  pipe_release(p);
}

const FileOps kPipeOps = {pipe_read,  pipe_write, pipe_poll, pipe_ioctl,
                          pipe_close, pipe_stat,  false};
// A FIFO's ends: the same, but fstat is its node's.
const FileOps kFifoOps = {pipe_read, pipe_write, pipe_poll, pipe_ioctl, pipe_close, nullptr, false};

bool is_pipe(const File* fp) { return fp->ops == &kPipeOps || fp->ops == &kFifoOps; }

// A pipe with no File yet, its buffer charged to cr: the full buffer within
// the maker's share; past it, one page. npages is what was charged
// (pipe_free gives it back): with not even that page (no memory for the
// user's record, or the system's bound), no pipe (Linux's alloc_pipe_info
// failing: -ENFILE).
Pipe* pipe_new(const FsCred& cr, int* err) {
  auto* p = static_cast<Pipe*>(kmalloc(sizeof(Pipe), M_PIPE, M_WAITOK | M_ZERO));
  if (!p) {
    *err = -ENOMEM;
    return nullptr;
  }
  new (p) Pipe();
  p->buf.type = M_PIPE;
  p->buf.npages = charge_buffer_pages(cr.uid, cr.root(), kPipePages);
  if (p->buf.npages == 0) {
    p->~Pipe();
    kfree(p, M_PIPE);
    *err = -ENFILE;
    return nullptr;
  }
  p->charged_uid = cr.uid;
  p->ino = __atomic_add_fetch(&g_next_ino, 1, __ATOMIC_RELAXED);
  p->made = fs_now();
  p->r_counter = p->w_counter = 1;  // as Linux's pipes: a File's offset 0 never matches
  __atomic_add_fetch(&g_pipes, 1, __ATOMIC_RELAXED);
  return p;
}

// Waits (p->lock held) until *counter moves: another side opened. A signal
// ends the wait with -ERESTARTSYS, unless only stop signals are pending (the
// process stops and, continued, waits on), or the other side came anyway.
int fifo_wait_partner(Pipe* p, uint32_t* counter) {
  uint32_t seen = *counter;
  while (*counter == seen) {
    if (wait_locked(p, p->ochan(), &p->owait, "fifo") == 0 || *counter != seen) continue;
    p->lock.unlock();
    bool go_on = jobctl_stop_in_wait();
    p->lock.lock();
    if (!go_on && *counter == seen) return -ERESTARTSYS;
  }
  return 0;
}

void wake_openers_locked(Pipe* p) {
  if (p->owait) wakeup(p->ochan());
}

}  // namespace

int fifo_open(Vnode* v, uint32_t flags, const FsCred& cr, File** out) {
  uint32_t acc = flags & O_ACCMODE;
  bool nonblock = (flags & O_NONBLOCK) != 0;
  int err;
  File* fp =
      file_alloc(&kUnattachedFileOps,
                 (flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC | O_NOCTTY)) | O_LARGEFILE,
                 cr.uid, cr.root(), &err);
  if (!fp) return err;
  fp->vnode = vref(v);
  Pipe* p;
  {
    // The node's pipe, made by the first open.
    MutexGuard g(v->lock);
    p = static_cast<Pipe*>(v->fifo);
    if (!p && (p = pipe_new(cr, &err)) != nullptr) {
      p->fifo = v;
      v->fifo = p;
    }
    if (p) __atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
  }
  if (!p) {
    fdrop(fp);
    return err;
  }
  {
    MutexGuard g(p->lock);
    if (acc == O_WRONLY && nonblock && p->readers == 0) {
      err = -ENXIO;  // POSIX: no reader for a write end that may not wait
    } else {
      // Counted in: from here the File's close undoes it (pipe_close).
      if (acc != O_WRONLY) {
        ++p->r_counter;
        ++p->readers;
      }
      if (acc != O_RDONLY) {
        ++p->w_counter;
        ++p->writers;
      }
      fp->data = p;
      fp->ops = &kFifoOps;
      wake_openers_locked(p);
      err = 0;
      if (acc == O_RDONLY && p->writers == 0) {
        if (nonblock)
          fp->offset = p->w_counter;  // no POLLHUP before a writer has come
        else
          err = fifo_wait_partner(p, &p->w_counter);
      } else if (acc == O_WRONLY && p->readers == 0) {
        err = fifo_wait_partner(p, &p->r_counter);
      }
    }
  }
  if (err) {
    if (fp->ops != &kFifoOps) pipe_release(p);  // not counted in: only the reference
    fdrop(fp);
    return err;
  }
  poll_wakeup();  // a poller may wait for this side
  *out = fp;
  return 0;
}

int pipe_create(uint32_t flags, const FsCred& cr, File** rd, File** wr) {
  int err;
  Pipe* p = pipe_new(cr, &err);
  if (!p) return err;
  p->readers = p->writers = 1;
  p->refs = 2;
  uint32_t status = flags & O_NONBLOCK;
  // Not attached until both exist: an unattached File closes nothing.
  File* r = file_alloc(&kUnattachedFileOps, O_RDONLY | status, cr.uid, cr.root(), &err);
  File* w =
      r ? file_alloc(&kUnattachedFileOps, O_WRONLY | status, cr.uid, cr.root(), &err) : nullptr;
  if (!w) {
    if (r) fdrop(r);
    pipe_free(p);
    return err;
  }
  r->ops = w->ops = &kPipeOps;
  r->data = w->data = p;
  *rd = r;
  *wr = w;
  return 0;
}

int pipe_reopen(File* end, uint32_t flags, const FsCred& cr, File** out) {
  if (end->ops != &kPipeOps) return -ENXIO;  // a FIFO's ends are opened by their node
  Pipe* p = pipe_of(end);
  uint32_t acc = flags & O_ACCMODE;
  if (acc == O_ACCMODE) return -EINVAL;
  // Mode 0600, its maker's (fstat says so): either end, or both, to it.
  if (!cr.root() && cr.uid != p->charged_uid) return -EACCES;
  int err;
  File* fp =
      file_alloc(&kUnattachedFileOps,
                 (flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_CLOEXEC | O_NOCTTY)) | O_LARGEFILE,
                 cr.uid, cr.root(), &err);
  if (!fp) return err;
  // end's reference keeps the pipe: it cannot be freed under this count.
  __atomic_add_fetch(&p->refs, 1, __ATOMIC_RELAXED);
  {
    MutexGuard g(p->lock);
    if (acc != O_WRONLY) ++p->readers;
    if (acc != O_RDONLY) ++p->writers;
    fp->data = p;
    fp->ops = &kPipeOps;
    wake_readers_locked(p);
    wake_writers_locked(p);
  }
  poll_wakeup();
  *out = fp;
  return 0;
}

int pipe_set_capacity(File* fp, uint64_t bytes, const FsCred& cr) {
  if (!is_pipe(fp)) return -EBADF;
  if (bytes > (uint64_t{1} << 31)) return -EINVAL;  // no size rounds (Linux's round_pipe_size)
  if (bytes > kPipePages * kPage) return -EPERM;    // beyond what a pipe of tine's holds
  uint32_t want = 1;                                // pages: a power of two, as Linux rounds
  while (want * kPage < bytes) want *= 2;
  Pipe* p = pipe_of(fp);
  MutexGuard g(p->lock);
  // A pipe holds one page at least: pipe_new charges one, and want is >= 1.
  KASSERT(p->buf.npages >= 1 && p->buf.npages <= kPipePages);
  uint32_t had = p->buf.npages;
  if (want == had) return static_cast<int>(p->cap());
  if (p->buf.len > want * kPage) return -EBUSY;
  if (want > had && !charge_take(Charge::kPipePages, p->charged_uid, want - had, cr.root()))
    return -EPERM;
  if (p->buf.resize(want) != 0) {
    if (want > had) charge_give(Charge::kPipePages, p->charged_uid, want - had);
    return -ENOMEM;
  }
  if (want < had) charge_give(Charge::kPipePages, p->charged_uid, had - want);
  wake_writers_locked(p);
  poll_wakeup();
  return static_cast<int>(p->cap());
}

int pipe_capacity(File* fp) {
  if (!is_pipe(fp)) return -EBADF;
  return static_cast<int>(pipe_of(fp)->cap());
}

bool file_is_pipe(const File* fp) { return is_pipe(fp); }

uint64_t pipe_count() { return __atomic_load_n(&g_pipes, __ATOMIC_RELAXED); }
