#!/usr/bin/env python3
"""Boot path: entered at EL3 (no firmware stub before it), the kernel says on
the PL011 that it does not run there and stops, instead of running on without
what the Pi firmware's ARM stub sets up (CNTFRQ, SMPEN, GIC groups).

QEMU starts every core of an ELF given to -kernel at its entry in EL3, so the
test wraps kernel8.img in an ELF loaded at 0x80000. Passes when the refusal
shows on UART0 and nothing of a normal boot follows."""

import subprocess
import sys
import time
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import _bootlib as bootlib  # noqa: E402

sys.path.insert(0, str(bootlib.ROOT / "tools"))
import cross  # noqa: E402

NAME = "el3_entry"
REFUSAL = "tine: entered at EL3"
CROSS = cross.prefix()


def wrap_in_elf(image, wd):
    """An ELF whose one segment is the image at 0x80000, entry 0x80000."""
    obj, script, elf = wd / "image.o", wd / "image.ld", wd / "image.elf"
    script.write_text("SECTIONS { . = 0x80000; .image : { *(.data) } }\n")
    for cmd in ([CROSS + "objcopy", "-I", "binary", "-O", "elf64-littleaarch64", "-B", "aarch64",
                 str(image), str(obj)],
                [CROSS + "ld", "-T", str(script), "-e", "0x80000", str(obj), "-o", str(elf)]):
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"{cmd[0]} failed: {r.stdout}{r.stderr}")
    return elf


def main():
    ap = bootlib.parser(__doc__.splitlines()[0])
    bootlib.add_qemu_args(ap)
    args = ap.parse_args()
    if not Path(args.kernel).is_file():
        return bootlib.result(NAME, False, f"missing {args.kernel}")
    with bootlib.Workdir(NAME, args.keep) as wd:
        elf = wrap_in_elf(Path(args.kernel), wd)
        uart0 = wd / "uart0.log"
        qemu = [args.qemu, "-M", "raspi4b", "-kernel", str(elf),
                "-serial", f"file:{uart0}", "-serial", "null",
                "-display", "none", "-monitor", "none"]
        proc = subprocess.Popen(qemu, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        t0 = time.monotonic()
        try:
            # The kernel stops for good after the line: wait for it, then a
            # moment more for anything that should not come.
            seen_at = None
            while time.monotonic() - t0 < args.timeout:
                if seen_at is None and any(REFUSAL in l for l in bootlib.read_lines(uart0)):
                    seen_at = time.monotonic()
                if seen_at is not None and time.monotonic() - seen_at > 1.0:
                    break
                if proc.poll() is not None:
                    break
                time.sleep(0.05)
        finally:
            bootlib.stop(proc)
        lines = bootlib.read_lines(uart0)
        refused = any(REFUSAL in l for l in lines)
        booted = [l for l in lines if l.startswith(("cpus:", "memory:", "tine: Raspberry"))]
        ok = refused and not booted
        detail = (f"refusal {'seen' if refused else 'missing'}"
                  + (f"; went on booting: {booted[0]!r}" if booted else ""))
        return bootlib.result_or_tails(NAME, ok, detail, [("UART0 (PL011)", uart0)])


if __name__ == "__main__":
    sys.exit(main())
