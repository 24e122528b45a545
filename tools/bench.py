#!/usr/bin/env python3
"""tine's benchmarks beside Linux's figures (docs/design.md's bar).

Round trips run under QEMU's -icount shift=0,sleep=off, where one virtual
nanosecond is one guest instruction, so every figure is instructions per round
trip and repeats to the digit. Throughput runs without -icount (wall time,
multi-threaded TCG), so it depends on the host.

  tools/bench.py [--quick] [--only fork|proc|tput] [--tput-ms MS]
"""
import argparse
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests/user"))

from _benchlib import run_forkbench, table, targets  # noqa: E402  (VM: fork and COW)
from _userlib import boot  # noqa: E402

# Process round trips (user/bench/procbench.c): name -> (what, Linux raw, Linux libc).
PROC_ROWS = [
    ("user_getpid", "getpid", 9769, 9782),
    ("user_sched_yield", "sched_yield", 10361, 10361),
    ("user_fork_raw_exit_wait", "fork (1002) + exit + wait4", 119957, 226473),
    ("user_clone_fork_exit_wait", "clone(SIGCHLD) + exit + wait4", 119957, 226473),
    ("user_vfork_exit_wait", "vfork + exit + wait4", None, 88257),
    ("user_lwp_create_exit_join", "lwp_create + exit + join (thread create+join)", None, 158718),
]
FORK_TARGET = 20000  # instructions: fork + exit + wait4 of a small process
LINUX_TPUT = {1: 182.6, 4: 288.9}  # forks/s, libc, 2-core host


def run_procbench(quick=False):
    status, lines = boot("procbench", ["quick"] if quick else [], timeout=600, icount=True)
    res = {}
    for line in lines:
        m = re.match(r"KBENCH (\S+) (\d+) ns", line)
        if m:
            res[m.group(1)] = int(m.group(2))
    return status, res


def proc_table(res):
    out = [f"{'round trip (guest instructions, -icount)':50} {'tine':>10} {'Linux raw':>10} "
           f"{'Linux libc':>10}"]
    for name, what, raw, libc in PROC_ROWS:
        if name not in res:
            continue
        f = lambda v: f"{v:,}" if v else "-"  # noqa: E731
        out.append(f"{what:50} {res[name]:>10,} {f(raw):>10} {f(libc):>10}")
    return out


def run_tput(workers, ms):
    status, lines = boot("procbench", ["tput", str(workers), str(ms)], timeout=120)
    for line in lines:
        m = re.match(r"KBENCH_TPUT workers=(\d+) forks=(\d+) ms=(\d+) rate=([\d.]+)", line)
        if m:
            return float(m.group(4)), int(m.group(2))
    return None, None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer rounds (a smoke test)")
    ap.add_argument("--only", choices=["fork", "proc", "tput"])
    ap.add_argument("--tput-ms", type=int, default=3000)
    args = ap.parse_args()
    ok = True
    if args.only in (None, "proc"):
        status, res = run_procbench(args.quick)
        for line in proc_table(res):
            print(line)
        fork = res.get("user_fork_raw_exit_wait")
        good = fork is not None and fork < FORK_TARGET
        print(f"target: fork + exit + wait4 {fork} < {FORK_TARGET:,}: {'PASS' if good else 'MISS'}")
        ok &= status == 0 and bool(res)
        print()
    if args.only in (None, "fork"):
        status, res, _ = run_forkbench(quick=args.quick)
        for line in table(res):
            print(line)
        for what, good in targets(res):
            print(f"target: {what}: {'PASS' if good else 'MISS'}")
        ok &= status == 0 and bool(res)
        print()
    if args.only in (None, "tput"):
        print(f"{'fork throughput (no icount, wall time)':50} {'tine':>10} {'Linux libc':>10}")
        rates = {}
        for w in (1, 4):
            rate, _ = run_tput(w, args.tput_ms)
            rates[w] = rate
            shown = f"{rate:,.1f}" if rate is not None else "-"
            print(f"{f'{w} worker(s), forks/s':50} {shown:>10} {LINUX_TPUT[w]:>10,.1f}")
            ok &= rate is not None
        if rates.get(1) and rates.get(4):
            print(f"{'4 workers / 1 worker':50} {rates[4] / rates[1]:>10.2f} "
                  f"{LINUX_TPUT[4] / LINUX_TPUT[1]:>10.2f}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
