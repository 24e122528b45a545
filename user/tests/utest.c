/* The user-mode suite: system calls, address spaces, copy-on-write fork,
 * faults that must kill only their process, and -EFAULT on bad pointers.
 * Run as init (init=utest); exits with the number of failed checks.
 *   utest [NAME...]   runs the named tests only */
#include "utest.h"

extern char _start[];
extern char __executable_start[] __attribute__((weak));

#define KERNEL_ADDR ((void*)0xffff000000080000ull) /* the kernel image, in TTBR1's half */
#define PAGE 4096ul

static uint64_t mix(uint64_t x) {
  x ^= x >> 33;
  x *= 0xff51afd7ed558ccdull;
  x ^= x >> 33;
  return x;
}

/* Fills every word of n pages with a pattern of seed, the page and the word. */
static void fill_pages(volatile uint64_t* p, size_t pages, uint64_t seed) {
  for (size_t i = 0; i < pages; ++i)
    for (size_t w = 0; w < PAGE / 8; ++w) p[i * PAGE / 8 + w] = mix(seed ^ (i << 20) ^ w);
}
/* Whether every word still holds fill_pages' pattern for seed. */
static int pages_hold(volatile uint64_t* p, size_t pages, uint64_t seed) {
  for (size_t i = 0; i < pages; ++i)
    for (size_t w = 0; w < PAGE / 8; ++w)
      if (p[i * PAGE / 8 + w] != mix(seed ^ (i << 20) ^ w)) return 0;
  return 1;
}

static struct tine_kstat ks(void) {
  struct tine_kstat k;
  tine_kstat(&k, TINE_KSTAT_SETTLE);
  return k;
}

/* ---- basics ---- */

/* The library's snprintf, the conversions its programs use (the fuzzer's
 * reports among them). */
static void t_format(void) {
  char b[64];
  UT_EQ("format_len", snprintf(b, sizeof b, "%d %ld %u %s", -5, -1L, 7u, "x"), 9);
  UT_CHECK("format_int", strcmp(b, "-5 -1 7 x") == 0);
  snprintf(b, sizeof b, "%#lx %#x %#X %#06x %x", 0x1fUL, 0u, 255u, 0x1fu, 255u);
  ut_check("format_alt_hex", strcmp(b, "0x1f 0 0XFF 0x001f ff") == 0, "got \"%s\"", b);
  UT_EQ("format_truncated", snprintf(b, 4, "%s", "abcdef"), 6);
  UT_CHECK("format_truncated_text", strcmp(b, "abc") == 0);
}

static void t_basic(void) {
  static const char msg[] = "basic: hello from EL0\n";
  UT_EQ("write", write(1, msg, sizeof msg - 1), sizeof msg - 1);
  UT_EQ("write_badfd", write(7, msg, 1), -EBADF);
  UT_EQ("write_zero", write(1, msg, 0), 0);
  UT_CHECK("getpid", getpid() > 0);
  UT_CHECK("gettid", gettid() > 0);
  UT_CHECK("getppid", getppid() >= 0);
  UT_EQ("unknown_syscall", syscall0(999), -ENOSYS);
  struct timespec a, b, r;
  UT_EQ("clock_mono", clock_gettime(CLOCK_MONOTONIC, &a), 0);
  UT_EQ("clock_real", clock_gettime(CLOCK_REALTIME, &r), 0);
  UT_EQ("clock_bad_id", clock_gettime(99, &r), -EINVAL);
  UT_EQ("clock_mono_again", clock_gettime(CLOCK_MONOTONIC, &b), 0);
  UT_CHECK("clock_mono_monotonic",
           b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
  UT_CHECK("clock_nsec_range", a.tv_nsec >= 0 && a.tv_nsec < 1000000000);
  struct timespec bad = {0, 1000000000};
  UT_EQ("nanosleep_einval", nanosleep(&bad, 0), -EINVAL);
  uint64_t t0 = now_ns();
  struct timespec d = {0, 20 * 1000 * 1000};
  UT_EQ("nanosleep", nanosleep(&d, 0), 0);
  uint64_t slept = now_ns() - t0;
  ut_check("nanosleep_long_enough", slept >= 20000000u, "slept %lu ns", (unsigned long)slept);
  UT_EQ("sched_yield", sched_yield(), 0);
}

static void t_auxv(void) {
  UT_EQ("pagesz", getauxval(AT_PAGESZ), 4096);
  UT_EQ("entry", getauxval(AT_ENTRY), (uint64_t)_start);
  const uint32_t* ph = (const uint32_t*)getauxval(AT_PHDR);
  UT_CHECK("phdr_present", ph != 0);
  UT_EQ("phent", getauxval(AT_PHENT), 56);
  UT_CHECK("phnum", getauxval(AT_PHNUM) >= 2);
  if (ph) UT_EQ("phdr_first_is_load", ph[0], 1); /* PT_LOAD */
  const uint8_t* rnd = (const uint8_t*)getauxval(AT_RANDOM);
  int nonzero = 0;
  for (int i = 0; rnd && i < 16; ++i) nonzero |= rnd[i];
  UT_CHECK("random", rnd != 0 && nonzero);
  int have_path = 0;
  for (char** e = environ; *e; ++e)
    if (strncmp(*e, "PATH=", 5) == 0) have_path = 1;
  UT_CHECK("environ", have_path);
  UT_CHECK("stack_aligned", ((uint64_t)__builtin_frame_address(0) & 15) == 0);
}

/* ---- heap and mappings ---- */

static void t_brk(void) {
  long base = sys_brk(0);
  UT_CHECK("brk_query", base > 0 && (base & 4095) == 0);
  struct tine_kstat k0 = ks();
  const long grow = 4l << 20;
  UT_EQ("brk_grow", sys_brk((void*)(base + grow)), base + grow);
  fill_pages((volatile uint64_t*)base, grow / PAGE, 1);
  UT_CHECK("brk_pattern", pages_hold((volatile uint64_t*)base, grow / PAGE, 1));
  struct tine_kstat k1 = ks();
  UT_EQ("brk_pages_in", k1.user_pages - k0.user_pages, grow / PAGE);
  UT_EQ("brk_shrink", sys_brk((void*)base), base);
  struct tine_kstat k2 = ks();
  UT_EQ("brk_pages_out", k2.user_pages, k0.user_pages);
  UT_EQ("brk_regrow", sys_brk((void*)(base + 8192)), base + 8192);
  UT_EQ("brk_zero_again", *(volatile uint64_t*)base, 0);
  UT_EQ("brk_below_base", sys_brk((void*)(base - 4096)), base + 8192);
  UT_CHECK("sbrk", sbrk(4096) == (void*)(base + 8192) && sys_brk(0) == base + 12288);
  sys_brk((void*)base);
}

static void t_mmap(void) {
  struct tine_kstat k0 = ks();
  const size_t len = 8ul << 20;
  uint8_t* p = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  UT_CHECK("mmap", !MAP_FAILED_P(p) && ((uint64_t)p & 4095) == 0);
  UT_EQ("mmap_zero", p[12345], 0);
  fill_pages((volatile uint64_t*)p, len / PAGE, 2);
  UT_CHECK("mmap_pattern", pages_hold((volatile uint64_t*)p, len / PAGE, 2));
  struct tine_kstat k1 = ks();
  UT_EQ("mmap_pages_in", k1.user_pages - k0.user_pages, len / PAGE);
  /* Punch a hole in the middle; both sides keep their data. */
  UT_EQ("munmap_middle", munmap(p + PAGE * 100, PAGE * 50), 0);
  UT_CHECK("mmap_low_kept", pages_hold((volatile uint64_t*)p, 100, 2));
  UT_EQ("munmap_rest", munmap(p, len), 0);
  struct tine_kstat k2 = ks();
  UT_EQ("mmap_pages_out", k2.user_pages, k0.user_pages);
  UT_EQ("mmap_regions_out", k2.regions, k0.regions);
  UT_EQ("mmap_tables_out", k2.user_pt_pages, k0.user_pt_pages);
  /* A hint, MAP_FIXED, MAP_FIXED_NOREPLACE. */
  void* want = (void*)0x200000000ul;
  void* h = mmap(want, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  UT_EQ("mmap_hint", (long)h, (long)want);
  *(volatile int*)h = 5;
  void* f =
      mmap(want, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  UT_EQ("mmap_fixed", (long)f, (long)want);
  UT_EQ("mmap_fixed_fresh", *(volatile int*)f, 0);
  UT_EQ("mmap_noreplace",
        (long)mmap(want, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0),
        -EEXIST);
  munmap(want, PAGE);
  /* MAP_FIXED where no user memory can be, in Linux's order: past the top
   * -ENOMEM (its TASK_SIZE check), unaligned -EINVAL, below 0x10000 -EPERM
   * (its mmap_min_addr; tine's root too). */
  const unsigned fixed = MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED;
  UT_EQ("mmap_fixed_top", (long)mmap((void*)0x8000000000ul, PAGE, PROT_READ, fixed, -1, 0),
        -ENOMEM);
  UT_EQ("mmap_fixed_across_top",
        (long)mmap((void*)(0x8000000000ul - PAGE), 2 * PAGE, PROT_READ, fixed, -1, 0), -ENOMEM);
  UT_EQ("mmap_fixed_low", (long)mmap((void*)0x1000ul, PAGE, PROT_READ, fixed, -1, 0), -EPERM);
  UT_EQ("mmap_fixed_top_unaligned",
        (long)mmap((void*)0x8000000010ul, PAGE, PROT_READ, fixed, -1, 0), -ENOMEM);
  UT_EQ("mmap_fixed_unaligned", (long)mmap((void*)0x200000010ul, PAGE, PROT_READ, fixed, -1, 0),
        -EINVAL);
  UT_EQ("mmap_len0", (long)mmap(0, 0, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), -EINVAL);
  UT_EQ("mmap_file", (long)mmap(0, PAGE, PROT_READ, MAP_PRIVATE, 3, 0), -ENODEV);
  UT_EQ("mmap_no_type", (long)mmap(0, PAGE, PROT_READ, MAP_ANONYMOUS, -1, 0), -EINVAL);
  UT_EQ("munmap_unaligned", munmap((void*)0x200000001ul, PAGE), -EINVAL);
  /* Big and sparse: 256 MiB reserved, a few pages touched. */
  uint8_t* big = mmap(0, 256ul << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  UT_CHECK("mmap_big", !MAP_FAILED_P(big));
  if (!MAP_FAILED_P(big)) {
    for (size_t off = 0; off < (256ul << 20); off += 32ul << 20) big[off] = 1;
    UT_EQ("munmap_big", munmap(big, 256ul << 20), 0);
  }
}

static void t_mprotect(void) {
  uint8_t* p = mmap(0, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  p[0] = 1;
  p[PAGE] = 2;
  UT_EQ("mprotect_ro", mprotect(p, PAGE, PROT_READ), 0);
  UT_EQ("mprotect_read_ok", p[0], 1);
  UT_EQ("mprotect_rw_again", mprotect(p, PAGE, PROT_READ | PROT_WRITE), 0);
  p[0] = 3;
  UT_EQ("mprotect_write_ok", p[0], 3);
  munmap(p + 2 * PAGE, PAGE); /* a hole: the range must be mapped throughout */
  UT_EQ("mprotect_hole", mprotect(p, 4 * PAGE, PROT_READ), -ENOMEM);
  UT_EQ("mprotect_hole_unchanged", (p[0] = 4), 4);
  UT_EQ("mprotect_unaligned", mprotect(p + 1, PAGE, PROT_READ), -EINVAL);
  munmap(p, 4 * PAGE);
}

/* ---- faults: each in a child, which must die of the right signal ---- */

static void do_kernel_read(void* a) { (void)*(volatile uint64_t*)KERNEL_ADDR; }
static void do_kernel_write(void* a) { *(volatile uint64_t*)KERNEL_ADDR = 1; }
static void do_text_write(void* a) { *(volatile uint32_t*)(void*)t_basic = 0; }
static void do_undefined(void* a) { __asm__ volatile(".inst 0x00000000"); /* udf #0 */ }
static void do_privileged(void* a) {
  uint64_t v;
  __asm__ volatile("mrs %0, sctlr_el1" : "=r"(v));
}
static void do_null(void* a) {
  (void)*(volatile int*)0; /* NOLINT(clang-analyzer-core.NullDereference): the fault is the test */
}
static void do_unmapped(void* a) {
  (void)*(volatile int*)0x1234567000ul;
} /* 78 GiB: no heap, no mmap */
static volatile int g_depth_limit = 1 << 30;
static int recurse(int n) {
  volatile char pad[1024];
  pad[0] = (char)n;
  if (n >= g_depth_limit) return 0; /* never: the guard page stops it first */
  return recurse(n + 1) + pad[0];
}
static void do_stack_overflow(void* a) { recurse(0); }
static void do_ro_write(void* a) {
  uint8_t* p = mmap(0, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  p[0] = 1;
}
static void do_prot_none(void* a) {
  uint8_t* p = mmap(0, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  (void)*(volatile uint8_t*)p;
}
static void do_exec_data(void* a) {
  static uint32_t code[4] = {0xd65f03c0}; /* ret */
  ((void (*)(void))code)();
}
static void do_brk_instruction(void* a) { __asm__ volatile("brk #0"); }

static void expect_signal(const char* check, void (*fn)(void*), int sig) {
  int st = ut_child_status(fn, 0);
  ut_check(check, st >= 0 && WIFSIGNALED(st) && WTERMSIG(st) == sig, "status %#x, wanted signal %d",
           st, sig);
}

static void t_faults(void) {
  expect_signal("kernel_read_segv", do_kernel_read, SIGSEGV);
  expect_signal("kernel_write_segv", do_kernel_write, SIGSEGV);
  expect_signal("text_write_segv", do_text_write, SIGSEGV);
  expect_signal("undefined_sigill", do_undefined, SIGILL);
  expect_signal("privileged_sigill", do_privileged, SIGILL);
  expect_signal("null_segv", do_null, SIGSEGV);
  expect_signal("unmapped_segv", do_unmapped, SIGSEGV);
  expect_signal("stack_guard_segv", do_stack_overflow, SIGSEGV);
  expect_signal("readonly_write_segv", do_ro_write, SIGSEGV);
  expect_signal("prot_none_segv", do_prot_none, SIGSEGV);
  expect_signal("exec_data_segv", do_exec_data, SIGSEGV);
  expect_signal("brk_sigtrap", do_brk_instruction, SIGTRAP);
  UT_CHECK("still_alive", getpid() > 0);
}

/* ---- code made at run time: what __clear_cache and every JIT do at EL0 ---- */

/* Makes instructions just written at [p, p + n) visible to instruction fetch,
 * with the line sizes CTR_EL0 gives: clean each data line to the point of
 * unification, then invalidate each instruction line (GCC's __clear_cache). */
static void clear_cache(void* p, size_t n) {
  uint64_t ctr;
  __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
  uintptr_t dline = 4ul << ((ctr >> 16) & 0xf), iline = 4ul << (ctr & 0xf);
  uintptr_t start = (uintptr_t)p, end = start + n;
  for (uintptr_t a = start & ~(dline - 1); a < end; a += dline)
    __asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
  __asm__ volatile("dsb ish" ::: "memory");
  for (uintptr_t a = start & ~(iline - 1); a < end; a += iline)
    __asm__ volatile("ic ivau, %0" ::"r"(a) : "memory");
  __asm__ volatile("dsb ish\n isb" ::: "memory");
}

/* Writes "mov w0, #value; ret" at code, makes it executable and runs it. */
static int jit_return(uint32_t* code, unsigned value) {
  if (mprotect(code, PAGE, PROT_READ | PROT_WRITE) != 0) return -1;
  code[0] = 0x52800000u | (value << 5); /* movz w0, #value */
  code[1] = 0xd65f03c0u;                /* ret */
  if (mprotect(code, PAGE, PROT_READ | PROT_EXEC) != 0) return -1;
  clear_cache(code, 8);
  return ((int (*)(void))code)();
}

static void do_jit(void* a) {
  uint32_t* code = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (MAP_FAILED_P(code)) exit(3);
  if (jit_return(code, 42) != 42) exit(4);
  if (jit_return(code, 7) != 7) exit(5); /* rewritten: the new code runs, not the old */
  exit(0);
}

static void do_dc_zva(void* a) {
  uint64_t dczid;
  __asm__ volatile("mrs %0, dczid_el0" : "=r"(dczid));
  if (dczid & 16) exit(0);             /* DZP: the CPU has no DC ZVA to allow */
  size_t block = 4ul << (dczid & 0xf); /* at most 2 KiB */
  uint8_t* buf = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (MAP_FAILED_P(buf)) exit(3);
  memset(buf, 0xa5, PAGE);
  __asm__ volatile("dc zva, %0" ::"r"(buf) : "memory");
  for (size_t i = 0; i < PAGE; ++i)
    if (buf[i] != (i < block ? 0 : 0xa5)) exit(6);
  exit(0);
}

static void do_cntvct(void* a) {
  uint64_t t0, t1;
  __asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r"(t0));
  sched_yield();
  __asm__ volatile("isb\n mrs %0, cntvct_el0" : "=r"(t1));
  exit(t0 != 0 && t1 > t0 ? 0 : 7);
}
static void do_cntpct(void* a) {
  uint64_t v;
  __asm__ volatile("mrs %0, cntpct_el0" : "=r"(v));
}
static void do_cntp_ctl(void* a) { __asm__ volatile("msr cntp_ctl_el0, xzr"); }
static void do_cntp_cval(void* a) { __asm__ volatile("msr cntp_cval_el0, xzr"); }

static void expect_exit0(const char* check, void (*fn)(void*)) {
  int st = ut_child_status(fn, 0);
  ut_check(check, st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0, "status 0x%x", st);
}

static void t_el0_sysregs(void) {
  expect_exit0("jit_clear_cache", do_jit);
  expect_exit0("dc_zva", do_dc_zva);
  expect_exit0("cntvct_readable", do_cntvct);
  expect_signal("cntpct_sigill", do_cntpct, SIGILL);
  expect_signal("cntp_ctl_sigill", do_cntp_ctl, SIGILL);
  expect_signal("cntp_cval_sigill", do_cntp_cval, SIGILL);
}

/* ---- bad pointers ---- */

static void t_efault(void) {
  struct timespec ts = {0, 1};
  char* unmapped = (char*)0x6789000000ul;
  UT_EQ("write_kernel_ptr", write(1, KERNEL_ADDR, 8), -EFAULT);
  UT_EQ("write_null", write(1, 0, 8), -EFAULT);
  UT_EQ("write_unmapped", write(1, unmapped, 8), -EFAULT);
  UT_EQ("write_wraps", write(1, (void*)0xfffffffffffff000ul, 0x2000), -EFAULT);
  UT_EQ("write_into_kernel_half", write(1, (void*)0xfffffffffffe0ul, 64), -EFAULT);
  UT_EQ("read_kernel_ptr", read(0, KERNEL_ADDR, 8), -EFAULT);
  UT_EQ("read_into_text", read(0, (void*)t_basic, 8), -EFAULT);
  UT_EQ("clock_kernel_ptr", clock_gettime(CLOCK_MONOTONIC, KERNEL_ADDR), -EFAULT);
  UT_EQ("clock_into_text", clock_gettime(CLOCK_MONOTONIC, (void*)t_basic), -EFAULT);
  UT_EQ("clock_unmapped", clock_gettime(CLOCK_MONOTONIC, (void*)unmapped), -EFAULT);
  UT_EQ("nanosleep_kernel_ptr", nanosleep(KERNEL_ADDR, 0), -EFAULT);
  /* rem is written only when a signal ends the sleep early (Linux): a sleep
   * that runs its course leaves a bad rem alone. */
  UT_EQ("nanosleep_bad_rem_unused", nanosleep(&ts, KERNEL_ADDR), 0);
  UT_EQ("execve_kernel_ptr", execve(KERNEL_ADDR, 0, 0), -EFAULT);
  UT_EQ("execve_missing", execve("/no/such/program", 0, 0), -ENOENT);
  UT_EQ("kstat_kernel_ptr", syscall3(SYS_tine_kstat, (long)KERNEL_ADDR, 64, 0), -EFAULT);
  if (ut_have_fork()) {
    /* A status pointer the kernel cannot write: EFAULT, and the child stays to be reaped. */
    int pid = fork();
    if (pid == 0) _exit(9);
    UT_EQ("wait4_kernel_ptr", wait4(pid, KERNEL_ADDR, 0, 0), -EFAULT);
    int st = 0;
    UT_EQ("wait4_after_efault", waitpid(pid, &st, 0), pid);
    UT_CHECK("wait4_status", WIFEXITED(st) && WEXITSTATUS(st) == 9);
  }
  /* A PROT_NONE page is as bad as no page. */
  void* none = mmap(0, PAGE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  UT_EQ("write_from_prot_none", write(1, none, 8), -EFAULT);
  munmap(none, PAGE);
  /* A good buffer the kernel must fault in on the way (untouched, demand-zero). */
  struct timespec* fresh =
      mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  UT_EQ("clock_into_untouched_page", clock_gettime(CLOCK_MONOTONIC, fresh), 0);
  UT_CHECK("clock_value_arrived", fresh->tv_sec > 0 || fresh->tv_nsec > 0);
  munmap(fresh, PAGE);
}

/* ---- fork and copy-on-write ---- */

#define COW_PAGES 1024ul /* 4 MiB */
#define COW_CHILDREN 4

static void t_fork_cow(void) {
  volatile uint64_t* p =
      mmap(0, COW_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  /* Children report through a shared page: 1 = ok, 2 = bad. */
  volatile uint64_t* verdict =
      mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  fill_pages(p, COW_PAGES, 100);
  for (int c = 0; c < COW_CHILDREN; ++c) verdict[c] = 0;
  struct tine_kstat k0 = ks();
  int pids[COW_CHILDREN];
  for (int c = 0; c < COW_CHILDREN; ++c) {
    pids[c] = fork();
    if (pids[c] == 0) {
      int ok = pages_hold(p, COW_PAGES, 100); /* sees the parent's data */
      for (int round = 0; round < 3; ++round) {
        fill_pages(p, COW_PAGES, 200 + c + round); /* its own writes */
        ok &= pages_hold(p, COW_PAGES, 200 + c + round);
        sched_yield();
      }
      verdict[c] = ok ? 1 : 2;
      _exit(ok ? 0 : 1);
    }
  }
  UT_CHECK("fork_all", pids[0] > 0 && pids[COW_CHILDREN - 1] > 0);
  /* The parent writes half its pages while the children run. */
  fill_pages(p, COW_PAGES / 2, 300);
  int all_exited = 1;
  for (int c = 0; c < COW_CHILDREN; ++c) {
    int st = -1;
    if (pids[c] > 0 && waitpid(pids[c], &st, 0) == pids[c])
      all_exited &= WIFEXITED(st) && WEXITSTATUS(st) == 0;
    else
      all_exited = 0;
  }
  UT_CHECK("children_saw_parent_and_own_data", all_exited);
  int verdicts = 1;
  for (int c = 0; c < COW_CHILDREN; ++c) verdicts &= verdict[c] == 1;
  UT_CHECK("children_verdicts", verdicts);
  UT_CHECK("parent_writes_kept", pages_hold(p, COW_PAGES / 2, 300));
  int rest_ok = 1;
  for (size_t i = COW_PAGES / 2; i < COW_PAGES; ++i)
    for (size_t w = 0; w < PAGE / 8; ++w)
      if (p[i * PAGE / 8 + w] != mix(100 ^ (i << 20) ^ w)) rest_ok = 0;
  UT_CHECK("parent_rest_kept", rest_ok);
  struct tine_kstat k1 = ks();
  UT_EQ("children_pages_returned", k1.user_pages, k0.user_pages);
  UT_EQ("children_spaces_returned", k1.vmspaces, k0.vmspaces);
  UT_CHECK("cow_faults_happened", k1.cow_copies > k0.cow_copies);
  munmap((void*)p, COW_PAGES * PAGE);
  munmap((void*)verdict, PAGE);
}

static void t_fork_shared(void) {
  volatile uint64_t* s =
      mmap(0, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  volatile uint64_t* priv =
      mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  s[0] = 11;
  priv[0] = 1;
  int pid = fork();
  if (pid == 0) {
    int ok = s[0] == 11;
    s[1] = 22;                        /* first touched by the child */
    s[8 * PAGE / 8] = 33;             /* another page, first touched after the fork */
    priv[0] = 2;                      /* private: the parent must not see it */
    while (s[2] != 44) sched_yield(); /* the parent's write must show here */
    s[3] = ok ? 55 : 66;
    _exit(0);
  }
  while (s[1] != 22 || s[8 * PAGE / 8] != 33) sched_yield();
  UT_EQ("child_write_seen", s[1], 22);
  UT_EQ("child_new_page_seen", s[8 * PAGE / 8], 33);
  s[2] = 44;
  int st = -1;
  UT_EQ("wait", waitpid(pid, &st, 0), pid);
  UT_EQ("parent_write_seen_by_child", s[3], 55);
  UT_EQ("private_not_shared", priv[0], 1);
  munmap((void*)s, 16 * PAGE);
  munmap((void*)priv, PAGE);
}

static void t_fork_misc(void) {
  /* clone(SIGCHLD) is Linux's fork. */
  int pid = clone_fork();
  if (pid == 0) _exit(7);
  int st = -1;
  UT_EQ("clone_wait", waitpid(pid, &st, 0), pid);
  UT_CHECK("clone_status", WIFEXITED(st) && WEXITSTATUS(st) == 7);
  /* getpid/getppid across fork. */
  int me = getpid();
  volatile int* shared = mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  pid = fork();
  if (pid == 0) {
    shared[0] = getppid();
    shared[1] = getpid();
    _exit(0);
  }
  waitpid(pid, &st, 0);
  UT_EQ("child_ppid", shared[0], me);
  UT_EQ("child_pid", shared[1], pid);
  UT_EQ("wait_nochild", waitpid(-1, &st, 0), -ECHILD);
  /* A grandchild: fork in a child of a fork. */
  pid = fork();
  if (pid == 0) {
    int g = fork();
    if (g == 0) _exit(3);
    int gs = 0;
    waitpid(g, &gs, 0);
    _exit(WEXITSTATUS(gs) + 1);
  }
  waitpid(pid, &st, 0);
  UT_CHECK("grandchild", WIFEXITED(st) && WEXITSTATUS(st) == 4);
  /* exec from a child. */
  pid = fork();
  if (pid == 0) {
    char* argv[] = {"hello", "from", "exec", 0};
    char* envp[] = {"X=1", 0};
    execve("/bin/hello", argv, envp);
    _exit(100);
  }
  waitpid(pid, &st, 0);
  UT_CHECK("exec_status", WIFEXITED(st) && WEXITSTATUS(st) == 2);
  munmap((void*)shared, PAGE);
}

/* Many processes at once on several CPUs: each child of the test forks a
 * grandchild, and all of them (and the test process) write pseudo-random
 * pages of the same inherited 2 MiB while they map and unmap memory of their
 * own; each keeps its own expectation of every page and checks it. The
 * children race on the copy-on-write of the same shared tables and pages. */
#define STRESS_PAGES 512
#define STRESS_CHILDREN 6

static uint64_t xorshift(uint64_t* s) {
  *s ^= *s << 13;
  *s ^= *s >> 7;
  *s ^= *s << 17;
  return *s;
}

static int stress_body(volatile uint64_t* p, uint64_t* expect, uint64_t seed, int rounds) {
  uint64_t r = seed * 0x9e3779b97f4a7c15ull + 1;
  for (int i = 0; i < rounds; ++i) {
    size_t pg = xorshift(&r) % STRESS_PAGES;
    uint64_t v = xorshift(&r);
    p[pg * PAGE / 8] = v;
    expect[pg] = v;
    if ((i & 63) == 0) {
      uint8_t* m = mmap(0, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (MAP_FAILED_P(m)) return 0;
      for (int k = 0; k < 16; ++k) m[k * PAGE] = (uint8_t)k;
      munmap(m, 16 * PAGE);
      sched_yield();
    }
  }
  for (size_t pg = 0; pg < STRESS_PAGES; ++pg)
    if (p[pg * PAGE / 8] != expect[pg]) return 0;
  return 1;
}

static void t_fork_stress(void) {
  volatile uint64_t* p =
      mmap(0, STRESS_PAGES * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  static uint64_t expect[STRESS_PAGES];
  for (size_t pg = 0; pg < STRESS_PAGES; ++pg) p[pg * PAGE / 8] = expect[pg] = pg;
  int pids[STRESS_CHILDREN];
  for (int c = 0; c < STRESS_CHILDREN; ++c) {
    pids[c] = fork();
    if (pids[c] == 0) {
      int g = fork();
      int ok = stress_body(p, expect, 100 + 2 * c + (g == 0), 3000);
      if (g == 0) _exit(ok ? 0 : 1);
      int st = -1;
      waitpid(g, &st, 0);
      _exit(ok && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1);
    }
  }
  int mine = stress_body(p, expect, 7, 3000);
  int children = 1;
  for (int c = 0; c < STRESS_CHILDREN; ++c) {
    int st = -1;
    children &=
        pids[c] > 0 && waitpid(pids[c], &st, 0) == pids[c] && WIFEXITED(st) && WEXITSTATUS(st) == 0;
  }
  UT_CHECK("parent_pages_consistent", mine);
  UT_CHECK("children_and_grandchildren_consistent", children);
  munmap((void*)p, STRESS_PAGES * PAGE);
}

/* Read-only data of the program: in an exec image page, mapped pinned in
 * this process and every fork of it (docs/vm.md). Made writable, the page
 * is copied on a write, by user code or by the kernel, and the other
 * processes sharing the image keep the original. */
static const uint64_t kImageMarker[512] __attribute__((aligned(4096))) = {0x1111, 0x2222};

static void t_image_cow(void) {
  volatile uint64_t* m = (volatile uint64_t*)kImageMarker;
  int go[2], back[2];
  int piped = pipe(go) == 0 && pipe(back) == 0;
  UT_EQ("image_pipes", piped, 1);
  if (!piped) return;
  int pid = fork();
  if (pid == 0) {
    char c;
    read(go[0], &c, 1); /* the parent has written its copy */
    int ok = m[0] == 0x1111 && mprotect((void*)m, 4096, PROT_READ | PROT_WRITE) == 0;
    m[1] = 0x3333; /* our own copy */
    ok = ok && m[1] == 0x3333 && m[0] == 0x1111;
    write(back[1], "x", 1);
    read(go[0], &c, 1);
    _exit(ok ? 0 : 1);
  }
  UT_EQ("image_mprotect_rw", mprotect((void*)m, 4096, PROT_READ | PROT_WRITE), 0);
  uint64_t v = 0x4444;
  write(back[1], &v, 8);
  UT_EQ("image_kernel_write", read(back[0], (void*)m, 8), 8); /* copyout: a copy-on-write fault */
  UT_EQ("image_kernel_wrote", m[0], 0x4444);
  write(go[1], "x", 1);
  char c;
  read(back[0], &c, 1);
  UT_EQ("image_parent_kept_its_copy", m[1], 0x2222);
  write(go[1], "x", 1);
  int st = -1;
  UT_EQ("image_wait", waitpid(pid, &st, 0), pid);
  UT_CHECK("image_child_saw_the_original", WIFEXITED(st) && WEXITSTATUS(st) == 0);
  UT_EQ("image_mprotect_back", mprotect((void*)m, 4096, PROT_READ), 0);
  close(go[0]);
  close(go[1]);
  close(back[0]);
  close(back[1]);
}

struct test {
  const char* name;
  void (*fn)(void);
  int needs_fork;
};

static const struct test kTests[] = {
    {"basic", t_basic, 0},
    {"format", t_format, 0},
    {"auxv", t_auxv, 0},
    {"brk", t_brk, 0},
    {"mmap", t_mmap, 0},
    {"mprotect", t_mprotect, 0},
    {"efault", t_efault, 0},
    {"faults", t_faults, 1},
    {"el0_sysregs", t_el0_sysregs, 1},
    {"fork_cow", t_fork_cow, 1},
    {"fork_shared", t_fork_shared, 1},
    {"fork_misc", t_fork_misc, 1},
    {"fork_stress", t_fork_stress, 1},
    {"image_cow", t_image_cow, 1},
};

int main(int argc, char** argv) {
  /* The stack this process will need, touched now so tests see a steady baseline. */
  volatile char warm[32768];
  for (size_t i = 0; i < sizeof warm; i += 512) warm[i] = 0;
  ut_init();
  printf("utest: pid %d, fork %s\n", getpid(), ut_have_fork() ? "available" : "not available");
  for (size_t i = 0; i < sizeof kTests / sizeof kTests[0]; ++i) {
    const struct test* t = &kTests[i];
    int selected = argc <= 1;
    for (int a = 1; a < argc; ++a) selected |= strcmp(argv[a], t->name) == 0;
    if (!selected) continue;
    if (t->needs_fork && !ut_have_fork()) {
      printf("utest: %s needs fork, skipped\n", t->name);
      continue;
    }
    ut_run(t->name, t->fn);
  }
  return ut_finish();
}
