/* Second link: the symbol table made from the first link by tools/gen_ksyms.py. */
        .section .ksyms, "a"
        .balign 8
        .incbin KSYMS_BIN
