#!/usr/bin/env python3
"""The fork and COW targets as a regression test: runs user/bench/forkbench
under -icount (deterministic: the same instructions every run), prints its
figures beside Linux's and checks a COW fault stays under 1,500 instructions
and fork + exit + wait of a process with 64 MiB touched within 1.5x of one
with nothing touched. Then a raw fork + exit + wait4 of a small process must
take under 20,000 instructions (user/bench/procbench.c). Both run on the
release kernel (build/kernel-release, what ./tine bench measures): the debug
kernel poisons every freed page and checks it when handed out again."""
import sys

from _benchlib import run_bench_program, run_forkbench, table, targets
from _userlib import ROOT

RELEASE_KERNEL = ROOT / "build/kernel-release/kernel8.img"
FORK_TARGET = 20000


def release_fork_cost():
    status, res, _ = run_bench_program("procbench", quick=True, timeout=300, kernel=RELEASE_KERNEL)
    return res.get("user_fork_raw_exit_wait") if status == 0 else None


def main():
    status, results, lines = run_forkbench(kernel=RELEASE_KERNEL)
    for line in table(results):
        print(line)
    ok = status == 0 and bool(results)
    for what, good in targets(results):
        print(f"bench_targets: {what}: {'PASS' if good else 'FAIL'}")
        ok &= good
    fork = release_fork_cost()
    good = fork is not None and fork < FORK_TARGET
    print(f"bench_targets: release kernel fork+exit+wait4 {fork} < {FORK_TARGET:,}: "
          f"{'PASS' if good else 'FAIL'}")
    ok &= good
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
