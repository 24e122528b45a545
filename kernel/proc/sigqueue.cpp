// Real-time signals queue (kernel/proc/sigqueue.h).
#include "kernel/proc/sigqueue.h"

#include "kernel/fs/charge.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/uapi/error_numbers.h"

MALLOC_DEFINE(M_SIGQ, "sigqueue", "queued real-time signals");

namespace {

uint64_t bit_of(int sig) { return 1ull << (sig - 1); }

bool listed(const SigQueue* q, int sig) {
  for (const SigQueued* e = q->head; e; e = e->next)
    if (e->sig == sig) return true;
  return false;
}

// Takes e (whose predecessor is prev, or none) off q.
void unlink(SigQueue* q, SigQueued* prev, SigQueued* e) {
  (prev ? prev->next : q->head) = e->next;
  if (q->last == e) q->last = prev;
  e->next = nullptr;
}

void append(SigQueue* q, SigQueued* e) {
  e->next = nullptr;
  (q->last ? q->last->next : q->head) = e;
  q->last = e;
}

// The oldest instance of sig on q, off it; nullptr for none.
SigQueued* take_oldest(SigQueue* q, int sig) {
  SigQueued* prev = nullptr;
  for (SigQueued* e = q->head; e; prev = e, e = e->next) {
    if (e->sig != sig) continue;
    unlink(q, prev, e);
    return e;
  }
  return nullptr;
}

void free_one(SigQueued* e) {
  charge_give(Charge::kSignals, e->uid, 1);
  kfree(e, M_SIGQ);
}

}  // namespace

int sigq_post_locked(Proc* p, SigQueue* q, uint64_t* siglist, int sig, const SigInfo& info) {
  p->spin.assert_held();
  // The receiver pays, within its RLIMIT_SIGPENDING (Linux's rule; root's
  // uid passes the users' share and reserve, not the limit).
  uint32_t uid = p->ucred()->c.cr_ruid;
  uint64_t cap = p->limit()->c.pl_rlimit[kRlimitSigpending].rlim_cur;
  SigQueued* e = nullptr;
  if (charge_take(Charge::kSignals, uid, 1, uid == 0, cap)) {
    e = static_cast<SigQueued*>(kmalloc(sizeof(SigQueued), M_SIGQ, M_NOWAIT));
    if (!e) charge_give(Charge::kSignals, uid, 1);
  }
  if (e) {
    e->uid = uid;
    e->sig = sig;
    e->info = info;
    append(q, e);
  } else if (info.code != kSiUser) {
    return -EAGAIN;
  }
  __atomic_or_fetch(siglist, bit_of(sig), __ATOMIC_RELEASE);
  return 0;
}

SigInfo sigq_take_locked(SigQueue* q, uint64_t* siglist, int sig) {
  SigInfo info{kSiUser, 0, 0, 0, 0};  // a lost one: kill's, from no one
  if (SigQueued* e = take_oldest(q, sig)) {
    info = e->info;
    free_one(e);
  }
  if (!listed(q, sig)) __atomic_and_fetch(siglist, ~bit_of(sig), __ATOMIC_ACQ_REL);
  return info;
}

void sigq_move_locked(SigQueue* from, uint64_t* from_list, SigQueue* to, uint64_t* to_list, int sig,
                      bool to_front) {
  SigQueued* e = take_oldest(from, sig);
  if (e && to_front) {
    e->next = to->head;
    to->head = e;
    if (!to->last) to->last = e;
  } else if (e) {
    append(to, e);
  }
  __atomic_or_fetch(to_list, bit_of(sig), __ATOMIC_RELEASE);  // pending throughout
  if (!listed(from, sig)) __atomic_and_fetch(from_list, ~bit_of(sig), __ATOMIC_ACQ_REL);
}

void sigq_flush(SigQueue* q, int sig) {
  SigQueued* prev = nullptr;
  for (SigQueued* e = q->head; e;) {
    SigQueued* next = e->next;
    if (sig == 0 || e->sig == sig) {
      unlink(q, prev, e);
      free_one(e);
    } else {
      prev = e;
    }
    e = next;
  }
}
