// Per-user memory accounts: which account a space's pages, tables,
// copy-on-write copies and shared page indexes are charged to, that every
// charge comes back when the memory goes, the share and the root reserve,
// and the accounts' lifetime when holders and pages go at once.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "kernel/cpu/percpu.h"
#include "kernel/mm/mem_account.h"
#include "kernel/vm/anon.h"
#include "kernel/vm/vmspace.h"
#include "tests/host/vm/vm_host_env.h"

namespace {

using arch::UptAccess;
constexpr unsigned RW = 3;
constexpr uint32_t kUser = 1000, kOther = 2000;

// Lets n threads go at once: each calls arrive() and spins until all have.
class StartLine {
 public:
  explicit StartLine(unsigned n) : n_(n) {}
  void arrive() {
    ready_.fetch_add(1);
    while (ready_.load() < n_) {
    }
  }

 private:
  const unsigned n_;
  std::atomic<unsigned> ready_{0};
};

class MemAccountTest : public VmArena {
 protected:
  void SetUp() override {
    VmArena::SetUp();
    saved_ = mem_account_rule();
    mem_account_set_rule({~0ull, 0});
  }
  void TearDown() override {
    mem_account_set_rule(saved_);
    EXPECT_EQ(mem_accounts_live(), 0u);
    VmArena::TearDown();
  }
  static uint64_t map(Vmspace* vm, uint64_t pages, unsigned flags = kMapPrivate | kMapAnonymous) {
    uint64_t out = 0;
    EXPECT_EQ(vm_mmap(vm, 0, pages * kPageSize, RW, flags, &out), 0);
    return out;
  }
  static bool touch(Vmspace* vm, uint64_t va) {
    for (int i = 0; i < 3; ++i) {
      if (pt_store(&vm->pt, va, 1)) return true;
      if (vm_fault(vm, va, UptAccess::kWrite) != VmFault::kOk) return false;
    }
    return false;
  }
  // User and table pages in use now.
  static uint64_t user_and_tables() {
    PageStats s = page_stats();
    return page_stats_used(s, PageUse::User) + page_stats_used(s, PageUse::PageTable);
  }
  MemRule saved_;
};

TEST_F(MemAccountTest, PagesAndTablesAreChargedUntilFreed) {
  uint64_t before = user_and_tables();
  MemAccount* a = mem_account_get(kUser);
  ASSERT_NE(a, nullptr);
  Vmspace* vm = vmspace_create(a);
  ASSERT_NE(vm, nullptr);
  uint64_t va = map(vm, 16);
  for (uint64_t i = 0; i < 10; ++i) ASSERT_TRUE(touch(vm, va + i * kPageSize));
  // Everything the space took is charged, and to this account alone.
  EXPECT_EQ(mem_account_pages(kUser), user_and_tables() - before);
  EXPECT_GE(mem_account_pages(kUser), 10u + 3);  // the pages and three levels of tables
  EXPECT_EQ(vm_munmap(vm, va, 4 * kPageSize), 0);
  EXPECT_EQ(mem_account_pages(kUser), user_and_tables() - before);
  mem_account_release(a);  // the space still holds it
  EXPECT_EQ(mem_accounts_live(), 1u);
  vmspace_release(vm);
  EXPECT_EQ(mem_account_pages(kUser), 0u);
  EXPECT_EQ(user_and_tables(), before);
}

TEST_F(MemAccountTest, ForkChargesTheForkerAndPagesOutliveTheirSpace) {
  MemAccount* a = mem_account_get(kUser);
  MemAccount* b = mem_account_get(kOther);
  Vmspace* parent = vmspace_create(a);
  uint64_t va = map(parent, 4);
  for (uint64_t i = 0; i < 4; ++i) ASSERT_TRUE(touch(parent, va + i * kPageSize));
  uint64_t parent_pages = mem_account_pages(kUser);
  VmForkResult f = vm_fork(parent, 0, b);
  ASSERT_EQ(f.error, 0);
  Vmspace* child = f.vm;
  uint64_t child_tables = mem_account_pages(kOther);
  EXPECT_GE(child_tables, 1u);  // its root table at least; the rest are shared
  EXPECT_EQ(mem_account_pages(kUser), parent_pages);
  // The child's write copies the page: the copy (and a table it unshares) is
  // the child's payer's.
  ASSERT_TRUE(touch(child, va));
  EXPECT_GE(mem_account_pages(kOther), child_tables + 1);
  EXPECT_EQ(mem_account_pages(kUser), parent_pages);
  // The parent goes: the three pages the child still shares stay charged to
  // the parent's account, which lives on for them.
  vmspace_release(parent);
  mem_account_release(a);
  EXPECT_GE(mem_account_pages(kUser), 3u);
  EXPECT_EQ(mem_accounts_live(), 2u);
  vmspace_release(child);
  mem_account_release(b);
  EXPECT_EQ(mem_account_pages(kUser), 0u);
  EXPECT_EQ(mem_account_pages(kOther), 0u);
}

TEST_F(MemAccountTest, ShareRefusesPagesPastItButNotRoot) {
  MemAccount* a = mem_account_get(kUser);
  MemAccount* root = mem_account_get(0);
  Vmspace* vm = vmspace_create(a);
  Vmspace* rvm = vmspace_create(root);
  uint64_t va = map(vm, 64);
  ASSERT_TRUE(touch(vm, va));  // the tables are there now
  mem_account_set_rule({mem_account_pages(kUser) + 5, 0});
  for (uint64_t i = 1; i <= 5; ++i) ASSERT_TRUE(touch(vm, va + i * kPageSize));
  EXPECT_EQ(vm_fault(vm, va + 6 * kPageSize, UptAccess::kWrite), VmFault::kNoMemory);
  EXPECT_EQ(mem_account_pages(kUser), mem_account_rule().user_share);
  // A shared mapping's page index is charged too: refused at mmap.
  uint64_t out = 0;
  EXPECT_EQ(vm_mmap(vm, 0, 64 * kPageSize, RW, kMapShared | kMapAnonymous, &out), -ENOMEM);
  // Root is bound by memory alone.
  uint64_t rva = map(rvm, 64);
  for (uint64_t i = 0; i < 64; ++i) ASSERT_TRUE(touch(rvm, rva + i * kPageSize));
  // Giving back makes room again.
  EXPECT_EQ(vm_munmap(vm, va + kPageSize, kPageSize), 0);
  EXPECT_TRUE(touch(vm, va + 6 * kPageSize));
  vmspace_release(vm);
  vmspace_release(rvm);
  mem_account_release(a);
  mem_account_release(root);
}

TEST_F(MemAccountTest, RootReserveHoldsBackTheLastFreePages) {
  MemAccount* a = mem_account_get(kUser);
  MemAccount* root = mem_account_get(0);
  Vmspace* vm = vmspace_create(a);
  Vmspace* rvm = vmspace_create(root);
  uint64_t va = map(vm, 4), rva = map(rvm, 4);
  ASSERT_TRUE(touch(vm, va));
  mem_account_set_rule({~0ull, page_free_estimate() + 64});
  EXPECT_EQ(vm_fault(vm, va + kPageSize, UptAccess::kWrite), VmFault::kNoMemory);
  EXPECT_TRUE(touch(rvm, rva));
  mem_account_set_rule({~0ull, 0});
  EXPECT_TRUE(touch(vm, va + kPageSize));
  vmspace_release(vm);
  vmspace_release(rvm);
  mem_account_release(a);
  mem_account_release(root);
}

TEST_F(MemAccountTest, SharedPageIndexIsCharged) {
  MemAccount* a = mem_account_get(kUser);
  Vmspace* vm = vmspace_create(a);
  uint64_t before = mem_account_pages(kUser);
  uint64_t big = kAnonMaxPages;  // an index of 8 bytes a page: 1,024 pages
  uint64_t va = map(vm, big, kMapShared | kMapAnonymous);
  EXPECT_EQ(mem_account_pages(kUser), before + big * 8 / kPageSize);
  ASSERT_TRUE(touch(vm, va + 7 * kPageSize));  // a page of the object (and tables)
  EXPECT_GE(mem_account_pages(kUser), before + big * 8 / kPageSize + 1);
  EXPECT_EQ(vm_munmap(vm, va, big * kPageSize), 0);
  vmspace_release(vm);
  EXPECT_EQ(mem_account_pages(kUser), 0u);
  mem_account_release(a);
}

// A process that changes its real uid: its space's new pages are the new
// uid's; what the old one paid for stays with it until freed.
TEST_F(MemAccountTest, NewPayerTakesNewPagesOnly) {
  MemAccount* a = mem_account_get(kUser);
  MemAccount* b = mem_account_get(kOther);
  Vmspace* vm = vmspace_create(a);
  uint64_t va = map(vm, 8);
  ASSERT_TRUE(touch(vm, va));
  uint64_t a_pages = mem_account_pages(kUser);
  vmspace_set_payer(vm, b);
  mem_account_release(b);  // the space holds it now
  ASSERT_TRUE(touch(vm, va + kPageSize));
  EXPECT_EQ(mem_account_pages(kUser), a_pages);
  EXPECT_EQ(mem_account_pages(kOther), 1u);
  MemAccount* held = vmspace_payer_hold(vm);
  EXPECT_EQ(held, b);
  mem_account_release(held);
  EXPECT_EQ(vm_munmap(vm, va, kPageSize), 0);  // a's page goes back to a
  EXPECT_EQ(mem_account_pages(kUser), a_pages - 1);
  vmspace_release(vm);
  mem_account_release(a);
  EXPECT_EQ(mem_account_pages(kUser), 0u);
  EXPECT_EQ(mem_account_pages(kOther), 0u);
}

// Charges racing for the last pages of a share never overcommit it: four
// CPUs released at once charge until refused; what they got plus what one
// more can get afterwards is the share exactly (nothing over, nothing lost).
TEST_F(MemAccountTest, RacingChargesStayWithinTheShare) {
  MemAccount* a = mem_account_get(kUser);
  constexpr uint64_t kShare = 1000;
  mem_account_set_rule({kShare, 0});
  for (int round = 0; round < 50; ++round) {
    StartLine start(4);
    std::atomic<uint64_t> got{0};
    std::vector<std::thread> ts;
    for (unsigned t = 0; t < 4; ++t)
      ts.emplace_back([&, t] {
        cpu_bind(t);  // each thread is a CPU of its own
        start.arrive();
        uint64_t mine = 0;
        while (mem_charge(a, 1)) ++mine;
        got.fetch_add(mine);
      });
    for (auto& t : ts) t.join();
    cpu_bind(0);
    ASSERT_LE(got.load(), kShare);
    uint64_t more = 0;
    while (mem_charge(a, 1)) ++more;
    ASSERT_EQ(got.load() + more, kShare);
    mem_uncharge(a, kShare);
  }
  EXPECT_EQ(mem_account_pages(kUser), 0u);
  mem_account_release(a);
}

// The last holder and the last page going at once (released together on two
// CPUs) free the account once.
TEST_F(MemAccountTest, LastHolderAndLastPageRace) {
  for (int i = 0; i < 2000; ++i) {
    MemAccount* a = mem_account_get(kUser);
    ASSERT_TRUE(mem_charge(a, 1));
    StartLine start(2);
    std::thread t([&] {
      cpu_bind(1);
      start.arrive();
      mem_uncharge(a, 1);
    });
    start.arrive();
    mem_account_release(a);
    t.join();
    cpu_bind(0);
    ASSERT_EQ(mem_accounts_live(), 0u);
  }
}

}  // namespace
