/* Program entry. The kernel starts us with SP at argc (System V AArch64 ABI:
   argc, argv[], NULL, envp[], NULL, auxv pairs) and every register zero. */
        .text
        .globl _start
        .type _start, %function
_start:
        mov     x29, #0
        mov     x30, #0
        mov     x0, sp
        bl      __tine_start
1:      b       1b
        .size _start, . - _start
