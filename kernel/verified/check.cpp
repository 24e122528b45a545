// The runtime checker of the verified core's invariants (check.h).
//
// No allocation and no containers: the census is quadratic in the number of
// processes, which is fine for tests and ktests. Holder counts come from
// vc_count_holders (census.c), which WP proves equal to spec/census.h's
// `holders`, and a uid's tasks from vc_count_tasks, proved equal to
// spec/charge.h's `tasks_charged`, so that the checker evaluates the spec's
// own definitions.
#include "kernel/verified/check.h"

#include "kernel/verified/census.h"
#include "kernel/verified/contract_checks.h"
#include "kernel/verified/tidset.h"

namespace {

void note(vc_report* r, const char* what, const void* object, long expected, long actual) {
  if (r == nullptr) return;
  if (r->violations++ == 0) {
    r->first = what;
    r->object = object;
    r->expected = expected;
    r->actual = actual;
  }
}

int outside_holders(const vc_outside* outside, const refcount* ref) {
  int n = 0;
  if (outside == nullptr) return 0;
  for (int i = 0; i < outside->nrefs; ++i)
    if (outside->refs[i].ref == ref) n += outside->refs[i].holders;
  return n;
}

// Has an earlier (process, kind) pair already designated ref? Then it was
// checked there.
bool seen_before(proc_core* const* procs, int upto_proc, int upto_kind, const refcount* ref) {
  for (int i = 0; i <= upto_proc; ++i) {
    int kinds = i == upto_proc ? upto_kind : VC_REF_KINDS;
    for (int k = 0; k < kinds; ++k) {
      vc_contract::vc_proc_ref_requires(procs[i], k);
      if (vc_proc_ref(procs[i], k) == ref) return true;
    }
  }
  return false;
}

// The uidinfo references held by distinct ucreds among the processes.
int ucred_holders_of(proc_core* const* procs, int n, const uidinfo* uip) {
  int count = 0;
  for (int i = 0; i < n; ++i) {
    const ucred* cr = procs[i]->p_ucred;
    if (cr == nullptr || cr->cr_ruidinfo != uip) continue;
    bool dup = false;
    for (int j = 0; j < i && !dup; ++j) dup = procs[j]->p_ucred == cr;
    if (!dup) ++count;
  }
  return count;
}

}  // namespace

extern "C" {

void vc_report_init(vc_report* r) {
  r->violations = 0;
  r->first = nullptr;
  r->object = nullptr;
  r->expected = 0;
  r->actual = 0;
}

int vc_check_proccount(const proccount* pc, int nproc, vc_report* r) {
  int found = 0;
  if (pc->maxproc < 0) {
    note(r, "maxproc is negative", pc, 0, pc->maxproc);
    ++found;
  }
  if (pc->nprocs < 0 || pc->nprocs > pc->maxproc) {
    note(r, "nprocs outside 0..maxproc", pc, pc->maxproc, pc->nprocs);
    ++found;
  }
  if (pc->nprocs != nproc) {
    note(r, "nprocs is not the number of processes", pc, nproc, pc->nprocs);
    ++found;
  }
  return found;
}

int vc_check_refcount(const refcount* rc, int holders, vc_report* r) {
  int found = 0;
  if (rc->rc_count < 0 || rc->rc_count > REFCOUNT_MAX) {
    note(r, "reference count out of range", rc, holders, rc->rc_count);
    ++found;
  }
  if (rc->rc_count != holders) {
    note(r, "reference count is not the number of holders", rc, holders, rc->rc_count);
    ++found;
  }
  return found;
}

int vc_check_tids(const lwp_tids* pt, vc_report* r) {
  int found = 0;
  if (pt->p_lasttid < -1 || pt->p_lasttid > LWP_TID_MAX) {
    note(r, "p_lasttid out of range", pt, -1, pt->p_lasttid);
    ++found;
  }
  const char* why = nullptr;
  if (!tidtree::validate(pt->p_lwps, &why)) {
    note(r, why, pt, 0, 1);
    return found + 1;  // a broken tree cannot be counted
  }
  long live = static_cast<long>(tidtree::size(pt->p_lwps));
  if (live != pt->p_nthreads) {
    note(r, "p_nthreads is not the number of live TIDs", pt, live, pt->p_nthreads);
    ++found;
  }
  // The rule hands out TIDs in increasing order until it wraps; before the
  // first wrap every live TID is at most p_lasttid, and -1 means none yet.
  if (pt->p_lasttid == -1 && live != 0) {
    note(r, "live TIDs before the first one was handed out", pt, 0, live);
    ++found;
  }
  return found;
}

int vc_check_proc(proc_core* const* procs, int n, int i, const vc_outside* outside, vc_report* r) {
  int found = 0;
  for (int k = 0; k < VC_REF_KINDS; ++k) {
    vc_contract::vc_proc_ref_requires(procs[i], k);
    const refcount* ref = vc_proc_ref(procs[i], k);
    if (ref == nullptr || seen_before(procs, i, k, ref)) continue;
    vc_contract::vc_count_holders_requires(procs, n, k, ref);
    int holders = vc_count_holders(procs, n, k, ref) + outside_holders(outside, ref);
    if (k == VC_REF_UIDINFO) {
      const uidinfo* uip = procs[i]->p_uidinfo;
      holders += ucred_holders_of(procs, n, uip);
      vc_contract::vc_count_tasks_requires(procs, n);
      long long charged = vc_count_tasks(procs, n, uip);
      if (uip->ui_proccnt != charged) {
        note(r, "ui_proccnt is not the tasks charged", uip, static_cast<long>(charged),
             uip->ui_proccnt);
        ++found;
      }
    }
    found += vc_check_refcount(ref, holders, r);
  }
  found += vc_check_tids(&procs[i]->p_tids, r);
  return found;
}

int vc_check_procs(const proccount* pc, proc_core* const* procs, int n, const vc_outside* outside,
                   vc_report* r) {
  int found = vc_check_proccount(pc, n, r);
  for (int i = 0; i < n; ++i) found += vc_check_proc(procs, n, i, outside, r);
  return found;
}

}  // extern "C"
