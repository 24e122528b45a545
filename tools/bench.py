#!/usr/bin/env python3
"""tine's benchmarks beside Linux's figures (docs/design.md's bar).

Round trips run under QEMU's -icount shift=0,sleep=off, where one virtual
nanosecond is one guest instruction, so every figure is instructions per round
trip and repeats to the digit. Throughput runs without -icount (wall time,
multi-threaded TCG), so it depends on the host. The scheduler's figures come
from in-kernel benchmarks (KBENCH cases, boot argument kbench=SEL).
./tine bench measures the release kernel (build/kernel-release: no lock-order
checker, no ownership asserts), as Linux's figures are of a release kernel;
TINE_KERNEL_BUILD names another build folder (build/kernel, the tested one).

  tools/bench.py [--quick] [--only sched|fork|proc|glibc|tput] [--tput-ms MS]
                 [--kbench SEL] [--plot [DIR]]

--plot also writes the run's figures to DIR/bench.json (default docs/) and draws
them, beside Linux's figures from the tables below, as DIR/bench.svg and
DIR/bench.png (tools/bench_plot.py, which redraws from a bench.json alone).
"""
import argparse
import json
import pathlib
import re
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests/user"))

from _benchlib import run_bench_program, run_forkbench, table, targets  # noqa: E402  (fork, COW)
from _userlib import BUILD, KERNEL, boot  # noqa: E402

# Process round trips (user/bench/procbench.c): name -> (what, Linux raw, Linux libc).
PROC_ROWS = [
    ("user_getpid", "getpid", 9769, 9782),
    ("user_sched_yield", "sched_yield", 10361, 10361),
    ("user_fork_raw_exit_wait", "fork (1002) + exit + wait4", 119957, 226473),
    ("user_clone_fork_exit_wait", "clone(SIGCHLD) + exit + wait4", 119957, 226473),
    ("user_vfork_exit_wait", "vfork + exit + wait4", None, 88257),
    ("user_pipe_pingpong", "pipe ping-pong, 1 byte each way", None, 58301),
    ("user_lwp_create_exit_join_sleep", "lwp_create + exit + join (sleeping join)", None, 158718),
    ("user_lwp_create_exit_join", "  same, the join spinning on sched_yield", None, None),
]
FORK_TARGET = 20000  # instructions: fork + exit + wait4 of a small process
# The Linux personality's round trips (a tenth of Linux's figure on the same
# emulator, static glibc both sides), in instructions.
ROUND_TRIP_TARGETS = {
    "user_pipe_pingpong": ("pipe ping-pong", 5800),
    "glibc_fork_exit_waitpid": ("glibc fork + _exit + waitpid", 22600),
    "glibc_vfork_exit_waitpid": ("glibc vfork + _exit + waitpid", 8800),
    "glibc_pthread_create_join": ("glibc pthread_create + pthread_join", 15800),
}


def print_targets(res):
    """A line per round-trip target whose figure this run measured."""
    for name, (what, limit) in ROUND_TRIP_TARGETS.items():
        if name in res:
            good = res[name] <= limit
            print(f"target: {what} {res[name]} <= {limit:,}: {'PASS' if good else 'MISS'}")
# glibc's round trips (user/glibc/glibcbench.c, from glibc.cpio): name -> (what, Linux libc).
GLIBC_ROWS = [
    ("glibc_fork_exit_waitpid", "fork + _exit + waitpid", 226473),
    ("glibc_vfork_exit_waitpid", "vfork + _exit + waitpid", 88257),
    ("glibc_pthread_create_join", "pthread_create + pthread_join", 158718),
]

# In-kernel scheduler benchmarks (kernel/bench/sched_bench.cpp): KBENCH name ->
# (what, Linux's figure from docs/design.md where one is comparable, or None).
SCHED_KBENCH = "sched_*"
SCHED_ROWS = [
    ("sched_ctxsw_yield", "thread switch: yield between two threads on a CPU", None),
    ("sched_ctxsw_fp_both_eager", "  both threads use FP/SIMD, eager restore", None),
    ("sched_ctxsw_fp_both_lazy", "  both threads use FP/SIMD, lazy (trap) restore", None),
    ("sched_ctxsw_fp_mixed_eager", "  FP thread with integer thread, eager", None),
    ("sched_ctxsw_fp_mixed_lazy", "  FP thread with integer thread, lazy", None),
    ("sched_yield_alone", "yield, nothing else runnable (Linux: sched_yield)", 10361),
    ("sched_wakeup_local", "wakeup on the same CPU (sleep, wake, switch)", None),
    ("sched_wakeup_local_roundtrip", "  round trip (cf. Linux pipe ping-pong)", 58301),
    ("sched_wakeup_xcpu", "cross-CPU wakeup (IPI, leave WFI, switch)", None),
    ("sched_wakeup_xcpu_roundtrip", "  round trip", None),
    ("sched_thread_create_join", "kernel thread create+exit+join (cf. thread c+j)", 158718),
    ("sched_mutex_uncontended", "Mutex lock + unlock, uncontended", None),
    ("sched_callout_reset_stop", "callout_reset + callout_stop", None),
]
LINUX_TPUT = {1: 182.6, 4: 288.9}  # forks/s, libc, 2-core host (no 2-worker figure)
TPUT_WORKERS = (1, 2, 4)


def run_procbench(quick=False):
    status, res, _ = run_bench_program("procbench", quick)
    return status, res


def run_glibcbench(quick=False):
    cpio = BUILD / "user/glibc/glibc.cpio"
    status, res, _ = run_bench_program("/bin/glibcbench", quick, initrd=cpio)
    return status, res


def glibc_table(res):
    out = [f"{'static glibc program (guest instructions, -icount)':50} {'tine':>10} "
           f"{'Linux libc':>10}"]
    for name, what, libc in GLIBC_ROWS:
        if name in res:
            out.append(f"{what:50} {res[name]:>10,} {libc:>10,}")
    return out


def proc_table(res):
    out = [f"{'round trip (guest instructions, -icount)':50} {'tine':>10} {'Linux raw':>10} "
           f"{'Linux libc':>10}"]
    for name, what, raw, libc in PROC_ROWS:
        if name not in res:
            continue
        f = lambda v: f"{v:,}" if v else "-"  # noqa: E731
        out.append(f"{what:50} {res[name]:>10,} {f(raw):>10} {f(libc):>10}")
    return out


def run_kbench(select, timeout=600):
    """Boots with kbench=SELECT under -icount; returns (status, {name: (value, unit)})."""
    cmd = [sys.executable, str(ROOT / "tools/qemu_run.py"), "--kernel", str(KERNEL), "--icount",
           "--append",
           f"kbench={select}", "--timeout", str(timeout)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    res = {}
    for line in r.stdout.splitlines():
        m = re.match(r"KBENCH (\S+) (\d+) (\S+)$", line)
        if m:
            res[m.group(1)] = (int(m.group(2)), m.group(3))
        elif line.startswith("KBENCH-FAIL"):
            print(line)
    return r.returncode, res


def sched_table(res):
    out = [f"{'scheduler (guest instructions, -icount)':50} {'tine':>10} {'Linux':>10}  unit"]
    for name, what, linux in SCHED_ROWS:
        if name not in res:
            continue
        value, unit = res[name]
        shown = f"{linux:,}" if linux else "-"
        out.append(f"{what:50} {value:>10,} {shown:>10}  {unit}")
    return out


def run_tput(workers, ms):
    status, lines = boot("procbench", ["tput", str(workers), str(ms)], timeout=120)
    for line in lines:
        m = re.match(r"KBENCH_TPUT workers=(\d+) forks=(\d+) ms=(\d+) rate=([\d.]+)", line)
        if m:
            return float(m.group(4)), int(m.group(2))
    return None, None


def draw(bench_json):
    """tools/bench_plot.py over bench_json (it finds Debian's python3-matplotlib)."""
    r = subprocess.run([sys.executable, str(ROOT / "tools/bench_plot.py"), str(bench_json)])
    return r.returncode == 0


def keep_and_print(run, part, res, lines):
    """Keeps a part's figures in run (bench.json's) and prints its table's lines."""
    run[part] = res
    for line in lines:
        print(line)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="fewer rounds (a smoke test)")
    ap.add_argument("--only", choices=["sched", "fork", "proc", "glibc", "tput"])
    ap.add_argument("--tput-ms", type=int, default=3000)
    ap.add_argument("--kbench", default=SCHED_KBENCH,
                    help="in-kernel benchmark selector for the sched part (all, a name, a prefix*, a,b)")
    ap.add_argument("--plot", nargs="?", const=str(ROOT / "docs"), metavar="DIR",
                    help="write DIR/bench.json, bench.svg and bench.png from this run (default docs/)")
    args = ap.parse_args()
    ok = True
    # Everything measured, for --plot: {"sched": {name: [value, unit]}, "proc": {name: n},
    # "fork": {name: n}, "tput": {workers: forks/s}}.
    run = {"quick": args.quick, "tput_ms": args.tput_ms}
    # ./tine bench sets TINE_KERNEL_BUILD to the release build (no debug checks).
    print(f"kernel: {BUILD.relative_to(ROOT) if BUILD.is_relative_to(ROOT) else BUILD}\n")
    if args.only in (None, "sched"):
        status, res = run_kbench(args.kbench)
        run["sched"] = {name: list(v) for name, v in res.items()}
        for line in sched_table(res):
            print(line)
        known = {name for name, _, _ in SCHED_ROWS}
        for name in sorted(set(res) - known):  # other KBENCH cases selected with --kbench
            value, unit = res[name]
            print(f"{name:50} {value:>10,} {'-':>10}  {unit}")
        missing = [name for name, _, _ in SCHED_ROWS if name not in res]
        if args.kbench == SCHED_KBENCH and missing:
            print(f"missing: {' '.join(missing)}")
        ok &= status == 0 and bool(res) and not (args.kbench == SCHED_KBENCH and missing)
        print()
    if args.only in (None, "proc"):
        status, res = run_procbench(args.quick)
        keep_and_print(run, "proc", res, proc_table(res))
        fork = res.get("user_fork_raw_exit_wait")
        good = fork is not None and fork < FORK_TARGET
        print(f"target: fork + exit + wait4 {fork} < {FORK_TARGET:,}: {'PASS' if good else 'MISS'}")
        print_targets(res)
        ok &= status == 0 and bool(res)
        print()
    if args.only in (None, "glibc"):
        status, res = run_glibcbench(args.quick)
        keep_and_print(run, "glibc", res, glibc_table(res))
        print_targets(res)
        ok &= status == 0 and all(name in res for name, _, _ in GLIBC_ROWS)
        print()
    if args.only in (None, "fork"):
        status, res, _ = run_forkbench(quick=args.quick)
        keep_and_print(run, "fork", res, table(res))
        for what, good in targets(res):
            print(f"target: {what}: {'PASS' if good else 'MISS'}")
        ok &= status == 0 and bool(res)
        print()
    if args.only in (None, "tput"):
        print(f"{'fork throughput (no icount, wall time)':50} {'tine':>10} {'Linux libc':>10}")
        rates = {}
        for w in TPUT_WORKERS:
            rate, _ = run_tput(w, args.tput_ms)
            rates[w] = rate
            shown = f"{rate:,.1f}" if rate is not None else "-"
            linux = f"{LINUX_TPUT[w]:,.1f}" if w in LINUX_TPUT else "-"
            print(f"{f'{w} worker(s), forks/s':50} {shown:>10} {linux:>10}")
            ok &= rate is not None
        run["tput"] = {str(w): r for w, r in rates.items() if r is not None}
        if rates.get(1) and rates.get(4):
            print(f"{'4 workers / 1 worker':50} {rates[4] / rates[1]:>10.2f} "
                  f"{LINUX_TPUT[4] / LINUX_TPUT[1]:>10.2f}")
    if args.plot:
        out = pathlib.Path(args.plot)
        out.mkdir(parents=True, exist_ok=True)
        (out / "bench.json").write_text(json.dumps(run, indent=1, sort_keys=True) + "\n")
        ok &= draw(out / "bench.json")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
