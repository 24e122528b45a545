// Four threads, each playing one CPU, allocating and freeing at once: no block
// is ever handed out twice or scribbled on, and every counter comes back.
#include <atomic>
#include <thread>
#include <vector>

#include "kernel/cpu/percpu.h"
#include "tests/host/mm/mm_arena.h"

namespace {

using MmSmp = MmArena;
constexpr unsigned kCpus = 4;

MallocType* const kTypes[] = {M_TEMP, M_PROC, M_LWP, M_UCRED};

struct Block {
  void* p = nullptr;
  size_t bytes = 0;
  uint64_t seed = 0;
  Page* page = nullptr;  // page block, else kmalloc
  unsigned type = 0;
};

// Blocks handed from one CPU to another, so frees land on other CPUs' caches.
struct Mailbox {
  static constexpr size_t kSlots = 64;
  std::atomic<Block*> slot[kSlots] = {};
};

struct Totals {
  std::atomic<uint64_t> corrupt{0};
  std::atomic<uint64_t> failed{0};
  std::atomic<uint64_t> kmallocs[4] = {};
};

void release(Block* b, Totals& totals) {
  if (!pattern_intact(b->p, b->bytes, b->seed)) totals.corrupt++;
  if (b->page)
    page_free(b->page);
  else
    kfree(b->p, kTypes[b->type]);
  delete b;
}

void run_cpu(unsigned cpu, Mailbox& box, Totals& totals, std::atomic<unsigned>& start) {
  cpu_bind(cpu);
  start.fetch_add(1);
  while (start.load() < kCpus) std::this_thread::yield();
  uint64_t rng = 0x51ed270b27u * (cpu + 1);
  std::vector<Block*> mine(64, nullptr);
  uint64_t kmallocs[4] = {};
  for (int op = 0; op < 20000; ++op) {
    uint64_t r = xorshift(rng);
    if (r % 16 == 0) {
      // Trade: take someone's block and free it here, or post one of ours.
      size_t s = (r >> 8) % Mailbox::kSlots;
      if (Block* b = box.slot[s].exchange(nullptr)) {
        release(b, totals);
      } else {
        Block*& m = mine[(r >> 20) % mine.size()];
        Block* expected = nullptr;
        if (m && box.slot[s].compare_exchange_strong(expected, m)) m = nullptr;
      }
      continue;
    }
    Block*& m = mine[(r >> 8) % mine.size()];
    if (m) {
      release(m, totals);
      m = nullptr;
      continue;
    }
    Block* b = new Block;
    b->seed = xorshift(rng);
    if ((r >> 16) % 4 == 0) {
      unsigned order = static_cast<unsigned>((r >> 24) % 4);
      b->page = page_alloc(order, (r >> 30) & 1 ? PageUse::User : PageUse::PageTable);
      if (b->page) {
        b->p = page_to_virt(b->page);
        b->bytes = page_block_bytes(b->page);
      }
    } else {
      b->type = static_cast<unsigned>((r >> 24) % 4);
      b->bytes = (r >> 30) % 16 == 0 ? 1 + (r >> 36) % 12000 : 1 + (r >> 36) % 900;
      b->p = kmalloc(b->bytes, kTypes[b->type], (r >> 50) & 1 ? M_WAITOK : M_NOWAIT | M_ZERO);
      if (b->p) ++kmallocs[b->type];
    }
    if (!b->p) {
      totals.failed++;
      delete b;
      continue;
    }
    fill_pattern(b->p, b->bytes, b->seed);
    m = b;
  }
  for (Block*& m : mine)
    if (m) release(m, totals), m = nullptr;
  for (unsigned t = 0; t < 4; ++t) totals.kmallocs[t] += kmallocs[t];
}

TEST_F(MmSmp, FourCpusAllocateAndFreeConcurrentlyWithoutCorruption) {
  PageStats base = settled_page_stats();
  Mailbox box;
  Totals totals;
  std::atomic<unsigned> start{0};
  std::vector<std::thread> cpus;
  for (unsigned c = 0; c < kCpus; ++c)
    cpus.emplace_back([&, c] { run_cpu(c, box, totals, start); });
  for (std::thread& t : cpus) t.join();
  cpu_bind(0);
  for (auto& s : box.slot)
    if (Block* b = s.exchange(nullptr)) release(b, totals);

  EXPECT_EQ(totals.corrupt.load(), 0u);
  EXPECT_EQ(totals.failed.load(), 0u);
  PageStats end = settled_page_stats();
  expect_same_pages(base, end);
  EXPECT_EQ(end.pcp_pages, 0u);
  EXPECT_EQ(end.allocs - base.allocs, end.frees - base.frees);
  for (unsigned t = 0; t < 4; ++t) {
    MallocStats s = malloc_type_stats(kTypes[t]);
    EXPECT_EQ(s.inuse_bytes, 0u) << kTypes[t]->name;
    EXPECT_EQ(s.inuse_objects, 0u) << kTypes[t]->name;
    EXPECT_EQ(s.total_allocs, totals.kmallocs[t].load()) << kTypes[t]->name;
    EXPECT_EQ(s.total_frees, totals.kmallocs[t].load()) << kTypes[t]->name;
    EXPECT_EQ(s.pages, 0u) << kTypes[t]->name;
  }
  EXPECT_TRUE(page_alloc_verify());
}

TEST_F(MmSmp, FourCpusExhaustMemoryTogetherAndGetItAllBack) {
  PageStats base = settled_page_stats();
  std::vector<Page*> got[kCpus];
  std::atomic<unsigned> start{0};
  std::vector<std::thread> cpus;
  for (unsigned c = 0; c < kCpus; ++c) {
    cpus.emplace_back([&, c] {
      cpu_bind(c);
      start.fetch_add(1);
      while (start.load() < kCpus) std::this_thread::yield();
      // Mixed orders so the caches and the buddy lists both run dry.
      unsigned order = c % 2;
      while (Page* p = page_alloc(order, PageUse::User)) got[c].push_back(p);
      while (Page* p = page_alloc(0, PageUse::User)) got[c].push_back(p);
    });
  }
  for (std::thread& t : cpus) t.join();
  uint64_t pages = 0;
  for (auto& v : got)
    for (Page* p : v) pages += 1ull << p->order;
  EXPECT_EQ(pages, available_pages(base));
  std::vector<std::thread> freers;
  for (unsigned c = 0; c < kCpus; ++c) {
    freers.emplace_back([&, c] {
      cpu_bind((c + 1) % kCpus);  // free on another CPU than the one that allocated
      for (Page* p : got[c]) page_free(p);
    });
  }
  for (std::thread& t : freers) t.join();
  cpu_bind(0);
  expect_same_pages(base, settled_page_stats());
}

TEST_F(MmSmp, FaultOnTheNthAllocationFiresOnceAcrossCpus) {
  kmalloc_fail_nth(M_TEMP, 1000);
  std::atomic<uint64_t> failures{0};
  std::vector<std::thread> cpus;
  for (unsigned c = 0; c < kCpus; ++c) {
    cpus.emplace_back([&, c] {
      cpu_bind(c);
      for (int i = 0; i < 500; ++i) {
        void* p = kmalloc(64 + c, M_TEMP, M_WAITOK);
        if (p == nullptr)
          failures++;
        else
          kfree(p, M_TEMP);
      }
    });
  }
  for (std::thread& t : cpus) t.join();
  cpu_bind(0);
  EXPECT_EQ(failures.load(), 1u);
  MallocStats s = malloc_type_stats(M_TEMP);
  EXPECT_EQ(s.injected_failures, 1u);
  EXPECT_EQ(s.total_allocs, 4u * 500 - 1);
  EXPECT_FALSE(kmalloc_fail_pending(M_TEMP));
}

}  // namespace
