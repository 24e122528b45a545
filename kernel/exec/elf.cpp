#include "kernel/exec/elf.h"

namespace {

// Field offsets of Elf64_Ehdr and Elf64_Phdr; read byte-wise so neither the
// alignment nor the endianness of the host matters.
constexpr size_t kEhdrSize = 64;
constexpr size_t kPhdrSize = 56;
constexpr uint32_t kPtLoad = 1, kPtInterp = 3, kPtPhdr = 6;
constexpr uint16_t kEtExec = 2;
constexpr uint16_t kEmAarch64 = 183;
constexpr uint64_t kPage = 4096;

uint64_t rd(const uint8_t* p, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}

unsigned prot_of(uint32_t pflags) {
  // PF_X 1, PF_W 2, PF_R 4  ->  PROT_READ 1, PROT_WRITE 2, PROT_EXEC 4
  return ((pflags & 4) ? 1u : 0u) | ((pflags & 2) ? 2u : 0u) | ((pflags & 1) ? 4u : 0u);
}

}  // namespace

const char* elf_error_name(ElfError e) {
  switch (e) {
    case ElfError::kOk: return "ok";
    case ElfError::kTooSmall: return "too small for an ELF header";
    case ElfError::kBadMagic: return "not an ELF file";
    case ElfError::kNotElf64: return "not ELF64";
    case ElfError::kNotLittleEndian: return "not little-endian";
    case ElfError::kBadVersion: return "unknown ELF version";
    case ElfError::kNotAarch64: return "not an AArch64 program";
    case ElfError::kNotExecutable: return "not a static executable (ET_EXEC)";
    case ElfError::kDynamic: return "dynamically linked (PT_INTERP)";
    case ElfError::kBadPhdrs: return "bad program headers";
    case ElfError::kBadSegment: return "bad PT_LOAD segment";
    case ElfError::kTooManySegments: return "too many PT_LOAD segments";
    case ElfError::kOverlap: return "PT_LOAD segments share a page";
    case ElfError::kNoSegments: return "no PT_LOAD segment";
    case ElfError::kBadEntry: return "entry point outside the executable segments";
  }
  return "?";
}

uint64_t elf_headers_end(const void* data, size_t size) {
  const uint8_t* b = static_cast<const uint8_t*>(data);
  if (size < kEhdrSize || b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') return 0;
  uint64_t phoff = rd(b + 32, 8);
  uint64_t phnum = rd(b + 56, 2);
  if (phoff > (uint64_t{1} << 32)) return 0;
  return phoff + phnum * kPhdrSize;
}

ElfError elf_parse(const void* data, size_t size, uint64_t file_size, uint64_t lo, uint64_t hi,
                   ElfInfo* out) {
  const uint8_t* b = static_cast<const uint8_t*>(data);
  if (size < kEhdrSize) return ElfError::kTooSmall;
  if (b[0] != 0x7f || b[1] != 'E' || b[2] != 'L' || b[3] != 'F') return ElfError::kBadMagic;
  if (b[4] != 2) return ElfError::kNotElf64;
  if (b[5] != 1) return ElfError::kNotLittleEndian;
  if (b[6] != 1 || rd(b + 20, 4) != 1) return ElfError::kBadVersion;
  if (rd(b + 18, 2) != kEmAarch64) return ElfError::kNotAarch64;
  if (rd(b + 16, 2) != kEtExec) return ElfError::kNotExecutable;

  ElfInfo info = {};
  info.entry = rd(b + 24, 8);
  info.phoff = rd(b + 32, 8);
  info.phentsize = static_cast<uint16_t>(rd(b + 54, 2));
  info.phnum = static_cast<uint16_t>(rd(b + 56, 2));
  if (info.phnum == 0 || info.phentsize != kPhdrSize || info.phoff > size ||
      (size - info.phoff) / kPhdrSize < info.phnum)
    return ElfError::kBadPhdrs;

  for (unsigned i = 0; i < info.phnum; ++i) {
    const uint8_t* ph = b + info.phoff + i * kPhdrSize;
    uint32_t type = static_cast<uint32_t>(rd(ph, 4));
    if (type == kPtInterp) return ElfError::kDynamic;
    if (type == kPtPhdr) info.phdr_vaddr = rd(ph + 16, 8);
    if (type != kPtLoad) continue;
    ElfSegment s;
    s.prot = prot_of(static_cast<uint32_t>(rd(ph + 4, 4)));
    s.offset = rd(ph + 8, 8);
    s.vaddr = rd(ph + 16, 8);
    s.filesz = rd(ph + 32, 8);
    s.memsz = rd(ph + 40, 8);
    if (s.memsz == 0) continue;
    // Only the bytes a segment loads must be in the file: GNU ld gives a
    // bss-only segment p_filesz 0 and a p_offset past the end of the file.
    if (s.filesz > s.memsz ||
        (s.filesz != 0 && (s.offset > file_size || file_size - s.offset < s.filesz)))
      return ElfError::kBadSegment;
    if (s.vaddr < lo || s.vaddr >= hi || hi - s.vaddr < s.memsz ||
        hi - (s.vaddr + s.memsz) < (kPage - 1))
      return ElfError::kBadSegment;
    if (info.nsegs == ElfInfo::kMaxSegments) return ElfError::kTooManySegments;
    // Keep them in address order; no two may share a page.
    unsigned at = info.nsegs;
    while (at > 0 && info.segs[at - 1].vaddr > s.vaddr) {
      info.segs[at] = info.segs[at - 1];
      --at;
    }
    info.segs[at] = s;
    ++info.nsegs;
  }
  if (info.nsegs == 0) return ElfError::kNoSegments;
  for (unsigned i = 0; i + 1 < info.nsegs; ++i) {
    uint64_t end_page = (info.segs[i].vaddr + info.segs[i].memsz + kPage - 1) & ~(kPage - 1);
    if (end_page > (info.segs[i + 1].vaddr & ~(kPage - 1))) return ElfError::kOverlap;
  }
  bool entry_ok = false;
  for (unsigned i = 0; i < info.nsegs; ++i) {
    const ElfSegment& s = info.segs[i];
    if ((s.prot & 4) && info.entry >= s.vaddr && info.entry < s.vaddr + s.memsz) entry_ok = true;
    // The program headers, if a segment loads them and no PT_PHDR said where.
    if (info.phdr_vaddr == 0 && info.phoff >= s.offset &&
        info.phoff + uint64_t{info.phnum} * kPhdrSize <= s.offset + s.filesz)
      info.phdr_vaddr = s.vaddr + (info.phoff - s.offset);
  }
  if (!entry_ok) return ElfError::kBadEntry;
  const ElfSegment& last = info.segs[info.nsegs - 1];
  info.image_end = last.vaddr + last.memsz;
  *out = info;
  return ElfError::kOk;
}
