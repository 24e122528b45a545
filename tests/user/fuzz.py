#!/usr/bin/env python3
"""The system call fuzzer (user/tests/fuzz.c, docs/process.md) for 60 s on 4
CPUs without icount: workers of random uids make random calls with hostile
arguments; after each round the invariant checker must pass and every
resource counter must be back at its baseline. One check, printed as
"UTEST fuzz.run PASS|FAIL ...": the fuzzer's last line must say ok and init
must exit 0. A kernel panic (QEMU exits) or a hang (the timeout) fails it
too. The seed is random unless given, and printed, so a failure can be rerun
with ./tine fuzz --seed S.

  fuzz.py [--seconds N] [--seed S] [--timeout S] [--kernel IMG]
"""
import argparse
import random
import re
import sys

from _userlib import KERNEL, boot, init_status


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seconds", type=int, default=60)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--timeout", type=float, default=None)
    p.add_argument("--kernel", default=str(KERNEL))
    a = p.parse_args()
    seed = a.seed if a.seed is not None else random.randrange(1, 1 << 31)
    # The rounds, up to 30 s for a round's stragglers and its checks, the boot.
    timeout = a.timeout if a.timeout is not None else a.seconds + a.seconds // 5 + 120
    print(f"UTEST-INFO fuzz: seed {seed}, {a.seconds} s (rerun: ./tine fuzz --seconds "
          f"{a.seconds} --seed {seed})", flush=True)
    status, lines = boot("fuzz", [f"secs={a.seconds}", f"seed={seed}", "quiet"],
                         kernel=a.kernel, timeout=timeout)
    verdict = None
    for line in lines:
        if line.startswith("fuzz:") or "PANIC" in line or line.startswith("qemu_run:"):
            print(line)
        m = re.match(r"fuzz: (\d+) calls, seed (\d+), (ok|FAILED.*)$", line)
        if m:
            verdict = m
    code = init_status(lines)
    if verdict and verdict.group(3) == "ok" and code == 0 and status == 0:
        print(f"UTEST fuzz.run PASS")
        sys.exit(0)
    if verdict:
        why = verdict.group(3)
    elif any("PANIC" in line for line in lines):
        why = "kernel panic"
    elif status == 124:
        why = f"no verdict within {timeout:.0f} s (hang)"
    else:
        why = f"no verdict (QEMU status {status}, init status {code})"
    print(f"UTEST fuzz.run FAIL seed {seed}: {why}")
    sys.exit(1)


if __name__ == "__main__":
    main()
