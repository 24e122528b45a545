#!/usr/bin/env python3
"""Build-time check of kernel8.img: a valid arm64 Image header, and the second
link (with the symbol table) placed every function where the first link did."""
import struct
import subprocess
import sys


def functions(nm, elf):
    out = subprocess.run([nm, "--defined-only", elf], check=True, capture_output=True,
                         text=True).stdout
    return {p[2]: p[0] for p in (l.split() for l in out.splitlines())
            if len(p) == 3 and p[1] in "tT"}


def main():
    img, nm, stage1, final = sys.argv[1:5]
    data = open(img, "rb").read()
    code0, code1, text_offset, image_size, flags = struct.unpack_from("<IIQQQ", data, 0)
    magic = data[56:60]
    errors = []
    if code0 >> 26 != 0b000101:
        errors.append("code0 is not a branch")
    if text_offset != 0x80000:
        errors.append(f"text_offset {text_offset:#x}")
    if image_size < len(data):
        errors.append(f"image_size {image_size} < file size {len(data)}")
    if flags != 0x2:
        errors.append(f"flags {flags:#x}")
    if magic != b"ARM\x64":
        errors.append(f"magic {magic!r}")
    a, b = functions(nm, stage1), functions(nm, final)
    moved = [n for n in a if n in b and a[n] != b[n]]
    if moved:
        errors.append(f"{len(moved)} functions moved between links, e.g. {moved[0]}")
    if errors:
        sys.exit("kernel8.img: " + "; ".join(errors))


if __name__ == "__main__":
    main()
