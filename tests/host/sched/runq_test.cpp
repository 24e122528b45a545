// PrioQueues (kernel/sched/runq.h): the run queue's per-level FIFOs and bitmap,
// checked against a simple model.
#include "kernel/sched/runq.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <random>
#include <vector>

namespace {

struct T {
  int id = 0;
  T* rq_next = nullptr;
  T* rq_prev = nullptr;
  uint8_t rq_prio = 0;
  bool queued = false;
};

TEST(PrioQueues, EmptyHasNothing) {
  PrioQueues<T> q;
  EXPECT_TRUE(q.empty());
  EXPECT_EQ(q.best_prio(), -1);
  EXPECT_EQ(q.pop_best(), nullptr);
  EXPECT_EQ(q.size(), 0u);
}

TEST(PrioQueues, MostUrgentLevelFirstFifoWithin) {
  PrioQueues<T> q;
  T a{1}, b{2}, c{3}, d{4};
  q.push_back(&a, 12);
  q.push_back(&b, 4);
  q.push_back(&c, 12);
  q.push_back(&d, 31);
  EXPECT_EQ(q.bitmap(), (1u << 4) | (1u << 12) | (1u << 31));
  EXPECT_EQ(q.best_prio(), 4);
  EXPECT_EQ(q.pop_best(), &b);
  EXPECT_EQ(q.pop_best(), &a);
  EXPECT_EQ(q.pop_best(), &c);
  EXPECT_EQ(q.pop_best(), &d);
  EXPECT_TRUE(q.empty());
}

TEST(PrioQueues, PushFrontGoesFirstInItsLevel) {
  PrioQueues<T> q;
  T a{1}, b{2}, c{3};
  q.push_back(&a, 7);
  q.push_back(&b, 7);
  q.push_front(&c, 7);
  EXPECT_EQ(q.pop_best(), &c);
  EXPECT_EQ(q.pop_best(), &a);
  EXPECT_EQ(q.pop_best(), &b);
}

TEST(PrioQueues, RemoveFromMiddleEndsAndLastOfLevelClearsBit) {
  PrioQueues<T> q;
  T a{1}, b{2}, c{3}, x{4};
  q.push_back(&a, 3);
  q.push_back(&b, 3);
  q.push_back(&c, 3);
  q.push_back(&x, 9);
  q.remove(&b);
  q.remove(&a);
  EXPECT_EQ(q.peek_best(), &c);
  q.remove(&c);
  EXPECT_EQ(q.bitmap(), 1u << 9);
  EXPECT_EQ(q.size(), 1u);
  EXPECT_EQ(q.pop_best(), &x);
}

TEST(PrioQueues, FindAndFindLastWalkInOppositeOrders) {
  PrioQueues<T> q;
  T t[6];
  for (int i = 0; i < 6; ++i) {
    t[i].id = i;
    q.push_back(&t[i], i < 3 ? 2 : 20);
  }
  EXPECT_EQ(q.find([](T* x) { return x->id % 2 == 1; }), &t[1]);
  EXPECT_EQ(q.find_last([](T* x) { return x->id % 2 == 0; }), &t[4]);
  EXPECT_EQ(q.find_last([](T*) { return true; }), &t[5]);
  EXPECT_EQ(q.find([](T* x) { return x->id > 10; }), nullptr);
}

TEST(PrioQueues, RandomOperationsMatchModel) {
  std::mt19937 rng(12345);
  PrioQueues<T> q;
  std::vector<T> pool(200);
  for (int i = 0; i < 200; ++i) pool[i].id = i;
  std::deque<T*> model[32];
  for (int step = 0; step < 200000; ++step) {
    T& t = pool[rng() % pool.size()];
    unsigned op = rng() % 4;
    if (!t.queued && op < 2) {
      unsigned prio = rng() % 32;
      if (op == 0) {
        q.push_back(&t, prio);
        model[prio].push_back(&t);
      } else {
        q.push_front(&t, prio);
        model[prio].push_front(&t);
      }
      t.queued = true;
    } else if (t.queued && op == 2) {
      auto& m = model[t.rq_prio];
      m.erase(std::find(m.begin(), m.end(), &t));
      q.remove(&t);
      t.queued = false;
    } else if (op == 3) {
      T* got = q.pop_best();
      T* want = nullptr;
      for (auto& m : model)
        if (!m.empty()) {
          want = m.front();
          m.pop_front();
          break;
        }
      ASSERT_EQ(got, want);
      if (got) got->queued = false;
    }
    size_t n = 0;
    uint32_t bits = 0;
    for (unsigned p = 0; p < 32; ++p) {
      n += model[p].size();
      if (!model[p].empty()) bits |= 1u << p;
    }
    ASSERT_EQ(q.size(), n);
    ASSERT_EQ(q.bitmap(), bits);
  }
}

}  // namespace
