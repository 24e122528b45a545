// The page index of a file: find, get, truncate, free_pages and the units they count,
// against a plain map of what was written.
// The kernel's headers first: they name Linux's constants (S_IFMT, O_CREAT, ...),
// which the host's headers define as macros.
#include "kernel/fs/filepages.h"
#include "tests/host/mm/mm_arena.h"

#include <gtest/gtest.h>
#include <map>

namespace {

using FilePagesTest = MmArena;

TEST_F(FilePagesTest, GrowsByLevels) {
  FilePages fp;
  EXPECT_EQ(fp.find(0), nullptr);
  EXPECT_EQ(fp.units_needed(0), 1u);  // one page, no index
  unsigned units = 0;
  uint8_t* p0 = fp.get(0, &units);
  ASSERT_NE(p0, nullptr);
  EXPECT_EQ(units, 1u);
  EXPECT_EQ(fp.units(), 1u);
  p0[0] = 42;
  // Page 1 needs an index page above the first: two units.
  EXPECT_EQ(fp.units_needed(1), 2u);
  uint8_t* p1 = fp.get(1, &units);
  ASSERT_NE(p1, nullptr);
  EXPECT_EQ(units, 2u);
  EXPECT_EQ(fp.find(0)[0], 42);  // the old root moved under the new one
  // Far away: two more levels, a path of new index pages, and the page.
  uint64_t far = uint64_t{1} << 20;
  unsigned want = fp.units_needed(far);
  uint8_t* pf = fp.get(far, &units);
  ASSERT_NE(pf, nullptr);
  EXPECT_EQ(units, want);
  EXPECT_EQ(fp.find(0)[0], 42);
  EXPECT_EQ(fp.units_needed(far), 0u);
  EXPECT_EQ(fp.find(far - 1), nullptr);  // a hole
  EXPECT_EQ(fp.get(FilePages::kMaxPages, &units), nullptr);
  EXPECT_EQ(fp.units(), 1u + 2u + want);
  EXPECT_EQ(fp.truncate(0), 1u + 2u + want);  // every unit it held
  EXPECT_EQ(fp.units(), 0u);
}

TEST_F(FilePagesTest, TruncateKeepsWhatIsBefore) {
  FilePages fp;
  unsigned units;
  for (uint64_t i = 0; i < 600; i += 3) fp.get(i, &units)[0] = static_cast<uint8_t>(i);
  uint64_t before = fp.units();
  uint64_t freed = fp.truncate(300);
  EXPECT_EQ(fp.units(), before - freed);
  for (uint64_t i = 0; i < 600; i += 3) {
    if (i < 300) {
      ASSERT_NE(fp.find(i), nullptr) << i;
      EXPECT_EQ(fp.find(i)[0], static_cast<uint8_t>(i));
    } else {
      EXPECT_EQ(fp.find(i), nullptr) << i;
    }
  }
  fp.truncate(0);
  EXPECT_EQ(fp.units(), 0u);
}

// A punched range: its pages go (an index page only when the range covers
// all it spans), those around it stay.
TEST_F(FilePagesTest, FreePagesFreesOnlyTheRange) {
  FilePages fp;
  unsigned units;
  for (uint64_t i = 0; i < 2000; ++i) fp.get(i, &units)[0] = static_cast<uint8_t>(i);
  uint64_t before = fp.units();
  EXPECT_EQ(fp.free_pages(10, 10), 0u);  // empty
  EXPECT_EQ(fp.free_pages(20, 10), 0u);  // backwards
  // 100..1100: 1000 data pages and the index page of 512..1023, all covered.
  EXPECT_EQ(fp.free_pages(100, 1100), 1000u + 1u);
  EXPECT_EQ(fp.units(), before - 1001u);
  for (uint64_t i = 0; i < 2000; ++i) {
    if (i >= 100 && i < 1100) {
      EXPECT_EQ(fp.find(i), nullptr) << i;
    } else {
      ASSERT_NE(fp.find(i), nullptr) << i;
      EXPECT_EQ(fp.find(i)[0], static_cast<uint8_t>(i));
    }
  }
  // The holes fill again.
  EXPECT_EQ(fp.units_needed(600), 2u);  // its index page and itself
  ASSERT_NE(fp.get(600, &units), nullptr);
  EXPECT_EQ(units, 2u);
  EXPECT_EQ(fp.truncate(0), fp.units());
  EXPECT_EQ(fp.units(), 0u);
}

TEST_F(FilePagesTest, RandomAgainstAMap) {
  FilePages fp;
  std::map<uint64_t, uint8_t> model;
  uint64_t s = 88172645463325252ull;
  uint64_t charged = 0;
  for (int step = 0; step < 4000; ++step) {
    uint64_t r = xorshift(s);
    uint64_t index = (r >> 8) % 5000 + ((r & 1) ? (uint64_t{1} << ((r >> 40) % 20)) : 0);
    if (r % 7 == 0) {
      charged -= fp.truncate(index);
      for (auto it = model.lower_bound(index); it != model.end();) it = model.erase(it);
    } else if (r % 11 == 0) {
      uint64_t last = index + (r >> 24) % 3000;
      charged -= fp.free_pages(index, last);
      for (auto it = model.lower_bound(index); it != model.end() && it->first < last;)
        it = model.erase(it);
    } else {
      unsigned want = fp.units_needed(index), got = 0;
      uint8_t* p = fp.get(index, &got);
      ASSERT_NE(p, nullptr);
      ASSERT_EQ(got, want);
      charged += got;
      p[index % 4096] = static_cast<uint8_t>(r);
      model[index] = static_cast<uint8_t>(r);
    }
    ASSERT_EQ(fp.units(), charged);
  }
  for (auto& [index, byte] : model) {
    ASSERT_NE(fp.find(index), nullptr);
    EXPECT_EQ(fp.find(index)[index % 4096], byte);
  }
  fp.truncate(0);
  EXPECT_EQ(fp.units(), 0u);
}

}  // namespace
