/* The smallest program: says hello with its pid and arguments, exits with argc - 1. */
#include "tine.h"

int main(int argc, char** argv) {
  printf("hello from pid %d:", getpid());
  for (int i = 0; i < argc; ++i) printf(" %s", argv[i]);
  printf("\n");
  return argc - 1;
}
