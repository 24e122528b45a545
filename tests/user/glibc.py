#!/usr/bin/env python3
"""The static glibc programs (user/glibc): glibctest boots as init from the
initramfs build/.../user/glibc/glibc.cpio on QEMU raspi4b (4 CPUs, no
icount) and every check must pass, with the kernel's resources back after
each test. The same binary then runs under qemu-aarch64 on the host, where
Linux answers the same questions (tests whose answer qemu-user would give
itself are skipped there), and must pass there too: the expectations are
Linux's.

  glibc.py [--no-linux] [--timeout S] [TEST...]
"""
import re
import subprocess
import sys

from _linuxlib import qemu_user, suite_args
from _userlib import BUILD, boot, init_status

GLIBC_DIR = BUILD / "user/glibc"
CPIO = GLIBC_DIR / "glibc.cpio"
PROGRAM = GLIBC_DIR / "bin/glibctest"


def tally(lines, label):
    passed = failed = 0
    summary = None
    for line in lines:
        m = re.match(r"UTEST (\S+) (PASS|FAIL)", line)
        if m:
            if m.group(2) == "PASS":
                passed += 1
            else:
                failed += 1
                print(f"{label}: {line}")
        s = re.match(r"UTEST-SUMMARY passed=(\d+) failed=(\d+)", line)
        if s:
            summary = (int(s.group(1)), int(s.group(2)))
        if "PANIC" in line or "killed by" in line or line.startswith("qemu_run:"):
            print(f"{label}: {line}")
    ok = summary == (passed, failed) and failed == 0 and passed > 0
    if summary != (passed, failed):
        print(f"{label}: summary {summary} does not match the lines ({passed}, {failed})")
    print(f"{label}: {passed} passed, {failed} failed")
    return ok


def on_linux(tests, timeout):
    qemu = qemu_user()
    if not qemu:
        return False
    try:
        r = subprocess.run([qemu, str(PROGRAM)] + tests, capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired as e:
        # What it printed before it hung says which test hung: the one after
        # the last line.
        out = e.stdout or ""
        out = out.decode(errors="replace") if isinstance(out, bytes) else out
        lines = out.splitlines()
        tally(lines, "linux")
        print(f"linux: no end after {timeout:.0f} s; its last lines:")
        for line in lines[-10:]:
            print(f"linux:   {line}")
        return False
    return tally(r.stdout.splitlines(), "linux") and r.returncode == 0


def main():
    a = suite_args("tine only", "tests")
    status, lines = boot("/bin/glibctest", a.tests, initrd=CPIO, timeout=a.timeout)
    for line in lines:
        if line.startswith("UTEST-INFO"):
            print(line)
    ok = tally(lines, "tine")
    code = init_status(lines)
    if code != 0 or status != 0:
        print(f"tine: init exited with {code}, QEMU with {status}")
        ok = False
    if not a.no_linux:
        ok &= on_linux(a.tests, a.timeout)
    print("glibc:", "PASS" if ok else "FAIL")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
