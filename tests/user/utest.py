#!/usr/bin/env python3
"""The user-mode suite: boots QEMU raspi4b (4 CPUs, no icount, so races show)
with init=utest (or another suite built on user/lib/utest.c) and checks every
line it prints.

  utest.py [--program NAME] [--kernel IMG] [--timeout S] [TEST...]

Prints each UTEST line (and the suites' UTEST-INFO lines: figures, not checks)
and a summary; exit status 0 when every check passed,
the UTEST-SUMMARY line agrees, and init's exit status (QEMU's, through
semihosting) equals the number of failures, i.e. 0.
"""
import argparse
import re
import sys

from _userlib import KERNEL, boot, init_status


def main(keys=None):
    p = argparse.ArgumentParser()
    p.add_argument("--program", default="utest")
    p.add_argument("--kernel", default=str(KERNEL))
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("tests", nargs="*")
    a = p.parse_args()
    status, lines = boot(a.program, a.tests, kernel=a.kernel, timeout=a.timeout, keys=keys)
    passed = failed = 0
    summary = None
    for line in lines:
        m = re.match(r"UTEST (\S+) (PASS|FAIL)", line)
        if m:
            print(line)
            if m.group(2) == "PASS":
                passed += 1
            else:
                failed += 1
        s = re.match(r"UTEST-SUMMARY passed=(\d+) failed=(\d+)", line)
        if s:
            summary = (int(s.group(1)), int(s.group(2)))
        # (The kernel's invariant checker says what it found: "invariant: ...".)
        if (line.startswith("UTEST-INFO ") or "PANIC" in line or "killed by" in line
                or line.startswith("qemu_run:") or line.startswith("invariant:")):
            print(line)
    ok = True
    if summary != (passed, failed):
        print(f"utest: summary {summary} does not match the lines ({passed}, {failed})")
        ok = False
    code = init_status(lines)
    if code != failed or status != failed:
        print(f"utest: init exited with {code}, QEMU with {status}, {failed} failures")
        ok = False
    if passed == 0:
        ok = False
    print(f"utest: {passed} passed, {failed} failed")
    sys.exit(0 if ok and failed == 0 else 1)


if __name__ == "__main__":
    main()
