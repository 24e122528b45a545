/* Context switch, new-thread entry and the FP/SIMD register file.
   Layouts: arch/context.h (ArchContext, FpState). */
#include "arch/aarch64/context/callee_saved.inc"

        .text
/* void* arch_context_switch(ArchContext* save, const ArchContext* load,
                             void* next_thread, void* prev_thread) */
        .globl arch_context_switch
        .type arch_context_switch, %function
        .balign 16
arch_context_switch:
        SAVE_X19_X30 x0
        mov     x9, sp
        mrs     x10, tpidr_el0
        stp     x9, x10, [x0, #96]

        LOAD_X19_X30 x1
        ldp     x9, x10, [x1, #96]
        mov     sp, x9
        msr     tpidr_el0, x10
        msr     sp_el0, x2
        mov     x0, x3
        ret
        .size arch_context_switch, . - arch_context_switch

/* A new thread's first instructions: x0 = the thread switched from (returned by
   arch_context_switch), x19 = start function, x20 = its argument. */
        .globl arch_thread_entry
        .type arch_thread_entry, %function
        .balign 16
arch_thread_entry:
        mov     x29, xzr
        mov     x1, x20
        blr     x19
        brk     #0x1                            /* start functions never return */
        .size arch_thread_entry, . - arch_thread_entry

/* void arch_fp_save(FpState* s) */
        .globl arch_fp_save
        .type arch_fp_save, %function
        .balign 16
arch_fp_save:
        stp     q0, q1, [x0, #0]
        stp     q2, q3, [x0, #32]
        stp     q4, q5, [x0, #64]
        stp     q6, q7, [x0, #96]
        stp     q8, q9, [x0, #128]
        stp     q10, q11, [x0, #160]
        stp     q12, q13, [x0, #192]
        stp     q14, q15, [x0, #224]
        stp     q16, q17, [x0, #256]
        stp     q18, q19, [x0, #288]
        stp     q20, q21, [x0, #320]
        stp     q22, q23, [x0, #352]
        stp     q24, q25, [x0, #384]
        stp     q26, q27, [x0, #416]
        stp     q28, q29, [x0, #448]
        stp     q30, q31, [x0, #480]
        mrs     x9, fpsr
        mrs     x10, fpcr
        add     x11, x0, #512
        stp     x9, x10, [x11]
        ret
        .size arch_fp_save, . - arch_fp_save

/* void arch_fp_restore(const FpState* s) */
        .globl arch_fp_restore
        .type arch_fp_restore, %function
        .balign 16
arch_fp_restore:
        ldp     q0, q1, [x0, #0]
        ldp     q2, q3, [x0, #32]
        ldp     q4, q5, [x0, #64]
        ldp     q6, q7, [x0, #96]
        ldp     q8, q9, [x0, #128]
        ldp     q10, q11, [x0, #160]
        ldp     q12, q13, [x0, #192]
        ldp     q14, q15, [x0, #224]
        ldp     q16, q17, [x0, #256]
        ldp     q18, q19, [x0, #288]
        ldp     q20, q21, [x0, #320]
        ldp     q22, q23, [x0, #352]
        ldp     q24, q25, [x0, #384]
        ldp     q26, q27, [x0, #416]
        ldp     q28, q29, [x0, #448]
        ldp     q30, q31, [x0, #480]
        add     x11, x0, #512
        ldp     x9, x10, [x11]
        msr     fpsr, x9
        msr     fpcr, x10
        ret
        .size arch_fp_restore, . - arch_fp_restore

/* Test helpers (the kernel is built without FP/SIMD, so tests that need live
   FP state call these). arch_fp_fill(seed): v0-v31 and FPCR rounding bits from
   seed. arch_fp_check(seed): how many of v0-v31 differ from what fill wrote. */
        .globl arch_fp_fill
        .type arch_fp_fill, %function
        .balign 16
arch_fp_fill:
        mov     x9, x0
        .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        add     x9, x9, #0x101
        fmov    d\r, x9
        mov     v\r\().d[1], x0
        .endr
        ret
        .size arch_fp_fill, . - arch_fp_fill

        .globl arch_fp_check
        .type arch_fp_check, %function
        .balign 16
arch_fp_check:
        mov     x9, x0
        mov     x11, #0
        .irp r, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        add     x9, x9, #0x101
        fmov    x10, d\r
        cmp     x10, x9
        cinc    x11, x11, ne
        mov     x10, v\r\().d[1]
        cmp     x10, x0
        cinc    x11, x11, ne
        .endr
        mov     x0, x11
        ret
        .size arch_fp_check, . - arch_fp_check

/* arch_fp_touch(): one FP/SIMD instruction (reads d31), for benchmarks of
   threads that use FP between switches. */
        .globl arch_fp_touch
        .type arch_fp_touch, %function
        .balign 16
arch_fp_touch:
        fmov    x0, d31
        ret
        .size arch_fp_touch, . - arch_fp_touch
