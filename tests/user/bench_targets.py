#!/usr/bin/env python3
"""The fork and COW targets as a regression test: runs user/bench/forkbench
under -icount (deterministic: the same instructions every run), prints its
figures beside Linux's and checks a COW fault stays under 1,500 instructions
and fork + exit + wait of a process with 64 MiB touched within 1.5x of one
with nothing touched."""
import sys

from _benchlib import run_forkbench, table, targets


def main():
    status, results, lines = run_forkbench()
    for line in table(results):
        print(line)
    ok = status == 0 and bool(results)
    for what, good in targets(results):
        print(f"bench_targets: {what}: {'PASS' if good else 'FAIL'}")
        ok &= good
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
