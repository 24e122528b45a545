// Corrupt and truncated blobs: each must be rejected with the right status, or,
// if a change leaves the blob valid, read without straying outside it. Every
// blob lives in an exactly sized heap buffer, so ASan reports any stray read.
#include <gtest/gtest.h>
#include <stdint.h>
#include <string.h>

#include <algorithm>
#include <vector>

#include "kernel/dt/fdt.h"
#include "tests/host/dt/dt_test_util.h"

namespace {

// Header field offsets (Devicetree Specification, 5.2).
constexpr size_t kTotalSize = 4;
constexpr size_t kOffStruct = 8;
constexpr size_t kOffStrings = 12;
constexpr size_t kOffMemReserve = 16;
constexpr size_t kVersion = 20;
constexpr size_t kLastCompVersion = 24;
constexpr size_t kSizeStrings = 32;
constexpr size_t kSizeStruct = 36;

constexpr uint32_t kBeginNode = 1, kEndNode = 2, kProp = 3, kNop = 4, kEnd = 9;

uint32_t get32(const std::vector<uint8_t>& b, size_t at) {
  return uint32_t{b[at]} << 24 | uint32_t{b[at + 1]} << 16 | uint32_t{b[at + 2]} << 8 | b[at + 3];
}

void put32(std::vector<uint8_t>& b, size_t at, uint32_t v) {
  b[at] = static_cast<uint8_t>(v >> 24);
  b[at + 1] = static_cast<uint8_t>(v >> 16);
  b[at + 2] = static_cast<uint8_t>(v >> 8);
  b[at + 3] = static_cast<uint8_t>(v);
}

FdtStatus open_status(const std::vector<uint8_t>& blob) {
  Fdt fdt;
  FdtStatus status = Fdt::open(blob.data(), blob.size(), &fdt);
  EXPECT_EQ(fdt.is_open(), status == FdtStatus::kOk);
  if (status == FdtStatus::kOk) touch_everything(fdt);
  return status;
}

class Corrupt : public ::testing::Test {
 protected:
  void SetUp() override {
    good_ = test_dtb("basic");
    ASSERT_FALSE(good_.empty());
    ASSERT_EQ(open_status(good_), FdtStatus::kOk);
    struct_ = get32(good_, kOffStruct);
    struct_size_ = get32(good_, kSizeStruct);
  }

  // Offset (within the blob) of the first token with this tag.
  size_t find_token(uint32_t tag) const {
    size_t at = struct_;
    for (;;) {
      uint32_t t = get32(good_, at);
      if (t == tag) return at;
      if (t == kBeginNode) {
        at += 4;
        while (good_[at] != 0) ++at;
        at = (at + 1 + 3) & ~size_t{3};
      } else if (t == kProp) {
        at = (at + 12 + get32(good_, at + 4) + 3) & ~size_t{3};
      } else if (t == kEnd) {
        ADD_FAILURE() << "no token " << tag;
        return 0;
      } else {
        at += 4;
      }
    }
  }

  std::vector<uint8_t> good_;
  size_t struct_ = 0;
  size_t struct_size_ = 0;
};

TEST_F(Corrupt, TooSmallOrAbsent) {
  Fdt fdt;
  EXPECT_EQ(Fdt::open(nullptr, 4096, &fdt), FdtStatus::kTooSmall);
  EXPECT_EQ(Fdt::open(good_.data(), 0, &fdt), FdtStatus::kTooSmall);
  EXPECT_EQ(Fdt::open(good_.data(), 35, &fdt), FdtStatus::kTooSmall);
  EXPECT_FALSE(fdt.is_open());
}

TEST_F(Corrupt, EveryTruncationIsRejected) {
  for (size_t len = 0; len < good_.size(); ++len) {
    std::vector<uint8_t> cut(good_.begin(), good_.begin() + static_cast<ptrdiff_t>(len));
    Fdt fdt;
    ASSERT_NE(Fdt::open(cut.data(), cut.size(), &fdt), FdtStatus::kOk) << "len=" << len;
  }
}

TEST_F(Corrupt, TruncationWithMatchingTotalSizeIsRejectedOrSafe) {
  // The header is made to agree with the shortened blob, so only the block
  // checks stand between the reader and the missing bytes.
  for (size_t len = 40; len < good_.size(); ++len) {
    std::vector<uint8_t> cut(good_.begin(), good_.begin() + static_cast<ptrdiff_t>(len));
    put32(cut, kTotalSize, static_cast<uint32_t>(len));
    open_status(cut);
    // Also with the structure size trimmed to fit, where that is possible.
    if (len > struct_) {
      put32(cut, kSizeStruct, static_cast<uint32_t>(std::min(struct_size_, len - struct_)));
      put32(cut, kSizeStrings, 0);
      put32(cut, kOffStrings, static_cast<uint32_t>(len));
      open_status(cut);
    }
  }
}

TEST_F(Corrupt, HeaderFields) {
  auto with = [&](size_t field, uint32_t value) {
    std::vector<uint8_t> b = good_;
    put32(b, field, value);
    return open_status(b);
  };
  EXPECT_EQ(with(0, 0xedfe0dd0), FdtStatus::kBadMagic);
  EXPECT_EQ(with(kVersion, 15), FdtStatus::kBadVersion);
  EXPECT_EQ(with(kLastCompVersion, 18), FdtStatus::kBadVersion);
  EXPECT_EQ(with(kTotalSize, static_cast<uint32_t>(good_.size() + 1)), FdtStatus::kTooSmall);
  EXPECT_EQ(with(kTotalSize, 0xffffffff), FdtStatus::kTooSmall);
  EXPECT_EQ(with(kTotalSize, 20), FdtStatus::kBadHeader);
  EXPECT_EQ(with(kOffStruct, static_cast<uint32_t>(good_.size())), FdtStatus::kBadHeader);
  EXPECT_EQ(with(kOffStruct, 0xfffffff0), FdtStatus::kBadHeader);
  EXPECT_EQ(with(kOffStruct, 8), FdtStatus::kBadHeader) << "inside the header";
  EXPECT_EQ(with(kOffStruct, static_cast<uint32_t>(struct_ + 2)), FdtStatus::kBadHeader);
  EXPECT_EQ(with(kSizeStruct, 0xffffffff), FdtStatus::kBadHeader);
  EXPECT_EQ(with(kSizeStruct, static_cast<uint32_t>(good_.size())), FdtStatus::kBadHeader);
  EXPECT_EQ(with(kOffStrings, 0xffffff00), FdtStatus::kBadHeader);
  EXPECT_EQ(with(kSizeStrings, 0xffffffff), FdtStatus::kBadHeader);
  EXPECT_EQ(with(kOffMemReserve, 0xfffffff8), FdtStatus::kBadHeader);
  EXPECT_EQ(with(kOffMemReserve, 44), FdtStatus::kBadHeader) << "not 8-byte aligned";
  // Pointing the list at its last 8 bytes leaves no room for a terminator.
  EXPECT_EQ(with(kOffMemReserve, static_cast<uint32_t>((good_.size() - 8) & ~size_t{7})),
            FdtStatus::kBadMemReserve);
  // Structure block shrunk to nothing, or to the root's first token only.
  EXPECT_EQ(with(kSizeStruct, 0), FdtStatus::kBadStructure);
  EXPECT_EQ(with(kSizeStruct, 5), FdtStatus::kBadStructure);
  EXPECT_EQ(with(kSizeStruct, static_cast<uint32_t>(struct_size_ - 4)), FdtStatus::kBadStructure);
  // Property names must lie inside the strings block.
  EXPECT_EQ(with(kSizeStrings, 0), FdtStatus::kBadStructure);
}

TEST_F(Corrupt, UnterminatedMemReserve) {
  // Every entry non-zero up to the end of the blob: the walk must stop at the end.
  std::vector<uint8_t> b = good_;
  size_t rsv = get32(b, kOffMemReserve);
  for (size_t i = rsv; i < b.size(); ++i) b[i] = 0x11;
  EXPECT_EQ(open_status(b), FdtStatus::kBadMemReserve);
}

TEST_F(Corrupt, Version16WithoutStructSizeStillReads) {
  std::vector<uint8_t> b = good_;
  put32(b, kVersion, 16);
  put32(b, kSizeStruct, 0xffffffff);  // not part of a v16 header; must be ignored
  Fdt fdt;
  ASSERT_EQ(Fdt::open(b.data(), b.size(), &fdt), FdtStatus::kOk);
  uint64_t release = 0;
  EXPECT_TRUE(fdt.prop_u64(fdt.find_path("/cpus/cpu@3"), "cpu-release-addr", &release));
  EXPECT_EQ(release, 0xf0u);
}

TEST_F(Corrupt, Tokens) {
  size_t prop = find_token(kProp);
  size_t end_node = find_token(kEndNode);
  size_t end = struct_ + struct_size_ - 4;
  ASSERT_EQ(get32(good_, end), kEnd);
  ASSERT_EQ(get32(good_, end - 4), kEndNode) << "the root's END_NODE";

  auto with = [&](size_t at, uint32_t value) {
    std::vector<uint8_t> b = good_;
    put32(b, at, value);
    return open_status(b);
  };
  EXPECT_EQ(with(prop, 7), FdtStatus::kBadStructure) << "unknown tag";
  EXPECT_EQ(with(prop + 4, 0xfffffff0), FdtStatus::kBadStructure) << "value past the block";
  EXPECT_EQ(with(prop + 4, static_cast<uint32_t>(struct_size_)), FdtStatus::kBadStructure);
  EXPECT_EQ(with(prop + 8, get32(good_, kSizeStrings)), FdtStatus::kBadStructure)
      << "name past the strings block";
  EXPECT_EQ(with(prop + 8, 0xffffffff), FdtStatus::kBadStructure);
  EXPECT_EQ(with(end, kNop), FdtStatus::kBadStructure) << "no END token";
  EXPECT_EQ(with(end - 4, kEnd), FdtStatus::kBadStructure) << "root left open";
  EXPECT_EQ(with(end - 4, kNop), FdtStatus::kBadStructure) << "root left open";
  EXPECT_EQ(with(end - 4, kBeginNode), FdtStatus::kBadStructure);
  EXPECT_EQ(with(struct_, kEndNode), FdtStatus::kBadStructure) << "END_NODE before any node";
  EXPECT_EQ(with(struct_, kProp), FdtStatus::kBadStructure);
  EXPECT_EQ(with(end_node, kNop), FdtStatus::kBadStructure) << "unbalanced";
  // NOPs in place of a whole property (here a one-cell one) are legal and hide it.
  ASSERT_EQ(get32(good_, prop + 4), 4u);
  std::vector<uint8_t> hidden = good_;
  for (size_t at = prop; at < prop + 16; at += 4) put32(hidden, at, kNop);
  Fdt fdt;
  ASSERT_EQ(Fdt::open(hidden.data(), hidden.size(), &fdt), FdtStatus::kOk);
  EXPECT_EQ(fdt.cells_for_children(fdt.root()).address, 2u) << "now the default";
  EXPECT_TRUE(fdt.find_path("/cpus/cpu@1").valid());
}

TEST_F(Corrupt, UnterminatedPropertyNameAtTheEnd) {
  // The strings block is last in dtc's output; its final name loses its NUL.
  size_t strings_end = get32(good_, kOffStrings) + get32(good_, kSizeStrings);
  ASSERT_EQ(strings_end, good_.size());
  ASSERT_EQ(good_.back(), 0);
  std::vector<uint8_t> b = good_;
  b.back() = 'x';
  EXPECT_EQ(open_status(b), FdtStatus::kBadStructure);
}

TEST_F(Corrupt, UnterminatedNodeNameAtTheEnd) {
  // A structure block that ends inside a node name.
  std::vector<uint8_t> b = good_;
  size_t cpus_name = 0;
  for (size_t i = struct_; i + 4 < b.size(); ++i)
    if (memcmp(&b[i], "cpus", 5) == 0) cpus_name = i;
  ASSERT_NE(cpus_name, 0u);
  put32(b, kSizeStruct, static_cast<uint32_t>(cpus_name + 2 - struct_));
  EXPECT_EQ(open_status(b), FdtStatus::kBadStructure);
}

TEST_F(Corrupt, RandomByteChangesNeverReadOutOfBounds) {
  // Deterministic, so a failure reproduces.
  uint64_t state = 0x2545f4914f6cdd1dull;
  auto next = [&]() {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  int opened = 0;
  for (int round = 0; round < 4000; ++round) {
    std::vector<uint8_t> b = good_;
    int changes = 1 + static_cast<int>(next() % 4);
    for (int i = 0; i < changes; ++i) {
      // Mostly inside the structure block, where the parsing is.
      size_t at = next() % 4 != 0 ? struct_ + next() % struct_size_ : next() % b.size();
      uint64_t how = next();
      if (how % 3 == 0)
        b[at] ^= static_cast<uint8_t>(1u << (how >> 8) % 8);
      else if (how % 3 == 1)
        b[at] = static_cast<uint8_t>(how >> 16);
      else if (at % 4 == 0 && at + 4 <= b.size())
        put32(b, at, static_cast<uint32_t>(how >> 32) % 10);
    }
    if (open_status(b) == FdtStatus::kOk) ++opened;
    if (::testing::Test::HasFailure()) break;
  }
  // Many changes hit values, not structure, so some blobs still open.
  EXPECT_GT(opened, 0);
}

}  // namespace
