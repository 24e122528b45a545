#!/usr/bin/env python3
"""Boot path: a device tree whose CPUs use enable-method "psci" (as TF-A hands
it over: no cpu-release-addr) must not make the kernel write the spin table.

QEMU's raspi4b has no PSCI firmware, so the trees tried here are the two a
kernel can answer without one: no /psci node at all, and a /psci node that
says HVC while the kernel holds EL2 itself (it was entered there). Either way
the other CPUs must stay off with a line saying why, and the boot go on with
one CPU. Had the kernel written the spin table anyway, QEMU's secondaries,
which still poll it, would have come online. The TF-A tree also reserves
[0, 0x80000) no-map: the memory line must start above it.

Passes when the banner shows, QEMU powers off with status 0, "cpus: 1 online"
and three "not started" lines are on UART0, for each tree."""

import re
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
import _bootlib as bootlib  # noqa: E402

NAME = "psci_cpus"
TREES = {
    "pi4-psci-nonode": [r"^cpus: 1 online: cpu0", r"^smp: cpu 1 not started: .*no usable /psci",
                        r"^smp: cpu 3 not started"],
    "pi4-psci-hvc": [r"^cpus: 1 online: cpu0", r"^smp: cpu 2 not started: PSCI by HVC",
                     r"^memory: 0x80000-"],
}


def main():
    ap = bootlib.parser(__doc__.splitlines()[0])
    bootlib.add_qemu_args(ap)
    args = ap.parse_args()
    base = Path(args.board_dir) / bootlib.DTB_NAME
    for f in (Path(args.kernel), base):
        if not f.is_file():
            return bootlib.result(NAME, False, f"missing {f}")
    failed = 0
    with bootlib.Workdir(NAME, args.keep) as wd:
        mk = subprocess.run([sys.executable, str(bootlib.ROOT / "tools" / "pi4_dtb.py"),
                             "--base", str(base), "--out", str(wd), *TREES],
                            capture_output=True, text=True)
        if mk.returncode != 0:
            print(mk.stdout + mk.stderr, end="")
            return bootlib.result(NAME, False, "tools/pi4_dtb.py failed")
        for tree, expects in TREES.items():
            uart0 = wd / f"{tree}.uart0.log"
            qemu = [args.qemu, "-M", "raspi4b", "-kernel", args.kernel,
                    "-dtb", str(wd / f"{tree}.dtb"),
                    "-serial", f"file:{uart0}", "-serial", "null",
                    "-display", "none", "-monitor", "none",
                    "-semihosting-config", "enable=on,target=native",
                    "-append", args.append]
            res = bootlib.run_qemu(qemu, uart0, args.timeout, wd / f"{tree}.qemu.log")
            ok, detail = bootlib.judge(NAME, res, uart0, expects + args.expect, args.append)
            started = [l for l in bootlib.read_lines(uart0) if re.match(r"^cpus: [2-9] online", l)]
            if started:
                ok, detail = False, f"other CPUs came up: {started[0]!r}; " + detail
            if not ok:
                failed += 1
                bootlib.print_tails([(f"UART0 with {tree}", uart0),
                                     ("QEMU output", wd / f"{tree}.qemu.log")])
            print(f"  {tree}: {'ok' if ok else 'FAILED'}: {detail}")
    return bootlib.result(NAME, failed == 0, f"{len(TREES) - failed}/{len(TREES)} trees")


if __name__ == "__main__":
    sys.exit(main())
