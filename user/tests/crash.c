/* Ends in the way argv[1] says, for the tests of what happens when init dies:
 *   crash segv | ill | exit N */
#include "tine.h"

int main(int argc, char** argv) {
  const char* how = argc > 1 ? argv[1] : "segv";
  printf("crash: %s\n", how);
  flush_stdout();
  volatile int* volatile bad = (volatile int*)0x8;
  if (strcmp(how, "segv") == 0) return *bad;
  if (strcmp(how, "ill") == 0) __asm__ volatile(".inst 0x00000000");
  if (strcmp(how, "exit") == 0) return (int)atol(argc > 2 ? argv[2] : "0");
  return 1;
}
