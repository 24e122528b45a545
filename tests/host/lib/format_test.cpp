// tine_snprintf/vformat against the host C library's snprintf: for the
// conversions both support, output and return value must match exactly.
#include "kernel/lib/format.h"

#include <gtest/gtest.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <string>
#include <vector>

// Non-literal formats are the point of these tests.
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
#pragma GCC diagnostic ignored "-Wformat-security"

namespace {

// Compares against the host at several buffer sizes, including 0 and 1, so
// truncation and the return value are covered as well as the full text.
template <typename... Args>
void expect_like_host(const char* fmt, Args... args) {
  char want[512];
  int want_len = snprintf(want, sizeof(want), fmt, args...);
  ASSERT_GE(want_len, 0);
  ASSERT_LT(static_cast<size_t>(want_len), sizeof(want)) << fmt;

  const size_t full = static_cast<size_t>(want_len) + 1;
  const size_t sizes[] = {0, 1, 2, full / 2, full - 1, full, full + 7, 512};
  for (size_t n : sizes) {
    if (n > 512) continue;
    char got[520];
    memset(got, '#', sizeof(got));
    int got_len = tine_snprintf(got, n, fmt, args...);
    EXPECT_EQ(got_len, want_len) << "fmt=\"" << fmt << "\" n=" << n;
    if (n == 0) {
      EXPECT_EQ(got[0], '#') << "wrote into a zero-sized buffer, fmt=\"" << fmt << "\"";
      continue;
    }
    size_t kept = n - 1 < static_cast<size_t>(want_len) ? n - 1 : static_cast<size_t>(want_len);
    EXPECT_EQ(std::string(got, kept), std::string(want, kept)) << "fmt=\"" << fmt << "\" n=" << n;
    EXPECT_EQ(got[kept], '\0') << "fmt=\"" << fmt << "\" n=" << n;
    EXPECT_EQ(got[kept + 1], '#') << "wrote past the terminator, fmt=\"" << fmt << "\" n=" << n;
  }
}

// Deliberately without a format attribute: some tests pass formats the
// compiler would reject.
std::string tine_format(const char* fmt, ...) {
  char buf[512];
  va_list ap;
  va_start(ap, fmt);
  tine_vsnprintf(buf, sizeof(buf), fmt, ap);
  va_end(ap);
  return buf;
}

// Every subset of the given flag characters, e.g. "-0" -> "", "-", "0", "-0".
std::vector<std::string> flag_subsets(const std::string& flags) {
  std::vector<std::string> out;
  for (unsigned mask = 0; mask < (1u << flags.size()); ++mask) {
    std::string s;
    for (size_t i = 0; i < flags.size(); ++i)
      if (mask & (1u << i)) s += flags[i];
    out.push_back(s);
  }
  return out;
}

const char* const kWidths[] = {"", "1", "5", "12", "25"};
const char* const kPrecisions[] = {"", ".", ".0", ".1", ".3", ".15", ".22"};

// Runs every flags/width/precision combination of "%<spec><length><conv>".
template <typename T>
void sweep(const std::string& flags, const char* length, char conv, const std::vector<T>& values) {
  for (const std::string& f : flag_subsets(flags))
    for (const char* w : kWidths)
      for (const char* p : kPrecisions)
        for (T v : values) {
          std::string fmt = "[%" + f + w + p + length + conv + "]";
          expect_like_host(fmt.c_str(), v);
          if (::testing::Test::HasFailure()) return;  // one report per sweep is enough
        }
}

TEST(Format, PlainText) {
  expect_like_host("");
  expect_like_host("hello, world");
  expect_like_host("100%% sure");
  expect_like_host("%%%%");
}

TEST(Format, SignedInt) {
  sweep<int>("-0+ ", "", 'd', {0, 1, -1, 42, -42, 123456, INT32_MAX, INT32_MIN});
  sweep<int>("-0+ ", "", 'i', {0, 7, -7, INT32_MIN});
}

TEST(Format, UnsignedInt) {
  std::vector<unsigned> values = {0u, 1u, 8u, 255u, 0xdeadbeefu, UINT32_MAX};
  sweep<unsigned>("-0", "", 'u', values);
  sweep<unsigned>("-0#", "", 'x', values);
  sweep<unsigned>("-0#", "", 'X', values);
  sweep<unsigned>("-0#", "", 'o', values);
}

TEST(Format, LengthChar) {
  sweep<int>("-0+", "hh", 'd', {0, 127, 128, 255, 300, -1, -129});
  sweep<unsigned>("-0#", "hh", 'x', {0u, 255u, 256u, 0x1234u, UINT32_MAX});
  sweep<unsigned>("", "hh", 'u', {255u, 256u, 511u});
  sweep<unsigned>("#", "hh", 'o', {255u, 256u});
}

TEST(Format, LengthShort) {
  sweep<int>("-0+", "h", 'd', {0, 32767, 32768, 65535, 70000, -32769});
  sweep<unsigned>("-0#", "h", 'x', {0u, 0xffffu, 0x12345u});
  sweep<unsigned>("", "h", 'u', {65535u, 65536u});
  sweep<unsigned>("#", "h", 'o', {65535u, 65536u});
}

TEST(Format, LengthLong) {
  sweep<long>("-0+ ", "l", 'd', {0L, -1L, INT64_MAX, INT64_MIN, 1234567890123L});
  sweep<unsigned long>("-0#", "l", 'x', {0UL, UINT64_MAX, 0xffff000000000000UL});
  sweep<unsigned long>("", "l", 'u', {UINT64_MAX});
  sweep<unsigned long>("#", "l", 'o', {UINT64_MAX, 0UL, 8UL});
}

TEST(Format, LengthLongLong) {
  sweep<long long>("-0+ ", "ll", 'd', {0LL, -1LL, INT64_MAX, INT64_MIN});
  sweep<long long>("+", "ll", 'i', {INT64_MIN});
  sweep<unsigned long long>("-0#", "ll", 'X', {0ULL, UINT64_MAX, 0xabcdef0123ULL});
  sweep<unsigned long long>("", "ll", 'u', {UINT64_MAX});
  sweep<unsigned long long>("#", "ll", 'o', {UINT64_MAX});
}

TEST(Format, LengthSizePtrdiffIntmax) {
  sweep<size_t>("-0", "z", 'u', {0, 4096, SIZE_MAX});
  sweep<size_t>("#", "z", 'x', {0, 4096, SIZE_MAX});
  sweep<ssize_t>("+", "z", 'd', {-5, 0, 5});
  sweep<ptrdiff_t>("-0+ ", "t", 'd', {PTRDIFF_MIN, -1, 0, PTRDIFF_MAX});
  sweep<ptrdiff_t>("#", "t", 'x', {16});
  sweep<intmax_t>("-0+ ", "j", 'd', {INTMAX_MIN, 0, INTMAX_MAX});
  sweep<uintmax_t>("#", "j", 'o', {UINTMAX_MAX, 0});
  sweep<uintmax_t>("", "j", 'u', {UINTMAX_MAX});
}

TEST(Format, Char) {
  for (const char* fmt : {"%c", "[%5c]", "[%-5c]", "[%1c]", "%c%c"}) {
    expect_like_host(fmt, 'A', 'z');
  }
  expect_like_host("[%c]", 0x141);  // the int is converted to unsigned char
}

TEST(Format, String) {
  sweep<const char*>("-", "", 's', {"", "a", "hello", "a longer string than any width"});
}

TEST(Format, StringPrecisionDoesNotReadPastIt) {
  // Not NUL-terminated: only the first 3 bytes may be read (ASan would notice).
  char unterminated[3] = {'a', 'b', 'c'};
  EXPECT_EQ(tine_format("[%.3s]", unterminated), "[abc]");
  EXPECT_EQ(tine_format("[%.2s]", unterminated), "[ab]");
  EXPECT_EQ(tine_format("[%.*s]", 3, unterminated), "[abc]");
}

TEST(Format, NullString) {
  const char* null = nullptr;
  EXPECT_EQ(tine_format("%s", null), "(null)");
  EXPECT_EQ(tine_format("[%8s]", null), "[  (null)]");
  EXPECT_EQ(tine_format("[%-8s]", null), "[(null)  ]");
}

TEST(Format, Pointer) {
  EXPECT_EQ(tine_format("%p", reinterpret_cast<void*>(0x1234)), "0x1234");
  EXPECT_EQ(tine_format("%p", reinterpret_cast<void*>(0xffff000000080000)), "0xffff000000080000");
  EXPECT_EQ(tine_format("%p", nullptr), "0x0");
  EXPECT_EQ(tine_format("[%10p]", reinterpret_cast<void*>(0xabc)), "[     0xabc]");
  EXPECT_EQ(tine_format("[%-10p]", reinterpret_cast<void*>(0xabc)), "[0xabc     ]");
  EXPECT_EQ(tine_format("[%018p]", reinterpret_cast<void*>(0xabc)), "[0x0000000000000abc]");
  // Non-null pointers agree with the host (glibc uses %#lx for them).
  int local = 0;
  for (const void* p : {static_cast<const void*>(&local), static_cast<const void*>("x"),
                        reinterpret_cast<const void*>(1)}) {
    char want[64];
    snprintf(want, sizeof(want), "%p", p);
    EXPECT_EQ(tine_format("%p", p), want);
  }
}

TEST(Format, StarWidthAndPrecision) {
  for (int width : {-12, -1, 0, 1, 7, 30}) {
    for (int precision : {-3, -1, 0, 2, 9}) {
      expect_like_host("[%*.*d]", width, precision, -345);
      expect_like_host("[%*.*x]", width, precision, 0xbeefu);
      expect_like_host("[%-*.*s]", width, precision, "string");
      expect_like_host("[%0*d]", width, 77);
      expect_like_host("[%.*u]", precision, 0u);
    }
  }
}

TEST(Format, ZeroValueWithZeroPrecision) {
  expect_like_host("[%.0d][%.0u][%.0x][%.0o]", 0, 0u, 0u, 0u);
  expect_like_host("[%#.0x][%#.0o][%5.0d][%-5.0d]", 0u, 0u, 0, 0);
  expect_like_host("[%#x][%#o][%#X]", 0u, 0u, 0u);
}

TEST(Format, Mixed) {
  expect_like_host("cpu%u: el%d at %#018lx, %s (%c) %5.1s|%-3d|%%", 3u, 1, 0xffff0000deadbeefUL,
                   "ok", 'y', "xyz", -1);
  expect_like_host("%d %d %d %d %d %d %d %d %d %d", 1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
  expect_like_host("%lld %s %llx %s %hhd", -3LL, "a", 0x123ULL, "b", 300);
}

TEST(Format, LongOutputIsCountedNotWritten) {
  // A width far larger than the buffer: the return value still tells the full length.
  char buf[8];
  EXPECT_EQ(tine_snprintf(buf, sizeof(buf), "%1000d", 5), 1000);
  EXPECT_STREQ(buf, "       ");
  EXPECT_EQ(tine_snprintf(buf, sizeof(buf), "%-1000d|", 5), 1001);
  EXPECT_STREQ(buf, "5      ");
  EXPECT_EQ(tine_snprintf(buf, sizeof(buf), "%.300u", 1u), 300);
  EXPECT_STREQ(buf, "0000000");
}

TEST(Format, ZeroSizedBufferMayBeNull) {
  EXPECT_EQ(tine_snprintf(nullptr, 0, "%s=%d", "key", 1234), 8);
}

TEST(Format, UnknownConversionIsEchoed) {
  EXPECT_EQ(tine_format("a%yb"), "a%yb");
  EXPECT_EQ(tine_format("a%-5qb"), "a%-5qb");
  // %n is deliberately unsupported: it would let a format string write memory.
  int count = 0;
  EXPECT_EQ(tine_format("ab%nc", &count), "ab%nc");
  EXPECT_EQ(count, 0);
}

TEST(Format, TrailingPercentIsKept) {
  // Built at run time so the compiler does not reject the formats.
  std::string lone = "end%";
  std::string partial = "end%-08l";
  EXPECT_EQ(tine_format(lone.c_str()), "end%");
  EXPECT_EQ(tine_format(partial.c_str()), "end%-08l");
}

// A sink that records how it is called, to check vformat on its own.
struct Recorder {
  std::string text;
  int calls = 0;
  static void sink(void* ctx, const char* s, size_t n) {
    auto* self = static_cast<Recorder*>(ctx);
    EXPECT_GT(n, 0u) << "empty pieces are pointless";
    self->text.append(s, n);
    ++self->calls;
  }
};

size_t vformat_into(Recorder& r, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t n = vformat(&Recorder::sink, &r, fmt, ap);
  va_end(ap);
  return n;
}

TEST(Format, VformatReportsEveryCharacterToTheSink) {
  Recorder r;
  size_t n = vformat_into(r, "x=%08x name=%-6s|%5d%%", 0xabcu, "tine", -12);
  EXPECT_EQ(r.text, "x=00000abc name=tine  |  -12%");
  EXPECT_EQ(n, r.text.size());
  // Long padding arrives in pieces, never needing a buffer of the width's size.
  Recorder wide;
  EXPECT_EQ(vformat_into(wide, "%200s", "x"), 201u - 1u);
  EXPECT_EQ(wide.text, std::string(199, ' ') + "x");
}

}  // namespace
