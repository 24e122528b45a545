#!/usr/bin/env python3
"""Checks the 64-byte arm64 Image header at the start of kernel8.img, the
contract with every loader that starts it (Pi firmware, QEMU -kernel, U-Boot
booti); see Linux's Documentation/arch/arm64/booting.rst for the layout.

  0  code0        a branch (B) past the header, into the image
  4  code1        (not checked)
  8  text_offset  0x80000: loaded at a 2 MiB-aligned base + 0x80000
 16  image_size   non-zero (else QEMU takes the file for a raw binary), at
                  least the file's size (bss is included), and equal to the
                  ELF's _end - _start when the ELF is at hand
 24  flags        0x2: little-endian, 4 KiB pages, base near the start of RAM
 32  res2..res4   zero
 56  magic        "ARM\\x64"
"""

import struct
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import _bootlib as bootlib  # noqa: E402

sys.path.insert(0, str(bootlib.ROOT / "tools"))
import cross  # noqa: E402

NAME = "image_header"
TEXT_OFFSET = 0x80000
FLAGS = 0x2


def elf_symbols(nm, elf):
    out = subprocess.run([nm, str(elf)], capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms.setdefault(parts[2], int(parts[0], 16))
    return syms


def check(args):
    """Returns (problems, notes)."""
    kernel = Path(args.kernel)
    data = kernel.read_bytes()
    size = len(data)
    problems, notes = [], []
    if size < 64:
        return [f"{size} bytes, shorter than the header"], notes
    (code0, code1, text_offset, image_size, flags, res2, res3, res4, magic,
     res5) = struct.unpack_from("<IIQQQQQQ4sI", data, 0)

    if magic != b"ARM\x64":
        problems.append(f"magic {magic!r} at 56, want b'ARM\\x64'")
    if code0 & 0xFC000000 == 0x14000000:  # B imm26
        imm = code0 & 0x03FFFFFF
        if imm & 0x02000000:
            imm -= 1 << 26
        target = imm * 4
        if not 64 <= target < size:
            problems.append(f"code0 branches to +{target:#x}, outside the image "
                            f"past the header (file is {size:#x} bytes)")
        else:
            notes.append(f"entry=+{target:#x}")
    else:
        problems.append(f"code0 {code0:#010x} is not a B instruction")
    if text_offset != TEXT_OFFSET:
        problems.append(f"text_offset {text_offset:#x}, want {TEXT_OFFSET:#x}")
    if image_size == 0:
        problems.append("image_size is 0 (loaders then treat it as a raw binary)")
    elif image_size < size:
        problems.append(f"image_size {image_size:#x} < file size {size:#x}")
    if flags != FLAGS:
        problems.append(f"flags {flags:#x}, want {FLAGS:#x} (LE, 4 KiB pages, "
                        "2 MiB-aligned base + text_offset)")
    if res2 or res3 or res4:
        problems.append("res2..res4 not zero")
    notes.append(f"image_size={image_size:#x} file={size:#x}")

    elf = Path(args.elf)
    if elf.is_file():
        try:
            syms = elf_symbols(args.nm, elf)
        except (OSError, subprocess.CalledProcessError) as e:
            problems.append(f"{args.nm} {elf}: {e}")
            return problems, notes
        for lo, hi in (("_start", "_end"), ("__image_start", "__image_end")):
            if lo in syms and hi in syms:
                span = syms[hi] - syms[lo]
                if span != image_size:
                    problems.append(f"image_size {image_size:#x} != ELF {hi} - {lo} "
                                    f"= {span:#x}")
                else:
                    notes.append(f"== ELF {hi}-{lo}")
                if syms[lo] % (2 << 20) != TEXT_OFFSET:
                    problems.append(f"ELF {lo} = {syms[lo]:#x} is not linked at "
                                    f"text_offset within a 2 MiB block")
                break
        else:
            problems.append(f"{elf} has neither _start/_end nor "
                            "__image_start/__image_end")
    else:
        notes.append("no ELF, size not cross-checked")
    return problems, notes


def main():
    ap = bootlib.parser(__doc__.splitlines()[0])
    ap.add_argument("--nm", default=cross.tool("nm"), help="nm for the ELF")
    args = ap.parse_args()  # --board-dir, --timeout, --append, --keep: unused here
    if not Path(args.kernel).is_file():
        return bootlib.result(NAME, False, f"missing {args.kernel}")
    problems, notes = check(args)
    if problems:
        return bootlib.result(NAME, False, "; ".join(problems))
    return bootlib.result(NAME, True, " ".join(notes))


if __name__ == "__main__":
    sys.exit(main())
