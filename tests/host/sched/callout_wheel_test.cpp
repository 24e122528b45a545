// CalloutWheel (kernel/time/callout_wheel.h): the per-CPU callout store,
// checked against a sorted model with random deadlines near and far.
#include "kernel/time/callout_wheel.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

namespace {

struct C {
  uint64_t deadline = 0;
  C* w_next = nullptr;
  C* w_prev = nullptr;
  uint16_t w_bucket = 0;
  bool pending = false;
};

using Wheel = CalloutWheel<C>;
constexpr uint64_t kMs = 1000000;

TEST(CalloutWheel, EmptyHasNoDeadline) {
  Wheel w;
  w.start(5 * kMs);
  EXPECT_EQ(w.next_deadline(), Wheel::kNone);
  EXPECT_EQ(w.pop_expired(100 * kMs), nullptr);
}

TEST(CalloutWheel, FiresInDeadlineOrderAndNotEarly) {
  Wheel w;
  w.start(0);
  C a, b, c;
  a.deadline = 30 * kMs;
  b.deadline = 10 * kMs;
  c.deadline = 10 * kMs + 1;
  w.insert(&a);
  w.insert(&b);
  w.insert(&c);
  EXPECT_EQ(w.next_deadline(), 10 * kMs);
  EXPECT_EQ(w.pop_expired(10 * kMs - 1), nullptr);
  EXPECT_EQ(w.pop_expired(10 * kMs), &b);
  EXPECT_EQ(w.pop_expired(10 * kMs), nullptr);
  EXPECT_EQ(w.next_deadline(), 10 * kMs + 1);
  EXPECT_EQ(w.pop_expired(29 * kMs), &c);
  EXPECT_EQ(w.pop_expired(29 * kMs), nullptr);
  EXPECT_EQ(w.pop_expired(31 * kMs), &a);
  EXPECT_EQ(w.size(), 0u);
}

TEST(CalloutWheel, PastDeadlineIsDueAtOnce) {
  Wheel w;
  w.start(0);
  EXPECT_EQ(w.pop_expired(500 * kMs), nullptr);  // moves the cursor on
  C late;
  late.deadline = 100 * kMs;  // already past
  w.insert(&late);
  EXPECT_EQ(w.next_deadline(), 100 * kMs);
  EXPECT_EQ(w.pop_expired(500 * kMs), &late);
}

TEST(CalloutWheel, BeyondOneRevolutionWaitsItsTurn) {
  Wheel w;
  w.start(0);
  C far, near;
  far.deadline = 10000 * kMs;  // ~10 s: many revolutions of 256 x ~1 ms
  near.deadline = 3 * kMs;
  w.insert(&far);
  w.insert(&near);
  EXPECT_EQ(w.next_deadline(), 3 * kMs);
  EXPECT_EQ(w.pop_expired(5 * kMs), &near);
  EXPECT_EQ(w.next_deadline(), 10000 * kMs);
  // Passing its bucket on earlier turns does not fire it.
  for (uint64_t t = 5; t < 10000; t += 7) ASSERT_EQ(w.pop_expired(t * kMs), nullptr) << t;
  EXPECT_EQ(w.pop_expired(10000 * kMs), &far);
}

TEST(CalloutWheel, LongJumpFindsEverythingDue) {
  Wheel w;
  w.start(0);
  std::vector<C> cs(50);
  for (size_t i = 0; i < cs.size(); ++i) {
    cs[i].deadline = (i * 37 + 1) * kMs;
    w.insert(&cs[i]);
  }
  // A CPU idle with its tick stopped wakes much later.
  std::set<C*> got;
  while (C* c = w.pop_expired(5000 * kMs)) got.insert(c);
  EXPECT_EQ(got.size(), cs.size());
  EXPECT_EQ(w.next_deadline(), Wheel::kNone);
}

TEST(CalloutWheel, RemoveUpdatesNextDeadline) {
  Wheel w;
  w.start(0);
  C a, b;
  a.deadline = 2 * kMs;
  b.deadline = 7 * kMs;
  w.insert(&a);
  w.insert(&b);
  EXPECT_EQ(w.next_deadline(), 2 * kMs);
  w.remove(&a);
  EXPECT_EQ(w.next_deadline(), 7 * kMs);
  w.remove(&b);
  EXPECT_EQ(w.next_deadline(), Wheel::kNone);
}

TEST(CalloutWheel, RandomOperationsMatchModel) {
  std::mt19937_64 rng(777);
  Wheel w;
  uint64_t now = 1000 * kMs;
  w.start(now);
  std::vector<C> pool(300);
  std::multiset<uint64_t> model;
  for (int step = 0; step < 100000; ++step) {
    C& c = pool[rng() % pool.size()];
    unsigned op = rng() % 10;
    if (op < 4 && !c.pending) {
      // Mostly soon, sometimes far beyond a revolution, sometimes already past.
      uint64_t r = rng() % 100;
      uint64_t d = r < 70   ? now + rng() % (50 * kMs)
                   : r < 90 ? now + rng() % (5000 * kMs)
                            : now - rng() % (3 * kMs);
      c.deadline = d;
      w.insert(&c);
      c.pending = true;
      model.insert(d);
    } else if (op < 6 && c.pending) {
      w.remove(&c);
      c.pending = false;
      model.erase(model.find(c.deadline));
    } else if (op < 8) {
      // Time moves on (sometimes a lot, as after a tickless sleep); fire what is due.
      now += (rng() % 100 == 0) ? rng() % (2000 * kMs) : rng() % (3 * kMs);
      while (C* f = w.pop_expired(now)) {
        ASSERT_LE(f->deadline, now);
        ASSERT_TRUE(f->pending);
        f->pending = false;
        model.erase(model.find(f->deadline));
      }
      // Nothing due may be left behind.
      ASSERT_TRUE(model.empty() || *model.begin() > now);
    } else {
      uint64_t want = model.empty() ? Wheel::kNone : *model.begin();
      ASSERT_EQ(w.next_deadline(), want);
    }
    ASSERT_EQ(w.size(), model.size());
  }
}

}  // namespace
