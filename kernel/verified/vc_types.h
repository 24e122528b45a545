/*
 * The verified core's data: the part of each object that the fork path counts.
 *
 * These are plain C structs so that Frama-C/WP can read them. The C++ side of
 * the kernel owns the objects (it allocates, initialises and frees them) and
 * either embeds these structs as the first member of its own types or uses
 * them as they are. The proved C functions only ever write fields of objects
 * that existed when they were called; a new object comes from a C++ step with
 * its count already set (see docs/verification.md, "Why C never writes new
 * objects").
 *
 * Lock discipline (who may write a field):
 *   proccount.nprocs, uidinfo.ui_proccnt, every refcount.rc_count
 *       atomics only (compare-and-swap or fetch-add), no lock;
 *   refcount.rc_magic (debug kernel)
 *       refcount_init, before anyone else can see the object;
 *   lwp_tids (all fields)
 *       the owning process's lock (functions that need it end in _locked);
 *   proc_core pointer fields
 *       the owning process's lock, or no lock while the process is not yet
 *       visible (a child under construction in fork1).
 */
#ifndef TINE_KERNEL_VERIFIED_VC_TYPES_H
#define TINE_KERNEL_VERIFIED_VC_TYPES_H

#ifdef __cplusplus
extern "C" {
#endif

/* Result codes. The values are Linux's errno numbers (the user ABI); VC_ERESTART
 * is kernel-internal (Linux's ERESTARTSYS) and never reaches user space. */
#define VC_OK 0
#define VC_EAGAIN 11
#define VC_ENOMEM 12
#define VC_EINVAL 22
#define VC_ERESTART 512

#define VC_INT_MAX 2147483647

#ifndef __cplusplus
/* The null pointer, in the core's C (freestanding: no <stddef.h>). */
#define VC_NULL ((void*)0)
#endif

/* rfork flags, DragonFly's values (RFPROC etc. without the prefix). */
#define VC_RFFDG (1u << 2)       /* copy the descriptor table */
#define VC_RFPROC (1u << 4)      /* create a process */
#define VC_RFMEM (1u << 5)       /* share the address space */
#define VC_RFNOWAIT (1u << 6)    /* child is reparented to init */
#define VC_RFCFDG (1u << 12)     /* child starts with an empty descriptor table */
#define VC_RFTHREAD (1u << 13)   /* child shares the parent's leader */
#define VC_RFSIGSHARE (1u << 14) /* share signal handlers */
#define VC_RFLINUXTHPN (1u << 16)
#define VC_RFPGLOCK (1u << 30) /* interlock against process-group signals */
#define VC_RFPPWAIT (1u << 31) /* parent waits for exec or exit (vfork) */

/* Linux's rlimit numbering (prlimit64), of which fork reads one. */
#define VC_RLIMIT_NPROC 6
#define VC_RLIM_NLIMITS 16
#define VC_RLIM_INFINITY \
  0xffffffffffffffffull /* no limit (Linux's RLIM_INFINITY); not ~0ull, which ACSL reads as -1 */

typedef unsigned int vc_uid_t;

/* The one reference-count primitive. A count never exceeds REFCOUNT_MAX and
 * never goes below zero: both are preconditions of the operations.
 *
 * The debug kernel (TINE_DEBUG) adds rc_magic, REFCOUNT_MAGIC once
 * refcount_init has run, and checks it at every hold and release
 * (refcount_magic.h): a count in freed (poisoned) or foreign memory stops the
 * kernel there. The release kernel has no such field, so its objects are laid
 * out as if the check did not exist. */
#define REFCOUNT_MAX VC_INT_MAX
#define REFCOUNT_MAGIC 0x52434e54u /* "RCNT" */
struct refcount {
  int rc_count;
#ifdef TINE_DEBUG
  unsigned int rc_magic;
#endif
};

/* The system-wide process count (the seed's nprocs and maxproc). maxproc is
 * set at boot and not changed while processes run. */
#define NPROCS_ROOT_RESERVE 10 /* slots only root may take */
struct proccount {
  int nprocs;
  int maxproc;
};

/* Per-user accounting: the tasks charged to a real uid (one per LWP of each
 * process charged to it, one for a process with none: spec/charge.h), and the
 * references to this record (ucreds whose real uid it is, processes charged to it). */
struct uidinfo {
  struct refcount ui_ref;
  int ui_proccnt;
  vc_uid_t ui_uid;
};

struct ucred {
  struct refcount cr_ref;
  vc_uid_t cr_uid;
  vc_uid_t cr_ruid;
  struct uidinfo* cr_ruidinfo; /* held: one reference per ucred */
};

struct sigacts {
  struct refcount ps_ref;
};

struct filedesc {
  struct refcount fd_ref;
};

/* filedesc_to_leader: which process leaders share one descriptor table. */
struct fdtol {
  struct refcount fdl_ref;
};

struct vmspace {
  struct refcount vm_ref;
};

struct vc_rlimit {
  unsigned long long rlim_cur;
  unsigned long long rlim_max;
};

struct plimit {
  struct refcount pl_ref;
  struct vc_rlimit pl_rlimit[VC_RLIM_NLIMITS];
};

struct pgrp {
  struct refcount pg_ref;
};

/* The process arguments (p_args), shared by parent and child until exec. */
struct pargs {
  struct refcount ar_ref;
};

/* The set of live TIDs of one process. Its contents are kept by C++ (a
 * red-black tree of struct tidnode, see tidset.h); C sees an integer handle and
 * reaches the set only through the functions in tidset.h. */
struct tidnode;
struct tidset {
  unsigned long ts_tree;
};

/* The largest TID; the next one wraps to 1. Host tests build a second copy
 * of the TID code with a small maximum, to reach wrap-around and exhaustion. */
#ifndef LWP_TID_MAX
#define LWP_TID_MAX VC_INT_MAX
#endif

/* TID state of a process (the seed's p_lasttid, p_nthreads, p_lwp_tree). */
struct lwp_tids {
  int p_lasttid;  /* last TID handed out; -1 before the first */
  int p_nthreads; /* live LWPs */
  struct tidset p_lwps;
};

/* The counted part of a process. Every non-null pointer is a held reference. */
struct proc_core {
  struct refcount p_lock; /* PHOLD/PRELE: holds on the process itself; may be 0 */
  struct ucred* p_ucred;
  struct uidinfo* p_uidinfo; /* the uidinfo this process's slot is charged to */
  struct sigacts* p_sigacts;
  struct filedesc* p_fd;
  struct fdtol* p_fdtol;
  struct vmspace* p_vmspace;
  struct plimit* p_limit;
  struct pgrp* p_pgrp;
  struct pargs* p_args;
  struct proc_core* p_leader; /* not counted */
  struct lwp_tids p_tids;
};

/* What fork1 works on. The caller owns every object named here. */
struct fork_args {
  struct proccount* fa_pc; /* the system-wide process count */
  struct proc_core* fa_p1; /* the parent */
  struct ucred* fa_cred;   /* the forking thread's credentials */
  void* fa_lwp1;           /* the forking LWP (C++), passed to the C++ steps */
  struct proc_core* fa_p2; /* storage for the child, blank (see fork.h) */
  unsigned int fa_flags;
};

#ifdef __cplusplus
}
#endif

#endif
