/* rfork's forms whose child must not use the caller's stack (tine.h). With
   RFMEM the child shares the caller's memory, stack included, so until it is
   on a stack of its own it touches no memory at all: hence assembly. Each in
   a section of its own, which --gc-sections drops from programs that do not
   call it. */
        .section .text.rfork_thread, "ax", %progbits
        .globl rfork_thread
        .type rfork_thread, %function
        .p2align 2
rfork_thread:                   /* x0 flags, x1 stack, x2 fn, x3 arg */
        mov     x9, x1
        mov     x10, x2
        mov     x11, x3
        mov     x8, #1251       /* SYS_rfork */
        svc     #0
        cbnz    x0, 1f          /* the caller: the child's pid, or -errno */
        mov     sp, x9
        mov     x0, x11
        blr     x10
        mov     x8, #94         /* SYS_exit_group, with fn's result */
        svc     #0
1:      ret
        .size rfork_thread, . - rfork_thread

        .section .text.rfork_exit, "ax", %progbits
        .globl rfork_exit
        .type rfork_exit, %function
        .p2align 2
rfork_exit:                     /* x0 flags, x1 code */
        mov     x9, x1
        mov     x8, #1251       /* SYS_rfork */
        svc     #0
        cbnz    x0, 1f
        mov     x0, x9
        mov     x8, #94         /* SYS_exit_group */
        svc     #0
1:      ret
        .size rfork_exit, . - rfork_exit
