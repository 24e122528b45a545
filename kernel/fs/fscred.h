// The credentials a file operation acts with: whose permission bits apply,
// and whom what it makes is charged to. A process's are its file-system uid
// and gid (proc_fscred); a system call's (my_cred, exec's) also count the
// calling process's supplementary groups as its groups, as Linux's
// in_group_p does.
#pragma once
#include <stdint.h>

struct FsCred {
  uint32_t uid;
  uint32_t gid;
  // The calling process's supplementary groups are groups of these
  // credentials too (read when a check needs them). The kernel's own
  // credentials (kRoot) have none.
  bool caller_groups = false;
  // A system call's: its lookups begin absolute paths at the calling
  // process's root directory (chroot), not the tree's.
  bool caller_root = false;
  bool root() const { return uid == 0; }
};

// Whether gid is one of the calling process's supplementary groups
// (kernel/proc/cred.cpp; false outside a process).
bool caller_in_groups(uint32_t gid);
// The calling process's root directory (chroot's; the tree's root outside a
// process), held.
struct Vnode;
Vnode* caller_root_hold();
// The calling process's real uid and gid as file credentials, its
// supplementary groups included: what access(2) checks with (Linux's
// access_override_creds; kernel/proc/cred.cpp).
FsCred caller_real_fscred();

// Whether cr is in group gid: its gid, or one of its supplementary groups.
inline bool fscred_in_group(const FsCred& cr, uint32_t gid) {
  return cr.gid == gid || (cr.caller_groups && caller_in_groups(gid));
}
