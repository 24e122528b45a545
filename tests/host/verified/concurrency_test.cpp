// Several threads reserving and releasing process slots at once: nprocs never
// exceeds maxproc, not even for an instant, and a user never gets into the
// last NPROCS_ROOT_RESERVE slots. The same for a uid's RLIMIT_NPROC.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "kernel/verified/atomics.h"
#include "kernel/verified/nprocs.h"
#include "kernel/verified/refcount.h"
#include "kernel/verified/uidinfo.h"

extern "C" int vc_test_interleave;  // atomics_interleave.c

namespace {

// Each thread fills the table until it is refused, gives back most of what it
// holds, and starts again; the threads start together.
struct Hammer {
  proccount pc;
  std::atomic<bool> go{false};
  std::atomic<int> highest{0};
  std::atomic<long> granted{0}, refused{0};

  void run(vc_uid_t uid, int rounds, unsigned seed) {
    while (!go.load()) {
    }
    int held = 0;
    for (int r = 0; r < rounds; ++r) {
      while (nprocs_reserve(&pc, uid) == VC_OK) {
        ++held;
        ++granted;
        int n = nprocs_read(&pc);
        int h = highest.load();
        while (n > h && !highest.compare_exchange_weak(h, n)) {
        }
      }
      ++refused;
      seed = seed * 1103515245u + 12345u;
      int keep = static_cast<int>((seed >> 16) % 4);
      for (; held > keep; --held) nprocs_release(&pc);
    }
    for (; held > 0; --held) nprocs_release(&pc);
  }
};

}  // namespace

TEST(VerifiedConcurrency, NprocsNeverExceedsMaxproc) {
  constexpr int kMaxproc = 64;
  Hammer h;
  nprocs_init(&h.pc, kMaxproc, 0);
  std::atomic<bool> stop{false};
  std::atomic<long> samples{0};
  // A watcher samples the count all the time.
  std::thread watcher([&] {
    while (!stop.load()) {
      int n = nprocs_read(&h.pc);
      ASSERT_LE(n, kMaxproc);
      ASSERT_GE(n, 0);
      ++samples;
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    vc_uid_t uid = t % 2 == 0 ? 0 : 1000 + t;  // half root, half users
    threads.emplace_back([&h, uid, t] { h.run(uid, 3000, 17u * t + 1); });
  }
  h.go = true;
  for (auto& th : threads) th.join();
  stop = true;
  watcher.join();
  EXPECT_EQ(nprocs_read(&h.pc), 0);
  EXPECT_EQ(h.highest.load(), kMaxproc) << "root never filled the table";
  EXPECT_GT(h.refused.load(), 0);
  EXPECT_GT(samples.load(), 0);
}

// The same with a yield before every atomic step (atomics_interleave.c): the
// threads change places between any two steps of a reservation, however
// loaded the host, so a limit checked and then added to without a
// compare-and-swap lets two threads into the last slot here at once.
TEST(VerifiedConcurrency, NprocsNeverExceedsMaxprocInterleaved) {
  constexpr int kMaxproc = 16;
  Hammer h;
  nprocs_init(&h.pc, kMaxproc, 0);
  vc_test_interleave = 1;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) threads.emplace_back([&h, t] { h.run(0, 300, 13u * t + 5); });
  h.go = true;
  for (auto& th : threads) th.join();
  vc_test_interleave = 0;
  EXPECT_EQ(nprocs_read(&h.pc), 0);
  EXPECT_EQ(h.highest.load(), kMaxproc) << "never full, or over the limit";
  EXPECT_GT(h.refused.load(), 0);
}

TEST(VerifiedConcurrency, UsersAloneNeverEnterTheRootReserve) {
  constexpr int kMaxproc = 40;
  Hammer h;
  nprocs_init(&h.pc, kMaxproc, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    vc_uid_t uid = 500 + t;
    threads.emplace_back([&h, uid, t] { h.run(uid, 3000, 31u * t + 7); });
  }
  h.go = true;
  for (auto& th : threads) th.join();
  EXPECT_EQ(h.highest.load(), kMaxproc - NPROCS_ROOT_RESERVE);
  EXPECT_EQ(h.pc.nprocs, 0);
}

TEST(VerifiedConcurrency, ChgproccntNeverExceedsTheLimit) {
  constexpr int kLimit = 25;
  uidinfo ui{};
  refcount_init(&ui.ui_ref, 1);
  std::atomic<int> highest{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      int held = 0;
      for (int i = 0; i < 20000; ++i) {
        if (held < 8 && i % 3 != 2) {
          if (chgproccnt(&ui, 1, kLimit)) {
            ++held;
            int n = uidinfo_proccnt(&ui);
            int h = highest.load();
            while (n > h && !highest.compare_exchange_weak(h, n)) {
            }
          }
        } else if (held > 0) {
          chgproccnt(&ui, -1, VC_RLIM_INFINITY);
          --held;
        }
      }
      while (held-- > 0) chgproccnt(&ui, -1, VC_RLIM_INFINITY);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(highest.load(), kLimit);
  EXPECT_EQ(ui.ui_proccnt, 0);
}

TEST(VerifiedConcurrency, RefcountsBalance) {
  refcount rc;
  refcount_init(&rc, 1);
  std::vector<std::thread> threads;
  std::atomic<int> lasts{0};
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50000; ++i) {
        refcount_hold(&rc);
        if (refcount_release(&rc)) ++lasts;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(rc.rc_count, 1);
  EXPECT_EQ(lasts.load(), 0) << "the original holder's reference was lost";
  EXPECT_EQ(refcount_release(&rc), 1);
}

// Every holder gives its reference back at once, unless it is the last: the
// count never reaches 0 that way, exactly one holder is told it has the last
// reference, and it still holds it. With a yield before every atomic step, so
// a count checked and then decremented without a compare-and-swap lets two
// holders past the check here.
TEST(VerifiedConcurrency, ReleaseUnlessLastLeavesTheLast) {
  vc_test_interleave = 1;
  for (int round = 0; round < 200; ++round) {
    constexpr int kHolders = 4;
    refcount rc;
    refcount_init(&rc, kHolders);
    std::atomic<int> kept{0};
    std::atomic<bool> go{false};
    std::vector<std::thread> threads;
    for (int t = 0; t < kHolders; ++t)
      threads.emplace_back([&] {
        while (!go.load()) {
        }
        if (!refcount_release_unless_last(&rc)) ++kept;
      });
    go = true;
    for (auto& th : threads) th.join();
    ASSERT_EQ(kept.load(), 1) << "round " << round;
    ASSERT_EQ(rc.rc_count, 1) << "round " << round;
  }
  vc_test_interleave = 0;
}
