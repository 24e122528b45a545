/* Fork and copy-on-write round trips, as design.md's table measures them on
 * Linux (a raw program making the calls itself; fork = clone(SIGCHLD)). Run
 * under QEMU's -icount shift=0,sleep=off, where CLOCK_MONOTONIC counts guest
 * instructions, so every figure is instructions per round trip.
 * Prints "KBENCH <name> <value> ns" lines (tools/bench.py tabulates them).
 *   forkbench [quick]   quick: fewer rounds (a smoke test) */
#include "tine.h"

#define PAGE 4096ul
#define MIB (1ul << 20)

static int g_rounds = 20;

static void report(const char* name, uint64_t value) { printf("KBENCH %s %lu ns\n", name, value); }

/* A private anonymous mapping of `mib` MiB with every page written. */
static volatile uint8_t* touched(size_t mib) {
  if (mib == 0) return 0;
  volatile uint8_t* p =
      mmap(0, mib * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (MAP_FAILED_P(p)) {
    printf("forkbench: mmap of %lu MiB failed\n", (unsigned long)mib);
    _exit(1);
  }
  for (size_t off = 0; off < mib * MIB; off += PAGE) p[off] = (uint8_t)off | 1;
  return p;
}

static uint64_t getpid_cost(void) {
  const int n = 2000;
  uint64_t t0 = now_ns();
  for (int i = 0; i < n; ++i) syscall0(SYS_getpid);
  return (now_ns() - t0) / n;
}

/* fork (clone(SIGCHLD)) + child _exit + wait4, averaged. */
static uint64_t fork_round_trip(void) {
  /* one untimed round first */
  int warm = clone_fork();
  if (warm == 0) _exit(0);
  waitpid(warm, 0, 0);
  uint64_t t0 = now_ns();
  for (int i = 0; i < g_rounds; ++i) {
    int pid = clone_fork();
    if (pid == 0) _exit(0);
    waitpid(pid, 0, 0);
  }
  return (now_ns() - t0) / (uint64_t)g_rounds;
}

/* fork, the child writes one byte in every page of `p` (mib MiB), exits; wait.
 * Returns the whole round trip; *per_fault gets the child's own measure of one
 * fault (its first pass over the pages less a second, fault-free pass). */
static uint64_t cow_round_trip(volatile uint8_t* p, size_t mib, uint64_t* per_fault) {
  volatile uint64_t* shared =
      mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  shared[0] = 0;
  size_t pages = mib * MIB / PAGE;
  /* warm: one round trip so the parent's tables are in steady state */
  int pid = clone_fork();
  if (pid == 0) _exit(0);
  waitpid(pid, 0, 0);
  for (size_t off = 0; off < mib * MIB; off += PAGE) p[off] = (uint8_t)off | 1;
  uint64_t t0 = now_ns();
  pid = clone_fork();
  if (pid == 0) {
    uint64_t a = now_ns();
    for (size_t i = 0; i < pages; ++i) p[i * PAGE] = 2;
    uint64_t b = now_ns();
    for (size_t i = 0; i < pages; ++i) p[i * PAGE] = 3;
    uint64_t c = now_ns();
    shared[0] = ((b - a) - (c - b)) / pages;
    _exit(0);
  }
  waitpid(pid, 0, 0);
  uint64_t total = now_ns() - t0;
  *per_fault = shared[0];
  munmap((void*)shared, PAGE);
  return total;
}

static const char* mode_name(int mode) { return mode ? "copy_ptes" : "share_tables"; }

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "quick") == 0) g_rounds = 3;
  long old_mode = tine_vmctl(VMCTL_GET_FORK_MODE, 0);
  report("user_getpid", getpid_cost());
  static const size_t sizes[] = {0, 16, 64};
  for (int mode = 0; mode < 2; ++mode) {
    tine_vmctl(VMCTL_SET_FORK_MODE, mode);
    for (size_t s = 0; s < sizeof sizes / sizeof sizes[0]; ++s) {
      volatile uint8_t* p = touched(sizes[s]);
      char name[64];
      snprintf(name, sizeof name, "user_fork_exit_wait_%luMiB_%s", (unsigned long)sizes[s],
               mode_name(mode));
      report(name, fork_round_trip());
      if (p) munmap((void*)p, sizes[s] * MIB);
    }
    volatile uint8_t* p = touched(16);
    uint64_t per_fault = 0;
    uint64_t total = cow_round_trip(p, 16, &per_fault);
    char name[64];
    snprintf(name, sizeof name, "user_fork_cow_16MiB_%s", mode_name(mode));
    report(name, total);
    snprintf(name, sizeof name, "user_cow_fault_per_page_%s", mode_name(mode));
    report(name, total / (16 * MIB / PAGE));
    snprintf(name, sizeof name, "user_cow_fault_in_child_%s", mode_name(mode));
    report(name, per_fault);
    munmap((void*)p, 16 * MIB);
  }
  tine_vmctl(VMCTL_SET_FORK_MODE, old_mode);
  return 0;
}
