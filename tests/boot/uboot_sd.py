#!/usr/bin/env python3
"""Boot path: QEMU raspi4b runs U-Boot, U-Boot's distro boot finds
extlinux/extlinux.conf on an SD image built by tools/sdimage.py (--mode uboot)
and starts kernel8.img from it.

Passes when the kernel's 'tine:' banner shows on UART0 (the PL011, first
-serial) and QEMU ends by itself with status 0: power-off, or with
'semihost_exit=1' a semihosting exit carrying the number of failed tests.
U-Boot's own console here is the mini UART (second -serial): QEMU runs no
firmware to route GPIO14/15 to the PL011, which on a board with this card's
config.txt U-Boot uses instead (docs/hardware.md, section 3)."""

import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import _bootlib as bootlib  # noqa: E402

NAME = "uboot_sd"


def main():
    ap = bootlib.parser(__doc__.splitlines()[0])
    bootlib.add_qemu_args(ap)
    ap.add_argument("--fdt", choices=("firmware", "file", "dir"), default="firmware",
                    help="which DTB U-Boot passes on (tools/sdimage.py --fdt)")
    args = ap.parse_args()
    board = Path(args.board_dir)
    dtb, uboot = board / bootlib.DTB_NAME, board / bootlib.UBOOT_NAME
    for f in (Path(args.kernel), dtb, uboot):
        if not f.is_file():
            return bootlib.result(NAME, False, f"missing {f}")

    with bootlib.Workdir(NAME, args.keep) as wd:
        sd = wd / "sd.img"
        cmd = [sys.executable, str(bootlib.ROOT / "tools" / "sdimage.py"), "--quiet",
               "--out", str(sd), "--mode", "uboot", "--kernel", args.kernel,
               "--board-dir", str(board), "--append", args.append, "--fdt", args.fdt]
        if args.initrd:
            cmd += ["--initrd", args.initrd]
        mk = subprocess.run(cmd, capture_output=True, text=True)
        if mk.returncode != 0:
            print(mk.stdout + mk.stderr, end="")
            return bootlib.result(NAME, False, "tools/sdimage.py failed")

        uart0, uart1 = wd / "uart0.log", wd / "uart1.log"
        qemu = [args.qemu, "-M", "raspi4b", "-kernel", str(uboot), "-dtb", str(dtb),
                "-drive", f"if=sd,file={sd},format=raw",
                "-serial", f"file:{uart0}", "-serial", f"file:{uart1}",
                "-display", "none", "-monitor", "none",
                "-semihosting-config", "enable=on,target=native"]
        res = bootlib.run_qemu(qemu, uart0, args.timeout, wd / "qemu.log")
        ok, detail = bootlib.judge(NAME, res, uart0, args.expect, args.append)
        u1 = "\n".join(bootlib.read_lines(uart1))
        if "Found /extlinux/extlinux.conf" not in u1:
            ok = False
            detail = "U-Boot did not find extlinux/extlinux.conf; " + detail
        return bootlib.result_or_tails(NAME, ok, detail, [("UART0 (PL011, kernel)", uart0),
                                                          ("UART1 (mini UART, U-Boot)", uart1),
                                                          ("QEMU output", wd / "qemu.log")])


if __name__ == "__main__":
    sys.exit(main())
