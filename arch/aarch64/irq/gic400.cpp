// GIC-400 driver (Arm GIC architecture v2, IHI 0048B). SGIs 0-15 carry IPIs,
// PPIs are per-CPU (the generic timer), SPIs are routed to one CPU each.
#include <arch/gic.h>
#include <arch/mmio.h>

#include "kernel/cpu/ipi.h"
#include "kernel/irq/irq.h"
#include "kernel/mm/phys.h"

namespace arch {
namespace {

constexpr uintptr_t kDCtlr = 0x000, kDTyper = 0x004, kDIsenabler = 0x100, kDIcenabler = 0x180,
                    kDIcpendr = 0x280, kDIpriorityr = 0x400, kDItargetsr = 0x800, kDIcfgr = 0xc00,
                    kDSgir = 0xf00;
constexpr uintptr_t kCCtlr = 0x00, kCPmr = 0x04, kCBpr = 0x08, kCIar = 0x0c, kCEoir = 0x10;
constexpr uint32_t kSpurious = 1023;
constexpr uint8_t kDefaultPriority = 0xa0;

uintptr_t g_gicd, g_gicc;

void write8(uintptr_t addr, uint8_t v) {
  asm volatile("strb %w0, [%1]" ::"r"(v), "r"(addr) : "memory");
}

}  // namespace

void gic_init(uint64_t gicd_phys, uint64_t gicc_phys) {
  g_gicd = reinterpret_cast<uintptr_t>(phys_to_virt(gicd_phys));
  g_gicc = reinterpret_cast<uintptr_t>(phys_to_virt(gicc_phys));
  mmio_write32(g_gicd + kDCtlr, 0);
  unsigned lines = 32 * ((mmio_read32(g_gicd + kDTyper) & 0x1f) + 1);
  for (unsigned i = 32; i < lines; i += 32) {
    mmio_write32(g_gicd + kDIcenabler + i / 8, 0xffffffff);
    mmio_write32(g_gicd + kDIcpendr + i / 8, 0xffffffff);
  }
  for (unsigned i = 32; i < lines; ++i) {
    write8(g_gicd + kDIpriorityr + i, kDefaultPriority);
    write8(g_gicd + kDItargetsr + i, 1);  // CPU 0 until someone routes it
  }
  for (unsigned i = 32; i < lines; i += 16) mmio_write32(g_gicd + kDIcfgr + i / 4, 0);  // level
  mmio_write32(g_gicd + kDCtlr, 1);
}

void gic_init_cpu() {
  // Banked per CPU: SGIs and PPIs. Enable all SGIs (IPIs) now, PPIs when asked.
  mmio_write32(g_gicd + kDIcenabler, 0xffff0000);
  for (unsigned i = 0; i < 32; ++i) write8(g_gicd + kDIpriorityr + i, kDefaultPriority);
  mmio_write32(g_gicd + kDIsenabler, 0x0000ffff);
  mmio_write32(g_gicc + kCPmr, 0xf0);
  mmio_write32(g_gicc + kCBpr, 0);
  mmio_write32(g_gicc + kCCtlr, 1);
}

void gic_send_sgi(unsigned cpu, unsigned sgi) {
  asm volatile("dsb ishst" ::: "memory");  // the message the IPI announces is visible first
  mmio_write32(g_gicd + kDSgir, ((1u << cpu) << 16) | (sgi & 0xf));
}

void gic_handle_irqs() {
  for (;;) {
    uint32_t iar = mmio_read32(g_gicc + kCIar);
    uint32_t intid = iar & 0x3ff;
    if (intid >= kSpurious - 3) return;  // 1020-1023: nothing (more) pending
    if (intid < 16) {
      ipi_handle(static_cast<Ipi>(intid), (iar >> 10) & 7);
    } else {
      irq_dispatch(intid);
    }
    mmio_write32(g_gicc + kCEoir, iar);
  }
}

}  // namespace arch

void irq_enable_line(unsigned intid, unsigned cpu) {
  using namespace arch;
  if (intid >= 32) write8(g_gicd + kDItargetsr + intid, static_cast<uint8_t>(1u << cpu));
  mmio_write32(g_gicd + kDIsenabler + (intid / 32) * 4, 1u << (intid % 32));
}

void ipi_send(unsigned cpu, Ipi ipi) { arch::gic_send_sgi(cpu, static_cast<unsigned>(ipi)); }
