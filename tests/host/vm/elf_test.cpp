// The ELF reader against hand-built images: what it accepts and every reason
// it refuses a file.
#include <gtest/gtest.h>

#include <string.h>

#include <vector>

#include "kernel/exec/elf.h"

namespace {

constexpr uint64_t kLo = 0x10000, kHi = 0x7fbf7f0000;  // kUserMin, kMmapTop

struct Phdr {
  uint32_t type, flags;
  uint64_t offset, vaddr, filesz, memsz;
};

void put(std::vector<uint8_t>& b, size_t at, uint64_t v, unsigned n) {
  if (b.size() < at + n) b.resize(at + n);
  for (unsigned i = 0; i < n; ++i) b[at + i] = static_cast<uint8_t>(v >> (8 * i));
}

// An ELF64 AArch64 executable with these program headers right after the header.
std::vector<uint8_t> image(const std::vector<Phdr>& ph, uint64_t entry, size_t size = 0x3000) {
  std::vector<uint8_t> b(size, 0);
  const uint8_t ident[16] = {0x7f, 'E', 'L', 'F', 2, 1, 1, 0};
  memcpy(b.data(), ident, 16);
  put(b, 16, 2, 2);    // ET_EXEC
  put(b, 18, 183, 2);  // EM_AARCH64
  put(b, 20, 1, 4);
  put(b, 24, entry, 8);
  put(b, 32, 64, 8);  // e_phoff
  put(b, 52, 64, 2);
  put(b, 54, 56, 2);
  put(b, 56, ph.size(), 2);
  for (size_t i = 0; i < ph.size(); ++i) {
    size_t at = 64 + 56 * i;
    put(b, at, ph[i].type, 4);
    put(b, at + 4, ph[i].flags, 4);
    put(b, at + 8, ph[i].offset, 8);
    put(b, at + 16, ph[i].vaddr, 8);
    put(b, at + 32, ph[i].filesz, 8);
    put(b, at + 40, ph[i].memsz, 8);
  }
  return b;
}

const Phdr kText = {1, 5, 0, 0x400000, 0x1000, 0x1000};
const Phdr kData = {1, 6, 0x1000, 0x401000, 0x800, 0x5000};

ElfError parse(const std::vector<uint8_t>& b, ElfInfo* info) {
  return elf_parse(b.data(), b.size(), kLo, kHi, info);
}

TEST(Elf, AcceptsAStaticExecutable) {
  auto b = image({kData, kText, {0x6474e551, 6, 0, 0, 0, 0}}, 0x400100);  // + PT_GNU_STACK
  ElfInfo info;
  ASSERT_EQ(parse(b, &info), ElfError::kOk);
  EXPECT_EQ(info.entry, 0x400100u);
  ASSERT_EQ(info.nsegs, 2u);
  EXPECT_EQ(info.segs[0].vaddr, 0x400000u);  // sorted by address
  EXPECT_EQ(info.segs[0].prot, 5u);          // PF_R|PF_X -> PROT_READ|PROT_EXEC
  EXPECT_EQ(info.segs[1].prot, 3u);
  EXPECT_EQ(info.phnum, 3u);
  EXPECT_EQ(info.phdr_vaddr, 0x400040u);  // loaded with the first segment
  EXPECT_EQ(info.image_end, 0x406000u);
}

TEST(Elf, ProgramHeadersNotLoaded) {
  auto b = image({{1, 5, 0x1000, 0x400000, 0x1000, 0x1000}}, 0x400000);
  ElfInfo info;
  ASSERT_EQ(parse(b, &info), ElfError::kOk);
  EXPECT_EQ(info.phdr_vaddr, 0u);
}

TEST(Elf, PtPhdrWins) {
  auto b = image({{6, 4, 64, 0x400040, 112, 112}, kText}, 0x400000);
  ElfInfo info;
  ASSERT_EQ(parse(b, &info), ElfError::kOk);
  EXPECT_EQ(info.phdr_vaddr, 0x400040u);
}

TEST(Elf, RefusesWhatItCannotRun) {
  ElfInfo info;
  auto good = image({kText}, 0x400000);
  EXPECT_EQ(elf_parse(good.data(), 63, kLo, kHi, &info), ElfError::kTooSmall);
  struct Case {
    size_t at;
    uint64_t v;
    unsigned n;
    ElfError want;
  } cases[] = {
      {0, 0x7e, 1, ElfError::kBadMagic},     {4, 1, 1, ElfError::kNotElf64},
      {5, 2, 1, ElfError::kNotLittleEndian}, {6, 0, 1, ElfError::kBadVersion},
      {18, 62, 2, ElfError::kNotAarch64},    {16, 3, 2, ElfError::kNotExecutable},
      {54, 32, 2, ElfError::kBadPhdrs},      {56, 0, 2, ElfError::kBadPhdrs},
      {32, 0x2ff0, 8, ElfError::kBadPhdrs},
  };
  for (const Case& c : cases) {
    auto b = good;
    put(b, c.at, c.v, c.n);
    EXPECT_EQ(parse(b, &info), c.want) << "byte " << c.at;
  }
}

// GNU ld's default script gives a program with only zero-initialised data a
// read/write segment with p_filesz 0 and p_offset past the end of the file.
TEST(Elf, AcceptsABssOnlySegmentPastTheEndOfTheFile) {
  auto b = image({kText, {1, 6, 0x4ff0, 0x401ff0, 0, 0x2000}}, 0x400100);
  ElfInfo info;
  ASSERT_EQ(parse(b, &info), ElfError::kOk);
  ASSERT_EQ(info.nsegs, 2u);
  EXPECT_EQ(info.segs[1].filesz, 0u);
  EXPECT_EQ(info.image_end, 0x403ff0u);
}

TEST(Elf, RefusesBadSegments) {
  ElfInfo info;
  EXPECT_EQ(parse(image({kText, {3, 4, 0x100, 0, 10, 10}}, 0x400000), &info), ElfError::kDynamic);
  EXPECT_EQ(parse(image({{1, 5, 0, 0x400000, 0x2000, 0x1000}}, 0x400000), &info),
            ElfError::kBadSegment);  // filesz > memsz
  EXPECT_EQ(parse(image({{1, 5, 0x2800, 0x400000, 0x1000, 0x1000}}, 0x400000), &info),
            ElfError::kBadSegment);  // past the end of the file
  EXPECT_EQ(parse(image({{1, 5, 0, 0x1000, 0x1000, 0x1000}}, 0x1000), &info),
            ElfError::kBadSegment);  // below the lowest user address
  EXPECT_EQ(parse(image({{1, 5, 0, kHi - 0x800, 0x1000, 0x1000}}, kHi - 0x800), &info),
            ElfError::kBadSegment);  // runs past the top
  EXPECT_EQ(parse(image({{1, 5, 0, 0xfffffffffffff000ull, 0x1000, 0x2000}}, 0x400000), &info),
            ElfError::kBadSegment);  // wraps
  EXPECT_EQ(parse(image({kText, {1, 6, 0x1000, 0x400800, 0x100, 0x100}}, 0x400000), &info),
            ElfError::kOverlap);
  EXPECT_EQ(parse(image({{1, 6, 0, 0x400000, 0x1000, 0x1000}}, 0x400000), &info),
            ElfError::kBadEntry);  // entry in a non-executable segment
  EXPECT_EQ(parse(image({kText}, 0x500000), &info), ElfError::kBadEntry);
  EXPECT_EQ(parse(image({{4, 4, 0, 0, 0, 0}}, 0x400000), &info), ElfError::kNoSegments);
  std::vector<Phdr> many;
  for (int i = 0; i < 9; ++i) many.push_back({1, 5, 0, 0x400000u + 0x10000u * i, 0x100, 0x100});
  EXPECT_EQ(parse(image(many, 0x400000), &info), ElfError::kTooManySegments);
  for (ElfError e = ElfError::kOk; e <= ElfError::kBadEntry;
       e = static_cast<ElfError>(static_cast<int>(e) + 1))
    EXPECT_STRNE(elf_error_name(e), "?");
}

}  // namespace
