// The socket calls: Unix-domain sockets only (kernel/net/unix_socket.h);
// Linux arm64's numbers and semantics (docs/user-abi.md, "Sockets").
// Addresses and messages are copied here; the socket layer sees kernel
// copies.
#include "kernel/fs/linux_abi.h"
#include "kernel/fs/uio.h"
#include "kernel/lib/string.h"
#include "kernel/net/unix_socket.h"
#include "kernel/proc/proc.h"
#include "kernel/syscall/file_args.h"
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/user_time.h"
#include "kernel/time/clock.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/copy.h"

namespace {

constexpr uint64_t kSockTypeMask = 0xf;
constexpr uint64_t kSockFlags = O_NONBLOCK | O_CLOEXEC;  // SOCK_NONBLOCK, SOCK_CLOEXEC
constexpr int kNproto = 46;                              // families Linux numbers (AF_MAX)
constexpr int kSockMax = 10;
constexpr int kScmRights = 1, kScmCredentials = 2;
constexpr uint64_t kOptmemMax = 20480;  // Linux's net.core.optmem_max
constexpr uint32_t kMsgErrQueue = 0x2000, kMsgWaitForOne = 0x10000;
constexpr uint32_t kMsgCmsgCompat = 0x80000000;  // a 32-bit program's: refused

// struct user_msghdr on arm64.
struct MsgHdr {
  uint64_t name;
  uint32_t namelen;
  uint32_t pad;
  uint64_t iov;
  uint64_t iovlen;
  uint64_t control;
  uint64_t controllen;
  int32_t flags;
  uint32_t pad2;
};
static_assert(sizeof(MsgHdr) == 56);

// struct mmsghdr: a msghdr and the bytes its message moved.
struct MMsgHdr {
  MsgHdr hdr;
  uint32_t len;
  uint32_t pad;
};
static_assert(sizeof(MMsgHdr) == 64);

struct CmsgHdr {
  uint64_t len;
  int32_t level;
  int32_t type;
};

// The socket at fd, held, or nullptr with *err (-EBADF, -ENOTSOCK).
File* sock_get(int fd, int* err) {
  File* fp = fget_mine(fd);
  if (fp && !(fp->mode & (kFileRead | kFileWrite))) {  // O_PATH: no file for these (Linux's fget)
    fdrop(fp);
    fp = nullptr;
  }
  if (!fp) {
    *err = -EBADF;
    return nullptr;
  }
  if (!file_is_socket(fp)) {
    fdrop(fp);
    *err = -ENOTSOCK;
    return nullptr;
  }
  return fp;
}

struct SockRef {
  int err = 0;  // before fp: sock_get sets it as fp is made
  File* fp;
  explicit SockRef(uint64_t fd) : fp(sock_get(static_cast<int>(fd), &err)) {}
  ~SockRef() {
    if (fp) fdrop(fp);
  }
  SockRef(const SockRef&) = delete;
  SockRef& operator=(const SockRef&) = delete;
};

// An address from the program (Linux's move_addr_to_kernel): at most 128
// bytes; longer than a sockaddr_un's 110 is refused by the socket layer's
// length check, as Linux's unix_validate_addr does.
int addr_in(uint64_t uaddr, uint64_t ulen, SockAddr* out) {
  int32_t n = static_cast<int32_t>(ulen);  // an int, as Linux's
  if (n < 0 || static_cast<uint32_t>(n) > kSockaddrStorage) return -EINVAL;
  out->len = static_cast<uint32_t>(n);
  if (n && copyin_u(uaddr, out->bytes, out->len)) return -EFAULT;
  return 0;
}

// An address to the program (Linux's move_addr_to_user): *ulen says the room
// (read first), gets the address's length; what fits is copied.
int addr_out(const SockAddr& a, uint64_t uaddr, uint64_t ulen) {
  int32_t room;
  if (copyin_u(ulen, &room, sizeof room)) return -EFAULT;
  if (room < 0) return -EINVAL;
  uint32_t n = a.len < static_cast<uint32_t>(room) ? a.len : static_cast<uint32_t>(room);
  if (n && copyout_u(a.bytes, uaddr, n)) return -EFAULT;
  int32_t len = static_cast<int32_t>(a.len);
  return copyout_u(&len, ulen, sizeof len) ? -EFAULT : 0;
}

// The family and type words of socket and socketpair: the type (a RAW one
// is a datagram one, as Linux's unix_create), or -errno.
int check_type(uint64_t domain_arg, uint64_t type_arg, uint64_t protocol_arg) {
  // ints, as Linux's: the upper halves of the registers are not looked at
  int d = static_cast<int>(domain_arg), type = static_cast<int>(type_arg);
  int protocol = static_cast<int>(protocol_arg);
  if (static_cast<uint32_t>(type) & ~kSockTypeMask & ~kSockFlags) return -EINVAL;
  if (d < 0 || d >= kNproto) return -EAFNOSUPPORT;
  int t = type & static_cast<int>(kSockTypeMask);
  if (t >= kSockMax) return -EINVAL;
  if (d != kAfUnix) return -EAFNOSUPPORT;  // no networking: the only family is AF_UNIX
  if (protocol != 0 && protocol != kAfUnix) return -EPROTONOSUPPORT;
  if (t == kSockRaw) t = kSockDgram;
  if (t != kSockStream && t != kSockDgram && t != kSockSeqpacket) return -ESOCKTNOSUPPORT;
  return t;
}

uint32_t fd_flags_of(uint64_t flags) { return (flags & O_CLOEXEC) ? FD_CLOEXEC : 0; }

// Puts fp (its reference given) in the lowest free descriptor.
int64_t install(File* fp, uint64_t flags) {
  int fd = fd_alloc(my_fd(), fp, 0, fd_flags_of(flags), proc_nofile_limit(curproc()));
  if (fd < 0) fdrop(fp);
  return fd;
}

// Where a relative name starts: the caller's working directory.
struct Cwd {
  VnodeRef ref;
  Cwd() { ref.v = fd_cwd_hold(my_fd()); }
};

// Refuses ancillary data, which tine's sockets do not carry (SCM_RIGHTS,
// SCM_CREDENTIALS): -EOPNOTSUPP rather than a message sent without it. As
// Linux's __scm_send: headers of other levels are skipped, another
// SOL_SOCKET type is -EINVAL, and the buffer is at most optmem_max.
int check_control(const MsgHdr& m) {
  if (m.controllen > kOptmemMax) return -ENOBUFS;
  for (uint64_t at = 0; m.controllen - at >= sizeof(CmsgHdr);) {
    CmsgHdr h;
    if (copyin_u(m.control + at, &h, sizeof h)) return -EFAULT;
    if (h.len < sizeof h || h.len > m.controllen - at) return -EINVAL;
    if (h.level == kSolSocket) {
      if (h.type == kScmRights || h.type == kScmCredentials) return -EOPNOTSUPP;
      return -EINVAL;
    }
    at += (h.len + 7) & ~uint64_t{7};  // CMSG_ALIGN
    if (at > m.controllen) break;
  }
  return 0;
}

// A send on s, to the address at (uaddr, ulen) when there is one (a length
// of 0 is none, as Linux's).
int64_t do_send(File* s, Uio* uio, uint64_t flags, uint64_t uaddr, uint64_t ulen) {
  if (uaddr && static_cast<int32_t>(ulen) != 0) {
    SockAddr to;
    if (int e = addr_in(uaddr, ulen, &to); e) return e;
    Cwd cwd;
    return unix_send(s, uio, static_cast<int>(flags), &to, cwd.ref.v, my_cred());
  }
  return unix_send(s, uio, static_cast<int>(flags), nullptr, nullptr, my_cred());
}

// One sendmsg of the msghdr at umsg (sendmsg's, and each of sendmmsg's):
// the bytes sent or -errno; *whole is false when part of the data was not
// sent (a stream's send that stopped short).
int64_t send_msghdr(File* s, uint64_t umsg, uint32_t flags, bool* whole) {
  *whole = true;
  MsgHdr m;
  if (copyin_u(umsg, &m, sizeof m)) return -EFAULT;
  if (m.iovlen > static_cast<uint64_t>(kIovMax)) return -EMSGSIZE;
  if (int e = check_control(m); e) return e;
  IovArray iv;
  if (int e = iv.load(m.iov, static_cast<int64_t>(m.iovlen)); e) return e;
  Uio uio = uio_make(iv.v, iv.n, true, UioDir::kWrite);
  int64_t r = do_send(s, &uio, flags, m.name, m.namelen);
  *whole = uio.resid == 0;
  return r;
}

// One recvmsg into the msghdr at umsg (recvmsg's, and each of recvmmsg's).
int64_t recv_msghdr(File* s, uint64_t umsg, uint32_t flags) {
  MsgHdr m;
  if (copyin_u(umsg, &m, sizeof m)) return -EFAULT;
  if (m.name && static_cast<int32_t>(m.namelen) < 0) return -EINVAL;
  if (m.iovlen > static_cast<uint64_t>(kIovMax)) return -EMSGSIZE;
  IovArray iv;
  if (int e = iv.load(m.iov, static_cast<int64_t>(m.iovlen)); e) return e;
  Uio uio = uio_make(iv.v, iv.n, true, UioDir::kRead);
  SockAddr from;
  int msg_flags = 0;
  int64_t r = unix_recv(s, &uio, static_cast<int>(flags), &msg_flags, m.name ? &from : nullptr);
  if (r < 0) return r;
  // What Linux writes back: the name and its length (when there is a name
  // buffer), no control data, the flags.
  MsgHdr out = m;
  if (m.name) {
    uint32_t n = from.len < m.namelen ? from.len : m.namelen;
    if (n && copyout_u(from.bytes, m.name, n)) return -EFAULT;
    out.namelen = from.len;
    if (copyout_u(&out.namelen, umsg + offsetof(MsgHdr, namelen), sizeof out.namelen))
      return -EFAULT;
  }
  out.controllen = 0;
  out.flags = msg_flags;
  if (copyout_u(&out.controllen, umsg + offsetof(MsgHdr, controllen), sizeof out.controllen) ||
      copyout_u(&out.flags, umsg + offsetof(MsgHdr, flags), sizeof out.flags))
    return -EFAULT;
  return r;
}

}  // namespace

int64_t sys_socket(const SyscallArgs& a) {
  int t = check_type(a.a[0], a.a[1], a.a[2]);
  if (t < 0) return t;
  File* fp;
  if (int e = unix_socket(t, static_cast<uint32_t>(a.a[1] & O_NONBLOCK), my_cred(), &fp); e)
    return e;
  return install(fp, a.a[1]);
}

int64_t sys_socketpair(const SyscallArgs& a) {
  int t = check_type(a.a[0], a.a[1], a.a[2]);
  if (t < 0) return t;
  File* x;
  File* y;
  if (int e = unix_socketpair(t, static_cast<uint32_t>(a.a[1] & O_NONBLOCK), my_cred(), &x, &y); e)
    return e;
  return fd_install_pair(x, y, fd_flags_of(a.a[1]), a.a[3]);
}

int64_t sys_bind(const SyscallArgs& a) {
  SockRef s(a.a[0]);
  if (!s.fp) return s.err;
  SockAddr addr;
  if (int e = addr_in(a.a[1], a.a[2], &addr); e) return e;
  Cwd cwd;
  return unix_bind(s.fp, addr, cwd.ref.v, __atomic_load_n(&my_fd()->cmask, __ATOMIC_RELAXED),
                   my_cred());
}

int64_t sys_listen(const SyscallArgs& a) {
  SockRef s(a.a[0]);
  if (!s.fp) return s.err;
  return unix_listen(s.fp, static_cast<int>(a.a[1]));
}

int64_t sys_connect(const SyscallArgs& a) {
  SockRef s(a.a[0]);
  if (!s.fp) return s.err;
  SockAddr addr;
  if (int e = addr_in(a.a[1], a.a[2], &addr); e) return e;
  Cwd cwd;
  return unix_connect(s.fp, addr, cwd.ref.v, my_cred());
}

int64_t sys_accept4(const SyscallArgs& a) {
  int flags = static_cast<int>(a.a[3]);  // an int, as Linux's
  if (static_cast<uint32_t>(flags) & ~kSockFlags) return -EINVAL;
  SockRef s(a.a[0]);
  if (!s.fp) return s.err;
  if (a.a[1]) {
    int32_t room;
    if (copyin_u(a.a[2], &room, sizeof room)) return -EFAULT;
    if (room < 0) return -EINVAL;
  }
  File* nf;
  SockAddr peer;
  if (int e = unix_accept(s.fp, static_cast<uint32_t>(flags) & O_NONBLOCK, my_cred(), &nf, &peer);
      e)
    return e;
  // The descriptor first: with none to be had the connection waits on (as
  // Linux, which reserves it before it takes one). Our own reference kept to
  // the end, as pipe2's, so undoing takes back only what we put there.
  Filedesc* fdp = my_fd();
  int fd = fd_alloc(fdp, fhold(nf), 0, fd_flags_of(static_cast<uint32_t>(flags)),
                    proc_nofile_limit(curproc()));
  if (fd < 0) {
    fdrop(nf);                   // the table's, never given
    unix_accept_undo(s.fp, nf);  // takes ours
    return fd;
  }
  // Then the address: a fault loses the connection, as on Linux.
  int err = a.a[1] ? addr_out(peer, a.a[1], a.a[2]) : 0;
  if (err) fd_close_if(fdp, fd, nf);
  fdrop(nf);
  return err ? err : fd;
}

int64_t sys_accept(const SyscallArgs& a) {
  SyscallArgs b = a;
  b.a[3] = 0;
  return sys_accept4(b);
}

int64_t sys_getsockname(const SyscallArgs& a) {
  SockRef s(a.a[0]);
  if (!s.fp) return s.err;
  SockAddr addr;
  if (int e = unix_getname(s.fp, false, &addr); e) return e;
  return addr_out(addr, a.a[1], a.a[2]);
}

int64_t sys_getpeername(const SyscallArgs& a) {
  SockRef s(a.a[0]);
  if (!s.fp) return s.err;
  SockAddr addr;
  if (int e = unix_getname(s.fp, true, &addr); e) return e;
  return addr_out(addr, a.a[1], a.a[2]);
}

int64_t sys_sendto(const SyscallArgs& a) {
  SockRef s(a.a[0]);
  if (!s.fp) return s.err;
  IoVec iov{a.a[1], a.a[2] > kMaxRwCount ? kMaxRwCount : a.a[2]};
  Uio uio = uio_make(&iov, 1, true, UioDir::kWrite);
  return do_send(s.fp, &uio, a.a[3], a.a[4], a.a[5]);
}

int64_t sys_recvfrom(const SyscallArgs& a) {
  SockRef s(a.a[0]);
  if (!s.fp) return s.err;
  IoVec iov{a.a[1], a.a[2] > kMaxRwCount ? kMaxRwCount : a.a[2]};
  Uio uio = uio_make(&iov, 1, true, UioDir::kRead);
  SockAddr from;
  int msg_flags = 0;
  int64_t r = unix_recv(s.fp, &uio, static_cast<int>(a.a[3]), &msg_flags, a.a[4] ? &from : nullptr);
  if (r >= 0 && a.a[4])
    if (int e = addr_out(from, a.a[4], a.a[5]); e) return e;
  return r;
}

int64_t sys_sendmsg(const SyscallArgs& a) {
  uint32_t flags = static_cast<uint32_t>(a.a[2]);
  if (flags & kMsgCmsgCompat) return -EINVAL;  // a 32-bit program's flag, first (Linux's)
  SockRef s(a.a[0]);                           // then the descriptor
  if (!s.fp) return s.err;
  bool whole;
  return send_msghdr(s.fp, a.a[1], flags, &whole);
}

int64_t sys_recvmsg(const SyscallArgs& a) {
  uint32_t flags = static_cast<uint32_t>(a.a[2]);
  if (flags & kMsgCmsgCompat) return -EINVAL;
  SockRef s(a.a[0]);
  if (!s.fp) return s.err;
  return recv_msghdr(s.fp, a.a[1], flags);
}

// Linux's __sys_sendmmsg: the messages in order until one fails or is sent
// in part; the count sent, or the first one's error.
int64_t sys_sendmmsg(const SyscallArgs& a) {
  uint32_t flags = static_cast<uint32_t>(a.a[3]);
  if (flags & kMsgCmsgCompat) return -EINVAL;
  uint32_t vlen = static_cast<uint32_t>(a.a[2]);
  if (vlen > static_cast<uint32_t>(kIovMax)) vlen = kIovMax;
  SockRef s(a.a[0]);
  if (!s.fp) return s.err;
  uint32_t sent = 0;
  int64_t err = 0;
  while (sent < vlen) {
    if (sent > 0 && lwp_fatal_pending(curlwp())) break;  // SIGKILL ends a long one
    uint64_t entry = a.a[1] + uint64_t{sent} * sizeof(MMsgHdr);
    bool whole;
    int64_t r = send_msghdr(s.fp, entry, flags, &whole);
    if (r < 0) {
      err = r;
      break;
    }
    uint32_t len = static_cast<uint32_t>(r);
    if (copyout_u(&len, entry + offsetof(MMsgHdr, len), sizeof len)) {
      err = -EFAULT;  // sent, and not counted (Linux's)
      break;
    }
    ++sent;
    if (!whole) break;
  }
  return sent ? sent : err;
}

// Linux's recvmmsg: receives into the entries in order. The timeout is
// looked at only after each message (Linux's): a receive still waits as
// the socket's waits do. An error after some messages is left for the
// next call (but -EAGAIN, and a signal's is -EINTR), and the count returned.
int64_t sys_recvmmsg(const SyscallArgs& a) {
  uint32_t flags = static_cast<uint32_t>(a.a[3]);
  if (flags & kMsgCmsgCompat) return -EINVAL;
  bool timed = a.a[4] != 0, endless = false;
  UserTimespec left{};
  uint64_t end = 0;  // on the monotonic clock; a timeout of 0 ends at 0
  if (timed) {
    if (copyin_u(a.a[4], &left, sizeof left)) return -EFAULT;
    if (!timespec_valid(left)) return -EINVAL;
    if (left.sec || left.nsec) {
      uint64_t now = clock_ns(), ns = timespec_to_ns(left);
      endless = ns > UINT64_MAX - now;  // centuries: never reached, written back as it came
      end = endless ? UINT64_MAX : now + ns;
    }
  }
  SockRef s(a.a[0]);
  if (!s.fp) return s.err;
  if (!(flags & kMsgErrQueue))  // Linux's: MSG_ERRQUEUE leaves the pending error
    if (int e = unix_take_error(s.fp); e) return -e;
  uint32_t vlen = static_cast<uint32_t>(a.a[2]), got = 0;
  int64_t err = 0;
  while (got < vlen) {  // vlen is not cut (Linux's): a stream at its end gives 0s at once
    if (got > 0 && lwp_fatal_pending(curlwp())) break;  // so SIGKILL ends a long one
    uint64_t entry = a.a[1] + uint64_t{got} * sizeof(MMsgHdr);
    int64_t r = recv_msghdr(s.fp, entry, flags & ~kMsgWaitForOne);
    if (r < 0) {
      err = r;
      break;
    }
    uint32_t len = static_cast<uint32_t>(r);
    if (copyout_u(&len, entry + offsetof(MMsgHdr, len), sizeof len)) {
      err = -EFAULT;  // taken, and not counted (Linux's)
      break;
    }
    ++got;
    if (flags & kMsgWaitForOne) flags |= MSG_DONTWAIT;  // the rest only if they are there
    if (timed && !endless) {
      uint64_t now = clock_ns();
      left = now < end ? ns_to_timespec(end - now) : UserTimespec{};
      if (now >= end) break;
    }
  }
  if (got == 0) return err;
  if (err && err != -EAGAIN)
    unix_leave_error(s.fp, err == -ERESTARTSYS ? EINTR : static_cast<int>(-err));
  if (timed && copyout_u(&left, a.a[4], sizeof left)) return -EFAULT;
  return got;
}

int64_t sys_shutdown(const SyscallArgs& a) {
  SockRef s(a.a[0]);
  if (!s.fp) return s.err;
  return unix_shutdown(s.fp, static_cast<int>(a.a[1]));
}

int64_t sys_getsockopt(const SyscallArgs& a) {
  SockRef s(a.a[0]);
  if (!s.fp) return s.err;
  if (static_cast<int>(a.a[1]) != kSolSocket) return -EOPNOTSUPP;
  int32_t room;
  if (copyin_u(a.a[4], &room, sizeof room)) return -EFAULT;
  if (room < 0) return -EINVAL;
  uint8_t val[16];
  uint32_t len = static_cast<uint32_t>(room);
  if (int e = unix_getsockopt(s.fp, static_cast<int>(a.a[2]), val, &len); e) return e;
  if (len && copyout_u(val, a.a[3], len)) return -EFAULT;
  int32_t got = static_cast<int32_t>(len);
  return copyout_u(&got, a.a[4], sizeof got) ? -EFAULT : 0;
}

int64_t sys_setsockopt(const SyscallArgs& a) {
  SockRef s(a.a[0]);
  if (!s.fp) return s.err;
  if (static_cast<int32_t>(a.a[4]) < 0) return -EINVAL;
  if (static_cast<int>(a.a[1]) != kSolSocket) return -EOPNOTSUPP;
  uint8_t val[16] = {};
  uint32_t len = static_cast<uint32_t>(a.a[4]);
  uint32_t n = len < sizeof val ? len : sizeof val;
  if (n && copyin_u(a.a[3], val, n)) return -EFAULT;
  return unix_setsockopt(s.fp, static_cast<int>(a.a[2]), val, len);
}
