#!/usr/bin/env python3
"""The proof gate: Frama-C WP over the verified core.

  python3 tools/prove.py [--jobs N] [--steps N] [--timeout S] [--no-cache] [--fresh]
                         [--cache-dir DIR] [--functions F,G] [--props P,Q] [--smoke-only]
                         [--verbose] [--no-models]
                         [--mutants | --no-mutants] [--root DIR]

What is proved, and how, is in proofs/manifest.json: the files (every function
defined in them is proved), the contracts that are assumed instead (and the
test that checks each), the prover, its limits and WP's options. This
script runs Frama-C over those files several times:

  proofs:  -wp -wp-rte -wp-prover cvc4 -wp-steps <n> -wp-par 1 -wp-fct <functions>
           one run for each function of the manifest's own_runs, and the
           other functions dealt out among one run per prover job
  smoke:   -wp -wp-rte -wp-smoke-tests -wp-prop <no ACSL property> -wp-steps <smoke n>
           the same split

WP's simplifier (Qed) works through one run's goals on one core, and a run
calls one prover at a time, so the runs go side by side: one more at once
than there are prover jobs (--jobs, default the CPUs), since a run sleeps
between polls of its prover for about a third of its time. The longest runs
start first.

The smoke runs generate only the smoke tests (each must *fail*: a
precondition, a behavior's assumption or a block of code that a prover can
refute is a contradiction or dead code), with a budget of their own.

The prover's limits are steps (CVC4's resource count, --rlimit), not time:
a goal's verdict is then the same on a loaded machine as on an idle one, and
on every machine with the same prover. The time limit is only a guard
against a prover that never ends; CVC4 reaches its step limits in a
quarter of it or less.

Then it prints one line per function (goals proved / total, the provers that
closed them, the time they took), runs tools/models.py (the Spin models of
the SMP protocols in proofs/models; its last line is `Models: N / M
checked`; --no-models skips it), then the mutation gate (tools/mutants.py:
seeded bugs of the verified core that the proofs, the smoke tests or the
host tests must catch; its last line is `Mutants: K / N killed`;
--no-mutants skips it) and ends with the total in Frama-C's own form,
`Proved goals: N / M`, the sum of the runs' totals. The exit status is 0 only when every goal is proved,
every model passed and caught its seeded bugs, every mutant was killed,
no smoke test found a contradiction or dead code, Frama-C reported no warning
that would make a proof mean less (an ignored hypothesis, a missing assigns
clause, ...), and the proved functions are exactly those the manifest lists.

Provers: the manifest's, through Why3 (Debian's CVC4; Alt-Ergo is not
packaged), from a Why3 configuration the script writes under the build
directory. Results are cached (Frama-C's -wp-cache) in
build/prove/wp-cache, a folder for each run (the rest's runs share one);
--no-cache or --fresh give a run from nothing (--no-cache bypasses the
provers' cache and keeps it; either empties the Spin models' cache, which
has no bypass). Two runs on one tree take turns (build/prove/.lock): each
begins by deleting the last run's logs and reports.
"""
import argparse
import collections
import concurrent.futures
import json
import os
import pathlib
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time

import cross
import turns

ROOT = pathlib.Path(__file__).resolve().parent.parent
MANIFEST = ROOT / "proofs" / "manifest.json"

GOAL_LINE = re.compile(r"^\[wp\] \[([^\]]+)\] Goal (typed_\S+) : (Step limit|\w+)(.*)$")
FAILED_GOAL = re.compile(r"^\[wp\] \[Failed\] Goal (typed_\S+)")
SMOKE_LINE = re.compile(r"^\[wp\] \[(\w+)\] Smoke-test (typed_\S+)")
TOTAL_LINE = re.compile(r"^\[wp\] Proved goals:\s+(\d+) / (\d+)")
TIME = re.compile(r"\((?:Qed:)?([\d.]+)(ms|s|')\)")
# Warnings that make a proof weaker than it looks.
BAD_WARNINGS = [
    "Ignored Hypothesis", "Missing RTE guards", "Missing assigns clause",
    "Neither code nor specification", "No code nor implicit assigns",
    "not yet implemented", "Failed smoke-test", "unsupported", "Cannot",
    "Unknown message key", "Prover", "User Error", "invalid user input",
    "cyclic dependency", "Unsafe", "warning: no",
]


def say(msg):
    print(msg, flush=True)


def seconds(text):
    """Sum of the durations in a goal's result line: Qed's and the prover's."""
    total = 0.0
    for value, unit in TIME.findall(text):
        v = float(value)
        total += v / 1000 if unit == "ms" else v * 60 if unit == "'" else v
    return total


def load_manifest():
    with open(MANIFEST) as f:
        return json.load(f)


def defined_functions(path):
    """Names of the functions a C file defines (at the start of a line)."""
    text = (ROOT / path).read_text()
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    names = []
    for m in re.finditer(r"^(?:static\s+)?[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\(([^;{]*)\)\s*\{",
                         text, re.M):
        if m.group(1) not in ("if", "for", "while", "switch", "return"):
            names.append(m.group(1))
    return names


def static_functions(path):
    """Names of the functions a C file defines as static."""
    text = (ROOT / path).read_text()
    return set(re.findall(r"^static\s+[A-Za-z_][\w\s\*]*?\b([A-Za-z_]\w*)\s*\(", text, re.M))


def axioms_in(src):
    """The ACSL axioms stated in spec/ and kernel/verified/: name -> file."""
    found = {}
    for f in sorted([*src.glob("spec/*.h"), *src.glob("kernel/verified/*.[ch]")]):
        for ann in re.findall(r"/\*@(.*?)\*/", f.read_text(), re.S):
            for name in re.findall(r"\baxiom\s+([A-Za-z_]\w*)", ann):
                found[name] = str(f.relative_to(src))
    return found


def linked_check(files, listed):
    """Which proved functions with external linkage are global text symbols of
    build/kernel/kernel.elf (the kernel links the proved objects themselves;
    --gc-sections drops a function nothing calls). Returns (linked, unused),
    or None when there is no kernel build or no nm to read it."""
    elf = ROOT / "build/kernel/kernel.elf"
    nm = shutil.which(cross.tool("nm"))
    if not elf.exists() or not nm:
        say(f"prove: no build/kernel/kernel.elf (or no {cross.tool('nm')}): link check skipped")
        return None
    out = subprocess.run([nm, "--defined-only", str(elf)], capture_output=True, text=True).stdout
    text_globals = {parts[2] for parts in (line.split() for line in out.splitlines())
                    if len(parts) == 3 and parts[1] == "T"}
    statics = set().union(*(static_functions(f) for f in files))
    wanted = sorted(listed - statics)
    return ([fn for fn in wanted if fn in text_globals],
            [fn for fn in wanted if fn not in text_globals])


def why3_config(build):
    """A Why3 configuration of our own: the provers found on this machine."""
    conf = build / "why3.conf"
    env = dict(os.environ, WHY3CONFIG=str(conf))
    if not conf.exists():
        subprocess.run(["why3", "config", "detect"], env=env, capture_output=True, text=True,
                       check=True)
    return env


def available_provers(env, wanted):
    out = subprocess.run(["frama-c", "-wp-detect"], env=env, capture_output=True,
                         text=True).stdout
    have = set(re.findall(r"\[(\S+)\|", out))
    return [p for p in wanted if p in have]


NO_PROPERTIES = ("-@ensures,-@assigns,-@requires,-@assert,-@check,-@complete_behaviors,"
                 "-@disjoint_behaviors,-@variant,-@invariant,-@exits,-@breaks,-@continues,"
                 "-@returns,-@terminates,-@decreases,-@lemma")


def parse(out, per, owner, failed, problems):
    """Fold one run's output into the per-function table."""
    i = 0

    def indented():
        """The provers' verdicts WP prints under a goal's line, indented."""
        nonlocal i
        lines = []
        while i + 1 < len(out) and out[i + 1].startswith("  "):
            i += 1
            lines.append(out[i].strip())
        return lines

    while i < len(out):
        line = out[i]
        g = GOAL_LINE.match(line)
        if g:
            prover, goal, verdict, rest = g.groups()
            fn = owner(goal)
            if fn is not None:
                per[fn]["time"] += seconds(rest)
            if verdict != "Valid":
                failed.append(f"{goal}: {prover}: {verdict}{rest}")
        f = FAILED_GOAL.match(line)
        if f:
            detail = indented()
            fn = owner(f.group(1))
            if fn is not None:
                per[fn]["time"] += sum(seconds(d) for d in detail)
            failed.append(f"{f.group(1)}: " + "; ".join(detail))
        sm = SMOKE_LINE.match(line)
        if sm and sm.group(1) != "Passed":
            # A Valid among the verdicts is a refutation.
            failed.append(f"{sm.group(2)}: smoke test {sm.group(1)} "
                          "(a contradictory contract, or code that cannot be reached): " +
                          "; ".join(indented()))
        if "Warning" in line or "warning" in line or "User Error" in line:
            # A warning's own continuation lines are indented.
            nxt = out[i + 1] if i + 1 < len(out) and out[i + 1].startswith(" ") else ""
            if any(b in line or b in nxt for b in BAD_WARNINGS):
                problems.append((line.strip() + " " + nxt.strip()).strip())
        i += 1


def fold_report(path, per):
    if not path.exists():
        return
    data = json.loads(path.read_text())
    for fn, props in data.get("wp:functions", {}).items():
        e = per.setdefault(fn, {"ok": 0, "all": 0, "smoke": 0, "provers": collections.Counter(),
                                "time": 0.0})
        for prop, res in props.items():
            if prop == "wp:section":
                continue
            main_res = res.get("wp:main", {})
            e["all"] += main_res.get("total", 0)
            e["ok"] += main_res.get("valid", 0)
            if "_wp_smoke_" in prop:
                e["smoke"] += main_res.get("total", 0)
                continue
            for prover, r in res.items():
                if prover != "wp:main" and r.get("valid", 0):
                    e["provers"][prover.split(":")[0].replace("qed", "Qed")] += 1
                    break


def whole_gate(ok, args, src):
    """Whether this run proved every goal and passed every smoke test (ok)
    of the working tree, all of them, with the manifest's limits: then the
    mutation gate need not prove the unmutated goals again."""
    return ok and src == ROOT and not (args.functions or args.steps or args.timeout or
                                       args.no_smoke or args.smoke_only)


# The children under way, each in a process group of its own: a signal that
# ends this script ends them too, where they would otherwise run on to their
# limits (and ./tine test's next run would wait on the tree's turn beside
# them). Frama-C runs (with their provers) get SIGKILL; the models' and
# mutants' scripts SIGTERM, so that a nested prove.py ends its own runs.
RUNNING = {}  # Popen -> the signal that ends its group
RUNNING_LOCK = threading.RLock()  # the handler runs in the main thread, which may hold it
STOPPING = False


def stop_runs(signum, _frame):
    global STOPPING
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)  # one stop, not one inside another
    with RUNNING_LOCK:
        STOPPING = True  # no child starts after this
        for p, sig in RUNNING.items():
            try:
                os.killpg(p.pid, sig)
            except ProcessLookupError:
                pass
        os._exit(128 + signum)


def start_child(cmd, stop_signal, **kw):
    """Popen(cmd) in a process group of its own, known to stop_runs."""
    with RUNNING_LOCK:
        if STOPPING:
            raise SystemExit(1)
        p = subprocess.Popen(cmd, process_group=0, **kw)
        RUNNING[p] = stop_signal
    return p


def child_done(p):
    with RUNNING_LOCK:
        RUNNING.pop(p, None)


def run_child(cmd, stop_signal, **kw):
    """Runs cmd (start_child) to its end: its exit status."""
    p = start_child(cmd, stop_signal, **kw)
    p.wait()
    child_done(p)
    return p.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--jobs", type=int, default=max(1, os.cpu_count() or 2),
                    help="prover jobs: the rest of the functions is split into this many "
                         "runs, and one run more than this goes at once, each calling one "
                         "prover at a time; default: the CPUs")
    ap.add_argument("--steps", type=int, help="the prover's step limit per goal of the proofs "
                                              "(default: the manifest's steps; the smoke tests "
                                              "keep smoke_steps)")
    ap.add_argument("--timeout", type=int, help="seconds per goal of the proofs: a guard only "
                                                "(the smoke tests keep smoke_timeout)")
    ap.add_argument("--no-cache", action="store_true", help="run every prover, keep nothing")
    ap.add_argument("--fresh", action="store_true", help="empty the cache first, then fill it")
    ap.add_argument("--cache-dir", default=str(ROOT / "build" / "prove" / "wp-cache"))
    ap.add_argument("--functions", help="prove only these functions (comma-separated)")
    ap.add_argument("--props", help="prove only the ACSL properties of these names (WP's -wp-prop; "
                                    "tools/mutants.py names the goal that kills a mutant)")
    ap.add_argument("--no-smoke", action="store_true", help="skip the smoke tests (not for CI)")
    ap.add_argument("--smoke-only", action="store_true",
                    help="only the smoke tests (tools/mutants.py: a contract that contradicts "
                         "itself must be caught by them)")
    ap.add_argument("--verbose", action="store_true", help="print Frama-C's output")
    ap.add_argument("--no-models", action="store_true",
                    help="skip the Spin models of the SMP protocols (tools/models.py)")
    ap.add_argument("--mutants", action="store_true",
                    help="run the mutation gate (tools/mutants.py) even with --functions")
    ap.add_argument("--no-mutants", action="store_true",
                    help="skip the mutation gate (it runs by default on a whole proof)")
    ap.add_argument("--root", default=str(ROOT),
                    help="the source tree to prove (tools/mutants.py passes a mutated copy)")
    args = ap.parse_args()
    if args.props and not args.functions:
        ap.error("--props needs --functions")
    if args.smoke_only and (args.no_smoke or args.props or args.steps or not args.functions):
        ap.error("--smoke-only runs the smoke tests of --functions alone, with their own "
                 "limit: not with --no-smoke, --props or --steps")
    src = pathlib.Path(args.root).resolve()

    for tool in ("frama-c", "why3"):
        if shutil.which(tool) is None:
            say(f"prove: {tool} is missing (tools/setup.sh installs it)")
            say("Proved goals: 0 / 0")
            return 2

    m = load_manifest()
    build = src / "build" / "prove"  # reports and logs of this tree
    build.mkdir(parents=True, exist_ok=True)
    # One run at a time on a tree: a run begins by deleting the last run's
    # logs and reports, which another run on the same tree is still writing.
    turns.take_turn(build, "prove")
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop_runs)
    env = why3_config(build)
    provers = available_provers(env, m["provers"])
    if not provers:
        say(f"prove: none of the provers {m['provers']} is installed")
        say("Proved goals: 0 / 0")
        return 2

    cache = pathlib.Path(args.cache_dir)
    if args.fresh and cache.exists():
        shutil.rmtree(cache)
    cache_mode = "none" if args.no_cache else "update"

    timeout = args.timeout or m["timeout"]
    steps = args.steps or m["steps"]
    files = m["files"]
    cpp = " ".join([f"-I{src}"] + [f"-D{d}" for d in m.get("defines", [])])
    common = ["frama-c", "-machdep", m.get("machdep", "gcc_x86_64"), f"-cpp-extra-args={cpp}",
              *files, "-wp", "-wp-rte", "-wp-warn-key", "pedantic-assigns=inactive"]
    asked = args.functions.split(",") if args.functions else None
    runs = {}
    # The runs: Frama-C once for each function the manifest gives a run of
    # its own (WP's simplifier, Qed, works through one run's goals on one
    # core, and those few functions hold much of its work), and the rest of
    # the functions dealt out among as many runs as there are prover jobs;
    # the same runs again for the smoke tests. Each run keeps its own cache
    # and calls one prover at a time.
    listed_fns = [fn for fs in m["proved"].values() for fn in fs]
    own = [fn for fn in m.get("own_runs", []) if asked is None or fn in asked]
    rest = [fn for fn in (asked or listed_fns) if fn not in own]
    chunks = max(1, min(args.jobs, len(rest))) if asked is None else 1
    parts = [(fn, [fn], False) for fn in own]  # (its name, its functions, one of the rest's)
    for i in range(chunks):
        group = rest[i::chunks]
        if group:
            parts.append((f"rest{i + 1}" if chunks > 1 else "rest", group, True))
    options = m.get("wp_options", {})

    def run_name(kind, part):
        return f"{kind}-{part}"

    def run_options(kind, part, of_rest):
        return options.get(f"{kind}-rest" if of_rest else run_name(kind, part), [])

    cache_of = {}  # run -> its cache folder: the rest's runs share one, as they
    for part, fns, of_rest in parts if not args.smoke_only else []:  # prove different functions
        name = run_name("proofs", part)
        cache_of[name] = "proofs-rest" if of_rest else name
        runs[name] = common + ["-wp-fct", ",".join(fns), "-wp-par", "1",
                               "-wp-prover", ",".join(provers), "-wp-steps", str(steps),
                               "-wp-timeout", str(timeout)]
        runs[name] += run_options("proofs", part, of_rest)
        if args.props:
            runs[name] += ["-wp-prop", args.props]
    if not args.no_smoke:
        for part, fns, of_rest in parts:
            name = run_name("smoke", part)
            cache_of[name] = "smoke-rest" if of_rest else name
            runs[name] = common + ["-wp-fct", ",".join(fns), "-wp-par", "1", "-wp-smoke-tests",
                                   "-wp-prop=" + NO_PROPERTIES,
                                   "-wp-prover", ",".join(provers),
                                   "-wp-steps", str(m["smoke_steps"]),
                                   "-wp-timeout", str(m["smoke_timeout"]),
                                   "-wp-smoke-timeout", str(m["smoke_timeout"])]
            runs[name] += run_options("smoke", part, of_rest)
    for old in [*build.glob("frama-c-*.log"), *build.glob("report-*.json")]:
        old.unlink()  # the last run's, which may have been split differently
    for name, cmd in runs.items():
        d = cache / cache_of[name]
        if not args.no_cache:
            d.mkdir(parents=True, exist_ok=True)
        report = build / f"report-{name}.json"
        cmd += ["-wp-cache", cache_mode, "-wp-cache-dir", str(d), "-wp-report-json", str(report)]
        shown = shlex.join(cmd).replace(str(ROOT) + "/", "").replace(str(ROOT), ".")
        say(f"prove ({name}): {shown}")
    say(f"prove: provers {', '.join(provers)}; {len(runs)} runs, {args.jobs + 1} at once, "
        f"one prover each; {steps} steps per goal ({m['smoke_steps']} per smoke test), "
        f"{timeout} s at most; cache {cache_mode}")

    start = time.monotonic()
    env = dict(env, PWD=str(src))  # Frama-C resolves the files' relative paths by $PWD
    outs, codes, walls = {}, {}, {}

    def one(name):
        begun = time.monotonic()
        p = start_child(runs[name], signal.SIGKILL, cwd=src, env=env, stdout=subprocess.PIPE,
                        stderr=subprocess.STDOUT, text=True)
        text, _ = p.communicate()
        child_done(p)
        outs[name] = text.splitlines()
        codes[name] = p.returncode
        walls[name] = time.monotonic() - begun
        (build / f"frama-c-{name}.log").write_text(text)

    # The longest runs first, so that the short ones fill in at the end: the
    # rest's smoke tests, its proofs, then the functions' own runs in the
    # manifest's run_order. One run more than there are prover jobs: a run
    # spends about a third of its time asleep between polls of its prover
    # (WP polls every 50 ms).
    order = m.get("run_order", [])

    def rank(n):
        if cache_of[n] == "smoke-rest":
            return (0, 0, n)
        if cache_of[n] == "proofs-rest":
            return (1, 0, n)
        return (2, order.index(n) if n in order else len(order), n)

    queue = sorted(runs, key=rank)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs + 1) as pool:
        list(pool.map(one, queue))
    if args.verbose:
        for name in runs:
            print("\n".join(outs[name]))
    wall = time.monotonic() - start

    per = collections.OrderedDict()
    for name in runs:
        fold_report(build / f"report-{name}.json", per)
    names = sorted(per, key=len, reverse=True)

    def owner(goal):
        g = goal[len("typed_"):]
        for n in names:
            if g.startswith(n + "_"):
                return n
        return None

    failed, problems = [], []
    totals = {}
    for name in runs:
        parse(outs[name], per, owner, failed, problems)
        for line in outs[name]:
            t = TOTAL_LINE.match(line)
            if t:
                totals[name] = (int(t.group(1)), int(t.group(2)))
        if codes[name] != 0:
            problems.append(f"frama-c ({name}) exited with status {codes[name]}")
        if name not in totals:
            problems.append(f"frama-c ({name}) printed no total; see build/prove/frama-c-{name}.log")

    # The functions proved must be exactly those the manifest lists, and the
    # assumed ones must not be defined in a proved file.
    listed = {fn for fs in m["proved"].values() for fn in fs}
    defined = {fn: f for f in files for fn in defined_functions(f)}
    if not args.functions:
        for fn in sorted(set(defined) - listed):
            problems.append(f"{fn} ({defined[fn]}) is defined in a proved file but not listed "
                            "in proofs/manifest.json")
        for fn in sorted(listed - set(per)):
            problems.append(f"{fn} is listed in proofs/manifest.json but WP proved nothing for it")
    for a in m["assumed"]:
        if a["function"] in defined:
            problems.append(f"{a['function']} is assumed but defined in {defined[a['function']]}")
        for key in ("declared", "checked_by"):
            if not (ROOT / a[key]).exists():
                problems.append(f"{a['function']}: {a[key]} does not exist")

    # Every ACSL axiom the proofs may use is listed in the manifest (with what
    # justifies it), and every listed one exists.
    found = axioms_in(src)
    named = {a["name"] for a in m.get("axioms", [])}
    for name in sorted(set(found) - named):
        problems.append(f"axiom {name} ({found[name]}) is not listed in proofs/manifest.json")
    for name in sorted(named - set(found)):
        problems.append(f"axiom {name} is listed in proofs/manifest.json but not stated anywhere")

    linked = linked_check(files, listed) if not args.functions else None

    say("")
    say(f"{'function':24} {'goals':>11} {'smoke':>5}  {'provers':36} {'time':>7}")
    for fn in sorted(per, key=lambda n: (defined.get(n, "~"), n)):
        e = per[fn]
        used = ", ".join(f"{p} {n}" for p, n in e["provers"].most_common())
        mark = "" if e["ok"] == e["all"] else "  <-- NOT PROVED"
        say(f"{fn:24} {e['ok']:>5} / {e['all']:<5} {e['smoke']:>5}  {used:36} "
            f"{e['time']:6.1f}s{mark}")
    for f in failed:
        say("NOT PROVED: " + f)
    for p in problems:
        say("PROBLEM: " + p)
    smoke = sum(e["smoke"] for e in per.values())
    runs_text = "; ".join(f"{n}: {totals.get(n, ('?', '?'))[0]} / {totals.get(n, ('?', '?'))[1]} "
                          f"in {walls[n]:.0f} s" for n in runs)
    if linked:
        say(f"\nlinked: {len(linked[0])} proved functions with external linkage are global "
            "functions of build/kernel/kernel.elf (the static ones are inside them); "
            f"no kernel caller, so not linked: {', '.join(linked[1]) or 'none'}")
    say(f"\n{len(files)} files, {len(per)} functions; {runs_text}; {smoke} smoke tests; "
        f"wall time {wall:.0f} s, {args.jobs} prover jobs; "
        f"logs build/prove/frama-c-*.log")
    proved = sum(t[0] for t in totals.values())
    total = sum(t[1] for t in totals.values())
    ok = len(totals) == len(runs) and proved == total and not failed and not problems
    models_ok = True
    if not args.no_models:
        # The SMP protocols, model-checked with Spin (proofs/models/).
        say("\nmodels: Spin over proofs/models (tools/models.py)")
        # --fresh (and --no-cache) check the models again too.
        again = ["--fresh"] if args.fresh or args.no_cache else []
        models_ok = run_child([sys.executable, str(ROOT / "tools" / "models.py"),
                               "--jobs", str(max(1, min(args.jobs, 2)))] + again,
                              signal.SIGTERM, cwd=ROOT) == 0
    mutants_ok = True
    if args.mutants or not (args.functions or args.no_mutants):
        # Last: it runs the provers again, on mutated copies of the sources.
        say("\nmutants: proofs/mutants.json (tools/mutants.py)")
        # A whole gate that proved every goal has done each killer's proof
        # of the unmutated goal already.
        whole = whole_gate(ok, args, src)
        mutants_ok = run_child([sys.executable, str(ROOT / "tools" / "mutants.py"),
                                "--jobs", str(args.jobs)] + (["--core-proved"] if whole else []),
                               signal.SIGTERM, cwd=ROOT) == 0
    say(f"Proved goals: {proved} / {total}")
    if not args.no_models and not models_ok:
        say("PROBLEM: a Spin model failed (see the Models line above)")
    if not mutants_ok:
        say("PROBLEM: a mutant survived or could not be applied (see the Mutants line above)")
    return 0 if ok and models_ok and mutants_ok else 1


if __name__ == "__main__":
    sys.exit(main())
