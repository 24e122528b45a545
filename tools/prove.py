#!/usr/bin/env python3
"""The proof gate: Frama-C WP over the verified core (proofs/proved_files.txt).

  prove.py [--jobs N] [--timeout S]

Runs WP with -wp-rte (no overflow, no invalid access, no undefined shift) and
-wp-smoke-tests (no contract is vacuous) with the provers Debian has (Z3 and
CVC4 through Why3; Alt-Ergo is not packaged). Prints a table per function
(goals proved / total, the provers that closed them, time) and ends with
Frama-C's own total line, `Proved goals: N / M`. Exit status 0 only when every
goal is proved and every smoke test passed.
"""
import argparse
import collections
import os
import pathlib
import re
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
GOAL = re.compile(r"^\[wp\] \[([^\]]+)\] Goal (typed_\S+) : (\w+)")
UNPROVED = re.compile(r"^\[wp\] \[(Failed|Unknown|Timeout|Stepout)\] Goal (typed_\S+)\s*$")
SMOKE = re.compile(r"^\[wp\] \[(\w+)\] Smoke-test (typed_\S+)")
TOTAL = re.compile(r"^\[wp\] Proved goals:\s+(\d+) / (\d+)")
# A definition: a type and a name at the start of a line, the parameters, then '{'.
FUNC_DEF = re.compile(r"^[A-Za-z_][\w \*]*?\b([A-Za-z_]\w*)\s*\([^;{]*\)\s*(?:\{|$)", re.M)


def files():
    lines = (ROOT / "proofs/proved_files.txt").read_text().splitlines()
    return [l.strip() for l in lines if l.strip() and not l.startswith("#")]


def functions(paths):
    names = set()
    for p in paths:
        for m in FUNC_DEF.finditer((ROOT / p).read_text()):
            names.add(m.group(1))
    return sorted(names, key=len, reverse=True)  # longest first: prefixes match last


def owner(goal, names):
    g = goal[len("typed_"):]
    for n in names:
        if g == n or g.startswith(n + "_"):
            return n
    return "(other)"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--timeout", type=int, default=10, help="seconds per goal and prover")
    args = ap.parse_args()
    srcs = files()
    cmd = ["frama-c", "-cpp-extra-args=-I. -D__FRAMAC__", "-wp", "-wp-rte", "-wp-smoke-tests",
           "-wp-prover", "z3,cvc4", "-wp-timeout", str(args.timeout), "-wp-par", str(args.jobs),
           "-wp-warn-key", "pedantic-assigns=inactive", *srcs]
    print("prove: " + " ".join(cmd), flush=True)
    start = time.monotonic()
    r = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
    elapsed = time.monotonic() - start
    out = r.stdout + r.stderr
    names = functions(srcs)
    per = collections.defaultdict(lambda: {"ok": 0, "all": 0, "provers": collections.Counter()})
    bad = []
    for line in out.splitlines():
        m = GOAL.match(line)
        if m:
            prover, goal, verdict = m.groups()
            f = per[owner(goal, names)]
            f["all"] += 1
            if verdict == "Valid":
                f["ok"] += 1
                f["provers"][prover.split()[0]] += 1
            else:
                bad.append(f"{goal}: {verdict} ({prover})")
            continue
        m = UNPROVED.match(line)
        if m:
            verdict, goal = m.groups()
            f = per[owner(goal, names)]
            f["all"] += 1
            bad.append(f"{goal}: {verdict}")
            continue
        m = SMOKE.match(line)
        if m:
            verdict, goal = m.groups()
            f = per[owner(goal, names)]
            f["all"] += 1
            if verdict == "Passed":
                f["ok"] += 1
                f["provers"]["smoke"] += 1
            else:
                bad.append(f"{goal}: smoke test {verdict} (a contradiction or dead code)")
    total = None
    for line in out.splitlines():
        t = TOTAL.match(line)
        if t:
            total = (int(t.group(1)), int(t.group(2)))
    print(f"\n{'function':32} {'proved':>11}  provers")
    for name in sorted(per):
        f = per[name]
        provers = ", ".join(f"{p} {n}" for p, n in f["provers"].most_common())
        print(f"{name:32} {f['ok']:>5} / {f['all']:<5} {provers}")
    errors = [l for l in out.splitlines() if "[kernel] User Error" in l or "fatal" in l.lower()]
    for b in bad + errors:
        print("NOT PROVED: " + b)
    print(f"\nfiles: {len(srcs)}; WP time {elapsed:.0f} s; frama-c status {r.returncode}")
    if total is None:
        print(out[-3000:])
        print("Proved goals: 0 / ?")
        sys.exit(1)
    print(f"Proved goals: {total[0]} / {total[1]}")
    ok = r.returncode == 0 and total[0] == total[1] and not bad and not errors
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
