// pipe_create when not even the one page of its fallback can be charged: it
// fails, and a pipe never gives back pages it was not charged for.
#include "kernel/fs/charge.h"
#include "kernel/fs/file.h"
#include "kernel/fs/fscred.h"
#include "kernel/fs/pipe.h"
#include "kernel/ktest/ktest.h"
#include "kernel/uapi/error_numbers.h"

KTEST(pipe_create_refused_when_no_page_can_be_charged) {
  constexpr uint32_t kUid = 4242;
  ChargeRule saved = charge_rule(Charge::kPipePages);
  // Nothing more for anyone, root included: the full buffer and the one-page
  // fallback are both refused.
  charge_set_rule(Charge::kPipePages, {charge_total(Charge::kPipePages), 0, saved.user_share});
  File* r = nullptr;
  File* w = nullptr;
  int e = pipe_create(0, FsCred{kUid, kUid}, &r, &w);
  charge_set_rule(Charge::kPipePages, saved);
  KEXPECT_EQ(e, -ENFILE);
  if (e == 0) {
    fdrop(r);
    fdrop(w);
  }
  KEXPECT_EQ(charge_used(Charge::kPipePages, kUid), 0u);
}
