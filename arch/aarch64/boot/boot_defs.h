/* Register values used by the boot code (start.S) and by C++ that must agree with it.
   Sources: Arm ARM (DDI 0487) register descriptions; bit names as there. */
#pragma once

#define MAX_CPUS 4
#define BOOT_STACK_SIZE 16384

#define SCR_EL3_NS (1 << 0)
#define SCR_EL3_RES1 (3 << 4)
#define SCR_EL3_HCE (1 << 8)
#define SCR_EL3_RW (1 << 10)

#define SPSR_EL2H_MASKED 0x3c9 /* DAIF masked, EL2h */
#define SPSR_EL1H_MASKED 0x3c5 /* DAIF masked, EL1h */

#define HCR_EL2_RW (1 << 31)
#define CNTHCTL_EL1PCTEN (1 << 0)
#define CNTHCTL_EL1PCEN (1 << 1)
#define CPTR_EL2_RES1 0x33ff

#define CPACR_FPEN_ALL (3 << 20)

/* SCTLR_EL1: RES1 bits, then M (MMU), C (data cache), SA (SP alignment check),
   I (instruction cache), UCT (EL0 may read CTR_EL0). */
#define SCTLR_EL1_MMU_OFF 0x30d00800
#define SCTLR_EL1_MMU_ON (SCTLR_EL1_MMU_OFF | (1 << 0) | (1 << 2) | (1 << 3) | (1 << 12) | (1 << 15))

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

#define PTE_TABLE 0x3
/* Block descriptors: AF, inner shareable normal memory, UXN (never EL0-executable);
   device blocks also PXN. */
#define PTE_BLOCK_NORMAL 0x0040000000000705
#define PTE_BLOCK_DEVICE 0x0060000000000401

/* BCM2711 low-peripheral mode: everything from here up to 4 GiB is device memory. */
#define PERIPH_LOW_BASE 0xfc000000
