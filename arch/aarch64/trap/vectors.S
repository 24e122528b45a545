/* EL1 exception vectors: save a TrapFrame, call trap_dispatch(slot, frame),
   restore and return. The frame layout is arch/trap_frame.h's. */
#define FRAME_SIZE 304
#define OFF_SP (31 * 8)
#define OFF_ELR (32 * 8)
#define OFF_SPSR (33 * 8)
#define OFF_ESR (34 * 8)
#define OFF_FAR (35 * 8)
#define OFF_FPREC (36 * 8)
#define OVERFLOW_STACK_SHIFT 13                  /* 8 KiB per CPU */
/* offsetof(Cpu, current) (kernel/cpu/percpu.h), checked in trap.cpp */
#define CPU_CURRENT 120

        /* Entries taken at EL1 on SP_EL1 (slots 4-7) first check that the frame
           does not land in a kernel stack's guard (arch/kernel_map.h: L0 entry
           256, bit 14 clear in a guard). Only x0 is free, so the test borrows
           SP: sp += x0; x0 = sp - x0 (the frame address); test; undo. */
        .macro VENTRY slot
        .balign 0x80
        sub     sp, sp, #FRAME_SIZE
        .if (\slot >= 4) && (\slot < 8)
        add     sp, sp, x0
        sub     x0, sp, x0
        tbz     x0, #47, 1f
        .irp b, 46,45,44,43,42,41,40,39
        tbnz    x0, #\b, 1f
        .endr
        tbz     x0, #14, kstack_overflow_entry
1:      sub     x0, sp, x0
        sub     sp, sp, x0
        .endif
        stp     x0, x1, [sp, #0]
        mov     x0, #\slot
        b       trap_common
        .endm

        .section .text.vectors, "ax"
        .balign 2048
        .globl exception_vectors
exception_vectors:
        VENTRY 0
        VENTRY 1
        VENTRY 2
        VENTRY 3
        VENTRY 4
        VENTRY 5
        VENTRY 6
        VENTRY 7
        VENTRY 8
        VENTRY 9
        VENTRY 10
        VENTRY 11
        VENTRY 12
        VENTRY 13
        VENTRY 14
        VENTRY 15

/* The frame would have gone into a stack guard: the thread overflowed its
   kernel stack. Fatal; report it from this CPU's emergency stack.
   Here x0 = the frame address, sp = that + the thread's x0. */
kstack_overflow_entry:
        mov     x1, x0
        mrs     x0, mpidr_el1
        and     x0, x0, #0xff
        add     x0, x0, #1
        lsl     x0, x0, #OVERFLOW_STACK_SHIFT
        adrp    x2, overflow_stacks
        add     x2, x2, #:lo12:overflow_stacks
        add     x2, x2, x0
        mov     sp, x2
        mov     x0, x1                          /* the SP that hit the guard */
        mrs     x1, elr_el1
        mrs     x2, far_el1
        mrs     x3, esr_el1
        mov     x4, x29
        mov     x5, x30
        bl      kstack_overflow
        b       .

        .bss
        .balign 16
overflow_stacks:
        .space  (1 << OVERFLOW_STACK_SHIFT) * 4

        .text
trap_common:
        stp     x2, x3, [sp, #16]
        stp     x4, x5, [sp, #32]
        stp     x6, x7, [sp, #48]
        stp     x8, x9, [sp, #64]
        stp     x10, x11, [sp, #80]
        stp     x12, x13, [sp, #96]
        stp     x14, x15, [sp, #112]
        stp     x16, x17, [sp, #128]
        stp     x18, x19, [sp, #144]
        stp     x20, x21, [sp, #160]
        stp     x22, x23, [sp, #176]
        stp     x24, x25, [sp, #192]
        stp     x26, x27, [sp, #208]
        stp     x28, x29, [sp, #224]
        str     x30, [sp, #240]
        mov     x19, x0                         /* slot, kept across the call */
        cmp     x0, #8
        b.lo    1f
        mrs     x1, sp_el0                      /* from EL0: the user SP */
        mrs     x2, tpidr_el1                   /* SP_EL0 names the running thread */
        ldr     x2, [x2, #CPU_CURRENT]          /* while at EL1 (arch/context.h) */
        msr     sp_el0, x2
        b       2f
1:      add     x1, sp, #FRAME_SIZE             /* from EL1: SP before the trap */
2:      mrs     x2, elr_el1
        mrs     x3, spsr_el1
        stp     x1, x2, [sp, #OFF_SP]
        mrs     x4, esr_el1
        mrs     x5, far_el1
        stp     x3, x4, [sp, #OFF_SPSR]
        str     x5, [sp, #OFF_FAR]
        stp     x29, x2, [sp, #OFF_FPREC]
        add     x29, sp, #OFF_FPREC
        mov     x1, sp
        bl      trap_dispatch
        .globl trap_return
trap_return:
        ldp     x2, x3, [sp, #OFF_ELR]          /* elr, spsr */
        msr     elr_el1, x2
        msr     spsr_el1, x3
        cmp     x19, #8
        b.lo    3f
        ldr     x1, [sp, #OFF_SP]
        msr     sp_el0, x1
3:      ldp     x0, x1, [sp, #0]
        ldp     x2, x3, [sp, #16]
        ldp     x4, x5, [sp, #32]
        ldp     x6, x7, [sp, #48]
        ldp     x8, x9, [sp, #64]
        ldp     x10, x11, [sp, #80]
        ldp     x12, x13, [sp, #96]
        ldp     x14, x15, [sp, #112]
        ldp     x16, x17, [sp, #128]
        ldp     x18, x19, [sp, #144]
        ldp     x20, x21, [sp, #160]
        ldp     x22, x23, [sp, #176]
        ldp     x24, x25, [sp, #192]
        ldp     x26, x27, [sp, #208]
        ldp     x28, x29, [sp, #224]
        ldr     x30, [sp, #240]
        add     sp, sp, #FRAME_SIZE
        eret
