#!/usr/bin/env python3
"""The mutation gate: seeded bugs in the verified core must be caught.

  python3 tools/mutants.py [--jobs N] [--only NAME,NAME]

proofs/mutants.json lists the mutants: a file of kernel/verified, a piece of
its text that must occur exactly once, what replaces it, and what kills it
(`killed_by`, one killer or both; each one named must kill the mutant):

  proof  the functions named are proved again (tools/prove.py --functions,
         without smoke tests or models) and at least one goal must fail;
  host   the verified core's host tests (tests/host/verified) matching a
         GoogleTest filter are built and run, and must fail.

Each mutant is applied alone to a copy of the tree under build/mutants/src
(the working tree is never touched). The proofs share prove.py's cache, so
only the goals a mutant changes go to the provers. Prints one line per mutant
and ends with `Mutants: K / N killed`; the exit status is 0 only when every
mutant was applied and killed.
"""
import argparse
import json
import pathlib
import shutil
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
LIST = ROOT / "proofs" / "mutants.json"
WORK = ROOT / "build" / "mutants"
SRC = WORK / "src"
HOST_TEST = "tests/host/verified/verified_test"


def say(msg):
    print(msg, flush=True)


def copy_tree():
    """A fresh copy of the tracked files (and those not yet committed)."""
    files = subprocess.run(["git", "ls-files", "-co", "--exclude-standard"], cwd=ROOT,
                           capture_output=True, text=True, check=True).stdout.split("\n")
    keep = SRC / "build"  # the copy's own build folders survive, for speed
    for p in SRC.iterdir() if SRC.exists() else []:
        if p != keep:
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
    for f in files:
        if not f or not (ROOT / f).is_file():
            continue
        dst = SRC / f
        dst.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, dst)


def run(cmd, cwd, log):
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    log.write_text(r.stdout + r.stderr)
    return r.returncode


def kill_by_proof(functions, jobs, log):
    cmd = [sys.executable, str(ROOT / "tools" / "prove.py"), "--root", str(SRC),
           "--functions", ",".join(functions), "--no-smoke", "--no-models",
           "--jobs", str(jobs)]
    return run(cmd, ROOT, log) != 0


def kill_by_host(gtest_filter, log):
    build = SRC / "build" / "host"
    if not (build / "build.ninja").exists():
        if run(["cmake", "--preset", "host"], SRC, log) != 0:
            return None
    if run(["cmake", "--build", str(build), "--target", "verified_test"], SRC, log) != 0:
        return True  # a mutant that does not compile is caught by the build
    return run([str(build / HOST_TEST), f"--gtest_filter={gtest_filter}"], SRC, log) != 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, default=2, help="prover processes at once")
    ap.add_argument("--only", help="these mutants alone (comma-separated names)")
    args = ap.parse_args()

    mutants = json.loads(LIST.read_text())["mutants"]
    if args.only:
        wanted = set(args.only.split(","))
        mutants = [m for m in mutants if m["name"] in wanted]
    WORK.mkdir(parents=True, exist_ok=True)
    SRC.mkdir(parents=True, exist_ok=True)
    copy_tree()

    killed = 0
    for m in mutants:
        start = time.monotonic()
        path = SRC / m["file"]
        original = (ROOT / m["file"]).read_text()
        log = WORK / f"{m['name']}.log"
        n = original.count(m["from"])
        if n != 1:
            say(f"  {m['name']:28} NOT APPLIED: its text occurs {n} times in {m['file']}")
            continue
        path.write_text(original.replace(m["from"], m["to"]))
        how = m["killed_by"]
        unknown = set(how) - {"proof", "host"}
        if unknown or not how:
            say(f"  {m['name']:28} NOT RUN: killed_by must name proof, host or both, not {sorted(unknown)}")
            path.write_text(original)
            continue
        results = []  # (killer's description, dead: True / False / None, its log)
        try:
            if "proof" in how:
                plog = log.with_name(f"{m['name']}.proof.log") if "host" in how else log
                results.append(("proof of " + ", ".join(how["proof"]),
                                kill_by_proof(how["proof"], args.jobs, plog), plog))
            if "host" in how:
                hlog = log.with_name(f"{m['name']}.host.log") if "proof" in how else log
                results.append(("host tests " + how["host"], kill_by_host(how["host"], hlog), hlog))
        finally:
            path.write_text(original)
        secs = time.monotonic() - start
        survived = [(by, lg) for by, dead, lg in results if dead is False]
        not_run = [(by, lg) for by, dead, lg in results if dead is None]
        if survived:
            by, lg = survived[0]
            say(f"  {m['name']:28} SURVIVED the {by}: {m['why']}; see {lg.relative_to(ROOT)}")
        elif not_run:
            say(f"  {m['name']:28} NOT RUN: the host tests could not be configured; "
                f"see {not_run[0][1].relative_to(ROOT)}")
        else:
            killed += 1
            by = " and the ".join(by for by, _, _ in results)
            say(f"  {m['name']:28} killed by the {by} ({secs:.0f} s)")
    say(f"Mutants: {killed} / {len(mutants)} killed")
    return 0 if killed == len(mutants) else 1


if __name__ == "__main__":
    sys.exit(main())
