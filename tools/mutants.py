#!/usr/bin/env python3
"""The mutation gate: seeded bugs in the verified core must be caught.

  python3 tools/mutants.py [--jobs N] [--only NAME,NAME] [--core-proved]

proofs/mutants.json lists the mutants: a file of kernel/verified, a piece of
its text that must occur exactly once, what replaces it, and what kills it
(`killed_by`, one killer or several; each one named must kill the mutant):

  proof  {function: property}: that function's goal for the named ACSL
         property (a named ensures, or a callee's named requires at its
         calls) is proved again, with the gate's prover and step limit
         (tools/prove.py --functions F --props P, without smoke tests or
         models), and must fail;
  smoke  {function: smoke test}: that function's smoke test of the name
         (`default_requires`, `BEHAVIOR_assumes`, ...: WP's typed_F_wp_smoke_NAME)
         is run again (tools/prove.py --functions F --smoke-only) and must
         fail, the prover having refuted it: a contract that contradicts
         itself, or code it makes unreachable, which every proof of that
         function would accept;
  host   the verified core's host tests (tests/host/verified) matching a
         GoogleTest filter are built and run, and must fail.

Naming the goal makes each claim exact (the bug is caught by this clause)
and keeps the gate short: only that goal is generated and sent to the
prover, which must run to its step limit (or give up) to fail it.

A proof or smoke killer first runs on the unmutated copy, where its goal must
be proved or its function's smoke tests pass (so it exists), except after a
whole gate that has just proved every goal and passed every smoke test
(tools/prove.py then passes --core-proved).

Each mutant is applied alone. Its proofs run on a copy of the verified core
under build/mutants/NAME, several mutants at once (--jobs); its host tests on
one copy of the whole tree, build/mutants/src, one mutant at a time (the
working tree is never touched). Prints one line per mutant and ends with
`Mutants: K / N killed`; the exit status is 0 only when every mutant was
applied and killed.
"""
import argparse
import concurrent.futures
import json
import pathlib
import re
import shutil
import subprocess
import sys
import time

import turns

ROOT = pathlib.Path(__file__).resolve().parent.parent
LIST = ROOT / "proofs" / "mutants.json"
WORK = ROOT / "build" / "mutants"
SRC = WORK / "src"
HOST_TEST = "tests/host/verified/verified_test"


def say(msg):
    print(msg, flush=True)


def tracked(under=None):
    """The tracked files (and those not yet committed), or those under a folder."""
    cmd = ["git", "ls-files", "-co", "--exclude-standard"] + ([under] if under else [])
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return [f for f in out.split("\n") if f and (ROOT / f).is_file()]


def copy_files(files, dst):
    """A fresh copy of files under dst; dst's own build folder survives, for speed."""
    keep = dst / "build"
    for p in dst.iterdir() if dst.exists() else []:
        if p != keep:
            shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
    for f in files:
        (dst / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / f, dst / f)


def run(cmd, cwd, log):
    """Runs cmd, adding its output to log (a killer's steps share one log)."""
    r = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    with open(log, "a") as f:
        f.write(f"$ {' '.join(cmd)}\n{r.stdout}{r.stderr}")
    return r.returncode, r.stdout


def mutate(path, m):
    text = path.read_text()
    path.write_text(text.replace(m["from"], m["to"]))
    return text


# What a prover says of a goal it cannot prove: it ran out of steps, or gave
# up. A timeout is the guard's, which depends on the machine's load (and
# WP caches it), so it is asked again without the cache, like a failure.
REFUTED = {"Step limit", "Unknown"}


PROVED = re.compile(r"^Proved goals: ([1-9]\d*) / \1$", re.M)


def goal_verdict(code, out, fn, prop):
    """What tools/prove.py's exit status and output say of fn's goal for the
    property prop: "proved", "refuted" (reported not proved, every prover
    having answered Step limit or Unknown), "again" (a prover failed, an
    error, not an answer, or ran out of time, the guard, not the limit: WP
    caches both, so ask again without the cache), or what else happened."""
    if "PROBLEM:" in out:
        return "a problem (see the log)"
    goal = re.compile(rf"^NOT PROVED: typed_{re.escape(fn)}_(?:\S*_)?{re.escape(prop)}"
                      rf"(?:_part\d+)?: (.*)$", re.M)
    found = goal.search(out)
    if found:
        verdicts = set(re.findall(r": (Step limit|\w+)", found.group(1)))
        if verdicts and verdicts <= REFUTED:
            return "refuted"
        if verdicts and verdicts <= REFUTED | {"Failed", "Timeout"}:
            return "again"
        return f"prover verdicts {sorted(verdicts)}"
    if code == 0 and PROVED.search(out):
        return "proved"
    return "no such goal"


def smoke_verdict(code, out, fn, name):
    """What tools/prove.py --smoke-only's exit status and output say of fn's
    smoke test typed_FN_wp_smoke_NAME: "refuted" when it failed, a prover (or
    Qed) having proved it Valid (the contract contradicts itself there),
    "passed" when every smoke test of fn passed, or what else happened."""
    test = re.compile(rf"^NOT PROVED: typed_{re.escape(fn)}_wp_smoke_{re.escape(name)}: "
                      r"smoke test Failed .*(?:\): |; )[^:;]*: Valid\b", re.M)
    if test.search(out):
        return "refuted"
    if code == 0 and PROVED.search(out):
        return "passed"
    return "a problem, or no such smoke test (see the log)"


def prove_goal(src, fn, prop, log):
    """tools/prove.py on the tree src for fn's goal of the property prop,
    asked again once without the cache when goal_verdict says so."""
    cmd = [sys.executable, str(ROOT / "tools" / "prove.py"), "--root", str(src),
           "--functions", fn, "--props", prop, "--no-smoke", "--no-models", "--jobs", "1"]
    verdict = goal_verdict(*run(cmd, ROOT, log), fn, prop)
    if verdict == "again":
        verdict = goal_verdict(*run(cmd + ["--no-cache"], ROOT, log), fn, prop)
        if verdict == "again":
            return "no answer twice (Failed or Timeout; see the log)"
    return verdict


def smoke_test(src, fn, name, log):
    """tools/prove.py's smoke tests of fn on the tree src (smoke_verdict)."""
    cmd = [sys.executable, str(ROOT / "tools" / "prove.py"), "--root", str(src),
           "--functions", fn, "--smoke-only", "--no-models", "--jobs", "1"]
    return smoke_verdict(*run(cmd, ROOT, log), fn, name)


def kill_by_wp(m, kind, fn, prop, core, log, core_proved):
    """fn's goal for prop (kind "proof"), or its smoke test prop (kind
    "smoke"), on a copy of the verified core (the files core): first as it
    is, where the goal must be proved or the smoke test pass (so it exists,
    and the gate's cache answers), then with the mutant, where it must be
    refuted. core_proved: the gate has just proved every goal and passed
    every smoke test of the core as it is, so the first step is skipped
    (the refutation must still name the goal, so it exists)."""
    src = WORK / f"{m['name']}.{kind}.{fn}"  # its own copy: killers run side by side
    copy_files(core, src)
    log.unlink(missing_ok=True)
    check = prove_goal if kind == "proof" else smoke_test
    if not core_proved:
        control = check(src, fn, prop, log)
        if control not in ("proved", "passed"):
            return None, f"unmutated, {fn}'s {prop}: {control}"
    mutate(src / m["file"], m)
    verdict = check(src, fn, prop, log)
    return verdict == "refuted", f"{fn}'s {prop}: {verdict}"


def kill_by_host(m, gtest_filter, log):
    """The host tests on the one copy of the whole tree, with the mutant."""
    log.unlink(missing_ok=True)
    original = mutate(SRC / m["file"], m)
    try:
        build = SRC / "build" / "host"
        if not (build / "build.ninja").exists():
            if run(["cmake", "--preset", "host"], SRC, log)[0] != 0:
                return None, "the host tests could not be configured"
        if run(["cmake", "--build", str(build), "--target", "verified_test"], SRC, log)[0]:
            return True, "the build failed"  # a mutant that does not compile is caught
        failed = run([str(build / HOST_TEST), f"--gtest_filter={gtest_filter}"], SRC, log)[0]
        return failed != 0, "tests failed" if failed else "tests passed"
    finally:
        (SRC / m["file"]).write_text(original)


def problem(m):
    """Why a mutant cannot be run as listed, or None."""
    how = m["killed_by"]
    n = (ROOT / m["file"]).read_text().count(m["from"])
    if n != 1:
        return f"NOT APPLIED: its text occurs {n} times in {m['file']}"
    if m["name"] == SRC.name:
        return f"NOT RUN: the name {SRC.name} is the host tests' copy"
    named = [how[k] for k in ("proof", "smoke") if k in how]
    if (set(how) - {"proof", "smoke", "host"} or not how or
            not all(isinstance(d, dict) and d and
                    all(isinstance(v, str) and v for v in d.values()) for d in named)):
        return ("NOT RUN: killed_by must name proof or smoke ({function: name}, not empty), "
                f"host, or several, not {how}")
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, default=2, help="proof killers at once")
    ap.add_argument("--only", help="these mutants alone (comma-separated names)")
    ap.add_argument("--core-proved", action="store_true",
                    help="every goal of the unmutated core was just proved (tools/prove.py "
                         "passes it after a whole gate): skip each killer's unmutated proof")
    args = ap.parse_args()

    mutants = json.loads(LIST.read_text())["mutants"]
    if args.only:
        wanted = set(args.only.split(","))
        mutants = [m for m in mutants if m["name"] in wanted]
    WORK.mkdir(parents=True, exist_ok=True)
    turns.take_turn(WORK, "mutants")  # one gate at a time: the copies are shared
    started = time.monotonic()

    # The proof and smoke killers first, several at once (each calls one
    # prover at a time); then the host killers one by one, since they share
    # one copy of the tree.
    results = {m["name"]: [] for m in mutants}  # (killer, dead, what happened, log)
    secs = {m["name"]: 0.0 for m in mutants}
    problems = {m["name"]: problem(m) for m in mutants}
    runnable = [m for m in mutants if problems[m["name"]] is None]
    core = tracked("kernel/verified") + tracked("spec")

    def by_wp(job):
        m, kind, fn, prop = job
        begun = time.monotonic()
        log = WORK / f"{m['name']}.{kind}.{fn}.log"
        dead, what = kill_by_wp(m, kind, fn, prop, core, log, args.core_proved)
        what_ran = f"proof of {fn}'s {prop}" if kind == "proof" else f"smoke test {fn}'s {prop}"
        return m, (what_ran, dead, what, log), time.monotonic() - begun

    jobs = [(m, kind, fn, prop) for m in runnable for kind in ("proof", "smoke")
            for fn, prop in m["killed_by"].get(kind, {}).items()]
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for m, result, took in pool.map(by_wp, jobs):
            results[m["name"]].append(result)
            secs[m["name"]] += took
    hosted = [m for m in runnable if "host" in m["killed_by"]]
    if hosted:
        copy_files(tracked(), SRC)
    for m in hosted:
        begun = time.monotonic()
        log = WORK / f"{m['name']}.host.log"
        dead, what = kill_by_host(m, m["killed_by"]["host"], log)
        results[m["name"]].append(("host tests " + m["killed_by"]["host"], dead, what, log))
        secs[m["name"]] += time.monotonic() - begun

    killed = 0
    for m in mutants:
        why_not = problems[m["name"]]
        if why_not:
            say(f"  {m['name']:28} {why_not}")
            continue
        res = results[m["name"]]
        survived = [r for r in res if r[1] is False]
        not_run = [r for r in res if r[1] is None]
        if survived:
            by, _, what, log = survived[0]
            say(f"  {m['name']:28} SURVIVED the {by} ({what}): {m['why']}; "
                f"see {log.relative_to(ROOT)}")
        elif not_run:
            by, _, what, log = not_run[0]
            say(f"  {m['name']:28} NOT RUN: the {by}: {what}; see {log.relative_to(ROOT)}")
        else:
            killed += 1
            by = " and the ".join(r[0] for r in res)
            say(f"  {m['name']:28} killed by the {by} ({secs[m['name']]:.0f} s)")
    say(f"wall time {time.monotonic() - started:.0f} s; logs in build/mutants/")
    say(f"Mutants: {killed} / {len(mutants)} killed")
    return 0 if killed == len(mutants) else 1


if __name__ == "__main__":
    sys.exit(main())
