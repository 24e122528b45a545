// Pipes: a bounded byte buffer between a read end and a write end, each a
// File. Linux's semantics: reads wait for data and return what there is
// (0 once no writer is left); writes wait for room, and one of at most
// kPipeBuf bytes goes in whole or not at all; with no reader left a write
// gets -EPIPE and its process SIGPIPE; O_NONBLOCK turns each wait into
// -EAGAIN; a signal ends a wait with -ERESTARTSYS (or the count moved so far).
//
// The buffer holds 64 KiB (16 pages, made as they fill). Its capacity is
// charged to the maker as kPipePages; a user past its share gets pipes of
// one page (kPipeBuf bytes) instead, as Linux does past
// pipe-user-pages-soft, so pipes stay bounded by the open-file bound.
//
// Lifetime (docs/locking.md): the pipe is counted by its two Files and freed
// with the second close; Pipe::lock (a Mutex) guards the buffer and the
// reader and writer counts, and is held while bytes are copied from or to
// the calling program.
//
// A FIFO (a named pipe: a node of the file system) gets a pipe when it is
// first opened; the node holds it (Vnode::fifo, under the node's lock) while
// Files are open on it, and it goes with the last close while the node
// stays. An open for reading waits for a writer and one for writing for a
// reader (POSIX; Linux's fifo_open), O_RDWR never waits.
#pragma once
#include <stdint.h>

#include "kernel/fs/fscred.h"

struct File;
struct Vnode;

inline constexpr uint32_t kPipePages = 16;

// Makes a pipe: *rd and *wr hold one reference each. flags: O_NONBLOCK
// (and O_CLOEXEC, which the caller applies to the descriptors).
[[nodiscard]] int pipe_create(uint32_t flags, const FsCred& cr, File** rd, File** wr);
// Opens the FIFO v (an open of the node, not O_PATH): O_RDONLY waits until
// a writer opens (O_NONBLOCK: at once), O_WRONLY until a reader does
// (O_NONBLOCK with no reader: -ENXIO), O_RDWR at once; a signal ends the
// wait with -ERESTARTSYS (only stop signals pending: the process stops and waits
// on once continued). -ENFILE, -ENOMEM.
[[nodiscard]] int fifo_open(Vnode* v, uint32_t flags, const FsCred& cr, File** out);
// A new File on the pipe `end` is an end of (opened again through
// /proc/PID/fd/N, as Linux opens a pipe's inode): a read end, a write end or
// both by flags' access mode, at once (an anonymous pipe's open waits for no
// partner). The pipe is its maker's, mode 0600: another user but root
// -EACCES. -EINVAL, -ENFILE, -ENOMEM.
[[nodiscard]] int pipe_reopen(File* end, uint32_t flags, const FsCred& cr, File** out);
// Whether fp is a pipe's end or a FIFO's (not seekable, no file system data).
bool file_is_pipe(const File* fp);
// The capacity of the pipe fp is an end of, or -EBADF.
int pipe_capacity(File* fp);
// F_SETPIPE_SZ: at least `bytes` (rounded up to a power of two of pages,
// 4 KiB to 64 KiB): the new capacity, -EBUSY when the data would not fit,
// -EPERM past 64 KiB or past the user's share.
int pipe_set_capacity(File* fp, uint64_t bytes, const FsCred& cr);
// Pipes alive (for the tests' baselines).
uint64_t pipe_count();
