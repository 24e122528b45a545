/* Register values used by the boot code (start.S) and by C++ that must agree with it.
   Sources: Arm ARM (DDI 0487) register descriptions; bit names as there. */
#pragma once

#define MAX_CPUS 4
#define BOOT_STACK_SIZE 16384

#define SPSR_EL1H_MASKED 0x3c5 /* DAIF masked, EL1h */

/* Where the refusal at EL3 is printed: the PL011 at the BCM2711's low-peripheral
   address, 115200 baud from the 48 MHz UART clock the Pi firmware sets
   (48e6 / (16 * 115200) = 26 + 3/64). */
#define EL3_UART_BASE 0xfe201000
#define EL3_UART_IBRD 26
#define EL3_UART_FBRD 3

#define HCR_EL2_RW (1 << 31)
#define CNTHCTL_EL1PCTEN (1 << 0)
#define CNTHCTL_EL1PCEN (1 << 1)
#define CPTR_EL2_RES1 0x33ff
/* SCTLR_EL2 with the MMU, caches and alignment checks off: its RES1 bits only
   (4, 5, 11, 16, 18, 22, 23, 28, 29), little-endian; Linux's INIT_SCTLR_EL2_MMU_OFF. */
#define SCTLR_EL2_MMU_OFF 0x30c50830

/* Per-CPU EL1 state written at every entry, not left at its reset value
   (Linux __cpu_setup, arch_counter_set_user_access):
   CNTKCTL_EL1: EL0 may read the virtual counter (CNTVCT_EL0), nothing else:
     not the physical counter (EL0PCTEN), nor either timer (EL0VTEN, EL0PTEN),
     so EL0 cannot program the physical timer the scheduler ticks with;
   MDSCR_EL1: debug off, EL0 access to the debug comms channel trapped (TDCC). */
#define CNTKCTL_EL0VCTEN (1 << 1)
#define MDSCR_EL1_TDCC (1 << 12)
/* ID_AA64DFR0_EL1.PMUVer, bits 11:8: 0 = no PMU, 0xf = not the architected one. */
#define ID_AA64DFR0_PMUVER_SHIFT 8

#define CPACR_FPEN_ALL (3 << 20)

/* SCTLR_EL1: RES1 bits, then M (MMU), C (data cache), SA (SP alignment check),
   I (instruction cache), and what EL0 may do without trapping, as Linux allows
   it (INIT_SCTLR_EL1_MMU_ON): DZE (DC ZVA), UCT (read CTR_EL0), UCI (DC CVAU,
   CIVAC, CVAC and IC IVAU: what __clear_cache and every JIT run). */
#define SCTLR_EL1_MMU_OFF 0x30d00800
#define SCTLR_EL1_M (1 << 0)
#define SCTLR_EL1_C (1 << 2)
#define SCTLR_EL1_SA (1 << 3)
#define SCTLR_EL1_I (1 << 12)
#define SCTLR_EL1_DZE (1 << 14)
#define SCTLR_EL1_UCT (1 << 15)
#define SCTLR_EL1_UCI (1 << 26)
#define SCTLR_EL1_MMU_ON                                                                        \
  (SCTLR_EL1_MMU_OFF | SCTLR_EL1_M | SCTLR_EL1_C | SCTLR_EL1_SA | SCTLR_EL1_I | SCTLR_EL1_DZE | \
   SCTLR_EL1_UCT | SCTLR_EL1_UCI)

/* MAIR_EL1: attr0 Device-nGnRE, attr1 Normal write-back RW-allocate, attr2 Normal non-cacheable. */
#define MAIR_VALUE 0x44ff04
#define MT_DEVICE 0
#define MT_NORMAL 1
#define MT_NORMAL_NC 2

/* TCR_EL1 without IPS and AS (filled in from ID_AA64MMFR0_EL1):
   T0SZ=T1SZ=16, IRGN/ORGN=WB-WA, SH=inner, TG0=4K, TG1=4K. */
#define TCR_BASE 0x00000000b5103510
#define TCR_AS (1 << 36)
#define TCR_EPD0 (1 << 7)
/* User spaces (TTBR0) have 39 bits once the boot's identity map is done
   with: T0SZ = 25 (arch/user_pt.h, kUserVaBits). */
#define TCR_T0SZ_USER 25

#define PTE_TABLE 0x3
/* The kernel image's pages (arch/pte.h names the bits): AF, inner shareable
   normal memory, never executable at EL0 (UXN); text read-only (AP[2]) and
   executable at EL1, everything else writable and never executable (PXN). */
#define PTE_PAGE_TEXT 0x0040000000000787
#define PTE_PAGE_DATA 0x0060000000000707

/* The boot tables: L0, L1, L2 and the L3 tables for the image, which they map
   only within the first BOOT_IMAGE_L3_TABLES * 2 MiB (kernel.ld checks it). */
#define BOOT_IMAGE_L3_TABLES 4
#define BOOT_TABLES (3 + BOOT_IMAGE_L3_TABLES)
