// The TID set's C functions (tidset.h), whose contracts WP assumes, checked
// against a model (std::set) and the red-black tree's own invariants.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

#include "kernel/verified/tidset.h"

namespace {

struct Set {
  tidset s{};
  std::vector<tidnode> nodes;
  std::set<int> model;
  explicit Set(size_t capacity) : nodes(capacity) { tidset_init(&s); }

  bool agrees() {
    const char* why = nullptr;
    if (!tidtree::validate(s, &why)) {
      ADD_FAILURE() << "tree invalid: " << why;
      return false;
    }
    if (tidtree::size(s) != model.size()) return false;
    auto it = model.begin();
    for (tidnode* n = tidtree::first(s); n != nullptr; n = tidtree::next(n), ++it)
      if (it == model.end() || n->tid != *it) return false;
    return true;
  }
};

}  // namespace

TEST(VerifiedTidset, InitIsEmpty) {
  Set t(1);
  EXPECT_EQ(tidtree::size(t.s), 0u);
  EXPECT_EQ(tidset_lookup(&t.s, 0), nullptr);
  EXPECT_TRUE(t.agrees());
}

TEST(VerifiedTidset, InsertedWhenFree) {
  Set t(2);
  EXPECT_EQ(tidset_insert(&t.s, &t.nodes[0], 5), 1);  // inserted
  t.model.insert(5);
  EXPECT_EQ(tidset_lookup(&t.s, 5), &t.nodes[0]);
  EXPECT_EQ(t.nodes[0].tid, 5);
  EXPECT_TRUE(t.agrees());
}

TEST(VerifiedTidset, TakenLeavesTheSetAlone) {
  Set t(2);
  ASSERT_EQ(tidset_insert(&t.s, &t.nodes[0], 5), 1);
  t.model.insert(5);
  EXPECT_EQ(tidset_insert(&t.s, &t.nodes[1], 5), 0);  // taken
  EXPECT_FALSE(t.nodes[1].linked);
  EXPECT_EQ(tidset_lookup(&t.s, 5), &t.nodes[0]);
  EXPECT_TRUE(t.agrees());
}

TEST(VerifiedTidset, RemoveReturnsTheNode) {
  Set t(3);
  ASSERT_EQ(tidset_insert(&t.s, &t.nodes[0], 1), 1);
  ASSERT_EQ(tidset_insert(&t.s, &t.nodes[1], 2), 1);
  EXPECT_EQ(tidset_remove(&t.s, 1), &t.nodes[0]);
  t.model.insert(2);
  EXPECT_EQ(tidset_lookup(&t.s, 1), nullptr);
  EXPECT_FALSE(t.nodes[0].linked);
  EXPECT_TRUE(t.agrees());
  // the node can go into a set again
  EXPECT_EQ(tidset_insert(&t.s, &t.nodes[0], 7), 1);
}

TEST(VerifiedTidset, LookupIsMembership) {
  Set t(4);
  for (int tid : {0, 3, LWP_TID_MAX}) {
    ASSERT_EQ(tidset_insert(&t.s, &t.nodes[t.model.size()], tid), 1);
    t.model.insert(tid);
  }
  for (int tid : {0, 1, 2, 3, 4, LWP_TID_MAX - 1, LWP_TID_MAX})
    EXPECT_EQ(tidset_lookup(&t.s, tid) != nullptr, t.model.count(tid) == 1) << tid;
}

TEST(VerifiedTidset, InsertingALinkedNodeIsRefused) {
  Set t(1);
  ASSERT_EQ(tidset_insert(&t.s, &t.nodes[0], 1), 1);
  EXPECT_DEATH((void)tidset_insert(&t.s, &t.nodes[0], 2), "assertion failed");
}

TEST(VerifiedTidset, RandomOperationsAgreeWithTheModel) {
  std::mt19937 rng(1234);
  const int kNodes = 300;
  Set t(kNodes);
  std::vector<int> free_nodes;
  for (int i = 0; i < kNodes; ++i) free_nodes.push_back(i);
  std::vector<int> node_of(1000, -1);
  for (int step = 0; step < 20000; ++step) {
    int tid = static_cast<int>(rng() % 1000);
    switch (rng() % 3) {
      case 0:
      case 1: {
        if (free_nodes.empty()) break;
        int ni = free_nodes.back();
        int r = tidset_insert(&t.s, &t.nodes[ni], tid);
        ASSERT_EQ(r, t.model.count(tid) == 0 ? 1 : 0);
        if (r == 1) {
          free_nodes.pop_back();
          node_of[tid] = ni;
          t.model.insert(tid);
        }
        break;
      }
      default:
        if (t.model.count(tid) == 0) {
          ASSERT_EQ(tidset_lookup(&t.s, tid), nullptr);
          break;
        }
        ASSERT_EQ(tidset_remove(&t.s, tid), &t.nodes[node_of[tid]]);
        free_nodes.push_back(node_of[tid]);
        t.model.erase(tid);
        break;
    }
    if (step % 50 == 0) {
      ASSERT_TRUE(t.agrees()) << "step " << step;
      int probe = static_cast<int>(rng() % 1002) - 1;
      auto above = t.model.upper_bound(probe);
      tidnode* got = tidtree::first_above(t.s, probe);
      if (above == t.model.end())
        ASSERT_EQ(got, nullptr) << "above " << probe;
      else
        ASSERT_TRUE(got != nullptr && got->tid == *above) << "above " << probe;
    }
  }
  ASSERT_TRUE(t.agrees());
}

TEST(VerifiedTidset, ValidateCatchesACorruptTree) {
  Set t(3);
  for (int i = 0; i < 3; ++i) ASSERT_EQ(tidset_insert(&t.s, &t.nodes[i], 10 + i), 1);
  const char* why = nullptr;
  ASSERT_TRUE(tidtree::validate(t.s, &why));
  tidnode* r = tidtree::root(t.s);
  int saved = r->left->tid;
  r->left->tid = r->tid;  // a duplicate key
  EXPECT_FALSE(tidtree::validate(t.s, &why));
  EXPECT_NE(why, nullptr);
  r->left->tid = saved;
  r->red = true;  // a red root
  EXPECT_FALSE(tidtree::validate(t.s, &why));
  r->red = false;
  EXPECT_TRUE(tidtree::validate(t.s, &why));
}
