/* First link: no symbol table yet (see cmake/kernel.cmake). */
        .section .ksyms, "a"
        .balign 8
        .quad 0
