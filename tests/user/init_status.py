#!/usr/bin/env python3
"""When init dies of a fault the kernel says why, prints "init exited:
status=128+signal" and ends with that status; a program that is not there
ends the kernel with 127. reboot(2) ends the machine while init runs (QEMU
exits 0, with no "init exited" line). Lines about user programs are rate-limited: of 100
children crashing at once, 10 are said, and the rest are counted in one line
once the next window (5 s) lets a line through."""
import sys

from _userlib import boot, init_status

CASES = [
    # (init, args, expected status, a line that must appear)
    ("crash", ["segv"], 128 + 11, "killed by SIGSEGV"),
    ("crash", ["ill"], 128 + 4, "killed by SIGILL"),
    ("crash", ["exit", "42"], 42, None),
    ("no-such-program", [], 127, "init: cannot run no-such-program"),
    ("crash", ["many", "100"], 0, "kernel: 90 lines about user programs held back"),
    # Boot arguments after "--": 100 words reach the program whole (past 16,
    # they used to be merged into the 16th); past 128 the rest is dropped.
    ("crash", ["words"] + [f"w{i}" for i in range(100)], 100, None),
    ("crash", ["words"] + [f"w{i}" for i in range(130)], 127, "init: more than 128 words"),
    ("crash", ["poweroff"], 0, "reboot: Power down"),
    ("crash", ["halt"], 0, "reboot: System halted"),
]


def main():
    ok = True
    for init, args, want, needle in CASES:
        status, lines = boot(init, args, timeout=120)
        got = init_status(lines)
        if args[:1] in (["poweroff"], ["halt"]):  # init did not exit: the machine ended
            good = status == want and got is None
        else:
            good = status == want and (got == want or want == 127)
        if needle:
            good = good and any(needle in line for line in lines)
        if args[:1] == ["many"]:  # the first 10, then the one after the window
            said = sum("killed by SIGSEGV" in line for line in lines)
            good = good and said == 11
        shown = " ".join(args) if len(args) < 8 else f"{args[0]} and {len(args) - 1} words"
        print(f"init_status {init} {shown}: status {status}, wanted {want}:",
              "PASS" if good else "FAIL")
        ok &= good
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
