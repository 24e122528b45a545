// Unix-domain sockets (AF_UNIX): stream, datagram and sequenced-packet
// sockets between the processes of this machine, with Linux's semantics
// (docs/user-abi.md, "Sockets").
//
// Each socket has a receive queue (a PageRing, its capacity charged to its
// maker as a pipe's is). A stream socket's queue holds bytes; a datagram or
// sequenced-packet socket's holds whole messages, each with its sender's
// address. A connected socket names its peer; a listening one keeps the
// connections not yet accepted, each a socket already connected to its client.
// A name is a node of the file system (a path) or an entry of the abstract
// table (a name starting with a NUL byte).
//
// Lifetime (docs/locking.md): a Sock is counted. Its File holds a reference,
// a socket whose `peer` it is one, a listener's queue one for each connection
// waiting there, and a call using it one for the call. The File's close ends
// the socket: it leaves its name, tells its peer (a stream or sequenced-packet
// peer sees the end, and ECONNRESET when data was left unread), drops the
// connections still waiting, and gives back its queue; the last reference
// frees the rest. A name refers to its socket without a reference: the node's
// lock (the abstract table's lock) guards the pointer, which the close clears,
// and a connect or send by name takes its reference under that lock.
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/fs/fscred.h"

struct File;
struct Uio;
struct Vnode;

inline constexpr int kAfUnix = 1;
inline constexpr int kSockStream = 1, kSockDgram = 2, kSockRaw = 3, kSockSeqpacket = 5;

// struct sockaddr_un: a 2-byte family and up to 108 bytes of name.
inline constexpr uint32_t kSunPathMax = 108;
inline constexpr uint32_t kSockAddrMax = 2 + kSunPathMax;
// What a program passes (up to a sockaddr_storage's 128 bytes: the calls
// that use it refuse more than kSockAddrMax, as Linux's unix_validate_addr),
// or a name (a bound path of 108 bytes is kept with its NUL, 111 bytes, as
// Linux keeps it).
inline constexpr uint32_t kSockaddrStorage = 128;
struct SockAddr {
  uint32_t len;  // bytes of `bytes` used: 0 for none
  uint8_t bytes[kSockaddrStorage];
};

// send/recv flags (Linux's values).
inline constexpr int MSG_OOB = 1, MSG_PEEK = 2, MSG_CTRUNC = 8, MSG_TRUNC = 0x20,
                     MSG_DONTWAIT = 0x40, MSG_EOR = 0x80, MSG_WAITALL = 0x100,
                     MSG_NOSIGNAL = 0x4000, MSG_CMSG_CLOEXEC = 0x40000000;

// SOL_SOCKET and its options (asm-generic/socket.h).
inline constexpr int kSolSocket = 1;
inline constexpr int kSoDebug = 1, kSoReuseAddr = 2, kSoType = 3, kSoError = 4, kSoDontRoute = 5,
                     kSoBroadcast = 6, kSoSndBuf = 7, kSoRcvBuf = 8, kSoKeepAlive = 9,
                     kSoOobInline = 10, kSoLinger = 13, kSoPassCred = 16, kSoPeerCred = 17,
                     kSoRcvLowat = 18, kSoSndLowat = 19, kSoRcvTimeo = 20, kSoSndTimeo = 21,
                     kSoAcceptConn = 30, kSoPassSec = 34, kSoProtocol = 38, kSoDomain = 39;

// A new socket of `type` (kSockStream, kSockDgram, kSockSeqpacket), unnamed
// and unconnected, in a File of `flags` (O_NONBLOCK). -ENFILE, -ENOMEM.
[[nodiscard]] int unix_socket(int type, uint32_t flags, const FsCred& cr, File** out);
// Two sockets of `type` connected to each other.
[[nodiscard]] int unix_socketpair(int type, uint32_t flags, const FsCred& cr, File** a, File** b);
bool file_is_socket(const File* fp);

// The address calls. `start` is where a relative path begins (the caller's
// working directory, held by the caller). Addresses are checked by the
// caller's copy-in only for their length (2 to kSockAddrMax).
[[nodiscard]] int unix_bind(File* fp, const SockAddr& addr, Vnode* start, uint32_t umask,
                            const FsCred& cr);
[[nodiscard]] int unix_listen(File* fp, int backlog);
[[nodiscard]] int unix_connect(File* fp, const SockAddr& addr, Vnode* start, const FsCred& cr);
// Takes the oldest waiting connection into a new File of `flags`
// (O_NONBLOCK); *peer gets the client's address.
[[nodiscard]] int unix_accept(File* fp, uint32_t flags, const FsCred& cr, File** out,
                              SockAddr* peer);
// accept's descriptor could not be made: the connection goes back to the
// head of the queue (Linux reserves the descriptor first, so no connection
// is lost to -EMFILE), or ends if the listener no longer listens. Drops
// `accepted`.
void unix_accept_undo(File* fp, File* accepted);
// The socket's own address (peer: its peer's); an unnamed one is the family
// alone (2 bytes).
[[nodiscard]] int unix_getname(File* fp, bool peer, SockAddr* out);

// Sends the uio's bytes (to: a datagram's destination, or nullptr) with
// MSG_* flags: the bytes sent, or -errno.
int64_t unix_send(File* fp, Uio* uio, int flags, const SockAddr* to, Vnode* start,
                  const FsCred& cr);
// Receives into the uio: the bytes received (with MSG_TRUNC, a message's
// whole length), or -errno. *msg_flags gets MSG_TRUNC when a message was cut;
// from (if not nullptr) the sender's address.
int64_t unix_recv(File* fp, Uio* uio, int flags, int* msg_flags, SockAddr* from);
[[nodiscard]] int unix_shutdown(File* fp, int how);
// The error the socket has to report (ECONNRESET, or one recvmmsg left),
// taken: 0 if none (Linux's sock_error).
int unix_take_error(File* fp);
// Leaves err (positive) for the socket's next receive or SO_ERROR: what
// recvmmsg does with an error that came after some messages.
void unix_leave_error(File* fp, int err);

// SOL_SOCKET options, in kernel buffers: *len is the caller's buffer size on
// the way in and the value's on the way out.
[[nodiscard]] int unix_getsockopt(File* fp, int name, void* val, uint32_t* len);
[[nodiscard]] int unix_setsockopt(File* fp, int name, const void* val, uint32_t len);

// Sockets alive (for the tests' baselines).
uint64_t unix_socket_count();
