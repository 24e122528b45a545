#include "kernel/fs/filedesc.h"

#include <new>

#include "kernel/fs/file.h"
#include "kernel/fs/linux_abi.h"
#include "kernel/fs/namei.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/vnode.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/verified/refcount.h"

LockClass g_filedesc_class{"filedesc", kRankFiledesc};
Filedesc g_exited_fd;

namespace {

LockClass g_fdtol_class{"fdtol", kRankFdtol};
SpinLock g_fdtol_lock{g_fdtol_class};

// A table with no descriptors and no working directory, count 1.
Filedesc* blank() {
  auto* fdp = static_cast<Filedesc*>(kmalloc(sizeof(Filedesc), M_FILEDESC, M_WAITOK));
  if (!fdp) return nullptr;
  new (fdp) Filedesc;  // not zeroed: slots past `used` are never read
  refcount_init(&fdp->c.fd_ref, 1);
  fdp->slots = fdp->small;
  fdp->nslots = Filedesc::kSmall;
  fdp->used = 0;
  fdp->cwd = nullptr;
  fdp->root = nullptr;
  fdp->cmask = 022;
  return fdp;
}

void zero_slots(FdSlot* s, int from, int to) {
  if (to > from) tine_memset(s + from, 0, sizeof(FdSlot) * static_cast<size_t>(to - from));
}

// Makes room for at least `want` slots (the lock not held). false: no memory.
bool grow(Filedesc* fdp, int want) {
  int n = Filedesc::kSmall;
  while (n < want) n *= 2;
  auto* s =
      static_cast<FdSlot*>(kmalloc(sizeof(FdSlot) * static_cast<size_t>(n), M_FILEDESC, M_WAITOK));
  if (!s) return false;
  FdSlot* old = nullptr;
  {
    SpinGuard g(fdp->lock);
    if (fdp->nslots < n) {
      tine_memcpy(s, fdp->slots, sizeof(FdSlot) * static_cast<size_t>(fdp->used));
      if (fdp->slots != fdp->small) old = fdp->slots;
      fdp->slots = s;
      fdp->nslots = n;
      s = nullptr;
    }
  }
  if (s) kfree(s, M_FILEDESC);  // another LWP grew it first
  if (old) kfree(old, M_FILEDESC);
  return true;
}

// The highest descriptor in use went: find the new one (lock held).
void trim_used_locked(Filedesc* fdp) {
  while (fdp->used > 0 && !fdp->slots[fdp->used - 1].fp) --fdp->used;
}

}  // namespace

void filedesc_boot_init() {
  refcount_init(&g_exited_fd.c.fd_ref, 1);  // the kernel's own: never released
  g_exited_fd.used = 0;
  g_exited_fd.slots = g_exited_fd.small;
  g_exited_fd.nslots = Filedesc::kSmall;
}

Filedesc* fd_init(const Filedesc* from) {
  Filedesc* fdp = blank();
  if (!fdp) return nullptr;
  if (from) {
    auto* f = const_cast<Filedesc*>(from);
    SpinGuard g(f->lock);
    fdp->cwd = f->cwd ? vref(f->cwd) : nullptr;
    fdp->root = f->root ? vref(f->root) : nullptr;
    fdp->cmask = __atomic_load_n(&f->cmask, __ATOMIC_RELAXED);
  } else {
    fdp->cwd = vfs_root_hold();
  }
  return fdp;
}

Filedesc* fd_copy(Filedesc* from) {
  Filedesc* fdp = blank();
  if (!fdp) return nullptr;
  for (;;) {
    int need;
    {
      SpinGuard g(from->lock);
      need = from->used;
      if (need <= fdp->nslots) {
        for (int i = 0; i < need; ++i) {
          fdp->slots[i] = from->slots[i];
          if (File* fp = fdp->slots[i].fp) fhold(fp);
        }
        fdp->used = need;
        fdp->cwd = from->cwd ? vref(from->cwd) : nullptr;
        fdp->root = from->root ? vref(from->root) : nullptr;
        fdp->cmask = __atomic_load_n(&from->cmask, __ATOMIC_RELAXED);
        break;
      }
    }
    if (!grow(fdp, need)) {
      fd_destroy(fdp);
      return nullptr;
    }
  }
  return fdp;
}

void fd_close_all(Filedesc* fdp) {
  // Only its last holder calls this: nothing changes the table meanwhile
  // (/proc takes no hold on the table of an exiting process, whose last LWP
  // calls this when it finds itself the only holder).
  int used = fdp->used;
  __atomic_store_n(&fdp->used, 0, __ATOMIC_RELAXED);
  Vnode* cwd = fdp->cwd;
  Vnode* root = fdp->root;
  fdp->cwd = nullptr;
  fdp->root = nullptr;
  for (int i = 0; i < used; ++i)
    if (File* fp = fdp->slots[i].fp) fdrop(fp);
  if (cwd) vrele(cwd);
  if (root) vrele(root);
}

void fd_destroy(Filedesc* fdp) {
  KASSERT(fdp != &g_exited_fd);
  fd_close_all(fdp);
  if (fdp->slots != fdp->small) kfree(fdp->slots, M_FILEDESC);
  fdp->~Filedesc();
  kfree(fdp, M_FILEDESC);
}

int fd_console(Filedesc* fdp) {
  FsCred root{0, 0};
  Vnode* v;
  if (int e = vfs_open(vfs_root(), "/dev/console", O_RDWR, 0, 0, root, &v); e) return e;
  File* fp;
  int e = file_open_vnode(v, O_RDWR, root, &fp);
  vrele(v);
  if (e) return e;
  for (int fd = 0; fd < 3; ++fd) {
    int r = fd_put_at(fdp, fd < 2 ? fhold(fp) : fp, fd, 0, Filedesc::kSmall);
    if (r < 0) return r;
  }
  return 0;
}

File* fget(Filedesc* fdp, int fd) {
  SpinGuard g(fdp->lock);
  if (fd < 0 || fd >= fdp->used) return nullptr;
  File* fp = fdp->slots[fd].fp;
  return fp ? fhold(fp) : nullptr;
}

int fd_alloc(Filedesc* fdp, File* fp, int minfd, uint32_t flags, int limit) {
  if (minfd < 0) return -EINVAL;
  for (;;) {
    int have;
    {
      SpinGuard g(fdp->lock);
      int end = fdp->nslots < limit ? fdp->nslots : limit;
      for (int i = minfd; i < end; ++i)
        if (i >= fdp->used || !fdp->slots[i].fp) {
          if (i >= fdp->used) {
            zero_slots(fdp->slots, fdp->used, i);
            fdp->used = i + 1;
          }
          fdp->slots[i] = {fp, flags};
          return i;
        }
      have = fdp->nslots;
    }
    if (have >= limit || minfd >= limit) return -EMFILE;
    int want = have * 2 > minfd + 1 ? have * 2 : minfd + 1;
    if (!grow(fdp, want < limit ? want : limit)) return -ENOMEM;
  }
}

int fd_put_at(Filedesc* fdp, File* fp, int to, uint32_t flags, int limit) {
  if (to < 0 || to >= limit) return -EBADF;
  File* old;
  for (;;) {
    {
      SpinGuard g(fdp->lock);
      if (to < fdp->nslots) {
        old = nullptr;
        if (to < fdp->used) {
          old = fdp->slots[to].fp;
        } else {
          zero_slots(fdp->slots, fdp->used, to);
          fdp->used = to + 1;
        }
        fdp->slots[to] = {fp, flags};
        break;
      }
    }
    if (!grow(fdp, to + 1)) return -ENOMEM;
  }
  if (old) fdrop(old);
  return to;
}

int fd_close(Filedesc* fdp, int fd) {
  File* fp;
  {
    SpinGuard g(fdp->lock);
    if (fd < 0 || fd >= fdp->used || !fdp->slots[fd].fp) return -EBADF;
    fp = fdp->slots[fd].fp;
    fdp->slots[fd] = {nullptr, 0};
    trim_used_locked(fdp);
  }
  fdrop(fp);
  return 0;
}

void fd_close_if(Filedesc* fdp, int fd, File* fp) {
  {
    SpinGuard g(fdp->lock);
    if (fd < 0 || fd >= fdp->used || fdp->slots[fd].fp != fp) return;
    fdp->slots[fd] = {nullptr, 0};
    trim_used_locked(fdp);
  }
  fdrop(fp);
}

void fd_close_range(Filedesc* fdp, unsigned first, unsigned last, bool cloexec_only) {
  for (unsigned i = first;; ++i) {
    File* fp = nullptr;
    {
      SpinGuard g(fdp->lock);
      if (i >= static_cast<unsigned>(fdp->used) || i > last) return;
      // Past the first, find the next open one under this hold.
      while (i < static_cast<unsigned>(fdp->used) && i <= last && !fdp->slots[i].fp) ++i;
      if (i >= static_cast<unsigned>(fdp->used) || i > last) return;
      if (cloexec_only) {
        fdp->slots[i].flags |= FD_CLOEXEC;
        continue;
      }
      fp = fdp->slots[i].fp;
      fdp->slots[i] = {nullptr, 0};
      trim_used_locked(fdp);
    }
    fdrop(fp);
    if (i == ~0u) return;
  }
}

int fd_get_flags(Filedesc* fdp, int fd) {
  SpinGuard g(fdp->lock);
  if (fd < 0 || fd >= fdp->used || !fdp->slots[fd].fp) return -EBADF;
  return static_cast<int>(fdp->slots[fd].flags);
}

int fd_set_flags(Filedesc* fdp, int fd, uint32_t flags) {
  SpinGuard g(fdp->lock);
  if (fd < 0 || fd >= fdp->used || !fdp->slots[fd].fp) return -EBADF;
  fdp->slots[fd].flags = flags & FD_CLOEXEC;
  return 0;
}

void fd_close_on_exec(Filedesc* fdp) {
  for (int i = 0;; ++i) {
    File* fp = nullptr;
    {
      SpinGuard g(fdp->lock);
      while (i < fdp->used && !(fdp->slots[i].fp && (fdp->slots[i].flags & FD_CLOEXEC))) ++i;
      if (i >= fdp->used) return;
      fp = fdp->slots[i].fp;
      fdp->slots[i] = {nullptr, 0};
      trim_used_locked(fdp);
    }
    fdrop(fp);
  }
}

int fd_count_open(Filedesc* fdp) {
  SpinGuard g(fdp->lock);
  int n = 0;
  for (int i = 0; i < fdp->used; ++i) n += fdp->slots[i].fp != nullptr;
  return n;
}

namespace {

// The working directory and the root are the same kind of slot: a held
// vnode, or null for the system's root. The table's lock guards the swap;
// the old node is released after it.
Vnode* dir_slot_hold(Filedesc* fdp, Vnode* Filedesc::*slot) {
  SpinGuard g(fdp->lock);
  Vnode* v = fdp->*slot;
  return v ? vref(v) : vfs_root_hold();
}

void dir_slot_set(Filedesc* fdp, Vnode* Filedesc::*slot, Vnode* v) {
  Vnode* old;
  {
    SpinGuard g(fdp->lock);
    old = fdp->*slot;
    fdp->*slot = v;
  }
  if (old) vrele(old);
}

}  // namespace

Vnode* fd_cwd_hold(Filedesc* fdp) { return dir_slot_hold(fdp, &Filedesc::cwd); }
void fd_set_cwd(Filedesc* fdp, Vnode* v) { dir_slot_set(fdp, &Filedesc::cwd, v); }
Vnode* fd_root_hold(Filedesc* fdp) { return dir_slot_hold(fdp, &Filedesc::root); }
void fd_set_root(Filedesc* fdp, Vnode* v) { dir_slot_set(fdp, &Filedesc::root, v); }

Fdtol* fdtol_new(Proc* leader, Fdtol* join) {
  auto* tl = static_cast<Fdtol*>(kmalloc(sizeof(Fdtol), M_FILEDESC, M_WAITOK | M_ZERO));
  if (!tl) return nullptr;
  refcount_init(&tl->c.fdl_ref, 1);
  tl->leader = leader;
  SpinGuard g(g_fdtol_lock);
  if (join) {
    tl->next = join->next;
    tl->prev = join;
    join->next->prev = tl;
    join->next = tl;
  } else {
    tl->next = tl->prev = tl;
  }
  return tl;
}

void fdtol_destroy(Fdtol* tl) {
  {
    SpinGuard g(g_fdtol_lock);
    tl->prev->next = tl->next;
    tl->next->prev = tl->prev;
  }
  kfree(tl, M_FILEDESC);
}
