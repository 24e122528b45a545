/*
 * Entry of kernel8.img. The boot CPU arrives here at physical 0x80000 with the
 * MMU off, in EL2 (Pi firmware, QEMU -kernel, U-Boot booti) or EL1, and x0 = the
 * DTB's physical address; at EL3 it refuses to go on. The secondary CPUs arrive
 * at secondary_entry when the boot CPU writes its address into their spin-table
 * slot, or through PSCI CPU_ON.
 *
 * Until the MMU is on, everything here is position independent (adr/adrp).
 */
#include "arch/aarch64/boot/boot_defs.h"

        .section .text.head, "ax"
        .globl _start
_start:
        b       primary_entry                   /* code0 */
        .long   0                               /* code1 */
        .quad   0x80000                         /* text_offset */
        .quad   __image_size                    /* image_size, bss included */
        .quad   0x2                             /* flags: LE, 4 KiB pages, fixed base */
        .quad   0, 0, 0                         /* res2..res4 */
        .ascii  "ARM\x64"                       /* magic */
        .long   0                               /* res5 */

        .section .text.boot, "ax"
primary_entry:
        mov     x19, x0                         /* keep the DTB address */
        mrs     x1, mpidr_el1
        and     x1, x1, #0xff
        cbnz    x1, stray_cpu                   /* only core 0 may come in here */
        bl      drop_to_el1
        mov     x20, x0                         /* the EL the firmware left us in */
        bl      build_boot_page_tables
        bl      enable_mmu
        ldr     x0, =primary_high               /* absolute: jumps into the upper half */
        br      x0

/* A core that enters at _start besides core 0 (some ELF boots) waits for good. */
stray_cpu:
        wfi
        b       stray_cpu

        .globl secondary_entry
secondary_entry:
        bl      drop_to_el1
        bl      enable_mmu
        ldr     x0, =secondary_high
        br      x0

/*
 * drop_to_el1: from EL2 to EL1h with all exceptions masked, or stays at EL1;
 * returns the EL it was entered at in x0. Every EL2 and EL1 register the
 * kernel relies on is written with a known value rather than trusted: U-Boot
 * leaves HCR_EL2 and CPTR_EL2 changed, and the rest come out of reset UNKNOWN.
 * The values follow Linux's init_el2_state and __cpu_setup.
 */
drop_to_el1:
        mrs     x9, CurrentEL
        lsr     x9, x9, #2
        cmp     x9, #3
        b.eq    el3_unsupported
        cmp     x9, #2
        b.ne    1f
        /* EL2: EL1 is AArch64; nothing of EL1's is trapped or virtualised. */
        mov     x9, #HCR_EL2_RW
        msr     hcr_el2, x9
        ldr     x9, =SCTLR_EL2_MMU_OFF
        msr     sctlr_el2, x9
        mov     x9, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)
        msr     cnthctl_el2, x9
        msr     cntvoff_el2, xzr
        mov     x9, #CPTR_EL2_RES1
        msr     cptr_el2, x9
        msr     hstr_el2, xzr
        msr     vttbr_el2, xzr
        /* MDCR_EL2: no debug or PMU traps, and EL1 owns every PMU counter
           (HPMN = PMCR_EL0.N) when there is a PMU. */
        mov     x10, xzr
        mrs     x9, id_aa64dfr0_el1
        ubfx    x9, x9, #ID_AA64DFR0_PMUVER_SHIFT, #4
        cbz     x9, 2f
        cmp     x9, #0xf
        b.eq    2f
        mrs     x10, pmcr_el0
        ubfx    x10, x10, #11, #5
2:      msr     mdcr_el2, x10
        mrs     x9, midr_el1
        msr     vpidr_el2, x9
        mrs     x9, mpidr_el1
        msr     vmpidr_el2, x9
        mov     x9, #SPSR_EL1H_MASKED
        msr     spsr_el2, x9
        adr     x9, el1_setup
        msr     elr_el2, x9
        mov     x0, #2
        eret
1:      mov     x0, #1

/* el1_setup: this CPU's EL1 registers that are not the MMU's (enable_mmu). */
el1_setup:
        ldr     x9, =SCTLR_EL1_MMU_OFF
        msr     sctlr_el1, x9
        mov     x9, #CNTKCTL_EL0VCTEN
        msr     cntkctl_el1, x9
        mov     x9, #MDSCR_EL1_TDCC
        msr     mdscr_el1, x9
        mrs     x9, id_aa64dfr0_el1
        ubfx    x9, x9, #ID_AA64DFR0_PMUVER_SHIFT, #4
        cbz     x9, 3f
        cmp     x9, #0xf
        b.eq    3f
        msr     pmuserenr_el0, xzr              /* no PMU access from EL0 */
3:      isb
        ret

/*
 * el3_unsupported: tine is not secure firmware. At EL3 nothing has set up what
 * the Pi firmware's ARM stub (armstub8.S) does before it drops to EL2: CNTFRQ,
 * CPUECTLR.SMPEN (without which the cores are not coherent), the GIC's
 * interrupt groups, the secondaries' spin loop. So say why on the PL011 at its
 * low-peripheral address (MMU off: device memory), set up for the Pi's 48 MHz
 * UART clock if nobody enabled it, and stop.
 */
el3_unsupported:
        ldr     x1, =EL3_UART_BASE
        ldr     w2, [x1, #0x30]                 /* UARTCR */
        tbnz    w2, #0, 4f                      /* UARTEN: keep its settings */
        mov     w2, #EL3_UART_IBRD
        str     w2, [x1, #0x24]
        mov     w2, #EL3_UART_FBRD
        str     w2, [x1, #0x28]
        mov     w2, #0x70                       /* 8N1, FIFOs on */
        str     w2, [x1, #0x2c]
        mov     w2, #0x301                      /* UARTEN, TXE, RXE */
        str     w2, [x1, #0x30]
4:      adr     x3, el3_message
5:      ldrb    w4, [x3], #1
        cbz     w4, 7f
6:      ldr     w5, [x1, #0x18]                 /* UARTFR */
        tbnz    w5, #5, 6b                      /* TXFF */
        str     w4, [x1]
        b       5b
7:      wfi
        b       7b
el3_message:
        .asciz  "\r\ntine: entered at EL3, which it does not support: boot it from the Pi firmware's own ARM stub (no armstub= in config.txt), U-Boot, or anything else that starts it at EL2 or EL1. Stopped.\r\n"
        .balign 4

/*
 * build_boot_page_tables: one table tree used by both TTBR0 (identity, while
 * the PC is still physical) and TTBR1 (the linear map at 0xffff000000000000).
 * It maps the kernel image and nothing else, page by page: text read-only and
 * executable at EL1, everything after it (rodata, data, bss, these tables,
 * the symbols) read/write and never executable. L0[0] -> L1[0] -> L2[0..3] ->
 * four L3 tables, the first 8 MiB of physical memory (kernel.ld checks that
 * the image fits). RAM and devices join once the device tree has said where
 * they are (arch/linear_map.h). Every entry is written (the tables are not in
 * .bss), then their lines are invalidated so that no stale cache line hides
 * them once caches are on.
 */
build_boot_page_tables:
        adrp    x0, boot_l0
        add     x1, x0, #(BOOT_TABLES * 4096)
1:      stp     xzr, xzr, [x0], #16
        cmp     x0, x1
        b.lo    1b
        adrp    x0, boot_l0
        adrp    x1, boot_l1
        orr     x2, x1, #PTE_TABLE
        str     x2, [x0]                        /* L0[0] -> L1 */
        adrp    x0, boot_l2
        orr     x2, x0, #PTE_TABLE
        str     x2, [x1]                        /* L1[0] -> L2 */
        adrp    x1, boot_l3
        mov     x3, #BOOT_IMAGE_L3_TABLES
2:      orr     x2, x1, #PTE_TABLE
        str     x2, [x0], #8                    /* L2[i] -> L3 table i */
        add     x1, x1, #4096
        subs    x3, x3, #1
        b.ne    2b
        /* One entry per page of the image; PA >> 12 indexes the L3 tables
           as one array, since they cover physical memory from 0. */
        adrp    x0, __image_start
        adrp    x1, __image_end
        adrp    x2, __text_end
        adrp    x3, boot_l3
        ldr     x4, =PTE_PAGE_TEXT
        ldr     x5, =PTE_PAGE_DATA
3:      cmp     x0, x2
        csel    x6, x4, x5, lo
        orr     x6, x6, x0
        lsr     x7, x0, #12
        str     x6, [x3, x7, lsl #3]
        add     x0, x0, #4096
        cmp     x0, x1
        b.lo    3b
        /* Push the tables past any stale cache lines. */
        adrp    x0, boot_l0
        add     x1, x0, #(BOOT_TABLES * 4096)
4:      dc      ivac, x0
        add     x0, x0, #64
        cmp     x0, x1
        b.lo    4b
        dsb     sy
        ret

/* enable_mmu: the same on every CPU; the PC stays valid through the identity map.
   The exception vectors are set first, at their linked address, so that any
   exception from the moment the MMU is on is reported. */
enable_mmu:
        ldr     x0, =exception_vectors
        msr     vbar_el1, x0
        ldr     x0, =MAIR_VALUE
        msr     mair_el1, x0
        /* TCR: 48-bit VA both halves (TTBR0's cut to 39 bits in cpu_early_setup),
           4 KiB granule, WB-WA inner shareable walks, IPS from ID_AA64MMFR0.PARange, 16-bit ASIDs when the CPU has them. */
        ldr     x0, =TCR_BASE
        mrs     x1, id_aa64mmfr0_el1
        and     x2, x1, #0x7
        orr     x0, x0, x2, lsl #32
        ubfx    x2, x1, #4, #4
        cmp     x2, #2
        b.ne    8f
        orr     x0, x0, #TCR_AS
8:      msr     tcr_el1, x0
        adrp    x0, boot_l0
        msr     ttbr0_el1, x0
        msr     ttbr1_el1, x0
        mov     x0, #CPACR_FPEN_ALL
        msr     cpacr_el1, x0
        isb
        tlbi    vmalle1
        dsb     nsh
        isb
        ldr     x0, =SCTLR_EL1_MMU_ON
        msr     sctlr_el1, x0
        isb
        /* Drop whatever the I-cache took in while the MMU was off, from
           memory that may have been written since (Linux's __enable_mmu does
           the same on every CPU). */
        ic      iallu
        dsb     nsh
        isb
        ret

/* Now at the kernel's virtual address. */
primary_high:
        adrp    x0, boot_stacks
        add     x0, x0, #:lo12:boot_stacks
        add     x0, x0, #BOOT_STACK_SIZE
        mov     sp, x0
        mov     x29, xzr
        mov     x30, xzr
        /* Clear .bss with caches on. */
        adrp    x0, __bss_start
        add     x0, x0, #:lo12:__bss_start
        adrp    x1, __bss_end
        add     x1, x1, #:lo12:__bss_end
9:      cmp     x0, x1
        b.hs    10f
        stp     xzr, xzr, [x0], #16
        b       9b
10:     adrp    x0, boot_entry_el
        str     w20, [x0, #:lo12:boot_entry_el]
        bl      cpu_early_setup
        mov     x0, x19
        bl      kmain
        b       .

secondary_high:
        mrs     x0, mpidr_el1
        and     x0, x0, #0xff
        add     x1, x0, #1
        adrp    x2, boot_stacks
        add     x2, x2, #:lo12:boot_stacks
        mov     x3, #BOOT_STACK_SIZE
        madd    x2, x1, x3, x2
        mov     sp, x2
        mov     x29, xzr
        mov     x30, xzr
        mov     x19, x0
        bl      cpu_early_setup
        mov     x0, x19
        bl      secondary_main
        b       .

/* Per-CPU setup common to all CPUs, in the upper half: TTBR0 walks off until a
   user address space is installed, TTBR0's half cut to the user spaces' 39
   bits (the identity map needed 48), and SError unmasked, so that an SError the
   kernel causes is reported when it happens (as Linux does from early boot)
   rather than at the next return to EL0, against whatever process runs then. */
cpu_early_setup:
        mrs     x0, tcr_el1
        orr     x0, x0, #TCR_EPD0
        mov     x1, #TCR_T0SZ_USER
        bfi     x0, x1, #0, #6
        msr     tcr_el1, x0
        isb
        tlbi    vmalle1
        dsb     nsh
        isb
        msr     daifclr, #4
        ret

        .ltorg

        .section .boot_pgtables, "aw", %nobits
        .balign 4096
        .globl boot_l0
boot_l0: .space 4096
boot_l1: .space 4096
boot_l2: .space 4096
boot_l3: .space 4096 * BOOT_IMAGE_L3_TABLES

        .bss
        .balign 4
        .globl boot_entry_el
boot_entry_el:
        .long   0                               /* 2 or 1: arch::entry_el() */

        .balign 16
        .globl boot_stacks
boot_stacks:
        .space BOOT_STACK_SIZE * MAX_CPUS
