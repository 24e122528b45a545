// Descriptor tables (the seed's struct filedesc): which File each descriptor
// of a process refers to, with its close-on-exec flag, and the working
// directory and umask that go with them. The verified core counts the
// references to a table (struct filedesc, first member: fork1 copies one for
// RFFDG, makes an empty one for RFCFDG and shares it otherwise); C++ owns
// what is in it.
//
//   fd_init     a new table with no descriptors: the working directory and
//               umask of the table it comes from (fdinit; RFCFDG)
//   fd_copy     a new table referring to the same Files (fdcopy; RFFDG)
//   sharing     another counted reference to the same table (fdshare)
//   fd_console  descriptors 0-2 on /dev/console (init's table)
//
// Lifetime (docs/locking.md): counted; a process drops its table when it
// exits (it takes the shared, empty g_exited_fd instead, so a zombie holds
// no File) or when it stops sharing one (rfork, exec); the last drop closes
// every descriptor (filedesc_destroy, no lock held). Filedesc::lock guards
// the slots, their number and the working directory; it is a leaf but for
// the allocator (a table grows outside it).
#pragma once
#include <stddef.h>
#include <stdint.h>

#include "kernel/fs/lock_ranks.h"
#include "kernel/sync/spinlock.h"
#include "kernel/verified/vc_types.h"

struct File;
struct Proc;
struct Vnode;

struct FdSlot {
  File* fp;        // held; nullptr when free
  uint32_t flags;  // FD_CLOEXEC
};

extern LockClass g_filedesc_class;

struct Filedesc {
  struct filedesc c;  // the verified core's count
  SpinLock lock{g_filedesc_class};
  FdSlot* slots;  // small, or a larger array of its own
  int nslots;
  int used;        // 1 + the highest descriptor in use (0 if none); slots
                   // from here on are free whatever they hold (never read)
  Vnode* cwd;      // held (nullptr only in g_exited_fd)
  Vnode* root;     // chroot's root directory, held; nullptr: the tree's
  uint32_t cmask;  // umask (atomic)
  static constexpr int kSmall = 8;
  FdSlot small[kSmall];
};

// The leader record (the seed's filedesc_to_leader): processes whose leaders
// share a table are linked in a ring, each record counted by the processes
// of that leader.
struct Fdtol {
  struct fdtol c;
  Proc* leader;  // not counted
  Fdtol* next;   // the ring (g_fdtol_lock)
  Fdtol* prev;
};

// What a zombie holds instead of a table it shared: empty, never destroyed.
extern Filedesc g_exited_fd;

// Tables (count 1, or nullptr when out of memory).
Filedesc* fd_init(const Filedesc* from);  // nullptr: root as working directory, umask 022
Filedesc* fd_copy(Filedesc* from);
// Opens /dev/console on descriptors 0, 1 and 2 of a new table. 0 or -errno.
int fd_console(Filedesc* fdp);
// Closes every descriptor and frees the table (its count reached 0).
void fd_destroy(Filedesc* fdp);
// Closes every descriptor and lets go of the working directory: the table of
// an exiting process that nobody else holds.
void fd_close_all(Filedesc* fdp);

// The File at fd, held, or nullptr.
File* fget(Filedesc* fdp, int fd);
// Puts fp (the caller's reference moves to the table) at the lowest free
// descriptor >= minfd below limit (RLIMIT_NOFILE): the descriptor, or -EMFILE.
int fd_alloc(Filedesc* fdp, File* fp, int minfd, uint32_t flags, int limit);
// dup2/dup3: fp (the caller's reference) at `to` (< limit), closing what was
// there. `to` or -errno.
int fd_put_at(Filedesc* fdp, File* fp, int to, uint32_t flags, int limit);
int fd_close(Filedesc* fdp, int fd);
// Closes fd only if it still holds fp (the caller holds its own reference to
// fp, so the address cannot have been reused): undoing an install that another
// LWP may have replaced meanwhile (dup2 at that number) leaves its file alone.
void fd_close_if(Filedesc* fdp, int fd, File* fp);
// Closes (or marks close-on-exec) descriptors first..last.
void fd_close_range(Filedesc* fdp, unsigned first, unsigned last, bool cloexec_only);
int fd_get_flags(Filedesc* fdp, int fd);
int fd_set_flags(Filedesc* fdp, int fd, uint32_t flags);
void fd_close_on_exec(Filedesc* fdp);
int fd_count_open(Filedesc* fdp);

Vnode* fd_cwd_hold(Filedesc* fdp);
void fd_set_cwd(Filedesc* fdp, Vnode* v);  // takes over the caller's reference
// The root directory lookups of the table's processes begin absolute paths
// at (chroot), held: the tree's root unless one was set.
Vnode* fd_root_hold(Filedesc* fdp);
void fd_set_root(Filedesc* fdp, Vnode* v);  // takes over the caller's reference

// Leader records.
Fdtol* fdtol_new(Proc* leader, Fdtol* join);  // count 1, in join's ring (or its own)
void fdtol_destroy(Fdtol* tl);                // count reached 0: off the ring, freed
