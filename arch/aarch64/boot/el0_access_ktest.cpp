// What EL0 may touch, as the boot code sets it on every CPU (start.S el1_setup,
// enable_mmu): the virtual counter and cache maintenance by VA yes, the
// physical counter and the timers no. Checked in the registers of each CPU
// and from a program at EL0 (user/tests/sysreg_probe.c).
#include <arch/sysreg.h>

#include "arch/aarch64/boot/boot_defs.h"
#include "kernel/cpu/percpu.h"
#include "kernel/cpu/smp.h"
#include "kernel/ktest/ktest.h"
#include "kernel/proc/minimal_proc.h"
#include "kernel/uapi/signal_numbers.h"

namespace {

struct El0Regs {
  uint64_t cntkctl[arch::kMaxCpus];
  uint64_t sctlr[arch::kMaxCpus];
  uint64_t pmuserenr[arch::kMaxCpus];
};

void read_el0_regs(void* arg) {
  auto* r = static_cast<El0Regs*>(arg);
  unsigned me = this_cpu().id;
  r->cntkctl[me] = read_sysreg(cntkctl_el1);
  r->sctlr[me] = read_sysreg(sctlr_el1);
  uint64_t pmu = (read_sysreg(id_aa64dfr0_el1) >> ID_AA64DFR0_PMUVER_SHIFT) & 0xf;
  r->pmuserenr[me] = pmu != 0 && pmu != 0xf ? read_sysreg(pmuserenr_el0) : 0;
}

int probe(const char* what) {
  const char* argv[] = {"sysreg_probe", what, nullptr};
  const char* envp[] = {nullptr};
  return proc_run_init("sysreg_probe", argv, envp);
}

}  // namespace

KTEST(el0_access_registers_on_every_cpu) {
  El0Regs r = {};
  smp_run_on_all(read_el0_regs, &r);
  constexpr uint64_t kEl0Cache = SCTLR_EL1_UCI | SCTLR_EL1_UCT | SCTLR_EL1_DZE;
  for (unsigned c = 0; c < arch::kMaxCpus; ++c) {
    KEXPECT_EQ(r.cntkctl[c] & 0x3ff, uint64_t{CNTKCTL_EL0VCTEN});  // no timer, no EVNT
    KEXPECT_EQ(r.sctlr[c] & kEl0Cache, kEl0Cache);
    KEXPECT_EQ(r.pmuserenr[c], 0u);
  }
}

KTEST(el0_reads_virtual_counter_not_physical_timer) {
  KEXPECT_EQ(probe("cntvct"), wstatus_exited(0));
  KEXPECT_EQ(probe("cache"), wstatus_exited(0));
  KEXPECT_EQ(probe("cntpct"), wstatus_signaled(kSigIll));
  KEXPECT_EQ(probe("cntp_ctl"), wstatus_signaled(kSigIll));
  KEXPECT_EQ(probe("cntp_cval"), wstatus_signaled(kSigIll));
  KEXPECT_EQ(probe("cntv_ctl"), wstatus_signaled(kSigIll));
}
