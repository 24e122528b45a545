/* Unix-domain sockets (docs/user-abi.md, "Sockets"): socketpair of the three
 * types, names in the file system and the abstract space, listen, connect,
 * accept, the data calls with their flags, shutdown and the ends of a
 * connection, the options, poll, and the errors. Each check holds on Linux
 * too (qemu-aarch64 passes the calls to the host's kernel). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/sockios.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

static int pair(int type, int sv[2]) { return socketpair(AF_UNIX, type, 0, sv); }

static int revents(int fd, short events) {
  struct pollfd p = {fd, events, 0};
  return poll(&p, 1, 0) == 1 ? p.revents : 0;
}

/* A path name in /tmp of this process's own, and its address. */
static socklen_t path_addr(struct sockaddr_un* a, const char* tag) {
  mkdir("/tmp", 01777);
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  snprintf(a->sun_path, sizeof a->sun_path, "/tmp/sock-%s-%d", tag, (int)getpid());
  unlink(a->sun_path);
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(a->sun_path) + 1);
}

/* An abstract name (a NUL, then the tag and the pid). */
static socklen_t abstract_addr(struct sockaddr_un* a, const char* tag) {
  memset(a, 0, sizeof *a);
  a->sun_family = AF_UNIX;
  int n = snprintf(a->sun_path + 1, sizeof a->sun_path - 1, "tine-%s-%d", tag, (int)getpid());
  return (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + n);
}

void t_socket_pair_stream(void) {
  int sv[2];
  EQ("pair", pair(SOCK_STREAM, sv), 0);
  EQ("write", write(sv[0], "hello", 5), 5);
  EQ("send", send(sv[1], "back", 4, 0), 4);
  char b[64];
  int n;
  EQ("fionread", ioctl(sv[1], FIONREAD, &n), 0);
  EQ("fionread_n", n, 5);
  EQ("outq", ioctl(sv[0], SIOCOUTQ, &n), 0);
  CHECK("outq_n", n > 0);
  EQ("peek", recv(sv[1], b, sizeof b, MSG_PEEK), 5);
  EQ("read", read(sv[1], b, sizeof b), 5);
  CHECK("bytes", memcmp(b, "hello", 5) == 0);
  EQ("recv", recv(sv[0], b, 2, 0), 2);
  EQ("recv_rest", recv(sv[0], b + 2, sizeof b, 0), 2);
  CHECK("bytes_back", memcmp(b, "back", 4) == 0);
  EQ("dontwait", recv(sv[0], b, sizeof b, MSG_DONTWAIT), -1);
  EQ("dontwait_errno", errno, EAGAIN);
  CHECK("pollout", (revents(sv[0], POLLIN | POLLOUT) & (POLLIN | POLLOUT)) == POLLOUT);
  EQ("send_more", send(sv[0], "x", 1, 0), 1);
  CHECK("pollin", revents(sv[1], POLLIN) & POLLIN);
  /* A stream has no boundaries: two writes read as one. */
  EQ("send_more2", send(sv[0], "yz", 2, 0), 2);
  EQ("merged", read(sv[1], b, sizeof b), 3);
  struct stat st;
  EQ("fstat", fstat(sv[0], &st), 0);
  CHECK("is_sock", S_ISSOCK(st.st_mode));
  EQ("getfl", fcntl(sv[0], F_GETFL) & O_ACCMODE, O_RDWR);
  EQ("lseek", SYS(SYS_lseek, sv[0], 0, SEEK_SET), -ESPIPE);
  EQ("pread", SYS(SYS_pread64, sv[0], b, 1, 0), -ESPIPE);
  EQ("fsync", SYS(SYS_fsync, sv[0]), -EINVAL);
  int v;
  socklen_t len = sizeof v;
  EQ("so_type", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len), 0);
  EQ("so_type_v", v, SOCK_STREAM);
  EQ("so_type_len", len, sizeof v);
  len = sizeof v;
  EQ("so_domain", getsockopt(sv[0], SOL_SOCKET, SO_DOMAIN, &v, &len), 0);
  EQ("so_domain_v", v, AF_UNIX);
  struct ucred c = {0};
  len = sizeof c;
  EQ("peercred", getsockopt(sv[1], SOL_SOCKET, SO_PEERCRED, &c, &len), 0);
  EQ("peercred_pid", c.pid, getpid());
  EQ("peercred_uid", c.uid, geteuid());
  EQ("peercred_gid", c.gid, getegid());
  struct sockaddr_un a = {0};
  len = sizeof a;
  EQ("getsockname", getsockname(sv[0], (struct sockaddr*)&a, &len), 0);
  EQ("getsockname_len", len, sizeof(sa_family_t));
  EQ("getsockname_family", a.sun_family, AF_UNIX);
  len = sizeof a;
  EQ("getpeername", getpeername(sv[0], (struct sockaddr*)&a, &len), 0);
  EQ("getpeername_len", len, sizeof(sa_family_t));
  char link[64], want[64];
  snprintf(want, sizeof want, "socket:[%lu]", (unsigned long)st.st_ino);
  char path[64];
  snprintf(path, sizeof path, "/proc/self/fd/%d", sv[0]);
  ssize_t ln = readlink(path, link, sizeof link - 1);
  CHECK("proc_link", ln > 0 && (link[ln] = 0, strcmp(link, want) == 0));
  close(sv[0]);
  close(sv[1]);
}

void t_socket_stream_ends(void) {
  int sv[2];
  char b[16];
  signal(SIGPIPE, SIG_IGN);
  EQ("pair", pair(SOCK_STREAM, sv), 0);
  /* shutdown(SHUT_WR): the peer reads the end; this side may not send. */
  EQ("shut_wr", shutdown(sv[0], SHUT_WR), 0);
  EQ("peer_eof", read(sv[1], b, sizeof b), 0);
  CHECK("peer_rdhup", revents(sv[1], POLLIN | POLLRDHUP) & POLLRDHUP);
  EQ("send_after_shut", SYS(SYS_sendto, sv[0], "a", 1, 0, 0, 0), -EPIPE);
  EQ("peer_may_send", write(sv[1], "ok", 2), 2);
  EQ("still_reads", read(sv[0], b, sizeof b), 2);
  EQ("shut_bad", SYS(SYS_shutdown, sv[0], 3), -EINVAL);
  close(sv[0]);
  close(sv[1]);

  /* The peer closed: the rest is read, then the end; writes -EPIPE. */
  EQ("pair2", pair(SOCK_STREAM, sv), 0);
  EQ("queued", write(sv[0], "tail", 4), 4);
  close(sv[0]);
  CHECK("hup", revents(sv[1], POLLIN) & POLLHUP);
  EQ("rest", read(sv[1], b, sizeof b), 4);
  struct sockaddr_un from;
  socklen_t flen = sizeof from;
  EQ("eof", recvfrom(sv[1], b, sizeof b, 0, (struct sockaddr*)&from, &flen), 0);
  EQ("eof_no_name", flen, 0);
  EQ("epipe", SYS(SYS_write, sv[1], "x", 1), -EPIPE);
  close(sv[1]);

  /* Closing with data unread: the peer hears ECONNRESET once, then the end. */
  EQ("pair3", pair(SOCK_STREAM, sv), 0);
  EQ("unread", write(sv[1], "lost", 4), 4);
  close(sv[0]);
  CHECK("pollerr", revents(sv[1], POLLIN) & POLLERR);
  EQ("reset", SYS(SYS_read, sv[1], b, sizeof b), -ECONNRESET);
  EQ("then_eof", read(sv[1], b, sizeof b), 0);
  close(sv[1]);
  signal(SIGPIPE, SIG_DFL);

  /* SIGPIPE unless MSG_NOSIGNAL. */
  EQ("pair4", pair(SOCK_STREAM, sv), 0);
  close(sv[1]);
  EQ("nosignal", SYS(SYS_sendto, sv[0], "a", 1, MSG_NOSIGNAL, 0, 0), -EPIPE);
  pid_t k = fork();
  if (k == 0) {
    (void)write(sv[0], "a", 1);
    _exit(0);
  }
  int st = t_wait_status_within(k, 5000);
  CHECK("sigpipe", WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE);
  close(sv[0]);
}

/* A child writes more than the queue holds; the reader takes it all, in order. */
void t_socket_stream_flow(void) {
  int sv[2];
  EQ("pair", pair(SOCK_STREAM, sv), 0);
  enum { kTotal = 300000 };
  pid_t k = fork();
  if (k == 0) {
    close(sv[1]);
    static unsigned char buf[kTotal];
    for (int i = 0; i < kTotal; ++i) buf[i] = (unsigned char)(i * 7);
    _exit(write(sv[0], buf, kTotal) == kTotal ? 0 : 1);
  }
  close(sv[0]);
  static unsigned char got[kTotal];
  size_t have = 0;
  ssize_t n;
  while (have < kTotal && (n = read(sv[1], got + have, kTotal - have)) > 0) have += (size_t)n;
  EQ("all", have, kTotal);
  int ok = 1;
  for (int i = 0; i < kTotal; ++i) ok &= got[i] == (unsigned char)(i * 7);
  CHECK("in_order", ok);
  EQ("eof", read(sv[1], got, 1), 0);
  int st = t_wait_status_within(k, 20000);
  CHECK("writer", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  /* MSG_WAITALL waits for the whole buffer. */
  close(sv[1]);
  EQ("pair2", pair(SOCK_STREAM, sv), 0);
  k = fork();
  if (k == 0) {
    close(sv[1]);
    for (int i = 0; i < 4; ++i) {
      t_sleep_ms(5);
      (void)write(sv[0], "ab", 2);
    }
    _exit(0);
  }
  close(sv[0]);
  char b[8];
  EQ("waitall", recv(sv[1], b, 8, MSG_WAITALL), 8);
  CHECK("waitall_bytes", memcmp(b, "abababab", 8) == 0);
  t_wait_status_within(k, 5000);
  close(sv[1]);
  while (wait(NULL) > 0) {
  }
}

void t_socket_pair_dgram(void) {
  int sv[2];
  char b[64];
  EQ("pair", pair(SOCK_DGRAM, sv), 0);
  EQ("one", send(sv[0], "one", 3, 0), 3);
  EQ("two", send(sv[0], "second", 6, 0), 6);
  EQ("empty", send(sv[0], "", 0, 0), 0);
  int n;
  EQ("fionread", ioctl(sv[1], FIONREAD, &n), 0);
  EQ("fionread_next", n, 3);
  EQ("first", recv(sv[1], b, sizeof b, 0), 3);
  /* A message read short is cut: the rest goes. MSG_TRUNC returns its length. */
  EQ("trunc_len", recv(sv[1], b, 2, MSG_PEEK | MSG_TRUNC), 6);
  struct iovec iov = {b, 2};
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_namelen = 77; /* no name buffer: left alone */
  EQ("cut", recvmsg(sv[1], &m, 0), 2);
  CHECK("msg_trunc", m.msg_flags & MSG_TRUNC);
  if (t_on_tine()) /* qemu-user writes back every field itself */
    EQ("namelen_untouched", m.msg_namelen, 77);
  EQ("zero_length", recv(sv[1], b, sizeof b, MSG_DONTWAIT), 0);
  EQ("none_left", SYS(SYS_recvfrom, sv[1], b, sizeof b, MSG_DONTWAIT, 0, 0), -EAGAIN);
  int v;
  socklen_t len = sizeof v;
  EQ("so_type", getsockopt(sv[0], SOL_SOCKET, SO_TYPE, &v, &len), 0);
  EQ("so_type_v", v, SOCK_DGRAM);
  static char big[300000];
  EQ("msgsize", SYS(SYS_sendto, sv[0], big, sizeof big, 0, 0, 0), -EMSGSIZE);
  /* The peer closed: a send is refused once, then there is no peer. */
  close(sv[1]);
  EQ("refused", SYS(SYS_sendto, sv[0], "a", 1, 0, 0, 0), -ECONNREFUSED);
  EQ("notconn", SYS(SYS_sendto, sv[0], "a", 1, 0, 0, 0), -ENOTCONN);
  close(sv[0]);
}

void t_socket_pair_seqpacket(void) {
  int sv[2];
  char b[64];
  EQ("pair", pair(SOCK_SEQPACKET, sv), 0);
  EQ("one", send(sv[0], "abc", 3, 0), 3);
  EQ("two", send(sv[0], "defgh", 5, 0), 5);
  int n;
  EQ("fionread", ioctl(sv[1], FIONREAD, &n), 0);
  EQ("fionread_all", n, 8);
  EQ("first", read(sv[1], b, sizeof b), 3);
  EQ("second_cut", read(sv[1], b, 1), 1);
  EQ("none", SYS(SYS_recvfrom, sv[1], b, sizeof b, MSG_DONTWAIT, 0, 0), -EAGAIN);
  EQ("queued", send(sv[1], "zz", 2, 0), 2);
  close(sv[1]);
  EQ("rest", read(sv[0], b, sizeof b), 2);
  EQ("eof", read(sv[0], b, sizeof b), 0);
  EQ("epipe", SYS(SYS_sendto, sv[0], "a", 1, MSG_NOSIGNAL, 0, 0), -EPIPE);
  close(sv[0]);
}

void t_socket_named_stream(void) {
  struct sockaddr_un a;
  socklen_t alen = path_addr(&a, "srv");
  int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK("socket", l >= 0);
  EQ("cloexec", fcntl(l, F_GETFD), FD_CLOEXEC);
  EQ("listen_unbound", SYS(SYS_listen, l, 5), -EINVAL);
  EQ("bind", bind(l, (struct sockaddr*)&a, alen), 0);
  struct stat st;
  EQ("node", stat(a.sun_path, &st), 0);
  CHECK("node_sock", S_ISSOCK(st.st_mode));
  EQ("node_open", SYS(SYS_openat, AT_FDCWD, a.sun_path, O_RDONLY), -ENXIO);
  EQ("rebind_same", SYS(SYS_bind, l, &a, alen), -EADDRINUSE);
  struct sockaddr_un a2;
  socklen_t a2len = path_addr(&a2, "srv2");
  EQ("rebind_other", SYS(SYS_bind, l, &a2, a2len), -EINVAL);
  EQ("rebind_other_no_node", SYS(SYS_faccessat, AT_FDCWD, a2.sun_path, F_OK, 0), -ENOENT);
  int other = socket(AF_UNIX, SOCK_STREAM, 0);
  EQ("in_use", SYS(SYS_bind, other, &a, alen), -EADDRINUSE);
  EQ("refused_before_listen", SYS(SYS_connect, other, &a, alen), -ECONNREFUSED);
  EQ("listen", listen(l, 4), 0);
  int v;
  socklen_t len = sizeof v;
  EQ("acceptconn", getsockopt(l, SOL_SOCKET, SO_ACCEPTCONN, &v, &len), 0);
  EQ("acceptconn_v", v, 1);
  struct sockaddr_un got;
  len = sizeof got;
  EQ("getsockname", getsockname(l, (struct sockaddr*)&got, &len), 0);
  EQ("getsockname_len", len, alen);
  CHECK("getsockname_path", strcmp(got.sun_path, a.sun_path) == 0);
  CHECK("listener_no_pollin", (revents(l, POLLIN) & POLLIN) == 0);
  fcntl(l, F_SETFL, O_NONBLOCK);
  EQ("accept_nonblock", SYS(SYS_accept4, l, 0, 0, 0), -EAGAIN);
  fcntl(l, F_SETFL, 0);
  pid_t k = fork();
  if (k == 0) {
    int c = socket(AF_UNIX, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr*)&a, alen) != 0) _exit(1);
    if (write(c, "ping", 4) != 4) _exit(2);
    char b[8];
    if (read(c, b, sizeof b) != 4 || memcmp(b, "pong", 4) != 0) _exit(3);
    struct ucred cr;
    socklen_t cl = sizeof cr;
    if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cr, &cl) != 0 || cr.pid != getppid()) _exit(4);
    struct sockaddr_un p;
    socklen_t pl = sizeof p;
    if (getpeername(c, (struct sockaddr*)&p, &pl) != 0 || strcmp(p.sun_path, a.sun_path) != 0)
      _exit(5);
    if (connect(c, (struct sockaddr*)&a, alen) == 0 || errno != EISCONN) _exit(6);
    _exit(0);
  }
  struct sockaddr_un peer;
  len = sizeof peer;
  int s = accept4(l, (struct sockaddr*)&peer, &len, SOCK_CLOEXEC | SOCK_NONBLOCK);
  CHECK("accept", s >= 0);
  EQ("accept_peer_len", len, sizeof(sa_family_t)); /* the client is unnamed */
  EQ("accept_cloexec", fcntl(s, F_GETFD), FD_CLOEXEC);
  CHECK("accept_nonblock_new", fcntl(s, F_GETFL) & O_NONBLOCK);
  fcntl(s, F_SETFL, 0);
  char b[8];
  EQ("read", read(s, b, sizeof b), 4);
  CHECK("ping", memcmp(b, "ping", 4) == 0);
  EQ("write", write(s, "pong", 4), 4);
  struct ucred cr;
  len = sizeof cr;
  EQ("peercred", getsockopt(s, SOL_SOCKET, SO_PEERCRED, &cr, &len), 0);
  EQ("peercred_pid", cr.pid, k);
  len = sizeof got;
  EQ("accepted_name", getsockname(s, (struct sockaddr*)&got, &len), 0);
  CHECK("accepted_name_path", len == alen && strcmp(got.sun_path, a.sun_path) == 0);
  int wst = t_wait_status_within(k, 5000);
  CHECK("client", WIFEXITED(wst) && WEXITSTATUS(wst) == 0);
  EQ("client_gone", read(s, b, sizeof b), 0);
  close(s);
  /* No one by the name once the listener is closed; the node stays. */
  close(l);
  EQ("stale", SYS(SYS_connect, other, &a, alen), -ECONNREFUSED);
  EQ("stale_bind", SYS(SYS_bind, other, &a, alen), -EADDRINUSE);
  EQ("unlink", unlink(a.sun_path), 0);
  EQ("gone", SYS(SYS_connect, other, &a, alen), -ENOENT);
  /* A name that is not a socket. */
  int f = open(a.sun_path, O_CREAT | O_WRONLY, 0600);
  EQ("not_sock", SYS(SYS_connect, other, &a, alen), -ECONNREFUSED);
  close(f);
  unlink(a.sun_path);
  close(other);
}

void t_socket_abstract(void) {
  struct sockaddr_un a;
  socklen_t alen = abstract_addr(&a, "abs");
  int l = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  EQ("bind", bind(l, (struct sockaddr*)&a, alen), 0);
  EQ("listen", listen(l, 1), 0);
  int x = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  EQ("in_use", SYS(SYS_bind, x, &a, alen), -EADDRINUSE);
  int d = socket(AF_UNIX, SOCK_STREAM, 0);
  /* An abstract name is a name among sockets of its type (Linux hashes the type in). */
  EQ("other_type", SYS(SYS_connect, d, &a, alen), -ECONNREFUSED);
  int dg = socket(AF_UNIX, SOCK_DGRAM, 0);
  EQ("same_name_other_type", bind(dg, (struct sockaddr*)&a, alen), 0);
  close(dg);
  /* Autobind: a name of the family alone gets five hex digits. */
  EQ("autobind",
     bind(d, (struct sockaddr*)&(struct sockaddr_un){.sun_family = AF_UNIX}, sizeof(sa_family_t)),
     0);
  struct sockaddr_un got = {0};
  socklen_t len = sizeof got;
  EQ("autobind_name", getsockname(d, (struct sockaddr*)&got, &len), 0);
  EQ("autobind_len", len, offsetof(struct sockaddr_un, sun_path) + 6);
  CHECK("autobind_abstract", got.sun_path[0] == 0);
  EQ("connect", connect(x, (struct sockaddr*)&a, alen), 0);
  int s = accept(l, NULL, NULL);
  CHECK("accept", s >= 0);
  EQ("send", send(x, "m1", 2, 0), 2);
  EQ("send2", send(x, "m22", 3, 0), 3);
  char b[8];
  EQ("recv", recv(s, b, sizeof b, 0), 2);
  EQ("recv2", recv(s, b, sizeof b, 0), 3);
  len = sizeof got;
  EQ("peer", getpeername(x, (struct sockaddr*)&got, &len), 0);
  CHECK("peer_name", len == alen && memcmp(got.sun_path, a.sun_path, alen - 2) == 0);
  close(s);
  close(x);
  close(d);
  close(l);
  /* The name is free again once its socket is closed. */
  l = socket(AF_UNIX, SOCK_DGRAM, 0);
  EQ("bind_again", bind(l, (struct sockaddr*)&a, alen), 0);
  close(l);
}

void t_socket_named_dgram(void) {
  struct sockaddr_un srv, cli;
  socklen_t slen = path_addr(&srv, "dsrv");
  socklen_t clen = abstract_addr(&cli, "dcli");
  int s = socket(AF_UNIX, SOCK_DGRAM, 0);
  EQ("bind", bind(s, (struct sockaddr*)&srv, slen), 0);
  int c = socket(AF_UNIX, SOCK_DGRAM, 0);
  EQ("unnamed_send", sendto(c, "anon", 4, 0, (struct sockaddr*)&srv, slen), 4);
  struct sockaddr_un from;
  socklen_t flen = sizeof from;
  char b[16];
  EQ("recv_anon", recvfrom(s, b, sizeof b, 0, (struct sockaddr*)&from, &flen), 4);
  EQ("anon_from_len", flen, 0);
  EQ("bind_cli", bind(c, (struct sockaddr*)&cli, clen), 0);
  EQ("named_send", sendto(c, "named", 5, 0, (struct sockaddr*)&srv, slen), 5);
  flen = sizeof from;
  EQ("recv_named", recvfrom(s, b, sizeof b, 0, (struct sockaddr*)&from, &flen), 5);
  CHECK("from", flen == clen && memcmp(from.sun_path, cli.sun_path, clen - 2) == 0);
  EQ("reply", sendto(s, "re", 2, 0, (struct sockaddr*)&from, flen), 2);
  EQ("got_reply", recv(c, b, sizeof b, 0), 2);
  EQ("no_dest", SYS(SYS_sendto, c, "x", 1, 0, 0, 0), -ENOTCONN);
  EQ("connect", connect(c, (struct sockaddr*)&srv, slen), 0);
  EQ("send_connected", send(c, "cc", 2, 0), 2);
  EQ("recv_connected", recv(s, b, sizeof b, 0), 2);
  /* A socket connected to another takes datagrams from that one only. */
  EQ("connect_back", connect(s, (struct sockaddr*)&cli, clen), 0);
  int t = socket(AF_UNIX, SOCK_DGRAM, 0);
  EQ("eperm", SYS(SYS_sendto, t, "x", 1, 0, &srv, slen), -EPERM);
  EQ("eperm_connect", SYS(SYS_connect, t, &srv, slen), -EPERM);
  struct sockaddr unspec = {.sa_family = AF_UNSPEC};
  EQ("disconnect", connect(s, &unspec, sizeof unspec), 0);
  EQ("after_disconnect", sendto(t, "x", 1, 0, (struct sockaddr*)&srv, slen), 1);
  EQ("listen_dgram", SYS(SYS_listen, s, 1), -EOPNOTSUPP);
  EQ("accept_dgram", SYS(SYS_accept, s, 0, 0), -EOPNOTSUPP);
  EQ("wrong_type", SYS(SYS_connect, socket(AF_UNIX, SOCK_STREAM, 0), &srv, slen), -EPROTOTYPE);
  close(t);
  close(c);
  close(s);
  unlink(srv.sun_path);
}

void t_socket_errors(void) {
  EQ("inet", SYS(SYS_socket, AF_INET6 + 100, SOCK_STREAM, 0), -EAFNOSUPPORT);
  if (t_on_tine()) /* qemu-user drops the bits it does not know */
    EQ("bad_flags", SYS(SYS_socket, AF_UNIX, SOCK_STREAM | 0x100, 0), -EINVAL);
  EQ("type_range", SYS(SYS_socket, AF_UNIX, 11, 0), -EINVAL);
  EQ("type_unknown", SYS(SYS_socket, AF_UNIX, SOCK_RDM, 0), -ESOCKTNOSUPPORT);
  EQ("protocol", SYS(SYS_socket, AF_UNIX, SOCK_STREAM, 7), -EPROTONOSUPPORT);
  int r = socket(AF_UNIX, SOCK_RAW, 0);
  CHECK("raw_is_dgram", r >= 0);
  int v;
  socklen_t len = sizeof v;
  EQ("raw_type", getsockopt(r, SOL_SOCKET, SO_TYPE, &v, &len), 0);
  EQ("raw_type_v", v, SOCK_DGRAM);
  close(r);
  EQ("pair_efault", SYS(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, 8), -EFAULT);
  int p[2];
  EQ("pipe", pipe(p), 0);
  EQ("notsock", SYS(SYS_listen, p[0], 1), -ENOTSOCK);
  EQ("notsock_send", SYS(SYS_sendto, p[1], "a", 1, 0, 0, 0), -ENOTSOCK);
  struct sockaddr_un na;
  EQ("badf", SYS(SYS_getsockname, 999, &na, &(socklen_t){sizeof na}), -EBADF);
  close(p[0]);
  close(p[1]);
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct sockaddr_un a;
  EQ("getpeername_notconn", SYS(SYS_getpeername, s, &a, &(socklen_t){sizeof a}), -ENOTCONN);
  EQ("send_notconn", SYS(SYS_sendto, s, "a", 1, 0, 0, 0), -ENOTCONN);
  EQ("recv_notconn", SYS(SYS_recvfrom, s, &v, 1, MSG_DONTWAIT, 0, 0), -EINVAL);
  int q = socket(AF_UNIX, SOCK_SEQPACKET, 0);
  EQ("seqpacket_send_notconn", SYS(SYS_sendto, q, "a", 1, 0, 0, 0), -ENOTCONN);
  EQ("seqpacket_recv_notconn", SYS(SYS_recvfrom, q, &v, 1, 0, 0, 0), -ENOTCONN);
  close(q);
  EQ("setsockopt_level", SYS(SYS_setsockopt, s, 6, 1, &v, sizeof v), -EOPNOTSUPP);
  EQ("getsockopt_level", SYS(SYS_getsockopt, s, 6, 1, &v, &(socklen_t){4}), -EOPNOTSUPP);
  EQ("accept_not_listening", SYS(SYS_accept, s, 0, 0), -EINVAL);
  EQ("accept_flags", SYS(SYS_accept4, s, 0, 0, 1), -EINVAL);
  EQ("connect_short", SYS(SYS_connect, s, &a, 1), -EINVAL);
  EQ("connect_long", SYS(SYS_connect, s, &a, 200), -EINVAL);
  a.sun_family = AF_INET;
  EQ("connect_family", SYS(SYS_connect, s, &a, sizeof a), -EINVAL);
  EQ("bind_family", SYS(SYS_bind, s, &a, sizeof a), -EINVAL);
  EQ("bind_efault", SYS(SYS_bind, s, 8, 20), -EFAULT);
  EQ("getsockname_len", SYS(SYS_getsockname, s, &a, &(socklen_t){-1}), -EINVAL);
  EQ("getsockopt_unknown", SYS(SYS_getsockopt, s, SOL_SOCKET, 9999, &v, &(socklen_t){4}),
     -ENOPROTOOPT);
  EQ("setsockopt_short", SYS(SYS_setsockopt, s, SOL_SOCKET, SO_REUSEADDR, &v, 2), -EINVAL);
  v = 1;
  EQ("reuseaddr", setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, sizeof v), 0);
  v = 0;
  len = sizeof v;
  EQ("reuseaddr_get", getsockopt(s, SOL_SOCKET, SO_REUSEADDR, &v, &len), 0);
  EQ("reuseaddr_v", v, 1);
  EQ("shutdown_unconnected", SYS(SYS_shutdown, s, SHUT_RDWR), 0);
  EQ("send_shut_unconnected", SYS(SYS_sendto, s, "a", 1, 0, 0, 0), -ENOTCONN);
  EQ("recv_shut_unconnected", SYS(SYS_recvfrom, s, &v, 1, 0, 0, 0), -EINVAL);
  EQ("setsockopt_short_any", SYS(SYS_setsockopt, s, SOL_SOCKET, SO_TYPE, &v, 2), -EINVAL);
  v = 0;
  EQ("rcvbuf_min", setsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, sizeof v), 0);
  len = sizeof v;
  EQ("rcvbuf_min_get", getsockopt(s, SOL_SOCKET, SO_RCVBUF, &v, &len), 0);
  CHECK("rcvbuf_min_v", v > 0 && v <= 4608);
  v = -1;
  EQ("sndbuf_neg", setsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, sizeof v), 0);
  len = sizeof v;
  EQ("sndbuf_neg_get", getsockopt(s, SOL_SOCKET, SO_SNDBUF, &v, &len), 0);
  CHECK("sndbuf_neg_v", v >= 425984); /* the maximum, doubled (Linux's sysctl may be larger) */
  if (t_on_tine())                    /* qemu-user reads the header first */
    EQ("sendmsg_badf", SYS(SYS_sendmsg, -1, 0, 0), -EBADF);
  char c1;
  EQ("pread_zero", SYS(SYS_pread64, s, &c1, 0, 0), -ESPIPE);
  int sv[2];
  EQ("pair", pair(SOCK_STREAM, sv), 0);
  EQ("sendto_isconn", SYS(SYS_sendto, sv[0], "a", 1, 0, &a, sizeof a), -EISCONN);
  if (t_on_tine()) /* Linux 5.15 and later send one byte out of band */
    EQ("oob", SYS(SYS_sendto, sv[0], "a", 1, MSG_OOB, 0, 0), -EOPNOTSUPP);
  EQ("listen_connected", SYS(SYS_listen, sv[0], 1), -EINVAL);
  close(sv[0]);
  close(sv[1]);
  close(s);
}

void t_socket_timeouts(void) {
  int sv[2];
  EQ("pair", pair(SOCK_DGRAM, sv), 0);
  struct timeval tv = {0, 50000};
  EQ("rcvtimeo", setsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), 0);
  struct timeval got;
  socklen_t len = sizeof got;
  EQ("rcvtimeo_get", getsockopt(sv[0], SOL_SOCKET, SO_RCVTIMEO, &got, &len), 0);
  /* Linux keeps it in ticks: 50 ms, perhaps rounded up to the next one. */
  CHECK("rcvtimeo_v", got.tv_sec == 0 && got.tv_usec >= 50000 && got.tv_usec < 60000);
  uint64_t t0 = t_now_ns();
  char b[4];
  EQ("timed_out", SYS(SYS_recvfrom, sv[0], b, sizeof b, 0, 0, 0), -EAGAIN);
  CHECK("waited", t_now_ns() - t0 >= 45000000ull);
  tv.tv_usec = 2000000;
  EQ("edom", SYS(SYS_setsockopt, sv[0], SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv), -EDOM);
  close(sv[0]);
  close(sv[1]);
}

void t_socket_backlog(void) {
  struct sockaddr_un a;
  socklen_t alen = abstract_addr(&a, "backlog");
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  EQ("bind", bind(l, (struct sockaddr*)&a, alen), 0);
  EQ("listen", listen(l, 0), 0);
  int c1 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  int c2 = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
  EQ("first", connect(c1, (struct sockaddr*)&a, alen), 0);
  EQ("full", SYS(SYS_connect, c2, &a, alen), -EAGAIN);
  CHECK("pollin", revents(l, POLLIN) & POLLIN);
  EQ("c1_writes", write(c1, "w", 1), 1);
  /* The listener closed with c1 waiting: c1 hears ECONNRESET. */
  close(l);
  EQ("reset", SYS(SYS_read, c1, &a, 1), -ECONNRESET);
  EQ("then_eof", read(c1, &a, 1), 0);
  close(c1);
  close(c2);
}

/* MSG_WAITALL for more than the queue holds: the receiver makes room as it
 * takes, so the sender goes on (both once waited for good). */
void t_socket_waitall_large(void) {
  int sv[2];
  EQ("pair", pair(SOCK_STREAM, sv), 0);
  enum { kTotal = 200000 };
  pid_t k = fork();
  if (k == 0) {
    close(sv[1]);
    static char buf[kTotal];
    memset(buf, 'w', sizeof buf);
    _exit(send(sv[0], buf, kTotal, 0) == kTotal ? 0 : 1);
  }
  close(sv[0]);
  static char got[kTotal];
  EQ("waitall", recv(sv[1], got, kTotal, MSG_WAITALL), kTotal);
  CHECK("bytes", got[0] == 'w' && got[kTotal - 1] == 'w');
  int st = t_wait_status_within(k, 20000);
  CHECK("sender", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  close(sv[1]);
}

static int g_listener;
static void* accept_blocked(void* arg) {
  (void)arg;
  return (void*)(long)SYS(SYS_accept4, g_listener, 0, 0, 0);
}

/* A listener shut down: a blocked accept returns -EINVAL, connects are refused. */
void t_socket_listener_shutdown(void) {
  struct sockaddr_un a;
  socklen_t alen = abstract_addr(&a, "lshut");
  g_listener = socket(AF_UNIX, SOCK_STREAM, 0);
  EQ("bind", bind(g_listener, (struct sockaddr*)&a, alen), 0);
  EQ("listen", listen(g_listener, 4), 0);
  pthread_t t;
  EQ("thread", pthread_create(&t, NULL, accept_blocked, NULL), 0);
  t_sleep_ms(50);
  EQ("shutdown", shutdown(g_listener, SHUT_RDWR), 0);
  void* r;
  EQ("join", pthread_join(t, &r), 0);
  EQ("accept_einval", (long)r, -EINVAL);
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  EQ("refused", SYS(SYS_connect, c, &a, alen), -ECONNREFUSED);
  close(c);
  close(g_listener);
}

/* accept past RLIMIT_NOFILE: -EMFILE, and the connection is still there. */
void t_socket_accept_emfile(void) {
  struct sockaddr_un a;
  socklen_t alen = abstract_addr(&a, "emfile");
  int l = socket(AF_UNIX, SOCK_STREAM, 0);
  EQ("bind", bind(l, (struct sockaddr*)&a, alen), 0);
  EQ("listen", listen(l, 4), 0);
  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  EQ("connect", connect(c, (struct sockaddr*)&a, alen), 0);
  EQ("send", send(c, "kept", 4, 0), 4);
  struct rlimit old, lim;
  getrlimit(RLIMIT_NOFILE, &old);
  lim = old;
  lim.rlim_cur = (rlim_t)(c > l ? c : l) + 1; /* no descriptor left above them */
  for (int fd = 0; fd < (int)lim.rlim_cur; ++fd)
    if (fcntl(fd, F_GETFD) < 0) dup2(l, fd); /* fill the holes below */
  EQ("setrlimit", setrlimit(RLIMIT_NOFILE, &lim), 0);
  EQ("emfile", SYS(SYS_accept4, l, 0, 0, 0), -EMFILE);
  EQ("restore", setrlimit(RLIMIT_NOFILE, &old), 0);
  int s = accept(l, NULL, NULL);
  CHECK("accept", s >= 0);
  char b[8];
  EQ("still_there", read(s, b, sizeof b), 4);
  CHECK("bytes", memcmp(b, "kept", 4) == 0);
  close(s);
  close(c);
  close(l);
}

/* SO_PEERCRED with no peer (Linux: pid 0, ids -1); a listener's is its own. */
void t_socket_peercred_defaults(void) {
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  struct ucred c;
  socklen_t len = sizeof c;
  EQ("none", getsockopt(s, SOL_SOCKET, SO_PEERCRED, &c, &len), 0);
  CHECK("none_v", c.pid == 0 && c.uid == (uid_t)-1 && c.gid == (gid_t)-1);
  struct sockaddr_un a;
  socklen_t alen = abstract_addr(&a, "pcred");
  EQ("bind", bind(s, (struct sockaddr*)&a, alen), 0);
  EQ("listen", listen(s, 1), 0);
  len = sizeof c;
  EQ("listener", getsockopt(s, SOL_SOCKET, SO_PEERCRED, &c, &len), 0);
  CHECK("listener_v", c.pid == getpid() && c.uid == geteuid() && c.gid == getegid());
  close(s);
  /* A zero-length send after shutdown: -EPIPE (MSG_NOSIGNAL: no signal). */
  int sv[2];
  EQ("pair", pair(SOCK_STREAM, sv), 0);
  EQ("shut", shutdown(sv[0], SHUT_WR), 0);
  EQ("zero_epipe", SYS(SYS_sendto, sv[0], "", 0, MSG_NOSIGNAL, 0, 0), -EPIPE);
  close(sv[0]);
  close(sv[1]);
  /* Control headers of another level are skipped. */
  EQ("pair2", pair(SOCK_DGRAM, sv), 0);
  union {
    struct cmsghdr h;
    char b[CMSG_SPACE(4)];
  } ctl = {0};
  ctl.h.cmsg_len = CMSG_LEN(4);
  ctl.h.cmsg_level = 41; /* IPPROTO_IPV6 */
  ctl.h.cmsg_type = 1;
  struct iovec iov = {"m", 1};
  struct msghdr m = {0};
  m.msg_iov = &iov;
  m.msg_iovlen = 1;
  m.msg_control = ctl.b;
  m.msg_controllen = sizeof ctl.b;
  EQ("other_level", sendmsg(sv[0], &m, 0), 1);
  ctl.h.cmsg_level = SOL_SOCKET;
  ctl.h.cmsg_type = SCM_RIGHTS;
  if (t_on_tine()) EQ("rights", SYS(SYS_sendmsg, sv[0], &m, 0), -EOPNOTSUPP);
  close(sv[0]);
  close(sv[1]);
}

struct race {
  struct sockaddr_un a;
  socklen_t alen;
  volatile int stop;
};

static void* race_connecter(void* arg) {
  struct race* r = arg;
  while (!r->stop) {
    int c = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (connect(c, (struct sockaddr*)&r->a, r->alen) == 0) (void)send(c, "x", 1, MSG_NOSIGNAL);
    close(c);
  }
  return NULL;
}

/* Connects against accepts that close at once and listeners that come and
 * go, from several threads: every socket ends (the baseline checks it). */
void t_socket_connect_race(void) {
  struct race r = {.stop = 0};
  r.alen = abstract_addr(&r.a, "race");
  pthread_t t[3];
  for (int i = 0; i < 3; ++i) pthread_create(&t[i], NULL, race_connecter, &r);
  int accepted = 0;
  uint64_t end = t_now_ns() + 1500000000ull;
  while (t_now_ns() < end) {
    int l = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (bind(l, (struct sockaddr*)&r.a, r.alen) == 0 && listen(l, 2) == 0)
      for (int i = 0; i < 20; ++i) {
        int s = accept(l, NULL, NULL);
        if (s >= 0) {
          ++accepted;
          close(s);
        }
      }
    close(l);
  }
  r.stop = 1;
  for (int i = 0; i < 3; ++i) pthread_join(t[i], NULL);
  CHECK("some_accepted", accepted > 0);
}

/* write(2) of 0 bytes reaches the socket (Linux's vfs_write has no shortcut
 * for it): a datagram or sequenced-packet socket sends an empty message, an
 * unconnected socket -ENOTCONN, a stream shut down -EPIPE. A vectored write
 * of 0 bytes returns 0 at once, and a read of 0 bytes takes nothing. When a
 * sequenced-packet peer closes with data unread, ECONNRESET comes before
 * what is queued (Linux's datagram receive looks at the error first); a
 * stream's comes after it. */
void t_socket_write_zero(void) {
  int sv[2];
  char b[16];
  signal(SIGPIPE, SIG_IGN);
  EQ("dgram_pair", pair(SOCK_DGRAM, sv), 0);
  EQ("dgram_write0", write(sv[0], "", 0), 0);
  EQ("dgram_read0", read(sv[1], b, 0), 0);
  EQ("dgram_empty_arrived", recv(sv[1], b, sizeof b, MSG_DONTWAIT), 0);
  EQ("dgram_only_one", SYS(SYS_recvfrom, sv[1], b, sizeof b, MSG_DONTWAIT, 0, 0), -EAGAIN);
  struct iovec z = {b, 0};
  EQ("dgram_writev0", writev(sv[0], &z, 1), 0);
  EQ("dgram_writev_sent_nothing", SYS(SYS_recvfrom, sv[1], b, sizeof b, MSG_DONTWAIT, 0, 0),
     -EAGAIN);
  close(sv[0]);
  close(sv[1]);
  EQ("seqpacket_pair", pair(SOCK_SEQPACKET, sv), 0);
  EQ("seqpacket_write0", write(sv[0], "", 0), 0);
  EQ("seqpacket_empty_arrived", recv(sv[1], b, sizeof b, MSG_DONTWAIT), 0);
  EQ("seqpacket_only_one", SYS(SYS_recvfrom, sv[1], b, sizeof b, MSG_DONTWAIT, 0, 0), -EAGAIN);
  EQ("seqpacket_mine", send(sv[0], "x", 1, 0), 1);
  EQ("seqpacket_theirs", send(sv[1], "yy", 2, 0), 2);
  close(sv[1]); /* with "x" unread */
  EQ("seqpacket_reset_first", SYS(SYS_recvfrom, sv[0], b, sizeof b, MSG_DONTWAIT, 0, 0),
     -ECONNRESET);
  EQ("seqpacket_then_data", recv(sv[0], b, sizeof b, MSG_DONTWAIT), 2);
  EQ("seqpacket_then_end", recv(sv[0], b, sizeof b, MSG_DONTWAIT), 0);
  close(sv[0]);
  EQ("stream_pair", pair(SOCK_STREAM, sv), 0);
  EQ("stream_write0", write(sv[0], "", 0), 0);
  EQ("stream_mine", send(sv[0], "x", 1, 0), 1);
  EQ("stream_theirs", send(sv[1], "yy", 2, 0), 2);
  close(sv[1]);
  EQ("stream_data_first", recv(sv[0], b, sizeof b, MSG_DONTWAIT), 2);
  EQ("stream_then_reset", SYS(SYS_recvfrom, sv[0], b, sizeof b, MSG_DONTWAIT, 0, 0), -ECONNRESET);
  EQ("stream_shut", shutdown(sv[0], SHUT_WR), 0);
  EQ("stream_shut_write0", SYS(SYS_write, sv[0], "", 0), -EPIPE);
  close(sv[0]);
  int s = socket(AF_UNIX, SOCK_STREAM, 0), d = socket(AF_UNIX, SOCK_DGRAM, 0);
  EQ("stream_unconnected_write0", SYS(SYS_write, s, "", 0), -ENOTCONN);
  EQ("dgram_unconnected_write0", SYS(SYS_write, d, "", 0), -ENOTCONN);
  EQ("unconnected_writev0", writev(s, &z, 1), 0);
  close(s);
  close(d);
}

static void mmsg_init(struct mmsghdr* m, struct iovec* iov, char (*bufs)[16], int n, size_t len) {
  memset(m, 0, sizeof *m * (size_t)n);
  for (int i = 0; i < n; i++) {
    iov[i].iov_base = bufs[i];
    iov[i].iov_len = len ? len : (size_t)i + 1;
    m[i].msg_hdr.msg_iov = &iov[i];
    m[i].msg_hdr.msg_iovlen = 1;
    m[i].msg_len = 99;
  }
}

/* sendmmsg and recvmmsg (Linux's, checked on its kernel): the messages in
 * order until one fails, the count done or the first one's error. */
void t_socket_mmsg(void) {
  int sv[2];
  struct mmsghdr m[4], r[4];
  struct iovec iov[4], riov[4];
  char bufs[4][16], rbufs[4][16];
  EQ("pair", pair(SOCK_DGRAM, sv), 0);
  mmsg_init(m, iov, bufs, 4, 0);
  for (int i = 0; i < 4; i++) memcpy(bufs[i], "abcd", 4);
  m[2].msg_hdr.msg_iov = (struct iovec*)8; /* the third cannot be read */
  EQ("send_until_bad", sendmmsg(sv[0], m, 4, 0), 2);
  EQ("send_len0", m[0].msg_len, 1);
  EQ("send_len1", m[1].msg_len, 2);
  EQ("send_len2_untouched", m[2].msg_len, 99);
  EQ("send_first_bad", SYS(SYS_sendmmsg, sv[0], m + 2, 2, 0), -EFAULT);
  EQ("send_none", SYS(SYS_sendmmsg, sv[0], m, 0, 0), 0);
  EQ("send_badfd", SYS(SYS_sendmmsg, -1, m, 1, 0), -EBADF);
  EQ("send_notsock", SYS(SYS_sendmmsg, 0, m, 1, 0), -ENOTSOCK);
  EQ("send_oob", SYS(SYS_sendmmsg, sv[0], m, 1, MSG_OOB), -EOPNOTSUPP);
  mmsg_init(r, riov, rbufs, 4, 16);
  EQ("recv_two", SYS(SYS_recvmmsg, sv[1], r, 4, MSG_DONTWAIT, 0), 2);
  EQ("recv_len0", r[0].msg_len, 1);
  EQ("recv_len1", r[1].msg_len, 2);
  EQ("recv_len2_untouched", r[2].msg_len, 99);
  CHECK("recv_data", memcmp(rbufs[1], "ab", 2) == 0);
  EQ("recv_empty", SYS(SYS_recvmmsg, sv[1], r, 4, MSG_DONTWAIT, 0), -EAGAIN);
  EQ("recv_none", SYS(SYS_recvmmsg, sv[1], r, 0, 0, 0), 0);
  EQ("recv_unreadable", SYS(SYS_recvmmsg, sv[1], 8, 1, MSG_DONTWAIT, 0), -EFAULT);
  /* MSG_WAITFORONE: waits for the first, then takes what is there. */
  EQ("three", sendmmsg(sv[0], m, 2, 0) + send(sv[0], "z", 1, 0), 3);
  EQ("waitforone", recvmmsg(sv[1], r, 4, MSG_WAITFORONE, 0), 3);
  close(sv[0]);
  close(sv[1]);

  /* A stream: a send stopped short ends the batch; the messages' bytes
   * run together, and a receive takes what is queued. */
  EQ("stream_pair", pair(SOCK_STREAM, sv), 0);
  EQ("stream_send", sendmmsg(sv[0], m, 2, 0), 2);
  EQ("stream_recv", recvmmsg(sv[1], r, 4, MSG_DONTWAIT, 0), 1);
  EQ("stream_recv_len", r[0].msg_len, 3);
  send(sv[0], "abc", 3, 0);
  close(sv[1]); /* with "abc" unread: a reset */
  EQ("stream_reset", SYS(SYS_recvmmsg, sv[0], r, 4, MSG_DONTWAIT, 0), -ECONNRESET);
  EQ("stream_at_end", recvmmsg(sv[0], r, 4, MSG_DONTWAIT, 0), 4);
  EQ("stream_end_len", r[3].msg_len, 0);
  close(sv[0]);

  if (!t_on_tine()) return; /* qemu-user makes these two calls of its own */
  EQ("pair2", pair(SOCK_DGRAM, sv), 0);
  EQ("send_compat_flag", SYS(SYS_sendmmsg, -1, m, 1, 0x80000000u), -EINVAL);
  EQ("recv_compat_flag", SYS(SYS_recvmmsg, -1, r, 1, 0x80000000u, 0), -EINVAL);
  EQ("sendmsg_compat_flag", SYS(SYS_sendmsg, -1, 0, 0x80000000u), -EINVAL);
  EQ("recvmsg_compat_flag", SYS(SYS_recvmsg, -1, 0, 0x80000000u), -EINVAL);
  EQ("send_none_badfd", SYS(SYS_sendmmsg, -1, 0, 0, 0), -EBADF);
  struct timespec bad = {0, 1000000000}, t = {5, 0}, zero = {0, 0};
  EQ("timeout_bad", SYS(SYS_recvmmsg, sv[1], r, 4, MSG_DONTWAIT, &bad), -EINVAL);
  EQ("timeout_bad_first", SYS(SYS_recvmmsg, -1, r, 4, MSG_DONTWAIT, &bad), -EINVAL);
  EQ("timeout_unreadable", SYS(SYS_recvmmsg, -1, r, 4, MSG_DONTWAIT, 8), -EFAULT);
  EQ("two_more", send(sv[0], "x", 1, 0) + send(sv[0], "yy", 2, 0), 3);
  EQ("timed", SYS(SYS_recvmmsg, sv[1], r, 4, MSG_DONTWAIT, &t), 2);
  CHECK("timeout_left", (t.tv_sec == 4 && t.tv_nsec > 0) || (t.tv_sec == 5 && t.tv_nsec == 0));
  /* A timeout of 0 ends after the first message. */
  EQ("two_again", send(sv[0], "x", 1, 0) + send(sv[0], "yy", 2, 0), 3);
  EQ("zero_timeout", SYS(SYS_recvmmsg, sv[1], r, 4, 0, &zero), 1);
  EQ("zero_left", zero.tv_sec + zero.tv_nsec, 0);
  EQ("the_other", recv(sv[1], rbufs[0], 16, MSG_DONTWAIT), 2);
  /* An error after some messages is left for the next call. */
  EQ("three_more", send(sv[0], "x", 1, 0) + send(sv[0], "yy", 2, 0) + send(sv[0], "zzz", 3, 0), 6);
  r[1].msg_hdr.msg_iov = (struct iovec*)8;
  EQ("until_bad", SYS(SYS_recvmmsg, sv[1], r, 4, MSG_DONTWAIT, 0), 1);
  EQ("left_error", SYS(SYS_recvfrom, sv[1], rbufs[0], 16, MSG_DONTWAIT, 0, 0), -EFAULT);
  EQ("then_data", recv(sv[1], rbufs[0], 16, MSG_DONTWAIT), 2);
  EQ("until_bad_again", SYS(SYS_recvmmsg, sv[1], r, 4, MSG_DONTWAIT, 0), 1);
  int e = 0;
  socklen_t el = sizeof e;
  EQ("so_error", getsockopt(sv[1], SOL_SOCKET, SO_ERROR, &e, &el), 0);
  EQ("so_error_efault", e, EFAULT);
  close(sv[0]);
  close(sv[1]);
}

/* A datagram socket holds at most 11 messages from senders it is not
 * connected to (Linux's max_dgram_qlen of 10: past it the queue is full);
 * its own peer's are bounded by the queue's bytes only. */
void t_socket_dgram_qlen(void) {
  struct sockaddr_un a, back;
  socklen_t al = abstract_addr(&a, "qlen"), bl = abstract_addr(&back, "qlenback");
  int r = socket(AF_UNIX, SOCK_DGRAM, 0), s = socket(AF_UNIX, SOCK_DGRAM, 0);
  EQ("bind", bind(r, (struct sockaddr*)&a, al), 0);
  int n = 0;
  while (n < 100 && sendto(s, "x", 1, MSG_DONTWAIT, (struct sockaddr*)&a, al) == 1) n++;
  EQ("eleven", n, 11);
  EQ("full", SYS(SYS_sendto, s, "x", 1, MSG_DONTWAIT, &a, al), -EAGAIN);
  char b[8];
  EQ("take_one", recv(r, b, sizeof b, 0), 1);
  EQ("one_more", sendto(s, "x", 1, MSG_DONTWAIT, (struct sockaddr*)&a, al), 1);
  EQ("full_again", SYS(SYS_sendto, s, "x", 1, MSG_DONTWAIT, &a, al), -EAGAIN);
  int c = socket(AF_UNIX, SOCK_DGRAM, 0);
  EQ("connect", connect(c, (struct sockaddr*)&a, al), 0);
  CHECK("no_pollout", !(revents(c, POLLOUT) & POLLOUT));
  EQ("connected_full", SYS(SYS_sendto, c, "x", 1, MSG_DONTWAIT, 0, 0), -EAGAIN);
  while (recv(r, b, sizeof b, MSG_DONTWAIT) > 0) {
  }
  CHECK("pollout_drained", revents(c, POLLOUT) & POLLOUT);
  /* The receiver connected back to the sender: no count. */
  EQ("bind_back", bind(s, (struct sockaddr*)&back, bl), 0);
  EQ("connect_back", connect(r, (struct sockaddr*)&back, bl), 0);
  n = 0;
  while (n < 100 && sendto(s, "x", 1, MSG_DONTWAIT, (struct sockaddr*)&a, al) == 1) n++;
  EQ("connected_back_more", n, 100);
  close(r);
  close(s);
  close(c);
  /* A pair's ends are each other's peers. */
  int sv[2];
  EQ("pair", pair(SOCK_DGRAM, sv), 0);
  n = 0;
  while (n < 100 && send(sv[0], "x", 1, MSG_DONTWAIT) == 1) n++;
  EQ("pair_more", n, 100);
  close(sv[0]);
  close(sv[1]);
}
