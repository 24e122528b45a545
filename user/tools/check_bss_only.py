#!/usr/bin/env python3
"""Checks that a program has the shape user/tests/bssonly.c is for: a
read/write PT_LOAD with p_filesz 0 whose p_offset lies past the end of the
file (what GNU ld's default script makes of a program with only bss).
  check_bss_only.py ELF"""
import struct
import sys

PT_LOAD, PF_W = 1, 2


def main():
    data = open(sys.argv[1], "rb").read()
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, p_flags, p_offset, _, _, p_filesz, p_memsz, _ = struct.unpack_from(
            "<IIQQQQQQ", data, phoff + i * phentsize)
        if p_type == PT_LOAD and p_flags & PF_W:
            if p_filesz == 0 and p_memsz > 0 and p_offset > len(data):
                return 0
            print(f"{sys.argv[1]}: RW PT_LOAD offset {p_offset:#x} filesz {p_filesz:#x} "
                  f"(file {len(data):#x} bytes): not the bss-only shape", file=sys.stderr)
            return 1
    print(f"{sys.argv[1]}: no RW PT_LOAD", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
