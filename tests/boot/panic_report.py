#!/usr/bin/env python3
"""Fatal paths: a kernel data abort and a panic() each print the cause, the
registers and a symbolized backtrace, stop every CPU and end QEMU with the
panic status (101) under semihost_exit=1."""
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The ktest runs on the main thread, which the balancer may move off CPU 0.
CASES = {
    "crash_data_abort": [r"PANIC on cpu \d: unexpected exception \(EL1h sync\): data abort",
                         r"ESR=0*96\w+ \(EC 0x25", r"FAR=ffff7f0000000000",
                         r"ELR=\w+ \S*ktest_fn_crash_data_abort\+0x",
                         r"LR =\w+ \S*ktest_run", r"x29=",
                         # A leaf function keeps its caller only in LR (checked above).
                         r"backtrace:\n  \w+ \S*ktest_fn_crash_data_abort\+0x\w+\n  \w+ \S+\+0x",
                         r"PANIC: system halted"],
    "crash_panic": [r"PANIC on cpu \d: deliberate panic from ktest crash_panic",
                    r"backtrace:\n(  \w+ \S+\+0x\w+\n)*  \w+ \S*ktest_fn_crash_panic",
                    r"PANIC: system halted"],
}


def main():
    ok = True
    for case, patterns in CASES.items():
        r = subprocess.run([sys.executable, str(ROOT / "tools/qemu_run.py"), "--ktest", case,
                            "--timeout", "60"], capture_output=True, text=True)
        out = r.stdout
        missing = [p for p in patterns if not re.search(p, out)]
        good = r.returncode == 101 and not missing
        if not good:
            print(out[-3000:])
            print(f"status {r.returncode}, missing: {missing}")
        print(f"BOOT panic_report.{case} {'PASS' if good else 'FAIL'}")
        ok = ok and good
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
