/*
 * Entry of kernel8.img. The boot CPU arrives here at physical 0x80000 with the
 * MMU off, in EL2 (Pi firmware, QEMU -kernel, U-Boot booti) or EL3, and x0 = the
 * DTB's physical address. The secondary CPUs arrive at secondary_entry when the
 * boot CPU writes its address into their spin-table slot.
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
 * drop_to_el1: from EL3 or EL2 to EL1h with all exceptions masked. Sets every
 * EL2 register the kernel relies on (U-Boot leaves HCR_EL2 and CPTR_EL2 changed).
 */
drop_to_el1:
        mrs     x9, CurrentEL
        lsr     x9, x9, #2
        cmp     x9, #3
        b.ne    1f
        /* EL3: non-secure lower levels, EL2 is AArch64 and HVC allowed. */
        mov     x9, #(SCR_EL3_NS | SCR_EL3_RES1 | SCR_EL3_HCE | SCR_EL3_RW)
        msr     scr_el3, x9
        mov     x9, #SPSR_EL2H_MASKED
        msr     spsr_el3, x9
        adr     x9, 1f
        msr     elr_el3, x9
        eret
1:      mrs     x9, CurrentEL
        lsr     x9, x9, #2
        cmp     x9, #2
        b.ne    2f
        /* EL2: EL1 is AArch64, no traps of timers, FP or system registers. */
        mov     x9, #HCR_EL2_RW
        msr     hcr_el2, x9
        mrs     x9, cnthctl_el2
        orr     x9, x9, #(CNTHCTL_EL1PCTEN | CNTHCTL_EL1PCEN)
        msr     cnthctl_el2, x9
        msr     cntvoff_el2, xzr
        mov     x9, #CPTR_EL2_RES1
        msr     cptr_el2, x9
        msr     hstr_el2, xzr
        mrs     x9, midr_el1
        msr     vpidr_el2, x9
        mrs     x9, mpidr_el1
        msr     vmpidr_el2, x9
        ldr     x9, =SCTLR_EL1_MMU_OFF
        msr     sctlr_el1, x9
        mov     x9, #SPSR_EL1H_MASKED
        msr     spsr_el2, x9
        msr     elr_el2, x30
        eret
2:      ret                                     /* already EL1 */

/*
 * build_boot_page_tables: one table tree used by both TTBR0 (identity, while
 * the PC is still physical) and TTBR1 (the linear map at 0xffff000000000000):
 *   L0[0] -> L1; L1[0..2] = 1 GiB normal blocks (0-3 GiB);
 *   L1[3] -> L2: 2 MiB blocks over 3-4 GiB, normal below PERIPH_BASE, device above.
 * Every entry is written (the tables are not in .bss), then the lines are
 * invalidated so no stale cache line hides them once caches are on.
 */
build_boot_page_tables:
        adrp    x0, boot_l0
        adrp    x1, boot_l1
        adrp    x2, boot_l2
        /* L0: entry 0 -> L1, the rest invalid. */
        orr     x3, x1, #PTE_TABLE
        str     x3, [x0], #8
        mov     x4, #511
3:      str     xzr, [x0], #8
        subs    x4, x4, #1
        b.ne    3b
        /* L1: three 1 GiB blocks of normal memory, then the L2 table. */
        ldr     x5, =PTE_BLOCK_NORMAL
        mov     x6, #0
        mov     x4, #3
        mov     x7, x1
        mov     x11, #(1 << 30)
4:      orr     x3, x6, x5
        str     x3, [x7], #8
        add     x6, x6, x11
        subs    x4, x4, #1
        b.ne    4b
        orr     x3, x2, #PTE_TABLE
        str     x3, [x7], #8
        mov     x4, #508
5:      str     xzr, [x7], #8
        subs    x4, x4, #1
        b.ne    5b
        /* L2: 3-4 GiB in 2 MiB blocks. */
        ldr     x8, =PTE_BLOCK_DEVICE
        mov     x6, #0xc0000000
        ldr     x9, =PERIPH_LOW_BASE
        mov     x4, #512
        mov     x7, x2
6:      cmp     x6, x9
        csel    x10, x5, x8, lo
        orr     x3, x6, x10
        str     x3, [x7], #8
        add     x6, x6, #(1 << 21)   /* 0x200000 = 0x200 << 12: encodable */
        subs    x4, x4, #1
        b.ne    6b
        /* Push the tables past any stale cache lines. */
        adrp    x0, boot_l0
        add     x1, x0, #(3 * 4096)
7:      dc      ivac, x0
        add     x0, x0, #64
        cmp     x0, x1
        b.lo    7b
        dsb     sy
        ret

/* enable_mmu: the same on every CPU; the PC stays valid through the identity map. */
enable_mmu:
        ldr     x0, =MAIR_VALUE
        msr     mair_el1, x0
        /* TCR: 48-bit VA both halves, 4 KiB granule, WB-WA inner shareable walks,
           IPS from ID_AA64MMFR0.PARange, 16-bit ASIDs when the CPU has them. */
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
10:     bl      cpu_early_setup
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

/* Per-CPU setup common to all CPUs, in the upper half: exception vectors, and
   TTBR0 walks off until a user address space is installed. */
cpu_early_setup:
        adrp    x0, exception_vectors
        add     x0, x0, #:lo12:exception_vectors
        msr     vbar_el1, x0
        mrs     x0, tcr_el1
        orr     x0, x0, #TCR_EPD0
        msr     tcr_el1, x0
        isb
        tlbi    vmalle1
        dsb     nsh
        isb
        ret

        .ltorg

        .section .boot_pgtables, "aw", %nobits
        .balign 4096
        .globl boot_l0
boot_l0: .space 4096
boot_l1: .space 4096
boot_l2: .space 4096

        .bss
        .balign 16
        .globl boot_stacks
boot_stacks:
        .space BOOT_STACK_SIZE * MAX_CPUS
