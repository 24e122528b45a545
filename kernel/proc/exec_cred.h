// The credentials a program runs with after exec (kernel/proc/exec_cred.cpp):
// Linux's bprm_fill_uid and cap_bprm_creds_from_file, POSIX's set-user-ID and
// set-group-ID at exec.
//
// The file's S_ISUID makes its owner the effective uid, its S_ISGID (with
// the group execute bit) its group the effective gid, unless the process has
// PR_SET_NO_NEW_PRIVS; then, and at every exec, the saved and file-system
// ids become the effective ones. The program is a "secure" one (AT_SECURE 1)
// when its effective ids differ from its real ones; with no_new_privs such
// a program runs with its real ids as its effective ones (Linux's downgrade).
//
// Exec begins with the process's credentials of that moment (held): the
// permission checks use them, the new program's are made from them before
// the point of no return (the auxiliary vector tells them), and
// proc_exec_commit installs those with the new image. A change another LWP
// makes meanwhile goes with that LWP, as on Linux, where exec makes the new
// credentials from the execing thread's.
#pragma once
#include "kernel/exec/exec.h"
#include "kernel/fs/fscred.h"

struct Lwp;
struct Proc;
struct Ucred;
struct Uidinfo;
struct Vnode;

struct ExecCred {
  Ucred* was;   // the process's credentials when exec began (held)
  Ucred* ncr;   // the new program's (count 1), or nullptr: `was` as it is
  ExecIds ids;  // what its auxiliary vector says (AT_UID, AT_EUID, AT_GID, AT_EGID, AT_SECURE)
  bool nodump;  // not dumpable afterwards (PR_GET_DUMPABLE 0), as Linux with suid_dumpable 0
};

// Exec begins: p's credentials now, held in out->was.
void exec_cred_begin(Proc* p, ExecCred* out);
// The file credentials of those (the supplementary groups are the caller's).
FsCred exec_cred_files(const ExecCred* ec);
// The new program's credentials, for `file` (the ELF exec found): 0 or -ENOMEM.
[[nodiscard]] int exec_cred_prepare(ExecCred* ec, Proc* p, Vnode* file);
// Gives back what begin and prepare hold (what the commit did not take).
void exec_cred_release(ExecCred* ec);
// At exec's commit (p->spin held; lp the process's one LWP): installs the new
// program's credentials and marks the process as Linux's commit_creds and
// begin_new_exec do (P_NODUMP, P_SUGID, no parent-death signal). Returns the
// credentials the process let go of, and in *oldui the uid record it left
// (another LWP may have changed its real uid meanwhile), for the caller to
// drop with no spinlock held (nullptr: none).
Ucred* exec_cred_commit_locked(Proc* p, Lwp* lp, ExecCred* ec, Uidinfo** oldui);
