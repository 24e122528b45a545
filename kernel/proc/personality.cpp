// Linux's personality(2): the execution domain and its flags, a word each
// thread has (LwpCopy::personality). Only the thread itself writes its word;
// a thread or process it makes starts with a copy, so no lock is needed.
//
// tine runs 64-bit Linux programs only: PER_LINUX32 is refused, as on an
// arm64 Linux without 32-bit EL0. Every other value is kept and given back,
// as Linux does; none changes what tine does (its layout is never random, so
// ADDR_NO_RANDOMIZE has nothing to turn off, and uname does not follow
// UNAME26).
#include "kernel/proc/personality.h"

#include "kernel/proc/proc.h"
#include "kernel/syscall/syscall.h"
#include "kernel/uapi/error_numbers.h"

namespace {

enum : uint32_t {
  kPerLinux = 0,
  kPerLinux32 = 8,
  kPerMask = 0xff,
  kQuery = 0xffffffff,
  // PER_CLEAR_ON_SETID: ADDR_NO_RANDOMIZE | MMAP_PAGE_ZERO | ADDR_COMPAT_LAYOUT | READ_IMPLIES_EXEC.
  kClearOnSetid = 0x0040000 | 0x0100000 | 0x0200000 | 0x0400000,
};

}  // namespace

// personality(persona): the old value; 0xffffffff only asks.
int64_t sys_personality(const SyscallArgs& a) {
  Lwp* lp = curlwp();
  uint32_t want = static_cast<uint32_t>(a.a[0]);
  uint32_t old = lp->copy.personality;
  if (want != kQuery && (want & kPerMask) == kPerLinux32) return -EINVAL;
  if (want != kQuery) lp->copy.personality = want;
  return old;
}

// Exec of a 64-bit ELF: the domain is PER_LINUX again, the flags stay
// (Linux's SET_PERSONALITY), but a set-ID exec drops PER_CLEAR_ON_SETID.
void personality_on_exec(Lwp* lp, bool ids_change) {
  uint32_t v = (lp->copy.personality & ~uint32_t{kPerMask}) | kPerLinux;
  if (ids_change) v &= ~uint32_t{kClearOnSetid};
  lp->copy.personality = v;
}
