/* From _start to main: the initial stack (argc, argv, envp, auxv), then exit. */
#include "tine.h"

int main(int argc, char** argv, char** envp);

char** environ;
static uint64_t* g_auxv;

uint64_t getauxval(uint64_t type) {
  for (uint64_t* a = g_auxv; a && a[0] != 0; a += 2)
    if (a[0] == type) return a[1];
  return 0;
}

_Noreturn void __tine_start(uint64_t* sp) {
  int argc = (int)sp[0];
  char** argv = (char**)(sp + 1);
  char** envp = argv + argc + 1;
  char** e = envp;
  while (*e) ++e;
  g_auxv = (uint64_t*)(e + 1);
  environ = envp;
  exit(main(argc, argv, envp));
}
