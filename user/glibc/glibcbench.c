/* glibc's process and thread round trips, as design.md measures them on
 * Linux with a static glibc program: fork + _exit + waitpid, vfork + _exit +
 * waitpid, pthread_create + pthread_join.
 *   glibcbench [quick]      the round trips; meant for -icount shift=0,sleep=off,
 *                           where CLOCK_MONOTONIC counts guest instructions
 *   glibcbench loop WHAT N  N rounds of fork, vfork or thread and nothing else
 *                           (tools/profile.py subtracts two such runs)
 * Prints "KBENCH <name> <value> ns" lines (tools/bench.py tabulates them). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int g_rounds = 200;

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void fork_round(void) {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  waitpid(pid, NULL, 0);
}

static void vfork_round(void) {
  pid_t pid = vfork();
  if (pid == 0) _exit(0);
  waitpid(pid, NULL, 0);
}

static void* nothing(void* arg) { return arg; }

static void thread_round(void) {
  pthread_t t;
  if (pthread_create(&t, NULL, nothing, NULL) == 0) pthread_join(t, NULL);
}

/* Two untimed rounds (glibc's stack cache, the kernel's caches), then the
 * average of g_rounds. */
static uint64_t cost(void (*round)(void)) {
  round();
  round();
  uint64_t t0 = now_ns();
  for (int i = 0; i < g_rounds; ++i) round();
  return (now_ns() - t0) / (uint64_t)g_rounds;
}

static void (*by_name(const char* what))(void) {
  if (strcmp(what, "fork") == 0) return fork_round;
  if (strcmp(what, "vfork") == 0) return vfork_round;
  if (strcmp(what, "thread") == 0) return thread_round;
  return NULL;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc > 3 && strcmp(argv[1], "loop") == 0) {
    void (*round)(void) = by_name(argv[2]);
    if (!round) return 2;
    for (int i = 0, n = atoi(argv[3]); i < n; ++i) round();
    return 0;
  }
  if (argc > 1 && strcmp(argv[1], "quick") == 0) g_rounds = 5;
  printf("KBENCH glibc_fork_exit_waitpid %lu ns\n", (unsigned long)cost(fork_round));
  printf("KBENCH glibc_vfork_exit_waitpid %lu ns\n", (unsigned long)cost(vfork_round));
  printf("KBENCH glibc_pthread_create_join %lu ns\n", (unsigned long)cost(thread_round));
  return 0;
}
