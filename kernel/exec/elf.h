// Reading static ELF64 executables for AArch64 (System V gABI and the AArch64
// ELF supplement). Portable and allocation-free: it only checks the file and
// describes what to load; kernel/exec/exec.cpp does the loading.
#pragma once
#include <stddef.h>
#include <stdint.h>

enum class ElfError : uint8_t {
  kOk,
  kTooSmall,  // shorter than an ELF header
  kBadMagic,  // not \x7fELF
  kNotElf64,  // EI_CLASS is not ELFCLASS64
  kNotLittleEndian,
  kBadVersion,
  kNotAarch64,     // e_machine is not EM_AARCH64
  kNotExecutable,  // e_type is not ET_EXEC (static executables only)
  kDynamic,        // has PT_INTERP: needs a dynamic linker
  kBadPhdrs,       // program headers missing, truncated or of the wrong size
  kBadSegment,     // a PT_LOAD outside the file or the user range, or filesz > memsz
  kTooManySegments,
  kOverlap,  // two PT_LOADs share a page
  kNoSegments,
  kBadEntry,  // entry point in no executable segment
};
const char* elf_error_name(ElfError e);

struct ElfSegment {
  uint64_t vaddr;
  uint64_t memsz;
  uint64_t offset;  // in the file
  uint64_t filesz;
  unsigned prot;  // PROT_READ 1 | PROT_WRITE 2 | PROT_EXEC 4
};

struct ElfInfo {
  static constexpr unsigned kMaxSegments = 8;
  uint64_t entry;
  uint64_t phoff;  // program headers in the file
  uint16_t phnum;
  uint16_t phentsize;
  uint64_t phdr_vaddr;  // where the program headers are once loaded, or 0
  uint64_t image_end;   // end of the highest segment (its memsz)
  unsigned nsegs;
  ElfSegment segs[kMaxSegments];  // in address order
};

// Checks an executable of file_size bytes whose first `size` bytes are at
// `data` (the ELF header and program headers must lie in them); its segments
// must lie in [lo, hi).
[[nodiscard]] ElfError elf_parse(const void* data, size_t size, uint64_t file_size, uint64_t lo,
                                 uint64_t hi, ElfInfo* out);
// The same for a whole file in memory.
[[nodiscard]] inline ElfError elf_parse(const void* data, size_t size, uint64_t lo, uint64_t hi,
                                        ElfInfo* out) {
  return elf_parse(data, size, size, lo, hi, out);
}
// Where the program headers end (to know how much of the file to read
// first), or 0 when the first 64 bytes are no ELF header.
uint64_t elf_headers_end(const void* data, size_t size);
