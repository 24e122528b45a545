#include "kernel/fs/charge.h"

#include "kernel/fs/lock_ranks.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/panic.h"
#include "kernel/sync/spinlock.h"

MALLOC_DEFINE(M_CHARGE, "fscharge", "per-user file charges");

namespace {

// One uid's charges; on the list while any is non-zero.
struct UserCharge {
  UserCharge* next;
  uint32_t uid;
  uint64_t used[kChargeKinds];
};

LockClass g_charge_class{"fs.charge", kRankCharge};
SpinLock g_charge_lock{g_charge_class};
UserCharge* g_users;                 // g_charge_lock
uint64_t g_total[kChargeKinds];      // g_charge_lock
ChargeRule g_rule[kChargeKinds] = {  // g_charge_lock
    {~0ull, 0, ~0ull},
    {~0ull, 0, ~0ull},
    {~0ull, 0, ~0ull},
    {~0ull, 0, ~0ull}};

UserCharge* find_locked(uint32_t uid) {
  for (UserCharge* u = g_users; u; u = u->next)
    if (u->uid == uid) return u;
  return nullptr;
}

void drop_if_idle_locked(UserCharge* u) {
  for (uint64_t v : u->used)
    if (v) return;
  for (UserCharge** pp = &g_users; *pp; pp = &(*pp)->next)
    if (*pp == u) {
      *pp = u->next;
      break;
    }
  kfree(u, M_CHARGE);
}

unsigned idx(Charge k) { return static_cast<unsigned>(k); }

}  // namespace

void charge_set_rule(Charge k, const ChargeRule& r) {
  SpinGuard g(g_charge_lock);
  g_rule[idx(k)] = r;
}

ChargeRule charge_rule(Charge k) {
  SpinGuard g(g_charge_lock);
  return g_rule[idx(k)];
}

bool charge_take(Charge k, uint32_t uid, uint64_t n, bool acting_root, uint64_t cap) {
  unsigned i = idx(k);
  SpinGuard g(g_charge_lock);
  const ChargeRule& r = g_rule[i];
  uint64_t limit = r.max;
  if (!acting_root) limit = limit > r.root_reserve ? limit - r.root_reserve : 0;
  if (g_total[i] > limit || limit - g_total[i] < n) return false;
  UserCharge* u = find_locked(uid);
  uint64_t mine = u ? u->used[i] : 0;
  if (!acting_root && uid != 0 && (mine > r.user_share || r.user_share - mine < n)) return false;
  if (mine > cap || cap - mine < n) return false;
  if (n == 0) return true;
  if (!u) {
    u = static_cast<UserCharge*>(kmalloc(sizeof(UserCharge), M_CHARGE, M_NOWAIT | M_ZERO));
    if (!u) return false;
    u->uid = uid;
    u->next = g_users;
    g_users = u;
  }
  u->used[i] += n;
  g_total[i] += n;
  return true;
}

void charge_give(Charge k, uint32_t uid, uint64_t n) {
  if (n == 0) return;
  unsigned i = idx(k);
  SpinGuard g(g_charge_lock);
  UserCharge* u = find_locked(uid);
  KASSERT(u && u->used[i] >= n && g_total[i] >= n);  // gives back only what was charged
  u->used[i] -= n;
  g_total[i] -= n;
  drop_if_idle_locked(u);
}

uint64_t charge_used(Charge k, uint32_t uid) {
  SpinGuard g(g_charge_lock);
  UserCharge* u = find_locked(uid);
  return u ? u->used[idx(k)] : 0;
}

uint64_t charge_total(Charge k) {
  SpinGuard g(g_charge_lock);
  return g_total[idx(k)];
}

uint32_t charge_buffer_pages(uint32_t uid, bool acting_root, uint32_t full) {
  if (charge_take(Charge::kPipePages, uid, full, acting_root)) return full;
  return charge_take(Charge::kPipePages, uid, 1, true) ? 1 : 0;
}
