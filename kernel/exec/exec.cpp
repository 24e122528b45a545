// Program lookup, ELF loading and the initial stack.
#include "kernel/exec/exec.h"

#include "kernel/console/kprintf.h"
#include "kernel/exec/cpio.h"
#include "kernel/exec/elf.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/random/random.h"
#include "kernel/syscall/errno.h"
#include "kernel/time/clock.h"
#include "kernel/vm/layout.h"
#include "kernel/vm/vmspace.h"

// The built-in programs: a newc archive of user/'s executables under bin/,
// placed in the image by builtin_progs.S.
extern "C" const uint8_t builtin_cpio_start[], builtin_cpio_end[];

namespace {

const void* g_initrd;
size_t g_initrd_size;

// Auxiliary vector keys (Linux's include/uapi/linux/auxvec.h).
enum : uint64_t {
  AT_NULL = 0,
  AT_PHDR = 3,
  AT_PHENT = 4,
  AT_PHNUM = 5,
  AT_PAGESZ = 6,
  AT_BASE = 7,
  AT_FLAGS = 8,
  AT_ENTRY = 9,
  AT_UID = 11,
  AT_EUID = 12,
  AT_GID = 13,
  AT_EGID = 14,
  AT_HWCAP = 16,
  AT_CLKTCK = 17,
  AT_SECURE = 23,
  AT_RANDOM = 25,
  AT_EXECFN = 31,
};
constexpr uint64_t kHwcapFp = 1u << 0, kHwcapAsimd = 1u << 1;
constexpr unsigned kAuxPairs = 16;

size_t count(const char* const* v) {
  size_t n = 0;
  while (v && v[n]) ++n;
  return n;
}

// AT_RANDOM's 16 bytes (glibc's stack protector and pointer guard).
void random16(uint8_t* out) { random_bytes(out, 16); }

int load_segments(Vmspace* vm, const ExecFile& f, const ElfInfo& info) {
  for (unsigned i = 0; i < info.nsegs; ++i) {
    const ElfSegment& s = info.segs[i];
    uint64_t start = page_round_down(s.vaddr);
    uint64_t end = page_round_up(s.vaddr + s.memsz);
    int err = vm_map_fixed(vm, start, end - start, s.prot, RegionKind::kImage, false);
    if (err) return err == -EEXIST ? -ENOEXEC : err;
    if (s.filesz)
      if (int e = vm_write(vm, s.vaddr, f.data + s.offset, s.filesz, (s.prot & 4) != 0); e)
        return -ENOMEM;
  }
  return 0;
}

}  // namespace

void exec_set_initrd(const void* base, size_t size) {
  g_initrd = base;
  g_initrd_size = size;
}

int exec_lookup(const char* path, ExecFile* out) {
  CpioEntry e;
  if (g_initrd && cpio_find(g_initrd, g_initrd_size, path, &e)) {
    *out = {e.data, e.size, false};
    return 0;
  }
  size_t builtin_size = static_cast<size_t>(builtin_cpio_end - builtin_cpio_start);
  // Built-ins live under bin/; a bare name finds them too.
  char name[96] = "bin/";
  const char* p = path;
  while (*p == '/') ++p;
  if (tine_strncmp(p, "bin/", 4) == 0) p += 4;
  if (tine_strlen(p) + 5 > sizeof name) return -ENOENT;
  tine_strlcpy(name + 4, p, sizeof name - 4);
  if (cpio_find(builtin_cpio_start, builtin_size, name, &e)) {
    *out = {e.data, e.size, true};
    return 0;
  }
  return -ENOENT;
}

void exec_builtins_for_each(void (*fn)(const char* name, size_t size, void* ctx), void* ctx) {
  CpioReader r(builtin_cpio_start, static_cast<size_t>(builtin_cpio_end - builtin_cpio_start));
  CpioEntry e;
  while (r.next(&e)) {
    if ((e.mode & kCpioTypeMask) != kCpioRegular) continue;
    const char* n = e.name;
    if (tine_strncmp(n, "bin/", 4) == 0) n += 4;
    fn(n, e.size, ctx);
  }
}

int exec_load(Vmspace* vm, const ExecFile& f, const char* const* argv, const char* const* envp,
              const ExecIds& ids, ExecEntry* out) {
  ElfInfo info;
  ElfError pe = elf_parse(f.data, f.size, kUserMin, kMmapTop, &info);
  if (pe != ElfError::kOk) {
    kprintf("exec: %s\n", elf_error_name(pe));
    return -ENOEXEC;
  }
  size_t argc = count(argv), envc = count(envp);
  if (argc + envc > kExecMaxArgs) return -E2BIG;
  size_t strbytes = 0;
  for (size_t i = 0; i < argc; ++i) strbytes += tine_strlen(argv[i]) + 1;
  for (size_t i = 0; i < envc; ++i) strbytes += tine_strlen(envp[i]) + 1;
  if (strbytes > kExecMaxStrings) return -E2BIG;

  if (int err = load_segments(vm, f, info); err) return err;
  vm_set_heap(vm, page_round_up(info.image_end));
  if (int err = vm_map_fixed(vm, kStackBottom, kStackSize, 3, RegionKind::kStack, false); err)
    return err;
  if (int err =
          vm_map_fixed(vm, kStackBottom - kStackGuard, kStackGuard, 0, RegionKind::kGuard, false);
      err)
    return err;

  // The top of the stack, from kStackTop down: AT_RANDOM's bytes, the strings,
  // the program headers when no segment loads them, then (16-byte aligned) argc,
  // argv[], NULL, envp[], NULL, the auxiliary vector.
  size_t phdr_bytes = info.phdr_vaddr ? 0 : size_t{info.phnum} * info.phentsize;
  size_t info_bytes = 16 + ((strbytes + 15) & ~size_t{15}) + ((phdr_bytes + 15) & ~size_t{15});
  size_t vec_words = 1 + (argc + 1) + (envc + 1) + 2 * (kAuxPairs + 1);
  uint64_t sp = (kStackTop - info_bytes - vec_words * 8) & ~uint64_t{15};
  size_t total = kStackTop - sp;
  uint8_t* img = static_cast<uint8_t*>(kmalloc(total, M_TEMP, M_WAITOK | M_ZERO));
  if (img == nullptr) return -ENOMEM;
  auto at = [&](uint64_t va) { return img + (va - sp); };

  uint64_t random_va = kStackTop - 16;
  random16(at(random_va));
  uint64_t str_va = random_va - ((strbytes + 15) & ~size_t{15});
  uint64_t phdr_va = info.phdr_vaddr;
  if (phdr_bytes) {
    phdr_va = str_va - ((phdr_bytes + 15) & ~size_t{15});
    tine_memcpy(at(phdr_va), f.data + info.phoff, phdr_bytes);
  }
  uint64_t* vec = reinterpret_cast<uint64_t*>(at(sp));
  size_t w = 0;
  vec[w++] = argc;
  uint64_t s = str_va;
  uint64_t execfn = 0;
  for (size_t i = 0; i < argc; ++i) {
    size_t n = tine_strlen(argv[i]) + 1;
    tine_memcpy(at(s), argv[i], n);
    if (i == 0) execfn = s;
    vec[w++] = s;
    s += n;
  }
  vec[w++] = 0;
  for (size_t i = 0; i < envc; ++i) {
    size_t n = tine_strlen(envp[i]) + 1;
    tine_memcpy(at(s), envp[i], n);
    vec[w++] = s;
    s += n;
  }
  vec[w++] = 0;
  const uint64_t aux[kAuxPairs][2] = {
      {AT_PHDR, phdr_va},     {AT_PHENT, info.phentsize},
      {AT_PHNUM, info.phnum}, {AT_PAGESZ, kPageSize},
      {AT_BASE, 0},           {AT_FLAGS, 0},
      {AT_ENTRY, info.entry}, {AT_UID, ids.uid},
      {AT_EUID, ids.euid},    {AT_GID, ids.gid},
      {AT_EGID, ids.egid},    {AT_HWCAP, kHwcapFp | kHwcapAsimd},
      {AT_CLKTCK, 100},       {AT_SECURE, 0},
      {AT_RANDOM, random_va}, {execfn ? AT_EXECFN : AT_NULL, execfn},
  };
  for (const auto& pair : aux) {
    if (pair[0] == AT_NULL) continue;
    vec[w++] = pair[0];
    vec[w++] = pair[1];
  }
  vec[w++] = AT_NULL;
  vec[w++] = 0;
  int err = vm_write(vm, sp, img, total, false);
  kfree(img, M_TEMP);
  if (err) return -ENOMEM;
  out->pc = info.entry;
  out->sp = sp;
  return 0;
}
