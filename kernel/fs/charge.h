// What a user pins with files, counted per user so that no user can take
// what the others need (docs/user-abi.md, "Limits"):
//
//   kFiles      open files (File objects), against the system-wide bound
//               (ENFILE);
//   kPipePages  pipe buffer pages, a pipe's whole capacity charged when it
//               is made;
//   kFsUnits    the RAM file system's memory: a data page, a page of a
//               file's page index, a node or a directory entry each count
//               one unit (ENOSPC);
//   kSignals    queued real-time signals, charged to the receiver
//               (kernel/proc/sigqueue.h).
//
// Each kind has a rule: at most `max` in all; users other than root never
// take the last `root_reserve`; one uid other than root holds at most
// `user_share`. Root (the acting credentials) is bound by `max` only. The
// charged uid and the acting one may differ: writing into another user's file
// charges its owner, within the writer's limits.
#pragma once
#include <stdint.h>

enum class Charge : uint8_t { kFiles, kPipePages, kFsUnits, kSignals };
inline constexpr unsigned kChargeKinds = 4;

struct ChargeRule {
  uint64_t max;
  uint64_t root_reserve;
  uint64_t user_share;
};

void charge_set_rule(Charge k, const ChargeRule& r);
ChargeRule charge_rule(Charge k);
// Charges n to uid, or refuses (false: over a bound, or no memory for the
// uid's record) and changes nothing. cap: a bound of the caller's on what
// uid holds (an rlimit), for root too.
[[nodiscard]] bool charge_take(Charge k, uint32_t uid, uint64_t n, bool acting_root,
                               uint64_t cap = ~0ull);
void charge_give(Charge k, uint32_t uid, uint64_t n);
// A pipe's or socket's buffer of `full` pages charged to uid (kPipePages):
// the whole within uid's share, else one page (Linux's pipe-user-pages-soft,
// bound by the system's whole only). The pages charged, or 0 when not even
// that one could be (no memory for uid's record, or the whole is used).
uint32_t charge_buffer_pages(uint32_t uid, bool acting_root, uint32_t full);
// What uid holds, and what all hold.
uint64_t charge_used(Charge k, uint32_t uid);
uint64_t charge_total(Charge k);
