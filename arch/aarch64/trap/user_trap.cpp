// Synchronous exceptions from EL0 (system calls, page faults, the rest), and
// EL1 faults inside the user-access routines. Reached from trap_dispatch
// (trap.cpp) with the frame vectors.S saved on the thread's kernel stack.
#include <arch/cpu.h>
#include <arch/trap_frame.h>
#include <arch/uaccess.h>
#include <arch/user_entry.h>
#include <arch/user_pt.h>

#include "kernel/sched/sched.h"
#include "kernel/syscall/syscall.h"
#include "kernel/syscall/user_hooks.h"
#include "kernel/uapi/signal_numbers.h"
#include "kernel/vm/vmspace.h"

extern "C" char uaccess_text_start[], uaccess_text_end[], uaccess_fixup[];

namespace {

// ESR_EL1.EC values (Arm ARM D17.2.37).
constexpr unsigned kEcUnknown = 0x00;
constexpr unsigned kEcWfx = 0x01;
constexpr unsigned kEcIllegalState = 0x0e;
constexpr unsigned kEcSvc64 = 0x15;
constexpr unsigned kEcSysReg = 0x18;
constexpr unsigned kEcIabtLower = 0x20;
constexpr unsigned kEcPcAlign = 0x22;
constexpr unsigned kEcDabtLower = 0x24;
constexpr unsigned kEcDabtSame = 0x25;
constexpr unsigned kEcSpAlign = 0x26;
constexpr unsigned kEcBrk64 = 0x3c;

constexpr uint64_t kIssWnR = 1u << 6;  // data abort: the access was a write
constexpr uint64_t kIssCM = 1u << 8;   // data abort: cache maintenance (counts as a read)

enum class Abort { kTranslation, kAccessFlag, kPermission, kAlignment, kExternal, kOther };

Abort abort_kind(uint64_t esr) {
  unsigned fsc = esr & 0x3f;
  switch (fsc >> 2) {
    case 0x1: return Abort::kTranslation;
    case 0x2: return Abort::kAccessFlag;
    case 0x3: return Abort::kPermission;
    default: break;
  }
  if (fsc == 0x21) return Abort::kAlignment;
  if (fsc == 0x10 || fsc == 0x11 || (fsc >= 0x14 && fsc <= 0x17) || fsc == 0x18 ||
      (fsc >= 0x1c && fsc <= 0x1f))
    return Abort::kExternal;
  return Abort::kOther;
}

arch::UptAccess access_of(unsigned ec, uint64_t esr) {
  if (ec == kEcIabtLower) return arch::UptAccess::kExec;
  return (esr & kIssWnR) && !(esr & kIssCM) ? arch::UptAccess::kWrite : arch::UptAccess::kRead;
}

const char* access_word(arch::UptAccess a) {
  switch (a) {
    case arch::UptAccess::kRead: return "read of";
    case arch::UptAccess::kWrite: return "write to";
    case arch::UptAccess::kExec: return "instruction fetch from";
  }
  return "access to";
}

[[noreturn]] void die_of_fault(int sig, arch::UptAccess a, const char* what, TrapFrame* f) {
  char why[96];
  const char* w = access_word(a);
  unsigned i = 0;
  for (const char* p = w; *p && i + 1 < sizeof why;) why[i++] = *p++;
  if (i + 1 < sizeof why) why[i++] = ' ';
  for (const char* p = what; *p && i + 1 < sizeof why;) why[i++] = *p++;
  why[i] = 0;
  user_fatal_signal(sig, why, f->far, f->elr);
}

void user_abort(TrapFrame* f, unsigned ec) {
  arch::UptAccess a = access_of(ec, f->esr);
  switch (abort_kind(f->esr)) {
    case Abort::kTranslation:
    case Abort::kAccessFlag:
    case Abort::kPermission: break;
    case Abort::kAlignment: die_of_fault(kSigBus, a, "a misaligned address", f);
    case Abort::kExternal: die_of_fault(kSigBus, a, "an address with no device", f);
    case Abort::kOther: die_of_fault(kSigSegv, a, "an address (unexpected fault)", f);
  }
  if (f->far >= arch::kUserVaTop) die_of_fault(kSigSegv, a, "an address above the user half", f);
  Vmspace* vm = curvmspace();
  VmFault r = vm ? vm_fault(vm, f->far, a) : VmFault::kNoEntry;
  switch (r) {
    case VmFault::kOk: return;
    case VmFault::kNoEntry: die_of_fault(kSigSegv, a, "an unmapped address", f);
    case VmFault::kAccess:
      die_of_fault(kSigSegv, a,
                   a == arch::UptAccess::kWrite  ? "a read-only address"
                   : a == arch::UptAccess::kExec ? "a non-executable address"
                                                 : "an inaccessible address",
                   f);
    case VmFault::kNoMemory: die_of_fault(kSigBus, a, "an address (out of memory)", f);
  }
}

}  // namespace

namespace arch {

namespace {
bool fp_on() {
  uint64_t cpacr;
  asm volatile("mrs %0, cpacr_el1" : "=r"(cpacr));
  return ((cpacr >> 20) & 3) == 3;
}
}  // namespace

void user_fp_snapshot(FpState* out, const FpState* saved) {
  uint64_t irq = irq_save();
  if (fp_on())
    arch_fp_save(out);
  else
    *out = *saved;
  irq_restore(irq);
}

void user_fp_load(const FpState* in, FpState* saved) {
  uint64_t irq = irq_save();
  if (fp_on())
    arch_fp_restore(in);
  else
    *saved = *in;
  irq_restore(irq);
}

void user_fp_reset(FpState* saved) {
  uint64_t irq = irq_save();
  *saved = FpState{};
  if (fp_on()) arch_fp_restore(saved);
  irq_restore(irq);
}

bool uaccess_in_routine(const TrapFrame* f) {
  return f->elr >= reinterpret_cast<uint64_t>(uaccess_text_start) &&
         f->elr < reinterpret_cast<uint64_t>(uaccess_text_end);
}

void uaccess_apply_fixup(TrapFrame* f) { f->elr = reinterpret_cast<uint64_t>(uaccess_fixup); }

}  // namespace arch

// A synchronous exception from EL0 other than an FP/SIMD access trap.
extern "C" void user_trap(TrapFrame* f) {
  unsigned ec = static_cast<unsigned>(f->esr >> 26) & 0x3f;
  arch::irq_enable();
  switch (ec) {
    case kEcSvc64:
      syscall_dispatch(f);
      sched_preempt_point();  // a wakeup made by the call may want this CPU
      break;
    case kEcIabtLower:
    case kEcDabtLower: user_abort(f, ec); break;
    case kEcWfx: f->elr += 4; break;  // WFI/WFE at EL0: nothing to wait for here
    case kEcPcAlign: user_fatal_signal(kSigBus, "misaligned PC", f->elr, f->elr);
    case kEcSpAlign: user_fatal_signal(kSigBus, "misaligned stack pointer", f->sp, f->elr);
    case kEcBrk64: user_fatal_signal(kSigTrap, "breakpoint instruction", f->elr, f->elr);
    case kEcUnknown:
    case kEcIllegalState:
    case kEcSysReg:
    default: user_fatal_signal(kSigIll, "undefined or privileged instruction", f->elr, f->elr);
  }
  signal_deliver(f);  // IRQs on: the frame's copyout may fault in the user stack
  arch::irq_disable();
  user_return_prepare();
}

// After an IRQ taken at EL0 (the scheduler may have run other threads).
extern "C" void user_irq_return(TrapFrame* f) {
  arch::irq_enable();  // back in this thread's context, as a system call would be
  signal_deliver(f);
  arch::irq_disable();
  user_return_prepare();
}

// arch_user_run's first return to EL0 (user_entry.S).
extern "C" void user_entry_prepare() { user_return_prepare(); }

// An EL1 synchronous exception: true if it was a fault in a user-access
// routine, now resolved (retry) or redirected to the routine's -EFAULT exit.
extern "C" bool user_access_fault(TrapFrame* f) {
  unsigned ec = static_cast<unsigned>(f->esr >> 26) & 0x3f;
  if (ec != kEcDabtSame || !arch::uaccess_in_routine(f)) return false;
  Abort k = abort_kind(f->esr);
  if ((k == Abort::kTranslation || k == Abort::kAccessFlag || k == Abort::kPermission) &&
      f->far < arch::kUserVaTop) {
    Vmspace* vm = curvmspace();
    if (vm && vm_fault(vm, f->far, access_of(ec, f->esr)) == VmFault::kOk) return true;
  }
  arch::uaccess_apply_fixup(f);
  return true;
}
