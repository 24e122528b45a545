/* madvise and mremap (docs/user-abi.md). */
#define _GNU_SOURCE
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"
#include "tests.h"

#define PAGE 4096

static char* map(size_t len, int flags) {
  void* p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
  return p == MAP_FAILED ? NULL : p;
}

void t_madvise(void) {
  char* p = map(4 * PAGE, MAP_PRIVATE);
  memset(p, 7, 4 * PAGE);
  /* MADV_DONTNEED: private anonymous pages come back as zeroes. */
  EQ("dontneed", madvise(p + PAGE, 2 * PAGE, MADV_DONTNEED), 0);
  CHECK("kept_before", p[0] == 7 && p[PAGE - 1] == 7);
  CHECK("dropped", p[PAGE] == 0 && p[2 * PAGE + 100] == 0 && p[3 * PAGE - 1] == 0);
  CHECK("kept_after", p[3 * PAGE] == 7);
  memset(p, 9, 4 * PAGE);
  EQ("free", madvise(p, 4 * PAGE, MADV_FREE), 0);
  CHECK("free_gone_or_kept", p[0] == 0 || p[0] == 9);
  /* A shared mapping's pages come back with what they held. */
  char* s = map(2 * PAGE, MAP_SHARED);
  memset(s, 5, 2 * PAGE);
  EQ("dontneed_shared", madvise(s, 2 * PAGE, MADV_DONTNEED), 0);
  CHECK("shared_kept", s[0] == 5 && s[PAGE + 1] == 5);
  EQ("free_shared", madvise(s, PAGE, MADV_FREE), -1);
  EQ("free_shared_einval", errno, EINVAL);
  /* Errors. */
  EQ("unaligned", SYS(SYS_madvise, p + 1, PAGE, MADV_NORMAL), -EINVAL);
  EQ("bad_advice", SYS(SYS_madvise, p, PAGE, 999), -EINVAL);
  EQ("zero_len", SYS(SYS_madvise, p, 0, MADV_DONTNEED), 0);
  munmap(p + PAGE, PAGE);
  EQ("hole", SYS(SYS_madvise, p, 4 * PAGE, MADV_WILLNEED), -ENOMEM);
  EQ("hole_dontneed_rest_done", SYS(SYS_madvise, p, 4 * PAGE, MADV_DONTNEED), -ENOMEM);
  CHECK("rest_dropped", p[0] == 0);
  EQ("unmapped", SYS(SYS_madvise, 0x10000, PAGE, MADV_NORMAL), -ENOMEM);
  EQ("populate", madvise(s, 2 * PAGE, MADV_POPULATE_WRITE), 0);
  munmap(p, 4 * PAGE);
  munmap(s, 2 * PAGE);
}

/* MADV_WIPEONFORK: a forked child finds the range zeroed; MADV_KEEPONFORK undoes it. */
static int child_reads(void* arg) {
  char* p = arg;
  return p[0] == 0 && p[PAGE] == 3 ? 0 : 1;
}

void t_madvise_wipeonfork(void) {
  char* p = map(2 * PAGE, MAP_PRIVATE);
  memset(p, 3, 2 * PAGE);
  EQ("wipe", madvise(p, PAGE, MADV_WIPEONFORK), 0);
  int st = t_fork_status(child_reads, p);
  CHECK("child_sees_zero", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  CHECK("parent_kept", p[0] == 3);
  EQ("keep", madvise(p, PAGE, MADV_KEEPONFORK), 0);
  st = t_fork_status(child_reads, p);
  CHECK("child_sees_data", WIFEXITED(st) && WEXITSTATUS(st) == 1);
  char* s = map(PAGE, MAP_SHARED);
  EQ("shared_refused", madvise(s, PAGE, MADV_WIPEONFORK), -1);
  EQ("einval", errno, EINVAL);
  munmap(p, 2 * PAGE);
  munmap(s, PAGE);
}

void t_mremap(void) {
  /* Grow in place when there is room after it. */
  char* p = map(4 * PAGE, MAP_PRIVATE);
  munmap(p + 2 * PAGE, 2 * PAGE);
  memset(p, 1, 2 * PAGE);
  char* q = mremap(p, 2 * PAGE, 4 * PAGE, 0);
  EQ("grow_in_place", (long)q, (long)p);
  CHECK("grown_zero", q[3 * PAGE] == 0 && q[0] == 1);
  /* Shrink. */
  q = mremap(p, 4 * PAGE, PAGE, 0);
  EQ("shrink", (long)q, (long)p);
  CHECK("shrunk_kept", p[0] == 1);
  /* Move when it cannot grow, with the contents. */
  char* blocker = mmap(p + PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  CHECK("blocker", blocker == p + PAGE);
  EQ("no_maymove", (long)mremap(p, PAGE, 8 * PAGE, 0), (long)MAP_FAILED);
  EQ("enomem", errno, ENOMEM);
  p[100] = 42;
  q = mremap(p, PAGE, 8 * PAGE, MREMAP_MAYMOVE);
  CHECK("moved", q != MAP_FAILED && q != p);
  CHECK("contents", q[100] == 42 && q[0] == 1 && q[7 * PAGE] == 0);
  q[0] = 2; /* its own page now */
  EQ("old_gone", SYS(SYS_madvise, p, PAGE, MADV_NORMAL), -ENOMEM);
  /* MREMAP_FIXED to a chosen place, replacing what is there. */
  char* dst = map(8 * PAGE, MAP_PRIVATE);
  memset(dst, 9, 8 * PAGE);
  char* r = mremap(q, 8 * PAGE, 8 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, dst);
  EQ("fixed", (long)r, (long)dst);
  CHECK("fixed_contents", dst[0] == 2 && dst[100] == 42 && dst[7 * PAGE] == 0);
  /* MREMAP_DONTUNMAP: the old range stays, empty. */
  dst[5] = 6;
  char* d = mremap(dst, 8 * PAGE, 8 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
  CHECK("dontunmap_moved", d != MAP_FAILED && d != dst && d[5] == 6);
  CHECK("old_empty", dst[5] == 0);
  /* A shared mapping moves onto the same memory. */
  char* s = map(2 * PAGE, MAP_SHARED);
  s[10] = 11;
  char* s2 = mremap(s, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, d);
  CHECK("shared_moved", s2 == d && d[10] == 11);
  /* Errors. */
  EQ("bad_flags", SYS(SYS_mremap, d, PAGE, PAGE, 8, 0), -EINVAL);
  EQ("fixed_without_maymove", SYS(SYS_mremap, d, PAGE, PAGE, MREMAP_FIXED, dst), -EINVAL);
  EQ("dontunmap_resize", SYS(SYS_mremap, d, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP, 0),
     -EINVAL);
  EQ("unaligned", SYS(SYS_mremap, d + 1, PAGE, PAGE, 0, 0), -EINVAL);
  EQ("zero_new", SYS(SYS_mremap, d, PAGE, 0, 0, 0), -EINVAL);
  EQ("unmapped", SYS(SYS_mremap, 0x10000, PAGE, 2 * PAGE, MREMAP_MAYMOVE, 0), -EFAULT);
  EQ("overlap", SYS(SYS_mremap, d, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, d + PAGE),
     -EINVAL);
  char* two = map(2 * PAGE, MAP_PRIVATE);
  munmap(two + PAGE, PAGE);
  char* next = mmap(two + PAGE, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  (void)next;
  EQ("across_mappings", SYS(SYS_mremap, two, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE, 0), -EFAULT);
  EQ("private_duplicate", SYS(SYS_mremap, two, 0, PAGE, MREMAP_MAYMOVE, 0), -EINVAL);
}

/* Whether a read of addr faults, seen from a child (qemu-user answers
 * madvise itself, so that cannot tell on Linux's side). */
static int child_reads_byte(void* addr) { return *(volatile char*)addr; }
static int unmapped(void* addr) {
  int st = t_fork_status(child_reads_byte, addr);
  return WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV;
}

/* MREMAP_FIXED that also shrinks: the tail goes, the rest moves, only
 * [new_addr, new_addr + new_len) of the destination is replaced. A shared
 * source's tail once leaked its entry and its whole object (the harness's
 * count of live objects and entries sees that). */
void t_mremap_fixed_shrink(void) {
  char* s = map(2 * PAGE, MAP_SHARED);
  char* d = map(4 * PAGE, MAP_PRIVATE);
  s[0] = 1;
  s[PAGE] = 2;
  d[PAGE] = 5;
  char* r = mremap(s, 2 * PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, d);
  EQ("shared", (long)r, (long)d);
  CHECK("shared_contents", d[0] == 1 && d[PAGE] == 5);
  CHECK("shared_source_gone", unmapped(s) && unmapped(s + PAGE));
  /* A range inside one private mapping: three cuts of the source. */
  char* p = map(4 * PAGE, MAP_PRIVATE);
  for (int i = 0; i < 4; ++i) p[i * PAGE] = 10 + i;
  r = mremap(p + PAGE, 2 * PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, d + 2 * PAGE);
  EQ("inside", (long)r, (long)(d + 2 * PAGE));
  CHECK("inside_contents", d[2 * PAGE] == 11 && p[0] == 10 && p[3 * PAGE] == 13);
  CHECK("inside_gone", unmapped(p + PAGE) && unmapped(p + 2 * PAGE));
  munmap(p, 4 * PAGE);
  munmap(d, 4 * PAGE);
}

/* brk giving up what mremap grew the heap by unmaps only [new break, old
 * break), as munmap would: what lies past the old break stays mapped, with
 * its data (it once lost its entry and kept its page). */
void t_brk_after_mremap(void) {
  long cur = SYS(SYS_brk, 0);
  long b = (cur + PAGE - 1) & ~(long)(PAGE - 1);
  EQ("grow", SYS(SYS_brk, b + 2 * PAGE), b + 2 * PAGE);
  char* h = (char*)b;
  char* q = mremap(h, 2 * PAGE, 4 * PAGE, 0);
  EQ("grown_in_place", (long)q, b);
  h[0] = 1;
  h[3 * PAGE] = 3;
  EQ("shrink", SYS(SYS_brk, b + PAGE), b + PAGE);
  CHECK("kept", h[0] == 1);
  CHECK("given_up", unmapped(h + PAGE));
  CHECK("past_old_break", !unmapped(h + 2 * PAGE) && h[3 * PAGE] == 3);
  munmap(h + 2 * PAGE, 2 * PAGE);
  EQ("back", SYS(SYS_brk, cur), cur);
}

/* A moved page that another process still shares stays its own copy: a
 * child's write after the move does not reach the parent. */
void t_mremap_cow(void) {
  char* p = map(PAGE, MAP_PRIVATE);
  p[0] = 1;
  fflush(stdout);
  pid_t pid = fork();
  if (pid == 0) {
    char* q = mremap(p, PAGE, 4 * PAGE, MREMAP_MAYMOVE);
    q[0] = 2;
    _exit(q[0] == 2 ? 0 : 1);
  }
  int st;
  waitpid(pid, &st, 0);
  CHECK("child", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  EQ("parent_unchanged", p[0], 1);
}
