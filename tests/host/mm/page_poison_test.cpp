// The debug kernel's page poisoning (kernel/mm/poison.h, page_alloc.h): freed
// pages hold kPoisonFree and are checked when they are handed out again. The
// host allocators run with poisoning off (AddressSanitizer watches them);
// these tests turn it on.
#include <string.h>

#include <vector>

#include "kernel/mm/poison.h"
#include "tests/host/mm/mm_arena.h"

namespace {

TEST(MmPoisonPattern, FindDamageNamesTheFirstChangedByte) {
  alignas(16) uint8_t buf[200];  // three 64-byte blocks, a word, then bytes
  poison_fill(buf, sizeof buf);
  EXPECT_EQ(poison_find_damage(buf, sizeof buf), sizeof buf);
  for (size_t at : {0, 15, 16, 63, 64, 100, 191, 192, 197, 199}) {
    buf[at] = 0;
    EXPECT_EQ(poison_find_damage(buf, sizeof buf), at);
    EXPECT_EQ(poison_find_damage(buf, at), at);  // what lies before it is intact
    EXPECT_EQ(poison_find_damage(buf + 1, sizeof buf - 1), at == 0 ? sizeof buf - 1 : at - 1);
    buf[at] = kPoisonFree;
  }
  buf[150] = 0;
  buf[20] = 1;  // the first one is named
  EXPECT_EQ(poison_find_damage(buf, sizeof buf), 20u);
}

using MmPagePoison = MmPoisonArena;

TEST_F(MmPagePoison, FreedPagesArePoisonedAndCheckedWhenHandedOut) {
  Page* pg = page_alloc(2, PageUse::Other);
  ASSERT_NE(pg, nullptr);
  memset(page_to_virt(pg), 0x22, 4 * kPageSize);
  page_free(pg);
  for (unsigned i = 0; i < 4; ++i) {
    PagePoisonCheck c = page_poison_check(pg + i);
    EXPECT_TRUE(c.poisoned);
    EXPECT_FALSE(c.damaged);
    EXPECT_EQ(peek_freed(page_to_virt(pg + i), 0), kPoisonFree);
    EXPECT_EQ(peek_freed(page_to_virt(pg + i), kPageSize - 1), kPoisonFree);
  }
  poke_freed(page_to_virt(pg + 3), 1000, 0x5a);
  PagePoisonCheck c = page_poison_check(pg + 3);
  EXPECT_TRUE(c.damaged);
  EXPECT_EQ(c.offset, 1000u);
  EXPECT_EQ(c.value, 0x5a);
  poke_freed(page_to_virt(pg + 3), 1000, kPoisonFree);
  // Handed out again (as part of any block): checked, and no longer marked.
  std::vector<Page*> all;
  while (Page* q = page_alloc(0, PageUse::Other)) all.push_back(q);
  for (unsigned i = 0; i < 4; ++i) EXPECT_FALSE(page_poison_check(pg + i).poisoned);
  for (Page* q : all) page_free(q);
  // Pages freed with poisoning off are neither filled nor checked.
  mm_poison_enable(false);
  Page* off = page_alloc(0, PageUse::Other);
  memset(page_to_virt(off), 0x33, kPageSize);
  page_free(off);
  EXPECT_FALSE(page_poison_check(off).poisoned);
  EXPECT_EQ(peek_freed(page_to_virt(off), 0), 0x33);
  mm_poison_enable(true);
}

TEST_F(MmPagePoison, PageWrittenAfterFreePanicsWhenHandedOut) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Page* pg = page_alloc(0, PageUse::User);
        page_free(pg);  // onto this CPU's cache, which hands it out next
        poke_freed(page_to_virt(pg), 100, 1);
        (void)page_alloc(0, PageUse::User);
      },
      "page 0x[0-9a-f]+ was written after it was freed: byte 100 is 0x1");
}

}  // namespace
