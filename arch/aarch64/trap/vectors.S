/* EL1 exception vectors: save a TrapFrame, call trap_dispatch(slot, frame),
   restore and return. The frame layout is arch/trap_frame.h's. */
#define FRAME_SIZE 304
#define OFF_SP (31 * 8)
#define OFF_ELR (32 * 8)
#define OFF_SPSR (33 * 8)
#define OFF_ESR (34 * 8)
#define OFF_FAR (35 * 8)
#define OFF_FPREC (36 * 8)

        .macro VENTRY slot
        .balign 0x80
        sub     sp, sp, #FRAME_SIZE
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
        mrs     x1, sp_el0                      /* from EL0 */
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
