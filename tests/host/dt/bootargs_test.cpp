// bootarg(): looking up options in a kernel command line.
#include "kernel/dt/bootargs.h"

#include <gtest/gtest.h>
#include <string.h>

#include <string>

namespace {

// The value found, or "<absent>".
std::string lookup(const char* args, const char* key) {
  char out[64];
  memset(out, '#', sizeof(out));
  if (!bootarg(args, key, out, sizeof(out))) return "<absent>";
  return out;
}

TEST(Bootarg, KeyValueAndBareKeys) {
  const char* args = "console=serial0,115200 quiet root=/dev/mmcblk0p2 rw";
  EXPECT_EQ(lookup(args, "console"), "serial0,115200");
  EXPECT_EQ(lookup(args, "root"), "/dev/mmcblk0p2");
  EXPECT_EQ(lookup(args, "quiet"), "");
  EXPECT_EQ(lookup(args, "rw"), "");
  EXPECT_EQ(lookup(args, "debug"), "<absent>");
}

TEST(Bootarg, KeysMatchWholly) {
  const char* args = "quietly consoleblank=0 loglevel=3";
  EXPECT_EQ(lookup(args, "quiet"), "<absent>");
  EXPECT_EQ(lookup(args, "console"), "<absent>");
  EXPECT_EQ(lookup(args, "consoleblank"), "0");
  EXPECT_EQ(lookup(args, "level"), "<absent>") << "no match inside a word";
  EXPECT_EQ(lookup(args, "loglevel=3"), "<absent>") << "a key never contains '='";
}

TEST(Bootarg, ValuesMayContainEqualsAndBeEmpty) {
  EXPECT_EQ(lookup("opt=a=b=c", "opt"), "a=b=c");
  EXPECT_EQ(lookup("empty= next", "empty"), "");
  EXPECT_EQ(lookup("empty= next", "next"), "");
}

TEST(Bootarg, LastOccurrenceWins) {
  EXPECT_EQ(lookup("loglevel=3 quiet loglevel=8", "loglevel"), "8");
  EXPECT_EQ(lookup("mode=a mode", "mode"), "");
}

TEST(Bootarg, QuotesGroupSpacesAndAreDropped) {
  EXPECT_EQ(lookup("root=\"/dev/a b\" rw", "root"), "/dev/a b");
  EXPECT_EQ(lookup("\"label=my disk\" x", "label"), "my disk");
  EXPECT_EQ(lookup("\"label=my disk\" x", "x"), "");
  EXPECT_EQ(lookup("k=\"unclosed value", "k"), "unclosed value");
}

TEST(Bootarg, WhitespaceOfAnyKind) {
  const char* args = "  \ta=1\t\tb=2\n c  ";
  EXPECT_EQ(lookup(args, "a"), "1");
  EXPECT_EQ(lookup(args, "b"), "2");
  EXPECT_EQ(lookup(args, "c"), "");
}

TEST(Bootarg, DoubleDashEndsKernelOptions) {
  EXPECT_EQ(lookup("quiet -- init=/bin/sh single", "init"), "<absent>");
  EXPECT_EQ(lookup("quiet -- init=/bin/sh single", "quiet"), "");
  EXPECT_EQ(lookup("a=--b", "a"), "--b");
}

TEST(Bootarg, TruncatesLikeStrlcpy) {
  char out[5];
  memset(out, '#', sizeof(out));
  EXPECT_TRUE(bootarg("name=abcdefgh", "name", out, sizeof(out)));
  EXPECT_STREQ(out, "abcd");
  char one[1] = {'#'};
  EXPECT_TRUE(bootarg("name=abcdefgh", "name", one, sizeof(one)));
  EXPECT_EQ(one[0], '\0');
}

TEST(Bootarg, PresenceOnly) {
  EXPECT_TRUE(bootarg("a=1 b", "a", nullptr, 0));
  EXPECT_TRUE(bootarg("a=1 b", "b", nullptr, 16));
  char untouched = '#';
  EXPECT_TRUE(bootarg("a=1", "a", &untouched, 0));
  EXPECT_EQ(untouched, '#');
}

TEST(Bootarg, DegenerateInputs) {
  char out[8];
  EXPECT_FALSE(bootarg("", "a", out, sizeof(out)));
  EXPECT_FALSE(bootarg("   ", "a", out, sizeof(out)));
  EXPECT_FALSE(bootarg(nullptr, "a", out, sizeof(out)));
  EXPECT_FALSE(bootarg("a=1", nullptr, out, sizeof(out)));
  EXPECT_FALSE(bootarg("a=1 =2", "", out, sizeof(out)));
}

}  // namespace
