#!/usr/bin/env python3
"""Writes the kernel's symbol table for backtraces from `nm` of the first link.

Layout (little-endian): u64 count, then count entries of {u64 address, u32 name
offset, u32 size}, sorted by address, then the NUL-terminated names. Read by
kernel/debug/ksyms.cpp.
"""
import struct
import subprocess
import sys


def main():
    nm, elf, out = sys.argv[1:4]
    text = subprocess.run([nm, "-n", "-S", "--defined-only", "-C", elf],
                          check=True, capture_output=True, text=True).stdout
    syms = []
    for line in text.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4:
            addr, size, kind, name = parts
        elif len(parts) == 3:
            addr, kind, name = parts
            size = "0"
        else:
            continue
        if kind not in "tTwW":
            continue
        syms.append((int(addr, 16), int(size, 16), name))
    syms.sort()
    names = bytearray()
    entries = bytearray()
    for addr, size, name in syms:
        # Keep demangled names short: no anonymous-namespace prefix, no parameter list.
        short = name.replace("(anonymous namespace)::", "").split("(")[0] or name
        entries += struct.pack("<QII", addr, len(names), min(size, 0xFFFFFFFF))
        names += short.encode() + b"\0"
    with open(out, "wb") as f:
        f.write(struct.pack("<Q", len(syms)))
        f.write(entries)
        f.write(names)


if __name__ == "__main__":
    main()
