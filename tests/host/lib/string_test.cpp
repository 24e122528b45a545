// The tine_ string routines against simple reference loops and libc, over all
// alignments and lengths up to 70 (long enough for every word-loop path).
#include "kernel/lib/string.h"

#include <gtest/gtest.h>
#include <stdint.h>
#include <string.h>

#include <string>
#include <vector>

namespace {

constexpr size_t kMaxLen = 70;
constexpr size_t kMaxOffset = 16;  // two words: every alignment, both pointers
constexpr size_t kArena = kMaxLen + 2 * kMaxOffset + 16;

// Distinct, non-zero bytes so misplaced copies are visible.
void fill_pattern(unsigned char* p, size_t n, unsigned seed) {
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<unsigned char>((i * 131 + seed * 17 + 1) | 1);
}

TEST(String, MemcpyAllAlignmentsAndLengths) {
  for (size_t doff = 0; doff < kMaxOffset; ++doff)
    for (size_t soff = 0; soff < kMaxOffset; ++soff)
      for (size_t len = 0; len <= kMaxLen; ++len) {
        // Exactly-sized heap buffers, so ASan flags any byte touched outside.
        std::vector<unsigned char> src_store(soff + len), dst_store(doff + len + 8);
        unsigned char* src = src_store.data() + soff;
        unsigned char* dst = dst_store.data() + doff;
        fill_pattern(src_store.data(), src_store.size(), 1);
        fill_pattern(dst_store.data(), dst_store.size(), 2);
        std::vector<unsigned char> want = dst_store;
        for (size_t i = 0; i < len; ++i) want[doff + i] = src[i];

        ASSERT_EQ(tine_memcpy(dst, src, len), dst);
        ASSERT_EQ(dst_store, want) << "doff=" << doff << " soff=" << soff << " len=" << len;
      }
}

TEST(String, MemmoveOverlappingBothDirections) {
  for (size_t doff = 0; doff < kMaxOffset * 2; ++doff)
    for (size_t soff = 0; soff < kMaxOffset * 2; ++soff)
      for (size_t len = 0; len <= kMaxLen; ++len) {
        unsigned char arena[kArena + kMaxOffset * 2];
        fill_pattern(arena, sizeof(arena), 3);
        unsigned char want[sizeof(arena)];
        memcpy(want, arena, sizeof(arena));
        // Reference: through a temporary, which is what memmove must behave like.
        unsigned char tmp[kMaxLen];
        for (size_t i = 0; i < len; ++i) tmp[i] = want[soff + i];
        for (size_t i = 0; i < len; ++i) want[doff + i] = tmp[i];

        ASSERT_EQ(tine_memmove(arena + doff, arena + soff, len), arena + doff);
        ASSERT_EQ(0, memcmp(arena, want, sizeof(arena)))
            << "doff=" << doff << " soff=" << soff << " len=" << len;
      }
}

TEST(String, MemmoveLargeOverlapUsesWholeBuffer) {
  // A page-sized move by one word and by one byte, up and down.
  for (size_t shift : {1u, 7u, 8u, 64u}) {
    std::vector<unsigned char> buf(4096 + 64), want;
    fill_pattern(buf.data(), buf.size(), 4);
    want = buf;
    memmove(want.data() + shift, want.data(), 4096);
    tine_memmove(buf.data() + shift, buf.data(), 4096);
    EXPECT_EQ(buf, want) << "up by " << shift;

    fill_pattern(buf.data(), buf.size(), 5);
    want = buf;
    memmove(want.data(), want.data() + shift, 4096);
    tine_memmove(buf.data(), buf.data() + shift, 4096);
    EXPECT_EQ(buf, want) << "down by " << shift;
  }
}

TEST(String, MemsetAllAlignmentsAndLengths) {
  for (size_t off = 0; off < kMaxOffset; ++off)
    for (size_t len = 0; len <= kMaxLen; ++len)
      for (int value : {0, 0xa5, -1, 0x1234}) {
        std::vector<unsigned char> store(off + len + 8);
        fill_pattern(store.data(), store.size(), 6);
        std::vector<unsigned char> want = store;
        for (size_t i = 0; i < len; ++i) want[off + i] = static_cast<unsigned char>(value);

        ASSERT_EQ(tine_memset(store.data() + off, value, len), store.data() + off);
        ASSERT_EQ(store, want) << "off=" << off << " len=" << len << " value=" << value;
      }
}

int sign(int v) { return (v > 0) - (v < 0); }

TEST(String, MemcmpAllAlignmentsLengthsAndDifferencePositions) {
  for (size_t aoff = 0; aoff < kMaxOffset; ++aoff)
    for (size_t boff = 0; boff < kMaxOffset; ++boff)
      for (size_t len = 0; len <= kMaxLen; len += (len < 20 ? 1 : 7)) {
        std::vector<unsigned char> a_store(aoff + len), b_store(boff + len);
        unsigned char* a = a_store.data() + aoff;
        unsigned char* b = b_store.data() + boff;
        for (size_t i = 0; i < len; ++i) a[i] = b[i] = static_cast<unsigned char>(i * 7);
        ASSERT_EQ(tine_memcmp(a, b, len), 0);
        // A difference at each position, both ways; bytes compare as unsigned.
        for (size_t at = 0; at < len; ++at) {
          unsigned char saved = b[at];
          b[at] = static_cast<unsigned char>(a[at] + 0x80);
          ASSERT_EQ(sign(tine_memcmp(a, b, len)), sign(memcmp(a, b, len))) << at;
          ASSERT_EQ(sign(tine_memcmp(b, a, len)), sign(memcmp(b, a, len))) << at;
          ASSERT_EQ(tine_memcmp(a, b, at), 0);
          b[at] = saved;
        }
      }
}

TEST(String, Memchr) {
  const char text[] = "abc\0def\xff";
  EXPECT_EQ(tine_memchr(text, 'a', 8), text);
  EXPECT_EQ(tine_memchr(text, 'e', 8), text + 5);
  EXPECT_EQ(tine_memchr(text, '\0', 8), text + 3);
  EXPECT_EQ(tine_memchr(text, 0xff, 8), text + 7);
  EXPECT_EQ(tine_memchr(text, -1, 8), text + 7);
  EXPECT_EQ(tine_memchr(text, 'e', 5), nullptr);
  EXPECT_EQ(tine_memchr(text, 'a', 0), nullptr);
}

TEST(String, StrlenAndStrnlen) {
  for (size_t off = 0; off < kMaxOffset; ++off)
    for (size_t len = 0; len <= kMaxLen; ++len) {
      // Exactly len + 1 bytes: reading past the NUL is an ASan error.
      std::vector<char> store(off + len + 1, 'x');
      store.back() = '\0';
      const char* s = store.data() + off;
      ASSERT_EQ(tine_strlen(s), len);
      ASSERT_EQ(tine_strnlen(s, len + 1), len);
      ASSERT_EQ(tine_strnlen(s, len), len);
      if (len > 0) {
        ASSERT_EQ(tine_strnlen(s, len - 1), len - 1);
      }
      ASSERT_EQ(tine_strnlen(s, 0), 0u);
    }
  // strnlen must stop at max even without a terminator.
  char unterminated[4] = {'a', 'b', 'c', 'd'};
  EXPECT_EQ(tine_strnlen(unterminated, 4), 4u);
}

TEST(String, StrcmpAndStrncmp) {
  const char* const words[] = {"",     "a",    "b",    "ab",  "abc",   "abd",
                               "abcd", "\x80", "\x7f", "ABC", "ab\xff"};
  for (const char* x : words)
    for (const char* y : words) {
      EXPECT_EQ(sign(tine_strcmp(x, y)), sign(strcmp(x, y))) << x << " vs " << y;
      for (size_t n = 0; n <= 5; ++n)
        EXPECT_EQ(sign(tine_strncmp(x, y, n)), sign(strncmp(x, y, n)))
            << x << " vs " << y << " n=" << n;
    }
  // strncmp reads no further than n bytes of either string.
  char a[3] = {'a', 'b', 'c'}, b[3] = {'a', 'b', 'c'};
  EXPECT_EQ(tine_strncmp(a, b, 3), 0);
}

TEST(String, Strchr) {
  const char s[] = "kernel=tine quiet";
  EXPECT_EQ(tine_strchr(s, 'k'), s);
  EXPECT_EQ(tine_strchr(s, '='), s + 6);
  EXPECT_EQ(tine_strchr(s, 'e'), strchr(s, 'e'));
  EXPECT_EQ(tine_strchr(s, 'z'), nullptr);
  EXPECT_EQ(tine_strchr(s, '\0'), s + strlen(s));
  const char high[] = "a\xe9z";
  EXPECT_EQ(tine_strchr(high, 0xe9), high + 1);
}

TEST(String, StrlcpyTruncatesAndTerminates) {
  const std::string src = "bootargs";
  for (size_t size = 0; size <= src.size() + 3; ++size) {
    std::vector<char> dst(size + 4, '#');
    size_t ret = tine_strlcpy(dst.data(), src.c_str(), size);
    EXPECT_EQ(ret, src.size()) << "returns the source length, size=" << size;
    if (size == 0) {
      EXPECT_EQ(dst[0], '#') << "nothing written for size 0";
      continue;
    }
    size_t kept = std::min(size - 1, src.size());
    EXPECT_EQ(std::string(dst.data(), kept), src.substr(0, kept));
    EXPECT_EQ(dst[kept], '\0');
    EXPECT_EQ(dst[kept + 1], '#') << "wrote past the terminator, size=" << size;
  }
  char one[1] = {'#'};
  EXPECT_EQ(tine_strlcpy(one, "", 1), 0u);
  EXPECT_EQ(one[0], '\0');
}

}  // namespace
