/* First entry to EL0, and the way back out of user mode (arch/user_entry.h).
 * Entry reuses the exception return path of vectors.S (trap_return), with
 * x19 >= 8 so that it restores SP_EL0 from the frame as for any EL0 trap. */
#define FRAME_SIZE 304

        .text
/* int64_t arch_user_run(const TrapFrame* initial x0, UserRunCtx* ctx x1) */
        .globl arch_user_run
arch_user_run:
        stp     x19, x20, [x1, #0]
        stp     x21, x22, [x1, #16]
        stp     x23, x24, [x1, #32]
        stp     x25, x26, [x1, #48]
        stp     x27, x28, [x1, #64]
        stp     x29, x30, [x1, #80]
        mov     x9, sp
        str     x9, [x1, #96]
        sub     sp, sp, #FRAME_SIZE
        mov     x2, sp
        mov     x3, #(FRAME_SIZE / 16)
1:      ldp     x4, x5, [x0], #16
        stp     x4, x5, [x2], #16
        subs    x3, x3, #1
        b.ne    1b
        msr     daifset, #2                     /* trap_return runs with IRQs masked */
        /* As on every return to EL0: the thread's space loaded on the CPU it
           is on now (it may have moved since it was created), a pending end
           of the thread taken. The frame sits above SP, out of the call's way. */
        bl      user_entry_prepare
        mov     x19, #8                         /* an EL0 frame: restore SP_EL0 */
        b       trap_return

/* void arch_user_run_exit(UserRunCtx* ctx x0, int64_t value x1) */
        .globl arch_user_run_exit
arch_user_run_exit:
        ldp     x19, x20, [x0, #0]
        ldp     x21, x22, [x0, #16]
        ldp     x23, x24, [x0, #32]
        ldp     x25, x26, [x0, #48]
        ldp     x27, x28, [x0, #64]
        ldp     x29, x30, [x0, #80]
        ldr     x9, [x0, #96]
        mov     sp, x9
        mov     x0, x1
        ret
