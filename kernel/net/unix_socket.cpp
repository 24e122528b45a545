#include "kernel/net/unix_socket.h"

#include <new>

#include "kernel/fs/charge.h"
#include "kernel/fs/file.h"
#include "kernel/fs/linux_abi.h"
#include "kernel/fs/page_ring.h"
#include "kernel/fs/poll.h"
#include "kernel/fs/uio.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/vnode.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/mutex.h"
#include "kernel/sched/sleepq.h"
#include "kernel/time/clock.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/vm/copy.h"

MALLOC_DEFINE(M_SOCKET, "socket", "unix-domain sockets and their queues");

namespace {

constexpr uint8_t kRcvShut = 1, kSendShut = 2, kShutBoth = 3;  // Linux's sk_shutdown bits
constexpr uint32_t kMaxBacklog = 4096;                         // Linux's somaxconn
constexpr uint32_t kMaxDgramQlen = 10;                         // Linux's net.unix.max_dgram_qlen
constexpr uint64_t kSioCOutQ = 0x5411;                         // SIOCOUTQ (TIOCOUTQ)
constexpr int kPollRdHup = 0x2000;

enum class State : uint8_t { kUnconnected, kConnecting, kConnected, kListening };

// What a message starts with in a datagram or sequenced-packet queue: then
// the sender's address (alen bytes), then the data.
struct MsgHead {
  uint32_t len;
  uint32_t alen;
};

struct PeerCred {
  int32_t pid;
  uint32_t uid, gid;
};

// SOL_SOCKET flags kept for getsockopt (they change nothing here).
enum Flag : uint32_t {
  kFlagReuseAddr = 1,
  kFlagKeepAlive = 2,
  kFlagBroadcast = 4,
  kFlagPassCred = 8,
  kFlagDontRoute = 16,
  kFlagOobInline = 32,
  kFlagDebug = 64,
  kFlagPassSec = 128,
};

struct Sock {
  Mutex lock{"unixsock"};  // all below but the atomics
  int refs;                // atomic
  uint8_t type;
  State state;
  uint8_t shut;  // kRcvShut | kSendShut (atomic reads)
  bool dead;     // its File closed
  bool counted;  // a connection's server end: charged as an open file to charged_uid
  bool binding;  // a bind is naming it (atomic)
  int err;       // an error its next receive reports once (ECONNRESET)
  PageRing rx;   // what arrives; freed at close
  uint32_t nmsgs;
  uint32_t charged_uid;
  Sock* peer;  // held: a connected socket's, a datagram socket's default destination
  // A listener's connections not yet accepted (each held by the queue).
  Sock* q_head;
  Sock* q_tail;
  Sock* q_next;
  uint32_t qlen, backlog;
  SockAddr addr;      // its name (len 0: none)
  Vnode* node;        // its name's node (held), for a path name
  Sock* abs_next;     // the abstract table (g_abstract_lock)
  PeerCred cred;      // who connected or listened: what its peer's SO_PEERCRED reads
  PeerCred peercred;  // SO_PEERCRED's answer
  uint64_t ino;
  timespec64 made;
  // Options (atomic).
  uint32_t flags;
  int sndbuf, rcvbuf, rcvlowat;
  int linger[2];
  int64_t rcvtimeo_ns, sndtimeo_ns;  // 0: none

  // Channels: receivers wait for data, senders to this socket for room,
  // accepters for a connection, connecters for room in the backlog.
  void* data_chan() { return &rx.len; }
  void* room_chan() { return &rx.head; }
  void* accept_chan() { return &qlen; }
  void* backlog_chan() { return &backlog; }
};

uint64_t g_socks;     // atomic
uint64_t g_next_ino;  // atomic
Mutex g_abstract_lock{"unixabs"};
Sock* g_abstract;  // the sockets of abstract names (g_abstract_lock)

Sock* sock_of(const File* fp) { return static_cast<Sock*>(fp->data); }
bool is_connection(const Sock* s) { return s->type != kSockDgram; }
uint8_t shut_of(const Sock* s) { return __atomic_load_n(&s->shut, __ATOMIC_ACQUIRE); }

Sock* sock_hold(Sock* s) {
  __atomic_add_fetch(&s->refs, 1, __ATOMIC_RELAXED);
  return s;
}

void sock_free(Sock* s) {
  KASSERT(s->rx.npages == 0 && !s->peer && !s->q_head && !s->node);
  if (s->counted) charge_give(Charge::kFiles, s->charged_uid, 1);
  s->~Sock();
  kfree(s, M_SOCKET);
  __atomic_sub_fetch(&g_socks, 1, __ATOMIC_RELAXED);
}

void sock_drop(Sock* s) {
  if (__atomic_sub_fetch(&s->refs, 1, __ATOMIC_ACQ_REL) == 0) sock_free(s);
}

PeerCred caller_cred() {
  PeerCred c{0, ~0u, ~0u};  // as Linux's cred_to_ucred with no credentials
  if (Proc* p = curproc()) {
    Ucred* cr = proc_cred_hold(p);
    c = {p->pid, cr->c.cr_uid, cr->egid};
    ucred_put(cr);
  }
  return c;
}

// A socket with its queue charged to cr (the whole capacity within its share,
// else one page, as pipes), one reference (the caller's).
Sock* sock_new(int type, const FsCred& cr, int* err) {
  auto* s = static_cast<Sock*>(kmalloc(sizeof(Sock), M_SOCKET, M_WAITOK | M_ZERO));
  if (!s) {
    *err = -ENOMEM;
    return nullptr;
  }
  new (s) Sock();
  s->rx.type = M_SOCKET;
  s->rx.npages = charge_buffer_pages(cr.uid, cr.root(), kRingPages);
  if (s->rx.npages == 0) {
    s->~Sock();
    kfree(s, M_SOCKET);
    *err = -ENFILE;
    return nullptr;
  }
  s->refs = 1;
  s->type = static_cast<uint8_t>(type);
  s->charged_uid = cr.uid;
  s->peercred = {0, ~0u, ~0u};     // none yet: Linux's cred_to_ucred of nothing
  s->sndbuf = s->rcvbuf = 212992;  // Linux's defaults (wmem_default, rmem_default)
  s->rcvlowat = 1;
  s->ino = __atomic_add_fetch(&g_next_ino, 1, __ATOMIC_RELAXED);
  s->made = fs_now();
  __atomic_add_fetch(&g_socks, 1, __ATOMIC_RELAXED);
  return s;
}

// Gives back the queue (its pages and their charge), s->lock held or s unshared.
void release_queue(Sock* s) {
  if (s->rx.npages == 0) return;
  charge_give(Charge::kPipePages, s->charged_uid, s->rx.npages);
  s->rx.release();
  s->nmsgs = 0;
}

// Waits on chan with s->lock held (released while asleep). 0; -ERESTARTSYS
// when a signal ends it (-EINTR with a timeout set, as Linux's
// sock_intr_errno); -EAGAIN at the deadline.
int sleep_locked(Sock* s, void* chan, uint64_t deadline, const char* wmesg) {
  tsleep_interlock(chan, PCATCH);
  s->lock.unlock();
  int r = tsleep_until(chan, PCATCH | PINTERLOCKED, wmesg, deadline);
  s->lock.lock();
  if (r == EINTR) return deadline ? -EINTR : -ERESTARTSYS;
  if (r == EWOULDBLOCK) return -EAGAIN;
  return 0;
}

uint64_t deadline_of(const int64_t* timeo) {
  int64_t t = __atomic_load_n(timeo, __ATOMIC_RELAXED);
  return t > 0 ? clock_ns() + static_cast<uint64_t>(t) : 0;
}

// ---- names -----------------------------------------------------------------------

bool is_abstract(const SockAddr& a) { return a.len > 2 && a.bytes[2] == 0; }

// The socket of type bound to the abstract name a (g_abstract_lock held):
// each type has its own names, as on Linux (its hash has the type in).
Sock* abstract_find_locked(const SockAddr& a, uint8_t type) {
  for (Sock* t = g_abstract; t; t = t->abs_next)
    if (t->type == type && t->addr.len == a.len && tine_memcmp(t->addr.bytes, a.bytes, a.len) == 0)
      return t;
  return nullptr;
}

// A path name's path, NUL-terminated in buf (kSunPathMax + 1 bytes): the
// bytes up to the first NUL, as Linux's unix_mkname.
void path_of(const SockAddr& a, char* buf) {
  uint32_t n = 0;
  while (n < a.len - 2 && a.bytes[2 + n]) {
    buf[n] = static_cast<char>(a.bytes[2 + n]);
    ++n;
  }
  buf[n] = 0;
}

// Names s by the abstract name a (g_abstract_lock held; a is free for its type).
void abstract_add_locked(Sock* s, const SockAddr& a) {
  MutexGuard g(s->lock);
  s->addr = a;
  s->abs_next = g_abstract;
  g_abstract = s;
}

// The socket named a, held: -ECONNREFUSED when nothing is bound to that name
// (an abstract one: among sockets of `type`), or the lookup's error.
int find_named(const SockAddr& a, uint8_t type, Vnode* start, const FsCred& cr, Sock** out) {
  Sock* s = nullptr;
  if (is_abstract(a)) {
    MutexGuard g(g_abstract_lock);
    if (Sock* t = abstract_find_locked(a, type)) s = sock_hold(t);
  } else {
    char path[kSunPathMax + 1];
    path_of(a, path);
    if (path[0] == 0) return -EINVAL;
    Vnode* v;
    if (int e = vfs_lookup(start, path, true, cr, &v); e) return e;
    int err = 0;
    if (v->type != VType::kSock) {
      err = -ECONNREFUSED;
    } else if ((err = vn_access(v, W_OK, cr)) == 0) {
      MutexGuard g(v->lock);
      if (v->sock) s = sock_hold(static_cast<Sock*>(v->sock));
    }
    vrele(v);
    if (err) return err;
  }
  if (!s) return -ECONNREFUSED;
  *out = s;
  return 0;
}

// Takes s's name away (its close): connects and sends by name no longer find it.
void unname(Sock* s) {
  if (s->node) {
    {
      MutexGuard g(s->node->lock);
      if (s->node->sock == s) s->node->sock = nullptr;
    }
    vrele(s->node);
    s->node = nullptr;
  } else if (is_abstract(s->addr)) {
    MutexGuard g(g_abstract_lock);
    for (Sock** pp = &g_abstract; *pp; pp = &(*pp)->abs_next)
      if (*pp == s) {
        *pp = s->abs_next;
        break;
      }
  }
}

// ---- the end of a socket ---------------------------------------------------------------

// peer lost its connected socket (closed): a stream or sequenced-packet peer
// can neither send nor receive more, and hears ECONNRESET when data was left
// unread or the connection was never accepted.
void tell_peer_gone(Sock* peer, bool reset) {
  MutexGuard g(peer->lock);
  if (peer->type != kSockDgram) {
    __atomic_store_n(&peer->shut, kShutBoth, __ATOMIC_RELEASE);
    if (reset) peer->err = ECONNRESET;
  }
  wakeup(peer->data_chan());
  wakeup(peer->room_chan());
}

// Ends s: its File's close, or a connection dropped before it was accepted.
void sock_end(Sock* s, bool embryo) {
  unname(s);
  Sock* peer;
  Sock* waiting;
  bool unread;
  {
    MutexGuard g(s->lock);
    s->dead = true;
    peer = s->peer;
    s->peer = nullptr;
    waiting = s->q_head;
    s->q_head = s->q_tail = nullptr;
    s->qlen = 0;
    unread = s->rx.len > 0;
    release_queue(s);
    wakeup(s->room_chan());  // senders see it dead
    wakeup(s->backlog_chan());
  }
  if (peer) {
    if (is_connection(s)) tell_peer_gone(peer, unread || embryo);
    sock_drop(peer);
  }
  while (waiting) {
    Sock* e = waiting;
    waiting = e->q_next;
    e->q_next = nullptr;
    sock_end(e, true);
    sock_drop(e);
  }
  poll_wakeup();
}

void sock_close(File* fp) {
  Sock* s = sock_of(fp);
  sock_end(s, false);
  sock_drop(s);
}

// ---- sending ---------------------------------------------------------------------

void sigpipe_unless(int flags) {
  if (!(flags & MSG_NOSIGNAL)) lwp_signal_self(kSigPipe);
}

// A stream's send into peer: bytes as they fit; waits for room (not
// nonblock). What was sent, or -errno with nothing sent.
int64_t send_stream(Sock* s, Sock* peer, Uio* uio, bool nonblock, int flags) {
  uint64_t deadline = deadline_of(&s->sndtimeo_ns);
  MutexGuard g(peer->lock);
  int err = 0;
  for (;;) {
    if ((shut_of(s) & kSendShut) || peer->dead || (shut_of(peer) & kRcvShut)) {
      if (uio->done == 0) sigpipe_unless(flags);  // a short count is no signal (Linux)
      err = -EPIPE;
      break;
    }
    if (uio->resid == 0) break;
    uint32_t room = peer->rx.room();
    if (room > 0) {
      uint32_t n = room < uio->resid ? room : static_cast<uint32_t>(uio->resid);
      err = peer->rx.fill(uio, n);
      wakeup(peer->data_chan());
      poll_wakeup();
      if (err) break;
      continue;
    }
    if (nonblock) {
      err = -EAGAIN;
      break;
    }
    if ((err = sleep_locked(peer, peer->room_chan(), deadline, "sockwr")) != 0) break;
  }
  return uio->done > 0 ? static_cast<int64_t>(uio->done) : err;
}

// Whether dst (its lock held) takes no more datagrams from s: a datagram
// socket not connected to s holds at most kMaxDgramQlen + 1 messages (Linux's
// unix_recvq_full), so many senders cannot fill one receiver's queue with
// messages it has not asked for; its own peer's, and its own, are bounded by
// the queue's bytes only.
bool queue_full_for(const Sock* s, const Sock* dst) {
  return s->type == kSockDgram && dst != s && dst->peer != s && dst->nmsgs > kMaxDgramQlen;
}

// A message into dst's queue, whole (from s, whose address goes with it).
// -EMSGSIZE when it could never fit.
int64_t send_message(Sock* s, Sock* dst, Uio* uio, bool nonblock, bool connected) {
  SockAddr from;
  {
    MutexGuard g(s->lock);
    from = s->addr;
  }
  uint64_t deadline = deadline_of(&s->sndtimeo_ns);
  MutexGuard g(dst->lock);
  for (;;) {
    if (dst->dead) return connected && s->type == kSockSeqpacket ? -EPIPE : -ECONNREFUSED;
    if (shut_of(s) & kSendShut) return -EPIPE;
    if (shut_of(dst) & kRcvShut) return -EPIPE;
    // A datagram socket connected to another accepts only that one's.
    if (s->type == kSockDgram && dst->peer && dst->peer != s) return -EPERM;
    uint64_t need = sizeof(MsgHead) + from.len + uio->resid;
    if (need > dst->rx.cap()) return -EMSGSIZE;
    if (dst->rx.room() >= need && !queue_full_for(s, dst)) break;
    if (nonblock) return -EAGAIN;
    if (int e = sleep_locked(dst, dst->room_chan(), deadline, "sockwr"); e) return e;
  }
  uint32_t before = dst->rx.len;
  MsgHead h{static_cast<uint32_t>(uio->resid), from.len};
  int err = dst->rx.put(&h, sizeof h);
  if (!err && from.len) err = dst->rx.put(from.bytes, from.len);
  if (!err) err = dst->rx.fill(uio, h.len);
  if (!err && uio->done != h.len) err = -EFAULT;
  if (err) {
    dst->rx.len = before;  // all or nothing: no receiver saw the part (the lock is held)
    return err;
  }
  ++dst->nmsgs;
  wakeup(dst->data_chan());
  poll_wakeup();
  return h.len;
}

// s's peer, held, or nullptr.
Sock* peer_hold(Sock* s) {
  MutexGuard g(s->lock);
  return s->peer ? sock_hold(s->peer) : nullptr;
}

// A datagram socket's default destination found closed: it is forgotten
// (Linux's unix_dgram_disconnected), and this send reports -ECONNREFUSED.
void forget_dead_peer(Sock* s, Sock* peer) {
  {
    MutexGuard g(s->lock);
    if (s->peer != peer) return;
    s->peer = nullptr;
    s->state = State::kUnconnected;
    sock_drop(peer);  // the connection's reference; the caller still holds one
  }
  poll_wakeup();  // no peer: always writable
}

// ---- receiving ---------------------------------------------------------------------

// Waits (s->lock held) until s has something to receive: 0, or the value the
// receive returns (0 at the end, -errno).
int64_t wait_data(Sock* s, bool nonblock, uint64_t deadline, bool* end) {
  *end = false;
  while (s->rx.len == 0) {
    if (is_connection(s) && s->state != State::kConnected) {
      *end = true;  // Linux: a stream's -EINVAL, a sequenced-packet one's -ENOTCONN
      return s->type == kSockStream ? -EINVAL : -ENOTCONN;
    }
    if (s->err) {
      int e = s->err;
      s->err = 0;
      *end = true;
      return -e;
    }
    if (shut_of(s) & kRcvShut) {
      *end = true;
      return 0;
    }
    if (nonblock) {
      *end = true;
      return -EAGAIN;
    }
    if (int64_t e = sleep_locked(s, s->data_chan(), deadline, "sockrd"); e) {
      *end = true;
      return e;
    }
  }
  return 0;
}

int64_t recv_stream(Sock* s, Uio* uio, int flags, bool nonblock, SockAddr* from) {
  uint64_t deadline = deadline_of(&s->rcvtimeo_ns);
  if (from) {
    // The sender's name: the peer's (a stream has one sender).
    if (Sock* peer = peer_hold(s)) {
      {
        MutexGuard g(peer->lock);
        *from = peer->addr;
      }
      sock_drop(peer);
    }
  }
  int64_t err = 0;
  {
    MutexGuard g(s->lock);
    for (;;) {
      bool end;
      err = wait_data(s, nonblock, deadline, &end);
      if (end) break;
      uint32_t moved;
      err = s->rx.peek(0, s->rx.len, uio, &moved);
      if (!(flags & MSG_PEEK) && moved) {
        s->rx.consume(moved);
        wakeup(s->room_chan());  // a sender may wait for this room while we wait for more
        poll_wakeup();
      }
      // MSG_WAITALL waits for the rest (but not when it may not wait).
      if (err || !(flags & MSG_WAITALL) || (flags & MSG_PEEK) || uio->resid == 0 || nonblock) break;
    }
  }
  if (uio->done > 0) return static_cast<int64_t>(uio->done);
  if (from && err == 0) from->len = 0;  // the end: no sender (Linux writes length 0)
  return err;
}

int64_t recv_message(Sock* s, Uio* uio, int flags, bool nonblock, int* msg_flags, SockAddr* from) {
  uint64_t deadline = deadline_of(&s->rcvtimeo_ns);
  MsgHead h;
  int fault = 0;
  {
    MutexGuard g(s->lock);
    if (int e = s->err; e) {  // before the queue (Linux's __skb_try_recv_datagram)
      s->err = 0;
      return -e;
    }
    bool end;
    int64_t r = wait_data(s, nonblock, deadline, &end);
    if (end) return r;
    s->rx.get(0, &h, sizeof h);
    if (from) {
      from->len = h.alen;
      s->rx.get(sizeof h, from->bytes, h.alen);
    }
    uint32_t moved;
    int err = s->rx.peek(sizeof h + h.alen, h.len, uio, &moved);
    if (moved < h.len) *msg_flags |= MSG_TRUNC;
    if (!(flags & MSG_PEEK)) {  // taken even when the copy faults: Linux dequeues first
      s->rx.consume(sizeof h + h.alen + h.len);
      --s->nmsgs;
      wakeup(s->room_chan());
    }
    fault = err;
  }
  poll_wakeup();  // room made, the copy faulted or not
  if (fault) return fault;
  return (flags & MSG_TRUNC) ? h.len : static_cast<int64_t>(uio->done);
}

// ---- the File ------------------------------------------------------------------------

int64_t sock_read(File* fp, Uio* uio, const uint64_t*) {
  int msg_flags = 0;
  return unix_recv(fp, uio, 0, &msg_flags, nullptr);
}

int64_t sock_write(File* fp, Uio* uio, const uint64_t*) {
  return unix_send(fp, uio, 0, nullptr, nullptr, FsCred{});
}

// Whether a send to peer would not wait now.
bool can_send_to(const Sock* s, Sock* peer) {
  MutexGuard g(peer->lock);
  if (peer->dead || (shut_of(peer) & kRcvShut)) return true;  // it fails at once
  uint32_t want = peer->rx.cap() < kRingPage ? peer->rx.cap() : kRingPage;
  return peer->rx.room() >= want && !queue_full_for(s, peer);
}

int sock_poll(File* fp, int) {
  Sock* s = sock_of(fp);
  int r = 0;
  Sock* peer;
  {
    MutexGuard g(s->lock);
    if (s->state == State::kListening) return s->qlen ? (POLLIN | POLLRDNORM) : 0;
    uint8_t shut = shut_of(s);
    if (s->err) r |= POLLERR;
    if (shut == kShutBoth) r |= POLLHUP;
    if (shut & kRcvShut) r |= kPollRdHup | POLLIN | POLLRDNORM;
    if (s->rx.len > 0) r |= POLLIN | POLLRDNORM;
    if (is_connection(s) && s->state != State::kConnected) r |= POLLHUP;
    peer = s->peer ? sock_hold(s->peer) : nullptr;
  }
  if (!peer) {
    // Nothing to wait for: an unconnected socket's send fails or goes by name.
    r |= POLLOUT | POLLWRNORM | POLLWRBAND;
  } else {
    if ((shut_of(s) & kSendShut) || can_send_to(s, peer)) r |= POLLOUT | POLLWRNORM | POLLWRBAND;
    sock_drop(peer);
  }
  return r;
}

int sock_ioctl(File* fp, uint64_t cmd, uint64_t arg) {
  Sock* s = sock_of(fp);
  int n = 0;
  if (cmd == FIONREAD) {
    MutexGuard g(s->lock);
    if (s->state == State::kListening) return -EINVAL;
    if (s->type == kSockStream) {
      n = static_cast<int>(s->rx.len);
    } else if (s->rx.len > 0) {
      // A datagram socket's next message; a sequenced-packet one's all.
      MsgHead h;
      uint32_t at = 0;
      for (uint32_t i = 0; i < (s->type == kSockDgram ? 1 : s->nmsgs); ++i) {
        s->rx.get(at, &h, sizeof h);
        n += static_cast<int>(h.len);
        at += sizeof h + h.alen + h.len;
      }
    }
  } else if (cmd == kSioCOutQ) {
    Sock* peer = peer_hold(s);  // a listener has none: 0
    if (peer) {
      {
        MutexGuard g(peer->lock);
        n = static_cast<int>(peer->rx.len);
      }
      sock_drop(peer);
    }
  } else {
    return -ENOTTY;
  }
  return copyout_u(&n, arg, sizeof n) ? -EFAULT : 0;
}

int sock_stat(File* fp, linux_stat* st) {
  Sock* s = sock_of(fp);
  *st = {};
  st->st_dev = linux_encode_dev(0, 0x08);  // the anonymous device sockets live on
  st->st_ino = s->ino;
  st->st_mode = S_IFSOCK | 0777;
  st->st_nlink = 1;
  st->st_uid = fp->charged_uid;  // the opener's (an accepted socket's: the accepter's)
  st->st_blksize = kRingPage;
  st->st_atime_sec = st->st_mtime_sec = st->st_ctime_sec = s->made.tv_sec;
  st->st_atime_nsec = st->st_mtime_nsec = st->st_ctime_nsec =
      static_cast<uint64_t>(s->made.tv_nsec);
  return 0;
}

const FileOps kSockOps = {sock_read,  sock_write, sock_poll, sock_ioctl,
                          sock_close, sock_stat,  false};

// A File for s (which it takes the caller's reference of).
int file_for(Sock* s, uint32_t flags, const FsCred& cr, File** out) {
  int err;
  File* fp =
      file_alloc(&kUnattachedFileOps, O_RDWR | (flags & O_NONBLOCK), cr.uid, cr.root(), &err);
  if (!fp) return err;
  fp->data = s;
  fp->ops = &kSockOps;
  *out = fp;
  return 0;
}

// A new unnamed, unconnected socket in a File of its own, or nullptr with *err.
File* new_socket(int type, uint32_t flags, const FsCred& cr, int* err) {
  Sock* s = sock_new(type, cr, err);
  if (!s) return nullptr;
  File* fp = nullptr;
  if ((*err = file_for(s, flags, cr, &fp)) != 0) {
    release_queue(s);
    sock_drop(s);
    return nullptr;
  }
  return fp;
}

bool valid_type(int type) {
  return type == kSockStream || type == kSockDgram || type == kSockSeqpacket;
}

// Copies an int option's value out, as Linux's sock_getsockopt: at most
// the caller's length.
int put_value(const void* v, uint32_t size, void* val, uint32_t* len) {
  if (*len > size) *len = size;
  tine_memcpy(val, v, *len);
  return 0;
}

int get_int(const void* val, uint32_t len, int* out) {
  if (len < sizeof(int)) return -EINVAL;
  tine_memcpy(out, val, sizeof(int));
  return 0;
}

}  // namespace

// ---- the calls ---------------------------------------------------------------------

int unix_socket(int type, uint32_t flags, const FsCred& cr, File** out) {
  if (!valid_type(type)) return -ESOCKTNOSUPPORT;
  int err;
  File* fp = new_socket(type, flags, cr, &err);
  if (!fp) return err;
  *out = fp;
  return 0;
}

int unix_socketpair(int type, uint32_t flags, const FsCred& cr, File** a, File** b) {
  if (!valid_type(type)) return -ESOCKTNOSUPPORT;
  int err;
  File* fa = new_socket(type, flags, cr, &err);
  if (!fa) return err;
  File* fb = new_socket(type, flags, cr, &err);
  if (!fb) {
    fdrop(fa);
    return err;
  }
  Sock* sa = sock_of(fa);
  Sock* sb = sock_of(fb);
  PeerCred me = caller_cred();
  // Unshared yet: no lock needed.
  sa->peer = sock_hold(sb);
  sb->peer = sock_hold(sa);
  sa->state = sb->state = State::kConnected;
  sa->cred = sb->cred = sa->peercred = sb->peercred = me;
  *a = fa;
  *b = fb;
  return 0;
}

bool file_is_socket(const File* fp) { return fp->ops == &kSockOps; }

int unix_bind(File* fp, const SockAddr& addr, Vnode* start, uint32_t umask, const FsCred& cr) {
  Sock* s = sock_of(fp);
  if (addr.len < 2 || addr.len > kSockAddrMax || addr.bytes[0] != kAfUnix || addr.bytes[1] != 0)
    return -EINVAL;
  if (__atomic_exchange_n(&s->binding, true, __ATOMIC_ACQ_REL)) return -EINVAL;
  SockAddr name = addr;
  int err = 0;
  {
    MutexGuard g(s->lock);
    if (s->addr.len) err = -EINVAL;  // named already
  }
  if (err && name.len > 2 && !is_abstract(name)) {
    // Linux makes the node first: a name that is there is in use.
    char path[kSunPathMax + 1];
    path_of(name, path);
    Vnode* v;
    if (path[0] && vfs_lookup(start, path, false, cr, &v) == 0) {
      vrele(v);
      err = -EADDRINUSE;
    }
  }
  if (!err && name.len == 2) {
    // Autobind: an abstract name of five hex digits, as Linux's.
    static uint32_t next;  // atomic
    name.len = 8;
    name.bytes[2] = 0;
    err = -EADDRINUSE;
    for (int tries = 0; tries < 0x100000 && err; ++tries) {
      uint32_t n = __atomic_add_fetch(&next, 1, __ATOMIC_RELAXED) & 0xfffff;
      for (int i = 0; i < 5; ++i) name.bytes[3 + i] = "0123456789abcdef"[(n >> (16 - 4 * i)) & 15];
      MutexGuard g(g_abstract_lock);
      if (!abstract_find_locked(name, s->type)) {
        abstract_add_locked(s, name);
        err = 0;
      }
    }
  } else if (!err && is_abstract(name)) {
    MutexGuard g(g_abstract_lock);
    if (abstract_find_locked(name, s->type))
      err = -EADDRINUSE;
    else
      abstract_add_locked(s, name);
  } else if (!err) {
    char path[kSunPathMax + 1];
    path_of(name, path);
    if (path[0] == 0) {
      err = -EINVAL;
    } else {
      Vnode* v;
      err = vfs_mksock(start, path, umask, cr, &v);
      if (err == -EEXIST) err = -EADDRINUSE;
      if (!err) {
        {
          MutexGuard g(v->lock);
          v->sock = s;
        }
        // The name as Linux keeps it: the path and its NUL.
        uint32_t n = static_cast<uint32_t>(tine_strlen(path));
        name.len = 2 + n + 1;
        tine_memcpy(name.bytes + 2, path, n + 1);
        MutexGuard g(s->lock);
        s->node = v;
        s->addr = name;
      }
    }
  }
  __atomic_store_n(&s->binding, false, __ATOMIC_RELEASE);
  return err;
}

int unix_listen(File* fp, int backlog) {
  Sock* s = sock_of(fp);
  if (s->type == kSockDgram) return -EOPNOTSUPP;
  MutexGuard g(s->lock);
  if (s->state != State::kUnconnected && s->state != State::kListening) return -EINVAL;
  if (!s->addr.len) return -EINVAL;  // no listening without a name
  uint32_t b = static_cast<uint32_t>(backlog);
  s->backlog = b > kMaxBacklog ? kMaxBacklog : b;
  s->cred = s->peercred = caller_cred();  // each listen's, as Linux's init_peercred
  s->state = State::kListening;
  wakeup(s->backlog_chan());  // a larger backlog may let connecters in
  return 0;
}

int unix_connect(File* fp, const SockAddr& addr, Vnode* start, const FsCred& cr) {
  Sock* s = sock_of(fp);
  if (addr.len < 2 || addr.len > kSockAddrMax || addr.bytes[0] != kAfUnix || addr.bytes[1] != 0) {
    // AF_UNSPEC dissolves a datagram socket's association (Linux).
    if (s->type == kSockDgram && addr.len >= 2 && addr.bytes[0] == 0 && addr.bytes[1] == 0) {
      Sock* old;
      {
        MutexGuard g(s->lock);
        old = s->peer;
        s->peer = nullptr;
        s->state = State::kUnconnected;
      }
      if (old) sock_drop(old);
      poll_wakeup();
      return 0;
    }
    return -EINVAL;
  }
  if (addr.len == 2) return -EINVAL;
  Sock* target;
  if (int e = find_named(addr, s->type, start, cr, &target); e) return e;
  int err = 0;
  if (target->type != s->type) {
    err = -EPROTOTYPE;
  } else if (s->type == kSockDgram) {
    bool may;
    {
      MutexGuard g(target->lock);
      may = !target->peer || target->peer == s;  // Linux's unix_may_send
    }
    if (!may) {
      err = -EPERM;
    } else {
      Sock* old;
      {
        MutexGuard g(s->lock);
        old = s->peer;
        s->peer = sock_hold(target);
        s->state = State::kConnected;
      }
      if (old) sock_drop(old);
      poll_wakeup();
    }
  } else {
    {
      MutexGuard g(s->lock);
      if (s->state == State::kConnected)
        err = -EISCONN;
      else if (s->state == State::kConnecting)
        err = -EALREADY;
      else if (s->state == State::kListening)
        err = -EINVAL;
      else
        s->state = State::kConnecting;
    }
    if (!err) {
      // The server's end, connected to s from the start (Linux's embryo).
      PeerCred me = caller_cred();
      PeerCred listener{};
      Sock* mine = nullptr;
      // The server's end has no File until it is accepted: it counts as an
      // open file of the connecting user's for its whole life, so that
      // connections no one accepts stay bounded by the open-file limits.
      Sock* e = nullptr;
      if (!charge_take(Charge::kFiles, cr.uid, 1, cr.root()))
        err = -ENFILE;
      else if ((e = sock_new(s->type, cr, &err)) == nullptr)
        charge_give(Charge::kFiles, cr.uid, 1);
      else
        e->counted = true;
      if (e) {
        bool nonblock = file_nonblock(fp);
        uint64_t deadline = deadline_of(&s->sndtimeo_ns);
        MutexGuard g(target->lock);
        for (;;) {
          if (target->dead || target->state != State::kListening || (shut_of(target) & kRcvShut)) {
            err = -ECONNREFUSED;
            break;
          }
          if (target->qlen <= target->backlog) break;
          if (nonblock) {
            err = -EAGAIN;
            break;
          }
          if ((err = sleep_locked(target, target->backlog_chan(), deadline, "sockcon")) != 0) break;
        }
        if (!err) {
          // s's reference to e, taken before e is on the queue: from there the
          // server may accept and close it at once.
          mine = sock_hold(e);
          e->state = State::kConnected;
          e->peer = sock_hold(s);
          e->addr = target->addr;
          e->cred = listener = target->cred;
          e->peercred = me;
          // The queue holds e by the reference sock_new gave.
          if (target->q_tail)
            target->q_tail->q_next = e;
          else
            target->q_head = e;
          target->q_tail = e;
          ++target->qlen;
          wakeup(target->accept_chan());
        }
      }
      {
        MutexGuard g(s->lock);
        if (err) {
          s->state = State::kUnconnected;
        } else {
          s->peer = mine;
          s->state = State::kConnected;
          s->cred = me;
          s->peercred = listener;
        }
      }
      if (err && e) {
        release_queue(e);
        sock_drop(e);
      }
      poll_wakeup();  // connected, or back to unconnected
    }
  }
  sock_drop(target);
  return err;
}

int unix_accept(File* fp, uint32_t flags, const FsCred& cr, File** out, SockAddr* peer) {
  Sock* s = sock_of(fp);
  if (s->type == kSockDgram) return -EOPNOTSUPP;
  int err;
  File* nf =
      file_alloc(&kUnattachedFileOps, O_RDWR | (flags & O_NONBLOCK), cr.uid, cr.root(), &err);
  if (!nf) return err;
  Sock* e = nullptr;
  {
    uint64_t deadline = deadline_of(&s->rcvtimeo_ns);
    MutexGuard g(s->lock);
    for (;;) {
      if (s->state != State::kListening || (shut_of(s) & kRcvShut)) {
        err = -EINVAL;  // Linux: a listener shut down takes no more
        break;
      }
      if ((e = s->q_head) != nullptr) {
        s->q_head = e->q_next;
        if (!s->q_head) s->q_tail = nullptr;
        e->q_next = nullptr;
        --s->qlen;
        wakeup(s->backlog_chan());
        // Accepted, it is an open file of the accepter's: the connecting
        // user's count of it (which bounds connections no one accepts) ends.
        if (e->counted) {
          charge_give(Charge::kFiles, e->charged_uid, 1);
          e->counted = false;
        }
        break;
      }
      if (file_nonblock(fp)) {
        err = -EAGAIN;
        break;
      }
      if ((err = sleep_locked(s, s->accept_chan(), deadline, "accept")) != 0) break;
    }
  }
  if (!e) {
    fdrop(nf);
    return err;
  }
  peer->len = 2;
  peer->bytes[0] = kAfUnix;
  peer->bytes[1] = 0;
  if (Sock* client = peer_hold(e)) {
    {
      MutexGuard g(client->lock);
      if (client->addr.len) *peer = client->addr;
    }
    sock_drop(client);
  }
  nf->data = e;  // the queue's reference is the File's now
  nf->ops = &kSockOps;
  *out = nf;
  poll_wakeup();
  return 0;
}

void unix_accept_undo(File* fp, File* accepted) {
  Sock* s = sock_of(fp);
  Sock* e = sock_of(accepted);
  accepted->data = nullptr;
  accepted->ops = &kUnattachedFileOps;
  bool back = false;
  {
    MutexGuard g(s->lock);
    if (!s->dead && s->state == State::kListening && !(shut_of(s) & kRcvShut)) {
      e->q_next = s->q_head;
      s->q_head = e;
      if (!s->q_tail) s->q_tail = e;
      ++s->qlen;
      wakeup(s->accept_chan());
      back = true;
    }
  }
  if (!back) {
    sock_end(e, true);
    sock_drop(e);
  }
  fdrop(accepted);
  poll_wakeup();
}

int unix_getname(File* fp, bool want_peer, SockAddr* out) {
  Sock* s = sock_of(fp);
  out->len = 2;
  out->bytes[0] = kAfUnix;
  out->bytes[1] = 0;
  if (!want_peer) {
    MutexGuard g(s->lock);
    if (s->addr.len) *out = s->addr;
    return 0;
  }
  Sock* peer = peer_hold(s);
  if (!peer) return -ENOTCONN;
  {
    MutexGuard g(peer->lock);
    if (peer->addr.len) *out = peer->addr;
  }
  sock_drop(peer);
  return 0;
}

int64_t unix_send(File* fp, Uio* uio, int flags, const SockAddr* to, Vnode* start,
                  const FsCred& cr) {
  Sock* s = sock_of(fp);
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  bool nonblock = file_nonblock(fp) || (flags & MSG_DONTWAIT);
  if (s->type == kSockStream) {
    if (to) return s->state == State::kConnected ? -EISCONN : -EOPNOTSUPP;
    Sock* peer = peer_hold(s);
    if (!peer) return -ENOTCONN;  // Linux's, before any shutdown
    int64_t r = send_stream(s, peer, uio, nonblock, flags);
    sock_drop(peer);
    return r;
  }
  if (s->type == kSockSeqpacket) {
    to = nullptr;  // Linux ignores it
    MutexGuard g(s->lock);
    if (int e = s->err; e) {  // a pending error first, taken (Linux's sock_error)
      s->err = 0;
      return -e;
    }
  }
  Sock* dst;
  bool connected = to == nullptr;
  if (to) {
    if (to->len <= 2 || to->len > kSockAddrMax || to->bytes[0] != kAfUnix || to->bytes[1] != 0)
      return -EINVAL;
    if (int e = find_named(*to, s->type, start, cr, &dst); e) return e;
    if (dst->type != s->type) {
      sock_drop(dst);
      return -EPROTOTYPE;
    }
  } else if ((dst = peer_hold(s)) == nullptr) {
    return -ENOTCONN;
  }
  int64_t r = send_message(s, dst, uio, nonblock, connected);
  if (r == -ECONNREFUSED && connected) forget_dead_peer(s, dst);
  sock_drop(dst);
  return r;
}

int64_t unix_recv(File* fp, Uio* uio, int flags, int* msg_flags, SockAddr* from) {
  Sock* s = sock_of(fp);
  if (flags & MSG_OOB) return -EOPNOTSUPP;
  bool nonblock = file_nonblock(fp) || (flags & MSG_DONTWAIT);
  if (from) from->len = 0;
  if (s->type == kSockStream) return recv_stream(s, uio, flags, nonblock, from);
  return recv_message(s, uio, flags, nonblock, msg_flags, from);
}

int unix_take_error(File* fp) {
  Sock* s = sock_of(fp);
  MutexGuard g(s->lock);
  int e = s->err;
  s->err = 0;
  return e;
}

void unix_leave_error(File* fp, int err) {
  Sock* s = sock_of(fp);
  {
    MutexGuard g(s->lock);
    s->err = err;
  }
  poll_wakeup();  // POLLERR
}

int unix_shutdown(File* fp, int how) {
  Sock* s = sock_of(fp);
  if (how < 0 || how > 2) return -EINVAL;
  uint8_t mode = static_cast<uint8_t>((how + 1) & kShutBoth);  // SHUT_RD 0, SHUT_WR 1, SHUT_RDWR 2
  Sock* peer;
  {
    MutexGuard g(s->lock);
    __atomic_or_fetch(&s->shut, mode, __ATOMIC_ACQ_REL);
    wakeup(s->data_chan());
    wakeup(s->room_chan());
    wakeup(s->accept_chan());
    wakeup(s->backlog_chan());
    peer = s->peer && is_connection(s) ? sock_hold(s->peer) : nullptr;
  }
  if (peer) {
    uint8_t peer_mode = static_cast<uint8_t>(((mode & kRcvShut) ? kSendShut : 0) |
                                             ((mode & kSendShut) ? kRcvShut : 0));
    {
      MutexGuard g(peer->lock);
      __atomic_or_fetch(&peer->shut, peer_mode, __ATOMIC_ACQ_REL);
      wakeup(peer->data_chan());
      wakeup(peer->room_chan());
    }
    sock_drop(peer);
  }
  poll_wakeup();
  return 0;
}

int unix_getsockopt(File* fp, int name, void* val, uint32_t* len) {
  Sock* s = sock_of(fp);
  int v = 0;
  auto flag = [&](uint32_t f) {
    return (__atomic_load_n(&s->flags, __ATOMIC_RELAXED) & f) ? 1 : 0;
  };
  switch (name) {
    case kSoType: v = s->type; break;
    case kSoDomain: v = kAfUnix; break;
    case kSoProtocol: v = 0; break;
    case kSoError: {
      MutexGuard g(s->lock);
      v = s->err;
      s->err = 0;
      break;
    }
    case kSoAcceptConn: {
      MutexGuard g(s->lock);
      v = s->state == State::kListening;
      break;
    }
    case kSoSndBuf: v = __atomic_load_n(&s->sndbuf, __ATOMIC_RELAXED); break;
    case kSoRcvBuf: v = __atomic_load_n(&s->rcvbuf, __ATOMIC_RELAXED); break;
    case kSoRcvLowat: v = __atomic_load_n(&s->rcvlowat, __ATOMIC_RELAXED); break;
    case kSoSndLowat: v = 1; break;
    case kSoReuseAddr: v = flag(kFlagReuseAddr); break;
    case kSoKeepAlive: v = flag(kFlagKeepAlive); break;
    case kSoBroadcast: v = flag(kFlagBroadcast); break;
    case kSoPassCred: v = flag(kFlagPassCred); break;
    case kSoDontRoute: v = flag(kFlagDontRoute); break;
    case kSoOobInline: v = flag(kFlagOobInline); break;
    case kSoDebug: v = flag(kFlagDebug); break;
    case kSoPassSec: v = flag(kFlagPassSec); break;
    case kSoLinger: {
      int l[2] = {__atomic_load_n(&s->linger[0], __ATOMIC_RELAXED),
                  __atomic_load_n(&s->linger[1], __ATOMIC_RELAXED)};
      return put_value(l, sizeof l, val, len);
    }
    case kSoPeerCred: {
      PeerCred c;
      {
        MutexGuard g(s->lock);
        c = s->peercred;
      }
      return put_value(&c, sizeof c, val, len);
    }
    case kSoRcvTimeo:
    case kSoSndTimeo: {
      int64_t ns = __atomic_load_n(name == kSoRcvTimeo ? &s->rcvtimeo_ns : &s->sndtimeo_ns,
                                   __ATOMIC_RELAXED);
      int64_t tv[2] = {ns / 1000000000, (ns % 1000000000) / 1000};
      return put_value(tv, sizeof tv, val, len);
    }
    default: return -ENOPROTOOPT;
  }
  return put_value(&v, sizeof v, val, len);
}

int unix_setsockopt(File* fp, int name, const void* val, uint32_t len) {
  Sock* s = sock_of(fp);
  if (len < sizeof(int)) return -EINVAL;  // Linux's, for every name
  if (name == kSoRcvTimeo || name == kSoSndTimeo) {
    int64_t tv[2];
    if (len < sizeof tv) return -EINVAL;
    tine_memcpy(tv, val, sizeof tv);
    if (tv[1] < 0 || tv[1] >= 1000000) return -EDOM;
    int64_t ns;
    if (tv[0] < 0)
      ns = 1;  // Linux: a negative time is a timeout of zero
    else if (tv[0] > INT64_MAX / 1000000000 - 1)
      ns = 0;  // as good as none
    else
      ns = tv[0] * 1000000000 + tv[1] * 1000;
    __atomic_store_n(name == kSoRcvTimeo ? &s->rcvtimeo_ns : &s->sndtimeo_ns, ns, __ATOMIC_RELAXED);
    return 0;
  }
  if (name == kSoLinger) {
    int l[2];
    if (len < sizeof l) return -EINVAL;
    tine_memcpy(l, val, sizeof l);
    __atomic_store_n(&s->linger[0], l[0] ? 1 : 0, __ATOMIC_RELAXED);
    if (l[0]) __atomic_store_n(&s->linger[1], l[1], __ATOMIC_RELAXED);  // off keeps the time
    return 0;
  }
  int v;
  uint32_t f = 0;
  switch (name) {
    case kSoReuseAddr: f = kFlagReuseAddr; break;
    case kSoKeepAlive: f = kFlagKeepAlive; break;
    case kSoBroadcast: f = kFlagBroadcast; break;
    case kSoPassCred: f = kFlagPassCred; break;
    case kSoDontRoute: f = kFlagDontRoute; break;
    case kSoOobInline: f = kFlagOobInline; break;
    case kSoPassSec: f = kFlagPassSec; break;
    case kSoDebug: f = kFlagDebug; break;
    case kSoSndBuf:
    case kSoRcvBuf:
    case kSoRcvLowat:
    case kSoSndLowat: break;
    default: return -ENOPROTOOPT;
  }
  if (int e = get_int(val, len, &v); e) return e;
  if (f) {
    if (v)
      __atomic_or_fetch(&s->flags, f, __ATOMIC_RELAXED);
    else
      __atomic_and_fetch(&s->flags, ~f, __ATOMIC_RELAXED);
    return 0;
  }
  if (name == kSoSndLowat) return -ENOPROTOOPT;  // Linux: not changeable
  if (name == kSoRcvLowat) {
    __atomic_store_n(&s->rcvlowat, v < 0 ? INT32_MAX : v == 0 ? 1 : v, __ATOMIC_RELAXED);
    return 0;
  }
  // Kept for getsockopt, as Linux: the value as unsigned, cut to
  // wmem_max/rmem_max (212,992), doubled, and at least SOCK_MIN_SNDBUF
  // (4,608) or SOCK_MIN_RCVBUF (2,304). The queue stays what it is
  // (docs/user-abi.md).
  uint64_t u = static_cast<uint32_t>(v);
  if (u > 212992) u = 212992;
  u *= 2;
  uint64_t least = name == kSoSndBuf ? 4608 : 2304;
  if (u < least) u = least;
  __atomic_store_n(name == kSoSndBuf ? &s->sndbuf : &s->rcvbuf, static_cast<int>(u),
                   __ATOMIC_RELAXED);
  return 0;
}

uint64_t unix_socket_count() { return __atomic_load_n(&g_socks, __ATOMIC_RELAXED); }
