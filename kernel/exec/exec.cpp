// Program lookup ("#!" included), ELF loading through the vnode, and the
// initial stack.
#include "kernel/exec/exec.h"

#include "kernel/exec/elf.h"
#include "kernel/fs/namei.h"
#include "kernel/fs/vfs.h"
#include "kernel/fs/vnode.h"
#include "kernel/lib/string.h"
#include "kernel/mm/kmalloc.h"
#include "kernel/mm/mem_account.h"
#include "kernel/random/random.h"
#include "kernel/uapi/error_numbers.h"
#include "kernel/vm/layout.h"
#include "kernel/vm/vmspace.h"

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
constexpr size_t kMaxHeaders = 65536;  // ELF and program headers read before loading
constexpr size_t kChunk = 4096;

bool read_only(const ElfSegment& s) { return (s.prot & 2) == 0; }

// The pages of a read-only segment that hold file data: [start, image_end(s)).
// Those past it are zero and stay demand-zero, so a segment whose memory size
// is far larger than its file part pins no more than the file's size.
uint64_t image_end(const ElfSegment& s) { return page_round_up(s.vaddr + s.filesz); }

// A read-only segment's pages with file data go to the space's image, filled
// from the file (the part of a page past the data is zero) and mapped pinned.
int load_image_pages(Vmspace* vm, Vnode* file, const ElfSegment& s, uint64_t start, uint64_t end) {
  for (uint64_t va = start; va < end; va += kPageSize) {
    Page* p = page_alloc_charged(vm->pt.payer, 0, PageUse::User, kPageZero);
    if (p == nullptr) return -ENOMEM;
    uint64_t lo = va > s.vaddr ? va : s.vaddr;
    uint64_t hi = va + kPageSize < s.vaddr + s.filesz ? va + kPageSize : s.vaddr + s.filesz;
    if (lo < hi) {
      uint8_t* dst = static_cast<uint8_t*>(page_to_virt(p)) + (lo - va);
      int64_t got = vn_read_kernel(file, s.offset + (lo - s.vaddr), dst, hi - lo);
      if (got != static_cast<int64_t>(hi - lo)) {
        page_put(p);
        return got < 0 && got != -EFAULT ? static_cast<int>(got) : -ENOEXEC;
      }
    }
    int err = vm_map_image_page(vm, va, p);  // (syncs the I-cache for an executable page)
    if (err) return err == -EEXIST ? -ENOEXEC : err;
  }
  return 0;
}

int load_segments(Vmspace* vm, Vnode* file, const ElfInfo& info, uint8_t* buf) {
  uint64_t image_pages = 0;
  for (unsigned i = 0; i < info.nsegs; ++i) {
    const ElfSegment& s = info.segs[i];
    if (read_only(s) && s.filesz != 0)
      image_pages += (image_end(s) - page_round_down(s.vaddr)) / kPageSize;
  }
  if (image_pages > UINT32_MAX) return -ENOEXEC;
  if (int err = vm_image_reserve(vm, static_cast<uint32_t>(image_pages))) return err;
  for (unsigned i = 0; i < info.nsegs; ++i) {
    const ElfSegment& s = info.segs[i];
    uint64_t start = page_round_down(s.vaddr);
    uint64_t end = page_round_up(s.vaddr + s.memsz);
    int err = vm_map_fixed(vm, start, end - start, s.prot, RegionKind::kImage, false);
    if (err) return err == -EEXIST ? -ENOEXEC : err;
    if (read_only(s)) {
      if (s.filesz != 0 && (err = load_image_pages(vm, file, s, start, image_end(s)))) return err;
      continue;
    }
    for (uint64_t done = 0; done < s.filesz;) {
      uint64_t n = s.filesz - done < kChunk ? s.filesz - done : kChunk;
      int64_t got = vn_read_kernel(file, s.offset + done, buf, n);
      if (got != static_cast<int64_t>(n))
        return got < 0 && got != -EFAULT ? static_cast<int>(got) : -ENOEXEC;
      if (vm_write(vm, s.vaddr + done, buf, n, (s.prot & 4) != 0) != 0) return -ENOMEM;
      done += n;
    }
  }
  return 0;
}

// A "#!" line: the interpreter and its optional argument (Linux's
// binfmt_script: the rest of the line, blanks trimmed, is one argument).
int parse_script(char* line, size_t n, const char** interp, size_t* ilen, const char** arg,
                 size_t* alen) {
  size_t end = 2;
  while (end < n && line[end] != '\n') ++end;
  bool whole = end < n;
  size_t i = 2;
  while (i < end && (line[i] == ' ' || line[i] == '\t')) ++i;
  size_t is = i;
  while (i < end && line[i] != ' ' && line[i] != '\t' && line[i] != 0) ++i;
  if (i == is) return -ENOEXEC;
  if (i == end && !whole) return -ENOEXEC;  // the interpreter's name does not fit the line
  *interp = line + is;
  *ilen = i - is;
  while (i < end && (line[i] == ' ' || line[i] == '\t')) ++i;
  size_t as = i;
  size_t ae = end;
  while (ae > as && (line[ae - 1] == ' ' || line[ae - 1] == '\t' || line[ae - 1] == 0)) --ae;
  for (size_t k = as; k < ae; ++k)
    if (line[k] == 0) ae = k;  // a NUL ends the argument
  *arg = ae > as ? line + as : nullptr;
  *alen = ae > as ? ae - as : 0;
  return 0;
}

// Looks path up: the vnode (held) of a regular file cr may execute, and its
// absolute path stored in a.
int open_program(ExecArgs* a, Vnode* start, const char* path, const FsCred& cr, Vnode** out,
                 const char** abs_path) {
  Vnode* dir = nullptr;
  Vnode* v = nullptr;
  char last[kNameMax + 1];
  bool slash = false;
  {
    lockmgr(&g_namespace_lock, LK_SHARED);
    Lookup l = lookup_make(start, path, kLookupParent | kLookupFollow, cr);
    int err = namei_locked(&l);
    if (!err && !l.vp) err = -ENOENT;
    if (!err) {
      v = l.vp;
      dir = l.dvp;
      l.vp = l.dvp = nullptr;
      tine_memcpy(last, l.last, l.last_len + 1);
      if (l.last_is_dot || l.last_len == 0) last[0] = 0;
      slash = l.trailing_slash;
    }
    lookup_done(&l);
    lockmgr(&g_namespace_lock, LK_RELEASE);
    if (err) return err;
  }
  int err = 0;
  if (slash && v->type != VType::kDir)
    err = -ENOTDIR;  // "file/" names a directory (Linux)
  else if (v->type != VType::kReg || last[0] == 0)
    err = -EACCES;
  else
    err = vn_access(v, X_OK, cr);
  char* buf = nullptr;
  if (!err) {
    buf = static_cast<char*>(kmalloc(kPathMax, M_TEMP, M_WAITOK));
    if (!buf) err = -ENOMEM;
  }
  if (!err) {
    int n = vfs_path_of(dir, last, buf, kPathMax);
    if (n < 0)
      err = n;
    else if (!(*abs_path = exec_args_store(a, buf, static_cast<size_t>(n))))
      err = -E2BIG;
  }
  if (buf) kfree(buf, M_TEMP);
  vrele(dir);
  if (err) {
    vrele(v);
    return err;
  }
  *out = v;
  return 0;
}

}  // namespace

void exec_set_initrd(const void* base, size_t size) {
  g_initrd = base;
  g_initrd_size = size;
}

const void* exec_initrd(size_t* size) {
  *size = g_initrd_size;
  return g_initrd;
}

ExecArgs* exec_args_new() {
  auto* a = static_cast<ExecArgs*>(kmalloc(sizeof(ExecArgs), M_TEMP, M_WAITOK));
  if (!a) return nullptr;
  a->argc = a->envc = a->used = 0;
  a->argv[0] = a->envp[0] = nullptr;
  a->filename = a->exe = nullptr;
  return a;
}

void exec_args_free(ExecArgs* a) { kfree(a, M_TEMP); }

const char* exec_args_store(ExecArgs* a, const char* s, size_t n) {
  if (sizeof a->strings - a->used < n + 1) return nullptr;
  char* d = a->strings + a->used;
  tine_memcpy(d, s, n);
  d[n] = 0;
  a->used += n + 1;
  return d;
}

namespace {

// Copies a NULL-terminated kernel vector (null: none) into a (argv or envp).
int add_vector(ExecArgs* a, const char* const* vec, bool env) {
  const char** out = env ? a->envp : a->argv;
  size_t& n = env ? a->envc : a->argc;
  for (size_t i = 0; vec && vec[i]; ++i) {
    if (a->argc + a->envc >= kExecMaxArgs) return -E2BIG;
    const char* s = exec_args_store(a, vec[i], tine_strlen(vec[i]));
    if (!s || a->used > kExecMaxStrings) return -E2BIG;
    out[n++] = s;
  }
  out[n] = nullptr;
  return 0;
}

}  // namespace

int exec_args_from(ExecArgs* a, const char* const* argv, const char* const* envp) {
  if (int e = add_vector(a, argv, false); e) return e;
  return add_vector(a, envp, true);
}

int exec_resolve(ExecArgs* a, Vnode* start, const FsCred& cr, Vnode** out) {
  const char* path = a->filename;
  char line[kExecScriptLine];
  for (int depth = 0;; ++depth) {
    Vnode* v;
    const char* abs;
    if (int e = open_program(a, start, path, cr, &v, &abs); e) return e;
    int64_t n = vn_read_kernel(v, 0, line, sizeof line);
    if (n >= 4 && line[0] == 0x7f && line[1] == 'E' && line[2] == 'L' && line[3] == 'F') {
      a->exe = abs;
      *out = v;
      return 0;
    }
    vrele(v);
    if (n < 2 || line[0] != '#' || line[1] != '!') return n < 0 ? static_cast<int>(n) : -ENOEXEC;
    if (depth == kExecMaxInterp) return -ELOOP;
    const char* interp;
    const char* arg;
    size_t ilen, alen;
    if (int e = parse_script(line, static_cast<size_t>(n), &interp, &ilen, &arg, &alen); e)
      return e;
    // argv becomes: interpreter, [argument], the script, then argv[1..].
    const char* si = exec_args_store(a, interp, ilen);
    const char* sa = arg ? exec_args_store(a, arg, alen) : nullptr;
    const char* sp = exec_args_store(a, path, tine_strlen(path));
    size_t add = arg ? 3 : 2;
    size_t keep = a->argc > 0 ? a->argc - 1 : 0;
    if (!si || (arg && !sa) || !sp || keep + add >= sizeof a->argv / sizeof a->argv[0])
      return -E2BIG;
    tine_memmove(a->argv + add, a->argv + (a->argc - keep), keep * sizeof(char*));
    a->argv[0] = si;
    if (arg) a->argv[1] = sa;
    a->argv[add - 1] = sp;
    a->argc = keep + add;
    a->argv[a->argc] = nullptr;
    path = si;
  }
}

int exec_load(Vmspace* vm, Vnode* file, const ExecArgs& a, const ExecIds& ids, ExecEntry* out) {
  uint64_t file_size;
  {
    MutexGuard g(file->lock);
    file_size = file->size;
  }
  auto* hdr = static_cast<uint8_t*>(kmalloc(kMaxHeaders + kChunk, M_TEMP, M_WAITOK));
  if (!hdr) return -ENOMEM;  // the headers, then a buffer for the segments
  int64_t got = vn_read_kernel(file, 0, hdr, kChunk);
  uint64_t need = got > 0 ? elf_headers_end(hdr, static_cast<size_t>(got)) : 0;
  if (need > static_cast<uint64_t>(got) && need <= kMaxHeaders)
    got = vn_read_kernel(file, 0, hdr, static_cast<size_t>(need));
  ElfInfo info;
  ElfError pe =
      got < 0 ? ElfError::kTooSmall
              : elf_parse(hdr, static_cast<size_t>(got), file_size, kUserMin, kMmapTop, &info);
  if (pe != ElfError::kOk) {  // (said to no one: shells run such files as scripts)
    kfree(hdr, M_TEMP);
    return -ENOEXEC;
  }
  size_t argc = a.argc, envc = a.envc;
  size_t strbytes = 0;
  for (size_t i = 0; i < argc; ++i) strbytes += tine_strlen(a.argv[i]) + 1;
  for (size_t i = 0; i < envc; ++i) strbytes += tine_strlen(a.envp[i]) + 1;
  const char* execfn = a.filename ? a.filename : "";
  size_t execfn_len = tine_strlen(execfn) + 1;
  strbytes += execfn_len;
  int err = 0;
  if (argc + envc > kExecMaxArgs + 2 * kExecMaxInterp || strbytes > sizeof a.strings) err = -E2BIG;
  if (!err) err = load_segments(vm, file, info, hdr + kMaxHeaders);
  if (!err) vm_set_heap(vm, page_round_up(info.image_end));
  if (!err) err = vm_map_fixed(vm, kStackBottom, kStackSize, 3, RegionKind::kStack, false);
  if (!err)
    err = vm_map_fixed(vm, kStackBottom - kStackGuard, kStackGuard, 0, RegionKind::kGuard, false);
  if (err) {
    kfree(hdr, M_TEMP);
    return err;
  }

  // The top of the stack, from kStackTop down: AT_RANDOM's bytes, the strings
  // (argv, envp, the file name), the program headers when no segment loads
  // them, then (16-byte aligned) argc, argv[], NULL, envp[], NULL, the
  // auxiliary vector.
  size_t phdr_bytes = info.phdr_vaddr ? 0 : size_t{info.phnum} * info.phentsize;
  size_t info_bytes = 16 + ((strbytes + 15) & ~size_t{15}) + ((phdr_bytes + 15) & ~size_t{15});
  size_t vec_words = 1 + (argc + 1) + (envc + 1) + 2 * (kAuxPairs + 1);
  uint64_t sp = (kStackTop - info_bytes - vec_words * 8) & ~uint64_t{15};
  size_t total = kStackTop - sp;
  uint8_t* img = static_cast<uint8_t*>(kmalloc(total, M_TEMP, M_WAITOK | M_ZERO));
  if (img == nullptr) {
    kfree(hdr, M_TEMP);
    return -ENOMEM;
  }
  auto at = [&](uint64_t va) { return img + (va - sp); };

  uint64_t random_va = kStackTop - 16;
  random_bytes(at(random_va), 16);  // AT_RANDOM
  uint64_t str_va = random_va - ((strbytes + 15) & ~size_t{15});
  uint64_t phdr_va = info.phdr_vaddr;
  if (phdr_bytes) {
    phdr_va = str_va - ((phdr_bytes + 15) & ~size_t{15});
    tine_memcpy(at(phdr_va), hdr + info.phoff, phdr_bytes);
  }
  kfree(hdr, M_TEMP);
  uint64_t* vec = reinterpret_cast<uint64_t*>(at(sp));
  size_t w = 0;
  vec[w++] = argc;
  uint64_t s = str_va;
  for (size_t i = 0; i < argc; ++i) {
    size_t n = tine_strlen(a.argv[i]) + 1;
    tine_memcpy(at(s), a.argv[i], n);
    vec[w++] = s;
    s += n;
  }
  vec[w++] = 0;
  for (size_t i = 0; i < envc; ++i) {
    size_t n = tine_strlen(a.envp[i]) + 1;
    tine_memcpy(at(s), a.envp[i], n);
    vec[w++] = s;
    s += n;
  }
  vec[w++] = 0;
  uint64_t execfn_va = s;
  tine_memcpy(at(s), execfn, execfn_len);
  const uint64_t aux[kAuxPairs][2] = {
      {AT_PHDR, phdr_va},     {AT_PHENT, info.phentsize},
      {AT_PHNUM, info.phnum}, {AT_PAGESZ, kPageSize},
      {AT_BASE, 0},           {AT_FLAGS, 0},
      {AT_ENTRY, info.entry}, {AT_UID, ids.uid},
      {AT_EUID, ids.euid},    {AT_GID, ids.gid},
      {AT_EGID, ids.egid},    {AT_HWCAP, kHwcapFp | kHwcapAsimd},
      {AT_CLKTCK, 100},       {AT_SECURE, ids.secure ? 1u : 0u},
      {AT_RANDOM, random_va}, {AT_EXECFN, execfn_va},
  };
  for (const auto& pair : aux) {
    vec[w++] = pair[0];
    vec[w++] = pair[1];
  }
  vec[w++] = AT_NULL;
  vec[w++] = 0;
  err = vm_write(vm, sp, img, total, false);
  kfree(img, M_TEMP);
  if (err) return -ENOMEM;
  out->pc = info.entry;
  out->sp = sp;
  return 0;
}
