#!/usr/bin/env python3
"""Boot path: QEMU raspi4b starts kernel8.img itself (-kernel, -dtb), as it
does for every other QEMU test.

Passes when the kernel's 'tine:' banner shows on UART0 (the PL011, first
-serial) and QEMU ends by itself with status 0: power-off, or with
'semihost_exit=1' a semihosting exit carrying the number of failed tests."""

import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import _bootlib as bootlib  # noqa: E402

NAME = "kernel_direct"


def main():
    ap = bootlib.parser(__doc__.splitlines()[0])
    bootlib.add_qemu_args(ap)
    args = ap.parse_args()
    dtb = Path(args.board_dir) / bootlib.DTB_NAME
    for f in (Path(args.kernel), dtb) + ((Path(args.initrd),) if args.initrd else ()):
        if not f.is_file():
            return bootlib.result(NAME, False, f"missing {f}")

    with bootlib.Workdir(NAME, args.keep) as wd:
        uart0, uart1 = wd / "uart0.log", wd / "uart1.log"
        qemu = [args.qemu, "-M", "raspi4b", "-kernel", args.kernel, "-dtb", str(dtb),
                "-serial", f"file:{uart0}", "-serial", f"file:{uart1}",
                "-display", "none", "-monitor", "none",
                "-semihosting-config", "enable=on,target=native"]
        if args.append:
            qemu += ["-append", args.append]
        if args.initrd:
            qemu += ["-initrd", args.initrd]
        res = bootlib.run_qemu(qemu, uart0, args.timeout, wd / "qemu.log")
        ok, detail = bootlib.judge(NAME, res, uart0, args.expect, args.append)
        return bootlib.result_or_tails(NAME, ok, detail, [("UART0 (PL011, kernel)", uart0),
                                                          ("UART1 (mini UART)", uart1),
                                                          ("QEMU output", wd / "qemu.log")])


if __name__ == "__main__":
    sys.exit(main())
