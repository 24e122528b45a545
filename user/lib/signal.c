/* Signal actions and the blocked set. A handler returns into
 * signal_restorer, which makes the rt_sigreturn call that puts back what the
 * kernel saved in the handler's frame. */
#include "tine.h"

enum { SA_RESTORER = 0x04000000 };

void signal_restorer(void);
__asm__(
    ".text\n"
    ".globl signal_restorer\n"
    "signal_restorer:\n"
    "  mov x8, #139\n" /* SYS_rt_sigreturn */
    "  svc #0\n"
    "  brk #0\n");

long signal_action(int sig, sighandler_t handler, unsigned long flags, uint64_t mask,
                   sighandler_t* old) {
  uint64_t act[4] = {(uint64_t)handler, flags | SA_RESTORER, (uint64_t)signal_restorer, mask};
  uint64_t prev[4];
  long r = syscall4(SYS_rt_sigaction, sig, (long)act, (long)prev, 8);
  if (r == 0 && old) *old = (sighandler_t)prev[0];
  return r;
}

long signal_mask(int how, const uint64_t* set, uint64_t* old) {
  return syscall4(SYS_rt_sigprocmask, how, (long)set, (long)old, 8);
}
