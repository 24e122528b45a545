/* First entry to EL0, and the way back out of user mode (arch/user_entry.h).
 * Entry reuses the exception return path of vectors.S (trap_return), with
 * x19 >= 8 so that it restores SP_EL0 from the frame as for any EL0 trap. */
#include "arch/aarch64/context/callee_saved.inc"

#define FRAME_SIZE 304

        .text
/* int64_t arch_user_run(const TrapFrame* initial x0, UserRunCtx* ctx x1) */
        .globl arch_user_run
arch_user_run:
        SAVE_X19_X30 x1
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
        LOAD_X19_X30 x0
        ldr     x9, [x0, #96]
        mov     sp, x9
        mov     x0, x1
        ret
