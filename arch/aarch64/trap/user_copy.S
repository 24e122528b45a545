/* User-memory access with fault recovery, and whole-page copy and clear.
 *
 * Every instruction between uaccess_text_start and uaccess_text_end may fault on
 * a user address; the EL1 fault path (arch/uaccess.h) first lets the VM resolve
 * the fault and retries, otherwise it resumes at uaccess_fixup, which returns
 * -EFAULT. The routines are leaves that keep SP and LR, so the fixup can return
 * straight to their caller. General registers only (the FP/SIMD file may hold a
 * user thread's state), but for the page copy, which borrows eight SIMD
 * registers with care.
 */
#define EFAULT 14

        .text
        .balign 64
        .globl uaccess_text_start
uaccess_text_start:

/* The loop both copies share: 64 bytes a turn, then 8, then 1, each moved
   from [x1] to [x0] by the macro named; returns 0. */
        .macro copy_loop move64, move8, move1
1:      cmp     x2, #64
        b.lo    2f
        \move64
        add     x0, x0, #64
        add     x1, x1, #64
        sub     x2, x2, #64
        b       1b
2:      cmp     x2, #8
        b.lo    3f
        \move8
        add     x0, x0, #8
        add     x1, x1, #8
        sub     x2, x2, #8
        b       2b
3:      cbz     x2, 4f
        \move1
        add     x0, x0, #1
        add     x1, x1, #1
        sub     x2, x2, #1
        b       3b
4:      mov     x0, #0
        ret
        .endm

/* Moves from user memory: unprivileged loads. */
        .macro from_user_64
        ldtr    x3, [x1]
        ldtr    x4, [x1, #8]
        ldtr    x5, [x1, #16]
        ldtr    x6, [x1, #24]
        ldtr    x7, [x1, #32]
        ldtr    x8, [x1, #40]
        ldtr    x9, [x1, #48]
        ldtr    x10, [x1, #56]
        stp     x3, x4, [x0]
        stp     x5, x6, [x0, #16]
        stp     x7, x8, [x0, #32]
        stp     x9, x10, [x0, #48]
        .endm
        .macro from_user_8
        ldtr    x3, [x1]
        str     x3, [x0]
        .endm
        .macro from_user_1
        ldtrb   w3, [x1]
        strb    w3, [x0]
        .endm

/* Moves to user memory: unprivileged stores. */
        .macro to_user_64
        ldp     x3, x4, [x1]
        ldp     x5, x6, [x1, #16]
        ldp     x7, x8, [x1, #32]
        ldp     x9, x10, [x1, #48]
        sttr    x3, [x0]
        sttr    x4, [x0, #8]
        sttr    x5, [x0, #16]
        sttr    x6, [x0, #24]
        sttr    x7, [x0, #32]
        sttr    x8, [x0, #40]
        sttr    x9, [x0, #48]
        sttr    x10, [x0, #56]
        .endm
        .macro to_user_8
        ldr     x3, [x1]
        sttr    x3, [x0]
        .endm
        .macro to_user_1
        ldrb    w3, [x1]
        sttrb   w3, [x0]
        .endm

/* long arch_copy_from_user(void* dst x0, const void* usrc x1, size_t n x2) */
        .globl arch_copy_from_user
arch_copy_from_user:
        copy_loop from_user_64, from_user_8, from_user_1

/* long arch_copy_to_user(void* udst x0, const void* src x1, size_t n x2) */
        .globl arch_copy_to_user
arch_copy_to_user:
        copy_loop to_user_64, to_user_8, to_user_1

/* long arch_strncpy_from_user(char* dst x0, const char* usrc x1, size_t n x2) */
        .globl arch_strncpy_from_user
arch_strncpy_from_user:
        mov     x4, #0                          /* length so far */
1:      cmp     x4, x2
        b.hs    2f
        ldtrb   w3, [x1]
        strb    w3, [x0, x4]
        cbz     w3, 2f
        add     x1, x1, #1
        add     x4, x4, #1
        b       1b
2:      mov     x0, x4
        ret

/* x4 = 0 if EL0 may write at x0 now, else 1 (not mapped, read-only or
   copy-on-write): the address translated as an EL0 write (AT S1E0W), with
   IRQs masked until PAR_EL1 has been read. Clobbers x5. */
        .macro user_write_check
        mrs     x5, daif
        msr     daifset, #2
        at      s1e0w, x0
        isb
        mrs     x4, par_el1
        msr     daif, x5
        and     x4, x4, #1
        .endm

/* long arch_user_cmpxchg32(uint32_t* uaddr x0, uint32_t expected w1,
                            uint32_t desired w2, uint32_t* seen x3)
   Atomically stores desired at uaddr (4-byte aligned) if it holds expected;
   *seen gets the value found. The exclusive pair has no unprivileged form, so
   EL0's right to write the page is checked first: 0, 1 when EL0 may not
   write there now (the caller lets the VM fault the page in and tries
   again), or kUaccessFault. */
        .globl arch_user_cmpxchg32
arch_user_cmpxchg32:
        user_write_check
        cbnz    x4, 3f
1:      ldaxr   w4, [x0]
        cmp     w4, w1
        b.ne    2f
        stlxr   w5, w2, [x0]
        cbnz    w5, 1b
2:      str     w4, [x3]
        mov     x0, #0
        ret
3:      mov     x0, #1
        ret

/* long arch_user_write_ok(void* uaddr x0): 0 when EL0 may write the page
   now, 1 when not. */
        .globl arch_user_write_ok
arch_user_write_ok:
        user_write_check
        mov     x0, x4
        ret

        .globl uaccess_fixup
uaccess_fixup:
        mov     x0, #-EFAULT
        ret

        .globl uaccess_text_end
uaccess_text_end:

/* void arch_page_copy(void* dst x0, const void* src x1): 4 KiB.
   With the SIMD loads and stores, 64 bytes an instruction. The FP/SIMD file
   belongs to the scheduler (switched lazily: it may hold some thread's live
   state even while FP is trapped), so this borrows it the way a kernel-mode
   NEON section does: IRQs masked, FP enabled for the copy if it was off, and
   the eight registers it uses put back. */
        .balign 64
        .globl arch_page_copy
arch_page_copy:
        mrs     x5, daif
        msr     daifset, #2
        mrs     x2, cpacr_el1
        orr     x3, x2, #(3 << 20)
        cmp     x3, x2
        b.eq    1f
        msr     cpacr_el1, x3
        isb
1:      sub     sp, sp, #128
        st1     {v0.2d-v3.2d}, [sp]
        add     x6, sp, #64
        st1     {v4.2d-v7.2d}, [x6]
        .rept   32                              /* no loop: 32 x 128 bytes, two */
        ld1     {v0.16b-v3.16b}, [x1], #64      /* register sets so loads and */
        ld1     {v4.16b-v7.16b}, [x1], #64      /* stores can overlap */
        st1     {v0.16b-v3.16b}, [x0], #64
        st1     {v4.16b-v7.16b}, [x0], #64
        .endr
        ld1     {v0.2d-v3.2d}, [sp]
        ld1     {v4.2d-v7.2d}, [x6]
        add     sp, sp, #128
        cmp     x3, x2
        b.eq    3f
        msr     cpacr_el1, x2
        isb
3:      msr     daif, x5
        ret

/* void arch_page_zero(void* dst x0): DC ZVA by the block size DCZID_EL0 gives
   (four blocks a turn), or stores of zero when DC ZVA is prohibited. */
        .globl arch_page_zero
arch_page_zero:
        add     x3, x0, #4096
        mrs     x1, dczid_el0
        tbnz    x1, #4, 2f
        and     x1, x1, #0xf
        mov     x2, #4
        lsl     x2, x2, x1                      /* block bytes = 4 << BS */
1:      dc      zva, x0
        add     x0, x0, x2
        dc      zva, x0
        add     x0, x0, x2
        dc      zva, x0
        add     x0, x0, x2
        dc      zva, x0
        add     x0, x0, x2
        cmp     x0, x3
        b.lo    1b
        ret
2:      stp     xzr, xzr, [x0]
        stp     xzr, xzr, [x0, #16]
        stp     xzr, xzr, [x0, #32]
        stp     xzr, xzr, [x0, #48]
        add     x0, x0, #64
        cmp     x0, x3
        b.lo    2b
        ret

/* void arch_icache_sync(const void* kva x0, size_t len x1): makes instructions
   just written through the linear map visible to instruction fetch on every CPU,
   as Linux's sync_icache_aliases does. Cortex-A72 has neither CTR_EL0.IDC nor
   DIC, so: clean each data line to the point of unification, then invalidate
   the instruction lines. With a PIPT I-cache (CTR_EL0.L1Ip = 3, as on the A72:
   Cortex-A72 TRM, L1 instruction memory system) the linear-map address hits
   the same lines as the user's, so IC IVAU by line does it, and is broadcast
   to the inner-shareable domain; any other I-cache gets IC IALLUIS. */
        .globl arch_icache_sync
arch_icache_sync:
        mrs     x2, ctr_el0
        mov     x4, #4
        add     x1, x0, x1                      /* end */
        ubfx    x3, x2, #16, #4                 /* DminLine: log2 words */
        lsl     x3, x4, x3                      /* smallest data line, bytes */
        sub     x5, x3, #1
        bic     x6, x0, x5
1:      dc      cvau, x6
        add     x6, x6, x3
        cmp     x6, x1
        b.lo    1b
        dsb     ish
        ubfx    x5, x2, #14, #2                 /* L1Ip */
        cmp     x5, #3
        b.ne    3f
        and     x3, x2, #0xf                    /* IminLine */
        lsl     x3, x4, x3
        sub     x5, x3, #1
        bic     x6, x0, x5
2:      ic      ivau, x6
        add     x6, x6, x3
        cmp     x6, x1
        b.lo    2b
        b       4f
3:      ic      ialluis
4:      dsb     ish
        isb
        ret
