/* Ends in the way argv[1] says, for the tests of what happens when init dies:
 *   crash segv | ill | exit N | words W... | poweroff | halt
 * ("words" exits with the number of words after it, which must be the words
 * w0, w1, ... in order: the boot arguments past "--" reach init whole),
 * or, with "many N", has N children die of SIGSEGV one after another, waits
 * past the kernel's window for lines about user programs, and has one more
 * die (the console's rate limit: tests/user/init_status.py). "poweroff" and
 * "halt" end the machine with reboot(2) while init still runs (it exits 1 if
 * the call returns). */
#include "tine.h"

static void children_crash(long n) {
  volatile int* volatile bad = (volatile int*)0x8;
  for (long i = 0; i < n; ++i) {
    int pid = fork();
    if (pid == 0) (void)*bad;
    int st;
    waitpid(pid, &st, 0);
  }
}

int main(int argc, char** argv) {
  const char* how = argc > 1 ? argv[1] : "segv";
  printf("crash: %s\n", how);
  flush_stdout();
  volatile int* volatile bad = (volatile int*)0x8;
  if (strcmp(how, "segv") == 0) return *bad;
  if (strcmp(how, "ill") == 0) __asm__ volatile(".inst 0x00000000");
  if (strcmp(how, "exit") == 0) return (int)atol(argc > 2 ? argv[2] : "0");
  if (strcmp(how, "words") == 0) {
    for (int i = 2; i < argc; ++i) {
      char want[16];
      snprintf(want, sizeof want, "w%d", i - 2);
      if (strcmp(argv[i], want) != 0) return 255;
    }
    return argc - 2;
  }
  if (strcmp(how, "poweroff") == 0 || strcmp(how, "halt") == 0) {
    enum { SYS_reboot = 142, kMagic1 = 0xfee1dead, kMagic2 = 672274793 };
    long cmd = strcmp(how, "halt") == 0 ? 0xcdef0123 : 0x4321fedc;
    syscall4(SYS_reboot, kMagic1, kMagic2, cmd, 0);
    return 1;
  }
  if (strcmp(how, "many") == 0) {
    children_crash(atol(argc > 2 ? argv[2] : "1"));
    struct timespec window = {5, 200000000};
    nanosleep(&window, 0);
    children_crash(1);
    return 0;
  }
  return 1;
}
